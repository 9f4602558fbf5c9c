//! An HTTP answer of the emulator, before it becomes a hyper response.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

/// Status, body and extra headers of one answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: Bytes,
    pub(crate) headers: Vec<(String, String)>,
}

impl Answer {
    /// `status` with a JSON body.
    pub(crate) fn json(status: StatusCode, body: &Value) -> Self {
        Self::json_bytes(status, Bytes::from(body.to_string()))
    }

    /// `status` with a body that already holds JSON text.
    pub(crate) fn json_bytes(status: StatusCode, body: Bytes) -> Self {
        Self {
            status,
            content_type: "application/json",
            body,
            headers: Vec::new(),
        }
    }

    /// `200 {}`.
    pub(crate) fn empty_object() -> Self {
        Self::json_bytes(StatusCode::OK, Bytes::from_static(b"{}"))
    }

    /// `status` with `{"error": message}`.
    pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Self {
        Self::json(status, &json!({ "error": message.into() }))
    }

    /// A scripted answer; a code that HTTP does not allow becomes 500.
    pub(crate) fn scripted(status: u16, content_type: &'static str, body: Bytes) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type,
            body,
            headers: Vec::new(),
        }
    }

    pub(crate) fn into_response(self) -> Response<crate::server::Body> {
        let mut response = Response::new(Full::new(self.body).boxed());
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
        response
    }
}
