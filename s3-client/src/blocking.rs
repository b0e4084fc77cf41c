//! A blocking client (the `blocking` feature): the same operations, fluent builders,
//! paginators, waiters and transfers as the async [`crate::Client`], where `send()`
//! blocks the calling thread, bodies read as [`std::io::Read`] and paginators are
//! [`Iterator`]s. The client owns its runtime; the caller's code needs no tokio.
//!
//! ```no_run
//! use std::io::Read;
//! use s3_client::blocking::Client;
//! use s3_client::primitives::ByteStream;
//!
//! # fn demo(config: s3_client::Config) -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(config);
//! client.put_object().bucket("b").key("k").body(ByteStream::from_static(b"hi")).send()?;
//! let mut text = String::new();
//! client.get_object().bucket("b").key("k").send()?.body.into_read().read_to_string(&mut text)?;
//! for object in client.list_objects_v2().bucket("b").into_paginator().items().send() {
//!     println!("{}", object?.key().unwrap_or_default());
//! }
//! # Ok(()) }
//! ```
//!
//! Use it from ordinary threads: called from inside an async runtime, `send()` returns an
//! error rather than blocking that runtime's thread.

use std::future::Future;
use std::io::{self, BufRead, Read};
use std::sync::{Arc, OnceLock};

use bytes::{Buf, Bytes};
use futures_core::Stream;

use crate::Config;
use crate::error::{BuildError, SdkError, WaiterError};
use crate::primitives::ByteStream;
use crate::runtime::WaiterDef;

/// The async client and the runtime that drives it.
#[derive(Debug, Clone)]
pub struct Client {
    inner: crate::Client,
    mode: Blocking,
}

impl Client {
    /// A client for `config` (or an [`crate::config::SdkConfig`] from the loader). The
    /// runtime starts on the first request.
    pub fn new(config: impl Into<Config>) -> Self {
        Self::from_async(crate::Client::new(config))
    }

    /// A client for `config`, as aws-sdk-s3's `Client::from_conf`.
    pub fn from_conf(config: Config) -> Self {
        Self::new(config)
    }

    /// The blocking face of an async client (sharing its connections and credentials).
    pub fn from_async(client: crate::Client) -> Self {
        Client {
            inner: client,
            mode: Blocking::default(),
        }
    }

    /// The configuration requests use.
    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// The async client, for the generated methods.
    pub(crate) fn client(&self) -> crate::Client {
        self.inner.clone()
    }

    /// The blocking mode, for the generated methods.
    pub(crate) fn mode(&self) -> Blocking {
        self.mode.clone()
    }
}

/// The transfer manager, blocking: the same builders as [`crate::Client`]'s, where
/// `send()` blocks until the transfer's outcome.
#[cfg(feature = "transfer")]
impl Client {
    /// See [`crate::Client::upload_file`].
    pub fn upload_file(
        &self,
        path: impl AsRef<std::path::Path>,
    ) -> crate::transfer::UploadFile<Blocking> {
        self.inner.upload_file(path).with_mode(self.mode.clone())
    }

    /// See [`crate::Client::upload`]; [`ByteStream::from_reader`] makes a body of a
    /// [`std::io::Read`].
    pub fn upload(&self, body: ByteStream) -> crate::transfer::Upload<Blocking> {
        self.inner.upload(body).with_mode(self.mode.clone())
    }

    /// See [`crate::Client::download_file`].
    pub fn download_file(
        &self,
        path: impl AsRef<std::path::Path>,
    ) -> crate::transfer::DownloadFile<Blocking> {
        self.inner.download_file(path).with_mode(self.mode.clone())
    }

    /// See [`crate::Client::copy`].
    pub fn copy(&self) -> crate::transfer::Copy<Blocking> {
        self.inner.copy().with_mode(self.mode.clone())
    }

    /// See [`crate::Client::upload_dir`].
    pub fn upload_dir(
        &self,
        dir: impl AsRef<std::path::Path>,
    ) -> crate::transfer::UploadDir<Blocking> {
        self.inner.upload_dir(dir).with_mode(self.mode.clone())
    }

    /// See [`crate::Client::download_dir`].
    pub fn download_dir(
        &self,
        dir: impl AsRef<std::path::Path>,
    ) -> crate::transfer::DownloadDir<Blocking> {
        self.inner.download_dir(dir).with_mode(self.mode.clone())
    }

