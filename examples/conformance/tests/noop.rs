//! The Noop action of the recorded transcripts, called through its trait, without the platform.

use conformance_modules::{ConformanceModule, Noop, Value};
use sekoia_runtime::{Action, ActionContext};

#[tokio::test]
async fn noop_answers_its_arguments() {
    let ctx = ActionContext::<Noop>::new(ConformanceModule {
        api_key: "key".to_owned().into(),
    });
    let answer = Noop
        .run(
            &ctx,
            Value {
                value: "hello".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.value, "hello");
}
