//! How a declarative API action runs: its request made of the arguments, sent with the
//! module's client, its reply or error turned into the action's.

use std::path::Path;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use serde_json::{Map, Value};

use super::{ApiAction, ApiModule, ApiRequest, Reply, Verb};
use crate::client::HttpError;
use crate::context::ActionContext;
use crate::data_path::contained;
use crate::error::ActionError;

/// What stays as is in a path segment: RFC 3986's unreserved characters, sub-delimiters, `:`
/// and `@`; a `/` is encoded, so a value stays in its segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

pub(super) async fn call<A: ApiAction>(
    ctx: &ActionContext<A>,
    request: &ApiRequest,
    module: &A::Module,
) -> Result<Reply<A::Results>, ActionError> {
    let mut arguments = match ctx.raw_arguments() {
        Value::Object(arguments) => arguments.clone(),
        Value::Null => Map::new(),
        other => {
            return Err(ActionError::new(format!(
                "the arguments must be a JSON object, not {other}"
            )));
        }
    };
    let path = fill(request.endpoint(), &mut arguments)?;
    let url = join(module.base_url(), &path)?;
    let query = query(request.query_parameters(), &mut arguments);
    let body = body(arguments, ctx.data_dir())?;

    let mut client = ctx
        .http_client()
        .timeout(request.attempt_timeout())
        .retry(module.retry())
        .header("accept", "application/json");
    if let Some(auth) = module.auth() {
        client = client.auth(auth);
    }
    let client = client.build();
    let outgoing = client
        .request(request.verb().method(), &url)
        .query(&query)
        .json(&Value::Object(body));
    let shown = outgoing.shown_url();
    match outgoing.send().await {
        Ok(response) => read(request.verb(), &shown, response).await,
        Err(error) => failed(request.verb(), error),
    }
}

/// The endpoint with each `{name}` replaced by the argument `name`, which leaves the arguments.
fn fill(endpoint: &str, arguments: &mut Map<String, Value>) -> Result<String, ActionError> {
    let mut path = String::with_capacity(endpoint.len());
    let mut rest = endpoint;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        let value = match arguments.remove(name) {
            None | Some(Value::Null) => {
                return Err(ActionError::new(format!(
                    "the argument `{name}` is missing: the endpoint `{endpoint}` needs it"
                )));
            }
            Some(value) => value,
        };
        path.push_str(&rest[..open]);
        path.extend(utf8_percent_encode(&text(&value), SEGMENT));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// The base URL and the path joined as paths are (`https://h/api` + `v1/x` is
/// `https://h/api/v1/x`), as Python's `posixpath.join`, the path's leading `/` dropped.
fn join(base: &str, path: &str) -> Result<String, ActionError> {
    let path = path.trim_start_matches('/');
    let url = if base.is_empty() || base.ends_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    };
    match reqwest::Url::parse(&url) {
        Ok(_) => Ok(url),
        Err(e) => Err(ActionError::new(format!(
            "the module's base URL {base:?} and the endpoint give {url:?}, which is not a URL ({e}): \
             set the base URL in the module configuration, like https://api.example.com"
        ))),
    }
}

/// The query pairs of the arguments `names` lists, which leave the arguments.
fn query(names: &[&str], arguments: &mut Map<String, Value>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for name in names {
        match arguments.remove(*name) {
            None | Some(Value::Null) => {}
            Some(Value::Array(values)) => pairs.extend(
                values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| ((*name).to_owned(), text(v))),
            ),
            Some(value) => pairs.push(((*name).to_owned(), text(&value))),
        }
    }
    pairs
}

/// A value in a URL as Python's `str()` writes it: strings as they are, `True`/`False`.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}

