//! Error enums: one per operation, mapping S3's error codes to its modeled errors, and
//! the crate-level `Error` that every operation's error converts into.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{cfg, doc, ident};
use crate::ir::{ErrorCase, Operation, Service};

/// The error enum of an operation and its mapping from S3's error codes.
pub fn error_enum(op: &Operation) -> TokenStream {
    let error = ident(&op.error);
    let variants = op
        .errors
        .iter()
        .map(|e| variant(e.shape.rust_name.as_str(), &e.docs));
    let metas = op.errors.iter().map(|e| {
        let v = ident(&e.shape.rust_name);
        quote!(Self::#v(e) => &e.meta,)
    });
    let arms = op.errors.iter().map(|e| {
        let v = ident(&e.shape.rust_name);
        let codes = e.codes.iter().map(|c| &c.code);
        let reader = ident(&e.shape.reader);
        quote! {
            #(Some(#codes))|* => {
                let mut error = crate::runtime::read_error(body, crate::types::xml::#reader)?;
                error.meta = meta;
                Self::#v(error)
            }
        }
    });
    // A response without a body (HEAD) has no code; its status picks the one modeled
    // error with that status, if exactly one has it.
    let bodiless = op.errors.iter().filter_map(|e| {
        let status = e.status?;
        let unique = op
            .errors
            .iter()
            .filter(|o| o.status == Some(status))
            .count()
            == 1;
        unique.then(|| {
            let v = ident(&e.shape.rust_name);
            let rest = e.has_members.then(|| quote!(..Default::default()));
            quote! {
                _ if meta.is_bodiless() && meta.status() == #status => {
                    Self::#v(crate::types::#v { meta, #rest })
                }
            }
        })
    });
    let docs = format!(" The errors `{}` can return.", op.name);
    let checks = op.errors.iter().flat_map(|e| {
        let v = ident(&e.shape.rust_name);
        e.codes.iter().map(move |c| {
            let check = ident(&c.check);
            let docs = if c.alias {
                format!(
                    " Whether this is the `{}` error, which `{}` reports as `{}`.",
                    c.code, op.name, e.shape.name
                )
            } else {
                format!(" Whether this is the `{}` error.", c.code)
            };
            quote! {
                #[doc = #docs]
                pub fn #check(&self) -> bool {
                    matches!(self, Self::#v(_))
                }
            }
        })
    });
    let modeled = !op.errors.is_empty();
    let body_param = if modeled { quote!(body) } else { quote!(_body) };
    let unhandled = quote!(Self::Unhandled(crate::error::Unhandled::from_meta(meta)));
    let mapping = if modeled {
        quote! {
            Ok(match meta.code() {
                #(#arms)*
                #(#bodiless)*
                _ => #unhandled,
            })
        }
    } else {
        quote!(Ok(#unhandled))
    };
    let impls = error_trait_impls(&error, modeled, false);
    let on_use = crate::emit::on_use();
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
            #(#checks)*
        }

        #impls

        impl crate::error::CreateUnhandledError for #error {
            #on_use
            fn create_unhandled_error(
                source: Box<dyn ::std::error::Error + Send + Sync + 'static>,
                meta: Option<ErrorMetadata>,
            ) -> Self {
                Self::Unhandled(crate::error::Unhandled::create_unhandled_error(source, meta))
            }
        }

        impl crate::runtime::OperationError for #error {
            #on_use
            fn from_service(
                meta: ErrorMetadata,
                #body_param: &[u8],
            ) -> Result<Self, ResponseError> {
                #mapping
            }
        }
    }
}

/// A variant holding the error structure of the same name.
fn variant(rust_name: &str, docs: &str) -> TokenStream {
    let v = ident(rust_name);
    let docs = doc(docs);
    quote!(#docs #v(crate::types::#v),)
}

/// `Display`, `Error` and `ProvideErrorMetadata` of an error enum with an `Unhandled`
/// variant (and, with `modeled`, others): a modeled error prints S3's code and message,
/// `Unhandled` prints what it holds and gives its cause as `source()`. With `gated`, the
/// modeled variants are behind cargo features, so a build may have none of them.
fn error_trait_impls(error: &Ident, modeled: bool, gated: bool) -> TokenStream {
    let allow = gated.then(
        || quote!(#[allow(unreachable_patterns, reason = "a build may have no modeled variant")]),
    );
    let (display, source) = if modeled {
        (
            quote!(match self {
                Self::Unhandled(e) => ::std::fmt::Display::fmt(e, f),
                #allow
                _ => ::std::fmt::Display::fmt(self.meta(), f),
            }),
            quote!(match self {
                Self::Unhandled(e) => ::std::error::Error::source(e),
                #allow
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
    // Each error shape once.
    let mut shapes: Vec<(&ErrorCase, TokenStream)> = svc
        .operations
        .iter()
        .flat_map(|op| op.errors.iter())
        .map(|e| (e, cfg(&e.features)))
        .collect();
    shapes.sort_by(|a, b| a.0.shape.name.cmp(&b.0.shape.name));
    shapes.dedup_by(|a, b| a.0.shape.name == b.0.shape.name);
    let variants = shapes.iter().map(|(e, cfg)| {
        let variant = variant(e.shape.rust_name.as_str(), &e.docs);
        quote!(#cfg #variant)
    });
    let metas = shapes.iter().map(|(e, cfg)| {
        let v = ident(&e.shape.rust_name);
        quote!(#cfg Self::#v(e) => &e.meta,)
    });
    let on_use = crate::emit::on_use();
    let conversions = svc.operations.iter().map(|op| {
        let module = ident(&op.method);
        let error = ident(&op.error);
        let arms = op.errors.iter().map(|e| {
            let v = ident(&e.shape.rust_name);
            quote!(#error::#v(e) => Error::#v(e),)
        });
        let gate = cfg(std::slice::from_ref(&op.feature));
        quote! {
            #gate
            impl From<crate::operation::#module::#error> for Error {
                #on_use
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
    let impls = error_trait_impls(&format_ident!("Error"), !shapes.is_empty(), true);
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
