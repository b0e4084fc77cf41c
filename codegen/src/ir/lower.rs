//! Lowering: raw model files in, a validated [`Service`] out, or every problem found.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::names;
use super::{
    Acceptor, AcceptorState, Binding, Enum, Label, Matcher, Member, Operation, OutputKind,
    Paginator, PathPart, Role, Service, Structure, TimestampFormat, Type, UrlEncoding, Waiter,
};
use crate::diag::{self, Diagnostics};
use crate::model::{self, Location, ShapeKind};

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"];

/// A shape as read, with the file it came from and its members parsed one by one.
struct RawShape {
    shape: model::Shape,
    members: Vec<(String, model::Member)>,
}

/// Reads every model file (`(file name, JSON text)`), checks it, and resolves it.
pub fn lower(files: &[(String, String)]) -> Result<Service, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut service: Option<model::Service> = None;
    let mut operations: BTreeMap<String, model::Operation> = BTreeMap::new();
    let mut shapes: BTreeMap<String, RawShape> = BTreeMap::new();
    let mut origin: BTreeMap<String, String> = BTreeMap::new();

    for (file, text) in files {
        let root: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                d.error(format!("file {file}"), format!("not valid JSON: {e}"));
                continue;
            }
        };
        let Value::Object(root) = root else {
            d.error(
                format!("file {file}"),
                "the top level must be a JSON object",
            );
            continue;
        };
        for (key, value) in root {
            match key.as_str() {
                "service" => match serde_json::from_value::<model::Service>(value) {
                    Ok(s) if service.is_none() => service = Some(s),
                    Ok(_) => d.error(format!("file {file}"), "`service` is given more than once"),
                    Err(e) => d.error(format!("file {file}, service"), e.to_string()),
                },
                "operations" => {
                    for (name, value) in object(&mut d, &format!("file {file}, operations"), value)
                    {
                        let place = diag::operation(&name);
                        if let Some(first) = origin.insert(format!("op:{name}"), file.clone()) {
                            d.error(&place, format!("defined in both {first} and {file}"));
                            continue;
                        }
                        match serde_json::from_value::<model::Operation>(value) {
                            Ok(op) => {
                                operations.insert(name, op);
                            }
                            Err(e) => d.error(place, e.to_string()),
                        }
                    }
                }
                "shapes" => {
                    for (name, value) in object(&mut d, &format!("file {file}, shapes"), value) {
                        let place = diag::shape(&name);
                        if let Some(first) = origin.insert(format!("shape:{name}"), file.clone()) {
                            d.error(&place, format!("defined in both {first} and {file}"));
                            continue;
                        }
                        match serde_json::from_value::<model::Shape>(value) {
                            Ok(mut shape) => {
                                let mut members = Vec::new();
                                for (m, v) in shape.members.take().unwrap_or_default() {
                                    match serde_json::from_value::<model::Member>(v) {
                                        Ok(member) => members.push((m, member)),
                                        Err(e) => d.error(diag::member(&name, &m), e.to_string()),
                                    }
                                }
                                shapes.insert(name, RawShape { shape, members });
                            }
                            Err(e) => d.error(place, e.to_string()),
                        }
                    }
                }
                other => d.error(
                    format!("file {file}"),
                    format!(
                        "unknown top-level key `{other}` (expected service, operations, shapes)"
                    ),
                ),
            }
        }
    }

    let Some(service) = service else {
        d.error("model", "no file gives the `service` section");
        return Err(d.finish(()).err().unwrap_or_default());
    };

    let mut lowering = Lowering {
        d,
        shapes: &shapes,
        service: &service,
    };
    let result = lowering.run(&operations);
    lowering.d.finish(result)
}

fn object(d: &mut Diagnostics, place: &str, value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => {
            d.error(place, "must be a JSON object");
            Map::new()
        }
    }
}

fn deprecation(dep: &Option<model::Deprecation>) -> Option<String> {
    match dep {
        None | Some(model::Deprecation::Flag(false)) => None,
        Some(model::Deprecation::Flag(true)) => Some(String::new()),
        Some(model::Deprecation::Message(m)) => Some(m.clone()),
    }
}

struct Lowering<'a> {
    d: Diagnostics,
    shapes: &'a BTreeMap<String, RawShape>,
    service: &'a model::Service,
}

