//! The emulated platform: its state, its endpoints and how it answers one request.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::console::Console;
use crate::intake::{Batch, EventIds, parse_batch};
use crate::recording::{RecordedRequest, Recorder};
use crate::script::{Reply, ReplyAction, Scripts};
use crate::vendor::{self, VendorApi};
use crate::{callback, logs, pages, playbook};

/// The paths the platform serves, with their methods.
pub(crate) const ENDPOINTS: [(&str, &[&str]); 4] = [
    ("/callback", &["PATCH", "POST"]),
    ("/logs", &["POST"]),
    ("/secrets", &["GET"]),
    ("/batch", &["POST"]),
];

/// Settings fixed when the emulator starts.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) keep_events: bool,
    pub(crate) intake_keys: Option<HashSet<String>>,
    pub(crate) token: Option<String>,
    pub(crate) max_batch_bytes: usize,
    pub(crate) playbook_api_key: Option<String>,
    /// The web console's title, when it is served.
    pub(crate) console: Option<String>,
}

/// Everything the server tasks and the [`Emulator`](crate::Emulator) handle share.
pub(crate) struct Platform {
    pub(crate) options: Options,
    pub(crate) recorder: Recorder,
    pub(crate) scripts: Scripts,
    pub(crate) vendor: VendorApi,
    pub(crate) tasks: crate::assets::Tasks,
    pub(crate) console: Option<Console>,
    secrets: Mutex<Value>,
    node_secrets: Mutex<Option<Value>>,
    event_ids: EventIds,
    pub(crate) playbook: playbook::Catalogue,
}

/// A request whose body has been read.
pub(crate) struct Incoming {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) received_at: Instant,
    pub(crate) timestamp: SystemTime,
}

/// How to answer: `answer` after `delay`, or drop the connection when `answer` is `None`.
pub(crate) struct Decision {
    pub(crate) answer: Option<Answer>,
    pub(crate) delay: Duration,
}

/// The body as recorded, and as the endpoints see it.
struct Parsed {
    value: Option<Value>,
    /// Why the body is not JSON, when it is not.
    json_error: Option<String>,
    /// `POST /batch` only: the parsed batch or why it is ill-formed.
    batch: Option<Result<Batch, String>>,
}

impl Platform {
    pub(crate) fn new(options: Options, secrets: Value) -> Self {
        Self {
            console: options.console.clone().map(Console::new),
            options,
            recorder: Recorder::new(),
            scripts: Scripts::new(),
            vendor: VendorApi::default(),
            tasks: crate::assets::Tasks::default(),
            secrets: Mutex::new(secrets),
            node_secrets: Mutex::new(None),
            event_ids: EventIds::new(),
            playbook: playbook::Catalogue::default(),
        }
    }

    fn secrets_lock(&self) -> MutexGuard<'_, Value> {
        self.secrets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn secrets(&self) -> Value {
        self.secrets_lock().clone()
    }

    pub(crate) fn set_secrets(&self, secrets: Value) {
        *self.secrets_lock() = secrets;
    }

    pub(crate) fn set_node_secrets(&self, secrets: Option<Value>) {
        *self
            .node_secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = secrets;
    }

    /// `GET /secrets`: `{"value"}`, with `node_value` when node secrets are set (SDK 1.27).
    fn secrets_answer(&self) -> Value {
        let node = self
            .node_secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match node {
            Some(node) => json!({ "value": self.secrets(), "node_value": node }),
            None => json!({ "value": self.secrets() }),
        }
    }

