//! Errors: one [`SdkError`] for every operation, telling bad input, transport failures,
//! unreadable responses and errors S3 reported apart.

use std::fmt;

/// The request could not be built: a required member is missing or a value is invalid.
/// Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct BuildError {
    operation: &'static str,
    member: Option<String>,
    message: String,
}

impl BuildError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        BuildError {
            operation: "request",
            member: None,
            message: message.into(),
        }
    }

    pub(crate) fn member(member: impl Into<String>, message: impl Into<String>) -> Self {
        BuildError {
            operation: "request",
            member: Some(member.into()),
            message: message.into(),
        }
    }

    pub(crate) fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation = operation;
        self
    }

    /// The operation being built.
    pub fn operation(&self) -> &str {
        self.operation
    }

    /// The member at fault, when one is: `Shape.Member` for a required member that is
    /// missing or empty (`PutObjectInput.Key`); the model's member name for a value S3
    /// could not accept (`Bucket`, `ChecksumAlgorithm`, a URI label); the header name for
    /// a value that cannot travel in its header.
    pub fn member_name(&self) -> Option<&str> {
        self.member.as_deref()
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The response could not be understood (malformed XML, a bad header value...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable response: {message}")]
pub struct ResponseError {
    message: String,
}

impl ResponseError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ResponseError {
            message: message.into(),
        }
    }

    /// What could not be read.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A response body whose checksum is not the one S3 sent with it: the error that ends
/// a validated body stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checksum mismatch: S3 sent {header} `{expected}`, the body received has `{actual}`")]
pub struct ChecksumMismatch {
    pub(crate) header: &'static str,
    pub(crate) expected: String,
    pub(crate) actual: String,
}

/// What kind of transport failure a [`DispatchError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchErrorKind {
    /// No connection could be opened (refused, unresolvable, TLS failed); nothing was sent.
    Connect,
    /// Opening a connection took longer than the connect timeout.
    ConnectTimeout,
    /// The server did not answer within the attempt or operation timeout.
    Timeout,
    /// A request or response body moved too little for too long (stalled-stream
    /// protection).
    Stalled,
    /// The connection broke while the request was sent or the response read.
    Io,
}

/// The request could not be sent or its response not received (connection, timeout, I/O).
#[derive(Debug)]
pub struct DispatchError {
    kind: DispatchErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
    note: Option<String>,
}

impl DispatchError {
    pub(crate) fn new(
        kind: DispatchErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        DispatchError {
            kind,
            source: source.into(),
            note: None,
        }
    }

    pub(crate) fn with_note(mut self, note: String) -> Self {
        self.note = Some(note);
        self
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> DispatchErrorKind {
        self.kind
    }

    /// Whether a time limit ran out: connecting, waiting for the server, or a stalled body.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            DispatchErrorKind::ConnectTimeout
                | DispatchErrorKind::Timeout
                | DispatchErrorKind::Stalled
        )
    }

    /// Whether no connection could be opened, so nothing was sent.
    pub fn is_connect(&self) -> bool {
        matches!(
            self.kind,
            DispatchErrorKind::Connect | DispatchErrorKind::ConnectTimeout
        )
    }

    /// What the client adds: why it did not retry, or after how many attempts it gave up.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed to complete: {}", self.source)?;
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DispatchError {
    /// The cause under the transport failure, which Display already printed.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.source()
    }
}

/// What S3 said about a failed request: HTTP status, error code, message and request ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    pub(crate) status: u16,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) extended_request_id: Option<String>,
    pub(crate) bodiless: bool,
    /// Rarely present, so kept out of line: errors stay small.
    pub(crate) extra: Option<Box<ErrorExtra>>,
}

/// The less common facts of an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ErrorExtra {
    /// The region an error document names (`<Region>`), for region redirects.
    pub(crate) region: Option<String>,
    /// What the client adds: why it did not retry, or after how many attempts it gave up.
    pub(crate) note: Option<String>,
}

impl ErrorMetadata {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The error code, e.g. `NoSuchKey`. A response without a body (HEAD) gets a code
    /// from its status: `NotFound`, `Forbidden`, `BadRequest`, `PreconditionFailed`...
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The human-readable message, when S3 sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id (`x-amz-request-id`), for support cases.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The extended request id (`x-amz-id-2`, the host id).
    pub fn extended_request_id(&self) -> Option<&str> {
        self.extended_request_id.as_deref()
    }

    /// Whether the error response had no body, so the code came from the status.
    pub fn is_bodiless(&self) -> bool {
        self.bodiless
    }

