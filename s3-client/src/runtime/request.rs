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
const UNRESERVED_AND_SLASH: AsciiSet = UNRESERVED.remove(b'/');

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
    /// Put before the endpoint's host name (`<route>.`).
    pub(crate) host_prefix: Option<String>,
}

/// Whether `name` is a bucket name S3 could accept (letters, digits, `.`, `-`, `_`; 1 to
/// 255 characters, as botocore checks), and not `.` or `..`, which a path would read as
/// "here" and "the parent".
pub(crate) fn valid_bucket_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Checks that `value` can travel in a header as it is: printable ASCII, spaces and
/// tabs. botocore refuses non-ASCII metadata the same way; control characters would
/// end the header early.
fn header_value(name: &str, value: &str, secret: bool) -> Result<HeaderValue, BuildError> {
    let bad = value
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_graphic() || *c == ' ' || *c == '\t'));
    if let Some((at, c)) = bad {
        let what = if c.is_ascii() {
            format!("the control character {:?}", c)
        } else {
            format!("the non-ASCII character {c:?}")
        };
        let shown = if secret {
            String::from("(a secret value, not shown)")
        } else {
            format!("{value:?}")
        };
        return Err(BuildError::member(
            name,
            format!(
                "header `{name}` cannot carry {what} at byte {at} of {shown}: header values are ASCII (encode other text, e.g. as RFC 2047 or percent-encoding)"
            ),
        ));
    }
    let mut v = HeaderValue::from_str(value)
        .map_err(|_| BuildError::member(name, format!("invalid value for header `{name}`")))?;
    v.set_sensitive(secret);
    Ok(v)
}

/// Bytes kept as they are in a copy source: what botocore keeps (`-._~` and `/`).
const COPY_SOURCE_SAFE: &AsciiSet = &UNRESERVED_AND_SLASH;

/// Encodes a copy source (`bucket/key`, optionally with `?versionId=...`) as boto3 does:
/// the bucket and key percent-encoded, `/` kept, and a version id suffix kept apart and
/// as given.
pub(crate) fn encode_copy_source(value: &str) -> String {
    const SUFFIX: &str = "?versionId=";
    // The first `?versionId=` after which only non-space characters follow to the end.
    let split = value.match_indices(SUFFIX).map(|(i, _)| i).find(|&i| {
        let rest = &value[i + SUFFIX.len()..];
        !rest.is_empty() && !rest.chars().any(char::is_whitespace)
    });
    let (source, version) = match split {
        Some(i) => value.split_at(i),
        None => (value, ""),
    };
    let mut out: String = utf8_percent_encode(source, COPY_SOURCE_SAFE).collect();
    out.push_str(version);
    out
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
                    "invalid bucket name {name:?}: a bucket name is 1 to 255 letters, digits, `.`, `-` or `_`, and not `.` or `..`"
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
        // `.` and `..` segments go out as they are (the transport never normalises the
        // path), as boto3 sends them.
        let set = if greedy {
            &UNRESERVED_AND_SLASH
        } else {
            UNRESERVED
        };
        self.path.extend(utf8_percent_encode(value, set));
        Ok(())
    }

    /// Puts `prefix` (checked host name text) before the endpoint's host name.
    pub fn host_prefix(&mut self, prefix: String) {
        self.host_prefix = Some(prefix);
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
        self.set_header(name, value, false)
    }

    /// Sets a header holding a secret (an SSE-C key or its digest): it is redacted in
    /// `Debug` and never shown in an error.
    pub fn secret_header(&mut self, name: &'static str, value: &str) -> Result<(), BuildError> {
        self.set_header(name, value, true)
    }

    /// Sets a header naming a source object (`bucket/key[?versionId=v]`), encoded as
    /// boto3 encodes `CopySource`.
    pub fn copy_source_header(
        &mut self,
        name: &'static str,
        value: &str,
    ) -> Result<(), BuildError> {
        self.set_header(name, &encode_copy_source(value), false)
    }

    fn set_header(
        &mut self,
        name: &'static str,
        value: &str,
        secret: bool,
    ) -> Result<(), BuildError> {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| BuildError::new(format!("invalid header name `{name}`")))?;
        let value = header_value(name, value, secret)?;
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
            let value = header_value(&name, value, false).map_err(|e| {
                BuildError::member(prefix, format!("metadata `{key}`: {}", e.message()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_are_encoded_as_boto3_does() {
        // Each expected value is what boto3 1.44.8 sends for the same CopySource.
        assert_eq!(
            encode_copy_source("src/a key/\u{fc}+x?versionId=v1"),
            "src/a%20key/%C3%BC%2Bx?versionId=v1"
        );
        assert_eq!(
            encode_copy_source("src/a key/\u{fc}+x?versionId=v 1"),
            "src/a%20key/%C3%BC%2Bx%3FversionId%3Dv%201"
        );
        assert_eq!(
            encode_copy_source("src/a b/\u{fc}?x?versionId=v/1"),
            "src/a%20b/%C3%BC%3Fx?versionId=v/1"
        );
        assert_eq!(encode_copy_source("b/k~-._"), "b/k~-._");
        assert_eq!(encode_copy_source("b/k?versionId="), "b/k%3FversionId%3D");
    }

    #[test]
    fn header_values_are_ascii() {
        let mut r = Request::new();
        r.header("content-type", "text/plain; charset=utf-8\tx")
            .unwrap();
        let e = r.header("content-disposition", "caf\u{e9}").unwrap_err();
        assert!(
            e.message()
                .contains("non-ASCII character '\u{e9}' at byte 3"),
            "{e}"
        );
        let e = r
            .secret_header("x-amz-server-side-encryption-customer-key", "k\ney")
            .unwrap_err();
        assert!(e.message().contains("control character"), "{e}");
        assert!(!e.message().contains("k\\ney"), "{e}");
        let mut meta = HashMap::new();
        meta.insert("x".to_string(), "\u{e9}".to_string());
        let e = r.prefix_headers("x-amz-meta-", &meta).unwrap_err();
        assert_eq!(e.member_name(), Some("x-amz-meta-"));
        assert!(e.message().contains("metadata `x`"), "{e}");
        r.secret_header("x-amz-server-side-encryption-customer-key", "c2VjcmV0")
            .unwrap();
        assert!(!format!("{:?}", r.headers).contains("c2VjcmV0"));
    }

    #[test]
    fn bucket_names() {
        for bad in [".", "..", "", "a/b", "a b"] {
            assert!(!valid_bucket_name(bad), "{bad:?}");
        }
        for good in ["a", "a.b", "..a", "my-bucket_1"] {
            assert!(valid_bucket_name(good), "{good:?}");
        }
    }
}
