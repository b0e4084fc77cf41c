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

/// Bins per window: a stall is seen at most a tenth of a window after it is complete.
const BINS: usize = 10;

/// Counts what moved in the trailing window, in bins of a tenth of it.
#[derive(Debug)]
struct Window {
    /// Bytes per bin; `current` is the bin being filled, the other `BINS` are complete.
    bins: [u64; BINS + 1],
    current: usize,
    /// When the current bin started.
    bin_start: Instant,
    /// Complete bins seen so far, up to `BINS`.
    complete: usize,
}

impl Window {
    fn new(now: Instant) -> Self {
        Window {
            bins: [0; BINS + 1],
            current: 0,
            bin_start: now,
            complete: 0,
        }
    }

    fn bin_len(rule: StallRule) -> Duration {
        (rule.window / BINS as u32).max(Duration::from_millis(1))
    }

    fn add(&mut self, n: u64) {
        self.bins[self.current] += n;
    }

    /// Moves on to the bin `now` falls in.
    fn advance(&mut self, now: Instant, rule: StallRule) {
        let len = Self::bin_len(rule);
        let mut steps = 0;
        while now >= self.bin_start + len {
            steps += 1;
            if steps > BINS + 1 {
                // A long quiet gap: every bin is empty; skip to the bin `now` is in.
                let gaps = now.saturating_duration_since(self.bin_start).as_nanos()
                    / len.as_nanos().max(1);
                self.bin_start += len * u32::try_from(gaps).unwrap_or(u32::MAX);
                continue;
            }
            self.current = (self.current + 1) % (BINS + 1);
            self.bins[self.current] = 0;
            self.bin_start += len;
            self.complete = (self.complete + 1).min(BINS);
        }
    }

    /// When the current bin ends: the next moment a stall can be seen.
    fn next_check(&self, rule: StallRule) -> Instant {
        self.bin_start + Self::bin_len(rule)
    }

    /// Shifts the bins by time that does not count (a reader away).
    fn pause(&mut self, away: Duration) {
        self.bin_start += away;
    }

