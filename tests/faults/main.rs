//! The fault suite: the module binaries under bad input and platform faults, run as the platform
//! runs them against the emulator (loopback only, every run bounded by a timeout).
//!
//! Each category lists its cases; they run a few at a time and the suite prints a count per
//! category, then `faults: N passed, M failed`. `cargo test --test faults -- <words>` runs the
//! cases whose name holds every word.

mod callback;
mod configuration;
mod harness;
mod intake;
mod load;
mod probes;
mod secrets;
mod signals;

fn main() -> std::process::ExitCode {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let mut cases = Vec::new();
    cases.extend(configuration::cases());
    cases.extend(intake::cases());
    cases.extend(callback::cases());
    cases.extend(probes::cases());
    cases.extend(signals::cases());
    cases.extend(secrets::cases());
    cases.extend(load::cases());
    harness::run(cases, &filter)
}