    /// Decides the answer to `request` and records it.
    pub(crate) fn receive(&self, request: Incoming) -> Decision {
        let parsed = self.parse(&request);
        let reply = self.scripts.next(&request.method, &request.path);
        let scripted = reply.is_some();
        let Reply {
            action,
            delay,
            headers,
        } = reply.unwrap_or_else(Reply::normal);
        let mut delay = delay;
        let answer = match action {
            ReplyAction::Default if vendor::is_vendor(&request.path) => {
                let (answer, latency) = self.vendor.answer(&request);
                delay += latency;
                Some(answer)
            }
            ReplyAction::Default => Some(self.default_answer(&request, &parsed)),
            ReplyAction::Respond {
                status,
                content_type,
                body,
            } => Some(Answer::scripted(status, content_type, body)),
            ReplyAction::Drop => None,
        };
        let answer = answer.map(|mut answer| {
            answer.headers.extend(headers);
            answer
        });

        let status = answer.as_ref().map(|answer| answer.status.as_u16());
        let accepted = status.is_some_and(|status| (200..300).contains(&status));
        let accepted_events = match &parsed.batch {
            Some(Ok(batch)) if accepted => batch.event_count,
            _ => 0,
        };
        self.recorder.record(
            RecordedRequest {
                seq: 0,
                method: request.method,
                path: request.path,
                query: request.query,
                headers: request.headers,
                non_json_body: parsed.json_error.is_some(),
                body: parsed.value,
                body_len: request.body.len(),
                status,
                scripted,
                received_at: request.received_at,
                timestamp: request.timestamp,
            },
            accepted_events,
        );
        Decision { answer, delay }
    }

    fn parse(&self, request: &Incoming) -> Parsed {
        if request.method == "POST" && request.path == "/batch" {
            match parse_batch(&request.body, self.options.keep_events) {
                Ok(mut batch) => {
                    let value = std::mem::take(&mut batch.recorded);
                    return Parsed {
                        value: Some(value),
                        json_error: None,
                        batch: Some(Ok(batch)),
                    };
                }
                Err(message) => {
                    let mut parsed = parse_generic(&request.body);
                    parsed.batch = Some(Err(message));
                    return parsed;
                }
            }
        }
        parse_generic(&request.body)
    }

