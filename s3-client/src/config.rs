//! Client configuration: region, endpoint, credentials, addressing, checksums, and how
//! requests behave under faults (retries, timeouts, stalled streams, size limits).
//!
//! Every setting has a default that is safe in production; see the README's
//! "Reliability" section for the numbers and why.

use std::time::Duration;

use crate::credentials::{self, Credentials, ProfileError};

/// How a client reaches S3. Built with [`Config::builder`] or read with [`Config::from_env`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) force_path_style: bool,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) stalled_streams: StalledStreamProtection,
    pub(crate) max_response_size: u64,
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

/// The retry strategy (`AWS_RETRY_MODE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryMode {
    /// AWS standard mode: exponential backoff with full jitter and a retry quota.
    #[default]
    Standard,
    /// Standard mode plus a client-side rate limiter that slows the client down after
    /// throttling errors, as the AWS SDKs' adaptive mode does.
    Adaptive,
}

/// How failed attempts are retried (AWS standard mode by default).
#[derive(Clone, Copy, Debug)]
pub struct RetryConfig {
    pub(crate) mode: RetryMode,
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) quota: bool,
    pub(crate) jitter: fn() -> f64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// Standard mode: 3 attempts, backoff `random(0..1) * min(1 s * 2^retry, 20 s)`, a
    /// shared quota of 500 tokens (a retry costs 5, a timeout retry 10, a success gives
    /// back what its retries took, or 1).
    pub fn standard() -> Self {
        RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            quota: true,
            jitter: crate::random::unit,
        }
    }

    /// Adaptive mode: standard mode plus client-side rate limiting after throttling.
    pub fn adaptive() -> Self {
        RetryConfig {
            mode: RetryMode::Adaptive,
            ..Self::standard()
        }
    }

    /// No retries: every request is tried once.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry, doubled for each one after (default 1 s).
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff (default 20 s).
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Whether retries draw on the client's retry quota (default on). Without it, every
    /// request retries up to its attempts even during an outage.
    pub fn with_retry_quota(mut self, enabled: bool) -> Self {
        self.quota = enabled;
        self
    }

    /// The source of the backoff's jitter: a number in `[0, 1)` per retry. The default is
    /// random; tests can make the waits exact with `|| 1.0` or `|| 0.0`.
    pub fn with_jitter(mut self, jitter: fn() -> f64) -> Self {
        self.jitter = jitter;
        self
    }

    /// The retry mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

/// How long requests may wait for the server.
///
/// These limits count time spent waiting for S3, never time spent moving a body that
/// keeps moving: a large upload or a long download is never cut off by a deadline, and
/// stalled-stream protection catches a body that stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    pub(crate) connect: Duration,
    pub(crate) attempt: Option<Duration>,
    pub(crate) operation: Option<Duration>,
    pub(crate) long_running: Duration,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        TimeoutConfig {
            connect: Duration::from_millis(3100),
            attempt: Some(Duration::from_secs(60)),
            operation: Some(Duration::from_secs(15 * 60)),
            long_running: Duration::from_secs(10 * 60),
        }
    }
}

impl TimeoutConfig {
    /// The defaults: connect 3.1 s, attempt 60 s, operation 15 min, long-running
    /// operations 10 min.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed to open a connection, TLS included (default 3.1 s, as aws-sdk-rust).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect = timeout;
        self
    }

    /// Time one attempt may wait for the server: connecting, then the response headers
    /// once the request body is sent (default 60 s, botocore's read timeout). `None`
    /// waits for ever.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt = timeout;
        self
    }

    /// Time all attempts of an operation and the backoff between them may wait for the
    /// server, up to the final response's headers (default 15 min). `None` has no limit
    /// beyond the attempts'.
    pub fn operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.operation = timeout;
        self
    }

    /// CopyObject, UploadPartCopy and CompleteMultipartUpload can keep S3 busy for
    /// minutes, during which it sends the response late or stays silent in its body: for
    /// them, this replaces the attempt timeout and the stalled-stream grace period of the
    /// response (default 10 min).
    pub fn long_running_timeout(mut self, timeout: Duration) -> Self {
        self.long_running = timeout;
        self
    }

    /// The connect timeout.
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// The attempt timeout.
    pub fn attempt(&self) -> Option<Duration> {
        self.attempt
    }

    /// The operation timeout.
    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }
}

/// Stalled-stream protection: a request or response body that moves fewer than
/// `min_throughput` bytes per second, measured over a grace period, fails with an error
/// that says so. Time a download's reader spends not reading does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StalledStreamProtection {
    pub(crate) upload: bool,
    pub(crate) download: bool,
    pub(crate) min_throughput: u64,
    pub(crate) grace_period: Duration,
}

impl Default for StalledStreamProtection {
    fn default() -> Self {
        StalledStreamProtection {
            upload: true,
            download: true,
            min_throughput: 1,
            grace_period: Duration::from_secs(20),
        }
    }
}

