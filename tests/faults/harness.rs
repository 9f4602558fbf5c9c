//! Runs the cases a few at a time, each caught on its own, and reports the counts.

use std::collections::BTreeMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sekoia_emulator::{Emulator, ModuleRun, RunOutcome};

/// Cases run at once: most of a case is waiting for a process or a retry.
const WORKERS: usize = 4;
/// The whole suite is stopped past this.
const SUITE_MAX: Duration = Duration::from_secs(600);

/// One case: its category, its name, and what it checks (a panic is a failure).
pub struct Case {
    pub category: &'static str,
    pub name: String,
    pub check: Box<dyn FnOnce() + Send>,
}

/// What became of a case: its category, its name, and its time or why it failed.
type Outcome = (&'static str, String, Result<Duration, String>);

/// A case of `category`.
pub fn case(
    category: &'static str,
    name: impl Into<String>,
    check: impl FnOnce() + Send + 'static,
) -> Case {
    Case {
        category,
        name: name.into(),
        check: Box::new(check),
    }
}

/// Runs `cases` (those whose name holds every word of `filter`) and prints the counts.
pub fn run(cases: Vec<Case>, filter: &[String]) -> ExitCode {
    let started = Instant::now();
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| {
            let full = format!("{} {}", c.category, c.name);
            filter.iter().all(|word| full.contains(word.as_str()))
        })
        .collect();
    let total = cases.len();
    let queue = Mutex::new(cases.into_iter());
    let results: Mutex<Vec<Outcome>> = Mutex::default();
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap().next();
                    let Some(case) = next else { return };
                    let began = Instant::now();
                    let outcome = catch_unwind(AssertUnwindSafe(case.check))
                        .map(|()| began.elapsed())
                        .map_err(|panic| {
                            panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                                .unwrap_or_else(|| "a panic without a message".into())
                        });
                    let line = match &outcome {
                        Ok(spent) => {
                            format!("ok      {} / {} ({spent:.1?})\n", case.category, case.name)
                        }
                        Err(_) => format!("FAILED  {} / {}\n", case.category, case.name),
                    };
                    let _ = std::io::stdout().write_all(line.as_bytes());
                    results
                        .lock()
                        .unwrap()
                        .push((case.category, case.name, outcome));
                    assert!(
                        started.elapsed() < SUITE_MAX,
                        "the fault suite took more than {SUITE_MAX:?}"
                    );
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (category, name, outcome) in &results {
        let count = counts.entry(category).or_default();
        match outcome {
            Ok(_) => count.0 += 1,
            Err(why) => {
                count.1 += 1;
                failures.push(format!("--- {category} / {name}\n{why}"));
            }
        }
    }
    let mut out = String::new();
    for failure in &failures {
        out.push_str(failure);
        out.push('\n');
    }
    out.push_str(&format!(
        "\nfault suite: {total} cases in {:.1?}\n",
        started.elapsed()
    ));
    for (category, (passed, failed)) in &counts {
        out.push_str(&format!(
            "  {category:<14} {:>3} cases: {passed} passed, {failed} failed\n",
            passed + failed
        ));
    }
    let passed: usize = counts.values().map(|c| c.0).sum();
    out.push_str(&format!(
        "faults: {passed} passed, {} failed\n",
        failures.len()
    ));
    let _ = std::io::stdout().write_all(out.as_bytes());
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The conformance module's `command`, with 1 ms retry units and a 30 s limit.
pub fn conformance(command: &str) -> ModuleRun {
    sekoia_tests::conformance(command)
}

/// An emulator holding the conformance module's secret.
pub fn platform() -> Emulator {
    Emulator::builder()
        .secrets(serde_json::json!({"api_key": "s3cr3t-k3y"}))
        .start()
}

/// The last status update of an action, which must be its finished report.
pub fn finished(emulator: &Emulator, outcome: &RunOutcome) -> serde_json::Value {
    let updates = emulator.status_updates();
    let last = updates.last().cloned().unwrap_or_default();
    assert_eq!(last["status"], "finished", "no finished report: {outcome}");
    last
}

/// The finished report's error, which must be there.
pub fn finished_error(emulator: &Emulator, outcome: &RunOutcome) -> String {
    let report = finished(emulator, outcome);
    report["error"]
        .as_str()
        .unwrap_or_else(|| panic!("the report has no error: {report}\n{outcome}"))
        .to_owned()
}

/// Whether a log entry at `level` holds `needle`.
pub fn logged(emulator: &Emulator, level: &str, needle: &str) -> bool {
    emulator
        .logs()
        .iter()
        .any(|l| l.level == level && l.message.contains(needle))
}

/// No panic, nothing killed.
pub fn clean(outcome: &RunOutcome) {
    assert!(!outcome.stderr.contains("panicked"), "{outcome}");
    assert!(!outcome.timed_out && !outcome.killed, "{outcome}");
}
