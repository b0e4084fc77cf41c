//! Every operation the local server implements, end to end, with signatures verified.

use s3_client::primitives::{ByteStream, DateTime};
use s3_client::types::{
    CompletedMultipartUpload, CompletedPart, Delete, MetadataDirective, ObjectIdentifier,
};

use crate::setup;

#[tokio::test]
async fn buckets_create_head_locate_list_delete() {
    let (_server, client) = setup("alpha").await;
    client.create_bucket().bucket("beta").send().await.unwrap();
    let head = client.head_bucket().bucket("alpha").send().await.unwrap();
    let _ = head.bucket_region; // optional on this server
    let location = client
        .get_bucket_location()
        .bucket("alpha")
        .send()
        .await
        .unwrap();
    // us-east-1 is reported as an empty constraint, which reads as no value.
    assert!(
        location.location_constraint.is_none()
            || location.location_constraint.unwrap().as_str() == "us-east-1"
    );
    let listed = client.list_buckets().send().await.unwrap();
    let mut names: Vec<String> = listed
        .buckets
        .unwrap_or_default()
        .into_iter()
        .filter_map(|b| b.name)
        .collect();
    names.sort(); // s3s-fs lists in directory order, S3 in name order
    assert_eq!(names, ["alpha", "beta"]);
    client.delete_bucket().bucket("beta").send().await.unwrap();
    let listed = client.list_buckets().send().await.unwrap();
    assert_eq!(listed.buckets.unwrap_or_default().len(), 1);
}

