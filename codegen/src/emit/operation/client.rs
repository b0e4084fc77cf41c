//! The client's methods: one per operation and waiter, the name lists boto3 offers, and
//! the JSON dispatch of `invoke_json`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{deprecated, doc, ident};
use crate::ir::{Service, Structure, Type};

/// `impl Client { pub fn get_object(&self) -> GetObjectFluentBuilder }` for every operation.
pub fn client(svc: &Service) -> TokenStream {
    let (methods, waiter_methods) = methods(svc, Client::Async);
    let waiter_names = svc.operations.iter().flat_map(|op| {
        let cfg = gate(op);
        op.waiters.iter().map(move |w| {
            let name = &w.snake;
            quote!(#cfg #name)
        })
    });
    let names = svc.operations.iter().map(|op| {
        let (cfg, name) = (gate(op), &op.name);
        quote!(#cfg #name)
    });
    let paginated = svc
        .operations
        .iter()
        .filter(|op| op.paginator.is_some())
        .map(|op| {
            let (cfg, name) = (gate(op), &op.snake);
            quote!(#cfg #name)
        });
    let json = json_dispatch(svc);
    let blocking = blocking_client(svc);
    quote! {
        impl crate::Client {
            #(#methods)*

            /// The names of every operation this client can send, as the model spells them.
            pub const fn operation_names() -> &'static [&'static str] {
                &[#(#names),*]
            }

            /// The operations that have a paginator, by method name (`list_objects_v2`).
            pub const fn paginator_names() -> &'static [&'static str] {
                &[#(#paginated),*]
            }

            /// Whether the operation `name` (`list_objects_v2`) has a paginator, as boto3's
            /// `can_paginate`.
            pub fn can_paginate(name: &str) -> bool {
                Self::paginator_names().contains(&name)
            }

            /// The waiters, by name (`object_exists`), as boto3's `waiter_names`.
            pub const fn waiter_names() -> &'static [&'static str] {
                &[#(#waiter_names),*]
            }

            #(#waiter_methods)*
        }

        #json

        #blocking
    }
}

/// Which client the methods are for.
#[derive(Clone, Copy, PartialEq)]
enum Client {
    Async,
    Blocking,
}

/// One method per operation and one per waiter, returning the operation's fluent builder
/// in the mode of `client`.
fn methods(svc: &Service, client: Client) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let operations = svc.operations.iter().map(|op| {
        let method = ident(&op.method);
        let builder = ident(&op.builder);
        let docs = doc(&op.docs);
        let dep = deprecated(&op.deprecated);
        let cfg = gate(op);
        let (ty, make) = match client {
            Client::Async => (quote!(#builder), quote!(new(self.clone()))),
            Client::Blocking => (
                quote!(#builder<crate::blocking::Blocking>),
                quote!(blocking(self.client(), self.mode())),
            ),
        };
        quote! {
            #docs
            #dep
            #cfg
            pub fn #method(&self) -> crate::operation::#method::#ty {
                crate::operation::#method::#builder::#make
            }
        }
    });
    let waiters = svc.operations.iter().flat_map(|op| {
        let module = ident(&op.method);
        let builder = ident(&op.builder);
        let (output, error) = (ident(&op.output.rust_name), ident(&op.error));
        let waiter = ident(&op.waiter);
        let cfg = gate(op);
        op.waiters.iter().map(move |w| {
            let m = ident(&w.method);
            let def = ident(&w.constant);
            let docs = doc(&w.docs);
            let (ty, make) = match client {
                Client::Async => (
                    quote!(#waiter),
                    quote!(#waiter::waiting(self.clone(), &crate::operation::#module::#def)),
                ),
                Client::Blocking => (
                    quote!(#builder<crate::blocking::Waits<crate::operation::#module::#output, crate::operation::#module::#error>>),
                    quote!(#builder::waiting_blocking(self.client(), &crate::operation::#module::#def, self.mode())),
                ),
            };
            quote! {
                #docs
                #cfg
                pub fn #m(&self) -> crate::operation::#module::#ty {
                    crate::operation::#module::#make
                }
            }
        })
    });
    (operations.collect(), waiters.collect())
}

/// The blocking client's methods: the same operations and waiters, in blocking mode.
fn blocking_client(svc: &Service) -> TokenStream {
    let (methods, waiters) = methods(svc, Client::Blocking);
    quote! {
        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #(#methods)*
            #(#waiters)*
        }
    }
}

/// The `#[cfg]` of an operation's feature.
fn gate(op: &crate::ir::Operation) -> TokenStream {
    crate::emit::cfg(std::slice::from_ref(&op.feature))
}

/// The field of a structure that holds a stream, if any.
fn stream_field(s: &Structure) -> Option<proc_macro2::Ident> {
    s.members
        .iter()
        .find(|m| m.ty == Type::Stream)
        .map(|m| ident(&m.field))
}

/// `Client::invoke_json_with_body`: every operation by name, with JSON in and out.
fn json_dispatch(svc: &Service) -> TokenStream {
    let arms = svc.operations.iter().map(|op| {
        let key = op.name.to_ascii_lowercase();
        let name = &op.name;
        let method = ident(&op.method);
        let input_ty = ident(&op.input.rust_name);
        let dep = op.deprecated.as_ref().map(|_| quote!(#[allow(deprecated)]));
        let body_in = stream_field(&op.input).map(|f| {
            quote! {
                if let Some(body) = body {
                    input.#f = body;
                }
            }
        });
        let mutable = body_in.as_ref().map(|_| quote!(mut));
        let (out_mut, body_out) = match stream_field(&op.output) {
            Some(f) => (quote!(mut), quote!(Some(::std::mem::take(&mut output.#f)))),
            None => (quote!(), quote!(None)),
        };
        let cfg = gate(op);
        quote! {
            #cfg
            #key => {
                let #mutable input: crate::operation::#method::#input_ty = crate::json::input(#name, input)?;
                #body_in
                #dep
                // Boxed, so that the dispatch's future holds one pointer per arm, not
                // every operation's future side by side (a debug build's stack).
                let #out_mut output = Box::pin(self.#method().set_input(input).send()).await.map_err(crate::json::JsonError::call)?;
                let body = #body_out;
                crate::json::output(#name, &output, body)
            }
        }
    });
    quote! {
        #[cfg(feature = "serde")]
        impl crate::Client {
            /// Sends the operation named `operation` (`PutObject`, `put_object` or
            /// `put-object`) with its input as JSON that uses the model's member names, as
            /// boto3 and the AWS CLI do, and returns its output the same way.
            pub async fn invoke_json(
                &self,
                operation: &str,
                input: ::serde_json::Value,
            ) -> Result<crate::json::JsonOutput, crate::json::JsonError> {
                self.invoke_json_with_body(operation, input, None).await
            }

            /// [`Self::invoke_json`] with the streamed body of operations that upload one
            /// (`PutObject`, `UploadPart`); a streamed response body is in the output.
            pub async fn invoke_json_with_body(
                &self,
                operation: &str,
                input: ::serde_json::Value,
                body: Option<crate::primitives::ByteStream>,
            ) -> Result<crate::json::JsonOutput, crate::json::JsonError> {
                match crate::json::operation_key(operation).as_str() {
                    #(#arms)*
                    _ => Err(crate::json::JsonError::UnknownOperation(operation.to_string())),
                }
            }
        }
    }
}
