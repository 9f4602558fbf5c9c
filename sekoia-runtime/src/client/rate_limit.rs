//! Client-side rate limits: a rate with an optional burst, and a daily cap.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How fast a client may call an API: `requests` per `per`, with bursts of up to `burst`
/// requests, and at most `daily_cap` requests a day.
///
/// The rate is a token bucket ([`leaky_bucket`]) that starts full (`burst` tokens) and gains
/// one token every `per / requests`: a steady flow of the rate, after a first burst. The daily
/// cap counts requests in fixed 24-hour windows from the client's first request (vendor quotas
/// reset that way); once it is reached, requests wait for the next window.
///
/// ```
/// use std::time::Duration;
/// use sekoia_runtime::client::RateLimit;
///
/// let okta = RateLimit::per_minute(20);
/// let burst = RateLimit::per_second(10).burst(5).daily_cap(100_000);
/// assert_eq!(burst.interval(), Duration::from_millis(100));
/// # let _ = okta;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
    burst: u32,
    daily_cap: Option<u32>,
}

impl RateLimit {
    /// `requests` per `per` (both more than zero), no burst.
    ///
    /// # Panics
    ///
    /// When `requests` or `per` is zero.
    pub fn new(requests: u32, per: Duration) -> RateLimit {
        assert!(
            requests > 0 && !per.is_zero(),
            "a rate limit needs requests and a period"
        );
        RateLimit {
            requests,
            per,
            burst: 1,
            daily_cap: None,
        }
    }

    /// `requests` a second.
    pub fn per_second(requests: u32) -> RateLimit {
        RateLimit::new(requests, Duration::from_secs(1))
    }

    /// `requests` a minute.
    pub fn per_minute(requests: u32) -> RateLimit {
        RateLimit::new(requests, Duration::from_secs(60))
    }

    /// Allows bursts of up to `burst` requests (at least 1).
    pub fn burst(mut self, burst: u32) -> RateLimit {
        self.burst = burst.max(1);
        self
    }

    /// At most `cap` requests per 24 hours.
    pub fn daily_cap(mut self, cap: u32) -> RateLimit {
        self.daily_cap = Some(cap);
        self
    }

    /// The time between two requests of the steady flow.
    pub fn interval(&self) -> Duration {
        self.per / self.requests
    }
}

const DAY: Duration = Duration::from_secs(24 * 3600);

/// The limits of one client, shared by its clones.
pub(crate) struct Limiter {
    bucket: leaky_bucket::RateLimiter,
    daily: Option<(u32, Mutex<Window>)>,
}

struct Window {
    start: Option<Instant>,
    used: u32,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        // leaky-bucket counts in whole milliseconds: a faster flow refills more tokens at a time
        let millisecond = Duration::from_millis(1);
        let (interval, refill) = if limit.interval() >= millisecond {
            (limit.interval(), 1)
        } else {
            let per_ms = (u128::from(limit.requests) * millisecond.as_nanos())
                .div_ceil(limit.per.as_nanos().max(1));
            (millisecond, per_ms as usize)
        };
        let bucket = leaky_bucket::RateLimiter::builder()
            .max((limit.burst as usize).max(refill))
            .initial(limit.burst as usize)
            .refill(refill)
            .interval(interval)
            .fair(true)
            .build();
        Limiter {
            bucket,
            daily: limit.daily_cap.map(|cap| {
                (
                    cap,
                    Mutex::new(Window {
                        start: None,
                        used: 0,
                    }),
                )
            }),
        }
    }

    /// Waits until a request may go; `on_cap` hears of a wait for the next daily window.
    pub(crate) async fn acquire(&self, on_cap: impl FnOnce(u32, Duration)) {
        if let Some((cap, window)) = &self.daily {
            let wait = {
                let mut window = window
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = Instant::now();
                let start = *window.start.get_or_insert(now);
                if now >= start + DAY {
                    let days = (now - start).as_secs() / DAY.as_secs();
                    window.start = Some(start + DAY * days as u32);
                    window.used = 0;
                }
                if window.used < *cap {
                    window.used += 1;
                    None
                } else {
                    let next = window.start.expect("set above") + DAY;
                    window.start = Some(next);
                    window.used = 1;
                    Some(next - now)
                }
            };
            if let Some(wait) = wait {
                on_cap(*cap, wait);
                tokio::time::sleep(wait).await;
            }
        }
        self.bucket.acquire_one().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the requests each window of `window` lets through in `total`, in virtual time.
    async fn per_window(limit: RateLimit, window: Duration, total: Duration) -> Vec<usize> {
        let limiter = Limiter::new(limit);
        let start = Instant::now();
        let mut counts = vec![0; (total.as_nanos() / window.as_nanos()) as usize];
        loop {
            limiter.acquire(|_, _| {}).await;
            let index = ((Instant::now() - start).as_nanos() / window.as_nanos()) as usize;
            match counts.get_mut(index) {
                Some(count) => *count += 1,
                None => return counts,
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_rate_after_the_first_burst() {
        let second = Duration::from_secs(1);
        let counts = per_window(RateLimit::per_second(10), second, second * 5).await;
        assert_eq!(counts, [10, 10, 10, 10, 10]);
        let counts = per_window(RateLimit::per_second(10).burst(5), second, second * 3).await;
        assert_eq!(counts, [14, 10, 10], "the burst, then the rate");
        let minute = Duration::from_secs(60);
        let counts = per_window(RateLimit::per_minute(20), minute, minute * 2).await;
        assert_eq!(counts, [20, 20]);
        let fast = per_window(RateLimit::per_second(5000), second, second * 2).await;
        // faster than a token a millisecond: 5 tokens each millisecond, from 1
        assert_eq!(fast, [4996, 5000]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_daily_cap_waits_for_the_next_window() {
        let limiter = Limiter::new(RateLimit::per_second(1000).daily_cap(3));
        let start = Instant::now();
        let mut waits = Vec::new();
        for _ in 0..7 {
            limiter.acquire(|cap, wait| waits.push((cap, wait))).await;
        }
        let elapsed = Instant::now() - start;
        assert_eq!(waits.len(), 2, "{waits:?}");
        assert!(
            elapsed >= DAY * 2 && elapsed < DAY * 2 + Duration::from_secs(1),
            "{elapsed:?}"
        );
    }
}
