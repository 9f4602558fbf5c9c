//! The web console: what the platform receives, live, in a browser, served by the emulator
//! itself on loopback under `/ui` (`EmulatorBuilder::console`, `sekoia-emulator --ui`,
//! `cargo sekoia run --ui`).
//!
//! One page with everything embedded (no external asset: it works offline) follows a feed of
//! server-sent events (`/ui/stream`: counts, the status timeline, the throughput second by
//! second, the latest requests) and reads the lists a page at a time from a small JSON API
//! (`/ui/api/...`: requests, logs, events, intake events, scripted faults, test pages), so a run of
//! a million events stays responsive. Console requests are not platform traffic: they are not
//! recorded.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::platform::Platform;
use crate::server::Body;

mod api;
mod stats;
mod stream;

use stats::Stats;

/// Where the console lives.
pub const CONSOLE_PATH: &str = "/ui";

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/console.js");
const STYLE: &str = include_str!("assets/console.css");

/// The console of one emulator.
pub(crate) struct Console {
    title: String,
    stats: Mutex<Stats>,
}

impl Console {
    pub(crate) fn new(title: String) -> Console {
        Console {
            title,
            stats: Mutex::default(),
        }
    }
}

/// Whether `path` is the console's.
pub(crate) fn is_console(path: &str) -> bool {
    path == CONSOLE_PATH || path.starts_with("/ui/")
}

/// The answer to a console request.
pub(crate) fn answer(
    platform: &Arc<Platform>,
    method: &str,
    path: &str,
    query: Option<&str>,
) -> Response<Body> {
    if method != "GET" {
        return json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({"error": format!("the console answers GET, not {method}")}),
        );
    }
    let query = api::Query::parse(query);
    match path {
        "/ui" | "/ui/" => text(INDEX, "text/html; charset=utf-8"),
        "/ui/console.js" => text(SCRIPT, "text/javascript; charset=utf-8"),
        "/ui/console.css" => text(STYLE, "text/css; charset=utf-8"),
        "/ui/stream" => {
            let mut response = Response::new(stream::open(Arc::clone(platform)).boxed());
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        "/ui/api/summary" => json_response(StatusCode::OK, &summary(platform)),
        "/ui/api/requests" => json_response(StatusCode::OK, &api::requests(platform, &query)),
        "/ui/api/request" => json_response(StatusCode::OK, &api::request(platform, &query)),
        "/ui/api/logs" => json_response(StatusCode::OK, &api::logs(platform, &query)),
        "/ui/api/events" => json_response(StatusCode::OK, &api::events(platform, &query)),
        "/ui/api/intake" => json_response(StatusCode::OK, &api::intake(platform, &query)),
        "/ui/api/faults" => json_response(StatusCode::OK, &api::faults(platform)),
        "/ui/api/pages" => json_response(StatusCode::OK, &api::pages()),
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({"error": format!("the console has no {path}")}),
        ),
    }
}

/// The summary of what was received, brought up to date.
pub(crate) fn summary(platform: &Platform) -> Value {
    let Some(console) = &platform.console else {
        return Value::Null;
    };
    let mut stats = console.stats.lock().unwrap_or_else(PoisonError::into_inner);
    platform
        .recorder
        .with_requests(|requests| stats.update(requests));
    let mut summary = stats.summary(platform.scripts.pending_total());
    summary["title"] = json!(console.title);
    summary["kept"] = json!(platform.options.keep_events);
    summary
}

fn text(body: &'static str, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())).boxed());
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())).boxed());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