    fn default_answer(&self, request: &Incoming, parsed: &Parsed) -> Answer {
        if pages::is_page(&request.path) {
            let authorization = request
                .headers
                .iter()
                .find(|(name, _)| name == "authorization")
                .map(|(_, value)| value.as_str());
            return pages::answer(&request.method, &request.path, authorization);
        }
        let authorization = request
            .headers
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.as_str());
        if crate::assets::is_asset_api(&request.path) {
            return self.tasks.answer(
                &request.method,
                &request.path,
                authorization,
                parsed.value.as_ref(),
            );
        }
        if playbook::is_playbook(&request.path) {
            return self.playbook.answer(
                &request.method,
                &request.path,
                authorization,
                self.options.playbook_api_key.as_deref(),
                parsed
                    .value
                    .as_ref()
                    .filter(|_| parsed.json_error.is_none()),
            );
        }
        let Some((path, methods)) = ENDPOINTS.iter().find(|(path, _)| *path == request.path) else {
            let known: Vec<&str> = ENDPOINTS.iter().map(|(path, _)| *path).collect();
            return Answer::json(
                StatusCode::NOT_FOUND,
                &json!({
                    "error": format!("unknown path {}", request.path),
                    "path": request.path,
                    "known_paths": known,
                }),
            );
        };
        if !methods.contains(&request.method.as_str()) {
            let mut answer = Answer::json(
                StatusCode::METHOD_NOT_ALLOWED,
                &json!({
                    "error": format!("method {} not allowed on {path}", request.method),
                    "allowed": methods,
                }),
            );
            answer.headers.push(("allow".into(), methods.join(", ")));
            return answer;
        }
        if *path != "/batch"
            && let Some(answer) = self.check_token(request)
        {
            return answer;
        }
        match (request.method.as_str(), *path) {
            ("PATCH", "/callback") => self.status_update(parsed),
            ("POST", "/callback") => checked(parsed, callback::check_event),
            ("POST", "/logs") => checked(parsed, logs::check_logs),
            ("GET", "/secrets") => Answer::json(StatusCode::OK, &self.secrets_answer()),
            _ => self.batch(request, parsed),
        }
    }

    fn check_token(&self, request: &Incoming) -> Option<Answer> {
        let token = self.options.token.as_deref()?;
        let got = request
            .headers
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.as_str());
        if got.and_then(|value| value.strip_prefix("Bearer ")) == Some(token) {
            return None;
        }
        let message = match got {
            None => "missing Authorization header; expected `Bearer <token>`".to_owned(),
            Some(_) => "wrong token in the Authorization header".to_owned(),
        };
        let mut answer = Answer::error(StatusCode::UNAUTHORIZED, message);
        answer
            .headers
            .push(("www-authenticate".into(), "Bearer".into()));
        Some(answer)
    }

    fn status_update(&self, parsed: &Parsed) -> Answer {
        let body = match json_body(parsed) {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        if let Err(message) = callback::check_status_update(body) {
            return Answer::error(StatusCode::BAD_REQUEST, message);
        }
        if let Some(updated) = callback::updated_secrets(body) {
            let mut secrets = self.secrets_lock();
            match secrets.as_object_mut() {
                Some(held) => held.extend(updated.clone()),
                None => *secrets = Value::Object(updated.clone()),
            }
        }
        if callback::needs_secrets(body) {
            let secrets = self.secrets();
            Answer::json(
                StatusCode::OK,
                &json!({ "module_configuration": { "value": secrets } }),
            )
        } else {
            Answer::empty_object()
        }
    }

    fn batch(&self, request: &Incoming, parsed: &Parsed) -> Answer {
        if request.body.len() > self.options.max_batch_bytes {
            return Answer::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "/batch body of {} bytes is over the limit of {} bytes",
                    request.body.len(),
                    self.options.max_batch_bytes
                ),
            );
        }
        let batch = match &parsed.batch {
            Some(Ok(batch)) => batch,
            Some(Err(message)) => return Answer::error(StatusCode::BAD_REQUEST, message.clone()),
            None => return Answer::error(StatusCode::BAD_REQUEST, "not a /batch request"),
        };
        let known = |keys: &HashSet<String>| keys.contains(&batch.intake_key);
        if !self.options.intake_keys.as_ref().is_none_or(known) {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                format!("unknown intake key {:?}", batch.intake_key),
            );
        }
        Answer::json_bytes(
            StatusCode::OK,
            self.event_ids.answer_body(batch.event_count),
        )
    }
}

fn parse_generic(body: &[u8]) -> Parsed {
    if body.is_empty() {
        return Parsed {
            value: None,
            json_error: None,
            batch: None,
        };
    }
    match serde_json::from_slice(body) {
        Ok(value) => Parsed {
            value: Some(value),
            json_error: None,
            batch: None,
        },
        Err(error) => Parsed {
            value: Some(Value::String(String::from_utf8_lossy(body).into_owned())),
            json_error: Some(error.to_string()),
            batch: None,
        },
    }
}

/// The JSON body, or the 400 answer saying why there is none.
fn json_body(parsed: &Parsed) -> Result<&Value, Answer> {
    match (&parsed.value, &parsed.json_error) {
        (_, Some(error)) => Err(Answer::error(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {error}"),
        )),
        (Some(value), None) => Ok(value),
        (None, None) => Err(Answer::error(
            StatusCode::BAD_REQUEST,
            "empty body; expected a JSON object",
        )),
    }
}

/// `200 {}` when the body passes `check`, else 400 with its message.
fn checked(parsed: &Parsed, check: fn(&Value) -> Result<(), String>) -> Answer {
    match json_body(parsed).map(check) {
        Ok(Ok(())) => Answer::empty_object(),
        Ok(Err(message)) => Answer::error(StatusCode::BAD_REQUEST, message),
        Err(answer) => answer,
    }
}
