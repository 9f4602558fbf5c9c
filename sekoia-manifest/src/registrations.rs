//! The registrations of a module binary in machine-readable form: what
//! `<binary> --sekoia-registrations` prints, as one JSON object, for the tools that check a
//! module against its manifests.

use serde::{Deserialize, Serialize};

use crate::names::Kind;

/// What a module binary registers.
///
/// ```
/// use sekoia_manifest::{Kind, Registration, Registrations};
///
/// let text = r#"{"name": "TestHTTP", "slug": "testhttp", "version": "1.0.0", "validator": false,
///   "components": [{"kind": "action", "docker_parameters": "Request", "name": "Request URL"}]}"#;
/// let registrations = Registrations::from_json(text).unwrap();
/// assert_eq!(registrations.components[0].kind, Kind::Action);
/// assert_eq!(Registrations::from_json(&registrations.to_json()).unwrap(), registrations);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registrations {
    /// The module name.
    pub name: String,
    /// The module slug.
    pub slug: String,
    /// The module version (the package's Cargo version).
    pub version: String,
    /// Every component, by kind then name.
    pub components: Vec<Registration>,
    /// Whether the binary answers the account validator's command.
    pub validator: bool,
}

/// One component a module binary starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Action, trigger or connector.
    pub kind: Kind,
    /// The command that starts it.
    pub docker_parameters: String,
    /// The component name.
    pub name: String,
}

impl Registrations {
    /// The JSON a module binary prints.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("strings, booleans and lists always serialize")
    }

    /// Reads what a module binary printed.
    pub fn from_json(text: &str) -> Result<Registrations, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        Kind::from_word(&word).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown component kind `{word}`; expected `action`, `trigger` or `connector`"
            ))
        })
    }
}
