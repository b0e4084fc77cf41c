//! Timeouts and stalled-stream protection, on by default: a server that never answers,
//! or stops in the middle of a body either way, ends in an error that says so, while
//! transfers that keep moving are never cut off.

use std::time::Duration;

use s3_client::error::DispatchErrorKind;
use s3_client::primitives::ByteStream;
use s3_client::{RetryConfig, SdkError, StalledStreamProtection, TimeoutConfig};
use tokio::time::Instant;

use super::{SECOND, get, no_backoff, secs};
use crate::recorder::{Plan, Read, Step, client_with, ok, response, serve};

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_times_out_each_attempt() {
    let server = serve(|_, _| Plan::steps(vec![Step::Hang])).await;
    let client = client_with(&server.endpoint, no_backoff);
    let start = Instant::now();
    let err = client
        .head_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap_err();
    let SdkError::DispatchFailure(e) = &err else {
        panic!("expected a dispatch error, got {err:?}")
    };
    assert_eq!(e.kind(), DispatchErrorKind::Timeout);
    assert!(e.is_timeout());
    let text = err.to_string();
    assert!(
        text.contains("no response from the server within 60s"),
        "{text}"
    );
    assert!(text.contains("gave up after 3 attempts"), "{text}");
    // The default attempt timeout, three times; each retry on a fresh connection.
    assert_eq!(secs(start), 180.0);
    assert_eq!(server.received().len(), 3);
    assert_eq!(server.connections(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_caps_all_attempts() {
    let server = serve(|_, _| Plan::steps(vec![Step::Hang])).await;
    let client = client_with(&server.endpoint, |c| {
        c.retry_config(
            RetryConfig::standard()
                .with_max_attempts(5)
                .with_jitter(|| 0.0),
        )
        .attempt_timeout(Some(10 * SECOND))
        .operation_timeout(Some(25 * SECOND))
    });
    let start = Instant::now();
    let err = get(&client).await.unwrap_err();
    // 10 s, 10 s, then the 5 s the operation has left.
    assert_eq!(secs(start), 25.0);
    assert_eq!(server.received().len(), 3);
    let text = err.to_string();
    assert!(text.contains("within 5s"), "{text}");
    assert!(text.contains("operation timeout of 25s"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn a_download_that_stops_fails_with_a_stall() {
    // 100 bytes of 1,000, then silence.
    let server = serve(|_, _| {
        Plan::steps(vec![
            Step::Send(response("200 OK", &[], Some(1000), &[b'x'; 100])),
            Step::Hang,
        ])
    })
    .await;
    let client = client_with(&server.endpoint, |c| c);
    let mut object = get(&client).await.unwrap();
    let start = Instant::now();
    let first = object.body.next().await.unwrap().unwrap();
    assert_eq!(first.len(), 100);
    let err = object.body.next().await.unwrap().unwrap_err();
    let text = format!("{err}: {}", err.inner());
    assert!(text.contains("response body stalled"), "{text}");
    assert!(text.contains("fewer than the 20 bytes"), "{text}");
    // The grace period (20 s) plus one of its tenths.
    assert_eq!(secs(start), 22.0);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_slow_reader_is_not_a_stalled_server() {
    let server = serve(|_, _| Plan::reply(ok("200 OK", &[], &[b'y'; 3000]))).await;
    let client = client_with(&server.endpoint, |c| c);
    let mut object = get(&client).await.unwrap();
    let mut got = 0;
    // The reader goes away for a minute between chunks; the server did nothing wrong.
    while let Some(chunk) = object.body.next().await {
        got += chunk.unwrap().len();
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    assert_eq!(got, 3000);
}

#[tokio::test(start_paused = true)]
async fn a_long_download_that_keeps_moving_is_never_cut_off() {
    // 1 KiB every 10 s for 5 minutes: far past the attempt and operation timeouts set
    // here, and never below the minimum rate.
    let server = serve(|_, _| {
        let mut steps = vec![Step::Send(response("200 OK", &[], Some(30 * 1024), &[]))];
        for _ in 0..30 {
            steps.push(Step::Sleep(Duration::from_secs(10)));
            steps.push(Step::Send(vec![b'z'; 1024]));
        }
        Plan::steps(steps)
    })
    .await;
    let client = client_with(&server.endpoint, |c| {
        c.timeout_config(
            TimeoutConfig::new()
                .attempt_timeout(Some(5 * SECOND))
                .operation_timeout(Some(30 * SECOND)),
        )
    });
    let start = Instant::now();
    let object = get(&client).await.unwrap();
    let body = object.body.collect().await.unwrap();
    assert_eq!(body.len(), 30 * 1024);
    assert_eq!(secs(start), 300.0);
}

#[tokio::test(start_paused = true)]
async fn an_upload_the_server_stops_reading_fails_with_a_stall() {
    // The server reads the request head and then nothing: the client's writes fill the
    // socket buffers and stop.
    let server = serve(|_, _| Plan {
        read: Read::Never,
        steps: vec![Step::Hang],
    })
    .await;
    let client = client_with(&server.endpoint, no_backoff);
    let start = Instant::now();
    let err = client
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from(vec![7u8; 16 << 20]))
        .send()
        .await
        .unwrap_err();
    let SdkError::DispatchFailure(e) = &err else {
        panic!("expected a dispatch error, got {err:?}")
    };
    assert_eq!(e.kind(), DispatchErrorKind::Stalled);
    let text = err.to_string();
    assert!(text.contains("request body stalled"), "{text}");
    assert!(text.contains("gave up after 3 attempts"), "{text}");
    // Each attempt stalls once a 20 s window has passed with nothing sent.
    let elapsed = secs(start);
    assert!((60.0..=72.0).contains(&elapsed), "{elapsed}");
    assert_eq!(server.received().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_upload_that_keeps_moving_is_never_cut_off() {
    // The server reads 1 MiB a second: 16 MiB take 16 s, past the attempt timeout.
    // (What the socket buffers hold when the client has handed over the last byte is
    // read after that: the attempt timeout must cover it, and does.)
    let server = serve(|_, _| Plan {
        read: Read::Slowly {
            bytes: 1 << 20,
            every: Duration::from_secs(1),
        },
        steps: vec![Step::Send(ok("200 OK", &[("etag", "\"e\"")], b""))],
    })
    .await;
    let client = client_with(&server.endpoint, |c| c.attempt_timeout(Some(8 * SECOND)));
    let start = Instant::now();
    let out = client
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from(vec![1u8; 16 << 20]))
        .send()
        .await
        .unwrap();
    assert_eq!(out.e_tag.as_deref(), Some("\"e\""));
    assert!(secs(start) >= 12.0, "{}", secs(start));
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body.len(), 16 << 20);
}

#[tokio::test(start_paused = true)]
async fn stalled_stream_protection_can_be_turned_off() {
    let server = serve(|_, _| {
        Plan::steps(vec![
            Step::Send(response("200 OK", &[], Some(10), b"12345")),
            Step::Sleep(Duration::from_secs(600)),
            Step::Send(b"67890".to_vec()),
        ])
    })
    .await;
    let client = client_with(&server.endpoint, |c| {
        c.stalled_stream_protection(StalledStreamProtection::disabled())
    });
    let start = Instant::now();
    let object = get(&client).await.unwrap();
    assert_eq!(&object.body.collect().await.unwrap()[..], b"1234567890");
    assert_eq!(secs(start), 600.0);
}

#[tokio::test(start_paused = true)]
async fn a_per_operation_override_changes_one_request() {
    let server = serve(|_, _| Plan::steps(vec![Step::Hang])).await;
    let client = client_with(&server.endpoint, |c| c);
    let start = Instant::now();
    let err = client
        .get_object()
        .bucket("b")
        .key("k")
        .config_override(
            s3_client::Config::builder()
                .max_attempts(1)
                .attempt_timeout(Some(2 * SECOND)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("within 2s"), "{err}");
    assert_eq!(secs(start), 2.0);
    assert_eq!(server.received().len(), 1);
    // The client's own settings are untouched.
    assert_eq!(client.config().retry_config().max_attempts(), 3);
}

#[tokio::test(start_paused = true)]
async fn connecting_is_bounded_by_the_connect_timeout() {
    // A listener whose accept queue is full: the kernel drops further handshakes, so a
    // connect waits until the client gives up.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        let connect = tokio::net::TcpSocket::new_v4().unwrap().connect(addr);
        match tokio::time::timeout(Duration::from_millis(100), connect).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let client = client_with(&format!("http://{addr}"), |c| {
        no_backoff(c).connect_timeout(Duration::from_secs(2))
    });
    let start = Instant::now();
    let err = client.head_bucket().bucket("b").send().await.unwrap_err();
    let SdkError::DispatchFailure(e) = &err else {
        panic!("expected a dispatch error, got {err:?}")
    };
    assert_eq!(e.kind(), DispatchErrorKind::ConnectTimeout, "{err}");
    assert!(e.is_connect() && e.is_timeout());
    assert!(
        err.to_string().contains("could not connect within 2s"),
        "{err}"
    );
    assert_eq!(secs(start), 6.0);
    drop(fillers);
}