    /// See [`crate::Client::transfer_batch`]; make the jobs with the async builders
    /// ([`Client::as_async`]), which the batch runs.
    pub fn transfer_batch(
        &self,
        jobs: impl IntoIterator<Item = crate::transfer::Job>,
    ) -> crate::transfer::Batch<Blocking> {
        self.inner.transfer_batch(jobs).with_mode(self.mode.clone())
    }
}

/// The blocking mode of a fluent builder or paginator: `send()` blocks the calling thread
/// on the client's runtime.
#[derive(Debug, Clone, Default)]
pub struct Blocking {
    runtime: Arc<LazyRuntime>,
}

/// A multi-threaded runtime, started on first use.
#[derive(Default)]
struct LazyRuntime(OnceLock<Result<tokio::runtime::Runtime, String>>);

impl std::fmt::Debug for LazyRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0.get() {
            None => "LazyRuntime(not started)",
            Some(Ok(_)) => "LazyRuntime(running)",
            Some(Err(_)) => "LazyRuntime(failed to start)",
        })
    }
}

impl Blocking {
    /// Runs `work` to its end on the client's runtime. Fails, without running it, when the
    /// runtime cannot start or when called from inside an async runtime (blocking there
    /// would stall that runtime's thread).
    pub(crate) fn run<T, E: BlockingFailure>(
        &self,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        self.block_on(work)
            .unwrap_or_else(|e| Err(E::blocking_failure(e)))
    }

    /// [`Self::run`] for work that cannot fail, with the reason it did not run.
    fn block_on<F: Future>(&self, work: F) -> Result<F::Output, String> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(
                "the blocking client was called from inside an async runtime; use the async client there"
                    .into(),
            );
        }
        Ok(self.runtime()?.block_on(work))
    }

    /// The client's runtime, started on first use.
    fn runtime(&self) -> Result<&tokio::runtime::Runtime, String> {
        let runtime = self.runtime.0.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("s3-client-blocking")
                .enable_all()
                .build()
                .map_err(|e| format!("the blocking client's runtime did not start: {e}"))
        });
        runtime.as_ref().map_err(Clone::clone)
    }

    /// Calls `f` inside the client's runtime, so that what it spawns runs there.
    #[cfg(feature = "transfer")]
    fn within<R>(&self, f: impl FnOnce() -> R) -> Result<R, String> {
        let _inside = self.runtime()?.enter();
        Ok(f())
    }

    /// Starts a transfer (`start` spawns it) on the client's runtime.
    #[cfg(feature = "transfer")]
    pub(crate) fn start<T>(
        &self,
        start: impl FnOnce() -> crate::transfer::TransferHandle<T>,
    ) -> Result<TransferHandle<T>, crate::transfer::TransferError> {
        let handle = self
            .within(start)
            .map_err(crate::transfer::TransferError::blocking_failure)?;
        Ok(TransferHandle {
            handle,
            mode: self.clone(),
        })
    }
}

/// A transfer running on the blocking client's runtime, from a builder's `start()`: its
/// progress, a way to cancel it, and [`wait`](Self::wait) for its outcome. Dropping the
/// handle leaves the transfer running.
#[cfg(feature = "transfer")]
#[must_use = "a transfer handle does nothing unless waited for, asked for progress or cancelled"]
pub struct TransferHandle<T> {
    handle: crate::transfer::TransferHandle<T>,
    mode: Blocking,
}

#[cfg(feature = "transfer")]
impl<T: Send + 'static> TransferHandle<T> {
    /// How far the transfer has got.
    pub fn progress(&self) -> crate::transfer::Progress {
        self.handle.progress()
    }

    /// Calls `f` (on the client's runtime) with the progress each time it changes, until
    /// the transfer ends.
    pub fn on_progress(&self, f: impl FnMut(&crate::transfer::Progress) + Send + 'static) {
        // The runtime is running: it started the transfer.
        let _ = self.mode.within(|| self.handle.on_progress(f));
    }

    /// Stops the transfer: requests in flight are dropped, a multipart upload is
    /// aborted, a partial download is deleted, and the outcome is a cancelled error.
    pub fn cancel(&self) {
        self.handle.cancel();
    }

    /// Whether the transfer has ended.
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Blocks until the transfer ends, and returns its outcome.
    pub fn wait(self) -> Result<T, crate::transfer::TransferError> {
        self.mode.run(self.handle)
    }
}

#[cfg(feature = "transfer")]
impl<T> std::fmt::Debug for TransferHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TransferHandle").field(&self.handle).finish()
    }
}

