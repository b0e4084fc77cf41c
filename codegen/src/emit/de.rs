//! Response deserialisers: HTTP responses to output structures, XML to nested structures.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, timestamp_format};
use crate::ir::{Binding, Member, Service, Structure, Type};

/// Name of the XML reader function of a structure.
pub fn reader_fn(s: &Structure) -> proc_macro2::Ident {
    format_ident!(
        "de_{}",
        crate::ir::names::field(&s.name).trim_start_matches("r#")
    )
}

/// An expression reading one value of type `ty` from the element just entered, as a
/// `Result`.
fn read_result(ty: &Type, svc: &Service) -> TokenStream {
    match ty {
        Type::String => quote!(reader.string()),
        Type::Integer | Type::Long => quote!(reader.number()),
        Type::Boolean => quote!(reader.boolean()),
        Type::Timestamp(f) => {
            let f = timestamp_format(*f);
            quote!(reader.timestamp(#f))
        }
        Type::Blob => quote!(reader.blob()),
        Type::Enum(name) => {
            let name = ident(name);
            quote!(reader.text().map(|text| crate::types::#name::from(text.as_ref())))
        }
        Type::Structure(shape) => {
            let f = svc
                .structure(shape)
                .map(reader_fn)
                .unwrap_or_else(|| format_ident!("missing"));
            quote!(crate::types::#f(reader))
        }
        Type::List {
            item, item_name, ..
        } => {
            let each = read_result(item, svc);
            let item_name = proc_macro2::Literal::byte_string(item_name.as_bytes());
            quote!(reader.list(#item_name, |reader| #each))
        }
        Type::Stream | Type::Map => quote!(compile_error!("not an XML value")),
    }
}

/// An expression reading one value of type `ty` from the element just entered.
fn read_value(ty: &Type, svc: &Service) -> TokenStream {
    let result = read_result(ty, svc);
    quote!(#result?)
}

/// Whether another member reads the same element in place of `m`: S3 keeps some
/// deprecated members (a single `Event` beside the list `Events`) under the name of their
/// successor, and the successor gets the element.
fn shadowed(m: &Member, members: &[&Member]) -> bool {
    let rank = |x: &Member| (x.deprecated.is_some(), x.field.clone());
    members
        .iter()
        .any(|o| o.wire_name == m.wire_name && rank(o) < rank(m))
}

/// The match arms reading the XML child elements of a structure into `target`.
fn element_arms(members: &[&Member], target: &TokenStream, svc: &Service) -> Vec<TokenStream> {
    members
        .iter()
        .filter(|m| !shadowed(m, members))
        .map(|m| {
            let field = ident(&m.field);
            let wire = proc_macro2::Literal::byte_string(m.wire_name.as_bytes());
            match &m.ty {
                Type::List { item, flattened: true, .. } => {
                    let each = read_value(item, svc);
                    quote!(#wire => #target.#field.get_or_insert_with(::std::vec::Vec::new).push(#each),)
                }
                ty => {
                    let value = read_value(ty, svc);
                    quote!(#wire => #target.#field = Some(#value),)
                }
            }
        })
        .collect()
}

/// `fn de_x(reader) -> Result<X, ResponseError>` reading a structure from its XML element.
pub fn reader(s: &Structure, svc: &Service) -> TokenStream {
    let func = reader_fn(s);
    let name = ident(&s.rust_name);
    let target = quote!(value);
    let attributes = s
        .members
        .iter()
        .filter(|m| m.binding == Binding::Attribute)
        .map(|m| {
            let field = ident(&m.field);
            let wire = &m.wire_name;
            let convert = match &m.ty {
                Type::Enum(e) => {
                    let e = ident(e);
                    quote!(.map(crate::types::#e::from))
                }
                _ => quote!(),
            };
            quote!(value.#field = reader.attribute(#wire)? #convert;)
        });
    let elements: Vec<&Member> = s
        .members
        .iter()
        .filter(|m| m.binding == Binding::Element)
        .collect();
    let arms = element_arms(&elements, &target, svc);
    let children = if arms.is_empty() {
        quote! {
            while reader.next_child()?.is_some() {
                reader.skip()?;
            }
        }
    } else {
        quote! {
            while let Some(element) = reader.next_child()? {
                match element {
                    #(#arms)*
                    _ => reader.skip()?,
                }
            }
        }
    };
    let doc = format!(
        " Reads [`{}`] from the XML element just entered.",
        s.rust_name
    );
    // Attributes are read into a defaulted value, which clippy would rather see built whole.
    let allow = (!s.members.iter().all(|m| m.binding != Binding::Attribute))
        .then(|| quote!(#[allow(clippy::field_reassign_with_default)]));
    quote! {
        #[doc = #doc]
        #allow
        pub(crate) fn #func(
            reader: &mut crate::runtime::XmlReader<'_>,
        ) -> ::std::result::Result<#name, crate::error::ResponseError> {
            #[allow(unused_mut)]
            let mut value = #name::default();
            #(#attributes)*
            #children
            Ok(value)
        }
    }
}

/// An expression reading a header of type `ty`.
fn header(ty: &Type, name: &str) -> TokenStream {
    match ty {
        Type::String => quote!(response.header_string(#name)?),
        Type::Integer | Type::Long => quote!(response.header_number(#name)?),
        Type::Boolean => quote!(response.header_bool(#name)?),
        Type::Timestamp(f) => {
            let f = timestamp_format(*f);
            quote!(response.header_timestamp(#name, #f)?)
        }
        Type::Enum(e) => {
            let e = ident(e);
            quote!(response.header_string(#name)?.map(crate::types::#e::from))
        }
        Type::List { item, .. } => {
            let convert = match &**item {
                Type::Enum(e) => {
                    let e = ident(e);
                    quote!(.map(|items| items.into_iter().map(crate::types::#e::from).collect()))
                }
                _ => quote!(),
            };
            quote!(response.header_list(#name)? #convert)
        }
        _ => quote!(compile_error!("not a header value")),
    }
}

/// `fn deserialize(response) -> Result<Output, ResponseError>` for an operation.
pub fn response(output: &Structure, svc: &Service) -> TokenStream {
    let name = ident(&output.rust_name);
    let mut steps = Vec::new();
    for m in &output.members {
        let field = ident(&m.field);
        let lower = m.wire_name.to_ascii_lowercase();
        match m.binding {
            Binding::Header => {
                let h = header(&m.ty, &lower);
                steps.push(quote!(output.#field = #h;));
            }
            Binding::PrefixHeaders => {
                steps.push(quote!(output.#field = response.prefix_headers(#lower)?;))
            }
            Binding::Status => {
                steps.push(quote!(output.#field = Some(i32::from(response.status()));))
            }
            Binding::Payload => steps.push(match &m.ty {
                Type::Stream => quote!(output.#field = response.take_body();),
                Type::Blob => quote!(output.#field = Some(response.body_bytes());),
                Type::String => quote!(output.#field = Some(response.body_string()?);),
                ty => {
                    let value = read_value(ty, svc);
                    quote! {
                        if let Some(mut reader) = response.xml() {
                            let reader = &mut reader;
                            reader.root()?;
                            output.#field = Some(#value);
                        }
                    }
                }
            }),
            Binding::Root => {
                let convert = match &m.ty {
                    Type::Enum(e) => {
                        let e = ident(e);
                        quote!(crate::types::#e::from(text.as_ref()))
                    }
                    _ => quote!(text.into_owned()),
                };
                steps.push(quote! {
                    if let Some(mut reader) = response.xml() {
                        reader.root()?;
                        let text = reader.text()?;
                        if !text.is_empty() {
                            output.#field = Some(#convert);
                        }
                    }
                });
            }
            _ => {}
        }
    }
    let elements: Vec<&Member> = output
        .members
        .iter()
        .filter(|m| m.binding == Binding::Element)
        .collect();
    if !elements.is_empty() {
        let arms = element_arms(&elements, &quote!(output), svc);
        steps.push(quote! {
            if let Some(mut reader) = response.xml() {
                let reader = &mut reader;
                reader.root()?;
                while let Some(element) = reader.next_child()? {
                    match element {
                        #(#arms)*
                        _ => reader.skip()?,
                    }
                }
            }
        });
    }
    let mutable = output
        .members
        .iter()
        .any(|m| m.ty == Type::Stream)
        .then(|| quote!(mut));
    let unused = if output.members.is_empty() {
        quote!(_response)
    } else {
        quote!(response)
    };
    let body = if output.members.is_empty() {
        quote!(Ok(#name::default()))
    } else {
        quote! {
            let mut output = #name::default();
            #(#steps)*
            Ok(output)
        }
    };
    quote! {
        // Members are filled one binding at a time, so the value starts as `default()`.
        #[allow(clippy::field_reassign_with_default)]
        fn deserialize(#mutable #unused: crate::runtime::Response) -> ::std::result::Result<#name, crate::error::ResponseError> {
            #body
        }
    }
}
