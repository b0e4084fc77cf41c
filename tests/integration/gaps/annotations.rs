//! Object annotations, which moto lacks, on the recording server: named payloads stored
//! with an object, streamed up and down with their checksums, listed page by page and
//! removed. Each request is compared with what boto3 1.44.8 sends for the same call, and
//! S3's answers are read back.

use futures_util::TryStreamExt;
use s3_client::primitives::{ByteStream, DateTime};
use s3_client::types::{
    AnnotationEntry, ChecksumAlgorithm, ChecksumType, ReplicationStatus, RequestCharged,
    RequestPayer, ServerSideEncryption,
};

use super::{NS, summary};
use crate::checksums::{assert_aws_chunked, crc32};
use crate::recorder::{client, http, recorder};

const KEY: &str = "photos/cat 1.jpg";
/// The key as it travels in the path.
const PATH: &str = "/bkt/photos/cat%201.jpg";
const VERSION: &str = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";
const PAYLOAD: &str = r#"{"labels":["cat","sofa"],"model":"v3"}"#;
/// The annotation's entity tag: the MD5 of `PAYLOAD`.
const ETAG: &str = "\"5465b13cecdcd9a5c14b4b34f7e3a154\"";
/// The object's entity tag, which a conditional write or delete names.
const OBJECT_ETAG: &str = "\"e7f1d0ed3f1bb64b1a1d1d1b9f1c3a2e\"";

#[tokio::test]
async fn put_object_annotation_on_the_wire() {
    let crc = crc32(PAYLOAD.as_bytes());
    let put = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PutObjectAnnotationResult xmlns=\"{NS}\"><Key>photos/cat 1.jpg</Key><AnnotationName>ml-labels</AnnotationName></PutObjectAnnotationResult>"
    );
    let server = recorder(vec![
        http(
            "200 OK",
            &[
                ("etag", ETAG),
                ("x-amz-checksum-crc32", crc.as_str()),
                ("x-amz-checksum-type", "FULL_OBJECT"),
                ("x-amz-object-version-id", VERSION),
                ("x-amz-server-side-encryption", "AES256"),
            ],
            &put,
        ),
        // S3 always answers with the document (an empty 200 is an error to the client).
        http("200 OK", &[("etag", "\"e\"")], &put),
    ])
    .await;
    let client = client(&server.endpoint);
    let out = client
        .put_object_annotation()
        .bucket("bkt")
        .key(KEY)
        .version_id(VERSION)
        .annotation_name("ml-labels")
        .annotation_payload(ByteStream::from_static(PAYLOAD.as_bytes()))
        .object_if_match(OBJECT_ETAG)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            out.key.as_deref(),
            out.annotation_name.as_deref(),
            out.object_version_id.as_deref(),
            out.e_tag.as_deref(),
            out.checksum_crc32.as_deref(),
        ),
        (
            Some(KEY),
            Some("ml-labels"),
            Some(VERSION),
            Some(ETAG),
            Some(crc.as_str())
        )
    );
    assert_eq!(out.checksum_type, Some(ChecksumType::FullObject));
    assert_eq!(
        out.server_side_encryption,
        Some(ServerSideEncryption::Aes256)
    );
    // A one-shot stream of known length: its checksum trails the aws-chunked body.
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = data
        .chunks(30_000)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    client
        .put_object_annotation()
        .bucket("bkt")
        .key(KEY)
        .annotation_name("ml-embeddings")
        .annotation_payload(ByteStream::from_stream(
            futures_util::stream::iter(chunks),
            Some(200_000),
        ))
        .send()
        .await
        .unwrap();

    let received = server.received();
    // As boto3 1.44.8 sends the same call (members in model order): the payload as the
    // body, its CRC32 in a header and, over http, its SHA-256 signed.
    assert_eq!(
        summary(&received[0]),
        (
            format!("PUT {PATH}?annotation&versionId={VERSION}&annotationName=ml-labels"),
            Some(crc.clone()),
            Some("CRC32".to_string()),
            PAYLOAD.to_string()
        )
    );
    assert_eq!(crc, "dUuSiQ==");
    assert_eq!(
        [
            "x-amz-object-if-match",
            "x-amz-content-sha256",
            "content-length",
            "content-type",
        ]
        .map(|h| received[0].header(h)),
        [
            Some(OBJECT_ETAG),
            Some("c16cc38d55d85bc31f99e03b9f591b6eefeec3a9feece1c9a1df06952b5eccb6"),
            Some("38"),
            None
        ]
    );
    let streamed = &received[1];
    assert_eq!(
        (streamed.method.as_str(), streamed.target.as_str()),
        (
            "PUT",
            "/bkt/photos/cat%201.jpg?annotation&annotationName=ml-embeddings"
        )
    );
    let trailer = format!("x-amz-checksum-crc32:{}\r\n\r\n", crc32(&data));
    assert_aws_chunked(streamed, &data, "CRC32", &trailer);
    // The trailing CRC32 boto3 1.44.8 sends for the same bytes (it trails over https).
    assert_eq!(crc32(&data), "p0XBRQ==");
}

