//! One attempt: address and sign the prepared request, send it under the attempt's
//! deadline and stalled-stream protection, and read the answer within its limits.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use tokio::time::Instant;

use super::aws_chunked::{self, AwsChunked};
use super::checksum;
use super::endpoint::Endpoint;
use super::http::{RequestBody, TransportFailure};
use super::prepare::Prepared;
use super::read::{self, ERROR_BODY_LIMIT};
use super::region::redirect_region;
use super::retry::{Outcome, RetryKind, classify};
use super::signing;
use super::stall::{BodyError, Expired, GuardedBody, ReadError, StallRule, Upload};
use super::xml::is_complete_document;
use super::{Handle, OperationSpec, OutputKind, Response};
use crate::config::Config;
use crate::error::{
    BuildError, DispatchError, DispatchErrorKind, ErrorMetadata, RawResponse, ResponseError,
};
use crate::primitives::{ByteStream, ByteStreamError};

/// Why an operation did not produce a response to deserialise.
#[derive(Debug)]
pub(crate) enum Failure {
    Construction(BuildError),
    Dispatch(DispatchError),
    Response(ResponseError),
    Service {
        meta: Box<ErrorMetadata>,
        raw: Box<RawResponse>,
    },
}

impl Failure {
    /// Adds what the client has to say about the failure (why it stopped retrying).
    pub(crate) fn with_note(self, note: String) -> Failure {
        match self {
            Failure::Dispatch(e) => Failure::Dispatch(e.with_note(note)),
            Failure::Service { mut meta, raw } => {
                meta.set_note(note);
                Failure::Service { meta, raw }
            }
            Failure::Response(e) => {
                Failure::Response(ResponseError::new(format!("{} ({note})", e.message())))
            }
            other => other,
        }
    }
}

/// A failed attempt and what the retry stage needs to know about it.
#[derive(Debug)]
pub(crate) struct Failed {
    pub(crate) failure: Failure,
    pub(crate) kind: RetryKind,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) server_time: Option<SystemTime>,
    /// The bucket's region, when the answer was one of S3's region redirects.
    pub(crate) region: Option<String>,
}

impl Failed {
    fn new(failure: Failure, kind: RetryKind) -> Self {
        Failed {
            failure,
            kind,
            retry_after: None,
            server_time: None,
            region: None,
        }
    }

    fn dispatch(
        kind: DispatchErrorKind,
        error: impl Into<Box<dyn std::error::Error + Send + Sync>>,
        retry: RetryKind,
    ) -> Self {
        Failed::new(Failure::Dispatch(DispatchError::new(kind, error)), retry)
    }
}

/// The shared facts of every attempt of one operation.
pub(crate) struct Operation<'a> {
    pub(crate) handle: &'a Arc<Handle>,
    pub(crate) spec: &'a OperationSpec,
    pub(crate) config: &'a Config,
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) prepared: &'a Prepared,
    /// Sign with the client's cached credentials (not a request override's).
    pub(crate) own_credentials: bool,
}

/// What one attempt ended with, and how long it waited for the server.
pub(crate) struct Attempted {
    pub(crate) result: Result<Response, Failed>,
    pub(crate) waited: Duration,
}

