//! `s3-bench compare`: every workload with every client against each server (the canned
//! one, then s3s-fs), rounds in alternating order, medians and ratios to the floor.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::adapters::Error;

const ADAPTERS: [&str; 4] = ["floor", "s3-client", "s3-client-floor-wire", "aws-sdk-s3"];

/// The servers, by the name `--servers` takes.
const SERVERS: [&str; 2] = ["canned", "s3s-fs"];

/// What a workload's row reports.
#[derive(Clone, Copy)]
enum Metric {
    /// Client CPU per request, in µs (lower is better).
    CpuPerOp,
    /// Requests per second (higher is better).
    OpsPerSecond,
    /// MiB per second (higher is better).
    MibPerSecond,
}

const WORKLOADS: [(&str, &str, Metric); 7] = [
    ("put-small", "PUT 4 KiB, sequential", Metric::CpuPerOp),
    ("get-small", "GET 4 KiB, sequential", Metric::CpuPerOp),
    ("get-64", "GET 4 KiB, 64 in flight", Metric::OpsPerSecond),
    ("list", "ListObjectsV2, 1,000 keys parsed", Metric::CpuPerOp),
    (
        "put-1g",
        "PUT 1 GiB from a file (default checksum)",
        Metric::MibPerSecond,
    ),
    ("get-1g", "GET 1 GiB, streamed", Metric::MibPerSecond),
    (
        "new-client",
        "Client construction, http endpoint",
        Metric::CpuPerOp,
    ),
];

/// One run's measurements.
#[derive(Clone, Copy)]
struct Sample {
    ops: f64,
    wall_s: f64,
    cpu_s: f64,
    bytes: f64,
    rss_mib: f64,
}

impl Sample {
    fn value(&self, metric: Metric) -> f64 {
        match metric {
            Metric::CpuPerOp => self.cpu_s / self.ops * 1e6,
            Metric::OpsPerSecond => self.ops / self.wall_s,
            Metric::MibPerSecond => self.bytes / (1024.0 * 1024.0) / self.wall_s,
        }
    }
}

/// The server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: &[&str]) -> Result<(), Error> {
    let value = |name: &str| {
        args.iter()
            .position(|a| *a == name)
            .and_then(|i| args.get(i + 1))
            .copied()
    };
    let file = value("--file").ok_or("compare needs --file (a file of 1 GiB)")?;
    let rounds: usize = value("--rounds").unwrap_or("3").parse()?;
    let out = value("--out");
    let me = std::env::current_exe()?;
    let pinned = Command::new("taskset").arg("--version").output().is_ok();
    let pin = |core: &str| {
        if pinned {
            let mut c = Command::new("taskset");
            c.args(["-c", core]).arg(&me);
            c
        } else {
            Command::new(&me)
        }
    };

    let servers: Vec<&str> = match value("--servers") {
        Some(list) => list.split(',').collect(),
        None => SERVERS.to_vec(),
    };
    if let Some(bad) = servers.iter().find(|s| !SERVERS.contains(s)) {
        return Err(format!("unknown server {bad} (known: {})", SERVERS.join(", ")).into());
    }
    let mut tables = String::new();
    for name in servers {
        let mut command = pin("1");
        match name {
            "canned" => command.arg("serve"),
            _ => {
                let root = std::path::Path::new(file)
                    .parent()
                    .unwrap_or(std::path::Path::new("."))
                    .join("s3s-fs-root");
                command.arg("serve-s3s").arg(root).arg(file)
            }
        };
        let mut server = command.stdout(Stdio::piped()).spawn()?;
        let mut port = String::new();
        BufReader::new(server.stdout.take().ok_or("the server has no stdout")?)
            .read_line(&mut port)?;
        let server = Server(server);
        let endpoint = format!("http://127.0.0.1:{}", port.trim());

        let mut samples: BTreeMap<(&str, &str), Vec<Sample>> = BTreeMap::new();
        for round in 0..rounds {
            let mut order = ADAPTERS.to_vec();
            order.rotate_left(round % ADAPTERS.len());
            for (workload, _, _) in WORKLOADS {
                for adapter in &order {
                    let output = pin("0")
                        .args(["client", adapter, workload, &endpoint, file])
                        .output()?;
                    if !output.status.success() {
                        return Err(format!(
                            "{name}: {adapter} {workload}: {}",
                            String::from_utf8_lossy(&output.stderr).trim()
                        )
                        .into());
                    }
                    let line = String::from_utf8_lossy(&output.stdout);
                    let sample = parse(&line).ok_or_else(|| {
                        format!("{adapter} {workload}: no measurements in {line:?}")
                    })?;
                    eprintln!(
                        "{name} round {} {workload} {adapter}: {}",
                        round + 1,
                        line.trim()
                    );
                    samples.entry((workload, adapter)).or_default().push(sample);
                }
            }
        }
        drop(server);
        let section = format!(
            "### Against the {name} server\n\n{}\n",
            table(&samples, rounds, pinned)
        );
        // Each server's table as soon as it is complete.
        println!("{section}");
        tables.push_str(&section);
        if let Some(out) = out {
            std::fs::write(out, &tables)?;
        }
    }
    Ok(())
}

