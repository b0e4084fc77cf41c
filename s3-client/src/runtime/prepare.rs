//! The first stage: the request an operation's serialiser built, completed into what goes
//! on the wire once per operation (checksums, SSE-C digests, content length and
//! encoding, the client's identity); each attempt then only adds its own headers, signs,
//! and encodes a streamed body whose checksum trails.

use http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::aws_chunked;
use super::checksum::{self, Allowed, ChecksumAlgorithm, Placement, md5_base64};
use super::{OperationSpec, Request};
use crate::config::{Config, ResponseChecksumValidation};
use crate::error::BuildError;
use crate::primitives::ByteStream;

/// A request ready for its attempts.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) bucket: Option<String>,
    pub(crate) path: String,
    pub(crate) query: Vec<String>,
    pub(crate) headers: HeaderMap,
    /// Check the response body against the checksum S3 sends with it.
    pub(crate) validate_response: bool,
    /// The body goes `aws-chunked`, this checksum computed as it streams and sent last.
    pub(crate) trailer: Option<ChecksumAlgorithm>,
    /// Whether a body in memory is signed by its SHA-256.
    pub(crate) payload_signing: PayloadSigning,
    /// Put before the endpoint's host name.
    pub(crate) host_prefix: Option<String>,
}

/// Whether a body in memory is signed by its SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadSigning {
    Always,
    Never,
    /// Over `http` only: an upload with a checksum, over TLS.
    OverHttp,
}

impl PayloadSigning {
    /// botocore's rule for S3 (`S3SigV4Auth._should_sha256_sign_payload`), unless the
    /// configuration says otherwise.
    fn decide(spec: &OperationSpec, config: &Config, headers: &HeaderMap) -> PayloadSigning {
        if spec.unsigned_payload {
            return PayloadSigning::Never;
        }
        match config.payload_signing {
            Some(true) => PayloadSigning::Always,
            Some(false) => PayloadSigning::Never,
            None if spec.streaming_input && checksum::in_header(headers) => {
                PayloadSigning::OverHttp
            }
            None => PayloadSigning::Always,
        }
    }

    /// Whether the body is signed when sent to `url`.
    pub(crate) fn signs(self, url: &str) -> bool {
        match self {
            PayloadSigning::Always => true,
            PayloadSigning::Never => false,
            PayloadSigning::OverHttp => !url.starts_with("https:"),
        }
    }
}

/// `User-Agent`: this crate and its version.
const USER_AGENT: &str = concat!("s3-client/", env!("CARGO_PKG_VERSION"), " lang/rust");

/// Completes `request` for `spec` under `config`; the body comes back apart, for the
/// attempts to send.
pub(crate) async fn prepare(
    spec: &OperationSpec,
    request: Request,
    config: &Config,
) -> Result<(Prepared, ByteStream), BuildError> {
    let Request {
        bucket,
        path,
        query,
        mut headers,
        body,
        host_prefix,
    } = request;
    if let Some(store) = &config.store
        && !store.supports(spec.name)
    {
        return Err(BuildError::new(format!(
            "{} does not implement {}, so nothing was sent (its store profile says so; a custom `StoreProfile` can change that)",
            store.name, spec.name
        )));
    }
    sse_customer_key_md5(&mut headers)?;
    let allowed = Allowed {
        trailer: config.store.as_ref().is_none_or(|s| s.aws_chunked),
        length: body.content_length(),
    };
    let placement = checksum::add_request_checksum(
        &spec.request_checksum,
        config.request_checksum_calculation,
        config.required_checksum,
        &mut headers,
        checksum::source(&body),
        allowed,
    )
    .await?;
    let payload_signing = PayloadSigning::decide(spec, config, &headers);
    let validate_response = response_checksum_mode(spec, config, &mut headers);
    let mut trailer = None;
    match (placement, body.content_length()) {
        (Placement::Trailer(algorithm), Some(length)) => {
            aws_chunked_headers(&mut headers, length, algorithm)?;
            trailer = Some(algorithm);
        }
        _ => {
            if let Some(length) = content_length(&spec.method, body.content_length()) {
                headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
            }
        }
    }
    headers.insert(
        http::header::USER_AGENT,
        HeaderValue::from_static(USER_AGENT),
    );
    headers.insert(
        HeaderName::from_static("amz-sdk-invocation-id"),
        HeaderValue::from_str(&crate::random::uuid4())
            .map_err(|_| BuildError::new("unreachable: an invocation id is hex"))?,
    );
    let prepared = Prepared {
        bucket,
        path,
        query,
        headers,
        validate_response,
        trailer,
        payload_signing,
        host_prefix,
    };
    Ok((prepared, body))
}

