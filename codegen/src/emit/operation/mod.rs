//! Per-operation code: the fluent builder and `send()`, with one module per concern:
//! [`errors`] (the error enum and the crate-level error), [`paginator`], [`waiters`], and
//! [`client`] (the client's methods).

pub mod client;
pub mod errors;
pub mod paginator;
pub mod waiters;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{de, option_str, ser, setters};
use crate::emit::ident;
use crate::ir::{Operation, OutputKind};
use crate::model::S3Express;

/// Everything in `operation/<name>.rs` besides the input and output types.
pub fn operation(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let error = ident(&op.error);
    let input_ty = ident(&op.input.rust_name);
    let output_ty = ident(&op.output.rust_name);
    let op_name = &op.name;
    let http_method = format_ident!("{}", op.http_method);
    let checksum_required = op.checksum_required;
    let long_running = op.long_running;
    let streaming_input = op.input.streaming;
    let unsigned_payload = op.unsigned_payload;
    let signing_name = option_str(&op.signing_name);
    let s3_express = match op.s3_express {
        S3Express::Session => quote!(Session),
        S3Express::NoSession => quote!(NoSession),
        S3Express::ControlEndpoint => quote!(ControlEndpoint),
    };
    let output_kind = match op.output_kind {
        OutputKind::Empty => quote!(Empty),
        OutputKind::Xml => quote!(Xml),
        OutputKind::Text => quote!(Text),
        OutputKind::Stream => quote!(Stream),
    };
    let setters = setters::setters(&op.input, &quote!(input), &op.input.rust_name);
    let serialize = ser::request(op);
    let deserialize = de::response(&op.output);
    let errors = errors::error_enum(op);
    let builder_doc = format!(
        " Builds and sends a `{op_name}` request; made by [`crate::Client::{}`].",
        op.method
    );
    let send_doc = format!(" Sends the request and waits for the `{op_name}` response.");
    let algorithm_header = option_str(&op.checksum_algorithm_header);
    let response_checksum = match &op.checksum_mode_header {
        Some(mode_header) => {
            let algorithms = op.response_checksums.iter().map(|a| format_ident!("{a}"));
            quote! {
                Some(crate::runtime::ResponseChecksum {
                    mode_header: #mode_header,
                    algorithms: &[#(crate::runtime::ChecksumAlgorithm::#algorithms),*],
                })
            }
        }
        None => quote!(None),
    };
    let (send_body, url_decode) = url_encoding(op);
    let paginator = paginator::paginator(op);
    let waiters = waiters::waiters(op);
    let common = quote! {
        /// Changes settings for this request only: whatever `config` sets (timeouts,
        /// retries, region, checksums...) replaces the client's value.
        pub fn config_override(mut self, config: impl Into<crate::ConfigBuilder>) -> Self {
            self.config_override = Some(config.into());
            self
        }

        /// The input built so far.
        pub fn as_input(&self) -> &#input_ty {
            &self.input
        }

        /// Replaces the whole input, e.g. one built with a struct literal.
        pub fn set_input(mut self, input: #input_ty) -> Self {
            self.input = input;
            self
        }

        #(#setters)*
    };
    let on_use = crate::emit::on_use();
    let into_paginator = op.paginator.as_ref().map(|_| paginator::into_paginator(op));
    let blocking = blocking(op);
    // The mode says what the builder does with its input: send it (the default), wait
    // (waiters) or block (the blocking client); one block of setters serves them all.
    let builder_items = quote! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        pub struct #builder<Mode = crate::fluent::Sends> {
            client: crate::Client,
            input: #input_ty,
            config_override: Option<crate::ConfigBuilder>,
            // Read by the waiting and blocking modes; `Sends` holds nothing.
            #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
            mode: Mode,
        }

        impl<Mode> #builder<Mode> {
            #common
        }

        impl #builder {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client, input: Default::default(), config_override: None, mode: crate::fluent::Sends }
            }

            /// Presigns this request instead of sending it: a URL and headers that a
            /// client without credentials can use until it expires. Only invalid input or
            /// missing credentials fail; nothing is sent to S3. See [`crate::presigning`].
            #on_use
            pub async fn presigned(
                self,
                config: crate::presigning::PresigningConfig,
            ) -> Result<crate::presigning::PresignedRequest, BuildError> {
                crate::runtime::presign(self.client.handle(), &SPEC, serialize(self.input), config).await
            }

            #[doc = #send_doc]
            #on_use
            pub async fn send(self) -> Result<#output_ty, SdkError<#error>> {
                #send_body
            }

            #into_paginator
        }

        #blocking
    };
    quote! {
        #errors

        #builder_items

        /// How the runtime sends this operation.
        static SPEC: crate::runtime::OperationSpec = crate::runtime::OperationSpec {
            name: #op_name,
            method: ::http::Method::#http_method,
            request_checksum: crate::runtime::RequestChecksum {
                required: #checksum_required,
                algorithm_header: #algorithm_header,
            },
            response_checksum: #response_checksum,
            output: crate::runtime::OutputKind::#output_kind,
            long_running: #long_running,
            streaming_input: #streaming_input,
            unsigned_payload: #unsigned_payload,
            signing_name: #signing_name,
            s3_express: crate::runtime::S3Express::#s3_express,
        };

        #serialize

        #url_decode

        #paginator

        #waiters

        #deserialize
    }
}

