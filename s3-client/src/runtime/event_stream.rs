//! Event streams in responses (SelectObjectContent's): the body is a sequence of binary
//! messages, each framed with its length and CRC-checked (decoded by `frame`). An `event`
//! message becomes one typed event; an `error` or `exception` message ends the stream with
//! an error carrying S3's code and message.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use crate::error::ResponseError;
use crate::primitives::{ByteStream, ByteStreamError};
use frame::{Message, PRELUDE};

/// The most one message may claim to take. S3's are far smaller; a prelude claiming more
/// is a malformed stream, not a reason to buffer it.
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// The events of an event stream: made by the generated code from each event message.
pub trait Event: Sized {
    /// The event of type `event_type` (the message's `:event-type`) with this payload.
    fn from_message(event_type: &str, payload: Bytes) -> Result<Self, ResponseError>;
}

/// Why an event stream ended early.
#[derive(Debug, thiserror::Error)]
pub enum EventStreamError {
    /// S3 sent an error message (`:message-type` `error` or `exception`) in the stream.
    #[error("S3 ended the event stream with {code}: {message}")]
    Service {
        /// S3's error code (`:error-code`, or the exception's type).
        code: String,
        /// S3's message.
        message: String,
    },
    /// The stream could not be read: a malformed or truncated message, a CRC mismatch,
    /// or a payload that is not what its event needs.
    #[error("unreadable event stream: {0}")]
    Unreadable(ResponseError),
    /// The connection failed while the stream was arriving.
    #[error("event stream broke off: {0}")]
    Transport(#[source] ByteStreamError),
}

impl EventStreamError {
    /// S3's error code, for an error S3 sent.
    pub fn code(&self) -> Option<&str> {
        match self {
            EventStreamError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    fn unreadable(message: impl Into<String>) -> Self {
        EventStreamError::Unreadable(ResponseError::new(message))
    }
}

#[cfg(feature = "blocking")]
impl crate::blocking::BlockingFailure for EventStreamError {
    fn blocking_failure(reason: String) -> Self {
        EventStreamError::unreadable(reason)
    }
}

/// A stream of events read from a response body as it arrives, as aws-sdk-s3's
/// `EventReceiver`: `recv().await` for the next, or use it as a `Stream`. After an
/// error or the last event it yields nothing more.
pub struct EventReceiver<T> {
    body: ByteStream,
    buffer: BytesMut,
    finished: bool,
    events: PhantomData<fn() -> T>,
}

impl<T> Default for EventReceiver<T> {
    fn default() -> Self {
        EventReceiver::new(ByteStream::default())
    }
}

impl<T> std::fmt::Debug for EventReceiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventReceiver")
            .field("buffered", &self.buffer.len())
            .field("finished", &self.finished)
            .finish()
    }
}

impl<T> EventReceiver<T> {
    pub(crate) fn new(body: ByteStream) -> Self {
        EventReceiver {
            body,
            buffer: BytesMut::new(),
            finished: false,
            events: PhantomData,
        }
    }

    /// The body the events come from (for the blocking client to mark).
    #[cfg(feature = "blocking")]
    pub(crate) fn body_mut(&mut self) -> &mut ByteStream {
        &mut self.body
    }
}

impl<T: Event> EventReceiver<T> {
    /// The next event, or `None` after the last.
    pub async fn recv(&mut self) -> Result<Option<T>, EventStreamError> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// [`Self::recv`] for a response of the blocking client: blocks until the next
    /// event arrives.
    #[cfg(feature = "blocking")]
    pub fn blocking_recv(&mut self) -> Result<Option<T>, EventStreamError> {
        match self.body.blocking.clone() {
            Some(mode) => mode.run(self.recv()),
            None => Err(EventStreamError::unreadable(
                "blocking_recv needs a response of the blocking client; use recv().await",
            )),
        }
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, EventStreamError>> {
        loop {
            if self.finished {
                return Poll::Ready(Ok(None));
            }
            match self.next_message() {
                Ok(Some(message)) => {
                    let event = event(message);
                    self.finished = event.is_err();
                    return Poll::Ready(event.map(Some));
                }
                Ok(None) => {}
                Err(e) => {
                    self.finished = true;
                    return Poll::Ready(Err(e));
                }
            }
            let chunk = ready!(Pin::new(&mut self.body).poll_next(cx));
            match chunk {
                Some(Ok(bytes)) => self.buffer.extend_from_slice(&bytes),
                Some(Err(e)) => {
                    self.finished = true;
                    return Poll::Ready(Err(EventStreamError::Transport(e)));
                }
                None => {
                    self.finished = true;
                    if self.buffer.is_empty() {
                        return Poll::Ready(Ok(None));
                    }
                    let left = self.buffer.len();
                    return Poll::Ready(Err(EventStreamError::unreadable(format!(
                        "the body ended inside a message ({left} bytes of it arrived)"
                    ))));
                }
            }
        }
    }

    /// The next whole message in the buffer, decoded and CRC-checked. The length and the
    /// prelude's CRC are checked as soon as they arrive, so a corrupt length is not waited
    /// for.
    fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        let Some(length) = self.buffer.get(..4) else {
            return Ok(None);
        };
        let total = u32::from_be_bytes([length[0], length[1], length[2], length[3]]) as usize;
        if !(PRELUDE + 4..=MAX_MESSAGE).contains(&total) {
            return Err(EventStreamError::unreadable(format!(
                "a message claims {total} bytes (from {} to {MAX_MESSAGE})",
                PRELUDE + 4
            )));
        }
        let Some(prelude) = self.buffer.get(..PRELUDE) else {
            return Ok(None);
        };
        frame::check_prelude(prelude).map_err(EventStreamError::unreadable)?;
        if self.buffer.len() < total {
            return Ok(None);
        }
        let bytes = self.buffer.split_to(total).freeze();
        Message::decode(bytes)
            .map(Some)
            .map_err(EventStreamError::unreadable)
    }
}

impl<T: Event> Stream for EventReceiver<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx).map(Result::transpose)
    }
}

