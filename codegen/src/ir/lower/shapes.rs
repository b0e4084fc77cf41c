//! Shapes: enums, structures and their members, with the types members refer to.

use std::collections::BTreeMap;

use super::{Lowering, RawShape, deprecation};
use crate::diag;
use crate::ir::{Binding, Enum, Member, Role, StructRef, Structure, TimestampFormat, Type, names};
use crate::model::{self, Location, ShapeKind};

impl Lowering<'_> {
    pub(super) fn lower_enum(&mut self, name: &str, raw: &RawShape) -> Enum {
        let place = diag::shape(name);
        if !raw.members.is_empty() || raw.shape.error.is_some() || raw.shape.event_stream {
            self.d.error(
                &place,
                "an enum has `values`, not members, error or event_stream",
            );
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
            area: raw.area.clone(),
            features: Vec::new(),
            docs: raw.shape.docs.clone(),
            values,
        }
    }

    pub(super) fn lower_structure(
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
        // An input with element members is itself the request document, whose root
        // element its `xml_name` names.
        if role == Role::Input
            && raw.shape.xml_name.is_none()
            && let Some(m) = members.iter().find(|m| m.binding == Binding::Element)
        {
            self.d.error(
                diag::member(name, &m.name),
                "an input member needs a binding (`in`), unless the input is the request document: give the input an `xml_name`",
            );
        }
        self.check_type_name(&diag::shape(name), name);
        let rust_name = names::type_name(name);
        Structure {
            name: name.into(),
            builder: format!("{rust_name}Builder"),
            rust_name,
            area: raw.area.clone(),
            features: Vec::new(),
            reads: Vec::new(),
            writes: Vec::new(),
            reader: names::reader(name),
            writer: names::writer(name),
            role,
            operation,
            docs: raw.shape.docs.clone(),
            streaming: members
                .iter()
                .any(|m| matches!(m.ty, Type::Stream | Type::EventStream(_))),
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
            event_stream: raw.shape.event_stream,
            event: false,
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
        if matches!(ty, Type::EventStream(_)) && binding != Binding::Payload {
            self.d.error(
                &place,
                "an event stream travels as the whole body: `in: payload`",
            );
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
                    Type::Blob
                        | Type::Stream
                        | Type::String
                        | Type::Structure(_)
                        | Type::EventStream(_)
                ) {
                    self.d.error(
                        &place,
                        "a payload is a blob, a string, a structure or an event stream",
                    );
                }
                if matches!(ty, Type::EventStream(_)) && role != Role::Output {
                    self.d.error(
                        &place,
                        "an event stream is read from responses only: an output payload",
                    );
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
        if m.idempotency_token
            && !(matches!(binding, Binding::Header | Binding::Query) && ty == Type::String)
        {
            self.d.error(
                &place,
                "`idempotency_token` applies to string headers and query parameters only",
            );
        }
        if m.host_label && role != Role::Input {
            self.d
                .error(&place, "`host_label` applies to operation inputs only");
        }
        if m.copy_source && !(binding == Binding::Header && ty == Type::String) {
            self.d
                .error(&place, "`copy_source` applies to string headers only");
        }
        let wire_name = m.name.clone().unwrap_or_else(|| name.to_string());
        let field = names::field(name);
        let snake = names::snake_field(name);
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
            from_method: m.copy_source.then(|| format!("{snake}_from")),
            set_method: format!("set_{snake}"),
            get_method: format!("get_{snake}"),
            snake,
            field,
            ty,
            binding,
            wire_name,
            required: m.required,
            sensitive: m.sensitive,
            copy_source: m.copy_source,
            idempotency_token: m.idempotency_token,
            host_label: m.host_label,
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
            if matches!(
                item,
                Type::List { .. } | Type::Map | Type::Stream | Type::EventStream(_)
            ) {
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
                Some(s) => {
                    let reference = StructRef {
                        name: shape.to_string(),
                        rust_name: names::type_name(shape),
                        reader: names::reader(shape),
                        writer: names::writer(shape),
                    };
                    if s.shape.event_stream {
                        Type::EventStream(reference)
                    } else {
                        Type::Structure(reference)
                    }
                }
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
}
