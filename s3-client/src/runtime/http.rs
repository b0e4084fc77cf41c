//! The HTTP transport: the one module that knows the HTTP library (hyper, through
//! hyper-util's pooled client) and proxies; TLS is in [`super::tls`].
//!
//! Requests go out exactly as built: the URI's path is never parsed into a URL and
//! normalised, so keys with `.`, `..` or empty segments reach S3 unchanged. Redirects are
//! never followed (hyper does not follow them). Proxies come from `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as curl reads them.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body::{Body, Frame, SizeHint};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::Client as Pool;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpStream;

use super::tls::{Tls, TlsStream};
use crate::config::TlsSettings;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request body as the transport sends it: chunks pulled from a stream, with its
/// length when known.
pub(crate) type BodyStream = crate::body::Chunks;

/// Why the transport failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportFailure {
    /// No connection could be opened (refused, unresolvable, TLS handshake failed); the
    /// request was not sent.
    Connect,
    /// Opening the connection took longer than the connect timeout.
    ConnectTimeout,
    /// The connection broke while the request was sent or the response read (reset,
    /// closed early, malformed response head).
    Io,
}

/// A transport error and what kind it is.
#[derive(Debug)]
pub(crate) struct TransportError {
    pub(crate) kind: TransportFailure,
    pub(crate) source: BoxError,
}

impl TransportError {
    fn new(kind: TransportFailure, source: impl Into<BoxError>) -> Self {
        TransportError {
            kind,
            source: source.into(),
        }
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The source chain of hyper's errors says the useful part at the bottom.
        let mut text = self.source.to_string();
        let mut cause = self.source.source();
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        f.write_str(&text)
    }
}

impl std::error::Error for TransportError {}

/// The connect timeout elapsed.
#[derive(Debug, thiserror::Error)]
#[error("could not connect within {0:?}")]
struct ConnectTimedOut(Duration);

/// The pooled HTTP/1.1 client.
#[derive(Clone)]
pub(crate) struct Transport {
    pool: Pool<Connector, RequestBody>,
    proxies: Arc<Matcher>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("proxies", &self.proxies)
            .finish()
    }
}

/// How connections are made: what the configuration says about TLS, name resolution
/// and connecting.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) connect_timeout: Duration,
    pub(crate) tls: TlsSettings,
    /// Host names that resolve to a fixed address, as curl's `--resolve`.
    pub(crate) resolve: Vec<(String, SocketAddr)>,
}

impl Transport {
    /// A transport whose connections open within `connect_timeout`, with the system's
    /// roots and proxies from the environment.
    #[cfg(test)]
    pub(crate) fn new(connect_timeout: Duration) -> Transport {
        Self::with_settings(&Settings {
            connect_timeout,
            ..Settings::default()
        })
    }

    /// A transport made as `settings` say, with proxies from the environment.
    pub(crate) fn with_settings(settings: &Settings) -> Transport {
        let resolver = Resolver {
            fixed: Arc::new(settings.resolve.clone()),
            system: GaiResolver::new(),
        };
        let mut tcp = HttpConnector::new_with_resolver(resolver);
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let proxies = Arc::new(Matcher::from_env());
        let tls = Tls::new(&settings.tls);
        let connector = Connector {
            tcp,
            proxies: proxies.clone(),
            connect_timeout: settings.connect_timeout,
            tls,
        };
        let pool = Pool::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        Transport { pool, proxies }
    }

    /// Sends `request` and waits for the response head.
    pub(crate) async fn send(
        &self,
        mut request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        // A plain-HTTP request through a proxy carries the proxy's credentials itself
        // (HTTPS tunnels send them in CONNECT).
        if request.uri().scheme() == Some(&http::uri::Scheme::HTTP)
            && let Some(auth) = self
                .proxies
                .intercept(request.uri())
                .and_then(|p| p.basic_auth().cloned())
        {
            request
                .headers_mut()
                .insert(http::header::PROXY_AUTHORIZATION, auth);
        }
        match self.pool.request(request).await {
            Ok(response) => Ok(response.map(ResponseBody)),
            Err(e) => {
                let kind = if find::<ConnectTimedOut>(&e) {
                    TransportFailure::ConnectTimeout
                } else if e.is_connect() {
                    TransportFailure::Connect
                } else {
                    TransportFailure::Io
                };
                Err(TransportError::new(kind, e))
            }
        }
    }
}

