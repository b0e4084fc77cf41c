//! A recording server for what no real server shows on demand: it records each request
//! exactly as received and answers with canned responses.

use std::sync::{Arc, Mutex};

use s3_client::{Client, Config, ConfigBuilder, Credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Records requests and answers each with the next canned response (the last one repeats).
pub struct Recorder {
    pub endpoint: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
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
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn recorder(responses: Vec<String>) -> Recorder {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = requests.clone();
    let task = tokio::spawn(async move {
        let mut served = 0usize;
        while let Ok((mut socket, _)) = listener.accept().await {
            // One request per connection, at most 64 requests per test.
            if served >= 64 {
                break;
            }
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            let head_end = loop {
                let Ok(n) = socket.read(&mut chunk).await else {
                    break None;
                };
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(i);
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or_default().split(' ');
            let method = first.next().unwrap_or_default().to_string();
            let target = first.next().unwrap_or_default().to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| {
                    l.split_once(':')
                        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                })
                .collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = buf[head_end + 4..].to_vec();
            while body.len() < length {
                let Ok(n) = socket.read(&mut chunk).await else {
                    break;
                };
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
            log.lock().unwrap().push(Recorded {
                method,
                target,
                headers,
                body,
            });
            let response = &responses[served.min(responses.len() - 1)];
            served += 1;
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    Recorder {
        endpoint,
        requests,
        task,
    }
}

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
