//! Stalled-stream protection and the attempt deadline.
//!
//! A body that moves fewer than `min_bytes` in a `window` fails, in both directions. The
//! time a download's reader spends away (not asking for data) is not counted against the
//! server. The attempt deadline bounds how long an attempt waits for the server: the
//! time spent sending a request body that keeps moving does not count, so a large upload
//! that keeps going is never cut off.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

use super::http::{BodyObserver, ResponseBody, TransportError};

/// The least a body must move: `min_bytes` in every `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StallRule {
    pub(crate) window: Duration,
    pub(crate) min_bytes: u64,
}

impl StallRule {
    /// The rule for a minimum rate in bytes per second over a grace period.
    pub(crate) fn new(min_per_second: u64, grace: Duration) -> StallRule {
        let secs = grace.as_secs_f64().max(0.001);
        StallRule {
            window: grace,
            min_bytes: ((min_per_second as f64) * secs).ceil().max(1.0) as u64,
        }
    }
}

/// A body moved too little for too long.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the {direction} stalled: {moved} bytes in {window:?}, fewer than the {min} bytes stalled-stream protection requires"
)]
pub(crate) struct Stalled {
    pub(crate) direction: &'static str,
    pub(crate) moved: u64,
    pub(crate) window: Duration,
    pub(crate) min: u64,
}

/// Why a body read failed.
#[derive(Debug)]
pub(crate) enum BodyError {
    Transport(TransportError),
    Stalled(Stalled),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Transport(e) => write!(f, "the response body broke off: {e}"),
            BodyError::Stalled(s) => s.fmt(f),
        }
    }
}

impl std::error::Error for BodyError {}

/// Counts what moved in the current window.
#[derive(Debug)]
struct Window {
    start: Instant,
    bytes: u64,
}

impl Window {
    fn new(now: Instant) -> Self {
        Window {
            start: now,
            bytes: 0,
        }
    }

    /// Closes the window if it has run its length: an error when too little moved in it.
    fn roll(
        &mut self,
        now: Instant,
        rule: StallRule,
        direction: &'static str,
    ) -> Result<(), Stalled> {
        if now < self.start + rule.window {
            return Ok(());
        }
        if self.bytes < rule.min_bytes {
            return Err(Stalled {
                direction,
                moved: self.bytes,
                window: rule.window,
                min: rule.min_bytes,
            });
        }
        *self = Window::new(now);
        Ok(())
    }
}

/// A response body read under stalled-stream protection.
pub(crate) struct GuardedBody {
    body: ResponseBody,
    rule: Option<StallRule>,
    window: Window,
    /// When the last chunk was handed out: the reader's time away is not the server's.
    away_since: Option<Instant>,
    timer: Option<Pin<Box<Sleep>>>,
}

impl GuardedBody {
    pub(crate) fn new(body: ResponseBody, rule: Option<StallRule>) -> Self {
        GuardedBody {
            body,
            rule,
            window: Window::new(Instant::now()),
            away_since: None,
            timer: None,
        }
    }

