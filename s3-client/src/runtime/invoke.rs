//! The driver every operation goes through: prepare the request once, then attempt,
//! classify and retry until an answer, a permanent error, or a limit.

use std::time::Duration;

use tracing::Instrument;

use super::attempt::{Attempted, Failed, Failure, Operation};
use super::prepare::prepare;
use super::retry::{RetryKind, SUCCESS_REFILL, backoff};
use super::{Handle, OperationSpec, Request, Response};
use crate::config::{ConfigBuilder, RetryMode};
use crate::primitives::ByteStream;

/// Sends `request` for `spec`, retrying as the configuration says.
pub(crate) async fn invoke(
    handle: &Handle,
    spec: &'static OperationSpec,
    request: Request,
    overrides: Option<&ConfigBuilder>,
) -> Result<Response, Failure> {
    let span = tracing::debug_span!(
        "s3_operation",
        operation = spec.name,
        bucket = request.bucket.as_deref().unwrap_or(""),
        method = spec.method.as_str(),
    );
    drive(handle, spec, request, overrides)
        .instrument(span)
        .await
}

/// The body of each attempt: the same bytes or file again, or a one-shot stream once.
struct Bodies {
    template: Option<ByteStream>,
    once: Option<ByteStream>,
}

impl Bodies {
    fn new(body: ByteStream) -> Self {
        match body.replay() {
            Some(_) => Bodies {
                template: Some(body),
                once: None,
            },
            None => Bodies {
                template: None,
                once: Some(body),
            },
        }
    }

    fn next(&mut self) -> ByteStream {
        match &self.template {
            Some(t) => t.replay().unwrap_or_default(),
            None => self.once.take().unwrap_or_default(),
        }
    }

    fn replayable(&self) -> bool {
        self.template.is_some()
    }
}

async fn drive(
    handle: &Handle,
    spec: &'static OperationSpec,
    request: Request,
    overrides: Option<&ConfigBuilder>,
) -> Result<Response, Failure> {
    let config = handle.config_for(overrides);
    let endpoint = handle
        .endpoint_for(&config)
        .map_err(Failure::Construction)?;
    let (prepared, body) = prepare(spec, request, &config)
        .await
        .map_err(Failure::Construction)?;
    let op = Operation {
        handle,
        spec,
        config: &config,
        endpoint: &endpoint,
        prepared: &prepared,
    };
    let retry = &config.retry;
    let mut bodies = Bodies::new(body);
    let mut waited = Duration::ZERO;
    let mut spent = 0;
    let mut redirected = false;
    let mut attempt = 0;
    loop {
        attempt += 1;
        if retry.mode == RetryMode::Adaptive {
            let delay = handle.limiter.before_send(handle.elapsed_secs());
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
        let remaining = config.timeouts.operation.map(|t| t.saturating_sub(waited));
        let budget = match (op.attempt_budget(), remaining) {
            (Some(a), Some(r)) => Some(a.min(r)),
            (a, r) => a.or(r),
        };
        let span = tracing::debug_span!(
            "attempt",
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty
        );
        let started = tokio::time::Instant::now();
        let Attempted { result, waited: w } = op
            .attempt(attempt, bodies.next(), budget)
            .instrument(span.clone())
            .await;
        waited += w;
        let latency = started.elapsed();
        let failed = match result {
            Ok(response) => {
                span.in_scope(|| tracing::debug!(?latency, "attempt succeeded"));
                handle
                    .quota
                    .release(if spent > 0 { spent } else { SUCCESS_REFILL });
                if retry.mode == RetryMode::Adaptive {
                    handle.limiter.after_response(handle.elapsed_secs(), false);
                }
                return Ok(response);
            }
            Err(failed) => failed,
        };
        if retry.mode == RetryMode::Adaptive {
            let throttled = failed.kind == RetryKind::Throttling;
            handle
                .limiter
                .after_response(handle.elapsed_secs(), throttled);
        }
        match decide(&op, &failed, attempt, bodies.replayable(), &mut redirected) {
            Decision::Redirect(region) => {
                span.in_scope(|| {
                    tracing::debug!(
                        ?latency,
                        region,
                        "region redirect: signing again for the bucket's region"
                    )
                });
                if let Some(bucket) = &prepared.bucket {
                    handle.regions.learn(bucket, &region);
                }
                attempt -= 1;
                continue;
            }
            Decision::Stop(note) => {
                span.in_scope(|| tracing::debug!(?latency, kind = ?failed.kind, note = note.as_deref().unwrap_or(""), "attempt failed; not retrying"));
                return Err(match note {
                    Some(note) => failed.failure.with_note(note),
                    None => failed.failure,
                });
            }
            Decision::Retry => {}
        }
        if failed.kind == RetryKind::ClockSkew
            && let Some(server) = failed.server_time
        {
            handle.correct_clock(server);
        }
        let cost = failed.kind.cost();
        if retry.quota {
            if !handle.quota.acquire(cost) {
                let note = format!(
                    "not retried: the client's retry quota is spent after a burst of failures ({} tokens left)",
                    handle.quota.available()
                );
                return Err(failed.failure.with_note(note));
            }
            spent += cost;
        }
        let delay = backoff(
            attempt,
            retry.initial_backoff,
            retry.max_backoff,
            failed.retry_after,
            (retry.jitter)(),
        );
        if let Some(limit) = config.timeouts.operation
            && waited + delay >= limit
        {
            let note = format!(
                "not retried: the operation timeout of {limit:?} would pass during the {delay:?} backoff"
            );
            return Err(failed.failure.with_note(note));
        }
        span.in_scope(
            || tracing::debug!(?latency, kind = ?failed.kind, ?delay, "attempt failed; retrying"),
        );
        tokio::time::sleep(delay).await;
        waited += delay;
    }
}

/// What to do after a failed attempt.
enum Decision {
    /// Sign again for the bucket's region and resend at once (once per operation).
    Redirect(String),
    /// Retry after the backoff.
    Retry,
    /// Return the failure, with a note saying why there is no retry when that helps.
    Stop(Option<String>),
}

const ONE_SHOT: &str = "not retried: the body is a one-shot stream, which cannot be sent twice (send it from memory or a file to make the request retryable)";

fn decide(
    op: &Operation<'_>,
    failed: &Failed,
    attempt: u32,
    replayable: bool,
    redirected: &mut bool,
) -> Decision {
    if let Some(region) = &failed.region
        && op.prepared.bucket.is_some()
        && !*redirected
    {
        *redirected = true;
        if !replayable {
            return Decision::Stop(Some(format!("the bucket is in {region}; {ONE_SHOT}")));
        }
        return Decision::Redirect(region.clone());
    }
    match failed.kind {
        RetryKind::Permanent => return Decision::Stop(None),
        RetryKind::ClockSkew if failed.server_time.is_none() => {
            return Decision::Stop(Some(
                "not retried: the clock seems skewed, but the answer has no Date to correct it by"
                    .into(),
            ));
        }
        _ => {}
    }
    let max = op.config.retry.max_attempts;
    if attempt >= max {
        return Decision::Stop((max > 1).then(|| format!("gave up after {attempt} attempts")));
    }
    if !replayable {
        return Decision::Stop(Some(ONE_SHOT.into()));
    }
    Decision::Retry
}
