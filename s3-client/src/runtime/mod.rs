//! The hand-written runtime that every generated operation calls into.
//!
//! A generated `send()` hands a static [`OperationSpec`], its serialised [`Request`] and
//! its deserialiser to [`send`]; [`invoke`] does the rest (addressing, signing, sending,
//! retrying, error parsing) without being generic, so it is compiled once.

mod checksum;
mod endpoint;
mod invoke;
mod paginate;
mod request;
mod response;
pub(crate) mod signing;
mod wait;
mod xml;

pub(crate) use endpoint::Endpoint;
pub use paginate::{Pages, paginate, paginate_items};
pub use request::Request;
pub use response::Response;
#[allow(
    unused_imports,
    reason = "error_code_of serves error acceptors, which S3's waiters lack"
)]
pub use wait::{AcceptorState, WaiterDef, Waiting, error_code_of, status_of, wait};
pub use xml::{XmlReader, XmlWriter};

use crate::client::Client;
use crate::error::{BuildError, ErrorMetadata, ResponseError, SdkError, ServiceError};
use crate::primitives::{DateTime, DateTimeFormat};

/// The static facts about an operation that the runtime needs.
#[derive(Debug)]
pub struct OperationSpec {
    /// Model name, for messages.
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// S3 refuses the request without an integrity header.
    pub checksum_required: bool,
    /// Header of the member naming the request checksum algorithm, for operations with
    /// flexible checksums.
    pub checksum_algorithm_header: Option<&'static str>,
    /// Header of the member asking S3 for response checksums.
    pub checksum_mode_header: Option<&'static str>,
    /// Response checksum algorithms, in order of preference.
    pub response_checksums: &'static [&'static str],
    /// The success response body is handed to the caller as a stream.
    pub streaming_output: bool,
}

/// Maps an S3 error response to an operation's typed error.
pub trait OperationError: Sized {
    /// The typed error for `meta` (and the error document `body`, for modeled members).
    fn from_service(meta: ErrorMetadata, body: &[u8]) -> Result<Self, ResponseError>;
}

/// Sends one operation: the only generic function between generated code and the runtime.
pub async fn send<O, E: OperationError>(
    client: &Client,
    spec: &'static OperationSpec,
    request: Result<Request, BuildError>,
    deserialize: fn(Response) -> Result<O, ResponseError>,
) -> Result<O, SdkError<E>> {
    let request = request.map_err(|e| SdkError::Construction(e.in_operation(spec.name)))?;
    match invoke::invoke(client, spec, request).await {
        Ok(response) => deserialize(response).map_err(SdkError::Response),
        Err(invoke::Failure::Construction(e)) => {
            Err(SdkError::Construction(e.in_operation(spec.name)))
        }
        Err(invoke::Failure::Dispatch(e)) => Err(SdkError::Dispatch(e)),
        Err(invoke::Failure::Response(e)) => Err(SdkError::Response(e)),
        Err(invoke::Failure::Service { meta, body }) => {
            let err = E::from_service((*meta).clone(), &body).map_err(SdkError::Response)?;
            Err(SdkError::Service(ServiceError::new(err, *meta)))
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

/// Bytes as base64, the way blobs travel in headers.
pub fn base64(value: &[u8]) -> String {
    use ::base64::Engine;
    ::base64::engine::general_purpose::STANDARD.encode(value)
}

/// Presigns an operation's request instead of sending it.
pub fn presign(
    client: &Client,
    spec: &'static OperationSpec,
    request: Result<Request, BuildError>,
    config: crate::presigning::PresigningConfig,
) -> Result<crate::presigning::PresignedRequest, BuildError> {
    request
        .and_then(|r| crate::presigning::presign(client, spec.method, r, config))
        .map_err(|e| e.in_operation(spec.name))
}
