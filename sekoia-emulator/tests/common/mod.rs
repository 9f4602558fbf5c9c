//! A tiny blocking HTTP/1.1 client over `std::net`, enough to talk to the emulator: one
//! request per connection (`connection: close`), the answer read to the end.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

/// Bound on every read and write, so that no test hangs on a silent server.
const IO_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("answer is not JSON ({error}): {:?}", self.body))
    }
}

/// Sends one request; an `Err` means the connection ended without any HTTP response.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    if raw.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed without a response",
        ));
    }
    parse(&raw)
}

fn parse(raw: &[u8]) -> io::Result<Response> {
    let text = String::from_utf8_lossy(raw);
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("{what}: {text:?}"));
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(|| bad("no status line"))?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| bad("no status code"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    Ok(Response {
        status,
        headers,
        body: body.to_owned(),
    })
}

pub fn json_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Response {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    send(addr, method, path, &all, body.to_string().as_bytes())
        .unwrap_or_else(|error| panic!("{method} {path}: {error}"))
}

pub fn patch(addr: SocketAddr, path: &str, body: &Value) -> Response {
    json_request(
        addr,
        "PATCH",
        path,
        &[("authorization", "Bearer tok")],
        body,
    )
}

pub fn post(addr: SocketAddr, path: &str, body: &Value) -> Response {
    json_request(addr, "POST", path, &[("authorization", "Bearer tok")], body)
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    send(addr, "GET", path, &[("authorization", "Bearer tok")], b"")
        .unwrap_or_else(|error| panic!("GET {path}: {error}"))
}

/// A `/batch` body with `events` serialized as JSON strings.
pub fn batch_body(intake_key: &str, events: &[Value]) -> Value {
    let jsons: Vec<String> = events.iter().map(Value::to_string).collect();
    serde_json::json!({ "intake_key": intake_key, "jsons": jsons })
}

/// Posts a `/batch` as a connector does: a `User-Agent`, no `Authorization`.
pub fn post_batch(addr: SocketAddr, body: &Value) -> Response {
    let intake_key = body["intake_key"].as_str().unwrap_or_default();
    let agent = format!("sekoiaio-connector-{intake_key}");
    json_request(addr, "POST", "/batch", &[("user-agent", &agent)], body)
}
