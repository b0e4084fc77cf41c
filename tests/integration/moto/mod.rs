//! Every operation moto implements, against the moto server that `cargo xtask test`
//! starts: realistic inputs, each result read back and compared with what was sent.
//! Operations moto does not implement are in `crate::gaps`, tested on the wire instead.

mod bucket_config;
mod notifications;
mod object_lock;
mod objects;
mod paginators;
mod public_access;
mod select;

use s3_client::Client;

/// A moto client and a fresh bucket on it.
pub async fn bucket(prefix: &str) -> (Client, String) {
    let client = s3_client_tests::moto_client();
    let bucket = s3_client_tests::unique_bucket(prefix);
    client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_bucket {bucket} on moto: {e}"));
    (client, bucket)
}
