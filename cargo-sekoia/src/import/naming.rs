//! Rust names for what a Python module names: property names as field names, titles and
//! properties as type names, values as variant names; each unique where it must be.

/// Words Rust reserves, which `r#` makes usable as field names (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Words `r#` cannot make identifiers of.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The words of a name: split at non-alphanumerics and at lower-to-upper case changes
/// (`userPrincipalName` -> `user`, `Principal`, `Name`; `HTTPServer` -> `HTTP`, `Server`).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && (previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (previous.is_some_and(char::is_uppercase)
                    && next.is_some_and(char::is_lowercase)));
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case`, ASCII only, never starting with a digit; empty when nothing is left.
pub(crate) fn snake(name: &str) -> String {
    let ascii: String = words(name)
        .iter()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if ascii.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{ascii}")
    } else {
        ascii
    }
}

/// `CamelCase`, ASCII only, starting with a letter; `fallback` when nothing is left.
pub(crate) fn camel(name: &str, fallback: &str) -> String {
    let camel: String = words(name)
        .iter()
        .map(|w| {
            let w: String = w.chars().filter(char::is_ascii_alphanumeric).collect();
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => {
                    let rest: String = chars.collect();
                    // keep an acronym's case (`IP`, `URL`), lower a capitalized word's rest
                    let rest = if rest
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    {
                        rest
                    } else {
                        rest.to_ascii_lowercase()
                    };
                    first.to_ascii_uppercase().to_string() + &rest
                }
                None => String::new(),
            }
        })
        .collect();
    if camel.is_empty() {
        fallback.to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{fallback}{camel}")
    } else {
        camel
    }
}

/// A field name for a property: its snake_case, `r#` before a keyword.
pub(crate) fn field(name: &str) -> String {
    let snake = snake(name);
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else {
        snake
    };
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The name serde sees for a field (`r#type` is `type`).
pub(crate) fn serde_name(field: &str) -> &str {
    field.strip_prefix("r#").unwrap_or(field)
}

/// Whether `name` is a type name as written (an identifier starting with a capital, ASCII).
pub(crate) fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            name,
            "Self" | "Option" | "Vec" | "String" | "Secret" | "Result" | "Box"
        )
}

/// Names taken in one Rust scope: a second `Item` becomes `Item2`.
#[derive(Debug, Default)]
pub(crate) struct Taken(Vec<String>);

impl Taken {
    /// Names already in use (imported, defined elsewhere).
    pub(crate) fn with(names: &[&str]) -> Taken {
        Taken(names.iter().map(|n| (*n).to_owned()).collect())
    }

    /// `name`, or `name2`, `name3`...: the first one free, now taken.
    pub(crate) fn claim(&mut self, name: &str) -> String {
        let mut candidate = name.to_owned();
        let mut n = 2;
        while self.0.contains(&candidate) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        self.0.push(candidate.clone());
        candidate
    }

    /// Whether `name` is free.
    pub(crate) fn is_free(&self, name: &str) -> bool {
        !self.0.iter().any(|n| n == name)
    }
}

/// A Rust string literal of `text`: `"..."`, or a raw string when it holds quotes or
/// backslashes.
pub(crate) fn string_literal(text: &str) -> String {
    if (text.contains('"') || text.contains('\\'))
        && !text.chars().any(|c| c.is_control() && c != '\n')
    {
        let mut hashes = String::from("#");
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        return format!("r{hashes}\"{text}\"{hashes}");
    }
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_rust_names() {
        assert_eq!(field("userPrincipalName"), "user_principal_name");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("$top"), "top");
        assert_eq!(field("date[created_at]"), "date_created_at");
        assert_eq!(field("bypass-cache"), "bypass_cache");
        assert_eq!(field("_id"), "id");
        assert_eq!(field("2fa"), "_2fa");
        assert_eq!(field("self"), "self_");
        assert_eq!(serde_name("r#type"), "type");
        assert_eq!(camel("RSS Item", "T"), "RSSItem");
        assert_eq!(camel("auth_type", "T"), "AuthType");
        assert_eq!(camel("not detected", "T"), "NotDetected");
        assert_eq!(camel("HTTPServer", "T"), "HTTPServer");
        assert_eq!(camel("1Password EPM", "T"), "T1PasswordEPM");
        assert_eq!(camel("—", "Value"), "Value");
        assert_eq!(snake("RequestAction"), "request_action");
        assert_eq!(snake("GetIPInfo"), "get_ip_info");
        assert!(is_type_name("Arguments") && !is_type_name("The events"));
    }

    #[test]
    fn names_are_claimed_once() {
        let mut taken = Taken::with(&["Arguments"]);
        assert_eq!(taken.claim("Arguments"), "Arguments2");
        assert_eq!(taken.claim("Item"), "Item");
        assert_eq!(taken.claim("Item"), "Item2");
        assert!(!taken.is_free("Item2"));
    }

    #[test]
    fn literals_are_readable() {
        assert_eq!(string_literal("plain"), "\"plain\"");
        assert_eq!(string_literal("e.g. {\"a\": 1}"), "r#\"e.g. {\"a\": 1}\"#");
        assert_eq!(string_literal("a\"#b"), "r##\"a\"#b\"##");
        assert_eq!(string_literal("tab\there"), "\"tab\\there\"");
    }
}
