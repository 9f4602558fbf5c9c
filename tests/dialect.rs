//! Every setting of the dialect, module-wide and on types and fields, as the schemas of the
//! manifests hold them.

use sekoia_manifest::dialect::{Dialect, MetaSchema, Nullable, Optional, RootTitle, Titles};
use sekoia_manifest::pyjson;
use sekoia_manifest::schema::schema_for;
use sekoia_runtime::prelude::*;
use serde_json::{Value, json};

fn schema<T: JsonSchema>(dialect: Dialect) -> Value {
    schema_for::<T>(&dialect).unwrap()
}

/// What hand-written manifests of Sekoia's catalogue mostly are.
const HAND_WRITTEN: Dialect = Dialect::PYDANTIC
    .with_titles(Titles::None)
    .with_root_title(RootTitle::None)
    .with_schema(MetaSchema::Draft07)
    .with_optional(Optional::Plain);

#[derive(Deserialize, JsonSchema)]
pub struct Plain {
    /// Where to go
    pub url: String,
    /// How long to wait
    pub timeout: Option<u32>,
    pub method: Option<Method>,
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub enum Method {
    #[serde(rename = "get")]
    Get,
    #[serde(rename = "post")]
    Post,
}

#[test]
fn a_module_that_says_nothing_writes_what_pydantic_writes() {
    assert_eq!(
        schema::<Plain>(Dialect::PYDANTIC),
        json!({
            "title": "Plain",
            "type": "object",
            "properties": {
                "url": {"title": "Url", "description": "Where to go", "type": "string"},
                "timeout": {
                    "title": "Timeout", "description": "How long to wait",
                    "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}],
                    "default": null
                },
                "method": {
                    "title": "Method",
                    "anyOf": [{"type": "string", "enum": ["get", "post"]}, {"type": "null"}],
                    "default": null
                }
            },
            "required": ["url"]
        })
    );
}

#[test]
fn hand_written_manifests_have_no_titles_and_plain_optionals() {
    assert_eq!(
        schema::<Plain>(HAND_WRITTEN),
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "url": {"description": "Where to go", "type": "string"},
                "timeout": {"description": "How long to wait", "type": "integer", "minimum": 0},
                "method": {"type": "string", "enum": ["get", "post"]}
            },
            "required": ["url"]
        })
    );
}

#[test]
fn each_nullable_style() {
    let property = |nullable| {
        schema::<Plain>(
            Dialect::PYDANTIC
                .with_nullable(nullable)
                .with_titles(Titles::None),
        )["properties"]["timeout"]
            .clone()
    };
    assert_eq!(
        property(Nullable::TypeArray),
        json!({"description": "How long to wait", "type": ["integer", "null"], "minimum": 0, "default": null})
    );
    assert_eq!(
        property(Nullable::Nullable),
        json!({"description": "How long to wait", "type": "integer", "minimum": 0, "nullable": true})
    );
    assert_eq!(
        property(Nullable::XNullable),
        json!({"description": "How long to wait", "type": "integer", "minimum": 0, "x-nullable": true})
    );
}

#[sekoia(title = "Arguments", schema = "2020-12", titles = "pydantic", required = [])]
#[derive(Deserialize, JsonSchema)]
pub struct Overridden {
    #[sekoia(title = "API key", default = "none")]
    pub key: String,
    #[sekoia(no_title, format = "int32", default = 60, required)]
    pub frequency: i64,
    #[sekoia(optional = "nullable", nullable = "type_array", no_default)]
    pub search: Option<String>,
}

#[test]
fn a_type_and_its_fields_override_the_module() {
    let schema = schema::<Overridden>(HAND_WRITTEN);
    assert_eq!(
        schema,
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Arguments",
            "type": "object",
            "properties": {
                "key": {"title": "API key", "type": "string", "default": "none"},
                "frequency": {"type": "integer", "default": 60, "format": "int32"},
                "search": {"title": "Search", "type": ["string", "null"]}
            },
            "required": []
        })
    );
    // the defaults are serde's too
    let read: Overridden = serde_json::from_value(json!({})).unwrap();
    assert_eq!((read.key.as_str(), read.frequency), ("none", 60));
}

#[sekoia(title = "The events", no_type)]
#[derive(Serialize, JsonSchema)]
pub struct TheEvents {}

#[sekoia(no_properties)]
#[derive(Serialize, JsonSchema)]
pub struct Bare {}

#[test]
fn placeholders_without_type_or_properties() {
    assert_eq!(
        schema::<TheEvents>(HAND_WRITTEN),
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "title": "The events", "properties": {}})
    );
    assert_eq!(
        schema::<Bare>(HAND_WRITTEN),
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"})
    );
}

