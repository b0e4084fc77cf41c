// Error handling the ways aws-sdk-s3 programs do it: the operation's error from
// `into_service_error()`, codes through `ProvideErrorMetadata`, the raw response of a
// service error, `DisplayErrorContext`, and `?` into the crate's `Error`.

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::Client;

/// Whether the object exists: `false` on HEAD's bodiless 404.
pub async fn object_exists(
    client: &Client,
    bucket: &str,
    key: &str,
) -> Result<bool, aws_sdk_s3::Error> {
    match client.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) => match e.into_service_error() {
            HeadObjectError::NotFound(_) => Ok(false),
            err => Err(err.into()),
        },
    }
}

/// The error code and HTTP status of reading a missing key.
pub async fn missing_key(client: &Client, bucket: &str, key: &str) -> (String, u16, String) {
    let err = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .expect_err("the key is missing");
    let described = format!("{}", DisplayErrorContext(&err));
    let status = match &err {
        SdkError::ServiceError(service_err) => {
            assert!(service_err.err().is_no_such_key());
            assert!(service_err.raw().headers().get("content-type").is_some());
            service_err.raw().status().as_u16()
        }
        other => panic!("expected a service error, got {other:?}"),
    };
    let code = err.code().unwrap_or_default().to_string();
    match err.into_service_error() {
        GetObjectError::NoSuchKey(e) => assert_eq!(e.code(), Some("NoSuchKey")),
        e => panic!("expected NoSuchKey, got {e}"),
    }
    (code, status, described)
}

/// Calls that fail in different operations, joined by `?` into one error type.
pub async fn several_operations(client: &Client, bucket: &str) -> Result<(), aws_sdk_s3::Error> {
    client.head_bucket().bucket(bucket).send().await?;
    client.get_object().bucket(bucket).key("missing").send().await?;
    Ok(())
}

/// A failure before any answer (nothing listens at the endpoint), as the operation's error.
pub async fn unreachable(client: &Client) -> String {
    let err = client
        .list_buckets()
        .send()
        .await
        .expect_err("nothing listens there");
    let service_error = err.into_service_error();
    assert!(service_error.meta().code().is_none());
    format!("{}", DisplayErrorContext(service_error))
}
