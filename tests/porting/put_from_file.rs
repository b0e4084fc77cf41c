// Uploads a file, as the awsdocs `upload_object` example does.

use std::path::Path;

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::put_object::{PutObjectError, PutObjectOutput};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;

pub async fn upload_object(
    client: &Client,
    bucket_name: &str,
    file_name: &Path,
    key: &str,
) -> Result<PutObjectOutput, Box<dyn std::error::Error + Send + Sync>> {
    let body = ByteStream::from_path(file_name).await?;
    let output = put(client, bucket_name, key, body).await?;
    println!("uploaded {key}: etag {}", output.e_tag().unwrap_or("?"));
    Ok(output)
}

async fn put(
    client: &Client,
    bucket: &str,
    key: &str,
    body: ByteStream,
) -> Result<PutObjectOutput, SdkError<PutObjectError>> {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type("text/plain")
        .metadata("origin", "porting-test")
        .body(body)
        .send()
        .await
}
