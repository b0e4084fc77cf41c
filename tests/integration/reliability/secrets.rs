//! Secrets (the secret key, the session token, SSE-C keys and their digests, signatures)
//! appear in no log line at any level, no `Debug` and no error; what the logs do carry is
//! what an operator needs: operation, bucket, attempt, status, request id, decisions.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use s3_client::Credentials;
use s3_client::presigning::PresigningConfig;
use s3_client::primitives::ByteStream;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use super::error_doc;
use crate::recorder::{Plan, client_with, ok, serve};

/// A subscriber that keeps every span field and event, at every level, as text.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Capture {
    fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\n[span {}]", span.metadata().name());
        span.record(&mut Fields(&mut text));
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push_str("\n[record]");
        values.record(&mut Fields(&mut text));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = self.text.lock().unwrap();
        let _ = write!(
            text,
            "\n[{} {}]",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Fields(&mut text));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn secrets_reach_no_log_no_debug_and_no_error() {
    // While only one dispatcher is registered, tracing decides whether a callsite is
    // wanted by asking the default dispatcher of the thread that meets it first, and caches
    // the answer for every thread: a client callsite first met by a test on another thread
    // would stay unwanted here. With a second one registered it asks them all.
    let _second = tracing::Dispatch::new(Capture::default());
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    tracing::callsite::rebuild_interest_cache();

    let server = serve(|n, _| match n {
        0 => Plan::reply(ok(
            "503 Slow Down",
            &[("x-amz-request-id", "RID-503")],
            error_doc("SlowDown", "slow").as_bytes(),
        )),
        _ => Plan::reply(ok(
            "200 OK",
            &[("x-amz-request-id", "RID-200"), ("etag", "\"e\"")],
            b"",
        )),
    })
    .await;
    let (secret, token) = ("SECRET-ACCESS-KEY-0123456789", "SESSION-TOKEN-9876543210");
    let client = client_with(&server.endpoint, |c| {
        super::no_backoff(c).credentials(Credentials::new(
            "AKID",
            secret,
            Some(token.into()),
            None,
            "t",
        ))
    });
    let key = [42u8; 32];
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let key_b64 = b64(&key);
    let key_md5 = {
        use md5::Digest;
        b64(&md5::Md5::digest(key))
    };

    let request = client
        .put_object()
        .bucket("bucket")
        .key("k")
        .sse_customer_algorithm("AES256")
        .sse_customer_key(key.to_vec())
        .body(ByteStream::from_static(b"data"));
    let shown_request = format!("{request:?}");
    request.send().await.unwrap();

    // A secret header value that cannot be sent is refused without being shown.
    let err = client
        .get_object()
        .bucket("bucket")
        .key("k")
        .sse_customer_key_md5("bad\nMD5-SECRET")
        .send()
        .await
        .unwrap_err();
    let shown_error = format!("{err} {err:?}");
    assert!(
        shown_error.contains("secret value, not shown"),
        "{shown_error}"
    );

    let presigned = client
        .get_object()
        .bucket("bucket")
        .key("k")
        .sse_customer_algorithm("AES256")
        .sse_customer_key(key.to_vec())
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
        .await
        .unwrap();
    let signature = presigned
        .uri()
        .split("X-Amz-Signature=")
        .nth(1)
        .unwrap()
        .to_string();
    let shown_presigned = format!("{presigned:?}");

    let received = server.received();
    assert_eq!(received.len(), 2);
    // The server did get them; nothing else did.
    assert_eq!(
        received[1].header("x-amz-server-side-encryption-customer-key"),
        Some(key_b64.as_str())
    );
    assert_eq!(received[1].header("x-amz-security-token"), Some(token));
    let auth_signature = received[1]
        .header("authorization")
        .unwrap()
        .split("Signature=")
        .nth(1)
        .unwrap()
        .to_string();

    let logs = capture.text();
    // The logs say what happened...
    for expected in [
        "s3_operation",
        "operation=\"PutObject\"",
        "bucket=\"bucket\"",
        "attempt=1",
        "attempt=2",
        "status=503",
        "request_id=\"RID-200\"",
        "retrying",
    ] {
        assert!(
            logs.contains(expected),
            "{expected} missing from the logs:{logs}"
        );
    }
    // ...and none of the secrets.
    for (what, shown) in [
        ("logs", &logs),
        ("request Debug", &shown_request),
        ("error", &shown_error),
        ("presigned Debug", &shown_presigned),
    ] {
        for secret in [
            key_b64.as_str(),
            key_md5.as_str(),
            secret,
            token,
            auth_signature.as_str(),
            signature.as_str(),
            "MD5-SECRET",
        ] {
            assert!(
                !shown.contains(secret),
                "{what} shows a secret ({secret}):\n{shown}"
            );
        }
    }
}
