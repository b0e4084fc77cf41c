//! Exact bytes on the wire, and the error paths no real server shows on demand, against
//! the recording server.

use s3_client::primitives::ByteStream;
use s3_client::{Client, SdkError};

use crate::recorder::{client, client_for, http, recorder};

#[tokio::test]
async fn keys_are_encoded_exactly_on_the_wire() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"x\"")], "")]).await;
    let client = client(&server.endpoint);
    let cases = [
        ("/leading", "/bkt//leading"),
        ("trailing/", "/bkt/trailing/"),
        ("a//b", "/bkt/a//b"),
        ("a b+c%d?e#f", "/bkt/a%20b%2Bc%25d%3Fe%23f"),
        ("ünï/日本", "/bkt/%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC"),
        ("tilde~-_.", "/bkt/tilde~-_."),
        ("...", "/bkt/..."),
        // Dot segments go out as they are, as boto3 sends them.
        ("a/../b/./c", "/bkt/a/../b/./c"),
        ("..", "/bkt/.."),
        (".", "/bkt/."),
    ];
    for (key, _) in cases {
        client
            .put_object()
            .bucket("bkt")
            .key(key)
            .body(ByteStream::from("x"))
            .send()
            .await
            .unwrap();
    }
    let requests = server.requests.lock().unwrap().clone();
    for ((key, expected), request) in cases.iter().zip(&requests) {
        assert_eq!(request.method, "PUT");
        assert_eq!(&request.target, expected, "key {key:?}");
        assert!(
            request
                .header("authorization")
                .unwrap()
                .starts_with("AWS4-HMAC-SHA256 Credential=AKID/")
        );
        assert_eq!(
            request.header("x-amz-content-sha256"),
            Some("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
        );
        assert_eq!(request.body, b"x");
    }
}

#[tokio::test]
async fn list_multipart_uploads_request_and_response() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>bkt</Bucket>
  <KeyMarker></KeyMarker>
  <UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>my-movie.m2ts</NextKeyMarker>
  <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
  <MaxUploads>3</MaxUploads>
  <IsTruncated>true</IsTruncated>
  <Upload>
    <Key>my-divisor</Key>
    <UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
    <Initiator><ID>arn:aws:iam::111122223333:user/user1</ID><DisplayName>user1</DisplayName></Initiator>
    <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>owner</DisplayName></Owner>
    <StorageClass>REDUCED_REDUNDANCY</StorageClass>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated>
  </Upload>
  <Upload>
    <Key>my-movie.m2ts</Key>
    <UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
    <StorageClass>STANDARD</StorageClass>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated>
  </Upload>
  <CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes>
  <SomethingNew>ignored</SomethingNew>
</ListMultipartUploadsResult>"#;
    let server = recorder(vec![http(
        "200 OK",
        &[("x-amz-request-charged", "requester")],
        body,
    )])
    .await;
    let out = client(&server.endpoint)
        .list_multipart_uploads()
        .bucket("bkt")
        .prefix("my ")
        .max_uploads(3)
        .send()
        .await
        .unwrap();
    let request = server.requests.lock().unwrap()[0].clone();
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/bkt?uploads&max-uploads=3&prefix=my%20");
    assert_eq!(out.bucket.as_deref(), Some("bkt"));
    assert_eq!(out.key_marker.as_deref(), Some(""));
    assert_eq!(out.next_key_marker.as_deref(), Some("my-movie.m2ts"));
    assert_eq!(out.max_uploads, Some(3));
    assert_eq!(out.is_truncated, Some(true));
    assert_eq!(
        out.request_charged
            .map(|r| r.as_str().to_string())
            .as_deref(),
        Some("requester")
    );
    let uploads = out.uploads.unwrap();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0].key.as_deref(), Some("my-divisor"));
    assert_eq!(
        uploads[0]
            .initiator
            .as_ref()
            .unwrap()
            .display_name
            .as_deref(),
        Some("user1")
    );
    assert_eq!(
        uploads[0].storage_class.as_ref().map(|s| s.as_str()),
        Some("REDUCED_REDUNDANCY")
    );
    assert_eq!(uploads[0].initiated.unwrap().secs(), 1_289_422_113);
    assert_eq!(uploads[1].owner, None);
    assert_eq!(
        out.common_prefixes.unwrap()[0].prefix.as_deref(),
        Some("photos/")
    );
}