/// Whether `T` is somewhere in the source chain of `error`.
fn find<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(c) = cause {
        if c.is::<T>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// A response body, read chunk by chunk.
pub(crate) struct ResponseBody(hyper::body::Incoming);

impl ResponseBody {
    /// The next chunk of data, `None` at the end; a broken or short body is an error.
    pub(crate) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, TransportError>>> {
        loop {
            match Pin::new(&mut self.0).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => return Poll::Ready(Some(Ok(data))),
                    // Trailers: nothing S3 sends that the client reads.
                    Err(_) => continue,
                },
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Some(Err(TransportError::new(TransportFailure::Io, e))));
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// How much of an in-memory body is handed to the transport at a time.
const FULL_BODY_SLICE: usize = 64 * 1024;

/// Observes a request body as the transport pulls it (stalled-stream protection).
pub(crate) trait BodyObserver: Send + Sync {
    /// The transport asked for the first chunk.
    fn started(&self);
    /// `n` more bytes were handed to the transport.
    fn sent(&self, n: usize);
    /// The whole body was handed to the transport.
    fn finished(&self);
}

/// A request body in the form hyper sends.
pub(crate) struct RequestBody {
    data: BodyData,
    observer: Option<Arc<dyn BodyObserver>>,
    started: bool,
    finished: bool,
}

enum BodyData {
    Full(Option<Bytes>),
    Stream {
        stream: BodyStream,
        /// Bytes still to come, when the length is known.
        remaining: Option<u64>,
    },
}

impl RequestBody {
    /// A body held in memory.
    pub(crate) fn full(bytes: Bytes) -> Self {
        Self::new(BodyData::Full((!bytes.is_empty()).then_some(bytes)))
    }

    /// A body streamed from `stream`, `length` bytes long when known.
    pub(crate) fn stream(stream: BodyStream, length: Option<u64>) -> Self {
        Self::new(BodyData::Stream {
            stream,
            remaining: length,
        })
    }

    fn new(data: BodyData) -> Self {
        RequestBody {
            data,
            observer: None,
            started: false,
            finished: false,
        }
    }

    /// Reports progress to `observer` as the body is sent.
    pub(crate) fn observed(mut self, observer: Arc<dyn BodyObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Whether everything has been handed over (hyper may not ask again once it knows).
    fn exhausted(&self) -> bool {
        match &self.data {
            BodyData::Full(bytes) => bytes.is_none(),
            BodyData::Stream { remaining, .. } => *remaining == Some(0),
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if !this.started {
            this.started = true;
            if let Some(o) = &this.observer {
                o.started();
            }
        }
        let next = match &mut this.data {
            // Handed over a slice at a time, so that what the transport takes follows what
            // the connection accepts (stalled-stream protection measures it).
            BodyData::Full(bytes) => {
                let chunk = bytes
                    .as_mut()
                    .map(|b| b.split_to(b.len().min(FULL_BODY_SLICE)));
                if bytes.as_ref().is_some_and(Bytes::is_empty) {
                    *bytes = None;
                }
                Poll::Ready(chunk.map(Ok))
            }
            BodyData::Stream { stream, remaining } => {
                let next = stream.as_mut().poll_next(cx);
                if let (Poll::Ready(Some(Ok(chunk))), Some(left)) = (&next, remaining.as_mut()) {
                    *left = left.saturating_sub(chunk.len() as u64);
                }
                next
            }
        };
        let done = match &next {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(o) = &this.observer {
                    o.sent(chunk.len());
                }
                this.exhausted()
            }
            Poll::Ready(None) => true,
            _ => false,
        };
        if done && !this.finished {
            this.finished = true;
            if let Some(o) = &this.observer {
                o.finished();
            }
        }
        next.map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        self.exhausted()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.data {
            BodyData::Full(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            BodyData::Stream {
                remaining: Some(n), ..
            } => SizeHint::with_exact(*n),
            BodyData::Stream {
                remaining: None, ..
            } => SizeHint::default(),
        }
    }
}

/// Opens connections: directly, through an HTTP proxy, or through a CONNECT tunnel for
/// HTTPS behind a proxy; TLS on top for `https`.
#[derive(Clone)]
struct Connector {
    tcp: HttpConnector<Resolver>,
    proxies: Arc<Matcher>,
    connect_timeout: Duration,
    tls: Tls,
}

/// Resolves host names: fixed answers first, the system's resolver otherwise.
#[derive(Clone)]
struct Resolver {
    fixed: Arc<Vec<(String, SocketAddr)>>,
    system: GaiResolver,
}

impl tower_service::Service<Name> for Resolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let fixed = self
            .fixed
            .iter()
            .find(|(host, _)| host.eq_ignore_ascii_case(name.as_str()))
            .map(|(_, addr)| *addr);
        let mut system = self.system.clone();
        Box::pin(async move {
            if let Some(addr) = fixed {
                return Ok(vec![addr].into_iter());
            }
            let addrs = tower_service::Service::call(&mut system, name).await?;
            Ok(addrs.collect::<Vec<_>>().into_iter())
        })
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let limit = this.connect_timeout;
            match tokio::time::timeout(limit, this.connect(uri)).await {
                Ok(result) => result,
                Err(_) => Err(Box::new(ConnectTimedOut(limit)) as BoxError),
            }
        })
    }
}

