//! The platform's asset-management API, as SDK 1.27's asset connectors call it.
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/v2/asset-management/asset-connector/<connector uuid>` `{"version": 1, "items": [...]}` with `Authorization: Bearer <key>` | `200 {"task_id": "<uuid>"}` |
//! | `GET /api/v1/tasks/<task id>` | `200 {"status": "FINISHED"}` for a task it gave; `404` else |
//!
//! A body that is not `{"version": <number>, "items": [<object>...]}` gets `400`, a request
//! without a bearer token `401`. Faults (a 429 with `Retry-After`, a task still `RUNNING`) are
//! scripted as for any endpoint.

use std::collections::HashSet;
use std::sync::Mutex;

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::answer::Answer;

/// Where asset batches are posted (followed by the connector configuration's uuid).
pub const ASSET_PUSH_PREFIX: &str = "/api/v2/asset-management/asset-connector/";
/// Where push tasks are followed (followed by the task id).
pub const TASKS_PREFIX: &str = "/api/v1/tasks/";

/// The tasks given out.
#[derive(Debug, Default)]
pub(crate) struct Tasks {
    ids: Mutex<HashSet<String>>,
}

pub(crate) fn is_asset_api(path: &str) -> bool {
    path.starts_with(ASSET_PUSH_PREFIX) || path.starts_with(TASKS_PREFIX)
}

impl Tasks {
    /// The answer to a request on the asset API.
    pub(crate) fn answer(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        if !authorization.is_some_and(|a| a.starts_with("Bearer ") && a.len() > 7) {
            return Answer::error(
                StatusCode::UNAUTHORIZED,
                "missing `Authorization: Bearer <API key>`",
            );
        }
        if let Some(id) = path.strip_prefix(TASKS_PREFIX) {
            if method != "GET" {
                return Answer::error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    format!("method {method} not allowed on {path}"),
                );
            }
            let known = self
                .ids
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .contains(id);
            return if known {
                Answer::json(
                    StatusCode::OK,
                    &json!({"status": "FINISHED", "error": null}),
                )
            } else {
                Answer::error(StatusCode::NOT_FOUND, format!("unknown task {id}"))
            };
        }
        if method != "POST" {
            return Answer::error(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("method {method} not allowed on {path}"),
            );
        }
        if let Err(message) = check_batch(body) {
            return Answer::error(StatusCode::BAD_REQUEST, message);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id.clone());
        Answer::json(StatusCode::OK, &json!({"task_id": id}))
    }
}

fn check_batch(body: Option<&Value>) -> Result<(), String> {
    let body = body.ok_or("empty body; expected {\"version\": 1, \"items\": [...]}")?;
    if !body.get("version").is_some_and(Value::is_number) {
        return Err("`version` must be a number".to_owned());
    }
    match body.get("items") {
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(()),
        _ => Err("`items` must be an array of objects".to_owned()),
    }
}
