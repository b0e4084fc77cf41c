//! `cargo xtask build-cost`: what a program that puts and gets one object costs to build
//! from clean, on s3-client (this checkout, and optionally an earlier revision) and on
//! aws-sdk-s3, each in a fresh target dir, in one run. A benchmark, not a test: it
//! downloads aws-sdk-s3 from crates.io and takes several minutes.
//!
//! It also checks that the aws-sdk-s3 programs of `tests/porting/` compile against
//! aws-sdk-s3 itself, so that the porting test ports real aws-sdk-s3 code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::bench::{Usage, wait_with_rusage};

/// The program, on s3-client: one put, one get. It compiles against every revision since
/// the crate-root `Config`, `Credentials` and `ByteStream` paths settled.
const S3_CLIENT_PROGRAM: &str = r#"use s3_client::primitives::ByteStream;
use s3_client::{Client, Config, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9000".into());
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("key", "secret", None, None, "example"))
        .build();
    let client = Client::new(config);
    client.put_object().bucket("b").key("k").body(ByteStream::from_static(b"hello")).send().await?;
    let object = client.get_object().bucket("b").key("k").send().await?;
    println!("{} bytes", object.body.collect().await?.len());
    Ok(())
}
"#;

/// The same program on aws-sdk-s3.
const AWS_SDK_S3_PROGRAM: &str = r#"use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::{Client, Config};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9000".into());
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("key", "secret", None, None, "example"))
        .build();
    let client = Client::from_conf(config);
    client.put_object().bucket("b").key("k").body(ByteStream::from_static(b"hello")).send().await?;
    let object = client.get_object().bucket("b").key("k").send().await?;
    println!("{} bytes", object.body.collect().await?.into_bytes().len());
    Ok(())
}
"#;

const TOKIO: &str = r#"tokio = { version = "1", features = ["macros", "rt"] }"#;

/// One program to build: its name, its dependency lines, its source.
struct Variant {
    name: String,
    dependencies: String,
    program: &'static str,
}

/// What one program cost to build from clean, in debug and in release.
struct Cost {
    name: String,
    /// CPU time of each clean debug build.
    debug_rounds: Vec<Duration>,
    debug_wall: Duration,
    release_cpu: Duration,
    /// The release binary after `strip`, in bytes.
    stripped: u64,
    crates: usize,
}

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let value = |name: &str| {
        args.iter()
            .position(|a| *a == name)
            .and_then(|i| args.get(i + 1))
            .copied()
    };
    let before = value("--before");
    let rounds = value("--rounds").map_or(Some(1), |n| n.parse::<usize>().ok());
    let known = args.len()
        == 2 * (usize::from(before.is_some()) + usize::from(value("--rounds").is_some()));
    let (Some(rounds), true) = (rounds, known) else {
        eprintln!("usage: cargo xtask build-cost [--before REV] [--rounds N]");
        return ExitCode::from(2);
    };
    match measure_all(root, before, rounds.max(1)) {
        Ok(table) => {
            println!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("build-cost: {e}");
            ExitCode::FAILURE
        }
    }
}

