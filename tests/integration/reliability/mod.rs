//! The request path under faults no real server shows on demand, against the scripted
//! server in `crate::recorder`: stalls, resets, truncations, storms, clock skew,
//! redirects, floods. Each test asserts the outcome, how many requests went out and what
//! each carried; waits run on tokio's paused clock, so the minutes they stand for take no
//! time.

mod limits;
mod proxy;
mod redirects;
mod retries;
mod secrets;
mod timeouts;

use std::time::Duration;

use s3_client::{ConfigBuilder, RetryConfig};

/// Backoff without randomness: each wait is exactly `min(1 s * 2^retry, 20 s)`.
pub fn exact_backoff(c: ConfigBuilder) -> ConfigBuilder {
    c.retry_config(RetryConfig::standard().with_jitter(|| 1.0))
}

/// Retries without waiting between attempts.
pub fn no_backoff(c: ConfigBuilder) -> ConfigBuilder {
    c.retry_config(RetryConfig::standard().with_jitter(|| 0.0))
}

/// A ListObjectsV2 answer with one key.
pub const LISTING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>1</Size></Contents></ListBucketResult>";

/// An S3 error document.
pub fn error_doc(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>REQ</RequestId><HostId>HOST</HostId></Error>"
    )
}

/// Virtual seconds since `start`, rounded to milliseconds.
pub fn secs(start: tokio::time::Instant) -> f64 {
    (start.elapsed().as_millis() as f64) / 1000.0
}

pub const SECOND: Duration = Duration::from_secs(1);

/// GetObject of `b/k`, the request most of these tests send.
pub async fn get(
    client: &s3_client::Client,
) -> Result<
    s3_client::operation::get_object::GetObjectOutput,
    s3_client::SdkError<s3_client::operation::get_object::GetObjectError>,
> {
    client.get_object().bucket("b").key("k").send().await
}
