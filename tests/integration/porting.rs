//! Code in aws-sdk-s3's style, with `s3_client` in place of `aws_sdk_s3`: accessors on
//! outputs and nested types, builders of nested types, and boto3's member names.

use s3_client::primitives::ByteStream;
use s3_client::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier, Tag};

use crate::setup;

#[tokio::test]
async fn outputs_read_through_accessors_and_nested_types_come_from_builders() {
    let (_server, client) = setup("port").await;
    for key in ["a.txt", "b.txt"] {
        let put = client
            .put_object()
            .bucket("port")
            .key(key)
            .body(ByteStream::from_static(b"hello"))
            .send()
            .await
            .unwrap();
        assert!(put.e_tag().is_some_and(|e| e.starts_with('"')), "{put:?}");
    }

    let listed = client
        .list_objects_v2()
        .bucket("port")
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["a.txt", "b.txt"]);
    assert!(listed.contents().iter().all(|o| o.size() == Some(5)));
    assert_eq!(listed.common_prefixes(), &[]);
    assert_eq!(listed.is_truncated(), Some(false));

    // A multipart upload with parts from builders.
    let upload = client
        .create_multipart_upload()
        .bucket("port")
        .key("big")
        .send()
        .await
        .unwrap();
    let upload_id = upload.upload_id().unwrap();
    let part = client
        .upload_part()
        .bucket("port")
        .key("big")
        .upload_id(upload_id)
        .part_number(1)
        .body(ByteStream::from_static(b"one part"))
        .send()
        .await
        .unwrap();
    let completed = CompletedMultipartUpload::builder()
        .parts(
            CompletedPart::builder()
                .e_tag(part.e_tag().unwrap_or_default())
                .part_number(1)
                .build(),
        )
        .build();
    client
        .complete_multipart_upload()
        .bucket("port")
        .key("big")
        .upload_id(upload_id)
        .multipart_upload(completed)
        .send()
        .await
        .unwrap();
    let got = client
        .get_object()
        .bucket("port")
        .key("big")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length(), Some(8));
    assert_eq!(&got.body.collect().await.unwrap()[..], b"one part");

    // DeleteObjects from builders whose build() checks the required members.
    let objects = ["a.txt", "b.txt", "big"]
        .map(|k| ObjectIdentifier::builder().key(k).build().unwrap())
        .to_vec();
    let delete = Delete::builder()
        .set_objects(Some(objects))
        .quiet(true)
        .build()
        .unwrap();
    assert_eq!(delete.objects()[0].key(), "a.txt");
    let deleted = client
        .delete_objects()
        .bucket("port")
        .delete(delete)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.errors(), &[]);
    let listed = client
        .list_objects_v2()
        .bucket("port")
        .send()
        .await
        .unwrap();
    assert!(listed.contents().is_empty());
}

#[test]
fn builds_missing_a_required_member_name_it() {
    let err = Tag::builder().key("k").build().unwrap_err();
    assert_eq!(err.member_name(), Some("Tag.Value"));
    assert!(err.to_string().contains("`Value`"), "{err}");
    let err = Delete::builder().quiet(true).build().unwrap_err();
    assert_eq!(err.member_name(), Some("Delete.Objects"));
    let tag = Tag::builder().key("k").value("v").build().unwrap();
    assert_eq!((tag.key(), tag.value()), ("k", "v"));
    // Struct literals keep working beside the builders.
    let literal = Tag {
        key: Some("k".into()),
        value: Some("v".into()),
    };
    assert_eq!(literal, tag);
}

#[test]
fn member_names_are_boto3s() {
    let out = s3_client::operation::get_object::GetObjectOutput {
        checksum_crc32_c: Some("c".into()),
        checksum_crc64_nvme: Some("n".into()),
        ..Default::default()
    };
    assert_eq!(out.checksum_crc32_c(), Some("c"));
    assert_eq!(out.checksum_crc64_nvme(), Some("n"));
}

#[tokio::test]
async fn bodies_read_as_aws_sdk_s3_reads_them() {
    use tokio::io::AsyncBufReadExt;
    let (_server, client) = setup("bodies").await;
    let text = "first line\nsecond line\n".repeat(1000);
    client
        .put_object()
        .bucket("bodies")
        .key("lines.txt")
        .body(ByteStream::from(text.clone()))
        .send()
        .await
        .unwrap();
    let get = || client.get_object().bucket("bodies").key("lines.txt").send();

    // into_async_read(): a tokio AsyncBufRead, line by line.
    let mut lines = get().await.unwrap().body.into_async_read().lines();
    let mut count = 0;
    while let Some(line) = lines.next_line().await.unwrap() {
        assert!(line.ends_with(" line"), "{line}");
        count += 1;
        assert!(count <= 2000);
    }
    assert_eq!(count, 2000);

    // try_next(): chunks until Ok(None).
    let mut body = get().await.unwrap().body;
    let mut total = 0;
    while let Some(chunk) = body.try_next().await.unwrap() {
        total += chunk.len();
        assert!(total <= text.len());
    }
    assert_eq!(total, text.len());

    // tokio::io::copy into a writer.
    let mut reader = get().await.unwrap().body.into_async_read();
    let mut out = Vec::new();
    tokio::io::copy_buf(&mut reader, &mut out).await.unwrap();
    assert_eq!(out, text.as_bytes());
}

#[tokio::test]
async fn errors_read_through_provide_error_metadata() {
    use s3_client::error::ProvideErrorMetadata;
    let (_server, client) = setup("errs").await;
    let err = client
        .get_object()
        .bucket("errs")
        .key("missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchKey"), "{err:?}");
    let service = err.into_service_error().unwrap();
    assert!(service.is_no_such_key());
    assert_eq!(ProvideErrorMetadata::code(&service), Some("NoSuchKey"));

    // An error S3 did not send has empty metadata.
    let err = client.get_object().key("k").send().await.unwrap_err();
    assert!(
        matches!(err, s3_client::SdkError::Construction(_)),
        "{err:?}"
    );
    assert_eq!((err.code(), err.message()), (None, None));
}
