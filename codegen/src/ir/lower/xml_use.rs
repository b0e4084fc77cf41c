//! Which structures travel as XML, and which way. Event streams and their events are
//! decoded from event-stream messages, not XML, but the payloads of events are XML.

use std::collections::BTreeMap;

use crate::ir::{Binding, Operation, Role, Structure, Type};

/// Marks the structures that are written as request XML and those read from response XML:
/// everything reachable from input payloads, and from output bodies and error documents.
pub(super) fn mark_xml_use(structures: &mut [Structure], operations: &[Operation]) {
    let index: BTreeMap<String, usize> = structures
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    let members_of = |s: &Structure, bindings: &[Binding], out: &mut Vec<String>| {
        for m in s.members.iter().filter(|m| bindings.contains(&m.binding)) {
            collect(&m.ty, out);
        }
    };
    let mut write = Vec::new();
    let mut read = Vec::new();
    for op in operations {
        members_of(&op.input, &[Binding::Payload, Binding::Element], &mut write);
        members_of(&op.output, &[Binding::Payload, Binding::Element], &mut read);
    }
    read.extend(
        structures
            .iter()
            .filter(|s| s.role == Role::Error)
            .map(|s| s.name.clone()),
    );

    for (mut queue, serialized) in [(write, true), (read, false)] {
        let mut passed = std::collections::BTreeSet::new();
        while let Some(name) = queue.pop() {
            let Some(&i) = index.get(&name) else { continue };
            let s = &mut structures[i];
            if s.event_stream || s.event {
                if passed.insert(name) {
                    for m in &s.members {
                        collect(&m.ty, &mut queue);
                    }
                }
                continue;
            }
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
        Type::Structure(s) | Type::EventStream(s) => out.push(s.name.clone()),
        Type::List { item, .. } => collect(item, out),
        _ => {}
    }
}
