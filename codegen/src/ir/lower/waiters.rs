//! Waiters: acceptors resolved against the operation's output.

use super::{Lowering, member};
use crate::ir::{Acceptor, AcceptorState, Matcher, Structure, Type, Waiter, names};
use crate::model;

impl Lowering<'_> {
    /// Reads and checks an operation's waiters.
    pub(super) fn waiters(
        &mut self,
        op_name: &str,
        op: &model::Operation,
        output: &Structure,
    ) -> Vec<Waiter> {
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
                        let member = member(output, path);
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
            let snake = names::snake_field(name);
            waiters.push(Waiter {
                name: name.clone(),
                method: format!("wait_until_{snake}"),
                constant: snake.to_ascii_uppercase(),
                classify: format!("classify_{snake}"),
                snake,
                delay: w.delay,
                max_attempts: w.max_attempts,
                acceptors,
                docs: w.docs.clone(),
            });
        }
        waiters
    }
}
