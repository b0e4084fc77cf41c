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
    // With waiters, the builder has a mode (sending by default, or waiting) so that one
    // block of setters serves both.
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
    let constructor = |mode_init: TokenStream| {
        quote! {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client, input: Default::default(), config_override: None, #mode_init }
            }
        }
    };
    let on_use = crate::emit::on_use();
    let sending = quote! {
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
    };
    let fields = quote! {
        client: crate::Client,
        input: #input_ty,
        config_override: Option<crate::ConfigBuilder>,
    };
    // With waiters, the builder has a mode (sending by default, or waiting) so that one
    // block of setters serves both.
    let builder_items = match waiters::mode(op) {
        Some(mode) => {
            let new = constructor(quote!(mode: crate::fluent::Sends,));
            quote! {
                #[doc = #builder_doc]
                #[derive(Debug)]
                pub struct #builder<#mode = crate::fluent::Sends> {
                    #fields
                    mode: #mode,
                }

                impl<#mode> #builder<#mode> {
                    #common
                }

                impl #builder {
                    #new
                    #sending
                }
            }
        }
        None => {
            let new = constructor(quote!());
            quote! {
                #[doc = #builder_doc]
                #[derive(Debug)]
                pub struct #builder {
                    #fields
                }

                impl #builder {
                    #new
                    #common
                    #sending
                }
            }
        }
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
        };

        #serialize

        #url_decode

        #paginator

        #waiters

        #deserialize
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
