//! A response as generated deserialisers read it.

use std::collections::HashMap;

use bytes::Bytes;
use http::HeaderMap;

use crate::error::ResponseError;
use crate::primitives::{ByteStream, DateTime, DateTimeFormat};
use crate::runtime::XmlReader;
use crate::runtime::timestamp::parse_timestamp;
use crate::runtime::xml::parse_bool;

/// A successful response: status, headers, and the body (buffered unless the operation
/// streams it).
#[derive(Debug)]
#[allow(dead_code)] // `status` serves status-code bindings
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) stream: Option<ByteStream>,
}

impl Response {
    /// The HTTP status code.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The header `name` (lower case), for an output that binds only one: a scan
    /// comparing names (most differ in length) is cheaper than parsing and hashing the
    /// name for a map lookup.
    pub fn header_field(&self, name: &str) -> Option<HeaderField<'_>> {
        self.header_fields().find(|h| h.name == name)
    }

    /// Each response header once (the first value where a name repeats), for a
    /// deserialiser that reads every header it binds in one pass: an output binds up to
    /// fifty names and a response carries a dozen, so one `match` per header beats a
    /// lookup per name.
    pub fn header_fields(&self) -> impl Iterator<Item = HeaderField<'_>> {
        let mut last: Option<&http::HeaderName> = None;
        self.headers.iter().filter_map(move |(name, value)| {
            // A name's values come one after another.
            if last == Some(name) {
                return None;
            }
            last = Some(name);
            Some(HeaderField {
                name: name.as_str(),
                value,
            })
        })
    }

    /// The streamed body.
    pub fn take_body(&mut self) -> ByteStream {
        self.stream
            .take()
            .unwrap_or_else(|| ByteStream::new(self.body.clone()))
    }

    /// The buffered body.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn body_bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// The buffered body as text.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn body_string(&self) -> Result<String, ResponseError> {
        String::from_utf8(self.body.to_vec())
            .map_err(|_| ResponseError::new("the body is not valid UTF-8"))
    }

    /// A reader over the XML body, or `None` when the body is empty.
    pub fn xml(&self) -> Option<XmlReader<'_>> {
        (!self.body.iter().all(u8::is_ascii_whitespace)).then(|| XmlReader::new(&self.body))
    }
}

/// One response header: its lower-case name and its value, read as a member's type.
pub struct HeaderField<'a> {
    name: &'a str,
    value: &'a http::HeaderValue,
}

impl<'a> HeaderField<'a> {
    /// The header's name, in lower case.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The value as text.
    pub fn text(&self) -> Result<&'a str, ResponseError> {
        std::str::from_utf8(self.value.as_bytes())
            .map_err(|_| ResponseError::new(format!("header `{}` is not valid UTF-8", self.name)))
    }

    /// The value as an owned string.
    pub fn string(&self) -> Result<String, ResponseError> {
        self.text().map(str::to_string)
    }

    /// The value as a number.
    pub fn number<T: std::str::FromStr>(&self) -> Result<T, ResponseError> {
        let v = self.text()?;
        v.trim().parse().map_err(|_| {
            ResponseError::new(format!(
                "header `{}`: `{v}` is not a valid number",
                self.name
            ))
        })
    }

    /// The value as a boolean.
    pub fn boolean(&self) -> Result<bool, ResponseError> {
        let v = self.text()?;
        parse_bool(v.trim()).ok_or_else(|| {
            ResponseError::new(format!("header `{}`: `{v}` is not a boolean", self.name))
        })
    }

    /// The value as a timestamp.
    pub fn timestamp(&self, format: DateTimeFormat) -> Result<DateTime, ResponseError> {
        parse_timestamp(self.text()?.trim(), format)
            .map_err(|e| ResponseError::new(format!("header `{}`: {e}", self.name)))
    }

    /// A comma-separated value as a list.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn list(&self) -> Result<Vec<String>, ResponseError> {
        Ok(self
            .text()?
            .split(',')
            .map(|s| s.trim().to_string())
            .collect())
    }

    /// Adds the value to a prefix-header map under `key` (the name after the prefix).
    pub fn insert_into(
        &self,
        map: &mut Option<HashMap<String, String>>,
        key: &str,
    ) -> Result<(), ResponseError> {
        let value = self.string()?;
        map.get_or_insert_with(HashMap::new)
            .insert(key.to_string(), value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&'static str, &'static str)]) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, http::HeaderValue::from_static(value));
        }
        Response {
            status: 200,
            headers: map,
            body: Bytes::new(),
            stream: None,
        }
    }

    #[test]
    fn each_header_is_read_once_with_its_first_value() {
        let r = response(&[
            ("x-amz-version-id", "v1"),
            ("x-amz-meta-a", "1"),
            ("x-amz-version-id", "v2"),
            ("x-amz-meta-b", "2"),
        ]);
        let seen: Vec<(&str, String)> = r
            .header_fields()
            .map(|h| (h.name(), h.string().unwrap()))
            .collect();
        assert_eq!(
            seen,
            [
                ("x-amz-version-id", "v1".to_string()),
                ("x-amz-meta-a", "1".to_string()),
                ("x-amz-meta-b", "2".to_string()),
            ]
        );
        assert_eq!(
            r.header_field("x-amz-version-id").unwrap().text().unwrap(),
            "v1"
        );
        assert!(r.header_field("etag").is_none());
        let mut meta = None;
        for h in r.header_fields() {
            if let Some(key) = h.name().strip_prefix("x-amz-meta-") {
                h.insert_into(&mut meta, key).unwrap();
            }
        }
        let meta = meta.unwrap();
        assert_eq!((meta["a"].as_str(), meta["b"].as_str()), ("1", "2"));
    }

    #[test]
    fn a_bad_value_names_the_header_and_the_value() {
        let r = response(&[
            ("content-length", "12x"),
            ("x-amz-delete-marker", "maybe"),
            ("last-modified", "yesterday"),
        ]);
        let field = |name| r.header_field(name).unwrap();
        let e = field("content-length").number::<i64>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unreadable response: header `content-length`: `12x` is not a valid number"
        );
        let e = field("x-amz-delete-marker").boolean().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unreadable response: header `x-amz-delete-marker`: `maybe` is not a boolean"
        );
        let e = field("last-modified")
            .timestamp(DateTimeFormat::HttpDate)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unreadable response: header `last-modified`: "),
            "{e}"
        );
        let mut map = HeaderMap::new();
        map.insert("etag", http::HeaderValue::from_bytes(b"\xff").unwrap());
        let r = Response {
            headers: map,
            ..response(&[])
        };
        let e = r.header_field("etag").unwrap().string().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unreadable response: header `etag` is not valid UTF-8"
        );
    }
}
