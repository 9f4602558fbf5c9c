//! The console's JSON API: the lists the page shows, a page at a time, newest first, with a text
//! search; one request in full; the scripted faults and the test pages.

use serde_json::{Value, json};

use super::stats::{batch_event_count, millis_of, request_line};
use crate::intake::recorded_events;
use crate::logs::{LOG_LEVELS, recorded_entries};
use crate::pages::PAGES;
use crate::platform::Platform;
use crate::recording::RecordedRequest;

/// Items a page holds by default, and at most.
const PAGE: usize = 100;
const PAGE_MAX: usize = 500;
/// Events of a batch shown in a request's detail; the intake list has them all.
const BATCH_EVENTS_SHOWN: usize = 50;

/// What a list request asks for.
#[derive(Debug, Default)]
pub(crate) struct Query {
    offset: usize,
    limit: usize,
    /// Lower-cased search text.
    search: Option<String>,
    /// The lowest log level shown.
    level: Option<usize>,
    /// A request's `seq`.
    seq: Option<u64>,
}

impl Query {
    pub(crate) fn parse(query: Option<&str>) -> Query {
        let mut parsed = Query {
            limit: PAGE,
            ..Query::default()
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match &*key {
                "offset" => parsed.offset = value.parse().unwrap_or(0),
                "limit" => parsed.limit = value.parse().unwrap_or(PAGE).clamp(1, PAGE_MAX),
                "q" if !value.trim().is_empty() => {
                    parsed.search = Some(value.trim().to_lowercase());
                }
                "level" => parsed.level = LOG_LEVELS.iter().position(|l| *l == value),
                "seq" => parsed.seq = value.parse().ok(),
                _ => {}
            }
        }
        parsed
    }

    fn matches(&self, text: &str) -> bool {
        self.search
            .as_deref()
            .is_none_or(|search| text.to_lowercase().contains(search))
    }

    /// The page of `items` (newest first) that the query asks for.
    fn page(&self, total: usize, items: impl Iterator<Item = Value>) -> Value {
        let items: Vec<Value> = items.skip(self.offset).take(self.limit).collect();
        json!({"total": total, "offset": self.offset, "limit": self.limit, "items": items})
    }
}

/// Every request, newest first; the search looks at the method, path, status and the body of
/// requests other than intake batches.
pub(crate) fn requests(platform: &Platform, query: &Query) -> Value {
    platform.recorder.with_requests(|requests| {
        let matching: Vec<&RecordedRequest> = requests
            .iter()
            .rev()
            .filter(|request| {
                let status = request
                    .status
                    .map_or_else(|| "dropped".to_owned(), |s| s.to_string());
                let head = format!("{} {} {status}", request.method, request.path);
                let body = match (&request.body, request.path.as_str()) {
                    (Some(body), path) if path != "/batch" => body.to_string(),
                    _ => String::new(),
                };
                query.matches(&head) || (!body.is_empty() && query.matches(&body))
            })
            .collect();
        query.page(
            matching.len(),
            matching.into_iter().map(|request| {
                let mut line = request_line(request);
                line["preview"] = preview(request);
                line
            }),
        )
    })
}

/// A request in full: headers and body (an intake batch's first events only).
pub(crate) fn request(platform: &Platform, query: &Query) -> Value {
    let Some(seq) = query.seq else {
        return json!({"error": "which request? `seq=<n>`"});
    };
    platform.recorder.with_requests(|requests| {
        let found = requests.binary_search_by_key(&seq, |request| request.seq);
        let Ok(index) = found else {
            return json!({"error": format!("no request {seq} (cleared, or not yet received)")});
        };
        let request = &requests[index];
        let mut body = request.body.clone();
        let mut more = 0;
        if request.path == "/batch"
            && let Some(Value::Array(events)) = body.as_mut().and_then(|b| b.get_mut("jsons"))
            && events.len() > BATCH_EVENTS_SHOWN
        {
            more = events.len() - BATCH_EVENTS_SHOWN;
            events.truncate(BATCH_EVENTS_SHOWN);
        }
        let mut line = request_line(request);
        line["query"] = json!(request.query);
        line["headers"] = json!(request.headers);
        line["body"] = body.unwrap_or(Value::Null);
        line["non_json_body"] = json!(request.non_json_body);
        line["more_events"] = json!(more);
        line
    })
}

