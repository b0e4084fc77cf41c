//! A fast-compiling Rust SDK for Amazon S3 and S3-compatible stores (MinIO, Ceph, Garage,
//! moto...), generated from a machine-readable model of the S3 API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use s3_client::{Client, primitives::ByteStream};
//!
//! let client = Client::from_env()?;
//! client.put_object().bucket("b").key("k").body(ByteStream::from_static(b"hello")).send().await?;
//! let object = client.get_object().bucket("b").key("k").send().await?;
//! let bytes = object.body.collect().await?;
//! assert_eq!(&bytes[..], b"hello");
//! # Ok(()) }
//! ```
//!
//! The typed API lives in [`operation`] (one module per operation) and [`types`]; the
//! hand-written runtime (configuration, credentials, addressing, signing, HTTP, errors)
//! drives every operation through one non-generic entry point.
//!
//! With the `serde` feature, every input and output (de)serialises with the model's
//! member names, and [`Client::invoke_json`] sends any operation by name.

#![deny(missing_docs)]
// A build with only some operations (`default-features = false`) leaves the runtime
// helpers and imports that serve the others unused.
#![cfg_attr(
    not(all(feature = "all-operations", feature = "transfer")),
    allow(dead_code, unused_imports)
)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod body;
mod client;
pub mod config;
mod credentials;
pub mod error;
pub mod fluent;
mod profile;
#[rustfmt::skip]
mod generated;
#[cfg(feature = "serde")]
pub mod json;
pub mod presigning;
mod random;
mod runtime;
mod store;
#[cfg(feature = "transfer")]
pub mod transfer;

pub use client::Client;
pub use config::{
    Config, ConfigBuilder, DEFAULT_MAX_RESPONSE_SIZE, MultipartChecksum,
    RequestChecksumCalculation, RequiredChecksum, ResponseChecksumValidation, RetryConfig,
    RetryMode, StalledStreamProtection, Store, StoreProfile, TimeoutConfig,
};
pub use credentials::Credentials;
pub use profile::ProfileError;

/// Credentials providers: the trait (aws-credential-types', so providers written for
/// aws-sdk-s3 work here), its shared form and errors.
pub mod credentials_provider {
    pub use crate::credentials::{
        CredentialsError, ProvideCredentials, SharedCredentialsProvider, future,
    };
}
pub use error::SdkError;
pub use generated::errors::Error;
pub use generated::{API_VERSION, operation, types};

/// What paginators return: streams of pages and of items.
pub mod pagination {
    pub use crate::runtime::{ItemsPaginator, PaginationStream};
}

/// Values that are not specific to one operation: bodies and timestamps.
pub mod primitives {
    pub use crate::body::{AggregatedBytes, ByteStream, ByteStreamError, FsBuilder, Length};
    pub use aws_smithy_types::DateTime;
    pub use aws_smithy_types::date_time::Format as DateTimeFormat;

    /// Event streams in responses (SelectObjectContent's), as aws-sdk-s3 has them.
    #[cfg(feature = "event-stream")]
    pub mod event_stream {
        pub use crate::runtime::event_stream::{Event, EventReceiver, EventStreamError};
    }
}

/// The README's examples, compiled as doctests so that it stays true.
// One example uses the blocking client; the workspace's tests build the crate with it.
#[cfg(all(doctest, feature = "blocking"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
