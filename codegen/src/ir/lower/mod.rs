//! Lowering: raw model files in, a validated [`Service`] out, or every problem found.
//!
//! One stage per concern: [`shapes`] resolves types and members, [`operation`] the HTTP
//! binding and errors, [`listing`] paginators and URL encoding, [`waiters`] acceptors,
//! [`xml_use`] which structures travel as XML, [`features`] which cargo features compile
//! each shared type, and [`collisions`] checks every name the emitters will write.

mod collisions;
mod features;
mod listing;
mod operation;
mod shapes;
mod waiters;
mod xml_use;

use std::collections::BTreeMap;

use super::names;
use super::{Binding, Enum, Member, Role, Service, Structure, Type};
use crate::diag::{self, Diagnostics};
use crate::load::{Shape as RawShape, load};
use crate::model::{self, ShapeKind};

/// Reads every model file (`(file name, JSON text)`), checks it, and resolves it.
pub fn lower(files: &[(String, String)]) -> Result<Service, Diagnostics> {
    let model = load(files)?;
    let mut lowering = Lowering {
        d: Diagnostics::default(),
        shapes: &model.shapes,
        service: &model.service,
    };
    let result = lowering.run(&model.operations);
    lowering.d.finish(result)
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
    fn run(&mut self, operations: &BTreeMap<String, (model::Operation, String)>) -> Service {
        // Which operation uses each structure as input or output.
        let mut roles: BTreeMap<String, (Role, String)> = BTreeMap::new();
        let mut synthesized: Vec<Structure> = Vec::new();
        let mut ops = Vec::new();
        for (name, (op, area)) in operations {
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
                    synthesized.push(empty_output(name, &o));
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
            ops.push((name.clone(), op, area, output));
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
        self.mark_events(&mut structures);
        self.check_type_names(&structures, &enums);

        // Inputs and outputs move into their operations; the rest stay shared.
        let (io, mut structures): (Vec<Structure>, Vec<Structure>) = structures
            .into_iter()
            .partition(|s| matches!(s.role, Role::Input | Role::Output));
        let mut io: BTreeMap<String, Structure> =
            io.into_iter().map(|s| (s.name.clone(), s)).collect();
        let mut operations_ir = Vec::new();
        for (name, op, area, output) in ops {
            let (Some(input), Some(output)) = (io.remove(&op.input), io.remove(&output)) else {
                continue; // reported above
            };
            if let Some(o) = self.lower_operation(&name, op, area, (input, output), &structures) {
                operations_ir.push(o);
            }
        }

        xml_use::mark_xml_use(&mut structures, &operations_ir);
        features::gate(&mut structures, &mut enums, &mut operations_ir);
        let service = Service {
            name: self.service.name.clone(),
            docs: self.service.docs.clone(),
            signing_name: self.service.signing_name.clone(),
            api_version: self.service.api_version.clone(),
            xml_namespace: self.service.xml_namespace.clone(),
            operations: operations_ir,
            structures,
            enums,
        };
        collisions::check(&mut self.d, &service);
        service
    }

    /// Marks the members of event streams as events, each of which carries at most its
    /// payload: an event stream's member is a structure, and an event's is `in: payload`.
    fn mark_events(&mut self, structures: &mut [Structure]) {
        let mut events = Vec::new();
        for s in structures.iter().filter(|s| s.event_stream) {
            if s.role != Role::Shared {
                self.d.error(
                    diag::shape(&s.name),
                    "an event stream cannot be an operation's input, output or an error",
                );
            }
            for m in &s.members {
                match &m.ty {
                    Type::Structure(event) if m.binding == Binding::Element => {
                        events.push(event.name.clone());
                    }
                    _ => self.d.error(
                        diag::member(&s.name, &m.name),
                        "an event stream's member is an event: a structure, with no `in`",
                    ),
                }
            }
        }
        for s in structures.iter_mut().filter(|s| events.contains(&s.name)) {
            s.event = true;
            if s.event_stream || s.role != Role::Shared {
                self.d.error(
                    diag::shape(&s.name),
                    "an event is a plain structure used only as an event",
                );
            }
            for m in s.members.iter().filter(|m| m.binding != Binding::Payload) {
                self.d.error(
                    diag::member(&s.name, &m.name),
                    "an event's member travels as the message payload: `in: payload`",
                );
            }
            if s.members
                .iter()
                .any(|m| !matches!(m.ty, Type::Blob | Type::Structure(_)))
            {
                self.d.error(
                    diag::shape(&s.name),
                    "an event's payload is a blob or a structure (an XML document)",
                );
            }
        }
    }

    /// Rust type names are unique, and none shadows a name the generated code uses.
    fn check_type_names(&mut self, structures: &[Structure], enums: &[Enum]) {
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
}

/// The output of an operation the model gives none: a structure with no members.
fn empty_output(op: &str, name: &str) -> Structure {
    let rust_name = names::type_name(name);
    Structure {
        name: name.to_string(),
        builder: format!("{rust_name}Builder"),
        rust_name,
        area: String::new(),
        features: Vec::new(),
        reads: Vec::new(),
        writes: Vec::new(),
        reader: names::reader(name),
        writer: names::writer(name),
        role: Role::Output,
        operation: Some(op.to_string()),
        docs: format!("The result of `{op}`, which carries no data."),
        members: Vec::new(),
        xml_name: name.to_string(),
        xml_namespace: None,
        error_status: None,
        serialized: false,
        deserialized: false,
        streaming: false,
        sensitive: false,
        event_stream: false,
        event: false,
    }
}

/// The member `name` of `s`.
fn member<'a>(s: &'a Structure, name: &str) -> Option<&'a Member> {
    s.members.iter().find(|m| m.name == name)
}
