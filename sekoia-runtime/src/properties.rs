//! Property tests of the leaves: configuration decoding and the secret scrubber.

use proptest::prelude::*;
use serde_json::Value;

use crate::configuration::Sources;
use crate::scrubber::{REDACTED, SHORTEST, Scrubber};

proptest! {
    #[test]
    fn any_json_in_a_file_reads_back_as_it_was(value in json()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("arguments"), value.to_string()).unwrap();
        let sources = Sources::new(dir.path(), dir.path());
        let (read, origin) = sources.json("arguments").unwrap().unwrap();
        prop_assert_eq!(read, value);
        prop_assert!(origin.starts_with("file "));
    }

    #[test]
    fn any_bytes_in_a_file_are_json_or_an_error_naming_the_value(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("module_configuration"), &bytes).unwrap();
        let sources = Sources::new(dir.path(), dir.path());
        match sources.json("module_configuration") {
            Ok(Some((value, _))) => prop_assert_eq!(Some(value), serde_json::from_slice::<Value>(&bytes).ok()),
            Ok(None) => prop_assert!(false, "a file is never absent"),
            Err(e) => prop_assert!(e.to_string().contains("`module_configuration`"), "{}", e),
        }
    }

    #[test]
    fn a_secret_is_scrubbed_in_every_rendering(
        secret in "\\PC{4,24}",
        before in "[a-z ]{0,12}",
        after in "[a-z ]{0,12}",
    ) {
        prop_assume!(secret.len() >= SHORTEST);
        let scrubber = Scrubber::default();
        scrubber.add([secret.clone()]);
        let debug = format!("{secret:?}");
        let json = serde_json::to_string(&secret).unwrap();
        let renderings = [
            secret.clone(),
            debug[1..debug.len() - 1].to_owned(),
            json[1..json.len() - 1].to_owned(),
            percent_encoding::utf8_percent_encode(&secret, percent_encoding::NON_ALPHANUMERIC).to_string(),
        ];
        for rendering in renderings {
            let text = format!("{before}{rendering}{after}");
            let scrubbed = scrubber.scrub(&text);
            prop_assert!(!scrubbed.contains(&rendering), "{:?} -> {:?}", text, scrubbed);
            prop_assert!(scrubbed.contains(REDACTED));
        }
    }

    #[test]
    fn text_without_a_secret_is_left_as_it_is(text in "[a-z ]{0,64}", secret in "[A-Z0-9]{4,16}") {
        let scrubber = Scrubber::default();
        scrubber.add([secret]);
        prop_assert_eq!(scrubber.scrub(&text), text);
    }
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{0,8}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}
