//! Per-operation code: the fluent builder, `send()`, the error enum, and the client method.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{de, deprecated, doc, ident, option_str, rust_type, ser};
use crate::ir::{AcceptorState, Matcher, Operation, OutputKind, Service, Structure, Type, Waiter};

/// Rust names derived from an operation name.
pub struct OperationNames {
    /// `GetObjectFluentBuilder`.
    pub builder: proc_macro2::Ident,
    /// `GetObjectError`.
    pub error: proc_macro2::Ident,
}

impl OperationNames {
    /// Names for `op`.
    pub fn of(op: &Operation) -> Self {
        let base = crate::ir::names::type_name(&op.name);
        OperationNames {
            builder: format_ident!("{base}FluentBuilder"),
            error: format_ident!("{base}Error"),
        }
    }
}

/// The error enum of an operation and its mapping from S3's error codes.
fn error_enum(op: &Operation, svc: &Service) -> TokenStream {
    let names = OperationNames::of(op);
    let error = &names.error;
    let errors: Vec<&Structure> = op.errors.iter().filter_map(|e| svc.structure(e)).collect();
    let variants = errors.iter().map(|e| {
        let v = ident(&e.rust_name);
        let docs = doc(&e.docs);
        quote!(#docs #v(crate::types::#v),)
    });
    let metas = errors.iter().map(|e| {
        let v = ident(&e.rust_name);
        quote!(Self::#v(e) => &e.meta,)
    });
    let arms = errors.iter().map(|e| {
        let v = ident(&e.rust_name);
        let codes = std::iter::once(e.name.as_str()).chain(
            op.error_aliases
                .iter()
                .filter(|(_, shape)| *shape == e.name)
                .map(|(code, _)| code.as_str()),
        );
        let reader = de::reader_fn(e);
        quote! {
            #(Some(#codes))|* => {
                let mut error = crate::runtime::read_error(body, crate::types::#reader)?;
                error.meta = meta;
                Self::#v(error)
            }
        }
    });
    // A response without a body (HEAD) has no code; its status picks the one modeled
    // error with that status, if exactly one has it.
    let bodiless = errors.iter().filter_map(|e| {
        let status = e.error_status?;
        let unique = errors
            .iter()
            .filter(|o| o.error_status == Some(status))
            .count()
            == 1;
        unique.then(|| {
            let v = ident(&e.rust_name);
            let rest = (!e.members.is_empty()).then(|| quote!(..Default::default()));
            quote! {
                _ if meta.is_bodiless() && meta.status() == #status => {
                    Self::#v(crate::types::#v { meta, #rest })
                }
            }
        })
    });
    let docs = format!(" The errors `{}` can return.", op.name);
    let is_fn = |code: &str, variant: &str, docs: String| {
        let v = ident(variant);
        let is = format_ident!(
            "is_{}",
            crate::ir::names::field(code).trim_start_matches("r#")
        );
        quote! {
            #[doc = #docs]
            pub fn #is(&self) -> bool {
                matches!(self, Self::#v(_))
            }
        }
    };
    let is_fns = errors
        .iter()
        .map(|e| {
            is_fn(
                &e.name,
                &e.rust_name,
                format!(" Whether this is the `{}` error.", e.name),
            )
        })
        .collect::<Vec<_>>();
    let alias_fns = op.error_aliases.iter().filter_map(|(code, shape)| {
        let e = errors.iter().find(|e| e.name == *shape)?;
        Some(is_fn(
            code,
            &e.rust_name,
            format!(
                " Whether this is the `{code}` error, which `{}` reports as `{shape}`.",
                op.name
            ),
        ))
    });
    let body_param = if errors.is_empty() {
        quote!(_body)
    } else {
        quote!(body)
    };
    let unhandled = quote!(Self::Unhandled(crate::error::Unhandled::from_meta(meta)));
    let mapping = if errors.is_empty() {
        quote!(Ok(#unhandled))
    } else {
        quote! {
            Ok(match meta.code() {
                #(#arms)*
                #(#bodiless)*
                _ => #unhandled,
            })
        }
    };
    let impls = error_trait_impls(error, !errors.is_empty());
    quote! {
        #[doc = #docs]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants)*
            #[doc = " An error this operation's model does not list (its code says which), or a"]
            #[doc = " failure before S3 answered, from `SdkError::into_service_error`."]
            Unhandled(crate::error::Unhandled),
        }

        impl #error {
            /// The code, message and request ids S3 sent.
            pub fn meta(&self) -> &ErrorMetadata {
                match self {
                    #(#metas)*
                    Self::Unhandled(e) => e.meta(),
                }
            }
            #(#is_fns)*
            #(#alias_fns)*
        }

        #impls

        impl crate::error::CreateUnhandledError for #error {
            fn create_unhandled_error(
                source: Box<dyn ::std::error::Error + Send + Sync + 'static>,
                meta: Option<ErrorMetadata>,
            ) -> Self {
                Self::Unhandled(crate::error::Unhandled::create_unhandled_error(source, meta))
            }
        }

        impl crate::runtime::OperationError for #error {
            fn from_service(
                meta: ErrorMetadata,
                #body_param: &[u8],
            ) -> Result<Self, ResponseError> {
                #mapping
            }
        }
    }
}

