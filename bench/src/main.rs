//! The SDK benchmark: s3-client beside the floor (reqwest + aws-sigv4, no modelling) and
//! aws-sdk-s3, on the same workloads against a canned loopback server.
//!
//! ```text
//! s3-bench compare --file ONE_GIB_FILE [--rounds N] [--out results.md]
//! s3-bench serve                                      # the canned server
//! s3-bench serve-s3s ROOT ONE_GIB_FILE                # s3s-fs over ROOT
//! s3-bench client ADAPTER WORKLOAD ENDPOINT [FILE]    # one measured run
//! ```
//!
//! `compare` runs the server pinned to core 1 and each client run as a process of its own
//! pinned to core 0, every workload with every client once per round, the clients in a
//! different order each round; it prints medians, min-max and ratios to the floor as a
//! markdown table. Client CPU is user + system time from `getrusage` around the workload
//! only; peak RSS is the process's.

mod adapters;
mod canned;
mod compare;
mod s3s_server;

use std::path::Path;
use std::time::Instant;

use adapters::{Adapter, AwsSdk, Error, Floor, S3Client};
use bytes::Bytes;
use futures_util::StreamExt;

/// Sequential requests of the small workloads, after a warm-up.
const SEQUENTIAL: usize = 2000;
/// Requests of the in-flight workload, and how many are in flight at once.
const IN_FLIGHT_TOTAL: usize = 20_000;
const IN_FLIGHT: usize = 64;
/// Listings parsed.
const LISTINGS: usize = 300;
/// Transfers of the 1 GiB workloads per sample: one lasts a quarter of a second, too
/// short to measure alone on a noisy machine.
const BIG_REPEATS: usize = 3;
/// Small objects a server must hold: every key the GET workloads read.
const SMALL_OBJECTS: usize = IN_FLIGHT_TOTAL + 50;

