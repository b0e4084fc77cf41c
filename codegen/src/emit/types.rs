//! Type definitions: structures, error structures and string enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::{deprecated, doc, field_type, ident, member_docs};
use crate::ir::{Enum, Member, Role, Service, Structure, Type};

/// The name serde's `rename_all = "PascalCase"` gives a field.
fn serde_pascal(field: &str) -> String {
    field
        .trim_start_matches("r#")
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
    if serde_pascal(&m.field) != m.name {
        let name = &m.name;
        attrs.push(quote!(rename = #name));
    }
    match &m.ty {
        Type::Timestamp(_) => attrs.push(quote!(with = "crate::json::timestamp")),
        Type::Blob => attrs.push(quote!(with = "crate::json::blob")),
        Type::Stream => attrs.push(quote!(skip)),
        _ => {}
    }
    if attrs.is_empty() {
        quote!()
    } else {
        quote!(#[cfg_attr(feature = "serde", serde(#(#attrs),*))])
    }
}

/// The Rust definition of a structure, with its derives and `Debug`.
pub fn structure(s: &Structure, svc: &Service) -> TokenStream {
    let name = ident(&s.rust_name);
    let docs = doc(&s.docs);
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.field);
        let ty = field_type(m, svc);
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
            pub meta: crate::error::ErrorMetadata,
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
    }
}

/// A `Debug` that prints secrets as a fixed marker.
fn sensitive_debug(s: &Structure) -> TokenStream {
    let name = ident(&s.rust_name);
    let label = &s.rust_name;
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.field);
        let shown = m.field.trim_start_matches("r#");
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
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the crate does not know."]
            Unknown(::std::string::String),
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

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
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