/// `Display`, `Error` and `ProvideErrorMetadata` of an error enum with an `Unhandled`
/// variant (and, with `modeled`, others): a modeled error prints S3's code and message,
/// `Unhandled` prints what it holds and gives its cause as `source()`.
fn error_trait_impls(error: &proc_macro2::Ident, modeled: bool) -> TokenStream {
    let (display, source) = if modeled {
        (
            quote!(match self {
                Self::Unhandled(e) => ::std::fmt::Display::fmt(e, f),
                _ => ::std::fmt::Display::fmt(self.meta(), f),
            }),
            quote!(match self {
                Self::Unhandled(e) => ::std::error::Error::source(e),
                _ => None,
            }),
        )
    } else {
        (
            quote!(let Self::Unhandled(e) = self; ::std::fmt::Display::fmt(e, f)),
            quote!(let Self::Unhandled(e) = self; ::std::error::Error::source(e)),
        )
    };
    quote! {
        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::std::error::Error for #error {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                #source
            }
        }

        impl crate::error::ProvideErrorMetadata for #error {
            fn meta(&self) -> &ErrorMetadata {
                #error::meta(self)
            }
        }
    }
}

/// The crate-level error (`s3_client::Error`): every modeled error of every operation,
/// and `Unhandled`, with a conversion from each operation's error and `SdkError`, so that
/// `?` works in a function returning `Result<_, s3_client::Error>`.
pub fn crate_error(svc: &Service) -> TokenStream {
    let mut shapes: Vec<&Structure> = svc
        .operations
        .iter()
        .flat_map(|op| op.errors.iter())
        .filter_map(|e| svc.structure(e))
        .collect();
    shapes.sort_by(|a, b| a.name.cmp(&b.name));
    shapes.dedup_by(|a, b| a.name == b.name);
    let variants = shapes.iter().map(|e| {
        let v = ident(&e.rust_name);
        let docs = doc(&e.docs);
        quote!(#docs #v(crate::types::#v),)
    });
    let metas = shapes.iter().map(|e| {
        let v = ident(&e.rust_name);
        quote!(Self::#v(e) => &e.meta,)
    });
    let conversions = svc.operations.iter().map(|op| {
        let names = OperationNames::of(op);
        let module = ident(op.method.trim_start_matches("r#"));
        let error = &names.error;
        let arms = op.errors.iter().filter_map(|e| svc.structure(e)).map(|e| {
            let v = ident(&e.rust_name);
            quote!(#error::#v(e) => Error::#v(e),)
        });
        quote! {
            impl From<crate::operation::#module::#error> for Error {
                fn from(err: crate::operation::#module::#error) -> Self {
                    use crate::operation::#module::#error;
                    match err {
                        #(#arms)*
                        #error::Unhandled(e) => Error::Unhandled(e),
                    }
                }
            }
        }
    });
    let impls = error_trait_impls(&format_ident!("Error"), !shapes.is_empty());
    quote! {
        /// Any error of any operation, for code that calls several of them and returns
        /// one error type: every `SdkError<E>` and operation error converts into it.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Error {
            #(#variants)*
            /// An error no variant names, or a failure before S3 answered.
            Unhandled(crate::error::Unhandled),
        }

        impl Error {
            /// The code, message and request ids S3 sent (empty when it did not answer).
            pub fn meta(&self) -> &ErrorMetadata {
                match self {
                    #(#metas)*
                    Self::Unhandled(e) => e.meta(),
                }
            }
        }

        #impls

        impl<E> From<SdkError<E>> for Error
        where
            E: crate::error::CreateUnhandledError + Into<Error>,
        {
            fn from(err: SdkError<E>) -> Self {
                err.into_service_error().into()
            }
        }

        #(#conversions)*
    }
}

/// Everything in `operation/<name>.rs` besides the input and output types.
pub fn operation(op: &Operation, svc: &Service) -> TokenStream {
    let (Some(input), Some(output)) = (svc.structure(&op.input), svc.structure(&op.output)) else {
        return quote!();
    };
    let names = OperationNames::of(op);
    let builder = &names.builder;
    let error = &names.error;
    let input_ty = ident(&input.rust_name);
    let output_ty = ident(&output.rust_name);
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
    let setters = super::setters::setters(input, svc, &quote!(input), &input.rust_name);
    let serialize = ser::request(op, input, svc);
    let deserialize = de::response(output, svc);
    let errors = error_enum(op, svc);
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
    let (send_body, url_decode) = url_encoding(op, &output_ty);
    let paginator = paginator(op, &names, &input_ty, &output_ty, svc);
    let waiters = waiters(op, &names, input, &output_ty, svc);
    quote! {
        #errors

        #[doc = #builder_doc]
        #[derive(Debug)]
        pub struct #builder {
            client: crate::Client,
            input: #input_ty,
            config_override: Option<crate::ConfigBuilder>,
        }

        impl #builder {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client, input: Default::default(), config_override: None }
            }

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

            /// Presigns this request instead of sending it: a URL and headers that a
            /// client without credentials can use until it expires. Only invalid input or
            /// missing credentials fail; nothing is sent to S3. See [`crate::presigning`].
            pub async fn presigned(
                self,
                config: crate::presigning::PresigningConfig,
            ) -> Result<crate::presigning::PresignedRequest, BuildError> {
                crate::runtime::presign(self.client.handle(), &SPEC, serialize(self.input), config).await
            }

            #[doc = #send_doc]
            pub async fn send(self) -> Result<#output_ty, SdkError<#error>> {
                #send_body
            }
        }

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

