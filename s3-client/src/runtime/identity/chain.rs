//! The default credential chain, in the order the AWS SDKs use: environment variables,
//! web identity (EKS IRSA), the shared profile, container credentials (ECS, EKS Pod
//! Identity), EC2 instance metadata. The first source that is configured answers; when
//! none is, the error lists where the chain looked.

use super::{container, imds, profile, sts};
use crate::credentials::{ChainConfig, Credentials, CredentialsError, ProvideCredentials, future};
use crate::runtime::http::Transport;

/// What one link of the chain found.
pub(crate) enum Found {
    /// Credentials.
    Yes(Credentials),
    /// The source is not configured, and why (for the final message).
    No(String),
}

/// The default chain, reading the environment snapshot and profile files it was given.
#[derive(Debug)]
pub(crate) struct DefaultChain {
    config: ChainConfig,
    transport: Transport,
}

impl DefaultChain {
    pub(crate) fn new(config: ChainConfig, transport: Transport) -> Self {
        DefaultChain { config, transport }
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let (c, t) = (&self.config, &self.transport);
        let mut looked = Vec::new();
        let mut take = |found: Found| match found {
            Found::Yes(credentials) => Some(credentials),
            Found::No(why) => {
                looked.push(why);
                None
            }
        };
        if let Some(found) = take(environment(c)) {
            return Ok(found);
        }
        if let Some(found) = take(sts::web_identity_from_env(c, t).await?) {
            return Ok(found);
        }
        if let Some(found) = take(profile::credentials(c, t).await?) {
            return Ok(found);
        }
        if let Some(found) = take(container::credentials(c, t).await?) {
            return Ok(found);
        }
        if let Some(found) = take(imds::credentials(c, t).await?) {
            return Ok(found);
        }
        Err(CredentialsError::not_loaded(format!(
            "no credentials found; the default chain looked at: {}. Configure one of them, or ask for unsigned requests with `Config::builder().anonymous()`",
            looked.join("; ")
        )))
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.resolve())
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
pub(crate) fn environment(c: &ChainConfig) -> Found {
    match (
        c.env.get("AWS_ACCESS_KEY_ID"),
        c.env.get("AWS_SECRET_ACCESS_KEY"),
    ) {
        (Some(id), Some(secret)) => Found::Yes(Credentials::new(
            id,
            secret,
            c.env.get("AWS_SESSION_TOKEN").map(str::to_string),
            None,
            "environment",
        )),
        (Some(_), None) => {
            Found::No("environment (AWS_ACCESS_KEY_ID is set, AWS_SECRET_ACCESS_KEY is not)".into())
        }
        _ => Found::No("environment (AWS_ACCESS_KEY_ID not set)".into()),
    }
}