/// The headers of an `aws-chunked` body of `length` bytes with `algorithm`'s checksum
/// trailing: the encoding (after any the caller set, as botocore adds it), the decoded
/// and the encoded length.
fn aws_chunked_headers(
    headers: &mut HeaderMap,
    length: u64,
    algorithm: ChecksumAlgorithm,
) -> Result<(), BuildError> {
    let encoding = match headers.get(http::header::CONTENT_ENCODING) {
        Some(v) => {
            let v = v.to_str().map_err(|_| {
                BuildError::member("ContentEncoding", "the content encoding is not ASCII")
            })?;
            HeaderValue::from_str(&format!("{v},aws-chunked")).map_err(|_| {
                BuildError::member(
                    "ContentEncoding",
                    "the content encoding is not a header value",
                )
            })?
        }
        None => HeaderValue::from_static("aws-chunked"),
    };
    headers.insert(http::header::CONTENT_ENCODING, encoding);
    headers.insert("x-amz-decoded-content-length", HeaderValue::from(length));
    headers.insert(
        http::header::CONTENT_LENGTH,
        HeaderValue::from(aws_chunked::encoded_length(length, algorithm)),
    );
    Ok(())
}

/// The `Content-Length` a request carries: its body's length, except that bodiless GET,
/// HEAD and OPTIONS requests carry none, as botocore sends them.
fn content_length(method: &Method, length: Option<u64>) -> Option<u64> {
    let bodiless = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    match length {
        Some(0) if bodiless => None,
        other => other,
    }
}

/// Asks for response checksums where the operation supports them and the configuration
/// wants them (as boto3 does); whether the response is then checked.
fn response_checksum_mode(spec: &OperationSpec, config: &Config, headers: &mut HeaderMap) -> bool {
    let Some(rule) = spec.response_checksum else {
        return false;
    };
    if let Some(v) = headers.get(rule.mode_header) {
        return v.as_bytes().eq_ignore_ascii_case(b"ENABLED");
    }
    if config.response_checksum_validation == ResponseChecksumValidation::WhenSupported {
        headers.insert(rule.mode_header, HeaderValue::from_static("ENABLED"));
        return true;
    }
    false
}

/// Adds the MD5 of each SSE-C key the caller gave without one, as boto3 does.
fn sse_customer_key_md5(headers: &mut HeaderMap) -> Result<(), BuildError> {
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
        let raw = value
            .to_str()
            .ok()
            .and_then(crate::runtime::base64_decode)
            .ok_or_else(|| BuildError::new(format!("the {key} header is not base64")))?;
        let mut value = HeaderValue::from_str(&md5_base64(&raw))
            .map_err(|_| BuildError::new("unreachable: base64 is a valid header value"))?;
        value.set_sensitive(true);
        headers.insert(md5, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_only_where_boto3_sends_one() {
        assert_eq!(content_length(&Method::GET, Some(0)), None);
        assert_eq!(content_length(&Method::HEAD, Some(0)), None);
        assert_eq!(content_length(&Method::GET, Some(3)), Some(3));
        assert_eq!(content_length(&Method::PUT, Some(0)), Some(0));
        assert_eq!(content_length(&Method::DELETE, Some(0)), Some(0));
        assert_eq!(content_length(&Method::POST, Some(10)), Some(10));
        assert_eq!(content_length(&Method::PUT, None), None);
    }

    #[test]
    fn invocation_ids_are_uuids() {
        let a = crate::random::uuid4();
        let b = crate::random::uuid4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!("89ab".contains(&a[19..20]), "{a}");
    }

    #[test]
    fn sse_c_digests_are_added_and_secret() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-amz-server-side-encryption-customer-key",
            HeaderValue::from_static("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
        );
        sse_customer_key_md5(&mut h).unwrap();
        let md5 = h
            .get("x-amz-server-side-encryption-customer-key-md5")
            .unwrap();
        assert!(md5.is_sensitive());
        assert!(!format!("{h:?}").contains(md5.to_str().unwrap()));
    }
}
