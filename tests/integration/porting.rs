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
    let service = err.into_service_error();
    assert!(service.is_no_such_key());
    assert_eq!(ProvideErrorMetadata::code(&service), Some("NoSuchKey"));

    // An error S3 did not send has empty metadata.
    let err = client.get_object().key("k").send().await.unwrap_err();
    assert!(
        matches!(err, s3_client::SdkError::ConstructionFailure(_)),
        "{err:?}"
    );
    assert_eq!((err.code(), err.message()), (None, None));
}

/// The programs of `tests/porting/`, written for aws-sdk-s3, with the import changed by
/// `tests/build.rs` and nothing else.
mod programs {
    pub mod batch {
        include!(concat!(env!("OUT_DIR"), "/porting/batch.rs"));
    }
    pub mod download {
        include!(concat!(env!("OUT_DIR"), "/porting/download.rs"));
    }
    pub mod errors {
        include!(concat!(env!("OUT_DIR"), "/porting/errors.rs"));
    }
    pub mod listing {
        include!(concat!(env!("OUT_DIR"), "/porting/listing.rs"));
    }
    pub mod multipart {
        include!(concat!(env!("OUT_DIR"), "/porting/multipart.rs"));
    }
    pub mod presign {
        include!(concat!(env!("OUT_DIR"), "/porting/presign.rs"));
    }
    pub mod put_from_file {
        include!(concat!(env!("OUT_DIR"), "/porting/put_from_file.rs"));
    }
    pub mod setup {
        include!(concat!(env!("OUT_DIR"), "/porting/setup.rs"));
    }
}

/// A local server with bucket `bucket`, and its endpoint and keys for the programs.
async fn ported(bucket: &str) -> (s3_client_tests::LocalS3, s3_client::Client) {
    let (server, _) = setup(bucket).await;
    let client = programs::setup::local_client(
        &server.endpoint(),
        s3_client_tests::ACCESS_KEY,
        s3_client_tests::SECRET_KEY,
    )
    .await;
    (server, client)
}

/// A scratch file of `len` bytes that are not all alike.
fn scratch_file(name: &str, len: usize) -> (std::path::PathBuf, Vec<u8>) {
    let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    let path =
        std::env::temp_dir().join(format!("s3-client-porting-{}-{name}", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    (path, data)
}

#[tokio::test]
async fn ported_setup_programs_make_working_clients() {
    let (server, _) = setup("port-setup").await;
    let (endpoint, access, secret) = (
        server.endpoint(),
        s3_client_tests::ACCESS_KEY,
        s3_client_tests::SECRET_KEY,
    );
    let clients = [
        programs::setup::local_client(&endpoint, access, secret).await,
        programs::setup::direct_client(&endpoint, access, secret),
        programs::setup::shared_client(&endpoint, access, secret).await,
    ];
    for client in &clients {
        assert_eq!(client.config().region(), "us-east-1");
        assert_eq!(client.config().endpoint_url(), Some(endpoint.as_str()));
        let names = programs::listing::bucket_names(client).await.unwrap();
        assert_eq!(names, ["port-setup"]);
    }
    assert!(clients[0].config().force_path_style() && clients[1].config().force_path_style());
}

#[tokio::test]
async fn ported_upload_and_downloads_round_trip_a_file() {
    let (_server, client) = ported("port-files").await;
    let (path, data) = scratch_file("upload", 300_000);
    let put = programs::put_from_file::upload_object(&client, "port-files", &path, "f.bin")
        .await
        .unwrap();
    assert!(put.e_tag().is_some());

    let target = path.with_extension("down");
    let copied = programs::download::download_to_file(&client, "port-files", "f.bin", &target)
        .await
        .unwrap();
    assert_eq!(copied, data.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), data);
    let chunks = programs::download::download_chunks(&client, "port-files", "f.bin")
        .await
        .unwrap();
    assert_eq!(chunks, data);
    let bytes = programs::download::download_bytes(&client, "port-files", "f.bin")
        .await
        .unwrap();
    assert_eq!(bytes, data);
    let head = client
        .head_object()
        .bucket("port-files")
        .key("f.bin")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("text/plain"));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("origin"))
            .map(String::as_str),
        Some("porting-test")
    );
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(target);
}

