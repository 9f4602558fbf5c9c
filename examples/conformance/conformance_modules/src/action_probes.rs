//! Actions that exercise the action protocol: panics, file-backed JSON, outputs and secrets.

use sekoia_runtime::prelude::*;
use serde_json::{Map, Value};

use crate::ConformanceModule;

#[derive(Deserialize, JsonSchema)]
pub struct BoomArguments {
    pub message: String,
}

/// Panics with its message
#[action]
pub struct Boom;

impl Action for Boom {
    type Module = ConformanceModule;
    type Arguments = BoomArguments;
    type Results = ();

    async fn run(
        &self,
        _ctx: &ActionContext<Self>,
        arguments: BoomArguments,
    ) -> Result<(), ActionError> {
        panic!("boom: {}", arguments.message);
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct EventsArguments {
    pub events: Option<Vec<Value>>,
    pub events_path: Option<String>,
}

/// Reads `events` inline or from a file and answers in the same form
#[action]
pub struct Files;

impl Action for Files {
    type Module = ConformanceModule;
    type Arguments = EventsArguments;
    type Results = Map<String, Value>;

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        _arguments: EventsArguments,
    ) -> Result<Map<String, Value>, ActionError> {
        let events: Vec<Value> = ctx.json_argument("events")?;
        ctx.json_result("events", &events)
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Nothing {}

/// Activates an output branch and rotates the API key
#[action]
pub struct Rotate;

impl Action for Rotate {
    type Module = ConformanceModule;
    type Arguments = Nothing;
    type Results = ();

    async fn run(&self, ctx: &ActionContext<Self>, _arguments: Nothing) -> Result<(), ActionError> {
        ctx.set_output("rotated", true);
        ctx.log(
            Level::Warning,
            format!(
                "rotating a key of {} characters",
                ctx.module().api_key.expose().len()
            ),
        );
        let mut secrets = Map::new();
        secrets.insert("api_key".into(), Value::String("rotated-key".into()));
        ctx.update_secrets(secrets);
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct FailArguments {
    pub reason: String,
}

/// Fails with an error that quotes the API key: the runtime must redact it
#[action]
pub struct Leak;

impl Action for Leak {
    type Module = ConformanceModule;
    type Arguments = FailArguments;
    type Results = ();

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: FailArguments,
    ) -> Result<(), ActionError> {
        let key = ctx.module().api_key.expose();
        tracing::info!(key = %key, "calling with key {key}");
        Err(ActionError::new(format!(
            "{} (key {key})",
            arguments.reason
        )))
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct RenderArguments {
    /// `error`, `debug`, `json`, `url`, `panic` or `log`
    pub form: String,
}

/// Renders the API key in one form (an error, `{:?}`, JSON, a URL, a panic, a log): the
/// runtime must scrub each
#[action]
pub struct Render;

impl Action for Render {
    type Module = ConformanceModule;
    type Arguments = RenderArguments;
    type Results = ();

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: RenderArguments,
    ) -> Result<(), ActionError> {
        let key = ctx.module().api_key.expose();
        match arguments.form.as_str() {
            "error" => Err(ActionError::new(format!("refused with {key}"))),
            "debug" => Err(ActionError::new(format!("refused with {key:?}"))),
            "json" => {
                let json = serde_json::json!({ "key": key });
                tracing::info!(body = %json, "sending {json}");
                Err(ActionError::new(format!("refused: {json}")))
            }
            "url" => {
                // nothing listens on the discard port: the request fails, its error names the URL
                let failed = ctx
                    .http()
                    .get(format!("http://127.0.0.1:9/{key}?key={key}"))
                    .send()
                    .await
                    .map_err(ActionError::from)?;
                Err(ActionError::new(format!(
                    "unexpected answer {}",
                    failed.status()
                )))
            }
            "panic" => panic!("cannot go on with {key:?} ({key})"),
            _ => {
                ctx.log(Level::Warning, format!("the key is {key}"));
                tracing::warn!(key = ?key, "the key again");
                Ok(())
            }
        }
    }
}
