//! The Garage cluster of `cargo xtask test`: three nodes on 127.0.0.1 with replication
//! factor 3, started and stopped by PID.
//!
//! Garage is built from crates.io once (`cargo install garage`, about ten minutes on two
//! cores) into `target/tools/garage`, where later runs find it. Each run makes a fresh
//! cluster under `target/garage-cluster`: three configurations, the nodes connected, a
//! layout applied, and an access key imported that may create buckets. The tests find it
//! through `S3_CLIENT_GARAGE_*` variables.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Garage release the suite is written against.
const VERSION: &str = "2.5.0";
/// The features it is built with: no metrics, no K2V, no SQLite, to build faster.
const FEATURES: &str = "bundled-libs,lmdb";
/// The access key the cluster is given.
pub const KEY_ID: &str = "GK5a3c1e0f9b8d7c6a5b4e3f2a";
pub const SECRET: &str = "4b1f0c8e2d7a6b5c9e3f1a0d8c7b6e5f4a3d2c1b0e9f8a7d6c5b4a3f2e1d0c9b";
/// The S3 region it signs for.
pub const REGION: &str = "garage";
/// How long the cluster may take to come up.
const STARTUP: Duration = Duration::from_secs(120);

/// A running cluster; its nodes are killed when it is dropped.
pub struct Cluster {
    nodes: Vec<Child>,
    /// The S3 endpoint of each node.
    pub endpoints: Vec<String>,
}

impl Cluster {
    /// The PIDs of the nodes, in order.
    pub fn pids(&self) -> Vec<u32> {
        self.nodes.iter().map(Child::id).collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.kill();
            let _ = node.wait();
        }
    }
}

fn binary(root: &Path) -> PathBuf {
    root.join("target/tools/garage/bin/garage")
}

/// Builds Garage into the target directory unless it is there already.
fn install(root: &Path) -> Result<PathBuf, String> {
    let bin = binary(root);
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("xtask test: building garage {VERSION} from crates.io (once; about ten minutes)");
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args([
            "install",
            "garage",
            "--version",
            VERSION,
            "--locked",
            "--no-default-features",
        ])
        .args(["--features", FEATURES, "--root"])
        .arg(root.join("target/tools/garage"))
        .status()
        .map_err(|e| format!("cannot run cargo install garage: {e}"))?;
    if !status.success() || !bin.exists() {
        return Err(format!("cargo install garage {VERSION} failed: {status}"));
    }
    eprintln!("xtask test: garage built in {:.0?}", started.elapsed());
    Ok(bin)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// 32 random bytes as hex, for the cluster's RPC secret.
fn rpc_secret() -> Result<String, String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Runs the garage CLI against node `config`, retrying until `STARTUP` has passed
/// (the nodes take a moment to listen and to agree); its output on success.
fn cli(bin: &Path, config: &Path, args: &[&str], deadline: Instant) -> Result<String, String> {
    loop {
        let out = Command::new(bin)
            .arg("-c")
            .arg(config)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run garage: {e}"))?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "garage {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Installs Garage if needed and starts a fresh three-node cluster.
pub fn start(root: &Path) -> Result<Cluster, String> {
    let bin = install(root)?;
    let started = Instant::now();
    let deadline = started + STARTUP;
    let dir = root.join("target/garage-cluster");
    let _ = std::fs::remove_dir_all(&dir);
    let secret = rpc_secret()?;
    let mut cluster = Cluster {
        nodes: Vec::new(),
        endpoints: Vec::new(),
    };
    let mut configs = Vec::new();
    for n in 1..=3 {
        let node = dir.join(format!("node{n}"));
        std::fs::create_dir_all(&node)
            .map_err(|e| format!("cannot create {}: {e}", node.display()))?;
        let (rpc, s3) = (free_port()?, free_port()?);
        let config = node.join("garage.toml");
        let text = format!(
            "metadata_dir = \"{meta}\"\ndata_dir = \"{data}\"\ndb_engine = \"lmdb\"\nreplication_factor = 3\nrpc_bind_addr = \"127.0.0.1:{rpc}\"\nrpc_public_addr = \"127.0.0.1:{rpc}\"\nrpc_secret = \"{secret}\"\n\n[s3_api]\ns3_region = \"{REGION}\"\napi_bind_addr = \"127.0.0.1:{s3}\"\n",
            meta = node.join("meta").display(),
            data = node.join("data").display(),
        );
        std::fs::write(&config, text)
            .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        let log = std::fs::File::create(node.join("garage.log")).map_err(|e| e.to_string())?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(&bin)
            .arg("-c")
            .arg(&config)
            .arg("server")
            .env("RUST_LOG", "garage=warn")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start garage: {e}"))?;
        cluster.nodes.push(child);
        cluster.endpoints.push(format!("http://127.0.0.1:{s3}"));
        configs.push(config);
    }
    let first = &configs[0];
    let mut ids = Vec::new();
    for config in &configs {
        ids.push(
            cli(&bin, config, &["node", "id", "-q"], deadline)?
                .trim()
                .to_string(),
        );
    }
    for id in &ids[1..] {
        cli(&bin, first, &["node", "connect", id], deadline)?;
    }
    for id in &ids {
        let short = id.get(..16).unwrap_or(id);
        cli(
            &bin,
            first,
            &["layout", "assign", "-z", "dc1", "-c", "1G", short],
            deadline,
        )?;
    }
    cli(
        &bin,
        first,
        &["layout", "apply", "--version", "1"],
        deadline,
    )?;
    cli(
        &bin,
        first,
        &["key", "import", "--yes", "-n", "tests", KEY_ID, SECRET],
        deadline,
    )?;
    cli(
        &bin,
        first,
        &["key", "allow", "--create-bucket", "tests"],
        deadline,
    )?;
    // Ready when the cluster can write: a bucket made and removed through the admin CLI.
    cli(&bin, first, &["bucket", "create", "xtask-ready"], deadline)?;
    cli(
        &bin,
        first,
        &["bucket", "delete", "--yes", "xtask-ready"],
        deadline,
    )?;
    eprintln!(
        "xtask test: garage cluster (pids {:?}) on {} ready in {:.1?}",
        cluster.pids(),
        cluster.endpoints.join(", "),
        started.elapsed()
    );
    Ok(cluster)
}