impl Connector {
    async fn connect(mut self, uri: Uri) -> Result<Conn, BoxError> {
        use tower_service::Service;
        let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
        let (tcp, proxied) = match self.proxies.intercept(&uri) {
            None => (self.tcp.call(uri.clone()).await?, false),
            Some(proxy) if !https => (self.tcp.call(proxy.uri().clone()).await?, true),
            Some(proxy) => {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), self.tcp.clone());
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                (tunnel.call(uri.clone()).await?, false)
            }
        };
        let tcp = tcp.into_inner();
        if !https {
            return Ok(Conn::Plain(TokioIo::new(tcp), proxied));
        }
        let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
        let tls = self.tls.connect(host, tcp).await?;
        Ok(Conn::Tls(Box::new(TokioIo::new(tls))))
    }
}

/// An open connection: plain TCP (to the server or to a proxy) or TLS.
enum Conn {
    Plain(TokioIo<TcpStream>, bool),
    Tls(Box<TokioIo<TlsStream>>),
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        match self {
            Conn::Plain(_, proxied) => Connected::new().proxy(*proxied),
            Conn::Tls(_) => Connected::new(),
        }
    }
}

impl Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(io, _) => Pin::new(io).poll_read(cx, buf),
            Conn::Tls(io) => Pin::new(io.as_mut()).poll_read(cx, buf),
        }
    }
}

impl Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(io, _) => Pin::new(io).poll_write(cx, buf),
            Conn::Tls(io) => Pin::new(io.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(io, _) => Pin::new(io).poll_flush(cx),
            Conn::Tls(io) => Pin::new(io.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(io, _) => Pin::new(io).poll_shutdown(cx),
            Conn::Tls(io) => Pin::new(io.as_mut()).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(io, _) => Pin::new(io).poll_write_vectored(cx, bufs),
            Conn::Tls(io) => Pin::new(io.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Plain(io, _) => io.is_write_vectored(),
            Conn::Tls(io) => io.is_write_vectored(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeouts_are_found_in_the_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] ConnectTimedOut);
        let e = Outer(ConnectTimedOut(Duration::from_secs(3)));
        assert!(find::<ConnectTimedOut>(&e));
        assert!(!find::<std::fmt::Error>(&e));
    }

    #[test]
    fn body_size_hints() {
        let full = RequestBody::full(Bytes::from_static(b"abc"));
        assert_eq!(full.size_hint().exact(), Some(3));
        let empty = RequestBody::full(Bytes::new());
        assert!(empty.is_end_stream());
        let stream = RequestBody::stream(Box::pin(futures_util::stream::empty()), None);
        assert_eq!(stream.size_hint().exact(), None);
    }
}