/// The name of the waiter type of an operation with waiters (`HeadObjectWaiter`).
fn waiter_type(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Waiter", crate::ir::names::type_name(&op.name))
}

/// The static describing one waiter (`OBJECT_EXISTS`).
fn waiter_static(w: &Waiter) -> proc_macro2::Ident {
    format_ident!("{}", w.method.trim_start_matches("r#").to_ascii_uppercase())
}

/// The waiter type of an operation (one for all its waiters: the input setters, the
/// limits, and `wait()`), and each waiter's acceptors as a static.
fn waiters(
    op: &Operation,
    names: &OperationNames,
    input: &Structure,
    output_ty: &proc_macro2::Ident,
    svc: &Service,
) -> TokenStream {
    if op.waiters.is_empty() {
        return quote!();
    }
    let ty = waiter_type(op);
    let input_ty = ident(&input.rust_name);
    let error = &names.error;
    let method = ident(&op.method);
    let setters = super::setters::setters(input, svc, &quote!(input), &input.rust_name);
    let def = quote!(crate::runtime::WaiterDef<#output_ty, #error>);
    let result = quote!(Result<#output_ty, SdkError<#error>>);
    let defs = op.waiters.iter().map(|w| waiter_def(w, &result, &def));
    let doc = format!(
        " Polls `{}` until a waiter's state is reached; made by the client's `wait_until_...` methods.",
        op.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #ty {
            client: crate::Client,
            input: #input_ty,
            waiter: &'static #def,
            delay: ::std::time::Duration,
            max_attempts: u32,
        }

        impl #ty {
            pub(crate) fn new(client: crate::Client, waiter: &'static #def) -> Self {
                Self {
                    client,
                    input: Default::default(),
                    waiter,
                    delay: waiter.delay,
                    max_attempts: waiter.max_attempts,
                }
            }

            #(#setters)*

            /// Time between attempts (the waiter's default otherwise).
            pub fn delay(mut self, delay: ::std::time::Duration) -> Self {
                self.delay = delay;
                self
            }

            /// Attempts before giving up (at least 1; the waiter's default otherwise).
            pub fn max_attempts(mut self, attempts: u32) -> Self {
                self.max_attempts = attempts.max(1);
                self
            }

            /// Sends the request every delay until the state is reached, at most
            /// `max_attempts` times and within `max_wait`. Returns the last output when a
            /// successful response ended the wait.
            pub async fn wait(self, max_wait: ::std::time::Duration) -> Result<Option<#output_ty>, crate::error::WaiterError> {
                let limits = crate::runtime::Waiting {
                    name: self.waiter.name,
                    delay: self.delay,
                    max_attempts: self.max_attempts,
                    max_wait,
                };
                let (client, input) = (self.client, self.input);
                crate::runtime::wait(limits, || client.#method().set_input(input.clone()).send(), self.waiter.classify).await
            }
        }

        #(#defs)*
    }
}

