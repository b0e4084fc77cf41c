//! Object operations against moto: the foundation's twenty operations once more on a
//! server nobody here wrote, object ACLs both ways, tagging, restore from an archive
//! class, and version listings with delete markers and keys that need URL encoding.

use s3_client::primitives::ByteStream;
use s3_client::types::{
    BucketVersioningStatus, CompletedMultipartUpload, CompletedPart, Delete, Grant,
    ObjectCannedAcl, ObjectIdentifier, RestoreRequest, StorageClass, Tag, Tagging, Tier,
    VersioningConfiguration,
};

use super::bucket;

fn tags(pairs: &[(&str, &str)]) -> Tagging {
    Tagging {
        tag_set: Some(
            pairs
                .iter()
                .map(|(k, v)| Tag {
                    key: Some(k.to_string()),
                    value: Some(v.to_string()),
                })
                .collect(),
        ),
    }
}

fn grant_summary(grants: &[Grant]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = grants
        .iter()
        .map(|g| {
            let who = g.grantee.as_ref().map_or(String::new(), |e| {
                e.uri.clone().or_else(|| e.id.clone()).unwrap_or_default()
            });
            let what = g.permission.as_ref().map_or("", |p| p.as_str()).to_string();
            (who, what)
        })
        .collect();
    out.sort();
    out
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

#[tokio::test]
async fn bucket_and_object_basics() {
    let (client, bucket) = bucket("basics").await;
    let listed = client.list_buckets().send().await.unwrap();
    assert!(
        listed
            .buckets
            .unwrap_or_default()
            .iter()
            .any(|b| b.name.as_deref() == Some(bucket.as_str()))
    );
    client.head_bucket().bucket(&bucket).send().await.unwrap();
    let location = client
        .get_bucket_location()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    // us-east-1 is the empty location constraint.
    assert_eq!(location.location_constraint, None);

    client
        .put_object()
        .bucket(&bucket)
        .key("dir/a.txt")
        .content_type("text/plain")
        .expires("Wed, 21 Oct 2026 07:28:00 GMT")
        .metadata("colour", "blue")
        .body(ByteStream::from_static(b"alpha"))
        .send()
        .await
        .unwrap();
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("dir/a.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(5));
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    // Expires travels as the HTTP date it was given; Last-Modified is an HTTP date in
    // headers and ISO 8601 in listings, and both read as the same instant.
    assert_eq!(
        head.expires.as_deref(),
        Some("Wed, 21 Oct 2026 07:28:00 GMT")
    );
    let listed = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let listed_modified = listed.contents.unwrap_or_default()[0].last_modified;
    assert!(head.last_modified.is_some());
    assert_eq!(
        head.last_modified.map(|t| t.secs()),
        listed_modified.map(|t| t.secs())
    );
    assert_eq!(
        head.metadata
            .unwrap_or_default()
            .get("colour")
            .map(String::as_str),
        Some("blue")
    );
    let got = client
        .get_object()
        .bucket(&bucket)
        .key("dir/a.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"alpha");

    client
        .copy_object()
        .bucket(&bucket)
        .key("dir/b.txt")
        .copy_source(format!("{bucket}/dir/a.txt"))
        .send()
        .await
        .unwrap();
    let v1 = client
        .list_objects()
        .bucket(&bucket)
        .prefix("dir/")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = v1
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["dir/a.txt", "dir/b.txt"]);
    let v2 = client
        .list_objects_v2()
        .bucket(&bucket)
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let prefixes: Vec<_> = v2
        .common_prefixes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.prefix)
        .collect();
    assert_eq!(prefixes, ["dir/"]);

    let deleted = client
        .delete_objects()
        .bucket(&bucket)
        .delete(Delete {
            objects: Some(vec![ObjectIdentifier {
                key: Some("dir/b.txt".into()),
                ..Default::default()
            }]),
            quiet: Some(false),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        deleted.deleted.unwrap_or_default()[0].key.as_deref(),
        Some("dir/b.txt")
    );
    client
        .delete_object()
        .bucket(&bucket)
        .key("dir/a.txt")
        .send()
        .await
        .unwrap();
    let empty = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.key_count, Some(0));
    client.delete_bucket().bucket(&bucket).send().await.unwrap();
    let gone = client
        .head_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.meta().map(|m| m.status()), Some(404));
}

/// moto decodes aws-chunked bodies (and computes the checksum the request names itself).
#[tokio::test]
async fn file_uploads_with_trailing_checksums() {
    let (client, bucket) = bucket("trailers").await;
    crate::checksums::trailing_and_header_checksums_agree(&client, &bucket).await;
}

