//! Presigned URLs and POST forms, used by a plain HTTP client without credentials against
//! s3s-fs, which verifies SigV4 query signatures and POST policies.

use std::time::{Duration, SystemTime};

use s3_client::presigning::{Condition, PresignedRequest, PresigningConfig};
use s3_client::primitives::ByteStream;
use s3_client::types::{CompletedMultipartUpload, CompletedPart};

use crate::setup;

fn minutes(n: u64) -> PresigningConfig {
    PresigningConfig::expires_in(Duration::from_secs(60 * n)).unwrap()
}

/// Sends a presigned request with reqwest, no credentials; returns status and body.
async fn send(p: &PresignedRequest, body: Option<Vec<u8>>) -> (u16, Vec<u8>) {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(p.method().as_bytes()).unwrap();
    let mut request = http
        .request(method, p.uri())
        .headers(p.header_map().clone());
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn presigned_urls_work_without_credentials() {
    let (_server, client) = setup("presign").await;
    // PUT, with a header that becomes part of the signature.
    let put = client
        .put_object()
        .bucket("presign")
        .key("dir/a file.txt")
        .content_type("text/plain")
        .presigned(minutes(10))
        .await
        .unwrap();
    assert_eq!(put.method(), "PUT");
    assert!(put.uri().contains("X-Amz-Signature="), "{}", put.uri());
    assert!(put.uri().contains("X-Amz-Expires=600"), "{}", put.uri());
    assert_eq!(send(&put, Some(b"presigned body".to_vec())).await.0, 200);

    let get = client
        .get_object()
        .bucket("presign")
        .key("dir/a file.txt")
        .presigned(minutes(10))
        .await
        .unwrap();
    assert_eq!(send(&get, None).await, (200, b"presigned body".to_vec()));
    let head = client
        .head_object()
        .bucket("presign")
        .key("dir/a file.txt")
        .presigned(minutes(10))
        .await
        .unwrap();
    assert_eq!(send(&head, None).await.0, 200);
    let stored = client
        .head_object()
        .bucket("presign")
        .key("dir/a file.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.content_type.as_deref(), Some("text/plain"));

    let delete = client
        .delete_object()
        .bucket("presign")
        .key("dir/a file.txt")
        .presigned(minutes(10))
        .await
        .unwrap();
    assert_eq!(send(&delete, None).await.0, 204);
    assert_eq!(send(&get, None).await.0, 404);

    // UploadPart, for uploads from elsewhere.
    let upload_id = client
        .create_multipart_upload()
        .bucket("presign")
        .key("parts")
        .send()
        .await
        .unwrap()
        .upload_id
        .unwrap();
    let part = client
        .upload_part()
        .bucket("presign")
        .key("parts")
        .upload_id(&upload_id)
        .part_number(1)
        .presigned(minutes(10))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let answer = http
        .put(part.uri())
        .headers(part.header_map().clone())
        .body(b"only part".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let etag = answer.headers()["etag"].to_str().unwrap().to_string();
    client
        .complete_multipart_upload()
        .bucket("presign")
        .key("parts")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload {
            parts: Some(vec![CompletedPart {
                e_tag: Some(etag),
                part_number: Some(1),
                ..Default::default()
            }]),
        })
        .send()
        .await
        .unwrap();
    let body = client
        .get_object()
        .bucket("presign")
        .key("parts")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&body[..], b"only part");
}

#[tokio::test]
async fn expired_or_tampered_urls_are_refused() {
    let (_server, client) = setup("refused").await;
    client
        .put_object()
        .bucket("refused")
        .key("k")
        .body(ByteStream::from_static(b"secret"))
        .send()
        .await
        .unwrap();
    let get = async |config| {
        client
            .get_object()
            .bucket("refused")
            .key("k")
            .presigned(config)
            .await
            .unwrap()
    };
    // Signed two minutes ago, valid for one second.
    let expired = PresigningConfig::expires_in(Duration::from_secs(1))
        .unwrap()
        .start_time(SystemTime::now() - Duration::from_secs(120));
    assert_eq!(send(&get(expired).await, None).await.0, 403);

    let good = get(minutes(5)).await;
    assert_eq!(send(&good, None).await.0, 200);
    // Another signature, another key, another method: all refused.
    let uri = good.uri().to_string();
    let at = uri.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let flipped = if &uri[at..=at] == "0" { "1" } else { "0" };
    let tampered = format!("{}{flipped}{}", &uri[..at], &uri[at + 1..]);
    let status = reqwest::get(&tampered).await.unwrap().status().as_u16();
    assert_eq!(status, 403);
    let other_key = uri.replacen("/k?", "/other?", 1);
    assert_eq!(
        reqwest::get(&other_key).await.unwrap().status().as_u16(),
        403
    );
    let as_delete = reqwest::Client::new()
        .delete(good.uri())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(as_delete, 403);
    let still = client.head_object().bucket("refused").key("k").send().await;
    assert!(still.is_ok(), "the refused DELETE deleted nothing");

    // Limits and missing credentials are errors before anything is signed.
    assert!(PresigningConfig::expires_in(Duration::from_secs(8 * 24 * 3600)).is_err());
    let anonymous = s3_client::Client::new(
        s3_client::Config::builder()
            .endpoint_url("http://127.0.0.1:9")
            .build(),
    );
    let err = anonymous
        .get_object()
        .bucket("b")
        .key("k")
        .presigned(minutes(1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
}

/// A multipart/form-data body: the fields, then the file last, as S3 requires.
fn form(fields: &[(String, String)], filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----s3clienttestboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post(url: &str, fields: &[(String, String)], filename: &str, file: &[u8]) -> u16 {
    let (content_type, body) = form(fields, filename, file);
    reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn presigned_post_uploads_within_the_policy() {
    let (_server, client) = setup("forms").await;
    let form_for = async |key: &str| {
        client
            .generate_presigned_post("forms", key)
            // Fields are form fields only, as in boto3; the policy covers them through
            // the conditions the caller gives.
            .field("Content-Type", "text/plain")
            .field("x-amz-meta-source", "browser")
            .condition(Condition::Equals(
                "Content-Type".into(),
                "text/plain".into(),
            ))
            .condition(Condition::Equals(
                "x-amz-meta-source".into(),
                "browser".into(),
            ))
            .condition(Condition::StartsWith(
                "success_action_status".into(),
                "2".into(),
            ))
            .content_length_range(1, 100)
            .expires_in(Duration::from_secs(300))
            .build()
            .await
            .unwrap()
    };
    let mut signed = form_for("uploads/hello.txt").await;
    signed
        .fields
        .push(("success_action_status".into(), "201".into()));
    assert_eq!(
        signed.fields[0],
        ("key".to_string(), "uploads/hello.txt".to_string())
    );
    assert!(signed.fields.iter().any(|(n, _)| n == "policy"));
    assert!(signed.fields.iter().any(|(n, _)| n == "x-amz-signature"));
    let status = post(&signed.url, &signed.fields, "hello.txt", b"hello form").await;
    assert_eq!(status, 201);
    // A field no condition covers is refused, as S3 refuses it.
    let uncovered = client
        .generate_presigned_post("forms", "uploads/uncovered.txt")
        .field("Content-Type", "text/plain")
        .build()
        .await
        .unwrap();
    let status = post(&uncovered.url, &uncovered.fields, "u.txt", b"u").await;
    assert!((400..500).contains(&status), "{status}");
    let stored = client
        .get_object()
        .bucket("forms")
        .key("uploads/hello.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.content_type.as_deref(), Some("text/plain"));
    assert_eq!(
        stored
            .metadata
            .clone()
            .unwrap_or_default()
            .get("source")
            .map(String::as_str),
        Some("browser")
    );
    assert_eq!(&stored.body.collect().await.unwrap()[..], b"hello form");

    // A file too large for content-length-range is refused and not stored.
    let big = vec![b'x'; 101];
    let status = post(&signed.url, &signed.fields, "big.txt", &big).await;
    assert!((400..500).contains(&status), "{status}");
    // A field changed after signing breaks the policy.
    let mut changed = signed.fields.clone();
    for (name, value) in &mut changed {
        if name == "Content-Type" {
            *value = "text/html".into();
        }
    }
    let status = post(&signed.url, &changed, "evil.html", b"<script>").await;
    assert!((400..500).contains(&status), "{status}");
    // A key outside the signed prefix (`${filename}` keys sign only the prefix).
    let mut prefixed = form_for("uploads/${filename}").await;
    prefixed
        .fields
        .push(("success_action_status".into(), "201".into()));
    let mut moved = prefixed.fields.clone();
    moved[0].1 = "elsewhere/${filename}".into();
    let status = post(&prefixed.url, &moved, "x.txt", b"x").await;
    assert!((400..500).contains(&status), "{status}");
    let listed = client
        .list_objects_v2()
        .bucket("forms")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = listed
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["uploads/hello.txt"]);

    // An expired form.
    let expired = client
        .generate_presigned_post("forms", "late.txt")
        .expires_in(Duration::from_secs(1))
        .start_time(SystemTime::now() - Duration::from_secs(120))
        .build()
        .await
        .unwrap();
    let status = post(&expired.url, &expired.fields, "late.txt", b"late").await;
    assert!((400..500).contains(&status), "{status}");
}

#[tokio::test]
async fn presigned_post_file_names_on_moto() {
    // s3s-fs 0.14 stores `${filename}` literally; moto substitutes the uploaded file's
    // name, as S3 does (moto does not check the policy, so only this is tested there).
    let (client, bucket) = crate::moto::bucket("postname").await;
    let signed = client
        .generate_presigned_post(&bucket, "uploads/${filename}")
        .build()
        .await
        .unwrap();
    let status = post(&signed.url, &signed.fields, "named.txt", b"by name").await;
    assert!((200..300).contains(&status), "{status}");
    let stored = client
        .get_object()
        .bucket(&bucket)
        .key("uploads/named.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(&stored.body.collect().await.unwrap()[..], b"by name");
}