impl StalledStreamProtection {
    /// On in both directions: at least 1 byte per second over 20 s (aws-sdk-rust's
    /// numbers).
    pub fn enabled() -> Self {
        Self::default()
    }

    /// Off in both directions.
    pub fn disabled() -> Self {
        StalledStreamProtection {
            upload: false,
            download: false,
            ..Self::default()
        }
    }

    /// Protection of request bodies.
    pub fn upload(mut self, enabled: bool) -> Self {
        self.upload = enabled;
        self
    }

    /// Protection of response bodies.
    pub fn download(mut self, enabled: bool) -> Self {
        self.download = enabled;
        self
    }

    /// The least bytes per second a body must average over the grace period.
    pub fn min_throughput(mut self, bytes_per_second: u64) -> Self {
        self.min_throughput = bytes_per_second;
        self
    }

    /// The period over which throughput is measured.
    pub fn grace_period(mut self, period: Duration) -> Self {
        self.grace_period = period;
        self
    }
}

/// The largest buffered (non-streaming) response body read by default: 64 MiB. A
/// 1,000-key listing with long keys is a few MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;

impl Config {
    /// A builder with no settings: region `us-east-1`, AWS endpoints, anonymous requests,
    /// and the reliability defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the configuration the AWS CLI and SDKs read: `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` / `AWS_DEFAULT_REGION`,
    /// `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`,
    /// and the profile named by `AWS_PROFILE` (default `default`) in `~/.aws/credentials`
    /// and `~/.aws/config` (or the files named by `AWS_SHARED_CREDENTIALS_FILE` and
    /// `AWS_CONFIG_FILE`). Environment variables win over profile files.
    pub fn from_env() -> Result<Config, ProfileError> {
        ConfigBuilder::default()
            .from_env()
            .map(ConfigBuilder::build)
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The custom endpoint, if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The retry settings.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// The timeouts.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// The stalled-stream protection.
    pub fn stalled_stream_protection(&self) -> &StalledStreamProtection {
        &self.stalled_streams
    }

    /// This configuration with the settings `changes` sets replacing its own (what a
    /// fluent builder's `config_override` does for one request).
    pub fn with_overrides(&self, changes: &ConfigBuilder) -> Config {
        let mut c = self.clone();
        let b = changes;
        if let Some(v) = &b.region {
            c.region = v.clone();
        }
        if let Some(v) = &b.endpoint_url {
            c.endpoint_url = Some(v.clone());
        }
        if let Some(v) = &b.credentials {
            c.credentials = Some(v.clone());
        }
        if let Some(v) = b.force_path_style {
            c.force_path_style = v;
        }
        if let Some(v) = b.retry {
            c.retry = v;
        }
        if let Some(v) = b.max_attempts {
            c.retry.max_attempts = v;
        }
        if let Some(v) = b.timeouts {
            c.timeouts = v;
        }
        if let Some(v) = b.attempt_timeout {
            c.timeouts.attempt = v;
        }
        if let Some(v) = b.operation_timeout {
            c.timeouts.operation = v;
        }
        if let Some(v) = b.stalled_streams {
            c.stalled_streams = v;
        }
        if let Some(v) = b.max_response_size {
            c.max_response_size = v;
        }
        if let Some(v) = b.request_checksum_calculation {
            c.request_checksum_calculation = v;
        }
        if let Some(v) = b.response_checksum_validation {
            c.response_checksum_validation = v;
        }
        c
    }
}

/// Builds a [`Config`]. Only the settings it is given change; the rest keep their
/// defaults (or, as a `config_override`, the client's values).
#[derive(Clone, Debug, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint_url: Option<String>,
    credentials: Option<Credentials>,
    force_path_style: Option<bool>,
    retry: Option<RetryConfig>,
    max_attempts: Option<u32>,
    timeouts: Option<TimeoutConfig>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Option<Duration>>,
    operation_timeout: Option<Option<Duration>>,
    stalled_streams: Option<StalledStreamProtection>,
    max_response_size: Option<u64>,
    request_checksum_calculation: Option<RequestChecksumCalculation>,
    response_checksum_validation: Option<ResponseChecksumValidation>,
}

