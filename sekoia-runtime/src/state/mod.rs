//! State kept between runs in the data directory: a typed store written atomically
//! ([`State`]), the checkpoints of Python's `sekoia_automation.checkpoint`
//! ([`TimeCheckpoint`], [`CursorCheckpoint`]) and a bounded deduplication cache
//! ([`DedupCache`]).
//!
//! The file is the Python SDK's `PersistentJSON` file (`<data dir>/context.json`), written the
//! same way (compact JSON, UTF-8, keys in insertion order, no trailing newline), so that a module
//! ported from Python resumes where its Python build stopped, and the other way round.

mod checkpoint;
mod dedup;
mod file;
mod iso;

pub use checkpoint::{CursorCheckpoint, TimeCheckpoint, TimeUnit, Window};
pub use dedup::DedupCache;
pub use file::{State, StateError};

/// A date as Python's `datetime.isoformat()` writes an aware UTC datetime, as the checkpoints
/// store it (`2025-02-18T23:38:44.719000+00:00`; no fraction when it is zero, nine digits for
/// nanoseconds).
///
/// ```
/// use sekoia_runtime::state::isoformat;
///
/// let date = "2025-02-18T23:38:44.719Z".parse().unwrap();
/// assert_eq!(isoformat(date), "2025-02-18T23:38:44.719000+00:00");
/// ```
pub fn isoformat(date: chrono::DateTime<chrono::Utc>) -> String {
    iso::format(date)
}

/// The file name of the Python SDK's checkpoints and of most connectors' state.
pub const CONTEXT_FILE: &str = "context.json";
