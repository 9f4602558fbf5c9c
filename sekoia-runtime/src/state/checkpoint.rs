//! Checkpoints: where a connector is in the stream of a third-party API, as the Python SDK's
//! `CheckpointDatetime`, `CheckpointTimestamp` and `CheckpointCursor` store it.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::iso;

/// The date of the most recent event collected: `{"most_recent_date_seen": "<ISO date>"}`, the
/// key and format of Python's `CheckpointDatetime` **and** `CheckpointTimestamp` (both store the
/// ISO date; only their getters differ).
///
/// Flatten it into your state for Python's file without `subkey`, or make it a named field for
/// `subkey="name"` (`{"name": {"most_recent_date_seen": ...}}`). It only moves forward, and
/// where to start from is decided when it is read, by a [`Window`]:
///
/// ```
/// use std::time::Duration;
/// use sekoia_runtime::state::{TimeCheckpoint, TimeUnit, Window};
/// # use sekoia_runtime::chrono::{DateTime, Utc};
///
/// let now: DateTime<Utc> = "2025-02-19T00:00:00Z".parse().unwrap();
/// let window = Window::starting(Duration::from_secs(3600)).not_older_than(Duration::from_secs(7 * 86400));
/// let mut checkpoint = TimeCheckpoint::default();
/// // nothing stored yet: an hour ago
/// assert_eq!(checkpoint.offset(now, window).to_rfc3339(), "2025-02-18T23:00:00+00:00");
///
/// assert!(checkpoint.advance_timestamp(TimeUnit::Millis, 1_739_921_924_719));
/// assert!(!checkpoint.advance_timestamp(TimeUnit::Millis, 1_739_921_924_000), "never backwards");
/// assert_eq!(checkpoint.timestamp(now, window, TimeUnit::Millis), 1_739_921_924_719);
///
/// // a checkpoint older than the window is read as its bound
/// let much_later = now + Duration::from_secs(30 * 86400);
/// assert_eq!(checkpoint.offset(much_later, window), much_later - Duration::from_secs(7 * 86400));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeCheckpoint {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "iso::option")]
    most_recent_date_seen: Option<DateTime<Utc>>,
}

/// Where a [`TimeCheckpoint`] starts when it holds nothing, and how old it may be: Python's
/// `start_at` and `ignore_older_than`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// With nothing stored, start this long before now (Python's default: 5 minutes).
    pub start_at: Duration,
    /// Never start longer ago than this (Python's default: 30 days); `None`: no bound.
    pub not_older_than: Option<Duration>,
}

impl Default for Window {
    /// Python's defaults: 5 minutes, 30 days.
    fn default() -> Self {
        Window {
            start_at: Duration::from_secs(5 * 60),
            not_older_than: Some(Duration::from_secs(30 * 86400)),
        }
    }
}

impl Window {
    /// Start `start_at` before now when nothing is stored; no bound on the age.
    pub const fn starting(start_at: Duration) -> Window {
        Window {
            start_at,
            not_older_than: None,
        }
    }

    /// Never start longer ago than `bound`.
    pub const fn not_older_than(mut self, bound: Duration) -> Window {
        self.not_older_than = Some(bound);
        self
    }
}

impl TimeCheckpoint {
    /// A checkpoint at `date`.
    pub fn at(date: DateTime<Utc>) -> TimeCheckpoint {
        TimeCheckpoint {
            most_recent_date_seen: Some(date),
        }
    }

    /// The date stored, if any.
    pub fn stored(&self) -> Option<DateTime<Utc>> {
        self.most_recent_date_seen
    }

    /// Where to collect from at `now`: the stored date, else `now - window.start_at`; never
    /// before `now - window.not_older_than`.
    pub fn offset(&self, now: DateTime<Utc>, window: Window) -> DateTime<Utc> {
        let start = self
            .most_recent_date_seen
            .unwrap_or_else(|| now - delta(window.start_at));
        match window.not_older_than {
            Some(bound) => start.max(now - delta(bound)),
            None => start,
        }
    }

    /// [`offset`](Self::offset) as an integer timestamp in `unit`.
    pub fn timestamp(&self, now: DateTime<Utc>, window: Window, unit: TimeUnit) -> i64 {
        unit.timestamp(self.offset(now, window))
    }

    /// Moves the checkpoint to `date` when it is later than the stored one (or nothing is
    /// stored); returns whether it moved.
    pub fn advance(&mut self, date: DateTime<Utc>) -> bool {
        if self
            .most_recent_date_seen
            .is_some_and(|stored| stored >= date)
        {
            return false;
        }
        self.most_recent_date_seen = Some(date);
        true
    }

    /// [`advance`](Self::advance) to an integer timestamp in `unit`.
    pub fn advance_timestamp(&mut self, unit: TimeUnit, value: i64) -> bool {
        self.advance(unit.date(value))
    }

    /// Forgets the stored date: the next offset is `now - start_at` again.
    pub fn reset(&mut self) {
        self.most_recent_date_seen = None;
    }
}

fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

