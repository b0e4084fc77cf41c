// Presigned GET and PUT requests, handed to a plain HTTP client.

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::Client;

type Error = Box<dyn std::error::Error + Send + Sync>;

pub struct Presigned {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, String)>,
}

pub async fn presign_get(
    client: &Client,
    bucket: &str,
    object: &str,
    expires_in: u64,
) -> Result<Presigned, Error> {
    let expires_in = Duration::from_secs(expires_in);
    let presigned_request = client
        .get_object()
        .bucket(bucket)
        .key(object)
        .presigned(PresigningConfig::expires_in(expires_in)?)
        .await?;
    println!("Object URI: {}", presigned_request.uri());
    Ok(Presigned {
        method: presigned_request.method().to_string(),
        uri: presigned_request.uri().to_string(),
        headers: presigned_request
            .headers()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
    })
}

pub async fn presign_put(
    client: &Client,
    bucket: &str,
    object: &str,
    expires_in: Duration,
) -> Result<Presigned, Error> {
    let presigned_request = client
        .put_object()
        .bucket(bucket)
        .key(object)
        .content_type("text/plain")
        .presigned(
            PresigningConfig::builder()
                .expires_in(expires_in)
                .build()?,
        )
        .await?;
    Ok(Presigned {
        method: presigned_request.method().to_string(),
        uri: presigned_request.uri().to_string(),
        headers: presigned_request
            .headers()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
    })
}
