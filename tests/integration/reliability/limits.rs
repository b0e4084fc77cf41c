//! Bounded buffering: a buffered answer larger than the limit is an error, never memory
//! without bound, and an error body is read only as far as it is useful, once per
//! attempt. A streamed body stays a stream, whatever its size.

use s3_client::SdkError;

use super::{error_doc, get, no_backoff};
use crate::recorder::{Plan, Step, client_with, ok, response, serve};

/// A 200 MB listing, declared up front.
fn huge_declared() -> Plan {
    Plan::steps(vec![
        Step::Send(response(
            "200 OK",
            &[],
            Some(200_000_000),
            b"<ListBucketResult>",
        )),
        Step::Flood {
            chunk: vec![b' '; 1 << 20],
            count: 200,
        },
    ])
}

#[tokio::test(start_paused = true)]
async fn a_buffered_answer_over_the_limit_is_refused() {
    let server = serve(|_, _| huge_declared()).await;
    let client = client_with(&server.endpoint, no_backoff);
    let err = client
        .list_objects_v2()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("larger than the 67108864-byte limit"),
        "{err}"
    );
    // Not retried: the same answer would come again.
    assert_eq!(server.received().len(), 1);

    // Without a length (chunked), reading stops at the limit.
    let server = serve(|_, _| {
        let mut head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        head.extend_from_slice(b"12\r\n<ListBucketResult>\r\n");
        let mut chunk = format!("{:x}\r\n", 1 << 20).into_bytes();
        chunk.extend_from_slice(&vec![b' '; 1 << 20]);
        chunk.extend_from_slice(b"\r\n");
        Plan::steps(vec![Step::Send(head), Step::Flood { chunk, count: 500 }])
    })
    .await;
    let client = client_with(&server.endpoint, |c| {
        no_backoff(c).max_response_size(4 << 20)
    });
    let err = client
        .list_objects_v2()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("larger than the 4194304-byte limit"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_huge_error_body_is_cut_and_the_status_still_decides() {
    let server = serve(|_, _| {
        let mut body = error_doc("InternalError", "flood follows").into_bytes();
        body.truncate(body.len() - "</Error>".len());
        Plan::steps(vec![
            Step::Send(response(
                "500 Internal Server Error",
                &[],
                Some(100_000_000),
                &body,
            )),
            Step::Flood {
                chunk: vec![b'x'; 1 << 20],
                count: 100,
            },
        ])
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let err = get(&client).await.unwrap_err();
    let meta = err.meta().unwrap();
    // What could be read of the document is kept; the status makes it transient.
    assert_eq!((meta.status(), meta.code()), (500, Some("InternalError")));
    assert_eq!(meta.note(), Some("gave up after 3 attempts"));
    assert_eq!(server.received().len(), 3);
    // Each attempt read the first 64 KiB and dropped the connection.
    assert_eq!(server.connections(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_streamed_body_has_no_limit() {
    let server = serve(|_, _| {
        Plan::steps(vec![
            Step::Send(response("200 OK", &[], Some(80 << 20), &[])),
            Step::Flood {
                chunk: vec![b'd'; 1 << 20],
                count: 80,
            },
        ])
    })
    .await;
    let client = client_with(&server.endpoint, |c| c.max_response_size(1 << 20));
    let mut object = get(&client).await.unwrap();
    let mut total = 0usize;
    while let Some(chunk) = object.body.next().await {
        total += chunk.unwrap().len();
    }
    assert_eq!(total, 80 << 20);
}

#[tokio::test(start_paused = true)]
async fn a_small_answer_is_read_as_before() {
    let server = serve(|_, _| Plan::reply(ok("200 OK", &[], super::LISTING.as_bytes()))).await;
    let client = client_with(&server.endpoint, |c| {
        c.max_response_size(super::LISTING.len() as u64)
    });
    client.list_objects_v2().bucket("b").send().await.unwrap();
}

/// A HEAD answer declares the object's size and carries no body: no limit applies.
#[tokio::test(start_paused = true)]
async fn a_head_of_a_huge_object_is_not_taken_for_a_huge_body() {
    let server = serve(|_, _| {
        Plan::reply(response(
            "200 OK",
            &[("etag", "\"abc\"")],
            Some(5 << 40),
            b"",
        ))
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let head = client
        .head_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(5 << 40));
}
