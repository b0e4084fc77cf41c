//! `cargo xtask bench`: the SDK benchmark of the `bench/` workspace (a workspace of its
//! own, so that nothing else builds aws-sdk-s3). It builds `s3-bench` in release, makes a
//! 1 GiB file once, and runs `s3-bench compare`, which prints the table and writes it to
//! `target/bench-sdk/results.md`.

use std::path::Path;
use std::process::{Command, ExitCode};

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    match bench(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(root: &Path, args: &[&str]) -> Result<(), String> {
    let dir = root.join("target/bench-sdk");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--manifest-path"])
        .arg(root.join("bench/Cargo.toml"))
        .arg("--target-dir")
        .arg(&dir)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("the benchmark did not build".into());
    }
    let file = dir.join("one-gib.bin");
    if std::fs::metadata(&file).map(|m| m.len()).ok() != Some(1 << 30) {
        let chunk: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
        let mut data = Vec::with_capacity(1 << 30);
        for _ in 0..1024 {
            data.extend_from_slice(&chunk);
        }
        std::fs::write(&file, data).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let status = Command::new(dir.join("release/s3-bench"))
        .arg("compare")
        .arg("--file")
        .arg(&file)
        .arg("--out")
        .arg(dir.join("results.md"))
        .args(args)
        .status()
        .map_err(|e| format!("s3-bench: {e}"))?;
    if !status.success() {
        return Err("the benchmark failed".into());
    }
    Ok(())
}
