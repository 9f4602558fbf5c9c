//! The time of a session: wall-clock dates (log entries, health reports) and the monotonic
//! time of its rules (the error policy, the health thresholds, the log batching).
//!
//! Both follow tokio's clock, so an in-process test that pauses it
//! (`#[tokio::test(start_paused = true)]`) runs hours of a trigger's life in milliseconds, and
//! its dates start wherever the test says ([`Clock::starting_at`]).

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// The clock of a session.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use sekoia_runtime::testing::Clock;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let clock = Clock::starting_at(start);
/// tokio::time::sleep(Duration::from_secs(90)).await; // virtual: the runtime is paused
/// assert_eq!(clock.now(), start + Duration::from_secs(90));
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    wall: SystemTime,
    origin: Instant,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock::starting_at(SystemTime::now())
    }

    /// A clock that reads `wall` now and runs with tokio's clock from there.
    pub fn starting_at(wall: SystemTime) -> Clock {
        Clock {
            wall,
            origin: Instant::now(),
        }
    }

    /// The wall-clock time.
    pub fn now(&self) -> SystemTime {
        self.wall + self.origin.elapsed()
    }

    /// The wall-clock time of a monotonic instant of this session.
    pub(crate) fn wall(&self, instant: Instant) -> SystemTime {
        match instant.checked_duration_since(self.origin) {
            Some(after) => self.wall + after,
            None => self.wall - self.origin.duration_since(instant),
        }
    }

    /// The monotonic time.
    pub(crate) fn instant(&self) -> Instant {
        Instant::now()
    }

    /// Sleeps `duration`.
    pub(crate) async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
