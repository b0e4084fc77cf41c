//! The cancellation signal of one transfer, shared by its tasks and its handle: a watch
//! channel that goes from `false` to `true` once.

use std::sync::Arc;

use tokio::sync::watch;

/// Cancels a transfer, or waits for it to be cancelled; clones share one signal.
#[derive(Clone, Debug)]
pub(crate) struct Cancel(Arc<watch::Sender<bool>>);

impl Cancel {
    pub(crate) fn new() -> Self {
        Cancel(Arc::new(watch::Sender::new(false)))
    }

    /// Cancels the transfer: every `cancelled()` wakes up.
    pub(crate) fn cancel(&self) {
        self.0.send_replace(true);
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes once the transfer is cancelled (at once if it already is).
    pub(crate) async fn cancelled(&self) {
        let mut signal = self.0.subscribe();
        // The sender lives as long as `self`, so waiting can only end by cancellation.
        let _ = signal.wait_for(|cancelled| *cancelled).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_wakes_on_cancel_and_later_waits_end_at_once() {
        let cancel = Cancel::new();
        let waiter = tokio::spawn({
            let cancel = cancel.clone();
            async move { cancel.cancelled().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished() && !cancel.is_cancelled());
        cancel.clone().cancel();
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("the waiter woke")
            .expect("the waiter ran");
        assert!(cancel.is_cancelled());
        cancel.cancelled().await;
    }
}
