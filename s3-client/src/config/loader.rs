//! aws-config's loading API, so that code written for aws-sdk-s3 ports by changing the
//! import: `config::load_defaults(BehaviorVersion::latest()).await`, `config::defaults(..)
//! .region(..).load().await`, `Client::new(&shared_config)`, `Builder::from(&shared_config)`.
//!
//! Loading reads what [`ConfigBuilder::from_env`] reads; settings given to the loader win.
//! A configuration that cannot be read (a named profile that is missing, a bad setting)
//! does not stop the program, as with aws-config: every request then fails with an error
//! naming what was wrong.

use std::borrow::Cow;
use std::fmt;

use super::{Config, ConfigBuilder, RetryConfig, StalledStreamProtection, TimeoutConfig};
use crate::credentials::{CredentialsSource, ProvideCredentials};
use crate::profile::Env;

/// What aws-config calls the shared configuration; here it is the client's [`Config`].
pub type SdkConfig = Config;

/// An AWS region name, such as `us-east-1`, as aws-types has it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(Cow<'static, str>);

impl Region {
    /// The region `name`.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Region(name.into())
    }

    /// The region `name`, for constants.
    pub const fn from_static(name: &'static str) -> Self {
        Region(Cow::Borrowed(name))
    }
}

impl AsRef<str> for Region {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Anything a region setting accepts: a name, a [`Region`], an `Option` of one (`None`
/// leaves the setting as it is), or a [`RegionProviderChain`].
pub trait IntoRegion {
    /// The region, if this names one.
    fn into_region(self) -> Option<String>;
}

impl IntoRegion for &str {
    fn into_region(self) -> Option<String> {
        Some(self.to_string())
    }
}

impl IntoRegion for String {
    fn into_region(self) -> Option<String> {
        Some(self)
    }
}

impl IntoRegion for &String {
    fn into_region(self) -> Option<String> {
        Some(self.clone())
    }
}

impl IntoRegion for Region {
    fn into_region(self) -> Option<String> {
        Some(self.0.into_owned())
    }
}

impl IntoRegion for &Region {
    fn into_region(self) -> Option<String> {
        Some(self.0.to_string())
    }
}

impl<T: IntoRegion> IntoRegion for Option<T> {
    fn into_region(self) -> Option<String> {
        self.and_then(IntoRegion::into_region)
    }
}

/// aws-config's behaviour versions pick defaults that changed over the years. This
/// client has one set of defaults, the current ones (those of
/// [`BehaviorVersion::latest`]), so the version is accepted and changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BehaviorVersion {}

impl BehaviorVersion {
    /// The newest behaviour: the only one this client has.
    pub fn latest() -> Self {
        BehaviorVersion {}
    }

    /// aws-config's 2023-11-09 behaviour; here the same as [`BehaviorVersion::latest`].
    pub fn v2023_11_09() -> Self {
        BehaviorVersion {}
    }

    /// aws-config's 2024-03-28 behaviour; here the same as [`BehaviorVersion::latest`].
    pub fn v2024_03_28() -> Self {
        BehaviorVersion {}
    }

    /// aws-config's 2025-01-17 behaviour; here the same as [`BehaviorVersion::latest`].
    pub fn v2025_01_17() -> Self {
        BehaviorVersion {}
    }
}

/// Region providers, as aws-config's `meta::region` has them.
pub mod meta {
    /// `RegionProviderChain`, at the path aws-config gives it.
    pub mod region {
        pub use crate::config::loader::RegionProviderChain;
    }
}

/// Regions tried in order until one is found, as aws-config's chain of this name:
/// `RegionProviderChain::first_try(arg.map(Region::new)).or_default_provider().or_else("us-west-2")`.
#[derive(Clone, Debug, Default)]
pub struct RegionProviderChain {
    sources: Vec<RegionSource>,
}

#[derive(Clone, Debug)]
enum RegionSource {
    Fixed(Option<String>),
    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    Default,
}

impl RegionProviderChain {
    /// A chain that tries `region` first (`None` falls through).
    pub fn first_try(region: impl IntoRegion) -> Self {
        RegionProviderChain::default().or_else(region)
    }

    /// A chain of only the default provider: the environment, then the profile.
    pub fn default_provider() -> Self {
        RegionProviderChain::default().or_default_provider()
    }

    /// Tries `region` next.
    pub fn or_else(mut self, region: impl IntoRegion) -> Self {
        self.sources.push(RegionSource::Fixed(region.into_region()));
        self
    }

    /// Tries the environment and the profile next.
    pub fn or_default_provider(mut self) -> Self {
        self.sources.push(RegionSource::Default);
        self
    }

    /// The first region the chain finds.
    pub async fn region(&self) -> Option<Region> {
        self.resolve(&Env::from_process()).map(Region::new)
    }

    fn resolve(&self, env: &Env) -> Option<String> {
        self.sources.iter().find_map(|s| match s {
            RegionSource::Fixed(r) => r.clone(),
            RegionSource::Default => {
                ConfigBuilder::default()
                    .apply_env(env.clone(), None)
                    .ok()?
                    .env_region
            }
        })
    }
}

impl IntoRegion for RegionProviderChain {
    fn into_region(self) -> Option<String> {
        self.resolve(&Env::from_process())
    }
}

impl IntoRegion for &RegionProviderChain {
    fn into_region(self) -> Option<String> {
        self.resolve(&Env::from_process())
    }
}

/// Loads a configuration from the environment and profile files, with settings given
/// here on top, as aws-config's `ConfigLoader`.
#[derive(Debug, Default)]
#[must_use = "a loader does nothing until `load().await`"]
pub struct ConfigLoader {
    settings: ConfigBuilder,
    profile: Option<String>,
    env: Option<Env>,
}

/// A loader for the environment's configuration, as `aws_config::defaults`.
pub fn defaults(_version: BehaviorVersion) -> ConfigLoader {
    ConfigLoader::default()
}

/// A loader for the environment's configuration, as `aws_config::from_env`.
pub fn from_env() -> ConfigLoader {
    ConfigLoader::default()
}

/// The environment's configuration, as `aws_config::load_defaults`.
pub async fn load_defaults(version: BehaviorVersion) -> SdkConfig {
    defaults(version).load().await
}

/// The environment's configuration, as `aws_config::load_from_env`.
pub async fn load_from_env() -> SdkConfig {
    from_env().load().await
}

impl ConfigLoader {
    /// Accepted for aws-config's sake; see [`BehaviorVersion`].
    pub fn behavior_version(self, _version: BehaviorVersion) -> Self {
        self
    }

    /// The region, over what the environment says (`None` keeps the environment's).
    pub fn region(mut self, region: impl IntoRegion) -> Self {
        if let Some(r) = region.into_region() {
            self.settings = self.settings.region(r);
        }
        self
    }

    /// The endpoint, e.g. `http://127.0.0.1:9000` for a local store.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.settings = self.settings.endpoint_url(url);
        self
    }

    /// A credentials provider (or fixed `Credentials`) in place of the default chain.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.settings = self.settings.credentials_provider(provider);
        self
    }

