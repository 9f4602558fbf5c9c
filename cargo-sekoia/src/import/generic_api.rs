//! What a Python `GenericAPIAction` class declares: its verb, endpoint, query parameters and
//! timeout, gathered along its bases (`class X(Base)` or `X = type("X", (Base,), {...})`), and
//! what its bases override, which says whether the declaration is the whole behaviour.

use std::collections::HashMap;

use regex::Regex;

/// A class of the module's Python sources.
#[derive(Debug, Clone, Default)]
struct Class {
    bases: Vec<String>,
    /// The class attributes, their Python expressions as written.
    attributes: HashMap<String, String>,
    /// The methods it defines, with their bodies.
    methods: Vec<(String, String)>,
    /// The module-level string constants of its file (`base_url = "api/v1/"`).
    constants: HashMap<String, String>,
}

/// A `GenericAPIAction` as its class and bases declare it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiClass {
    /// `get`, `post`...: lower-case.
    pub verb: String,
    pub endpoint: String,
    pub query: Vec<String>,
    /// Seconds, when a class sets it.
    pub timeout: Option<u64>,
    /// A class attribute `base_url`, when one is a string (the fallback of the configuration's).
    pub base_url: Option<String>,
    /// Methods a class between it and `GenericAPIAction` defines, but `get_headers`.
    pub overrides: Vec<String>,
    /// What an overridden `get_headers` does, when it is a pattern this reads.
    pub headers: Option<Headers>,
}

impl ApiClass {
    /// Whether the declaration is the whole behaviour: no method overridden but `get_headers`
    /// (whose authentication goes to the module), a verb `ApiRequest` has.
    pub(crate) fn declarative(&self) -> bool {
        self.overrides.is_empty()
            && matches!(
                self.verb.as_str(),
                "get" | "post" | "put" | "patch" | "delete"
            )
    }
}

/// What an overridden `get_headers` sends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Headers {
    /// `headers["<name>"] = <configuration field>`.
    Key { header: String, field: String },
    /// `?<param>=<configuration field>` in the query.
    Query { param: String, field: String },
    /// HTTP basic of two configuration fields.
    Basic { user: String, password: String },
    /// Code this does not read: the module's authentication is the porter's to write.
    Unread,
}

/// The classes of these sources, by name.
fn classes(sources: &[(String, String)]) -> HashMap<String, Class> {
    let constant = Regex::new(r#"(?m)^([A-Za-z_]\w*)\s*=\s*("[^"\n]*"|'[^'\n]*')\s*$"#)
        .expect("a valid regular expression");
    let class_line = Regex::new(r"(?m)^class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:")
        .expect("a valid regular expression");
    let type_call = Regex::new(
        r#"(?ms)^([A-Za-z_]\w*)\s*=\s*type\(\s*["']\w+["']\s*,\s*\(([^)]*)\)\s*,\s*\{(.*?)\}\s*,?\s*\)"#,
    )
    .expect("a valid regular expression");
    let mut classes = HashMap::new();
    for (_, text) in sources {
        let constants: HashMap<String, String> = constant
            .captures_iter(text)
            .filter_map(|c| Some((c[1].to_owned(), literal(&c[2])?)))
            .collect();
        for captures in class_line.captures_iter(text) {
            let start = captures.get(0).expect("a match").end();
            let mut class = body(&text[start..]);
            class.bases = bases(captures.get(2).map_or("", |m| m.as_str()));
            class.constants = constants.clone();
            classes.insert(captures[1].to_owned(), class);
        }
        for captures in type_call.captures_iter(text) {
            let attributes = split_top_level(&captures[3], ',')
                .into_iter()
                .filter_map(|entry| {
                    let (key, value) = entry.split_once(':')?;
                    Some((literal(key.trim())?, value.trim().to_owned()))
                })
                .collect();
            classes.insert(
                captures[1].to_owned(),
                Class {
                    bases: bases(&captures[2]),
                    attributes,
                    methods: Vec::new(),
                    constants: constants.clone(),
                },
            );
        }
    }
    classes
}

fn bases(list: &str) -> Vec<String> {
    list.split(',')
        .map(|b| b.trim().rsplit('.').next().unwrap_or_default().to_owned())
        .filter(|b| !b.is_empty())
        .collect()
}

/// The attributes and methods of a class body (the text after `class X(...):`).
fn body(text: &str) -> Class {
    let mut class = Class::default();
    let mut lines = text.lines().skip(1).peekable();
    let mut indent = None;
    let attribute = Regex::new(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*(.*)$").expect("a valid regex");
    let method = Regex::new(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)").expect("a valid regex");
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let depth = line.len() - line.trim_start().len();
        if depth == 0 {
            break;
        }
        let body_indent = *indent.get_or_insert(depth);
        if depth != body_indent {
            continue;
        }
        let code = line.trim();
        if let Some(m) = method.captures(code) {
            let mut text = String::new();
            while let Some(next) = lines.peek() {
                let depth = next.len() - next.trim_start().len();
                if !next.trim().is_empty() && depth <= body_indent {
                    break;
                }
                text.push_str(next);
                text.push('\n');
                lines.next();
            }
            class.methods.push((m[1].to_owned(), text));
        } else if let Some(a) = attribute.captures(code) {
            let mut value = a[2].to_owned();
            // a list written over several lines
            while open_brackets(&value) > 0 {
                let Some(next) = lines.next() else { break };
                value.push(' ');
                value.push_str(next.trim());
            }
            class.attributes.insert(a[1].to_owned(), value);
        }
    }
    class
}

fn open_brackets(text: &str) -> i32 {
    let mut depth = 0;
    scan(text, |_, d, _| depth = d);
    depth
}

/// Walks `text`, calling `each(c, depth, structural)` for every character: the bracket depth
/// after it, and whether it is outside quotes and no quote itself.
fn scan(text: &str, mut each: impl FnMut(char, i32, bool)) {
    let mut depth = 0;
    let mut quote = None;
    for c in text.chars() {
        let structural = match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                false
            }
            (Some(_), _) => false,
            (None, '"' | '\'') => {
                quote = Some(c);
                false
            }
            (None, '[' | '(' | '{') => {
                depth += 1;
                true
            }
            (None, ']' | ')' | '}') => {
                depth -= 1;
                true
            }
            _ => true,
        };
        each(c, depth, structural);
    }
}

