//! The one retry helper of the platform calls (callback, secrets, logs, intake), on `backon`:
//! exponential waits with jitter, bounded by attempts and by a time budget. What is worth
//! retrying is the caller's predicate: the protocol's rules (no retry on a 4xx, a 409 that means
//! delivered, the intake's hour) stay with each call.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use tokio::time::Instant;

/// What a failed attempt means.
pub(crate) enum Verdict {
    /// Try again, after the policy's wait or, when given, this one (a `Retry-After`).
    Again(Option<Duration>),
    /// Give up: trying again cannot help.
    GiveUp,
}

/// How a call is retried.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// The wait after the first failure; each next one is `factor` times longer.
    pub(crate) first_wait: Duration,
    /// The factor between two waits.
    pub(crate) factor: f32,
    /// The longest wait.
    pub(crate) max_wait: Duration,
    /// Attempts in all, the first included.
    pub(crate) attempts: usize,
    /// The time after which no new attempt starts, counted from the first one.
    pub(crate) budget: Option<Duration>,
    /// The shortest wait, even when the reply asks for less (`Retry-After: 0`).
    pub(crate) floor: Duration,
}

impl Policy {
    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::new()
            .with_min_delay(self.first_wait)
            .with_factor(self.factor)
            .with_max_delay(self.max_wait)
            .with_max_times(self.attempts.saturating_sub(1))
            .with_jitter()
    }
}

/// Runs `attempt` until it succeeds, `judge` gives up on its error, or the policy is spent;
/// `on_retry` hears of each failure that will be retried, with the wait before the next attempt.
pub(crate) async fn retry<T, E, F, Fut>(
    policy: Policy,
    attempt: F,
    judge: impl Fn(&E) -> Verdict,
    mut on_retry: impl FnMut(&E, Duration),
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let started = Instant::now();
    attempt
        .retry(policy.backoff())
        .when(|e| matches!(judge(e), Verdict::Again(_)))
        .adjust(|e, next| {
            let wait = match (judge(e), next) {
                // the policy is spent: no more attempts, whatever the reply says
                (_, None) | (Verdict::GiveUp, _) => return None,
                (Verdict::Again(Some(asked)), Some(_)) => asked,
                (Verdict::Again(None), Some(wait)) => wait,
            };
            let wait = wait.max(policy.floor);
            match policy.budget {
                Some(budget) if started.elapsed() + wait > budget => None,
                _ => Some(wait),
            }
        })
        .notify(|e, wait| on_retry(e, wait))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn policy(attempts: usize) -> Policy {
        Policy {
            first_wait: Duration::from_secs(2),
            factor: 2.0,
            max_wait: Duration::from_secs(512),
            attempts,
            budget: None,
            floor: Duration::from_millis(100),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_bounded_and_waits_grow_with_jitter() {
        let calls = AtomicUsize::new(0);
        let mut waits = Vec::new();
        let outcome: Result<(), &str> = retry(
            policy(4),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err("down")
            },
            |_| Verdict::Again(None),
            |_, wait| waits.push(wait),
        )
        .await;
        assert_eq!(outcome, Err("down"));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(waits.len(), 3);
        for (wait, base) in waits.iter().zip([2u64, 4, 8]) {
            let base = Duration::from_secs(base);
            assert!(*wait >= base && *wait < base * 2, "{wait:?} for {base:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn giving_up_stops_at_once_and_retry_after_is_honoured_with_a_floor() {
        let calls = AtomicUsize::new(0);
        let outcome: Result<(), u16> = retry(
            policy(10),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(404)
            },
            |status| {
                if *status == 404 {
                    Verdict::GiveUp
                } else {
                    Verdict::Again(None)
                }
            },
            |_, _| {},
        )
        .await;
        assert_eq!(outcome, Err(404));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let mut waits = Vec::new();
        let _: Result<(), ()> = retry(
            policy(3),
            || async { Err(()) },
            |_| Verdict::Again(Some(Duration::ZERO)),
            |_, wait| waits.push(wait),
        )
        .await;
        assert_eq!(waits, [Duration::from_millis(100); 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_bounds_the_time_spent() {
        let started = Instant::now();
        let mut policy = policy(usize::MAX);
        policy.max_wait = Duration::from_secs(10);
        policy.budget = Some(Duration::from_secs(60));
        let _: Result<(), ()> = retry(
            policy,
            || async { Err(()) },
            |_| Verdict::Again(None),
            |_, _| {},
        )
        .await;
        let spent = started.elapsed();
        assert!(spent <= Duration::from_secs(60), "{spent:?}");
        assert!(spent >= Duration::from_secs(40), "{spent:?}");
    }
}