/// The text of the string header `name` of `message`.
fn header<'m>(message: &'m Message, name: &str) -> Option<&'m str> {
    message.string_header(name)
}

/// The event a message carries, or the error it reports.
fn event<T: Event>(message: Message) -> Result<T, EventStreamError> {
    match header(&message, ":message-type") {
        Some("event") => {
            let event_type = header(&message, ":event-type").ok_or_else(|| {
                EventStreamError::unreadable("an event message has no :event-type")
            })?;
            T::from_message(event_type, message.payload.clone())
                .map_err(EventStreamError::Unreadable)
        }
        Some("error") => Err(EventStreamError::Service {
            code: header(&message, ":error-code")
                .unwrap_or("unknown")
                .to_string(),
            message: header(&message, ":error-message")
                .unwrap_or_default()
                .to_string(),
        }),
        Some("exception") => Err(EventStreamError::Service {
            code: header(&message, ":exception-type")
                .unwrap_or("unknown")
                .to_string(),
            message: String::from_utf8_lossy(&message.payload).into_owned(),
        }),
        other => Err(EventStreamError::unreadable(format!(
            "a message of type {}",
            other.unwrap_or("(none)")
        ))),
    }
}

/// An event payload that is an XML document, read by `read` from its root element.
pub(crate) fn xml<T>(
    payload: &[u8],
    read: fn(&mut crate::runtime::XmlReader<'_>) -> Result<T, ResponseError>,
) -> Result<T, ResponseError> {
    let mut reader = crate::runtime::XmlReader::new(payload);
    reader.root()?;
    read(&mut reader)
}

/// The binary framing of one message (AWS's `application/vnd.amazon.eventstream`):
///
/// ```text
/// total length u32 | headers length u32 | CRC32 of the 8 bytes before
/// headers: (name length u8, name, type u8, value)*
/// payload | CRC32 of everything before
/// ```
///
/// Integers are big-endian. Only string headers are kept (S3 sends nothing else); the
/// other types are skipped by their sizes.
mod frame {
    use bytes::Bytes;

    /// The prelude: total length, headers length, prelude CRC.
    pub(super) const PRELUDE: usize = 12;

    /// A decoded message: its string headers and its payload.
    #[derive(Debug)]
    pub(super) struct Message {
        headers: Vec<(String, String)>,
        pub(super) payload: Bytes,
    }

    fn crc32(bytes: &[u8]) -> u32 {
        crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32IsoHdlc, bytes) as u32
    }

    fn be_u32(bytes: &[u8], at: usize) -> u32 {
        let mut word = [0u8; 4];
        if let Some(b) = bytes.get(at..at + 4) {
            word.copy_from_slice(b);
        }
        u32::from_be_bytes(word)
    }

    /// Checks a prelude (the first [`PRELUDE`] bytes of a message) against its CRC.
    pub(super) fn check_prelude(prelude: &[u8]) -> Result<(), String> {
        let claimed = be_u32(prelude, 8);
        let actual = crc32(prelude.get(..8).unwrap_or_default());
        if claimed != actual {
            return Err(format!(
                "a message prelude fails its checksum (CRC32 {claimed:08x} sent, {actual:08x} computed)"
            ));
        }
        Ok(())
    }

    impl Message {
        /// Decodes one whole message: exactly the total length its prelude claims, the
        /// prelude already checked.
        pub(super) fn decode(bytes: Bytes) -> Result<Message, String> {
            let total = bytes.len();
            let body_end = total.saturating_sub(4);
            let claimed = be_u32(&bytes, body_end);
            let actual = crc32(bytes.get(..body_end).unwrap_or_default());
            if claimed != actual {
                return Err(format!(
                    "a message fails its checksum (CRC32 {claimed:08x} sent, {actual:08x} computed)"
                ));
            }
            let headers_end = PRELUDE.saturating_add(be_u32(&bytes, 4) as usize);
            let Some(encoded) = bytes
                .get(PRELUDE..headers_end)
                .filter(|_| headers_end <= body_end)
            else {
                return Err(format!(
                    "a message's headers ({} bytes) overrun the message ({total} bytes)",
                    headers_end - PRELUDE
                ));
            };
            Ok(Message {
                headers: headers(encoded)?,
                payload: bytes.slice(headers_end..body_end),
            })
        }

        /// The value of the string header `name`.
        pub(super) fn string_header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    /// The string headers of an encoded header block.
    fn headers(mut rest: &[u8]) -> Result<Vec<(String, String)>, String> {
        let mut headers = Vec::new();
        while let Some((&name_len, after)) = rest.split_first() {
            let (name, after) = take(after, name_len as usize, "header name")?;
            let name =
                std::str::from_utf8(name).map_err(|_| "a header name is not UTF-8".to_string())?;
            let Some((&kind, after)) = after.split_first() else {
                return Err(format!("header `{name}` has no value type"));
            };
            let fixed = match kind {
                0 | 1 => Some(0), // true, false
                2 => Some(1),     // byte
                3 => Some(2),     // i16
                4 => Some(4),     // i32
                5 | 8 => Some(8), // i64, timestamp
                9 => Some(16),    // UUID
                6 | 7 => None,    // bytes, string: a u16 length first
                _ => return Err(format!("header `{name}` has unknown value type {kind}")),
            };
            let (value, after) = match fixed {
                Some(size) => take(after, size, name)?,
                None => {
                    let (len, after) = take(after, 2, name)?;
                    take(after, u16::from_be_bytes([len[0], len[1]]) as usize, name)?
                }
            };
            if kind == 7 {
                let value = std::str::from_utf8(value)
                    .map_err(|_| format!("header `{name}` is not UTF-8"))?;
                headers.push((name.to_string(), value.to_string()));
            }
            rest = after;
        }
        Ok(headers)
    }

    /// The first `len` bytes of `bytes` and the rest, or an error naming what was cut short.
    fn take<'b>(bytes: &'b [u8], len: usize, what: &str) -> Result<(&'b [u8], &'b [u8]), String> {
        if bytes.len() < len {
            return Err(format!("the headers end inside `{what}`"));
        }
        Ok(bytes.split_at(len))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use aws_smithy_types::event_stream::{Header, HeaderValue, Message as Reference};

        /// A message of every header type, encoded by aws-smithy-eventstream.
        fn reference() -> Vec<u8> {
            let message = Reference::new(&b"<Stats/>"[..])
                .add_header(Header::new("flag", HeaderValue::Bool(true)))
                .add_header(Header::new("off", HeaderValue::Bool(false)))
                .add_header(Header::new("b", HeaderValue::Byte(-3)))
                .add_header(Header::new("s", HeaderValue::Int16(-300)))
                .add_header(Header::new("i", HeaderValue::Int32(70_000)))
                .add_header(Header::new("l", HeaderValue::Int64(1 << 40)))
                .add_header(Header::new(
                    "raw",
                    HeaderValue::ByteArray(Bytes::from_static(b"\x00\x01\x02")),
                ))
                .add_header(Header::new(
                    ":event-type",
                    HeaderValue::String("Stats".into()),
                ))
                .add_header(Header::new(
                    "at",
                    HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(1_700_000_000)),
                ))
                .add_header(Header::new("id", HeaderValue::Uuid(0x0123_4567_89ab_cdef)))
                .add_header(Header::new(
                    ":message-type",
                    HeaderValue::String("event".into()),
                ));
            let mut out = Vec::new();
            aws_smithy_eventstream::frame::write_message_to(&message, &mut out)
                .unwrap_or_else(|e| panic!("encoding the reference message: {e}"));
            out
        }

        fn decode(bytes: Vec<u8>) -> Result<Message, String> {
            check_prelude(&bytes[..PRELUDE])?;
            if be_u32(&bytes, 0) as usize != bytes.len() {
                return Err(format!("length {}", be_u32(&bytes, 0)));
            }
            Message::decode(Bytes::from(bytes))
        }

        #[test]
        fn reads_what_aws_smithy_eventstream_writes() {
            let message = decode(reference()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(message.string_header(":event-type"), Some("Stats"));
            assert_eq!(message.string_header(":message-type"), Some("event"));
            assert_eq!(message.string_header("raw"), None, "bytes are not a string");
            assert_eq!(&message.payload[..], b"<Stats/>");
        }

        #[test]
        fn a_flipped_bit_anywhere_is_an_error() {
            let bytes = reference();
            for at in 0..bytes.len() {
                let mut corrupt = bytes.clone();
                corrupt[at] ^= 0x10;
                assert!(
                    decode(corrupt).is_err(),
                    "a flip at byte {at} went unnoticed"
                );
            }
        }

        #[test]
        fn headers_cut_short_or_of_unknown_type_are_errors() {
            assert_eq!(
                headers(&[4, b'n', b'a']),
                Err("the headers end inside `header name`".to_string())
            );
            assert_eq!(
                headers(&[1, b'n', 42]),
                Err("header `n` has unknown value type 42".to_string())
            );
            assert_eq!(
                headers(&[1, b'n', 7, 0, 5, b'a']),
                Err("the headers end inside `n`".to_string())
            );
        }
    }
}
