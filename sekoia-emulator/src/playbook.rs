//! The Playbook API, where a module catalogue is published (what `cargo sekoia sync` and the
//! Python SDK's `synchronize-library` talk to): modules, actions, triggers and connectors, each
//! read, created and updated by uuid under [`PLAYBOOK_PREFIX`].
//!
//! | request | answer |
//! |---|---|
//! | `GET /v1/symphony/<kind>s/<uuid>` | `200` the object, or `404` |
//! | `POST /v1/symphony/<kind>s` (a JSON object with a `uuid`; components also a `module_uuid` of a known module) | `200` the object stored; `409` when the uuid exists, `400` when the body is not one |
//! | `PATCH /v1/symphony/<kind>s/<uuid>` (a JSON object) | `200` the object with the given keys replaced; `404` when unknown |
//!
//! Every request needs `Authorization: Bearer <key>`: the key of
//! [`EmulatorBuilder::playbook_api_key`](crate::EmulatorBuilder::playbook_api_key), or any
//! non-empty one when none is set (`401` otherwise).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::Answer;

/// The path the Playbook API is served under, as `https://api.sekoia.io/v1/symphony`.
pub const PLAYBOOK_PREFIX: &str = "/v1/symphony";

/// The kinds of objects, by their collection name.
const COLLECTIONS: [(&str, &str); 4] = [
    ("modules", "module"),
    ("actions", "action"),
    ("triggers", "trigger"),
    ("connectors", "connector"),
];

/// The objects the Playbook API holds, by kind (`module`, `action`, `trigger`, `connector`)
/// and uuid.
#[derive(Default)]
pub(crate) struct Catalogue {
    objects: Mutex<BTreeMap<(String, String), Value>>,
}

/// `true` when `path` is served by the Playbook API.
pub(crate) fn is_playbook(path: &str) -> bool {
    path.strip_prefix(PLAYBOOK_PREFIX)
        .is_some_and(|rest| rest.starts_with('/'))
}

