//! Presigned requests and POST forms: URLs and fields that let a plain HTTP client without
//! credentials make one request, until they expire.
//!
//! ```no_run
//! # async fn demo(client: s3_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use s3_client::presigning::PresigningConfig;
//!
//! let get = client
//!     .get_object()
//!     .bucket("b")
//!     .key("k")
//!     .presigned(PresigningConfig::expires_in(Duration::from_secs(600))?)?;
//! println!("{} {}", get.method(), get.uri());
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime};

use base64::Engine;
use http::HeaderMap;

use crate::client::Client;
use crate::error::BuildError;
use crate::runtime::signing;

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
    expires_in: Duration,
    start_time: Option<SystemTime>,
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
#[derive(Debug, Clone)]
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

/// The client's credentials, which presigning needs, and the URL `request` goes to.
fn signer<'a>(
    client: &'a Client,
    request: &crate::runtime::Request,
) -> Result<(&'a crate::Credentials, String), BuildError> {
    let inner = &client.inner;
    let credentials =
        inner.config.credentials.as_ref().ok_or_else(|| {
            BuildError::new("presigning needs credentials, and the client has none")
        })?;
    let endpoint = inner.endpoint.as_ref().map_err(Clone::clone)?;
    let url = endpoint.url(request.bucket.as_deref(), &request.path, &request.query);
    Ok((credentials, url))
}

/// Presigns an operation's request (called by every generated `presigned()`).
pub(crate) fn presign(
    client: &Client,
    method: &'static str,
    request: crate::runtime::Request,
    config: PresigningConfig,
) -> Result<PresignedRequest, BuildError> {
    let inner = &client.inner;
    let credentials =
        inner.config.credentials.as_ref().ok_or_else(|| {
            BuildError::new("presigning needs credentials, and the client has none")
        })?;
    let endpoint = inner.endpoint.as_ref().map_err(Clone::clone)?;
    let url = endpoint.url(request.bucket.as_deref(), &request.path, &request.query);
    let uri = signing::presign_url(
        method,
        &url,
        &request.headers,
        credentials,
        &inner.config.region,
        crate::generated::SIGNING_NAME,
        config.start_time.unwrap_or_else(SystemTime::now),
        config.expires_in,
    )?;
    Ok(PresignedRequest {
        method,
        uri,
        headers: request.headers,
    })
}

/// One condition of a POST policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The form field must equal the value (`{"acl": "public-read"}`).
    Equals(String, String),
    /// The form field must start with the prefix (`["starts-with", "$key", "uploads/"]`).
    StartsWith(String, String),
    /// The file must be between `min` and `max` bytes.
    ContentLengthRange(u64, u64),
}

impl Condition {
    fn to_json(&self) -> String {
        let s = |v: &str| json_string(v);
        match self {
            Condition::Equals(field, value) => format!("{{{}:{}}}", s(field), s(value)),
            Condition::StartsWith(field, prefix) => {
                let field = format!("${}", field.trim_start_matches('$'));
                format!("[\"starts-with\",{},{}]", s(&field), s(prefix))
            }
            Condition::ContentLengthRange(min, max) => {
                format!("[\"content-length-range\",{min},{max}]")
            }
        }
    }
}

