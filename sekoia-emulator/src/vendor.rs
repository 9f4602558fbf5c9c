//! A scripted third-party API under `/vendor/`, for connectors to collect from: an OAuth2
//! token endpoint with expiring tokens, events behind a cursor, a `Link` header, offsets or
//! page numbers, CyberArk's audit stream, a server-side rate limit and slowness. Faults (a 429
//! with `Retry-After`, a 5xx, a dropped connection) are scripted like any endpoint's, with
//! [`Emulator::script`](crate::Emulator::script).
//!
//! | request | answer |
//! |---|---|
//! | `POST /vendor/oauth2/token` (and `/vendor/oauth2/token/<app>`), client credentials in a Basic header or the form, `grant_type=client_credentials` | `200 {"access_token", "token_type": "bearer", "expires_in"}`; `401 {"error": "invalid_client", "error_description"}`, `400 {"error": "unsupported_grant_type"}` |
//! | `GET /vendor/events?cursor=&limit=` | `{"data": [...], "next": "<cursor>" \| null}` (`next` is `null` on the last page); written as text, without values, for generated events |
//! | `GET /vendor/events/linked?after=&limit=` | a JSON array, `Link: <next>; rel="next"` while more remain |
//! | `GET /vendor/events/offset?offset=&limit=` | `{"items": [...]}` |
//! | `GET /vendor/events/paged?page=&per_page=` (pages from 1) | `{"items": [...]}` |
//! | `POST /vendor/api/audits/stream/createQuery` `{"query": {"pageSize", "filterModel": {"date": {"dateFrom"}}}}` | `{"cursorRef"}`: CyberArk's audit stream, events from the second of `dateFrom` |
//! | `POST /vendor/api/audits/stream/results` `{"cursorRef"}` | `{"data": [...], "paging": {"cursor": {"cursorRef"}}}`, `data` empty at the end |
//!
//! The event endpoints need `Authorization: Bearer <a token the endpoint issued, not expired>`
//! (else `401 {"error": "invalid_token"}`) and, when an API key is set, `x-api-key: <key>`.
//! Events are CyberArk audit events (`uuid`, `timestamp` in epoch milliseconds, ...), added
//! with [`VendorApi::add_events`], or made on the fly from their index with
//! [`VendorApi::generate_events`]: the same events for load tests of millions, where the
//! cursor endpoint writes each page's JSON text directly.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::platform::Incoming;

mod cyberark;
mod generated;

use generated::Generated;

/// The path every vendor endpoint starts with.
pub const VENDOR_PREFIX: &str = "/vendor/";

/// The emulated third-party API; get it with [`Emulator::vendor`](crate::Emulator::vendor).
///
/// ```
/// use std::time::Duration;
/// use sekoia_emulator::Emulator;
///
/// let emulator = Emulator::start();
/// let vendor = emulator.vendor();
/// vendor.set_credentials("client", "s3cret");
/// vendor.set_token_lifetime(Duration::from_secs(2));
/// vendor.add_events(250);
/// assert_eq!(vendor.events().len(), 250);
/// assert!(emulator.vendor_url().ends_with("/vendor"));
/// ```
#[derive(Debug)]
pub struct VendorApi {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    client_id: String,
    client_secret: String,
    api_key: Option<String>,
    token_lifetime: Duration,
    page_size: usize,
    latency: Duration,
    rate_limit: Option<(usize, Duration)>,
    recent: Vec<Instant>,
    tokens: HashMap<String, Instant>,
    issued: u64,
    events: Events,
    /// The timestamp of the first event (half an hour before the API was made).
    origin_ms: i64,
    next_timestamp: i64,
    /// Events answered by the event endpoints since the start or the last `clear`.
    served: u64,
    queries: HashMap<String, Query>,
    request_times: Vec<SystemTime>,
}

/// The events the API holds.
#[derive(Debug)]
enum Events {
    /// Added one by one, kept as values.
    Stored(Vec<Value>),
    /// Made from their index when a page asks for them.
    Generated(Generated),
}

