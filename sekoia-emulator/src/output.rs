//! Capture of a module's stdout and stderr, read in threads so the module never blocks on a
//! full pipe.

use std::io::{self, Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Where a copy of the output goes while it is captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Echo {
    /// Nowhere.
    Off,
    /// The runner's stdout.
    Stdout,
    /// The runner's stderr.
    Stderr,
}

/// The output of one pipe, filled by a reader thread.
pub(crate) struct Capture {
    buffer: Arc<Mutex<Vec<u8>>>,
    /// Disconnected when the reader thread ends.
    done: mpsc::Receiver<()>,
}

impl Capture {
    /// Starts a thread that reads `pipe` to its end.
    pub(crate) fn start(
        pipe: impl Read + Send + 'static,
        echo: Echo,
        name: &str,
    ) -> io::Result<Capture> {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let (done_tx, done) = mpsc::channel::<()>();
        let shared = buffer.clone();
        std::thread::Builder::new()
            .name(format!("sekoia-module-{name}"))
            .spawn(move || {
                let _done = done_tx;
                read_all(pipe, &shared, echo);
            })?;
        Ok(Capture { buffer, done })
    }

    /// Waits up to `grace` for the pipe to end, then returns what was read (lossy UTF-8).
    /// A grandchild of the module that still holds the pipe cannot hold the caller longer.
    pub(crate) fn finish(self, grace: Duration) -> String {
        let _ = self.done.recv_timeout(grace);
        let buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

fn read_all(mut pipe: impl Read, buffer: &Mutex<Vec<u8>>, echo: Echo) {
    let mut chunk = [0u8; 8192];
    loop {
        let read = match pipe.read(&mut chunk) {
            Ok(0) => return,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        };
        let bytes = &chunk[..read];
        buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        // The echo is a convenience; a closed terminal must not stop the capture.
        let _ = match echo {
            Echo::Off => Ok(()),
            Echo::Stdout => io::stdout().lock().write_all(bytes),
            Echo::Stderr => io::stderr().lock().write_all(bytes),
        };
    }
}