#[tokio::test]
async fn delete_objects_sends_checksum_and_xml() {
    let server = recorder(vec![http(
        "200 OK",
        &[],
        "<DeleteResult><Deleted><Key>a&amp;b</Key></Deleted><Error><Key>c</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>",
    )])
    .await;
    let out = client(&server.endpoint)
        .delete_objects()
        .bucket("bkt")
        .delete(s3_client::types::Delete {
            objects: Some(vec![
                s3_client::types::ObjectIdentifier {
                    key: Some("a&b".into()),
                    ..Default::default()
                },
                s3_client::types::ObjectIdentifier {
                    key: Some("c".into()),
                    version_id: Some("v1".into()),
                    ..Default::default()
                },
            ]),
            quiet: Some(true),
        })
        .send()
        .await
        .unwrap();
    let request = server.requests.lock().unwrap()[0].clone();
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/bkt?delete")
    );
    let body = String::from_utf8(request.body.clone()).unwrap();
    assert_eq!(
        body,
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>"
    );
    // As boto3 sends it today: a CRC32 of the body, and the algorithm it used.
    assert_eq!(
        request.header("x-amz-checksum-crc32"),
        Some(crate::checksums::crc32(body.as_bytes()).as_str())
    );
    assert_eq!(
        request.header("x-amz-sdk-checksum-algorithm"),
        Some("CRC32")
    );
    assert_eq!(request.header("content-md5"), None);
    assert_eq!(out.deleted.unwrap()[0].key.as_deref(), Some("a&b"));
    let errors = out.errors.unwrap();
    assert_eq!(
        (errors[0].key.as_deref(), errors[0].code.as_deref()),
        (Some("c"), Some("AccessDenied"))
    );
}

#[tokio::test]
async fn an_error_document_in_a_200_response_is_an_error() {
    let error = "<?xml version=\"1.0\"?>\n\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message><RequestId>R</RequestId></Error>";
    let server = recorder(vec![http("200 OK", &[], error)]).await;
    let client = Client::new(client(&server.endpoint).config().clone());
    let err = client
        .complete_multipart_upload()
        .bucket("bkt")
        .key("k")
        .upload_id("u")
        .send()
        .await
        .unwrap_err();
    let meta = err.meta().unwrap();
    assert_eq!(
        (meta.code(), meta.request_id()),
        (Some("InternalError"), Some("R"))
    );
    // InternalError is transient: the client tried as often as configured (3 times).
    assert_eq!(server.requests.lock().unwrap().len(), 3);

    let copy_error = "<Error><Code>SlowDownPlease</Code><Message>m</Message></Error>";
    let server = recorder(vec![http("200 OK", &[], copy_error)]).await;
    let err = client_for(&server)
        .copy_object()
        .bucket("b")
        .key("k")
        .copy_source("b/src")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().code(), Some("SlowDownPlease"));
}

#[tokio::test]
async fn transient_errors_are_retried() {
    let server = recorder(vec![
        http("503 Slow Down", &[], "<Error><Code>SlowDown</Code></Error>"),
        http("200 OK", &[("etag", "\"e\"")], ""),
    ])
    .await;
    let out = client_for(&server)
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from("data"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.e_tag.as_deref(), Some("\"e\""));
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].body, b"data");
}

#[tokio::test]
async fn malformed_responses_are_errors_not_panics() {
    let cases = [
        http(
            "200 OK",
            &[],
            "<ListAllMyBucketsResult><Buckets><Bucket><Name>x</Nam></Bucket></Buckets>",
        ),
        http(
            "200 OK",
            &[],
            "<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>yesterday</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>",
        ),
        http("200 OK", &[], "<ListAllMyBucketsResult><Buckets>"),
        http("200 OK", &[], "\u{0}\u{1}not xml at all"),
    ];
    for case in cases {
        let server = recorder(vec![case.clone()]).await;
        let err = client_for(&server).list_buckets().send().await.unwrap_err();
        assert!(
            matches!(err, SdkError::ResponseError(_)),
            "{case:?} gave {err:?}"
        );
    }
    let server = recorder(vec![http(
        "200 OK",
        &[("content-length", "12"), ("x-amz-missing-meta", "many")],
        "",
    )])
    .await;
    let bad_number = http("200 OK", &[("x-amz-mp-parts-count", "lots")], "");
    let server2 = recorder(vec![bad_number]).await;
    let err = client_for(&server2)
        .head_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("x-amz-mp-parts-count"), "{err}");
    drop(server);
}

