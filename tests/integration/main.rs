//! Integration tests: the generator's snapshots and staleness, and s3-client against an
//! in-process s3s-fs server (authentication on) and, for exact wire checks, a recording
//! server.

mod blocking;
mod checksums;
mod codegen;
mod coverage;
mod credentials;
mod errors;
mod events;
mod faults;
mod gaps;
mod garage;
mod model_check;
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

/// What transfer-probe printed: `name=value` lines.
pub struct ProbeReport(String);

impl ProbeReport {
    /// The number printed as `name=`.
    pub fn value(&self, name: &str) -> u64 {
        self.0
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {}", self.0))
    }
}

/// Runs transfer-probe (a process of its own, so that only the client's memory counts)
/// with `args`, for at most `limit`, and insists that it succeeds.
pub async fn run_probe<I, S>(args: I, limit: std::time::Duration) -> ProbeReport
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_transfer-probe"))
        .args(args)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(limit, run)
        .await
        .expect("the probe finishes")
        .expect("the probe starts");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ProbeReport(stdout)
}

/// Runs `script` with the Python of `.venv` (which `cargo xtask test` installs: botocore,
/// awscrt, xxhash), `input` on its stdin, and returns what it printed.
pub fn venv_python(script: &str, input: &[u8]) -> String {
    use std::io::Write;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run the tests with `cargo xtask test`, which installs it",
        python.display()
    );
    let mut child = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python failed on: {script}");
    String::from_utf8(out.stdout).unwrap()
}