#[sekoia(one_of_required = [["bundle"], ["bundle_path"]], secrets = ["token", "nested"])]
#[derive(Deserialize, JsonSchema)]
pub struct Either {
    pub bundle: Option<AnyObject>,
    pub bundle_path: Option<String>,
    pub token: Option<Secret<String>>,
    pub items: Option<AnyArray>,
    pub anything: AnyValue,
    pub headers: std::collections::BTreeMap<String, String>,
    #[sekoia(location = "query", example = {"id": [1, 2]}, values = [1, 2, 3], untyped)]
    pub scan: Option<i64>,
    #[sekoia(raw = r#"{"type": "string", "descrption": "a typo kept as it is"}"#)]
    pub odd: Option<String>,
}

#[test]
fn free_form_values_combinators_and_raw_schemas() {
    assert_eq!(
        schema::<Either>(HAND_WRITTEN.with_schema(MetaSchema::None)),
        json!({
            "type": "object",
            "properties": {
                "bundle": {"type": "object"},
                "bundle_path": {"type": "string"},
                "token": {"type": "string"},
                "items": {"type": "array"},
                "anything": {},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "scan": {"in": "query", "example": {"id": [1, 2]}, "enum": [1, 2, 3]},
                "odd": {"type": "string", "descrption": "a typo kept as it is"}
            },
            "required": ["anything", "headers"],
            "oneOf": [{"required": ["bundle"]}, {"required": ["bundle_path"]}],
            "secrets": ["token", "nested"]
        })
    );
}

#[sekoia(type_array)]
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum IntOrText {
    Int(i64),
    Text(String),
}

#[sekoia(definition = "ItemKeys", no_title)]
#[derive(Serialize, JsonSchema)]
pub struct ItemKeys {
    pub comment: String,
}

#[sekoia]
#[derive(Serialize, JsonSchema)]
pub struct WithDefinitions {
    pub id: IntOrText,
    pub items: Vec<ItemKeys>,
    #[sekoia(values = [1, 2], nullable = "x-nullable", format = "int32")]
    pub level: Option<i32>,
    pub count: u64,
}

#[test]
fn unions_as_type_lists_and_kept_definitions() {
    let dialect = HAND_WRITTEN
        .with_schema(MetaSchema::None)
        .with_optional(Optional::Nullable);
    assert_eq!(
        schema::<WithDefinitions>(dialect),
        json!({
            "type": "object",
            "properties": {
                "id": {"type": ["integer", "string"]},
                "items": {"type": "array", "items": {"$ref": "#/definitions/ItemKeys"}},
                "level": {"type": "integer", "enum": [1, 2], "x-nullable": true, "format": "int32"},
                "count": {"type": "integer", "minimum": 0}
            },
            "required": ["id", "items", "count"],
            "definitions": {
                "ItemKeys": {"type": "object", "properties": {"comment": {"type": "string"}}, "required": ["comment"]}
            }
        })
    );
}

#[test]
fn formats_of_numbers_are_kept_when_asked() {
    let kept = schema::<WithDefinitions>(HAND_WRITTEN.with_keep_formats(true));
    assert_eq!(kept["properties"]["count"]["format"], "uint64");
    assert_eq!(
        kept["properties"]["id"]["anyOf"][0],
        json!({"type": "integer", "format": "int64"}),
        "a union with a format is not a list of plain types"
    );
}

#[sekoia]
#[derive(Deserialize, JsonSchema)]
pub struct Lists {
    #[sekoia(items(format = "uuid", description = "an asset"))]
    pub assets: Option<Vec<String>>,
    #[sekoia(description = "", title = "")]
    pub client_id: String,
    #[sekoia(optional = "nullable", nullable = "type_array", no_default)]
    pub category: Option<IntOrText>,
}

#[test]
fn items_keywords_empty_texts_and_nullable_unions() {
    assert_eq!(
        schema::<Lists>(HAND_WRITTEN.with_schema(MetaSchema::None)),
        json!({
            "type": "object",
            "properties": {
                "assets": {"type": "array", "items": {"type": "string", "format": "uuid", "description": "an asset"}},
                "client_id": {"type": "string", "description": "", "title": ""},
                "category": {"type": ["integer", "string", "null"]}
            },
            "required": ["client_id"]
        })
    );
}

/// Keys keep their relative order: no key moves because another one was rewritten.
#[test]
fn keys_are_never_swapped() {
    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    pub struct Ordered {
        /// first
        #[schemars(range(min = 1))]
        pub count: i64,
        #[serde(default = "default_server")]
        /// the server
        pub server: Option<String>,
        pub key: Secret<String>,
    }
    fn default_server() -> Option<String> {
        Some("https://intake.sekoia.io".into())
    }
    let text = pyjson::dumps(&schema::<Ordered>(Dialect::PYDANTIC));
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
        .collect();
    assert_eq!(
        keys,
        [
            "title",
            "type",
            "properties",
            "count",
            "title",
            "type",
            "description",
            "minimum",
            "server",
            "title",
            "description",
            "anyOf",
            "type",
            "type",
            "default",
            "key",
            "title",
            "type",
            "required",
            "count",
            "key",
            "secrets",
            "key"
        ],
        "{text}"
    );
}