    /// What the client adds: why it did not retry, or after how many attempts it gave up.
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref()?.note.as_deref()
    }

    /// The region the error document names, if any.
    pub(crate) fn region(&self) -> Option<&str> {
        self.extra.as_ref()?.region.as_deref()
    }

    fn extra(&mut self) -> &mut ErrorExtra {
        self.extra.get_or_insert_with(Default::default)
    }

    pub(crate) fn set_note(&mut self, note: String) {
        self.extra().note = Some(note);
    }

    pub(crate) fn set_region(&mut self, region: String) {
        self.extra().region = Some(region);
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {})",
            self.code().unwrap_or("unknown error"),
            self.status
        )?;
        if let Some(m) = self.message() {
            write!(f, ": {m}")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request id {id}]")?;
        }
        if let Some(note) = self.note() {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

/// The HTTP response of an error S3 returned: status, headers and body, as aws-sdk-s3's
/// `raw()` gives them.
#[derive(Debug, Clone, Default)]
pub struct RawResponse {
    status: http::StatusCode,
    headers: Headers,
    body: bytes::Bytes,
}

impl RawResponse {
    pub(crate) fn new(status: u16, headers: http::HeaderMap, body: bytes::Bytes) -> Self {
        RawResponse {
            status: http::StatusCode::from_u16(status).unwrap_or_default(),
            headers: Headers(headers),
            body,
        }
    }

    /// The HTTP status (`raw().status().as_u16()`).
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The error document, as received (empty for a HEAD request).
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// Response headers, read by name as text (`headers().get("x-amz-request-id")`).
#[derive(Debug, Clone, Default)]
pub struct Headers(http::HeaderMap);

impl Headers {
    /// The first value of header `name` (any case), if it is present and text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.to_str().ok())
    }

    /// Whether header `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Every header as `(name, value)`, values that are not text left out.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        crate::runtime::text_headers(&self.0)
    }

    /// How many header values there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An error S3 returned, typed as the operation's error `E`, with its metadata and the
/// HTTP response it came in.
#[derive(Debug)]
pub struct ServiceError<E> {
    err: E,
    meta: ErrorMetadata,
    raw: Box<RawResponse>,
}

impl<E> ServiceError<E> {
    pub(crate) fn new(err: E, meta: ErrorMetadata, raw: RawResponse) -> Self {
        ServiceError {
            err,
            meta,
            raw: Box::new(raw),
        }
    }

    /// The typed error.
    pub fn err(&self) -> &E {
        &self.err
    }

    /// Takes the typed error.
    pub fn into_err(self) -> E {
        self.err
    }

    /// Status, code, message and request ids.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }

    /// The HTTP response: status, headers, body.
    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }
}

/// An error no variant of an operation's error enum names: a code its model does not
/// list, or (from [`SdkError::into_service_error`]) a failure before S3 answered.
#[derive(Debug, Clone)]
pub struct Unhandled {
    meta: ErrorMetadata,
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl Unhandled {
    pub(crate) fn from_meta(meta: ErrorMetadata) -> Self {
        Unhandled { meta, source: None }
    }

    /// What S3 said; empty when S3 did not answer.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl PartialEq for Unhandled {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && match (&self.source, &other.source) {
                (None, None) => true,
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => fmt::Display::fmt(source, f),
            None => fmt::Display::fmt(&self.meta, f),
        }
    }
}

impl std::error::Error for Unhandled {
    /// The cause of the failure's own cause: Display already printed the failure.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref()?.source()
    }
}

/// Makes an operation's error from a failure that is not one of its variants, as
/// aws-smithy-types' trait of this name does; every operation error implements it.
pub trait CreateUnhandledError {
    /// The `Unhandled` variant for `source` (and what S3 said, if it answered).
    fn create_unhandled_error(
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
        meta: Option<ErrorMetadata>,
    ) -> Self;
}

impl CreateUnhandledError for Unhandled {
    fn create_unhandled_error(
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
        meta: Option<ErrorMetadata>,
    ) -> Self {
        Unhandled {
            meta: meta.unwrap_or_default(),
            source: Some(source.into()),
        }
    }
}

/// The error of every operation's `send()`, with aws-sdk-s3's variant names.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The input was invalid; nothing was sent.
    ConstructionFailure(BuildError),
    /// The request could not be sent or the response not received (timeouts included:
    /// [`DispatchError::is_timeout`]).
    DispatchFailure(DispatchError),
    /// A response arrived but could not be read.
    ResponseError(ResponseError),
    /// S3 answered with an error.
    ServiceError(ServiceError<E>),
}

impl<E> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::ConstructionFailure(e) => write!(f, "invalid request: {e}"),
            SdkError::DispatchFailure(e) => write!(f, "dispatch failure: {e}"),
            SdkError::ResponseError(e) => fmt::Display::fmt(e, f),
            SdkError::ServiceError(e) => write!(f, "service error: {}", e.meta),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for SdkError<E> {
    /// The cause of the failure Display printed, so each cause is printed once.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::ConstructionFailure(e) => e.source(),
            SdkError::DispatchFailure(e) => e.source(),
            SdkError::ResponseError(e) => e.source(),
            SdkError::ServiceError(_) => None,
        }
    }
}

