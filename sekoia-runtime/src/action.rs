//! The action lifecycle, as the module binary runs it:
//!
//! 1. `PATCH url_callback {"status": "running"}` (+ `"need_secrets": true` when the manifest lists
//!    secrets; the reply's `module_configuration.value` secrets are merged in);
//! 2. the module configuration and the arguments are decoded into their types;
//! 3. the action runs (a panic becomes its error);
//! 4. `PATCH url_callback {"status": "finished", results?, error?, logs?, outputs?, secrets?}`;
//!    a 409 reply counts as delivered.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::Arc;

use futures_util::FutureExt;
use reqwest::{Method, StatusCode};
use sekoia_manifest::Kind;
use sekoia_manifest::descriptor::{ComponentDescriptor, Extra, Identity, Start};
use serde_json::{Map, Value, json};

use crate::component::{AccountValidator, Action, Construct, Input, Output, secret_names};
use crate::configuration::Sources;
use crate::context::{ActionContext, ValidatorContext};
use crate::data_path::contained;
use crate::error::panic_message;
use crate::log_entry::{Level, action_logs};
use crate::platform::PlatformError;
use crate::session::{RunFuture, Runner, Session};

/// The descriptor `#[action]` registers.
pub const fn descriptor<A: Action + Construct>(
    identity: Identity,
    extra: Extra,
) -> ComponentDescriptor {
    ComponentDescriptor {
        kind: Kind::Action,
        identity,
        module_type_name: std::any::type_name::<A::Module>,
        arguments: <A::Arguments as Input>::__schema,
        results: Some(<A::Results as Output>::__schema),
        extra,
        start: Start::new(runner::<A>),
    }
}

fn runner<A: Action + Construct>() -> Box<dyn Any> {
    Box::new(run::<A> as Runner)
}

fn run<A: Action + Construct>(session: Arc<Session>, sources: Sources) -> RunFuture {
    Box::pin(async move {
        let Some(module) = running::<A::Module>(&session, &sources, true).await else {
            return ExitCode::FAILURE;
        };
        let finished = match module.and_then(|module| decode_inputs::<A>(module, &sources)) {
            Ok((module, raw_arguments, arguments)) => {
                match download_files(&session, &raw_arguments).await {
                    Ok(()) => {
                        let mut finished =
                            execute(&session, &A::construct(), module, raw_arguments, arguments)
                                .await;
                        if let Err(e) = upload_files(&session, &finished.written).await {
                            finished.error = Some(session.logs.scrub(&e));
                        }
                        finished
                    }
                    Err(error) => Finished::error(session.logs.scrub(&error)),
                }
            }
            Err(error) => Finished::error(error),
        };
        report(&session, &finished).await
    })
}

/// With the S3 backend, the `<name>_path` files the arguments name, downloaded into the local
/// data directory before the action runs (an argument naming no object is left alone).
async fn download_files(session: &Session, arguments: &Value) -> Result<(), String> {
    let (Some(s3), Some(arguments)) = (&session.s3, arguments.as_object()) else {
        return Ok(());
    };
    for (name, value) in arguments {
        if let (true, Some(relative)) = (name.ends_with("_path"), value.as_str()) {
            let local = contained(&session.data_dir, std::path::Path::new(relative))
                .map_err(|e| format!("argument `{name}`: {e}"))?;
            s3.download(relative, &local)
                .await
                .map_err(|e| format!("argument `{name}`: {e}"))?;
        }
    }
    Ok(())
}

/// With the S3 backend, the files `json_result` wrote, uploaded once the action ran.
async fn upload_files(session: &Session, written: &[String]) -> Result<(), String> {
    let Some(s3) = &session.s3 else {
        return Ok(());
    };
    for relative in written {
        s3.upload(relative, &session.data_dir.join(relative))
            .await?;
    }
    Ok(())
}

/// What an action's final report says.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Finished {
    pub(crate) results: Option<Value>,
    pub(crate) error: Option<String>,
    pub(crate) logs: Option<String>,
    pub(crate) outputs: Map<String, Value>,
    pub(crate) secrets: Option<Map<String, Value>>,
    /// The files `json_result` wrote (uploaded with the S3 backend); not reported.
    pub(crate) written: Vec<String>,
}

impl Finished {
    pub(crate) fn error(error: String) -> Finished {
        Finished {
            error: Some(error),
            ..Finished::default()
        }
    }

    /// The body of `PATCH url_callback {"status": "finished", ...}`.
    pub(crate) fn body(&self) -> Value {
        let mut body = json!({"status": "finished"});
        if let Some(results) = self.results.as_ref().filter(|r| !r.is_null()) {
            body["results"] = results.clone();
        }
        if let Some(error) = &self.error {
            body["error"] = Value::String(error.clone());
        }
        if let Some(logs) = &self.logs {
            body["logs"] = Value::String(logs.clone());
        }
        if !self.outputs.is_empty() {
            body["outputs"] = Value::Object(self.outputs.clone());
        }
        if let Some(secrets) = &self.secrets {
            body["secrets"] = Value::Object(secrets.clone());
        }
        body
    }
}

