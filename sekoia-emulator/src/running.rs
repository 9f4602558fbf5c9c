//! A module process while it runs, and what it left once it ended.

use std::fmt;
use std::path::Path;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::emulator::Emulator;
use crate::error::RunError;
use crate::output::Capture;
use crate::recording::RecordedRequest;
use crate::signal;

/// How often the stop rules are checked when no request arrives.
const TICK: Duration = Duration::from_millis(10);
/// How long to wait for the output pipes to end once the module has exited.
const OUTPUT_GRACE: Duration = Duration::from_secs(2);

/// The [`stop_when`](crate::ModuleRun::stop_when) predicate.
pub(crate) type StopPredicate = Box<dyn FnMut(&Emulator) -> bool + Send>;

/// When to stop a module: the rules of a [`ModuleRun`](crate::ModuleRun).
pub(crate) struct Watch {
    pub(crate) timeout: Duration,
    pub(crate) stop_after: Option<Duration>,
    pub(crate) stop_grace: Duration,
    pub(crate) stop_when: Option<StopPredicate>,
}

/// The liveness and metrics ports a module run was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModulePorts {
    /// `liveness_port` (`GET /health`); `None` when the caller set a value that is not a port
    /// or unset it.
    pub liveness: Option<u16>,
    /// `metrics_port` (Prometheus text); `None` as for `liveness`.
    pub metrics: Option<u16>,
}

/// A process just started by [`ModuleRun::spawn`](crate::ModuleRun::spawn).
pub(crate) struct Launched {
    pub(crate) child: Child,
    pub(crate) ports: ModulePorts,
    pub(crate) config_dir: TempDir,
    pub(crate) data_dir: TempDir,
    pub(crate) start_seq: u64,
    pub(crate) started: Instant,
}

/// Kills the module, and whatever it started, if it is dropped before it was waited for.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = signal::kill(&mut self.0);
            let _ = self.0.wait();
        }
        signal::kill_group(self.0.id());
    }
}

/// A module process started by [`ModuleRun::spawn`](crate::ModuleRun::spawn). Dropping it
/// kills the module.
pub struct RunningModule<'e> {
    emulator: &'e Emulator,
    child: ChildGuard,
    stdout: Option<Capture>,
    stderr: Option<Capture>,
    ports: ModulePorts,
    config_dir: TempDir,
    data_dir: TempDir,
    start_seq: u64,
    started: Instant,
    watch: Watch,
    stop_sent: Option<Instant>,
    killed: bool,
}

impl fmt::Debug for RunningModule<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningModule")
            .field("pid", &self.pid())
            .field("ports", &self.ports)
            .field("config_dir", &self.config_dir.path())
            .field("data_dir", &self.data_dir.path())
            .field("stop_sent", &self.stop_sent.is_some())
            .finish_non_exhaustive()
    }
}

impl<'e> RunningModule<'e> {
    pub(crate) fn new(emulator: &'e Emulator, launched: Launched, watch: Watch) -> Self {
        Self {
            emulator,
            child: ChildGuard(launched.child),
            stdout: None,
            stderr: None,
            ports: launched.ports,
            config_dir: launched.config_dir,
            data_dir: launched.data_dir,
            start_seq: launched.start_seq,
            started: launched.started,
            watch,
            stop_sent: None,
            killed: false,
        }
    }

    pub(crate) fn set_stdout(&mut self, capture: Capture) {
        self.stdout = Some(capture);
    }

    pub(crate) fn set_stderr(&mut self, capture: Capture) {
        self.stderr = Some(capture);
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// The liveness and metrics ports the module was given.
    pub fn ports(&self) -> ModulePorts {
        self.ports
    }

    /// The configuration root (`SEKOIA_CONFIG_ROOT`).
    pub fn config_dir(&self) -> &Path {
        self.config_dir.path()
    }

    /// The data directory (`SEKOIA_DATA_ROOT`).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// What the platform received since the module started.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.emulator.requests_since(self.start_seq)
    }

    /// Sends `SIGTERM` now, as the platform does to stop a trigger; [`wait`](Self::wait) then
    /// gives the module the run's stop grace to exit. Does nothing if it already exited.
    pub fn stop(&mut self) -> Result<(), RunError> {
        if self.try_wait()?.is_some() {
            return Ok(());
        }
        signal::terminate(&mut self.child.0)?;
        self.stop_sent.get_or_insert_with(Instant::now);
        Ok(())
    }

    /// Sends `SIGKILL` to the module and its process group now.
    pub fn kill(&mut self) -> Result<(), RunError> {
        signal::kill(&mut self.child.0)?;
        self.killed = true;
        Ok(())
    }