/// s3s-fs does file work on blocking threads: a runtime with them.
fn s3s_runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?)
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("s3-bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result: Result<(), Error> = match args.as_slice() {
        ["serve"] => runtime.block_on(canned::serve()).map_err(|e| e.to_string().into()),
        ["serve-s3s", root, big] => s3s_runtime().and_then(|r| {
            r.block_on(s3s_server::serve(
                Path::new(root),
                Path::new(big),
                SMALL_OBJECTS,
            ))
        }),
        ["client", adapter, workload, endpoint, rest @ ..] => {
            let file = rest.first().map(Path::new);
            runtime.block_on(client(adapter, workload, endpoint, file))
        }
        ["compare", rest @ ..] => compare::run(rest),
        _ => Err("usage: s3-bench compare --file F [--rounds N] [--servers canned,s3s-fs] [--out F] | serve | serve-s3s ROOT FILE | client ADAPTER WORKLOAD ENDPOINT [FILE]".into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("s3-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// One measured run of `workload` with `adapter`; prints one line of measurements.
async fn client(
    adapter: &str,
    workload: &str,
    endpoint: &str,
    file: Option<&Path>,
) -> Result<(), Error> {
    if workload == "new-client" {
        return construction(adapter, endpoint);
    }
    match adapter {
        "floor" => measure(&Floor::new(endpoint), workload, file).await,
        "s3-client" => measure(&S3Client::new(endpoint, true), workload, file).await,
        "s3-client-floor-wire" => measure(&S3Client::new(endpoint, false), workload, file).await,
        "aws-sdk-s3" => measure(&AwsSdk::new(endpoint), workload, file).await,
        other => Err(format!("unknown adapter {other}").into()),
    }
}

/// Clients built for an http endpoint, the first one included (whatever a process
/// loads once, such as root certificates, counts).
const CONSTRUCTIONS: usize = 200;

/// Builds `adapter`'s client [`CONSTRUCTIONS`] times (each used for nothing and dropped).
fn construction(adapter: &str, endpoint: &str) -> Result<(), Error> {
    let (cpu0, _) = usage();
    let started = Instant::now();
    for _ in 0..CONSTRUCTIONS {
        match adapter {
            "floor" => drop(Floor::new(endpoint)),
            "s3-client" => drop(S3Client::new(endpoint, true)),
            "s3-client-floor-wire" => drop(S3Client::new(endpoint, false)),
            "aws-sdk-s3" => drop(AwsSdk::new(endpoint)),
            other => return Err(format!("unknown adapter {other}").into()),
        }
    }
    let wall = started.elapsed();
    let (cpu1, rss) = usage();
    println!(
        "ops={CONSTRUCTIONS} wall_ns={} cpu_ns={} bytes=0 rss_kib={rss}",
        wall.as_nanos(),
        cpu1 - cpu0
    );
    Ok(())
}

/// CPU time of this process so far (all threads), in nanoseconds, and its peak RSS in KiB.
fn usage() -> (u128, u64) {
    // SAFETY: getrusage writes into the struct it is given and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let ns = |t: libc::timeval| t.tv_sec as u128 * 1_000_000_000 + t.tv_usec as u128 * 1000;
    (
        ns(usage.ru_utime) + ns(usage.ru_stime),
        usage.ru_maxrss as u64,
    )
}

async fn measure(a: &impl Adapter, workload: &str, file: Option<&Path>) -> Result<(), Error> {
    let small = Bytes::from(vec![b'z'; canned::SMALL]);
    // Warm up: connections, credentials, lazy state.
    for i in 0..50 {
        match workload {
            "put-small" => a.put(&format!("k{i}"), small.clone()).await?,
            "list" => {
                a.list().await?;
            }
            _ => {
                a.get(&format!("k{i}")).await?;
            }
        }
    }
    let (cpu0, _) = usage();
    let started = Instant::now();
    let (ops, bytes) = match workload {
        "put-small" => {
            for i in 0..SEQUENTIAL {
                a.put(&format!("k{i}"), small.clone()).await?;
            }
            (SEQUENTIAL, (SEQUENTIAL * canned::SMALL) as u64)
        }
        "get-small" => {
            let mut n = 0;
            for i in 0..SEQUENTIAL {
                n += a.get(&format!("k{i}")).await?;
            }
            (SEQUENTIAL, n as u64)
        }
        "get-64" => {
            let results: Vec<Result<usize, Error>> = futures_util::stream::iter(0..IN_FLIGHT_TOTAL)
                .map(|i| async move { a.get(&format!("k{i}")).await })
                .buffer_unordered(IN_FLIGHT)
                .collect()
                .await;
            let mut n = 0;
            for r in results {
                n += r?;
            }
            (IN_FLIGHT_TOTAL, n as u64)
        }
        "list" => {
            let mut keys = 0;
            for _ in 0..LISTINGS {
                keys += a.list().await?;
            }
            if keys != LISTINGS * canned::KEYS {
                return Err(format!("parsed {keys} keys, not {}", LISTINGS * canned::KEYS).into());
            }
            (LISTINGS, keys as u64)
        }
        "put-1g" => {
            let file = file.ok_or("put-1g needs the file")?;
            for _ in 0..BIG_REPEATS {
                a.put_file("big-upload", file).await?;
            }
            (BIG_REPEATS, BIG_REPEATS as u64 * std::fs::metadata(file)?.len())
        }
        "get-1g" => {
            for _ in 0..BIG_REPEATS {
                let n = a.get_stream("big").await?;
                if n != canned::BIG {
                    return Err(format!("read {n} bytes, not {}", canned::BIG).into());
                }
            }
            (BIG_REPEATS, BIG_REPEATS as u64 * canned::BIG)
        }
        other => return Err(format!("unknown workload {other}").into()),
    };
    let wall = started.elapsed();
    let (cpu1, rss) = usage();
    println!(
        "ops={ops} wall_ns={} cpu_ns={} bytes={bytes} rss_kib={rss}",
        wall.as_nanos(),
        cpu1 - cpu0
    );
    Ok(())
}
