//! Client configuration: region, endpoint, credentials, addressing, retries, timeouts.

use std::time::Duration;

use crate::credentials::{self, Credentials};

/// How a client reaches S3. Built with [`Config::builder`] or read with [`Config::from_env`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) force_path_style: bool,
    pub(crate) max_attempts: u32,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) request_checksum_calculation: RequestChecksumCalculation,
    pub(crate) response_checksum_validation: ResponseChecksumValidation,
}

/// Which requests carry an integrity checksum the client computes (boto3's
/// `request_checksum_calculation`, plus a mode for older S3-compatible stores).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestChecksumCalculation {
    /// Every operation that supports flexible checksums, and those that require one:
    /// CRC32 unless the request names another algorithm (the default, as in boto3).
    #[default]
    WhenSupported,
    /// Only operations that S3 requires a checksum for, or whose request names an
    /// algorithm.
    WhenRequired,
    /// Only operations that S3 requires an integrity header for, with `Content-MD5`, as
    /// stores that predate flexible checksums expect.
    ContentMd5,
}

/// When response checksums are asked for and checked (boto3's
/// `response_checksum_validation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResponseChecksumValidation {
    /// Ask for them on every operation that can return one (GetObject) and check the
    /// body against them (the default, as in boto3).
    #[default]
    WhenSupported,
    /// Only when the caller sets the operation's checksum mode (`ChecksumMode::Enabled`).
    WhenRequired,
}

impl Config {
    /// A builder with no settings: region `us-east-1`, AWS endpoints, anonymous requests.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the configuration the AWS CLI and SDKs read: `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` / `AWS_DEFAULT_REGION`,
    /// `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, and the profile named by `AWS_PROFILE`
    /// (default `default`) in `~/.aws/credentials` and `~/.aws/config` (or the files named
    /// by `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`). Environment variables win
    /// over profile files.
    pub fn from_env() -> Result<Config, credentials::ProfileError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        credentials::resolve(&env)
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The custom endpoint, if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }
}

/// Builds a [`Config`].
#[derive(Clone, Debug, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint_url: Option<String>,
    credentials: Option<Credentials>,
    force_path_style: bool,
    max_attempts: Option<u32>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    request_checksum_calculation: RequestChecksumCalculation,
    response_checksum_validation: ResponseChecksumValidation,
}

impl ConfigBuilder {
    /// Which requests carry a checksum the client computes (default: when supported).
    pub fn request_checksum_calculation(mut self, mode: RequestChecksumCalculation) -> Self {
        self.request_checksum_calculation = mode;
        self
    }

    /// When response checksums are asked for and checked (default: when supported).
    pub fn response_checksum_validation(mut self, mode: ResponseChecksumValidation) -> Self {
        self.response_checksum_validation = mode;
        self
    }

    /// The region to sign for and, without a custom endpoint, to send to.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A custom endpoint such as `http://127.0.0.1:9000` (MinIO, Ceph, moto...).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The credentials to sign with; without them requests are sent unsigned.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Always put the bucket in the path (`host/bucket/key`) instead of the host name.
    pub fn force_path_style(mut self, force: bool) -> Self {
        self.force_path_style = force;
        self
    }

    /// How many times a request is tried in all when it fails transiently (default 3; 1
    /// turns retries off). Streamed bodies are never resent.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// Time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole request and response, body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The finished configuration.
    pub fn build(self) -> Config {
        Config {
            region: self.region.unwrap_or_else(|| "us-east-1".to_string()),
            endpoint_url: self.endpoint_url,
            credentials: self.credentials,
            force_path_style: self.force_path_style,
            max_attempts: self.max_attempts.unwrap_or(3),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            request_checksum_calculation: self.request_checksum_calculation,
            response_checksum_validation: self.response_checksum_validation,
        }
    }
}
