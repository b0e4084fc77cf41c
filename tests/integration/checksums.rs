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

/// Every algorithm S3 takes, as it names them.
const ALGORITHMS: [&str; 10] = [
    "CRC32",
    "CRC32C",
    "CRC64NVME",
    "SHA1",
    "SHA256",
    "SHA512",
    "MD5",
    "XXHASH64",
    "XXHASH3",
    "XXHASH128",
];

/// Each algorithm's checksum of `data` as code independent of this client computes it
/// (Python's zlib and hashlib, awscrt's CRC32C and CRC64NVME, the xxhash package's
/// canonical big-endian digests), base64-encoded, by name.
fn independent_checksums(data: &[u8]) -> std::collections::HashMap<String, String> {
    let script = "import sys, json, base64, zlib, hashlib, xxhash\n\
        from awscrt import checksums as c\n\
        d = sys.stdin.buffer.read()\n\
        b = lambda x: base64.b64encode(x).decode()\n\
        print(json.dumps({\n\
            'CRC32': b(zlib.crc32(d).to_bytes(4, 'big')),\n\
            'CRC32C': b(c.crc32c(d).to_bytes(4, 'big')),\n\
            'CRC64NVME': b(c.crc64nvme(d).to_bytes(8, 'big')),\n\
            'SHA1': b(hashlib.sha1(d).digest()),\n\
            'SHA256': b(hashlib.sha256(d).digest()),\n\
            'SHA512': b(hashlib.sha512(d).digest()),\n\
            'MD5': b(hashlib.md5(d).digest()),\n\
            'XXHASH64': b(xxhash.xxh64(d).digest()),\n\
            'XXHASH3': b(xxhash.xxh3_64(d).digest()),\n\
            'XXHASH128': b(xxhash.xxh3_128(d).digest()),\n\
        }))";
    serde_json::from_str(&crate::venv_python(script, data)).unwrap()
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
    std::fs::write(&file, vec![7u8; 2_500_000]).unwrap();
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
    let file_crc = crc32(&[7u8; 2_500_000]);
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
            // The file's checksum trails its body instead (below).
            (vec![], None),
        ]
    );
    assert_eq!(
        requests[0].header("x-amz-sdk-checksum-algorithm"),
        Some("SHA256")
    );
    assert_eq!(requests[4].header("x-amz-sdk-checksum-algorithm"), None);
    let trailer = format!("x-amz-checksum-crc32:{file_crc}\r\n\r\n");
    assert_aws_chunked(&requests[5], &[7u8; 2_500_000], "CRC32", &trailer);
}

/// Decodes an `aws-chunked` body as a store does: every chunk but the last 1 MiB, as botocore
/// sends them.
pub fn decode_aws_chunked(mut encoded: &[u8]) -> (Vec<u8>, String) {
    let mut body = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..100_000 {
        let line = encoded.iter().position(|&b| b == b'\r').unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&encoded[..line]).unwrap(), 16).unwrap();
        encoded = &encoded[line + 2..];
        if size == 0 {
            let before_last = sizes.len().saturating_sub(1);
            assert!(
                sizes[..before_last].iter().all(|&s| s == 1 << 20),
                "{sizes:?}"
            );
            return (body, String::from_utf8(encoded.to_vec()).unwrap());
        }
        sizes.push(size);
        body.extend_from_slice(&encoded[..size]);
        assert_eq!(&encoded[size..size + 2], b"\r\n");
        encoded = &encoded[size + 2..];
    }
    panic!("no last chunk");
}

/// `request` carried `data` as an `aws-chunked` body with `trailer` after it, and the
/// headers that announce it, as S3 documents them.
pub fn assert_aws_chunked(
    request: &crate::recorder::Recorded,
    data: &[u8],
    algorithm: &str,
    trailer: &str,
) {
    assert_eq!(request.header("content-encoding"), Some("aws-chunked"));
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    );
    let name = format!("x-amz-checksum-{}", algorithm.to_ascii_lowercase());
    assert_eq!(request.header("x-amz-trailer"), Some(name.as_str()));
    assert_eq!(
        request.header("x-amz-sdk-checksum-algorithm"),
        Some(algorithm)
    );
    let length = data.len().to_string();
    assert_eq!(
        request.header("x-amz-decoded-content-length"),
        Some(length.as_str())
    );
    let encoded = request.body.len().to_string();
    assert_eq!(request.header("content-length"), Some(encoded.as_str()));
    let signed = request.header("authorization").unwrap();
    assert!(signed.contains("x-amz-trailer"), "{signed}");
    let (body, got) = decode_aws_chunked(&request.body);
    assert_eq!(body, data);
    assert_eq!(got, trailer);
}

