//! One run of the module against the emulator: start it, show each request as it arrives,
//! stop it (SIGTERM) at Ctrl-C, after `--events N` or at `--timeout S`, kill it when it does not
//! exit within the stop grace, and say how it ended.

use std::process::{ExitCode, ExitStatus};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sekoia_emulator::{DEFAULT_STOP_GRACE, Emulator, ModuleRun, RecordedRequest, RunOutcome};

use super::display::LiveView;
use super::interrupt::Interrupts;
use crate::output;

/// Longest wait for a request before the stop rules are checked again.
const TICK: Duration = Duration::from_millis(50);

/// When to stop a module that is still running.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// `--events N`: once N events (trigger or intake) were received.
    pub events: Option<u64>,
    /// `--timeout S`: S after the start.
    pub timeout: Option<Duration>,
}

/// How a run ended.
#[derive(Debug)]
pub struct Ended {
    pub outcome: RunOutcome,
    /// Why SIGTERM was sent, if it was.
    pub stopped_because: Option<String>,
    /// The module did not exit within the grace after SIGTERM (or Ctrl-C came twice).
    pub killed: bool,
}

impl Ended {
    /// The exit status of this command: the module's.
    pub fn exit_code(&self) -> ExitCode {
        exit_code(self.outcome.status)
    }

    /// "the module exited with status 0", with how it was stopped.
    pub fn describe(&self) -> String {
        let exit = describe_status(self.outcome.status);
        match (&self.stopped_because, self.killed) {
            (Some(reason), false) => format!("stopped ({reason}), {exit}"),
            (Some(reason), true) => format!("stopped ({reason}) then killed, {exit}"),
            (None, _) => exit,
        }
    }
}

/// Runs `module` to its end, feeding `view` with what the emulator receives.
pub fn run(
    module: ModuleRun,
    emulator: &Emulator,
    view: &mut LiveView,
    limits: Limits,
    interrupts: &Interrupts,
) -> anyhow::Result<Ended> {
    let feed = emulator.subscribe();
    let started = Instant::now();
    let mut running = module.spawn(emulator).context("cannot start the module")?;
    let mut stop: Option<(Instant, String)> = None;
    let mut killed = false;
    loop {
        show_next(&feed, view);
        if running
            .try_wait()
            .context("cannot watch the module")?
            .is_some()
        {
            break;
        }
        let now = Instant::now();
        match &stop {
            None => {
                if let Some(reason) = stop_reason(limits, interrupts, view, now - started) {
                    output::status("Stopping", &format!("{reason}: SIGTERM to the module"));
                    running.stop().context("cannot stop the module")?;
                    stop = Some((now, reason));
                }
            }
            Some((sent, _)) if !killed => {
                let again = interrupts.count() >= 2;
                if again || now >= *sent + DEFAULT_STOP_GRACE {
                    output::warning(&match again {
                        true => "Ctrl-C again: killing the module".to_owned(),
                        false => format!(
                            "the module did not exit within {}s of SIGTERM: killing it",
                            DEFAULT_STOP_GRACE.as_secs()
                        ),
                    });
                    running.kill().context("cannot kill the module")?;
                    killed = true;
                }
            }
            Some(_) => {}
        }
    }
    // Every request of the module was recorded, hence sent to the feed, before it exited.
    while let Ok(request) = feed.try_recv() {
        view.show(&request);
    }
    let outcome = running.wait().context("cannot collect the module's end")?;
    Ok(Ended {
        outcome,
        stopped_because: stop.map(|(_, reason)| reason),
        killed,
    })
}

/// Shows the next requests, waiting at most [`TICK`] for the first.
fn show_next(feed: &Receiver<RecordedRequest>, view: &mut LiveView) {
    match feed.recv_timeout(TICK) {
        Ok(request) => {
            view.show(&request);
            while let Ok(request) = feed.try_recv() {
                view.show(&request);
            }
        }
        Err(RecvTimeoutError::Timeout) => {}
        // The emulator outlives the run, so this does not happen; never spin if it does.
        Err(RecvTimeoutError::Disconnected) => std::thread::sleep(TICK),
    }
}

fn stop_reason(
    limits: Limits,
    interrupts: &Interrupts,
    view: &LiveView,
    elapsed: Duration,
) -> Option<String> {
    if interrupts.count() > 0 {
        return Some("Ctrl-C".to_owned());
    }
    let received = view.tally().all_events();
    if let Some(wanted) = limits.events.filter(|wanted| received >= *wanted) {
        let noun = if wanted == 1 { "event" } else { "events" };
        return Some(format!("--events {wanted}: {received} {noun} received"));
    }
    if let Some(timeout) = limits.timeout.filter(|timeout| elapsed >= *timeout) {
        return Some(format!("--timeout {}s reached", timeout.as_secs_f64()));
    }
    None
}

fn exit_code(status: ExitStatus) -> ExitCode {
    if let Some(code) = status.code() {
        // Exit codes are 0..=255 on Unix; elsewhere, anything out of range is a failure.
        return u8::try_from(code).map_or(ExitCode::FAILURE, ExitCode::from);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        // The shell's convention for a process killed by a signal.
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).map_or(ExitCode::FAILURE, ExitCode::from);
        }
    }
    ExitCode::FAILURE
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("the module exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return format!("the module was killed by signal {signal}");
        }
    }
    format!("the module ended: {status}")
}
