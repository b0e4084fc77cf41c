//! `ByteStream`: request and response bodies, in memory, read from a file, or streamed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

    /// The error that ended the stream.
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.source.as_ref()
    }
}

type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, ByteStreamError>> + Send>>;

/// A body's chunks with plain boxed errors, as the transport takes them.
pub(crate) type Chunks =
    Pin<Box<dyn Stream<Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>> + Send>>;

/// How much of a file a body covers, from its offset (see [`ByteStream::read_from`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Exactly this many bytes; building the body fails if the file is shorter.
    Exact(u64),
    /// At most this many bytes: the rest of the file when it is shorter.
    UpTo(u64),
}

/// A part of a file: where it is, and which bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileSlice {
    pub(crate) path: PathBuf,
    pub(crate) offset: u64,
    pub(crate) length: u64,
}

impl FileSlice {
    /// Reads the slice through `f`, a buffer at a time (for checksums). A file that
    /// turns out shorter than the slice is an error.
    pub(crate) async fn read_each(&self, mut f: impl FnMut(&[u8])) -> std::io::Result<()> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let mut file = tokio::fs::File::open(&self.path).await?;
        file.seek(std::io::SeekFrom::Start(self.offset)).await?;
        let mut remaining = self.length;
        let mut buf = vec![0; 256 * 1024];
        while remaining > 0 {
            let want = remaining.min(buf.len() as u64) as usize;
            let n = file.read(&mut buf[..want]).await?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "{} ended {remaining} bytes before the end of the {} bytes from offset {}: did it shrink?",
                        self.path.display(),
                        self.length,
                        self.offset
                    ),
                ));
            }
            f(&buf[..n]);
            remaining -= n as u64;
        }
        Ok(())
    }
}

enum Inner {
    /// All of the body, in memory (taken once it has been yielded).
    Bytes(Option<Bytes>),
    /// A slice of a file, opened when first read; it can be read again from the start.
    File {
        slice: FileSlice,
        chunks: Option<BoxStream>,
    },
    /// Chunks produced on demand, with the total length when known. It can be read once.
    Stream {
        stream: BoxStream,
        length: Option<u64>,
    },
}

/// A body: bytes in memory, a file read in chunks as it is sent, or a stream of chunks
/// that is never held whole.
///
/// It is a [`Stream`] of [`Bytes`] chunks; [`ByteStream::collect`] gathers it when the
/// caller does want it in memory. Bodies in memory and from files can be sent again when
/// a request is retried; a one-shot stream cannot.
pub struct ByteStream {
    inner: Inner,
    meter: Option<Meter>,
    /// The blocking client's runtime, for a response body that client returned.
    #[cfg(feature = "blocking")]
    pub(crate) blocking: Option<crate::blocking::Blocking>,
}

/// Counts the bytes a body yields, for progress: `observe` hears of every chunk, and of
/// the bytes an earlier attempt had sent (negative) when the body is sent again. A `tap`
/// also sees the bytes themselves (the transfer's checksums of a part as it is sent).
#[derive(Clone)]
pub(crate) struct Meter {
    observe: Arc<dyn Fn(i64) + Send + Sync>,
    sent: Arc<AtomicU64>,
    tap: Option<Arc<dyn Tap>>,
}

/// Sees every chunk a metered body yields, and each new attempt that sends it again.
pub(crate) trait Tap: Send + Sync {
    /// The next chunk of this attempt.
    fn chunk(&self, data: &[u8]);
    /// A new attempt starts from the body's first byte.
    fn restart(&self);
}

impl Meter {
    pub(crate) fn new(observe: Arc<dyn Fn(i64) + Send + Sync>) -> Self {
        Meter {
            observe,
            sent: Arc::new(AtomicU64::new(0)),
            tap: None,
        }
    }

    /// The same meter, with `tap` seeing the bytes.
    pub(crate) fn tapped(mut self, tap: Arc<dyn Tap>) -> Self {
        self.tap = Some(tap);
        self
    }

    fn chunk(&self, data: &[u8]) {
        self.sent.fetch_add(data.len() as u64, Ordering::Relaxed);
        (self.observe)(data.len() as i64);
        if let Some(tap) = &self.tap {
            tap.chunk(data);
        }
    }