/// The unit of an integer timestamp since 1970-01-01 UTC.
///
/// Python's `TimeUnit.NANOSECOND` multiplies by 10⁶ and so is really microseconds: read the
/// timestamps of a module ported from Python with `NANOSECOND` as [`TimeUnit::Micros`].
/// Conversions here are exact integer arithmetic (no float rounding).
///
/// ```
/// use sekoia_runtime::state::TimeUnit;
///
/// let date = TimeUnit::Nanos.date(1_739_921_924_719_123_456);
/// assert_eq!(TimeUnit::Nanos.timestamp(date), 1_739_921_924_719_123_456);
/// assert_eq!(TimeUnit::Micros.timestamp(date), 1_739_921_924_719_123);
/// assert_eq!(TimeUnit::Millis.timestamp(date), 1_739_921_924_719);
/// assert_eq!(TimeUnit::Seconds.timestamp(date), 1_739_921_924);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// Seconds (Python's `SECOND`).
    Seconds,
    /// Milliseconds (Python's `MILLISECOND`).
    Millis,
    /// Microseconds (what Python's `NANOSECOND` really is).
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl TimeUnit {
    const fn per_second(self) -> i64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Millis => 1_000,
            TimeUnit::Micros => 1_000_000,
            TimeUnit::Nanos => 1_000_000_000,
        }
    }

    /// `date` as a timestamp in this unit, rounded down.
    pub fn timestamp(self, date: DateTime<Utc>) -> i64 {
        let nanos_per_unit = 1_000_000_000 / self.per_second();
        date.timestamp()
            .saturating_mul(self.per_second())
            .saturating_add(i64::from(date.timestamp_subsec_nanos()) / nanos_per_unit)
    }

    /// The date of a timestamp in this unit (saturating at the bounds of `DateTime`).
    pub fn date(self, value: i64) -> DateTime<Utc> {
        let per_second = self.per_second();
        let seconds = value.div_euclid(per_second);
        let nanos = value.rem_euclid(per_second) * (1_000_000_000 / per_second);
        DateTime::from_timestamp(seconds, nanos as u32).unwrap_or(if value < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
    }
}

/// A position given by the API itself (a next-page token, a stream cursor): `{"cursor": ...}`,
/// Python's `CheckpointCursor`. Unlike a [`TimeCheckpoint`] it is replaced whatever its value.
///
/// ```
/// use sekoia_runtime::state::CursorCheckpoint;
///
/// let mut cursor = CursorCheckpoint::<String>::default();
/// assert_eq!(cursor.get(), None);
/// cursor.set("c2".to_owned());
/// assert_eq!(serde_json::to_string(&cursor).unwrap(), r#"{"cursor":"c2"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorCheckpoint<T = String> {
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    cursor: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Default for CursorCheckpoint<T> {
    fn default() -> Self {
        CursorCheckpoint { cursor: None }
    }
}

impl<T> CursorCheckpoint<T> {
    /// The cursor stored, if any.
    pub fn get(&self) -> Option<&T> {
        self.cursor.as_ref()
    }

    /// Stores `cursor`.
    pub fn set(&mut self, cursor: T) {
        self.cursor = Some(cursor);
    }

    /// Forgets the cursor.
    pub fn reset(&mut self) {
        self.cursor = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_file_is_pythons_with_and_without_subkey() {
        #[derive(Default, Serialize, Deserialize)]
        struct Flat {
            #[serde(flatten)]
            checkpoint: TimeCheckpoint,
        }
        #[derive(Default, Serialize, Deserialize)]
        struct Nested {
            #[serde(flatten)]
            root: TimeCheckpoint,
            #[serde(default)]
            auditevents: TimeCheckpoint,
        }
        let python = r#"{"most_recent_date_seen":"2026-12-02T02:33:29.123456+00:00","auditevents":{"most_recent_date_seen":"2026-12-02T02:33:28.961108+00:00"}}"#;
        let nested: Nested = serde_json::from_str(python).unwrap();
        assert_eq!(
            nested.auditevents.stored(),
            Some(date("2026-12-02T02:33:28.961108Z"))
        );
        assert_eq!(serde_json::to_string(&nested).unwrap(), python);
        assert_eq!(serde_json::to_string(&Flat::default()).unwrap(), "{}");
        let flat: Flat =
            serde_json::from_str(r#"{"most_recent_date_seen":"2026-01-01T00:00:00Z","other":1}"#)
                .unwrap();
        assert_eq!(flat.checkpoint.stored(), Some(date("2026-01-01T00:00:00Z")));
    }

    #[test]
    fn timestamps_convert_exactly_below_zero_too() {
        for unit in [
            TimeUnit::Seconds,
            TimeUnit::Millis,
            TimeUnit::Micros,
            TimeUnit::Nanos,
        ] {
            for value in [0, 1, -1, 1_739_921_924, -1_739_921_924_719] {
                assert_eq!(unit.timestamp(unit.date(value)), value, "{unit:?} {value}");
            }
        }
        assert_eq!(
            TimeUnit::Millis.date(-1).to_rfc3339(),
            "1969-12-31T23:59:59.999+00:00"
        );
    }

    #[test]
    fn a_fresh_checkpoint_takes_any_date_then_only_later_ones() {
        let now = date("2026-01-10T00:00:00Z");
        let mut checkpoint = TimeCheckpoint::default();
        assert_eq!(
            checkpoint.offset(now, Window::default()),
            date("2026-01-09T23:55:00Z")
        );
        assert!(checkpoint.advance(date("2026-01-02T00:00:00Z")));
        assert!(!checkpoint.advance(date("2026-01-01T00:00:00Z")));
        assert_eq!(
            checkpoint.offset(now, Window::default()),
            date("2026-01-02T00:00:00Z")
        );
        let narrow =
            Window::starting(Duration::from_secs(60)).not_older_than(Duration::from_secs(86400));
        assert_eq!(checkpoint.offset(now, narrow), date("2026-01-09T00:00:00Z"));
        checkpoint.reset();
        assert_eq!(checkpoint.stored(), None);
    }
}
