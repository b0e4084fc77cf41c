//! The `s3` command as a library, so that tests drive it in-process: `ls`, `cp`, `mv`,
//! `rm`, `mb`, `rb`, `sync` and `presign`, spelt as `aws s3` spells them, on s3-client's
//! transfer manager.
//!
//! Exit codes are the AWS CLI's: 0 success, 1 a transfer (or delete) failed, 2 a file
//! was skipped (missing, unreadable, not a file), 130 interrupted, 252 bad usage (nothing
//! was sent), 253 bad configuration, 254 S3 answered a listing with an error, 255 any
//! other failure.

#![deny(missing_docs)]

mod args;
mod buckets;
mod filter;
mod listing;
mod location;
mod ls;
mod plan;
mod rm;
mod run;
mod sync;
mod ui;

use std::sync::Arc;

use s3_client::Client;

use ui::{Sink, Ui, Verbosity};

/// Exit codes.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// At least one transfer or delete failed.
    pub const FAILED: u8 = 1;
    /// At least one file was skipped; everything else worked.
    pub const SKIPPED: u8 = 2;
    /// Interrupted (Ctrl-C): transfers were cancelled and multipart uploads aborted.
    pub const INTERRUPTED: u8 = 130;
    /// The command line is wrong; nothing was sent.
    pub const USAGE: u8 = 252;
    /// The configuration (profile, environment) is wrong.
    pub const CONFIG: u8 = 253;
    /// S3 answered with an error.
    pub const SERVICE: u8 = 254;
    /// Anything else.
    pub const OTHER: u8 = 255;
}

const USAGE: &str = "usage: s3 [GLOBAL OPTIONS] <command> <paths> [options]

  ls [s3://bucket[/prefix]] [--recursive] [--human-readable] [--summarize] [--page-size N]
  cp <from> <to> [--recursive] [--exclude P] [--include P] [--dryrun]
  mv <from> <to> [--recursive] [--exclude P] [--include P] [--dryrun]
  sync <from> <to> [--delete] [--exclude P] [--include P] [--size-only] [--dryrun]
  rm s3://bucket/key [--recursive] [--exclude P] [--include P] [--dryrun]
  mb s3://bucket
  rb s3://bucket [--force]
  presign s3://bucket/key [--expires-in SECONDS]

A path is s3://bucket/key, a local path, or - (standard input or output) for cp.
Transfers: --quiet, --only-show-errors, --no-progress, --content-type T,
--no-guess-mime-type, --storage-class C, --metadata k=v,k2=v2, --expected-size N
(for a stream from stdin), --part-size 16MiB, --concurrency 16.

Global options, as the AWS CLI's: --endpoint-url URL, --region R, --profile P,
--store NAME, --no-sign-request, --ca-bundle FILE, --no-verify-ssl.";

/// What every command runs with.
pub(crate) struct Cli {
    pub(crate) client: Client,
    pub(crate) ui: Arc<Ui>,
    /// Whether Ctrl-C cancels transfers (the binary; not tests).
    pub(crate) signals: bool,
    /// Standard input, for `cp - s3://...`; taken by the one command that reads it.
    pub(crate) stdin: std::sync::Mutex<Option<Input>>,
}

/// Standard input, or what a test puts in its place.
pub type Input = Box<dyn tokio::io::AsyncRead + Send + Unpin>;

/// Where the command prints, and whether it draws progress bars.
pub struct Io {
    /// Standard output.
    pub out: Box<dyn std::io::Write + Send>,
    /// Standard error.
    pub err: Box<dyn std::io::Write + Send>,
    /// Whether standard error is a terminal (progress bars are drawn on one).
    pub terminal: bool,
    /// Whether Ctrl-C cancels transfers cleanly.
    pub signals: bool,
    /// Standard input.
    pub stdin: Input,
}

/// Runs one command line (without the program name) with the environment `vars`;
/// returns the exit code.
pub async fn run(args: &[String], vars: Vec<(String, String)>, io: Io) -> u8 {
    let ui = Ui::new(io.out as Sink, io.err as Sink, io.terminal);
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "help") {
        ui.print(USAGE);
        return if args.is_empty() {
            exit::USAGE
        } else {
            exit::OK
        };
    }
    let (globals, rest) = match s3api::GlobalOptions::split(args) {
        Ok(split) => split,
        Err(e) => {
            ui.error(&format!("s3: {e}"));
            return exit::USAGE;
        }
    };
    let command = match args::parse(&rest) {
        Ok(c) => c,
        Err(e) => {
            ui.error(&format!("s3: {e}\n\n{USAGE}"));
            return exit::USAGE;
        }
    };
    let config = match globals.config(vars) {
        Ok(c) => c,
        Err(e) => {
            ui.error(&format!("s3: {e}"));
            return exit::CONFIG;
        }
    };
    let o = &command.options;
    ui.set_verbosity(if o.quiet {
        Verbosity::Quiet
    } else if o.only_show_errors {
        Verbosity::Errors
    } else {
        Verbosity::All
    });
    let cli = Cli {
        client: Client::new(config),
        ui,
        signals: io.signals,
        stdin: std::sync::Mutex::new(Some(io.stdin)),
    };
    let result = match command.name.as_str() {
        "ls" => ls::ls(&cli, &command).await,
        "cp" => run::copy(&cli, &command, false).await,
        "mv" => run::copy(&cli, &command, true).await,
        "sync" => sync::sync(&cli, &command).await,
        "rm" => rm::rm(&cli, &command).await,
        "mb" => buckets::mb(&cli, &command).await,
        "rb" => buckets::rb(&cli, &command).await,
        "presign" => buckets::presign(&cli, &command).await,
        _ => Err(Failure::Usage(format!(
            "unknown command `{}`",
            command.name
        ))),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            let (code, message) = failure.into_parts();
            cli.ui.error(&message);
            code
        }
    }
}

/// A command that could not do its work at all.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command line is wrong; nothing was sent.
    Usage(String),
    /// S3 answered with an error.
    Service(String),
    /// A transfer or delete failed.
    Failed(String),
    /// Anything else.
    Other(String),
}

impl Failure {
    fn into_parts(self) -> (u8, String) {
        match self {
            Failure::Usage(m) => (exit::USAGE, format!("s3: {m}")),
            Failure::Service(m) => (exit::SERVICE, m),
            Failure::Failed(m) => (exit::FAILED, m),
            Failure::Other(m) => (exit::OTHER, m),
        }
    }
}

impl From<String> for Failure {
    fn from(usage: String) -> Self {
        Failure::Usage(usage)
    }
}

pub(crate) type Outcome = Result<u8, Failure>;
