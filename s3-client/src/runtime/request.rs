//! A request as generated serialisers build it, before addressing and signing.

use std::collections::HashMap;

use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::BuildError;
use crate::primitives::ByteStream;
use crate::runtime::XmlWriter;

/// Bytes kept as they are in a URI: RFC 3986 unreserved characters.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Unreserved characters and `/`, for greedy labels such as object keys.
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// The parts of a request that an operation's input decides.
#[derive(Debug, Default)]
pub struct Request {
    pub(crate) bucket: Option<String>,
    /// Encoded path after the bucket, empty or starting with `/`.
    pub(crate) path: String,
    /// Encoded `key` or `key=value` pairs.
    pub(crate) query: Vec<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: ByteStream,
}

/// Whether `name` is a bucket name S3 could accept (letters, digits, `.`, `-`, `_`; 1 to
/// 255 characters, as botocore checks).
pub(crate) fn valid_bucket_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

impl Request {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the bucket, after checking that S3 could accept the name.
    pub fn bucket(&mut self, name: &str) -> Result<(), BuildError> {
        if !valid_bucket_name(name) {
            return Err(BuildError::member(
                "Bucket",
                format!(
                    "invalid bucket name {name:?}: a bucket name is 1 to 255 letters, digits, `.`, `-` or `_`"
                ),
            ));
        }
        self.bucket = Some(name.to_string());
        Ok(())
    }

    /// Appends literal path text from the URI template.
    pub fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a label value, percent-encoded; a greedy label keeps its `/`.
    pub fn label(
        &mut self,
        member: &'static str,
        value: &str,
        greedy: bool,
    ) -> Result<(), BuildError> {
        if value.is_empty() {
            return Err(BuildError::member(
                member,
                format!("`{member}` must not be empty"),
            ));
        }
        // URL parsing (RFC 3986 and WHATWG) removes `.` and `..` segments, which would send
        // the request for another key; refuse rather than silently change it.
        let dot_segment = |s: &str| s == "." || s == "..";
        if (greedy && value.split('/').any(dot_segment)) || (!greedy && dot_segment(value)) {
            return Err(BuildError::member(
                member,
                format!(
                    "`{member}` {value:?} has a `.` or `..` path segment, which HTTP URLs cannot carry unchanged"
                ),
            ));
        }
        let set = if greedy {
            UNRESERVED_AND_SLASH
        } else {
            UNRESERVED
        };
        self.path.extend(utf8_percent_encode(value, set));
        Ok(())
    }

    /// Adds a query parameter.
    pub fn query(&mut self, name: &str, value: &str) {
        let mut pair: String = utf8_percent_encode(name, UNRESERVED).collect();
        pair.push('=');
        pair.extend(utf8_percent_encode(value, UNRESERVED));
        self.query.push(pair);
    }

    /// Adds a query parameter without a value (`?uploads`).
    pub fn query_flag(&mut self, name: &str) {
        self.query
            .push(utf8_percent_encode(name, UNRESERVED).collect());
    }

    /// Sets a header; `name` is lower case.
    pub fn header(&mut self, name: &'static str, value: &str) -> Result<(), BuildError> {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| BuildError::new(format!("invalid header name `{name}`")))?;
        let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
            BuildError::member(
                name,
                format!("value {value:?} cannot be sent in header `{name}`"),
            )
        })?;
        self.headers.insert(header, value);
        Ok(())
    }

    /// Sets one header per map entry, each named `prefix` + key.
    pub fn prefix_headers(
        &mut self,
        prefix: &'static str,
        map: &HashMap<String, String>,
    ) -> Result<(), BuildError> {
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort();
        for (key, value) in entries {
            let name = format!("{prefix}{}", key.to_ascii_lowercase());
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                BuildError::member(prefix, format!("{key:?} cannot be part of a header name"))
            })?;
            let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
                BuildError::member(
                    prefix,
                    format!("value {value:?} of `{key}` cannot be sent in a header"),
                )
            })?;
            self.headers.insert(header, value);
        }
        Ok(())
    }

    /// Sets the body.
    pub fn body(&mut self, body: ByteStream) {
        self.body = body;
    }

    /// Sets an XML body.
    pub fn xml_body(&mut self, writer: XmlWriter) {
        self.body = ByteStream::from(writer.finish());
    }
}
