//! `sekoia-emulator`: the fake Sekoia platform as a standalone process, for local runs and load
//! tests of module binaries written with any SDK.
//!
//! ```text
//! sekoia-emulator [--port N] [--keep-events true|false] [--secrets JSON] [--require-token TOKEN]
//!                 [--intake-key KEY]... [--max-batch-bytes N] [--url-file PATH] [--ui]
//!                 [--vendor-events N] [--vendor-credentials ID:SECRET] [--vendor-api-key KEY]
//! ```
//!
//! With `--ui` it also serves the web console at `<url>/ui` (said on standard error).
//!
//! The scripted third-party API is under `<url>/vendor/` (see the crate's `VendorApi`):
//! `--vendor-events` fills it with CyberArk-shaped audit events (made on the fly from their
//! index, `VendorApi::generate_events`: memory stays flat for millions, for pull load tests),
//! `--vendor-credentials` sets the client credentials its token endpoint accepts,
//! `--vendor-api-key` the `x-api-key` it requires.
//!
//! It listens on `127.0.0.1:<ephemeral port>` (or `--port`) and prints its URL as the first line of standard
//! output (and into `--url-file` when given). Give a module `url_callback = <url>/callback` and
//! `intake_url = <url>`.
//!
//! On SIGTERM or SIGINT it prints one line of counts and exits 0:
//!
//! ```text
//! events=<accepted intake events> batches=<accepted /batch requests> requests=<all requests> batch_bytes=<bytes of accepted /batch bodies> trigger_events=<POST /callback requests> trigger_span_ms=<from the first to the last of them> vendor_requests=<requests under /vendor/> vendor_events=<events the vendor API answered> pull_span_ms=<from the first vendor request to the last accepted /batch>
//! ```
//!
//! Standard input takes one command a line, each answered with one line on standard output, so
//! that a driver script can follow a run without parsing logs:
//!
//! - `stats`: the counts line above;
//! - `wait <events> <timeout seconds>`: blocks until the intake has accepted at least `<events>`
//!   events, then prints `reached=<true|false>` followed by the counts;
//! - `clear`: forgets the recorded requests and resets the counts, prints `cleared`;
//! - `requests`: every recorded request, one line each, then `end`;
//! - `script <METHOD> <path> <reply>...`: queues fault replies for that endpoint, used in order
//!   before its normal behaviour (`script POST /batch 503:retry-after=0*3 drop normal`; each
//!   reply is a status with `:retry-after=<s>`, `:delay=<ms>`, `:text=<body>` or
//!   `:json=<body>` options, `drop`, `normal` or `delay=<ms>`, and `*<count>` repeats it),
//!   prints `scripted <count>`; `unscript` forgets every script, prints `unscripted`.
//!
//! An end of standard input only ends the commands; the server runs until it is signalled.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use sekoia_emulator::{Emulator, EmulatorBuilder};

const USAGE: &str =
    "usage: sekoia-emulator [--port N] [--keep-events true|false] [--secrets JSON] \
[--require-token TOKEN] [--intake-key KEY]... [--max-batch-bytes N] [--url-file PATH] [--ui]
[--vendor-events N] [--vendor-credentials ID:SECRET] [--vendor-api-key KEY]

Serves the fake Sekoia platform on 127.0.0.1:<ephemeral port> and prints its URL.
--port N             listen on 127.0.0.1:N instead of an ephemeral port
--keep-events false  only count /batch events (flat memory under load)
--secrets JSON       the module secrets the platform holds (default {})
--require-token T    answer 401 on /callback, /logs, /secrets without `Bearer T`
--intake-key KEY     accept only these intake keys on /batch (repeatable)
--max-batch-bytes N  largest /batch body accepted (default 10 MiB)
--url-file PATH      also write the URL to PATH
--ui                 serve the web console at <url>/ui: what the platform receives, live
--vendor-events N    the vendor API under <url>/vendor/ holds N audit events (made on the fly)
--vendor-credentials ID:SECRET  the client credentials of its token endpoint (client:secret)
--vendor-api-key KEY its event endpoints require x-api-key: KEY
stdin commands: stats | wait <events> <timeout s> | clear | requests |
                script <METHOD> <path> <reply>... | unscript
SIGTERM/SIGINT: prints `events=<n> batches=<n> requests=<n> batch_bytes=<n> trigger_events=<n> \
trigger_span_ms=<ms> vendor_requests=<n> vendor_events=<n> pull_span_ms=<ms>` and exits 0";

