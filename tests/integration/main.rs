//! Integration tests: the generator's snapshots and staleness, and s3-client against an
//! in-process s3s-fs server (authentication on) and, for exact wire checks, a recording
//! server.

mod checksums;
mod codegen;
mod coverage;
mod credentials;
mod errors;
mod faults;
mod gaps;
mod garage;
mod moto;
mod objects;
mod porting;
mod presigning;
mod recorder;
mod reliability;
mod s3_cli;
mod s3api;
mod stores;
mod transfer;
mod waiters;
mod wire;

use s3_client::Client;
use s3_client_tests::LocalS3;

/// A local server, a client for it, and a fresh bucket.
pub async fn setup(bucket: &str) -> (LocalS3, Client) {
    let server = LocalS3::start()
        .await
        .expect("the local S3 server must start");
    let client = server.client();
    client
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("create_bucket");
    (server, client)
}
