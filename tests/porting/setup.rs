// Client setup the ways aws-sdk-s3 programs do it: the shared configuration from
// aws_config, a region provider chain, a service config layered on the shared one.

use aws_config::meta::region::RegionProviderChain;
use aws_config::BehaviorVersion;
use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::Client;

/// A client for a local store at `endpoint`, built from the shared configuration with
/// path-style addressing layered on top.
pub async fn local_client(endpoint: &str, access_key: &str, secret_key: &str) -> Client {
    let region_provider = RegionProviderChain::first_try(Region::new("us-east-1"))
        .or_default_provider()
        .or_else(Region::new("us-west-2"));
    let shared_config = aws_config::defaults(BehaviorVersion::latest())
        .region(region_provider)
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            access_key, secret_key, None, None, "example",
        ))
        .load()
        .await;
    let config = aws_sdk_s3::config::Builder::from(&shared_config)
        .force_path_style(true)
        .build();
    Client::from_conf(config)
}

/// The same, with the service config built directly.
pub fn direct_client(endpoint: &str, access_key: &str, secret_key: &str) -> Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            access_key, secret_key, None, None, "example",
        ))
        .force_path_style(true)
        .build();
    Client::from_conf(config)
}

/// A client from the shared configuration alone: `Client::new(&shared_config)`.
pub async fn shared_client(endpoint: &str, access_key: &str, secret_key: &str) -> Client {
    let shared_config = aws_config::from_env()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            access_key, secret_key, None, None, "example",
        ))
        .load()
        .await;
    Client::new(&shared_config)
}
