//! Work in parallel: at most as many requests in flight as the transfer has permits, and
//! the first failure or a cancellation stops the rest before anything else is started.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};

use super::cancel::Cancel;
use super::{Ctx, TransferError, TransferErrorKind};

/// Tasks of one transfer, each holding one of its permits while it runs.
pub(crate) struct Pool<T> {
    set: JoinSet<Result<T, TransferError>>,
    done: Vec<T>,
    permits: Arc<Semaphore>,
    cancel: Cancel,
}

type Joined<T> = Result<Result<T, TransferError>, JoinError>;

impl<T: Send + 'static> Pool<T> {
    pub(crate) fn new(ctx: &Ctx) -> Self {
        Pool {
            set: JoinSet::new(),
            done: Vec::new(),
            permits: ctx.permits.clone(),
            cancel: ctx.cancel.clone(),
        }
    }

    /// Waits for a permit, collecting the tasks that finish meanwhile; a failed task or
    /// a cancellation stops every task and is returned instead.
    pub(crate) async fn reserve(&mut self) -> Result<OwnedSemaphorePermit, TransferError> {
        loop {
            let reaped = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => Err(TransferError::cancelled()),
                Some(joined) = self.set.join_next(), if !self.set.is_empty() => self.reap(joined),
                permit = self.permits.clone().acquire_owned() => {
                    return permit.map_err(|_| TransferError::cancelled());
                }
            };
            if let Err(e) = reaped {
                self.stop().await;
                return Err(e);
            }
        }
    }

    /// Runs `work` holding `permit`.
    pub(crate) fn spawn<F>(&mut self, permit: OwnedSemaphorePermit, work: F)
    where
        F: Future<Output = Result<T, TransferError>> + Send + 'static,
    {
        self.set.spawn(async move {
            let _permit = permit;
            work.await
        });
    }

    /// Waits for a permit, then runs `work` with it.
    pub(crate) async fn run<F>(&mut self, work: F) -> Result<(), TransferError>
    where
        F: Future<Output = Result<T, TransferError>> + Send + 'static,
    {
        let permit = self.reserve().await?;
        self.spawn(permit, work);
        Ok(())
    }

    /// Waits for every task; the outcomes come in the order the tasks finished.
    pub(crate) async fn finish(mut self) -> Result<Vec<T>, TransferError> {
        loop {
            let reaped = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => Err(TransferError::cancelled()),
                joined = self.set.join_next() => match joined {
                    None => return Ok(self.done),
                    Some(joined) => self.reap(joined),
                },
            };
            if let Err(e) = reaped {
                self.stop().await;
                return Err(e);
            }
        }
    }

    fn reap(&mut self, joined: Joined<T>) -> Result<(), TransferError> {
        match joined {
            Ok(Ok(value)) => {
                self.done.push(value);
                Ok(())
            }
            Ok(Err(e)) => Err(e),
            Err(e) => Err(TransferError::new(TransferErrorKind::Task(e.to_string()))),
        }
    }

    /// Stops every task and waits until none runs, so that nothing is still in flight
    /// when a multipart upload is aborted or a partial file deleted.
    async fn stop(&mut self) {
        self.set.abort_all();
        while self.set.join_next().await.is_some() {}
    }
}
