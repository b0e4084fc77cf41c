//! The one non-generic path every operation takes: address, sign, send, retry, and sort
//! the response into success or error.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};

use super::{OperationSpec, Request, Response, XmlReader, checksum, signing};
use crate::client::Client;
use crate::config::ResponseChecksumValidation;
use crate::error::{BuildError, DispatchError, ErrorMetadata, ResponseError};
use crate::primitives::ByteStream;

/// Why an operation did not produce a response to deserialise.
pub(crate) enum Failure {
    Construction(BuildError),
    Dispatch(DispatchError),
    Response(ResponseError),
    Service {
        meta: Box<ErrorMetadata>,
        body: Bytes,
    },
}

/// Error codes worth another try.
const RETRYABLE_CODES: &[&str] = &[
    "SlowDown",
    "RequestTimeout",
    "InternalError",
    "ServiceUnavailable",
    "Throttling",
    "RequestTimeTooSkewed",
];

fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

fn backoff(attempt: u32) -> Duration {
    // 50 ms, 100 ms, 200 ms... capped at 5 s, with a little jitter from the clock.
    let base = 50u64.saturating_mul(1 << attempt.min(7)).min(5_000);
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()) % 50);
    Duration::from_millis(base + jitter)
}

pub(crate) async fn invoke(
    client: &Client,
    spec: &OperationSpec,
    request: Request,
) -> Result<Response, Failure> {
    let inner = &client.inner;
    let http = inner
        .http
        .as_ref()
        .map_err(|e| Failure::Dispatch(DispatchError::new(e.clone(), false)))?;
    let config = &inner.config;
    let Request {
        bucket,
        path,
        query,
        mut headers,
        body,
    } = request;

    if let Some(len) = body.content_length()
        && !headers.contains_key(http::header::CONTENT_LENGTH)
    {
        headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    sse_customer_key_md5(&mut headers).map_err(Failure::Construction)?;
    checksum::add_request_checksum(
        &checksum::RequestRule {
            required: spec.checksum_required,
            algorithm_header: spec.checksum_algorithm_header,
        },
        config.request_checksum_calculation,
        &mut headers,
        checksum::source(&body),
    )
    .await
    .map_err(Failure::Construction)?;
    // Response checksums: asked for by default where supported, as boto3 does.
    let validate = match spec.checksum_mode_header {
        Some(h)
            if config.response_checksum_validation == ResponseChecksumValidation::WhenSupported
                && !headers.contains_key(h) =>
        {
            headers.insert(h, HeaderValue::from_static("ENABLED"));
            true
        }
        Some(h) => headers
            .get(h)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"ENABLED")),
        None => false,
    };

    let endpoint = inner
        .endpoint
        .as_ref()
        .map_err(|e| Failure::Construction(e.clone()))?;
    let url = endpoint.url(bucket.as_deref(), &path, &query);
    let method = reqwest::Method::from_bytes(spec.method.as_bytes()).map_err(|_| {
        Failure::Construction(BuildError::new(format!("bad HTTP method {}", spec.method)))
    })?;
    let replayable = body.as_bytes().cloned();
    let mut body = Some(body);
    let mut attempt = 0;
    loop {
        attempt += 1;
        // A streamed body is sent once; only in-memory bodies are resent.
        let this_body = match (&replayable, body.take()) {
            (_, Some(b)) => b,
            (Some(bytes), None) => ByteStream::new(bytes.clone()),
            (None, None) => {
                return Err(Failure::Construction(BuildError::new(
                    "a streamed body cannot be sent twice",
                )));
            }
        };
        let mut headers = headers.clone();
        if let Some(credentials) = &config.credentials {
            signing::sign_request(
                spec.method,
                &url,
                &mut headers,
                replayable.as_deref(),
                credentials,
                &config.region,
                crate::generated::SIGNING_NAME,
            )
            .map_err(Failure::Construction)?;
        }
        tracing::debug!(operation = spec.name, method = spec.method, url = %url, attempt, "sending request");
        let sent = http
            .request(method.clone(), &url)
            .headers(headers)
            .body(this_body.into_reqwest())
            .send()
            .await;
        let can_retry = attempt < config.max_attempts && replayable.is_some();
        let response = match sent {
            Ok(r) => r,
            Err(e) if can_retry && (e.is_connect() || e.is_timeout() || e.is_request()) => {
                tracing::debug!(operation = spec.name, error = %e, "retrying after a transport error");
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            Err(e) => {
                let timeout = e.is_timeout();
                return Err(Failure::Dispatch(DispatchError::new(e, timeout)));
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let expected = validate
            .then(|| checksum::response_checksum(&headers, spec.response_checksums, status))
            .flatten();
        if (200..300).contains(&status) && spec.streaming_output {
            let length = response.content_length();
            let mut stream = ByteStream::from_stream(response.bytes_stream(), length);
            if let Some((algorithm, expected)) = expected {
                stream = ByteStream::wrap(
                    checksum::Validated::new(stream, algorithm, expected),
                    length,
                );
            }
            return Ok(Response {
                status,
                headers,
                body: Bytes::new(),
                stream: Some(stream),
            });
        }
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let timeout = e.is_timeout();
                return Err(Failure::Dispatch(DispatchError::new(e, timeout)));
            }
        };
        // S3 may answer 200 OK and report the failure in the body (CompleteMultipartUpload,
        // CopyObject, UploadPartCopy): an `<Error>` document is an error whatever the status.
        let error_document = is_error_document(&body);
        if (200..300).contains(&status) && !error_document {
            if let Some((algorithm, expected)) = expected
                && let Err(mismatch) =
                    checksum::compare(algorithm, expected, algorithm.checksum(&body))
            {
                return Err(Failure::Response(ResponseError::new(mismatch.to_string())));
            }
            return Ok(Response {
                status,
                headers,
                body,
                stream: None,
            });
        }
        let meta = error_metadata(status, &headers, &body, spec.method == "HEAD")
            .map_err(Failure::Response)?;
        let retry =
            retryable_status(status) || meta.code().is_some_and(|c| RETRYABLE_CODES.contains(&c));
        if retry && can_retry {
            tracing::debug!(operation = spec.name, status, code = ?meta.code(), "retrying after a transient error");
            tokio::time::sleep(backoff(attempt)).await;
            continue;
        }
        return Err(Failure::Service {
            meta: Box::new(meta),
            body,
        });
    }
}

