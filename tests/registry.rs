//! An inconsistent set of registrations is refused with every problem and both culprits named.

use sekoia_manifest::Registry;
use sekoia_runtime::prelude::*;

#[module(name = "Clash", slug = "clash", uuid = "0e0c3a52-8a0b-4f7e-9d5c-6d3b1f2a4c11", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Clash {}

#[module(name = "Other", slug = "other", uuid = "a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Other {}

#[derive(Deserialize, JsonSchema)]
pub struct Nothing {}

macro_rules! noop_action {
    ($ty:ident, $module:ty) => {
        impl Action for $ty {
            type Module = $module;
            type Arguments = Nothing;
            type Results = ();

            async fn run(
                &self,
                _ctx: &ActionContext<Self>,
                _args: Nothing,
            ) -> Result<(), ActionError> {
                Ok(())
            }
        }
    };
}

#[action(name = "Same Name", docker_parameters = "first")]
pub struct First;
noop_action!(First, Clash);

#[action(name = "same name", docker_parameters = "second")]
pub struct Second;
noop_action!(Second, Clash);

#[action(name = "Third", docker_parameters = "first")]
pub struct Third;
noop_action!(Third, Clash);

#[action(name = "Fourth", uuid = "11111111-2222-4333-8444-555555555555")]
pub struct Fourth;
noop_action!(Fourth, Clash);

#[action(name = "Fifth", uuid = "11111111-2222-4333-8444-555555555555")]
pub struct Fifth;
noop_action!(Fifth, Clash);

#[derive(Serialize, JsonSchema)]
pub struct Placeholder {}

// its legacy twin writes the file of `Sixth`
#[connector(name = "Seventh", twin(file = "trigger_sixth.json", results = Placeholder))]
pub struct Seventh;

impl Connector for Seventh {
    type Module = Clash;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        Ok(())
    }
}

// a trigger may share its uuid with a connector (legacy twins do): not a clash
#[trigger(name = "Sixth", uuid = "e3d0a4f6-1c1b-4a51-8f0e-2b7c9d3e5f60")]
pub struct Sixth;

impl Trigger for Sixth {
    type Module = Clash;
    type Configuration = Nothing;
    type Results = ();

    async fn run(&self, _ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        Ok(())
    }
}

#[connector(name = "Eighth", uuid = "e3d0a4f6-1c1b-4a51-8f0e-2b7c9d3e5f60")]
pub struct Eighth;

impl Connector for Eighth {
    type Module = Clash;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        Ok(())
    }
}

#[test]
fn every_clash_is_reported_with_both_culprits() {
    let message = Registry::from_inventory()
        .err()
        .expect("an inconsistent registry is refused")
        .to_string();
    let expect = |needle: &str| {
        assert!(
            message.contains(needle),
            "missing «{needle}» in:\n{message}"
        );
    };
    expect("two #[module]s are registered, `registry::Clash`");
    expect("and `registry::Other`");
    expect("`registry::First`");
    expect("`registry::Second`");
    expect("both write action_same_name.json");
    expect("have the same docker_parameters \"first\"");
    expect("`registry::Third`");
    expect("have the same uuid 11111111-2222-4333-8444-555555555555");
    expect("`registry::Fourth`");
    expect("`registry::Fifth`");
    expect("trigger `registry::Sixth` (tests/registry.rs");
    expect("and `registry::Seventh` (tests/registry.rs");
    expect("both write trigger_sixth.json");
    // the location is given too
    expect("registry.rs:");
    assert!(
        !message.contains("e3d0a4f6"),
        "a trigger and a connector may share a uuid:\n{message}"
    );
    assert_eq!(message.lines().count(), 5, "one problem a line:\n{message}");
}