fn measure_all(root: &Path, before: Option<&str>, rounds: usize) -> Result<String, String> {
    let dir = root.join("target/build-cost");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut variants = Vec::new();
    if let Some(rev) = before {
        let src = dir.join("before-src");
        let _ = std::fs::remove_dir_all(&src);
        export_revision(root, rev, &src)?;
        variants.push(Variant {
            name: format!("s3-client at {rev}"),
            dependencies: path_dependency(&src),
            program: S3_CLIENT_PROGRAM,
        });
    }
    // The committed state, so that edits in progress neither break nor skew the run.
    let head = dir.join("head-src");
    let _ = std::fs::remove_dir_all(&head);
    export_revision(root, "HEAD", &head)?;
    variants.push(Variant {
        name: "s3-client (HEAD)".into(),
        dependencies: path_dependency(&head),
        program: S3_CLIENT_PROGRAM,
    });
    variants.push(Variant {
        name: "s3-client (HEAD), `default-features = false, features = [\"objects\"]`".into(),
        dependencies: format!(
            "s3-client = {{ path = \"{}\", default-features = false, features = [\"objects\"] }}\n",
            head.join("s3-client").display()
        ),
        program: S3_CLIENT_PROGRAM,
    });
    variants.push(Variant {
        name: "aws-sdk-s3".into(),
        dependencies: "aws-sdk-s3 = \"1\"\n".into(),
        program: AWS_SDK_S3_PROGRAM,
    });
    let mut costs = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let project = dir.join(format!("program-{i}"));
        let cost = build(&project, v)?;
        eprintln!(
            "{}: {:.0} CPU-s debug, {:.0} CPU-s release",
            cost.name,
            cost.debug_median(),
            cost.release_cpu.as_secs_f64()
        );
        costs.push(cost);
    }
    // More clean debug builds, in another order each round: the machine is noisy.
    for round in 1..rounds {
        let mut order: Vec<usize> = (0..variants.len()).collect();
        order.rotate_left(round % variants.len());
        for i in order {
            let project = dir.join(format!("program-{i}"));
            let _ = std::fs::remove_dir_all(project.join("target/debug"));
            let (cpu, _) = timed_build(&project, &variants[i], "debug")?;
            eprintln!(
                "round {}: {}: {:.0} CPU-s debug",
                round + 1,
                variants[i].name,
                cpu.as_secs_f64()
            );
            costs[i].debug_rounds.push(cpu);
        }
    }
    // A failing check must not lose the measurements: it is reported in the table.
    let porting =
        check_porting_programs(root, &dir).unwrap_or_else(|e| format!("PORTING CHECK FAILED: {e}"));

    let aws = costs.last().map(Cost::debug_median).unwrap_or(1.0);
    let aws_release = costs
        .last()
        .map(|c| c.release_cpu.as_secs_f64())
        .unwrap_or(1.0);
    let mut table = format!(
        "Debug: the median (min-max) of {rounds} clean build(s) each, in another order each round; release: one clean build each.\n\n| put+get program, clean build | debug CPU-s | debug wall s (first) | vs aws-sdk-s3 | release CPU-s | vs aws-sdk-s3 | stripped release binary | crates |\n|---|---|---|---|---|---|---|---|\n",
    );
    for c in &costs {
        let (low, high) = c.debug_range();
        let _ = writeln!(
            table,
            "| {} | {:.0} ({low:.0}-{high:.0}) | {:.0} | {:.2}x | {:.0} | {:.2}x | {:.1} MB | {} |",
            c.name,
            c.debug_median(),
            c.debug_wall.as_secs_f64(),
            c.debug_median() / aws,
            c.release_cpu.as_secs_f64(),
            c.release_cpu.as_secs_f64() / aws_release,
            c.stripped as f64 / 1e6,
            c.crates,
        );
    }
    let _ = writeln!(table, "\n{porting}");
    Ok(table)
}

/// The crate at `src`, as a path dependency.
fn path_dependency(src: &Path) -> String {
    format!(
        "s3-client = {{ path = \"{}\" }}\n",
        src.join("s3-client").display()
    )
}

/// Writes revision `rev` of the repository into `dest`.
fn export_revision(root: &Path, rev: &str, dest: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dest).map_err(|e| e.to_string())?;
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev])
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("git archive: {e}"))?;
    let status = Command::new("tar")
        .arg("-x")
        .current_dir(dest)
        .stdin(archive.stdout.ok_or("git archive gave no output")?)
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err(format!("could not export {rev}"));
    }
    Ok(())
}

