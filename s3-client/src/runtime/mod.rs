//! The hand-written runtime that every generated operation calls into.
//!
//! A generated `send()` hands a static [`OperationSpec`], its serialised [`Request`] and
//! its deserialiser to [`send`]; the request path is a pipeline of small stages, compiled
//! once because nothing in it is generic:
//!
//! 1. `prepare`: checksums (`checksum`, in a header or trailing an `aws_chunked` body),
//!    SSE-C digests, content length, identity;
//! 2. per attempt (`attempt`): address (`endpoint`, `region`), sign (`signing`), send
//!    (`http`, the one module that knows the HTTP library) under the attempt's deadline
//!    and stalled-stream protection (`stall`), and read the answer within its limits
//!    (`read`);
//! 3. `invoke` drives the attempts; `policy` decides what follows each one, with the
//!    rules of `retry` (classify, backoff, quota) and `rate_limit` (adaptive mode).
//!
//! The runtime never reads the generated code or the public facade: `Client` wraps a
//! [`Handle`], and generated code calls in with it.

mod attempt;
mod aws_chunked;
pub(crate) mod checksum;
mod endpoint;
#[cfg(feature = "event-stream")]
pub(crate) mod event_stream;
mod express;
mod handle;
mod http;
mod identity;
mod invoke;
mod paginate;
mod policy;
mod prepare;
pub(crate) mod presign;
mod rate_limit;
mod read;
mod region;
mod request;
mod response;
mod retry;
pub(crate) mod signing;
mod stall;
mod timestamp;
mod tls;
mod wait;
mod xml;

pub use checksum::{ChecksumAlgorithm, RequestChecksum, ResponseChecksum};
pub(crate) use endpoint::Route;
pub use express::S3Express;
pub(crate) use express::SessionFuture;
pub(crate) use handle::CreateSession;
pub use handle::Handle;
pub use paginate::{ItemsPaginator, Pages, PaginationStream, paginate, paginate_items};
pub(crate) use read::text_headers;
pub use request::Request;
pub use response::Response;
#[allow(
    unused_imports,
    reason = "error_code_of serves error acceptors, which S3's waiters lack"
)]
pub use wait::{AcceptorState, WaiterDef, Waiting, error_code_of, status_of, wait};
pub use xml::{XmlReader, XmlWriter};

use std::sync::Arc;

use crate::config::{Config, ConfigBuilder};
use crate::error::{BuildError, ErrorMetadata, ResponseError, SdkError, ServiceError};
use crate::primitives::{DateTime, DateTimeFormat};
use attempt::Failure;

/// What the body of a successful response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// Nothing the client reads: the output is in the headers (PutObject, HeadObject).
    Empty,
    /// An XML document that must be there and complete (an empty or cut-off one is
    /// retried).
    Xml,
    /// Text or bytes held in memory (GetBucketPolicy).
    Text,
    /// Handed to the caller as a stream (GetObject).
    Stream,
}

/// The static facts about an operation that the runtime needs.
#[derive(Debug)]
pub struct OperationSpec {
    /// Model name, for messages.
    pub name: &'static str,
    /// HTTP method.
    pub method: ::http::Method,
    /// Request checksum rules.
    pub request_checksum: RequestChecksum,
    /// Response checksum rules, for operations that can return checksums.
    pub response_checksum: Option<ResponseChecksum>,
    /// What a successful response's body is.
    pub output: OutputKind,
    /// The server may work on the request for minutes, answering late or staying silent
    /// in its body (CopyObject, UploadPartCopy, CompleteMultipartUpload).
    pub long_running: bool,
    /// The request body is a stream (PutObject, UploadPart): over https with a checksum,
    /// its SHA-256 is not signed, as botocore does.
    pub streaming_input: bool,
    /// The body is never signed (WriteGetObjectResponse): `UNSIGNED-PAYLOAD`.
    pub unsigned_payload: bool,
    /// The SigV4 service name when it is not the client's, also the service label of the
    /// operation's AWS endpoint (`s3-object-lambda`).
    pub signing_name: Option<&'static str>,
    /// How it reaches a directory bucket.
    pub s3_express: S3Express,
}

impl OperationSpec {
    /// Where this operation's request goes besides the client's endpoint: its own
    /// service and the request's host prefix, unless the configuration leaves it off.
    pub(crate) fn route<'a>(&'a self, host_prefix: Option<&'a str>, config: &Config) -> Route<'a> {
        Route {
            operation: self.name,
            service: self.signing_name,
            host_prefix: host_prefix.filter(|_| config.inject_host_prefix),
            express: self.s3_express,
        }
    }
}

/// Maps an S3 error response to an operation's typed error.
pub trait OperationError: Sized {
    /// The typed error for `meta` (and the error document `body`, for modeled members).
    fn from_service(meta: ErrorMetadata, body: &[u8]) -> Result<Self, ResponseError>;
}

