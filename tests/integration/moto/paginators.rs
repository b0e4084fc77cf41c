//! Generated paginators against moto: thousands of keys with delimiters, prefixes and keys
//! that need encoding, each returned once and in order; versions, uploads and parts.

use futures_util::{StreamExt, TryStreamExt};
use s3_client::Client;
use s3_client::primitives::ByteStream;
use s3_client::types::{BucketVersioningStatus, VersioningConfiguration};

use super::bucket;

/// Runs `jobs` futures at most 16 at a time.
async fn all<F: Future<Output = ()>>(jobs: impl Iterator<Item = F>) {
    futures_util::stream::iter(jobs)
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
}

async fn put(client: &Client, bucket: &str, key: String) {
    client
        .put_object()
        .bucket(bucket)
        .key(&key)
        .body(ByteStream::from_static(b"."))
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {key:?}: {e}"));
}

/// 2,000 keys in four folders, some with spaces, plus signs, percent signs, control
/// characters and non-ASCII letters.
fn keys() -> Vec<String> {
    let mut keys: Vec<String> = (0..2000)
        .map(|i| match i % 40 {
            0 => format!("dir{}/odd key+{i:04}%", i % 4),
            1 => format!("dir{}/ctl\u{1}{i:04}", i % 4),
            2 => format!("dir{}/ünï-{i:04}", i % 4),
            _ => format!("dir{}/file-{i:04}", i % 4),
        })
        .collect();
    // S3 lists in UTF-8 byte order, which is `String`'s order.
    keys.sort();
    keys
}

#[tokio::test]
async fn object_listings_page_through_thousands_of_keys() {
    let (client, bucket) = bucket("pages").await;
    let keys = keys();
    all(keys.iter().map(|k| put(&client, &bucket, k.clone()))).await;

    // V2 with continuation tokens, 300 keys a page.
    let pages: Vec<_> = client
        .list_objects_v2()
        .bucket(&bucket)
        .into_paginator()
        .page_size(300)
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 7);
    assert!(pages.iter().all(|p| p.key_count <= Some(300)));
    let listed: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.contents.unwrap_or_default())
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(listed, keys);

    // V1 with markers (without a delimiter S3 may leave NextMarker out; the last key then
    // serves as the marker).
    let v1: Vec<String> = client
        .list_objects()
        .bucket(&bucket)
        .into_paginator()
        .page_size(450)
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(v1, keys);

    // A prefix and a delimiter: one folder's keys, and each folder once as a prefix.
    let dir2: Vec<String> = client
        .list_objects_v2()
        .bucket(&bucket)
        .prefix("dir2/")
        .into_paginator()
        .page_size(100)
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<&String> = keys.iter().filter(|k| k.starts_with("dir2/")).collect();
    assert_eq!(dir2.iter().collect::<Vec<_>>(), expected);
    let folders: Vec<String> = client
        .list_objects_v2()
        .bucket(&bucket)
        .delimiter("/")
        .into_paginator()
        .page_size(2)
        .common_prefixes()
        .map_ok(|p| p.prefix.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(folders, ["dir0/", "dir1/", "dir2/", "dir3/"]);

    // A cap on items stops early, mid-page.
    let first: Vec<String> = client
        .list_objects_v2()
        .bucket(&bucket)
        .into_paginator()
        .page_size(100)
        .max_items(250)
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first, keys[..250]);
}

#[tokio::test]
async fn version_and_multipart_listings_page() {
    let (client, bucket) = bucket("vpages").await;
    client
        .put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(VersioningConfiguration {
            status: Some(BucketVersioningStatus::Enabled),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    for round in 0..4 {
        all((0..5).map(|k| put(&client, &bucket, format!("key-{k}")))).await;
        if round == 3 {
            for k in 0..2 {
                client
                    .delete_object()
                    .bucket(&bucket)
                    .key(format!("key-{k}"))
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
    let paginator = || {
        client
            .list_object_versions()
            .bucket(&bucket)
            .into_paginator()
            .page_size(3)
    };
    let mut versions: Vec<(String, String)> = paginator()
        .versions()
        .map_ok(|v| (v.key.unwrap_or_default(), v.version_id.unwrap_or_default()))
        .try_collect()
        .await
        .unwrap();
    let markers: Vec<String> = paginator()
        .delete_markers()
        .map_ok(|m| m.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    let count = versions.len();
    versions.sort();
    versions.dedup();
    assert_eq!((count, versions.len()), (20, 20));
    assert_eq!(markers, ["key-0", "key-1"]);

    // Twelve uploads, five a page; twelve parts of one upload, five a page.
    let mut ids = Vec::new();
    for i in 0..12 {
        let out = client
            .create_multipart_upload()
            .bucket(&bucket)
            .key(format!("upload-{i:02}"))
            .send()
            .await
            .unwrap();
        ids.push(out.upload_id.unwrap());
    }
    let uploads: Vec<String> = client
        .list_multipart_uploads()
        .bucket(&bucket)
        .into_paginator()
        .page_size(5)
        .items()
        .map_ok(|u| u.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (0..12).map(|i| format!("upload-{i:02}")).collect();
    assert_eq!(uploads, expected);
    for n in 1..=12 {
        client
            .upload_part()
            .bucket(&bucket)
            .key("upload-00")
            .upload_id(&ids[0])
            .part_number(n)
            .body(ByteStream::from(vec![b'x'; 10]))
            .send()
            .await
            .unwrap();
    }
    let parts: Vec<i32> = client
        .list_parts()
        .bucket(&bucket)
        .key("upload-00")
        .upload_id(&ids[0])
        .into_paginator()
        .page_size(5)
        .items()
        .map_ok(|p| p.part_number.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(parts, (1..=12).collect::<Vec<_>>());
}

#[test]
fn paginator_names_come_from_the_model() {
    assert_eq!(
        Client::paginator_names(),
        [
            "list_buckets",
            "list_directory_buckets",
            "list_multipart_uploads",
            "list_object_annotations",
            "list_object_versions",
            "list_objects",
            "list_objects_v2",
            "list_parts"
        ]
    );
    assert!(Client::can_paginate("list_objects_v2"));
    assert!(!Client::can_paginate("get_object"));
}
