//! What a declarative API action returns: the API's JSON reply as it came, described in the
//! manifest by the action's `Results` type.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The reply of an API: its JSON as the API sent it (`None` for a `204 No Content` or an empty
/// body), whose schema in the manifest is `R`'s.
///
/// Nothing is dropped or renamed on the way: an API that adds a field is not broken by a
/// `Results` type that does not know it, and the playbook sees what the Python
/// `GenericAPIAction` would have returned.
pub struct Reply<R> {
    value: Option<Value>,
    _schema: PhantomData<fn() -> R>,
}

impl<R> Reply<R> {
    /// A reply of this JSON (`None`: no results).
    pub fn new(value: Option<Value>) -> Reply<R> {
        Reply {
            value,
            _schema: PhantomData,
        }
    }

    /// The JSON, `None` when the API answered nothing.
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// The JSON, `None` when the API answered nothing.
    pub fn into_value(self) -> Option<Value> {
        self.value
    }

    /// The JSON read as the `Results` type.
    pub fn parse(&self) -> Result<Option<R>, serde_json::Error>
    where
        R: DeserializeOwned,
    {
        self.value.as_ref().map(R::deserialize).transpose()
    }
}

impl<R> fmt::Debug for Reply<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Reply").field(&self.value).finish()
    }
}

impl<R> Clone for Reply<R> {
    fn clone(&self) -> Self {
        Reply::new(self.value.clone())
    }
}

impl<R> PartialEq for Reply<R> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// The JSON as it came; no results (`null`, which is not reported) for an empty reply.
impl<R> Serialize for Reply<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.value {
            Some(value) => value.serialize(serializer),
            None => serializer.serialize_unit(),
        }
    }
}

/// `R`'s schema, name and all: the manifest is the one `R` as results would give.
impl<R: JsonSchema> JsonSchema for Reply<R> {
    fn inline_schema() -> bool {
        R::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        R::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        R::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        R::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, JsonSchema, PartialEq, Debug)]
    /// An entry
    struct Entry {
        id: u32,
    }

    #[test]
    fn the_json_goes_out_untouched_and_the_schema_is_the_results_type() {
        let reply = Reply::<Entry>::new(Some(json!({"id": 3, "unknown": [1]})));
        assert_eq!(
            serde_json::to_value(&reply).unwrap(),
            json!({"id": 3, "unknown": [1]})
        );
        assert_eq!(reply.parse().unwrap(), Some(Entry { id: 3 }));
        assert_eq!(
            serde_json::to_value(Reply::<Entry>::new(None)).unwrap(),
            Value::Null
        );
        assert_eq!(
            schemars::schema_for!(Reply<Entry>),
            schemars::schema_for!(Entry)
        );
    }
}
