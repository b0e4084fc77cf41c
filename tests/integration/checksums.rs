//! Integrity checksums on the wire: which requests carry one and of what kind, the
//! configuration modes, caller-supplied values, and response validation.

use base64::Engine;
use md5::Digest;
use s3_client::primitives::ByteStream;
use s3_client::types::{ChecksumAlgorithm, ChecksumMode};
use s3_client::{RequestChecksumCalculation, ResponseChecksumValidation};

use crate::recorder::{client, client_with, http, recorder};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The CRC32 of `data` as it travels.
pub fn crc32(data: &[u8]) -> String {
    b64(&crc32fast::hash(data).to_be_bytes())
}

const CHECKSUM_HEADERS: [&str; 6] = [
    "content-md5",
    "x-amz-checksum-crc32",
    "x-amz-checksum-crc32c",
    "x-amz-checksum-crc64nvme",
    "x-amz-checksum-sha1",
    "x-amz-checksum-sha256",
];

fn present(request: &crate::recorder::Recorded) -> Vec<&'static str> {
    CHECKSUM_HEADERS
        .into_iter()
        .filter(|h| request.header(h).is_some())
        .collect()
}

#[tokio::test]
async fn request_checksums_follow_the_configured_mode() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"e\"")], "")]).await;
    let tagging = || s3_client::types::Tagging {
        tag_set: Some(vec![s3_client::types::Tag {
            key: Some("k".into()),
            value: Some("v".into()),
        }]),
    };
    let modes = [
        RequestChecksumCalculation::WhenSupported,
        RequestChecksumCalculation::WhenRequired,
        RequestChecksumCalculation::ContentMd5,
    ];
    for mode in modes {
        let client = client_with(&server.endpoint, |c| c.request_checksum_calculation(mode));
        // PutObject supports flexible checksums; PutBucketTagging requires one.
        client
            .put_object()
            .bucket("bkt")
            .key("k")
            .body(ByteStream::from_static(b"hello world"))
            .send()
            .await
            .unwrap();
        client
            .put_bucket_tagging()
            .bucket("bkt")
            .tagging(tagging())
            .send()
            .await
            .unwrap();
    }
    let requests = server.requests.lock().unwrap().clone();
    let seen: Vec<(Vec<&str>, Option<&str>)> = requests
        .iter()
        .map(|r| (present(r), r.header("x-amz-sdk-checksum-algorithm")))
        .collect();
    assert_eq!(
        seen,
        vec![
            (vec!["x-amz-checksum-crc32"], Some("CRC32")),
            (vec!["x-amz-checksum-crc32"], Some("CRC32")),
            (vec![], None),
            (vec!["x-amz-checksum-crc32"], Some("CRC32")),
            (vec![], None),
            (vec!["content-md5"], None),
        ]
    );
    assert_eq!(
        requests[0].header("x-amz-checksum-crc32"),
        Some(crc32(b"hello world").as_str())
    );
    let md5 = b64(&md5::Md5::digest(&requests[5].body));
    assert_eq!(requests[5].header("content-md5"), Some(md5.as_str()));
}

#[tokio::test]
async fn chosen_algorithms_and_supplied_checksums() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"e\"")], "")]).await;
    let client = client(&server.endpoint);
    let put = |algorithm: ChecksumAlgorithm| {
        client
            .put_object()
            .bucket("bkt")
            .key("k")
            .checksum_algorithm(algorithm)
            .body(ByteStream::from_static(b"hello world"))
            .send()
    };
    put(ChecksumAlgorithm::Sha256).await.unwrap();
    put(ChecksumAlgorithm::Crc32c).await.unwrap();
    put(ChecksumAlgorithm::Sha1).await.unwrap();
    put(ChecksumAlgorithm::Crc64nvme).await.unwrap();
    // A checksum the caller supplies is sent as given, and nothing is added.
    client
        .put_object()
        .bucket("bkt")
        .key("k")
        .checksum_crc32("AAAAAA==")
        .body(ByteStream::from_static(b"hello world"))
        .send()
        .await
        .unwrap();
    // A file body is read for its checksum, then streamed.
    let dir = std::env::temp_dir().join(format!("s3-client-checksum-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body");
    std::fs::write(&file, vec![7u8; 300_000]).unwrap();
    client
        .put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from_path(&file).await.unwrap())
        .send()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let requests = server.requests.lock().unwrap().clone();
    let values: Vec<(Vec<&str>, Option<&str>)> = requests
        .iter()
        .map(|r| {
            let h = present(r);
            let v = h.first().and_then(|h| r.header(h));
            (h, v)
        })
        .collect();
    let file_crc = crc32(&[7u8; 300_000]);
    assert_eq!(
        values,
        vec![
            (
                vec!["x-amz-checksum-sha256"],
                Some("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
            ),
            (vec!["x-amz-checksum-crc32c"], Some("yZRlqg==")),
            (
                vec!["x-amz-checksum-sha1"],
                Some("Kq5sNclPz7QV2+lfQIuc6R7oRu0=")
            ),
            (vec!["x-amz-checksum-crc64nvme"], Some("jSnVw/bqjr4=")),
            (vec!["x-amz-checksum-crc32"], Some("AAAAAA==")),
            (vec!["x-amz-checksum-crc32"], Some(file_crc.as_str())),
        ]
    );
    assert_eq!(
        requests[0].header("x-amz-sdk-checksum-algorithm"),
        Some("SHA256")
    );
    assert_eq!(requests[4].header("x-amz-sdk-checksum-algorithm"), None);
    assert_eq!(requests[5].body.len(), 300_000);
}

