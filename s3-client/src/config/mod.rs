//! Client configuration: region, endpoint, credentials, addressing, checksums, and how
//! requests behave under faults (retries, timeouts, stalled streams, size limits).
//!
//! Every setting has a default that is safe in production; see the README's
//! "Reliability" section for the numbers and why.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use crate::credentials::Credentials;
use crate::credentials::{
    ChainConfig, CredentialsSource, ProvideCredentials, SharedCredentialsProvider,
};
use crate::profile::{Env, ProfileError, ProfileFiles, parse_flag};

mod loader;

/// aws-sdk-s3's name for [`ConfigBuilder`].
pub use ConfigBuilder as Builder;
pub use loader::{
    BehaviorVersion, ConfigLoader, IntoRegion, Region, RegionProviderChain, SdkConfig, defaults,
    from_env, load_defaults, load_from_env, meta,
};

/// Retry settings, at aws-sdk-s3's path.
pub mod retry {
    pub use super::{RetryConfig, RetryMode};
}

/// Timeout settings, at aws-sdk-s3's path.
pub mod timeout {
    pub use super::TimeoutConfig;
}

/// How a client reaches S3. Built with [`Config::builder`] or read with [`Config::from_env`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: CredentialsSource,
    pub(crate) force_path_style: bool,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) accelerate: bool,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) stalled_streams: StalledStreamProtection,
    pub(crate) max_response_size: u64,
    pub(crate) request_checksum_calculation: RequestChecksumCalculation,
    pub(crate) required_checksum: RequiredChecksum,
    pub(crate) response_checksum_validation: ResponseChecksumValidation,
    /// `Some`: always (`true`) or never sign a body's SHA-256; `None`: as botocore does.
    pub(crate) payload_signing: Option<bool>,
    /// Put an operation's host prefix (WriteGetObjectResponse's route) before the host.
    pub(crate) inject_host_prefix: bool,
    /// Sign directory-bucket requests with the client's credentials, not S3 Express
    /// sessions.
    pub(crate) disable_s3_express_session_auth: bool,
    pub(crate) tls: TlsSettings,
    pub(crate) resolve: Vec<(String, SocketAddr)>,
    pub(crate) store: Option<Arc<StoreProfile>>,
}