/// Errors that can say the blocking client could not run a request.
pub trait BlockingFailure {
    /// The error for `reason`.
    fn blocking_failure(reason: String) -> Self;
}

impl<E> BlockingFailure for SdkError<E> {
    fn blocking_failure(reason: String) -> Self {
        SdkError::ConstructionFailure(BuildError::new(reason))
    }
}

impl BlockingFailure for BuildError {
    fn blocking_failure(reason: String) -> Self {
        BuildError::new(reason)
    }
}

impl BlockingFailure for WaiterError {
    fn blocking_failure(reason: String) -> Self {
        WaiterError::not_run(reason)
    }
}

#[cfg(feature = "transfer")]
impl BlockingFailure for crate::transfer::TransferError {
    fn blocking_failure(reason: String) -> Self {
        crate::transfer::TransferError::invalid(reason)
    }
}

/// The blocking mode of a waiter: `wait()` blocks until the waiter's state is reached.
pub struct Waits<O: 'static, E: 'static> {
    pub(crate) waits: crate::fluent::Waits<O, E>,
    pub(crate) mode: Blocking,
}

impl<O, E> Waits<O, E> {
    /// The waiter's own defaults.
    pub(crate) fn new(waiter: &'static WaiterDef<O, E>, mode: Blocking) -> Self {
        Waits {
            waits: crate::fluent::Waits::new(waiter),
            mode,
        }
    }
}

impl<O, E> crate::fluent::WaitMode for Waits<O, E> {
    fn limits(&mut self) -> &mut crate::fluent::WaitLimits {
        &mut self.waits.limits
    }
}

impl<O, E> std::fmt::Debug for Waits<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waits").field("waits", &self.waits).finish()
    }
}

/// A stream of pages or items read one by one, each read blocking: what a paginator's
/// `send()` and `items().send()` return in blocking mode.
pub struct Iter<S> {
    stream: S,
    mode: Blocking,
    done: bool,
}

impl<S> Iter<S> {
    pub(crate) fn new(stream: S, mode: Blocking) -> Self {
        Iter {
            stream,
            mode,
            done: false,
        }
    }

    /// The iterator itself, so that `items().send()` reads as aws-sdk-s3 spells it.
    pub fn send(self) -> Self {
        self
    }
}

impl<S> std::fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter").field("done", &self.done).finish()
    }
}

impl<S, T, E> Iterator for Iter<S>
where
    S: Stream<Item = Result<T, SdkError<E>>> + Unpin,
{
    type Item = Result<T, SdkError<E>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut self.stream).poll_next(cx));
        match self.mode.block_on(next) {
            Ok(item) => {
                self.done = item.is_none();
                item
            }
            Err(reason) => {
                // Not run: say why once, then end.
                self.done = true;
                Some(Err(SdkError::blocking_failure(reason)))
            }
        }
    }
}

/// A response body read as [`std::io::Read`] and [`std::io::BufRead`], each read blocking
/// on the client's runtime: [`ByteStream::into_read`].
pub struct BodyReader {
    body: ByteStream,
    /// The runtime the body is read on; `None` for a body from elsewhere.
    mode: Option<Blocking>,
    chunk: Bytes,
    done: bool,
}

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader")
            .field("buffered", &self.chunk.len())
            .field("done", &self.done)
            .finish()
    }
}

impl ByteStream {
    /// The body as a [`std::io::Read`]: for bodies of responses to the blocking client,
    /// read on its runtime. A body from anywhere else reads as an error saying so (use
    /// [`ByteStream::into_async_read`] in async code).
    pub fn into_read(mut self) -> BodyReader {
        BodyReader {
            mode: self.blocking.take(),
            body: self,
            chunk: Bytes::new(),
            done: false,
        }
    }
}

impl BufRead for BodyReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.chunk.is_empty() && !self.done {
            let Some(mode) = &self.mode else {
                return Err(io::Error::other(
                    "this body is not from the blocking client: read it with into_async_read()",
                ));
            };
            match mode.block_on(self.body.next()).map_err(io::Error::other)? {
                Some(Ok(chunk)) => self.chunk = chunk,
                Some(Err(e)) => return Err(io::Error::other(e)),
                None => self.done = true,
            }
        }
        Ok(&self.chunk)
    }

    fn consume(&mut self, amount: usize) {
        self.chunk.advance(amount.min(self.chunk.len()));
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Marks a response body as read on the blocking client's runtime.
pub(crate) fn attach(body: &mut ByteStream, mode: &Blocking) {
    body.blocking = Some(mode.clone());
}