#[tokio::test]
async fn get_object_annotation_on_the_wire() {
    let crc = crc32(PAYLOAD.as_bytes());
    let server = recorder(vec![
        http(
            "200 OK",
            &[
                ("content-type", "application/json"),
                ("etag", ETAG),
                ("last-modified", "Tue, 01 Dec 2026 08:00:00 GMT"),
                ("x-amz-checksum-crc32", crc.as_str()),
                ("x-amz-checksum-type", "FULL_OBJECT"),
                ("x-amz-object-version-id", VERSION),
            ],
            PAYLOAD,
        ),
        // The same payload with a checksum that does not match it.
        http("200 OK", &[("x-amz-checksum-crc32", "AAAAAA==")], PAYLOAD),
    ])
    .await;
    let client = client(&server.endpoint);
    let got = client
        .get_object_annotation()
        .bucket("bkt")
        .key(KEY)
        .annotation_name("ml-labels")
        .version_id(VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            got.object_version_id.as_deref(),
            got.e_tag.as_deref(),
            got.content_length,
            got.checksum_crc32.as_deref(),
        ),
        (Some(VERSION), Some(ETAG), Some(38), Some(crc.as_str()))
    );
    assert_eq!(got.checksum_type, Some(ChecksumType::FullObject));
    assert_eq!(got.last_modified, Some(DateTime::from_secs(1_796_112_000)));
    // The stream is checked against the CRC32 as it is read.
    let payload = got.annotation_payload.collect().await.unwrap();
    assert_eq!(&payload[..], PAYLOAD.as_bytes());
    let bad = client
        .get_object_annotation()
        .bucket("bkt")
        .key(KEY)
        .annotation_name("ml-labels")
        .send()
        .await
        .unwrap();
    let err = bad.annotation_payload.collect().await.unwrap_err();
    let message = format!("{err}: {:?}", std::error::Error::source(&err));
    assert!(message.contains("checksum mismatch"), "{message}");
    assert!(message.contains("AAAAAA=="), "{message}");

    // As boto3 1.44.8 sends the same calls: a bare GET asking for the stored checksums.
    let requests: Vec<_> = server
        .received()
        .iter()
        .map(|r| {
            (
                summary(r),
                r.header("x-amz-checksum-mode").map(str::to_string),
            )
        })
        .collect();
    let get = |target: String| {
        (
            (target, None::<String>, None::<String>, String::new()),
            Some("ENABLED".to_string()),
        )
    };
    assert_eq!(
        requests,
        [
            get(format!(
                "GET {PATH}?annotation&annotationName=ml-labels&versionId={VERSION}"
            )),
            get(format!("GET {PATH}?annotation&annotationName=ml-labels")),
        ]
    );
}

/// One `AnnotationEntry` of a listing.
fn entry(
    name: &str,
    secs: i64,
    etag: &str,
    size: i64,
    algorithms: Vec<ChecksumAlgorithm>,
    replication_status: Option<ReplicationStatus>,
) -> AnnotationEntry {
    AnnotationEntry {
        annotation_name: Some(name.into()),
        last_modified: Some(DateTime::from_secs(secs)),
        e_tag: Some(etag.into()),
        checksum_algorithm: Some(algorithms),
        size: Some(size),
        replication_status,
    }
}