/// The blocking mode of the fluent builder (the `blocking` feature): `send()` and
/// `presigned()` run the async ones on the client's runtime, and a streamed body is
/// marked to be read there.
fn blocking(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let output_ty = ident(&op.output.rust_name);
    let error = ident(&op.error);
    let send_doc = format!(
        " Sends the request and blocks until the `{}` response arrives.",
        op.name
    );
    let attach = op
        .output
        .members
        .iter()
        .filter_map(|m| {
            let field = ident(&m.field);
            match m.ty {
                crate::ir::Type::Stream => {
                    Some(quote!(crate::blocking::attach(&mut output.#field, &mode);))
                }
                crate::ir::Type::EventStream(_) => {
                    Some(quote!(crate::blocking::attach(output.#field.body_mut(), &mode);))
                }
                _ => None,
            }
        })
        .collect::<Vec<_>>();
    let send = if attach.is_empty() {
        quote!(mode.run(self.sending().send()))
    } else {
        quote! {
            let mut output = mode.run(self.sending().send())?;
            #(#attach)*
            Ok(output)
        }
    };
    let paginator = op
        .paginator
        .as_ref()
        .map(|_| paginator::into_blocking_paginator(op));
    quote! {
        #[cfg(feature = "blocking")]
        #[allow(clippy::result_large_err, reason = "the error of the async `send`, as aws-sdk-s3 has it")]
        impl #builder<crate::blocking::Blocking> {
            pub(crate) fn blocking(client: crate::Client, mode: crate::blocking::Blocking) -> Self {
                Self { client, input: Default::default(), config_override: None, mode }
            }

            /// The same request in the async mode.
            fn sending(self) -> #builder {
                #builder { client: self.client, input: self.input, config_override: self.config_override, mode: crate::fluent::Sends }
            }

            /// Presigns this request instead of sending it (see the async builder's
            /// `presigned`); blocks only to resolve credentials.
            pub fn presigned(
                self,
                config: crate::presigning::PresigningConfig,
            ) -> Result<crate::presigning::PresignedRequest, BuildError> {
                let mode = self.mode.clone();
                mode.run(self.sending().presigned(config))
            }

            #[doc = #send_doc]
            pub fn send(self) -> Result<#output_ty, SdkError<#error>> {
                let mode = self.mode.clone();
                #send
            }

            #paginator
        }
    }
}

/// The body of `send()` and, for listings with URL encoding, the decoder it calls.
///
/// As boto3 does, the client asks for `url` encoding only when the caller left it unset,
/// and then decodes when the response says it is encoded; a caller who asked for it gets
/// the encoded text they asked for.
fn url_encoding(op: &Operation) -> (TokenStream, TokenStream) {
    let on_use = crate::emit::on_use();
    let output_ty = ident(&op.output.rust_name);
    let plain = quote! {
        crate::runtime::send(self.client.handle(), &SPEC, serialize(self.input), deserialize, self.config_override.as_ref()).await
    };
    let Some(u) = &op.url_encoding else {
        return (plain, quote!());
    };
    let field = ident(&u.field);
    let enum_ty = ident(&u.enum_type);
    let decodes = u.decode.iter().map(|(f, item)| {
        let f = ident(f);
        match item {
            None => quote!(crate::runtime::url_decode(&mut output.#f)?;),
            Some(item) => {
                let item = ident(item);
                quote! {
                    for item in output.#f.iter_mut().flatten() {
                        crate::runtime::url_decode(&mut item.#item)?;
                    }
                }
            }
        }
    });
    let send = quote! {
        let mut input = self.input;
        let decode = input.#field.is_none();
        if decode {
            input.#field = Some(crate::types::#enum_ty::from("url"));
        }
        let mut output = crate::runtime::send(self.client.handle(), &SPEC, serialize(input), deserialize, self.config_override.as_ref()).await?;
        // Only what the server says it encoded is decoded (some stores ignore the request).
        if decode && output.#field.as_ref().is_some_and(|e| e.as_str() == "url") {
            url_decode(&mut output).map_err(SdkError::ResponseError)?;
        }
        Ok(output)
    };
    let decoder = quote! {
        /// Decodes the keys and prefixes S3 sent URL-encoded because the client asked.
        #on_use
        fn url_decode(output: &mut #output_ty) -> Result<(), ResponseError> {
            #(#decodes)*
            Ok(())
        }
    };
    (send, decoder)
}
