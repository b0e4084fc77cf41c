//! What a client shares between its requests: configuration, the transport and its
//! connection pool, and what it learns as it goes (bucket regions, clock skew, the retry
//! quota, the adaptive rate limit). `Client` wraps one in an `Arc`.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use super::Request;
use super::endpoint::{Endpoint, Route};
use super::express::{self, S3Express, SessionFuture, Sessions};
use super::http::{Settings, Transport};
use super::identity::Resolver;
use super::rate_limit::RateLimiter;
use super::region::BucketRegions;
use super::retry::RetryQuota;
use super::signing::SigningIdentity;
use crate::config::{Config, ConfigBuilder};
use crate::credentials::Credentials;
use crate::error::BuildError;

/// The runtime state of one client.
#[derive(Debug)]
pub struct Handle {
    pub(crate) config: Config,
    /// Where requests go, or why the configured endpoint is unusable (reported on the
    /// first request, before anything is sent).
    endpoint: Result<Endpoint, BuildError>,
    pub(crate) transport: Transport,
    /// The SigV4 service name requests are signed for.
    pub(crate) signing_name: &'static str,
    pub(crate) regions: BucketRegions,
    pub(crate) quota: RetryQuota,
    pub(crate) limiter: RateLimiter,
    /// How far the server's clock is ahead of ours, in milliseconds, once a clock-skew
    /// error has told us.
    skew_ms: AtomicI64,
    /// When the client was made: the adaptive rate limiter's time origin.
    origin: tokio::time::Instant,
    /// The client's credentials, cached and refreshed.
    identity: Resolver,
    /// S3 Express sessions by directory bucket.
    sessions: Sessions,
    /// How a session is created (`CreateSession`); `None` when that operation is not
    /// built, and directory buckets are signed with the client's own credentials.
    create_session: Option<CreateSession>,
}

/// Sends `CreateSession` on a bucket with the client that owns the handle.
pub(crate) type CreateSession = fn(Arc<Handle>, String) -> SessionFuture;

impl Handle {
    pub(crate) fn new(
        config: Config,
        signing_name: &'static str,
        create_session: Option<CreateSession>,
    ) -> Handle {
        let transport = Transport::with_settings(&Settings {
            connect_timeout: config.timeouts.connect,
            tls: config.tls.clone(),
            resolve: config.resolve.clone(),
        });
        Handle {
            endpoint: Endpoint::new(&config),
            identity: Resolver::new(&config.credentials, &transport),
            transport,
            config,
            signing_name,
            regions: BucketRegions::default(),
            quota: RetryQuota::new(),
            limiter: RateLimiter::new(),
            skew_ms: AtomicI64::new(0),
            origin: tokio::time::Instant::now(),
            sessions: Sessions::default(),
            create_session,
        }
    }

