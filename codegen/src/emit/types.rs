//! Type definitions: structures, error structures and string enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::{de, deprecated, doc, events, field_type, ident, member_docs, rust_type, ser};
use crate::ir::{Enum, Member, Role, Service, Structure, Type};

/// The files of `types/`: one module per model area with its enums, structures and
/// builders, the XML readers and writers in a private module beside them, and `mod.rs`
/// putting every type at `types::`, the error shapes at `types::error::` and the
/// builders at `types::builders::`, as aws-sdk-s3 has them.
pub fn files(svc: &Service) -> Vec<(String, TokenStream)> {
    let shared = |s: &&Structure| matches!(s.role, Role::Shared | Role::Error);
    let mut files = Vec::new();
    let mut modules = Vec::new();
    let mut exports = Vec::new();
    let mut builder_exports = Vec::new();
    for area in svc.areas() {
        let module = ident(area);
        let enums: Vec<&Enum> = svc.enums.iter().filter(|e| e.area == area).collect();
        let structures: Vec<&Structure> = svc
            .structures
            .iter()
            .filter(shared)
            .filter(|s| s.area == area)
            .collect();
        let names = enums
            .iter()
            .map(|e| (&e.features, e.rust_name.as_str()))
            .chain(
                structures
                    .iter()
                    .map(|s| (&s.features, s.rust_name.as_str())),
            );
        exports.push(grouped_uses(quote!(self::#module), names));
        let builders = structures
            .iter()
            .filter(|s| s.role == Role::Shared && !s.event_stream)
            .map(|s| (&s.features, s.builder.as_str()));
        builder_exports.push(grouped_uses(quote!(super::#module), builders));
        modules.push(quote!(mod #module;));
        let enums = enums
            .into_iter()
            .map(|e| super::gated(&e.features, enumeration(e)));
        let structures = structures.into_iter().map(|s| {
            if s.event_stream {
                return super::gated(&s.features, events::event_stream(s, &svc.structures));
            }
            let definition = structure(s);
            let builder = (s.role == Role::Shared).then(|| builder(s));
            super::gated(&s.features, quote!(#definition #builder))
        });
        let doc = format!(" The types of the model's `{area}.json`.");
        files.push((
            format!("types/{area}.rs"),
            quote! {
                #![doc = #doc]
                #![allow(deprecated)]
                #(#enums)*
                #(#structures)*
            },
        ));
    }
    let errors = grouped_uses(
        quote!(super),
        svc.structures
            .iter()
            .filter(|s| s.role == Role::Error)
            .map(|s| (&s.features, s.rust_name.as_str())),
    );
    files.push((
        "types/mod.rs".to_string(),
        quote! {
            #![doc = " Shapes shared between operations: nested structures, errors and enums."]
            #(#modules)*
            pub(crate) mod xml;
            #(#exports)*

            /// The error shapes, at the path aws-sdk-s3 gives them (`types::error::NoSuchKey`).
            pub mod error {
                #errors
            }

            /// Builders for the nested types, as aws-sdk-s3 has them (`Tag::builder()`).
            pub mod builders {
                #(#builder_exports)*
            }
        },
    ));
    let xml = svc.structures.iter().map(|s| {
        let writer = s
            .serialized
            .then(|| super::gated(&s.writes, ser::writer(s)));
        let reader = s
            .deserialized
            .then(|| super::gated(&s.reads, de::reader(s)));
        quote!(#writer #reader)
    });
    files.push((
        "types/xml.rs".to_string(),
        quote! {
            #![doc = " The XML readers and writers of the shared types."]
            #![allow(deprecated)]
            use super::*;
            #(#xml)*
        },
    ));
    files
}

/// The name serde's `rename_all = "PascalCase"` gives a field.
fn serde_pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The serde attributes of a field: its model name where PascalCase does not give it, and
/// the text form of timestamps and blobs; streams are not JSON.
fn serde_field(m: &Member) -> TokenStream {
    let mut attrs = Vec::new();
    if serde_pascal(&m.snake) != m.name {
        let name = &m.name;
        attrs.push(quote!(rename = #name));
    }
    match &m.ty {
        Type::Timestamp(_) => attrs.push(quote!(with = "crate::json::timestamp")),
        Type::Blob => attrs.push(quote!(with = "crate::json::blob")),
        Type::Stream | Type::EventStream(_) => attrs.push(quote!(skip)),
        _ => {}
    }
    if attrs.is_empty() {
        quote!()
    } else {
        quote!(#[cfg_attr(feature = "serde", serde(#(#attrs),*))])
    }
}

/// `pub use` items of `path`, one per set of features that gates them, the names
/// sorted, in the order the sets first appear when sorted.
fn grouped_uses<'a>(
    path: TokenStream,
    items: impl Iterator<Item = (&'a Vec<String>, &'a str)>,
) -> TokenStream {
    let mut groups: std::collections::BTreeMap<&Vec<String>, Vec<&str>> = Default::default();
    for (features, name) in items {
        groups.entry(features).or_default().push(name);
    }
    let uses = groups.into_iter().map(|(features, mut names)| {
        names.sort_unstable();
        let cfg = super::cfg(features);
        let names = names.into_iter().map(ident);
        quote!(#cfg pub use #path::{#(#names),*};)
    });
    quote!(#(#uses)*)
}

/// The Rust definition of a structure, with its derives and `Debug`.
pub fn structure(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let docs = doc(&s.docs);
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.field);
        let ty = field_type(m);
        let docs = member_docs(m);
        let dep = deprecated(&m.deprecated);
        let serde = if s.role == Role::Error {
            quote!()
        } else {
            serde_field(m)
        };
        quote! { #docs #dep #serde pub #field: #ty, }
    });
    let meta = (s.role == Role::Error).then(|| {
        quote! {
            #[doc = " The code, message and request ids S3 sent with the error."]
            pub meta: ErrorMetadata,
        }
    });
    let mut derives = vec![quote!(Default)];
    if !s.sensitive {
        derives.push(quote!(Debug));
    }
    if !s.streaming {
        derives.push(quote!(Clone));
        derives.push(quote!(PartialEq));
    }
    let debug = s.sensitive.then(|| sensitive_debug(s));
    let accessors = matches!(s.role, Role::Output | Role::Shared).then(|| accessors(s));
    let error_impls = (s.role == Role::Error).then(|| error_impls(s));
    // JSON with the model's member names, for `Client::invoke_json` and `s3api`.
    let serde = (s.role != Role::Error).then(|| {
        quote! {
            #[cfg_attr(
                feature = "serde",
                derive(::serde::Serialize, ::serde::Deserialize),
                serde(rename_all = "PascalCase", default, deny_unknown_fields)
            )]
        }
    });
    quote! {
        #docs
        #[derive(#(#derives),*)]
        #serde
        pub struct #name {
            #(#fields)*
            #meta
        }
        #debug
        #accessors
        #error_impls
    }
}

/// What an error shape is as an error: its metadata (code, message) read the aws-sdk-s3
/// way, and `Display` as S3's code and message.
fn error_impls(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    quote! {
        impl #name {
            /// The message S3 sent.
            pub fn message(&self) -> Option<&str> {
                self.meta.message()
            }
        }

        impl crate::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &ErrorMetadata {
                &self.meta
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.meta, f)
            }
        }

        impl ::std::error::Error for #name {}
    }
}

/// A `Debug` that prints secrets as a fixed marker.
fn sensitive_debug(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let label = &s.rust_name;
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.field);
        let shown = &m.snake;
        if m.sensitive {
            quote!(.field(#shown, &self.#field.as_ref().map(|_| "*** redacted ***")))
        } else {
            quote!(.field(#shown, &self.#field))
        }
    });
    let meta = (s.role == Role::Error).then(|| quote!(.field("meta", &self.meta)));
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #[allow(deprecated)]
                f.debug_struct(#label) #(#fields)* #meta .finish()
            }
        }
    }
}

/// A string enum with an `Unknown` variant for values this version does not know.
pub fn enumeration(e: &Enum) -> TokenStream {
    let name = ident(&e.rust_name);
    let docs = doc(&e.docs);
    let variants = e.values.iter().map(|(value, variant)| {
        let v = ident(variant);
        let d = format!(" `{value}`");
        quote!(#[doc = #d] #v,)
    });
    let to_str = e.values.iter().map(|(value, variant)| {
        let v = ident(variant);
        quote!(Self::#v => #value,)
    });
    let from_str = e.values.iter().map(|(value, variant)| {
        let v = ident(variant);
        quote!(#value => Self::#v,)
    });
    let values = e.values.iter().map(|(value, _)| value);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the crate does not know."]
            Unknown(String),
        }

        impl #name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }

            /// Every value the model lists.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        crate::json::string_enum!(#name);
    }
}

/// Read accessors, as aws-sdk-s3 has them beside the public fields: strings as `&str`,
/// lists as slices (empty when absent), numbers and flags by value, the rest by
/// reference. A required member of a nested type is read without the `Option`.
pub fn accessors(s: &Structure) -> TokenStream {
    let required_plain = s.role == Role::Shared;
    let methods = s.members.iter().map(|m| {
        let field = ident(&m.field);
        let dep = deprecated(&m.deprecated);
        let summary = super::first_sentence(&m.docs);
        let required = required_plain && m.required;
        let (ret, body, note) = match &m.ty {
            Type::String if required => (
                quote!(&str),
                quote!(self.#field.as_deref().unwrap_or_default()),
                "",
            ),
            Type::String => (quote!(Option<&str>), quote!(self.#field.as_deref()), ""),
            Type::List { item, .. } => {
                let item = rust_type(item);
                (
                    quote!(&[#item]),
                    quote!(self.#field.as_deref().unwrap_or_default()),
                    " Empty when absent.",
                )
            }
            Type::Integer | Type::Long | Type::Boolean => {
                let t = rust_type(&m.ty);
                if required {
                    (quote!(#t), quote!(self.#field.unwrap_or_default()), "")
                } else {
                    (quote!(Option<#t>), quote!(self.#field), "")
                }
            }
            Type::Stream | Type::EventStream(_) => {
                let t = rust_type(&m.ty);
                (quote!(&#t), quote!(&self.#field), "")
            }
            ty => {
                let t = rust_type(ty);
                (quote!(Option<&#t>), quote!(self.#field.as_ref()), "")
            }
        };
        let text = format!(" {summary}{note}");
        quote! {
            #[doc = #text]
            #dep
            #[inline]
            pub fn #field(&self) -> #ret {
                #body
            }
        }
    });
    let name = ident(&s.rust_name);
    let builder = (s.role == Role::Shared).then(|| {
        let b = ident(&s.builder);
        let text = format!(" A builder for [`{}`].", s.rust_name);
        quote! {
            #[doc = #text]
            #[inline]
            pub fn builder() -> crate::types::builders::#b {
                Default::default()
            }
        }
    });
    quote! {
        impl #name {
            #builder
            #(#methods)*
        }
    }
}

/// The builder of a nested type, as aws-sdk-s3 has one: the member setters of fluent
/// builders, and `build()`, which returns the value, or where the type has required
/// members a `Result` whose error names the first one missing.
pub fn builder(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let b = ident(&s.builder);
    let owner = format!("crate::types::{}", s.rust_name);
    let setters = super::setters::setters(s, &quote!(inner), &owner);
    let doc = format!(" Builds a [`{0}`]({owner}).", s.rust_name);
    let required: Vec<_> = s
        .members
        .iter()
        .filter(|m| m.required && m.ty != Type::Stream)
        .collect();
    let build = if required.is_empty() {
        quote! {
            /// The value built.
            #[inline]
            pub fn build(self) -> crate::types::#name {
                self.inner
            }
        }
    } else {
        let shape = &s.name;
        let checks = required.iter().map(|m| {
            let field = ident(&m.field);
            let member = &m.name;
            quote!(crate::runtime::required(self.inner.#field.as_ref(), #shape, #member)?;)
        });
        quote! {
            /// The value built, or an error naming the first required member not set.
            #[inline]
            pub fn build(self) -> Result<crate::types::#name, BuildError> {
                #(#checks)*
                Ok(self.inner)
            }
        }
    };
    let mut derives = vec![quote!(Default), quote!(Debug)];
    if !s.streaming {
        derives.push(quote!(Clone));
        derives.push(quote!(PartialEq));
    }
    quote! {
        #[doc = #doc]
        #[derive(#(#derives),*)]
        pub struct #b {
            inner: crate::types::#name,
        }

        impl #b {
            #(#setters)*
            #build
        }
    }
}
