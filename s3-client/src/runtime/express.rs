//! S3 Express One Zone: which buckets are directory buckets, and the session credentials
//! their requests are signed with, created by `CreateSession` and cached per bucket until
//! shortly before they expire.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use crate::credentials::Credentials;
use crate::error::BuildError;

/// The SigV4 service name of every directory-bucket request.
pub(crate) const SIGNING_NAME: &str = "s3express";
/// The header (and, presigned, the query parameter) a session token travels in, instead
/// of `x-amz-security-token`.
pub(crate) const TOKEN_HEADER: &str = "x-amz-s3session-token";

/// Sessions are replaced this long before they expire, as the AWS SDKs do; S3 makes them
/// for five minutes.
const REFRESH_BEFORE: Duration = Duration::from_secs(60);
/// The most sessions one client keeps; past it, those that expire first go.
const MAX_SESSIONS: usize = 100;

/// How an operation reaches a directory bucket (the model's `s3_express`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum S3Express {
    /// At the bucket's zonal endpoint, signed with session credentials.
    #[default]
    Session,
    /// At the zonal endpoint, signed with the caller's own credentials (CreateSession,
    /// server-side copies).
    NoSession,
    /// On AWS, at the regional S3 Express control endpoint with the caller's own
    /// credentials; elsewhere as `Session`.
    ControlEndpoint,
}

/// Whether `bucket` is named as a directory bucket: `<base>--<zone>--x-s3` (or `--xa-s3`
/// in a Local Zone).
pub(crate) fn is_directory(bucket: &str) -> bool {
    bucket.ends_with("--x-s3") || bucket.ends_with("--xa-s3")
}

/// The zone of a directory bucket (`usw2-az1` of `data--usw2-az1--x-s3`), or why the name
/// is not one S3 Express accepts.
pub(crate) fn zone(bucket: &str) -> Result<&str, BuildError> {
    let invalid = |why: &str| {
        BuildError::member(
            "Bucket",
            format!("{bucket:?} is not a valid directory bucket name: {why}"),
        )
    };
    let rest = bucket
        .strip_suffix("--x-s3")
        .or_else(|| bucket.strip_suffix("--xa-s3"))
        .ok_or_else(|| invalid("it must end in `--x-s3`"))?;
    let (base, zone) = rest
        .rsplit_once("--")
        .ok_or_else(|| invalid("it must be `<base>--<zone>--x-s3`"))?;
    let label = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    };
    if !label(base) || !label(zone) || !super::endpoint::dns_compatible(bucket) {
        return Err(invalid(
            "it must be a host name label: lower-case letters, digits and hyphens",
        ));
    }
    Ok(zone)
}

/// What creates a session: `CreateSession` on the bucket, sent by the client that owns
/// the cache with its own credentials. Its error is a sentence for the caller.
pub(crate) type SessionFuture = Pin<Box<dyn Future<Output = Result<Credentials, String>> + Send>>;

/// One bucket's session, and the lock that makes concurrent requests wait for one
/// `CreateSession` instead of each sending their own.
#[derive(Default)]
struct Slot {
    current: RwLock<Option<Credentials>>,
    creating: tokio::sync::Mutex<()>,
}

impl Slot {
    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        current.as_ref().filter(|c| usable(c, now)).cloned()
    }

    fn expiry(&self) -> Option<SystemTime> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        current.as_ref().and_then(Credentials::expiry)
    }
}

fn usable(c: &Credentials, now: SystemTime) -> bool {
    c.expiry().is_some_and(|e| e > now + REFRESH_BEFORE)
}

/// The sessions of one client, by bucket and the access key that created them.
#[derive(Default)]
pub(crate) struct Sessions {
    slots: Mutex<HashMap<(String, String), Arc<Slot>>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sessions")
    }
}

