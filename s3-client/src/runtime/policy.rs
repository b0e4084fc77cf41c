//! What happens after each attempt: the retry policy of one operation, applying the pure
//! rules of `retry` (classification, backoff, quota costs) with the client's shared
//! state (the retry quota, the adaptive rate limiter, bucket regions, the clock).

use std::time::Duration;

use super::Response;
use super::attempt::{Attempted, Failed, Failure, Operation};
use super::retry::{RetryKind, SUCCESS_REFILL, backoff};
use crate::config::RetryMode;

/// What the driver does next.
pub(crate) enum Next {
    /// The operation succeeded.
    Done(Response),
    /// The operation failed for good.
    Stop(Failure),
    /// Send again at once (a region redirect: not an attempt of its own).
    Resend,
    /// Send again after this wait.
    Retry(Duration),
}

/// The retry state of one operation.
pub(crate) struct Retries<'a> {
    op: &'a Operation<'a>,
    /// The attempt about to be made (from 1).
    pub(crate) attempt: u32,
    /// Time spent waiting for the server and in backoff, against the operation timeout.
    waited: Duration,
    /// Retry-quota tokens this operation took.
    spent: u32,
    redirected: bool,
}

const ONE_SHOT: &str = "not retried: the body is a one-shot stream, which cannot be sent twice (send it from memory or a file to make the request retryable)";

impl<'a> Retries<'a> {
    pub(crate) fn new(op: &'a Operation<'a>) -> Self {
        Retries {
            op,
            attempt: 1,
            waited: Duration::ZERO,
            spent: 0,
            redirected: false,
        }
    }

    fn adaptive(&self) -> bool {
        self.op.config.retry.mode == RetryMode::Adaptive
    }

    /// The adaptive rate limiter's wait before the next send (zero in standard mode).
    pub(crate) fn pacing(&self) -> Duration {
        let handle = self.op.handle;
        if self.adaptive() {
            handle.limiter.before_send(handle.elapsed_secs())
        } else {
            Duration::ZERO
        }
    }

    /// How long the next attempt may wait for the server: the attempt timeout, within
    /// what the operation timeout leaves.
    pub(crate) fn budget(&self) -> Option<Duration> {
        let remaining = self
            .op
            .config
            .timeouts
            .operation
            .map(|t| t.saturating_sub(self.waited));
        match (self.op.attempt_budget(), remaining) {
            (Some(a), Some(r)) => Some(a.min(r)),
            (a, r) => a.or(r),
        }
    }

    /// Decides what follows an attempt.
    pub(crate) fn after(&mut self, attempted: Attempted, replayable: bool) -> Next {
        let handle = self.op.handle;
        self.waited += attempted.waited;
        let failed = match attempted.result {
            Ok(response) => {
                let refund = if self.spent > 0 {
                    self.spent
                } else {
                    SUCCESS_REFILL
                };
                handle.quota.release(refund);
                if self.adaptive() {
                    handle.limiter.after_response(handle.elapsed_secs(), false);
                }
                return Next::Done(response);
            }
            Err(failed) => failed,
        };
        if self.adaptive() {
            let throttled = failed.kind == RetryKind::Throttling;
            handle
                .limiter
                .after_response(handle.elapsed_secs(), throttled);
        }
        if let Some(next) = self.redirect(&failed, replayable) {
            return match next {
                Ok(region) => {
                    tracing::debug!(
                        region,
                        "region redirect: signing again for the bucket's region"
                    );
                    Next::Resend
                }
                Err(note) => Next::Stop(failed.failure.with_note(note)),
            };
        }
        match self.retry(&failed, replayable) {
            Ok(delay) => {
                tracing::debug!(kind = ?failed.kind, ?delay, "attempt failed; retrying");
                self.attempt += 1;
                self.waited += delay;
                Next::Retry(delay)
            }
            Err(note) => {
                tracing::debug!(kind = ?failed.kind, note = note.as_deref().unwrap_or(""), "attempt failed; not retrying");
                Next::Stop(match note {
                    Some(note) => failed.failure.with_note(note),
                    None => failed.failure,
                })
            }
        }
    }

    /// A region redirect, once per operation: the region to sign for (now learnt for the
    /// bucket), or why the request cannot be sent again.
    fn redirect(&mut self, failed: &Failed, replayable: bool) -> Option<Result<String, String>> {
        let region = failed.region.as_ref()?;
        let bucket = self.op.prepared.bucket.as_ref()?;
        if self.redirected {
            return None;
        }
        self.redirected = true;
        if !replayable {
            return Some(Err(format!("the bucket is in {region}; {ONE_SHOT}")));
        }
        self.op.handle.regions.learn(bucket, region);
        Some(Ok(region.clone()))
    }

    /// The backoff before retrying `failed`, or why there is no retry.
    fn retry(&mut self, failed: &Failed, replayable: bool) -> Result<Duration, Option<String>> {
        let handle = self.op.handle;
        let retry = &self.op.config.retry;
        match failed.kind {
            RetryKind::Permanent => return Err(None),
            RetryKind::ClockSkew => match failed.server_time {
                Some(server) => handle.correct_clock(server),
                None => {
                    return Err(Some(
                        "not retried: the clock seems skewed, but the answer has no Date to correct it by".into(),
                    ));
                }
            },
            _ => {}
        }
        if self.attempt >= retry.max_attempts {
            let note = (retry.max_attempts > 1)
                .then(|| format!("gave up after {} attempts", self.attempt));
            return Err(note);
        }
        if !replayable {
            return Err(Some(ONE_SHOT.into()));
        }
        let cost = failed.kind.cost();
        if retry.quota {
            if !handle.quota.acquire(cost) {
                return Err(Some(format!(
                    "not retried: the client's retry quota is spent after a burst of failures ({} tokens left)",
                    handle.quota.available()
                )));
            }
            self.spent += cost;
        }
        let delay = backoff(
            self.attempt,
            retry.initial_backoff,
            retry.max_backoff,
            failed.retry_after,
            (retry.jitter)(),
        );
        if let Some(limit) = self.op.config.timeouts.operation
            && self.waited + delay >= limit
        {
            return Err(Some(format!(
                "not retried: the operation timeout of {limit:?} would pass during the {delay:?} backoff"
            )));
        }
        Ok(delay)
    }
}