impl Catalogue {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<(String, String), Value>> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, kind: &str, uuid: &str) -> Option<Value> {
        self.lock()
            .get(&(kind.to_owned(), uuid.to_owned()))
            .cloned()
    }

    pub(crate) fn all(&self, kind: &str) -> Vec<Value> {
        self.lock()
            .iter()
            .filter(|((k, _), _)| k == kind)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub(crate) fn put(&self, kind: &str, object: Value) {
        let uuid = object
            .get("uuid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.lock().insert((kind.to_owned(), uuid), object);
    }

    /// Answers one request to the API.
    pub(crate) fn answer(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        api_key: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let bearer = authorization.and_then(|a| a.strip_prefix("Bearer "));
        let authorized = match api_key {
            Some(key) => bearer == Some(key),
            None => bearer.is_some_and(|b| !b.is_empty()),
        };
        if !authorized {
            let mut answer = Answer::error(
                StatusCode::UNAUTHORIZED,
                "the Playbook API needs `Authorization: Bearer <API key>`",
            );
            answer
                .headers
                .push(("www-authenticate".into(), "Bearer".into()));
            return answer;
        }
        let rest = path.strip_prefix(PLAYBOOK_PREFIX).unwrap_or(path);
        let mut parts = rest.trim_start_matches('/').splitn(2, '/');
        let collection = parts.next().unwrap_or_default();
        let uuid = parts.next().filter(|u| !u.is_empty());
        let Some(kind) = COLLECTIONS
            .iter()
            .find(|(name, _)| *name == collection)
            .map(|(_, kind)| *kind)
        else {
            return Answer::json(
                StatusCode::NOT_FOUND,
                &json!({
                    "error": format!("unknown Playbook API path {path}"),
                    "known_paths": COLLECTIONS
                        .iter()
                        .map(|(name, _)| format!("{PLAYBOOK_PREFIX}/{name}"))
                        .collect::<Vec<_>>(),
                }),
            );
        };
        match (method, uuid) {
            ("GET", Some(uuid)) => match self.get(kind, uuid) {
                Some(object) => Answer::json(StatusCode::OK, &object),
                None => Answer::error(StatusCode::NOT_FOUND, format!("no {kind} {uuid}")),
            },
            ("POST", None) => self.create(kind, body),
            ("PATCH", Some(uuid)) => self.update(kind, uuid, body),
            _ => {
                let allowed = if uuid.is_some() { "GET, PATCH" } else { "POST" };
                let mut answer = Answer::error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    format!("method {method} not allowed on {path}"),
                );
                answer.headers.push(("allow".into(), allowed.into()));
                answer
            }
        }
    }

    fn create(&self, kind: &str, body: Option<&Value>) -> Answer {
        let Some(object) = body.and_then(Value::as_object) else {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                format!("a {kind} is a JSON object"),
            );
        };
        let Some(uuid) = object.get("uuid").and_then(Value::as_str) else {
            return Answer::error(StatusCode::BAD_REQUEST, format!("the {kind} has no `uuid`"));
        };
        if kind != "module" {
            let module = object.get("module_uuid").and_then(Value::as_str);
            match module {
                None => {
                    return Answer::error(
                        StatusCode::BAD_REQUEST,
                        format!("the {kind} has no `module_uuid`"),
                    );
                }
                Some(module) if self.get("module", module).is_none() => {
                    return Answer::error(
                        StatusCode::BAD_REQUEST,
                        format!("the {kind}'s module {module} does not exist"),
                    );
                }
                Some(_) => {}
            }
        }
        if self.get(kind, uuid).is_some() {
            return Answer::error(StatusCode::CONFLICT, format!("the {kind} {uuid} exists"));
        }
        let object = Value::Object(object.clone());
        self.put(kind, object.clone());
        Answer::json(StatusCode::OK, &object)
    }

    fn update(&self, kind: &str, uuid: &str, body: Option<&Value>) -> Answer {
        let Some(changes) = body.and_then(Value::as_object) else {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                format!("a {kind} update is a JSON object"),
            );
        };
        let mut objects = self.lock();
        let Some(object) = objects.get_mut(&(kind.to_owned(), uuid.to_owned())) else {
            return Answer::error(StatusCode::NOT_FOUND, format!("no {kind} {uuid}"));
        };
        if let Some(fields) = object.as_object_mut() {
            for (key, value) in changes {
                fields.insert(key.clone(), value.clone());
            }
        }
        Answer::json(StatusCode::OK, object)
    }
}

/// The Playbook API's objects.
impl Emulator {
    /// `<url>/v1/symphony`: the Playbook API's base URL (`PLAYBOOK_URL`).
    pub fn playbook_url(&self) -> String {
        format!("{}{PLAYBOOK_PREFIX}", self.url())
    }

    /// The object of `kind` (`"module"`, `"action"`, `"trigger"` or `"connector"`) the Playbook
    /// API holds under `uuid`.
    ///
    /// ```
    /// use sekoia_emulator::Emulator;
    /// use serde_json::json;
    ///
    /// let emulator = Emulator::start();
    /// emulator.set_playbook_object("module", json!({"uuid": "m-1", "name": "HTTP"}));
    /// assert_eq!(emulator.playbook_object("module", "m-1").unwrap()["name"], "HTTP");
    /// assert!(emulator.playbook_object("action", "m-1").is_none());
    /// ```
    pub fn playbook_object(&self, kind: &str, uuid: &str) -> Option<Value> {
        self.platform.playbook.get(kind, uuid)
    }

    /// Every object of `kind` the Playbook API holds, by uuid.
    pub fn playbook_objects(&self, kind: &str) -> Vec<Value> {
        self.platform.playbook.all(kind)
    }

    /// Stores an object of `kind` (its `uuid` is the key), as if it had been published before.
    pub fn set_playbook_object(&self, kind: &str, object: Value) {
        self.platform.playbook.put(kind, object);
    }
}