#[tokio::test]
async fn put_get_head_delete_with_metadata() {
    let (_server, client) = setup("objects").await;
    let put = client
        .put_object()
        .bucket("objects")
        .key("dir/file.txt")
        .body(ByteStream::from("hello, world"))
        .content_type("text/plain")
        .metadata("colour", "blue")
        .metadata("Shape", "round")
        .send()
        .await
        .unwrap();
    let etag = put.e_tag.clone().unwrap();
    assert_eq!(etag, "\"e4d7f1b4ed2e42d15898f4b27b019da4\"");

    let head = client
        .head_object()
        .bucket("objects")
        .key("dir/file.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(12));
    assert_eq!(head.e_tag.as_deref(), Some(etag.as_str()));
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    let metadata = head.metadata.unwrap();
    assert_eq!(metadata.get("colour").map(String::as_str), Some("blue"));
    assert_eq!(metadata.get("shape").map(String::as_str), Some("round"));
    assert!(head.last_modified.is_some());

    let got = client
        .get_object()
        .bucket("objects")
        .key("dir/file.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length, Some(12));
    assert_eq!(&got.body.collect().await.unwrap()[..], b"hello, world");

    client
        .delete_object()
        .bucket("objects")
        .key("dir/file.txt")
        .send()
        .await
        .unwrap();
    let err = client
        .head_object()
        .bucket("objects")
        .key("dir/file.txt")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_no_such_key(), "{err:?}");
}

#[tokio::test]
async fn ranges_and_conditional_gets() {
    let (_server, client) = setup("ranges").await;
    let put = client
        .put_object()
        .bucket("ranges")
        .key("abc")
        .body(ByteStream::from("0123456789"))
        .send()
        .await
        .unwrap();
    let etag = put.e_tag.unwrap();

    let part = client
        .get_object()
        .bucket("ranges")
        .key("abc")
        .range("bytes=2-5")
        .send()
        .await
        .unwrap();
    assert_eq!(part.content_range.as_deref(), Some("bytes 2-5/10"));
    assert_eq!(&part.body.collect().await.unwrap()[..], b"2345");

    let same = client
        .get_object()
        .bucket("ranges")
        .key("abc")
        .if_match(&etag)
        .send()
        .await
        .unwrap();
    assert_eq!(&same.body.collect().await.unwrap()[..], b"0123456789");

    // s3s-fs evaluates conditions on writes and copies (its GET ignores them; the wire
    // test covers GET's conditional headers and their 304/412 answers).
    let err = client
        .put_object()
        .bucket("ranges")
        .key("abc")
        .if_none_match("*")
        .body(ByteStream::from("overwrite"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().status(), 412, "{err:?}");
    let err = client
        .copy_object()
        .bucket("ranges")
        .key("copy")
        .copy_source("ranges/abc")
        .copy_source_if_match("\"nope\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().status(), 412, "{err:?}");
    let past = DateTime::from_secs(0);
    let err = client
        .copy_object()
        .bucket("ranges")
        .key("copy")
        .copy_source("ranges/abc")
        .copy_source_if_unmodified_since(past)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().status(), 412, "{err:?}");
    client
        .copy_object()
        .bucket("ranges")
        .key("copy")
        .copy_source("ranges/abc")
        .copy_source_if_match(&etag)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn keys_that_need_encoding_round_trip() {
    let (_server, client) = setup("keys").await;
    let keys = [
        "with space.txt",
        "plus+sign",
        "percent%20literal",
        "question?mark",
        "hash#tag",
        "ünïcødé/日本語",
        "semi;colon,comma=equals&amp",
        "tilde~quote'paren()",
        "dir/sub dir/file",
    ];
    for (i, key) in keys.iter().enumerate() {
        let body = format!("body {i}");
        client
            .put_object()
            .bucket("keys")
            .key(*key)
            .body(ByteStream::from(body.clone()))
            .send()
            .await
            .unwrap();
        let got = client
            .get_object()
            .bucket("keys")
            .key(*key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.body.collect().await.unwrap(),
            body.as_bytes(),
            "key {key:?}"
        );
        client
            .head_object()
            .bucket("keys")
            .key(*key)
            .send()
            .await
            .unwrap();
    }
    let listed = client
        .list_objects_v2()
        .bucket("keys")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count, Some(keys.len() as i32));
    for key in keys {
        client
            .delete_object()
            .bucket("keys")
            .key(key)
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn delete_objects_copy_and_listings() {
    let (_server, client) = setup("listing").await;
    for key in ["a/1", "a/2", "b/1", "c"] {
        client
            .put_object()
            .bucket("listing")
            .key(key)
            .body(ByteStream::from(key.to_string()))
            .send()
            .await
            .unwrap();
    }
    let copied = client
        .copy_object()
        .bucket("listing")
        .key("copy-of-c")
        .copy_source("listing/c")
        .metadata_directive(MetadataDirective::Replace)
        .metadata("copied", "yes")
        .send()
        .await
        .unwrap();
    assert!(copied.copy_object_result.unwrap().e_tag.is_some());
    let head = client
        .head_object()
        .bucket("listing")
        .key("copy-of-c")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(1));

    let v2 = client
        .list_objects_v2()
        .bucket("listing")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = v2
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    let prefixes: Vec<_> = v2
        .common_prefixes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.prefix)
        .collect();
    assert_eq!(keys, ["c", "copy-of-c"]);
    assert_eq!(prefixes, ["a/", "b/"]);

    let page = client
        .list_objects_v2()
        .bucket("listing")
        .max_keys(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.is_truncated, Some(true));
    let rest = client
        .list_objects_v2()
        .bucket("listing")
        .continuation_token(page.next_continuation_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.contents.unwrap_or_default().len(), 3);

    let v1 = client
        .list_objects()
        .bucket("listing")
        .prefix("a/")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = v1
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["a/1", "a/2"]);
    assert_eq!(v1.prefix.as_deref(), Some("a/"));

    let deleted = client
        .delete_objects()
        .bucket("listing")
        .delete(Delete {
            objects: Some(
                ["a/1", "a/2", "b/1"]
                    .into_iter()
                    .map(|k| ObjectIdentifier {
                        key: Some(k.into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            quiet: Some(false),
        })
        .send()
        .await
        .unwrap();
    let mut gone: Vec<_> = deleted
        .deleted
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.key)
        .collect();
    gone.sort();
    assert_eq!(gone, ["a/1", "a/2", "b/1"]);
    let left = client
        .list_objects_v2()
        .bucket("listing")
        .send()
        .await
        .unwrap();
    assert_eq!(left.key_count, Some(2));
}

#[tokio::test]
async fn multipart_upload_of_several_parts_with_copy_and_abort() {
    let (_server, client) = setup("multi").await;
    client
        .put_object()
        .bucket("multi")
        .key("source")
        .body(ByteStream::from(vec![b's'; 1024]))
        .send()
        .await
        .unwrap();
    let created = client
        .create_multipart_upload()
        .bucket("multi")
        .key("big")
        .content_type("application/x-test")
        .send()
        .await
        .unwrap();
    let upload_id = created.upload_id.unwrap();
    assert_eq!(created.key.as_deref(), Some("big"));

    const PART: usize = 5 * 1024 * 1024;
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    for n in 1..=3 {
        let data = vec![b'0' + n as u8; PART];
        expected.extend_from_slice(&data);
        let out = client
            .upload_part()
            .bucket("multi")
            .key("big")
            .upload_id(&upload_id)
            .part_number(n)
            .body(ByteStream::from(data))
            .send()
            .await
            .unwrap();
        parts.push(CompletedPart {
            e_tag: out.e_tag,
            part_number: Some(n),
            ..Default::default()
        });
    }
    let copied = client
        .upload_part_copy()
        .bucket("multi")
        .key("big")
        .upload_id(&upload_id)
        .part_number(4)
        .copy_source("multi/source")
        .send()
        .await
        .unwrap();
    expected.extend_from_slice(&[b's'; 1024]);
    parts.push(CompletedPart {
        e_tag: copied.copy_part_result.unwrap().e_tag,
        part_number: Some(4),
        ..Default::default()
    });

    let listed = client
        .list_parts()
        .bucket("multi")
        .key("big")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap();
    let mut numbers: Vec<_> = listed
        .parts
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.part_number)
        .collect();
    numbers.sort(); // s3s-fs lists parts in directory order, S3 by number
    assert_eq!(numbers, [1, 2, 3, 4]);

    let done = client
        .complete_multipart_upload()
        .bucket("multi")
        .key("big")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await
        .unwrap();
    assert_eq!(done.key.as_deref(), Some("big"));
    let got = client
        .get_object()
        .bucket("multi")
        .key("big")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length, Some(expected.len() as i64));
    assert!(got.body.collect().await.unwrap() == expected[..]);

    let second = client
        .create_multipart_upload()
        .bucket("multi")
        .key("aborted")
        .send()
        .await
        .unwrap();
    let id = second.upload_id.unwrap();
    client
        .abort_multipart_upload()
        .bucket("multi")
        .key("aborted")
        .upload_id(&id)
        .send()
        .await
        .unwrap();
    // S3 answers NoSuchUpload once an upload is aborted; s3s-fs answers with no parts.
    match client
        .list_parts()
        .bucket("multi")
        .key("aborted")
        .upload_id(&id)
        .send()
        .await
    {
        Ok(out) => assert!(
            out.parts.unwrap_or_default().is_empty(),
            "parts left after abort"
        ),
        Err(err) => assert_eq!(err.meta().unwrap().code(), Some("NoSuchUpload"), "{err:?}"),
    }
}

/// A 256 MiB PutObject from a file and GetObject as a stream, in a process of its own
/// (transfer-probe) so that only the client's memory counts: neither is held in memory.
#[tokio::test]
async fn file_uploads_send_their_checksum_last_and_the_store_checks_it() {
    let (_server, client) = setup("trailers").await;
    crate::checksums::trailing_and_header_checksums_agree(&client, "trailers").await;
}

#[tokio::test]
async fn large_objects_stream_without_buffering() {
    let (server, _client) = setup("stream").await;
    const SIZE: u64 = 256 * 1024 * 1024;
    let path = server.root().join("upload-source.bin");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        for _ in 0..SIZE / chunk.len() as u64 {
            file.write_all(&chunk).unwrap();
        }
    }
    let endpoint = server.endpoint();
    let args = [
        std::ffi::OsStr::new("--stream"),
        endpoint.as_ref(),
        "stream".as_ref(),
        path.as_os_str(),
    ];
    let report = crate::run_probe(args, std::time::Duration::from_secs(600)).await;
    assert_eq!(report.value("bytes"), SIZE);
    assert!(report.value("chunks") > 16);
    let peak = report.value("peak_rss_kib") * 1024;
    assert!(peak < SIZE / 4, "peak RSS {peak} bytes moving {SIZE} bytes");
    std::fs::remove_file(&path).unwrap();
}
