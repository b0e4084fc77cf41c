//! A response as generated deserialisers read it.

use std::collections::HashMap;

use bytes::Bytes;
use http::HeaderMap;

use crate::error::ResponseError;
use crate::primitives::{ByteStream, DateTime, DateTimeFormat};
use crate::runtime::XmlReader;
use crate::runtime::xml::{parse_bool, parse_timestamp};

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

    fn header_text(&self, name: &str) -> Result<Option<&str>, ResponseError> {
        // A response has a dozen headers and an output reads up to fifty by name: a scan
        // comparing names (most differ in length) is cheaper than parsing and hashing
        // each name for a map lookup. `name` is lower case, as the map keeps names.
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v);
        match found {
            None => Ok(None),
            Some(v) => std::str::from_utf8(v.as_bytes())
                .map(Some)
                .map_err(|_| ResponseError::new(format!("header `{name}` is not valid UTF-8"))),
        }
    }

    /// A header as text.
    pub fn header_string(&self, name: &str) -> Result<Option<String>, ResponseError> {
        Ok(self.header_text(name)?.map(str::to_string))
    }

    /// A header as a number.
    pub fn header_number<T: std::str::FromStr>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ResponseError> {
        self.header_text(name)?
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    ResponseError::new(format!("header `{name}`: `{v}` is not a valid number"))
                })
            })
            .transpose()
    }

    /// A header as a boolean.
    pub fn header_bool(&self, name: &str) -> Result<Option<bool>, ResponseError> {
        self.header_text(name)?
            .map(|v| {
                parse_bool(v.trim()).ok_or_else(|| {
                    ResponseError::new(format!("header `{name}`: `{v}` is not a boolean"))
                })
            })
            .transpose()
    }

    /// A header as a timestamp.
    pub fn header_timestamp(
        &self,
        name: &str,
        format: DateTimeFormat,
    ) -> Result<Option<DateTime>, ResponseError> {
        self.header_text(name)?
            .map(|v| {
                parse_timestamp(v.trim(), format)
                    .map_err(|e| ResponseError::new(format!("header `{name}`: {e}")))
            })
            .transpose()
    }

    /// A comma-separated header as a list.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn header_list(&self, name: &str) -> Result<Option<Vec<String>>, ResponseError> {
        Ok(self
            .header_text(name)?
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect()))
    }

    /// Every header starting with `prefix`, keyed by the rest of its name.
    pub fn prefix_headers(
        &self,
        prefix: &str,
    ) -> Result<Option<HashMap<String, String>>, ResponseError> {
        let mut map = HashMap::new();
        for (name, value) in &self.headers {
            if let Some(key) = name.as_str().strip_prefix(prefix) {
                let value = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                    ResponseError::new(format!("header `{name}` is not valid UTF-8"))
                })?;
                map.insert(key.to_string(), value.to_string());
            }
        }
        Ok((!map.is_empty()).then_some(map))
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
