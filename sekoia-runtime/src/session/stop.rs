//! The stop signal of a session: set once (a SIGTERM, `ctx.stop()`, a test), seen everywhere.

use std::sync::Arc;

use tokio::sync::watch;

/// Whether the component was asked to stop.
#[derive(Clone)]
pub(crate) struct Stop {
    sender: Arc<watch::Sender<bool>>,
}

impl Stop {
    pub(crate) fn new() -> Stop {
        Stop {
            sender: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Asks to stop (again: nothing more happens).
    pub(crate) fn stop(&self) {
        self.sender.send_replace(true);
    }

    /// Whether it was asked.
    pub(crate) fn is_stopped(&self) -> bool {
        *self.sender.borrow()
    }

    /// A receiver of the signal, for the layers below the session (a push).
    pub(crate) fn receiver(&self) -> watch::Receiver<bool> {
        self.sender.subscribe()
    }

    /// Resolves once it is asked.
    pub(crate) async fn stopped(&self) {
        let mut receiver = self.sender.subscribe();
        let _ = receiver.wait_for(|stopped| *stopped).await;
    }
}
