//! `ByteStream`: request and response bodies, in memory or streamed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

/// An error while producing or reading a body.
#[derive(Debug, thiserror::Error)]
#[error("body stream failed: {source}")]
pub struct ByteStreamError {
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl ByteStreamError {
    /// Wraps the error that ended the stream.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ByteStreamError {
            source: source.into(),
        }
    }
}

type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, ByteStreamError>> + Send>>;

enum Inner {
    /// All of the body, in memory (taken once it has been yielded).
    Bytes(Option<Bytes>),
    /// Chunks produced on demand, with the total length when known, and the file they
    /// come from, which can be read again for a checksum.
    Stream {
        stream: BoxStream,
        length: Option<u64>,
        path: Option<PathBuf>,
    },
}

/// A body: bytes in memory, or a stream of chunks that is never held whole.
///
/// It is a [`Stream`] of [`Bytes`] chunks; [`ByteStream::collect`] gathers it when the
/// caller does want it in memory.
pub struct ByteStream {
    inner: Inner,
}

impl ByteStream {
    /// A body of `bytes`, held in memory.
    pub fn new(bytes: Bytes) -> Self {
        ByteStream {
            inner: Inner::Bytes(Some(bytes)),
        }
    }

    /// A body of static bytes.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        Self::new(Bytes::from_static(bytes))
    }

    /// A body read from `stream` as it is sent; `length`, when known, becomes the
    /// `Content-Length` that S3 needs for uploads.
    pub fn from_stream<S, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::TryStreamExt;
        ByteStream {
            inner: Inner::Stream {
                stream: Box::pin(stream.map_err(ByteStreamError::new)),
                length,
                path: None,
            },
        }
    }

    /// A body streamed from the file at `path`, with its length; the file is read in
    /// chunks as the request is sent, never into memory whole.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let file = tokio::fs::File::open(path.as_ref()).await?;
        let length = file.metadata().await?.len();
        let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
        use futures_util::TryStreamExt;
        Ok(ByteStream {
            inner: Inner::Stream {
                stream: Box::pin(stream.map_err(ByteStreamError::new)),
                length: Some(length),
                path: Some(path.as_ref().to_path_buf()),
            },
        })
    }

    /// A body that yields `stream`'s chunks, for wrappers such as checksum validation.
    pub(crate) fn wrap(
        stream: impl Stream<Item = Result<Bytes, ByteStreamError>> + Send + 'static,
        length: Option<u64>,
    ) -> Self {
        ByteStream {
            inner: Inner::Stream {
                stream: Box::pin(stream),
                length,
                path: None,
            },
        }
    }

    /// The file a streamed body is read from, when it is one.
    pub(crate) fn path(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Stream { path, .. } => path.as_deref(),
            Inner::Bytes(_) => None,
        }
    }

    /// The length in bytes, when it is known before reading.
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(b) => Some(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Stream { length, .. } => *length,
        }
    }

    /// The bytes, when the body is held in memory (so it can be hashed and resent).
    pub(crate) fn as_bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(Some(b)) => Some(b),
            Inner::Bytes(None) => None,
            Inner::Stream { .. } => None,
        }
    }

    /// The next chunk, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Bytes, ByteStreamError>> {
        use futures_util::StreamExt;
        StreamExt::next(self).await
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> Result<Bytes, ByteStreamError> {
        use futures_util::StreamExt;
        match self.inner {
            Inner::Bytes(b) => Ok(b.unwrap_or_default()),
            Inner::Stream {
                mut stream, length, ..
            } => {
                let capacity = length.unwrap_or(0).min(64 * 1024 * 1024) as usize;
                let mut buf = bytes::BytesMut::with_capacity(capacity);
                while let Some(chunk) = stream.next().await {
                    buf.extend_from_slice(&chunk?);
                }
                Ok(buf.freeze())
            }
        }
    }

    /// The body in the form reqwest sends.
    pub(crate) fn into_reqwest(self) -> reqwest::Body {
        match self.inner {
            Inner::Bytes(b) => reqwest::Body::from(b.unwrap_or_default()),
            Inner::Stream { stream, .. } => reqwest::Body::wrap_stream(stream),
        }
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        Self::new(Bytes::new())
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Bytes(b) => write!(
                f,
                "ByteStream({} bytes in memory)",
                b.as_ref().map_or(0, Bytes::len)
            ),
            Inner::Stream {
                length: Some(n), ..
            } => write!(f, "ByteStream(stream of {n} bytes)"),
            Inner::Stream { length: None, .. } => f.write_str("ByteStream(stream)"),
        }
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, ByteStreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.inner {
            Inner::Bytes(b) => Poll::Ready(b.take().filter(|b| !b.is_empty()).map(Ok)),
            Inner::Stream { stream, .. } => stream.as_mut().poll_next(cx),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Inner::Bytes(Some(_)) => (1, Some(1)),
            Inner::Bytes(None) => (0, Some(0)),
            Inner::Stream { stream, .. } => stream.size_hint(),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_static(bytes)
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        Self::from_static(text.as_bytes())
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        Self::new(Bytes::from(text))
    }
}
