//! Server-side copies: one CopyObject below the threshold, UploadPartCopy ranges above
//! it, the source's metadata carried over, and keys that need encoding.

use s3_client::transfer::TransferErrorKind;

use super::{MIB, read_object, small_parts};
use crate::setup;

#[tokio::test]
async fn small_objects_are_copied_in_one_request() {
    let (_server, client) = setup("copy-one").await;
    let body = super::data(1000, 3);
    client
        .put_object()
        .bucket("copy-one")
        .key("src dir/naïve file")
        .content_type("text/plain")
        .body(body.clone().into())
        .send()
        .await
        .unwrap();
    let out = client
        .copy()
        .source("copy-one", "src dir/naïve file")
        .bucket("copy-one")
        .key("dst")
        .send()
        .await
        .unwrap();
    assert_eq!((out.size, out.parts), (1000, 0));
    assert_eq!(read_object(&client, "copy-one", "dst").await, body);
}

/// Against moto, which implements UploadPartCopy.
#[tokio::test]
async fn large_objects_are_copied_in_parallel_parts_with_their_metadata() {
    let (client, bucket) = crate::moto::bucket("copy-parts").await;
    let body = super::data(11 * MIB, 4);
    client
        .put_object()
        .bucket(&bucket)
        .key("src")
        .content_type("application/x-big")
        .metadata("owner", "tests")
        .body(body.clone().into())
        .send()
        .await
        .unwrap();
    let mut settings = small_parts();
    settings.copy_threshold = 5 * MIB;
    settings.copy_part_size = 5 * MIB;
    let out = client
        .copy()
        .source(&bucket, "src")
        .bucket(&bucket)
        .key("dst")
        .transfer_config(settings)
        .send()
        .await
        .unwrap();
    assert_eq!((out.size, out.parts), (11 * MIB, 3));
    assert_eq!(read_object(&client, &bucket, "dst").await, body);
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("dst")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type.as_deref(), Some("application/x-big"));
    assert_eq!(
        head.metadata
            .unwrap_or_default()
            .get("owner")
            .map(String::as_str),
        Some("tests")
    );
}

#[tokio::test]
async fn a_missing_source_is_an_error_naming_the_request() {
    let (_server, client) = setup("copy-missing").await;
    let err = client
        .copy()
        .source("copy-missing", "nothing")
        .bucket("copy-missing")
        .key("dst")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            TransferErrorKind::Request {
                operation: "HeadObject",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.status(), Some(404));
    let err = client.copy().bucket("b").key("k").send().await.unwrap_err();
    assert!(err.to_string().contains("source is required"), "{err}");
}
