//! The driver every operation goes through: prepare the request once, then attempt and
//! let the retry policy decide, until an answer, a permanent error, or a limit.

use std::sync::Arc;

use tracing::Instrument;

use super::attempt::{Failure, Operation};
use super::policy::{Next, Retries};
use super::prepare::prepare;
use super::{Handle, OperationSpec, Request, Response};
use crate::config::ConfigBuilder;
use crate::primitives::ByteStream;

/// Sends `request` for `spec`, retrying as the configuration says.
pub(crate) async fn invoke(
    handle: &Arc<Handle>,
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
    handle: &Arc<Handle>,
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
        own_credentials: overrides.is_none_or(|o| !o.sets_credentials()),
    };
    let mut bodies = Bodies::new(body);
    let mut retries = Retries::new(&op);
    loop {
        let pacing = retries.pacing();
        if !pacing.is_zero() {
            tokio::time::sleep(pacing).await;
        }
        let span = tracing::debug_span!(
            "attempt",
            attempt = retries.attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty
        );
        let started = tokio::time::Instant::now();
        let attempted = op
            .attempt(retries.attempt, bodies.next(), retries.budget(), &span)
            .instrument(span.clone())
            .await;
        let next = span.in_scope(|| {
            tracing::debug!(latency = ?started.elapsed(), ok = attempted.result.is_ok(), "attempt ended");
            retries.after(attempted, bodies.replayable())
        });
        match next {
            Next::Done(response) => return Ok(response),
            Next::Stop(failure) => return Err(failure),
            Next::Resend => {}
            Next::Retry(delay) => tokio::time::sleep(delay).await,
        }
    }
}
