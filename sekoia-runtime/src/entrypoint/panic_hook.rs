//! The panic hook of the module binary: the default one prints the raw panic message, which
//! may quote a secret. This one prints the same line with the session's secrets scrubbed.

use std::sync::Arc;

use crate::error::panic_message;
use crate::log_entry::Level;
use crate::session::Session;

/// Replaces the default hook for the rest of the process.
pub(super) fn install(session: &Arc<Session>) {
    let logs = Arc::clone(&session.logs);
    std::panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        let thread = thread.name().unwrap_or("<unnamed>");
        let message = logs.scrub(&message);
        eprintln!("thread '{thread}' panicked{location}:\n{message}");
        if let Some(reports) = &logs.reports {
            reports.message(Level::Critical, &format!("panicked{location}: {message}"));
        }
    }));
}
