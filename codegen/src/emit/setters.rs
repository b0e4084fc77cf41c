//! Builder methods for the members of a structure, shared by fluent builders, waiters and
//! the builders of nested types.

use proc_macro2::TokenStream;
use quote::quote;

use super::{deprecated, first_sentence, ident, rust_type};
use crate::ir::{Structure, Type};

/// A builder's methods for each member of `input`, kept in its field `holder`: one that
/// sets (or, for lists and maps, adds to) the value, `set_` that replaces it, and `get_`.
/// Fluent builders and waiters hold their input as `input`, builders of nested types
/// their value as `inner`; `owner` is the path docs link the members to.
pub fn setters(input: &Structure, holder: &TokenStream, owner: &str) -> Vec<TokenStream> {
    input
        .members
        .iter()
        .map(|m| {
            let field = ident(&m.field);
            let set = ident(&m.set_method);
            let get = ident(&m.get_method);
            let target = format!("[`{owner}::{}`]", m.snake);
            let summary = first_sentence(&m.docs);
            let set_doc = format!(" Replaces {target}.");
            let get_doc = format!(" The value of {target} set so far.");
            let full = super::field_type(m);
            let dep = deprecated(&m.deprecated);
            let (verb, params, body) = match &m.ty {
                Type::List { item, .. } => {
                    let item = rust_type(item);
                    (
                        "Appends one item to",
                        quote!(item: #item),
                        quote!(self.#holder.#field.get_or_insert_with(Vec::new).push(item);),
                    )
                }
                Type::Map => (
                    "Adds one entry to",
                    quote!(key: impl Into<String>, value: impl Into<String>),
                    quote! {
                        self.#holder.#field
                            .get_or_insert_with(HashMap::new)
                            .insert(key.into(), value.into());
                    },
                ),
                Type::String => (
                    "Sets",
                    quote!(value: impl Into<String>),
                    quote!(self.#holder.#field = Some(value.into());),
                ),
                Type::Blob => (
                    "Sets",
                    quote!(value: impl Into<Bytes>),
                    quote!(self.#holder.#field = Some(value.into());),
                ),
                Type::Stream => (
                    "Sets",
                    quote!(value: ByteStream),
                    quote!(self.#holder.#field = value;),
                ),
                ty => {
                    let t = rust_type(ty);
                    ("Sets", quote!(value: #t), quote!(self.#holder.#field = Some(value);))
                }
            };
            let doc = format!(" {verb} {target}: {summary}");
            let parts = m.from_method.as_ref().map(|from| {
                let from = ident(from);
                let from_doc = format!(
                    " Sets {target} from the source bucket, key and version id. The client encodes them as boto3 does; pass them as they are, not URL-encoded."
                );
                quote! {
                    #[doc = #from_doc]
                    pub fn #from(mut self, bucket: &str, key: &str, version_id: Option<&str>) -> Self {
                        self.#holder.#field = Some(crate::runtime::copy_source(bucket, key, version_id));
                        self
                    }
                }
            });
            quote! {
                #[doc = #doc]
                #dep
                #[inline]
                pub fn #field(mut self, #params) -> Self {
                    #body
                    self
                }
                #parts
                #[doc = #set_doc]
                #dep
                #[inline]
                pub fn #set(mut self, value: #full) -> Self {
                    self.#holder.#field = value;
                    self
                }
                #[doc = #get_doc]
                #dep
                #[inline]
                pub fn #get(&self) -> &#full {
                    &self.#holder.#field
                }
            }
        })
        .collect()
}