#[tokio::test]
async fn head_404_without_body_is_no_such_key() {
    let server = recorder(vec![http(
        "404 Not Found",
        &[("x-amz-request-id", "RID")],
        "",
    )])
    .await;
    let err = client_for(&server)
        .head_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap_err();
    let typed = err.as_service_error().unwrap();
    assert!(typed.is_no_such_key(), "{typed:?}");
    assert_eq!(typed.meta().code(), Some("NotFound"));
    assert_eq!(typed.meta().request_id(), Some("RID"));
}

#[tokio::test]
async fn get_bucket_location_reads_the_bare_element() {
    let server = recorder(vec![http(
        "200 OK",
        &[],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>",
    )])
    .await;
    let out = client_for(&server)
        .get_bucket_location()
        .bucket("b")
        .send()
        .await
        .unwrap();
    assert_eq!(out.location_constraint.unwrap().as_str(), "eu-west-1");
    let request = server.requests.lock().unwrap()[0].clone();
    assert_eq!(request.target, "/b?location");
}

#[tokio::test]
async fn conditional_gets_and_unmodeled_errors() {
    let server = recorder(vec![
        http("304 Not Modified", &[], ""),
        http("412 Precondition Failed", &[], "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>"),
        http("409 Conflict", &[], "<Error><Code>BucketNotEmpty</Code><Message>The bucket you tried to delete is not empty</Message><BucketName>b</BucketName></Error>"),
    ])
    .await;
    let client = client_for(&server);
    let when = s3_client::primitives::DateTime::from_secs(1_700_000_000);
    let err = client
        .get_object()
        .bucket("b")
        .key("k")
        .if_none_match("\"e\"")
        .if_modified_since(when)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (err.meta().unwrap().status(), err.meta().unwrap().code()),
        (304, Some("NotModified"))
    );
    let err = client
        .get_object()
        .bucket("b")
        .key("k")
        .if_match("\"x\"")
        .if_unmodified_since(when)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.meta().unwrap().code(), Some("PreconditionFailed"));
    let err = client.delete_bucket().bucket("b").send().await.unwrap_err();
    let typed = err.as_service_error().unwrap();
    assert!(
        matches!(typed, s3_client::operation::delete_bucket::DeleteBucketError::Unhandled(u) if u.meta().code() == Some("BucketNotEmpty") && u.meta().status() == 409),
        "{typed:?}"
    );
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests[0].header("if-none-match"), Some("\"e\""));
    assert_eq!(
        requests[0].header("if-modified-since"),
        Some("Tue, 14 Nov 2023 22:13:20 GMT")
    );
    assert_eq!(requests[1].header("if-match"), Some("\"x\""));
    assert_eq!(
        requests[1].header("if-unmodified-since"),
        Some("Tue, 14 Nov 2023 22:13:20 GMT")
    );
    assert_eq!(
        (requests[2].method.as_str(), requests[2].target.as_str()),
        ("DELETE", "/b")
    );
}

#[tokio::test]
async fn listings_ask_for_url_encoding_and_decode_it() {
    // What S3 sends for keys `a b+c`, `ctl\u{1}` and `ü/x` with encoding-type=url.
    let v2 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name><Prefix>a+b%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>%2F</Delimiter><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType><Contents><Key>a+b%2Bc</Key><Size>1</Size></Contents><Contents><Key>ctl%01</Key><Size>1</Size></Contents><CommonPrefixes><Prefix>%C3%BC%2F</Prefix></CommonPrefixes></ListBucketResult>";
    let versions = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name><KeyMarker>a+b</KeyMarker><NextKeyMarker>ctl%01</NextKeyMarker><IsTruncated>true</IsTruncated><EncodingType>url</EncodingType><Version><Key>a+b%2Bc</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest></Version><DeleteMarker><Key>ctl%01</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest></DeleteMarker></ListVersionsResult>";
    let server = recorder(vec![
        http("200 OK", &[], v2),
        http("200 OK", &[], v2),
        http("200 OK", &[], versions),
    ])
    .await;
    let client = client(&server.endpoint);
    let decoded = client
        .list_objects_v2()
        .bucket("bkt")
        .prefix("a b/")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = decoded
        .contents
        .unwrap()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["a b+c", "ctl\u{1}"]);
    assert_eq!(
        (decoded.prefix.as_deref(), decoded.delimiter.as_deref()),
        (Some("a b/"), Some("/"))
    );
    assert_eq!(
        decoded.common_prefixes.unwrap()[0].prefix.as_deref(),
        Some("ü/")
    );
    // A caller who asks for the encoding gets the encoded text, as in boto3.
    let raw = client
        .list_objects_v2()
        .bucket("bkt")
        .encoding_type(s3_client::types::EncodingType::Url)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.contents.unwrap()[0].key.as_deref(), Some("a+b%2Bc"));
    let listed = client
        .list_object_versions()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            listed.key_marker.as_deref(),
            listed.next_key_marker.as_deref(),
            listed.versions.unwrap()[0].key.as_deref(),
            listed.delete_markers.unwrap()[0].key.as_deref(),
        ),
        (
            Some("a b"),
            Some("ctl\u{1}"),
            Some("a b+c"),
            Some("ctl\u{1}")
        )
    );
    let targets = server.targets();
    // The parameters boto3 sends, in model member order (boto3 adds encoding-type last).
    assert_eq!(
        targets,
        [
            "/bkt?list-type=2&delimiter=%2F&encoding-type=url&prefix=a%20b%2F",
            "/bkt?list-type=2&encoding-type=url",
            "/bkt?versions&encoding-type=url",
        ]
    );
}