/// One waiter: its defaults, and its acceptors as a function.
fn waiter_def(w: &Waiter, result: &TokenStream, def: &TokenStream) -> TokenStream {
    let name = &w.name;
    let statik = waiter_static(w);
    let classify = format_ident!("classify_{}", w.method.trim_start_matches("r#"));
    let delay = proc_macro2::Literal::u64_unsuffixed(w.delay);
    let attempts = proc_macro2::Literal::u32_unsuffixed(w.max_attempts);
    let checks = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => quote!(Success),
            AcceptorState::Failure => quote!(Failure),
            AcceptorState::Retry => quote!(Retry),
        };
        let test = match &a.matcher {
            Matcher::Status(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(*code);
                quote!(crate::runtime::status_of(result) == Some(#code))
            }
            Matcher::Error(code) => quote!(crate::runtime::error_code_of(result) == Some(#code)),
            Matcher::Path {
                field,
                is_string,
                expected,
            } => {
                let f = ident(field);
                let text = if *is_string {
                    quote!(o.#f.as_deref())
                } else {
                    quote!(o.#f.as_ref().map(|v| v.to_string()).as_deref())
                };
                quote!(result.as_ref().is_ok_and(|o| #text == Some(#expected)))
            }
        };
        quote! {
            if #test {
                return Some(crate::runtime::AcceptorState::#state);
            }
        }
    });
    let doc = format!(" The `{name}` waiter. {}", w.docs);
    let classify_doc = format!(" Matches a result against the `{name}` acceptors, in order.");
    quote! {
        #[doc = #doc]
        pub(crate) static #statik: #def = crate::runtime::WaiterDef {
            name: #name,
            delay: ::std::time::Duration::from_secs(#delay),
            max_attempts: #attempts,
            classify: #classify,
        };

        #[doc = #classify_doc]
        fn #classify(result: &#result) -> Option<crate::runtime::AcceptorState> {
            #(#checks)*
            None
        }
    }
}

/// `into_paginator()` and the paginator type of an operation that pages.
fn paginator(
    op: &Operation,
    names: &OperationNames,
    input_ty: &proc_macro2::Ident,
    output_ty: &proc_macro2::Ident,
    svc: &Service,
) -> TokenStream {
    let Some(p) = &op.paginator else {
        return quote!();
    };
    let builder = &names.builder;
    let error = &names.error;
    let paginator = format_ident!("{}Paginator", op.name);
    let method = ident(&op.method);
    let op_name = &op.name;
    let Some((main_field, main_item)) = p.results.first() else {
        return quote!();
    };
    let main_item = rust_type(main_item, svc);
    let main = ident(main_field);
    let page_size = p.limit.as_ref().map(|limit| {
        let limit = ident(limit);
        quote! {
            /// How many results each page holds at most (S3's default is 1,000).
            pub fn page_size(mut self, size: i32) -> Self {
                self.input.#limit = Some(size);
                self
            }
        }
    });
    let item_streams = p.results.iter().map(|(field, item)| {
        let f = ident(field);
        let item = rust_type(item, svc);
        let doc = format!(
            " The `{}` of every page, one by one.",
            field.trim_start_matches("r#")
        );
        quote! {
            #[doc = #doc]
            pub fn #f(self) -> crate::pagination::ItemsPaginator<Result<#item, SdkError<#error>>> {
                crate::runtime::paginate_items(self.send(), |page| page.#f)
            }
        }
    });
    let main_doc = format!(
        " The `{}` of every page, one by one (the main result).",
        main_field.trim_start_matches("r#")
    );
    let set_tokens = p.tokens.iter().map(|(i, o, ty)| {
        let (i, o) = (ident(i), ident(o));
        match ty {
            Type::Integer | Type::Long => quote!(next.#i = output.#o;),
            _ => quote!(next.#i = output.#o.clone();),
        }
    });
    let fallback = p.fallback.as_ref().zip(p.tokens.first()).map(|((list, item), (first, _, _))| {
        let (list, item, first) = (ident(list), ident(item), ident(first));
        quote! {
            if next.#first.is_none() {
                next.#first = output.#list.as_ref().and_then(|items| items.last()).and_then(|last| last.#item.clone());
            }
        }
    });
    let more = p.more_results.as_ref().map(|m| {
        let m = ident(m);
        quote! {
            if output.#m != Some(true) {
                return None;
            }
        }
    });
    let token_fields: Vec<_> = p.tokens.iter().map(|(i, _, _)| ident(i)).collect();
    let doc = format!(
        " Pages through `{op_name}` results as a stream, sending one request per page as it is read. A token that comes back twice ends the stream with an error instead of looping."
    );
    quote! {
        impl #builder {
            /// Pages through every result from this request on.
            pub fn into_paginator(self) -> #paginator {
                #paginator { client: self.client, input: self.input, config_override: self.config_override, max_items: None }
            }
        }

        #[doc = #doc]
        #[derive(Debug)]
        pub struct #paginator {
            client: crate::Client,
            input: #input_ty,
            config_override: Option<crate::ConfigBuilder>,
            max_items: Option<usize>,
        }

        impl #paginator {
            #page_size

            /// Stops once this many main results have been returned in all.
            pub fn max_items(mut self, count: usize) -> Self {
                self.max_items = Some(count);
                self
            }

            /// The pages, one by one.
            pub fn send(self) -> crate::pagination::PaginationStream<Result<#output_ty, SdkError<#error>>> {
                let (client, config_override) = (self.client, self.config_override);
                let fetch = move |input: #input_ty| {
                    let mut request = client.#method().set_input(input);
                    request.config_override = config_override.clone();
                    request.send()
                };
                crate::runtime::paginate(
                    self.input,
                    fetch,
                    crate::runtime::Pages { next: next_page, truncate: truncate_page, max_items: self.max_items },
                )
            }

            #[doc = #main_doc]
            pub fn items(self) -> crate::pagination::ItemsPaginator<Result<#main_item, SdkError<#error>>> {
                self.#main()
            }

            #(#item_streams)*
        }

        /// The input of the page after `output`, and the tokens that identify it.
        fn next_page(input: &#input_ty, output: &#output_ty) -> Option<(#input_ty, String)> {
            #more
            let mut next = input.clone();
            #(#set_tokens)*
            #fallback
            // No token at all means there is no next page.
            let has_token = #(next.#token_fields.is_some())||*;
            has_token.then(|| {
                let token = format!("{:?}", (#(&next.#token_fields),*));
                (next, token)
            })
        }

        /// Cuts a page's main results to `limit`; returns how many it keeps.
        fn truncate_page(output: &mut #output_ty, limit: usize) -> usize {
            match &mut output.#main {
                Some(items) => {
                    items.truncate(limit);
                    items.len()
                }
                None => 0,
            }
        }
    }
}

