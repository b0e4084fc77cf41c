//! The model as written: a plain mirror of the JSON files in `model/`, with no logic.
//!
//! Every object rejects keys it does not know, so a typo in the model is an error rather
//! than a silently ignored setting. Member order is kept as written because it is the order
//! of elements in the XML that S3 receives.

use serde::Deserialize;

/// Service-wide facts, given once across all model files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Human name of the service.
    pub name: String,
    /// What the service is, for the crate docs.
    pub docs: String,
    /// SigV4 signing name.
    pub signing_name: String,
    /// API version string.
    pub api_version: String,
    /// XML namespace of request and response documents.
    pub xml_namespace: String,
    /// The URI label that names the bucket; the runtime moves it into the host name for
    /// virtual-hosted-style addressing.
    pub bucket_label: String,
}

/// One operation of the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Method and URI template, e.g. `GET /{Bucket}/{Key+}?uploads`.
    pub http: String,
    /// HTTP status of a successful response, when it is not 200.
    #[serde(default)]
    pub status: Option<u16>,
    /// Name of the input structure.
    pub input: String,
    /// Name of the output structure; an operation without one answers with nothing of note.
    #[serde(default)]
    pub output: Option<String>,
    /// Error structures the operation is documented to return.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Other error codes that one of `errors` stands for, code to error shape: a HEAD
    /// request's 404 is `NotFound`, which is S3's `NoSuchKey` there.
    #[serde(default)]
    pub error_aliases: std::collections::BTreeMap<String, String>,
    /// Integrity checksum settings.
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// Set when the operation is deprecated: `true`, or a message naming the successor.
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// Listings whose keys S3 can send URL-encoded.
    #[serde(default)]
    pub url_encoding: Option<UrlEncoding>,
    /// How to page through the operation's results.
    #[serde(default)]
    pub paginator: Option<Paginator>,
    /// Waiters that poll this operation until a state is reached, by name; each is a
    /// [`Waiter`], read during lowering so that errors name the waiter.
    #[serde(default)]
    pub waiters: serde_json::Map<String, serde_json::Value>,
    /// The server may work on the request for minutes before or while it answers
    /// (server-side copies, assembling a multipart upload).
    #[serde(default)]
    pub long_running: bool,
    /// Text put in front of the endpoint's host name, with `{Label}`s filled from input
    /// members marked `host_label` (`{RequestRoute}.`).
    #[serde(default)]
    pub host_prefix: Option<String>,
    /// The body is never signed: `UNSIGNED-PAYLOAD`, whatever the body and scheme.
    #[serde(default)]
    pub unsigned_payload: bool,
    /// The SigV4 service name when it is not the service's; on AWS the endpoint's first
    /// label too (`s3-object-lambda.<region>.amazonaws.com`).
    #[serde(default)]
    pub signing_name: Option<String>,
    /// How the operation treats a directory bucket (S3 Express One Zone) when it is not
    /// the default: signed with a session from `CreateSession`, at the zonal endpoint.
    #[serde(default)]
    pub s3_express: S3Express,
    /// What the operation does.
    pub docs: String,
}

/// How an operation reaches a directory bucket (S3 Express One Zone).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum S3Express {
    /// At the bucket's zonal endpoint, signed with session credentials.
    #[default]
    Session,
    /// At the zonal endpoint, signed with the caller's own credentials (CreateSession,
    /// copies: botocore's `DisableS3ExpressSessionAuth`).
    NoSession,
    /// On AWS, at the regional S3 Express control endpoint, signed with the caller's own
    /// credentials (bucket configuration, listing directory buckets: botocore's
    /// `UseS3ExpressControlEndpoint`).
    ControlEndpoint,
}

impl std::fmt::Display for S3Express {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            S3Express::Session => "session",
            S3Express::NoSession => "no_session",
            S3Express::ControlEndpoint => "control_endpoint",
        })
    }
}

/// A paginator, as botocore describes one: the output tokens of one page are the input
/// tokens of the next, while `more_results` says there is more.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paginator {
    /// Input members that say where a page starts.
    pub input_token: Vec<String>,
    /// Output members giving the next page's `input_token`, in the same order.
    pub output_token: Vec<String>,
    /// Output member whose last item gives the first token when the server leaves the
    /// first output token out (`Contents.Key` for ListObjects without a delimiter).
    #[serde(default)]
    pub fallback_token: Option<String>,
    /// Output boolean member: another page follows. Without it, a token does.
    #[serde(default)]
    pub more_results: Option<String>,
    /// Input member that sets the page size.
    #[serde(default)]
    pub limit_key: Option<String>,
    /// Output list members holding the results; the first is the main one.
    pub result_keys: Vec<String>,
}

/// A waiter: the operation is sent every `delay` seconds, up to `max_attempts` times,
/// until an acceptor matches with `success` or `failure`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// Seconds between attempts.
    pub delay: u64,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Checked in order against each response; the first that matches decides.
    pub acceptors: Vec<Acceptor>,
    /// What the waiter waits for.
    pub docs: String,
}

/// One acceptor: a state and exactly one matcher.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptor {
    /// `success`, `failure` or `retry`.
    pub state: String,
    /// Matches a response with this HTTP status (a successful response counts as 200).
    #[serde(default)]
    pub status: Option<u16>,
    /// Matches an error response with this error code.
    #[serde(default)]
    pub error: Option<String>,
    /// Matches a successful response whose output member `path` equals `expected`.
    #[serde(default)]
    pub path: Option<String>,
    /// The value `path` must have, as text.
    #[serde(default)]
    pub expected: Option<String>,
}

