//! Project tasks:
//! - `cargo xtask codegen` regenerates `s3-client/src/generated/` from `model/`
//!   (`--model DIR` reads another model directory); `--check` changes nothing and fails
//!   when the committed code is stale.
//! - `cargo xtask test [ARGS]` runs `cargo test --workspace ARGS` with a moto server and a
//!   three-node Garage cluster: it installs them once (moto into `.venv`, Garage into
//!   `target/tools`), starts them on free loopback ports, and stops them by PID whatever
//!   the tests do.
//! - `cargo xtask bench [--rounds N]` runs the SDK benchmark of `bench/` (see
//!   `sdk_bench.rs`): s3-client beside the plain floor and aws-sdk-s3.
//! - `cargo xtask check-model --reference DIR [--model DIR]` compares the model with a
//!   botocore-format model (`service-2.json`, `paginators-1.json`, `waiters-2.json`) and
//!   prints each difference by place; it fails on any the model does not list as
//!   deliberate (`deviations`) and on listed ones that no longer occur.
//! - `cargo xtask bench-transfer [--repeat N]` runs the transfer benchmark (see
//!   `bench.rs`): `s3` beside a plain signed stream and the AWS CLI, in one run.

mod bench;
mod build_cost;
mod garage;
mod moto;
mod sdk_bench;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn codegen(check: bool, model: Option<&str>) -> ExitCode {
    let root = root();
    let model = model.map_or_else(|| root.join("model"), PathBuf::from);
    let generated = codegen::read_model_dir(&model).and_then(|f| {
        let svc = codegen::ir::lower(&f)?;
        Ok((
            codegen::generate_service(&svc)?,
            codegen::cargo_features(&svc),
        ))
    });
    let (files, features) = match generated {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!(
                "codegen: the model has {} problem(s); nothing was written",
                diagnostics.0.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let out = root.join("s3-client/src/generated");
    let manifest = root.join("s3-client/Cargo.toml");
    let synced = codegen::sync::sync(&out, &files, check).and_then(|report| {
        let features = codegen::sync::sync_block(&manifest, &features, check)?;
        Ok((report, features))
    });
    match synced {
        Ok((report, features_stale)) if check && (!report.is_clean() || features_stale) => {
            for f in &report.changed {
                eprintln!("stale: s3-client/src/generated/{f}");
            }
            for f in &report.orphans {
                eprintln!("not generated any more: s3-client/src/generated/{f}");
            }
            if features_stale {
                eprintln!("stale: the generated [features] block of s3-client/Cargo.toml");
            }
            eprintln!(
                "codegen --check: the committed generated code is stale; run `cargo xtask codegen`"
            );
            ExitCode::FAILURE
        }
        Ok((report, features_changed)) => {
            if !check {
                for f in &report.changed {
                    println!("wrote s3-client/src/generated/{f}");
                }
                for f in &report.orphans {
                    println!("removed s3-client/src/generated/{f}");
                }
                if features_changed {
                    println!("wrote the [features] block of s3-client/Cargo.toml");
                }
            }
            println!(
                "codegen: {} files, {} changed",
                files.len(),
                report.changed.len() + report.orphans.len() + usize::from(features_changed)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("codegen: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen", rest @ ..] => {
            let check = rest.contains(&"--check");
            let model = rest
                .iter()
                .position(|a| *a == "--model")
                .and_then(|i| rest.get(i + 1).copied());
            let known = rest.len() == usize::from(check) + if model.is_some() { 2 } else { 0 };
            if known {
                return codegen(check, model);
            }
            usage()
        }
        ["check-model", rest @ ..] => {
            let value = |flag: &str| {
                rest.iter()
                    .position(|a| *a == flag)
                    .and_then(|i| rest.get(i + 1).copied())
            };
            let (reference, model) = (value("--reference"), value("--model"));
            let known =
                rest.len() == 2 * (usize::from(reference.is_some()) + usize::from(model.is_some()));
            match reference {
                Some(reference) if known => check_model(Path::new(reference), model),
                _ => usage(),
            }
        }
        ["test", rest @ ..] => test(&root(), rest),
        ["bench", rest @ ..] => sdk_bench::run(&root(), rest),
        ["bench-transfer", rest @ ..] => bench::run(&root(), rest),
        ["build-cost", rest @ ..] => build_cost::run(&root(), rest),
        _ => usage(),
    }
}

/// `cargo xtask check-model`: the model beside a botocore-format reference.
fn check_model(reference: &Path, model: Option<&str>) -> ExitCode {
    let model = model.map_or_else(|| root().join("model"), PathBuf::from);
    let report = codegen::read_model_dir(&model)
        .map_err(|d| d.to_string())
        .and_then(|files| codegen::reference::check(&files, reference));
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            eprintln!("check-model: {e}");
            return ExitCode::FAILURE;
        }
    };
    for d in &report.differences {
        println!("{d}");
    }
    for v in &report.stale {
        println!(
            "{}: listed as deliberate but no longer differs: {}",
            v.place, v.difference
        );
    }
    println!(
        "check-model: {} differences from {}, {} more listed as deliberate, {} stale listings",
        report.differences.len(),
        reference.display(),
        report.deliberate.len(),
        report.stale.len()
    );
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `cargo test --workspace` with the servers the tests talk to.
fn test(root: &Path, args: &[&str]) -> ExitCode {
    let moto = match moto::start_server(root) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("xtask test: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "xtask test: moto server (pid {}) on {}",
        moto.child.id(),
        moto.endpoint
    );
    let garage = match garage::start(root) {
        Ok(cluster) => cluster,
        Err(e) => {
            eprintln!("xtask test: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pids: Vec<String> = garage.pids().iter().map(u32::to_string).collect();
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["test", "--workspace"])
        .args(args)
        .env("S3_CLIENT_MOTO_ENDPOINT", &moto.endpoint)
        .env("S3_CLIENT_GARAGE_ENDPOINTS", garage.endpoints.join(","))
        .env("S3_CLIENT_GARAGE_PIDS", pids.join(","))
        .env("S3_CLIENT_GARAGE_KEY_ID", garage::KEY_ID)
        .env("S3_CLIENT_GARAGE_SECRET", garage::SECRET)
        .env("S3_CLIENT_GARAGE_REGION", garage::REGION)
        .status();
    drop(garage);
    drop(moto);
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask test: cannot run cargo test: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask codegen [--check] [--model DIR]\n       cargo xtask test [CARGO TEST ARGS]\n       cargo xtask bench [--rounds N]\n       cargo xtask check-model --reference DIR [--model DIR]\n       cargo xtask bench-transfer [--repeat N]\n       cargo xtask build-cost [--before REV] [--rounds N]"
    );
    ExitCode::from(2)
}
