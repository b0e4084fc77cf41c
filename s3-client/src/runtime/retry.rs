//! AWS standard-mode retries: which outcomes are worth another attempt (`classify`), how
//! long to wait (`backoff`), and the retry quota shared by every request of a client.
//!
//! `classify` and `backoff` are pure; the randomness of the jitter is a parameter, so
//! tests choose it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// What an attempt's outcome means for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryKind {
    /// A transient failure: a 5xx, a broken connection, a truncated or empty answer.
    Transient,
    /// The server asked the client to slow down.
    Throttling,
    /// The attempt ran out of time, or a body stalled.
    Timeout,
    /// The server's clock and ours disagree; retry once the clock is corrected.
    ClockSkew,
    /// Not worth another attempt.
    Permanent,
}

impl RetryKind {
    /// Retry-quota tokens a retry of this kind costs (AWS standard mode).
    pub(crate) fn cost(self) -> u32 {
        match self {
            RetryKind::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }
}

/// What the classifier looks at: the transport failure, or the status and code of the
/// answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome<'a> {
    /// No connection could be opened; nothing was sent.
    ConnectFailed,
    /// The attempt timed out (connecting, or waiting for the answer), or a body stalled.
    TimedOut,
    /// The connection broke while sending or receiving (reset, truncated body).
    Broken,
    /// A success status whose body could not be read: empty or malformed where an XML
    /// document was due.
    UnreadableSuccess,
    /// An error answer with its status and code (a 200 carrying an `<Error>` document is
    /// given with status 200).
    Error { status: u16, code: Option<&'a str> },
}

/// Error codes that mean "slow down" (the union botocore and the AWS SDKs use).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures.
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "ServiceUnavailable",
];

/// Error codes that mean the request's signing time is too far from the server's.
const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "AuthFailure",
];

/// Statuses of transient failures.
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// How an outcome should be treated.
pub(crate) fn classify(outcome: Outcome<'_>) -> RetryKind {
    match outcome {
        Outcome::ConnectFailed | Outcome::Broken | Outcome::UnreadableSuccess => {
            RetryKind::Transient
        }
        Outcome::TimedOut => RetryKind::Timeout,
        Outcome::Error { status, code } => {
            let code = code.unwrap_or_default();
            if THROTTLING_CODES.contains(&code) || status == 429 {
                RetryKind::Throttling
            } else if CLOCK_SKEW_CODES.contains(&code) {
                RetryKind::ClockSkew
            } else if TRANSIENT_CODES.contains(&code) || TRANSIENT_STATUSES.contains(&status) {
                RetryKind::Transient
            } else if status == 200 {
                // S3 reports some failures in a 200 (CopyObject, CompleteMultipartUpload):
                // botocore treats them as a 500.
                RetryKind::Transient
            } else {
                RetryKind::Permanent
            }
        }
    }
}

/// How far beyond the computed backoff an `x-amz-retry-after` may push the wait.
pub(crate) const MAX_RETRY_AFTER_EXTRA: Duration = Duration::from_secs(5);

/// The wait before retry number `retry` (1 for the first retry): full-jitter
/// exponential backoff, `random * min(base * 2^(retry-1), max)`, with `random` in
/// `[0, 1)`. A server's `x-amz-retry-after` raises the wait to what it asks, but never
/// more than 5 s beyond the computed backoff.
pub(crate) fn backoff(
    retry: u32,
    base: Duration,
    max: Duration,
    retry_after: Option<Duration>,
    random: f64,
) -> Duration {
    let exp = base
        .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
        .min(max);
    let jittered = exp.mul_f64(random.clamp(0.0, 1.0));
    match retry_after {
        Some(asked) => jittered.max(asked.min(jittered + MAX_RETRY_AFTER_EXTRA)),
        None => jittered,
    }
}

/// Reads `x-amz-retry-after` (milliseconds); anything else is ignored, as botocore does.
pub(crate) fn retry_after(value: Option<&str>) -> Option<Duration> {
    value?.trim().parse::<u64>().ok().map(Duration::from_millis)
}

