//! Test support: an in-process S3 server (s3s-fs, with SigV4 authentication on) on
//! 127.0.0.1, and a client configured for it.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use hyper_util::rt::{TokioExecutor, TokioIo};
use s3_client::{Client, Config, Credentials};
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

pub mod throttle;

/// Access key the local server accepts.
pub const ACCESS_KEY: &str = "AKIDLOCALTEST";
/// Secret key the local server accepts.
pub const SECRET_KEY: &str = "local/secret/key+for/tests";

/// An s3s-fs server storing objects under a fresh temporary directory, stopped and
/// removed when dropped.
pub struct LocalS3 {
    addr: SocketAddr,
    root: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl LocalS3 {
    /// Starts a server on a free port of 127.0.0.1, on the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let root = std::env::temp_dir().join(format!(
            "s3-client-local-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        Self::serve(root, 0, None).await
    }

    /// Starts a server keeping its files under `root`, on `port` of 127.0.0.1 (0: a free
    /// one), each connection limited to `cap` bytes per second each way when given (as
    /// S3 limits each connection), on the current tokio runtime.
    pub async fn serve(root: PathBuf, port: u16, cap: Option<u64>) -> io::Result<Self> {
        std::fs::create_dir_all(&root)?;
        let fs = s3s_fs::FileSystem::new(&root).map_err(|e| io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            while let Ok((socket, _)) = listener.accept().await {
                // As servers that answer in pieces (headers, then body) must, or every
                // small answer waits out the peer's delayed ACK.
                let _ = socket.set_nodelay(true);
                let conn = match cap {
                    Some(rate) => http
                        .serve_connection(
                            TokioIo::new(throttle::Capped::new(socket, rate)),
                            service.clone(),
                        )
                        .into_owned(),
                    None => http
                        .serve_connection(
                            TokioIo::new(throttle::Capped::unlimited(socket)),
                            service.clone(),
                        )
                        .into_owned(),
                };
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        });
        Ok(LocalS3 { addr, root, task })
    }

    /// The server's endpoint URL, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client for this server with valid credentials.
    pub fn client(&self) -> Client {
        Client::new(self.config().build())
    }

    /// The configuration of [`LocalS3::client`], to adjust before building.
    pub fn config(&self) -> s3_client::ConfigBuilder {
        Config::builder()
            .region("us-east-1")
            .endpoint_url(self.endpoint())
            .credentials(Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                None,
                None,
                "local-test",
            ))
    }

    /// Where the server keeps its files.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }
}

impl Drop for LocalS3 {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The environment variable naming the moto server that `cargo xtask test` starts.
pub const MOTO_ENDPOINT_VAR: &str = "S3_CLIENT_MOTO_ENDPOINT";

/// A client for the moto server that `cargo xtask test` runs beside the tests.
///
/// Panics, failing the test rather than skipping it, when no server was started: these
/// tests run under `cargo xtask test`, the README's test command.
pub fn moto_client() -> Client {
    let endpoint = std::env::var(MOTO_ENDPOINT_VAR).unwrap_or_else(|_| {
        panic!("{MOTO_ENDPOINT_VAR} is not set: run the suite with `cargo xtask test`, which starts the moto server")
    });
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(endpoint)
            .force_path_style(true)
            .credentials(Credentials::new("testing", "testing", None, None, "moto"))
            .build(),
    )
}

/// The Garage cluster that `cargo xtask test` runs beside the tests: each node's S3
/// endpoint and PID, the access key, and the region.
pub struct Garage {
    pub endpoints: Vec<String>,
    pub pids: Vec<u32>,
    pub key_id: String,
    pub secret: String,
    pub region: String,
}

impl Garage {
    /// The cluster, from the variables `cargo xtask test` sets. Panics, failing the test
    /// rather than skipping it, when there is none.
    pub fn from_env() -> Garage {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run the suite with `cargo xtask test`, which starts the Garage cluster")
            })
        };
        Garage {
            endpoints: var("S3_CLIENT_GARAGE_ENDPOINTS")
                .split(',')
                .map(str::to_string)
                .collect(),
            pids: var("S3_CLIENT_GARAGE_PIDS")
                .split(',')
                .filter_map(|p| p.parse().ok())
                .collect(),
            key_id: var("S3_CLIENT_GARAGE_KEY_ID"),
            secret: var("S3_CLIENT_GARAGE_SECRET"),
            region: var("S3_CLIENT_GARAGE_REGION"),
        }
    }

    /// The configuration of a client for node `node` (from 0), with the Garage store
    /// profile.
    pub fn config(&self, node: usize) -> s3_client::ConfigBuilder {
        Config::builder()
            .store(s3_client::Store::Garage {
                endpoint: self.endpoints[node].clone(),
                region: self.region.clone(),
            })
            .credentials(Credentials::new(
                &self.key_id,
                &self.secret,
                None,
                None,
                "garage",
            ))
    }

    /// A client for the first node.
    pub fn client(&self) -> Client {
        Client::new(self.config(0).build())
    }
}

/// A bucket name no other test uses on a shared server.
pub fn unique_bucket(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
