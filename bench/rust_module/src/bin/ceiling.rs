//! `ceiling`: the emulator's ingest rate, measured with the least client work there can be.
//!
//! ```text
//! ceiling <intake url> [--events 1000000] [--size 350] [--connections 4] [--intake-key bench]
//! ```
//!
//! It builds the `/batch` bodies the runtime would build for `--events` events of `--size` bytes
//! (`{"n":<n>,"pad":"xx..."}`, chunks of at most 9,437,184 event bytes) once, before the clock
//! starts, then sends them over `--connections` keep-alive HTTP/1.1 connections in parallel, each
//! taking the next chunk as soon as its previous answer is read. Answers are read but not parsed
//! beyond the status line and `content-length`. It prints one line:
//!
//! ```text
//! events=<n> chunks=<n> body_bytes=<n> seconds=<s> events_per_s=<x> body_mb_per_s=<x>
//! ```
//!
//! Only the standard library: no HTTP client, async runtime or JSON parser stands between the
//! bodies and the socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The runtime's chunk limit (`sekoia_runtime` `CHUNK_BYTES_MAX`, 90% of 10 MiB).
const CHUNK_BYTES_MAX: usize = 9_437_184;

struct Options {
    host: String,
    events: usize,
    size: usize,
    connections: usize,
    intake_key: String,
}

fn parse() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: ceiling <intake url> [--events N] [--size BYTES] [--connections N] [--intake-key KEY]")?;
    let host = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// URLs, not {url:?}"))?
        .trim_end_matches('/')
        .to_owned();
    let mut options = Options {
        host,
        events: 1_000_000,
        size: 350,
        connections: 4,
        intake_key: "bench".into(),
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag} takes a number, not {value:?}"))
        };
        match flag.as_str() {
            "--events" => options.events = number()?,
            "--size" => options.size = number()?,
            "--connections" => options.connections = number()?.max(1),
            "--intake-key" => options.intake_key = value,
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(options)
}

/// The event `n` as the runtime serializes it, escaped as a JSON string into `out`.
fn push_event(out: &mut Vec<u8>, n: usize, pad: &str) -> usize {
    let event = format!("{{\"n\":{n},\"pad\":\"{pad}\"}}");
    out.push(b'"');
    out.extend_from_slice(event.replace('"', "\\\"").as_bytes());
    out.push(b'"');
    event.len()
}

/// One full request (head and body) holding `count` events.
fn request(options: &Options, count: usize, pad: &str) -> Vec<u8> {
    let mut body = format!("{{\"intake_key\":\"{}\",\"jsons\":[", options.intake_key).into_bytes();
    for n in 0..count {
        if n > 0 {
            body.push(b',');
        }
        push_event(&mut body, n, pad);
    }
    body.extend_from_slice(b"]}");
    let mut request = format!(
        "POST /batch HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\nuser-agent: sekoiaio-connector-{}\r\ncontent-length: {}\r\n\r\n",
        options.host,
        options.intake_key,
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    request
}

/// Sends `request` and reads the answer; returns the status.
fn exchange(stream: &mut BufReader<TcpStream>, request: &[u8]) -> std::io::Result<u16> {
    stream.get_mut().write_all(request)?;
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        if stream.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    std::io::copy(
        &mut stream.by_ref().take(length as u64),
        &mut std::io::sink(),
    )?;
    Ok(status)
}

fn main() -> ExitCode {
    let options = match parse() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("ceiling: {message}");
            return ExitCode::from(2);
        }
    };
    // the largest event (a 6-digit n) is `size` bytes, as in the bench connector
    let pad = "x".repeat(options.size.saturating_sub(21));
    let per_chunk = (CHUNK_BYTES_MAX / options.size.max(1)).max(1);
    let full_chunks = options.events / per_chunk;
    let rest = options.events % per_chunk;
    let full = Arc::new(request(&options, per_chunk, &pad));
    let last = Arc::new(request(&options, rest, &pad));
    let chunks = full_chunks + usize::from(rest > 0);
    let body_bytes = full_chunks * full.len() + if rest > 0 { last.len() } else { 0 };

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..options.connections.min(chunks.max(1)))
        .map(|_| {
            let (next, full, last, host) = (
                next.clone(),
                full.clone(),
                last.clone(),
                options.host.clone(),
            );
            std::thread::spawn(move || -> Result<(), String> {
                let stream =
                    TcpStream::connect(&host).map_err(|e| format!("connect {host}: {e}"))?;
                let _ = stream.set_nodelay(true);
                let mut stream = BufReader::with_capacity(64 * 1024, stream);
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= chunks {
                        return Ok(());
                    }
                    let request = if index < full_chunks { &full } else { &last };
                    match exchange(&mut stream, request) {
                        Ok(200) => {}
                        Ok(status) => return Err(format!("chunk {index}: status {status}")),
                        Err(e) => return Err(format!("chunk {index}: {e}")),
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        match worker.join() {
            Ok(Ok(())) => {}
            Ok(Err(message)) => {
                eprintln!("ceiling: {message}");
                return ExitCode::FAILURE;
            }
            Err(_) => return ExitCode::FAILURE,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "events={} chunks={chunks} body_bytes={body_bytes} seconds={seconds:.6} events_per_s={:.0} body_mb_per_s={:.1}",
        options.events,
        options.events as f64 / seconds,
        body_bytes as f64 / seconds / 1e6
    );
    ExitCode::SUCCESS
}