    /// The exit status, if the module has exited.
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>, RunError> {
        let pid = self.pid();
        self.child
            .0
            .try_wait()
            .map_err(|source| RunError::Wait { pid, source })
    }

    /// Waits for the module to end, applying the run's rules: `SIGTERM` once its
    /// [`stop_when`](crate::ModuleRun::stop_when) predicate holds or its
    /// [`stop_after`](crate::ModuleRun::stop_after) delay passed, `SIGKILL` when the stop grace
    /// or the [`timeout`](crate::ModuleRun::timeout) runs out.
    pub fn wait(mut self) -> Result<RunOutcome, RunError> {
        let deadline = self.started + self.watch.timeout;
        let mut timed_out = false;
        let status = loop {
            let seen = self.emulator.next_seq();
            if let Some(status) = self.try_wait()? {
                break status;
            }
            let now = Instant::now();
            let grace_over = self
                .stop_sent
                .is_some_and(|sent| now >= sent + self.watch.stop_grace);
            if now >= deadline || grace_over {
                timed_out = now >= deadline && !grace_over;
                self.kill()?;
                let pid = self.pid();
                break self
                    .child
                    .0
                    .wait()
                    .map_err(|source| RunError::Wait { pid, source })?;
            }
            if self.stop_sent.is_none() && self.should_stop(now) {
                self.stop()?;
                continue;
            }
            self.emulator.wait_for_new_request(seen, TICK);
        };
        let elapsed = self.started.elapsed();
        // Leftovers of the module must not hold the output pipes open.
        signal::kill_group(self.pid());
        let stdout = self.stdout.take().map(|c| c.finish(OUTPUT_GRACE));
        let stderr = self.stderr.take().map(|c| c.finish(OUTPUT_GRACE));
        Ok(RunOutcome {
            status,
            stdout: stdout.unwrap_or_default(),
            stderr: stderr.unwrap_or_default(),
            requests: self.emulator.requests_since(self.start_seq),
            ports: self.ports,
            timed_out,
            stop_sent: self.stop_sent.is_some(),
            killed: self.killed,
            elapsed,
            config_dir: self.config_dir,
            data_dir: self.data_dir,
        })
    }

    fn should_stop(&mut self, now: Instant) -> bool {
        let delay_over = |delay| now >= self.started + delay;
        if self.watch.stop_after.is_some_and(delay_over) {
            return true;
        }
        match &mut self.watch.stop_when {
            Some(predicate) => predicate(self.emulator),
            None => false,
        }
    }
}

/// How a module run ended, with everything it produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// The exit status.
    pub status: ExitStatus,
    /// Everything the module wrote to stdout (lossy UTF-8).
    pub stdout: String,
    /// Everything the module wrote to stderr (lossy UTF-8).
    pub stderr: String,
    /// What the platform received during the run, in order.
    pub requests: Vec<RecordedRequest>,
    /// The liveness and metrics ports the module was given.
    pub ports: ModulePorts,
    /// The module was killed because the run's timeout passed.
    pub timed_out: bool,
    /// `SIGTERM` was sent (stop rule or [`RunningModule::stop`]).
    pub stop_sent: bool,
    /// `SIGKILL` was sent (timeout, stop grace over, or [`RunningModule::kill`]).
    pub killed: bool,
    /// From the start to the exit.
    pub elapsed: Duration,
    /// The configuration root, kept until the outcome is dropped.
    pub config_dir: TempDir,
    /// The data directory, kept until the outcome is dropped (results written as files).
    pub data_dir: TempDir,
}

impl RunOutcome {
    /// The module exited with status 0.
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The requests of the run on `path`, in order.
    pub fn requests_to(&self, path: &str) -> Vec<&RecordedRequest> {
        self.requests
            .iter()
            .filter(|request| request.path == path)
            .collect()
    }
}

impl fmt::Display for RunOutcome {
    /// A report for assertion messages: status, output and requests.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "module {} after {:?}", self.status, self.elapsed)?;
        if self.stop_sent {
            write!(f, ", SIGTERM sent")?;
        }
        if self.timed_out {
            write!(f, ", killed at the timeout")?;
        } else if self.killed {
            write!(f, ", killed")?;
        }
        writeln!(f)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr ---\n{}", self.stderr.trim_end())?;
        writeln!(f, "--- {} requests ---", self.requests.len())?;
        for request in &self.requests {
            writeln!(f, "{request}")?;
        }
        Ok(())
    }
}