#[tokio::test]
async fn multipart_upload_on_moto() {
    let (client, bucket) = bucket("multipart").await;
    let part = vec![b'p'; 5 * 1024 * 1024];
    client
        .put_object()
        .bucket(&bucket)
        .key("source")
        .body(ByteStream::from(vec![b's'; 1024]))
        .send()
        .await
        .unwrap();

    // An upload that is abandoned.
    let abandoned = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key("abandoned")
        .send()
        .await
        .unwrap()
        .upload_id
        .unwrap();
    let started = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key("big")
        .send()
        .await
        .unwrap();
    let upload_id = started.upload_id.unwrap();
    let uploads = client
        .list_multipart_uploads()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let mut open: Vec<_> = uploads
        .uploads
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.key)
        .collect();
    open.sort();
    assert_eq!(open, ["abandoned", "big"]);
    client
        .abort_multipart_upload()
        .bucket(&bucket)
        .key("abandoned")
        .upload_id(&abandoned)
        .send()
        .await
        .unwrap();

    let first = client
        .upload_part()
        .bucket(&bucket)
        .key("big")
        .upload_id(&upload_id)
        .part_number(1)
        .body(ByteStream::from(part.clone()))
        .send()
        .await
        .unwrap();
    let second = client
        .upload_part_copy()
        .bucket(&bucket)
        .key("big")
        .upload_id(&upload_id)
        .part_number(2)
        .copy_source(format!("{bucket}/source"))
        .send()
        .await
        .unwrap();
    let parts = client
        .list_parts()
        .bucket(&bucket)
        .key("big")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap();
    let sizes: Vec<_> = parts
        .parts
        .unwrap_or_default()
        .iter()
        .map(|p| (p.part_number, p.size))
        .collect();
    assert_eq!(
        sizes,
        [(Some(1), Some(part.len() as i64)), (Some(2), Some(1024))]
    );
    client
        .complete_multipart_upload()
        .bucket(&bucket)
        .key("big")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload {
            parts: Some(vec![
                CompletedPart {
                    part_number: Some(1),
                    e_tag: first.e_tag,
                    ..Default::default()
                },
                CompletedPart {
                    part_number: Some(2),
                    e_tag: second.copy_part_result.and_then(|r| r.e_tag),
                    ..Default::default()
                },
            ]),
        })
        .send()
        .await
        .unwrap();
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("big")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(part.len() as i64 + 1024));
}

#[tokio::test]
async fn object_acls_both_ways() {
    let (client, bucket) = bucket("objacl").await;
    client
        .put_object()
        .bucket(&bucket)
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let initial = client
        .get_object_acl()
        .bucket(&bucket)
        .key("k")
        .send()
        .await
        .unwrap();
    let owner_id = initial.owner.and_then(|o| o.id).unwrap();
    assert_eq!(
        grant_summary(&initial.grants.unwrap_or_default()),
        [(owner_id.clone(), "FULL_CONTROL".to_string())]
    );

    // moto ignores an AccessControlPolicy body on objects (it honours it on buckets, see
    // bucket_config); the object body is checked on the wire in `crate::gaps`.
    // As x-amz-grant-* headers.
    client
        .put_object_acl()
        .bucket(&bucket)
        .key("k")
        .grant_read_acp(format!("uri=\"{ALL_USERS}\""))
        .grant_full_control(format!("id=\"{owner_id}\""))
        .send()
        .await
        .unwrap();
    let by_headers = client
        .get_object_acl()
        .bucket(&bucket)
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        grant_summary(&by_headers.grants.unwrap_or_default()),
        [
            (owner_id.clone(), "FULL_CONTROL".to_string()),
            (ALL_USERS.to_string(), "READ_ACP".to_string()),
        ]
    );

    // A canned ACL.
    client
        .put_object_acl()
        .bucket(&bucket)
        .key("k")
        .acl(ObjectCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let canned = client
        .get_object_acl()
        .bucket(&bucket)
        .key("k")
        .send()
        .await
        .unwrap();
    assert!(
        grant_summary(&canned.grants.unwrap_or_default())
            .contains(&(ALL_USERS.to_string(), "READ".to_string()))
    );
}

#[tokio::test]
async fn object_tagging_round_trip() {
    let (client, bucket) = bucket("objtag").await;
    client
        .put_object()
        .bucket(&bucket)
        .key("k")
        .tagging("team=storage&tier=hot")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let read = |key: &'static str| {
        let client = client.clone();
        let bucket = bucket.clone();
        async move {
            let mut set = client
                .get_object_tagging()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .unwrap()
                .tag_set
                .unwrap_or_default();
            set.sort_by(|a, b| a.key.cmp(&b.key));
            set
        }
    };
    assert_eq!(
        Some(read("k").await),
        tags(&[("team", "storage"), ("tier", "hot")]).tag_set
    );
    let replacement = tags(&[("owner", "a+b=c @d:e/f"), ("space", "with space")]);
    client
        .put_object_tagging()
        .bucket(&bucket)
        .key("k")
        .tagging(replacement.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(Some(read("k").await), replacement.tag_set);
    client
        .delete_object_tagging()
        .bucket(&bucket)
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(read("k").await, vec![]);
}

