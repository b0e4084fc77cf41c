//! The model checker: our model beside a botocore-format model (`service-2.json`,
//! `paginators-1.json`, `waiters-2.json`), wire detail by wire detail: operations, HTTP
//! method and URI, member locations and wire names, required flags, types, enums and
//! their values, list flattening and item names, XML namespaces and attributes, checksum
//! traits, paginators and waiters. Each difference names its place as the generator's
//! diagnostics do; those the model lists as deliberate are kept apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::diag::{self, Diagnostic};
use crate::load::{self, Model};
use crate::model::{self, Location, ShapeKind, TimestampFormat};

/// A botocore-format model, as read from its directory.
#[derive(Debug, Clone)]
pub struct Reference {
    operations: Map<String, Value>,
    shapes: Map<String, Value>,
    paginators: Map<String, Value>,
    waiters: Map<String, Value>,
    api_version: String,
}

impl Reference {
    /// Reads `service-2.json`, and `paginators-1.json` and `waiters-2.json` where present.
    pub fn read(dir: &Path) -> Result<Reference, String> {
        let json = |name: &str, required: bool| -> Result<Value, String> {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => serde_json::from_str(&text)
                    .map_err(|e| format!("{}: not valid JSON: {e}", path.display())),
                Err(_) if !required => Ok(Value::Null),
                Err(e) => Err(format!("{}: {e}", path.display())),
            }
        };
        Ok(Reference::from_json(
            &json("service-2.json", true)?,
            &json("paginators-1.json", false)?,
            &json("waiters-2.json", false)?,
        ))
    }

    /// A reference from the three documents (`Null` for one that is absent).
    pub fn from_json(service: &Value, paginators: &Value, waiters: &Value) -> Reference {
        let map = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_default();
        Reference {
            operations: map(service.get("operations")),
            shapes: map(service.get("shapes")),
            paginators: map(paginators.get("pagination")),
            waiters: map(waiters.get("waiters")),
            api_version: text(service.pointer("/metadata/apiVersion")).to_string(),
        }
    }

    /// How many operations the reference has.
    pub fn operation_count(&self) -> usize {
        self.operations.len()
    }
}

/// What the checker found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Differences the model does not list as deliberate.
    pub differences: Vec<Diagnostic>,
    /// Differences the model lists as deliberate, with the reason.
    pub deliberate: Vec<(Diagnostic, String)>,
    /// Deliberate differences the model lists that no longer occur.
    pub stale: Vec<model::Deviation>,
}

impl Report {
    /// True when the model matches the reference but for its listed deviations.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty() && self.stale.is_empty()
    }
}

/// Compares `ours` with `reference`.
pub fn compare(ours: &Model, reference: &Reference) -> Report {
    let mut c = Checker {
        ours,
        reference,
        found: Vec::new(),
        compared: BTreeSet::new(),
        documents: BTreeMap::new(),
    };
    c.service();
    c.operations();
    c.paginators();
    c.waiters();
    let mut found = c.found;
    found.sort();
    found.dedup();
    let mut report = Report::default();
    let mut used = vec![false; ours.deviations.len()];
    for d in found {
        let listed = ours
            .deviations
            .iter()
            .position(|v| matches(&v.place, &d.place) && v.difference == d.message);
        match listed {
            Some(i) => {
                used[i] = true;
                report
                    .deliberate
                    .push((d, ours.deviations[i].reason.clone()));
            }
            None => report.differences.push(d),
        }
    }
    report.stale = ours
        .deviations
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(v, _)| v.clone())
        .collect();
    report
}

/// Whether `place` matches `pattern`, where each `*` stands for any text (`shape *,
/// member SSECustomerKey` for the member in every structure that has it).
fn matches(pattern: &str, place: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = place.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

struct Checker<'a> {
    ours: &'a Model,
    reference: &'a Reference,
    found: Vec<Diagnostic>,
    /// `(our shape, reference shape)` pairs already compared.
    compared: BTreeSet<(String, String)>,
    /// Reference inputs that are the request document, with the namespace the
    /// operation declares on it.
    documents: BTreeMap<String, Option<(Option<String>, String)>>,
}

/// A string field of a JSON object, or "".
fn text(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

/// A botocore value that is one string or a list of them.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn flag(v: Option<&Value>) -> bool {
    v.and_then(Value::as_bool).unwrap_or(false)
}