/// The body: the remaining arguments, `<name>_path` files of the data directory read into
/// `<name>` (nested objects likewise).
fn body(arguments: Map<String, Value>, data_dir: &Path) -> Result<Map<String, Value>, ActionError> {
    let mut body = Map::new();
    let names: Vec<String> = arguments.keys().cloned().collect();
    for (key, value) in arguments {
        match value {
            Value::Object(inner) => {
                body.insert(key, Value::Object(self::body(inner, data_dir)?));
            }
            Value::String(file) if key.ends_with("_path") => {
                let name = &key[..key.len() - "_path".len()];
                if names.iter().any(|n| n == name) {
                    // the inline value wins, as `json_argument` says; it is in the body already
                    continue;
                }
                let local = contained(data_dir, Path::new(&file))
                    .map_err(|e| ActionError::new(format!("argument `{key}`: {e}")))?;
                if !local.is_file() {
                    // not a file of ours: the API expects the path itself
                    body.insert(key, Value::String(file));
                    continue;
                }
                let bytes = std::fs::read(&local).map_err(|e| {
                    ActionError::new(format!("argument `{key}`: cannot read {file}: {e}"))
                })?;
                let json = serde_json::from_slice(&bytes).map_err(|e| {
                    ActionError::new(format!(
                        "argument `{key}`: {file} in the data directory is not JSON: {e}"
                    ))
                })?;
                body.insert(name.to_owned(), json);
            }
            other => {
                body.insert(key, other);
            }
        }
    }
    Ok(body)
}

/// The results of a reply of a 2xx status.
async fn read<R>(
    verb: Verb,
    url: &str,
    response: reqwest::Response,
) -> Result<Reply<R>, ActionError> {
    let status = response.status();
    if status == StatusCode::NO_CONTENT {
        return Ok(Reply::new(None));
    }
    let bytes = response.bytes().await.map_err(|e| {
        ActionError::new(format!(
            "{} {url}: the reply could not be read: {e}",
            verb.as_str()
        ))
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Reply::new(None));
    }
    match serde_json::from_slice(&bytes) {
        Ok(value) => Ok(Reply::new(Some(value))),
        Err(e) => Err(ActionError::new(format!(
            "{} {url} answered {status} with a body that is not JSON ({e})",
            verb.as_str()
        ))),
    }
}

/// The action's error for a request that failed, or no results for the `DELETE` rule.
fn failed<R>(verb: Verb, error: HttpError) -> Result<Reply<R>, ActionError> {
    let message = match &error {
        HttpError::Status {
            method,
            url,
            status,
            attempts,
            body,
        } => {
            let retried = matches!(status.as_u16(), 408 | 429) || status.is_server_error();
            if verb == Verb::Delete && *status == StatusCode::NOT_FOUND && *attempts > 1 {
                // an earlier attempt deleted it before its reply was lost
                return Ok(Reply::new(None));
            }
            let details = format!(
                "(status code: {}, attempts: {attempts}, retries: {})",
                status.as_u16(),
                attempts - 1
            );
            match (retried, api_message(body)) {
                (false, Some(said)) => format!("{said} {details}"),
                (false, None) => format!("HTTP Request failed: {method} {url} {details}"),
                (true, said) => format!(
                    "HTTP Request failed after {attempts} attempts ({} retries): {method} {url} \
                     (last status code: {}){}",
                    attempts - 1,
                    status.as_u16(),
                    said.map(|s| format!(": {s}")).unwrap_or_default()
                ),
            }
        }
        HttpError::Transport {
            method,
            url,
            attempts,
            reason,
            ..
        } => format!(
            "HTTP Request failed after {attempts} attempts ({} retries): {method} {url} \
             (last status code: unknown): {reason}",
            attempts - 1
        ),
        other => other.to_string(),
    };
    Err(ActionError::new(message))
}