    /// A new attempt starts from nothing sent.
    fn restart(&self) {
        let undone = self.sent.swap(0, Ordering::Relaxed);
        if undone > 0 {
            (self.observe)(-(undone as i64));
        }
        if let Some(tap) = &self.tap {
            tap.restart();
        }
    }
}

/// Bytes read from a `std::io::Read` per chunk.
const READER_CHUNK: usize = 64 * 1024;

/// Bytes read from a file per chunk: each read is a hop to a blocking thread and back, so
/// fewer, larger reads cost less CPU (a 1 GiB upload makes 2,048 of them).
const FILE_CHUNK: u64 = 512 * 1024;

impl ByteStream {
    fn of(inner: Inner, meter: Option<Meter>) -> Self {
        ByteStream {
            inner,
            meter,
            #[cfg(feature = "blocking")]
            blocking: None,
        }
    }

    /// A body of `bytes`, held in memory.
    pub fn new(bytes: Bytes) -> Self {
        ByteStream::of(Inner::Bytes(Some(bytes)), None)
    }

    /// A body of static bytes.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        Self::new(Bytes::from_static(bytes))
    }

    /// A body read from `stream` as it is sent; `length`, when known, becomes the
    /// `Content-Length` that S3 needs for uploads. It is read once, so a request with
    /// it is never retried.
    pub fn from_stream<S, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::TryStreamExt;
        ByteStream::of(
            Inner::Stream {
                stream: Box::pin(stream.map_err(ByteStreamError::new)),
                length,
            },
            None,
        )
    }

    /// A body read from `reader` in chunks as it is sent, each read on a thread for
    /// blocking work so that a slow reader never stalls the runtime; `length` as for
    /// [`Self::from_stream`], and, like it, read once.
    pub fn from_reader(reader: impl std::io::Read + Send + 'static, length: Option<u64>) -> Self {
        type Reader = Box<dyn std::io::Read + Send>;
        let first: Option<Reader> = Some(Box::new(reader));
        let chunks = futures_util::stream::unfold(first, |reader| async move {
            let mut reader = reader?;
            let read = tokio::task::spawn_blocking(move || {
                let mut buf = vec![0; READER_CHUNK];
                loop {
                    match reader.read(&mut buf) {
                        Ok(n) => {
                            buf.truncate(n);
                            return Ok((reader, buf));
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
            })
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r);
            match read {
                Ok((_, buf)) if buf.is_empty() => None,
                Ok((reader, buf)) => Some((Ok(Bytes::from(buf)), Some(reader))),
                Err(e) => Some((Err(e), None)),
            }
        });
        Self::from_stream(chunks, length)
    }

    /// A body streamed from the file at `path`, with its length; the file is read in
    /// chunks as the request is sent, never into memory whole, and read again from the
    /// start if the request is retried.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        Self::read_from().path(path).build().await
    }

    /// [`Self::from_path`] without a runtime (for the blocking client).
    pub fn from_path_sync(path: impl AsRef<Path>) -> std::io::Result<Self> {
        Self::read_from().path(path).build_sync()
    }

    /// A body from part of a file: `ByteStream::read_from().path(p).offset(o)
    /// .length(Length::Exact(n)).build().await`, as aws-sdk-s3 spells it.
    pub fn read_from() -> FsBuilder {
        FsBuilder::default()
    }

    /// A body that yields `stream`'s chunks, for wrappers such as checksum validation.
    pub(crate) fn wrap(
        stream: impl Stream<Item = Result<Bytes, ByteStreamError>> + Send + 'static,
        length: Option<u64>,
    ) -> Self {
        ByteStream::of(
            Inner::Stream {
                stream: Box::pin(stream),
                length,
            },
            None,
        )
    }

    /// The file slice a body is read from, when it is one.
    pub(crate) fn file(&self) -> Option<&FileSlice> {
        match &self.inner {
            Inner::File { slice, .. } => Some(slice),
            _ => None,
        }
    }

    /// The same body again, from its start, when it can be read twice: bytes in memory
    /// or a file (reopened).
    pub(crate) fn replay(&self) -> Option<ByteStream> {
        let inner = match &self.inner {
            Inner::Bytes(b) => Inner::Bytes(Some(b.clone().unwrap_or_default())),
            Inner::File { slice, .. } => Inner::File {
                slice: slice.clone(),
                chunks: None,
            },
            Inner::Stream { .. } => return None,
        };
        if let Some(m) = &self.meter {
            m.restart();
        }
        Some(ByteStream::of(inner, self.meter.clone()))
    }

    /// The same body, counted by `meter` as it is read.
    pub(crate) fn metered(mut self, meter: Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    /// The length in bytes, when it is known before reading.
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(b) => Some(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::File { slice, .. } => Some(slice.length),
            Inner::Stream { length, .. } => *length,
        }
    }

    /// The bytes, when the body is held in memory (so it can be hashed and resent).
    pub(crate) fn as_bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(Some(b)) => Some(b),
            _ => None,
        }
    }

    /// The next chunk, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Bytes, ByteStreamError>> {
        use futures_util::StreamExt;
        StreamExt::next(self).await
    }

    /// The next chunk, or `Ok(None)` at the end.
    pub async fn try_next(&mut self) -> Result<Option<Bytes>, ByteStreamError> {
        self.next().await.transpose()
    }

    /// The body as a [`tokio::io::AsyncBufRead`] (for `tokio::io::copy`, line readers...),
    /// as aws-sdk-s3's `into_async_read`; a failure of the stream reads as an
    /// `io::Error` holding the [`ByteStreamError`].
    pub fn into_async_read(self) -> impl tokio::io::AsyncBufRead + Send + Unpin {
        AsyncBodyReader {
            body: self,
            chunk: Bytes::new(),
        }
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> Result<AggregatedBytes, ByteStreamError> {
        self.collect_bytes().await.map(AggregatedBytes)
    }

    async fn collect_bytes(self) -> Result<Bytes, ByteStreamError> {
        if let Inner::Bytes(b) = self.inner {
            return Ok(b.unwrap_or_default());
        }
        let capacity = self.content_length().unwrap_or(0).min(64 * 1024 * 1024) as usize;
        let mut buf = bytes::BytesMut::with_capacity(capacity);
        let mut stream = self;
        while let Some(chunk) = stream.next().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }

    /// The chunks as a plain stream with boxed errors, and the length when known: what
    /// the transport sends.
    pub(crate) fn into_chunks(self) -> (Chunks, Option<u64>) {
        use futures_util::TryStreamExt;
        let length = self.content_length();
        (Box::pin(self.map_err(|e| e.source)), length)
    }
}

