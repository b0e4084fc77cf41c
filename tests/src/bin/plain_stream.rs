//! The plain stream the transfer benchmark compares with: one PutObject of a whole file
//! streamed by reqwest, signed by aws-sigv4 with `UNSIGNED-PAYLOAD` and no checksum, and
//! one GetObject streamed into a file: what the bytes cost with no SDK in between.
//!
//! ```text
//! plain-stream put|get <endpoint> <bucket> <key> <file>
//! ```

use std::time::SystemTime;

use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use futures_util::StreamExt;
use s3_client_tests::{ACCESS_KEY, SECRET_KEY};
use tokio::io::AsyncWriteExt;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The signed headers of `method url` (with `content-length` when there is a body).
fn signed(
    method: &str,
    url: &str,
    host: &str,
    length: Option<u64>,
) -> Result<Vec<(String, String)>, Error> {
    let identity: Identity =
        aws_credential_types::Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "plain").into();
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(SystemTime::now())
        .settings(settings)
        .build()?
        .into();
    let mut headers = vec![("host".to_string(), host.to_string())];
    if let Some(n) = length {
        headers.push(("content-length".to_string(), n.to_string()));
    }
    let request = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::UnsignedPayload,
    )?;
    let (instructions, _) = sign(request, &params)?.into_parts();
    headers.extend(
        instructions
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    Ok(headers)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, endpoint, bucket, key, file] = args.as_slice() else {
        return Err("usage: plain-stream put|get <endpoint> <bucket> <key> <file>".into());
    };
    let url = format!("{endpoint}/{bucket}/{key}");
    let host = endpoint.trim_start_matches("http://").to_string();
    let client = reqwest::Client::new();
    match op.as_str() {
        "put" => {
            let length = tokio::fs::metadata(file).await?.len();
            let body = tokio_util::io::ReaderStream::with_capacity(
                tokio::fs::File::open(file).await?,
                128 * 1024,
            );
            let mut request = client.put(&url).body(reqwest::Body::wrap_stream(body));
            for (k, v) in signed("PUT", &url, &host, Some(length))? {
                request = request.header(k, v);
            }
            let response = request.send().await?;
            if !response.status().is_success() {
                return Err(format!("PUT: {}", response.status()).into());
            }
        }
        "get" => {
            let mut request = client.get(&url);
            for (k, v) in signed("GET", &url, &host, None)? {
                request = request.header(k, v);
            }
            let response = request.send().await?;
            if !response.status().is_success() {
                return Err(format!("GET: {}", response.status()).into());
            }
            let mut out = tokio::fs::File::create(file).await?;
            let mut body = response.bytes_stream();
            while let Some(chunk) = body.next().await {
                out.write_all(&chunk?).await?;
            }
            out.flush().await?;
        }
        other => return Err(format!("unknown operation {other}").into()),
    }
    Ok(())
}
