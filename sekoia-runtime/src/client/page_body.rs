//! A page's reply split in one parse: its items, read as the connector's type straight from the
//! bytes, and the rest of the body as a JSON value (for the next cursor and whatever else the
//! connector reads).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Splits a reply: the items at the JSON pointer `items_at` (the whole body when `None`) as
/// `T`s, and the body with an empty array in their place. A body without an array there has no
/// items and is returned whole.
pub(super) fn split<T: DeserializeOwned>(
    bytes: &[u8],
    items_at: Option<&str>,
) -> Result<(Value, Vec<T>), serde_json::Error> {
    let path: Vec<String> = match items_at {
        None | Some("") => Vec::new(),
        Some(pointer) => match pointer.strip_prefix('/') {
            Some(tokens) => tokens
                .split('/')
                .map(|token| token.replace("~1", "/").replace("~0", "~"))
                .collect(),
            // not a JSON pointer: nothing is found there, as `Value::pointer` says
            None => return Ok((serde_json::from_slice(bytes)?, Vec::new())),
        },
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let (body, items) = Split::<T>::at(&path).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((body, items.unwrap_or_default()))
}

/// A value of the reply, `path` being what is left of the items' pointer below it.
struct Split<'p, T> {
    path: &'p [String],
    items: PhantomData<fn() -> T>,
}

impl<'p, T> Split<'p, T> {
    fn at(path: &'p [String]) -> Self {
        Split {
            path,
            items: PhantomData,
        }
    }
}

type Found<T> = (Value, Option<Vec<T>>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Split<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Split<'_, T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Found<T>, E> {
        Ok((Value::Bool(v), None))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Found<T>, E> {
        Ok((Value::from(v), None))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Found<T>, E> {
        Ok((Value::from(v), None))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Found<T>, E> {
        Ok((Number::from_f64(v).map_or(Value::Null, Value::Number), None))
    }

    fn visit_str<E>(self, v: &str) -> Result<Found<T>, E> {
        Ok((Value::String(v.to_owned()), None))
    }

    fn visit_string<E>(self, v: String) -> Result<Found<T>, E> {
        Ok((Value::String(v), None))
    }

    fn visit_unit<E>(self) -> Result<Found<T>, E> {
        Ok((Value::Null, None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found<T>, A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            // the items themselves
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element::<T>()? {
                items.push(item);
            }
            return Ok((Value::Array(Vec::new()), Some(items)));
        };
        let wanted: Option<usize> = first.parse().ok();
        let (mut values, mut items) = (Vec::new(), None);
        loop {
            let value = if wanted == Some(values.len()) {
                seq.next_element_seed(Split::<T>::at(rest))?
                    .map(|(value, found)| {
                        items = found;
                        value
                    })
            } else {
                seq.next_element::<Value>()?
            };
            match value {
                Some(value) => values.push(value),
                None => return Ok((Value::Array(values), items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<T>, A::Error> {
        let (first, rest) = match self.path.split_first() {
            Some((first, rest)) => (Some(first), rest),
            None => (None, &[][..]),
        };
        let (mut object, mut items) = (Map::new(), None);
        while let Some(key) = map.next_key::<String>()? {
            let value = if first == Some(&key) {
                let (value, found) = map.next_value_seed(Split::<T>::at(rest))?;
                items = found;
                value
            } else {
                map.next_value::<Value>()?
            };
            object.insert(key, value);
        }
        Ok((Value::Object(object), items))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Event {
        id: u32,
    }

    fn split_of<T: DeserializeOwned>(body: &Value, at: Option<&str>) -> (Value, Vec<T>) {
        split(body.to_string().as_bytes(), at).unwrap()
    }

    #[test]
    fn the_items_are_typed_and_taken_out_of_the_body() {
        let body = json!({"data": [{"id": 1}, {"id": 2, "extra": "x"}], "next": "c2", "n": 1.5});
        let (rest, items) = split_of::<Event>(&body, Some("/data"));
        assert_eq!(items, [Event { id: 1 }, Event { id: 2 }]);
        assert_eq!(rest, json!({"data": [], "next": "c2", "n": 1.5}));
        // as values, what the untyped pages hold
        let (_, items) = split_of::<Value>(&body, Some("/data"));
        assert_eq!(items, [json!({"id": 1}), json!({"id": 2, "extra": "x"})]);
    }

    #[test]
    fn pointers_go_through_objects_arrays_and_escapes() {
        let body = json!({"a/b": [{"x": 0}, {"items": [{"id": 7}]}], "k~": true});
        let (rest, items) = split_of::<Event>(&body, Some("/a~1b/1/items"));
        assert_eq!(items, [Event { id: 7 }]);
        assert_eq!(rest, json!({"a/b": [{"x": 0}, {"items": []}], "k~": true}));
        let (rest, items) = split_of::<Event>(&json!([{"id": 3}]), None);
        assert_eq!((rest, items), (json!([]), vec![Event { id: 3 }]));
    }

    #[test]
    fn without_an_array_there_the_body_is_whole_and_there_are_no_items() {
        for (body, at) in [
            (json!({"data": {"id": 1}}), Some("/data")),
            (json!({"other": []}), Some("/data")),
            (json!({"data": []}), Some("data")),
            (json!({"id": 1}), None),
            (json!("text"), Some("/data")),
        ] {
            let (rest, items) = split_of::<Event>(&body, at);
            assert_eq!(rest, body, "{at:?}");
            assert!(items.is_empty());
        }
    }

    #[test]
    fn an_item_of_another_shape_is_an_error_that_says_where() {
        let error = split::<Event>(br#"{"data": [{"id": 1}, {"name": "x"}]}"#, Some("/data"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("missing field `id`") && error.contains("column"),
            "{error}"
        );
        assert!(split::<Event>(br#"{"data": []} x"#, Some("/data")).is_err());
    }
}
