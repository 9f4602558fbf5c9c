//! `rusage`: runs a command and reports its wall time, CPU time and peak RSS.
//!
//! ```text
//! rusage <command> [<argument>...]
//! ```
//!
//! It writes `BENCH_PID=<pid of the command>` to standard error as soon as the command is
//! started (so that a driver can signal it), waits for it, then writes
//!
//! ```text
//! BENCH_RUSAGE exit=<code> wall_s=<s> user_s=<s> sys_s=<s> maxrss_kb=<kB>
//! ```
//!
//! and exits with the command's code. The command inherits standard input, output and error.
//!
//! Why a launcher: Linux accounts the resident set a child had right after `fork` (a copy of its
//! parent's page tables) in the child's peak RSS, and keeps it across `exec`. A child forked by
//! the benchmark driver, a Python process of tens of megabytes, would report at least that much.
//! This launcher is a few hundred kilobytes, so the peak it reports is the command's own.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;

fn seconds(time: TimeVal) -> f64 {
    time.tv_sec() as f64 + time.tv_usec() as f64 / 1e6
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else {
        eprintln!("usage: rusage <command> [<argument>...]");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    // Setting the uid (to our own) makes the standard library fork and exec rather than use
    // posix_spawn: a vfork-style spawn would hand this launcher's whole resident set to the
    // command's peak RSS at exec, a fork only the few anonymous pages it copies.
    let mut command = Command::new(&program);
    command.args(args).uid(nix::unistd::getuid().as_raw());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!(
                "rusage: cannot start {}: {error}",
                program.to_string_lossy()
            );
            return ExitCode::from(127);
        }
    };
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "BENCH_PID={}", child.id());
    let _ = stderr.flush();
    drop(stderr);
    let status = match child.wait() {
        Ok(status) => status,
        Err(error) => {
            eprintln!("rusage: cannot wait for the command: {error}");
            return ExitCode::FAILURE;
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let usage = match getrusage(UsageWho::RUSAGE_CHILDREN) {
        Ok(usage) => usage,
        Err(error) => {
            eprintln!("rusage: getrusage: {error}");
            return ExitCode::FAILURE;
        }
    };
    // a command killed by a signal exits 128 + the signal, as in a shell
    let code = status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        128 + status.signal().unwrap_or(0)
    });
    eprintln!(
        "BENCH_RUSAGE exit={code} wall_s={wall:.6} user_s={:.6} sys_s={:.6} maxrss_kb={}",
        seconds(usage.user_time()),
        seconds(usage.system_time()),
        usage.max_rss()
    );
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
