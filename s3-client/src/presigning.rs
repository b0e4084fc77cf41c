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
//!     .presigned(PresigningConfig::expires_in(Duration::from_secs(600))?).await?;
//! println!("{} {}", get.method(), get.uri());
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime};

use crate::client::Client;
use crate::error::BuildError;
use crate::runtime::signing;

pub use crate::runtime::presign::{
    MAX_EXPIRY, PresignedRequest, PresigningConfig, PresigningConfigBuilder, PresigningConfigError,
};

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

    /// Adds a prefilled form field (`acl`, `Content-Type`, `x-amz-meta-...`,
    /// `success_action_status`), as boto3's `Fields`. It is not part of the policy: S3
    /// accepts the form only if a condition covers every field, so add one with
    /// [`PresignedPostBuilder::condition`], as boto3 expects `Conditions` to.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
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
    pub async fn build(self) -> Result<PresignedPost, BuildError> {
        PresigningConfig::expires_in(self.expires_in)
            .map_err(|e| BuildError::new(e.to_string()))?;
        let mut request = crate::runtime::Request::new();
        request.bucket(&self.bucket)?;
        let handle = self.client.handle();
        let (identity, url, region) = handle
            .signing_target(&crate::runtime::Route::of("PostObject"), &request)
            .await?;

        // Whole seconds: `x-amz-date` has no room for fractions.
        let now = self.start_time.unwrap_or_else(|| handle.now());
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
        let region = &region;
        let (credentials, service) = (&identity.credentials, identity.service);
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
            let name = identity.token_field();
            signed.push((name.to_string(), token.to_string()));
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
        let policy = crate::runtime::base64(policy.as_bytes());
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