/// Which servers TLS trusts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TlsSettings {
    /// Extra root certificates: PEM files, and PEM text given directly.
    pub(crate) ca_files: Vec<PathBuf>,
    pub(crate) ca_pem: Vec<Vec<u8>>,
    /// Accept any certificate: for a local test store only.
    pub(crate) accept_invalid_certificates: bool,
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
    /// A builder with no settings: region `us-east-1`, AWS endpoints, no credentials (give
    /// them, read them with [`ConfigBuilder::from_env`], or ask for
    /// [`ConfigBuilder::anonymous`] requests), and the reliability defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the configuration the AWS CLI and SDKs read; see [`ConfigBuilder::from_env`].
    pub fn from_env() -> Result<Config, ProfileError> {
        ConfigBuilder::default()
            .from_env()
            .map(ConfigBuilder::build)
    }

    /// A builder holding every setting of this configuration, to change some of them.
    pub fn to_builder(&self) -> ConfigBuilder {
        let c = self.clone();
        ConfigBuilder {
            region: Some(c.region),
            endpoint_url: c.endpoint_url,
            credentials: Some(c.credentials),
            force_path_style: Some(c.force_path_style),
            use_fips: Some(c.use_fips),
            use_dual_stack: Some(c.use_dual_stack),
            accelerate: Some(c.accelerate),
            retry: Some(c.retry),
            max_attempts: None,
            timeouts: Some(c.timeouts),
            connect_timeout: None,
            attempt_timeout: None,
            operation_timeout: None,
            stalled_streams: Some(c.stalled_streams),
            max_response_size: Some(c.max_response_size),
            request_checksum_calculation: Some(c.request_checksum_calculation),
            required_checksum: Some(c.required_checksum),
            response_checksum_validation: Some(c.response_checksum_validation),
            payload_signing: c.payload_signing.map(Some),
            inject_host_prefix: Some(c.inject_host_prefix),
            disable_s3_express_session_auth: Some(c.disable_s3_express_session_auth),
            tls: Some(c.tls),
            resolve: c.resolve,
            store: c.store,
            env_region: None,
            env_endpoint_url: None,
            env_path_style: None,
        }
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The custom endpoint, if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// Where the credentials come from (`static credentials`, `the default credential
    /// chain (profile `work`)`, `anonymous`...); never the credentials themselves.
    pub fn credentials_source(&self) -> String {
        self.credentials.describe()
    }

    /// The store profile, when one was chosen.
    pub fn store(&self) -> Option<&StoreProfile> {
        self.store.as_deref()
    }

    /// Whether requests go to FIPS endpoints.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether requests go to dual-stack (IPv4 and IPv6) endpoints.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// Whether requests for buckets go to Transfer Acceleration endpoints.
    pub fn accelerate(&self) -> bool {
        self.accelerate
    }

    /// Whether bucket names go in the path rather than the host.
    pub fn force_path_style(&self) -> bool {
        self.force_path_style
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

    /// Which requests carry a computed checksum.
    pub fn request_checksum_calculation(&self) -> RequestChecksumCalculation {
        self.request_checksum_calculation
    }

    /// When response checksums are checked.
    pub fn response_checksum_validation(&self) -> ResponseChecksumValidation {
        self.response_checksum_validation
    }

    /// Whether bodies' SHA-256 is signed: `Some` when set, `None` for botocore's rule
    /// (see [`ConfigBuilder::payload_signing_enabled`]).
    pub fn payload_signing_enabled(&self) -> Option<bool> {
        self.payload_signing
    }

    /// Whether operations with a host prefix put it before the endpoint's host name
    /// (see [`ConfigBuilder::inject_host_prefix`]).
    pub fn inject_host_prefix(&self) -> bool {
        self.inject_host_prefix
    }

    /// Whether directory-bucket requests are signed with the client's credentials
    /// instead of S3 Express sessions (see
    /// [`ConfigBuilder::disable_s3_express_session_auth`]).
    pub fn disable_s3_express_session_auth(&self) -> bool {
        self.disable_s3_express_session_auth
    }

    /// This configuration with the settings `changes` sets replacing its own (what a
    /// fluent builder's `config_override` does for one request).
    pub fn with_overrides(&self, changes: &ConfigBuilder) -> Config {
        let mut c = self.clone();
        changes.apply(&mut c);
        c
    }
}

/// Builds a [`Config`]. Only the settings it is given change; the rest keep their
/// defaults (or, as a `config_override`, the client's values).
#[derive(Clone, Debug, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint_url: Option<String>,
    credentials: Option<CredentialsSource>,
    force_path_style: Option<bool>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    accelerate: Option<bool>,
    retry: Option<RetryConfig>,
    max_attempts: Option<u32>,
    timeouts: Option<TimeoutConfig>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Option<Duration>>,
    operation_timeout: Option<Option<Duration>>,
    stalled_streams: Option<StalledStreamProtection>,
    max_response_size: Option<u64>,
    request_checksum_calculation: Option<RequestChecksumCalculation>,
    required_checksum: Option<RequiredChecksum>,
    response_checksum_validation: Option<ResponseChecksumValidation>,
    payload_signing: Option<Option<bool>>,
    inject_host_prefix: Option<bool>,
    disable_s3_express_session_auth: Option<bool>,
    tls: Option<TlsSettings>,
    resolve: Vec<(String, SocketAddr)>,
    store: Option<Arc<StoreProfile>>,
    /// What the environment said about where to send: below a store's settings, which
    /// are below what is set explicitly.
    env_region: Option<String>,
    env_endpoint_url: Option<String>,
    env_path_style: Option<bool>,
}