/// A whole body read into memory by [`ByteStream::collect`], as aws-sdk-s3's type of this
/// name: `into_bytes()`, `to_vec()`, or the bytes themselves through `Deref`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregatedBytes(Bytes);

impl AggregatedBytes {
    /// The bytes, without copying them.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// A copy of the bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

impl std::ops::Deref for AggregatedBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for AggregatedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<AggregatedBytes> for Bytes {
    fn from(bytes: AggregatedBytes) -> Bytes {
        bytes.0
    }
}

impl PartialEq<[u8]> for AggregatedBytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl PartialEq<&[u8]> for AggregatedBytes {
    fn eq(&self, other: &&[u8]) -> bool {
        self.0 == *other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for AggregatedBytes {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.0 == other[..]
    }
}

impl PartialEq<Vec<u8>> for AggregatedBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.0 == other
    }
}

impl PartialEq<Bytes> for AggregatedBytes {
    fn eq(&self, other: &Bytes) -> bool {
        self.0 == other
    }
}

/// Builds a body from part of a file; made by [`ByteStream::read_from`].
#[derive(Debug, Default, Clone)]
pub struct FsBuilder {
    path: Option<PathBuf>,
    offset: u64,
    length: Option<Length>,
}

impl FsBuilder {
    /// The file to read.
    pub fn path(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Where in the file the body starts (default 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// How many bytes from the offset (default: to the end of the file).
    pub fn length(mut self, length: Length) -> Self {
        self.length = Some(length);
        self
    }

    /// Checks the file and its size; the file is read only when the body is sent.
    pub async fn build(self) -> std::io::Result<ByteStream> {
        let path = self.checked_path()?;
        let size = tokio::fs::metadata(&path).await?.len();
        self.slice(path, size)
    }

    /// [`Self::build`] without a runtime, for the blocking client (or any code that may
    /// block for a file's metadata).
    pub fn build_sync(self) -> std::io::Result<ByteStream> {
        let path = self.checked_path()?;
        let size = std::fs::metadata(&path)?.len();
        self.slice(path, size)
    }

    fn checked_path(&self) -> std::io::Result<PathBuf> {
        self.path.clone().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "ByteStream::read_from() needs a path",
            )
        })
    }

    /// The body of the slice asked for, of a file of `size` bytes.
    fn slice(self, path: PathBuf, size: u64) -> std::io::Result<ByteStream> {
        let available = size.saturating_sub(self.offset);
        if self.offset > size {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "offset {} is past the end of {} ({size} bytes)",
                    self.offset,
                    path.display()
                ),
            ));
        }
        let length = match self.length {
            None => available,
            Some(Length::UpTo(n)) => n.min(available),
            Some(Length::Exact(n)) if n <= available => n,
            Some(Length::Exact(n)) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "{} has {available} bytes from offset {}, not the {n} asked for",
                        path.display(),
                        self.offset
                    ),
                ));
            }
        };
        Ok(ByteStream::of(
            Inner::File {
                slice: FileSlice {
                    path,
                    offset: self.offset,
                    length,
                },
                chunks: None,
            },
            None,
        ))
    }
}

