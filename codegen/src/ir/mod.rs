//! The intermediate form: the model resolved, validated and named for Rust, ready to emit.
//!
//! Every reference is resolved, every wire name and Rust name is decided here, side by
//! side, so emitters only read facts and never look back at the raw model.

mod lower;
pub mod names;

pub use lower::lower;

pub use crate::model::TimestampFormat;

/// The whole service, resolved.
#[derive(Debug, Clone)]
pub struct Service {
    /// Human name of the service.
    pub name: String,
    /// What the service is.
    pub docs: String,
    /// SigV4 signing name.
    pub signing_name: String,
    /// API version string.
    pub api_version: String,
    /// XML namespace of request documents.
    pub xml_namespace: String,
    /// Operations, sorted by name.
    pub operations: Vec<Operation>,
    /// Structures, sorted by name.
    pub structures: Vec<Structure>,
    /// Enums, sorted by name.
    pub enums: Vec<Enum>,
}

impl Service {
    /// The structure called `name`. Lowering guarantees every reference resolves.
    pub fn structure(&self, name: &str) -> Option<&Structure> {
        self.structures
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.structures[i])
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Model name, e.g. `ListObjectsV2`.
    pub name: String,
    /// Rust method and module name, e.g. `list_objects_v2`.
    pub method: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path parts after the bucket label.
    pub path: Vec<PathPart>,
    /// Whether the URI starts with the bucket label.
    pub bucket: Option<Label>,
    /// Fixed query parameters of the URI template (`?uploads`, `?list-type=2`).
    pub static_query: Vec<(String, Option<String>)>,
    /// Name of the input structure.
    pub input: String,
    /// Name of the output structure.
    pub output: String,
    /// Error structures, sorted by name.
    pub errors: Vec<String>,
    /// Other codes one of the errors stands for, as (code, error shape), sorted by code.
    pub error_aliases: Vec<(String, String)>,
    /// An integrity header must be sent.
    pub checksum_required: bool,
    /// Header of the member choosing the request checksum algorithm, when the operation
    /// supports flexible checksums.
    pub checksum_algorithm_header: Option<String>,
    /// Header of the member asking for response checksums.
    pub checksum_mode_header: Option<String>,
    /// Algorithms S3 may use for response checksums, in order of preference, as the
    /// runtime's `ChecksumAlgorithm` variants (`Crc64nvme`).
    pub response_checksums: Vec<String>,
    /// What a successful response's body is.
    pub output_kind: OutputKind,
    /// The server may take minutes to answer.
    pub long_running: bool,
    /// URL-encoded listing support.
    pub url_encoding: Option<UrlEncoding>,
    /// How to page through results.
    pub paginator: Option<Paginator>,
    /// Waiters that poll this operation.
    pub waiters: Vec<Waiter>,
    /// Documentation.
    pub docs: String,
    /// Deprecation message, when deprecated.
    pub deprecated: Option<String>,
}

/// What the body of a successful response is, for the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// Nothing the client reads: the output is in the headers.
    Empty,
    /// An XML document.
    Xml,
    /// A text or blob payload held in memory.
    Text,
    /// A streamed payload.
    Stream,
}

/// A waiter on an operation.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// Model name, e.g. `ObjectExists`.
    pub name: String,
    /// Snake-case name, e.g. `object_exists`.
    pub method: String,
    /// Seconds between attempts.
    pub delay: u64,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Acceptors in order.
    pub acceptors: Vec<Acceptor>,
    /// What it waits for.
    pub docs: String,
}

/// What an acceptor decides when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    /// The wait is over: success.
    Success,
    /// The wait is over: the state can no longer be reached.
    Failure,
    /// Try again.
    Retry,
}

/// An acceptor: a matcher and the state it leads to.
#[derive(Debug, Clone)]
pub struct Acceptor {
    /// The resulting state.
    pub state: AcceptorState,
    /// What it matches.
    pub matcher: Matcher,
}

/// What an acceptor matches.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// An HTTP status (a successful response counts as 200).
    Status(u16),
    /// An error code.
    Error(String),
    /// An output field (Rust name) whose text equals the value.
    Path {
        /// Rust field of the output member.
        field: String,
        /// Whether the member is a string (compared as text) or an enum/number/boolean
        /// (compared through its text form).
        is_string: bool,
        /// The expected text.
        expected: String,
    },
}