impl<E> SdkError<E> {
    /// The typed service error, if S3 returned one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            SdkError::ServiceError(s) => Some(&s.err),
            _ => None,
        }
    }

    /// The operation's error: S3's typed error, or for a failure before S3 answered,
    /// the `Unhandled` variant carrying that failure (as aws-sdk-s3 does).
    pub fn into_service_error(self) -> E
    where
        E: CreateUnhandledError,
    {
        let source: Box<dyn std::error::Error + Send + Sync> = match self {
            SdkError::ServiceError(s) => return s.err,
            SdkError::ConstructionFailure(e) => Box::new(e),
            SdkError::DispatchFailure(e) => Box::new(e),
            SdkError::ResponseError(e) => Box::new(e),
        };
        E::create_unhandled_error(source, None)
    }

    /// Status, code, message and request ids, if S3 returned an error.
    pub fn meta(&self) -> Option<&ErrorMetadata> {
        match self {
            SdkError::ServiceError(s) => Some(&s.meta),
            _ => None,
        }
    }

    /// The HTTP response of an error S3 returned.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            SdkError::ServiceError(s) => Some(&s.raw),
            _ => None,
        }
    }
}

/// Prints an error and every cause under it on one line (`a: b: c`), as aws-sdk-s3's
/// type of this name does: `println!("{}", DisplayErrorContext(&err))`.
pub struct DisplayErrorContext<E>(pub E);

impl<E: std::error::Error> fmt::Display for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        // Bounded: a cycle in a hand-written source() must not hang the caller.
        for _ in 0..32 {
            let Some(e) = cause else { break };
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

impl<E: std::error::Error> fmt::Debug for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ({:?})", self.0)
    }
}

/// The status, code and message of an error, read the same way from every error type, as
/// aws-sdk-s3's trait of this name reads them (`use s3_client::error::ProvideErrorMetadata`
/// for `err.code()` on an [`SdkError`]).
pub trait ProvideErrorMetadata {
    /// What S3 said; empty for an error S3 did not send.
    fn meta(&self) -> &ErrorMetadata;

    /// The error code, e.g. `NoSuchKey`.
    fn code(&self) -> Option<&str> {
        self.meta().code()
    }

    /// The message S3 sent.
    fn message(&self) -> Option<&str> {
        self.meta().message()
    }
}

/// The metadata of an error that S3 did not send (bad input, a failed connection).
static NO_METADATA: ErrorMetadata = ErrorMetadata {
    status: 0,
    code: None,
    message: None,
    request_id: None,
    extended_request_id: None,
    bodiless: false,
    extra: None,
};

impl<E> ProvideErrorMetadata for SdkError<E> {
    fn meta(&self) -> &ErrorMetadata {
        SdkError::meta(self).unwrap_or(&NO_METADATA)
    }
}

impl<E> ProvideErrorMetadata for ServiceError<E> {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// How a wait ended without success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiterErrorKind {
    /// The attempts or the time allowed ran out.
    TimedOut,
    /// A failure acceptor matched: the state can no longer be reached.
    Failure,
    /// An error no acceptor expects (a transport failure, say).
    Unexpected,
}

/// A waiter that did not reach its state: which waiter, after how many attempts, and the
/// last response.
#[derive(Debug)]
pub struct WaiterError {
    pub(crate) kind: WaiterErrorKind,
    pub(crate) waiter: &'static str,
    pub(crate) attempts: u32,
    pub(crate) elapsed: std::time::Duration,
    pub(crate) last: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl WaiterError {
    /// A wait that never started, with the reason.
    #[cfg(feature = "blocking")]
    pub(crate) fn not_run(reason: String) -> Self {
        WaiterError {
            kind: WaiterErrorKind::Unexpected,
            waiter: "(not run)",
            attempts: 0,
            elapsed: std::time::Duration::ZERO,
            last: reason.clone(),
            source: Some(reason.into()),
        }
    }

    /// Why the wait ended.
    pub fn kind(&self) -> WaiterErrorKind {
        self.kind
    }

    /// The waiter's name, as the model gives it (`ObjectExists`).
    pub fn waiter(&self) -> &str {
        self.waiter
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The last response, described.
    pub fn last_response(&self) -> &str {
        &self.last
    }
}

impl std::fmt::Display for WaiterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            WaiterErrorKind::TimedOut => "gave up",
            WaiterErrorKind::Failure => "reached a failure state",
            WaiterErrorKind::Unexpected => "stopped on an unexpected error",
        };
        write!(
            f,
            "waiter {} {what} after {} attempt(s) in {:.1?}; last response: {}",
            self.waiter, self.attempts, self.elapsed, self.last
        )
    }
}

impl std::error::Error for WaiterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
