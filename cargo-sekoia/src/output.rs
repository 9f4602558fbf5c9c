//! What the CLI prints: coloured when standard error is a terminal, plain otherwise.

use std::io::Write;

use anstyle::{AnsiColor, Style};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const STATUS: Style = AnsiColor::Green.on_default().bold();

/// `error: <message>` on standard error.
pub fn error(message: &str) {
    let _ = writeln!(anstream::stderr(), "{ERROR}error{ERROR:#}: {message}");
}

/// `warning: <message>` on standard error.
pub fn warning(message: &str) {
    let _ = writeln!(anstream::stderr(), "{WARNING}warning{WARNING:#}: {message}");
}

/// A cargo-style status line: a right-aligned green verb, then the message.
pub fn status(verb: &str, message: &str) {
    let _ = writeln!(anstream::stderr(), "{STATUS}{verb:>12}{STATUS:#} {message}");
}