/// A CyberArk stream query: the events left to return.
#[derive(Debug, Clone)]
struct Query {
    position: usize,
    from_ms: i64,
    page_size: usize,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `true` when `path` is the vendor API's.
pub(crate) fn is_vendor(path: &str) -> bool {
    path.starts_with(VENDOR_PREFIX)
}

impl Default for VendorApi {
    fn default() -> Self {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        // events start half an hour ago
        let origin_ms = now_ms - 30 * 60 * 1000;
        VendorApi {
            state: Mutex::new(State {
                client_id: "client".to_owned(),
                client_secret: "secret".to_owned(),
                api_key: None,
                token_lifetime: Duration::from_secs(1799),
                page_size: 100,
                latency: Duration::ZERO,
                rate_limit: None,
                recent: Vec::new(),
                tokens: HashMap::new(),
                issued: 0,
                events: Events::Stored(Vec::new()),
                origin_ms,
                next_timestamp: origin_ms,
                served: 0,
                queries: HashMap::new(),
                request_times: Vec::new(),
            }),
        }
    }
}

impl VendorApi {
    /// The client id and secret (or login and password) the token endpoint accepts (default
    /// `client` / `secret`).
    pub fn set_credentials(&self, client_id: &str, client_secret: &str) {
        let mut state = lock(&self.state);
        state.client_id = client_id.to_owned();
        state.client_secret = client_secret.to_owned();
    }

    /// Requires `x-api-key: <key>` on the event endpoints.
    pub fn set_api_key(&self, key: &str) {
        lock(&self.state).api_key = Some(key.to_owned());
    }

    /// How long a token lives (default 1799 s, CyberArk's); tokens issued before keep theirs.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.state).token_lifetime = lifetime;
    }

    /// Revokes every token issued: the next event request answers 401.
    pub fn revoke_tokens(&self) {
        lock(&self.state).tokens.clear();
    }

    /// Events per page when the request does not say (default 100).
    pub fn set_page_size(&self, size: usize) {
        lock(&self.state).page_size = size.max(1);
    }