/// What an API's error reply says, when it says it in JSON: `message`, else `detail` or
/// `error`.
fn api_message(body: &str) -> Option<String> {
    let reply: Value = serde_json::from_str(body).ok()?;
    ["message", "detail", "error"]
        .iter()
        .find_map(|key| reply.get(key).and_then(Value::as_str))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn placeholders_take_their_argument_encoded_as_a_segment() {
        let mut arguments = map(json!({"ip": "1.2.3.4", "id": "a/b c", "n": 7, "keep": 1}));
        let path = fill("host/{ip}/entries/{id}/{n}", &mut arguments).unwrap();
        assert_eq!(path, "host/1.2.3.4/entries/a%2Fb%20c/7");
        assert_eq!(arguments, map(json!({"keep": 1})));
    }

    #[test]
    fn a_missing_placeholder_names_the_argument_and_the_endpoint() {
        let error = fill("entries/{id}", &mut Map::new()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the argument `id` is missing: the endpoint `entries/{id}` needs it"
        );
    }

    #[test]
    fn the_endpoint_is_joined_as_a_path() {
        assert_eq!(
            join("https://h/api", "/v1/x").unwrap(),
            "https://h/api/v1/x"
        );
        assert_eq!(
            join("https://h/api/", "v1/x").unwrap(),
            "https://h/api/v1/x"
        );
        let error = join("", "v1/x").unwrap_err().to_string();
        assert!(error.contains("\"v1/x\", which is not a URL"), "{error}");
    }

    #[test]
    fn query_values_are_written_as_python_writes_them() {
        let mut arguments = map(json!({"q": "port:22", "minify": true, "n": 2,
            "tags": ["a", null, "b"], "absent": null, "body": 1}));
        let pairs = query(
            &["q", "minify", "n", "tags", "absent", "missing"],
            &mut arguments,
        );
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("q", "port:22"),
                ("minify", "True"),
                ("n", "2"),
                ("tags", "a"),
                ("tags", "b")
            ]
        );
        assert_eq!(arguments, map(json!({"body": 1})));
    }

    #[test]
    fn path_arguments_are_read_from_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bundle.json"), br#"{"objects": [1]}"#).unwrap();
        let arguments = map(json!({
            "bundle_path": "bundle.json",
            "report_path": "not-there.json",
            "inline": {"x_path": "bundle.json"},
            "title": "t",
            "name_path": "bundle.json",
            "name": "inline wins",
        }));
        let body = body(arguments, dir.path()).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({
                "bundle": {"objects": [1]},
                "report_path": "not-there.json",
                "inline": {"x": {"objects": [1]}},
                "title": "t",
                "name": "inline wins",
            })
        );
        let error = self::body(map(json!({"a_path": "../etc/passwd"})), dir.path()).unwrap_err();
        assert!(
            error.to_string().starts_with("argument `a_path`: "),
            "{error}"
        );
    }

    #[test]
    fn errors_say_the_apis_message_or_what_was_tried() {
        let status = |status: u16, attempts: u32, body: &str| HttpError::Status {
            method: reqwest::Method::GET,
            url: "https://h/x?key=[REDACTED]".to_owned(),
            status: StatusCode::from_u16(status).unwrap(),
            attempts,
            body: body.to_owned(),
        };
        let error = |e| failed::<()>(Verb::Get, e).unwrap_err().to_string();
        assert_eq!(
            error(status(404, 1, r#"{"message": "Unknown entry"}"#)),
            "Unknown entry (status code: 404, attempts: 1, retries: 0)"
        );
        assert_eq!(
            error(status(403, 1, "<html>denied</html>")),
            "HTTP Request failed: GET https://h/x?key=[REDACTED] (status code: 403, attempts: 1, retries: 0)"
        );
        assert_eq!(
            error(status(503, 10, "")),
            "HTTP Request failed after 10 attempts (9 retries): GET https://h/x?key=[REDACTED] (last status code: 503)"
        );
        assert!(
            failed::<()>(Verb::Delete, status(404, 2, ""))
                .unwrap()
                .value()
                .is_none()
        );
        assert!(failed::<()>(Verb::Delete, status(404, 1, "")).is_err());
    }
}