/// Adds the MD5 of each SSE-C key the caller gave without one, as boto3 does.
fn sse_customer_key_md5(headers: &mut HeaderMap) -> Result<(), BuildError> {
    use base64::Engine;
    const KEYS: [(&str, &str); 2] = [
        (
            "x-amz-server-side-encryption-customer-key",
            "x-amz-server-side-encryption-customer-key-md5",
        ),
        (
            "x-amz-copy-source-server-side-encryption-customer-key",
            "x-amz-copy-source-server-side-encryption-customer-key-md5",
        ),
    ];
    for (key, md5) in KEYS {
        let Some(value) = headers.get(key) else {
            continue;
        };
        if headers.contains_key(md5) {
            continue;
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(value.as_bytes())
            .map_err(|_| BuildError::new(format!("the {key} header is not base64")))?;
        let digest = checksum::Algorithm::Md5.checksum(&raw);
        let value = HeaderValue::from_str(&digest)
            .map_err(|_| BuildError::new("unreachable: base64 is a valid header value"))?;
        headers.insert(md5, value);
    }
    Ok(())
}

fn is_error_document(body: &[u8]) -> bool {
    if body.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    matches!(XmlReader::new(body).root(), Ok(b"Error"))
}

/// Reads status, code, message and request ids from an error response.
fn error_metadata(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    head: bool,
) -> Result<ErrorMetadata, ResponseError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut meta = ErrorMetadata {
        status,
        request_id: header("x-amz-request-id"),
        extended_request_id: header("x-amz-id-2"),
        ..ErrorMetadata::default()
    };
    if head || body.iter().all(u8::is_ascii_whitespace) {
        meta.bodiless = true;
        meta.code = Some(
            match status {
                304 => "NotModified",
                400 => "BadRequest",
                403 => "Forbidden",
                404 => "NotFound",
                405 => "MethodNotAllowed",
                409 => "Conflict",
                412 => "PreconditionFailed",
                416 => "InvalidRange",
                500 => "InternalError",
                503 => "ServiceUnavailable",
                other => {
                    return Ok(ErrorMetadata {
                        code: Some(other.to_string()),
                        ..meta
                    });
                }
            }
            .to_string(),
        );
        return Ok(meta);
    }
    let mut reader = XmlReader::new(body);
    match reader.root() {
        Ok(b"Error") => {}
        // Not an S3 error document (a proxy's HTML page, say): keep the status, say so.
        _ => {
            meta.message = Some(format!(
                "HTTP {status} with a body that is not an S3 error document"
            ));
            return Ok(meta);
        }
    }
    while let Some(name) = reader.next_child()? {
        match name {
            b"Code" => meta.code = Some(reader.string()?),
            b"Message" => meta.message = Some(reader.string()?),
            b"RequestId" => meta.request_id = Some(reader.string()?),
            b"HostId" => meta.extended_request_id = Some(reader.string()?),
            _ => reader.skip()?,
        }
    }
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_documents() {
        let body = b"<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>gone</Message><Key>k</Key><RequestId>R1</RequestId><HostId>H1</HostId></Error>";
        assert!(is_error_document(body));
        let meta = error_metadata(404, &HeaderMap::new(), body, false).unwrap();
        assert_eq!(
            (
                meta.code(),
                meta.message(),
                meta.request_id(),
                meta.extended_request_id()
            ),
            (Some("NoSuchKey"), Some("gone"), Some("R1"), Some("H1"))
        );
        assert!(!is_error_document(b"<CompleteMultipartUploadResult/>"));
        assert!(!is_error_document(b"   "));
        let head = error_metadata(404, &HeaderMap::new(), b"", true).unwrap();
        assert_eq!((head.code(), head.is_bodiless()), (Some("NotFound"), true));
        let html = error_metadata(
            502,
            &HeaderMap::new(),
            b"<html><body>bad gateway</body></html>",
            false,
        )
        .unwrap();
        assert_eq!(html.code(), None);
        assert!(error_metadata(500, &HeaderMap::new(), b"<Error><Code>x</Error>", false).is_err());
    }
}
