//! The live view of a run: one line for each thing the platform receives, as it arrives, then
//! the action's results or error and a summary line. Everything goes to standard output,
//! coloured when it is a terminal.

use std::io::Write as _;
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use sekoia_emulator::{PAGES_PREFIX, RecordedRequest};
use serde_json::Value;

const DIM: Style = Style::new().dimmed();
const STATUS: Style = AnsiColor::Cyan.on_default().bold();
const LOG: Style = AnsiColor::Blue.on_default().bold();
const EVENT: Style = AnsiColor::Green.on_default().bold();
const REFUSED: Style = AnsiColor::Red.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const PLAIN: Style = Style::new();

/// Longest JSON shown on an event or intake line, in characters.
const JSON_CHARS: usize = 160;

/// What the view has seen, for the summary and the stop rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Requests to the platform's endpoints (test pages not included).
    pub requests: u64,
    /// Requests the emulator refused (non-2xx or dropped).
    pub refused: u64,
    /// Requests to the test pages.
    pub pages: u64,
    /// Trigger events accepted (`POST /callback`).
    pub events: u64,
    /// Events the intake accepted, and in how many batches.
    pub intake_events: u64,
    pub batches: u64,
    /// Log entries (`POST /logs` and the `logs` of an action's end).
    pub logs: u64,
}

impl Tally {
    /// Events of both kinds: what `--events N` counts.
    pub fn all_events(&self) -> u64 {
        self.events + self.intake_events
    }
}

/// Prints what the platform receives.
pub struct LiveView {
    started: Instant,
    out: anstream::Stdout,
    tally: Tally,
    /// The last accepted `{"status": "finished", ...}` of an action.
    finished: Option<Value>,
}

impl LiveView {
    /// A view whose time offsets count from `started`.
    pub fn new(started: Instant) -> LiveView {
        LiveView {
            started,
            out: anstream::stdout(),
            tally: Tally::default(),
            finished: None,
        }
    }

    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// The action's end, once the platform accepted it.
    pub fn finished(&self) -> Option<&Value> {
        self.finished.as_ref()
    }

    fn line(&mut self, offset: Duration, tag: &str, style: Style, text: &str) {
        let seconds = offset.as_secs_f64();
        // Standard output closed (`| head`): the run goes on, there is just nobody to tell.
        let _ = writeln!(
            self.out,
            "{DIM}{seconds:>8.3}s{DIM:#} {style}{tag:<8}{style:#} {text}"
        );
    }

    /// Shows one request as it arrives.
    pub fn show(&mut self, request: &RecordedRequest) {
        let at = request.received_at.saturating_duration_since(self.started);
        if request.path.starts_with(PAGES_PREFIX) {
            self.tally.pages += 1;
            let text = format!("{DIM}{}{DIM:#}", page_line(request));
            self.line(at, "page", DIM, &text);
            return;
        }
        self.tally.requests += 1;
        if !request.accepted() {
            self.tally.refused += 1;
            self.line(at, "refused", REFUSED, &request.to_string());
            return;
        }
        let body = request.body.as_ref().unwrap_or(&Value::Null);
        match (request.method.as_str(), request.path.as_str()) {
            ("PATCH", "/callback") => self.status_update(at, body),
            ("POST", "/callback") => self.event(at, body),
            ("POST", "/logs") => {
                let entries = body["logs"].as_array().map(Vec::as_slice).unwrap_or(&[]);
                for entry in entries {
                    let level = entry["level"].as_str().unwrap_or("?");
                    let message = entry["message"].as_str().unwrap_or_default();
                    self.log(at, level, message);
                }
            }
            ("GET", "/secrets") => {
                let text = format!("{DIM}the module fetched its secrets{DIM:#}");
                self.line(at, "secrets", DIM, &text);
            }
            ("POST", "/batch") => self.batch(at, body),
            _ => self.line(at, "request", PLAIN, &request.to_string()),
        }
    }

    fn status_update(&mut self, at: Duration, body: &Value) {
        let status = body["status"].as_str().unwrap_or("?");
        let mut text = status.to_owned();
        if body["need_secrets"] == Value::Bool(true) {
            text.push_str(" (asks for its secrets)");
        }
        if status != "finished" {
            self.line(at, "status", STATUS, &text);
            return;
        }
        let has_results = body.get("results").is_some_and(|r| !r.is_null());
        let error = body.get("error").filter(|e| !e.is_null());
        match (has_results, error) {
            (_, Some(_)) => text.push_str(&format!(" {ERROR}with an error{ERROR:#}")),
            (true, None) => text.push_str(" with results"),
            (false, None) => {}
        }
        self.line(at, "status", STATUS, &text);
        if let Some(logs) = body.get("logs").and_then(Value::as_str) {
            for line in logs.lines().filter(|line| !line.trim().is_empty()) {
                match split_log_line(line) {
                    Some((level, message)) => self.log(at, level, message),
                    // the continuation of a message over several lines
                    None => self.line(at, "", PLAIN, line),
                }
            }
        }
        if let Some(outputs) = body.get("outputs").filter(|o| !o.is_null()) {
            self.line(at, "outputs", STATUS, &outputs.to_string());
        }
        if let Some(secrets) = body.get("secrets").and_then(Value::as_object) {
            let names: Vec<&str> = secrets.keys().map(String::as_str).collect();
            let text = format!("updated {}", names.join(", "));
            self.line(at, "secrets", STATUS, &text);
        }
        self.finished = Some(body.clone());
    }