    /// An error when, over the last complete window, too little moved.
    fn roll(
        &mut self,
        now: Instant,
        rule: StallRule,
        direction: &'static str,
    ) -> Result<(), Stalled> {
        self.advance(now, rule);
        if self.complete < BINS {
            return Ok(());
        }
        let moved: u64 = (0..=BINS)
            .filter(|i| *i != self.current)
            .map(|i| self.bins[i])
            .sum();
        if moved < rule.min_bytes {
            return Err(Stalled {
                direction,
                moved,
                window: rule.window,
                min: rule.min_bytes,
            });
        }
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
            self.window.pause(now.saturating_duration_since(away));
        }
        match self.body.poll_chunk(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.window.advance(now, rule);
                self.window.add(chunk.len() as u64);
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
                    let deadline = self.window.next_check(rule);
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

    /// Reads the whole body, failing once it exceeds `limit` bytes; `expected` (the
    /// declared length, when there is one) sizes the buffer once. A body that arrives in
    /// one piece is not copied.
    pub(crate) async fn read_to_limit(
        mut self,
        limit: u64,
        expected: Option<u64>,
    ) -> Result<Bytes, ReadError> {
        let mut first: Option<Bytes> = None;
        let mut buf = bytes::BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| self.poll_chunk(cx)).await {
            let chunk = chunk.map_err(ReadError::Body)?;
            let held = first.as_ref().map_or(0, Bytes::len) + buf.len();
            if (held + chunk.len()) as u64 > limit {
                return Err(ReadError::TooLarge);
            }
            match first.take() {
                None if buf.is_empty() => first = Some(chunk),
                earlier => {
                    if let Some(earlier) = earlier {
                        let size = expected.unwrap_or(0).min(limit).max(held as u64 * 2);
                        buf.reserve(size as usize);
                        buf.extend_from_slice(&earlier);
                    }
                    buf.extend_from_slice(&chunk);
                }
            }
        }
        Ok(first.unwrap_or_else(|| buf.freeze()))
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
    /// Signalled when the body starts and when it is all sent.
    changed: Notify,
}

#[derive(Debug)]
struct UploadState {
    started: Option<Instant>,
    finished: Option<Instant>,
    window: Window,
    rule: Option<StallRule>,
}

impl Upload {
    /// An upload judged by `rule`, when stalled-stream protection is on.
    pub(crate) fn new(rule: Option<StallRule>) -> Self {
        Upload {
            state: Mutex::new(UploadState {
                started: None,
                finished: None,
                window: Window::new(Instant::now()),
                rule,
            }),
            changed: Notify::new(),
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
    pub(crate) async fn watch(&self, begun: Instant, budget: Option<Duration>) -> Expired {
        loop {
            let now = Instant::now();
            let (sending, window_end) = self.with(|st| {
                let sending = st.started.is_some() && st.finished.is_none();
                match st.rule {
                    Some(rule) if sending => match st.window.roll(now, rule, "request body") {
                        Err(s) => (sending, Some(Err(s))),
                        Ok(()) => (sending, Some(Ok(st.window.next_check(rule)))),
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
                    () = self.changed.notified() => {}
                },
                None => self.changed.notified().await,
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
        // The watchdog switches from the deadline to watching the body.
        self.changed.notify_one();
    }

    fn sent(&self, n: usize) {
        let now = Instant::now();
        self.with(|st| {
            if let Some(rule) = st.rule {
                st.window.advance(now, rule);
            }
            st.window.add(n as u64);
        });
    }

    fn finished(&self) {
        let now = Instant::now();
        self.with(|st| st.finished = Some(now));
        self.changed.notify_one();
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
    async fn windows_judge_the_trailing_period() {
        let rule = StallRule::new(1, Duration::from_secs(20));
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let mut w = Window::new(t0);
        w.add(100);
        // A full window has not passed yet: nothing to judge.
        assert!(w.roll(at(19), rule, "x").is_ok());
        // The last complete window, [0, 20), holds the 100 bytes.
        assert!(w.roll(at(21), rule, "x").is_ok());
        // [2, 22) holds nothing: stalled one bin after the window closed.
        let err = w.roll(at(22), rule, "x").unwrap_err();
        assert_eq!((err.moved, err.min), (0, 20));

        // A slow trickle below the rate is a stall; one at the rate is not.
        let mut slow = Window::new(t0);
        let mut fast = Window::new(t0);
        for s in 0..60 {
            slow.advance(at(s), rule);
            fast.advance(at(s), rule);
            if s % 4 == 0 {
                slow.add(3);
            }
            fast.add(1);
            assert!(fast.roll(at(s), rule, "x").is_ok(), "{s}");
        }
        assert!(slow.roll(at(60), rule, "x").is_err());
        // Time away does not count: after an hour paused, the window starts again.
        let mut away = Window::new(t0);
        away.add(100);
        away.pause(Duration::from_secs(3600));
        assert!(away.roll(at(3610), rule, "x").is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn upload_watchdog() {
        let rule = Some(StallRule::new(1, Duration::from_secs(20)));
        // No body: the budget runs from the start.
        let up = Upload::new(rule);
        let begun = Instant::now();
        assert!(matches!(
            up.watch(begun, Some(Duration::from_secs(60))).await,
            Expired::Timeout(_)
        ));
        assert_eq!(begun.elapsed(), Duration::from_secs(60));

        // A body that keeps moving for 100 s is not counted; the budget starts after it.
        let up = std::sync::Arc::new(Upload::new(rule));
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
        let expired = up.watch(begun, Some(Duration::from_secs(5))).await;
        feeder.await.unwrap();
        assert!(matches!(expired, Expired::Timeout(_)));
        assert_eq!(begun.elapsed(), Duration::from_secs(105));

        // A body that stops moving stalls once a window has passed without enough.
        let up = Upload::new(rule);
        let begun = Instant::now();
        up.started();
        up.sent(5);
        match up.watch(begun, Some(Duration::from_secs(60))).await {
            Expired::Stalled(s) => assert_eq!((s.moved, s.direction), (5, "request body")),
            other => panic!("{other:?}"),
        }
        assert_eq!(begun.elapsed(), Duration::from_secs(20));
    }
}
