//! Registrations as Sekoia's catalogue has them: a connector that keeps its legacy trigger twin,
//! chosen file names, the other manifest fields, empty
//! descriptions, a module without categories.

use sekoia_manifest::{Kind, Registry, manifest};
use sekoia_runtime::prelude::*;
use serde_json::json;

#[module(
    name = "Feeds",
    slug = "feeds",
    uuid = "6f4c2c1e-8a3b-4c5d-9e6f-7a8b9c0d1e2f",
    description = "",
    dialect(
        titles = "none",
        root_title = "none",
        schema = "draft-07",
        optional = "plain"
    )
)]
#[derive(Deserialize, JsonSchema)]
pub struct Feeds {}

#[sekoia(title = "connector configuration")]
#[derive(Deserialize, JsonSchema)]
pub struct EventsConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    /// Batch frequency in seconds
    #[sekoia(default = 60, required)]
    pub frequency: u64,
}

#[sekoia(title = "The events", no_type)]
#[derive(Serialize, JsonSchema)]
pub struct TheEvents {}

/// Fetch new events
#[connector(
    name = "Fetch events",
    uuid = "0d2a3f4b-5c6d-4e7f-8091-a2b3c4d5e6f7",
    docker_parameters = "fetch_events",
    file = "connector_events.json",
    twin(arguments_title = "Trigger configuration", results = TheEvents)
)]
pub struct FetchEvents;

impl Connector for FetchEvents {
    type Module = Feeds;
    type Configuration = EventsConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.stopped().await;
        Ok(())
    }
}

#[trigger(
    name = "M365 events",
    description = "",
    uuid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    docker_parameters = "m365_events_trigger",
    webhook
)]
pub struct M365Trigger;

impl Trigger for M365Trigger {
    type Module = Feeds;
    type Configuration = AnyObject;
    type Results = ();

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        ctx.stopped().await;
        Ok(())
    }
}

#[sekoia(no_title, no_type, no_properties)]
#[derive(Deserialize, JsonSchema)]
pub struct Nothing {}

#[action(
    name = "Check IP existence",
    uuid = "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
    docker_parameters = "ip_exist",
    file = "action_iknow_ipexist.json",
    slug = "execute_es|ql_query",
    outputs = [("known", "the IP is known"), ("unknown", "the IP is unknown")],
    configuration_part = "needs the API key",
    required = ["items", "has_more"]
)]
pub struct IpExist;

impl Action for IpExist {
    type Module = Feeds;
    type Arguments = Nothing;
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _args: Nothing) -> Result<(), ActionError> {
        Ok(())
    }
}

#[test]
fn a_connector_writes_its_legacy_trigger_twin_and_the_catalogue_fields() {
    let registry = Registry::from_inventory().expect("a consistent registry");
    let files = manifest::render(&registry, "1.2.3").expect("manifests");
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "action_iknow_ipexist.json",
            "trigger_m365_events.json",
            "connector_events.json",
            "trigger_events.json"
        ]
    );
    let document = |name: &str| {
        files
            .iter()
            .find(|f| f.file_name == name)
            .unwrap()
            .document
            .clone()
    };
    let manifest = document("manifest.json");
    assert_eq!(manifest["description"], "");
    assert!(manifest.get("categories").is_none());
    let connector = document("connector_events.json");
    let twin = document("trigger_events.json");
    for key in ["name", "description", "uuid", "docker_parameters"] {
        assert_eq!(connector[key], twin[key], "{key}");
    }
    assert_eq!(twin["arguments"]["title"], "Trigger configuration");
    assert_eq!(connector["arguments"]["title"], "connector configuration");
    assert_eq!(
        connector["arguments"]["required"],
        json!(["intake_key", "frequency"])
    );
    assert_eq!(
        twin["results"],
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "title": "The events", "properties": {}})
    );
    assert!(connector.get("results").is_none());
    let trigger = document("trigger_m365_events.json");
    assert_eq!(trigger["description"], "");
    assert_eq!(trigger["webhook"], true);
    assert_eq!(trigger["results"], json!({}));
    let action = document("action_iknow_ipexist.json");
    assert_eq!(action["arguments"], json!({}));
    assert_eq!(action["slug"], "execute_es|ql_query");
    assert_eq!(
        action["outputs"],
        json!({"known": "the IP is known", "unknown": "the IP is unknown"})
    );
    assert_eq!(action["configuration_part"], "needs the API key");
    assert_eq!(action["required"], json!(["items", "has_more"]));

    // the twin is a trigger registration of the same command, which starts the connector
    let registrations = registry.registrations("1.2.3");
    let twins: Vec<(Kind, &str)> = registrations
        .components
        .iter()
        .filter(|r| r.docker_parameters == "fetch_events")
        .map(|r| (r.kind, r.name.as_str()))
        .collect();
    assert_eq!(
        twins,
        [
            (Kind::Connector, "Fetch events"),
            (Kind::Trigger, "Fetch events")
        ]
    );
    assert_eq!(
        registry.component("fetch_events").map(|c| c.kind),
        Some(Kind::Connector)
    );
    let warnings = manifest::warnings(&registry);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("manifest.json has no categories"));
}
