//! What a fluent builder does once its input is set: its mode. Every builder sends its
//! request ([`Sends`], the default); the builders of operations that have waiters also
//! come in a waiting mode ([`Waits`]: the `HeadObjectWaiter` that
//! `wait_until_object_exists()` returns), and with the `blocking` feature every builder
//! comes in a blocking mode (`crate::blocking::Blocking`). All modes share one set of input
//! setters, so they never drift apart.

use std::time::Duration;

use crate::runtime::WaiterDef;

/// The default mode: `send()` sends the request once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sends;

/// The waiting mode: `wait()` polls the operation until the waiter's state is reached.
pub struct Waits<O: 'static, E: 'static> {
    pub(crate) waiter: &'static WaiterDef<O, E>,
    pub(crate) limits: WaitLimits,
}

/// How long a waiter waits between attempts, and how many it makes.
#[derive(Debug, Clone, Copy)]
pub struct WaitLimits {
    pub(crate) delay: Duration,
    pub(crate) max_attempts: u32,
}

/// A waiting mode, async or blocking: what the waiter's `delay` and `max_attempts` set.
pub trait WaitMode {
    /// The limits to change.
    fn limits(&mut self) -> &mut WaitLimits;
}

impl<O, E> WaitMode for Waits<O, E> {
    fn limits(&mut self) -> &mut WaitLimits {
        &mut self.limits
    }
}

impl<O, E> Waits<O, E> {
    /// The waiter's own defaults.
    pub(crate) fn new(waiter: &'static WaiterDef<O, E>) -> Self {
        Waits {
            waiter,
            limits: WaitLimits {
                delay: waiter.delay,
                max_attempts: waiter.max_attempts,
            },
        }
    }

    /// The limits of one wait of at most `max_wait`.
    pub(crate) fn limits_of(&self, max_wait: Duration) -> crate::runtime::Waiting {
        crate::runtime::Waiting {
            name: self.waiter.name,
            delay: self.limits.delay,
            max_attempts: self.limits.max_attempts,
            max_wait,
        }
    }
}

impl<O, E> std::fmt::Debug for Waits<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waits")
            .field("waiter", &self.waiter.name)
            .field("limits", &self.limits)
            .finish()
    }
}
