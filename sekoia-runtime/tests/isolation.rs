//! Two sessions in one process: neither sees the other's events, logs or secrets.

use std::time::Duration;

use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::TestPlatform;

#[module(name = "Isolated", slug = "isolated", uuid = "8b0f4e2a-0f0e-4e8c-9d6f-3a2b1c0d9e8f", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Isolated {
    pub api_key: Secret<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct Named {
    pub name: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Hello {
    pub from: String,
}

/// Says who it is, with its key
#[trigger]
pub struct Speaker;

impl Trigger for Speaker {
    type Module = Isolated;
    type Configuration = Named;
    type Results = Hello;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let name = &ctx.configuration().name;
        for n in 0..3 {
            tracing::info!("{name} speaks with {}", ctx.module().api_key.expose());
            ctx.log(Level::Warning, format!("{name} warns {n}"));
            ctx.send_event(name, &Hello { from: name.clone() }).await?;
            tokio::task::yield_now().await;
        }
        ctx.sleep(Duration::from_secs(3600)).await;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_platforms_in_one_process_do_not_see_each_other() {
    let make = |name: &str, key: &str| {
        let platform = TestPlatform::new()
            .with_secrets(serde_json::json!({"api_key": key}))
            .stop_when(|seen| seen.event_count() == 3);
        let ctx = platform.trigger::<Speaker>(
            Isolated {
                api_key: Secret::new(key.to_owned()),
            },
            Named { name: name.into() },
        );
        (platform, ctx)
    };
    let (left, left_ctx) = make("left", "left-key-1");
    let (right, right_ctx) = make("right", "right-key-2");
    tokio::join!(
        left.run_trigger(&Speaker, &left_ctx),
        right.run_trigger(&Speaker, &right_ctx)
    );
    for (platform, name, other) in [(&left, "left", "right"), (&right, "right", "left")] {
        let events = platform.events();
        assert_eq!(events.len(), 3);
        assert!(events.iter().all(|e| e.name == name), "{events:?}");
        let logs = platform.logs();
        assert!(!logs.is_empty());
        for log in &logs {
            assert!(log.message.starts_with(name), "{name} saw {log:?}");
            assert!(!log.message.contains(other));
        }
    }
    // each scrubs the secrets it was given, and only those
    assert!(
        left.logs()
            .iter()
            .any(|l| l.message == "left speaks with [REDACTED]")
    );
    assert!(
        right
            .logs()
            .iter()
            .any(|l| l.message == "right speaks with [REDACTED]")
    );
}
