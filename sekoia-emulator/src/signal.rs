//! Signals to a module process, as the platform's container runtime sends them.
//!
//! The module runs in a process group of its own: `SIGTERM` goes to the module alone (like
//! `docker stop`), `SIGKILL` to the whole group, so that no grandchild keeps the output pipes
//! open once the module is gone.

use std::process::{Child, Command};

use crate::error::RunError;

/// Starts the command in a new process group (Unix; elsewhere, nothing).
pub(crate) fn own_process_group(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Sends `SIGTERM` to the module (elsewhere than Unix: kills it).
pub(crate) fn terminate(child: &mut Child) -> Result<(), RunError> {
    let pid = child.id();
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, kill};
        kill(to_pid(pid)?, Signal::SIGTERM).map_err(|errno| RunError::Signal {
            signal: "SIGTERM",
            pid,
            source: errno.into(),
        })
    }
    #[cfg(not(unix))]
    child.kill().map_err(|source| RunError::Signal {
        signal: "SIGKILL",
        pid,
        source,
    })
}

/// Sends `SIGKILL` to the module and what is left of its process group.
pub(crate) fn kill(child: &mut Child) -> Result<(), RunError> {
    kill_group(child.id());
    child.kill().map_err(|source| RunError::Signal {
        signal: "SIGKILL",
        pid: child.id(),
        source,
    })
}

/// Sends `SIGKILL` to the process group led by `pid`, if any is left.
pub(crate) fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        if let Ok(group) = to_pid(pid) {
            // ESRCH (nobody left) is the usual outcome and not an error.
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

#[cfg(unix)]
fn to_pid(pid: u32) -> Result<nix::unistd::Pid, RunError> {
    i32::try_from(pid)
        .map(nix::unistd::Pid::from_raw)
        .map_err(|_| RunError::Signal {
            signal: "a signal",
            pid,
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "pid out of range"),
        })
}
