//! The results of Request URL: the response, read as Python's `requests` reads it.

use std::time::Duration;

use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::{self, StatusCode, header::CONTENT_TYPE};

// The response of Request URL (no doc comment: it would be the schema's description).
#[sekoia(title = "Results")]
#[derive(Debug, Serialize, JsonSchema)]
pub struct Response {
    /// Textual reason of responded HTTP Status, e.g. 'Not Found' or 'OK'.
    pub reason: Option<String>,
    /// Integer code of responded HTTP Status
    pub status_code: i64,
    /// Final URL of the triggered resource
    pub url: String,
    /// Headers used by the server in the response
    pub headers: Option<AnyObject>,
    /// Encoding of the response
    pub encoding: Option<String>,
    /// The amount of seconds elapsed between sending the request and the arrival of the response
    pub elapsed: Option<f64>,
    /// Content of the response in unicode
    pub text: Option<String>,
    /// JSON-encoded value of the response. Any JSON value, though the manifest says an object
    /// (an array of records is a common answer).
    #[sekoia(raw = r#"{"description": "JSON-encoded value of the response", "type": "object"}"#)]
    pub json: Option<AnyValue>,
}

impl Response {
    /// Reads the body of `response`, whose headers came `elapsed` after the request was sent.
    pub(crate) async fn read(
        response: reqwest::Response,
        elapsed: Duration,
    ) -> Result<Self, reqwest::Error> {
        let status = response.status();
        let url = response.url().to_string();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let encoding = encoding(&content_type);
        let mut headers = AnyObject::default();
        for (name, value) in response.headers() {
            let value = String::from_utf8_lossy(value.as_bytes());
            // a header sent twice is one entry, its values joined, as in Python
            match headers.get_mut(name.as_str()) {
                Some(serde_json::Value::String(joined)) => {
                    joined.push_str(", ");
                    joined.push_str(&value);
                }
                _ => {
                    headers.insert(name.to_string(), value.into_owned().into());
                }
            }
        }
        let body = response.bytes().await?;
        let charset = encoding
            .as_deref()
            .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
            .unwrap_or(encoding_rs::UTF_8);
        let text = charset.decode(&body).0.into_owned();
        let json = (content_type
            .to_ascii_lowercase()
            .contains("application/json")
            && status != StatusCode::NO_CONTENT
            && !body.is_empty())
        .then(|| serde_json::from_slice(&body).ok())
        .flatten();
        Ok(Response {
            reason: status.canonical_reason().map(str::to_owned),
            status_code: i64::from(status.as_u16()),
            url,
            headers: Some(headers),
            encoding,
            elapsed: Some(elapsed.as_secs_f64()),
            text: Some(text),
            json,
        })
    }
}

/// The encoding Python's `requests` gives a response: the `charset` of its content type, else
/// ISO-8859-1 for text and UTF-8 for JSON, else none.
fn encoding(content_type: &str) -> Option<String> {
    let charset = content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        (name.trim().eq_ignore_ascii_case("charset"))
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
    });
    let content_type = content_type.to_ascii_lowercase();
    charset.or_else(|| {
        if content_type.contains("text") {
            Some("ISO-8859-1".to_owned())
        } else if content_type.contains("application/json") {
            Some("utf-8".to_owned())
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::encoding;

    #[test]
    fn the_encoding_is_requests() {
        assert_eq!(encoding("text/html; charset=\"utf-8\"").unwrap(), "utf-8");
        assert_eq!(encoding("text/plain").unwrap(), "ISO-8859-1");
        assert_eq!(encoding("application/json").unwrap(), "utf-8");
        assert_eq!(encoding("application/octet-stream"), None);
    }
}
