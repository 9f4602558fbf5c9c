//! Triggers that exercise the trigger protocol: directories, the log rate limit, errors and
//! staying up until stopped.

use std::time::Duration;

use sekoia_runtime::prelude::*;

use crate::ConformanceModule;

#[derive(Deserialize, JsonSchema)]
pub struct ArchiveConfiguration {
    /// Remove the directory once the event is sent
    #[serde(default)]
    pub remove: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct Archived {
    pub file: String,
}

/// Writes a file in a directory of the data directory and sends it with an event, then waits
#[trigger]
pub struct Archive;

impl Trigger for Archive {
    type Module = ConformanceModule;
    type Configuration = ArchiveConfiguration;
    type Results = Archived;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let directory = ctx.data_dir().join("archive").join("batch-1");
        std::fs::create_dir_all(&directory)?;
        std::fs::write(directory.join("event.json"), "{}")?;
        ctx.send_event_with_directory(
            "archived",
            &Archived {
                file: "event.json".into(),
            },
            "archive/batch-1",
            ctx.configuration().remove,
        )
        .await?;
        // a directory outside the data directory is refused
        let refused = ctx
            .send_event_with_directory("outside", &Archived { file: "x".into() }, "/", false)
            .await;
        if let Err(e) = refused {
            tracing::warn!("refused: {e}");
        }
        ctx.stopped().await;
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ChattyConfiguration {
    pub repeat: u32,
}

#[derive(Serialize, JsonSchema)]
pub struct NoEvent {}

/// Logs the same message many times, then distinct ones, then waits
#[trigger]
pub struct Chatty;

impl Trigger for Chatty {
    type Module = ConformanceModule;
    type Configuration = ChattyConfiguration;
    type Results = NoEvent;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        for _ in 0..ctx.configuration().repeat {
            tracing::info!("same message");
        }
        for i in 0..ctx.configuration().repeat {
            tracing::info!("message {i}");
        }
        ctx.log(Level::Critical, "first critical");
        ctx.log(Level::Critical, "second critical");
        ctx.stopped().await;
        Ok(())
    }
}

/// Fails every iteration, a little later each time
#[trigger]
pub struct Failing;

impl Trigger for Failing {
    type Module = ConformanceModule;
    type Configuration = ChattyConfiguration;
    type Results = NoEvent;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        ctx.sleep(Duration::from_millis(10)).await;
        Err(TriggerError::new("the feed is down"))
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct TalkConfiguration {
    /// Distinct lines to log
    pub lines: u32,
}

/// Logs `lines` distinct lines as fast as it can, says how long it took, then waits
#[trigger]
pub struct Talk;

impl Trigger for Talk {
    type Module = ConformanceModule;
    type Configuration = TalkConfiguration;
    type Results = NoEvent;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let started = std::time::Instant::now();
        for n in 0..ctx.configuration().lines {
            tracing::info!("distinct line {n}");
        }
        ctx.log(
            Level::Error,
            format!(
                "logged {} lines in {} ms",
                ctx.configuration().lines,
                started.elapsed().as_millis()
            ),
        );
        ctx.stopped().await;
        Ok(())
    }
}
