//! A tour of s3-client: buckets, objects, metadata, listing, a multipart upload and typed
//! errors.
//!
//! With `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`) set it talks to that server with the
//! credentials from the environment; otherwise it starts an embedded local S3 server
//! (s3s-fs on 127.0.0.1) and talks to that.
//!
//! Run it with `cargo run --example quickstart`.

use s3_client::Client;
use s3_client::primitives::ByteStream;
use s3_client::types::{CompletedMultipartUpload, CompletedPart};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = std::env::var_os("AWS_ENDPOINT_URL").is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
    let (_server, client) = if configured {
        (None, Client::from_env()?)
    } else {
        let server = s3_client_tests::LocalS3::start().await?;
        println!("started an embedded S3 server at {}", server.endpoint());
        let client = server.client();
        (Some(server), client)
    };

    let bucket = format!("quickstart-{}", std::process::id());
    client.create_bucket().bucket(&bucket).send().await?;
    println!("created bucket {bucket}");

    let put = client
        .put_object()
        .bucket(&bucket)
        .key("greetings/hello world.txt")
        .content_type("text/plain")
        .metadata("author", "quickstart")
        .body(ByteStream::from("Hello from s3-client!"))
        .send()
        .await?;
    println!(
        "put an object, ETag {}",
        put.e_tag.as_deref().unwrap_or("?")
    );

    let got = client
        .get_object()
        .bucket(&bucket)
        .key("greetings/hello world.txt")
        .send()
        .await?;
    let metadata = got.metadata.clone().unwrap_or_default();
    let text = got.body.collect().await?;
    println!(
        "got {:?} with metadata {metadata:?}",
        String::from_utf8_lossy(&text)
    );

    // A multipart upload: every part but the last is at least 5 MiB.
    let key = "big/multipart.bin";
    let upload = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key(key)
        .send()
        .await?;
    let upload_id = upload.upload_id.ok_or("no upload id")?;
    let mut parts = Vec::new();
    for (number, size) in [(1, 5 * 1024 * 1024), (2, 1024)] {
        let part = client
            .upload_part()
            .bucket(&bucket)
            .key(key)
            .upload_id(&upload_id)
            .part_number(number)
            .body(ByteStream::from(vec![number as u8; size]))
            .send()
            .await?;
        parts.push(CompletedPart {
            e_tag: part.e_tag,
            part_number: Some(number),
            ..Default::default()
        });
    }
    client
        .complete_multipart_upload()
        .bucket(&bucket)
        .key(key)
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await?;
    println!("completed a multipart upload of 2 parts");

    let listing = client.list_objects_v2().bucket(&bucket).send().await?;
    for object in listing.contents.unwrap_or_default() {
        println!(
            "  {} ({} bytes)",
            object.key.unwrap_or_default(),
            object.size.unwrap_or_default()
        );
    }

    match client
        .get_object()
        .bucket(&bucket)
        .key("missing")
        .send()
        .await
    {
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
            println!("a missing key is a typed NoSuchKey error: {e}")
        }
        other => return Err(format!("expected NoSuchKey, got {other:?}").into()),
    }

    for key in ["greetings/hello world.txt", key] {
        client
            .delete_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await?;
    }
    client.delete_bucket().bucket(&bucket).send().await?;
    println!("cleaned up; done");
    Ok(())
}