#[tokio::test]
async fn response_checksums_are_validated() {
    let body = "hello world";
    let good = crc32(body.as_bytes());
    let server = recorder(vec![
        http("200 OK", &[("x-amz-checksum-crc32", &good)], body),
        http("200 OK", &[("x-amz-checksum-crc32", "AAAAAA==")], body),
        // A checksum of parts (`-2`) covers no byte range the client can check.
        http("200 OK", &[("x-amz-checksum-crc32", "AAAAAA==-2")], body),
    ])
    .await;
    let client = client(&server.endpoint);
    let get = || client.get_object().bucket("bkt").key("k").send();
    let ok = get().await.unwrap().body.collect().await.unwrap();
    assert_eq!(&ok[..], body.as_bytes());
    let bad = get().await.unwrap().body.collect().await.unwrap_err();
    let message = format!("{bad}: {:?}", std::error::Error::source(&bad));
    assert!(message.contains("checksum mismatch"), "{message}");
    assert!(message.contains("AAAAAA=="), "{message}");
    let parts = get().await.unwrap().body.collect().await.unwrap();
    assert_eq!(&parts[..], body.as_bytes());
    let requests = server.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .all(|r| r.header("x-amz-checksum-mode") == Some("ENABLED"))
    );

    // Validation only when asked for.
    let server = recorder(vec![http(
        "200 OK",
        &[("x-amz-checksum-crc32", "AAAAAA==")],
        body,
    )])
    .await;
    let client = client_with(&server.endpoint, |c| {
        c.response_checksum_validation(ResponseChecksumValidation::WhenRequired)
    });
    let unchecked = client
        .get_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        &unchecked.body.collect().await.unwrap()[..],
        body.as_bytes()
    );
    let asked = client
        .get_object()
        .bucket("bkt")
        .key("k")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert!(asked.body.collect().await.is_err());
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests[0].header("x-amz-checksum-mode"), None);
    assert_eq!(requests[1].header("x-amz-checksum-mode"), Some("ENABLED"));
}

#[tokio::test]
async fn sse_c_keys_are_encoded_with_their_md5() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"e\"")], "")]).await;
    let client = client(&server.endpoint);
    let key = [0x42u8; 32];
    client
        .put_object()
        .bucket("bkt")
        .key("k")
        .sse_customer_algorithm("AES256")
        .sse_customer_key(bytes::Bytes::copy_from_slice(&key))
        .body(ByteStream::from_static(b"secret"))
        .send()
        .await
        .unwrap();
    let request = server.requests.lock().unwrap()[0].clone();
    assert_eq!(
        request.header("x-amz-server-side-encryption-customer-key"),
        Some(b64(&key).as_str())
    );
    assert_eq!(
        request.header("x-amz-server-side-encryption-customer-key-md5"),
        Some(b64(&md5::Md5::digest(key)).as_str())
    );
    // What boto3 sends for the same key (32 bytes of `B`).
    assert_eq!(
        request.header("x-amz-server-side-encryption-customer-key-md5"),
        Some("8NB6psqPvuXCjIqE3J2m5Q==")
    );
}
