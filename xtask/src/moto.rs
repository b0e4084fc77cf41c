//! The moto server of `cargo xtask test`.
//!
//! moto (from PyPI) is installed once into `.venv` at the workspace root and reused. The
//! server gets a free loopback port, the tests find it through `S3_CLIENT_MOTO_ENDPOINT`,
//! and it is stopped by PID when the tests end, pass or fail.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The moto release the suite is written against; awscrt, without which moto computes
/// CRC64NVME checksums as CRC32; and xxhash, which the tests compare checksums with.
const PACKAGES: &[&str] = &["moto[server]==5.2.5", "awscrt==0.38.1", "xxhash==4.1.0"];
/// How long the server may take to accept connections.
const STARTUP: Duration = Duration::from_secs(60);

/// Installs moto if needed and starts it.
pub fn start_server(root: &Path) -> Result<Server, String> {
    install(root)?;
    start(root)
}

/// Creates `.venv` with moto unless it is already there.
fn install(root: &Path) -> Result<(), String> {
    let venv = root.join(".venv");
    // What was installed, so that a change of versions installs again.
    let stamp = venv.join("s3-client-packages");
    let wanted = PACKAGES.join("\n");
    if venv.join("bin/moto_server").exists()
        && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted)
    {
        return Ok(());
    }
    eprintln!(
        "xtask test: installing {} into {}",
        PACKAGES.join(", "),
        venv.display()
    );
    if !venv.join("bin/pip").exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(PACKAGES))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let what = format!("{cmd:?}");
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what} failed: {s}")),
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

/// A running moto server, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Result<Server, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
        .port();
    let log_path = root.join("target/moto.log");
    let _ = std::fs::create_dir_all(root.join("target"));
    let log = std::fs::File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    let child = Command::new(root.join(".venv/bin/moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start moto_server: {e}"))?;
    let mut server = Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!(
                "moto_server exited ({status}) before accepting connections; see {}",
                log_path.display()
            ));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    server.child.kill().ok();
    Err(format!(
        "moto_server did not accept connections on {addr} within {STARTUP:?}; see {}",
        log_path.display()
    ))
}