struct Options {
    builder: EmulatorBuilder,
    url_file: Option<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut builder = Emulator::builder();
    let mut url_file = None;
    let mut intake_keys: Vec<String> = Vec::new();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        if flag == "--ui" && inline.is_none() {
            builder = builder.console("sekoia-emulator");
            continue;
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--keep-events" => {
                let keep = match value()?.as_str() {
                    "true" | "yes" | "1" => true,
                    "false" | "no" | "0" => false,
                    other => {
                        return Err(format!("--keep-events takes true or false, not {other:?}"));
                    }
                };
                builder = builder.keep_events(keep);
            }
            "--secrets" => {
                let secrets = serde_json::from_str(&value()?)
                    .map_err(|e| format!("--secrets is not JSON: {e}"))?;
                builder = builder.secrets(secrets);
            }
            "--require-token" => builder = builder.require_token(value()?),
            "--intake-key" => intake_keys.push(value()?),
            "--max-batch-bytes" => {
                let raw = value()?;
                let bytes = raw.parse().map_err(|_| {
                    format!("--max-batch-bytes takes a number of bytes, not {raw:?}")
                })?;
                builder = builder.max_batch_bytes(bytes);
            }
            "--url-file" => url_file = Some(value()?),
            "--vendor-events" => {
                let raw = value()?;
                let count = raw.parse().map_err(|_| {
                    format!("--vendor-events takes a number of events, not {raw:?}")
                })?;
                builder = builder.vendor_generated_events(count);
            }
            "--vendor-credentials" => {
                let raw = value()?;
                let Some((id, secret)) = raw.split_once(':') else {
                    return Err(format!("--vendor-credentials takes ID:SECRET, not {raw:?}"));
                };
                builder = builder.vendor_credentials(id, secret);
            }
            "--vendor-api-key" => builder = builder.vendor_api_key(value()?),
            "--port" => {
                let raw = value()?;
                let port = raw
                    .parse()
                    .map_err(|_| format!("--port takes a port number (0 to 65535), not {raw:?}"))?;
                builder = builder.port(port);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !intake_keys.is_empty() {
        builder = builder.intake_keys(intake_keys);
    }
    Ok(Some(Options { builder, url_file }))
}

fn main() -> ExitCode {
    let args: Result<Vec<String>, String> = std::env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string()
                .map_err(|raw| format!("the argument {:?} is not UTF-8", raw.to_string_lossy()))
        })
        .collect();
    let options = match args.and_then(|args| parse(args.into_iter())) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("sekoia-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match options.builder.try_start() {
        Ok(emulator) => Arc::new(emulator),
        Err(error) => {
            eprintln!("sekoia-emulator: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &options.url_file
        && let Err(error) = std::fs::write(path, emulator.url())
    {
        eprintln!("sekoia-emulator: cannot write the URL to {path}: {error}");
        return ExitCode::FAILURE;
    }
    say(emulator.url());
    if let Some(console) = emulator.console_url() {
        eprintln!("sekoia-emulator: the console is at {console}");
    }
    let commands = emulator.clone();
    std::thread::spawn(move || serve_commands(&commands));
    if let Err(error) = wait_for_signal() {
        eprintln!("sekoia-emulator: cannot wait for signals: {error}");
        return ExitCode::FAILURE;
    }
    say(&stats(&emulator));
    ExitCode::SUCCESS
}

/// Prints one line to standard output, flushed, so that a driver reading a pipe sees it at once.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn stats(emulator: &Emulator) -> String {
    let requests = emulator.requests();
    let batches = requests
        .iter()
        .filter(|r| r.is("POST", "/batch") && r.accepted());
    let (count, bytes) = batches.fold((0u64, 0u64), |(count, bytes), r| {
        (count + 1, bytes + r.body_len as u64)
    });
    // trigger events, and the time from the first to the last (the trigger's rate)
    let mut callbacks = requests.iter().filter(|r| r.is("POST", "/callback"));
    let first = callbacks.next().map(|r| r.received_at);
    let (events, last) = callbacks.fold((u64::from(first.is_some()), first), |(n, _), r| {
        (n + 1, Some(r.received_at))
    });
    let span = match (first, last) {
        (Some(first), Some(last)) => last.duration_since(first).as_secs_f64() * 1000.0,
        _ => 0.0,
    };
    // a pull: from the first request to the vendor API to the last batch the intake accepted
    let mut vendor = requests
        .iter()
        .filter(|r| r.path.starts_with(sekoia_emulator::VENDOR_PREFIX));
    let first_pull = vendor.next().map(|r| r.received_at);
    let vendor_requests = vendor.count() + usize::from(first_pull.is_some());
    let last_batch = requests
        .iter()
        .rev()
        .find(|r| r.is("POST", "/batch") && r.accepted())
        .map(|r| r.received_at);
    let pull_span = match (first_pull, last_batch) {
        (Some(first), Some(last)) => last.saturating_duration_since(first).as_secs_f64() * 1000.0,
        _ => 0.0,
    };
    format!(
        "events={} batches={count} requests={} batch_bytes={bytes} trigger_events={events} trigger_span_ms={span:.3} \
vendor_requests={vendor_requests} vendor_events={} pull_span_ms={pull_span:.3}",
        emulator.intake_event_count(),
        requests.len(),
        emulator.vendor().events_served(),
    )
}

fn serve_commands(emulator: &Emulator) {
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { return };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            ["stats"] => say(&stats(emulator)),
            ["clear"] => {
                emulator.clear();
                say("cleared");
            }
            ["requests"] => {
                for request in emulator.requests() {
                    say(&request.to_string());
                }
                say("end");
            }
            ["script", ..] => match sekoia_emulator::parse_script(&line["script".len()..]) {
                Ok((method, path, replies)) => {
                    let count = replies.len();
                    emulator.script(method, &path, replies);
                    say(&format!("scripted {count}"));
                }
                Err(why) => say(&format!("error: {why}")),
            },
            ["unscript"] => {
                emulator.clear_scripts();
                say("unscripted");
            }
            ["wait", events, timeout] => match (events.parse::<u64>(), timeout.parse::<f64>()) {
                (Ok(events), Ok(timeout)) if timeout >= 0.0 && timeout.is_finite() => {
                    let reached =
                        emulator.wait_for_intake_events(events, Duration::from_secs_f64(timeout));
                    say(&format!("reached={reached} {}", stats(emulator)));
                }
                _ => say("error: usage: wait <events> <timeout seconds>"),
            },
            _ => say(&format!(
                "error: unknown command {line:?}; commands: stats, wait <events> <timeout s>, clear, requests, script <METHOD> <path> <reply>..., unscript"
            )),
        }
    }
}

/// Blocks until SIGTERM or SIGINT.
fn wait_for_signal() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut terminate = signal(SignalKind::terminate())?;
            let mut interrupt = signal(SignalKind::interrupt())?;
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            Ok(())
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
}
