//! The rules across files and modules of Sekoia's checker (`check_uuids_and_slugs` and
//! `check_docker_params`):
//! - slugs and module uuids are unique among the modules checked, and so are action, trigger
//!   and connector uuids, each kind on its own;
//! - a trigger and a connector of the same suffix (legacy twins) share their uuid and their
//!   docker_parameters;
//! - docker_parameters are unique per kind within a module.
//!
//! Twins are paired as Python pairs them, with `str.lstrip`, which strips a set of characters and
//! not a prefix: `trigger_okta.json` gives `okta.json` but `connector_okta.json` gives
//! `kta.json`. The same files are paired, and the same lines reported.

use indexmap::IndexMap;

use super::module::Module;

/// Files of modules, grouped by a value (uuid, slug, docker_parameters), in first-seen order.
type Pool = IndexMap<String, Vec<(usize, String)>>;

/// The trigger and connector values of one suffix.
#[derive(Default)]
struct Twins {
    trigger: Option<String>,
    connector: Option<String>,
}

/// Python's `str.lstrip(chars)`.
fn lstrip<'a>(text: &'a str, chars: &str) -> &'a str {
    text.trim_start_matches(|c| chars.contains(c))
}

fn add(pool: &mut Pool, value: &str, module: usize, file: &str) {
    pool.entry(value.to_owned())
        .or_default()
        .push((module, file.to_owned()));
}

/// Reports `message` on every file of every group holding more than one file.
fn report_duplicates(modules: &mut [Module], pool: &Pool, message: &str) {
    for files in pool.values().filter(|files| files.len() > 1) {
        for (module, file) in files {
            modules[*module].problem(file, message);
        }
    }
}

/// Pairs trigger and connector files by their Python suffix and reports the connectors whose
/// value differs from their trigger's; the values of such pairs leave the pools.
fn check_twins(
    modules: &mut [Module],
    index: usize,
    twins: IndexMap<String, Twins>,
    triggers: &mut Pool,
    connectors: &mut Pool,
    message: &str,
    fixable: bool,
) {
    for (suffix, twins) in twins {
        let (Some(trigger), Some(connector)) = (twins.trigger, twins.connector) else {
            continue;
        };
        if trigger != connector {
            let file = format!("connector_{suffix}");
            let message = format!("{message} trigger_{suffix}");
            if fixable {
                let fix = format!("Set the same UUID for trigger_{suffix} and connector_{suffix}");
                modules[index].fixable(file, message, fix);
            } else {
                modules[index].problem(file, message);
            }
            triggers.shift_remove(&trigger);
            connectors.shift_remove(&connector);
        }
    }
}

/// Slugs, module uuids and component uuids (`check_uuids_and_slugs`).
pub fn check_uuids_and_slugs(modules: &mut [Module]) {
    let (mut module_uuids, mut slugs) = (Pool::new(), Pool::new());
    let (mut actions, mut triggers, mut connectors) = (Pool::new(), Pool::new(), Pool::new());
    for index in 0..modules.len() {
        let module = &modules[index];
        if let Some(slug) = &module.slug {
            add(&mut slugs, slug, index, "manifest.json");
        }
        if let Some(uuid) = &module.uuid {
            add(&mut module_uuids, uuid, index, "manifest.json");
        }
        let twins = pool_by_kind(
            &module.component_uuids,
            index,
            [&mut actions, &mut triggers, &mut connectors],
        );
        check_twins(
            modules,
            index,
            twins,
            &mut triggers,
            &mut connectors,
            "UUID is not consistent with",
            true,
        );
    }
    report_duplicates(modules, &slugs, "slug is not unique");
    report_duplicates(modules, &module_uuids, "UUID is not unique");
    report_duplicates(modules, &actions, "UUID is not unique");
    report_duplicates(modules, &connectors, "UUID is not unique");
    report_duplicates(modules, &triggers, "UUID is not unique");
}

/// Files `(name, value)` of one module into the action, trigger and connector pools; returns
/// the trigger/connector twins (same suffix) with their values.
fn pool_by_kind(
    values: &[(String, String)],
    index: usize,
    [actions, triggers, connectors]: [&mut Pool; 3],
) -> IndexMap<String, Twins> {
    let mut twins: IndexMap<String, Twins> = IndexMap::new();
    for (file, value) in values {
        if file.starts_with("action_") {
            add(actions, value, index, file);
        } else if file.starts_with("trigger_") {
            add(triggers, value, index, file);
            twins
                .entry(lstrip(file, "trigger_").to_owned())
                .or_default()
                .trigger = Some(value.clone());
        } else if file.starts_with("connector_") {
            add(connectors, value, index, file);
            twins
                .entry(lstrip(file, "connector_").to_owned())
                .or_default()
                .connector = Some(value.clone());
        }
    }
    twins
}

/// Docker parameters within each module (`check_docker_params`).
pub fn check_docker_parameters(modules: &mut [Module]) {
    for index in 0..modules.len() {
        let (mut actions, mut triggers, mut connectors) = (Pool::new(), Pool::new(), Pool::new());
        let twins = pool_by_kind(
            &modules[index].docker_parameters,
            index,
            [&mut actions, &mut triggers, &mut connectors],
        );
        check_twins(
            modules,
            index,
            twins,
            &mut triggers,
            &mut connectors,
            "`docker_parameters` is not consistent with",
            false,
        );
        report_duplicates(modules, &actions, "`docker_parameters` is not unique");
        report_duplicates(modules, &triggers, "`docker_parameters` is not unique");
        report_duplicates(modules, &connectors, "`docker_parameters` is not unique");
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn module(name: &str) -> Module {
        Module::new(PathBuf::from("/repo").join(name))
    }

    fn messages(module: &Module) -> Vec<String> {
        module
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}",
                    p.file.file_name().unwrap().to_string_lossy(),
                    p.message
                )
            })
            .collect()
    }

    #[test]
    fn lstrip_strips_a_set_of_characters() {
        assert_eq!(lstrip("trigger_okta.json", "trigger_"), "okta.json");
        assert_eq!(lstrip("connector_okta.json", "connector_"), "kta.json");
        assert_eq!(lstrip("trigger_events.json", "trigger_"), "vents.json");
    }

    #[test]
    fn twins_and_duplicates_are_reported_as_python_does() {
        let mut a = module("A");
        a.slug = Some("same".into());
        a.uuid = Some("u".into());
        a.component_uuids = vec![
            ("action_one.json".into(), "a1".into()),
            ("trigger_abc.json".into(), "t1".into()),
            ("connector_abc.json".into(), "c1".into()),
        ];
        a.docker_parameters = vec![
            ("action_one.json".into(), "one".into()),
            ("action_two.json".into(), "one".into()),
            ("trigger_abc.json".into(), "abc".into()),
            ("connector_abc.json".into(), "abc".into()),
        ];
        let mut b = module("B");
        b.slug = Some("same".into());
        b.uuid = Some("v".into());
        b.component_uuids = vec![("action_other.json".into(), "a1".into())];
        let mut modules = [a, b];
        check_uuids_and_slugs(&mut modules);
        check_docker_parameters(&mut modules);
        assert_eq!(
            messages(&modules[0]),
            [
                "connector_abc.json:UUID is not consistent with trigger_abc.json",
                "manifest.json:slug is not unique",
                "action_one.json:UUID is not unique",
                "action_one.json:`docker_parameters` is not unique",
                "action_two.json:`docker_parameters` is not unique",
            ]
        );
        assert_eq!(
            messages(&modules[1]),
            [
                "manifest.json:slug is not unique",
                "action_other.json:UUID is not unique"
            ]
        );
    }
}