impl Operation<'_> {
    /// The stall rule for request bodies, and for response bodies of this operation.
    fn stall_rules(&self) -> (Option<StallRule>, Option<StallRule>) {
        let s = &self.config.stalled_streams;
        let rule = StallRule::new(s.min_throughput, s.grace_period);
        let download = if self.spec.long_running {
            // S3 may stay silent for minutes while it copies or assembles.
            Some(StallRule {
                window: self.config.timeouts.long_running.max(s.grace_period),
                min_bytes: 1,
            })
        } else {
            Some(rule)
        };
        (
            s.upload.then_some(rule),
            if s.download { download } else { None },
        )
    }

    /// The longest this attempt may wait for the server, before the operation's budget.
    pub(crate) fn attempt_budget(&self) -> Option<Duration> {
        let t = &self.config.timeouts;
        if self.spec.long_running {
            Some(t.attempt.map_or(t.long_running, |a| a.max(t.long_running)))
        } else {
            t.attempt
        }
    }

    /// Sends attempt number `attempt` with `body`, waiting at most `budget` for the server;
    /// records the status and request id on `span`.
    pub(crate) async fn attempt(
        &self,
        attempt: u32,
        body: ByteStream,
        budget: Option<Duration>,
        span: &tracing::Span,
    ) -> Attempted {
        let begun = Instant::now();
        let upload = Arc::new(Upload::new(self.stall_rules().0));
        let result = self
            .exchange(attempt, body, budget, &upload, begun, span)
            .await;
        Attempted {
            result,
            waited: upload.waited(begun, Instant::now()),
        }
    }

    async fn exchange(
        &self,
        attempt: u32,
        body: ByteStream,
        budget: Option<Duration>,
        upload: &Arc<Upload>,
        begun: Instant,
        span: &tracing::Span,
    ) -> Result<Response, Failed> {
        let p = self.prepared;
        let construction =
            |e: BuildError| Failed::new(Failure::Construction(e), RetryKind::Permanent);
        let region = self.handle.region_for(self.config, p.bucket.as_deref());
        let route = self.spec.route(p.host_prefix.as_deref(), self.config);
        let url = self
            .endpoint
            .url(&route, &region, p.bucket.as_deref(), &p.path, &p.query)
            .map_err(construction)?;
        let uri: http::Uri = url.parse().map_err(|e| {
            construction(BuildError::new(format!(
                "the request URL {url} is not valid: {e}"
            )))
        })?;
        let mut headers = p.headers.clone();
        let max = self.config.retry.max_attempts;
        headers.insert(
            "amz-sdk-request",
            HeaderValue::from_str(&format!("attempt={attempt}; max={max}")).map_err(|_| {
                construction(BuildError::new("unreachable: digits are a header value"))
            })?,
        );
        let payload = body.as_bytes().cloned();
        let identity = self
            .handle
            .identity(
                self.config,
                &route,
                p.bucket.as_deref(),
                self.own_credentials,
            )
            .await
            .map_err(construction)?;
        if let Some(identity) = &identity {
            let signed = match (&payload, p.trailer) {
                (Some(bytes), _) if p.payload_signing.signs(&url) => signing::Payload::Bytes(bytes),
                (None, Some(_)) => signing::Payload::UnsignedTrailer,
                _ => signing::Payload::Unsigned,
            };
            signing::sign_request(
                self.spec.method.as_str(),
                &url,
                &mut headers,
                signed,
                identity,
                &region,
                self.handle.now(),
            )
            .map_err(construction)?;
        }
        let (_, download_rule) = self.stall_rules();
        let body = match payload {
            Some(bytes) => RequestBody::full(bytes),
            None => {
                let (chunks, length) = body.into_chunks();
                match (p.trailer, length) {
                    (Some(algorithm), Some(length)) => {
                        let encoded = AwsChunked::new(chunks, length, algorithm);
                        RequestBody::stream(
                            Box::pin(encoded),
                            Some(aws_chunked::encoded_length(length, algorithm)),
                        )
                    }
                    _ => RequestBody::stream(chunks, length),
                }
            }
        }
        .observed(upload.clone());
        let mut request = http::Request::new(body);
        *request.method_mut() = self.spec.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;

        let sent = tokio::select! {
            sent = self.handle.transport.send(request) => Ok(sent),
            expired = upload.watch(begun, budget) => Err(expired),
        };
        let response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => {
                let (kind, outcome) = match e.kind {
                    TransportFailure::Connect => {
                        (DispatchErrorKind::Connect, Outcome::ConnectFailed)
                    }
                    TransportFailure::ConnectTimeout => {
                        (DispatchErrorKind::ConnectTimeout, Outcome::TimedOut)
                    }
                    TransportFailure::Io => (DispatchErrorKind::Io, Outcome::Broken),
                };
                return Err(Failed::dispatch(kind, e, classify(outcome)));
            }
            Err(Expired::Timeout(after)) => {
                let message = format!("no response from the server within {after:?}");
                return Err(Failed::dispatch(
                    DispatchErrorKind::Timeout,
                    message,
                    classify(Outcome::TimedOut),
                ));
            }
            Err(Expired::Stalled(stalled)) => {
                return Err(Failed::dispatch(
                    DispatchErrorKind::Stalled,
                    stalled,
                    classify(Outcome::TimedOut),
                ));
            }
        };
        let (parts, body) = response.into_parts();
        let status = parts.status.as_u16();
        let headers = parts.headers;
        span.record("status", status);
        if let Some(id) = headers
            .get("x-amz-request-id")
            .and_then(|v| v.to_str().ok())
        {
            span.record("request_id", id);
        }
        let expected = p
            .validate_response
            .then(|| {
                self.spec
                    .response_checksum
                    .and_then(|r| checksum::response_checksum(&headers, r.algorithms, status))
            })
            .flatten();
        let success = (200..300).contains(&status);
        let body = GuardedBody::new(body, download_rule);
        if success && self.spec.output == OutputKind::Stream {
            return Ok(streaming(status, headers, body, expected));
        }
        if success {
            let bytes = self.read_success(&headers, body).await?;
            if !read::is_error_document(&bytes) {
                if self.spec.output == OutputKind::Xml && !is_complete_document(&bytes) {
                    let what = if bytes.iter().all(u8::is_ascii_whitespace) {
                        "an empty body"
                    } else {
                        "an incomplete or malformed XML document"
                    };
                    let e = ResponseError::new(format!(
                        "HTTP {status} with {what} where an XML document was due"
                    ));
                    return Err(Failed::new(
                        Failure::Response(e),
                        classify(Outcome::UnreadableSuccess),
                    ));
                }
                if let Some((algorithm, expected)) = expected
                    && let Err(mismatch) =
                        checksum::compare(algorithm, expected, algorithm.checksum(&bytes))
                {
                    let e = ResponseError::new(mismatch.to_string());
                    return Err(Failed::new(Failure::Response(e), RetryKind::Permanent));
                }
                return Ok(Response {
                    status,
                    headers,
                    body: bytes,
                    stream: None,
                });
            }
            return Err(self.error_answer(status, headers, bytes));
        }
        let bytes = match body.read_prefix(ERROR_BODY_LIMIT).await {
            Ok((bytes, _truncated)) => bytes,
            // The status says enough to decide; what the body held is lost.
            Err(_) => Bytes::new(),
        };
        Err(self.error_answer(status, headers, bytes))
    }

    /// Reads a successful response's buffered body within the size limit.
    async fn read_success(&self, headers: &HeaderMap, body: GuardedBody) -> Result<Bytes, Failed> {
        let limit = self.config.max_response_size;
        let too_large = || {
            let e = ResponseError::new(format!(
                "the response body is larger than the {limit}-byte limit for buffered responses (ConfigBuilder::max_response_size)"
            ));
            Failed::new(Failure::Response(e), RetryKind::Permanent)
        };
        // A HEAD answer's Content-Length is the object's size; it carries no body.
        let declared = headers
            .get(http::header::CONTENT_LENGTH)
            .filter(|_| self.spec.method != http::Method::HEAD)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        match body.read_to_limit(limit, declared).await {
            Ok(bytes) => Ok(bytes),
            Err(ReadError::TooLarge) => Err(too_large()),
            Err(ReadError::Body(BodyError::Stalled(s))) => Err(Failed::dispatch(
                DispatchErrorKind::Stalled,
                s,
                classify(Outcome::TimedOut),
            )),
            Err(ReadError::Body(BodyError::Transport(e))) => {
                let message = format!("the response body broke off: {e}");
                Err(Failed::dispatch(
                    DispatchErrorKind::Io,
                    message,
                    classify(Outcome::Broken),
                ))
            }
        }
    }

    /// An error answer (or a 200 carrying an `<Error>` document) and how to treat it.
    fn error_answer(&self, status: u16, headers: HeaderMap, body: Bytes) -> Failed {
        let head = self.spec.method == http::Method::HEAD;
        let mut meta = read::error_metadata(status, &headers, &body, head);
        let region = redirect_region(
            status,
            meta.code(),
            &headers,
            meta.region(),
            &self
                .handle
                .region_for(self.config, self.prepared.bucket.as_deref()),
        )
        .map(str::to_string);
        if (300..400).contains(&status) && region.is_none() {
            let location = headers
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("nowhere");
            meta.set_note(format!(
                "S3 answered with a redirect to {location}; the client never follows redirects"
            ));
        }
        let kind = classify(Outcome::Error {
            status,
            code: meta.code(),
        });
        Failed {
            retry_after: super::retry::retry_after(read::retry_after_header(&headers)),
            server_time: read::server_time(&headers),
            region,
            kind,
            failure: Failure::Service {
                meta: Box::new(meta),
                raw: Box::new(RawResponse::new(status, headers, body)),
            },
        }
    }
}

/// A successful response whose body the caller reads as a stream, checked against S3's
/// checksum when there is one.
fn streaming(
    status: u16,
    headers: HeaderMap,
    body: GuardedBody,
    expected: Option<(checksum::ChecksumAlgorithm, String)>,
) -> Response {
    use futures_util::TryStreamExt;
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut stream = ByteStream::wrap(body.map_err(ByteStreamError::new), length);
    if let Some((algorithm, expected)) = expected {
        stream = ByteStream::wrap(
            checksum::Validated::new(stream, algorithm, expected),
            length,
        );
    }
    Response {
        status,
        headers,
        body: Bytes::new(),
        stream: Some(stream),
    }
}