/// Tokens the quota starts with.
pub(crate) const QUOTA: u32 = 500;
/// Cost of retrying a transient or throttling error.
pub(crate) const RETRY_COST: u32 = 5;
/// Cost of retrying a timeout.
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;
/// Given back by a request that succeeded on its first attempt.
pub(crate) const SUCCESS_REFILL: u32 = 1;

/// The retry quota: retries spend tokens, successes give them back. When a burst of
/// failures empties it, requests stop retrying until successes refill it, so an outage
/// is not made worse by every request retrying.
#[derive(Debug)]
pub(crate) struct RetryQuota {
    tokens: AtomicU32,
}

impl RetryQuota {
    pub(crate) fn new() -> Self {
        RetryQuota {
            tokens: AtomicU32::new(QUOTA),
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub(crate) fn acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Gives back `amount` tokens, up to the initial quota.
    pub(crate) fn release(&self, amount: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(amount).min(QUOTA))
            });
    }

    /// Tokens left.
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        use Outcome::*;
        use RetryKind::*;
        let error = |status, code| Error { status, code };
        let table: &[(Outcome<'_>, RetryKind)] = &[
            (ConnectFailed, Transient),
            (TimedOut, Timeout),
            (Broken, Transient),
            (UnreadableSuccess, Transient),
            (error(500, Some("InternalError")), Transient),
            (error(502, None), Transient),
            (error(503, Some("SlowDown")), Throttling),
            (error(503, Some("ServiceUnavailable")), Transient),
            (error(504, None), Transient),
            (error(429, None), Throttling),
            (error(400, Some("RequestTimeout")), Transient),
            (error(400, Some("Throttling")), Throttling),
            (error(403, Some("RequestTimeTooSkewed")), ClockSkew),
            (error(403, Some("RequestExpired")), ClockSkew),
            (error(200, Some("InternalError")), Transient),
            (error(200, Some("SomethingElse")), Transient),
            (error(403, Some("AccessDenied")), Permanent),
            (error(404, Some("NoSuchKey")), Permanent),
            (error(400, Some("InvalidArgument")), Permanent),
            (error(412, None), Permanent),
            (error(501, Some("NotImplemented")), Permanent),
            (error(301, Some("PermanentRedirect")), Permanent),
        ];
        for (outcome, kind) in table {
            assert_eq!(classify(*outcome), *kind, "{outcome:?}");
        }
        assert_eq!(Timeout.cost(), 10);
        assert_eq!(Transient.cost(), 5);
        assert_eq!(Throttling.cost(), 5);
    }

    #[test]
    fn backoff_is_full_jitter_exponential_and_capped() {
        let s = Duration::from_secs;
        let b = |retry, random| backoff(retry, s(1), s(20), None, random);
        assert_eq!(b(1, 0.5), Duration::from_millis(500));
        assert_eq!(b(2, 0.5), s(1));
        assert_eq!(b(3, 1.0), s(4));
        assert_eq!(b(5, 1.0), s(16));
        assert_eq!(b(6, 1.0), s(20));
        assert_eq!(b(60, 1.0), s(20));
        assert_eq!(b(3, 0.0), Duration::ZERO);
        // x-amz-retry-after raises the wait, at most 5 s past the backoff.
        let ra = |retry, asked: Duration, random| backoff(retry, s(1), s(20), Some(asked), random);
        assert_eq!(ra(1, s(3), 0.0), s(3));
        assert_eq!(ra(1, s(30), 0.0), s(5));
        assert_eq!(ra(1, s(30), 1.0), s(6));
        assert_eq!(ra(3, Duration::from_millis(10), 1.0), s(4));
        assert_eq!(retry_after(Some("1500")), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(Some("-1")), None);
        assert_eq!(retry_after(Some("soon")), None);
    }

    #[test]
    fn quota_spends_and_refills() {
        let q = RetryQuota::new();
        for _ in 0..50 {
            assert!(q.acquire(TIMEOUT_RETRY_COST));
        }
        assert_eq!(q.available(), 0);
        assert!(!q.acquire(RETRY_COST));
        q.release(RETRY_COST);
        assert!(q.acquire(RETRY_COST));
        q.release(QUOTA * 2);
        assert_eq!(q.available(), QUOTA);
    }
}