    /// Every vendor answer waits this long (default none).
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state).latency = latency;
    }

    /// Answers `429` with `Retry-After: 1` beyond `requests` per `per` (a sliding window).
    pub fn set_rate_limit(&self, requests: usize, per: Duration) {
        lock(&self.state).rate_limit = Some((requests, per));
    }

    /// Adds `count` events, 7 ms apart after the last one (the first starts half an hour
    /// before the emulator was made): several share each second, as real audit logs do. After
    /// [`generate_events`](Self::generate_events), `count` more are generated.
    pub fn add_events(&self, count: usize) {
        let mut state = lock(&self.state);
        let mut timestamp = state.next_timestamp;
        match &mut state.events {
            Events::Stored(events) => {
                for _ in 0..count {
                    events.push(cyberark::event(uuid::Uuid::new_v4(), timestamp));
                    timestamp += generated::STEP_MS;
                }
            }
            Events::Generated(events) => {
                events.total += count;
                timestamp = events.timestamp(events.total);
            }
        }
        state.next_timestamp = timestamp;
    }

    /// Replaces the events with `total` events made from their index whenever a page asks for
    /// them, for load tests: memory stays flat for any `total`, and `GET /vendor/events`
    /// writes its pages as JSON text without building values.
    ///
    /// Event `i` has the shape and fields of the events of [`add_events`](Self::add_events),
    /// the timestamp of the first event plus `7 * i` milliseconds, and a version 4 uuid drawn
    /// from `i` (the same every time, distinct for every index).
    ///
    /// ```
    /// use sekoia_emulator::Emulator;
    ///
    /// let emulator = Emulator::start();
    /// emulator.vendor().generate_events(1_000_000);
    /// assert_eq!(emulator.vendor().event_count(), 1_000_000);
    /// ```
    pub fn generate_events(&self, total: usize) {
        let mut state = lock(&self.state);
        let origin_ms = state.origin_ms;
        let events = Generated { total, origin_ms };
        state.next_timestamp = events.timestamp(total);
        state.events = Events::Generated(events);
    }

    /// How many events the API holds.
    pub fn event_count(&self) -> usize {
        lock(&self.state).event_count()
    }

    /// The events the API holds, oldest first (generated ones are all built: mind a large
    /// [`generate_events`](Self::generate_events)).
    pub fn events(&self) -> Vec<Value> {
        let state = lock(&self.state);
        match &state.events {
            Events::Stored(events) => events.clone(),
            Events::Generated(events) => events.slice(0, events.total),
        }
    }

    /// How many events the event endpoints answered since the start or the emulator's last
    /// [`clear`](crate::Emulator::clear) (each page's events, repeats included).
    pub fn events_served(&self) -> u64 {
        lock(&self.state).served
    }

    /// Zeroes [`events_served`](Self::events_served).
    pub(crate) fn reset_served(&self) {
        lock(&self.state).served = 0;
    }

    /// How many tokens the endpoint issued.
    pub fn tokens_issued(&self) -> u64 {
        lock(&self.state).issued
    }

    /// When each vendor request arrived (for rate measurements).
    pub fn request_times(&self) -> Vec<SystemTime> {
        lock(&self.state).request_times.clone()
    }

    /// The answer to a vendor request, and how long to wait before giving it.
    pub(crate) fn answer(&self, request: &Incoming) -> (Answer, Duration) {
        let mut state = lock(&self.state);
        state.request_times.push(request.timestamp);
        let latency = state.latency;
        if let Some(limited) = state.rate_limited() {
            return (limited, latency);
        }
        let path = &request.path[VENDOR_PREFIX.len() - 1..];
        let answer = match (request.method.as_str(), path) {
            ("POST", p) if p == "/oauth2/token" || p.starts_with("/oauth2/token/") => {
                state.token(request)
            }
            (_, p) if !KNOWN.contains(&p) => Answer::json(
                StatusCode::NOT_FOUND,
                &json!({"error": format!("unknown vendor path {}", request.path), "known_paths": KNOWN}),
            ),
            (method, p) => match state.check_access(request) {
                Err(refused) => refused,
                Ok(()) => match (method, p) {
                    ("GET", "/events") => state.cursor_page(request),
                    ("GET", "/events/linked") => state.linked_page(request),
                    ("GET", "/events/offset") => state.offset_page(request),
                    ("GET", "/events/paged") => state.numbered_page(request),
                    ("POST", "/api/audits/stream/createQuery") => state.create_query(request),
                    ("POST", "/api/audits/stream/results") => state.results(request),
                    _ => Answer::error(
                        StatusCode::METHOD_NOT_ALLOWED,
                        format!("method {method} not allowed on {}", request.path),
                    ),
                },
            },
        };
        (answer, latency)
    }
}

/// The vendor paths, after `/vendor`.
const KNOWN: [&str; 7] = [
    "/oauth2/token",
    "/events",
    "/events/linked",
    "/events/offset",
    "/events/paged",
    "/api/audits/stream/createQuery",
    "/api/audits/stream/results",
];

fn header<'a>(request: &'a Incoming, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn query(request: &Incoming) -> HashMap<String, String> {
    let text = request.query.as_deref().unwrap_or_default();
    form_pairs(text.as_bytes())
}