impl Sessions {
    fn slot(&self, bucket: &str, base: &Credentials, now: SystemTime) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let key = (bucket.to_string(), base.access_key_id().to_string());
        if let Some(slot) = slots.get(&key) {
            return slot.clone();
        }
        if slots.len() >= MAX_SESSIONS {
            slots.retain(|_, s| s.fresh(now).is_some());
            while slots.len() >= MAX_SESSIONS {
                let Some(first) = slots
                    .iter()
                    .min_by_key(|(_, s)| s.expiry())
                    .map(|(k, _)| k.clone())
                else {
                    break;
                };
                slots.remove(&first);
            }
        }
        slots.entry(key).or_default().clone()
    }

    /// The session credentials for `bucket` under `base`: the cached ones while they have
    /// more than a minute left, else new ones from `create`.
    pub(crate) async fn credentials(
        &self,
        bucket: &str,
        base: &Credentials,
        now: impl Fn() -> SystemTime,
        create: impl FnOnce() -> SessionFuture,
    ) -> Result<Credentials, BuildError> {
        let slot = self.slot(bucket, base, now());
        if let Some(c) = slot.fresh(now()) {
            return Ok(c);
        }
        let _one_at_a_time = slot.creating.lock().await;
        if let Some(c) = slot.fresh(now()) {
            return Ok(c);
        }
        let session = create().await.map_err(|why| {
            BuildError::new(format!(
                "cannot create an S3 Express session for bucket {bucket:?}: {why}"
            ))
        })?;
        if session.expiry().is_none() {
            return Err(BuildError::new(format!(
                "the S3 Express session for bucket {bucket:?} has no expiration"
            )));
        }
        *slot.current.write().unwrap_or_else(|p| p.into_inner()) = Some(session.clone());
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn base(id: &str) -> Credentials {
        Credentials::new(id, "secret", None, None, "test")
    }

    fn creator(
        calls: &Arc<AtomicU32>,
        lifetime: Duration,
    ) -> impl FnOnce() -> SessionFuture + use<> {
        let calls = calls.clone();
        move || {
            Box::pin(async move {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::task::yield_now().await;
                Ok(Credentials::new(
                    format!("SESSION{n}"),
                    "s",
                    Some(format!("token{n}")),
                    Some(SystemTime::now() + lifetime),
                    "CreateSession",
                ))
            })
        }
    }

    /// The access key of the session `sessions` gives for `bucket` under base key `key`
    /// at `now`, a new one lasting `lifetime` if it makes one.
    async fn session(
        sessions: &Sessions,
        calls: &Arc<AtomicU32>,
        bucket: &str,
        key: &str,
        now: SystemTime,
        lifetime: Duration,
    ) -> String {
        let c = sessions
            .credentials(bucket, &base(key), || now, creator(calls, lifetime))
            .await
            .unwrap();
        c.access_key_id().to_string()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_session_per_bucket_and_key_until_a_minute_before_expiry() {
        let sessions = Arc::new(Sessions::default());
        let calls = Arc::new(AtomicU32::new(0));
        let five = Duration::from_secs(300);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (s, calls) = (sessions.clone(), calls.clone());
                tokio::spawn(async move {
                    let now = SystemTime::now();
                    session(&s, &calls, "a--usw2-az1--x-s3", "AKID", now, five).await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "SESSION1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // Another bucket, or other base credentials: another session.
        let now = SystemTime::now();
        let b = session(&sessions, &calls, "b--usw2-az1--x-s3", "AKID", now, five).await;
        assert_eq!(b, "SESSION2");
        let other = session(&sessions, &calls, "a--usw2-az1--x-s3", "AKID2", now, five).await;
        assert_eq!(other, "SESSION3");

        // Four minutes later (an injected clock), the first is still used; after four
        // minutes and a second, it has less than a minute left and is replaced.
        let later = |by: u64| SystemTime::now() + Duration::from_secs(by);
        let same = session(
            &sessions,
            &calls,
            "a--usw2-az1--x-s3",
            "AKID",
            later(238),
            five,
        )
        .await;
        assert_eq!(same, "SESSION1");
        let long = Duration::from_secs(600);
        let renewed = session(
            &sessions,
            &calls,
            "a--usw2-az1--x-s3",
            "AKID",
            later(241),
            long,
        )
        .await;
        assert_eq!(renewed, "SESSION4");
    }

    #[tokio::test]
    async fn a_failed_session_names_the_bucket_and_the_cache_stays_bounded() {
        let sessions = Sessions::default();
        let err = sessions
            .credentials("a--usw2-az1--x-s3", &base("AKID"), SystemTime::now, || {
                Box::pin(async { Err("AccessDenied: no".to_string()) })
            })
            .await
            .unwrap_err();
        assert!(
            err.message()
                .contains("\"a--usw2-az1--x-s3\": AccessDenied"),
            "{err}"
        );

        let calls = Arc::new(AtomicU32::new(0));
        for i in 0..(MAX_SESSIONS + 20) {
            let bucket = format!("b{i}--usw2-az1--x-s3");
            let five = Duration::from_secs(300);
            session(&sessions, &calls, &bucket, "AKID", SystemTime::now(), five).await;
        }
        assert!(sessions.slots.lock().unwrap().len() <= MAX_SESSIONS);
    }

    #[test]
    fn directory_bucket_names() {
        assert!(is_directory("data--usw2-az1--x-s3"));
        assert!(!is_directory("data--usw2-az1--op-s3"));
        assert_eq!(zone("data--usw2-az1--x-s3").unwrap(), "usw2-az1");
        assert_eq!(zone("my--usw2-lax1-az1--x-s3").unwrap(), "usw2-lax1-az1");
        assert_eq!(zone("my--use1-az4--xa-s3").unwrap(), "use1-az4");
        for bad in [
            "x--x-s3",
            "My--usw2-az1--x-s3",
            "--usw2-az1--x-s3",
            "a.b--usw2-az1--x-s3",
        ] {
            let err = zone(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{bad}: {err}");
        }
    }
}