impl Lowering<'_> {
    fn run(&mut self, operations: &BTreeMap<String, model::Operation>) -> Service {
        // Which operation uses each structure as input or output.
        let mut roles: BTreeMap<String, (Role, String)> = BTreeMap::new();
        let mut synthesized: Vec<Structure> = Vec::new();
        let mut ops = Vec::new();
        for (name, op) in operations {
            let place = diag::operation(name);
            self.docs(&place, &op.docs);
            if !names::is_identifier(name) {
                self.d.error(&place, "operation names must be identifiers");
            }
            let output = match &op.output {
                Some(o) => o.clone(),
                None => {
                    let o = format!("{name}Output");
                    if self.shapes.contains_key(&o) {
                        self.d.error(
                            &place,
                            format!("has no output, but a shape named {o} exists"),
                        );
                    }
                    synthesized.push(Structure {
                        name: o.clone(),
                        rust_name: names::type_name(&o),
                        role: Role::Output,
                        operation: Some(name.clone()),
                        docs: format!("The result of `{name}`, which carries no data."),
                        members: Vec::new(),
                        xml_name: o.clone(),
                        xml_namespace: None,
                        error_status: None,
                        serialized: false,
                        deserialized: false,
                        streaming: false,
                        sensitive: false,
                    });
                    o
                }
            };
            for (shape, role) in [(&op.input, Role::Input), (&output, Role::Output)] {
                if op.output.is_none() && role == Role::Output {
                    roles.insert(shape.clone(), (role, name.clone()));
                    continue;
                }
                match self.shapes.get(shape) {
                    None => self
                        .d
                        .error(&place, format!("refers to unknown shape {shape}")),
                    Some(s) if s.shape.kind != ShapeKind::Structure => {
                        self.d.error(&place, format!("{shape} must be a structure"))
                    }
                    Some(s) if s.shape.error.is_some() => {
                        self.d.error(&place, format!("{shape} is an error shape"))
                    }
                    Some(_) => {
                        if let Some((_, other)) = roles.insert(shape.clone(), (role, name.clone()))
                        {
                            self.d.error(
                                &place,
                                format!("shape {shape} is already the input or output of {other}"),
                            );
                        }
                    }
                }
            }
            let mut errors = Vec::new();
            for e in &op.errors {
                match self.shapes.get(e) {
                    Some(s) if s.shape.error.is_some() => errors.push(e.clone()),
                    Some(_) => self
                        .d
                        .error(&place, format!("error {e} is not an error shape")),
                    None => self
                        .d
                        .error(&place, format!("refers to unknown error shape {e}")),
                }
            }
            errors.sort();
            if errors.windows(2).any(|w| w[0] == w[1]) {
                self.d.error(&place, "lists an error twice");
            }
            for (code, target) in &op.error_aliases {
                if !errors.contains(target) {
                    self.d.error(
                        &place,
                        format!("error alias {code} names {target}, which is not in `errors`"),
                    );
                }
                if errors.contains(code) {
                    self.d.error(
                        &place,
                        format!("error alias {code} is itself listed in `errors`"),
                    );
                }
            }
            ops.push((name.clone(), op, output, errors));
        }

        let mut structures: Vec<Structure> = Vec::new();
        let mut enums = Vec::new();
        for (name, raw) in self.shapes {
            let place = diag::shape(name);
            self.docs(&place, &raw.shape.docs);
            if !names::is_identifier(name) {
                self.d.error(&place, "shape names must be identifiers");
            }
            if [
                "string",
                "integer",
                "long",
                "boolean",
                "timestamp",
                "blob",
                "list",
                "map",
            ]
            .contains(&name.to_lowercase().as_str())
            {
                self.d
                    .error(&place, "a shape may not take the name of a built-in type");
            }
            match raw.shape.kind {
                ShapeKind::Enum => enums.push(self.lower_enum(name, raw)),
                ShapeKind::Structure => {
                    let role = if raw.shape.error.is_some() {
                        (Role::Error, None)
                    } else {
                        match roles.get(name) {
                            Some((r, op)) => (*r, Some(op.clone())),
                            None => (Role::Shared, None),
                        }
                    };
                    structures.push(self.lower_structure(name, raw, role.0, role.1));
                }
            }
        }
        structures.extend(synthesized);
        structures.sort_by(|a, b| a.name.cmp(&b.name));

        let mut rust_names = BTreeMap::new();
        for n in structures
            .iter()
            .map(|s| (&s.rust_name, &s.name))
            .chain(enums.iter().map(|e| (&e.rust_name, &e.name)))
        {
            if let Some(other) = rust_names.insert(n.0.clone(), n.1.clone()) {
                self.d.error(
                    diag::shape(n.1),
                    format!("its Rust name {} is also the Rust name of {other}", n.0),
                );
            }
        }

        let mut operations_ir = Vec::new();
        for (name, op, output, errors) in ops {
            if let Some(o) = self.lower_operation(&name, op, output, errors, &structures) {
                operations_ir.push(o);
            }
        }

        mark_xml_use(&mut structures, &operations_ir);

        Service {
            name: self.service.name.clone(),
            docs: self.service.docs.clone(),
            signing_name: self.service.signing_name.clone(),
            api_version: self.service.api_version.clone(),
            xml_namespace: self.service.xml_namespace.clone(),
            operations: operations_ir,
            structures,
            enums,
        }
    }

    fn docs(&mut self, place: &str, docs: &str) {
        let trimmed = docs.trim();
        if trimmed.is_empty() || trimmed == "TODO" {
            self.d.error(place, "has no documentation (`docs`)");
        }
        if docs.contains('[') || docs.contains(']') {
            self.d.error(
                place,
                "docs may not contain square brackets (rustdoc reads them as links)",
            );
        }
    }

    fn lower_enum(&mut self, name: &str, raw: &RawShape) -> Enum {
        let place = diag::shape(name);
        if !raw.members.is_empty() || raw.shape.error.is_some() {
            self.d
                .error(&place, "an enum has `values`, not members or error");
        }
        let mut values = Vec::new();
        let mut seen = BTreeMap::new();
        for v in raw.shape.values.clone().unwrap_or_default() {
            match names::variant(&v) {
                None => self
                    .d
                    .error(&place, format!("value `{v}` gives no Rust variant name")),
                Some(variant) if variant == "Unknown" => self.d.error(
                    &place,
                    format!("value `{v}` clashes with the `Unknown` variant"),
                ),
                Some(variant) => {
                    if let Some(other) = seen.insert(variant.clone(), v.clone()) {
                        self.d.error(
                            &place,
                            format!("values `{other}` and `{v}` both become variant {variant}"),
                        );
                    }
                    values.push((v, variant));
                }
            }
        }
        if values.is_empty() {
            self.d.error(&place, "an enum needs at least one value");
        }
        self.check_type_name(&place, name);
        Enum {
            name: name.into(),
            rust_name: names::type_name(name),
            docs: raw.shape.docs.clone(),
            values,
        }
    }

    fn lower_structure(
        &mut self,
        name: &str,
        raw: &RawShape,
        role: Role,
        operation: Option<String>,
    ) -> Structure {
        if raw.shape.values.is_some() {
            self.d
                .error(diag::shape(name), "a structure has members, not values");
        }
        let mut members = Vec::new();
        let mut fields = BTreeMap::new();
        let mut payloads = 0;
        for (mname, m) in &raw.members {
            let place = diag::member(name, mname);
            self.docs(&place, &m.docs);
            if !names::is_identifier(mname) {
                self.d.error(&place, "member names must be identifiers");
            }
            let Some(member) = self.lower_member(name, mname, m, role) else {
                continue;
            };
            if let Some(other) = fields.insert(member.field.clone(), mname.clone()) {
                self.d.error(
                    &place,
                    format!(
                        "its field name {} is also the field of member {other}",
                        member.field
                    ),
                );
            }
            if matches!(member.binding, Binding::Payload | Binding::Root) {
                payloads += 1;
            }
            members.push(member);
        }
        if payloads > 1 {
            self.d
                .error(diag::shape(name), "has more than one payload member");
        }
        if payloads == 1
            && members
                .iter()
                .any(|m| matches!(m.binding, Binding::Element))
        {
            self.d.error(
                diag::shape(name),
                "has a payload member, so no member can be an XML element",
            );
        }
        if role == Role::Input
            && let Some(m) = members.iter().find(|m| m.binding == Binding::Element)
        {
            self.d.error(
                diag::member(name, &m.name),
                "an input member needs a binding (`in`); request XML travels only in a payload member",
            );
        }
        self.check_type_name(&diag::shape(name), name);
        Structure {
            name: name.into(),
            rust_name: names::type_name(name),
            role,
            operation,
            docs: raw.shape.docs.clone(),
            streaming: members.iter().any(|m| m.ty == Type::Stream),
            sensitive: members.iter().any(|m| m.sensitive),
            members,
            xml_name: raw
                .shape
                .xml_name
                .clone()
                .unwrap_or_else(|| name.to_string()),
            xml_namespace: raw
                .shape
                .xml_namespace
                .as_ref()
                .map(|n| (n.prefix.clone(), n.uri.clone())),
            error_status: raw.shape.error.as_ref().map(|e| e.status),
            serialized: false,
            deserialized: false,
        }
    }

    fn lower_member(
        &mut self,
        shape: &str,
        name: &str,
        m: &model::Member,
        role: Role,
    ) -> Option<Member> {
        let place = diag::member(shape, name);
        let location = m.location.unwrap_or(Location::Body);
        let binding = match location {
            Location::Uri => Binding::Label,
            Location::Query => Binding::Query,
            Location::Header => Binding::Header,
            Location::Headers => Binding::PrefixHeaders,
            Location::Status => Binding::Status,
            Location::Payload => Binding::Payload,
            Location::Root => Binding::Root,
            Location::Attribute => Binding::Attribute,
            Location::Body => Binding::Element,
        };
        let http_only = matches!(
            binding,
            Binding::Label
                | Binding::Query
                | Binding::Header
                | Binding::PrefixHeaders
                | Binding::Status
        );
        if http_only && role == Role::Shared {
            self.d.error(&place, "only operation inputs and outputs can bind members to the URI, query, headers or status");
        }
        if matches!(binding, Binding::Label | Binding::Query)
            && role != Role::Input
            && role != Role::Shared
        {
            self.d
                .error(&place, "URI labels and query parameters belong to inputs");
        }
        if matches!(binding, Binding::Status | Binding::Root)
            && role != Role::Output
            && role != Role::Shared
        {
            self.d
                .error(&place, "status and root bindings belong to outputs");
        }
        let ty = self.parse_type(&place, &m.ty, m, binding)?;
        if m.streaming && binding != Binding::Payload {
            self.d
                .error(&place, "only a payload member can be streaming");
        }
        if m.flattened && !matches!(ty, Type::List { .. }) {
            self.d.error(&place, "`flattened` applies to lists only");
        }
        if m.item_name.is_some() && (m.flattened || !matches!(ty, Type::List { .. })) {
            self.d
                .error(&place, "`item_name` applies to wrapped lists only");
        }
        if m.format.is_some() && !matches!(ty, Type::Timestamp(_)) {
            self.d.error(&place, "`format` applies to timestamps only");
        }
        let scalar = matches!(
            ty,
            Type::String
                | Type::Integer
                | Type::Long
                | Type::Boolean
                | Type::Timestamp(_)
                | Type::Enum(_)
        );
        match binding {
            Binding::Label => {
                if !matches!(
                    ty,
                    Type::String | Type::Integer | Type::Long | Type::Enum(_)
                ) {
                    self.d
                        .error(&place, "a URI label must be a string, number or enum");
                }
                if !m.required {
                    self.d.error(&place, "a URI label must be `required`");
                }
            }
            Binding::Query | Binding::Header | Binding::Attribute | Binding::Root => {
                let header_ok = binding == Binding::Header
                    && (ty == Type::Blob
                        || matches!(&ty, Type::List { item, .. } if matches!(**item, Type::String | Type::Enum(_))));
                if !scalar && !header_ok {
                    self.d.error(
                        &place,
                        "this binding takes a scalar (string, number, boolean, timestamp or enum)",
                    );
                }
            }
            Binding::PrefixHeaders => {
                if ty != Type::Map {
                    self.d
                        .error(&place, "prefix headers bind a `map<string, string>`");
                }
                if m.name.as_deref().unwrap_or("").is_empty() {
                    self.d
                        .error(&place, "prefix headers need the prefix as `name`");
                }
            }
            Binding::Status => {
                if ty != Type::Integer {
                    self.d
                        .error(&place, "a status code member must be an integer");
                }
            }
            Binding::Payload => {
                if !matches!(
                    ty,
                    Type::Blob | Type::Stream | Type::String | Type::Structure(_)
                ) {
                    self.d
                        .error(&place, "a payload is a blob, a string or a structure");
                }
            }
            Binding::Element => {
                if ty == Type::Map {
                    self.d.error(&place, "maps travel only as prefix headers");
                }
            }
        }
        if matches!(ty, Type::Blob)
            && !matches!(
                binding,
                Binding::Payload | Binding::Element | Binding::Header
            )
        {
            self.d.error(
                &place,
                "a blob travels as a payload, a header (base64) or an XML element",
            );
        }
        if m.copy_source && !(binding == Binding::Header && ty == Type::String) {
            self.d
                .error(&place, "`copy_source` applies to string headers only");
        }
        let wire_name = m.name.clone().unwrap_or_else(|| name.to_string());
        let field = names::field(name);
        if names::RESERVED_LOCALS.contains(&field.as_str()) {
            self.d.error(
                &place,
                format!(
                    "the Rust field name `{field}` is one the generated readers use for themselves"
                ),
            );
        }
        Some(Member {
            name: name.into(),
            field,
            ty,
            binding,
            wire_name,
            required: m.required,
            sensitive: m.sensitive,
            copy_source: m.copy_source,
            docs: m.docs.clone(),
            deprecated: deprecation(&m.deprecated),
            xml_namespace: m.xml_namespace.clone(),
        })
    }

    fn parse_type(
        &mut self,
        place: &str,
        text: &str,
        m: &model::Member,
        binding: Binding,
    ) -> Option<Type> {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
            let item = self.parse_type(place, inner, m, binding)?;
            if matches!(item, Type::List { .. } | Type::Map | Type::Stream) {
                self.d.error(
                    place,
                    format!("`{text}`: list items must be scalars or structures"),
                );
                return None;
            }
            return Some(Type::List {
                item: Box::new(item),
                item_name: if m.flattened {
                    m.name.clone().unwrap_or_default()
                } else {
                    m.item_name.clone().unwrap_or_else(|| "member".into())
                },
                flattened: m.flattened,
            });
        }
        if let Some(inner) = text.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
            let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
            if parts != ["string", "string"] {
                self.d.error(
                    place,
                    format!("`{text}`: only `map<string, string>` is supported"),
                );
                return None;
            }
            return Some(Type::Map);
        }
        let default_format = match binding {
            Binding::Header => TimestampFormat::HttpDate,
            _ => TimestampFormat::Iso8601,
        };
        Some(match text {
            "string" => Type::String,
            "integer" => Type::Integer,
            "long" => Type::Long,
            "boolean" => Type::Boolean,
            "timestamp" => Type::Timestamp(m.format.unwrap_or(default_format)),
            "blob" if m.streaming => Type::Stream,
            "blob" => Type::Blob,
            shape => match self.shapes.get(shape) {
                Some(s) if s.shape.kind == ShapeKind::Enum => Type::Enum(names::type_name(shape)),
                Some(_) => Type::Structure(shape.to_string()),
                None => {
                    self.d.error(place, format!("unknown type `{shape}`"));
                    return None;
                }
            },
        })
    }

    /// A shape whose Rust name would shadow one the generated code writes plainly is an
    /// error naming it.
    fn check_type_name(&mut self, place: &str, name: &str) {
        let rust = names::type_name(name);
        if names::is_taken(&rust) {
            self.d.error(
                place,
                format!("the Rust name `{rust}` would shadow the `{rust}` the generated code uses"),
            );
        }
    }

    fn lower_operation(
        &mut self,
        name: &str,
        op: &model::Operation,
        output: String,
        errors: Vec<String>,
        structures: &[Structure],
    ) -> Option<Operation> {
        let place = diag::operation(name);
        let Some((method, uri)) = op.http.split_once(' ') else {
            self.d.error(
                &place,
                format!("`http` must be `METHOD /uri`, not `{}`", op.http),
            );
            return None;
        };
        if !METHODS.contains(&method) {
            self.d
                .error(&place, format!("unknown HTTP method `{method}`"));
        }
        if !uri.starts_with('/') {
            self.d
                .error(&place, format!("the URI `{uri}` must start with `/`"));
        }
        let input = structures.iter().find(|s| s.name == op.input)?;
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let mut static_query = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((k, v)) => static_query.push((k.to_string(), Some(v.to_string()))),
                None => static_query.push((pair.to_string(), None)),
            }
        }

        // Split the path into literals and labels, checking each label against the input.
        let mut parts = Vec::new();
        let mut used = BTreeSet::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                self.d
                    .error(&place, format!("unclosed `{{` in URI `{uri}`"));
                return None;
            };
            let label = &rest[open + 1..open + close];
            let (label, greedy) = match label.strip_suffix('+') {
                Some(l) => (l, true),
                None => (label, false),
            };
            match member(input, label) {
                Some(m) if m.binding == Binding::Label => {
                    used.insert(label.to_string());
                    parts.push(PathPart::Label(Label {
                        field: m.field.clone(),
                        member: m.name.clone(),
                        greedy,
                    }));
                }
                Some(_) => self.d.error(
                    diag::member(&input.name, label),
                    format!(
                        "URI `{uri}` uses it as a label, but it is not bound with `\"in\": \"uri\"`"
                    ),
                ),
                None => self.d.error(
                    &place,
                    format!("URI label `{{{label}}}` has no member in {}", input.name),
                ),
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        for m in input.members.iter().filter(|m| m.binding == Binding::Label) {
            if !used.contains(&m.name) {
                self.d.error(
                    diag::member(&input.name, &m.name),
                    format!(
                        "bound to the URI, but `{uri}` of operation {name} has no `{{{}}}` label",
                        m.name
                    ),
                );
            }
        }
        // The bucket label, when it is the first segment, is moved into the host name or
        // path by the runtime.
        let mut bucket = None;
        if let [PathPart::Literal(slash), PathPart::Label(l), ..] = parts.as_slice()
            && slash == "/"
            && l.member == self.service.bucket_label
            && !l.greedy
        {
            bucket = Some(l.clone());
            parts.drain(..2);
        } else if used.contains(&self.service.bucket_label) {
            self.d.error(
                &place,
                format!("the bucket label must be the first path segment of `{uri}`"),
            );
        }

        // Checksum members travel as headers; the runtime reads them there.
        let mut checksum_header = |name: &Option<String>| {
            let m = name.as_ref()?;
            match member(input, m) {
                Some(x) if x.binding == Binding::Header => Some(x.wire_name.to_ascii_lowercase()),
                Some(_) => {
                    self.d.error(
                        diag::member(&input.name, m),
                        "a checksum member must be bound to a header",
                    );
                    None
                }
                None => {
                    self.d.error(
                        &place,
                        format!("checksum member {m} is not a member of {}", input.name),
                    );
                    None
                }
            }
        };
        let checksum = op.checksum.clone().unwrap_or_default();
        let checksum_algorithm_header = checksum_header(&checksum.request_algorithm_member);
        let checksum_mode_header = checksum_header(&checksum.response_mode_member);
        let url_encoding = op
            .url_encoding
            .as_ref()
            .and_then(|u| self.url_encoding(&place, u, input, structures, &output));
        let paginator = op
            .paginator
            .as_ref()
            .and_then(|p| self.paginator(&place, p, input, structures, &output));
        let waiters = self.waiters(name, op, structures, &output);
        let mut response_checksums = Vec::new();
        for algorithm in &checksum.response_algorithms {
            if CHECKSUM_ALGORITHMS.contains(&algorithm.as_str()) {
                response_checksums.push(names::type_name(algorithm));
            } else {
                self.d.error(
                    &place,
                    format!(
                        "unknown checksum algorithm `{algorithm}` (known: {})",
                        CHECKSUM_ALGORITHMS.join(", ")
                    ),
                );
            }
        }
        let output_kind = structures
            .iter()
            .find(|s| s.name == output)
            .map_or(OutputKind::Empty, output_kind);
        Some(Operation {
            name: name.into(),
            method: names::field(name),
            http_method: method.into(),
            path: parts,
            bucket,
            static_query,
            input: op.input.clone(),
            output,
            errors,
            checksum_required: checksum.required,
            checksum_algorithm_header,
            checksum_mode_header,
            response_checksums,
            output_kind,
            long_running: op.long_running,
            url_encoding,
            paginator,
            waiters,
            error_aliases: op
                .error_aliases
                .iter()
                .map(|(code, shape)| (code.clone(), shape.clone()))
                .collect(),
            docs: op.docs.clone(),
            deprecated: deprecation(&op.deprecated),
        })
    }

    /// Reads and checks an operation's waiters.
    fn waiters(
        &mut self,
        op_name: &str,
        op: &model::Operation,
        structures: &[Structure],
        output: &str,
    ) -> Vec<Waiter> {
        let output = structures.iter().find(|s| s.name == output);
        let mut waiters = Vec::new();
        for (name, value) in &op.waiters {
            let place = format!("operation {op_name}, waiter {name}");
            let w = match serde_json::from_value::<model::Waiter>(value.clone()) {
                Ok(w) => w,
                Err(e) => {
                    self.d.error(&place, e.to_string());
                    continue;
                }
            };
            self.docs(&place, &w.docs);
            if !names::is_identifier(name) {
                self.d.error(&place, "waiter names must be identifiers");
            }
            if w.max_attempts == 0 {
                self.d.error(&place, "`max_attempts` must be at least 1");
            }
            let mut acceptors = Vec::new();
            for (i, a) in w.acceptors.iter().enumerate() {
                let at = format!("{place}, acceptor {i}");
                let state = match a.state.as_str() {
                    "success" => AcceptorState::Success,
                    "failure" => AcceptorState::Failure,
                    "retry" => AcceptorState::Retry,
                    other => {
                        self.d.error(
                            &at,
                            format!("state `{other}` must be success, failure or retry"),
                        );
                        continue;
                    }
                };
                let matcher = match (a.status, &a.error, &a.path, &a.expected) {
                    (Some(s), None, None, None) => Matcher::Status(s),
                    (None, Some(e), None, None) => Matcher::Error(e.clone()),
                    (None, None, Some(path), Some(expected)) => {
                        let member = output.and_then(|o| member(o, path));
                        match member {
                            Some(m)
                                if matches!(
                                    m.ty,
                                    Type::String
                                        | Type::Enum(_)
                                        | Type::Boolean
                                        | Type::Integer
                                        | Type::Long
                                ) =>
                            {
                                Matcher::Path {
                                    field: m.field.clone(),
                                    is_string: m.ty == Type::String,
                                    expected: expected.clone(),
                                }
                            }
                            _ => {
                                self.d.error(
                                    &at,
                                    format!(
                                        "`path` {path} must name a scalar member of the output"
                                    ),
                                );
                                continue;
                            }
                        }
                    }
                    _ => {
                        self.d.error(
                            &at,
                            "give exactly one of `status`, `error`, or `path` with `expected`",
                        );
                        continue;
                    }
                };
                acceptors.push(Acceptor { state, matcher });
            }
            if !acceptors.iter().any(|a| a.state == AcceptorState::Success) {
                self.d.error(&place, "no acceptor leads to success");
            }
            waiters.push(Waiter {
                name: name.clone(),
                method: names::field(name),
                delay: w.delay,
                max_attempts: w.max_attempts,
                acceptors,
                docs: w.docs.clone(),
            });
        }
        waiters
    }

    /// Resolves a paginator against the operation's input and output.
    fn paginator(
        &mut self,
        place: &str,
        p: &model::Paginator,
        input: &Structure,
        structures: &[Structure],
        output: &str,
    ) -> Option<Paginator> {
        let output = structures.iter().find(|s| s.name == output)?;
        let problems = std::cell::RefCell::new(Vec::new());
        let field = |s: &Structure, name: &str, want: &str, ok: &dyn Fn(&Type) -> bool| match member(
            s, name,
        ) {
            Some(m) if ok(&m.ty) => Some(m.clone()),
            _ => {
                problems.borrow_mut().push(format!(
                    "paginator: `{name}` must be {want} member of {}",
                    s.name
                ));
                None
            }
        };
        let scalar = |t: &Type| matches!(t, Type::String | Type::Integer | Type::Long);
        let list = |t: &Type| matches!(t, Type::List { .. });
        if p.input_token.len() != p.output_token.len() || p.input_token.is_empty() {
            problems.borrow_mut().push(
                "paginator: `input_token` and `output_token` must pair up, one or more of each"
                    .to_string(),
            );
        }
        let mut tokens = Vec::new();
        for (i, o) in p.input_token.iter().zip(&p.output_token) {
            let (Some(im), Some(om)) = (
                field(input, i, "a string or number", &scalar),
                field(output, o, "a string or number", &scalar),
            ) else {
                continue;
            };
            if im.ty != om.ty {
                problems.borrow_mut().push(format!(
                    "paginator: `{i}` and `{o}` must have the same type"
                ));
            }
            tokens.push((im.field, om.field, om.ty));
        }
        let more_results = p
            .more_results
            .as_ref()
            .and_then(|m| field(output, m, "a boolean", &|t| *t == Type::Boolean).map(|m| m.field));
        let limit = p
            .limit_key
            .as_ref()
            .and_then(|m| field(input, m, "an integer", &|t| *t == Type::Integer).map(|m| m.field));
        let mut results = Vec::new();
        for key in &p.result_keys {
            if let Some(m) = field(output, key, "a list", &list)
                && let Type::List { item, .. } = m.ty
            {
                results.push((m.field, *item));
            }
        }
        if results.is_empty() {
            problems
                .borrow_mut()
                .push("paginator: `result_keys` must name at least one list".to_string());
        }
        let fallback = p.fallback_token.as_ref().and_then(|path| {
            let resolved = list_item_string(output, path, structures);
            if resolved.is_none() {
                problems.borrow_mut().push(format!("paginator: `fallback_token` `{path}` must be `List.Member` naming a string member of each item of an output list"));
            }
            resolved
        });
        for problem in problems.into_inner() {
            self.d.error(place, problem);
        }
        Some(Paginator {
            tokens,
            fallback,
            more_results,
            limit,
            results,
        })
    }

    /// Resolves a listing's URL-encoding settings against its input and output.
    fn url_encoding(
        &mut self,
        place: &str,
        u: &model::UrlEncoding,
        input: &Structure,
        structures: &[Structure],
        output: &str,
    ) -> Option<UrlEncoding> {
        let Some(Member {
            ty: Type::Enum(enum_type),
            field,
            ..
        }) = member(input, &u.member).cloned()
        else {
            self.d.error(
                place,
                format!(
                    "url_encoding member {} must be an enum member of {}",
                    u.member, input.name
                ),
            );
            return None;
        };
        let output = structures.iter().find(|s| s.name == output)?;
        // The response names the encoding it used in a member of the same name.
        if !matches!(member(output, &u.member), Some(Member { ty: Type::Enum(e), .. }) if *e == enum_type)
        {
            self.d.error(
                place,
                format!(
                    "url_encoding member {} must also be an output member of {} with the same enum",
                    u.member, output.name
                ),
            );
        }
        let mut decode = Vec::new();
        for path in &u.decode {
            let resolved = if path.contains('.') {
                list_item_string(output, path, structures).map(|(list, item)| (list, Some(item)))
            } else {
                member(output, path)
                    .filter(|m| m.ty == Type::String)
                    .map(|m| (m.field.clone(), None))
            };
            match resolved {
                Some(r) => decode.push(r),
                None => self.d.error(
                    place,
                    format!(
                        "url_encoding path `{path}` must name a string member of {}, or `List.Member` for a string member of each item of a list",
                        output.name
                    ),
                ),
            }
        }
        Some(UrlEncoding {
            field,
            enum_type,
            decode,
        })
    }
}