/// URL-encoded listings: the client asks for `url` encoding unless the caller chose one,
/// so that keys with characters XML cannot carry survive, and decodes the answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlEncoding {
    /// Input member choosing the encoding; an enum with the value `url`.
    pub member: String,
    /// Output members to decode: `Prefix`, or `Contents.Key` for a member of each item of a
    /// list.
    pub decode: Vec<String>,
}

/// Request and response checksum settings of an operation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checksum {
    /// S3 refuses the request without an integrity header (Content-MD5 or x-amz-checksum-*).
    #[serde(default)]
    pub required: bool,
    /// Input member that selects the request checksum algorithm.
    #[serde(default)]
    pub request_algorithm_member: Option<String>,
    /// Input member that asks S3 to return checksums for validation.
    #[serde(default)]
    pub response_mode_member: Option<String>,
    /// Algorithms S3 may use for response checksums.
    #[serde(default)]
    pub response_algorithms: Vec<String>,
}

/// A deprecation: a plain flag or a message.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Deprecation {
    /// Deprecated without a message.
    Flag(bool),
    /// Deprecated, with a message that names the replacement.
    Message(String),
}

/// The kinds of named shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    /// A record of named members.
    Structure,
    /// A string restricted to listed values.
    Enum,
}

/// A named shape: a structure or a string enum.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// Structure or enum.
    #[serde(rename = "type")]
    pub kind: ShapeKind,
    /// What the shape represents.
    pub docs: String,
    /// Members of a structure, in wire order (kept raw so each one is checked on its own).
    #[serde(default)]
    pub members: Option<serde_json::Map<String, serde_json::Value>>,
    /// Values of an enum.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// Marks a structure as an error S3 returns, with its usual HTTP status.
    #[serde(default)]
    pub error: Option<ErrorInfo>,
    /// XML element name when it differs from the shape name.
    #[serde(default)]
    pub xml_name: Option<String>,
    /// XML namespace declared on the element of this structure.
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    /// An event stream: the structure's members are the kinds of event a response
    /// streams (each a structure whose one member, if any, is its `payload`), and a member
    /// of its type is an output payload read as a stream of those events.
    #[serde(default)]
    pub event_stream: bool,
}

/// Facts about an error structure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorInfo {
    /// The HTTP status S3 answers this error with.
    pub status: u16,
}

/// An XML namespace declaration, optionally with a prefix (`xmlns:prefix="uri"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XmlNamespace {
    /// Namespace prefix; absent for a default namespace.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Namespace URI.
    pub uri: String,
}

/// Where a member travels in the HTTP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A `{Label}` of the URI path.
    Uri,
    /// A query string parameter.
    Query,
    /// One HTTP header.
    Header,
    /// All headers starting with a prefix, as a map (e.g. `x-amz-meta-`).
    Headers,
    /// The HTTP status code.
    Status,
    /// The whole body.
    Payload,
    /// The body's XML document is this one element; its text is the value.
    Root,
    /// An XML attribute of the structure's element.
    Attribute,
    /// A child element of the structure's XML element (the default).
    Body,
}

/// Timestamp wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampFormat {
    /// RFC 3339 / ISO 8601, e.g. `2026-11-24T06:00:00.000Z`.
    Iso8601,
    /// RFC 7231 HTTP date, e.g. `Tue, 24 Nov 2026 06:00:00 GMT`.
    HttpDate,
    /// Seconds since the Unix epoch.
    EpochSeconds,
}

/// A member of a structure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// `string`, `integer`, `long`, `boolean`, `timestamp`, `blob`, a shape name,
    /// `list<T>` or `map<K, V>`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Where the member travels; a child XML element when absent.
    #[serde(rename = "in", default)]
    pub location: Option<Location>,
    /// Wire name (header, query parameter, XML element or attribute) when it differs from
    /// the member name.
    #[serde(default)]
    pub name: Option<String>,
    /// The caller must set it; checked before anything is sent.
    #[serde(default)]
    pub required: bool,
    /// A list whose items repeat directly in the parent element, with no wrapper element.
    #[serde(default)]
    pub flattened: bool,
    /// Element name of each item of a wrapped list (default `member`).
    #[serde(default)]
    pub item_name: Option<String>,
    /// Timestamp format, when it is not the default of its location.
    #[serde(default)]
    pub format: Option<TimestampFormat>,
    /// A blob payload that is streamed rather than held in memory.
    #[serde(default)]
    pub streaming: bool,
    /// XML namespace URI declared on this member's element.
    #[serde(default)]
    pub xml_namespace: Option<String>,
    /// A secret: never shown by `Debug`, never in an error message.
    #[serde(default)]
    pub sensitive: bool,
    /// A header naming a source object as `bucket/key[?versionId=...]`, which the client
    /// percent-encodes as boto3 does; the builder also gets a setter taking the parts.
    #[serde(default)]
    pub copy_source: bool,
    /// A string the client fills with a fresh random UUID when the caller leaves it unset,
    /// so that a retried request is recognised as the same one (botocore's
    /// `idempotencyToken`).
    #[serde(default)]
    pub idempotency_token: bool,
    /// A string that also fills the `{Label}` of its name in the operation's
    /// `host_prefix`; it must be a valid host name label.
    #[serde(default)]
    pub host_label: bool,
    /// Set when the member is deprecated.
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// What the member means.
    pub docs: String,
}

/// A difference from the reference model (botocore's) kept on purpose: the checker
/// (`cargo xtask check-model`) reports it as deliberate rather than as a fault, and fails
/// when it no longer occurs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// Where, as the checker prints it (`operation GetObject`, `shape Owner, member ID`);
    /// each `*` stands for any text.
    pub place: String,
    /// The difference, as the checker prints it.
    pub difference: String,
    /// Why it is kept.
    pub reason: String,
}
