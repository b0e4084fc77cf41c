//! A connection limited to a number of bytes per second each way, as S3 limits each
//! connection: what shows that a transfer's throughput grows with its connections.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// Bytes a direction may move now; refilled at the rate, with at most 50 ms saved up.
struct Budget {
    rate: u64,
    allowance: f64,
    last: Instant,
    wait: Option<Pin<Box<Sleep>>>,
}

impl Budget {
    fn new(rate: u64) -> Budget {
        Budget {
            rate,
            allowance: 0.0,
            last: Instant::now(),
            wait: None,
        }
    }

    /// How many bytes may go now (at most `want`), or `Pending` until some may.
    fn take(&mut self, cx: &mut Context<'_>, want: usize) -> Poll<usize> {
        if self.rate == 0 {
            return Poll::Ready(want);
        }
        if let Some(wait) = &mut self.wait {
            if wait.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.wait = None;
        }
        let now = Instant::now();
        let burst = self.rate as f64 / 20.0;
        self.allowance = (self.allowance
            + now.duration_since(self.last).as_secs_f64() * self.rate as f64)
            .min(burst);
        self.last = now;
        if self.allowance < 1.0 {
            let missing = (burst / 4.0).max(1.0) - self.allowance;
            let mut wait = Box::pin(tokio::time::sleep(Duration::from_secs_f64(
                missing / self.rate as f64,
            )));
            if wait.as_mut().poll(cx).is_pending() {
                self.wait = Some(wait);
                return Poll::Pending;
            }
            return self.take(cx, want);
        }
        Poll::Ready(want.min(self.allowance as usize).max(1))
    }

    fn spend(&mut self, n: usize) {
        if self.rate > 0 {
            self.allowance -= n as f64;
        }
    }
}

/// A TCP connection with each direction held to a rate.
pub struct Capped {
    inner: TcpStream,
    read: Budget,
    write: Budget,
    scratch: Vec<u8>,
}

impl Capped {
    /// At most `rate` bytes per second each way.
    pub fn new(inner: TcpStream, rate: u64) -> Capped {
        Capped {
            inner,
            read: Budget::new(rate),
            write: Budget::new(rate),
            scratch: Vec::new(),
        }
    }

    /// No limit.
    pub fn unlimited(inner: TcpStream) -> Capped {
        Capped::new(inner, 0)
    }
}

impl AsyncRead for Capped {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let Poll::Ready(n) = this.read.take(cx, buf.remaining()) else {
            return Poll::Pending;
        };
        if n >= buf.remaining() {
            let before = buf.filled().len();
            let result = Pin::new(&mut this.inner).poll_read(cx, buf);
            this.read.spend(buf.filled().len() - before);
            return result;
        }
        this.scratch.resize(n, 0);
        let mut part = ReadBuf::new(&mut this.scratch[..n]);
        let result = Pin::new(&mut this.inner).poll_read(cx, &mut part);
        if let Poll::Ready(Ok(())) = &result {
            buf.put_slice(part.filled());
            this.read.spend(part.filled().len());
        }
        result
    }
}

impl AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let Poll::Ready(n) = this.write.take(cx, data.len()) else {
            return Poll::Pending;
        };
        let result = Pin::new(&mut this.inner).poll_write(cx, &data[..n]);
        if let Poll::Ready(Ok(written)) = &result {
            this.write.spend(*written);
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
