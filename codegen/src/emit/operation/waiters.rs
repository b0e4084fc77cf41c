//! Waiters: the operation's fluent builder in its waiting mode (so the member setters
//! are written once for both), and each waiter's acceptors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::ir::{AcceptorState, Matcher, Operation, Waiter};

/// The waiter type of an operation (an alias of its fluent builder in waiting mode, one
/// for all its waiters: the limits and `wait()`), and each waiter's acceptors as a static.
pub fn waiters(op: &Operation) -> TokenStream {
    if op.waiters.is_empty() {
        return quote!();
    }
    let ty = ident(&op.waiter);
    let builder = ident(&op.builder);
    let output_ty = ident(&op.output.rust_name);
    let error = ident(&op.error);
    let method = ident(&op.method);
    let def = quote!(crate::runtime::WaiterDef<#output_ty, #error>);
    let result = quote!(Result<#output_ty, SdkError<#error>>);
    let defs = op.waiters.iter().map(|w| waiter_def(w, &result, &def));
    let on_use = crate::emit::on_use();
    let doc = format!(
        " Polls `{}` until a waiter's state is reached; made by the client's `wait_until_...` methods. It takes the same input setters as [`{}`].",
        op.name, op.builder
    );
    quote! {
        #[doc = #doc]
        pub type #ty = #builder<crate::fluent::Waits<#output_ty, #error>>;

        impl<Mode: crate::fluent::WaitMode> #builder<Mode> {
            /// Time between attempts (the waiter's default otherwise).
            pub fn delay(mut self, delay: ::std::time::Duration) -> Self {
                self.mode.limits().delay = delay;
                self
            }

            /// Attempts before giving up (at least 1; the waiter's default otherwise).
            pub fn max_attempts(mut self, attempts: u32) -> Self {
                self.mode.limits().max_attempts = attempts.max(1);
                self
            }
        }

        impl #ty {
            pub(crate) fn waiting(client: crate::Client, waiter: &'static #def) -> Self {
                Self {
                    client,
                    input: Default::default(),
                    config_override: None,
                    mode: crate::fluent::Waits::new(waiter),
                }
            }

            /// Sends the request every delay until the state is reached, at most
            /// `max_attempts` times and within `max_wait`. Returns the last output when a
            /// successful response ended the wait.
            #on_use
            pub async fn wait(self, max_wait: ::std::time::Duration) -> Result<Option<#output_ty>, crate::error::WaiterError> {
                let Self { client, input, config_override, mode } = self;
                let limits = mode.limits_of(max_wait);
                let poll = || {
                    let mut request = client.#method().set_input(input.clone());
                    request.config_override = config_override.clone();
                    request.send()
                };
                crate::runtime::wait(limits, poll, mode.waiter.classify).await
            }
        }

        #[cfg(feature = "blocking")]
        impl #builder<crate::blocking::Waits<#output_ty, #error>> {
            pub(crate) fn waiting_blocking(
                client: crate::Client,
                waiter: &'static #def,
                mode: crate::blocking::Blocking,
            ) -> Self {
                Self {
                    client,
                    input: Default::default(),
                    config_override: None,
                    mode: crate::blocking::Waits::new(waiter, mode),
                }
            }

            /// Sends the request every delay until the state is reached, blocking, at most
            /// `max_attempts` times and within `max_wait` (see the async waiter's `wait`).
            pub fn wait(self, max_wait: ::std::time::Duration) -> Result<Option<#output_ty>, crate::error::WaiterError> {
                let Self { client, input, config_override, mode } = self;
                let crate::blocking::Waits { waits, mode } = mode;
                let waiter = #builder { client, input, config_override, mode: waits };
                mode.run(waiter.wait(max_wait))
            }
        }

        #(#defs)*
    }
}

/// One waiter: its defaults, and its acceptors as a function.
fn waiter_def(w: &Waiter, result: &TokenStream, def: &TokenStream) -> TokenStream {
    let name = &w.name;
    let constant = ident(&w.constant);
    let classify = ident(&w.classify);
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
        pub(crate) static #constant: #def = crate::runtime::WaiterDef {
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