    /// Unsigned requests, as aws-config's `no_credentials()`.
    pub fn no_credentials(mut self) -> Self {
        self.settings = self.settings.anonymous();
        self
    }

    /// The profile to read, over `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The retry settings.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.settings = self.settings.retry_config(retry);
        self
    }

    /// The timeouts.
    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.settings = self.settings.timeout_config(timeouts);
        self
    }

    /// The stalled-stream protection.
    pub fn stalled_stream_protection(mut self, protection: StalledStreamProtection) -> Self {
        self.settings = self.settings.stalled_stream_protection(protection);
        self
    }

    /// These variables in place of the process environment (`HOME` among them, for the
    /// profile files).
    pub fn env_vars<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.env = Some(Env::from_vars(vars));
        self
    }

    /// Reads the environment and profile files and applies the loader's settings.
    pub async fn load(self) -> SdkConfig {
        let env = self.env.unwrap_or_else(Env::from_process);
        match ConfigBuilder::default().apply_env(env, self.profile.as_deref()) {
            Ok(read) => read.build().with_overrides(&self.settings),
            Err(e) => {
                tracing::warn!("the configuration could not be read: {e}");
                let mut config = self.settings.build();
                if matches!(config.credentials, CredentialsSource::Unset) {
                    config.credentials = CredentialsSource::Invalid(e.to_string());
                }
                config
            }
        }
    }
}

impl From<&Config> for ConfigBuilder {
    /// A builder holding every setting of `config`, as aws-sdk-s3's
    /// `config::Builder::from(&shared_config)`.
    fn from(config: &Config) -> Self {
        config.to_builder()
    }
}

impl From<&Config> for Config {
    fn from(config: &Config) -> Self {
        config.clone()
    }
}

impl From<ConfigBuilder> for Config {
    fn from(builder: ConfigBuilder) -> Self {
        builder.build()
    }
}
