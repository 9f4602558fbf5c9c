//! The words of the platform: component kinds, module categories, the commands a module binary
//! answers besides its components, the slug rule and the manifest file names.

use std::fmt;

/// The kind of a component: decides the manifest file prefix and the runtime lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `#[action]`: a playbook step, arguments in, results out.
    Action,
    /// `#[trigger]`: starts playbook runs with events.
    Trigger,
    /// `#[connector]`: pushes events to an intake.
    Connector,
}

impl Kind {
    /// Every kind, in manifest order.
    pub const ALL: [Kind; 3] = [Kind::Action, Kind::Trigger, Kind::Connector];

    /// The lower-case word used in file names (`action_*.json`), attributes (`#[action]`) and
    /// messages.
    ///
    /// ```
    /// assert_eq!(sekoia_manifest::Kind::Connector.as_str(), "connector");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Action => "action",
            Kind::Trigger => "trigger",
            Kind::Connector => "connector",
        }
    }

    /// The trait that holds the behaviour of a component of this kind.
    pub const fn trait_name(self) -> &'static str {
        match self {
            Kind::Action => "Action",
            Kind::Trigger => "Trigger",
            Kind::Connector => "Connector",
        }
    }

    /// Whether a component of this kind runs until it is stopped (a trigger or connector).
    pub const fn is_long_running(self) -> bool {
        !matches!(self, Kind::Action)
    }

    /// The kind of a component manifest, from its file name (`action_*.json`...).
    ///
    /// ```
    /// use sekoia_manifest::Kind;
    /// assert_eq!(Kind::of_file("connector_okta.json"), Some(Kind::Connector));
    /// assert_eq!(Kind::of_file("manifest.json"), None);
    /// ```
    pub fn of_file(file_name: &str) -> Option<Kind> {
        let stem = file_name.strip_suffix(".json")?;
        Kind::ALL.into_iter().find(|kind| {
            stem.strip_prefix(kind.as_str())
                .is_some_and(|rest| rest.starts_with('_'))
        })
    }

    /// The kind whose word is `word` (`"action"`...).
    pub fn from_word(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == word)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The module categories Sekoia accepts, in the order its checker lists them.
pub const CATEGORIES: [&str; 9] = [
    "Applicative",
    "Cloud Providers",
    "Collaboration Tools",
    "Email",
    "Endpoint",
    "Generic",
    "IAM",
    "Network",
    "Threat Intelligence",
];

/// The command the platform uses to check a module configuration (the account validator).
pub const VALIDATE_COMMAND: &str = "validate_module_configuration";

/// The hidden command that makes a module binary print its registrations as JSON, for the
/// tools (`cargo sekoia check`). It starts with `--`, which no `docker_parameters` may.
pub const REGISTRATIONS_COMMAND: &str = "--sekoia-registrations";

/// Whether `slug` follows the rule of Sekoia's module checker, `^[a-z]([a-z_.\-]|\d)*$`: a
/// lower-case letter, then lower-case letters, digits, `_`, `.` or `-`.
///
/// ```
/// use sekoia_manifest::is_slug;
/// assert!(is_slug("ipinfo.io") && is_slug("f5-networks"));
/// assert!(!is_slug("1password") && !is_slug("Okta"));
/// ```
pub fn is_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '.' | '-'))
}

/// `<kind>_<name lower-cased, spaces to _>.json`, the Python SDK's rule.
///
/// ```
/// use sekoia_manifest::{Kind, component_file_name};
/// assert_eq!(component_file_name(Kind::Action, "Request URL"), "action_request_url.json");
/// ```
pub fn component_file_name(kind: Kind, name: &str) -> String {
    format!(
        "{}_{}.json",
        kind.as_str(),
        name.to_lowercase().replace(' ', "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_checker_rule() {
        for ok in ["testhttp", "f5-networks", "ipinfo.io", "a1_b", "x"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "Testhttp", "1abc", "_a", "a b", "é"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn kinds_read_back_from_their_word() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_word(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::from_word("validator"), None);
    }
}
