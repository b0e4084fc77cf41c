//! Request serialisers: input structures to HTTP requests, nested structures to XML.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, option_str, timestamp_format};
use crate::ir::{Binding, HostPart, Member, Operation, PathPart, Structure, Type};

/// An expression turning the scalar `v` (a reference) into text for a URI, query or header.
fn text(ty: &Type, v: TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(#v.as_str()),
        Type::Enum(_) => quote!(#v.as_str()),
        Type::Integer | Type::Long => quote!(&#v.to_string()),
        Type::Boolean => quote!(if *#v { "true" } else { "false" }),
        Type::Blob => quote!(&crate::runtime::base64(#v)),
        Type::Timestamp(f) => {
            let f = timestamp_format(*f);
            quote!(&crate::runtime::format_timestamp(#v, #f)?)
        }
        Type::List { item, .. } => {
            // Joined with a bare comma, as botocore joins a header list.
            let each = text(item, quote!(item));
            quote!(&#v.iter().map(|item| #each).collect::<Vec<_>>().join(","))
        }
        _ => quote!(compile_error!("not a scalar")),
    }
}

/// Runs `body` with `value` bound to the member `holder.field`: a missing required member
/// is an error naming it, a missing optional one is skipped.
fn with_value(m: &Member, holder: TokenStream, owner: &str, body: TokenStream) -> TokenStream {
    let field = ident(&m.field);
    let name = &m.name;
    // Text that travels in the query or a header must not be empty either.
    let text = m.ty == Type::String && matches!(m.binding, Binding::Query | Binding::Header);
    if m.idempotency_token {
        // Filled, as botocore fills it, with a fresh token when the caller leaves it unset:
        // made once per operation, so each retry sends the same one.
        quote! {
            let token = #holder.#field.clone().unwrap_or_else(crate::random::uuid4);
            let value = &token;
            #body
        }
    } else if m.required && text {
        quote! {
            let value = crate::runtime::required_text(#holder.#field.as_ref(), #owner, #name)?;
            #body
        }
    } else if m.required {
        quote! {
            let value = crate::runtime::required(#holder.#field.as_ref(), #owner, #name)?;
            #body
        }
    } else {
        quote! {
            if let Some(value) = &#holder.#field {
                #body
            }
        }
    }
}

/// The statement that binds one input member to the request's query or headers.
fn bind(m: &Member, owner: &str) -> TokenStream {
    let wire = &m.wire_name;
    let lower = wire.to_ascii_lowercase();
    let body = match m.binding {
        Binding::Query => {
            let t = text(&m.ty, quote!(value));
            quote!(request.query(#wire, #t);)
        }
        Binding::Header => {
            let t = text(&m.ty, quote!(value));
            let set = if m.sensitive {
                quote!(secret_header)
            } else if m.copy_source {
                quote!(copy_source_header)
            } else {
                quote!(header)
            };
            quote!(request.#set(#lower, #t)?;)
        }
        Binding::PrefixHeaders => quote!(request.prefix_headers(#lower, value)?;),
        _ => return quote!(),
    };
    with_value(m, quote!(input), owner, body)
}

/// `fn serialize(input) -> Result<Request, BuildError>` for an operation.
pub fn request(op: &Operation) -> TokenStream {
    let input = &op.input;
    let owner = &input.rust_name;
    let mut steps = Vec::new();
    if let Some(b) = &op.bucket {
        let field = ident(&b.field);
        let name = &b.member;
        steps.push(quote! {
            request.bucket(crate::runtime::required(input.#field.as_ref(), #owner, #name)?)?;
        });
    }
    for part in &op.path {
        match part {
            PathPart::Literal(l) => steps.push(quote!(request.path(#l);)),
            PathPart::Label(l) => {
                let field = ident(&l.field);
                let name = &l.member;
                let greedy = l.greedy;
                let value = match &l.ty {
                    Type::Enum(_) => quote!(value.as_str()),
                    Type::Integer | Type::Long => quote!(&value.to_string()),
                    _ => quote!(value),
                };
                steps.push(quote! {
                    let value = crate::runtime::required(input.#field.as_ref(), #owner, #name)?;
                    request.label(#name, #value, #greedy)?;
                });
            }
        }
    }
    if !op.host_prefix.is_empty() {
        let pieces = op.host_prefix.iter().map(|p| match p {
            HostPart::Literal(text) => quote!(#text),
            HostPart::Label(field, member) => {
                let field = ident(field);
                quote!(crate::runtime::host_label(input.#field.as_ref(), #owner, #member)?)
            }
        });
        steps.push(quote!(request.host_prefix([#(#pieces),*].concat());));
    }
    for (k, v) in &op.static_query {
        match v {
            Some(v) => steps.push(quote!(request.query(#k, #v);)),
            None => steps.push(quote!(request.query_flag(#k);)),
        }
    }
    let mut payload = quote!();
    for m in &input.members {
        match m.binding {
            Binding::Label => {}
            Binding::Query | Binding::Header | Binding::PrefixHeaders => steps.push(bind(m, owner)),
            Binding::Payload => {
                let field = ident(&m.field);
                let name = &m.name;
                let required = m.required.then(
                    || quote!(crate::runtime::required(input.#field.as_ref(), #owner, #name)?;),
                );
                payload = match &m.ty {
                    Type::Stream => quote!(request.body(input.#field);),
                    Type::Blob => quote! {
                        #required
                        if let Some(value) = input.#field {
                            request.body(ByteStream::from(value));
                        }
                    },
                    Type::String => quote! {
                        #required
                        if let Some(value) = input.#field {
                            request.body(ByteStream::from(value));
                        }
                    },
                    Type::Structure(s) => {
                        let writer = ident(&s.writer);
                        let wire = &m.wire_name;
                        let ns = option_str(&m.xml_namespace);
                        quote! {
                            #required
                            if let Some(value) = &input.#field {
                                let mut writer = crate::runtime::XmlWriter::new();
                                crate::types::xml::#writer(&mut writer, #wire, value, #ns)?;
                                request.xml_body(writer);
                            }
                        }
                    }
                    _ => quote!(),
                };
            }
            _ => {}
        }
    }
    let document = input_document(input);
    let name = ident(&input.rust_name);
    let on_use = super::on_use();
    quote! {
        #on_use
        fn serialize(input: #name) -> Result<crate::runtime::Request, BuildError> {
            let mut request = crate::runtime::Request::new();
            #(#steps)*
            #payload
            #document
            Ok(request)
        }
    }
}

/// Writes one value of type `ty` as the element `name`.
fn write_value(ty: &Type, name: TokenStream, v: TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(writer.element(#name, #v);),
        Type::Enum(_) => quote!(writer.element(#name, #v.as_str());),
        Type::Integer | Type::Long => quote!(writer.number(#name, #v);),
        Type::Boolean => quote!(writer.boolean(#name, *#v);),
        Type::Timestamp(f) => {
            let f = timestamp_format(*f);
            quote!(writer.element(#name, &crate::runtime::format_timestamp(#v, #f)?);)
        }
        Type::Blob => quote!(writer.blob(#name, #v);),
        Type::Structure(s) => {
            let writer = ident(&s.writer);
            quote!(#writer(writer, #name, #v, None)?;)
        }
        Type::List {
            item,
            item_name,
            flattened,
        } => {
            let each = write_value(item, quote!(#item_name), quote!(item));
            if *flattened {
                quote!(for item in #v { #each })
            } else {
                quote! {
                    writer.open(#name);
                    writer.close_start();
                    for item in #v { #each }
                    writer.end(#name);
                }
            }
        }
        Type::Stream | Type::EventStream(_) | Type::Map => quote!(),
    }
}

/// The statement writing member `m` of `holder` as an XML attribute or child element;
/// `path` leads from where it is written to the writer functions (`crate::types::xml::`).
fn member_write(m: &Member, holder: TokenStream, owner: &str, path: TokenStream) -> TokenStream {
    let wire = &m.wire_name;
    let write = match m.binding {
        Binding::Attribute => {
            let t = text(&m.ty, quote!(value));
            quote!(writer.attribute(#wire, #t);)
        }
        _ => match &m.ty {
            Type::List {
                flattened: true, ..
            } => write_value(&m.ty, quote!(#wire), quote!(value)),
            Type::Structure(s) => {
                let w = ident(&s.writer);
                let ns = option_str(&m.xml_namespace);
                quote!(#path #w(writer, #wire, value, #ns)?;)
            }
            ty => write_value(ty, quote!(#wire), quote!(value)),
        },
    };
    with_value(m, holder, owner, write)
}

/// The statement declaring a structure's own namespace on its element, if it has one.
fn namespace_attribute(s: &Structure) -> Option<TokenStream> {
    s.xml_namespace.as_ref().map(|(prefix, uri)| {
        let attr = match prefix {
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_string(),
        };
        quote!(writer.attribute(#attr, #uri);)
    })
}

/// The statements writing an input's element members as the request's XML document,
/// for an input that is itself the document (its `xml_name` is the root element).
fn input_document(input: &Structure) -> TokenStream {
    let elements: Vec<TokenStream> = input
        .members
        .iter()
        .filter(|m| m.binding == Binding::Element)
        .map(|m| {
            member_write(
                m,
                quote!(input),
                &input.rust_name,
                quote!(crate::types::xml::),
            )
        })
        .collect();
    if elements.is_empty() {
        return quote!();
    }
    let root = &input.xml_name;
    let ns = namespace_attribute(input);
    quote! {
        let mut document = crate::runtime::XmlWriter::new();
        let writer = &mut document;
        writer.open(#root);
        #ns
        writer.close_start();
        #(#elements)*
        writer.end(#root);
        request.xml_body(document);
    }
}

/// `fn ser_x(writer, name, value, xmlns)` writing a structure as an XML element.
pub fn writer(s: &Structure) -> TokenStream {
    let func = ident(&s.writer);
    let name = ident(&s.rust_name);
    let owner = &s.rust_name;
    let ns = namespace_attribute(s);
    let mut attributes = Vec::new();
    let mut children = Vec::new();
    for m in &s.members {
        let stmt = member_write(m, quote!(value_of), owner, quote!());
        if m.binding == Binding::Attribute {
            attributes.push(stmt);
        } else {
            children.push(stmt);
        }
    }
    let doc = format!(" Writes [`{}`] as the XML element `name`.", s.rust_name);
    // A structure without members (`SSES3`) is an empty element; its value is not read.
    let value_of = if attributes.is_empty() && children.is_empty() {
        quote!(_value_of)
    } else {
        quote!(value_of)
    };
    let on_use = super::on_use();
    quote! {
        #[doc = #doc]
        #on_use
        pub(crate) fn #func(
            writer: &mut crate::runtime::XmlWriter,
            name: &str,
            #value_of: &#name,
            xmlns: Option<&str>,
        ) -> Result<(), BuildError> {
            writer.open(name);
            if let Some(uri) = xmlns {
                writer.attribute("xmlns", uri);
            }
            #ns
            #(#attributes)*
            writer.close_start();
            #(#children)*
            writer.end(name);
            Ok(())
        }
    }
}