#[tokio::test]
async fn list_object_annotations_pages_on_the_wire() {
    let token = "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=";
    let page1 = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListObjectAnnotationsResult xmlns=\"{NS}\"><Bucket>bkt</Bucket><Key>photos/cat 1.jpg</Key><AnnotationPrefix>ml-</AnnotationPrefix><MaxAnnotationResults>2</MaxAnnotationResults><AnnotationCount>2</AnnotationCount><Annotations><AnnotationEntry><AnnotationName>ml-captions</AnnotationName><LastModified>2026-12-01T08:00:00.000Z</LastModified><ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>112</Size></AnnotationEntry><AnnotationEntry><AnnotationName>ml-embeddings</AnnotationName><LastModified>2026-12-01T08:00:05.000Z</LastModified><ETag>&quot;92eb5ffee6ae2fec3ad71c777531578f&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumAlgorithm>SHA256</ChecksumAlgorithm><Size>6144</Size><ReplicationStatus>COMPLETED</ReplicationStatus></AnnotationEntry></Annotations><NextContinuationToken>{token}</NextContinuationToken></ListObjectAnnotationsResult>"
    );
    let page2 = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListObjectAnnotationsResult xmlns=\"{NS}\"><Bucket>bkt</Bucket><Key>photos/cat 1.jpg</Key><AnnotationPrefix>ml-</AnnotationPrefix><MaxAnnotationResults>2</MaxAnnotationResults><AnnotationCount>1</AnnotationCount><Annotations><AnnotationEntry><AnnotationName>ml-labels</AnnotationName><LastModified>2026-12-01T08:00:10.000Z</LastModified><ETag>&quot;5465b13cecdcd9a5c14b4b34f7e3a154&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>38</Size></AnnotationEntry></Annotations><ContinuationToken>{token}</ContinuationToken></ListObjectAnnotationsResult>"
    );
    let server = recorder(vec![
        http("200 OK", &[], &page1),
        http("200 OK", &[], &page2),
        http("200 OK", &[], &page1),
        http("200 OK", &[], &page2),
    ])
    .await;
    let client = client(&server.endpoint);
    let list = || {
        client
            .list_object_annotations()
            .bucket("bkt")
            .key(KEY)
            .annotation_prefix("ml-")
            .into_paginator()
            .page_size(2)
    };
    let pages: Vec<_> = list().send().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(
        (
            pages[0].bucket.as_deref(),
            pages[0].key.as_deref(),
            pages[0].annotation_prefix.as_deref(),
            pages[0].max_annotation_results,
        ),
        (Some("bkt"), Some(KEY), Some("ml-"), Some(2))
    );
    let tokens: Vec<_> = pages
        .iter()
        .map(|p| {
            (
                p.annotation_count,
                p.continuation_token.as_deref(),
                p.next_continuation_token.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        tokens,
        [(Some(2), None, Some(token)), (Some(1), Some(token), None)]
    );
    let entries: Vec<AnnotationEntry> = pages
        .into_iter()
        .flat_map(|p| p.annotations.unwrap_or_default())
        .collect();
    assert_eq!(
        entries,
        [
            entry(
                "ml-captions",
                1_796_112_000,
                "\"0cc175b9c0f1b6a831c399e269772661\"",
                112,
                vec![ChecksumAlgorithm::Crc32],
                None
            ),
            entry(
                "ml-embeddings",
                1_796_112_005,
                "\"92eb5ffee6ae2fec3ad71c777531578f\"",
                6144,
                vec![ChecksumAlgorithm::Crc64nvme, ChecksumAlgorithm::Sha256],
                Some(ReplicationStatus::Completed)
            ),
            entry(
                "ml-labels",
                1_796_112_010,
                ETAG,
                38,
                vec![ChecksumAlgorithm::Crc32],
                None
            ),
        ]
    );
    // The items, across both pages.
    let names: Vec<String> = list()
        .items()
        .map_ok(|a| a.annotation_name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["ml-captions", "ml-embeddings", "ml-labels"]);

    // What boto3 1.44.8's paginator sends for the same listing (with
    // MaxAnnotationResults=2 given before AnnotationPrefix, in model order): the token
    // of page one, encoded, asks for page two.
    let first = format!("{PATH}?annotation&max-annotation-results=2&annotation-prefix=ml-");
    let second =
        format!("{first}&continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D");
    assert_eq!(
        server.targets(),
        [first.clone(), second.clone(), first, second]
    );
    assert!(server.received().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn delete_object_annotation_on_the_wire() {
    let server = recorder(vec![http(
        "204 No Content",
        &[
            ("x-amz-object-version-id", VERSION),
            ("x-amz-request-charged", "requester"),
        ],
        "",
    )])
    .await;
    let client = client(&server.endpoint);
    let out = client
        .delete_object_annotation()
        .bucket("bkt")
        .key(KEY)
        .annotation_name("ml-labels")
        .version_id(VERSION)
        .request_payer(RequestPayer::Requester)
        .object_if_match(OBJECT_ETAG)
        .send()
        .await
        .unwrap();
    assert_eq!(out.object_version_id.as_deref(), Some(VERSION));
    assert_eq!(out.request_charged, Some(RequestCharged::Requester));
    // Without the annotation's name nothing is sent.
    let missing = client
        .delete_object_annotation()
        .bucket("bkt")
        .key(KEY)
        .send()
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("AnnotationName"),
        "the error names the member: {missing}"
    );

    let received = server.received();
    assert_eq!(received.len(), 1);
    // As boto3 1.44.8 sends the same call.
    assert_eq!(
        summary(&received[0]),
        (
            format!("DELETE {PATH}?annotation&annotationName=ml-labels&versionId={VERSION}"),
            None,
            None,
            String::new()
        )
    );
    assert_eq!(
        ["x-amz-request-payer", "x-amz-object-if-match"].map(|h| received[0].header(h)),
        [Some("requester"), Some(OBJECT_ETAG)]
    );
}