/// The member `name` of `s`.
/// The checksum algorithms the model may name.
const CHECKSUM_ALGORITHMS: &[&str] = &[
    "CRC32",
    "CRC32C",
    "CRC64NVME",
    "SHA1",
    "SHA256",
    "SHA512",
    "MD5",
    "XXHASH64",
    "XXHASH3",
    "XXHASH128",
];

/// What an output structure's body is: a stream, a text or blob payload, an XML document
/// (members in the body, or a structure payload), or nothing.
fn output_kind(output: &Structure) -> OutputKind {
    let body = |m: &&Member| {
        matches!(
            m.binding,
            Binding::Element | Binding::Root | Binding::Attribute | Binding::Payload
        )
    };
    let mut kind = OutputKind::Empty;
    for m in output.members.iter().filter(body) {
        kind = match (&m.ty, m.binding) {
            (Type::Stream, _) => return OutputKind::Stream,
            (Type::Blob | Type::String, Binding::Payload) => OutputKind::Text,
            _ => OutputKind::Xml,
        };
    }
    kind
}

fn member<'a>(s: &'a Structure, name: &str) -> Option<&'a Member> {
    s.members.iter().find(|m| m.name == name)
}

/// Resolves `List.Member`: a list member of `s` whose items are structures, and a string
/// member of those items. Returns both Rust fields.
fn list_item_string(
    s: &Structure,
    path: &str,
    structures: &[Structure],
) -> Option<(String, String)> {
    let (list, item_member) = path.split_once('.')?;
    let list = member(s, list)?;
    let Type::List { item, .. } = &list.ty else {
        return None;
    };
    let Type::Structure(item) = item.as_ref() else {
        return None;
    };
    let item = structures.iter().find(|x| &x.name == item)?;
    let field = member(item, item_member).filter(|m| m.ty == Type::String)?;
    Some((list.field.clone(), field.field.clone()))
}