/// `text` cut at each `separator` outside quotes and brackets.
fn split_top_level(text: &str, separator: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    scan(text, |c, depth, structural| {
        if structural && c == separator && depth == 0 {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("one part").push(c);
        }
    });
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// A plain string literal's value.
fn literal(text: &str) -> Option<String> {
    let text = text.trim();
    let quote = text.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(quote) && !inner.contains('\\')).then(|| inner.to_owned())
}

/// A string expression of literals and constants joined with `+`.
fn string(expression: &str, constants: &HashMap<String, String>) -> Option<String> {
    split_top_level(expression, '+')
        .iter()
        .map(|part| {
            let part = part.trim();
            literal(part).or_else(|| constants.get(part).cloned())
        })
        .collect()
}

fn strings(expression: &str, constants: &HashMap<String, String>) -> Option<Vec<String>> {
    let inner = expression.trim().strip_prefix('[')?.strip_suffix(']')?;
    split_top_level(inner, ',')
        .iter()
        .map(|item| string(item, constants))
        .collect()
}

/// What `get_headers` does, when it is one of the usual patterns.
fn headers(body: &str) -> Headers {
    let field = Regex::new(r#"configuration(?:\.get\(|\[)\s*["'](\w+)["']"#).expect("a regex");
    let fields: Vec<String> = field.captures_iter(body).map(|c| c[1].to_owned()).collect();
    let set = Regex::new(r#"headers\[\s*["']([\w-]+)["']\s*\]\s*=\s*(\w+)\s*$"#).expect("a regex");
    // a dict literal's entry `"X-Auth-Token": self.module.configuration["api_key"]`
    let entry = Regex::new(r#"^["']([\w-]+)["']\s*:\s*self\.module\.configuration(?:\.get\(|\[)"#)
        .expect("a regex");
    if body.contains("basic_auth(") || body.contains("BasicAuth(") {
        if let [user, password] = fields.as_slice() {
            return Headers::Basic {
                user: user.clone(),
                password: password.clone(),
            };
        }
    } else if let ([field], Some(c)) = (
        fields.as_slice(),
        body.lines()
            .find_map(|l| set.captures(l.trim()).or_else(|| entry.captures(l.trim()))),
    ) && !body.contains("Bearer")
    {
        return Headers::Key {
            header: c[1].to_owned(),
            field: field.clone(),
        };
    }
    Headers::Unread
}

/// What the class `name` declares, when it is a `GenericAPIAction` whose verb and endpoint
/// can be read.
pub(crate) fn api_class(sources: &[(String, String)], name: &str) -> Option<ApiClass> {
    let classes = classes(sources);
    // the chain from the class to GenericAPIAction, first base first
    let mut chain = Vec::new();
    let mut current = name.to_owned();
    loop {
        let class = classes.get(&current)?;
        chain.push(class);
        if class.bases.iter().any(|b| b == "GenericAPIAction") {
            break;
        }
        current = class
            .bases
            .iter()
            .find(|b| classes.contains_key(b.as_str()))?
            .clone();
        if chain.len() > 16 {
            return None;
        }
    }
    let attribute = |key: &str| {
        chain
            .iter()
            .find_map(|c| c.attributes.get(key).map(|v| (v.as_str(), &c.constants)))
    };
    let (verb, constants) = attribute("verb")?;
    let verb = string(verb, constants)?.to_ascii_lowercase();
    let (endpoint, constants) = attribute("endpoint")?;
    let endpoint = string(endpoint, constants)?;
    let query = match attribute("query_parameters") {
        Some((list, constants)) => strings(list, constants)?,
        None => Vec::new(),
    };
    let timeout = attribute("timeout").and_then(|(t, _)| t.trim().parse().ok());
    let base_url = attribute("base_url").and_then(|(b, constants)| string(b, constants));
    let mut overrides = Vec::new();
    let mut headers = None;
    for class in &chain {
        for (method, body) in &class.methods {
            if method == "get_headers" {
                headers.get_or_insert_with(|| self::headers(body));
            } else if !overrides.contains(method) {
                overrides.push(method.clone());
            }
        }
    }
    Some(ApiClass {
        verb,
        endpoint,
        query,
        timeout,
        base_url,
        overrides,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> Vec<(String, String)> {
        vec![("m/__init__.py".to_owned(), text.to_owned())]
    }

    #[test]
    fn type_calls_and_constants_are_read() {
        let text = r#"from sekoia_automation.action import GenericAPIAction

base_url = "api/v2/inthreat/"

CollectionsListObjects = type(
    "CollectionsListObjects",
    (GenericAPIAction,),
    {
        "verb": "get",
        "endpoint": base_url + "collections/{feed_id}/objects",
        "query_parameters": ["match[type]", "cursor", "limit"],
    },
)
"#;
        let class = api_class(&sources(text), "CollectionsListObjects").unwrap();
        assert_eq!(class.verb, "get");
        assert_eq!(
            class.endpoint,
            "api/v2/inthreat/collections/{feed_id}/objects"
        );
        assert_eq!(class.query, ["match[type]", "cursor", "limit"]);
        assert_eq!((class.timeout, &class.headers), (None, &None));
        assert!(class.overrides.is_empty());
    }

    #[test]
    fn classes_inherit_along_their_bases_and_overrides_are_listed() {
        let text = r#"class BinaryEdgesAction(GenericAPIAction):
    def get_headers(self):
        headers = {"Accept": "application/json"}
        api_key = self.module.configuration.get("api_key")
        if api_key:
            headers["X-Key"] = api_key
        return headers


class RiskIQAction(GenericAPIAction):
    def get_headers(self):
        api_key = self.module.configuration.get("api_key")
        api_secret = self.module.configuration.get("api_secret")
        return {"Authorization": basic_auth(api_key, api_secret)}


class Listed(BinaryEdgesAction):
    verb = "get"
    endpoint = "query/ip/{target}"
    query_parameters: list[str] = [
        "page",
        "only_ports",
    ]
    timeout: int = 120


class Basic(RiskIQAction):
    verb = "post"
    endpoint = "v0/x"

    def run(self, arguments):
        return super().run(arguments)
"#;
        let listed = api_class(&sources(text), "Listed").unwrap();
        assert_eq!(listed.query, ["page", "only_ports"]);
        assert_eq!(listed.timeout, Some(120));
        assert_eq!(
            listed.headers,
            Some(Headers::Key {
                header: "X-Key".into(),
                field: "api_key".into()
            })
        );
        let basic = api_class(&sources(text), "Basic").unwrap();
        assert_eq!(basic.overrides, ["run"]);
        assert_eq!(
            basic.headers,
            Some(Headers::Basic {
                user: "api_key".into(),
                password: "api_secret".into()
            })
        );
        assert_eq!(
            api_class(&sources(text), "BinaryEdgesAction"),
            None,
            "no verb"
        );
        let literal = "class G(GenericAPIAction):\n    verb = 'get'\n    endpoint = 'x'\n\n    def get_headers(self):\n        return {\n            \"Accept\": \"application/json\",\n            \"X-Auth-Token\": self.module.configuration[\"api_key\"],\n        }\n";
        assert_eq!(
            api_class(&sources(literal), "G").unwrap().headers,
            Some(Headers::Key {
                header: "X-Auth-Token".into(),
                field: "api_key".into()
            })
        );
        assert_eq!(api_class(&sources(text), "Nowhere"), None);
    }
}
