//! The core of the API on Garage: objects, multipart uploads, listings and paginators,
//! presigned requests, checksums, and the errors Garage answers with.

use std::time::Duration;

use futures_util::TryStreamExt;
use s3_client::presigning::PresigningConfig;
use s3_client::primitives::ByteStream;
use s3_client::types::{
    ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload, CompletedPart, Delete,
    ObjectIdentifier,
};

use super::bucket;

#[tokio::test]
async fn objects_copies_and_errors() {
    let (client, bucket) = bucket("gobj").await;
    let keys = [
        "plain",
        "dir/a b+c%d",
        "ünï/日本",
        "a/../b",
        "a//b",
        "trail/",
    ];
    for key in keys {
        client
            .put_object()
            .bucket(&bucket)
            .key(key)
            .content_type("text/plain")
            .metadata("origin", "garage-test")
            .body(ByteStream::from(format!("body of {key}")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put {key:?}: {e}"));
    }
    for key in keys {
        let got = client
            .get_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .unwrap();
        assert_eq!(got.content_type.as_deref(), Some("text/plain"));
        assert_eq!(
            got.metadata
                .as_ref()
                .and_then(|m| m.get("origin"))
                .map(String::as_str),
            Some("garage-test")
        );
        assert_eq!(
            got.body.collect().await.unwrap(),
            format!("body of {key}").as_bytes(),
            "{key:?}"
        );
    }
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("plain")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some("body of plain".len() as i64));

    // A copy of a key that needs encoding, named as it is.
    client
        .copy_object()
        .bucket(&bucket)
        .key("copied")
        .copy_source_from(&bucket, "dir/a b+c%d", None)
        .send()
        .await
        .unwrap();
    let copied = client
        .get_object()
        .bucket(&bucket)
        .key("copied")
        .send()
        .await
        .unwrap();
    assert_eq!(
        copied.body.collect().await.unwrap(),
        &b"body of dir/a b+c%d"[..]
    );

    // Ranges.
    let part = client
        .get_object()
        .bucket(&bucket)
        .key("plain")
        .range("bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.body.collect().await.unwrap(), &b"body"[..]);

    // A Garage quirk: it drops the leading slashes of a key (the client sends `//lead`
    // as boto3 does, and Garage stores `lead`).
    client
        .put_object()
        .bucket(&bucket)
        .key("//lead")
        .body(ByteStream::from_static(b"l"))
        .send()
        .await
        .unwrap();
    let listed = client
        .list_objects_v2()
        .bucket(&bucket)
        .prefix("lead")
        .send()
        .await
        .unwrap();
    let listed: Vec<_> = listed
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(listed, ["lead"]);
    client
        .delete_object()
        .bucket(&bucket)
        .key("lead")
        .send()
        .await
        .unwrap();

    // Errors, typed.
    let err = client
        .get_object()
        .bucket(&bucket)
        .key("missing")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error().is_some_and(|e| e.is_no_such_key()),
        "{err:?}"
    );
    let err = client
        .head_object()
        .bucket(&bucket)
        .key("missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().status(), 404);
    let err = client
        .get_object()
        .bucket("no-such-bucket-anywhere")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().code(), Some("NoSuchBucket"), "{err:?}");
    let err = client
        .delete_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.meta().unwrap().code(),
        Some("BucketNotEmpty"),
        "{err:?}"
    );

    // DeleteObjects, then the bucket.
    let mut all: Vec<&str> = keys.to_vec();
    all.push("copied");
    let out = client
        .delete_objects()
        .bucket(&bucket)
        .delete(Delete {
            objects: Some(
                all.iter()
                    .map(|k| ObjectIdentifier {
                        key: Some(k.to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            quiet: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(out.deleted.unwrap_or_default().len(), all.len());
    let left = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let left: Vec<_> = left
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert!(left.is_empty(), "left after DeleteObjects: {left:?}");
    client.delete_bucket().bucket(&bucket).send().await.unwrap();
}

#[tokio::test]
async fn multipart_uploads_complete_and_abort() {
    let (client, bucket) = bucket("gmpu").await;
    let part = |n: u8| vec![n; 5 * 1024 * 1024];
    let created = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key("big")
        .send()
        .await
        .unwrap();
    let upload = created.upload_id.unwrap();
    let mut parts = Vec::new();
    for n in 1..=3u8 {
        let body = if n == 3 { vec![3u8; 1000] } else { part(n) };
        let out = client
            .upload_part()
            .bucket(&bucket)
            .key("big")
            .upload_id(&upload)
            .part_number(i32::from(n))
            .body(ByteStream::from(body))
            .send()
            .await
            .unwrap();
        parts.push(CompletedPart {
            e_tag: out.e_tag,
            part_number: Some(i32::from(n)),
            ..Default::default()
        });
    }
    let listed = client
        .list_parts()
        .bucket(&bucket)
        .key("big")
        .upload_id(&upload)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.parts.unwrap_or_default().len(), 3);
    client
        .complete_multipart_upload()
        .bucket(&bucket)
        .key("big")
        .upload_id(&upload)
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await
        .unwrap();
    let got = client
        .get_object()
        .bucket(&bucket)
        .key("big")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 10 * 1024 * 1024 + 1000);
    assert!(
        got[..5 * 1024 * 1024].iter().all(|b| *b == 1)
            && got[10 * 1024 * 1024..].iter().all(|b| *b == 3)
    );

    // An aborted upload leaves nothing behind.
    let other = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key("abandoned")
        .send()
        .await
        .unwrap();
    client
        .abort_multipart_upload()
        .bucket(&bucket)
        .key("abandoned")
        .upload_id(other.upload_id.unwrap())
        .send()
        .await
        .unwrap();
    let uploads = client
        .list_multipart_uploads()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert!(uploads.uploads.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn listings_and_paginators() {
    let (client, bucket) = bucket("glist").await;
    let mut keys: Vec<String> = (0..120)
        .map(|i| format!("{}/item-{i:03}", if i % 2 == 0 { "even" } else { "odd" }))
        .collect();
    keys.push("top level".into());
    for key in &keys {
        client
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(ByteStream::from_static(b"x"))
            .send()
            .await
            .unwrap();
    }
    keys.sort();
    let v2: Vec<String> = client
        .list_objects_v2()
        .bucket(&bucket)
        .into_paginator()
        .page_size(25)
        .items()
        .map_ok(|o| o.key.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(v2, keys);
    let pages: Vec<_> = client
        .list_objects()
        .bucket(&bucket)
        .into_paginator()
        .page_size(50)
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let v1: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.contents.unwrap_or_default())
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(v1, keys);
    let folders = client
        .list_objects_v2()
        .bucket(&bucket)
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let prefixes: Vec<_> = folders
        .common_prefixes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.prefix)
        .collect();
    assert_eq!(prefixes, ["even/", "odd/"]);
    let limited: Vec<_> = client
        .list_objects_v2()
        .bucket(&bucket)
        .prefix("odd/")
        .into_paginator()
        .page_size(7)
        .max_items(20)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(limited.len(), 20);
}

#[tokio::test]
async fn presigned_requests() {
    let (client, bucket) = bucket("gpresign").await;
    let config = || PresigningConfig::expires_in(Duration::from_secs(300)).unwrap();
    let put = client
        .put_object()
        .bucket(&bucket)
        .key("shared file")
        .content_type("text/plain")
        .presigned(config())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let mut request = http.put(put.uri()).body("from a browser");
    for (name, value) in put.headers() {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status().as_u16(), 200);
    let get = client
        .get_object()
        .bucket(&bucket)
        .key("shared file")
        .presigned(config())
        .await
        .unwrap();
    let body = http
        .get(get.uri())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], b"from a browser");
    // A tampered signature is refused.
    let tampered = get.uri().replace("X-Amz-Signature=", "X-Amz-Signature=0");
    assert_eq!(
        http.get(&tampered).send().await.unwrap().status().as_u16(),
        403
    );
}

#[tokio::test]
async fn checksums_are_sent_and_checked() {
    let (client, bucket) = bucket("gsum").await;
    crate::checksums::trailing_and_header_checksums_agree(&client, &bucket).await;
    let data = b"integrity matters".to_vec();
    // The default CRC32, then each algorithm Garage 2 knows.
    let algorithms = [
        None,
        Some(ChecksumAlgorithm::Crc32c),
        Some(ChecksumAlgorithm::Sha256),
        Some(ChecksumAlgorithm::Sha1),
        Some(ChecksumAlgorithm::Crc64nvme),
    ];
    for (i, algorithm) in algorithms.iter().enumerate() {
        let key = format!("k{i}");
        client
            .put_object()
            .bucket(&bucket)
            .key(&key)
            .set_checksum_algorithm(algorithm.clone())
            .body(ByteStream::from(data.clone()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
        let got = client
            .get_object()
            .bucket(&bucket)
            .key(&key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
            .unwrap();
        let sent = [
            &got.checksum_crc32,
            &got.checksum_crc32_c,
            &got.checksum_sha256,
            &got.checksum_sha1,
            &got.checksum_crc64_nvme,
        ];
        assert!(
            sent.iter().any(|c| c.is_some()),
            "{algorithm:?}: Garage returned no checksum"
        );
        assert_eq!(got.body.collect().await.unwrap(), data);
    }
    // A wrong checksum the caller gives is refused by Garage, and nothing is stored.
    let err = client
        .put_object()
        .bucket(&bucket)
        .key("bad")
        .checksum_crc32("AAAAAA==")
        .body(ByteStream::from(data.clone()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().status(), 400, "{err:?}");
    assert!(
        client
            .head_object()
            .bucket(&bucket)
            .key("bad")
            .send()
            .await
            .is_err()
    );
}
