//! Adaptive retry mode's client-side rate limiter, as the AWS SDKs define it: off until
//! the first throttling error, then a token bucket whose rate follows CUBIC (cut by 30%
//! on each throttle, growing back along a cubic curve), never above twice the rate the
//! client was measured to send at.
//!
//! The arithmetic takes the time as a parameter (seconds since the limiter started), so
//! it is tested without a clock.

use std::sync::Mutex;
use std::time::Duration;

const BETA: f64 = 0.7;
const SCALE: f64 = 0.4;
const SMOOTHING: f64 = 0.8;
/// Sending rates are measured in half-second buckets.
const BUCKETS_PER_SECOND: f64 = 2.0;
const MIN_FILL_RATE: f64 = 0.5;
const MAX_RATE_ADJUST: f64 = 2.0;

#[derive(Debug)]
struct State {
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: f64,
    // CUBIC
    w_max: f64,
    k: f64,
    last_fail: f64,
    // measured sending rate
    measured: f64,
    last_bucket: f64,
    count: f64,
}

/// The limiter shared by a client's requests.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    state: Mutex<State>,
}

impl RateLimiter {
    pub(crate) fn new() -> Self {
        RateLimiter {
            state: Mutex::new(State {
                enabled: false,
                fill_rate: MIN_FILL_RATE.max(1.0),
                max_capacity: 1.0,
                capacity: 0.0,
                last_refill: 0.0,
                w_max: 0.0,
                k: 0.0,
                last_fail: 0.0,
                measured: 0.0,
                last_bucket: 0.0,
                count: 0.0,
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Takes a token for a request about to be sent at `now`; how long to wait first.
    pub(crate) fn before_send(&self, now: f64) -> Duration {
        self.with(|st| {
            if !st.enabled {
                return Duration::ZERO;
            }
            st.refill(now);
            st.capacity -= 1.0;
            if st.capacity >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-st.capacity / st.fill_rate)
            }
        })
    }

    /// Adjusts the rate after a response at `now`, throttled or not.
    pub(crate) fn after_response(&self, now: f64, throttled: bool) {
        self.with(|st| {
            let measured = st.record(now);
            let new_rate = if throttled {
                let rate = if st.enabled {
                    measured.min(st.fill_rate)
                } else {
                    measured
                };
                st.w_max = rate;
                st.k = (st.w_max * (1.0 - BETA) / SCALE).cbrt();
                st.last_fail = now;
                st.enabled = true;
                rate * BETA
            } else {
                SCALE * (now - st.last_fail - st.k).powi(3) + st.w_max
            };
            st.set_rate(now, new_rate.min(MAX_RATE_ADJUST * measured));
        });
    }

    /// The current sending rate limit, when the limiter is on.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.with(|st| st.enabled.then_some(st.fill_rate))
    }
}

impl State {
    fn refill(&mut self, now: f64) {
        let added = (now - self.last_refill).max(0.0) * self.fill_rate;
        self.capacity = (self.capacity + added).min(self.max_capacity);
        self.last_refill = now;
    }

    fn set_rate(&mut self, now: f64, rate: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(1.0);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    /// Counts a response and returns the smoothed sending rate.
    fn record(&mut self, now: f64) -> f64 {
        let bucket = (now * BUCKETS_PER_SECOND).floor() / BUCKETS_PER_SECOND;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current = self.count / (bucket - self.last_bucket);
            self.measured = current * SMOOTHING + self.measured * (1.0 - SMOOTHING);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_until_throttled_then_cubic() {
        let l = RateLimiter::new();
        // Ten requests a second, all fine: no limit.
        for i in 0..50 {
            let t = f64::from(i) * 0.1;
            assert_eq!(l.before_send(t), Duration::ZERO);
            l.after_response(t, false);
        }
        assert_eq!(l.rate(), None);
        // A throttle turns the limiter on below the measured rate.
        l.after_response(5.0, true);
        let after_throttle = l.rate().unwrap();
        assert!(
            (MIN_FILL_RATE..10.0).contains(&after_throttle),
            "{after_throttle}"
        );
        // Sending faster than the limit means waiting, once the bucket's tokens are used.
        let waits: Vec<Duration> = (0..20).map(|_| l.before_send(5.0)).collect();
        assert!(waits.last().unwrap() > &Duration::ZERO, "{waits:?}");
        assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
        // Successes let the rate grow back.
        for i in 0..100 {
            l.after_response(5.0 + f64::from(i) * 0.1, false);
        }
        assert!(l.rate().unwrap() > after_throttle);
    }
}