/// Marks the structures that are written as request XML and those read from response XML:
/// everything reachable from input payloads, and from output bodies and error documents.
fn mark_xml_use(structures: &mut [Structure], operations: &[Operation]) {
    let index: BTreeMap<String, usize> = structures
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    let members_of = |name: &str, bindings: &[Binding], out: &mut Vec<String>| {
        if let Some(&i) = index.get(name) {
            for m in structures[i]
                .members
                .iter()
                .filter(|m| bindings.contains(&m.binding))
            {
                collect(&m.ty, out);
            }
        }
    };
    let mut write = Vec::new();
    let mut read = Vec::new();
    for op in operations {
        members_of(&op.input, &[Binding::Payload], &mut write);
        members_of(&op.output, &[Binding::Payload, Binding::Element], &mut read);
    }
    read.extend(
        structures
            .iter()
            .filter(|s| s.role == Role::Error)
            .map(|s| s.name.clone()),
    );

    for (mut queue, serialized) in [(write, true), (read, false)] {
        while let Some(name) = queue.pop() {
            let Some(&i) = index.get(&name) else { continue };
            let s = &mut structures[i];
            let flag = if serialized {
                &mut s.serialized
            } else {
                &mut s.deserialized
            };
            if std::mem::replace(flag, true) {
                continue;
            }
            for m in &s.members {
                collect(&m.ty, &mut queue);
            }
        }
    }
}

fn collect(ty: &Type, out: &mut Vec<String>) {
    match ty {
        Type::Structure(s) => out.push(s.clone()),
        Type::List { item, .. } => collect(item, out),
        _ => {}
    }
}
