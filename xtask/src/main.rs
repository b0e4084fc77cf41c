//! Project tasks: `cargo xtask codegen` regenerates `s3-client/src/generated/` from
//! `model/`; `cargo xtask codegen --check` changes nothing and fails when it is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn codegen(check: bool) -> ExitCode {
    let root = root();
    let files =
        match codegen::read_model_dir(&root.join("model")).and_then(|f| codegen::generate(&f)) {
            Ok(files) => files,
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
    match codegen::sync::sync(&out, &files, check) {
        Ok(report) if check && !report.is_clean() => {
            for f in &report.changed {
                eprintln!("stale: s3-client/src/generated/{f}");
            }
            for f in &report.orphans {
                eprintln!("not generated any more: s3-client/src/generated/{f}");
            }
            eprintln!(
                "codegen --check: the committed generated code is stale; run `cargo xtask codegen`"
            );
            ExitCode::FAILURE
        }
        Ok(report) => {
            if !check {
                for f in &report.changed {
                    println!("wrote s3-client/src/generated/{f}");
                }
                for f in &report.orphans {
                    println!("removed s3-client/src/generated/{f}");
                }
            }
            println!(
                "codegen: {} files, {} changed",
                files.len(),
                report.changed.len() + report.orphans.len()
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
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            ExitCode::from(2)
        }
    }
}
