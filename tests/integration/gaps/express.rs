//! S3 Express One Zone, which moto lacks, on the recording server: directory-bucket
//! requests signed with a session from CreateSession (created once, cached, replaced
//! before it expires), the operations that keep the caller's credentials, and
//! ListDirectoryBuckets with its paginator, against what boto3 1.44.8 sends for the same
//! calls.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::TryStreamExt;
use s3_client::Client;
use s3_client::presigning::PresigningConfig;
use s3_client::primitives::{ByteStream, DateTime, DateTimeFormat};
use s3_client::types::SessionMode;

use crate::recorder::{Plan, Recorded, Recorder, client_with, ok, serve};

const BUCKET: &str = "mybucket--usw2-az1--x-s3";

/// CreateSession's answer, as S3 writes it, for a session that lasts `lifetime`.
fn session(n: u64, lifetime: Duration) -> Vec<u8> {
    let expiry = DateTime::from(SystemTime::now() + lifetime)
        .fmt(DateTimeFormat::DateTime)
        .unwrap();
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><CreateSessionResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Credentials><SessionToken>sesstoken{n}</SessionToken><SecretAccessKey>sesssecret</SecretAccessKey><AccessKeyId>ASIASESSION{n}</AccessKeyId><Expiration>{expiry}</Expiration></Credentials></CreateSessionResult>"#
    );
    ok(
        "200 OK",
        &[("content-type", "application/xml")],
        body.as_bytes(),
    )
}

