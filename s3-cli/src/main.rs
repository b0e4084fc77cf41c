//! `s3`: ls, cp, mv, rm, mb, rb, sync and presign, as `aws s3` spells them.
//!
//! ```text
//! s3 cp big.iso s3://bucket/isos/
//! s3 sync ./site s3://bucket/site --delete --exclude '*.tmp'
//! s3 ls s3://bucket/isos/ --human-readable --summarize
//! ```
//!
//! The endpoint, region and credentials come from the usual AWS environment variables and
//! profile files, and from the AWS CLI's global options.

use std::io::IsTerminal;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let io = s3_cli::Io {
        out: Box::new(std::io::stdout()),
        err: Box::new(std::io::stderr()),
        terminal: std::io::stderr().is_terminal(),
        signals: true,
        stdin: Box::new(tokio::io::stdin()),
    };
    ExitCode::from(s3_cli::run(&args, std::env::vars().collect(), io).await)
}