#[tokio::test]
async fn a_repeated_token_ends_the_paginator_with_an_error() {
    use futures_util::StreamExt;
    let page = |token: &str| {
        format!(
            "<ListBucketResult><Name>bkt</Name><IsTruncated>true</IsTruncated><NextContinuationToken>{token}</NextContinuationToken><Contents><Key>k-{token}</Key></Contents></ListBucketResult>"
        )
    };
    // a, b, then a again: the server would loop forever.
    let server = recorder(vec![
        http("200 OK", &[], &page("a")),
        http("200 OK", &[], &page("b")),
        http("200 OK", &[], &page("a")),
    ])
    .await;
    let client = client(&server.endpoint);
    let results: Vec<_> = client
        .list_objects_v2()
        .bucket("bkt")
        .into_paginator()
        .send()
        .take(10)
        .collect()
        .await;
    assert_eq!(results.len(), 4, "three pages and one error, then the end");
    assert!(results[..3].iter().all(Result::is_ok));
    let err = results[3].as_ref().unwrap_err().to_string();
    assert!(err.contains("twice"), "{err}");
    let targets = server.targets();
    assert_eq!(
        targets,
        [
            "/bkt?list-type=2&encoding-type=url",
            "/bkt?list-type=2&encoding-type=url&continuation-token=a",
            "/bkt?list-type=2&encoding-type=url&continuation-token=b",
        ]
    );
}

#[test]
fn operation_futures_can_be_spawned() {
    // Every `send()` future is `Send`, so it can run on any tokio worker.
    fn spawnable<T: Send>(_: &T) {}
    let client = client("http://127.0.0.1:9");
    let put = client
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send();
    spawnable(&put);
    let pages = client.list_objects_v2().bucket("b").into_paginator().send();
    spawnable(&pages);
}

#[tokio::test]
async fn list_objects_pages_on_the_last_key_without_next_marker() {
    use futures_util::TryStreamExt;
    // Without a delimiter S3 may leave NextMarker out: the last key is the next marker.
    let page1 = "<ListBucketResult><Name>bkt</Name><IsTruncated>true</IsTruncated><Contents><Key>a</Key></Contents><Contents><Key>b c</Key></Contents></ListBucketResult>";
    let page2 = "<ListBucketResult><Name>bkt</Name><IsTruncated>false</IsTruncated><Contents><Key>d</Key></Contents></ListBucketResult>";
    let server = recorder(vec![http("200 OK", &[], page1), http("200 OK", &[], page2)]).await;
    let client = client(&server.endpoint);
    let keys: Vec<String> = client
        .list_objects()
        .bucket("bkt")
        .into_paginator()
        .page_size(2)
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys, ["a", "b c", "d"]);
    let targets = server.targets();
    assert_eq!(
        targets,
        [
            "/bkt?encoding-type=url&max-keys=2",
            "/bkt?encoding-type=url&marker=b%20c&max-keys=2",
        ]
    );
}