/// A setting read from the environment or the profile: the value and where it came from.
type Setting = Option<(String, &'static str)>;

impl ConfigBuilder {
    /// Reads the configuration the AWS CLI and SDKs read, into this builder; settings
    /// given after this call override it. Environment variables win over the profile:
    ///
    /// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, profile `region`;
    /// - endpoint: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, profile `endpoint_url`
    ///   (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores them);
    /// - credentials: the default chain (environment, web identity, profile, container,
    ///   instance metadata), resolved on the first request;
    /// - the profile: `AWS_PROFILE` (default `default`) in `~/.aws/config` and
    ///   `~/.aws/credentials`, or the files `AWS_CONFIG_FILE` and
    ///   `AWS_SHARED_CREDENTIALS_FILE` name; a named profile that is not there is an error;
    /// - `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE` (profile `max_attempts`, `retry_mode`);
    /// - `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` (profile
    ///   `use_fips_endpoint`, `use_dualstack_endpoint`), profile `s3 =
    ///   use_accelerate_endpoint`, `addressing_style`;
    /// - `AWS_S3_DISABLE_EXPRESS_SESSION_AUTH` (profile
    ///   `s3_disable_express_session_auth`);
    /// - `AWS_REQUEST_CHECKSUM_CALCULATION`, `AWS_RESPONSE_CHECKSUM_VALIDATION`
    ///   (`when_supported` or `when_required`);
    /// - `AWS_CA_BUNDLE` (profile `ca_bundle`): extra root certificates;
    /// - `S3_STORE` (profile `s3_store`): a store profile by name.
    #[allow(
        clippy::wrong_self_convention,
        reason = "`Config::builder().from_env()` reads as the AWS SDKs' loaders do"
    )]
    pub fn from_env(self) -> Result<Self, ProfileError> {
        self.apply_env(Env::from_process(), None)
    }

    /// As [`ConfigBuilder::from_env`], with these variables standing for the process
    /// environment (`HOME` among them, for the profile files): for tests, `.env` files,
    /// or a configuration kept apart from the process's.
    pub fn from_env_vars<K: AsRef<str>, V: AsRef<str>>(
        self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ProfileError> {
        self.apply_env(Env::from_vars(vars), None)
    }

    /// Reads `env` and the profile files it points to, with `profile` over `AWS_PROFILE`.
    pub(crate) fn apply_env(
        mut self,
        env: Env,
        profile: Option<&str>,
    ) -> Result<Self, ProfileError> {
        let files = Arc::new(ProfileFiles::load(&env)?);
        let chain = ChainConfig::new(env.clone(), files.clone(), profile)?;
        let profile = files.profile(&chain.profile).cloned().unwrap_or_default();
        let profile_source: &'static str = "profile";
        let pick = |var: &[&'static str], key: &str| -> Setting {
            var.iter()
                .find_map(|v| env.get(v).map(|x| (x.to_string(), *v)))
                .or_else(|| profile.get(key).map(|x| (x.clone(), profile_source)))
        };
        let flag = |var: &[&'static str], key: &str| -> Result<Option<bool>, ProfileError> {
            pick(var, key)
                .map(|(v, source)| parse_flag(if source == "profile" { key } else { source }, &v))
                .transpose()
        };
        if let Some((region, _)) = pick(&["AWS_REGION", "AWS_DEFAULT_REGION"], "region") {
            self.env_region = Some(region);
        }
        let ignore_endpoints = flag(
            &["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"],
            "ignore_configured_endpoint_urls",
        )?
        .unwrap_or(false);
        if !ignore_endpoints
            && let Some((url, _)) =
                pick(&["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"], "endpoint_url")
        {
            self.env_endpoint_url = Some(url);
        }
        if let Some(style) = profile.get("addressing_style") {
            match style.as_str() {
                "path" => self.env_path_style = Some(true),
                "virtual" | "auto" => {}
                other => {
                    return Err(ProfileError::new(
                        "addressing_style",
                        format!("`{other}` is not `path`, `virtual` or `auto`"),
                    ));
                }
            }
        }
        if let Some(v) = flag(&["AWS_USE_FIPS_ENDPOINT"], "use_fips_endpoint")? {
            self = self.use_fips(v);
        }
        if let Some(v) = flag(&["AWS_USE_DUALSTACK_ENDPOINT"], "use_dualstack_endpoint")? {
            self = self.use_dual_stack(v);
        }
        if let Some(v) = flag(&[], "use_accelerate_endpoint")? {
            self = self.accelerate(v);
        }
        if let Some(v) = flag(
            &["AWS_S3_DISABLE_EXPRESS_SESSION_AUTH"],
            "s3_disable_express_session_auth",
        )? {
            self = self.disable_s3_express_session_auth(v);
        }
        let mode = |(v, source): (String, &'static str)| -> Result<bool, ProfileError> {
            match v.to_ascii_lowercase().as_str() {
                "when_supported" => Ok(true),
                "when_required" => Ok(false),
                other => Err(ProfileError::new(
                    source,
                    format!("`{other}` is not `when_supported` or `when_required`"),
                )),
            }
        };
        if let Some(s) = pick(
            &["AWS_REQUEST_CHECKSUM_CALCULATION"],
            "request_checksum_calculation",
        ) {
            self = self.request_checksum_calculation(if mode(s)? {
                RequestChecksumCalculation::WhenSupported
            } else {
                RequestChecksumCalculation::WhenRequired
            });
        }
        if let Some(s) = pick(
            &["AWS_RESPONSE_CHECKSUM_VALIDATION"],
            "response_checksum_validation",
        ) {
            self = self.response_checksum_validation(if mode(s)? {
                ResponseChecksumValidation::WhenSupported
            } else {
                ResponseChecksumValidation::WhenRequired
            });
        }
        if let Some((bundle, source)) = pick(&["AWS_CA_BUNDLE"], "ca_bundle") {
            if let Err(e) = std::fs::metadata(&bundle) {
                return Err(ProfileError::new(
                    source,
                    format!("the CA bundle {bundle} cannot be read: {e}"),
                ));
            }
            self = self.ca_bundle(bundle);
        }
        if let Some((name, source)) = pick(&["S3_STORE"], "s3_store") {
            let store = Store::named(&name).ok_or_else(|| {
                ProfileError::new(
                    source,
                    format!(
                        "unknown store `{name}`; known stores: {}",
                        Store::NAMES.join(", ")
                    ),
                )
            })?;
            self = self.store(store);
        }
        self = self.apply_retry_settings(
            pick(&["AWS_RETRY_MODE"], "retry_mode"),
            pick(&["AWS_MAX_ATTEMPTS"], "max_attempts"),
        )?;
        if self.credentials.is_none() {
            self.credentials = Some(CredentialsSource::Chain(Box::new(chain)));
        }
        Ok(self)
    }

    fn apply_retry_settings(self, mode: Setting, attempts: Setting) -> Result<Self, ProfileError> {
        if mode.is_none() && attempts.is_none() {
            return Ok(self);
        }
        let mut retry = self.retry.unwrap_or_default();
        if let Some((mode, source)) = mode {
            retry.mode = match mode.as_str() {
                "standard" => RetryMode::Standard,
                "adaptive" => RetryMode::Adaptive,
                other => {
                    return Err(ProfileError::new(
                        source,
                        format!("retry mode `{other}` is not `standard` or `adaptive`"),
                    ));
                }
            };
        }
        if let Some((attempts, source)) = attempts {
            let n = attempts
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    ProfileError::new(
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

    /// Whether a body in memory is signed by its SHA-256 (`x-amz-content-sha256`), as
    /// boto3's `s3={"payload_signing_enabled": ...}`. Unset, the client does what
    /// botocore does: it signs every body over `http`, and over `https` every body but
    /// an upload's (PutObject, UploadPart) that carries a checksum, which TLS and the
    /// checksum already protect (`UNSIGNED-PAYLOAD`). `false` never hashes a body;
    /// streamed bodies are never signed either way.
    pub fn payload_signing_enabled(mut self, enabled: bool) -> Self {
        self.payload_signing = Some(Some(enabled));
        self
    }

    /// Whether an operation with a host prefix (WriteGetObjectResponse, whose request
    /// route becomes `<route>.` before the host name) puts it there; default `true`.
    /// `false` sends it to the endpoint's host as it is, as boto3's
    /// `Config(inject_host_prefix=False)`, for a custom endpoint that cannot take the
    /// prefix.
    pub fn inject_host_prefix(mut self, inject: bool) -> Self {
        self.inject_host_prefix = Some(inject);
        self
    }

    /// Requests on a directory bucket (S3 Express One Zone, `<base>--<zone>--x-s3`) are
    /// signed with S3 Express session credentials, which the client creates with
    /// `CreateSession` and keeps until a minute before they expire (default `false`).
    /// `true` signs them with the client's own credentials instead, as aws-sdk-s3's
    /// setting of the same name.
    pub fn disable_s3_express_session_auth(mut self, disable: bool) -> Self {
        self.disable_s3_express_session_auth = Some(disable);
        self
    }

    /// The checksum operations that require one carry when the request names none
    /// (default CRC32, as the AWS SDKs; `Content-MD5` or CRC32C for stores that want it).
    pub fn required_checksum(mut self, checksum: RequiredChecksum) -> Self {
        self.required_checksum = Some(checksum);
        self
    }

    /// The region to sign for and, without a custom endpoint, to send to.
    pub fn region(mut self, region: impl IntoRegion) -> Self {
        if let Some(region) = region.into_region() {
            self.region = Some(region);
        }
        self
    }

    /// An empty builder, as `Config::builder()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepted for aws-sdk-s3's sake; see [`BehaviorVersion`].
    pub fn behavior_version(self, _version: BehaviorVersion) -> Self {
        self
    }

    /// A custom endpoint such as `http://127.0.0.1:9000` (MinIO, Ceph, moto...).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Fixed credentials to sign with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(CredentialsSource::fixed(credentials));
        self
    }

    /// A provider of credentials (any aws-credential-types provider, as aws-sdk-s3 takes),
    /// asked on the first request and again before its credentials expire.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(CredentialsSource::Provider(
            SharedCredentialsProvider::new(provider),
            "a credentials provider",
        ));
        self
    }

    /// Unsigned requests, for public buckets (the AWS CLI's `--no-sign-request`). Without
    /// this, a configuration with no credentials fails its requests with an error that
    /// says how to give some.
    pub fn anonymous(mut self) -> Self {
        self.credentials = Some(CredentialsSource::Anonymous);
        self
    }

    /// Always put the bucket in the path (`host/bucket/key`) instead of the host name.
    pub fn force_path_style(mut self, force: bool) -> Self {
        self.force_path_style = Some(force);
        self
    }

    /// FIPS 140 endpoints (`s3-fips.<region>.amazonaws.com`), where the partition has them.
    pub fn use_fips(mut self, fips: bool) -> Self {
        self.use_fips = Some(fips);
        self
    }

    /// Dual-stack endpoints (`s3.dualstack.<region>.amazonaws.com`), reachable over IPv6.
    pub fn use_dual_stack(mut self, dual_stack: bool) -> Self {
        self.use_dual_stack = Some(dual_stack);
        self
    }

    /// S3 Transfer Acceleration endpoints (`<bucket>.s3-accelerate.amazonaws.com`) for
    /// requests on a bucket with acceleration on.
    pub fn accelerate(mut self, accelerate: bool) -> Self {
        self.accelerate = Some(accelerate);
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

    fn tls_mut(&mut self) -> &mut TlsSettings {
        self.tls.get_or_insert_with(TlsSettings::default)
    }

    /// Trusts the root certificates in the PEM file at `path` as well as the system's
    /// (`AWS_CA_BUNDLE`); it is read when the first HTTPS connection opens, and a bad file
    /// fails that request with an error naming it.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls_mut().ca_files.push(path.into());
        self
    }

    /// Trusts the root certificates in `pem` as well as the system's.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls_mut().ca_pem.push(pem.into());
        self
    }

    /// **Accepts any TLS certificate, so anyone on the network path can read and change
    /// the traffic.** Only for a local test store with a self-signed certificate; never
    /// for anything that matters. Off by default; prefer [`ConfigBuilder::ca_bundle`].
    pub fn accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.tls_mut().accept_invalid_certificates = accept;
        self
    }

    /// Connects to `addr` for the host name `host` instead of resolving it, as curl's
    /// `--resolve` (a pinned endpoint, a test of an AWS host name against a local server);
    /// `addr`'s port is used unless the URL names one.
    pub fn resolve(mut self, host: impl Into<String>, addr: SocketAddr) -> Self {
        self.resolve.push((host.into(), addr));
        self
    }

    /// The settings of an S3-compatible store (see [`Store`]): endpoint, region,
    /// addressing, the checksums it accepts, and the operations it lacks. The store's
    /// settings win over the environment's (`from_env`); settings given explicitly on
    /// this builder win over the store's.
    pub fn store(mut self, store: impl Into<StoreProfile>) -> Self {
        self.store = Some(Arc::new(store.into()));
        self
    }

    /// Whether this builder gives credentials (so an override needs its own).
    pub(crate) fn sets_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// Writes every setting this builder has onto `c`: what the environment said, then
    /// the store's settings, then what was set explicitly.
    fn apply(&self, c: &mut Config) {
        if let Some(v) = &self.env_region {
            c.region = v.clone();
        }
        if let Some(v) = &self.env_endpoint_url {
            c.endpoint_url = Some(v.clone());
        }
        if let Some(v) = self.env_path_style {
            c.force_path_style = v;
        }
        if let Some(store) = &self.store {
            store.apply(c);
            c.store = Some(store.clone());
        }
        if let Some(v) = &self.region {
            c.region = v.clone();
        }
        if let Some(v) = &self.endpoint_url {
            c.endpoint_url = Some(v.clone());
        }
        if let Some(v) = &self.credentials {
            c.credentials = v.clone();
        }
        let set = |target: &mut bool, v: Option<bool>| {
            if let Some(v) = v {
                *target = v;
            }
        };
        set(&mut c.force_path_style, self.force_path_style);
        set(&mut c.use_fips, self.use_fips);
        set(&mut c.use_dual_stack, self.use_dual_stack);
        set(&mut c.accelerate, self.accelerate);
        if let Some(v) = self.retry {
            c.retry = v;
        }
        if let Some(v) = self.max_attempts {
            c.retry.max_attempts = v;
        }
        if let Some(v) = self.timeouts {
            c.timeouts = v;
        }
        if let Some(v) = self.connect_timeout {
            c.timeouts.connect = v;
        }
        if let Some(v) = self.attempt_timeout {
            c.timeouts.attempt = v;
        }
        if let Some(v) = self.operation_timeout {
            c.timeouts.operation = v;
        }
        if let Some(v) = self.stalled_streams {
            c.stalled_streams = v;
        }
        if let Some(v) = self.max_response_size {
            c.max_response_size = v;
        }
        if let Some(v) = self.request_checksum_calculation {
            c.request_checksum_calculation = v;
        }
        if let Some(v) = self.required_checksum {
            c.required_checksum = v;
        }
        if let Some(v) = self.response_checksum_validation {
            c.response_checksum_validation = v;
        }
        if let Some(v) = self.payload_signing {
            c.payload_signing = v;
        }
        if let Some(v) = self.inject_host_prefix {
            c.inject_host_prefix = v;
        }
        if let Some(v) = self.disable_s3_express_session_auth {
            c.disable_s3_express_session_auth = v;
        }
        if let Some(v) = &self.tls {
            c.tls = v.clone();
        }
        c.resolve.extend(self.resolve.iter().cloned());
        // STS and SSO calls of the default chain go to the configuration's region.
        let region = c.region.clone();
        if let CredentialsSource::Chain(chain) = &mut c.credentials {
            chain.region = Some(region);
        }
    }

    /// The finished configuration.
    pub fn build(self) -> Config {
        let mut config = Config {
            region: "us-east-1".to_string(),
            endpoint_url: None,
            credentials: CredentialsSource::Unset,
            force_path_style: false,
            use_fips: false,
            use_dual_stack: false,
            accelerate: false,
            retry: RetryConfig::standard(),
            timeouts: TimeoutConfig::default(),
            stalled_streams: StalledStreamProtection::default(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            request_checksum_calculation: RequestChecksumCalculation::default(),
            required_checksum: RequiredChecksum::default(),
            response_checksum_validation: ResponseChecksumValidation::default(),
            payload_signing: None,
            inject_host_prefix: true,
            disable_s3_express_session_auth: false,
            tls: TlsSettings::default(),
            resolve: Vec::new(),
            store: None,
        };
        self.apply(&mut config);
        config
    }
}

