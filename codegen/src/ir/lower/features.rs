//! Which cargo features compile each shared type: the features of the operations that
//! reach it through their inputs, outputs and errors, and separately of those that read
//! it from a response or write it into a request (its XML reader and writer).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Binding, Enum, Member, Operation, Structure, Type};

/// What one walk from an operation's members finds: structure and enum indexes.
#[derive(Default)]
struct Reached {
    structures: BTreeSet<usize>,
    enums: BTreeSet<usize>,
}

/// The types of `members`, of those with one of `bindings` when given.
fn types<'a>(members: &'a [Member], bindings: Option<&[Binding]>) -> Vec<&'a Type> {
    members
        .iter()
        .filter(|m| bindings.is_none_or(|b| b.contains(&m.binding)))
        .map(|m| &m.ty)
        .collect()
}

/// Sets `features`, `reads` and `writes` of every shared structure, `features` of every
/// enum and of every operation's error cases. A set naming every operation feature is left empty (always compiled), as is
/// one no operation reaches.
pub(super) fn gate(structures: &mut [Structure], enums: &mut [Enum], operations: &mut [Operation]) {
    let index: BTreeMap<&str, usize> = structures
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let enum_index: BTreeMap<&str, usize> = enums
        .iter()
        .enumerate()
        .map(|(i, e)| (e.rust_name.as_str(), i))
        .collect();
    let all: BTreeSet<&str> = operations.iter().map(|o| o.feature.as_str()).collect();
    let walk = |start: Vec<&Type>, errors: &[&str]| {
        let mut reached = Reached::default();
        let mut queue: Vec<&Type> = start;
        for e in errors {
            if let Some(&i) = index.get(e)
                && reached.structures.insert(i)
            {
                queue.extend(structures[i].members.iter().map(|m| &m.ty));
            }
        }
        while let Some(ty) = queue.pop() {
            match ty {
                Type::Structure(s) | Type::EventStream(s) => {
                    if let Some(&i) = index.get(s.name.as_str())
                        && reached.structures.insert(i)
                    {
                        queue.extend(structures[i].members.iter().map(|m| &m.ty));
                    }
                }
                Type::Enum(e) => {
                    if let Some(&i) = enum_index.get(e.as_str()) {
                        reached.enums.insert(i);
                    }
                }
                Type::List { item, .. } => queue.push(item),
                _ => {}
            }
        }
        reached
    };

    let mut uses: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); structures.len()];
    let mut reads = uses.clone();
    let mut writes = uses.clone();
    let mut enum_uses: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); enums.len()];
    for op in operations.iter() {
        let feature = op.feature.as_str();
        let errors: Vec<&str> = op.errors.iter().map(|e| e.shape.name.as_str()).collect();
        let mut all_members = types(&op.input.members, None);
        all_members.extend(types(&op.output.members, None));
        let used = walk(all_members, &errors);
        for &i in &used.structures {
            uses[i].insert(feature);
        }
        for &i in &used.enums {
            enum_uses[i].insert(feature);
        }
        let read = walk(
            types(
                &op.output.members,
                Some(&[Binding::Payload, Binding::Element]),
            ),
            &errors,
        );
        for &i in &read.structures {
            reads[i].insert(feature);
        }
        let written = walk(
            types(
                &op.input.members,
                Some(&[Binding::Payload, Binding::Element]),
            ),
            &[],
        );
        for &i in &written.structures {
            writes[i].insert(feature);
        }
    }
    let gate_of = |set: &BTreeSet<&str>| -> Vec<String> {
        if set.is_empty() || *set == all {
            Vec::new()
        } else {
            set.iter().map(|f| f.to_string()).collect()
        }
    };
    for (i, s) in structures.iter_mut().enumerate() {
        s.features = gate_of(&uses[i]);
        s.reads = gate_of(&reads[i]);
        s.writes = gate_of(&writes[i]);
    }
    for (i, e) in enums.iter_mut().enumerate() {
        e.features = gate_of(&enum_uses[i]);
    }
    // An operation's error cases share their structure's gate.
    let gates: BTreeMap<String, Vec<String>> = structures
        .iter()
        .map(|s| (s.name.clone(), s.features.clone()))
        .collect();
    for op in operations.iter_mut() {
        for e in &mut op.errors {
            e.features = gates.get(&e.shape.name).cloned().unwrap_or_default();
        }
    }
}