/// A JSON string literal.
fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A presigned POST form (boto3's `generate_presigned_post`): post `fields`, then the file
/// as the last field named `file`, as `multipart/form-data` to `url`.
#[derive(Debug, Clone)]
pub struct PresignedPost {
    /// Where to post the form.
    pub url: String,
    /// The form fields, in order, the signed policy among them.
    pub fields: Vec<(String, String)>,
}

/// Builds a [`PresignedPost`]; made by [`Client::generate_presigned_post`].
#[derive(Debug, Clone)]
pub struct PresignedPostBuilder {
    client: Client,
    bucket: String,
    key: String,
    fields: Vec<(String, String)>,
    conditions: Vec<Condition>,
    expires_in: Duration,
    start_time: Option<SystemTime>,
}

impl PresignedPostBuilder {
    pub(crate) fn new(client: Client, bucket: String, key: String) -> Self {
        PresignedPostBuilder {
            client,
            bucket,
            key,
            fields: Vec::new(),
            conditions: Vec::new(),
            expires_in: Duration::from_secs(3600),
            start_time: None,
        }
    }

    /// Adds a form field and a condition that it has exactly this value, as boto3 does for
    /// `Fields` (`acl`, `Content-Type`, `x-amz-meta-...`, `success_action_status`).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        self.conditions
            .push(Condition::Equals(name.clone(), value.clone()));
        self.fields.push((name, value));
        self
    }

    /// Adds a policy condition (for fields the uploader fills in).
    pub fn condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Limits the file to `min..=max` bytes.
    pub fn content_length_range(self, min: u64, max: u64) -> Self {
        self.condition(Condition::ContentLengthRange(min, max))
    }

    /// How long the form stays valid (default one hour; 1 second to 7 days).
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = expires_in;
        self
    }

    /// Signs as of `time` instead of now.
    pub fn start_time(mut self, time: SystemTime) -> Self {
        self.start_time = Some(time);
        self
    }

    /// Signs the policy. A key ending in `${filename}` takes the uploaded file's name, so
    /// the policy only fixes what comes before it.
    pub fn build(self) -> Result<PresignedPost, BuildError> {
        PresigningConfig::expires_in(self.expires_in)
            .map_err(|e| BuildError::new(e.to_string()))?;
        let mut request = crate::runtime::Request::new();
        request.bucket(&self.bucket)?;
        let (credentials, url) = signer(&self.client, &request)?;
        let inner = &self.client.inner;

        // Whole seconds: `x-amz-date` has no room for fractions.
        let now = self.start_time.unwrap_or_else(SystemTime::now);
        let since_epoch = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_err(|_| BuildError::new("the signing time is before 1970"))?;
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs());
        let stamp = aws_smithy_types::DateTime::from(time);
        let fmt = |t: aws_smithy_types::DateTime| {
            t.fmt(aws_smithy_types::date_time::Format::DateTime)
                .map_err(|e| BuildError::new(format!("cannot write the time: {e}")))
        };
        let iso = fmt(stamp)?; // 2026-11-24T07:00:00Z
        let amz_date: String = iso.chars().filter(|c| *c != '-' && *c != ':').collect();
        let day = &amz_date[..8];
        let region = &inner.config.region;
        let service = crate::generated::SIGNING_NAME;
        let credential = format!(
            "{}/{day}/{region}/{service}/aws4_request",
            credentials.access_key_id()
        );
        let expiration = fmt(aws_smithy_types::DateTime::from(time + self.expires_in))?;

        let mut fields = self.fields;
        let mut conditions = self.conditions;
        conditions.insert(0, Condition::Equals("bucket".into(), self.bucket.clone()));
        match self.key.strip_suffix("${filename}") {
            Some(prefix) => conditions.push(Condition::StartsWith("key".into(), prefix.into())),
            None => conditions.push(Condition::Equals("key".into(), self.key.clone())),
        }
        let mut signed = vec![
            (
                "x-amz-algorithm".to_string(),
                "AWS4-HMAC-SHA256".to_string(),
            ),
            ("x-amz-credential".to_string(), credential),
            ("x-amz-date".to_string(), amz_date.clone()),
        ];
        if let Some(token) = credentials.session_token() {
            signed.push(("x-amz-security-token".to_string(), token.to_string()));
        }
        for (name, value) in &signed {
            conditions.push(Condition::Equals(name.clone(), value.clone()));
        }
        let policy = format!(
            "{{\"expiration\":{},\"conditions\":[{}]}}",
            json_string(&expiration),
            conditions
                .iter()
                .map(Condition::to_json)
                .collect::<Vec<_>>()
                .join(",")
        );
        let policy = base64::engine::general_purpose::STANDARD.encode(policy);
        let signature = signing::sign_policy(&policy, credentials, region, service, time);
        fields.insert(0, ("key".to_string(), self.key));
        fields.extend(signed);
        fields.push(("policy".to_string(), policy));
        fields.push(("x-amz-signature".to_string(), signature));
        Ok(PresignedPost { url, fields })
    }
}

impl Client {
    /// A presigned POST form for uploading `key` to `bucket` from a browser or any HTTP
    /// client, as boto3's `generate_presigned_post`.
    pub fn generate_presigned_post(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> PresignedPostBuilder {
        PresignedPostBuilder::new(self.clone(), bucket.into(), key.into())
    }
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
    fn conditions_as_json() {
        assert_eq!(
            Condition::StartsWith("key".into(), "up/\"x\"".into()).to_json(),
            r#"["starts-with","$key","up/\"x\""]"#
        );
        assert_eq!(
            Condition::ContentLengthRange(1, 10).to_json(),
            r#"["content-length-range",1,10]"#
        );
        assert_eq!(
            Condition::Equals("acl".into(), "private".into()).to_json(),
            r#"{"acl":"private"}"#
        );
    }
}