#[tokio::test]
async fn ported_listings_page_and_collect() {
    let (_server, client) = ported("port-list").await;
    let keys = ["a", "b", "c", "d", "e"];
    for (i, key) in keys.iter().enumerate() {
        client
            .put_object()
            .bucket("port-list")
            .key(*key)
            .body(ByteStream::from(vec![b'x'; i + 1]))
            .send()
            .await
            .unwrap();
    }
    let first = programs::listing::list_first_page(&client, "port-list")
        .await
        .unwrap();
    let expected: Vec<(String, i64)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), i as i64 + 1))
        .collect();
    assert_eq!(first, expected);
    let (pages, listed) = programs::listing::count_pages(&client, "port-list", 2)
        .await
        .unwrap();
    assert_eq!((pages, listed), (3, keys.map(String::from).to_vec()));
    let all = programs::listing::all_keys(&client, "port-list")
        .await
        .unwrap();
    assert_eq!(all, keys);
}

#[tokio::test]
async fn ported_multipart_upload_from_file_slices() {
    let (_server, client) = ported("port-mpu").await;
    let (path, data) = scratch_file("mpu", 11 * 1024 * 1024 + 17);
    let etag =
        programs::multipart::upload_in_parts(&client, "port-mpu", "big", &path, 5 * 1024 * 1024)
            .await
            .unwrap();
    assert!(etag.is_some_and(|e| e.ends_with("-3\"")), "three parts");
    let back = programs::download::download_bytes(&client, "port-mpu", "big")
        .await
        .unwrap();
    assert!(back == data[..], "the object is the file");
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn ported_presigned_requests_work_without_credentials() {
    let (_server, client) = ported("port-presign").await;
    let http = reqwest::Client::new();
    let put = programs::presign::presign_put(
        &client,
        "port-presign",
        "p.txt",
        std::time::Duration::from_secs(300),
    )
    .await
    .unwrap();
    assert_eq!(put.method, "PUT");
    assert!(
        put.headers
            .iter()
            .any(|(n, v)| n == "content-type" && v == "text/plain")
    );
    let mut request = http.put(&put.uri).body("presigned body");
    for (name, value) in &put.headers {
        request = request.header(name, value);
    }
    let answer = request.send().await.unwrap();
    assert!(answer.status().is_success(), "{answer:?}");

    let get = programs::presign::presign_get(&client, "port-presign", "p.txt", 300)
        .await
        .unwrap();
    assert_eq!(get.method, "GET");
    let answer = http.get(&get.uri).send().await.unwrap();
    assert!(answer.status().is_success(), "{answer:?}");
    assert_eq!(answer.text().await.unwrap(), "presigned body");
    let err = s3_client::presigning::PresigningConfig::builder()
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("expires_in"), "{err}");
}

