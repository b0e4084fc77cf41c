//! The one hand-made server, for what no real server shows on demand: it records each
//! request exactly as received (method, target, headers, body, which connection) and
//! answers by a script, which can also misbehave: stall before or in the middle of a
//! response, stop reading an upload, reset the connection, send fewer or more bytes than
//! it declared, or flood. Its waits use tokio's clock, so tests run under paused time.
//!
//! Every loop is bounded: at most `MAX_REQUESTS` requests per server, and each read ends
//! at the end of the connection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use s3_client::{Client, Config, ConfigBuilder, Credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Requests one server answers before it stops accepting.
const MAX_REQUESTS: usize = 512;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which connection it came on, counting from 0.
    pub connection: usize,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the server reads a request's body.
#[derive(Debug, Clone, Copy)]
pub enum Read {
    /// All of it, at once.
    All,
    /// None of it: an upload that the server stops reading.
    Never,
    /// `bytes` at a time, waiting `every` between reads: a slow reader.
    Slowly { bytes: usize, every: Duration },
}

/// One thing the server does while answering.
#[derive(Debug, Clone)]
pub enum Step {
    /// Writes these bytes.
    Send(Vec<u8>),
    /// Writes `count` copies of `chunk`, stopping when the client goes away.
    Flood { chunk: Vec<u8>, count: usize },
    /// Waits (on tokio's clock).
    Sleep(Duration),
    /// Never goes on: the connection stays open and silent.
    Hang,
    /// Closes the connection (a clean end of stream).
    Close,
    /// Resets the connection (RST).
    Reset,
}

/// The server's answer to one request: how to read its body, then what to do. After the
/// steps, the connection stays open for the next request unless a step ended it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub read: Read,
    pub steps: Vec<Step>,
}

impl Plan {
    /// Reads the request and sends `response`, keeping the connection.
    pub fn reply(response: Vec<u8>) -> Plan {
        Plan {
            read: Read::All,
            steps: vec![Step::Send(response)],
        }
    }

    /// Reads the request, then does `steps`.
    pub fn steps(steps: Vec<Step>) -> Plan {
        Plan {
            read: Read::All,
            steps,
        }
    }
}

type Script = dyn Fn(usize, &Recorded) -> Plan + Send + Sync;