/// The log entries the platform accepted, newest first, from `level` up.
pub(crate) fn logs(platform: &Platform, query: &Query) -> Value {
    platform.recorder.with_requests(|requests| {
        let lowest = query.level.unwrap_or(0);
        let mut entries: Vec<Value> = Vec::new();
        for request in accepted(requests, "POST", "/logs").rev() {
            let Some(body) = &request.body else { continue };
            let batch: Vec<_> = recorded_entries(body).collect();
            for entry in batch.into_iter().rev() {
                let level = LOG_LEVELS.iter().position(|l| *l == entry.level);
                if level.is_some_and(|level| level >= lowest) && query.matches(&entry.message) {
                    entries.push(json!({
                        "seq": request.seq,
                        "date": entry.date,
                        "level": entry.level,
                        "message": entry.message,
                    }));
                }
            }
        }
        query.page(entries.len(), entries.into_iter())
    })
}

/// The events a trigger sent, newest first.
pub(crate) fn events(platform: &Platform, query: &Query) -> Value {
    platform.recorder.with_requests(|requests| {
        let matching: Vec<&RecordedRequest> = accepted(requests, "POST", "/callback")
            .rev()
            .filter(|request| {
                request
                    .body
                    .as_ref()
                    .is_some_and(|body| query.matches(&body.to_string()))
            })
            .collect();
        query.page(
            matching.len(),
            matching.into_iter().map(|request| {
                json!({
                    "seq": request.seq,
                    "time": millis_of(request.timestamp),
                    "body": request.body,
                })
            }),
        )
    })
}

/// The events the intake accepted (when kept), newest first, each as the JSON string received.
pub(crate) fn intake(platform: &Platform, query: &Query) -> Value {
    platform.recorder.with_requests(|requests| {
        let batches: Vec<&RecordedRequest> = accepted(requests, "POST", "/batch").collect();
        let kept = platform.options.keep_events;
        let counted: u64 = batches
            .iter()
            .filter_map(|request| request.body.as_ref())
            .map(batch_event_count)
            .sum();
        if query.search.is_none() {
            // the page is found by counting, without collecting a million strings
            let total = batches
                .iter()
                .filter_map(|request| request.body.as_ref())
                .map(|body| recorded_events(body).count())
                .sum::<usize>();
            let mut skip = query.offset;
            let mut items = Vec::new();
            'batches: for request in batches.iter().rev() {
                let Some(body) = &request.body else { continue };
                let events: Vec<&str> = recorded_events(body).collect();
                if skip >= events.len() {
                    skip -= events.len();
                    continue;
                }
                for event in events.iter().rev().skip(skip) {
                    items.push(json!({"seq": request.seq, "event": event}));
                    if items.len() == query.limit {
                        break 'batches;
                    }
                }
                skip = 0;
            }
            return json!({
                "total": total, "offset": query.offset, "limit": query.limit,
                "items": items, "kept": kept, "accepted": counted,
            });
        }
        let mut matching = Vec::new();
        for request in batches.iter().rev() {
            let Some(body) = &request.body else { continue };
            let events: Vec<&str> = recorded_events(body).collect();
            for event in events.into_iter().rev() {
                if query.matches(event) {
                    matching.push(json!({"seq": request.seq, "event": event}));
                }
            }
        }
        let mut page = query.page(matching.len(), matching.into_iter());
        page["kept"] = json!(kept);
        page["accepted"] = json!(counted);
        page
    })
}

/// The replies scripted and not used yet.
pub(crate) fn faults(platform: &Platform) -> Value {
    let queues: Vec<Value> = platform
        .scripts
        .describe()
        .into_iter()
        .map(|(method, path, replies)| json!({"method": method, "path": path, "replies": replies}))
        .collect();
    json!({ "items": queues })
}

/// The test pages the emulator serves, and the other routes it answers.
pub(crate) fn pages() -> Value {
    json!({
        "pages": PAGES,
        "platform": ["PATCH /callback", "POST /callback", "POST /logs", "GET /secrets", "POST /batch"],
    })
}

fn accepted<'a>(
    requests: &'a [RecordedRequest],
    method: &'a str,
    path: &'a str,
) -> impl DoubleEndedIterator<Item = &'a RecordedRequest> + 'a {
    requests
        .iter()
        .filter(move |request| request.is(method, path) && request.accepted())
}

/// A few words about a request's body for the list.
fn preview(request: &RecordedRequest) -> Value {
    let Some(body) = &request.body else {
        return Value::Null;
    };
    let text = match request.path.as_str() {
        "/batch" => format!("{} events", batch_event_count(body)),
        "/logs" => {
            let entries: Vec<_> = recorded_entries(body).collect();
            match entries.first() {
                Some(first) if entries.len() == 1 => format!("{}: {}", first.level, first.message),
                Some(first) => format!(
                    "{} entries, {}: {}",
                    entries.len(),
                    first.level,
                    first.message
                ),
                None => "no entries".to_owned(),
            }
        }
        _ => {
            let text = body.to_string();
            match text.char_indices().nth(160) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    };
    Value::String(text)
}
