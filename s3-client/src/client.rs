//! The client: configuration plus one HTTP connection pool, shared by clones.

use std::sync::Arc;

use crate::config::Config;
use crate::credentials::ProfileError;
use crate::error::BuildError;
use crate::runtime::Endpoint;

/// The S3 client. Cheap to clone: clones share configuration and connection pool.
///
/// Every operation is a method returning a fluent builder, e.g.
/// `client.get_object().bucket("b").key("k").send().await`.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: Config,
    /// The HTTP client, or why it could not be built (reported on the first request).
    pub(crate) http: Result<reqwest::Client, String>,
    /// Where requests go, or why the configured endpoint is unusable (reported on the
    /// first request, before anything is sent).
    pub(crate) endpoint: Result<Endpoint, BuildError>,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Self {
        let mut builder = reqwest::Client::builder();
        if let Some(t) = config.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        if let Some(t) = config.timeout {
            builder = builder.timeout(t);
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"));
        let endpoint = Endpoint::new(&config);
        Client {
            inner: Arc::new(Inner {
                config,
                http,
                endpoint,
            }),
        }
    }

    /// A client configured from the environment and profile files, as [`Config::from_env`].
    pub fn from_env() -> Result<Self, ProfileError> {
        Config::from_env().map(Self::new)
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }
}