pub use crate::store::{MultipartChecksum, RequiredChecksum, Store, StoreProfile};

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ProfileError> {
        ConfigBuilder::default()
            .apply_env(
                Env::from_pairs(pairs.iter().copied().chain([("HOME", "/nonexistent")])),
                None,
            )
            .map(ConfigBuilder::build)
    }

    #[test]
    fn environment_settings_and_overrides() {
        let c = from(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_RETRY_MODE", "adaptive"),
            ("AWS_MAX_ATTEMPTS", "5"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED"),
        ])
        .unwrap();
        assert_eq!(c.region(), "eu-west-1");
        assert_eq!(
            (c.retry.mode, c.retry.max_attempts),
            (RetryMode::Adaptive, 5)
        );
        assert!(c.use_fips());
        assert_eq!(
            c.request_checksum_calculation(),
            RequestChecksumCalculation::WhenRequired
        );
        assert_eq!(
            c.credentials_source(),
            "the default credential chain (profile `default`)"
        );
        assert_eq!(c.timeouts.connect, Duration::from_millis(3100));

        for (var, value, says) in [
            ("AWS_RETRY_MODE", "legacy", "legacy"),
            ("AWS_MAX_ATTEMPTS", "zero", "zero"),
            ("AWS_MAX_ATTEMPTS", "0", "`0`"),
            (
                "AWS_USE_DUALSTACK_ENDPOINT",
                "yes",
                "AWS_USE_DUALSTACK_ENDPOINT: `yes`",
            ),
            (
                "AWS_PROFILE",
                "nope",
                "profile `nope`: not found in /nonexistent/.aws/config and /nonexistent/.aws/credentials",
            ),
            (
                "AWS_CA_BUNDLE",
                "/nonexistent/ca.pem",
                "the CA bundle /nonexistent/ca.pem cannot be read",
            ),
            ("S3_STORE", "floppy", "unknown store `floppy`"),
        ] {
            let err = from(&[(var, value)]).unwrap_err();
            assert!(err.to_string().contains(says), "{var}={value}: {err}");
        }

        // An override changes only what it sets; a builder from the config changes only
        // what is set on it after.
        let c = from(&[("AWS_REGION", "eu-west-1"), ("AWS_RETRY_MODE", "adaptive")]).unwrap();
        let o = c.with_overrides(&Config::builder().max_attempts(1).operation_timeout(None));
        assert_eq!(
            (o.retry.max_attempts, o.retry.mode, o.region()),
            (1, RetryMode::Adaptive, "eu-west-1")
        );
        assert_eq!(o.timeouts.operation, None);
        let b = c
            .to_builder()
            .endpoint_url("http://127.0.0.1:9000")
            .force_path_style(true)
            .build();
        assert_eq!(
            (b.region(), b.endpoint_url(), b.force_path_style()),
            ("eu-west-1", Some("http://127.0.0.1:9000"), true)
        );
        assert_eq!(b.credentials_source(), c.credentials_source());
        // Explicit settings after from_env win.
        let c = Config::builder()
            .apply_env(
                Env::from_pairs([("AWS_REGION", "eu-west-1"), ("HOME", "/nonexistent")]),
                None,
            )
            .unwrap()
            .region("ap-south-1")
            .anonymous()
            .build();
        assert_eq!(
            (c.region(), c.credentials_source().as_str()),
            ("ap-south-1", "anonymous (unsigned requests)")
        );
    }
}