/// A resolved paginator: Rust fields of the members involved.
#[derive(Debug, Clone)]
pub struct Paginator {
    /// `(input field, output field, type)` token pairs.
    pub tokens: Vec<(String, String, Type)>,
    /// `(list field, item field)` whose last item stands in for the first output token.
    pub fallback: Option<(String, String)>,
    /// Output field saying another page follows.
    pub more_results: Option<String>,
    /// Input field setting the page size.
    pub limit: Option<String>,
    /// `(output field, item type)` of each result list; the first is the main one.
    pub results: Vec<(String, Type)>,
}

/// How a listing asks for and decodes URL-encoded keys.
#[derive(Debug, Clone)]
pub struct UrlEncoding {
    /// Rust field of the input member choosing the encoding.
    pub field: String,
    /// Rust type of that member (an enum).
    pub enum_type: String,
    /// Output fields to decode: `(field, None)` for a string member, `(list field,
    /// Some(item field))` for a member of each item of a list.
    pub decode: Vec<(String, Option<String>)>,
}

/// A piece of the URI path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, already valid in a URI path.
    Literal(String),
    /// A label filled from an input member.
    Label(Label),
}

/// A URI label and the member that fills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Rust field of the input member.
    pub field: String,
    /// Model member name (for messages).
    pub member: String,
    /// A greedy label (`{Key+}`) keeps `/` unescaped.
    pub greedy: bool,
}

/// How a structure is used, which decides the module it is emitted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The input of the named operation.
    Input,
    /// The output of the named operation.
    Output,
    /// An error structure.
    Error,
    /// Any other structure, shared by inputs and outputs.
    Shared,
}

/// A structure.
#[derive(Debug, Clone)]
pub struct Structure {
    /// Model name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// How the structure is used.
    pub role: Role,
    /// The operation whose input or output this is.
    pub operation: Option<String>,
    /// Documentation.
    pub docs: String,
    /// Members in wire order.
    pub members: Vec<Member>,
    /// Default XML element name.
    pub xml_name: String,
    /// Namespace declared on the structure's element.
    pub xml_namespace: Option<(Option<String>, String)>,
    /// HTTP status, for error structures.
    pub error_status: Option<u16>,
    /// Whether the structure is written as XML in a request.
    pub serialized: bool,
    /// Whether the structure is read from XML in a response.
    pub deserialized: bool,
    /// Holds a stream, so it cannot be cloned or compared.
    pub streaming: bool,
    /// Holds a secret, so `Debug` is written by hand.
    pub sensitive: bool,
}

/// A member of a structure.
#[derive(Debug, Clone)]
pub struct Member {
    /// Model name.
    pub name: String,
    /// Rust field name (a raw identifier where needed).
    pub field: String,
    /// Resolved type.
    pub ty: Type,
    /// Where it travels.
    pub binding: Binding,
    /// Wire name: header, query parameter, XML element or attribute, header prefix.
    pub wire_name: String,
    /// Must be set before sending.
    pub required: bool,
    /// Never shown by `Debug`, never in an error message.
    pub sensitive: bool,
    /// A header naming a source object, encoded as boto3 encodes `CopySource`.
    pub copy_source: bool,
    /// Documentation.
    pub docs: String,
    /// Deprecation message, when deprecated.
    pub deprecated: Option<String>,
    /// Namespace URI declared on the member's element.
    pub xml_namespace: Option<String>,
}

/// Where a member travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// URI label.
    Label,
    /// Query parameter.
    Query,
    /// One header.
    Header,
    /// Every header with a prefix.
    PrefixHeaders,
    /// HTTP status code.
    Status,
    /// The whole body.
    Payload,
    /// The body is one XML element holding the value.
    Root,
    /// XML attribute.
    Attribute,
    /// XML child element.
    Element,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// UTF-8 text.
    String,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// Boolean.
    Boolean,
    /// Point in time, with its wire format.
    Timestamp(TimestampFormat),
    /// Bytes held in memory.
    Blob,
    /// Bytes streamed.
    Stream,
    /// A string enum, by Rust name.
    Enum(String),
    /// A structure, by model name.
    Structure(String),
    /// A list.
    List {
        /// Item type.
        item: Box<Type>,
        /// Element name of each item.
        item_name: String,
        /// Items repeat in the parent element with no wrapper.
        flattened: bool,
    },
    /// A string-to-string map (prefix headers).
    Map,
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Model name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Documentation.
    pub docs: String,
    /// (wire value, Rust variant) pairs in model order.
    pub values: Vec<(String, String)>,
}
