//! Generated waiters against the in-process s3s-fs server, with short delays.

use std::time::Duration;

use s3_client::Client;
use s3_client::error::WaiterErrorKind;
use s3_client::primitives::ByteStream;

use crate::setup;

const FAST: Duration = Duration::from_millis(50);
const LONG: Duration = Duration::from_secs(20);

#[tokio::test]
async fn bucket_waiters() {
    let (_server, client) = setup("waits").await;
    let found = client
        .wait_until_bucket_exists()
        .bucket("waits")
        .delay(FAST)
        .wait(LONG)
        .await
        .unwrap();
    assert!(
        found.is_some(),
        "a successful HeadBucket ends the wait with its output"
    );
    let gone = client
        .wait_until_bucket_not_exists()
        .bucket("never-created")
        .delay(FAST)
        .wait(LONG)
        .await
        .unwrap();
    assert!(gone.is_none(), "a 404 ends the wait without an output");

    // A bucket that goes away while we wait.
    let deleter = client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        deleter
            .delete_bucket()
            .bucket("waits")
            .send()
            .await
            .unwrap();
    });
    // BucketNotExists has no retry acceptor: a 200 is not matched, so it waits.
    client
        .wait_until_bucket_not_exists()
        .bucket("waits")
        .delay(FAST)
        .max_attempts(100)
        .wait(LONG)
        .await
        .unwrap();
}

#[tokio::test]
async fn object_waiters_succeed_when_the_state_arrives() {
    let (_server, client) = setup("objwaits").await;
    let writer = client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        writer
            .put_object()
            .bucket("objwaits")
            .key("late")
            .body(ByteStream::from_static(b"here"))
            .send()
            .await
            .unwrap();
    });
    let out = client
        .wait_until_object_exists()
        .bucket("objwaits")
        .key("late")
        .delay(FAST)
        .max_attempts(100)
        .wait(LONG)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.content_length, Some(4));

    let deleter = client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        deleter
            .delete_object()
            .bucket("objwaits")
            .key("late")
            .send()
            .await
            .unwrap();
    });
    client
        .wait_until_object_not_exists()
        .bucket("objwaits")
        .key("late")
        .delay(FAST)
        .max_attempts(100)
        .wait(LONG)
        .await
        .unwrap();
}

#[tokio::test]
async fn object_waiters_time_out_with_what_happened() {
    let (_server, client) = setup("timeouts").await;
    let err = client
        .wait_until_object_exists()
        .bucket("timeouts")
        .key("never")
        .delay(FAST)
        .max_attempts(3)
        .wait(LONG)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.waiter(), err.attempts()),
        (WaiterErrorKind::TimedOut, "ObjectExists", 3)
    );
    assert!(err.last_response().starts_with("HTTP 404"), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("ObjectExists") && text.contains("3 attempt(s)") && text.contains("404"),
        "{text}"
    );

    // The time allowed caps the attempts too.
    let started = std::time::Instant::now();
    let err = client
        .wait_until_object_exists()
        .bucket("timeouts")
        .key("never")
        .delay(Duration::from_millis(100))
        .max_attempts(1000)
        .wait(Duration::from_millis(350))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::TimedOut);
    assert!((2..=4).contains(&err.attempts()), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // An error no acceptor expects (bad credentials: 403 on HEAD is not an ObjectExists
    // acceptor) stops at once.
    let server = s3_client_tests::LocalS3::start().await.unwrap();
    let wrong = Client::new(
        server
            .config()
            .credentials(s3_client::Credentials::new(
                "AKIDWRONG",
                "nope",
                None,
                None,
                "t",
            ))
            .build(),
    );
    let err = wrong
        .wait_until_object_exists()
        .bucket("timeouts")
        .key("never")
        .delay(FAST)
        .wait(LONG)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.attempts()),
        (WaiterErrorKind::Unexpected, 1)
    );
}

#[test]
fn waiter_names_come_from_the_model() {
    assert_eq!(
        Client::waiter_names(),
        [
            "bucket_exists",
            "bucket_not_exists",
            "object_exists",
            "object_not_exists"
        ]
    );
}
