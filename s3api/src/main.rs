//! `s3api`: any S3 operation from the command line, with JSON in and out.
//!
//! ```text
//! s3api put-bucket-lifecycle-configuration --cli-input-json file://lifecycle.json
//! s3api get-object --cli-input-json '{"Bucket": "b", "Key": "k"}' --outfile k.bin
//! ```
//!
//! The endpoint, region and credentials come from the usual AWS environment variables and
//! profile files.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let client = s3_client::Client::from_env().map_err(|e| e.to_string());
    let code = s3api::run(
        client,
        &args,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
    .await;
    ExitCode::from(code)
}
