//! Against a real distributed store: the three-node Garage cluster (replication factor 3)
//! that `cargo xtask test` starts, with `Store::Garage`. Objects, multipart uploads,
//! listings and paginators, presigning, checksums and errors; what Garage does not
//! implement (`gaps.rs`, checked to still fail); and a node killed mid-test
//! (`failover.rs`).

mod failover;
mod gaps;
mod objects;

use s3_client::Client;
use s3_client_tests::Garage;

/// A client for the cluster's first node and a fresh bucket on it.
pub async fn bucket(prefix: &str) -> (Client, String) {
    let garage = Garage::from_env();
    let client = garage.client();
    let bucket = s3_client_tests::unique_bucket(prefix);
    client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_bucket {bucket} on Garage: {e}"));
    (client, bucket)
}
