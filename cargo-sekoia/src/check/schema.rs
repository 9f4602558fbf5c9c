//! Whether a JSON value is a valid draft-07 JSON Schema: Python's
//! `jsonschema.Draft7Validator.check_schema`, which validates it against the draft-07
//! meta-schema whatever its `$schema` says.

use serde_json::Value;

/// `Draft7Validator.check_schema(schema)` passes.
pub fn is_valid_draft7(schema: &Value) -> bool {
    jsonschema::draft7::meta::is_valid(schema)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_draft7_meta_schema_decides() {
        assert!(is_valid_draft7(&json!({})));
        assert!(is_valid_draft7(&json!(true)));
        assert!(is_valid_draft7(&json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"url": {"type": "string", "format": "uri"}},
            "required": ["url"],
            "secrets": ["api_key"]
        })));
        assert!(!is_valid_draft7(&json!(null)));
        assert!(!is_valid_draft7(&json!("object")));
        assert!(!is_valid_draft7(&json!({"type": "dict"})));
        assert!(!is_valid_draft7(&json!({"required": "url"})));
        assert!(!is_valid_draft7(&json!({"properties": {"a": 1}})));
    }
}