/// The body of `send()` and, for listings with URL encoding, the decoder it calls.
///
/// As boto3 does, the client asks for `url` encoding only when the caller left it unset,
/// and then decodes when the response says it is encoded; a caller who asked for it gets
/// the encoded text they asked for.
fn url_encoding(op: &Operation, output_ty: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
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
        fn url_decode(output: &mut #output_ty) -> Result<(), ResponseError> {
            #(#decodes)*
            Ok(())
        }
    };
    (send, decoder)
}

/// `impl Client { pub fn get_object(&self) -> GetObjectFluentBuilder }` for every operation.
pub fn client(svc: &Service) -> TokenStream {
    let methods = svc.operations.iter().map(|op| {
        let method = ident(&op.method);
        let module = ident(op.method.trim_start_matches("r#"));
        let builder = OperationNames::of(op).builder;
        let docs = doc(&op.docs);
        let dep = deprecated(&op.deprecated);
        quote! {
            #docs
            #dep
            pub fn #method(&self) -> crate::operation::#module::#builder {
                crate::operation::#module::#builder::new(self.clone())
            }
        }
    });
    let waiter_methods = svc.operations.iter().flat_map(|op| {
        let module = ident(op.method.trim_start_matches("r#"));
        let ty = waiter_type(op);
        op.waiters.iter().map(move |w| {
            let m = format_ident!("wait_until_{}", w.method.trim_start_matches("r#"));
            let statik = waiter_static(w);
            let docs = doc(&w.docs);
            quote! {
                #docs
                pub fn #m(&self) -> crate::operation::#module::#ty {
                    crate::operation::#module::#ty::new(self.clone(), &crate::operation::#module::#statik)
                }
            }
        })
    });
    let waiter_names = svc.operations.iter().flat_map(|op| {
        op.waiters
            .iter()
            .map(|w| w.method.trim_start_matches("r#").to_string())
    });
    let names = svc.operations.iter().map(|op| &op.name);
    let paginated = svc
        .operations
        .iter()
        .filter(|op| op.paginator.is_some())
        .map(|op| op.method.trim_start_matches("r#"));
    let json = json_dispatch(svc);
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
    }
}

/// The field of a structure that holds a stream, if any.
fn stream_field(s: Option<&Structure>) -> Option<proc_macro2::Ident> {
    s?.members
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
        let module = ident(op.method.trim_start_matches("r#"));
        let input_ty = svc
            .structure(&op.input)
            .map(|s| ident(&s.rust_name))
            .unwrap_or_else(|| format_ident!("Missing"));
        let dep = op.deprecated.as_ref().map(|_| quote!(#[allow(deprecated)]));
        let body_in = stream_field(svc.structure(&op.input)).map(|f| {
            quote! {
                if let Some(body) = body {
                    input.#f = body;
                }
            }
        });
        let mutable = body_in.as_ref().map(|_| quote!(mut));
        let (out_mut, body_out) = match stream_field(svc.structure(&op.output)) {
            Some(f) => (quote!(mut), quote!(Some(::std::mem::take(&mut output.#f)))),
            None => (quote!(), quote!(None)),
        };
        quote! {
            #key => {
                let #mutable input: crate::operation::#module::#input_ty = crate::json::input(#name, input)?;
                #body_in
                #dep
                let #out_mut output = self.#method().set_input(input).send().await.map_err(crate::json::JsonError::call)?;
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