#[tokio::test]
async fn restore_an_archived_object() {
    let (client, bucket) = bucket("restore").await;
    client
        .put_object()
        .bucket(&bucket)
        .key("cold")
        .storage_class(StorageClass::Glacier)
        .body(ByteStream::from_static(b"frozen"))
        .send()
        .await
        .unwrap();
    // An archived object cannot be read before it is restored.
    let err = client
        .get_object()
        .bucket(&bucket)
        .key("cold")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.meta().and_then(|m| m.code()),
        Some("InvalidObjectState")
    );
    client
        .restore_object()
        .bucket(&bucket)
        .key("cold")
        .restore_request(RestoreRequest {
            days: Some(2),
            glacier_job_parameters: Some(s3_client::types::GlacierJobParameters {
                tier: Some(Tier::Standard),
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("cold")
        .send()
        .await
        .unwrap();
    let restore = head.restore.unwrap_or_default();
    assert!(restore.contains("ongoing-request=\"false\""), "{restore}");
    let got = client
        .get_object()
        .bucket(&bucket)
        .key("cold")
        .send()
        .await
        .unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"frozen");
}

#[tokio::test]
async fn versions_and_delete_markers() {
    let (client, bucket) = bucket("versions").await;
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
    // Keys that XML 1.0 cannot carry unless S3 URL-encodes them.
    let odd = ["ctl\u{1}key", "sp ace+plus%25", "dir/ünï"];
    let mut put_versions = Vec::new();
    for (i, body) in ["one", "two"].iter().enumerate() {
        let out = client
            .put_object()
            .bucket(&bucket)
            .key("doc")
            .body(ByteStream::from(body.to_string()))
            .send()
            .await
            .unwrap();
        put_versions.push(out.version_id.unwrap_or_else(|| panic!("version {i}")));
    }
    for key in odd {
        client
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(ByteStream::from_static(b"odd"))
            .send()
            .await
            .unwrap();
    }
    let marker = client
        .delete_object()
        .bucket(&bucket)
        .key("doc")
        .send()
        .await
        .unwrap();
    assert_eq!(marker.delete_marker, Some(true));

    let all = client
        .list_object_versions()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let versions = all.versions.unwrap_or_default();
    let doc: Vec<_> = versions
        .iter()
        .filter(|v| v.key.as_deref() == Some("doc"))
        .map(|v| (v.version_id.clone().unwrap(), v.is_latest))
        .collect();
    // Newest first; the delete marker is now the latest.
    assert_eq!(
        doc,
        [
            (put_versions[1].clone(), Some(false)),
            (put_versions[0].clone(), Some(false))
        ]
    );
    let markers = all.delete_markers.unwrap_or_default();
    assert_eq!(markers.len(), 1);
    assert_eq!(
        (
            markers[0].key.as_deref(),
            markers[0].is_latest,
            &markers[0].version_id
        ),
        (Some("doc"), Some(true), &marker.version_id)
    );
    let mut keys: Vec<_> = versions.iter().filter_map(|v| v.key.clone()).collect();
    keys.dedup();
    let mut expected: Vec<String> = odd.iter().map(|k| k.to_string()).collect();
    expected.push("doc".into());
    expected.sort();
    assert_eq!(keys, expected);

    // A delimiter folds keys into prefixes; those come back decoded too.
    let folded = client
        .list_object_versions()
        .bucket(&bucket)
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let prefixes: Vec<_> = folded
        .common_prefixes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.prefix)
        .collect();
    assert_eq!(prefixes, ["dir/"]);

    // Paging by key and version markers visits every version once.
    let mut seen = Vec::new();
    let (mut key_marker, mut version_marker) = (None, None);
    for _ in 0..20 {
        let page = client
            .list_object_versions()
            .bucket(&bucket)
            .max_keys(2)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
            .unwrap();
        for v in page.versions.unwrap_or_default() {
            seen.push(v.version_id.unwrap_or_default());
        }
        for m in page.delete_markers.unwrap_or_default() {
            seen.push(m.version_id.unwrap_or_default());
        }
        if page.is_truncated != Some(true) {
            break;
        }
        key_marker = page.next_key_marker;
        version_marker = page.next_version_id_marker;
    }
    assert_eq!(seen.len(), versions.len() + 1);

    // The same keys through both object listings.
    let v1: Vec<_> = client
        .list_objects()
        .bucket(&bucket)
        .send()
        .await
        .unwrap()
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    let v2: Vec<_> = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap()
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    let mut live: Vec<String> = odd.iter().map(|k| k.to_string()).collect();
    live.sort();
    assert_eq!((v1, v2), (live.clone(), live));
}

#[tokio::test]
async fn keys_with_dot_segments_round_trip() {
    // Sent exactly as boto3 sends them (the path is never normalised), so each names
    // its own object.
    let (client, bucket) = bucket("dots").await;
    let keys = [
        "a/../b", "./x", "a/./b", "..", ".", "a/..", "../up", "//lead", "/x", "a//b/", "x/.",
    ];
    for key in keys {
        client
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(ByteStream::from(format!("body of {key}")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put {key:?}: {e}"));
    }
    for key in keys {
        let object = client
            .get_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("get {key:?}: {e}"));
        let body = object.body.collect().await.unwrap();
        assert_eq!(body, format!("body of {key}").as_bytes(), "{key:?}");
    }
    let listed = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let mut got: Vec<String> = listed
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    got.sort();
    let mut want: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    for key in keys {
        client
            .delete_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .unwrap();
    }
    let listed = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count, Some(0));
}
