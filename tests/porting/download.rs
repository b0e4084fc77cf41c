// Downloads an object three ways: streaming into a file through `into_async_read`,
// chunk by chunk with `try_next`, and whole with `collect().into_bytes()`.

use std::path::Path;

use aws_sdk_s3::Client;
use tokio::io::AsyncWriteExt;

type Error = Box<dyn std::error::Error + Send + Sync>;

pub async fn download_to_file(
    client: &Client,
    bucket: &str,
    key: &str,
    path: &Path,
) -> Result<u64, Error> {
    let object = client.get_object().bucket(bucket).key(key).send().await?;
    println!("content type: {:?}", object.content_type());
    let mut reader = object.body.into_async_read();
    let mut file = tokio::fs::File::create(path).await?;
    let copied = tokio::io::copy(&mut reader, &mut file).await?;
    file.flush().await?;
    Ok(copied)
}

pub async fn download_chunks(client: &Client, bucket: &str, key: &str) -> Result<Vec<u8>, Error> {
    let mut object = client.get_object().bucket(bucket).key(key).send().await?;
    let mut data = Vec::new();
    while let Some(bytes) = object.body.try_next().await? {
        data.extend_from_slice(&bytes);
    }
    Ok(data)
}

pub async fn download_bytes(
    client: &Client,
    bucket: &str,
    key: &str,
) -> Result<bytes::Bytes, Error> {
    let object = client.get_object().bucket(bucket).key(key).send().await?;
    let length = object.content_length().unwrap_or_default();
    let data = object.body.collect().await?.into_bytes();
    assert_eq!(data.len() as i64, length);
    Ok(data)
}
