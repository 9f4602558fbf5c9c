//! What to tell an author who wrote an argument the attribute does not know: the argument they
//! probably meant, or where that item really goes.

use crate::symbol::Symbol;
use crate::valid::Kind;

/// What to say of an unknown argument, and the key it was probably meant to be.
pub(crate) fn unknown_argument(
    attribute: &str,
    kind: Option<Kind>,
    key: &str,
    keys: &[Symbol],
) -> (String, Option<Symbol>) {
    let unknown = format!("unknown #[{attribute}] argument `{key}`");
    if let Some(hint) = kind.and_then(|kind| trait_item_hint(kind, key)) {
        return (format!("{unknown}; {hint}"), None);
    }
    if kind.is_none() && key == "version" {
        let hint = "the module version is the `version` of the module's Cargo.toml";
        return (format!("{unknown}; {hint}"), None);
    }
    let expected = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(key, keys) {
        Some(meant) => (
            format!("{unknown}; did you mean `{meant}`? expected one of {expected}"),
            Some(meant),
        ),
        None => (format!("{unknown}; expected one of {expected}"), None),
    }
}

/// Where an argument that belongs to the component's trait impl is written.
fn trait_item_hint(kind: Kind, key: &str) -> Option<String> {
    let item = match (kind, key) {
        (_, "module") => "type Module = ...;",
        (Kind::Action, "arguments" | "args" | "configuration" | "config") => {
            "type Arguments = ...;"
        }
        (Kind::Trigger | Kind::Connector, "arguments" | "args" | "configuration" | "config") => {
            "type Configuration = ...;"
        }
        (Kind::Action | Kind::Trigger, "results" | "events") => "type Results = ...;",
        (Kind::Trigger | Kind::Connector, "seconds_without_events") => {
            "const SECONDS_WITHOUT_EVENTS: u64 = ...;"
        }
        (Kind::Trigger | Kind::Connector, "last_heartbeat_threshold") => {
            "const LAST_HEARTBEAT_THRESHOLD: u64 = ...;"
        }
        _ => return None,
    };
    Some(format!(
        "it is not an argument but part of the trait impl: write `{item}` in `impl {} for ...`",
        kind.trait_name()
    ))
}

/// The word of `words` that `key` is most likely a misspelling of, if any.
pub(crate) fn closest_word<'a>(key: &str, words: &[&'a str]) -> Option<&'a str> {
    let limit = (key.chars().count() / 3).max(1);
    words
        .iter()
        .map(|w| (edit_distance(key, w), *w))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, w)| w)
}

/// The key `key` is most likely a misspelling of, if any.
fn closest(key: &str, keys: &[Symbol]) -> Option<Symbol> {
    let limit = (key.chars().count() / 3).max(1);
    keys.iter()
        .map(|k| (edit_distance(key, k.as_str()), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edits from `a` to `b`: insertions, deletions, substitutions and swaps of two neighbours
/// (`nmae` is one edit from `name`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 0..a.len() {
        let mut current = vec![i + 1];
        for j in 0..b.len() {
            let substitution = previous[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before[j - 1] + 1);
            }
            current.push(best);
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbol::{
        ACTION_KEYS, CATEGORIES, DOCKER_PARAMETERS, MODULE_KEYS, NAME, TRIGGER_KEYS, UUID,
    };

    #[test]
    fn misspelt_keys_are_recognised() {
        assert_eq!(closest("nam", MODULE_KEYS), Some(NAME));
        assert_eq!(closest("nmae", MODULE_KEYS), Some(NAME));
        assert_eq!(closest("nmae", TRIGGER_KEYS), Some(NAME));
        assert_eq!(closest("catgories", MODULE_KEYS), Some(CATEGORIES));
        assert_eq!(closest("uid", ACTION_KEYS), Some(UUID));
        assert_eq!(
            closest("docker_parameter", ACTION_KEYS),
            Some(DOCKER_PARAMETERS)
        );
        assert_eq!(closest("colour", MODULE_KEYS), None);
        assert_eq!(closest("timeout", ACTION_KEYS), None);
    }
}
