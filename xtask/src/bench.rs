//! `cargo xtask bench`: the transfer benchmark, side by side in one run.
//!
//! Release builds of the `s3` command, of `local-s3` (an s3s-fs server in its own
//! process) and of `plain-stream` (one PutObject or GetObject streamed by reqwest and
//! signed by aws-sigv4: the bytes with no SDK in between), and the AWS CLI from PyPI
//! (awscli, whose transfers are boto3's s3transfer) in `target/bench/venv`. Then:
//!
//! 1. one 1 GiB file up and down: `s3 cp`, the plain stream and `aws s3 cp`, with the
//!    peak RSS of each process;
//! 2. the same file through a server that caps each connection (as S3 does), with
//!    `--concurrency` 1, 4, 8 and 16;
//! 3. 1,000 files of 4-64 KiB up, listed, down, and `sync` with nothing changed, with
//!    `s3` and `aws s3`.
//!
//! Each measurement is the best of `--repeat` runs (default 2; the capped runs once).
//! Times are wall clock of whole processes, start-up included; the machine is shared, so
//! read the ratios. The table is printed and written to `target/bench/results.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const AWSCLI: &str = "awscli==1.46.3";
const MIB: u64 = 1024 * 1024;
const BIG: u64 = 1024 * MIB;
/// Bytes per second per connection on the capped server.
const CAP: u64 = 20 * MIB;
/// The AWS CLI's default concurrency (`max_concurrent_requests`), given to `s3` too.
const CONCURRENCY: &str = "10";

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let repeat = args
        .iter()
        .position(|a| *a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(2);
    match bench(root, repeat) {
        Ok(table) => {
            println!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One process run: how long it took and its peak resident memory.
#[derive(Clone, Copy)]
struct Run {
    time: Duration,
    rss_kib: u64,
}

impl Run {
    fn mib_per_s(&self, bytes: u64) -> f64 {
        bytes as f64 / MIB as f64 / self.time.as_secs_f64()
    }
}

/// Runs `cmd` to its end and measures it; stderr goes to `log`.
fn measure(cmd: &mut Command, log: &Path) -> Result<Run, String> {
    measure_output(cmd, log).map(|(run, _)| run)
}

/// Runs `cmd` to its end and measures it; what it printed on stdout comes second.
fn measure_output(cmd: &mut Command, log: &Path) -> Result<(Run, String), String> {
    let what = format!("{cmd:?}");
    let err = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let out_path = log.with_extension("out");
    let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let child = cmd
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let Usage {
        status, rss_kib, ..
    } = wait_with_rusage(child.id())?;
    let time = started.elapsed();
    if status != 0 {
        let log = std::fs::read_to_string(log).unwrap_or_default();
        return Err(format!("{what} failed ({status}): {log}"));
    }
    let printed = std::fs::read_to_string(&out_path).unwrap_or_default();
    Ok((Run { time, rss_kib }, printed))
}

/// What `wait4` reports of one finished child: exit status, peak RSS (KiB), and CPU time
/// (user and system), its own and that of the children it waited for (a cargo build's
/// rustc processes).
pub(crate) struct Usage {
    pub(crate) status: i32,
    pub(crate) rss_kib: u64,
    pub(crate) cpu: Duration,
}

/// Waits for the child `pid` and returns what it used.
pub(crate) fn wait_with_rusage(pid: u32) -> Result<Usage, String> {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if got != pid as libc::pid_t {
        return Err(format!(
            "wait4({pid}) failed: {}",
            std::io::Error::last_os_error()
        ));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    Ok(Usage {
        status: code,
        rss_kib: usage.ru_maxrss.max(0) as u64,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
    })
}

/// The best (fastest) of `n` runs of `make()`.
fn best(n: u32, log: &Path, mut make: impl FnMut() -> Command) -> Result<Run, String> {
    let mut best: Option<Run> = None;
    for _ in 0..n.max(1) {
        let mut cmd = make();
        let run = measure(&mut cmd, log)?;
        eprintln!(
            "xtask bench: {:.2} s, {} KiB peak: {:?}",
            run.time.as_secs_f64(),
            run.rss_kib,
            cmd.get_args().collect::<Vec<_>>()
        );
        if best.is_none_or(|b| run.time < b.time) {
            best = Some(run);
        }
    }
    best.ok_or_else(|| "no run".to_string())
}

/// A server process, killed when dropped.
struct Server {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(bin: &Path, root: &Path, cap: Option<u64>) -> Result<Server, String> {
    use std::io::BufRead;
    let mut cmd = Command::new(bin);
    cmd.arg(root).arg("0");
    if let Some(c) = cap {
        cmd.arg(c.to_string());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start local-s3: {e}"))?;
    let mut line = String::new();
    let stdout = child.stdout.take().ok_or("local-s3 has no stdout")?;
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("local-s3 printed no endpoint: {e}"))?;
    let endpoint = line.trim().to_string();
    if !endpoint.starts_with("http://") {
        let _ = child.kill();
        return Err(format!("local-s3 printed `{endpoint}`, not an endpoint"));
    }
    Ok(Server { child, endpoint })
}

fn cargo_build(root: &Path) -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "s3-cli",
            "-p",
            "s3-client-tests",
        ])
        .args(["--bin", "s3", "--bin", "local-s3", "--bin", "plain-stream"])
        .args(["--bin", "transfer-probe"])
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| "cargo build --release failed".to_string())
}

/// The AWS CLI in its own virtualenv (its botocore must not meet moto's).
fn install_awscli(dir: &Path) -> Result<PathBuf, String> {
    let aws = dir.join("venv/bin/aws");
    let stamp = dir.join("venv/s3-client-packages");
    if aws.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == AWSCLI) {
        return Ok(aws);
    }
    eprintln!(
        "xtask bench: installing {AWSCLI} into {}",
        dir.join("venv").display()
    );
    let ok = |s: std::io::Result<std::process::ExitStatus>| s.is_ok_and(|s| s.success());
    if !ok(Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir.join("venv"))
        .status())
    {
        return Err("python3 -m venv failed".into());
    }
    let pip = dir.join("venv/bin/pip");
    if !ok(Command::new(pip)
        .args(["install", "--quiet", "--disable-pip-version-check", AWSCLI])
        .status())
    {
        return Err(format!("pip install {AWSCLI} failed"));
    }
    std::fs::write(&stamp, AWSCLI).map_err(|e| e.to_string())?;
    Ok(aws)
}