#[tokio::test]
async fn streamed_bodies_carry_their_checksum_as_a_trailer_where_the_store_takes_one() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"e\"")], "")]).await;
    let dir = std::env::temp_dir().join(format!("s3-client-trailer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let put = |client: s3_client::Client, body: ByteStream| async move {
        client
            .put_object()
            .bucket("bkt")
            .key("k")
            .content_encoding("gzip")
            .body(body)
            .send()
            .await
            .unwrap();
    };
    let client = client(&server.endpoint);
    put(client.clone(), ByteStream::from_path(&file).await.unwrap()).await;
    // A one-shot stream of known length gets one too (with a header it could have none).
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = data
        .chunks(30_000)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let stream = ByteStream::from_stream(futures_util::stream::iter(chunks), Some(200_000));
    put(client.clone(), stream).await;
    // A store that refuses aws-chunked gets the checksum in a header, the file read twice.
    let mut profile = s3_client::StoreProfile::new("no trailers");
    profile.aws_chunked = false;
    let plain = client_with(&server.endpoint, |c| c.store(profile));
    put(plain, ByteStream::from_path(&file).await.unwrap()).await;
    std::fs::remove_dir_all(&dir).ok();

    let requests = server.requests.lock().unwrap().clone();
    let crc = crc32(&data);
    let trailer = format!("x-amz-checksum-crc32:{crc}\r\n\r\n");
    for request in &requests[..2] {
        // The caller's encoding stays, aws-chunked after it, as botocore sends it.
        let mut r = request.clone();
        assert_eq!(r.header("content-encoding"), Some("gzip,aws-chunked"));
        r.headers.retain(|(n, _)| n != "content-encoding");
        r.headers
            .push(("content-encoding".into(), "aws-chunked".into()));
        assert_aws_chunked(&r, &data, "CRC32", &trailer);
    }
    let plain = &requests[2];
    assert_eq!(plain.header("x-amz-checksum-crc32"), Some(crc.as_str()));
    assert_eq!(plain.header("content-encoding"), Some("gzip"));
    assert_eq!(
        plain.header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(plain.body, data);
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

/// Uploads the same bytes from memory (checksum in a header) and from a file (checksum
/// trailing an aws-chunked body), with the default and with each algorithm, and checks
/// that the store, which verifies what it is sent, answers with the same checksum for
/// both.
pub async fn trailing_and_header_checksums_agree(client: &s3_client::Client, bucket: &str) {
    let dir = std::env::temp_dir().join(format!(
        "s3-client-trailers-{bucket}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body");
    let data: Vec<u8> = (0..150_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let algorithms = [
        None,
        Some(ChecksumAlgorithm::Crc32c),
        Some(ChecksumAlgorithm::Sha1),
        Some(ChecksumAlgorithm::Sha256),
        Some(ChecksumAlgorithm::Crc64nvme),
    ];
    for algorithm in algorithms {
        let mut seen = Vec::new();
        for (key, body) in [
            ("memory", ByteStream::from(data.clone())),
            ("file", ByteStream::from_path(&file).await.unwrap()),
        ] {
            client
                .put_object()
                .bucket(bucket)
                .key(key)
                .set_checksum_algorithm(algorithm.clone())
                .body(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{algorithm:?} from {key}: {e:?}"));
            let got = client
                .get_object()
                .bucket(bucket)
                .key(key)
                .checksum_mode(ChecksumMode::Enabled)
                .send()
                .await
                .unwrap();
            let checksums = [
                got.checksum_crc32.clone(),
                got.checksum_crc32_c.clone(),
                got.checksum_sha1.clone(),
                got.checksum_sha256.clone(),
                got.checksum_crc64_nvme.clone(),
            ];
            assert!(
                checksums.iter().any(Option::is_some),
                "{algorithm:?} from {key}: no checksum came back"
            );
            assert_eq!(got.body.collect().await.unwrap(), data, "{key}");
            seen.push(checksums);
        }
        assert_eq!(seen[0], seen[1], "{algorithm:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// What `x-amz-content-sha256` says of a body, as botocore decides it for S3: signed
/// over http; over https, an upload that carries a checksum is `UNSIGNED-PAYLOAD` and
/// everything else signed; `payload_signing_enabled` overrides both ways.
#[tokio::test]
async fn payload_signing_follows_botocore_and_the_setting() {
    use s3_client::{Client, Config, Credentials};
    let server = crate::recorder::serve(|_, _| {
        crate::recorder::Plan::reply(crate::recorder::ok("200 OK", &[("etag", "\"e\"")], b""))
    })
    .await;
    let tls = crate::recorder::tls_front(&server).await;
    let https = format!("https://localhost:{}", tls.port());
    let at = |endpoint: &str, signing: Option<bool>| {
        let mut b = Config::builder()
            .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
            .region("us-east-1")
            .endpoint_url(endpoint)
            .force_path_style(true)
            .resolve("localhost", tls)
            .ca_bundle(crate::recorder::TEST_CA);
        if let Some(s) = signing {
            b = b.payload_signing_enabled(s);
        }
        Client::new(b.build())
    };
    let tagging = || s3_client::types::Tagging {
        tag_set: Some(vec![s3_client::types::Tag {
            key: Some("k".into()),
            value: Some("v".into()),
        }]),
    };
    let cases = [
        (server.endpoint.as_str(), None),
        (https.as_str(), None),
        (https.as_str(), Some(true)),
        (server.endpoint.as_str(), Some(false)),
    ];
    for (endpoint, signing) in cases {
        let client = at(endpoint, signing);
        client
            .put_object()
            .bucket("b")
            .key("k")
            .body(ByteStream::from_static(b"hello world"))
            .send()
            .await
            .unwrap();
        client
            .put_bucket_tagging()
            .bucket("b")
            .tagging(tagging())
            .send()
            .await
            .unwrap();
    }
    // An upload with no checksum is signed over https too.
    let plain = Client::new(
        Config::builder()
            .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
            .endpoint_url(&https)
            .force_path_style(true)
            .resolve("localhost", tls)
            .ca_bundle(crate::recorder::TEST_CA)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .build(),
    );
    plain
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from_static(b"hello world"))
        .send()
        .await
        .unwrap();
    let hello = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
    let seen: Vec<String> = server
        .received()
        .iter()
        .map(|r| {
            let v = r.header("x-amz-content-sha256").unwrap();
            if v == hello {
                "hello".to_string()
            } else if v.len() == 64 {
                "tagging".to_string()
            } else {
                v.to_string()
            }
        })
        .collect();
    assert_eq!(
        seen,
        [
            "hello",
            "tagging",
            "UNSIGNED-PAYLOAD",
            "tagging",
            "hello",
            "tagging",
            "UNSIGNED-PAYLOAD",
            "UNSIGNED-PAYLOAD",
            "hello",
        ]
    );
}

#[tokio::test]
async fn every_algorithm_agrees_with_independent_code_on_upload_and_download() {
    let data: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let want = independent_checksums(&data);
    let server = recorder(vec![http("200 OK", &[("etag", "\"e\"")], "")]).await;
    let client = client(&server.endpoint);
    let dir = std::env::temp_dir().join(format!("s3-client-every-sum-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body");
    std::fs::write(&file, &data).unwrap();
    for name in ALGORITHMS {
        let put = || {
            client
                .put_object()
                .bucket("bkt")
                .key("k")
                .checksum_algorithm(ChecksumAlgorithm::from(name))
        };
        // From memory: the checksum goes in a header, computed before sending.
        put()
            .body(ByteStream::from(data.clone()))
            .send()
            .await
            .unwrap();
        // From a file: it trails the aws-chunked body, computed while streaming.
        put()
            .body(ByteStream::from_path(&file).await.unwrap())
            .send()
            .await
            .unwrap();
    }
    std::fs::remove_dir_all(&dir).ok();
    let requests = server.received();
    assert_eq!(requests.len(), 2 * ALGORITHMS.len());
    for (i, name) in ALGORITHMS.into_iter().enumerate() {
        let header = format!("x-amz-checksum-{}", name.to_ascii_lowercase());
        let memory = &requests[2 * i];
        assert_eq!(memory.header(&header), Some(want[name].as_str()), "{name}");
        assert_eq!(memory.header("x-amz-sdk-checksum-algorithm"), Some(name));
        let trailer = format!("{header}:{}\r\n\r\n", want[name]);
        assert_aws_chunked(&requests[2 * i + 1], &data, name, &trailer);
    }

    // Downloads: each algorithm's value checked against the body; a wrong one (the
    // checksum of other data) fails the body's last read.
    let body: String = (0..50_000u32)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let good = independent_checksums(body.as_bytes());
    let mut responses = Vec::new();
    for name in ALGORITHMS {
        let header = format!("x-amz-checksum-{}", name.to_ascii_lowercase());
        responses.push(http("200 OK", &[(&header, &good[name])], &body));
        responses.push(http("200 OK", &[(&header, &want[name])], &body));
    }
    let server = recorder(responses).await;
    let client = crate::recorder::client(&server.endpoint);
    for name in ALGORITHMS {
        let get = || client.get_object().bucket("bkt").key("k").send();
        let ok = get().await.unwrap().body.collect().await;
        assert_eq!(&ok.unwrap()[..], body.as_bytes(), "{name}");
        let bad = get().await.unwrap().body.collect().await.unwrap_err();
        let message = format!("{bad}: {:?}", std::error::Error::source(&bad));
        assert!(message.contains("checksum mismatch"), "{name}: {message}");
        assert!(message.contains(&want[name]), "{name}: {message}");
    }
}
