//! Event streams on the wire: SelectObjectContent's request against what boto3 sends,
//! and responses framed by hand (independently of the client's decoder), delivered in
//! pieces, with S3's error messages, corruption and truncation.

use s3_client::primitives::event_stream::EventStreamError;
use s3_client::types::{
    CompressionType, CsvInput, ExpressionType, FileHeaderInfo, InputSerialization, JsonOutput,
    OutputSerialization, RequestProgress, ScanRange, SelectObjectContentEventStream as Event,
};

use crate::recorder::{Plan, Step, client, ok, response, serve};

/// An event-stream message: the prelude (total and header lengths, their CRC32), string
/// headers (type 7), the payload, and the CRC32 of all that came before.
fn message(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut encoded = Vec::new();
    for (name, value) in headers {
        encoded.push(name.len() as u8);
        encoded.extend_from_slice(name.as_bytes());
        encoded.push(7);
        encoded.extend_from_slice(&(value.len() as u16).to_be_bytes());
        encoded.extend_from_slice(value.as_bytes());
    }
    let total = 12 + encoded.len() + payload.len() + 4;
    let mut out = Vec::new();
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(encoded.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&encoded);
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn event(kind: &str, payload: &[u8]) -> Vec<u8> {
    message(
        &[
            (":message-type", "event"),
            (":event-type", kind),
            (":content-type", "application/octet-stream"),
        ],
        payload,
    )
}

fn stats(name: &str, scanned: i64, returned: i64) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><{name} xmlns=\"\"><BytesScanned>{scanned}</BytesScanned><BytesProcessed>{scanned}</BytesProcessed><BytesReturned>{returned}</BytesReturned></{name}>"
    );
    event(
        if name == "Stats" { "Stats" } else { "Progress" },
        xml.as_bytes(),
    )
}

fn head() -> Vec<u8> {
    response(
        "200 OK",
        &[
            ("content-type", "application/octet-stream"),
            ("transfer-encoding", "chunked"),
        ],
        None,
        b"",
    )
}

/// `body` in HTTP chunks of `piece` bytes, so that messages arrive split.
fn chunked(body: &[u8], piece: usize) -> Vec<Step> {
    let mut steps = vec![Step::Send(head())];
    for part in body.chunks(piece) {
        let mut chunk = format!("{:x}\r\n", part.len()).into_bytes();
        chunk.extend_from_slice(part);
        chunk.extend_from_slice(b"\r\n");
        steps.push(Step::Send(chunk));
    }
    steps.push(Step::Send(b"0\r\n\r\n".to_vec()));
    steps.push(Step::Close);
    steps
}

fn select(
    client: &s3_client::Client,
) -> s3_client::operation::select_object_content::SelectObjectContentFluentBuilder {
    client
        .select_object_content()
        .bucket("bkt")
        .key("data/cities.csv")
        .expression("SELECT * FROM S3Object s WHERE s.city = 'Oslo'")
        .expression_type(ExpressionType::Sql)
        .request_progress(RequestProgress {
            enabled: Some(true),
        })
        .input_serialization(InputSerialization {
            csv: Some(CsvInput {
                file_header_info: Some(FileHeaderInfo::Use),
                ..Default::default()
            }),
            compression_type: Some(CompressionType::None),
            ..Default::default()
        })
        .output_serialization(OutputSerialization {
            json: Some(JsonOutput {
                record_delimiter: Some("\n".into()),
            }),
            ..Default::default()
        })
        .scan_range(ScanRange {
            start: Some(0),
            end: Some(1000),
        })
}

/// Every event of a stream until its end or first error (bounded).
async fn drain(
    receiver: &mut s3_client::primitives::event_stream::EventReceiver<Event>,
) -> (Vec<Event>, Option<EventStreamError>) {
    let mut events = Vec::new();
    for _ in 0..1000 {
        match receiver.recv().await {
            Ok(Some(e)) => events.push(e),
            Ok(None) => return (events, None),
            Err(e) => return (events, Some(e)),
        }
    }
    panic!("the stream did not end");
}