/// Sends one operation: the only generic function between generated code and the runtime.
pub async fn send<O, E: OperationError>(
    handle: &Arc<Handle>,
    spec: &'static OperationSpec,
    request: Result<Request, BuildError>,
    deserialize: fn(Response) -> Result<O, ResponseError>,
    overrides: Option<&ConfigBuilder>,
) -> Result<O, SdkError<E>> {
    let request = request.map_err(|e| SdkError::ConstructionFailure(e.in_operation(spec.name)))?;
    match invoke::invoke(handle, spec, request, overrides).await {
        Ok(response) => deserialize(response).map_err(SdkError::ResponseError),
        Err(Failure::Construction(e)) => {
            Err(SdkError::ConstructionFailure(e.in_operation(spec.name)))
        }
        Err(Failure::Dispatch(e)) => Err(SdkError::DispatchFailure(e)),
        Err(Failure::Response(e)) => Err(SdkError::ResponseError(e)),
        Err(Failure::Service { meta, raw }) => {
            let err =
                E::from_service((*meta).clone(), raw.body()).map_err(SdkError::ResponseError)?;
            Err(SdkError::ServiceError(ServiceError::new(err, *meta, *raw)))
        }
    }
}

/// The value of a required member, or an error naming it.
pub fn required<'a, T: ?Sized>(
    value: Option<&'a T>,
    shape: &'static str,
    member: &'static str,
) -> Result<&'a T, BuildError> {
    value.ok_or_else(|| {
        BuildError::member(
            format!("{shape}.{member}"),
            format!("missing required member `{member}` of `{shape}`"),
        )
    })
}

/// Formats a timestamp for the wire.
pub fn format_timestamp(value: &DateTime, format: DateTimeFormat) -> Result<String, BuildError> {
    value
        .fmt(format)
        .map_err(|e| BuildError::new(format!("timestamp {value:?} cannot be written: {e}")))
}

/// Reads the modeled members of an error document (`<Error>...</Error>`) with `read`.
pub fn read_error<T: Default>(
    body: &[u8],
    read: fn(&mut XmlReader<'_>) -> Result<T, ResponseError>,
) -> Result<T, ResponseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let mut reader = XmlReader::new(body);
    reader.root()?;
    read(&mut reader)
}

/// Decodes a key or prefix that S3 sent URL-encoded (`encoding-type=url`).
pub fn url_decode(value: &mut Option<String>) -> Result<(), ResponseError> {
    if let Some(v) = value.as_mut()
        && v.contains(['%', '+'])
    {
        // S3 encodes spaces as `+` in these listings, as HTML forms do.
        let plus = v.replace('+', " ");
        let decoded = percent_encoding::percent_decode_str(&plus)
            .decode_utf8()
            .map_err(|_| {
                ResponseError::new(format!("URL-encoded key `{v}` is not UTF-8 once decoded"))
            })?;
        *v = decoded.into_owned();
    }
    Ok(())
}

/// Bytes as base64, the way blobs travel in headers and XML (aws-smithy-types' base64,
/// already in the tree, rather than a second base64 crate).
pub fn base64(value: &[u8]) -> String {
    aws_smithy_types::base64::encode(value)
}

/// Base64 text decoded, or `None` when it is not base64.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    aws_smithy_types::base64::decode(text).ok()
}

/// The value of a required text member, which must not be empty either: an empty
/// `UploadId` would go out as `uploadId=`.
pub fn required_text<'a>(
    value: Option<&'a String>,
    shape: &'static str,
    member: &'static str,
) -> Result<&'a String, BuildError> {
    let value = required(value, shape, member)?;
    if value.is_empty() {
        return Err(BuildError::member(
            format!("{shape}.{member}"),
            format!("required member `{member}` of `{shape}` must not be empty"),
        ));
    }
    Ok(value)
}

/// A required member that fills a label of the host name: a valid DNS label (1 to 63
/// letters, digits and `-`, not starting or ending with `-`), as botocore checks.
pub fn host_label<'a>(
    value: Option<&'a String>,
    shape: &'static str,
    member: &'static str,
) -> Result<&'a str, BuildError> {
    let value = required(value, shape, member)?;
    let ok = (1..=63).contains(&value.len())
        && !value.starts_with('-')
        && !value.ends_with('-')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok {
        return Err(BuildError::member(
            format!("{shape}.{member}"),
            format!(
                "`{member}` {value:?} goes into the host name, so it must be 1 to 63 letters, digits and `-`, not starting or ending with `-`"
            ),
        ));
    }
    Ok(value)
}

/// A copy source from its parts, in the form [`Request::copy_source_header`] encodes:
/// `bucket/key`, then `?versionId=` and the version when there is one.
pub fn copy_source(bucket: &str, key: &str, version_id: Option<&str>) -> String {
    let mut source = format!("{bucket}/{key}");
    if let Some(v) = version_id {
        source.push_str("?versionId=");
        source.push_str(v);
    }
    source
}

/// Presigns an operation's request instead of sending it.
pub async fn presign(
    handle: &Arc<Handle>,
    spec: &'static OperationSpec,
    request: Result<Request, BuildError>,
    config: presign::PresigningConfig,
) -> Result<presign::PresignedRequest, BuildError> {
    let request = request.map_err(|e| e.in_operation(spec.name))?;
    presign::presign(handle, spec, request, config)
        .await
        .map_err(|e| e.in_operation(spec.name))
}
