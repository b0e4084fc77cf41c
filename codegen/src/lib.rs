//! The s3-client code generator: the JSON service model in, formatted Rust files out.
//!
//! Four stages with hard borders: [`load`] reads the JSON into [`model`] types, which
//! mirror it as written; [`ir::lower`] checks and resolves it (collecting every problem,
//! each naming its shape and member); and [`emit`] turns the resolved form into tokens that
//! [`render`] formats. The result is a map from relative path to file contents,
//! byte-for-byte deterministic; [`sync`] writes it or checks it against the committed
//! files. [`reference`] compares the model with botocore's, wire detail by wire detail.

#![deny(missing_docs)]

pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod reference;
pub mod render;
pub mod sync;

use std::collections::BTreeMap;
use std::path::Path;

use quote::quote;

pub use diag::{Diagnostic, Diagnostics};

/// Reads every `*.json` file of a model directory, sorted by name.
pub fn read_model_dir(dir: &Path) -> Result<Vec<(String, String)>, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut files = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    match std::fs::read_to_string(&path) {
                        Ok(text) => files.push((name, text)),
                        Err(e) => d.error(format!("file {}", path.display()), e.to_string()),
                    }
                }
            }
        }
        Err(e) => d.error(format!("model directory {}", dir.display()), e.to_string()),
    }
    files.sort();
    d.finish(files)
}

/// The `[features]` lines the generated code's gates name, for the crate's `Cargo.toml`
/// (see [`sync::sync_block`]): one feature per model area that has operations, and
/// `all-operations` enabling them all. An area with an operation that answers with an
/// event stream turns on the runtime's `event-stream` feature.
pub fn cargo_features(svc: &ir::Service) -> String {
    let features = svc.features();
    let list = features
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = format!("all-operations = [{list}]\n");
    for f in features {
        let events = svc.operations.iter().any(|op| {
            op.feature == f
                && op
                    .output
                    .members
                    .iter()
                    .any(|m| matches!(m.ty, ir::Type::EventStream(_)))
        });
        let needs = if events { "\"event-stream\"" } else { "" };
        text.push_str(&format!("{f} = [{needs}]\n"));
    }
    text
}

/// Generates the crate's `generated/` tree from model files (`(file name, JSON text)`):
/// relative path to formatted contents.
pub fn generate(files: &[(String, String)]) -> Result<BTreeMap<String, String>, Diagnostics> {
    generate_service(&ir::lower(files)?)
}

/// [`generate`] for a model already lowered (so that [`cargo_features`] can share it).
pub fn generate_service(svc: &ir::Service) -> Result<BTreeMap<String, String>, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut out = BTreeMap::new();
    let mut put = |path: String, tokens: proc_macro2::TokenStream| match render::file(&path, tokens)
    {
        Ok(text) => {
            out.insert(path, text);
        }
        Err(e) => d.error("emit", e),
    };

    let service_doc = emit::doc(&format!(
        "Generated from the {} model (API version {}).",
        svc.name, svc.api_version
    ));
    let api_version = svc.api_version.as_str();
    let signing_name = svc.signing_name.as_str();
    put(
        "mod.rs".into(),
        quote! {
            #![doc = " Code generated from the service model: types, operations, client methods."]
            pub mod operation;
            pub mod types;
            mod client;
            pub(crate) mod errors;
            #service_doc
            pub const API_VERSION: &str = #api_version;
            /// The name requests are signed for (SigV4 service name).
            pub(crate) const SIGNING_NAME: &str = #signing_name;
        },
    );
    put("client.rs".into(), emit::operation::client::client(svc));
    put("errors.rs".into(), {
        let error = emit::operation::errors::crate_error(svc);
        quote! {
            #![doc = " The crate-level error, which every operation's error converts into."]
            #error
        }
    });
    for (path, tokens) in emit::types::files(svc) {
        put(path, tokens);
    }

    let mut modules = Vec::new();
    for op in &svc.operations {
        let module = emit::ident(&op.method);
        let summary = format!(" `{}`: {}", op.name, emit::first_sentence(&op.docs));
        let cfg = emit::cfg(std::slice::from_ref(&op.feature));
        modules.push(quote!(#[doc = #summary] #cfg pub mod #module;));
        let input = emit::types::structure(&op.input);
        let output = emit::types::structure(&op.output);
        let operation = emit::operation::operation(op);
        let inner_docs = emit::inner_doc(&op.docs);
        put(
            format!("operation/{}.rs", op.snake),
            quote! {
                #inner_docs
                #![allow(deprecated)]
                #input
                #output
                #operation
            },
        );
    }
    put(
        "operation/mod.rs".into(),
        quote! {
            #![doc = " One module per operation: its input, output, error and fluent builder."]
            #(#modules)*
        },
    );
    d.finish(out)
}
