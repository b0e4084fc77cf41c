//! Every name the emitters derive is settled in the intermediate form; this stage checks
//! that no two of them land in the same scope, and names the shape, member or operation
//! that would collide.

use std::collections::BTreeMap;

use crate::diag::{self, Diagnostics};
use crate::ir::{Operation, Role, Service, Structure, names};

/// Methods of every fluent builder besides the member setters.
const FLUENT_METHODS: &[&str] = &[
    "new",
    "config_override",
    "as_input",
    "set_input",
    "presigned",
    "send",
    "into_paginator",
    "blocking",
    "sending",
];

/// Methods of a waiter besides the member setters.
const WAITER_METHODS: &[&str] = &[
    "waiting",
    "waiting_blocking",
    "delay",
    "max_attempts",
    "wait",
];

/// Methods of a paginator besides `items()` and one per result list.
const PAGINATOR_METHODS: &[&str] = &["page_size", "max_items", "send"];

/// Methods of the clients (async and blocking) written by hand, and those generated
/// besides one per operation.
const CLIENT_METHODS: &[&str] = &[
    "from_async",
    "as_async",
    "client",
    "mode",
    "new",
    "from_conf",
    "from_env",
    "config",
    "handle",
    "operation_names",
    "paginator_names",
    "can_paginate",
    "waiter_names",
    "invoke_json",
    "invoke_json_with_body",
];

/// Names in one scope, each with the place that claimed it.
struct Scope<'a> {
    d: &'a mut Diagnostics,
    what: &'static str,
    taken: BTreeMap<String, String>,
}

impl<'a> Scope<'a> {
    fn new(d: &'a mut Diagnostics, what: &'static str, reserved: &[&str]) -> Self {
        let taken = reserved
            .iter()
            .map(|r| (r.to_string(), "the generated code".to_string()))
            .collect();
        Scope { d, what, taken }
    }

    /// Claims `name` for `place`; a second claim is an error at the second place.
    fn claim(&mut self, name: &str, place: &str) {
        if let Some(first) = self.taken.get(name) {
            if first != place {
                self.d.error(
                    place,
                    format!("its {} `{name}` is already taken by {first}", self.what),
                );
            }
        } else {
            self.taken.insert(name.to_string(), place.to_string());
        }
    }
}

/// Modules of `types/` that are not model areas.
const TYPES_MODULES: &[&str] = &["xml", "error", "builders"];

/// Checks every derived name of the service.
pub(super) fn check(d: &mut Diagnostics, svc: &Service) {
    for area in svc.areas() {
        let module_name = names::is_identifier(area)
            && names::field(area) == area
            && !TYPES_MODULES.contains(&area);
        if !module_name {
            d.error(
                format!("file {area}.json"),
                "its name must be a snake_case identifier other than xml, error or builders: it is the module of `types/` holding its shapes",
            );
        }
    }
    let mut functions = Scope::new(d, "XML function name", &[]);
    for s in &svc.structures {
        let place = diag::shape(&s.name);
        if s.serialized {
            functions.claim(&s.writer, &place);
        }
        if s.deserialized {
            functions.claim(&s.reader, &place);
        }
    }
    let mut builders = Scope::new(d, "builder name", &[]);
    for s in svc.structures.iter().filter(|s| s.role == Role::Shared) {
        builders.claim(&s.builder, &diag::shape(&s.name));
    }
    for s in &svc.structures {
        let reserved: &[&str] = match s.role {
            Role::Shared => &["builder", "build"],
            Role::Error => &["meta", "message"],
            _ => &[],
        };
        members(d, s, reserved);
    }
    let mut client = Scope::new(d, "client method", CLIENT_METHODS);
    for op in &svc.operations {
        let place = diag::operation(&op.name);
        client.claim(&op.snake, &place);
        for w in &op.waiters {
            client.claim(&w.method, &format!("{place}, waiter {}", w.name));
        }
    }
    for op in &svc.operations {
        operation(d, op);
    }
}

/// The methods generated for a structure's members: accessor or setter, `set_`, `get_`,
/// and `_from` for copy sources.
fn members(d: &mut Diagnostics, s: &Structure, reserved: &[&str]) {
    let mut scope = Scope::new(d, "method name", reserved);
    for m in &s.members {
        let place = diag::member(&s.name, &m.name);
        scope.claim(&m.snake, &place);
        scope.claim(&m.set_method, &place);
        scope.claim(&m.get_method, &place);
        if let Some(from) = &m.from_method {
            scope.claim(from, &place);
        }
    }
}

/// The names in an operation's module and on its builders.
fn operation(d: &mut Diagnostics, op: &Operation) {
    let place = diag::operation(&op.name);
    let mut types = Scope::new(d, "type name", &[]);
    types.claim(&op.input.rust_name, &diag::shape(&op.input.name));
    types.claim(&op.output.rust_name, &diag::shape(&op.output.name));
    types.claim(&op.builder, &place);
    types.claim(&op.error, &place);
    if !op.waiters.is_empty() {
        types.claim(&op.waiter, &place);
    }
    if let Some(p) = &op.paginator {
        types.claim(&p.rust_name, &place);
    }

    let mut reserved = FLUENT_METHODS.to_vec();
    if !op.waiters.is_empty() {
        reserved.extend_from_slice(WAITER_METHODS);
    }
    members(d, &op.input, &reserved);
    members(d, &op.output, &[]);

    let mut statics = Scope::new(d, "waiter item", &["SPEC"]);
    for w in &op.waiters {
        let at = format!("{place}, waiter {}", w.name);
        statics.claim(&w.constant, &at);
        statics.claim(&w.classify, &at);
    }

    let mut checks = Scope::new(d, "error test method", &["meta"]);
    for e in &op.errors {
        for code in &e.codes {
            checks.claim(&code.check, &format!("{place}, error {}", code.code));
        }
    }

    if let Some(p) = &op.paginator {
        let mut methods = Scope::new(d, "paginator method", PAGINATOR_METHODS);
        // `items()` streams the main result; a main result named `items` is that method.
        let main = diag::member(&op.output.name, &p.main.member);
        methods.claim("items", &main);
        methods.claim(&p.main.field, &main);
        for r in &p.others {
            methods.claim(&r.field, &diag::member(&op.output.name, &r.member));
        }
    }
}
