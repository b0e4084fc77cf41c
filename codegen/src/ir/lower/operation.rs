//! Operations: the HTTP method and URI, the errors, and the checksum settings.

use std::collections::BTreeSet;

use super::{Lowering, deprecation, member};
use crate::diag;
use crate::ir::{
    Binding, ErrorCase, ErrorCode, HostPart, Label, Member, Operation, OutputKind, PathPart, Role,
    Structure, Type, names,
};
use crate::model;

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"];

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

impl Lowering<'_> {
    /// The operation's errors, checked: each an error shape, once, and each alias naming
    /// one of them.
    fn errors(
        &mut self,
        name: &str,
        op: &model::Operation,
        structures: &[Structure],
    ) -> Vec<ErrorCase> {
        let place = diag::operation(name);
        let mut shapes: Vec<&Structure> = Vec::new();
        for e in &op.errors {
            match structures.iter().find(|s| s.name == *e) {
                Some(s) if s.role == Role::Error => shapes.push(s),
                Some(_) => self
                    .d
                    .error(&place, format!("error {e} is not an error shape")),
                None => self
                    .d
                    .error(&place, format!("refers to unknown error shape {e}")),
            }
        }
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
        if shapes.windows(2).any(|w| w[0].name == w[1].name) {
            self.d.error(&place, "lists an error twice");
        }
        for (code, target) in &op.error_aliases {
            if !shapes.iter().any(|s| s.name == *target) {
                self.d.error(
                    &place,
                    format!("error alias {code} names {target}, which is not in `errors`"),
                );
            }
            if shapes.iter().any(|s| s.name == *code) {
                self.d.error(
                    &place,
                    format!("error alias {code} is itself listed in `errors`"),
                );
            }
        }
        let code = |code: &str, alias: bool| ErrorCode {
            code: code.to_string(),
            check: format!("is_{}", names::snake_case(code)),
            alias,
        };
        shapes
            .into_iter()
            .map(|s| ErrorCase {
                shape: s.reference(),
                docs: s.docs.clone(),
                status: s.error_status,
                has_members: !s.members.is_empty(),
                features: Vec::new(), // set by the features stage
                codes: std::iter::once(code(&s.name, false))
                    .chain(
                        op.error_aliases
                            .iter()
                            .filter(|(_, shape)| **shape == s.name)
                            .map(|(c, _)| code(c, true)),
                    )
                    .collect(),
            })
            .collect()
    }

    /// The host prefix in pieces; each `{Label}` names a required string member marked
    /// `host_label`, and each such member is used.
    fn host_prefix(
        &mut self,
        place: &str,
        template: Option<&str>,
        input: &Structure,
    ) -> Vec<HostPart> {
        let mut parts = Vec::new();
        let mut used = BTreeSet::new();
        let mut rest = template.unwrap_or_default();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(HostPart::Literal(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                self.d
                    .error(place, format!("unclosed `{{` in host prefix `{rest}`"));
                return Vec::new();
            };
            let label = &rest[open + 1..open + close];
            match member(input, label) {
                Some(m) if m.host_label && m.required && m.ty == Type::String => {
                    used.insert(label.to_string());
                    parts.push(HostPart::Label(m.field.clone(), m.name.clone()));
                }
                Some(_) => self.d.error(
                    diag::member(&input.name, label),
                    "a host prefix label is a required string marked `host_label`",
                ),
                None => self.d.error(
                    place,
                    format!(
                        "host prefix label `{{{label}}}` has no member in {}",
                        input.name
                    ),
                ),
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(HostPart::Literal(rest.to_string()));
        }
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
        for p in &parts {
            if let HostPart::Literal(text) = p
                && !text.chars().all(valid)
            {
                self.d.error(
                    place,
                    format!("host prefix text `{text}` is not host name characters"),
                );
            }
        }
        for m in input.members.iter().filter(|m| m.host_label) {
            if !used.contains(&m.name) {
                self.d.error(
                    diag::member(&input.name, &m.name),
                    "marked `host_label`, but the operation's host prefix does not use it",
                );
            }
        }
        parts
    }

    /// An operation, with its input and output (which it owns) and its errors.
    pub(super) fn lower_operation(
        &mut self,
        name: &str,
        op: &model::Operation,
        area: &str,
        (input, output): (Structure, Structure),
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
        let errors = self.errors(name, op, structures);
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
            match member(&input, label) {
                Some(m) if m.binding == Binding::Label => {
                    used.insert(label.to_string());
                    parts.push(PathPart::Label(Label {
                        field: m.field.clone(),
                        member: m.name.clone(),
                        greedy,
                        ty: m.ty.clone(),
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
            match member(&input, m) {
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
            .and_then(|u| self.url_encoding(&place, u, (&input, &output), structures));
        let paginator = op
            .paginator
            .as_ref()
            .and_then(|p| self.paginator(name, p, (&input, &output), structures));
        let waiters = self.waiters(name, op, &output);
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
        let host_prefix = self.host_prefix(&place, op.host_prefix.as_deref(), &input);
        if let Some(signing) = &op.signing_name
            && (signing.is_empty()
                || !signing
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        {
            self.d.error(
                &place,
                format!("`signing_name` `{signing}` must be lower-case letters, digits and `-`"),
            );
        }
        let output_kind = output_kind(&output);
        let rust = names::type_name(name);
        Some(Operation {
            name: name.into(),
            method: names::field(name),
            snake: names::snake_field(name),
            feature: names::feature(area),
            builder: format!("{rust}FluentBuilder"),
            error: format!("{rust}Error"),
            waiter: format!("{rust}Waiter"),
            http_method: method.into(),
            path: parts,
            bucket,
            static_query,
            input,
            output,
            errors,
            checksum_required: checksum.required,
            checksum_algorithm_header,
            checksum_mode_header,
            response_checksums,
            output_kind,
            long_running: op.long_running,
            host_prefix,
            unsigned_payload: op.unsigned_payload,
            signing_name: op.signing_name.clone(),
            s3_express: op.s3_express,
            url_encoding,
            paginator,
            waiters,
            docs: op.docs.clone(),
            deprecated: deprecation(&op.deprecated),
        })
    }
}

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
            (Type::Stream | Type::EventStream(_), _) => return OutputKind::Stream,
            (Type::Blob | Type::String, Binding::Payload) => OutputKind::Text,
            _ => OutputKind::Xml,
        };
    }
    kind
}
