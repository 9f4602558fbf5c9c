//! Ctrl-C while a module runs. The module runs in a process group of its own, as on the
//! platform, so the terminal's SIGINT reaches this command only: the first Ctrl-C asks for a
//! graceful stop (SIGTERM to the module), a second one for a kill.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::output;

/// How many times Ctrl-C was pressed since [`Interrupts::install`].
#[derive(Debug, Clone, Default)]
pub struct Interrupts(Arc<AtomicUsize>);

impl Interrupts {
    /// Counts Ctrl-C from now on instead of dying of it. Without a handler (it could not be
    /// installed), Ctrl-C ends this command at once and the module is left running.
    pub fn install() -> Interrupts {
        let interrupts = Interrupts::default();
        let counter = interrupts.0.clone();
        if let Err(error) = ctrlc::set_handler(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }) {
            output::warning(&format!(
                "cannot handle Ctrl-C ({error}): stop the module with --events or --timeout"
            ));
        }
        interrupts
    }

    /// How many times Ctrl-C was pressed.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