    /// The configuration one request runs with: the client's, or it with `changes`.
    pub(crate) fn config_for<'a>(&'a self, changes: Option<&ConfigBuilder>) -> Cow<'a, Config> {
        match changes {
            None => Cow::Borrowed(&self.config),
            Some(c) => Cow::Owned(self.config.with_overrides(c)),
        }
    }

    /// The endpoint for `config`: the client's own unless an override moved it.
    pub(crate) fn endpoint_for(&self, config: &Config) -> Result<Cow<'_, Endpoint>, BuildError> {
        let own = self.endpoint.as_ref().map_err(Clone::clone);
        let same = config.endpoint_url == self.config.endpoint_url
            && config.force_path_style == self.config.force_path_style;
        if same {
            own.map(Cow::Borrowed)
        } else {
            Endpoint::new(config).map(Cow::Owned)
        }
    }

    /// The region to sign for, and send to, for `bucket`: the one learnt from a region
    /// redirect, or the configured one.
    pub(crate) fn region_for(&self, config: &Config, bucket: Option<&str>) -> String {
        bucket
            .and_then(|b| self.regions.get(b))
            .unwrap_or_else(|| config.region.clone())
    }

    /// The time to sign with: ours, corrected by the skew a server reported.
    pub(crate) fn now(&self) -> SystemTime {
        let skew = self.skew_ms.load(Ordering::Relaxed);
        let now = SystemTime::now();
        if skew >= 0 {
            now + Duration::from_millis(skew.unsigned_abs())
        } else {
            now.checked_sub(Duration::from_millis(skew.unsigned_abs()))
                .unwrap_or(now)
        }
    }

    /// Corrects the signing clock to the server's `server_time`, seen now.
    pub(crate) fn correct_clock(&self, server_time: SystemTime) {
        let local = SystemTime::now();
        let skew = match server_time.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        self.skew_ms.store(skew, Ordering::Relaxed);
    }

    /// Seconds since the client was made, for the adaptive rate limiter.
    pub(crate) fn elapsed_secs(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    /// The credentials to sign with under `config` (`None`: unsigned): the client's,
    /// cached, unless `own` is false because a request override gave others.
    pub(crate) async fn credentials(
        &self,
        config: &Config,
        own: bool,
    ) -> Result<Option<Credentials>, BuildError> {
        if own {
            self.identity.credentials().await
        } else {
            Resolver::once(&config.credentials, &self.transport).await
        }
    }

    /// Who signs a request on `route` for `bucket` under `config` (`None`: unsigned): the
    /// client's credentials (or those of a request override, when `own` is false) for
    /// the operation's service, or for a directory bucket, an S3 Express session where
    /// the route calls for one.
    pub(crate) async fn identity(
        self: &Arc<Self>,
        config: &Config,
        route: &Route<'_>,
        bucket: Option<&str>,
        own: bool,
    ) -> Result<Option<SigningIdentity>, BuildError> {
        let Some(credentials) = self.credentials(config, own).await? else {
            return Ok(None);
        };
        let directory = match bucket {
            Some(b) => express::is_directory(b),
            None => route.express == S3Express::ControlEndpoint,
        };
        if !directory {
            let service = route.service.unwrap_or(self.signing_name);
            return Ok(Some(SigningIdentity {
                credentials,
                service,
                express_session: false,
            }));
        }
        // Control operations are signed with the caller's credentials wherever they go.
        // botocore asks a custom endpoint for a session for them, which fails for
        // CreateBucket: the bucket a session is for does not exist yet.
        let session = bucket.zip(self.create_session).filter(|_| {
            route.express == S3Express::Session && own && !config.disable_s3_express_session_auth
        });
        let Some((bucket, create)) = session else {
            return Ok(Some(SigningIdentity {
                credentials,
                service: express::SIGNING_NAME,
                express_session: false,
            }));
        };
        // The handle and the name are cloned only when a session must be made, not on
        // each request that finds one cached.
        let credentials = self
            .sessions
            .credentials(
                bucket,
                &credentials,
                || self.now(),
                || create(Arc::clone(self), bucket.to_string()),
            )
            .await?;
        Ok(Some(SigningIdentity {
            credentials,
            service: express::SIGNING_NAME,
            express_session: true,
        }))
    }

    /// What presigning needs: who signs, the URL of `request` on `route`, and its
    /// region.
    pub(crate) async fn signing_target(
        self: &Arc<Self>,
        route: &Route<'_>,
        request: &Request,
    ) -> Result<(SigningIdentity, String, String), BuildError> {
        let endpoint = self.endpoint.as_ref().map_err(Clone::clone)?;
        let bucket = request.bucket.as_deref();
        let identity = self
            .identity(&self.config, route, bucket, true)
            .await?
            .ok_or_else(|| {
                BuildError::new(
                    "presigning needs credentials, and the client sends unsigned requests",
                )
            })?;
        let region = self.region_for(&self.config, request.bucket.as_deref());
        let url = endpoint.url(
            route,
            &region,
            request.bucket.as_deref(),
            &request.path,
            &request.query,
        )?;
        Ok((identity, url, region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn clock_corrections() {
        let h = Handle::new(Config::builder().build(), "s3", None);
        let ahead = SystemTime::now() + Duration::from_secs(3600);
        h.correct_clock(ahead);
        let diff = h.now().duration_since(SystemTime::now()).unwrap();
        assert!(
            diff > Duration::from_secs(3590) && diff <= Duration::from_secs(3600),
            "{diff:?}"
        );
        h.correct_clock(SystemTime::now() - Duration::from_secs(600));
        let behind = SystemTime::now().duration_since(h.now()).unwrap();
        assert!(behind > Duration::from_secs(590), "{behind:?}");
    }

    #[tokio::test]
    async fn overrides_move_the_endpoint_only_when_asked() {
        let h = Handle::new(
            Config::builder().endpoint_url("http://127.0.0.1:1").build(),
            "s3",
            None,
        );
        let same = h.config_for(Some(&Config::builder().max_attempts(1)));
        assert!(matches!(h.endpoint_for(&same).unwrap(), Cow::Borrowed(_)));
        let moved = h.config_for(Some(&Config::builder().endpoint_url("http://127.0.0.1:2")));
        assert!(matches!(h.endpoint_for(&moved).unwrap(), Cow::Owned(_)));
        h.regions.learn("b", "eu-west-1");
        assert_eq!(h.region_for(&h.config, Some("b")), "eu-west-1");
        assert_eq!(h.region_for(&h.config, Some("c")), "us-east-1");
    }
}
