//! The one waiter loop every generated waiter drives: send, match the acceptors, sleep,
//! and give up after the attempts or the time allowed.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::{SdkError, WaiterError, WaiterErrorKind};

/// What an acceptor decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    /// Done: the state was reached.
    Success,
    /// Done: the state can no longer be reached.
    #[allow(
        dead_code,
        reason = "no S3 waiter has a failure acceptor; the generator supports one"
    )]
    Failure,
    /// Not yet: try again after the delay.
    Retry,
}

/// A waiter as the model describes it: its name, defaults and acceptors.
pub struct WaiterDef<O, E> {
    /// The waiter's model name.
    pub name: &'static str,
    /// Default time between attempts.
    pub delay: Duration,
    /// Default attempts before giving up.
    pub max_attempts: u32,
    /// Matches a result against the acceptors, in order.
    pub classify: fn(&Result<O, SdkError<E>>) -> Option<AcceptorState>,
}

impl<O, E> std::fmt::Debug for WaiterDef<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaiterDef")
            .field("name", &self.name)
            .field("delay", &self.delay)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// One wait's limits.
#[derive(Debug, Clone, Copy)]
pub struct Waiting {
    /// The waiter's model name.
    pub name: &'static str,
    /// Time between attempts.
    pub delay: Duration,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Total time before giving up.
    pub max_wait: Duration,
}

/// The HTTP status of a result: 200 for a success, the status S3 sent for an error.
pub fn status_of<O, E>(result: &Result<O, SdkError<E>>) -> Option<u16> {
    match result {
        Ok(_) => Some(200),
        Err(e) => e.meta().map(|m| m.status()),
    }
}

/// The error code of a failed result.
#[allow(
    dead_code,
    reason = "no S3 waiter matches error codes; the generator supports it"
)]
pub fn error_code_of<O, E>(result: &Result<O, SdkError<E>>) -> Option<&str> {
    result
        .as_ref()
        .err()
        .and_then(|e| e.meta())
        .and_then(|m| m.code())
}

/// A line about a result, for the error that ends a wait.
fn describe<O, E>(result: &Result<O, SdkError<E>>) -> String {
    match result {
        Ok(_) => "a successful response".to_string(),
        Err(e) => match e.meta() {
            Some(m) => format!(
                "HTTP {} {}",
                m.status(),
                m.code().unwrap_or("(no error code)")
            ),
            None => e.to_string(),
        },
    }
}

/// Polls with `poll` until `classify` says success (the output, if the response was a
/// success) or failure, an unmatched error arrives, or the limits are reached.
pub async fn wait<O, E, F, Fut>(
    limits: Waiting,
    mut poll: F,
    classify: fn(&Result<O, SdkError<E>>) -> Option<AcceptorState>,
) -> Result<Option<O>, WaiterError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<O, SdkError<E>>>,
    E: std::error::Error + Send + Sync + 'static,
{
    let start = Instant::now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let result = poll().await;
        let end = |kind, result: Result<O, SdkError<E>>| {
            let last = describe(&result);
            WaiterError {
                kind,
                waiter: limits.name,
                attempts,
                elapsed: start.elapsed(),
                last,
                source: result
                    .err()
                    .map(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>),
            }
        };
        match classify(&result) {
            Some(AcceptorState::Success) => return Ok(result.ok()),
            Some(AcceptorState::Failure) => return Err(end(WaiterErrorKind::Failure, result)),
            Some(AcceptorState::Retry) => {}
            None if result.is_err() => return Err(end(WaiterErrorKind::Unexpected, result)),
            None => {}
        }
        if attempts >= limits.max_attempts || start.elapsed() + limits.delay > limits.max_wait {
            return Err(end(WaiterErrorKind::TimedOut, result));
        }
        tokio::time::sleep(limits.delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorMetadata, ServiceError};

    #[derive(Debug, thiserror::Error)]
    #[error("test error")]
    struct TestError;

    fn missing() -> Result<u8, SdkError<TestError>> {
        Err(SdkError::ServiceError(ServiceError::new(
            TestError,
            ErrorMetadata {
                status: 404,
                code: Some("NotFound".into()),
                ..Default::default()
            },
            Default::default(),
        )))
    }

    fn limits(max_attempts: u32) -> Waiting {
        Waiting {
            name: "Test",
            delay: Duration::from_millis(1),
            max_attempts,
            max_wait: Duration::from_secs(5),
        }
    }

    fn by_status(r: &Result<u8, SdkError<TestError>>) -> Option<AcceptorState> {
        match status_of(r) {
            Some(200) => Some(AcceptorState::Success),
            Some(404) => Some(AcceptorState::Retry),
            Some(403) => Some(AcceptorState::Failure),
            _ => None,
        }
    }

    #[tokio::test]
    async fn retries_then_succeeds_or_gives_up() {
        let mut n = 0;
        let out = wait(
            limits(5),
            || {
                n += 1;
                let r = if n < 3 { missing() } else { Ok(7) };
                async move { r }
            },
            by_status,
        )
        .await
        .unwrap();
        assert_eq!((out, n), (Some(7), 3));

        let err = wait(limits(4), || async { missing() }, by_status)
            .await
            .unwrap_err();
        assert_eq!((err.kind(), err.attempts()), (WaiterErrorKind::TimedOut, 4));
        let text = err.to_string();
        assert!(
            text.contains("Test") && text.contains("HTTP 404 NotFound"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_failure_acceptor_stops_at_once() {
        let mut n = 0;
        let err = wait(
            limits(10),
            || {
                n += 1;
                async {
                    Err::<u8, _>(SdkError::ServiceError(ServiceError::new(
                        TestError,
                        ErrorMetadata {
                            status: 403,
                            ..Default::default()
                        },
                        Default::default(),
                    )))
                }
            },
            by_status,
        )
        .await
        .unwrap_err();
        assert_eq!(
            (err.kind(), err.attempts(), n),
            (WaiterErrorKind::Failure, 1, 1)
        );
        // An error no acceptor matches also stops at once.
        let err = wait(
            limits(10),
            || async {
                Err::<u8, _>(SdkError::<TestError>::ResponseError(
                    crate::error::ResponseError::new("garbled"),
                ))
            },
            by_status,
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), WaiterErrorKind::Unexpected);
    }
}
