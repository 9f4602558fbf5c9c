//! The Sample Action called through its trait, without the platform.

use sample_modules::{ModuleConfiguration, Results, SampleAction, SampleArguments};
use sekoia_runtime::{Action, ActionContext};

#[tokio::test]
async fn the_sample_action_joins_the_module_field_and_the_argument() {
    let module = ModuleConfiguration {
        module_field: "field".into(),
        api_key: "key".to_owned().into(),
        password: "password".to_owned().into(),
    };
    let ctx = ActionContext::<SampleAction>::new(module);
    let Results { results_field } = SampleAction
        .run(&ctx, SampleArguments { argument: true })
        .await
        .unwrap();
    assert_eq!(results_field, "field true");
}
