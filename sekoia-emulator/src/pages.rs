//! Test pages: a few fixed third-party resources under `/pages/`, so that a module that fetches
//! something (the tutorial's Request action, a trigger or a connector polling an API) can run
//! offline against the emulator alone.
//!
//! | page | answer |
//! |---|---|
//! | `GET /pages/hello` | `text/plain` [`HELLO_TEXT`] |
//! | `GET /pages/json` | a small JSON object |
//! | `GET /pages/entries` | a JSON array of `{"id", "value", "timestamp"}` entries (the tutorial's NewEntriesTrigger) |
//! | `GET /pages/events` | a JSON array of events; needs `Authorization: Bearer <any token>`, as the tutorial's connector sends (`base_url = <emulator>/pages`) |
//!
//! These pages are not part of the platform: no token of the platform is checked on them and
//! they do not show in the views ([`Emulator::events`](crate::Emulator::events)...). They are
//! recorded like any request, and [`Emulator::script`](crate::Emulator::script) can put faults
//! on them.

use bytes::Bytes;
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::answer::Answer;

/// The path every test page starts with.
pub const PAGES_PREFIX: &str = "/pages/";

/// The test pages, by path.
pub const PAGES: [&str; 4] = [
    "/pages/hello",
    "/pages/json",
    "/pages/entries",
    "/pages/events",
];

/// The text of `GET /pages/hello`.
pub const HELLO_TEXT: &str = "Hello from the Sekoia emulator";

/// `true` when `path` is under `/pages/`: the page answers it, not the platform.
pub(crate) fn is_page(path: &str) -> bool {
    path.starts_with(PAGES_PREFIX)
}

/// The answer to `method` on the page `path` (under `/pages/`), with the request's
/// `authorization` header when it has one.
pub(crate) fn answer(method: &str, path: &str, authorization: Option<&str>) -> Answer {
    if !PAGES.contains(&path) {
        return Answer::json(
            StatusCode::NOT_FOUND,
            &json!({
                "error": format!("unknown test page {path}"),
                "path": path,
                "known_pages": PAGES,
            }),
        );
    }
    if method != "GET" {
        let mut answer = Answer::json(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({
                "error": format!("method {method} not allowed on {path}"),
                "allowed": ["GET"],
            }),
        );
        answer.headers.push(("allow".into(), "GET".into()));
        return answer;
    }
    match path {
        "/pages/hello" => Answer {
            status: StatusCode::OK,
            content_type: "text/plain; charset=utf-8",
            body: Bytes::from_static(HELLO_TEXT.as_bytes()),
            headers: Vec::new(),
        },
        "/pages/json" => Answer::json(StatusCode::OK, &json_page()),
        "/pages/entries" => Answer::json(StatusCode::OK, &entries()),
        _ => events(authorization),
    }
}

fn json_page() -> Value {
    json!({
        "message": HELLO_TEXT,
        "source": "sekoia-emulator",
        "items": [1, 2, 3],
    })
}

/// The feed of the tutorial's NewEntriesTrigger: entries with increasing ids.
fn entries() -> Value {
    json!([
        {"id": 1, "value": "first entry", "timestamp": 1_700_000_000},
        {"id": 2, "value": "second entry", "timestamp": 1_700_000_060},
        {"id": 3, "value": "third entry", "timestamp": 1_700_000_120},
    ])
}

/// The events API of the tutorial's connector, behind a bearer token (any non-empty one).
fn events(authorization: Option<&str>) -> Answer {
    let token = authorization
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if token.is_empty() {
        let mut answer = Answer::error(
            StatusCode::UNAUTHORIZED,
            "/pages/events needs `Authorization: Bearer <token>` (any non-empty token)",
        );
        answer
            .headers
            .push(("www-authenticate".into(), "Bearer".into()));
        return answer;
    }
    Answer::json(
        StatusCode::OK,
        &json!([
            {"id": 1, "timestamp": "2024-01-01T00:00:00Z", "source": "sekoia-emulator", "message": "user alice logged in"},
            {"id": 2, "timestamp": "2024-01-01T00:00:05Z", "source": "sekoia-emulator", "message": "user alice opened report 42"},
            {"id": 3, "timestamp": "2024-01-01T00:00:09Z", "source": "sekoia-emulator", "message": "user alice logged out"},
        ]),
    )
}