/// A recording server that answers CreateSession with sessions lasting `lifetime`,
/// numbered from 1, and everything else with `200 OK`.
async fn store(lifetime: Duration) -> Recorder {
    let made = Arc::new(AtomicU64::new(0));
    serve(move |_, r: &Recorded| {
        if r.target.ends_with("?session") {
            Plan::reply(session(made.fetch_add(1, Ordering::SeqCst) + 1, lifetime))
        } else if r.header("x-amz-copy-source").is_some() {
            Plan::reply(ok(
                "200 OK",
                &[],
                b"<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>",
            ))
        } else if r.target.ends_with("?policy") {
            Plan::reply(ok("200 OK", &[], br#"{"Version":"2012-10-17"}"#))
        } else {
            Plan::reply(ok("200 OK", &[], b"hello"))
        }
    })
    .await
}

/// A client for `server` under the host name `store.test`, in us-west-2, with
/// temporary credentials (so a security token is there to be replaced).
fn store_client(
    server: &Recorder,
    adjust: impl FnOnce(s3_client::ConfigBuilder) -> s3_client::ConfigBuilder,
) -> Client {
    let addr: SocketAddr = server
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let endpoint = format!("http://store.test:{}", addr.port());
    client_with(&endpoint, |c| {
        adjust(
            c.region("us-west-2")
                .credentials(s3_client::Credentials::new(
                    "AKID",
                    "SECRET",
                    Some("basetoken".into()),
                    None,
                    "test",
                ))
                .resolve(format!("{BUCKET}.store.test"), addr)
                .resolve("store.test", addr),
        )
    })
}

/// The access key and service of a request's signature.
fn signer(r: &Recorded) -> (String, String) {
    let auth = r.header("authorization").unwrap();
    let credential = auth
        .split("Credential=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let parts: Vec<&str> = credential.split('/').collect();
    assert_eq!(parts[2], "us-west-2", "{auth}");
    (parts[0].to_string(), parts[3].to_string())
}

fn signed_headers(r: &Recorded) -> Vec<String> {
    let auth = r.header("authorization").unwrap();
    let list = auth
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    list.split(';').map(str::to_string).collect()
}

/// SigV4 written out from its specification, independent of the client's signer.
const SIGV4: &str = r#"
import hashlib, hmac, json, sys
r = json.load(sys.stdin)
h = {k.lower(): v for k, v in r["headers"]}
path, _, query = r["target"].partition("?")
pairs = sorted((p.split("=", 1) + [""])[:2] for p in query.split("&") if p)
canonical = "\n".join([
    r["method"], path, "&".join(f"{k}={v}" for k, v in pairs),
    "".join(f"{n}:{' '.join(h[n].split())}\n" for n in r["signed"]),
    ";".join(r["signed"]), h["x-amz-content-sha256"]])
date = h["x-amz-date"]
scope = f"{date[:8]}/us-west-2/s3express/aws4_request"
to_sign = "\n".join(["AWS4-HMAC-SHA256", date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
key = ("AWS4" + r["secret"]).encode()
for part in (date[:8], "us-west-2", "s3express", "aws4_request"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
print(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest())
"#;

/// Checks that `r`'s signature is the one `secret` makes.
fn signed_with(r: &Recorded, secret: &str) {
    let input = serde_json::json!({
        "method": r.method, "target": r.target, "headers": r.headers,
        "signed": signed_headers(r), "secret": secret,
    });
    let expected = crate::venv_python(SIGV4, input.to_string().as_bytes());
    let auth = r.header("authorization").unwrap();
    let signature = auth.split("Signature=").nth(1).unwrap();
    assert_eq!(
        signature,
        expected.trim(),
        "{} signed with another key",
        r.target
    );
}

/// Signed with the caller's own credentials, for S3 Express.
fn own(r: &Recorded) {
    signed_with(r, "SECRET");
    assert_eq!(
        signer(r),
        ("AKID".into(), "s3express".into()),
        "{}",
        r.target
    );
    assert_eq!(r.header("x-amz-security-token"), Some("basetoken"));
    assert_eq!(r.header("x-amz-s3session-token"), None);
}

/// Signed with session `n`: its key, its token in `x-amz-s3session-token` (signed), and
/// no `x-amz-security-token`.
fn in_session(r: &Recorded, n: u64) {
    assert_eq!(
        signer(r),
        (format!("ASIASESSION{n}"), "s3express".into()),
        "{}",
        r.target
    );
    assert_eq!(
        r.header("x-amz-s3session-token"),
        Some(format!("sesstoken{n}").as_str())
    );
    assert_eq!(r.header("x-amz-security-token"), None);
    assert!(signed_headers(r).contains(&"x-amz-s3session-token".to_string()));
    signed_with(r, "sesssecret");
}

#[tokio::test]
async fn directory_bucket_requests_are_signed_with_one_cached_session_as_boto3_signs_them() {
    let server = store(Duration::from_secs(300)).await;
    let client = store_client(&server, |c| c);
    client
        .put_object()
        .bucket(BUCKET)
        .key("k/a b")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    let got = client
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        &got.body.collect().await.unwrap().into_bytes()[..],
        b"hello"
    );
    client
        .copy_object()
        .bucket(BUCKET)
        .key("k2")
        .copy_source(format!("{BUCKET}/k"))
        .send()
        .await
        .unwrap();
    client
        .get_bucket_policy()
        .bucket(BUCKET)
        .send()
        .await
        .unwrap();
    // CreateSession itself, as a program may call it: the caller's credentials, the mode
    // header, the credentials read back and their secrets kept out of `Debug`.
    let made = client
        .create_session()
        .bucket(BUCKET)
        .session_mode(SessionMode::ReadOnly)
        .send()
        .await
        .unwrap();
    let credentials = made.credentials.as_ref().unwrap();
    assert_eq!(credentials.access_key_id.as_deref(), Some("ASIASESSION2"));
    assert!(credentials.expiration.is_some());
    let shown = format!("{made:?}");
    assert!(
        !shown.contains("sesssecret") && !shown.contains("sesstoken2"),
        "{shown}"
    );

    let sent = server.received();
    let targets: Vec<(&str, &str)> = sent
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str()))
        .collect();
    // boto3's order: a session first, then the calls; one session serves them all.
    assert_eq!(
        targets,
        [
            ("GET", "/?session"),
            ("PUT", "/k/a%20b"),
            ("GET", "/k"),
            ("PUT", "/k2"),
            ("GET", "/?policy"),
            ("GET", "/?session"),
        ]
    );
    assert_eq!(
        sent[5].header("x-amz-create-session-mode"),
        Some("ReadOnly")
    );
    own(&sent[5]);
    for r in &sent {
        assert_eq!(
            r.header("host"),
            Some(
                format!(
                    "{BUCKET}.store.test:{}",
                    server.endpoint.rsplit(':').next().unwrap()
                )
                .as_str()
            )
        );
    }
    // CreateSession and CopyObject: the caller's credentials, as boto3 signs them.
    own(&sent[0]);
    own(&sent[3]);
    assert_eq!(
        sent[3].header("x-amz-copy-source"),
        Some(format!("{BUCKET}/k").as_str())
    );
    // PutObject and GetObject: the session, over the headers boto3 signs.
    in_session(&sent[1], 1);
    in_session(&sent[2], 1);
    let signed = signed_headers(&sent[1]);
    for boto3 in "host;x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date;x-amz-s3session-token;x-amz-sdk-checksum-algorithm".split(';') {
        assert!(signed.contains(&boto3.to_string()), "{boto3} is not signed: {signed:?}");
    }
    // The deliberate difference: GetBucketPolicy is a control operation, which boto3 signs
    // with a session when the endpoint is not AWS's (on AWS it goes to the control
    // endpoint with the caller's credentials). We sign it as on AWS, because a session is
    // for an existing bucket and CreateBucket, the first control call, has none yet.
    own(&sent[4]);

    // A presigned URL carries the session, as boto3 writes it.
    let url = client
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
        .await
        .unwrap()
        .uri()
        .to_string();
    assert!(url.contains("X-Amz-Credential=ASIASESSION1%2F"), "{url}");
    assert!(
        url.contains("%2Fus-west-2%2Fs3express%2Faws4_request"),
        "{url}"
    );
    assert!(url.contains("&X-Amz-S3session-Token=sesstoken1"), "{url}");
    assert!(!url.contains("X-Amz-Security-Token"), "{url}");
    assert_eq!(server.received().len(), 6, "the session was reused");
}

#[tokio::test]
async fn concurrent_requests_share_one_session_and_an_expiring_one_is_replaced() {
    // Sixteen requests at once, one CreateSession.
    let server = store(Duration::from_secs(300)).await;
    let client = store_client(&server, |c| c);
    let puts = (0..16).map(|i| {
        client
            .put_object()
            .bucket(BUCKET)
            .key(format!("k{i}"))
            .body(ByteStream::from_static(b"x"))
            .send()
    });
    futures_util::future::try_join_all(puts).await.unwrap();
    let sessions = |s: &Recorder| {
        s.targets()
            .iter()
            .filter(|t| t.ends_with("?session"))
            .count()
    };
    assert_eq!(sessions(&server), 1);

    // A session with less than a minute left is not used: each request makes a new one.
    let server = store(Duration::from_secs(30)).await;
    let client = store_client(&server, |c| c);
    for _ in 0..2 {
        client
            .head_object()
            .bucket(BUCKET)
            .key("k")
            .send()
            .await
            .unwrap();
    }
    let sent = server.received();
    assert_eq!(sessions(&server), 2);
    in_session(&sent[1], 1);
    in_session(&sent[3], 2);
}

/// The error of a GetObject on `bucket` at `server`, with its causes.
async fn get_error(server: &Recorder, bucket: &str) -> String {
    let err = store_client(server, |c| c)
        .get_object()
        .bucket(bucket)
        .key("k")
        .send()
        .await
        .unwrap_err();
    s3_client::error::DisplayErrorContext(&err).to_string()
}

#[tokio::test]
async fn a_failed_or_malformed_session_fails_the_request_before_it_is_sent() {
    let denied = serve(|_, _| {
        Plan::reply(ok(
            "403 Forbidden",
            &[("content-type", "application/xml")],
            b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>",
        ))
    })
    .await;
    let text = get_error(&denied, BUCKET).await;
    assert!(
        text.contains(&format!("session for bucket \"{BUCKET}\"")),
        "{text}"
    );
    assert!(text.contains("AccessDenied"), "{text}");
    assert_eq!(
        denied.targets(),
        ["/?session"],
        "only CreateSession was sent"
    );

    let no_token = serve(|_, _| {
        Plan::reply(ok(
            "200 OK",
            &[],
            b"<CreateSessionResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></CreateSessionResult>",
        ))
    })
    .await;
    let text = get_error(&no_token, BUCKET).await;
    assert!(text.contains("no SessionToken"), "{text}");
    assert_eq!(no_token.targets(), ["/?session"]);

    // A name that is not a directory bucket's, though it ends like one: refused.
    let text = get_error(&no_token, "x--x-s3").await;
    assert!(
        text.contains("\"x--x-s3\" is not a valid directory bucket name"),
        "{text}"
    );
    assert_eq!(no_token.targets().len(), 1);
}

#[tokio::test]
async fn session_auth_can_be_turned_off_and_directory_buckets_are_listed_by_page() {
    let server = store(Duration::from_secs(300)).await;
    let plain = store_client(&server, |c| c.disable_s3_express_session_auth(true));
    plain
        .put_object()
        .bucket(BUCKET)
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let sent = server.received();
    assert_eq!(sent.len(), 1, "no session");
    own(&sent[0]);

    // Two pages of directory buckets, at the endpoint itself, signed for S3 Express.
    let pages = serve(|n, _| {
        let body: &[u8] = if n == 0 {
            b"<ListAllMyDirectoryBucketsResult><Buckets><Bucket><Name>a--usw2-az1--x-s3</Name><BucketRegion>us-west-2</BucketRegion></Bucket></Buckets><ContinuationToken>t/1=</ContinuationToken></ListAllMyDirectoryBucketsResult>"
        } else {
            b"<ListAllMyDirectoryBucketsResult><Buckets><Bucket><Name>b--usw2-az1--x-s3</Name><CreationDate>2026-12-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyDirectoryBucketsResult>"
        };
        Plan::reply(ok("200 OK", &[("content-type", "application/xml")], body))
    })
    .await;
    let names: Vec<String> = store_client(&pages, |c| c)
        .list_directory_buckets()
        .into_paginator()
        .page_size(1)
        .items()
        .map_ok(|b| b.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a--usw2-az1--x-s3", "b--usw2-az1--x-s3"]);
    let sent = pages.received();
    // As boto3 sends them: `GET /?max-directory-buckets=1`, then with the token.
    assert_eq!(sent[0].target, "/?max-directory-buckets=1");
    assert_eq!(
        sent[1].target,
        "/?continuation-token=t%2F1%3D&max-directory-buckets=1"
    );
    assert_eq!(
        sent[0].header("host"),
        Some(format!("store.test:{}", pages.endpoint.rsplit(':').next().unwrap()).as_str())
    );
    for r in &sent {
        own(r);
    }
}

#[tokio::test]
async fn on_aws_directory_buckets_go_to_zonal_and_control_endpoints() {
    // As boto3 1.44.8 addresses them (session auth off, so nothing is sent).
    let client = Client::new(
        s3_client::Config::builder()
            .region("us-west-2")
            .credentials(s3_client::Credentials::new(
                "AKID", "SECRET", None, None, "test",
            ))
            .disable_s3_express_session_auth(true)
            .build(),
    );
    let presign = || PresigningConfig::expires_in(Duration::from_secs(60)).unwrap();
    let get = client
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .presigned(presign())
        .await
        .unwrap();
    assert!(
        get.uri().starts_with(&format!(
            "https://{BUCKET}.s3express-usw2-az1.us-west-2.amazonaws.com/k?"
        )),
        "{}",
        get.uri()
    );
    assert!(
        get.uri().contains("%2Fs3express%2Faws4_request"),
        "{}",
        get.uri()
    );
    let list = client
        .list_directory_buckets()
        .max_directory_buckets(5)
        .presigned(presign())
        .await
        .unwrap();
    assert!(
        list.uri().starts_with(
            "https://s3express-control.us-west-2.amazonaws.com/?max-directory-buckets=5&"
        ),
        "{}",
        list.uri()
    );
    let policy = client
        .get_bucket_policy()
        .bucket(BUCKET)
        .presigned(presign())
        .await
        .unwrap();
    assert!(
        policy.uri().starts_with(&format!(
            "https://s3express-control.us-west-2.amazonaws.com/{BUCKET}?policy&"
        )),
        "{}",
        policy.uri()
    );
    // A general purpose bucket is unaffected.
    let plain = client
        .get_bucket_policy()
        .bucket("plain")
        .presigned(presign())
        .await
        .unwrap();
    assert!(
        plain
            .uri()
            .starts_with("https://plain.s3.us-west-2.amazonaws.com/?policy&"),
        "{}",
        plain.uri()
    );
    assert!(
        plain.uri().contains("%2Fs3%2Faws4_request"),
        "{}",
        plain.uri()
    );
}
