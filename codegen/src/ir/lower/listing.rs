//! Listings: paginators, and the keys S3 sends URL-encoded.

use super::{Lowering, member};
use crate::ir::{Member, PageResult, Paginator, Structure, Type, UrlEncoding, names};
use crate::model;

impl Lowering<'_> {
    /// Resolves a paginator against the operation's input and output.
    pub(super) fn paginator(
        &mut self,
        op_name: &str,
        p: &model::Paginator,
        (input, output): (&Structure, &Structure),
        structures: &[Structure],
    ) -> Option<Paginator> {
        let place = &crate::diag::operation(op_name);
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
                results.push(PageResult {
                    field: m.field,
                    member: m.name,
                    item: *item,
                });
            }
        }
        let mut results = results.into_iter();
        let main = results.next();
        if main.is_none() {
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
            rust_name: format!("{}Paginator", names::type_name(op_name)),
            tokens,
            fallback,
            more_results,
            limit,
            main: main?,
            others: results.collect(),
        })
    }

    /// Resolves a listing's URL-encoding settings against its input and output.
    pub(super) fn url_encoding(
        &mut self,
        place: &str,
        u: &model::UrlEncoding,
        (input, output): (&Structure, &Structure),
        structures: &[Structure],
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
    let item = structures.iter().find(|x| x.name == item.name)?;
    let field = member(item, item_member).filter(|m| m.ty == Type::String)?;
    Some((list.field.clone(), field.field.clone()))
}
