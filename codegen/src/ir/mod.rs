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
    /// The structures shared between operations and the error structures, sorted by name
    /// (inputs and outputs belong to their operation).
    pub structures: Vec<Structure>,
    /// Enums, sorted by name.
    pub enums: Vec<Enum>,
}

impl Service {
    /// Every operation's cargo feature, sorted, each once.
    pub fn features(&self) -> Vec<&str> {
        let mut features: Vec<&str> = self.operations.iter().map(|o| o.feature.as_str()).collect();
        features.sort_unstable();
        features.dedup();
        features
    }

    /// The model files the shared types come from, by file stem (`buckets`), sorted and
    /// each once: each is a module of `types/`.
    pub fn areas(&self) -> Vec<&str> {
        let mut areas: Vec<&str> = self
            .structures
            .iter()
            .map(|s| s.area.as_str())
            .chain(self.enums.iter().map(|e| e.area.as_str()))
            .collect();
        areas.sort_unstable();
        areas.dedup();
        areas
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Model name, e.g. `ListObjectsV2`.
    pub name: String,
    /// Rust method and module name, e.g. `list_objects_v2` (a raw identifier where needed).
    pub method: String,
    /// The same in plain snake case, for file names and name lists (`list_objects_v2`).
    pub snake: String,
    /// The cargo feature that compiles it: its model file's area (`objects`).
    pub feature: String,
    /// Fluent builder type, e.g. `ListObjectsV2FluentBuilder`.
    pub builder: String,
    /// Error enum type, e.g. `ListObjectsV2Error`.
    pub error: String,
    /// Waiter type, e.g. `HeadObjectWaiter` (emitted when there are waiters).
    pub waiter: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path parts after the bucket label.
    pub path: Vec<PathPart>,
    /// Whether the URI starts with the bucket label.
    pub bucket: Option<Label>,
    /// Fixed query parameters of the URI template (`?uploads`, `?list-type=2`).
    pub static_query: Vec<(String, Option<String>)>,
    /// The input structure.
    pub input: Structure,
    /// The output structure.
    pub output: Structure,
    /// The modeled errors, sorted by shape name.
    pub errors: Vec<ErrorCase>,
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
    /// The pieces of the host prefix, in order (empty: none).
    pub host_prefix: Vec<HostPart>,
    /// The body is never signed.
    pub unsigned_payload: bool,
    /// The SigV4 service name, when it is not the service's.
    pub signing_name: Option<String>,
    /// How it reaches a directory bucket.
    pub s3_express: crate::model::S3Express,
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

/// One modeled error of an operation.
#[derive(Debug, Clone)]
pub struct ErrorCase {
    /// The error structure.
    pub shape: StructRef,
    /// Its documentation.
    pub docs: String,
    /// Its HTTP status.
    pub status: Option<u16>,
    /// Whether the structure has members besides the metadata.
    pub has_members: bool,
    /// The codes that mean this error: the shape's own first, then its aliases.
    pub codes: Vec<ErrorCode>,
    /// The cargo features of the error structure (those of the operations listing it).
    pub features: Vec<String>,
}

/// An error code and the method that tests for it.
#[derive(Debug, Clone)]
pub struct ErrorCode {
    /// The code S3 sends, e.g. `NoSuchKey`.
    pub code: String,
    /// The test method, e.g. `is_no_such_key`.
    pub check: String,
    /// Whether the code is an alias (`NotFound` for `NoSuchKey`).
    pub alias: bool,
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
    /// A streamed payload (bytes or events).
    Stream,
}

/// A waiter on an operation.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// Model name, e.g. `ObjectExists`.
    pub name: String,
    /// Snake-case name, e.g. `object_exists`.
    pub snake: String,
    /// The client method, e.g. `wait_until_object_exists`.
    pub method: String,
    /// The static holding its definition, e.g. `OBJECT_EXISTS`.
    pub constant: String,
    /// The function matching its acceptors, e.g. `classify_object_exists`.
    pub classify: String,
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
    /// The paginator type, e.g. `ListObjectsV2Paginator`.
    pub rust_name: String,
    /// `(input field, output field, type)` token pairs.
    pub tokens: Vec<(String, String, Type)>,
    /// `(list field, item field)` whose last item stands in for the first output token.
    pub fallback: Option<(String, String)>,
    /// Output field saying another page follows.
    pub more_results: Option<String>,
    /// Input field setting the page size.
    pub limit: Option<String>,
    /// The main result list (`items()` streams its items).
    pub main: PageResult,
    /// The other result lists.
    pub others: Vec<PageResult>,
}

/// A list of results in each page.
#[derive(Debug, Clone)]
pub struct PageResult {
    /// Rust field of the output member, also the paginator's method streaming its items.
    pub field: String,
    /// Model name of the member.
    pub member: String,
    /// Item type.
    pub item: Type,
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

/// A piece of the host prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPart {
    /// Literal text.
    Literal(String),
    /// A label filled from an input member: `(Rust field, model member name)`.
    Label(String, String),
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
    /// The member's type: a string, number or enum.
    pub ty: Type,
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
    /// The model file it comes from (`buckets`), the module of `types/` it goes in.
    pub area: String,
    /// Its XML reader function, e.g. `de_tag`.
    pub reader: String,
    /// Its XML writer function, e.g. `ser_tag`.
    pub writer: String,
    /// Its builder type (nested types), e.g. `TagBuilder`.
    pub builder: String,
    /// The cargo features any of which compiles it (the features of the operations that
    /// use it); empty when every build has it.
    pub features: Vec<String>,
    /// The same for its XML reader (the operations that read it from a response).
    pub reads: Vec<String>,
    /// The same for its XML writer (the operations that send it).
    pub writes: Vec<String>,
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
    /// An event stream: an enum of its members (the events), decoded from event-stream
    /// messages rather than XML.
    pub event_stream: bool,
    /// One kind of event of an event stream: its members travel as the message payload.
    pub event: bool,
}

impl Structure {
    /// A reference to this structure.
    pub fn reference(&self) -> StructRef {
        StructRef {
            name: self.name.clone(),
            rust_name: self.rust_name.clone(),
            reader: self.reader.clone(),
            writer: self.writer.clone(),
        }
    }
}

/// A member of a structure.
#[derive(Debug, Clone)]
pub struct Member {
    /// Model name.
    pub name: String,
    /// Rust field name (a raw identifier where needed), also its setter and accessor.
    pub field: String,
    /// The same in plain snake case (`type` for `r#type`).
    pub snake: String,
    /// The setter replacing the value, e.g. `set_key`.
    pub set_method: String,
    /// The getter of builders, e.g. `get_key`.
    pub get_method: String,
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
    /// Filled with a fresh UUID when unset.
    pub idempotency_token: bool,
    /// Fills a label of the operation's host prefix.
    pub host_label: bool,
    /// For a copy source, the setter taking bucket, key and version (`copy_source_from`).
    pub from_method: Option<String>,
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
    /// A stream of events: the event-stream structure the events come from.
    EventStream(StructRef),
    /// A string enum, by Rust name.
    Enum(String),
    /// A structure.
    Structure(StructRef),
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

/// A reference to a structure, with the names the emitters write for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructRef {
    /// Model name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Its XML reader function.
    pub reader: String,
    /// Its XML writer function.
    pub writer: String,
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Model name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// The model file it comes from, the module of `types/` it goes in.
    pub area: String,
    /// The cargo features any of which compiles it; empty when every build has it.
    pub features: Vec<String>,
    /// Documentation.
    pub docs: String,
    /// (wire value, Rust variant) pairs in model order.
    pub values: Vec<(String, String)>,
}