fn parse(line: &str) -> Option<Sample> {
    let field = |name: &str| -> Option<f64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))?
            .parse()
            .ok()
    };
    Some(Sample {
        ops: field("ops")?,
        wall_s: field("wall_ns")? / 1e9,
        cpu_s: field("cpu_ns")? / 1e9,
        bytes: field("bytes")?,
        rss_mib: field("rss_kib")? / 1024.0,
    })
}

/// The median and the range of `values`.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    (median, values[0], values[values.len() - 1])
}

fn table(samples: &BTreeMap<(&str, &str), Vec<Sample>>, rounds: usize, pinned: bool) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{rounds} rounds, clients in a different order each round{}; median (min-max); ratios are to the floor, from medians.\n",
        if pinned {
            ", server pinned to core 1 and each client to core 0"
        } else {
            " (taskset missing: nothing pinned)"
        }
    );
    let _ = writeln!(
        t,
        "| workload | metric | floor | s3-client | s3-client, floor's wire | aws-sdk-s3 | s3-client / floor | floor's wire / floor | aws-sdk-s3 / floor |\n|---|---|---|---|---|---|---|---|---|"
    );
    for (workload, title, metric) in WORKLOADS {
        let unit = match metric {
            Metric::CpuPerOp => "client CPU µs/op",
            Metric::OpsPerSecond => "requests/s",
            Metric::MibPerSecond => "MiB/s",
        };
        let mut cells = Vec::new();
        let mut medians = Vec::new();
        for adapter in ADAPTERS {
            let values: Vec<f64> = samples
                .get(&(workload, adapter))
                .map(|s| s.iter().map(|x| x.value(metric)).collect())
                .unwrap_or_default();
            if values.is_empty() {
                cells.push("-".to_string());
                medians.push(f64::NAN);
                continue;
            }
            let (median, low, high) = spread(values);
            cells.push(format!("{median:.1} ({low:.1}-{high:.1})"));
            medians.push(median);
        }
        let ratios: Vec<String> = medians[1..]
            .iter()
            .map(|m| format!("{:.2}x", m / medians[0]))
            .collect();
        let _ = writeln!(
            t,
            "| {title} | {unit} | {} | {} |",
            cells.join(" | "),
            ratios.join(" | ")
        );
    }
    let _ = writeln!(t, "\nPeak RSS of the 1 GiB runs, MiB (median):\n");
    let _ = writeln!(
        t,
        "| workload | floor | s3-client | s3-client, floor's wire | aws-sdk-s3 |\n|---|---|---|---|---|"
    );
    for (workload, title, _) in WORKLOADS.iter().filter(|w| w.0.ends_with("-1g")) {
        let cells: Vec<String> = ADAPTERS
            .iter()
            .map(|adapter| {
                samples
                    .get(&(*workload, *adapter))
                    .map(|s| format!("{:.0}", spread(s.iter().map(|x| x.rss_mib).collect()).0))
                    .unwrap_or_else(|| "-".into())
            })
            .collect();
        let _ = writeln!(t, "| {title} | {} |", cells.join(" | "));
    }
    t
}
