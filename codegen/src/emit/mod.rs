//! Emitters: pure functions from the intermediate form to Rust tokens.

pub mod de;
pub mod events;
pub mod operation;
pub mod ser;
pub mod setters;
pub mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Binding, Member, TimestampFormat, Type};

/// An identifier from a name lowering has already checked; `r#` marks a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[cfg(..)]` compiling an item only with one of `features`; nothing when the list is
/// empty (every build has the item).
pub fn cfg(features: &[String]) -> TokenStream {
    match features {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// `items` (a type and its impls, say) each behind the same [`cfg`]. Tokens that are
/// not items are returned as they are, for the renderer to report.
pub fn gated(features: &[String], items: TokenStream) -> TokenStream {
    if features.is_empty() {
        return items;
    }
    let Ok(file) = syn::parse2::<syn::File>(items.clone()) else {
        return items;
    };
    let cfg = cfg(features);
    let items = file.items.iter();
    quote!(#(#cfg #items)*)
}

/// `#[inline]` on code that belongs to one operation or type: rustc then compiles it only
/// in a program that uses it, so operations a program never calls cost it only their
/// type-checking.
pub fn on_use() -> TokenStream {
    quote!(#[inline])
}

/// `#[doc = " line"]` attributes, one per line, so prettyplease prints `/// line`.
pub fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = " line"]` attributes documenting the enclosing module.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#![doc = #lines])*)
}

fn doc_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", l.trim_end())
            }
        })
        .collect()
}

/// A `#[deprecated]` attribute when a message (possibly empty) is given.
pub fn deprecated(message: &Option<String>) -> TokenStream {
    match message.as_deref() {
        None => quote!(),
        Some("") => quote!(#[deprecated]),
        Some(note) => quote!(#[deprecated(note = #note)]),
    }
}

/// The first sentence of a doc text, for one-line docs on setters and builders.
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text.lines().next().unwrap_or_default().to_string(),
    }
}

/// An `Option<&str>` literal: `Some("...")` or `None`.
pub fn option_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The Rust type of a member value (without the `Option` around it).
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Integer => quote!(i32),
        Type::Long => quote!(i64),
        Type::Boolean => quote!(bool),
        Type::Timestamp(_) => quote!(DateTime),
        Type::Blob => quote!(Bytes),
        Type::Stream => quote!(ByteStream),
        Type::EventStream(s) => {
            let name = ident(&s.rust_name);
            quote!(crate::primitives::event_stream::EventReceiver<crate::types::#name>)
        }
        Type::Enum(name) => {
            let name = ident(name);
            quote!(crate::types::#name)
        }
        Type::Structure(s) => {
            let name = ident(&s.rust_name);
            quote!(crate::types::#name)
        }
        Type::List { item, .. } => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
        Type::Map => {
            quote!(HashMap<String, String>)
        }
    }
}

/// The field type: streams are always present (empty by default), everything else optional.
pub fn field_type(member: &Member) -> TokenStream {
    let ty = rust_type(&member.ty);
    if matches!(member.ty, Type::Stream | Type::EventStream(_)) {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// The runtime's name for a timestamp format.
pub fn timestamp_format(format: TimestampFormat) -> TokenStream {
    match format {
        TimestampFormat::Iso8601 => quote!(DateTimeFormat::DateTime),
        TimestampFormat::HttpDate => quote!(DateTimeFormat::HttpDate),
        TimestampFormat::EpochSeconds => quote!(DateTimeFormat::EpochSeconds),
    }
}

/// A sentence telling where a member travels, appended to its docs.
pub fn wire_note(member: &Member) -> Option<String> {
    let name = &member.wire_name;
    Some(match member.binding {
        Binding::Label => format!("Sent in the URI path as `{{{}}}`.", member.name),
        Binding::Query => format!("Sent as the `{name}` query parameter."),
        Binding::Header => format!("Travels as the `{name}` header."),
        Binding::PrefixHeaders => format!("Travels as `{name}*` headers, one per entry."),
        Binding::Status => "The HTTP status code of the response.".to_string(),
        Binding::Payload => "The whole HTTP body.".to_string(),
        Binding::Root => format!("The body's `{name}` element."),
        Binding::Attribute => format!("XML attribute `{name}`."),
        Binding::Element => return None,
    })
}

/// Docs of a member: its own text, where it travels, and that it is required.
pub fn member_docs(member: &Member) -> TokenStream {
    let mut text = member.docs.trim().to_string();
    if let Some(note) = wire_note(member) {
        text.push_str("\n\n");
        text.push_str(&note);
    }
    if member.required {
        text.push_str(" Required.");
    }
    doc(&text)
}