/// A scripted server on 127.0.0.1; stopped, with its connections, when dropped.
pub struct Recorder {
    pub endpoint: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// The request targets (path and query) received so far, in order.
    pub fn targets(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.target.clone())
            .collect()
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many connections the server accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server that answers request number `n` (from 0) as `script(n, request)` says;
/// the request it is given has no body yet.
pub async fn serve(script: impl Fn(usize, &Recorded) -> Plan + Send + Sync + 'static) -> Recorder {
    // A small receive buffer (accepted sockets inherit it): an upload the server does not
    // read stops within a few MiB, as it would over a real network.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(128).unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let script: Arc<Script> = Arc::new(script);
    let (log, count) = (requests.clone(), connections.clone());
    let served = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn(async move {
        // Dropping the set (when this task is aborted) aborts every connection task.
        let mut conns = tokio::task::JoinSet::new();
        while let Ok((socket, _)) = listener.accept().await {
            let connection = count.fetch_add(1, Ordering::SeqCst);
            let (script, log, served) = (script.clone(), log.clone(), served.clone());
            conns.spawn(async move {
                handle(socket, connection, script, log, served).await;
            });
            while conns.try_join_next().is_some() {}
        }
    });
    Recorder {
        endpoint,
        requests,
        connections,
        task,
    }
}

/// Serves the requests of one connection, one after another.
async fn handle(
    mut socket: TcpStream,
    connection: usize,
    script: Arc<Script>,
    log: Arc<Mutex<Vec<Recorded>>>,
    served: Arc<AtomicUsize>,
) {
    let mut buf = Vec::new();
    loop {
        let Some((mut request, rest)) = read_head(&mut socket, std::mem::take(&mut buf)).await
        else {
            return;
        };
        request.connection = connection;
        let n = served.fetch_add(1, Ordering::SeqCst);
        if n >= MAX_REQUESTS {
            return;
        }
        let plan = script(n, &request);
        let length = request
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok());
        let chunked = request
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        match plan.read {
            Read::Never => {
                log.lock().unwrap().push(request);
            }
            Read::All | Read::Slowly { .. } => {
                let slow = match plan.read {
                    Read::Slowly { bytes, every } => Some((bytes, every)),
                    _ => None,
                };
                let Some((body, rest)) = read_body(&mut socket, rest, length, chunked, slow).await
                else {
                    log.lock().unwrap().push(request);
                    return;
                };
                request.body = body;
                buf = rest;
                log.lock().unwrap().push(request);
            }
        }
        for step in plan.steps {
            match step {
                Step::Send(bytes) => {
                    if socket.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                Step::Flood { chunk, count } => {
                    for _ in 0..count {
                        if socket.write_all(&chunk).await.is_err() {
                            return;
                        }
                    }
                }
                Step::Sleep(d) => tokio::time::sleep(d).await,
                Step::Hang => std::future::pending::<()>().await,
                Step::Close => {
                    let _ = socket.shutdown().await;
                    return;
                }
                Step::Reset => {
                    #[allow(deprecated, reason = "a zero linger is how a test makes a reset")]
                    let _ = socket.set_linger(Some(Duration::ZERO));
                    return;
                }
            }
        }
    }
}

/// Reads a request head; what was read past it comes back with it.
async fn read_head(socket: &mut TcpStream, mut buf: Vec<u8>) -> Option<(Recorded, Vec<u8>)> {
    let mut chunk = [0u8; 16 * 1024];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let rest = buf[end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let request = Recorded {
        method,
        target,
        headers,
        body: Vec::new(),
        connection: 0,
    };
    Some((request, rest))
}

/// Reads a body of `length` bytes (or chunked), optionally slowly; returns it and what
/// follows it.
async fn read_body(
    socket: &mut TcpStream,
    mut buf: Vec<u8>,
    length: Option<usize>,
    chunked: bool,
    slow: Option<(usize, Duration)>,
) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut chunk = vec![0u8; 64 * 1024];
    // Reads more: a chunk, or, for a slow reader, `bytes` after a wait (or less at the
    // end of the body).
    let mut more = async |socket: &mut TcpStream, buf: &mut Vec<u8>, left: usize| -> Option<()> {
        let want = match slow {
            Some((bytes, every)) => {
                tokio::time::sleep(every).await;
                bytes.min(left.max(1))
            }
            None => 1,
        };
        let mut got = 0;
        while got < want {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            got += n;
        }
        Some(())
    };
    if !chunked {
        let length = length.unwrap_or(0);
        while buf.len() < length {
            let left = length - buf.len();
            more(socket, &mut buf, left).await?;
        }
        let rest = buf.split_off(length);
        return Some((buf, rest));
    }
    // Chunked: size line, data, CRLF, until a zero-size chunk.
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            more(socket, &mut buf, 1).await?;
        };
        let size_text = String::from_utf8_lossy(&buf[..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        buf.drain(..line_end + 2);
        if size == 0 {
            while buf.windows(2).position(|w| w == b"\r\n").is_none() {
                more(socket, &mut buf, 1).await?;
            }
            let end = buf.windows(2).position(|w| w == b"\r\n")?;
            buf.drain(..end + 2);
            return Some((body, buf));
        }
        while buf.len() < size + 2 {
            let left = size + 2 - buf.len();
            more(socket, &mut buf, left).await?;
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// The test CA's certificate (`tests/fixtures/tls/ca.pem`), which signed the server's.
pub const TEST_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls/ca.pem");

/// A TLS front for `server` on another port of 127.0.0.1, with a certificate for
/// `localhost` and `127.0.0.1` signed by [`TEST_CA`]; it lives as long as the runtime.
pub async fn tls_front(server: &Recorder) -> std::net::SocketAddr {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{dir}/server.pem"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let target = server.endpoint.trim_start_matches("http://").to_string();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, target) = (acceptor.clone(), target.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(target).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    addr
}

/// Starts a server that answers each request with the next canned response (the last
/// one repeats), closing the connection after each.
pub async fn recorder(responses: Vec<String>) -> Recorder {
    serve(move |n, _| {
        let response = &responses[n.min(responses.len() - 1)];
        Plan::steps(vec![Step::Send(response.as_bytes().to_vec()), Step::Close])
    })
    .await
}

/// A complete response that closes the connection.
pub fn http(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

/// A response head and body that keeps the connection open; `length` is the declared
/// `Content-Length`, which may differ from the body's on purpose.
pub fn response(
    status: &str,
    headers: &[(&str, &str)],
    length: Option<usize>,
    body: &[u8],
) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    if let Some(n) = length {
        out.extend_from_slice(format!("content-length: {n}\r\n").as_bytes());
    }
    for (n, v) in headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// A complete response that keeps the connection open.
pub fn ok(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    response(status, headers, Some(body.len()), body)
}

pub fn client(endpoint: &str) -> Client {
    client_with(endpoint, |c| c)
}

/// A client for `endpoint` with settings changed by `adjust`.
pub fn client_with(endpoint: &str, adjust: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
    let builder = Config::builder()
        .endpoint_url(endpoint)
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"));
    Client::new(adjust(builder).build())
}

pub fn client_for(server: &Recorder) -> Client {
    client(&server.endpoint)
}