/// A fresh project for `v` in `project`, built from clean in a target dir of its own.
fn build(project: &Path, v: &Variant) -> Result<Cost, String> {
    let _ = std::fs::remove_dir_all(project);
    std::fs::create_dir_all(project.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"put-get\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{}{TOKIO}\n",
        v.dependencies
    );
    write(&project.join("Cargo.toml"), &manifest)?;
    write(&project.join("src/main.rs"), v.program)?;
    // Resolve and download first, so that the build measures compiling only.
    run_cargo(project, &["fetch"])?;
    let (debug_cpu, debug_wall) = timed_build(project, v, "debug")?;
    let (release_cpu, _) = timed_build(project, v, "release")?;
    let binary = project.join("target/release/put-get");
    let stripped = project.join("target/put-get.stripped");
    let status = Command::new("strip")
        .arg(&binary)
        .arg("-o")
        .arg(&stripped)
        .status()
        .map_err(|e| format!("strip: {e}"))?;
    if !status.success() {
        return Err(format!("strip {} failed", binary.display()));
    }
    let stripped = std::fs::metadata(&stripped)
        .map_err(|e| format!("{}: {e}", stripped.display()))?
        .len();
    Ok(Cost {
        name: v.name.clone(),
        debug_rounds: vec![debug_cpu],
        debug_wall,
        release_cpu,
        stripped,
        crates: crate_count(project)?,
    })
}

impl Cost {
    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self
            .debug_rounds
            .iter()
            .map(Duration::as_secs_f64)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }

    fn debug_median(&self) -> f64 {
        let v = self.sorted();
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    }

    fn debug_range(&self) -> (f64, f64) {
        let v = self.sorted();
        (
            v.first().copied().unwrap_or(0.0),
            v.last().copied().unwrap_or(0.0),
        )
    }
}

/// One clean build in `profile` (its own target dir): CPU time and wall time.
fn timed_build(project: &Path, v: &Variant, profile: &str) -> Result<(Duration, Duration), String> {
    let mut args = vec!["build", "--offline"];
    if profile == "release" {
        args.push("--release");
    }
    let started = Instant::now();
    let child = cargo(project, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cargo build: {e}"))?;
    let Usage { status, cpu, .. } = wait_with_rusage(child.id())?;
    let wall = started.elapsed();
    if status != 0 {
        return Err(format!(
            "the {} program did not build in {profile} (cd {} && cargo {})",
            v.name,
            project.display(),
            args.join(" ")
        ));
    }
    Ok((cpu, wall))
}

/// The aws-sdk-s3 programs of `tests/porting/`, type-checked against aws-sdk-s3 and
/// aws-config as they are written.
fn check_porting_programs(root: &Path, dir: &Path) -> Result<String, String> {
    let project = dir.join("porting-on-aws-sdk-s3");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(project.join("src")).map_err(|e| e.to_string())?;
    let programs_dir = root.join("tests/porting");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&programs_dir)
        .map_err(|e| format!("{}: {e}", programs_dir.display()))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    programs.sort();
    let mut lib = String::from("#![allow(dead_code, deprecated)]\n");
    for p in &programs {
        let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or("program");
        let _ = writeln!(lib, "#[path = \"{}\"]\npub mod {name};", p.display());
    }
    write(&project.join("src/lib.rs"), &lib)?;
    let manifest = "[package]\nname = \"porting-on-aws-sdk-s3\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\naws-sdk-s3 = \"1\"\naws-config = \"1\"\nbytes = \"1\"\ntokio = { version = \"1\", features = [\"fs\", \"io-util\"] }\n";
    write(&project.join("Cargo.toml"), manifest)?;
    run_cargo(&project, &["check", "--quiet"])?;
    Ok(format!(
        "The {} programs of tests/porting compile against aws-sdk-s3 and aws-config as written.",
        programs.len()
    ))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn cargo(project: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", project.join("target"))
        // Path dependencies would otherwise build incrementally, which a crates.io
        // dependency never does.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

fn run_cargo(project: &Path, args: &[&str]) -> Result<(), String> {
    let out = cargo(project, args)
        .output()
        .map_err(|e| format!("cargo {}: {e}", args.join(" ")))?;
    if !out.status.success() {
        return Err(format!(
            "cargo {} in {} failed:\n{}",
            args.join(" "),
            project.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// How many packages the build compiles, the program's own included.
fn crate_count(project: &Path) -> Result<usize, String> {
    let out = cargo(
        project,
        &[
            "tree",
            "--offline",
            "--prefix",
            "none",
            "-e",
            "normal,build",
        ],
    )
    .output()
    .map_err(|e| format!("cargo tree: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut packages: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches(" (*)").trim())
        .filter(|l| !l.is_empty())
        .collect();
    packages.sort();
    packages.dedup();
    Ok(packages.len())
}