/// The module configuration and the arguments, decoded.
fn decode_inputs<A: Action>(
    module: Value,
    sources: &Sources,
) -> Result<(A::Module, Value, A::Arguments), String> {
    let module = A::Module::__decode("module_configuration", "the platform", module)
        .map_err(|e| e.to_string())?;
    let raw_arguments = match sources.json("arguments").map_err(|e| e.to_string())? {
        Some((value, _)) => value,
        None => Value::Object(Map::new()),
    };
    let arguments = A::Arguments::__decode("arguments", "the platform", raw_arguments.clone())
        .map_err(|e| e.to_string())?;
    Ok((module, raw_arguments, arguments))
}

/// Runs the action once and gathers its report (error scrubbed, logs collected).
pub(crate) async fn execute<A: Action>(
    session: &Arc<Session>,
    action: &A,
    module: A::Module,
    raw_arguments: Value,
    arguments: A::Arguments,
) -> Finished {
    let ctx = ActionContext::<A>::in_session(module, raw_arguments, Arc::clone(session));
    let outcome = session
        .scope(AssertUnwindSafe(action.run(&ctx, arguments)).catch_unwind())
        .await;
    let state = ctx.take_state();
    let mut finished = Finished {
        outputs: state.outputs,
        secrets: state.secrets,
        written: state.written,
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
            ));
        }
    }
    finished.error = finished.error.map(|e| session.logs.scrub(&e));
    let entries = session.logs.take_collected();
    if !entries.is_empty() {
        finished.logs = Some(action_logs(&entries));
    }
    finished
}

/// Says "running" (asking for the secrets when `ask_secrets` and the manifest lists some) and
/// returns the module configuration with the secrets the reply carries; `None` when the
/// platform cannot be told, `Some(Err)` when the configuration cannot be read.
async fn running<M: Input>(
    session: &Session,
    sources: &Sources,
    ask_secrets: bool,
) -> Option<Result<Value, String>> {
    let names = secret_names::<M>();
    let mut body = json!({"status": "running"});
    if ask_secrets && !names.is_empty() {
        body["need_secrets"] = Value::Bool(true);
    }
    let reply = match session.platform.callback(Method::PATCH, &body).await {
        Ok(reply) => reply,
        Err(e) => {
            eprintln!("error: cannot tell the platform the action is running: {e}");
            return None;
        }
    };
    let mut module = match sources.json("module_configuration") {
        Ok(Some((value, _))) => value,
        Ok(None) => Value::Object(Map::new()),
        Err(e) => return Some(Err(e.to_string())),
    };
    let secrets = reply
        .pointer("/module_configuration/value")
        .and_then(Value::as_object);
    Some(
        session
            .take_secrets(&mut module, &names, secrets)
            .map(|()| module),
    )
}

/// Ends an action that cannot start (a configuration error found by the entry point): it is
/// said running, then finished with this error.
pub(crate) async fn refuse(session: &Session, message: &str) -> ExitCode {
    let body = json!({"status": "running"});
    if let Err(e) = session.platform.callback(Method::PATCH, &body).await {
        eprintln!("error: cannot tell the platform the action is running: {e}");
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    report(session, &Finished::error(message.to_owned())).await
}

/// Sends the final report; a 409 means the platform already has it, and so does a success
/// whose reply is not JSON. The error is also written to standard error (the container log).
async fn report(session: &Session, finished: &Finished) -> ExitCode {
    if let Some(error) = &finished.error {
        eprintln!("error: the action failed: {error}");
        if let Some(reports) = &session.logs.reports {
            reports.message(Level::Error, error);
        }
    }
    match session
        .platform
        .callback(Method::PATCH, &finished.body())
        .await
    {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) if is_delivered(&e) => ExitCode::SUCCESS,
        Err(e @ PlatformError::Reply { .. }) => {
            eprintln!("warning: the outcome was delivered, but {e}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot report the outcome to the platform: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A report sent twice: the platform already has it.
fn is_delivered(error: &PlatformError) -> bool {
    error.status() == Some(StatusCode::CONFLICT)
}

/// The start of the account validator `#[module]` registers when the struct implements
/// [`AccountValidator`].
pub(crate) fn validator_start<M: AccountValidator>() -> Start {
    Start::new(validator_runner::<M>)
}

fn validator_runner<M: AccountValidator>() -> Box<dyn Any> {
    Box::new(validate::<M> as Runner)
}

/// The account validator: the same callback protocol, with `results: {"success": bool}`.
fn validate<M: AccountValidator>(session: Arc<Session>, sources: Sources) -> RunFuture {
    Box::pin(async move {
        // the Python SDK sends no need_secrets here, but reads the secrets of the reply
        let Some(module) = running::<M>(&session, &sources, false).await else {
            return ExitCode::FAILURE;
        };
        let decoded = module.and_then(|m| {
            M::__decode("module_configuration", "the platform", m).map_err(|e| e.to_string())
        });
        let error = match decoded {
            Err(e) => Some(e),
            Ok(module) => {
                let ctx = ValidatorContext {
                    session: Arc::clone(&session),
                };
                let outcome = session
                    .scope(AssertUnwindSafe(module.validate(&ctx)).catch_unwind())
                    .await;
                match outcome {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e.to_string()),
                    Err(panic) => Some(format!(
                        "the account validator panicked: {}",
                        panic_message(&*panic)
                    )),
                }
            }
        };
        let finished = Finished {
            results: Some(json!({"success": error.is_none()})),
            error: error.map(|e| session.logs.scrub(&e)),
            ..Finished::default()
        };
        report(&session, &finished).await
    })
}
