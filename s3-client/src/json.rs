//! The JSON front door (feature `serde`): inputs and outputs as JSON with the model's
//! member names, the way boto3 and the AWS CLI spell them, and operations chosen by name
//! at run time with [`Client::invoke_json`](crate::Client::invoke_json).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ErrorMetadata, SdkError};
use crate::primitives::ByteStream;

/// The answer of [`Client::invoke_json`](crate::Client::invoke_json).
#[derive(Debug)]
pub struct JsonOutput {
    /// The output structure as JSON, without members S3 did not send.
    pub output: serde_json::Value,
    /// The streamed response body of GetObject and GetObjectTorrent.
    pub body: Option<ByteStream>,
}

/// Why [`Client::invoke_json`](crate::Client::invoke_json) failed.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// No operation has this name.
    #[error("unknown operation `{0}`")]
    UnknownOperation(String),
    /// The input JSON does not fit the operation's input: an unknown member, a wrong type.
    /// Nothing was sent.
    #[error("invalid input for {operation}: {message}")]
    Input {
        /// The operation, as the model names it.
        operation: &'static str,
        /// What is wrong, naming the member.
        message: String,
    },
    /// The call failed: invalid input found before sending, transport, or an S3 error.
    #[error("{source}")]
    Call {
        /// The error S3 sent, when it sent one.
        meta: Option<Box<ErrorMetadata>>,
        /// The input was refused before anything was sent.
        construction: bool,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The output could not be turned into JSON.
    #[error("output of {operation} cannot be written as JSON: {message}")]
    Output {
        /// The operation.
        operation: &'static str,
        /// What failed.
        message: String,
    },
}

impl JsonError {
    /// Wraps an operation's error, keeping what S3 said.
    pub(crate) fn call<E: std::error::Error + Send + Sync + 'static>(e: SdkError<E>) -> Self {
        JsonError::Call {
            meta: e.meta().cloned().map(Box::new),
            construction: matches!(e, SdkError::ConstructionFailure(_)),
            source: Box::new(e),
        }
    }

    /// Whether nothing was sent because the input was wrong.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            JsonError::UnknownOperation(_)
                | JsonError::Input { .. }
                | JsonError::Call {
                    construction: true,
                    ..
                }
        )
    }
}

/// `PutObject`, `put_object` and `put-object` all name the same operation.
pub(crate) fn operation_key(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// An operation's input read from JSON.
pub(crate) fn input<T: DeserializeOwned>(
    operation: &'static str,
    value: serde_json::Value,
) -> Result<T, JsonError> {
    serde_json::from_value(value).map_err(|e| JsonError::Input {
        operation,
        message: e.to_string(),
    })
}

/// An operation's output as JSON, leaving out what S3 did not send.
pub(crate) fn output<T: Serialize>(
    operation: &'static str,
    value: &T,
    body: Option<ByteStream>,
) -> Result<JsonOutput, JsonError> {
    let mut output = serde_json::to_value(value).map_err(|e| JsonError::Output {
        operation,
        message: e.to_string(),
    })?;
    prune(&mut output);
    Ok(JsonOutput { output, body })
}

/// Removes `null` members, as boto3 leaves out members the response did not have.
fn prune(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(prune);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// Serde for string enums: their wire value.
macro_rules! string_enum {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(text))
            }
        }
    };
}
pub(crate) use string_enum;

/// Timestamps as ISO 8601 text (as the AWS CLI prints them); epoch seconds are read too.
pub(crate) mod timestamp {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::primitives::{DateTime, DateTimeFormat};

    pub fn serialize<S: Serializer>(value: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => {
                let text = t
                    .fmt(DateTimeFormat::DateTime)
                    .map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            Seconds(f64),
            Iso(String),
        }
        match Option::<Text>::deserialize(d)? {
            None => Ok(None),
            Some(Text::Seconds(s)) => Ok(Some(DateTime::from_secs_f64(s))),
            Some(Text::Iso(text)) => DateTime::from_str(&text, DateTimeFormat::DateTime)
                .or_else(|_| DateTime::from_str(&text, DateTimeFormat::HttpDate))
                .map(Some)
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "`{text}` is not an ISO 8601 timestamp such as 2026-01-31T12:00:00Z"
                    ))
                }),
        }
    }
}

/// Blobs as base64 text, as the AWS CLI v2 takes them.
pub(crate) mod blob {
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Bytes>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(b) => s.serialize_str(&crate::runtime::base64(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        crate::runtime::base64_decode(&text)
            .map(|b| Some(Bytes::from(b)))
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not base64")))
    }
}