fn form_pairs(text: &[u8]) -> HashMap<String, String> {
    String::from_utf8_lossy(text)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding of a form value (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn number(params: &HashMap<String, String>, name: &str, default: usize) -> usize {
    params
        .get(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

impl State {
    fn rate_limited(&mut self) -> Option<Answer> {
        let (requests, per) = self.rate_limit?;
        let now = Instant::now();
        self.recent.retain(|at| now.duration_since(*at) < per);
        if self.recent.len() >= requests {
            let mut answer = Answer::error(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded");
            answer.headers.push(("retry-after".into(), "1".into()));
            return Some(answer);
        }
        self.recent.push(now);
        None
    }

    fn token(&mut self, request: &Incoming) -> Answer {
        let form = form_pairs(&request.body);
        if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return Answer::json(
                StatusCode::BAD_REQUEST,
                &json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}),
            );
        }
        let basic = header(request, "authorization")
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|v| {
                base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .ok()
            })
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|v| v.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())));
        let (id, secret) = basic.unwrap_or_else(|| {
            (
                form.get("client_id").cloned().unwrap_or_default(),
                form.get("client_secret").cloned().unwrap_or_default(),
            )
        });
        if id != self.client_id || secret != self.client_secret {
            return Answer::json(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "invalid_client", "error_description": "unknown client or wrong secret"}),
            );
        }
        self.issued += 1;
        let token = format!("token-{}-{}", self.issued, uuid::Uuid::new_v4().simple());
        self.tokens
            .insert(token.clone(), Instant::now() + self.token_lifetime);
        Answer::json(
            StatusCode::OK,
            &json!({"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime.as_secs()}),
        )
    }

    fn check_access(&self, request: &Incoming) -> Result<(), Answer> {
        let refused = |message: &str| {
            let mut answer = Answer::json(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "invalid_token", "error_description": message}),
            );
            answer
                .headers
                .push(("www-authenticate".into(), "Bearer".into()));
            answer
        };
        let token = header(request, "authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match token.and_then(|t| self.tokens.get(t)) {
            None => return Err(refused("missing or unknown bearer token")),
            Some(expires) if *expires <= Instant::now() => {
                return Err(refused("the token expired"));
            }
            Some(_) => {}
        }
        if let Some(key) = &self.api_key
            && header(request, "x-api-key") != Some(key.as_str())
        {
            return Err(refused("missing or wrong x-api-key"));
        }
        Ok(())
    }

    fn event_count(&self) -> usize {
        match &self.events {
            Events::Stored(events) => events.len(),
            Events::Generated(events) => events.total,
        }
    }

    /// Events `[start, start + size)` that exist, counted as served.
    fn slice(&mut self, start: usize, size: usize) -> Vec<Value> {
        let data: Vec<Value> = match &self.events {
            Events::Stored(events) => events.iter().skip(start).take(size).cloned().collect(),
            Events::Generated(events) => events.slice(start, size),
        };
        self.served += data.len() as u64;
        data
    }

    /// The first event whose timestamp is at least `from_ms` (events are in timestamp order).
    fn first_from(&self, from_ms: i64) -> usize {
        match &self.events {
            Events::Stored(events) => {
                events.partition_point(|e| e["timestamp"].as_i64().is_some_and(|t| t < from_ms))
            }
            Events::Generated(events) => events.first_from(from_ms),
        }
    }

    fn cursor_page(&mut self, request: &Incoming) -> Answer {
        let params = query(request);
        let size = number(&params, "limit", self.page_size);
        let start = params
            .get("cursor")
            .and_then(|c| c.strip_prefix('c'))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        if let Events::Generated(events) = &self.events {
            let (body, count) = events.cursor_page(start, size);
            self.served += count as u64;
            return Answer::json_bytes(StatusCode::OK, body);
        }
        let data = self.slice(start, size);
        let end = start + data.len();
        let next = (end < self.event_count()).then(|| format!("c{end}"));
        Answer::json(StatusCode::OK, &json!({"data": data, "next": next}))
    }

    fn linked_page(&mut self, request: &Incoming) -> Answer {
        let params = query(request);
        let size = number(&params, "limit", self.page_size);
        let start = number(&params, "after", 0);
        let data = self.slice(start, size);
        let end = start + data.len();
        let mut answer = Answer::json(StatusCode::OK, &Value::Array(data));
        if end < self.event_count() {
            let host = header(request, "host").unwrap_or("127.0.0.1");
            answer.headers.push((
                "link".into(),
                format!(
                    "<http://{host}/vendor/events/linked?after={end}&limit={size}>; rel=\"next\", <http://{host}/vendor/events/linked>; rel=\"self\""
                ),
            ));
        }
        answer
    }

    fn offset_page(&mut self, request: &Incoming) -> Answer {
        let params = query(request);
        let size = number(&params, "limit", self.page_size);
        let start = number(&params, "offset", 0);
        Answer::json(StatusCode::OK, &json!({"items": self.slice(start, size)}))
    }

    fn numbered_page(&mut self, request: &Incoming) -> Answer {
        let params = query(request);
        let size = number(&params, "per_page", self.page_size);
        let page = number(&params, "page", 1).max(1);
        Answer::json(
            StatusCode::OK,
            &json!({"items": self.slice((page - 1) * size, size)}),
        )
    }
}