    fn log(&mut self, at: Duration, level: &str, message: &str) {
        self.tally.logs += 1;
        let style = level_style(level);
        let text = format!("{style}{level:<8}{style:#} {message}");
        self.line(at, "log", LOG, &text);
    }

    fn event(&mut self, at: Duration, body: &Value) {
        self.tally.events += 1;
        let name = body["name"].as_str().unwrap_or("(no name)");
        let event = body.get("event").unwrap_or(&Value::Null).to_string();
        let mut text = format!("{name} {}", truncate(&event, JSON_CHARS));
        if let Some(directory) = body.get("directory").and_then(Value::as_str) {
            text.push_str(&format!(" (directory {directory})"));
        }
        self.line(at, "event", EVENT, &text);
    }

    fn batch(&mut self, at: Duration, body: &Value) {
        let (count, first) = match &body["jsons"] {
            Value::Array(jsons) => (jsons.len() as u64, jsons.first().and_then(Value::as_str)),
            // kept as a count only
            other => (other.as_u64().unwrap_or(0), None),
        };
        self.tally.batches += 1;
        self.tally.intake_events += count;
        let key = body["intake_key"].as_str().unwrap_or("?");
        let noun = if count == 1 { "event" } else { "events" };
        let mut text = format!("{count} {noun} (intake key {key})");
        if let Some(first) = first {
            text.push_str(&format!(", first: {}", truncate(first, JSON_CHARS)));
        }
        self.line(at, "intake", EVENT, &text);
    }

    /// The action's results (pretty JSON) or error, after the run.
    pub fn outcome(&mut self) {
        let Some(finished) = self.finished.clone() else {
            return;
        };
        if let Some(results) = finished.get("results").filter(|r| !r.is_null()) {
            let pretty = serde_json::to_string_pretty(results).unwrap_or_default();
            let _ = writeln!(self.out, "{STATUS}results{STATUS:#}:\n{pretty}");
        }
        if let Some(error) = finished.get("error").filter(|e| !e.is_null()) {
            let text = match error {
                Value::String(text) => text.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            let _ = writeln!(
                self.out,
                "{ERROR}error reported by the action{ERROR:#}: {text}"
            );
        }
    }

    /// The module's own output, dimmed (shown when it failed and was not echoed live).
    pub fn module_output(&mut self, name: &str, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let _ = writeln!(self.out, "{DIM}--- module {name} ---{DIM:#}");
        for line in text.trim_end().lines() {
            let _ = writeln!(self.out, "{DIM}{line}{DIM:#}");
        }
    }

    /// The summary line: duration, requests, events, how the module ended.
    pub fn summary(&mut self, elapsed: Duration, ending: &str) {
        let _ = writeln!(
            self.out,
            "{STATUS}summary{STATUS:#}: {:.2}s, {}; {ending}",
            elapsed.as_secs_f64(),
            describe(&self.tally)
        );
    }
}

/// "5 requests, 1 event, 3 intake events in 1 batch, 2 logs".
fn describe(tally: &Tally) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![plural(tally.requests, "request", "requests")];
    if tally.refused > 0 {
        parts.push(format!("{} refused", tally.refused));
    }
    parts.push(plural(tally.events, "event", "events"));
    if tally.batches > 0 {
        parts.push(format!(
            "{} in {}",
            plural(tally.intake_events, "intake event", "intake events"),
            plural(tally.batches, "batch", "batches")
        ));
    }
    parts.push(plural(tally.logs, "log", "logs"));
    if tally.pages > 0 {
        parts.push(plural(
            tally.pages,
            "test page fetched",
            "test pages fetched",
        ));
    }
    parts.join(", ")
}

fn page_line(request: &RecordedRequest) -> String {
    let status = request
        .status
        .map_or_else(|| "dropped".to_owned(), |status| status.to_string());
    format!("{} {} -> {status}", request.method, request.path)
}

/// `(level, message)` of an action log line `<date>: <level>: <message>`.
fn split_log_line(line: &str) -> Option<(&str, &str)> {
    let (_date, rest) = line.split_once(": ")?;
    let (level, message) = rest.split_once(": ")?;
    sekoia_emulator::LOG_LEVELS
        .contains(&level)
        .then_some((level, message))
}

fn level_style(level: &str) -> Style {
    match level {
        "debug" => DIM,
        "info" => AnsiColor::Green.on_default(),
        "warning" => AnsiColor::Yellow.on_default().bold(),
        "error" => AnsiColor::Red.on_default().bold(),
        "critical" => AnsiColor::Red.on_default().bold().invert(),
        _ => PLAIN,
    }
}

/// `text`, cut after `max` characters with an ellipsis and the full size.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}... ({} bytes)", &text[..cut], text.len()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_log_lines_split_into_level_and_message() {
        let line = "2024-01-01T00:00:00.123456: info: GET http://x - Context: {\"a\":1}";
        assert_eq!(
            split_log_line(line),
            Some(("info", "GET http://x - Context: {\"a\":1}"))
        );
        assert_eq!(split_log_line("a continuation: of a message"), None);
    }

    #[test]
    fn long_json_is_truncated_with_its_size() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdefgh", 3), "abc... (8 bytes)");
        assert_eq!(truncate("ééé", 2), "éé... (6 bytes)");
    }

    #[test]
    fn the_summary_names_what_was_received() {
        let tally = Tally {
            requests: 4,
            refused: 0,
            pages: 1,
            events: 0,
            intake_events: 3,
            batches: 1,
            logs: 2,
        };
        assert_eq!(
            describe(&tally),
            "4 requests, 0 events, 3 intake events in 1 batch, 2 logs, 1 test page fetched"
        );
        assert_eq!(tally.all_events(), 3);
    }
}
