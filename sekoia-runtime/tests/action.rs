//! Actions in-process: the final report as the platform would receive it.

use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::TestPlatform;
use serde_json::json;

#[module(name = "Actions", slug = "actions", uuid = "1d6c0b87-53f1-4f6a-9a61-8b2f8f0b3c01", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Actions {
    pub api_key: Secret<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct Words {
    pub words: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct Count {
    pub count: usize,
}

/// Counts words
#[action(name = "Count Words")]
pub struct CountWords;

impl Action for CountWords {
    type Module = Actions;
    type Arguments = Words;
    type Results = Count;

    async fn run(&self, ctx: &ActionContext<Self>, args: Words) -> Result<Count, ActionError> {
        tracing::info!(count = args.words.len(), "counting");
        ctx.set_output("many", args.words.len() > 2);
        if args.words.iter().any(|w| w == "boom") {
            panic!("a word exploded");
        }
        if args.words.iter().any(|w| w == "key") {
            return Err(Error::new(format!(
                "refused with key {}",
                ctx.module().api_key.expose()
            )));
        }
        Ok(Count {
            count: args.words.len(),
        })
    }
}

fn module() -> Actions {
    Actions {
        api_key: Secret::new("s3cr3t-k3y".into()),
    }
}

#[tokio::test]
async fn results_outputs_and_logs_make_the_report() {
    let platform = TestPlatform::new();
    let report = platform
        .run_action(&CountWords, module(), json!({"words": ["a", "b", "c"]}))
        .await;
    assert_eq!(report.results, Some(json!({"count": 3})));
    assert_eq!(report.error, None);
    assert_eq!(report.outputs["many"], true);
    let logs = report.logs.expect("the tracing event is a log line");
    assert!(
        logs.ends_with(": info: counting - Context: {\"count\": 3}\n"),
        "{logs}"
    );
    let updates = platform.status_updates();
    assert_eq!(updates[0], json!({"status": "running"}));
    assert_eq!(updates[1]["status"], "finished");
    assert_eq!(updates[1]["results"], json!({"count": 3}));
}

#[tokio::test]
async fn bad_arguments_and_panics_become_the_error() {
    let platform = TestPlatform::new();
    let report = platform
        .run_action(&CountWords, module(), json!({"words": "a b"}))
        .await;
    let error = report.error.unwrap();
    assert!(
        error.starts_with("configuration value `arguments` (from the test) does not fit"),
        "{error}"
    );
    assert!(report.results.is_none());

    let report = platform
        .run_action(&CountWords, module(), json!({"words": ["boom"]}))
        .await;
    assert_eq!(
        report.error.as_deref(),
        Some("An unexpected error occurred: the action panicked: a word exploded")
    );
}

#[tokio::test]
async fn a_direct_call_of_run_works_on_a_plain_context() {
    let ctx = ActionContext::<CountWords>::new(module());
    let count = CountWords
        .run(
            &ctx,
            Words {
                words: vec!["x".into()],
            },
        )
        .await
        .unwrap();
    assert_eq!(count.count, 1);
    assert_eq!(ctx.outputs()["many"], false);
}
