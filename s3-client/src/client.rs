//! The client: a handle on the runtime (configuration, connection pool, what the client
//! learns as it goes), shared by clones.

use std::sync::Arc;

use crate::config::Config;
use crate::profile::ProfileError;
use crate::runtime::Handle;

/// The S3 client. Cheap to clone: clones share configuration, connection pool, retry
/// quota and the bucket regions learnt from redirects.
///
/// Every operation is a method returning a fluent builder, e.g.
/// `client.get_object().bucket("b").key("k").send().await`.
#[derive(Clone, Debug)]
pub struct Client {
    handle: Arc<Handle>,
}

impl Client {
    /// A client for `config`: a [`Config`], or `&shared_config` as aws-sdk-s3's
    /// `Client::new(&sdk_config)`. Nothing is opened until the first request; root
    /// certificates are read on the first HTTPS connection of the process.
    pub fn new(config: impl Into<Config>) -> Self {
        Self::from_conf(config.into())
    }

    /// A client for `config`, as aws-sdk-s3's `Client::from_conf`.
    pub fn from_conf(config: Config) -> Self {
        Client {
            handle: Arc::new(Handle::new(
                config,
                crate::generated::SIGNING_NAME,
                CREATE_SESSION,
            )),
        }
    }

    /// A client configured from the environment and profile files, as [`Config::from_env`].
    pub fn from_env() -> Result<Self, ProfileError> {
        Config::from_env().map(Self::new)
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        &self.handle.config
    }

    /// The runtime handle generated code sends with.
    pub(crate) fn handle(&self) -> &Arc<Handle> {
        &self.handle
    }
}

/// How the runtime creates S3 Express sessions: this client's `CreateSession`.
#[cfg(feature = "objects")]
const CREATE_SESSION: Option<crate::runtime::CreateSession> = Some(create_session);
#[cfg(not(feature = "objects"))]
const CREATE_SESSION: Option<crate::runtime::CreateSession> = None;

/// Creates a session on `bucket` with the client of `handle` and its own credentials.
#[cfg(feature = "objects")]
fn create_session(handle: Arc<Handle>, bucket: String) -> crate::runtime::SessionFuture {
    Box::pin(async move {
        let client = Client { handle };
        let output = client
            .create_session()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| crate::error::DisplayErrorContext(&e).to_string())?;
        let missing = |what: &str| format!("the answer has no {what}");
        let c = output.credentials.ok_or_else(|| missing("Credentials"))?;
        let expiration = c.expiration.ok_or_else(|| missing("Expiration"))?;
        let expiry = std::time::SystemTime::try_from(expiration)
            .map_err(|e| format!("the session's expiration is out of range: {e}"))?;
        Ok(crate::Credentials::new(
            c.access_key_id.ok_or_else(|| missing("AccessKeyId"))?,
            c.secret_access_key
                .ok_or_else(|| missing("SecretAccessKey"))?,
            Some(c.session_token.ok_or_else(|| missing("SessionToken"))?),
            Some(expiry),
            "CreateSession",
        ))
    })
}