#[tokio::test]
async fn content_length_only_where_boto3_sends_one() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"x\"")], "")]).await;
    let client = client_for(&server);
    client
        .get_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap();
    client
        .head_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap();
    client
        .delete_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap();
    client.create_bucket().bucket("bkt").send().await.unwrap();
    client
        .put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from("abc"))
        .send()
        .await
        .unwrap();
    let lengths: Vec<_> = server
        .received()
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.header("content-length").map(str::to_string),
            )
        })
        .collect();
    let expected = [
        ("GET", None),
        ("HEAD", None),
        ("DELETE", Some("0")),
        ("PUT", Some("0")),
        ("PUT", Some("3")),
    ];
    for ((method, length), (m, l)) in lengths.iter().zip(expected) {
        assert_eq!((method.as_str(), length.as_deref()), (m, l));
    }
    // Every request names the client.
    for r in server.received() {
        let agent = r.header("user-agent").unwrap();
        assert!(agent.starts_with("s3-client/0."), "{agent}");
    }
}

#[tokio::test]
async fn copy_sources_are_encoded_as_boto3_encodes_them() {
    let result = "<CopyObjectResult><ETag>\"c\"</ETag></CopyObjectResult>";
    let server = recorder(vec![http("200 OK", &[], result)]).await;
    let client = client_for(&server);
    // The header values are what boto3 1.44.8 sends for the same CopySource.
    let cases = [
        (
            "src/a key/ü+x?versionId=v1",
            "src/a%20key/%C3%BC%2Bx?versionId=v1",
        ),
        (
            "src/a key/ü+x?versionId=v 1",
            "src/a%20key/%C3%BC%2Bx%3FversionId%3Dv%201",
        ),
        ("src/plain/key", "src/plain/key"),
    ];
    for (source, _) in cases {
        client
            .copy_object()
            .bucket("bkt")
            .key("k")
            .copy_source(source)
            .send()
            .await
            .unwrap();
    }
    // The typed form: bucket, key and version id, as boto3's dict form.
    client
        .copy_object()
        .bucket("bkt")
        .key("k")
        .copy_source_from("src", "a b/ü?x", Some("v/1"))
        .send()
        .await
        .unwrap();
    client
        .upload_part_copy()
        .bucket("bkt")
        .key("k")
        .upload_id("u")
        .part_number(1)
        .copy_source_from("src", "dir/é.bin", None)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sent: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.header("x-amz-copy-source").unwrap().to_string())
        .collect();
    let mut expected: Vec<&str> = cases.iter().map(|(_, e)| *e).collect();
    expected.push("src/a%20b/%C3%BC%3Fx?versionId=v/1");
    expected.push("src/dir/%C3%A9.bin");
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn delete_objects_xml_is_byte_identical_to_boto3() {
    let result = "<DeleteResult></DeleteResult>";
    let server = recorder(vec![http("200 OK", &[], result)]).await;
    let client = client_for(&server);
    use s3_client::types::{Delete, ObjectIdentifier};
    client
        .delete_objects()
        .bucket("b")
        .delete(Delete {
            objects: Some(vec![
                ObjectIdentifier {
                    key: Some("a\r\nb\tc\"d'e<>&".into()),
                    ..Default::default()
                },
                ObjectIdentifier {
                    key: Some("x".into()),
                    version_id: Some(String::new()),
                    ..Default::default()
                },
            ]),
            quiet: Some(true),
        })
        .send()
        .await
        .unwrap();
    let r = &server.received()[0];
    // What boto3 1.44.8 sends for the same call: CR and LF as character references (an
    // XML parser would otherwise turn CR LF into LF, another key), quotes as they are,
    // an empty value as `<VersionId />`.
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&#xD;&#xA;b\tc\"d'e&lt;&gt;&amp;</Key></Object><Object><Key>x</Key><VersionId /></Object><Quiet>true</Quiet></Delete>"
    );
}

#[tokio::test]
async fn a_callers_content_md5_does_not_stop_the_default_crc32() {
    let server = recorder(vec![http("200 OK", &[("etag", "\"x\"")], "")]).await;
    let client = client_for(&server);
    client
        .put_object()
        .bucket("b")
        .key("k")
        .content_md5("iW/ExleVBHpZKzdCL4WhMA==")
        .body(ByteStream::from("hi"))
        .send()
        .await
        .unwrap();
    let r = &server.received()[0];
    // boto3 sends both for the same call.
    assert_eq!(r.header("content-md5"), Some("iW/ExleVBHpZKzdCL4WhMA=="));
    assert_eq!(r.header("x-amz-checksum-crc32"), Some("2JMqrA=="));
    assert_eq!(r.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
}
