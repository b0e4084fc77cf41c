//! Where signing credentials come from: the cache every request asks, and the providers
//! of the default chain (environment, web identity, profile with its assume-role chains,
//! `credential_process` and SSO, container credentials, EC2 instance metadata).

mod chain;
mod container;
mod imds;
mod json;
mod process;
mod profile;
mod sso;
mod sts;

use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use aws_smithy_types::Document;
use bytes::Bytes;
use http::{HeaderValue, Method};

pub(crate) use chain::DefaultChain;

use super::http::{RequestBody, Transport};
use super::stall::GuardedBody;
use crate::credentials::{
    Credentials, CredentialsError, CredentialsSource, ProvideCredentials, SharedCredentialsProvider,
};
use crate::error::BuildError;
use crate::primitives::{DateTime, DateTimeFormat};

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);
/// Credentials this close to expiring are not used even when a refresh fails.
const STILL_USABLE: Duration = Duration::from_secs(10);

/// The credentials a client signs with, fetched once and refreshed before they expire.
/// Concurrent requests that find them stale wait for one refresh instead of each
/// starting their own.
pub(crate) struct Resolver {
    source: Source,
    cached: RwLock<Option<Credentials>>,
    refreshing: tokio::sync::Mutex<()>,
}

enum Source {
    Unset,
    Invalid(String),
    Anonymous,
    Provider(SharedCredentialsProvider),
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

/// What a missing configuration says.
const UNSET: &str = "no credentials configured: give them with `credentials(...)` or `credentials_provider(...)`, read them with `Config::from_env()`, or ask for unsigned requests with `anonymous()`";

impl Resolver {
    /// The resolver of `source`; the default chain makes its calls through `transport`.
    pub(crate) fn new(source: &CredentialsSource, transport: &Transport) -> Resolver {
        let source = match source {
            CredentialsSource::Unset => Source::Unset,
            CredentialsSource::Invalid(why) => Source::Invalid(why.clone()),
            CredentialsSource::Anonymous => Source::Anonymous,
            CredentialsSource::Provider(p, _) => Source::Provider(p.clone()),
            CredentialsSource::Chain(config) => Source::Provider(SharedCredentialsProvider::new(
                DefaultChain::new((**config).clone(), transport.clone()),
            )),
        };
        Resolver {
            source,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        cached
            .as_ref()
            .filter(|c| c.expiry().is_none_or(|e| e > now + REFRESH_BEFORE))
            .cloned()
    }

    /// The credentials to sign with, or `None` for unsigned requests.
    pub(crate) async fn credentials(&self) -> Result<Option<Credentials>, BuildError> {
        let provider = match &self.source {
            Source::Unset => return Err(BuildError::new(UNSET)),
            Source::Invalid(why) => {
                return Err(BuildError::new(format!(
                    "no credentials: the configuration could not be read: {why}"
                )));
            }
            Source::Anonymous => return Ok(None),
            Source::Provider(p) => p,
        };
        if let Some(c) = self.fresh(SystemTime::now()) {
            return Ok(Some(c));
        }
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(c) = self.fresh(SystemTime::now()) {
            return Ok(Some(c));
        }
        match provider.provide_credentials().await {
            Ok(c) => {
                *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(c.clone());
                Ok(Some(c))
            }
            Err(e) => {
                // Keep signing with credentials that still work while the source is down.
                let still = {
                    let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
                    cached
                        .as_ref()
                        .filter(|c| {
                            c.expiry()
                                .is_some_and(|x| x > SystemTime::now() + STILL_USABLE)
                        })
                        .cloned()
                };
                match still {
                    Some(c) => {
                        tracing::warn!(error = %describe(&e), "refreshing credentials failed; using the current ones until they expire");
                        Ok(Some(c))
                    }
                    None => Err(BuildError::new(format!(
                        "cannot get credentials: {}",
                        describe(&e)
                    ))),
                }
            }
        }
    }

    /// The credentials of a one-request override, without caching.
    pub(crate) async fn once(
        source: &CredentialsSource,
        transport: &Transport,
    ) -> Result<Option<Credentials>, BuildError> {
        Resolver::new(source, transport).credentials().await
    }
}

/// A credentials error with its causes, on one line.
pub(crate) fn describe(e: &CredentialsError) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let next = c.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = c.source();
    }
    text
}

/// One HTTP exchange with a credentials endpoint, within `timeout`: the status and at
/// most 1 MiB of body.
pub(crate) async fn fetch(
    transport: &Transport,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Bytes,
    timeout: Duration,
) -> Result<(u16, Bytes), String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("invalid URL {url}: {e}"))?;
    let mut request = http::Request::new(RequestBody::full(body.clone()));
    if !body.is_empty() || method == Method::PUT || method == Method::POST {
        request
            .headers_mut()
            .insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    }
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| format!("header {name} has an invalid value"))?;
        value.set_sensitive(true);
        request.headers_mut().insert(name, value);
    }
    let exchange = async {
        let response = transport.send(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = GuardedBody::new(response.into_body(), None)
            .read_to_limit(1 << 20, None)
            .await
            .map_err(|e| match e {
                super::stall::ReadError::Body(b) => b.to_string(),
                super::stall::ReadError::TooLarge => "the answer is larger than 1 MiB".to_string(),
            })?;
        Ok((status, body))
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer from {url} within {timeout:?}")),
    }
}

