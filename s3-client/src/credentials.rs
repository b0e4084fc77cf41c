//! Credentials and where a configuration gets them: given directly, from a provider, from
//! the default chain (environment, web identity, profile, container, instance metadata),
//! or deliberately none.
//!
//! Providers follow aws-credential-types' [`ProvideCredentials`] trait, so a provider
//! written for aws-sdk-s3 works here unchanged.

use std::fmt;
use std::sync::Arc;

pub use aws_credential_types::provider::error::CredentialsError;
pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};

use crate::profile::{Env, ProfileError, ProfileFiles};

/// An access key, secret key, optional session token and expiry. `Debug` never shows the
/// secrets.
pub type Credentials = aws_credential_types::Credentials;

/// What the default chain reads: the environment as it was when the configuration was
/// made, the profile files, and the profile to use.
#[derive(Debug, Clone)]
pub(crate) struct ChainConfig {
    pub(crate) env: Env,
    pub(crate) files: Arc<ProfileFiles>,
    pub(crate) profile: String,
    /// The region the configuration resolved, for STS and SSO calls.
    pub(crate) region: Option<String>,
}

impl ChainConfig {
    /// The chain for `env` and its profile files; a profile named by `AWS_PROFILE` (or
    /// `profile`) that the files do not have is an error naming it and the files read.
    pub(crate) fn new(
        env: Env,
        files: Arc<ProfileFiles>,
        profile: Option<&str>,
    ) -> Result<Self, ProfileError> {
        let named = profile
            .or_else(|| env.get("AWS_PROFILE"))
            .map(str::to_string);
        if let Some(name) = &named
            && files.profile(name).is_none()
        {
            return Err(ProfileError::new(
                format!("profile `{name}`"),
                format!("not found in {}", files.describe()),
            ));
        }
        Ok(ChainConfig {
            profile: named.unwrap_or_else(|| "default".to_string()),
            env,
            files,
            region: None,
        })
    }
}

/// Where a configuration's credentials come from.
#[derive(Clone, Default)]
pub(crate) enum CredentialsSource {
    /// Nothing was said: requests fail with an error saying how to give credentials.
    #[default]
    Unset,
    /// Requests go unsigned, as asked.
    Anonymous,
    /// A provider: fixed credentials, the caller's own, or one this crate builds.
    Provider(SharedCredentialsProvider, &'static str),
    /// The default chain.
    Chain(Box<ChainConfig>),
    /// The configuration could not be read (a profile named but missing, a bad
    /// setting): every request fails with this message.
    Invalid(String),
}

impl CredentialsSource {
    /// Fixed credentials.
    pub(crate) fn fixed(credentials: Credentials) -> Self {
        CredentialsSource::Provider(
            SharedCredentialsProvider::new(credentials),
            "static credentials",
        )
    }

    /// What the source is, never what it holds: `static credentials`, `the default
    /// credential chain (profile `work`)`...
    pub(crate) fn describe(&self) -> String {
        match self {
            CredentialsSource::Unset => "none".to_string(),
            CredentialsSource::Anonymous => "anonymous (unsigned requests)".to_string(),
            CredentialsSource::Provider(_, name) => (*name).to_string(),
            CredentialsSource::Chain(c) => {
                format!("the default credential chain (profile `{}`)", c.profile)
            }
            CredentialsSource::Invalid(why) => format!("none: {why}"),
        }
    }
}

impl fmt::Debug for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A provider's Debug is its own business; fixed credentials redact themselves.
            CredentialsSource::Provider(p, name) => {
                f.debug_tuple("Provider").field(name).field(p).finish()
            }
            other => f.write_str(&other.describe()),
        }
    }
}
