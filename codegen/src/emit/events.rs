//! Event streams: the enum of an event stream's events, and how each is made from an
//! event-stream message (its `:event-type` and payload).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, ident};
use crate::ir::{Structure, Type, names};

/// The enum of an event stream and its `Event` impl; `structures` has its events.
pub fn event_stream(s: &Structure, structures: &[Structure]) -> TokenStream {
    let name = ident(&s.rust_name);
    let docs = doc(&s.docs);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut methods = Vec::new();
    for m in &s.members {
        let Type::Structure(event) = &m.ty else {
            continue; // lowering reports it
        };
        let variant = ident(&names::type_name(&m.name));
        let event_ty = ident(&event.rust_name);
        let vdoc = doc(&m.docs);
        variants.push(quote! { #vdoc #variant(crate::types::#event_ty), });
        let wire = &m.wire_name;
        let value = structures
            .iter()
            .find(|e| e.name == event.name)
            .map_or_else(|| quote!(Default::default()), event_value);
        arms.push(quote!(#wire => Self::#variant(#value),));
        let is = format_ident!("is_{}", m.snake);
        let as_ = format_ident!("as_{}", m.snake);
        let is_doc = format!(" Whether this is a `{}` event.", m.name);
        let as_doc = format!(" The `{}` event, or this event when it is another.", m.name);
        methods.push(quote! {
            #[doc = #is_doc]
            #[inline]
            pub fn #is(&self) -> bool {
                matches!(self, Self::#variant(_))
            }

            #[doc = #as_doc]
            #[inline]
            pub fn #as_(&self) -> Result<&crate::types::#event_ty, &Self> {
                match self {
                    Self::#variant(event) => Ok(event),
                    other => Err(other),
                }
            }
        });
    }
    let on_use = super::on_use();
    quote! {
        #docs
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// An event of a kind this version of the client does not know, by its
            /// `:event-type`.
            Unknown(String),
        }

        impl #name {
            #(#methods)*
        }

        impl crate::primitives::event_stream::Event for #name {
            #on_use
            fn from_message(event_type: &str, payload: Bytes) -> Result<Self, ResponseError> {
                Ok(match event_type {
                    #(#arms)*
                    other => Self::Unknown(other.to_string()),
                })
            }
        }
    }
}

/// An event built from the message `payload`: its payload member (if any) filled with the
/// bytes, or the structure their XML document holds.
fn event_value(event: &Structure) -> TokenStream {
    let name = ident(&event.rust_name);
    let Some(m) = event.members.first() else {
        return quote!(crate::types::#name {});
    };
    let field = ident(&m.field);
    let value = match &m.ty {
        Type::Structure(s) => {
            let reader = ident(&s.reader);
            quote!(crate::runtime::event_stream::xml(&payload, crate::types::xml::#reader)?)
        }
        _ => quote!(payload),
    };
    quote!(crate::types::#name { #field: Some(#value) })
}