#[tokio::test]
async fn ported_error_handling_sees_codes_variants_and_responses() {
    let (server, client) = ported("port-errors").await;
    client
        .put_object()
        .bucket("port-errors")
        .key("here")
        .body(ByteStream::from_static(b"1"))
        .send()
        .await
        .unwrap();
    assert!(
        programs::errors::object_exists(&client, "port-errors", "here")
            .await
            .unwrap()
    );
    assert!(
        !programs::errors::object_exists(&client, "port-errors", "gone")
            .await
            .unwrap()
    );

    let (code, status, described) =
        programs::errors::missing_key(&client, "port-errors", "gone").await;
    assert_eq!((code.as_str(), status), ("NoSuchKey", 404));
    assert!(described.contains("NoSuchKey"), "{described}");

    // `?` into the crate's error, from two operations' errors.
    let err = programs::errors::several_operations(&client, "no-such-bucket")
        .await
        .unwrap_err();
    assert!(matches!(err, s3_client::Error::NotFound(_)), "{err:?}");
    let err = programs::errors::several_operations(&client, "port-errors")
        .await
        .unwrap_err();
    assert!(matches!(err, s3_client::Error::NoSuchKey(_)), "{err:?}");
    use s3_client::error::ProvideErrorMetadata;
    assert_eq!(err.code(), Some("NoSuchKey"));

    // A failure before any answer becomes the operation's Unhandled variant, its cause
    // printed once.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let offline = s3_client::Client::from_conf(
        server
            .config()
            .endpoint_url(format!("http://127.0.0.1:{closed}"))
            .max_attempts(1)
            .build(),
    );
    let described = programs::errors::unreachable(&offline).await;
    assert!(
        described.contains("request failed to complete"),
        "{described}"
    );
    let cause = described.split(": ").collect::<Vec<_>>();
    let unique: std::collections::HashSet<_> = cause.iter().collect();
    assert_eq!(
        unique.len(),
        cause.len(),
        "a cause printed twice: {described}"
    );
}

#[tokio::test]
async fn ported_copy_and_batch_delete() {
    let (_server, client) = ported("port-batch").await;
    for key in ["one", "two"] {
        client
            .put_object()
            .bucket("port-batch")
            .key(key)
            .body(ByteStream::from_static(b"data"))
            .send()
            .await
            .unwrap();
    }
    let etag = programs::batch::copy(&client, "port-batch", "one", "three")
        .await
        .unwrap();
    assert!(etag.is_some());
    let mut deleted = programs::batch::delete_objects(
        &client,
        "port-batch",
        vec!["one".into(), "two".into(), "three".into()],
    )
    .await
    .unwrap();
    deleted.sort();
    assert_eq!(deleted, ["one", "three", "two"]);
    assert!(
        programs::listing::list_first_page(&client, "port-batch")
            .await
            .unwrap()
            .is_empty()
    );
}

/// s3s-fs keeps no tags, so the tagging program runs against moto.
#[tokio::test]
async fn ported_tagging_on_moto() {
    let client = s3_client_tests::moto_client();
    let bucket = s3_client_tests::unique_bucket("port-tags");
    client.create_bucket().bucket(&bucket).send().await.unwrap();
    client
        .put_object()
        .bucket(&bucket)
        .key("t")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let mut tags = programs::batch::tag(&client, &bucket, "t").await.unwrap();
    tags.sort();
    assert_eq!(
        tags,
        [
            ("stage".to_string(), "test".to_string()),
            ("team".to_string(), "storage".to_string())
        ]
    );
}

#[tokio::test]
async fn loaded_configurations_layer_settings_over_the_environment() {
    use s3_client::config::{BehaviorVersion, Region};
    let env = [("HOME", "/nonexistent"), ("AWS_REGION", "eu-west-2")];
    let config = s3_client::config::defaults(BehaviorVersion::latest())
        .env_vars(env)
        .region(None::<Region>)
        .load()
        .await;
    assert_eq!(config.region(), "eu-west-2");
    let config = s3_client::config::defaults(BehaviorVersion::latest())
        .env_vars(env)
        .region(Region::new("ap-south-1"))
        .load()
        .await;
    assert_eq!(config.region(), "ap-south-1");
    let layered = s3_client::config::Builder::from(&config)
        .force_path_style(true)
        .build();
    assert_eq!(
        (layered.region(), layered.force_path_style()),
        ("ap-south-1", true)
    );

    // A configuration that cannot be read still loads, as with aws-config; each request
    // then fails, before anything is sent, naming what was wrong.
    let config = s3_client::config::defaults(BehaviorVersion::latest())
        .env_vars([("HOME", "/nonexistent"), ("AWS_PROFILE", "nope")])
        .load()
        .await;
    let err = s3_client::Client::new(&config)
        .list_buckets()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, s3_client::SdkError::ConstructionFailure(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("profile `nope`"), "{err}");
}