/// Credentials from the JSON shape the container endpoint, instance metadata and
/// `credential_process` share: `AccessKeyId`, `SecretAccessKey`, `Token` or
/// `SessionToken`, and an ISO 8601 `Expiration`.
pub(crate) fn from_json(
    body: &[u8],
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    from_document(&parse_answer(body, provider)?, provider)
}

/// A credential endpoint's answer as JSON, or an error naming the provider.
pub(crate) fn parse_answer(
    body: &[u8],
    provider: &'static str,
) -> Result<Document, CredentialsError> {
    json::parse(body).map_err(|e| {
        CredentialsError::unhandled(format!("{provider}: the answer is not JSON: {e}"))
    })
}

/// [`from_json`] for an answer already parsed (to read other members of it first).
pub(crate) fn from_document(
    value: &Document,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let text = |key: &str| json::text(value, key);
    let missing =
        |key: &str| CredentialsError::unhandled(format!("{provider}: the answer has no `{key}`"));
    let id = text("AccessKeyId").ok_or_else(|| missing("AccessKeyId"))?;
    let secret = text("SecretAccessKey").ok_or_else(|| missing("SecretAccessKey"))?;
    let token = text("Token").or_else(|| text("SessionToken"));
    let expiry = text("Expiration")
        .map(|e| {
            parse_time(e)
                .map_err(|why| CredentialsError::unhandled(format!("{provider}: Expiration {why}")))
        })
        .transpose()?;
    Ok(Credentials::new(
        id,
        secret,
        token.map(str::to_string),
        expiry,
        provider,
    ))
}

/// An ISO 8601 time, as credential endpoints write expirations.
pub(crate) fn parse_time(text: &str) -> Result<SystemTime, String> {
    let t = DateTime::from_str(text.trim(), DateTimeFormat::DateTime)
        .map_err(|e| format!("`{text}` is not a valid time: {e}"))?;
    SystemTime::try_from(t).map_err(|e| format!("`{text}` is out of range: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicU32>,
        lifetime: Duration,
        fail_after: u32,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> crate::credentials::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            crate::credentials::future::ProvideCredentials::new(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                if n > self.fail_after {
                    return Err(CredentialsError::provider_error("source down"));
                }
                Ok(Credentials::new(
                    format!("AKID{n}"),
                    "S",
                    None,
                    Some(SystemTime::now() + self.lifetime),
                    "counting",
                ))
            })
        }
    }

    fn resolver(lifetime: Duration, fail_after: u32) -> (Arc<Resolver>, Arc<AtomicU32>) {
        let calls = Arc::new(AtomicU32::new(0));
        let provider = Counting {
            calls: calls.clone(),
            lifetime,
            fail_after,
        };
        let source =
            CredentialsSource::Provider(SharedCredentialsProvider::new(provider), "counting");
        (
            Arc::new(Resolver::new(
                &source,
                &Transport::new(Duration::from_secs(1)),
            )),
            calls,
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_refresh_for_many_callers_and_refresh_before_expiry() {
        // Long-lived: twenty concurrent callers, one call to the provider.
        let (r, calls) = resolver(Duration::from_secs(3600), u32::MAX);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let r = r.clone();
                tokio::spawn(async move { r.credentials().await.unwrap().unwrap() })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().access_key_id(), "AKID1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // Expiring within the refresh window: every use refreshes.
        let (r, calls) = resolver(Duration::from_secs(120), u32::MAX);
        for i in 1..=3 {
            let c = r.credentials().await.unwrap().unwrap();
            assert_eq!(c.access_key_id(), format!("AKID{i}"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        // A failed refresh keeps the current credentials while they last.
        let (r, _) = resolver(Duration::from_secs(120), 1);
        assert_eq!(
            r.credentials().await.unwrap().unwrap().access_key_id(),
            "AKID1"
        );
        assert_eq!(
            r.credentials().await.unwrap().unwrap().access_key_id(),
            "AKID1"
        );
        let (r, _) = resolver(Duration::from_secs(120), 0);
        let err = r.credentials().await.unwrap_err();
        assert!(err.message().contains("source down"), "{err}");
    }

    #[tokio::test]
    async fn unset_and_anonymous() {
        let t = Transport::new(Duration::from_secs(1));
        let err = Resolver::new(&CredentialsSource::Unset, &t)
            .credentials()
            .await
            .unwrap_err();
        assert!(err.message().contains("anonymous()"), "{err}");
        assert!(
            Resolver::new(&CredentialsSource::Anonymous, &t)
                .credentials()
                .await
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn json_credentials() {
        let c = from_json(br#"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2026-12-02T10:00:00Z"}"#, "imds").unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("A", Some("T")));
        assert!(c.expiry().is_some());
        let err = from_json(br#"{"AccessKeyId":"A"}"#, "imds").unwrap_err();
        assert!(
            describe(&err).contains("no `SecretAccessKey`"),
            "{}",
            describe(&err)
        );
        assert!(from_json(b"<html>", "imds").is_err());
    }
}