fn shown(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

fn option(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("none")
}

/// A member's type, in terms both models share.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Long,
    Boolean,
    Timestamp,
    Blob,
    Map,
    Enum(String),
    Structure(String),
    List(Box<Kind>),
    /// What the checker does not know (a union, a document, an unknown shape).
    Other(String),
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::String => "string".into(),
            Kind::Integer => "integer".into(),
            Kind::Long => "long".into(),
            Kind::Boolean => "boolean".into(),
            Kind::Timestamp => "timestamp".into(),
            Kind::Blob => "blob".into(),
            Kind::Map => "map".into(),
            Kind::Enum(_) => "enum".into(),
            Kind::Structure(_) => "structure".into(),
            Kind::List(item) => format!("list<{}>", item.describe()),
            Kind::Other(what) => what.clone(),
        }
    }
}

/// One reference member with the facts its structure holds about it.
struct RefMember<'a> {
    json: &'a Map<String, Value>,
    target: &'a str,
    required: bool,
    payload: bool,
}

impl Checker<'_> {
    fn differ(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.found.push(Diagnostic {
            place: place.into(),
            message: message.into(),
        });
    }

    /// Records `what is OURS, the reference has THEIRS` where the two differ.
    fn same<T: PartialEq + std::fmt::Display>(
        &mut self,
        place: &str,
        what: &str,
        ours: T,
        theirs: T,
    ) {
        if ours != theirs {
            self.differ(
                place,
                format!("{what} is {ours}, the reference has {theirs}"),
            );
        }
    }

    fn ref_shape(&self, name: &str) -> Option<&Map<String, Value>> {
        self.reference.shapes.get(name).and_then(Value::as_object)
    }

    fn service(&mut self) {
        let (ours, reference) = (self.ours, self.reference);
        if !reference.api_version.is_empty() {
            let (ours, theirs) = (&ours.service.api_version, &reference.api_version);
            self.same("service", "api_version", ours, theirs);
        }
    }

    fn operations(&mut self) {
        for name in self.reference.operations.keys() {
            if !self.ours.operations.contains_key(name) {
                self.differ(diag::operation(name), "missing (the reference has it)");
            }
        }
        for (name, (op, _)) in &self.ours.operations {
            match self
                .reference
                .operations
                .get(name)
                .and_then(Value::as_object)
            {
                Some(theirs) => self.operation(name, op, theirs),
                None => self.differ(diag::operation(name), "not in the reference"),
            }
        }
    }

    fn operation(&mut self, name: &str, op: &model::Operation, theirs: &Map<String, Value>) {
        let place = diag::operation(name);
        let http = format!(
            "{} {}",
            text(theirs.get("http").and_then(|h| h.get("method"))),
            text(theirs.get("http").and_then(|h| h.get("requestUri")))
        );
        if op.http != http {
            self.differ(
                &place,
                format!("http is `{}`, the reference has `{http}`", op.http),
            );
        }
        let status = theirs
            .get("http")
            .and_then(|h| h.get("responseCode"))
            .and_then(Value::as_u64)
            .unwrap_or(200);
        self.same(
            &place,
            "status",
            u64::from(op.status.unwrap_or(200)),
            status,
        );
        let their_errors: BTreeSet<String> = theirs
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|e| text(e.get("shape")).to_string())
            .collect();
        // An alias is a code the operation answers with, under another variant's name.
        let mut our_errors: BTreeSet<String> = op.errors.iter().cloned().collect();
        our_errors.extend(op.error_aliases.keys().cloned());
        for e in their_errors.difference(&our_errors) {
            self.differ(&place, format!("error {e} missing (the reference has it)"));
        }
        for e in our_errors.difference(&their_errors) {
            if op.error_aliases.values().any(|v| v == e) {
                // It stands in for an alias the reference has.
                continue;
            }
            self.differ(&place, format!("error {e} not in the reference"));
        }
        for e in our_errors.intersection(&their_errors) {
            let ours = op.error_aliases.get(e).unwrap_or(e);
            self.structure(ours, e);
        }
        self.checksum(&place, op.checksum.as_ref(), theirs);
        let deprecated = flag(theirs.get("deprecated"));
        self.same(&place, "deprecated", op.deprecated.is_some(), deprecated);
        let their_prefix = text(theirs.get("endpoint").and_then(|e| e.get("hostPrefix")));
        let our_prefix = op.host_prefix.as_deref().unwrap_or_default();
        if our_prefix != their_prefix {
            self.differ(
                &place,
                format!("host prefix is `{our_prefix}`, the reference has `{their_prefix}`"),
            );
        }
        let unsigned = flag(theirs.get("unsignedPayload"))
            || text(theirs.get("authtype")) == "v4-unsigned-body";
        self.same(&place, "unsigned_payload", op.unsigned_payload, unsigned);
        // botocore's endpoint rules route by an operation's static context parameters.
        let context = |name: &str| {
            theirs
                .get("staticContextParams")
                .and_then(|p| p.get(name))
                .and_then(|p| p.get("value"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        // UseObjectLambdaEndpoint: to S3 Object Lambda, signed for it.
        let lambda = context("UseObjectLambdaEndpoint");
        let their_signing = if lambda { "s3-object-lambda" } else { "none" };
        // The directory-bucket routes.
        let their_express = if context("UseS3ExpressControlEndpoint") {
            model::S3Express::ControlEndpoint
        } else if context("DisableS3ExpressSessionAuth") {
            model::S3Express::NoSession
        } else {
            model::S3Express::Session
        };
        self.same(&place, "s3_express", op.s3_express, their_express);
        let our_signing = op.signing_name.as_deref().unwrap_or("none");
        self.same(&place, "signing_name", our_signing, their_signing);

        let their_input = text(theirs.get("input").and_then(|i| i.get("shape")));
        // An input the reference names an element is itself the request document.
        let document = theirs.get("input").and_then(|i| i.get("locationName"));
        if let Some(root) = document.and_then(Value::as_str) {
            let ns = namespace(theirs.get("input").and_then(|i| i.get("xmlNamespace")));
            self.documents.insert(their_input.to_string(), ns);
            let ours = self
                .ours
                .shapes
                .get(&op.input)
                .and_then(|s| s.shape.xml_name.as_deref())
                .unwrap_or("none");
            self.same(&place, "the input document's element", ours, root);
        }
        self.structure(&op.input, their_input);
        let their_output = text(theirs.get("output").and_then(|o| o.get("shape")));
        match (&op.output, their_output) {
            (Some(ours), "") => {
                self.differ(&place, format!("output {ours}, the reference has none"))
            }
            (None, "") => {}
            (None, theirs) => self.differ(&place, format!("no output, the reference has {theirs}")),
            (Some(ours), theirs) => self.structure(ours, theirs),
        }
    }

    fn checksum(
        &mut self,
        place: &str,
        ours: Option<&model::Checksum>,
        theirs: &Map<String, Value>,
    ) {
        let trait_ = theirs.get("httpChecksum");
        let get = |key: &str| trait_.and_then(|t| t.get(key));
        let required =
            flag(get("requestChecksumRequired")) || flag(theirs.get("httpChecksumRequired"));
        let default = model::Checksum::default();
        let ours = ours.unwrap_or(&default);
        self.same(place, "checksum required", ours.required, required);
        let pairs = [
            (
                "request_algorithm_member",
                &ours.request_algorithm_member,
                get("requestAlgorithmMember"),
            ),
            (
                "response_mode_member",
                &ours.response_mode_member,
                get("requestValidationModeMember"),
            ),
        ];
        for (key, ours, theirs) in pairs {
            let theirs = theirs.and_then(Value::as_str).map(str::to_string);
            self.same(
                place,
                &format!("checksum {key}"),
                option(ours),
                option(&theirs),
            );
        }
        let algorithms = strings(get("responseAlgorithms"));
        if ours.response_algorithms != algorithms {
            self.differ(
                place,
                format!(
                    "checksum response_algorithms are {}, the reference has {}",
                    shown(&ours.response_algorithms),
                    shown(&algorithms)
                ),
            );
        }
    }

    /// Compares our structure `ours` with the reference's `theirs`, once per pair.
    fn structure(&mut self, ours: &str, theirs: &str) {
        if !self.compared.insert((ours.to_string(), theirs.to_string())) {
            return;
        }
        let place = diag::shape(ours);
        let (Some(shape), Some(their_shape)) = (self.ours.shapes.get(ours), self.ref_shape(theirs))
        else {
            // Unknown shapes are the loader's and the generator's to report.
            return;
        };
        let their_shape = their_shape.clone();
        if text(their_shape.get("type")) != "structure" {
            let t = text(their_shape.get("type")).to_string();
            self.differ(
                &place,
                format!("a structure, the reference's {theirs} is a {t}"),
            );
            return;
        }
        let event_stream = flag(their_shape.get("eventstream"));
        self.same(
            &place,
            "event_stream",
            shape.shape.event_stream,
            event_stream,
        );
        let their_status = their_shape
            .get("error")
            .and_then(|e| e.get("httpStatusCode"))
            .and_then(Value::as_u64);
        let our_status = shape.shape.error.as_ref().map(|e| u64::from(e.status));
        if their_status.is_some() && our_status != their_status {
            self.differ(
                &place,
                format!(
                    "error status is {}, the reference has {}",
                    our_status.map_or("none".into(), |s| s.to_string()),
                    their_status.map_or("none".into(), |s| s.to_string())
                ),
            );
        }
        let their_ns = namespace(their_shape.get("xmlNamespace"))
            .or_else(|| self.documents.get(theirs).cloned().flatten());
        let our_ns = shape
            .shape
            .xml_namespace
            .as_ref()
            .map(|n| (n.prefix.clone(), n.uri.clone()));
        if their_ns != our_ns {
            self.differ(
                &place,
                format!(
                    "XML namespace is {}, the reference has {}",
                    show_namespace(&our_ns),
                    show_namespace(&their_ns)
                ),
            );
        }

        let required: BTreeSet<&str> = their_shape
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let payload = text(their_shape.get("payload"));
        let empty = Map::new();
        let their_members = their_shape
            .get("members")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let shape = shape.clone();
        for (name, member) in their_members {
            if !shape.members.iter().any(|(m, _)| m == name) {
                let target = text(member.get("shape"));
                self.differ(
                    diag::member(ours, name),
                    format!("missing (the reference has it, of shape {target})"),
                );
            }
        }
        // Elements travel in member order: those both models have as elements must come
        // in the same order.
        let element_in_theirs = |name: &str| {
            name != payload
                && their_members
                    .get(name)
                    .and_then(Value::as_object)
                    .is_some_and(|m| !m.contains_key("location") && !flag(m.get("xmlAttribute")))
        };
        let our_order: Vec<String> = shape
            .members
            .iter()
            .filter(|(n, m)| m.location.is_none_or(|l| l == Location::Body) && element_in_theirs(n))
            .map(|(n, _)| n.clone())
            .collect();
        let their_order: Vec<String> = their_members
            .keys()
            .filter(|n| our_order.contains(n))
            .cloned()
            .collect();
        if our_order != their_order {
            self.differ(
                &place,
                format!(
                    "elements are in the order {}, the reference has {}",
                    shown(&our_order),
                    shown(&their_order)
                ),
            );
        }
        for (name, member) in &shape.members {
            let place = diag::member(ours, name);
            match their_members.get(name).and_then(Value::as_object) {
                None => self.differ(place, "not in the reference"),
                Some(json) => {
                    let theirs = RefMember {
                        json,
                        target: text(json.get("shape")),
                        required: required.contains(name.as_str()),
                        payload: payload == name,
                    };
                    self.member(&place, name, member, &theirs);
                }
            }
        }
    }

    fn member(&mut self, place: &str, name: &str, ours: &model::Member, theirs: &RefMember<'_>) {
        let target = self.ref_shape(theirs.target).cloned().unwrap_or_default();
        // Where it travels.
        let their_location = match text(theirs.json.get("location")) {
            "uri" => Location::Uri,
            "querystring" => Location::Query,
            "header" => Location::Header,
            "headers" => Location::Headers,
            "statusCode" => Location::Status,
            // An event's payload member is the message payload.
            _ if theirs.payload || flag(theirs.json.get("eventpayload")) => Location::Payload,
            _ if flag(theirs.json.get("xmlAttribute")) => Location::Attribute,
            _ => Location::Body,
        };
        let our_location = ours.location.unwrap_or(Location::Body);
        if our_location != their_location {
            self.differ(
                place,
                format!(
                    "travels in {}, the reference has {}",
                    location(our_location),
                    location(their_location)
                ),
            );
        }
        // Its wire name.
        let their_name = theirs
            .json
            .get("locationName")
            .and_then(Value::as_str)
            .unwrap_or(name);
        let our_name = ours.name.as_deref().unwrap_or(name);
        let headers = matches!(their_location, Location::Header | Location::Headers);
        let same = if headers {
            our_name.eq_ignore_ascii_case(their_name)
        } else {
            our_name == their_name
        };
        // A body member's name is its element's; the wire has none for other locations
        // where the reference gives none.
        let named = theirs.json.contains_key("locationName")
            || matches!(their_location, Location::Body | Location::Attribute);
        if named && !same {
            self.differ(
                place,
                format!("wire name is `{our_name}`, the reference has `{their_name}`"),
            );
        }
        self.same(place, "required", ours.required, theirs.required);
        let their_ns = theirs
            .json
            .get("xmlNamespace")
            .and_then(|n| n.get("uri"))
            .and_then(Value::as_str)
            .map(str::to_string);
        self.same(
            place,
            "XML namespace",
            option(&ours.xml_namespace),
            option(&their_ns),
        );
        let sensitive = flag(target.get("sensitive")) || flag(theirs.json.get("sensitive"));
        self.same(place, "sensitive", ours.sensitive, sensitive);
        let deprecated = flag(theirs.json.get("deprecated"));
        self.same(place, "deprecated", ours.deprecated.is_some(), deprecated);
        let token = flag(theirs.json.get("idempotencyToken"));
        self.same(place, "idempotency_token", ours.idempotency_token, token);
        let host_label = flag(theirs.json.get("hostLabel"));
        self.same(place, "host_label", ours.host_label, host_label);
        // Its type.
        let our_kind = self.our_kind(&ours.ty);
        let their_kind = self.their_kind(theirs.target);
        self.kinds(place, &our_kind, &their_kind);
        match (&our_kind, &their_kind) {
            (Kind::Timestamp, Kind::Timestamp) => {
                let default = if matches!(their_location, Location::Header) {
                    "rfc822"
                } else {
                    "iso8601"
                };
                let theirs_format = theirs
                    .json
                    .get("timestampFormat")
                    .or(target.get("timestampFormat"))
                    .and_then(Value::as_str)
                    .unwrap_or(default);
                let ours_format = match ours.format {
                    Some(TimestampFormat::Iso8601) => "iso8601",
                    Some(TimestampFormat::HttpDate) => "rfc822",
                    Some(TimestampFormat::EpochSeconds) => "unixTimestamp",
                    None if matches!(our_location, Location::Header) => "rfc822",
                    None => "iso8601",
                };
                self.same(place, "timestamp format", ours_format, theirs_format);
            }
            (Kind::Blob, Kind::Blob) => {
                let theirs_streaming =
                    flag(theirs.json.get("streaming")) || flag(target.get("streaming"));
                self.same(place, "streaming", ours.streaming, theirs_streaming);
            }
            (Kind::List(_), Kind::List(_)) => {
                let their_flat =
                    flag(theirs.json.get("flattened")) || flag(target.get("flattened"));
                if ours.flattened != their_flat {
                    self.differ(
                        place,
                        format!(
                            "flattened is {}, the reference has {their_flat}",
                            ours.flattened
                        ),
                    );
                } else if !their_flat {
                    let their_item = target
                        .get("member")
                        .and_then(|m| m.get("locationName"))
                        .and_then(Value::as_str)
                        .unwrap_or("member");
                    let our_item = ours.item_name.as_deref().unwrap_or("member");
                    if our_item != their_item {
                        self.differ(
                            place,
                            format!("item name is `{our_item}`, the reference has `{their_item}`"),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// Compares two kinds, descending into structures, enums and list items.
    fn kinds(&mut self, place: &str, ours: &Kind, theirs: &Kind) {
        match (ours, theirs) {
            (Kind::Structure(o), Kind::Structure(t)) => self.structure(o, t),
            (Kind::Enum(o), Kind::Enum(t)) => self.enumeration(o, t),
            (Kind::List(o), Kind::List(t)) => self.kinds(place, o, t),
            (o, t) if o == t => {}
            (o, t) => self.differ(
                place,
                format!(
                    "type is {}, the reference has {}",
                    o.describe(),
                    t.describe()
                ),
            ),
        }
    }

    fn enumeration(&mut self, ours: &str, theirs: &str) {
        if !self.compared.insert((ours.to_string(), theirs.to_string())) {
            return;
        }
        let place = diag::shape(ours);
        let our_values: BTreeSet<String> = self
            .ours
            .shapes
            .get(ours)
            .and_then(|s| s.shape.values.clone())
            .unwrap_or_default()
            .into_iter()
            .collect();
        let their_values: BTreeSet<String> = self
            .ref_shape(theirs)
            .map(|s| strings(s.get("enum")))
            .unwrap_or_default()
            .into_iter()
            .collect();
        for v in their_values.difference(&our_values) {
            self.differ(
                &place,
                format!("value `{v}` missing (the reference has it)"),
            );
        }
        for v in our_values.difference(&their_values) {
            self.differ(&place, format!("value `{v}` not in the reference"));
        }
    }

    /// Our type string as a [`Kind`].
    fn our_kind(&self, ty: &str) -> Kind {
        let ty = ty.trim();
        if let Some(item) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
            return Kind::List(Box::new(self.our_kind(item)));
        }
        if ty.starts_with("map<") {
            return Kind::Map;
        }
        match ty {
            "string" => Kind::String,
            "integer" => Kind::Integer,
            "long" => Kind::Long,
            "boolean" => Kind::Boolean,
            "timestamp" => Kind::Timestamp,
            "blob" => Kind::Blob,
            name => match self.ours.shapes.get(name).map(|s| s.shape.kind) {
                Some(ShapeKind::Enum) => Kind::Enum(name.into()),
                Some(ShapeKind::Structure) => Kind::Structure(name.into()),
                None => Kind::Other(format!("unknown shape {name}")),
            },
        }
    }

    /// A reference shape as a [`Kind`].
    fn their_kind(&self, name: &str) -> Kind {
        let Some(shape) = self.ref_shape(name) else {
            return Kind::Other(format!("unknown shape {name}"));
        };
        match text(shape.get("type")) {
            "string" if shape.contains_key("enum") => Kind::Enum(name.into()),
            "string" => Kind::String,
            "integer" => Kind::Integer,
            "long" => Kind::Long,
            "boolean" => Kind::Boolean,
            "timestamp" => Kind::Timestamp,
            "blob" => Kind::Blob,
            "map" => Kind::Map,
            "structure" if flag(shape.get("union")) => Kind::Other("union".into()),
            "structure" => Kind::Structure(name.into()),
            "list" => Kind::List(Box::new(
                self.their_kind(text(shape.get("member").and_then(|m| m.get("shape")))),
            )),
            other => Kind::Other(other.into()),
        }
    }

    fn paginators(&mut self) {
        let theirs = &self.reference.paginators;
        for (name, p) in theirs {
            let place = diag::operation(name);
            let ours = self.ours.operations.get(name).map(|(op, _)| op);
            let Some(ours) = ours else {
                // The missing operation is reported once, by `operations`.
                continue;
            };
            let Some(ours) = &ours.paginator else {
                self.differ(place, "no paginator, the reference has one");
                continue;
            };
            // `NextMarker || Contents[-1].Key`: the first token, then the item that
            // stands in for it.
            let mut output = strings(p.get("output_token"));
            let mut fallback = None;
            if let [one] = output.as_slice()
                && let Some((first, second)) = one.split_once("||")
            {
                fallback = Some(second.trim().replace("[-1]", ""));
                output = vec![first.trim().to_string()];
            }
            let lists = [
                (
                    "input_token",
                    &ours.input_token,
                    strings(p.get("input_token")),
                ),
                ("output_token", &ours.output_token, output),
                (
                    "result_keys",
                    &ours.result_keys,
                    strings(p.get("result_key")),
                ),
            ];
            for (key, ours, theirs) in lists {
                self.same(
                    &place,
                    &format!("paginator {key}"),
                    shown(ours),
                    shown(&theirs),
                );
            }
            let single = [
                ("fallback_token", &ours.fallback_token, fallback),
                (
                    "more_results",
                    &ours.more_results,
                    p.get("more_results")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                ),
                (
                    "limit_key",
                    &ours.limit_key,
                    p.get("limit_key")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                ),
            ];
            for (key, ours, theirs) in single {
                self.same(
                    &place,
                    &format!("paginator {key}"),
                    option(ours),
                    option(&theirs),
                );
            }
        }
        for (name, (op, _)) in &self.ours.operations {
            if op.paginator.is_some() && !theirs.contains_key(name) {
                self.differ(
                    diag::operation(name),
                    "a paginator the reference does not have",
                );
            }
        }
    }

    fn waiters(&mut self) {
        let mut ours: BTreeMap<String, (String, Option<model::Waiter>)> = BTreeMap::new();
        for (op_name, (op, _)) in &self.ours.operations {
            for (name, w) in &op.waiters {
                let waiter = serde_json::from_value::<model::Waiter>(w.clone()).ok();
                ours.insert(name.clone(), (op_name.clone(), waiter));
            }
        }
        for (name, theirs) in &self.reference.waiters {
            let place = format!("waiter {name}");
            let their_op = text(theirs.get("operation"));
            let Some((op, waiter)) = ours.remove(name) else {
                self.differ(
                    place,
                    format!("missing (the reference has it, on {their_op})"),
                );
                continue;
            };
            if op != their_op {
                self.differ(
                    &place,
                    format!("polls {op}, the reference polls {their_op}"),
                );
            }
            let Some(waiter) = waiter else {
                // An unreadable waiter is the generator's to report.
                continue;
            };
            let delay = theirs.get("delay").and_then(Value::as_u64).unwrap_or(0);
            self.same(&place, "delay", waiter.delay, delay);
            let attempts = theirs
                .get("maxAttempts")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            self.same(
                &place,
                "max_attempts",
                u64::from(waiter.max_attempts),
                attempts,
            );
            let our_acceptors: Vec<String> = waiter.acceptors.iter().map(our_acceptor).collect();
            let their_acceptors: Vec<String> = theirs
                .get("acceptors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(their_acceptor)
                .collect();
            if our_acceptors != their_acceptors {
                self.differ(
                    &place,
                    format!(
                        "acceptors are {}, the reference has {}",
                        shown(&our_acceptors),
                        shown(&their_acceptors)
                    ),
                );
            }
        }
        for (name, (op, _)) in ours {
            self.differ(
                format!("waiter {name}"),
                format!("on {op}, not in the reference"),
            );
        }
    }
}

fn our_acceptor(a: &model::Acceptor) -> String {
    let matcher = match (&a.status, &a.error, &a.path) {
        (Some(status), _, _) => format!("status {status}"),
        (_, Some(code), _) => format!("error {code}"),
        (_, _, Some(path)) => format!("path {path} = {}", a.expected.as_deref().unwrap_or("")),
        _ => "nothing".to_string(),
    };
    format!("{}: {matcher}", a.state)
}

fn their_acceptor(a: &Value) -> String {
    let expected = match a.get("expected") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let matcher = match text(a.get("matcher")) {
        "status" => format!("status {expected}"),
        "error" => format!("error {expected}"),
        "path" => format!("path {} = {expected}", text(a.get("argument"))),
        other => format!("{other} {expected}"),
    };
    format!("{}: {matcher}", text(a.get("state")))
}

fn namespace(v: Option<&Value>) -> Option<(Option<String>, String)> {
    let v = v?;
    let uri = v.get("uri").and_then(Value::as_str)?.to_string();
    let prefix = v.get("prefix").and_then(Value::as_str).map(str::to_string);
    Some((prefix, uri))
}

fn show_namespace(ns: &Option<(Option<String>, String)>) -> String {
    match ns {
        None => "none".into(),
        Some((None, uri)) => uri.clone(),
        Some((Some(prefix), uri)) => format!("{prefix}={uri}"),
    }
}

fn location(l: Location) -> &'static str {
    match l {
        Location::Uri => "the URI",
        Location::Query => "the query",
        Location::Header => "a header",
        Location::Headers => "prefixed headers",
        Location::Status => "the status code",
        Location::Payload => "the payload",
        Location::Root => "the root element's text",
        Location::Attribute => "an XML attribute",
        Location::Body => "an XML element",
    }
}

/// Loads our model from its files and compares it with the reference in `dir`.
pub fn check(files: &[(String, String)], dir: &Path) -> Result<Report, String> {
    let ours = load::load(files).map_err(|d| d.to_string())?;
    let reference = Reference::read(dir)?;
    Ok(compare(&ours, &reference))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_star_in_a_listed_place_stands_for_any_text() {
        assert!(matches(
            "shape *, member Key",
            "shape GetObjectInput, member Key"
        ));
        assert!(matches("operation GetObject", "operation GetObject"));
        assert!(matches(
            "shape *Input, member *Key",
            "shape PutObjectInput, member SSECustomerKey"
        ));
        assert!(!matches(
            "shape *, member Key",
            "shape GetObjectInput, member KeyMarker"
        ));
        assert!(!matches("operation GetObject", "operation GetObjectAcl"));
        assert!(!matches(
            "shape *Output, member Key",
            "shape GetObjectInput, member Key"
        ));
    }
}
