//! Paginators: `into_paginator()` on the fluent builder, the paginator type (async, and
//! blocking with the `blocking` feature), and the functions that find the next page and
//! cut the last one.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{ident, rust_type};
use crate::ir::{Operation, Type};

/// `into_paginator()` of the async fluent builder.
pub fn into_paginator(op: &Operation) -> TokenStream {
    let Some(p) = &op.paginator else {
        return quote!();
    };
    let paginator = ident(&p.rust_name);
    quote! {
        /// Pages through every result from this request on.
        pub fn into_paginator(self) -> #paginator {
            #paginator { client: self.client, input: self.input, config_override: self.config_override, max_items: None, mode: crate::fluent::Sends }
        }
    }
}

/// `into_paginator()` of the blocking fluent builder.
pub fn into_blocking_paginator(op: &Operation) -> TokenStream {
    let Some(p) = &op.paginator else {
        return quote!();
    };
    let paginator = ident(&p.rust_name);
    quote! {
        /// Pages through every result from this request on, each page read blocking.
        pub fn into_paginator(self) -> #paginator<crate::blocking::Blocking> {
            #paginator { client: self.client, input: self.input, config_override: self.config_override, max_items: None, mode: self.mode }
        }
    }
}

/// The paginator type of an operation that pages.
pub fn paginator(op: &Operation) -> TokenStream {
    let Some(p) = &op.paginator else {
        return quote!();
    };
    let on_use = crate::emit::on_use();
    let error = ident(&op.error);
    let input_ty = ident(&op.input.rust_name);
    let output_ty = ident(&op.output.rust_name);
    let paginator = ident(&p.rust_name);
    let method = ident(&op.method);
    let op_name = &op.name;
    let main_result = &p.main;
    let main_item = rust_type(&main_result.item);
    let main = ident(&main_result.field);
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
    // `items()` is the main result's stream: no second method when it has that name.
    let others: Vec<_> = std::iter::once(main_result)
        .filter(|r| r.field != "items")
        .chain(&p.others)
        .collect();
    let item_streams = others.iter().map(|r| {
        let f = ident(&r.field);
        let item = rust_type(&r.item);
        let doc = format!(" The `{}` of every page, one by one.", r.member);
        quote! {
            #[doc = #doc]
            pub fn #f(self) -> crate::pagination::ItemsPaginator<Result<#item, SdkError<#error>>> {
                crate::runtime::paginate_items(self.send(), |page| page.#f)
            }
        }
    });
    let blocking_item_streams = others.iter().map(|r| {
        let f = ident(&r.field);
        let item = rust_type(&r.item);
        let doc = format!(" The `{}` of every page, one by one, each read blocking.", r.member);
        quote! {
            #[doc = #doc]
            pub fn #f(self) -> crate::blocking::Iter<crate::pagination::ItemsPaginator<Result<#item, SdkError<#error>>>> {
                let mode = self.mode.clone();
                crate::blocking::Iter::new(self.sending().#f(), mode)
            }
        }
    });
    let main_doc = format!(
        " The `{}` of every page, one by one (the main result).",
        main_result.member
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
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #paginator<Mode = crate::fluent::Sends> {
            client: crate::Client,
            input: #input_ty,
            config_override: Option<crate::ConfigBuilder>,
            max_items: Option<usize>,
            // Read by the blocking mode; `Sends` holds nothing.
            #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
            mode: Mode,
        }

        impl<Mode> #paginator<Mode> {
            #page_size

            /// Stops once this many main results have been returned in all.
            pub fn max_items(mut self, count: usize) -> Self {
                self.max_items = Some(count);
                self
            }
        }

        impl #paginator {
            /// The pages, one by one.
            #on_use
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
                crate::runtime::paginate_items(self.send(), |page| page.#main)
            }

            #(#item_streams)*
        }

        #[cfg(feature = "blocking")]
        impl #paginator<crate::blocking::Blocking> {
            /// The same paginator in the async mode.
            fn sending(self) -> #paginator {
                #paginator { client: self.client, input: self.input, config_override: self.config_override, max_items: self.max_items, mode: crate::fluent::Sends }
            }

            /// The pages, one by one, each read blocking.
            pub fn send(self) -> crate::blocking::Iter<crate::pagination::PaginationStream<Result<#output_ty, SdkError<#error>>>> {
                let mode = self.mode.clone();
                crate::blocking::Iter::new(self.sending().send(), mode)
            }

            #[doc = #main_doc]
            pub fn items(self) -> crate::blocking::Iter<crate::pagination::ItemsPaginator<Result<#main_item, SdkError<#error>>>> {
                let mode = self.mode.clone();
                crate::blocking::Iter::new(self.sending().items(), mode)
            }

            #(#blocking_item_streams)*
        }

        /// The input of the page after `output`, and the tokens that identify it.
        #on_use
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
        #on_use
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
