//! `s3api`: any S3 operation from the command line, with JSON in and out.
//!
//! ```text
//! s3api put-bucket-lifecycle-configuration --cli-input-json file://lifecycle.json
//! s3api get-object --cli-input-json '{"Bucket": "b", "Key": "k"}' --outfile k.bin
//! ```
//!
//! The endpoint, region and credentials come from the usual AWS environment variables and
//! profile files, and from the AWS CLI's global options (`--endpoint-url`, `--region`,
//! `--profile`, `--no-sign-request`, `--ca-bundle`, `--no-verify-ssl`) and `--store`.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (options, args) = match s3api::GlobalOptions::split(&args) {
        Ok(split) => split,
        Err(e) => {
            eprintln!("s3api: {e}");
            return ExitCode::from(s3api::EXIT_USAGE);
        }
    };
    let client = options
        .config(std::env::vars())
        .map(s3_client::Client::new)
        .map_err(|e| e.to_string());
    let code = s3api::run(
        client,
        &args,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
    .await;
    ExitCode::from(code)
}
