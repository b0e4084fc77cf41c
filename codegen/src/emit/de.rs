//! Response deserialisers: HTTP responses to output structures, XML to nested structures.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, timestamp_format};
use crate::ir::{Binding, Member, Structure, Type};

/// An expression reading one value of type `ty` from the element just entered, as a
/// `Result`.
fn read_result(ty: &Type) -> TokenStream {
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
        Type::Structure(s) => {
            let f = ident(&s.reader);
            quote!(crate::types::xml::#f(reader))
        }
        Type::List {
            item, item_name, ..
        } => {
            let each = read_result(item);
            let item_name = proc_macro2::Literal::byte_string(item_name.as_bytes());
            quote!(reader.list(#item_name, |reader| #each))
        }
        Type::Stream | Type::EventStream(_) | Type::Map => {
            quote!(compile_error!("not an XML value"))
        }
    }
}

/// An expression reading one value of type `ty` from the element just entered.
fn read_value(ty: &Type) -> TokenStream {
    let result = read_result(ty);
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

/// The locals a structure's element members are read into, `None` until their element
/// comes, and the loop over the child elements that fills them.
fn read_elements(members: &[&Member]) -> (Vec<TokenStream>, TokenStream) {
    let read: Vec<&Member> = members
        .iter()
        .copied()
        .filter(|m| !shadowed(m, members))
        .collect();
    let locals = read
        .iter()
        .map(|m| {
            let field = ident(&m.field);
            quote!(let mut #field = None;)
        })
        .collect();
    let arms = read.iter().map(|m| {
        let field = ident(&m.field);
        let wire = proc_macro2::Literal::byte_string(m.wire_name.as_bytes());
        match &m.ty {
            Type::List {
                item,
                flattened: true,
                ..
            } => {
                let each = read_value(item);
                quote!(#wire => #field.get_or_insert_with(Vec::new).push(#each),)
            }
            ty => {
                let value = read_value(ty);
                quote!(#wire => #field = Some(#value),)
            }
        }
    });
    let children = if read.is_empty() {
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
    (locals, children)
}

/// The struct literal of `s` from the locals named after the members in `filled`; the
/// rest, and an error's metadata, take their defaults.
fn literal(s: &Structure, filled: &[&Member]) -> TokenStream {
    let name = ident(&s.rust_name);
    let fields = filled.iter().map(|m| ident(&m.field));
    let rest = (filled.len() < s.members.len() || s.role == crate::ir::Role::Error)
        .then(|| quote!(..Default::default()));
    quote!(#name { #(#fields,)* #rest })
}

/// `fn de_x(reader) -> Result<X, ResponseError>` reading a structure from its XML element.
pub fn reader(s: &Structure) -> TokenStream {
    let func = ident(&s.reader);
    let name = ident(&s.rust_name);
    let attributes: Vec<&Member> = s
        .members
        .iter()
        .filter(|m| m.binding == Binding::Attribute)
        .collect();
    let read_attributes = attributes.iter().map(|m| {
        let field = ident(&m.field);
        let wire = &m.wire_name;
        let convert = match &m.ty {
            Type::Enum(e) => {
                let e = ident(e);
                quote!(.map(crate::types::#e::from))
            }
            _ => quote!(),
        };
        quote!(let #field = reader.attribute(#wire)? #convert;)
    });
    let elements: Vec<&Member> = s
        .members
        .iter()
        .filter(|m| m.binding == Binding::Element)
        .collect();
    let (locals, children) = read_elements(&elements);
    let filled: Vec<&Member> = attributes
        .iter()
        .copied()
        .chain(elements.iter().copied().filter(|m| !shadowed(m, &elements)))
        .collect();
    let value = literal(s, &filled);
    let doc = format!(
        " Reads [`{}`] from the XML element just entered.",
        s.rust_name
    );
    let on_use = super::on_use();
    quote! {
        #[doc = #doc]
        #on_use
        pub(crate) fn #func(reader: &mut crate::runtime::XmlReader<'_>) -> Result<#name, ResponseError> {
            #(#read_attributes)*
            #(#locals)*
            #children
            Ok(#value)
        }
    }
}

/// An expression reading the header `header` as a value of type `ty`.
fn header_value(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(header.string()?),
        Type::Integer | Type::Long => quote!(header.number()?),
        Type::Boolean => quote!(header.boolean()?),
        Type::Timestamp(f) => {
            let f = timestamp_format(*f);
            quote!(header.timestamp(#f)?)
        }
        Type::Enum(e) => {
            let e = ident(e);
            quote!(crate::types::#e::from(header.text()?))
        }
        Type::List { item, .. } => match &**item {
            Type::Enum(e) => {
                let e = ident(e);
                quote!(header.list()?.into_iter().map(crate::types::#e::from).collect())
            }
            _ => quote!(header.list()?),
        },
        _ => quote!(compile_error!("not a header value")),
    }
}

/// The statements reading every header-bound member in one pass over the response's
/// headers: a local per member, then a `match` on each header's name, with prefix
/// headers (user metadata) in the fallback arm.
fn read_headers(members: &[&Member]) -> Vec<TokenStream> {
    // One header alone is one lookup.
    if let [m] = members
        && m.binding == Binding::Header
    {
        let field = ident(&m.field);
        let name = m.wire_name.to_ascii_lowercase();
        let value = header_value(&m.ty);
        return vec![quote! {
            let #field = match response.header_field(#name) {
                Some(header) => Some(#value),
                None => None,
            };
        }];
    }
    let mut steps: Vec<TokenStream> = members
        .iter()
        .map(|m| {
            let field = ident(&m.field);
            quote!(let mut #field = None;)
        })
        .collect();
    let arms: Vec<TokenStream> = members
        .iter()
        .filter(|m| m.binding == Binding::Header)
        .map(|m| {
            let field = ident(&m.field);
            let name = m.wire_name.to_ascii_lowercase();
            let value = header_value(&m.ty);
            quote!(#name => #field = Some(#value),)
        })
        .collect();
    let prefixed = members
        .iter()
        .filter(|m| m.binding == Binding::PrefixHeaders)
        .map(|m| {
            let field = ident(&m.field);
            let prefix = m.wire_name.to_ascii_lowercase();
            quote! {
                if let Some(key) = name.strip_prefix(#prefix) {
                    header.insert_into(&mut #field, key)?;
                }
            }
        })
        .collect::<Vec<_>>();
    let body = if arms.is_empty() {
        quote! {
            let name = header.name();
            #(#prefixed)*
        }
    } else if prefixed.is_empty() {
        quote!(match header.name() { #(#arms)* _ => {} })
    } else {
        quote!(match header.name() { #(#arms)* name => { #(#prefixed)* } })
    };
    steps.push(quote! {
        for header in response.header_fields() {
            #body
        }
    });
    steps
}

/// `fn deserialize(response) -> Result<Output, ResponseError>` for an operation: each
/// member read from its binding into a local, then the output built from them.
pub fn response(output: &Structure) -> TokenStream {
    let name = ident(&output.rust_name);
    let mut steps = Vec::new();
    let mut filled = Vec::new();
    let headers: Vec<&Member> = output
        .members
        .iter()
        .filter(|m| matches!(m.binding, Binding::Header | Binding::PrefixHeaders))
        .collect();
    if !headers.is_empty() {
        steps.extend(read_headers(&headers));
        filled.extend(headers.iter().copied());
    }
    for m in &output.members {
        let field = ident(&m.field);
        let step = match m.binding {
            Binding::Status => quote!(let #field = Some(i32::from(response.status()));),
            Binding::Payload => match &m.ty {
                Type::Stream => quote!(let #field = response.take_body();),
                Type::EventStream(_) => quote! {
                    let #field = crate::primitives::event_stream::EventReceiver::new(response.take_body());
                },
                Type::Blob => quote!(let #field = Some(response.body_bytes());),
                Type::String => quote!(let #field = Some(response.body_string()?);),
                ty => {
                    let value = read_value(ty);
                    quote! {
                        let #field = match response.xml() {
                            Some(mut reader) => {
                                let reader = &mut reader;
                                reader.root()?;
                                Some(#value)
                            }
                            None => None,
                        };
                    }
                }
            },
            Binding::Root => {
                let convert = match &m.ty {
                    Type::Enum(e) => {
                        let e = ident(e);
                        quote!(crate::types::#e::from(text.as_ref()))
                    }
                    _ => quote!(text.into_owned()),
                };
                quote! {
                    let #field = match response.xml() {
                        Some(mut reader) => {
                            reader.root()?;
                            let text = reader.text()?;
                            (!text.is_empty()).then(|| #convert)
                        }
                        None => None,
                    };
                }
            }
            _ => continue,
        };
        steps.push(step);
        filled.push(m);
    }
    let elements: Vec<&Member> = output
        .members
        .iter()
        .filter(|m| m.binding == Binding::Element)
        .collect();
    if !elements.is_empty() {
        let (locals, children) = read_elements(&elements);
        steps.extend(locals);
        steps.push(quote! {
            if let Some(mut reader) = response.xml() {
                let reader = &mut reader;
                reader.root()?;
                #children
            }
        });
        filled.extend(elements.iter().copied().filter(|m| !shadowed(m, &elements)));
    }
    let mutable = output
        .members
        .iter()
        .any(|m| matches!(m.ty, Type::Stream | Type::EventStream(_)))
        .then(|| quote!(mut));
    let unused = if output.members.is_empty() {
        quote!(_response)
    } else {
        quote!(response)
    };
    let value = literal(output, &filled);
    let on_use = super::on_use();
    quote! {
        #on_use
        fn deserialize(#mutable #unused: crate::runtime::Response) -> Result<#name, ResponseError> {
            #(#steps)*
            Ok(#value)
        }
    }
}