/// Deterministic bytes: a fast xorshift stream.
fn fill(buf: &mut [u8], seed: u64) {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for chunk in buf.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
}

fn write_data(run: &Path) -> Result<(PathBuf, PathBuf, u64), String> {
    let io = |e: std::io::Error| e.to_string();
    let big = run.join("big.bin");
    let mut block = vec![0u8; 8 * MIB as usize];
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).map_err(io)?);
        for i in 0..BIG / (8 * MIB) {
            fill(&mut block, i + 1);
            f.write_all(&block).map_err(io)?;
        }
        f.flush().map_err(io)?;
    }
    let small = run.join("small");
    let mut total = 0;
    for i in 0..1000u64 {
        let dir = small.join(format!("d{:02}", i % 20));
        std::fs::create_dir_all(&dir).map_err(io)?;
        let size = 4096 + (i * 7919) % (60 * 1024);
        let mut bytes = vec![0u8; size as usize];
        fill(&mut bytes, 1000 + i);
        std::fs::write(dir.join(format!("f{i:04}.bin")), &bytes).map_err(io)?;
        total += size;
    }
    Ok((big, small, total))
}

fn bench(root: &Path, repeat: u32) -> Result<String, String> {
    cargo_build(root)?;
    let bench_dir = root.join("target/bench");
    let aws = install_awscli(&bench_dir)?;
    let bin = root.join("target/release");
    let run_dir = bench_dir.join("run");
    let _ = std::fs::remove_dir_all(&run_dir);
    std::fs::create_dir_all(&run_dir).map_err(|e| e.to_string())?;
    let (big, small, small_bytes) = write_data(&run_dir)?;
    let log = run_dir.join("last.log");

    let server = start_server(&bin.join("local-s3"), &run_dir.join("store"), None)?;
    let capped = start_server(
        &bin.join("local-s3"),
        &run_dir.join("capped-store"),
        Some(CAP),
    )?;
    for endpoint in [&server.endpoint, &capped.endpoint] {
        measure(s3(&bin, endpoint).args(["mb", "s3://bench"]), &log)?;
    }
    let e = server.endpoint.clone();
    let plain = |op: &str, key: &str, file: &Path| {
        let mut c = Command::new(bin.join("plain-stream"));
        c.args([op, &e, "bench", key]).arg(file);
        c
    };
    // Transfers print errors only (both tools print a line per object otherwise).
    let quiet = |args: &[&str]| args[1] != "ls";
    let awscli = |args: &[&str]| {
        let mut c = Command::new(&aws);
        c.args(["--endpoint-url", &e]).args(args);
        if quiet(args) {
            c.arg("--only-show-errors");
        }
        c.env("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
            .env("AWS_SECRET_ACCESS_KEY", "local/secret/key+for/tests")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        c
    };
    let ours = |endpoint: &str, args: &[&str]| {
        let mut c = s3(&bin, endpoint);
        c.args(args);
        if args[0] != "ls" {
            c.args(["--only-show-errors", "--no-progress"]);
        }
        c
    };
    let path = |p: &Path| p.display().to_string();

    eprintln!("xtask bench: 1 GiB up and down");
    let down = |name: &str| run_dir.join(name);
    let plain_up = best(repeat, &log, || plain("put", "plain-big", &big))?;
    let plain_down = best(repeat, &log, || {
        plain("get", "plain-big", &down("plain.down"))
    })?;
    let ours_up = best(repeat, &log, || {
        ours(
            &e,
            &[
                "cp",
                &path(&big),
                "s3://bench/ours-big",
                "--concurrency",
                CONCURRENCY,
            ],
        )
    })?;
    let ours_down = best(repeat, &log, || {
        ours(
            &e,
            &[
                "cp",
                "s3://bench/ours-big",
                &path(&down("ours.down")),
                "--concurrency",
                CONCURRENCY,
            ],
        )
    })?;
    let one = ["--part-size", "5GiB"];
    let ours_one_up = best(repeat, &log, || {
        let mut c = ours(&e, &["cp", &path(&big), "s3://bench/ours-one"]);
        c.args(one);
        c
    })?;
    let ours_one_down = best(repeat, &log, || {
        let mut c = ours(
            &e,
            &["cp", "s3://bench/ours-one", &path(&down("ours.down"))],
        );
        c.args(one);
        c
    })?;
    let aws_up = best(repeat, &log, || {
        awscli(&["s3", "cp", &path(&big), "s3://bench/aws-big"])
    })?;
    let aws_down = best(repeat, &log, || {
        awscli(&["s3", "cp", "s3://bench/aws-big", &path(&down("aws.down"))])
    })?;
    for f in ["plain.down", "ours.down", "aws.down"] {
        let _ = std::fs::remove_file(down(f));
    }

    eprintln!("xtask bench: 1 GiB through {} MiB/s connections", CAP / MIB);
    let mut scaling = Vec::new();
    for c in ["1", "4", "8", "16"] {
        let key = format!("s3://bench/capped-{c}");
        // The upload through the library, to time the parts apart from the completion.
        let mut probe = Command::new(bin.join("transfer-probe"));
        probe
            .args(["--phases", &capped.endpoint, "bench"])
            .arg(&big);
        probe.args([(8 * MIB).to_string().as_str(), c]);
        let (up, printed) = measure_output(&mut probe, &log)?;
        let phase = |name: &str| {
            let seconds = printed
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0);
            Run {
                time: Duration::from_secs_f64(seconds),
                ..up
            }
        };
        let (parts, assembled) = (phase("parts_s="), phase("total_s="));
        eprintln!(
            "xtask bench: capped upload, concurrency {c}: parts {:?}, with completion {:?}",
            parts.time, assembled.time
        );
        // The object the download reads, uploaded by the command.
        measure(
            &mut ours(
                &capped.endpoint,
                &["cp", &path(&big), &key, "--concurrency", c],
            ),
            &log,
        )?;
        let target = down("capped.down");
        let dl = best(1, &log, || {
            ours(
                &capped.endpoint,
                &["cp", &key, &path(&target), "--concurrency", c],
            )
        })?;
        let _ = std::fs::remove_file(target);
        scaling.push((c, parts, assembled, dl));
    }

    eprintln!("xtask bench: 1,000 small files");
    let small_s = path(&small);
    let ours_small_up = best(repeat, &log, || {
        ours(
            &e,
            &[
                "cp",
                &small_s,
                "s3://bench/ours-small",
                "--recursive",
                "--concurrency",
                CONCURRENCY,
            ],
        )
    })?;
    let aws_small_up = best(repeat, &log, || {
        awscli(&["s3", "cp", &small_s, "s3://bench/aws-small", "--recursive"])
    })?;
    let ours_ls = best(repeat, &log, || {
        ours(&e, &["ls", "s3://bench/ours-small/", "--recursive"])
    })?;
    let aws_ls = best(repeat, &log, || {
        awscli(&["s3", "ls", "s3://bench/ours-small/", "--recursive"])
    })?;
    let ours_small_down = best(repeat, &log, || {
        let d = down("ours-small-down");
        let _ = std::fs::remove_dir_all(&d);
        ours(
            &e,
            &[
                "cp",
                "s3://bench/ours-small",
                &path(&d),
                "--recursive",
                "--concurrency",
                CONCURRENCY,
            ],
        )
    })?;
    let aws_small_down = best(repeat, &log, || {
        let d = down("aws-small-down");
        let _ = std::fs::remove_dir_all(&d);
        awscli(&[
            "s3",
            "cp",
            "s3://bench/ours-small",
            &path(&d),
            "--recursive",
        ])
    })?;
    let ours_sync = best(repeat, &log, || {
        ours(
            &e,
            &[
                "sync",
                &small_s,
                "s3://bench/ours-small",
                "--concurrency",
                CONCURRENCY,
            ],
        )
    })?;
    let aws_sync = best(repeat, &log, || {
        awscli(&["s3", "sync", &small_s, "s3://bench/aws-small"])
    })?;
    drop(capped);
    drop(server);

    let mut t = String::new();
    let mbs = |r: &Run, n: u64| format!("{:.0} MiB/s", r.mib_per_s(n));
    let rss = |r: &Run| format!("{:.0} MiB", r.rss_kib as f64 / 1024.0);
    let _ = writeln!(
        t,
        "### 1 GiB, one file (s3s-fs in its own process, loopback)\n"
    );
    let _ = writeln!(
        t,
        "| | `s3 cp` | plain stream | `aws s3 cp` | `s3` / plain | `s3` / `aws` | peak RSS `s3` | peak RSS `aws` |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|---|");
    for (what, o, p) in [
        ("up, one stream", &ours_one_up, &plain_up),
        ("down, one stream", &ours_one_down, &plain_down),
    ] {
        let _ = writeln!(
            t,
            "| {what} | {} | {} | | {:.2}x | | {} | |",
            mbs(o, BIG),
            mbs(p, BIG),
            p.time.as_secs_f64() / o.time.as_secs_f64(),
            rss(o)
        );
    }
    for (what, o, p, a) in [
        ("up, parts", &ours_up, &plain_up, &aws_up),
        ("down, ranges", &ours_down, &plain_down, &aws_down),
    ] {
        let _ = writeln!(
            t,
            "| {what} | {} | {} | {} | {:.2}x | {:.2}x | {} | {} |",
            mbs(o, BIG),
            mbs(p, BIG),
            mbs(a, BIG),
            p.time.as_secs_f64() / o.time.as_secs_f64(),
            a.time.as_secs_f64() / o.time.as_secs_f64(),
            rss(o),
            rss(a)
        );
    }
    let _ = writeln!(
        t,
        "\n\"One stream\" is `s3 cp --part-size 5GiB`: one PutObject with its CRC64NVME (the file is read once for it, then streamed), or one GetObject checked as it streams. \"Parts\" and \"ranges\" are the defaults: 8 MiB parts, each with its CRC64NVME and the whole object's at completion, concurrency {CONCURRENCY}. The plain stream is one request with no checksum. The memory bound for `s3` is concurrency x part size + 32 MiB = {} MiB.\n",
        10 * 8 + 32
    );
    let _ = writeln!(
        t,
        "### 1 GiB through connections capped at {} MiB/s each\n",
        CAP / MIB
    );
    let _ = writeln!(
        t,
        "| concurrency | up, parts | speed-up | up, with completion | down | speed-up | peak RSS |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|");
    let (base_up, base_down) = (
        scaling[0].1.time.as_secs_f64(),
        scaling[0].3.time.as_secs_f64(),
    );
    for (c, up, assembled, dl) in &scaling {
        let _ = writeln!(
            t,
            "| {c} | {} | {:.1}x | {} | {} | {:.1}x | {} |",
            mbs(up, BIG),
            base_up / up.time.as_secs_f64(),
            mbs(assembled, BIG),
            mbs(dl, BIG),
            base_down / dl.time.as_secs_f64(),
            rss(up.max_rss(dl))
        );
    }
    let _ = writeln!(
        t,
        "\n\"Up, parts\" runs until the last part is sent (from the transfer's progress, through the library); \"with completion\" adds CompleteMultipartUpload, which s3s-fs answers by reading, hashing and writing the whole object again, serially (S3 assembles an object without copying it). Downloads are `s3 cp`, the whole process."
    );
    let _ = writeln!(
        t,
        "\n### 1,000 files of 4-64 KiB ({:.1} MiB)\n",
        small_bytes as f64 / MIB as f64
    );
    let _ = writeln!(
        t,
        "| | `s3` | `aws s3` | `s3` faster by | peak RSS `s3` | peak RSS `aws` |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|");
    for (what, o, a) in [
        ("cp --recursive up", &ours_small_up, &aws_small_up),
        ("ls --recursive", &ours_ls, &aws_ls),
        ("cp --recursive down", &ours_small_down, &aws_small_down),
        ("sync, nothing changed", &ours_sync, &aws_sync),
    ] {
        let _ = writeln!(
            t,
            "| {what} | {:.2} s | {:.2} s | {:.1}x | {} | {} |",
            o.time.as_secs_f64(),
            a.time.as_secs_f64(),
            a.time.as_secs_f64() / o.time.as_secs_f64(),
            rss(o),
            rss(a)
        );
    }
    let _ = std::fs::write(bench_dir.join("results.md"), &t);
    let _ = std::fs::remove_dir_all(&run_dir);
    Ok(t)
}

impl Run {
    fn max_rss<'a>(&'a self, other: &'a Run) -> &'a Run {
        if other.rss_kib > self.rss_kib {
            other
        } else {
            self
        }
    }
}

/// The `s3` command with the bench server's keys.
fn s3(bin: &Path, endpoint: &str) -> Command {
    let mut c = Command::new(bin.join("s3"));
    c.args(["--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
        .env("AWS_SECRET_ACCESS_KEY", "local/secret/key+for/tests")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    c
}
