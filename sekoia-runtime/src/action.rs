//! The action lifecycle, and the account validator's, which follows the same callback protocol.
//!
//! 1. `PATCH url_callback {"status": "running"}` (+ `"need_secrets": true` when the manifest lists
//!    secrets; the reply's `module_configuration.value` secrets are merged in);
//! 2. the module configuration and the arguments are decoded into their types;
//! 3. the action runs (a panic becomes its error);
//! 4. `PATCH url_callback {"status": "finished", results?, error?, logs?, outputs?, secrets?}`;
//!    a 409 reply counts as delivered.

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use futures_util::FutureExt;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::__private::Construct;
use crate::component::{AccountValidator, Action, Input, Output};
use crate::context::{ActionContext, ValidatorContext};
use crate::descriptor::RunFuture;
use crate::launch::Launch;
use crate::logs::{self, Sink};
use crate::long_running::{
    data_dir, merge_secrets, panic_message, remember_secrets, secret_names, third_party_client,
};
use crate::platform::Platform;

pub(crate) fn runner<A: Action + Construct>(launch: Launch) -> RunFuture {
    Box::pin(run::<A>(launch))
}

pub(crate) fn validator_runner<M: AccountValidator>(launch: Launch) -> RunFuture {
    Box::pin(validate::<M>(launch))
}

/// What the final callback reports.
#[derive(Default)]
struct Finished {
    results: Option<Value>,
    error: Option<String>,
    outputs: Map<String, Value>,
    secrets: Option<Map<String, Value>>,
}

async fn run<A: Action + Construct>(launch: Launch) -> ExitCode {
    logs::install(Sink::Collect(Default::default()));
    crate::tracing_bridge::install();
    let Some(platform) = platform(&launch) else {
        return ExitCode::FAILURE;
    };
    let Some(module) = running(&platform, &launch, true).await else {
        return ExitCode::FAILURE;
    };
    let finished = execute::<A>(&launch, module).await;
    let mut body = json!({"status": "finished"});
    if let Some(results) = finished.results.filter(|r| !r.is_null()) {
        body["results"] = results;
    }
    if let Some(error) = finished.error {
        body["error"] = Value::String(logs::scrub(&error));
    }
    let entries = logs::take_collected();
    if !entries.is_empty() {
        body["logs"] = Value::String(logs::action_logs(&entries));
    }
    if !finished.outputs.is_empty() {
        body["outputs"] = Value::Object(finished.outputs);
    }
    if let Some(secrets) = finished.secrets {
        body["secrets"] = Value::Object(secrets);
    }
    report(&platform, &body).await
}

/// Decodes the inputs and runs the action; every failure becomes the reported error.
async fn execute<A: Action + Construct>(
    launch: &Launch,
    module: Result<Value, String>,
) -> Finished {
    let decoded = module.and_then(|m| {
        A::Module::__decode("module_configuration", "the platform", m).map_err(|e| e.to_string())
    });
    let module: A::Module = match decoded {
        Ok(module) => module,
        Err(e) => {
            return Finished {
                error: Some(e),
                ..Finished::default()
            };
        }
    };
    let raw_arguments = match launch.config.json("arguments") {
        Ok(Some((value, _))) => value,
        Ok(None) => Value::Object(Map::new()),
        Err(e) => {
            return Finished {
                error: Some(e.to_string()),
                ..Finished::default()
            };
        }
    };
    let arguments: A::Arguments =
        match A::Arguments::__decode("arguments", "the platform", raw_arguments.clone()) {
            Ok(arguments) => arguments,
            Err(e) => {
                return Finished {
                    error: Some(e.to_string()),
                    ..Finished::default()
                };
            }
        };
    let ctx = ActionContext::<A>::new(module)
        .with_raw_arguments(raw_arguments)
        .with_data_dir(data_dir(&launch.config))
        .with_http(third_party_client(launch));
    let action = A::construct();
    let outcome = AssertUnwindSafe(action.run(&ctx, arguments))
        .catch_unwind()
        .await;
    let state = ctx.take_state();
    let mut finished = Finished {
        outputs: state.outputs,
        secrets: state.secrets,
        ..Finished::default()
    };
    match outcome {
        Ok(Ok(results)) => match results.__to_value() {
            Ok(value) => finished.results = Some(value),
            Err(e) => finished.error = Some(format!("Results are invalid: {e}")),
        },
        Ok(Err(e)) => finished.error = Some(e.to_string()),
        Err(panic) => {
            finished.error = Some(format!(
                "An unexpected error occurred: the action panicked: {}",
                panic_message(&*panic)
            ))
        }
    }
    finished
}

async fn validate<M: AccountValidator>(launch: Launch) -> ExitCode {
    logs::install(Sink::Collect(Default::default()));
    crate::tracing_bridge::install();
    let Some(platform) = platform(&launch) else {
        return ExitCode::FAILURE;
    };
    // the Python SDK sends no need_secrets here, but reads the secrets of the reply
    let Some(module) = running(&platform, &launch, false).await else {
        return ExitCode::FAILURE;
    };
    let decoded = module.and_then(|m| {
        M::__decode("module_configuration", "the platform", m).map_err(|e| e.to_string())
    });
    let error = match decoded {
        Err(e) => Some(e),
        Ok(module) => {
            let ctx = ValidatorContext {
                http: third_party_client(&launch),
            };
            match AssertUnwindSafe(module.validate(&ctx)).catch_unwind().await {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(panic) => Some(format!(
                    "the account validator panicked: {}",
                    panic_message(&*panic)
                )),
            }
        }
    };
    let mut body = json!({"status": "finished", "results": {"success": error.is_none()}});
    if let Some(error) = error {
        body["error"] = Value::String(logs::scrub(&error));
    }
    report(&platform, &body).await
}

fn platform(launch: &Launch) -> Option<Platform> {
    let user_agent = format!("sekoia-rs/{}", env!("CARGO_PKG_VERSION"));
    match Platform::from_config(&launch.config, &user_agent) {
        Ok(platform) => Some(platform),
        Err(e) => {
            eprintln!("error: cannot report to the platform: {e}");
            None
        }
    }
}

/// Says "running" and returns the module configuration with the secrets the reply carries.
async fn running(
    platform: &Platform,
    launch: &Launch,
    ask_secrets: bool,
) -> Option<Result<Value, String>> {
    let names = secret_names(launch);
    let mut body = json!({"status": "running"});
    if ask_secrets && !names.is_empty() {
        body["need_secrets"] = Value::Bool(true);
    }
    let reply = match platform.callback(Method::PATCH, &body).await {
        Ok(reply) => reply,
        Err(e) => {
            eprintln!("error: cannot tell the platform the action is running: {e}");
            return None;
        }
    };
    let mut module = match launch.config.json("module_configuration") {
        Ok(Some((value, _))) => value,
        Ok(None) => Value::Object(Map::new()),
        Err(e) => return Some(Err(e.to_string())),
    };
    if !names.is_empty()
        && let Some(Value::Object(secrets)) = reply.pointer("/module_configuration/value")
    {
        merge_secrets(&mut module, &names, secrets.clone());
    }
    remember_secrets(&module, &names);
    Some(Ok(module))
}

async fn report(platform: &Platform, body: &Value) -> ExitCode {
    match platform.callback(Method::PATCH, body).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) if e.status() == Some(StatusCode::CONFLICT) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot report the outcome to the platform: {e}");
            ExitCode::FAILURE
        }
    }
}
