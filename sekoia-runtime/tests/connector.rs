//! Connectors in-process: pushes recorded by the in-memory intake, metrics, discarded events,
//! and the same component against a real emulator.

use std::time::Duration;

use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::TestPlatform;
use serde_json::{Value, json};

#[module(name = "Connectors", slug = "connectors", uuid = "5e1d9a7c-2b4f-4c6e-8a0d-1f3b5c7e9a2b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Connectors {}

#[derive(Deserialize, JsonSchema)]
pub struct Flood {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    pub count: usize,
    pub size: usize,
}

/// Pushes `count` events of `size` bytes, then waits to be stopped
#[connector]
pub struct Flooder;

impl Connector for Flooder {
    type Module = Connectors;
    type Configuration = Flood;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let Flood { count, size, .. } = *ctx.configuration();
        let events = (0..count).map(|n| json!({"n": n, "pad": "x".repeat(size)}));
        let ids = ctx.push_events(events).await?;
        ctx.set_events_lag(Duration::from_secs(7));
        ctx.log(Level::Info, format!("pushed {}", ids.len()));
        ctx.stopped().await;
        Ok(())
    }
}

fn flood(count: usize, size: usize) -> Flood {
    Flood {
        intake: DefaultConnectorConfiguration {
            intake_server: None,
            intake_key: "ik".into(),
        },
        count,
        size,
    }
}

// paused: the log that stops the run is sent with the next batch, five virtual seconds later
#[tokio::test(start_paused = true)]
async fn pushes_are_recorded_in_order_and_counted() {
    let platform = TestPlatform::new()
        .with_intake_key("ik")
        .stop_when(|seen| seen.logs().iter().any(|l| l.message.starts_with("pushed")));
    let ctx = platform.connector::<Flooder>(Connectors {}, flood(40, 1_000));
    platform.run_connector(&Flooder, &ctx).await;
    let events = platform.intake_events();
    assert_eq!(events.len(), 40);
    let numbers: Vec<u64> = events
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(e).unwrap()["n"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers, (0..40).collect::<Vec<_>>());
    assert_eq!(platform.logs().last().unwrap().message, "pushed 40");
    let metrics = platform.metrics();
    assert!(
        metrics.contains("symphony_module_common_forwarded_events_total{intake_key=\"ik\"} 40"),
        "{metrics}"
    );
    assert!(
        metrics.contains("symphony_module_common_events_lags{intake_key=\"ik\"} 7.0"),
        "{metrics}"
    );

    let platform = TestPlatform::new()
        .with_intake_key("ik")
        .stop_when(|seen| seen.logs().iter().any(|l| l.message.starts_with("pushed")));
    let ctx = platform.connector::<Flooder>(Connectors {}, flood(2, 250_001));
    platform.run_connector(&Flooder, &ctx).await;
    assert!(platform.intake_events().is_empty());
    assert!(
        platform
            .logs()
            .iter()
            .any(|l| l.message == "2 too long events were discarded (length > 250kb)")
    );
    assert!(
        platform
            .metrics()
            .contains("symphony_module_common_discarded_events_total{intake_key=\"ik\"} 2")
    );
}

#[tokio::test(start_paused = true)]
async fn a_connector_is_unhealthy_after_six_hours_without_events() {
    let platform = TestPlatform::new();
    let ctx = platform.connector::<Flooder>(Connectors {}, flood(0, 1));
    let probe = async {
        tokio::time::sleep(Duration::from_secs(6 * 3600)).await;
        assert_eq!(platform.health().0, 200);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(platform.health().0, 500);
        platform.stop();
    };
    tokio::join!(platform.run_connector(&Flooder, &ctx), probe);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_connector_pushes_to_an_emulator() {
    let emulator = sekoia_emulator::Emulator::start();
    let platform = TestPlatform::emulator(emulator.url()).with_intake_key("ik");
    let ctx = platform.connector::<Flooder>(Connectors {}, flood(3, 10));
    let stopper = async {
        while emulator.intake_event_count() < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        platform.stop();
    };
    tokio::join!(platform.run_connector(&Flooder, &ctx), stopper);
    assert_eq!(emulator.intake_event_count(), 3);
    let batch = &emulator.requests_to("/batch")[0];
    assert_eq!(batch.user_agent(), Some("sekoiaio-connector-ik"));
    assert!(
        emulator.logs().iter().any(|l| l.message == "pushed 3"),
        "the logs are flushed at the end of the run: {:?}",
        emulator.logs()
    );
}