    /// The next chunk, `None` at the end.
    pub(crate) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, BodyError>>> {
        let Some(rule) = self.rule else {
            return self.body.poll_chunk(cx).map_err(BodyError::Transport);
        };
        let now = Instant::now();
        if let Some(away) = self.away_since.take() {
            self.window.start += now.saturating_duration_since(away);
        }
        match self.body.poll_chunk(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.window.bytes += chunk.len() as u64;
                if let Err(s) = self.window.roll(now, rule, "response body") {
                    return Poll::Ready(Some(Err(BodyError::Stalled(s))));
                }
                self.away_since = Some(now);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(BodyError::Transport(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                // Waiting on the server: wake up when the window closes to judge it.
                loop {
                    if let Err(s) = self.window.roll(Instant::now(), rule, "response body") {
                        return Poll::Ready(Some(Err(BodyError::Stalled(s))));
                    }
                    let deadline = self.window.start + rule.window;
                    let timer = self
                        .timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                    if timer.deadline() != deadline {
                        timer.as_mut().reset(deadline);
                    }
                    if timer.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
            }
        }
    }

    /// Reads the whole body, failing once it exceeds `limit` bytes.
    pub(crate) async fn read_to_limit(mut self, limit: u64) -> Result<Bytes, ReadError> {
        let mut buf = bytes::BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| self.poll_chunk(cx)).await {
            let chunk = chunk.map_err(ReadError::Body)?;
            if (buf.len() + chunk.len()) as u64 > limit {
                return Err(ReadError::TooLarge);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }

    /// Reads at most `limit` bytes of the body; whether there was more (left unread).
    pub(crate) async fn read_prefix(mut self, limit: usize) -> Result<(Bytes, bool), BodyError> {
        let mut buf = bytes::BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| self.poll_chunk(cx)).await {
            let chunk = chunk?;
            let room = limit - buf.len();
            if chunk.len() > room {
                buf.extend_from_slice(&chunk[..room]);
                return Ok((buf.freeze(), true));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok((buf.freeze(), false))
    }
}

impl futures_core::Stream for GuardedBody {
    type Item = Result<Bytes, BodyError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_chunk(cx)
    }
}

/// A buffered body could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    Body(BodyError),
    /// More than the limit.
    TooLarge,
}

/// How an attempt ran out of time.
#[derive(Debug, Clone)]
pub(crate) enum Expired {
    /// The server did not answer within the budget.
    Timeout(Duration),
    /// The request body stalled.
    Stalled(Stalled),
}

/// Tracks a request body as the transport pulls it, for the attempt's watchdog.
#[derive(Debug)]
pub(crate) struct Upload {
    state: Mutex<UploadState>,
    finished: Notify,
}

#[derive(Debug)]
struct UploadState {
    started: Option<Instant>,
    finished: Option<Instant>,
    window: Window,
}

impl Upload {
    pub(crate) fn new() -> Self {
        Upload {
            state: Mutex::new(UploadState {
                started: None,
                finished: None,
                window: Window::new(Instant::now()),
            }),
            finished: Notify::new(),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut UploadState) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-update of plain numbers.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut state)
    }

    /// Time spent waiting for the server since `begun`: everything but sending the body.
    pub(crate) fn waited(&self, begun: Instant, now: Instant) -> Duration {
        self.with(|st| {
            let sending = match (st.started, st.finished) {
                (Some(s), Some(f)) => f.saturating_duration_since(s),
                (Some(s), None) => now.saturating_duration_since(s),
                _ => Duration::ZERO,
            };
            now.saturating_duration_since(begun).saturating_sub(sending)
        })
    }

    /// Resolves when the attempt has waited `budget` for the server (never, without one),
    /// or the body stalls under `rule`.
    pub(crate) async fn watch(
        &self,
        begun: Instant,
        budget: Option<Duration>,
        rule: Option<StallRule>,
    ) -> Expired {
        loop {
            let now = Instant::now();
            let (sending, window_end) = self.with(|st| {
                let sending = st.started.is_some() && st.finished.is_none();
                match rule {
                    Some(rule) if sending => match st.window.roll(now, rule, "request body") {
                        Err(s) => (sending, Some(Err(s))),
                        Ok(()) => (sending, Some(Ok(st.window.start + rule.window))),
                    },
                    _ => (sending, None),
                }
            });
            // While the body moves, the deadline does not run: check the body's window.
            // Otherwise sleep until the budget is spent.
            let next = match window_end {
                Some(Err(stalled)) => return Expired::Stalled(stalled),
                Some(Ok(at)) => Some(at),
                None if sending => None,
                None => match budget {
                    None => None,
                    Some(budget) => {
                        let waited = self.waited(begun, now);
                        if waited >= budget {
                            return Expired::Timeout(budget);
                        }
                        Some(now + (budget - waited))
                    }
                },
            };
            match next {
                Some(at) => tokio::select! {
                    () = tokio::time::sleep_until(at) => {}
                    () = self.finished.notified() => {}
                },
                None => self.finished.notified().await,
            }
        }
    }
}

impl BodyObserver for Upload {
    fn started(&self) {
        let now = Instant::now();
        self.with(|st| {
            st.started = Some(now);
            st.window = Window::new(now);
        });
    }

    fn sent(&self, n: usize) {
        self.with(|st| st.window.bytes += n as u64);
    }

    fn finished(&self) {
        let now = Instant::now();
        self.with(|st| st.finished = Some(now));
        self.finished.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_from_rates() {
        let r = StallRule::new(1, Duration::from_secs(20));
        assert_eq!((r.window, r.min_bytes), (Duration::from_secs(20), 20));
        assert_eq!(StallRule::new(0, Duration::from_secs(5)).min_bytes, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn windows_judge_what_moved() {
        let rule = StallRule::new(1, Duration::from_secs(20));
        let t0 = Instant::now();
        let mut w = Window::new(t0);
        w.bytes = 19;
        assert!(w.roll(t0 + Duration::from_secs(19), rule, "x").is_ok());
        let err = w.roll(t0 + Duration::from_secs(20), rule, "x").unwrap_err();
        assert_eq!((err.moved, err.min), (19, 20));
        w.bytes = 20;
        assert!(w.roll(t0 + Duration::from_secs(20), rule, "x").is_ok());
        assert_eq!((w.start, w.bytes), (t0 + Duration::from_secs(20), 0));
    }

    #[tokio::test(start_paused = true)]
    async fn upload_watchdog() {
        let rule = Some(StallRule::new(1, Duration::from_secs(20)));
        // No body: the budget runs from the start.
        let up = Upload::new();
        let begun = Instant::now();
        assert!(matches!(
            up.watch(begun, Some(Duration::from_secs(60)), rule).await,
            Expired::Timeout(_)
        ));
        assert_eq!(begun.elapsed(), Duration::from_secs(60));

        // A body that keeps moving for 100 s is not counted; the budget starts after it.
        let up = std::sync::Arc::new(Upload::new());
        let begun = Instant::now();
        let feeder = {
            let up = up.clone();
            tokio::spawn(async move {
                up.started();
                for _ in 0..100 {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    up.sent(10);
                }
                up.finished();
            })
        };
        let expired = up.watch(begun, Some(Duration::from_secs(5)), rule).await;
        feeder.await.unwrap();
        assert!(matches!(expired, Expired::Timeout(_)));
        assert_eq!(begun.elapsed(), Duration::from_secs(105));

        // A body that stops moving stalls at the end of its window.
        let up = Upload::new();
        let begun = Instant::now();
        up.started();
        up.sent(5);
        match up.watch(begun, Some(Duration::from_secs(60)), rule).await {
            Expired::Stalled(s) => assert_eq!((s.moved, s.direction), (5, "request body")),
            other => panic!("{other:?}"),
        }
        assert_eq!(begun.elapsed(), Duration::from_secs(20));
    }
}
