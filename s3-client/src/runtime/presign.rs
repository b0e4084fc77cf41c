//! Presigned requests: the URL and headers that let a client without credentials make one
//! request until it expires.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use super::{Handle, OperationSpec, Request, signing};
use crate::error::BuildError;

/// S3 accepts presigned requests valid for at most seven days.
pub const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// An expiry outside what S3 accepts, or none given to the builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresigningConfigError {
    got: Option<Duration>,
}

impl fmt::Display for PresigningConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let max = MAX_EXPIRY.as_secs();
        match self.got {
            Some(got) => write!(
                f,
                "presigned requests expire between 1 second and 7 days ({max} s) after signing; got {got:?}"
            ),
            None => f.write_str("a presigning config needs `expires_in` (1 second to 7 days)"),
        }
    }
}

impl std::error::Error for PresigningConfigError {}

/// Builds a [`PresigningConfig`], as aws-sdk-s3's `PresigningConfig::builder()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PresigningConfigBuilder {
    expires_in: Option<Duration>,
    start_time: Option<SystemTime>,
}

impl PresigningConfigBuilder {
    /// How long the request stays valid (required).
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = Some(expires_in);
        self
    }

    /// Signs as of `time` instead of now.
    pub fn start_time(mut self, time: SystemTime) -> Self {
        self.start_time = Some(time);
        self
    }

    /// The config, or an error when the expiry is missing or out of range.
    pub fn build(self) -> Result<PresigningConfig, PresigningConfigError> {
        let expires_in = self.expires_in.ok_or(PresigningConfigError { got: None })?;
        let mut config = PresigningConfig::expires_in(expires_in)?;
        config.start_time = self.start_time;
        Ok(config)
    }
}

/// How long a presigned request stays valid, and from when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresigningConfig {
    pub(crate) expires_in: Duration,
    pub(crate) start_time: Option<SystemTime>,
}

impl PresigningConfig {
    /// Valid for `expires_in` from now: at least 1 second, at most 7 days.
    pub fn expires_in(expires_in: Duration) -> Result<Self, PresigningConfigError> {
        if expires_in < Duration::from_secs(1) || expires_in > MAX_EXPIRY {
            return Err(PresigningConfigError {
                got: Some(expires_in),
            });
        }
        Ok(PresigningConfig {
            expires_in,
            start_time: None,
        })
    }

    /// A builder, as aws-sdk-s3 has: `builder().expires_in(d).build()?`.
    pub fn builder() -> PresigningConfigBuilder {
        PresigningConfigBuilder::default()
    }

    /// Signs as of `time` instead of now (the validity counts from it).
    pub fn start_time(mut self, time: SystemTime) -> Self {
        self.start_time = Some(time);
        self
    }

    /// How long the request stays valid.
    pub fn expiry(&self) -> Duration {
        self.expires_in
    }
}

/// A presigned request: send `method` to `uri` with `headers`, no credentials needed.
///
/// Its `Debug` leaves out the signature, the session token and secret headers: they are
/// as good as the credentials until the request expires.
#[derive(Clone)]
pub struct PresignedRequest {
    pub(crate) method: &'static str,
    pub(crate) uri: String,
    pub(crate) headers: HeaderMap,
}

impl PresignedRequest {
    /// The HTTP method.
    pub fn method(&self) -> &str {
        self.method
    }

    /// The URL, with the signature in its query.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Headers the request was signed with, as `(name, value)`; they must be sent as
    /// they are.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        super::read::text_headers(&self.headers)
    }

    /// The signed headers as an `http` header map, for HTTP clients that take one.
    pub fn header_map(&self) -> &HeaderMap {
        &self.headers
    }
}

/// Query parameters of a presigned URL that are as secret as the credentials.
const SECRET_PARAMS: [&str; 3] = [
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "X-Amz-S3session-Token",
];

/// `uri` with the values of secret query parameters replaced.
fn redact_uri(uri: &str) -> String {
    let Some((base, query)) = uri.split_once('?') else {
        return uri.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(name)) => {
                format!("{name}=** redacted **")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("uri", &redact_uri(&self.uri))
            .field("headers", &self.headers)
            .finish()
    }
}

/// Presigns an operation's request (called by every generated `presigned()`).
pub(crate) async fn presign(
    handle: &Arc<Handle>,
    spec: &'static OperationSpec,
    request: Request,
    config: PresigningConfig,
) -> Result<PresignedRequest, BuildError> {
    let route = spec.route(request.host_prefix.as_deref(), &handle.config);
    let (identity, url, region) = handle.signing_target(&route, &request).await?;
    let uri = signing::presign_url(
        spec.method.as_str(),
        &url,
        &request.headers,
        &identity,
        &region,
        config.start_time.unwrap_or_else(|| handle.now()),
        config.expires_in,
    )?;
    Ok(PresignedRequest {
        method: spec.method.as_str(),
        uri,
        headers: request.headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_limits_are_s3s() {
        assert!(PresigningConfig::expires_in(Duration::from_secs(1)).is_ok());
        assert!(PresigningConfig::expires_in(MAX_EXPIRY).is_ok());
        let err = PresigningConfig::expires_in(MAX_EXPIRY + Duration::from_secs(1)).unwrap_err();
        assert!(err.to_string().contains("7 days"), "{err}");
        assert!(PresigningConfig::expires_in(Duration::from_millis(999)).is_err());
    }

    #[test]
    fn debug_hides_signatures_and_tokens() {
        let mut headers = HeaderMap::new();
        let mut key = http::HeaderValue::from_static("c2VjcmV0a2V5");
        key.set_sensitive(true);
        headers.insert("x-amz-server-side-encryption-customer-key", key);
        let p = PresignedRequest {
            method: "GET",
            uri: "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=TOKEN123&X-Amz-Signature=abcdef0123".into(),
            headers,
        };
        let shown = format!("{p:?}");
        for secret in ["TOKEN123", "abcdef0123", "c2VjcmV0a2V5"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256"),
            "{shown}"
        );
    }
}
