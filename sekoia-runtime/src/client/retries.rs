//! How a client retries: attempts, waits and a time budget, on the runtime's one retry helper.

use std::time::Duration;

use crate::platform::retry::Policy;

/// How a client retries: attempts, waits and a time budget.
///
/// ```
/// use std::time::Duration;
/// use sekoia_runtime::client::Retry;
///
/// let patient = Retry::default().attempts(10).budget(Duration::from_secs(3600));
/// let never = Retry::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retry {
    attempts: usize,
    first_wait: Duration,
    max_wait: Duration,
    budget: Duration,
}

impl Default for Retry {
    /// 5 attempts, waits from 1 s to 60 s, 5 minutes in all.
    fn default() -> Self {
        Retry {
            attempts: 5,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            budget: Duration::from_secs(300),
        }
    }
}

impl Retry {
    /// One attempt, no retry.
    pub fn none() -> Retry {
        Retry::default().attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn attempts(mut self, attempts: usize) -> Retry {
        self.attempts = attempts.max(1);
        self
    }

    /// The wait after the first failure (each next one doubles).
    pub fn first_wait(mut self, wait: Duration) -> Retry {
        self.first_wait = wait;
        self
    }

    /// The longest wait between two attempts (a `Retry-After` may ask for more).
    pub fn max_wait(mut self, wait: Duration) -> Retry {
        self.max_wait = wait;
        self
    }

    /// No attempt starts later than this after the first one.
    pub fn budget(mut self, budget: Duration) -> Retry {
        self.budget = budget;
        self
    }

    pub(crate) fn policy(&self) -> Policy {
        Policy {
            first_wait: self.first_wait,
            factor: 2.0,
            max_wait: self.max_wait,
            attempts: self.attempts,
            budget: Some(self.budget),
            floor: Duration::ZERO,
        }
    }
}
