//! CyberArk's audit stream (`/api/audits/stream/...`) and the shape of its events, as the
//! CyberArk connector of the automation library reads them.

use chrono::{DateTime, Utc};
use hyper::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Query, State};
use crate::answer::Answer;
use crate::platform::Incoming;

/// An audit event with the fields of the connector's test sample.
pub(super) fn event(uuid: Uuid, timestamp: i64) -> Value {
    json!({
        "uuid": uuid.to_string(),
        "tenantId": "11111111-2222-3333-4444-555555555555",
        "timestamp": timestamp,
        "username": "admin@example.com",
        "applicationCode": "PAM",
        "auditCode": "PAM00088",
        "auditType": "Info",
        "action": "Set Password",
        "userId": "a1b2c3",
        "source": "PVWAAPP",
        "actionType": "Password",
        "component": "Vault",
        "serviceName": "Privilege Cloud",
        "accessMethod": null,
        "accountId": "42_7",
        "target": "Operating System-WinDomain-example.com-admin",
        "command": null,
        "sessionId": null,
        "message": "Set Password",
        "customData": {"PAM": {"new_target": "", "target": ""}},
        "cloudProvider": null,
        "cloudWorkspacesAndRoles": [],
        "cloudIdentities": null,
        "cloudAssets": null,
        "safe": "Safe1",
        "accountName": "admin",
        "targetPlatform": "WinDomain",
        "targetAccount": "admin",
        "identityType": null
    })
}

impl State {
    /// `createQuery`: a cursor over the events from the **second** of `dateFrom` (CyberArk
    /// ignores its fraction, which is why the connector keeps a dedup cache).
    pub(super) fn create_query(&mut self, request: &Incoming) -> Answer {
        let body: Value = match serde_json::from_slice(&request.body) {
            Ok(body) => body,
            Err(e) => {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    format!("the body is not JSON: {e}"),
                );
            }
        };
        let Some(from) = body
            .pointer("/query/filterModel/date/dateFrom")
            .and_then(Value::as_str)
        else {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                "missing query.filterModel.date.dateFrom",
            );
        };
        let from = match DateTime::parse_from_rfc3339(from) {
            Ok(date) => date.with_timezone(&Utc),
            Err(e) => {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    format!("dateFrom {from:?} is not an ISO date with an offset: {e}"),
                );
            }
        };
        let page_size = body
            .pointer("/query/pageSize")
            .and_then(Value::as_u64)
            .map_or(self.page_size, |n| n as usize)
            .max(1);
        let from_ms = from.timestamp() * 1000;
        let id = Uuid::new_v4().to_string();
        self.queries.insert(
            id.clone(),
            Query {
                position: 0,
                from_ms,
                page_size,
            },
        );
        Answer::json(StatusCode::OK, &json!({"cursorRef": id}))
    }

    /// `results`: the next page of a query, `data` empty once it is exhausted.
    pub(super) fn results(&mut self, request: &Incoming) -> Answer {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let Some(cursor) = body.get("cursorRef").and_then(Value::as_str) else {
            return Answer::error(StatusCode::BAD_REQUEST, "missing cursorRef");
        };
        let Some(query) = self.queries.get(cursor).cloned() else {
            return Answer::error(
                StatusCode::NOT_FOUND,
                format!("unknown cursorRef {cursor:?}"),
            );
        };
        let first = self.first_from(query.from_ms);
        let data = self.slice(first + query.position, query.page_size);
        let next = Uuid::new_v4().to_string();
        self.queries.remove(cursor);
        self.queries.insert(
            next.clone(),
            Query {
                position: query.position + data.len(),
                ..query
            },
        );
        Answer::json(
            StatusCode::OK,
            &json!({"data": data, "paging": {"cursor": {"cursorRef": next}}}),
        )
    }
}
