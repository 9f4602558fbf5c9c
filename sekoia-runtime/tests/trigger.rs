//! Triggers in-process, in tokio's virtual time: events, logs, the error policy, the health
//! thresholds and the heartbeat, as the module binary applies them.

use std::time::{Duration, UNIX_EPOCH};

use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::{Clock, TestPlatform};

#[module(name = "Triggers", slug = "triggers", uuid = "3c7f2d14-0e5b-4a8e-b6f1-7d9e2c4a1b52", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Triggers {}

#[derive(Deserialize, JsonSchema)]
pub struct Every {
    pub seconds: u64,
}

#[derive(Serialize, JsonSchema)]
pub struct Tick {
    pub count: u64,
}

/// Ticks every few seconds
#[trigger]
pub struct Ticker;

impl Trigger for Ticker {
    type Module = Triggers;
    type Configuration = Every;
    type Results = Tick;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let mut count = 0;
        while ctx.running() {
            count += 1;
            tracing::info!("tick {count}");
            ctx.send_event("tick", &Tick { count }).await?;
            ctx.sleep(Duration::from_secs(ctx.configuration().seconds))
                .await;
        }
        Ok(())
    }
}

/// Fails every time
#[trigger]
pub struct Failing;

impl Trigger for Failing {
    type Module = Triggers;
    type Configuration = Every;
    type Results = Tick;

    async fn run(&self, _ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        Err(Error::new("the feed is down"))
    }
}

/// Works for a long time, with or without heartbeats; health thresholds declared
#[trigger]
pub struct Worker;

impl Trigger for Worker {
    type Module = Triggers;
    type Configuration = Every;
    type Results = Tick;

    const SECONDS_WITHOUT_EVENTS: u64 = 600;
    const LAST_HEARTBEAT_THRESHOLD: u64 = 60;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        // seconds: 0 works without heartbeats, more beats every `seconds`
        let beat = ctx.configuration().seconds;
        while ctx.running() {
            if beat > 0 {
                ctx.heartbeat();
                ctx.sleep(Duration::from_secs(beat)).await;
            } else {
                ctx.sleep(Duration::from_secs(3600)).await;
            }
        }
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn events_and_logs_reach_the_platform_in_virtual_time() {
    let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let platform = TestPlatform::new()
        .with_clock(Clock::starting_at(start))
        .stop_when(|seen| seen.event_count() == 3);
    let ctx = platform.trigger::<Ticker>(Triggers {}, Every { seconds: 60 });
    platform.run_trigger(&Ticker, &ctx).await;
    let events = platform.events();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].event["count"], 3);
    assert!(events.iter().all(|e| e.request_id.len() == 36));
    let logs = platform.logs();
    let messages: Vec<&str> = logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(messages, ["tick 1", "tick 2", "tick 3"]);
    // two minutes passed between the first tick and the third, on the session's clock
    assert_eq!(logs[0].date, "2027-01-15T08:00:00");
    assert_eq!(logs[2].date, "2027-01-15T08:02:00");
}

#[tokio::test(start_paused = true)]
async fn the_error_policy_logs_one_critical_after_the_grace_then_idles() {
    let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let platform = TestPlatform::new()
        .with_clock(Clock::starting_at(start))
        .stop_when(|seen| seen.logs().iter().any(|l| l.level == Level::Critical));
    let ctx = platform.trigger::<Failing>(Triggers {}, Every { seconds: 1 });
    let begun = tokio::time::Instant::now();
    platform.run_trigger(&Failing, &ctx).await;
    let elapsed = begun.elapsed();
    // a second between failing iterations: 5 errors come early, the critical waits for the
    // half-hour grace
    assert!(
        elapsed >= Duration::from_secs(30 * 60) && elapsed < Duration::from_secs(31 * 60),
        "{elapsed:?}"
    );
    let logs = platform.logs();
    let criticals: Vec<_> = logs.iter().filter(|l| l.level == Level::Critical).collect();
    assert_eq!(criticals.len(), 1, "{logs:?}");
    assert_eq!(criticals[0].message, "1801 successive uncatched errors");
    assert_eq!(criticals[0].date, "2027-01-15T08:30:00");
    // the same error is sent once a minute
    let errors = logs
        .iter()
        .filter(|l| l.message == "An unexpected error occurred: the feed is down")
        .count();
    assert_eq!(errors, 31, "{logs:?}");
    let (_, health) = platform.health();
    assert_eq!(health["error_count"], 1801);
}

#[tokio::test(start_paused = true)]
async fn an_event_keeps_the_critical_away() {
    // five successive errors, but an event within the last fifth of the uptime: no critical
    let platform = TestPlatform::new();
    let ctx = platform.trigger::<Ticker>(Triggers {}, Every { seconds: 1 });
    let ticker = async {
        tokio::time::sleep(Duration::from_secs(40 * 60)).await;
        platform.stop();
    };
    tokio::join!(platform.run_trigger(&Ticker, &ctx), ticker);
    assert!(platform.logs().iter().all(|l| l.level != Level::Critical));
}

#[tokio::test(start_paused = true)]
async fn health_fails_when_heartbeats_or_events_are_overdue() {
    // no heartbeat: healthy for a minute, then 500
    let platform = TestPlatform::new();
    let ctx = platform.trigger::<Worker>(Triggers {}, Every { seconds: 0 });
    let probe = async {
        tokio::time::sleep(Duration::from_secs(59)).await;
        let (status, body) = platform.health();
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["last_heartbeat_threshold"], 60);
        assert_eq!(body["seconds_without_events_threshold"], 600);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(platform.health().0, 500, "the heartbeat is overdue");
        platform.stop();
    };
    tokio::join!(platform.run_trigger(&Worker, &ctx), probe);

    // heartbeats every 30 s: healthy until the events are overdue at 600 s
    let platform = TestPlatform::new();
    let ctx = platform.trigger::<Worker>(Triggers {}, Every { seconds: 30 });
    let probe = async {
        tokio::time::sleep(Duration::from_secs(599)).await;
        assert_eq!(platform.health().0, 200);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (status, body) = platform.health();
        assert_eq!(status, 500, "no event for 601 s: {body}");
        platform.stop();
    };
    tokio::join!(platform.run_trigger(&Worker, &ctx), probe);
}
