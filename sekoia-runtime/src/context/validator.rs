//! The context of an account validator.

use std::sync::Arc;

use crate::log_entry::Level;
use crate::session::Session;

/// Given to [`AccountValidator::validate`](crate::AccountValidator::validate).
pub struct ValidatorContext {
    pub(crate) session: Arc<Session>,
}

impl ValidatorContext {
    /// An HTTP client for the third-party API being checked.
    pub fn http(&self) -> &reqwest::Client {
        self.session.http()
    }

    /// Logs a message (standard error in the module binary).
    pub fn log(&self, level: Level, message: impl AsRef<str>) {
        self.session.log(level, message.as_ref());
    }
}
