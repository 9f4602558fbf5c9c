//! The `params` argument of Request URL: query parameters as an object, or a query string.

use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::Url;
use serde_json::Value;

/// Query string parameters: `{"q": "rust", "page": 2}`, or the text `q=rust&page=2`.
///
/// As in the Python module, a text that is a JSON object (`"{\"q\": \"rust\"}"`, as a playbook
/// template often writes it) is read as that object.
///
/// ```
/// use http_modules::Params;
/// use sekoia_runtime::reqwest::Url;
///
/// let mut url = Url::parse("https://example.com/search?lang=en").unwrap();
/// let params: Params = serde_json::from_str(r#""{\"q\": \"rust\", \"tag\": [\"a\", \"b\"]}""#).unwrap();
/// params.append_to(&mut url).unwrap();
/// assert_eq!(url.as_str(), "https://example.com/search?lang=en&q=rust&tag=a&tag=b");
/// ```
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Params {
    Object(AnyObject),
    Text(String),
}

impl Params {
    /// Appends the parameters to the query of `url`, encoded as Python's `requests` does: a
    /// list repeats its key, `null` is left out, `true` is `True`.
    pub fn append_to(&self, url: &mut Url) -> Result<(), Error> {
        match self {
            Params::Text(text) => match json_object(text) {
                Some(object) => append_object(&object, url),
                None => {
                    if !text.is_empty() {
                        let query = match url.query() {
                            Some(query) if !query.is_empty() => format!("{query}&{text}"),
                            _ => text.clone(),
                        };
                        url.set_query(Some(&query));
                    }
                    Ok(())
                }
            },
            Params::Object(object) => append_object(object, url),
        }
    }
}

/// `text` as a JSON object when it is the text of one (braces around, none inside).
fn json_object(text: &str) -> Option<AnyObject> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    if inner.contains(['{', '}']) {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn append_object(object: &AnyObject, url: &mut Url) -> Result<(), Error> {
    let mut pairs = Vec::new();
    for (name, value) in object.iter() {
        let values = match value {
            Value::Array(values) => values.as_slice(),
            value => std::slice::from_ref(value),
        };
        for value in values {
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text.clone(),
                Value::Bool(true) => "True".to_owned(),
                Value::Bool(false) => "False".to_owned(),
                Value::Number(number) => number.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::new(format!(
                        "params.{name}: a query parameter is a string, a number, a boolean or a list of them, not {value}"
                    )));
                }
            };
            pairs.push((name, text));
        }
    }
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appended(params: Value, url: &str) -> Result<String, String> {
        let params: Params = serde_json::from_value(params).unwrap();
        let mut url = Url::parse(url).unwrap();
        params.append_to(&mut url).map_err(|e| e.to_string())?;
        Ok(url.to_string())
    }

    #[test]
    fn a_query_string_is_appended_as_it_is() {
        let url = appended(serde_json::json!("a=1&b=x%20y"), "http://h/p?z=0");
        assert_eq!(url.unwrap(), "http://h/p?z=0&a=1&b=x%20y");
    }

    #[test]
    fn an_object_is_encoded() {
        let params = serde_json::json!({"a": 1, "b": "x y", "c": null, "d": [true, false]});
        let url = appended(params, "http://h/p");
        assert_eq!(url.unwrap(), "http://h/p?a=1&b=x+y&d=True&d=False");
    }

    #[test]
    fn a_text_with_nested_braces_stays_a_query_string() {
        let url = appended(serde_json::json!("{\"a\": {\"b\": 1}}"), "http://h/p");
        assert_eq!(url.unwrap(), "http://h/p?{%22a%22:%20{%22b%22:%201}}");
    }

    #[test]
    fn a_nested_object_is_refused_with_its_name() {
        let error = appended(serde_json::json!({"filter": {"a": 1}}), "http://h/p").unwrap_err();
        assert!(error.starts_with("params.filter: "), "{error}");
    }
}
