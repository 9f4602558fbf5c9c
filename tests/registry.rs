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
    // the location is given too
    expect("registry.rs:");
    assert_eq!(message.lines().count(), 4, "one problem a line:\n{message}");
}