/// Reads a file slice chunk by chunk, opening the file on the first read. A file that
/// turns out shorter than the slice is an error, never a short body.
fn file_chunks(slice: FileSlice) -> BoxStream {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    struct State {
        file: Option<tokio::fs::File>,
        slice: FileSlice,
        remaining: u64,
    }
    let remaining = slice.length;
    let state = State {
        file: None,
        slice,
        remaining,
    };
    Box::pin(futures_util::stream::try_unfold(
        state,
        |mut st| async move {
            if st.remaining == 0 {
                return Ok(None);
            }
            let fail = |e: std::io::Error, path: &Path| {
                ByteStreamError::new(format!("cannot read {}: {e}", path.display()))
            };
            let file = match &mut st.file {
                Some(f) => f,
                None => {
                    let mut f = tokio::fs::File::open(&st.slice.path)
                        .await
                        .map_err(|e| fail(e, &st.slice.path))?;
                    if st.slice.offset > 0 {
                        f.seek(std::io::SeekFrom::Start(st.slice.offset))
                            .await
                            .map_err(|e| fail(e, &st.slice.path))?;
                    }
                    st.file.insert(f)
                }
            };
            // Read into spare capacity: nothing is zeroed first.
            let mut buf = bytes::BytesMut::with_capacity(st.remaining.min(FILE_CHUNK) as usize);
            let n = file
                .read_buf(&mut buf)
                .await
                .map_err(|e| fail(e, &st.slice.path))?;
            if n == 0 {
                return Err(ByteStreamError::new(format!(
                    "{} ended {} bytes before the {} the body was built with",
                    st.slice.path.display(),
                    st.remaining,
                    st.slice.length
                )));
            }
            st.remaining -= n as u64;
            Ok(Some((buf.freeze(), st)))
        },
    ))
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
            Inner::File { slice, .. } => write!(
                f,
                "ByteStream({} bytes of {} from offset {})",
                slice.length,
                slice.path.display(),
                slice.offset
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
        let this = &mut *self;
        let next = match &mut this.inner {
            Inner::Bytes(b) => Poll::Ready(b.take().filter(|b| !b.is_empty()).map(Ok)),
            Inner::File { slice, chunks } => chunks
                .get_or_insert_with(|| file_chunks(slice.clone()))
                .as_mut()
                .poll_next(cx),
            Inner::Stream { stream, .. } => stream.as_mut().poll_next(cx),
        };
        if let (Some(meter), Poll::Ready(Some(Ok(chunk)))) = (&this.meter, &next) {
            meter.chunk(chunk);
        }
        next
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Inner::Bytes(Some(_)) => (1, Some(1)),
            Inner::Bytes(None) => (0, Some(0)),
            Inner::File { .. } => (0, None),
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

/// [`ByteStream::into_async_read`]: the body's chunks as an async reader, one chunk
/// buffered at a time.
struct AsyncBodyReader {
    body: ByteStream,
    chunk: Bytes,
}

impl tokio::io::AsyncBufRead for AsyncBodyReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<&[u8]>> {
        let this = self.get_mut();
        while this.chunk.is_empty() {
            match std::task::ready!(Pin::new(&mut this.body).poll_next(cx)) {
                Some(Ok(chunk)) => this.chunk = chunk,
                Some(Err(e)) => return Poll::Ready(Err(std::io::Error::other(e))),
                None => break,
            }
        }
        Poll::Ready(Ok(&this.chunk))
    }

    fn consume(self: Pin<&mut Self>, amount: usize) {
        let chunk = &mut self.get_mut().chunk;
        bytes::Buf::advance(chunk, amount.min(chunk.len()));
    }
}

impl tokio::io::AsyncRead for AsyncBodyReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        use tokio::io::AsyncBufRead;
        let available = std::task::ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(buf.remaining());
        buf.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_async_read_body_reads_every_chunk_then_the_failure() {
        use tokio::io::AsyncReadExt;
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"abc")),
            Ok(Bytes::new()),
            Ok(Bytes::from_static(b"defgh")),
            Err(std::io::Error::other("connection reset")),
        ];
        let body = ByteStream::from_stream(futures_util::stream::iter(chunks), None);
        let mut reader = body.into_async_read();
        let mut small = [0u8; 2];
        let mut read = Vec::new();
        let failure = loop {
            match reader.read(&mut small).await {
                Ok(0) => panic!("the body ended before its failure: {read:?}"),
                Ok(n) => read.extend_from_slice(&small[..n]),
                Err(e) => break e,
            }
            assert!(read.len() <= 8, "read past the body: {read:?}");
        };
        assert_eq!(read, b"abcdefgh");
        assert!(
            failure.to_string().contains("connection reset"),
            "{failure}"
        );

        let mut all = String::new();
        let body = ByteStream::from_static(b"one\ntwo\n");
        body.into_async_read()
            .read_to_string(&mut all)
            .await
            .unwrap();
        assert_eq!(all, "one\ntwo\n");
    }

    #[tokio::test]
    async fn file_slices_read_and_replay() {
        let path = std::env::temp_dir().join(format!("s3-client-body-{}", std::process::id()));
        std::fs::write(&path, b"0123456789").unwrap();
        let body = ByteStream::read_from()
            .path(&path)
            .offset(2)
            .length(Length::Exact(5))
            .build()
            .await
            .unwrap();
        assert_eq!(body.content_length(), Some(5));
        let again = body.replay().unwrap();
        assert_eq!(&body.collect().await.unwrap()[..], b"23456");
        assert_eq!(&again.collect().await.unwrap()[..], b"23456");
        let tail = ByteStream::read_from()
            .path(&path)
            .offset(8)
            .length(Length::UpTo(100))
            .build()
            .await
            .unwrap();
        assert_eq!(&tail.collect().await.unwrap()[..], b"89");
        let too_long = ByteStream::read_from()
            .path(&path)
            .offset(8)
            .length(Length::Exact(3))
            .build()
            .await;
        assert!(too_long.is_err());
        // A file that shrinks after the body was built is an error, not a short body.
        let body = ByteStream::from_path(&path).await.unwrap();
        std::fs::write(&path, b"01").unwrap();
        let err = body.collect().await.unwrap_err();
        assert!(err.to_string().contains("ended 8 bytes before"), "{err}");
        std::fs::remove_file(&path).unwrap();
        let stream = ByteStream::from_stream(
            futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"x"))]),
            Some(1),
        );
        assert!(stream.replay().is_none());
    }
}
