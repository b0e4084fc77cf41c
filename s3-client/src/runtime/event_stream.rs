//! Event streams in responses (SelectObjectContent's): the body is a sequence of binary
//! messages, each framed with its length and CRC-checked (aws-smithy-eventstream decodes
//! them). An `event` message becomes one typed event; an `error` or `exception` message
//! ends the stream with an error carrying S3's code and message.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use aws_smithy_types::event_stream::Message;
use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use crate::error::ResponseError;
use crate::primitives::{ByteStream, ByteStreamError};

/// The most one message may claim to take. S3's are far smaller; a prelude claiming more
/// is a malformed stream, not a reason to buffer it.
const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// The prelude: total length, headers length, prelude CRC.
const PRELUDE: usize = 12;

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

    /// The next whole message in the buffer, decoded and CRC-checked.
    fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        let Some(prelude) = self.buffer.get(..4) else {
            return Ok(None);
        };
        let total = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]) as usize;
        if !(PRELUDE + 4..=MAX_MESSAGE).contains(&total) {
            return Err(EventStreamError::unreadable(format!(
                "a message claims {total} bytes (from {} to {MAX_MESSAGE})",
                PRELUDE + 4
            )));
        }
        if self.buffer.len() < total {
            return Ok(None);
        }
        let frame = self.buffer.split_to(total).freeze();
        aws_smithy_eventstream::frame::read_message_from(frame)
            .map(Some)
            .map_err(|e| EventStreamError::unreadable(e.to_string()))
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
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| h.value().as_string().ok())
        .map(|s| s.as_str())
}

/// The event a message carries, or the error it reports.
fn event<T: Event>(message: Message) -> Result<T, EventStreamError> {
    match header(&message, ":message-type") {
        Some("event") => {
            let event_type = header(&message, ":event-type").ok_or_else(|| {
                EventStreamError::unreadable("an event message has no :event-type")
            })?;
            T::from_message(event_type, message.payload().clone())
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
            message: String::from_utf8_lossy(message.payload()).into_owned(),
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