impl ConfigBuilder {
    /// Reads the environment and profile files as [`Config::from_env`] does, into this
    /// builder; settings given after this call override them.
    #[allow(
        clippy::wrong_self_convention,
        reason = "`Config::builder().from_env()` reads as the AWS SDKs' loaders do"
    )]
    pub fn from_env(self) -> Result<Self, ProfileError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        self.apply_settings(credentials::resolve(&env)?)
    }

    fn apply_settings(mut self, s: credentials::SharedSettings) -> Result<Self, ProfileError> {
        if let Some(region) = s.region {
            self = self.region(region);
        }
        if let Some(url) = s.endpoint_url {
            self = self.endpoint_url(url);
        }
        if let Some(c) = s.credentials {
            self = self.credentials(c);
        }
        if s.path_style {
            self = self.force_path_style(true);
        }
        if s.retry_mode.is_none() && s.max_attempts.is_none() {
            return Ok(self);
        }
        let mut retry = self.retry.unwrap_or_default();
        if let Some((mode, source)) = s.retry_mode {
            retry = match mode.as_str() {
                "standard" => RetryConfig {
                    mode: RetryMode::Standard,
                    ..retry
                },
                "adaptive" => RetryConfig {
                    mode: RetryMode::Adaptive,
                    ..retry
                },
                other => {
                    return Err(ProfileError::setting(
                        source,
                        format!("retry mode `{other}` is not `standard` or `adaptive`"),
                    ));
                }
            };
        }
        if let Some((attempts, source)) = s.max_attempts {
            let n = attempts
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    ProfileError::setting(
                        source,
                        format!("`{attempts}` is not a whole number of attempts (1 or more)"),
                    )
                })?;
            retry = retry.with_max_attempts(n);
        }
        Ok(self.retry_config(retry))
    }

    /// Which requests carry a checksum the client computes (default: when supported).
    pub fn request_checksum_calculation(mut self, mode: RequestChecksumCalculation) -> Self {
        self.request_checksum_calculation = Some(mode);
        self
    }

    /// When response checksums are asked for and checked (default: when supported).
    pub fn response_checksum_validation(mut self, mode: ResponseChecksumValidation) -> Self {
        self.response_checksum_validation = Some(mode);
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
        self.force_path_style = Some(force);
        self
    }

    /// The retry settings (default [`RetryConfig::standard`]).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// How many times a request is tried in all when it fails transiently (default 3; 1
    /// turns retries off). One-shot streamed bodies are never resent.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// All the timeouts at once.
    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// Time allowed to open a connection (default 3.1 s). A client-wide setting: an
    /// override for one request does not change it.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time one attempt may wait for the server (default 60 s); see
    /// [`TimeoutConfig::attempt_timeout`].
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Time a whole operation may wait for the server (default 15 min); see
    /// [`TimeoutConfig::operation_timeout`].
    pub fn operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Stalled-stream protection (default on, 1 B/s over 20 s, both directions).
    pub fn stalled_stream_protection(mut self, protection: StalledStreamProtection) -> Self {
        self.stalled_streams = Some(protection);
        self
    }

    /// The largest buffered response body the client reads (default 64 MiB); a larger
    /// one is an error rather than memory use without bound. Streamed bodies (GetObject)
    /// have no limit.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// The finished configuration.
    pub fn build(self) -> Config {
        let base = Config {
            region: "us-east-1".to_string(),
            endpoint_url: None,
            credentials: None,
            force_path_style: false,
            retry: RetryConfig::standard(),
            timeouts: TimeoutConfig::default(),
            stalled_streams: StalledStreamProtection::default(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            request_checksum_calculation: RequestChecksumCalculation::default(),
            response_checksum_validation: ResponseChecksumValidation::default(),
        };
        let mut config = base.with_overrides(&self);
        if let Some(t) = self.connect_timeout {
            config.timeouts.connect = t;
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_settings_and_overrides() {
        let settings = credentials::SharedSettings {
            region: Some("eu-west-1".into()),
            retry_mode: Some(("adaptive".into(), "AWS_RETRY_MODE")),
            max_attempts: Some(("5".into(), "AWS_MAX_ATTEMPTS")),
            ..Default::default()
        };
        let c = ConfigBuilder::default()
            .apply_settings(settings)
            .unwrap()
            .attempt_timeout(Some(Duration::from_secs(5)))
            .build();
        assert_eq!(c.region(), "eu-west-1");
        assert_eq!(
            (c.retry.mode, c.retry.max_attempts),
            (RetryMode::Adaptive, 5)
        );
        assert_eq!(c.timeouts.attempt, Some(Duration::from_secs(5)));
        assert_eq!(c.timeouts.connect, Duration::from_millis(3100));

        for (mode, attempts, wrong) in [
            ("legacy", "3", "legacy"),
            ("standard", "zero", "zero"),
            ("standard", "0", "`0`"),
        ] {
            let settings = credentials::SharedSettings {
                retry_mode: Some((mode.into(), "AWS_RETRY_MODE")),
                max_attempts: Some((attempts.into(), "AWS_MAX_ATTEMPTS")),
                ..Default::default()
            };
            let err = ConfigBuilder::default()
                .apply_settings(settings)
                .unwrap_err();
            assert!(err.to_string().contains(wrong), "{err}");
        }

        // An override changes only what it sets.
        let o = c.with_overrides(&Config::builder().max_attempts(1).operation_timeout(None));
        assert_eq!(
            (o.retry.max_attempts, o.retry.mode, o.region()),
            (1, RetryMode::Adaptive, "eu-west-1")
        );
        assert_eq!(o.timeouts.operation, None);
        assert_eq!(o.timeouts.attempt, Some(Duration::from_secs(5)));
    }
}
