//! Property titles as pydantic writes them.

/// Python's `name.title().replace("_", " ")`, as pydantic writes property titles.
///
/// `str.title` upper-cases a letter that follows a non-letter and lower-cases the others.
///
/// ```
/// use sekoia_manifest::schema::python_title;
/// assert_eq!(python_title("api_key"), "Api Key");
/// assert_eq!(python_title("http2xx_count"), "Http2Xx Count");
/// assert_eq!(python_title("URLValue"), "Urlvalue");
/// assert_eq!(python_title("camelCase"), "Camelcase");
/// ```
pub fn python_title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous_is_cased = false;
    for c in name.chars() {
        if previous_is_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        previous_is_cased = c.is_lowercase() || c.is_uppercase();
    }
    out.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_follow_python_str_title() {
        assert_eq!(python_title("trigger_field"), "Trigger Field");
        assert_eq!(python_title("a1b"), "A1B");
        assert_eq!(python_title("éte_x"), "Éte X");
        assert_eq!(python_title("__x"), "  X");
    }
}