#[tokio::test]
async fn select_object_content_on_the_wire() {
    let good: Vec<u8> = [
        event("Records", b"{\"city\":\"Oslo\"}\n{\"ci"),
        event("Cont", b""),
        stats("Progress", 40, 20),
        event("Records", b"ty\":\"Oslo\"}\n"),
        event("Future", b"something new"),
        stats("Stats", 80, 32),
        event("End", b""),
    ]
    .concat();
    let failing: Vec<u8> = [
        event("Records", b"partial"),
        message(
            &[
                (":message-type", "error"),
                (":error-code", "CSVParsingError"),
                (":error-message", "Bad quote in line 2"),
            ],
            b"",
        ),
        event("End", b""),
    ]
    .concat();
    let mut corrupt = event("Records", b"flipped");
    let at = corrupt.len() - 6;
    corrupt[at] ^= 0x20;
    let cut = event("Records", b"never finished");
    let huge = {
        let mut m = event("Records", b"x");
        m[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        m
    };
    let bodies = [
        chunked(&good, 7),
        chunked(&failing, 1000),
        chunked(&corrupt, 1000),
        chunked(&cut[..cut.len() - 3], 1000),
        chunked(&huge, 1000),
        vec![Step::Send(ok("200 OK", &[], b"")), Step::Close],
    ];
    let server = serve(move |n, _| Plan::steps(bodies[n.min(bodies.len() - 1)].clone())).await;
    let client = client(&server.endpoint);

    let mut out = select(&client).send().await.unwrap();
    let (events, error) = drain(&mut out.payload).await;
    assert!(error.is_none(), "{error:?}");
    let records: Vec<u8> = events
        .iter()
        .filter_map(|e| e.as_records().ok())
        .flat_map(|r| r.payload().unwrap().to_vec())
        .collect();
    assert_eq!(records, b"{\"city\":\"Oslo\"}\n{\"city\":\"Oslo\"}\n");
    let names: Vec<String> = events
        .iter()
        .map(|e| format!("{e:?}").split('(').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "Records", "Cont", "Progress", "Records", "Unknown", "Stats", "End"
        ]
    );
    assert_eq!(events[4], Event::Unknown("Future".into()));
    let progress = events[2].as_progress().unwrap().details().unwrap();
    assert_eq!(
        (progress.bytes_scanned, progress.bytes_returned),
        (Some(40), Some(20))
    );
    let stats = events[5].as_stats().unwrap().details().unwrap();
    assert_eq!(
        (
            stats.bytes_scanned,
            stats.bytes_processed,
            stats.bytes_returned
        ),
        (Some(80), Some(80), Some(32))
    );
    assert!(events[6].is_end());

    // An error message ends the stream with S3's code and message; nothing follows.
    let mut out = select(&client).send().await.unwrap();
    let (events, error) = drain(&mut out.payload).await;
    assert_eq!(events.len(), 1);
    let error = error.unwrap();
    assert_eq!(error.code(), Some("CSVParsingError"));
    assert!(error.to_string().contains("Bad quote in line 2"), "{error}");
    assert!(out.payload.recv().await.unwrap().is_none());

    // A corrupted message fails its CRC; a truncated one and one claiming 4 GiB are
    // errors too, never a hang or a panic; an empty body is an empty stream.
    for what in ["checksum", "inside a message", "claims"] {
        let mut out = select(&client).send().await.unwrap();
        let (events, error) = drain(&mut out.payload).await;
        assert!(events.is_empty(), "{what}");
        let error = error.unwrap();
        assert!(
            matches!(error, EventStreamError::Unreadable(_)),
            "{what}: {error}"
        );
        let text = error.to_string();
        assert!(text.contains(what), "{what}: {text}");
    }
    let mut out = select(&client).send().await.unwrap();
    assert!(out.payload.recv().await.unwrap().is_none());

    // The request is boto3's for the same call (boto3 1.44.8, members in model order),
    // but for the record delimiter's newline: boto3 escapes CR and LF only in DeleteObjects
    // and lifecycle documents; the client escapes them in every document, so that S3's
    // line-end normalisation cannot turn a `\r\n` delimiter into `\n`.
    let requests = server.received();
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/bkt/data/cities.csv?select&select-type=2");
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        "<SelectObjectContentRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Expression>SELECT * FROM S3Object s WHERE s.city = 'Oslo'</Expression><ExpressionType>SQL</ExpressionType><RequestProgress><Enabled>true</Enabled></RequestProgress><InputSerialization><CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV><CompressionType>NONE</CompressionType></InputSerialization><OutputSerialization><JSON><RecordDelimiter>&#xA;</RecordDelimiter></JSON></OutputSerialization><ScanRange><Start>0</Start><End>1000</End></ScanRange></SelectObjectContentRequest>"
    );
    assert!(
        r.headers
            .iter()
            .all(|(n, _)| !n.starts_with("x-amz-checksum")),
        "boto3 sends no checksum: {:?}",
        r.headers
    );
}

#[tokio::test]
async fn a_select_without_its_required_members_is_refused_before_sending() {
    let server = serve(|_, _| Plan::reply(ok("200 OK", &[], b""))).await;
    let client = client(&server.endpoint);
    let err = client
        .select_object_content()
        .bucket("bkt")
        .key("k")
        .expression("SELECT 1")
        .send()
        .await
        .unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("ExpressionType"), "{text}");
    assert!(server.received().is_empty());
}
