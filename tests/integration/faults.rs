//! A fault-injecting proxy in front of a real server: every request is forwarded byte for
//! byte (so signatures still verify) unless a rule says to fail it, answer it with an
//! error, or cut its response short. It is for what a real server does not do on
//! demand: a part that fails once, or always, or a download that breaks off.
//!
//! Every loop is bounded: at most `MAX_CONNECTIONS` connections, one request each (the
//! proxy asks the server to close after answering), and reads end at the end of input.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_CONNECTIONS: usize = 4096;
/// The largest request the proxy reads (a part of the transfer tests).
const MAX_REQUEST: usize = 64 * 1024 * 1024;

/// What the proxy does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forwards it and relays the answer.
    Forward,
    /// Answers with this status and S3 error code, without forwarding.
    Status(u16, &'static str),
    /// Forwards it, then relays only the head and this many bytes of the body.
    CutBody(usize),
    /// Reads it and never answers (until the client goes away or the test ends).
    Stall,
}

/// One request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    /// The request's head, and its body when that is small (a document, not data).
    pub head: String,
    pub body: Option<Vec<u8>>,
}

type Rule = dyn Fn(&str, &str) -> Fault + Send + Sync;

/// A running proxy; stopped when dropped.
pub struct FaultProxy {
    pub endpoint: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// A proxy on a free port of 127.0.0.1 in front of `upstream` (`http://host:port`),
    /// deciding each request's fate with `rule(method, target)`.
    pub async fn start(
        upstream: &str,
        rule: impl Fn(&str, &str) -> Fault + Send + Sync + 'static,
    ) -> FaultProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let rule: Arc<Rule> = Arc::new(rule);
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                for _ in 0..MAX_CONNECTIONS {
                    let Ok((socket, _)) = listener.accept().await else {
                        return;
                    };
                    let (seen, rule, upstream) = (seen.clone(), rule.clone(), upstream.clone());
                    tokio::spawn(async move {
                        let _ = serve(socket, &upstream, &*rule, &seen).await;
                    });
                }
            })
        };
        FaultProxy {
            endpoint,
            seen,
            task,
        }
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests had `method` and a target containing `part`.
    pub fn count(&self, method: &str, part: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.target.contains(part))
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: &str,
    rule: &Rule,
    seen: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut client).await? else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(&head).to_string();
    let mut words = text.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let target = words.next().unwrap_or_default().to_string();
    let fault = rule(&method, &target);
    seen.lock().unwrap().push(Seen {
        method,
        target,
        head: text.clone(),
        body: (body.len() <= 64 * 1024).then(|| body.clone()),
    });
    match fault {
        Fault::Stall => {
            let mut rest = [0u8; 1];
            // Ends when the client closes the connection.
            let _ = client.read(&mut rest).await;
            return Ok(());
        }
        Fault::Status(status, code) => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected</Message></Error>"
            );
            let answer = format!(
                "HTTP/1.1 {status} Injected\r\ncontent-type: application/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
        }
        Fault::Forward | Fault::CutBody(_) => {
            let mut server = TcpStream::connect(upstream).await?;
            // The server closes after answering, so its answer ends at end of input.
            let head = with_connection_close(&text);
            server.write_all(head.as_bytes()).await?;
            server.write_all(&body).await?;
            let mut answer = Vec::new();
            server.read_to_end(&mut answer).await?;
            if let Fault::CutBody(n) = fault {
                let end = find(&answer, b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
                answer.truncate((end + n).min(answer.len()));
            }
            client.write_all(&answer).await?;
        }
    }
    client.shutdown().await
}

/// The request's head (with its blank line) and body, read by its Content-Length.
async fn read_request(socket: &mut TcpStream) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk).await?;
        if n == 0 || buf.len() > MAX_REQUEST {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(MAX_REQUEST);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf.split_off(head_end);
    Ok(Some((buf, body)))
}

fn with_connection_close(head: &str) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("connection: close\r\n\r\n");
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
