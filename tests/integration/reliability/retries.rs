//! AWS standard-mode retries: what is retried, how long the client waits, the shared
//! retry quota, clock-skew correction, and bodies that can and cannot be sent twice.

use std::time::{Duration, SystemTime};

use s3_client::primitives::ByteStream;
use s3_client::types::{CompletedMultipartUpload, CompletedPart};
use s3_client::{RetryConfig, SdkError};
use tokio::time::Instant;

use super::{LISTING, error_doc, exact_backoff, get, no_backoff, secs};
use crate::recorder::{Plan, Step, client_with, ok, response, serve};

fn slow_down() -> Vec<u8> {
    ok(
        "503 Slow Down",
        &[],
        error_doc("SlowDown", "Please reduce your request rate.").as_bytes(),
    )
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_retried_with_exponential_backoff() {
    let server = serve(|n, _| match n {
        0 => Plan::reply(slow_down()),
        1 => Plan::reply(ok(
            "500 Internal Server Error",
            &[],
            error_doc("InternalError", "oops").as_bytes(),
        )),
        _ => Plan::reply(ok("200 OK", &[], LISTING.as_bytes())),
    })
    .await;
    let client = client_with(&server.endpoint, exact_backoff);
    let start = Instant::now();
    let out = client.list_objects_v2().bucket("b").send().await.unwrap();
    assert_eq!(out.key_count, Some(1));
    // Backoff 1 s, then 2 s (jitter fixed at its maximum).
    assert_eq!(secs(start), 3.0);
    let received = server.received();
    assert_eq!(received.len(), 3);
    // One invocation id for the operation, an attempt counter per request, a fresh
    // signature each time.
    let ids: Vec<_> = received
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id").unwrap().to_string())
        .collect();
    assert!(
        ids.iter().all(|id| id == &ids[0] && id.len() == 36),
        "{ids:?}"
    );
    for (i, r) in received.iter().enumerate() {
        assert_eq!(
            r.header("amz-sdk-request"),
            Some(format!("attempt={}; max=3", i + 1).as_str())
        );
        assert!(r.header("authorization").unwrap().contains("Signature="));
    }
    // A 5xx with a complete answer keeps the connection for the next attempt.
    assert_eq!(server.connections(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_storm_of_errors_ends_after_the_attempts() {
    let server = serve(|_, _| Plan::reply(slow_down())).await;
    let client = client_with(&server.endpoint, no_backoff);
    let err = client.head_bucket().bucket("b").send().await.unwrap_err();
    let meta = err.meta().unwrap();
    assert_eq!(
        (meta.status(), meta.code()),
        (503, Some("ServiceUnavailable"))
    );
    assert_eq!(meta.note(), Some("gave up after 3 attempts"));
    assert_eq!(server.received().len(), 3);

    // With a body, the code comes from the error document.
    let err = get(&client).await.unwrap_err();
    assert_eq!(err.meta().unwrap().code(), Some("SlowDown"));
    assert_eq!(server.received().len(), 6);
}

#[tokio::test(start_paused = true)]
async fn permanent_errors_are_not_retried() {
    let server = serve(|_, _| {
        Plan::reply(ok(
            "403 Forbidden",
            &[],
            error_doc("AccessDenied", "no").as_bytes(),
        ))
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let err = get(&client).await.unwrap_err();
    assert_eq!(err.meta().unwrap().code(), Some("AccessDenied"));
    assert_eq!(err.meta().unwrap().note(), None);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_retry_quota_stops_retries_in_an_outage_and_refills() {
    let healthy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = healthy.clone();
    let server = serve(move |_, _| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            Plan::reply(ok("200 OK", &[], b""))
        } else {
            Plan::reply(slow_down())
        }
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    // 500 tokens, 5 per retry: 50 failing operations of 3 attempts spend them all.
    for _ in 0..50 {
        client.head_bucket().bucket("b").send().await.unwrap_err();
    }
    assert_eq!(server.received().len(), 150);
    let err = client.head_bucket().bucket("b").send().await.unwrap_err();
    assert!(
        err.meta()
            .unwrap()
            .note()
            .unwrap()
            .contains("retry quota is spent"),
        "{err}"
    );
    assert_eq!(server.received().len(), 151);
    // Successes give tokens back: one per request that needed no retry.
    healthy.store(true, std::sync::atomic::Ordering::SeqCst);
    for _ in 0..5 {
        client.head_bucket().bucket("b").send().await.unwrap();
    }
    healthy.store(false, std::sync::atomic::Ordering::SeqCst);
    let before = server.received().len();
    client.head_bucket().bucket("b").send().await.unwrap_err();
    // 5 tokens: exactly one retry.
    assert_eq!(server.received().len() - before, 2);

    // Without the quota, every request retries.
    let unlimited = client_with(&server.endpoint, |c| {
        c.retry_config(
            RetryConfig::standard()
                .with_jitter(|| 0.0)
                .with_retry_quota(false),
        )
    });
    let before = server.received().len();
    for _ in 0..60 {
        unlimited
            .head_bucket()
            .bucket("b")
            .send()
            .await
            .unwrap_err();
    }
    assert_eq!(server.received().len() - before, 180);
}

#[tokio::test(start_paused = true)]
async fn x_amz_retry_after_is_honoured_within_bounds() {
    let server = serve(|n, _| match n {
        0 => Plan::reply(ok(
            "503 Slow Down",
            &[("x-amz-retry-after", "3000")],
            error_doc("SlowDown", "wait").as_bytes(),
        )),
        1 => Plan::reply(ok(
            "503 Slow Down",
            &[("x-amz-retry-after", "600000")],
            error_doc("SlowDown", "wait").as_bytes(),
        )),
        _ => Plan::reply(ok("200 OK", &[], b"")),
    })
    .await;
    // No jitter: the computed backoff is 0, so the waits are the server's, capped at 5 s.
    let client = client_with(&server.endpoint, no_backoff);
    let start = Instant::now();
    client.head_bucket().bucket("b").send().await.unwrap();
    assert_eq!(secs(start), 3.0 + 5.0);
    assert_eq!(server.received().len(), 3);
}

fn amz_date(r: &crate::recorder::Recorded) -> SystemTime {
    let text = r.header("x-amz-date").unwrap();
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    let dt = s3_client::primitives::DateTime::from_str(
        &iso,
        s3_client::primitives::DateTimeFormat::DateTime,
    )
    .unwrap();
    SystemTime::try_from(dt).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_skewed_clock_is_corrected_from_the_server_date() {
    // The server's clock is an hour ahead of ours.
    let server_now = SystemTime::now() + Duration::from_secs(3600);
    let date = s3_client::primitives::DateTime::from(server_now)
        .fmt(s3_client::primitives::DateTimeFormat::HttpDate)
        .unwrap();
    let server = serve(move |n, _| match n {
        0 => Plan::reply(ok(
            "403 Forbidden",
            &[("date", &date)],
            error_doc(
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
            )
            .as_bytes(),
        )),
        _ => Plan::reply(ok("200 OK", &[], b"")),
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    // (A HEAD answer has no body to name the error, so these are DELETEs.)
    client
        .delete_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap();
    client
        .delete_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 3);
    let skew = |r| {
        amz_date(r)
            .duration_since(SystemTime::now())
            .unwrap_or_default()
    };
    assert!(skew(&received[0]) < Duration::from_secs(60));
    // The retry, and every later request, is signed with the server's time.
    for r in &received[1..] {
        let s = skew(r);
        assert!(
            s > Duration::from_secs(3540) && s < Duration::from_secs(3660),
            "{s:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_reset_while_reading_a_buffered_answer_is_retried_on_a_new_connection() {
    let server = serve(|n, _| match n {
        0 => Plan::steps(vec![
            Step::Send(response(
                "200 OK",
                &[],
                Some(LISTING.len()),
                &LISTING.as_bytes()[..40],
            )),
            Step::Reset,
        ]),
        _ => Plan::reply(ok("200 OK", &[], LISTING.as_bytes())),
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let out = client.list_objects_v2().bucket("b").send().await.unwrap();
    assert_eq!(out.contents.unwrap()[0].key.as_deref(), Some("k"));
    assert_eq!(server.received().len(), 2);
    assert_eq!(server.connections(), 2);
}

#[tokio::test(start_paused = true)]
async fn fewer_bytes_than_the_content_length_is_retried_or_an_error() {
    // Buffered: retried.
    let server = serve(|n, _| match n {
        0 => Plan::steps(vec![
            Step::Send(response(
                "200 OK",
                &[],
                Some(LISTING.len() + 100),
                LISTING.as_bytes(),
            )),
            Step::Close,
        ]),
        _ => Plan::reply(ok("200 OK", &[], LISTING.as_bytes())),
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    client.list_objects_v2().bucket("b").send().await.unwrap();
    assert_eq!(server.received().len(), 2);

    // Streamed: the reader gets the bytes that came, then an error, never a short body
    // that looks whole.
    let short = serve(|_, _| {
        Plan::steps(vec![
            Step::Send(response("200 OK", &[], Some(100), &[b'a'; 60])),
            Step::Close,
        ])
    })
    .await;
    let client = client_with(&short.endpoint, |c| c);
    let object = get(&client).await.unwrap();
    let err = object.body.collect().await.unwrap_err();
    assert!(
        format!("{err}: {}", err.inner()).contains("broke off"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn more_bytes_than_the_content_length_are_not_taken_as_the_next_answer() {
    let server = serve(|n, _| match n {
        0 => Plan::reply(response(
            "200 OK",
            &[],
            Some(5),
            b"12345HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nevil",
        )),
        _ => Plan::reply(ok("200 OK", &[], b"second")),
    })
    .await;
    let client = client_with(&server.endpoint, |c| c);
    let first = client
        .get_object()
        .bucket("b")
        .key("a")
        .send()
        .await
        .unwrap();
    assert_eq!(&first.body.collect().await.unwrap()[..], b"12345");
    let second = client
        .get_object()
        .bucket("b")
        .key("b")
        .send()
        .await
        .unwrap();
    assert_eq!(&second.body.collect().await.unwrap()[..], b"second");
    assert_eq!(server.received().len(), 2);
}

fn complete_upload(
    client: &s3_client::Client,
) -> s3_client::operation::complete_multipart_upload::CompleteMultipartUploadFluentBuilder {
    client
        .complete_multipart_upload()
        .bucket("b")
        .key("k")
        .upload_id("u1")
        .multipart_upload(CompletedMultipartUpload {
            parts: Some(vec![CompletedPart {
                e_tag: Some("\"e1\"".into()),
                part_number: Some(1),
                ..Default::default()
            }]),
        })
}

const COMPLETED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"done-1\"</ETag></CompleteMultipartUploadResult>";

#[tokio::test(start_paused = true)]
async fn an_empty_or_cut_off_200_where_xml_is_due_is_retried() {
    let server = serve(|n, _| match n {
        0 => Plan::reply(ok("200 OK", &[], b"")),
        1 => Plan::reply(ok("200 OK", &[], &COMPLETED.as_bytes()[..50])),
        _ => Plan::reply(ok("200 OK", &[], COMPLETED.as_bytes())),
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let out = complete_upload(&client).send().await.unwrap();
    assert_eq!(out.e_tag.as_deref(), Some("\"done-1\""));
    let received = server.received();
    assert_eq!(received.len(), 3);
    // The same document each time.
    assert!(
        received
            .iter()
            .all(|r| r.body == received[0].body && !r.body.is_empty())
    );

    // When it never comes, the error says what came instead.
    let empty = serve(|_, _| Plan::reply(ok("200 OK", &[], b"   "))).await;
    let client = client_with(&empty.endpoint, no_backoff);
    let err = complete_upload(&client).send().await.unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("an empty body where an XML document was due"),
        "{err}"
    );
    assert_eq!(empty.received().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_error_inside_a_200_is_retried() {
    let server = serve(|n, _| match n {
        0 => Plan::reply(ok("200 OK", &[], error_doc("InternalError", "We encountered an internal error.").as_bytes())),
        _ => Plan::reply(ok("200 OK", &[], b"<CopyObjectResult><ETag>\"c\"</ETag><LastModified>2026-12-02T10:00:00.000Z</LastModified></CopyObjectResult>")),
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let out = client
        .copy_object()
        .bucket("b")
        .key("k")
        .copy_source("src/k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.copy_object_result.unwrap().e_tag.as_deref(),
        Some("\"c\"")
    );
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_file_body_is_reopened_and_resent() {
    let path = std::env::temp_dir().join(format!("s3-client-resend-{}", std::process::id()));
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let server = serve(|n, _| match n {
        0 => Plan::reply(slow_down()),
        _ => Plan::reply(ok("200 OK", &[("etag", "\"f\"")], b"")),
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let body = ByteStream::from_path(&path).await.unwrap();
    client
        .put_object()
        .bucket("b")
        .key("k")
        .body(body)
        .send()
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 2);
    // Each attempt reads the file again and sends it whole, its checksum trailing.
    let trailer = format!(
        "x-amz-checksum-crc32:{}\r\n\r\n",
        crate::checksums::crc32(&data)
    );
    for r in &received {
        crate::checksums::assert_aws_chunked(r, &data, "CRC32", &trailer);
    }
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_one_shot_stream_is_never_resent_and_the_error_says_why() {
    let server = serve(|_, _| Plan::reply(slow_down())).await;
    let client = client_with(&server.endpoint, no_backoff);
    let chunks =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"once"))]);
    let err = client
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from_stream(chunks, Some(4)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().code(), Some("SlowDown"));
    let note = err.meta().unwrap().note().unwrap();
    assert!(note.contains("one-shot stream"), "{note}");
    assert!(err.to_string().contains("one-shot stream"), "{err}");
    assert_eq!(server.received().len(), 1);
    let trailer = format!(
        "x-amz-checksum-crc32:{}\r\n\r\n",
        crate::checksums::crc32(b"once")
    );
    crate::checksums::assert_aws_chunked(&server.received()[0], b"once", "CRC32", &trailer);
}

#[tokio::test(start_paused = true)]
async fn an_error_page_that_is_not_xml_still_has_a_code() {
    let server = serve(|_, _| {
        Plan::reply(ok(
            "502 Bad Gateway",
            &[("content-type", "text/html")],
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        ))
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let err = get(&client).await.unwrap_err();
    let meta = err.meta().unwrap();
    assert_eq!((meta.status(), meta.code()), (502, Some("502")));
    assert!(meta.message().unwrap().contains("not an S3 error document"));
    assert_eq!(server.received().len(), 3);
}

/// Virtual seconds a GetObject takes against three throttles and then a success, with no
/// backoff, under `retry`.
async fn time_through_throttles(retry: RetryConfig) -> f64 {
    let server = serve(|n, _| match n {
        0..3 => Plan::reply(slow_down()),
        _ => Plan::reply(ok("200 OK", &[], b"")),
    })
    .await;
    let client = client_with(&server.endpoint, |c| {
        c.retry_config(retry.with_jitter(|| 0.0).with_max_attempts(4))
    });
    let start = Instant::now();
    get(&client).await.unwrap();
    assert_eq!(server.received().len(), 4);
    secs(start)
}

#[tokio::test(start_paused = true)]
async fn adaptive_mode_slows_down_after_throttling() {
    // With no backoff, standard mode sends again at once; adaptive mode's client-side
    // rate limiter makes the client wait anyway.
    assert_eq!(time_through_throttles(RetryConfig::standard()).await, 0.0);
    let adaptive = time_through_throttles(RetryConfig::adaptive()).await;
    assert!(adaptive > 0.0, "{adaptive}");
}
