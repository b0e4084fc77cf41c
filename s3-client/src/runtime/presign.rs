//! Presigned requests: the URL and headers that let a client without credentials make one
//! request until it expires.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use super::{Handle, OperationSpec, Request, signing};
use crate::error::BuildError;

/// S3 accepts presigned requests valid for at most seven days.
pub const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// An expiry outside what S3 accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("presigned requests expire between 1 second and 7 days ({max} s) after signing; got {got:?}", max = MAX_EXPIRY.as_secs())]
pub struct PresigningConfigError {
    got: Duration,
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
            return Err(PresigningConfigError { got: expires_in });
        }
        Ok(PresigningConfig {
            expires_in,
            start_time: None,
        })
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

    /// Headers the request was signed with; they must be sent as they are.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

/// Query parameters of a presigned URL that are as secret as the credentials.
const SECRET_PARAMS: [&str; 2] = ["X-Amz-Signature", "X-Amz-Security-Token"];

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
    handle: &Handle,
    spec: &'static OperationSpec,
    request: Request,
    config: PresigningConfig,
) -> Result<PresignedRequest, BuildError> {
    let (credentials, url, region) = handle.signing_target(spec.name, &request).await?;
    let uri = signing::presign_url(
        spec.method.as_str(),
        &url,
        &request.headers,
        &credentials,
        &region,
        handle.signing_name,
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
