//! The UUIDs the platform gives a running component: which community, playbook, run, node and
//! configuration it belongs to (the Python SDK's `Module.community_uuid`...).

use crate::configuration::Sources;

/// Where a component runs, as the platform says it: each value comes from the configuration
/// value of the same name (the file `/symphony/<name>`, else the variable `<NAME>`), trimmed of
/// white space, and is `None` when the platform did not give it.
///
/// Read it with `ctx.identifiers()`. An asset connector's URLs use
/// `connector_configuration_uuid`; a stable server-side name (an iterator, a consumer group)
/// can use `connector_configuration_uuid` or `trigger_configuration_uuid`.
///
/// ```
/// use sekoia_runtime::Identifiers;
///
/// let ids = Identifiers { community_uuid: Some("c0ffee00-0000-4000-8000-000000000000".into()), ..Identifiers::default() };
/// assert_eq!(ids.community_uuid.as_deref(), Some("c0ffee00-0000-4000-8000-000000000000"));
/// assert_eq!(ids.playbook_run_uuid, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identifiers {
    /// `community_uuid`: the community (tenant).
    pub community_uuid: Option<String>,
    /// `playbook_uuid`: the playbook of an action or trigger.
    pub playbook_uuid: Option<String>,
    /// `playbook_run_uuid`: the playbook run of an action.
    pub playbook_run_uuid: Option<String>,
    /// `node_run_uuid`: the node run of an action.
    pub node_run_uuid: Option<String>,
    /// `trigger_configuration_uuid`: the configuration of a trigger.
    pub trigger_configuration_uuid: Option<String>,
    /// `connector_configuration_uuid`: the configuration of a connector or asset connector.
    pub connector_configuration_uuid: Option<String>,
}

impl Identifiers {
    /// The values the sources hold (an unreadable one counts as absent).
    pub(crate) fn read(sources: &Sources) -> Identifiers {
        let value = |name: &str| sources.text(name).ok().flatten().filter(|v| !v.is_empty());
        Identifiers {
            community_uuid: value("community_uuid"),
            playbook_uuid: value("playbook_uuid"),
            playbook_run_uuid: value("playbook_run_uuid"),
            node_run_uuid: value("node_run_uuid"),
            trigger_configuration_uuid: value("trigger_configuration_uuid"),
            connector_configuration_uuid: value("connector_configuration_uuid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("connector_configuration_uuid"), "6f0e...\n").unwrap();
        std::fs::write(dir.path().join("community_uuid"), "  \n").unwrap();
        let ids = Identifiers::read(&Sources::new(dir.path(), dir.path()));
        assert_eq!(ids.connector_configuration_uuid.as_deref(), Some("6f0e..."));
        assert_eq!(ids.community_uuid, None, "blank is absent");
    }
}
