//! Progress and control of a running transfer: the counters its tasks update, and the
//! handle the caller holds.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::cancel::Cancel;
use super::{Ctx, TransferError, TransferErrorKind};
use crate::body::Meter;

/// How far a transfer has got.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes sent or received so far (bytes of an attempt that failed are taken back
    /// when it is retried).
    pub bytes: u64,
    /// All the bytes, once known.
    pub total_bytes: Option<u64>,
    /// Parts completed.
    pub parts: u64,
    /// All the parts, once known.
    pub total_parts: Option<u64>,
    /// Objects completed (directory and batch transfers).
    pub objects: u64,
    /// Objects that failed (directory and batch transfers).
    pub failed_objects: u64,
    /// All the objects, once known (directory and batch transfers).
    pub total_objects: Option<u64>,
    /// Time since the transfer started.
    pub elapsed: Duration,
}

impl Progress {
    /// Bytes per second since the start.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.bytes as f64 / secs
        } else {
            0.0
        }
    }

    /// The share done, from 0 to 1, once the total is known.
    pub fn fraction(&self) -> Option<f64> {
        let total = self.total_bytes?;
        Some(if total == 0 {
            1.0
        } else {
            (self.bytes as f64 / total as f64).min(1.0)
        })
    }
}

/// The counters of one transfer. A child (one object of a batch) adds its bytes to its
/// parent's as well.
pub(crate) struct Tracker {
    tx: watch::Sender<Progress>,
    started: Instant,
    parent: Option<Arc<Tracker>>,
    /// Whether the parent's total is the sum of its children's (it is unless the parent
    /// knew its total from the start).
    totals_add_up: bool,
}

impl Tracker {
    pub(crate) fn root() -> Arc<Tracker> {
        Arc::new(Tracker {
            tx: watch::Sender::new(Progress::default()),
            started: Instant::now(),
            parent: None,
            totals_add_up: false,
        })
    }

    pub(crate) fn child(self: &Arc<Self>) -> Arc<Tracker> {
        Arc::new(Tracker {
            tx: watch::Sender::new(Progress::default()),
            started: Instant::now(),
            parent: Some(self.clone()),
            totals_add_up: self.tx.borrow().total_bytes.is_none(),
        })
    }

    fn update(&self, f: impl FnOnce(&mut Progress)) {
        self.tx.send_modify(f);
    }

    /// `n` more bytes moved (negative: taken back for a retry).
    pub(crate) fn bytes(&self, n: i64) {
        self.update(|p| p.bytes = p.bytes.saturating_add_signed(n));
        if let Some(parent) = &self.parent {
            parent.bytes(n);
        }
    }

    pub(crate) fn set_total_bytes(&self, total: u64) {
        let mut before = None;
        self.update(|p| before = p.total_bytes.replace(total));
        if let Some(parent) = self.parent.as_ref().filter(|_| self.totals_add_up) {
            parent.add_total_bytes(total as i64 - before.unwrap_or(0) as i64);
        }
    }

    pub(crate) fn set_total_parts(&self, total: u64) {
        self.update(|p| p.total_parts = Some(total));
    }

    pub(crate) fn part_done(&self) {
        self.update(|p| p.parts += 1);
    }

    pub(crate) fn set_total_objects(&self, total: u64) {
        self.update(|p| p.total_objects = Some(total));
    }

    fn add_total_bytes(&self, n: i64) {
        self.update(|p| p.total_bytes = Some(p.total_bytes.unwrap_or(0).saturating_add_signed(n)));
    }

    pub(crate) fn object_done(&self, ok: bool) {
        self.update(|p| {
            if ok {
                p.objects += 1;
            } else {
                p.failed_objects += 1;
            }
        });
    }

    /// A meter that counts a body's bytes here.
    pub(crate) fn meter(self: &Arc<Self>) -> Meter {
        let tracker = self.clone();
        Meter::new(Arc::new(move |n| tracker.bytes(n)))
    }

    pub(crate) fn snapshot(&self) -> Progress {
        snapshot(&self.tx.borrow(), self.started)
    }

    fn subscribe(&self) -> watch::Receiver<Progress> {
        self.tx.subscribe()
    }
}

fn snapshot(p: &Progress, started: Instant) -> Progress {
    Progress {
        elapsed: started.elapsed(),
        ..p.clone()
    }
}

/// A running transfer: its progress, a way to cancel it, and (awaited) its outcome.
/// Dropping the handle leaves the transfer running; [`cancel`](Self::cancel) stops it.
#[must_use = "a transfer handle does nothing unless awaited, polled for progress or cancelled"]
pub struct TransferHandle<T> {
    task: JoinHandle<Result<T, TransferError>>,
    progress: watch::Receiver<Progress>,
    started: Instant,
    cancel: Cancel,
}

impl<T: Send + 'static> TransferHandle<T> {
    /// Runs `work` on the runtime as the transfer of `ctx`.
    pub(crate) fn spawn<F>(ctx: &Ctx, work: F) -> Self
    where
        F: Future<Output = Result<T, TransferError>> + Send + 'static,
    {
        TransferHandle {
            task: tokio::spawn(work),
            progress: ctx.tracker.subscribe(),
            started: ctx.tracker.started,
            cancel: ctx.cancel.clone(),
        }
    }
}

impl<T> TransferHandle<T> {
    /// How far the transfer has got.
    pub fn progress(&self) -> Progress {
        snapshot(&self.progress.borrow(), self.started)
    }

    /// The progress each time it changes (changes that come faster than they are read
    /// are merged), until the transfer ends.
    pub fn progress_updates(&self) -> impl Stream<Item = Progress> + Send + Unpin + 'static {
        let rx = self.progress.clone();
        let started = self.started;
        Box::pin(futures_util::stream::unfold(rx, move |mut rx| async move {
            rx.changed().await.ok()?;
            let p = snapshot(&rx.borrow_and_update(), started);
            Some((p, rx))
        }))
    }

    /// Calls `f` with the progress each time it changes, until the transfer ends.
    pub fn on_progress(&self, mut f: impl FnMut(&Progress) + Send + 'static) {
        use futures_util::StreamExt;
        let mut updates = self.progress_updates();
        tokio::spawn(async move {
            while let Some(p) = updates.next().await {
                f(&p);
            }
        });
    }

    /// Stops the transfer: requests in flight are dropped, a multipart upload is
    /// aborted, a partial download is deleted, and the outcome is a cancelled error.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether the transfer has ended.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl<T> Future for TransferHandle<T> {
    type Output = Result<T, TransferError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.task)
            .poll(cx)
            .map(|joined| match joined {
                Ok(result) => result,
                Err(e) => Err(TransferError::new(TransferErrorKind::Task(e.to_string()))),
            })
    }
}

impl<T> std::fmt::Debug for TransferHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferHandle")
            .field("progress", &self.progress())
            .field("finished", &self.is_finished())
            .finish()
    }
}
