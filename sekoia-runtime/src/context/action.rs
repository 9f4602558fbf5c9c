//! The context of an action.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::component::Action;
use crate::data_path::contained;
use crate::error::ActionError;
use crate::log_entry::Level;
use crate::session::Session;

/// Given to [`Action::run`].
///
/// In a unit test, build one with [`ActionContext::new`] and call your `run` directly, or run
/// the action as the platform would with
/// [`TestPlatform::run_action`](crate::testing::TestPlatform::run_action).
///
/// ```
/// use sekoia_runtime::prelude::*;
///
/// # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
/// # #[derive(Deserialize, JsonSchema)]
/// # pub struct DocModule {}
/// #[derive(Deserialize, JsonSchema)]
/// pub struct Greeting { pub name: String }
///
/// #[derive(Serialize, JsonSchema)]
/// pub struct Greeted { pub message: String }
///
/// /// Says hello
/// #[action(name = "Say Hello")]
/// pub struct SayHello;
///
/// impl Action for SayHello {
///     type Module = DocModule;
///     type Arguments = Greeting;
///     type Results = Greeted;
///
///     async fn run(&self, ctx: &ActionContext<Self>, args: Greeting) -> Result<Greeted, ActionError> {
///         ctx.set_output("greeted", true);
///         Ok(Greeted { message: format!("hello {}", args.name) })
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let ctx = ActionContext::<SayHello>::new(DocModule {});
/// let greeted = SayHello.run(&ctx, Greeting { name: "Ada".into() }).await.unwrap();
/// assert_eq!(greeted.message, "hello Ada");
/// assert_eq!(ctx.outputs()["greeted"], true);
/// # }
/// ```
pub struct ActionContext<A: Action> {
    module: A::Module,
    arguments: Value,
    data_dir: PathBuf,
    pub(crate) session: Arc<Session>,
    state: Mutex<ActionState>,
    _action: PhantomData<fn() -> A>,
}

/// What an action sets besides its results.
#[derive(Default)]
pub(crate) struct ActionState {
    pub(crate) outputs: Map<String, Value>,
    pub(crate) secrets: Option<Map<String, Value>>,
    result_as_file: Option<bool>,
    /// The files `json_result` wrote, relative to the data directory.
    pub(crate) written: Vec<String>,
}

impl<A: Action> ActionContext<A> {
    /// A context with this module configuration, no raw arguments, the current directory as
    /// data directory and an in-memory platform: what a unit test needs.
    pub fn new(module: A::Module) -> Self {
        ActionContext::in_session(module, Value::Object(Map::new()), Session::detached())
    }

    pub(crate) fn in_session(module: A::Module, arguments: Value, session: Arc<Session>) -> Self {
        ActionContext {
            module,
            arguments,
            data_dir: session.data_dir.clone(),
            session,
            state: Mutex::new(ActionState::default()),
            _action: PhantomData,
        }
    }

    /// Sets the raw arguments [`json_argument`](Self::json_argument) reads.
    pub fn with_raw_arguments(mut self, arguments: Value) -> Self {
        self.arguments = arguments;
        self
    }

    /// The arguments as the platform sent them, before they were decoded.
    pub fn raw_arguments(&self) -> &Value {
        &self.arguments
    }

    /// Sets the data directory.
    pub fn with_data_dir(mut self, data_dir: impl Into<PathBuf>) -> Self {
        self.data_dir = data_dir.into();
        self
    }

    /// The module configuration, secrets included.
    pub fn module(&self) -> &A::Module {
        &self.module
    }

    /// Adds a line to the action's logs (the platform shows them with the run).
    /// `tracing` events do the same.
    pub fn log(&self, level: Level, message: impl AsRef<str>) {
        self.session.log(level, message.as_ref());
    }

    /// Activates (or not) an output branch of the action.
    pub fn set_output(&self, name: impl Into<String>, active: bool) {
        self.state()
            .outputs
            .insert(name.into(), Value::Bool(active));
    }

    /// The output branches set so far.
    pub fn outputs(&self) -> Map<String, Value> {
        self.state().outputs.clone()
    }

    /// Asks the platform to store new values of module secrets (a refreshed token, say): sent
    /// with the results.
    pub fn update_secrets(&self, secrets: Map<String, Value>) {
        self.state()
            .secrets
            .get_or_insert_with(Map::new)
            .extend(secrets);
    }

    /// The directory of files exchanged with playbooks.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// An HTTP client for third-party APIs (10 s to connect, 60 s a request).
    pub fn http(&self) -> &reqwest::Client {
        self.session.http()
    }

    /// A client for a third-party API, with retries, rate limits, authentication and
    /// pagination; see [`client`](crate::client).
    pub fn http_client(&self) -> crate::client::HttpClientBuilder {
        crate::client::HttpClientBuilder::new(Arc::clone(&self.session))
    }

    /// The platform's UUIDs of this run (playbook, playbook run, node run...).
    pub fn identifiers(&self) -> &crate::Identifiers {
        &self.session.identifiers
    }

    /// A JSON argument that may come inline (`arguments[name]`) or as a file of the data
    /// directory (`arguments["<name>_path"]`), as the Python SDK's `json_argument`.
    ///
    /// The file must lie inside the data directory: an absolute path, a `..` that climbs out of
    /// it or a symbolic link that points outside is refused, without looking outside.
    pub fn json_argument<T: DeserializeOwned>(&self, name: &str) -> Result<T, ActionError> {
        let inline = self.arguments.get(name).filter(|v| !v.is_null());
        let (value, from_file) = match inline {
            Some(value) => (value.clone(), false),
            None => {
                let path_key = format!("{name}_path");
                let Some(file) = self.arguments.get(&path_key).and_then(Value::as_str) else {
                    return Err(ActionError::new(format!(
                        "missing argument `{name}` (nor `{path_key}`)"
                    )));
                };
                let path = contained(&self.data_dir, Path::new(file))
                    .map_err(|e| ActionError::new(format!("argument `{path_key}`: {e}")))?;
                let bytes = std::fs::read(&path).map_err(|e| {
                    ActionError::new(format!(
                        "argument `{path_key}`: cannot read {file} in the data directory: {e}"
                    ))
                })?;
                let value = serde_json::from_slice(&bytes).map_err(|e| {
                    ActionError::new(format!(
                        "argument `{path_key}`: {file} in the data directory is not JSON: {e}"
                    ))
                })?;
                (value, true)
            }
        };
        self.state().result_as_file = Some(from_file);
        crate::configuration::decode(name, "the arguments", value)
            .map_err(|e| ActionError::new(e.to_string()))
    }

    /// A JSON result answered in the form the last [`json_argument`](Self::json_argument) came
    /// in: `{"<name>_path": "<name>-<uuid>.json"}` (a file in the data directory) when it came
    /// from a file (or when there was none), else `{name: value}`.
    pub fn json_result<T: Serialize>(
        &self,
        name: &str,
        value: &T,
    ) -> Result<Map<String, Value>, ActionError> {
        let as_file = self.state().result_as_file.unwrap_or(true);
        let mut result = Map::new();
        if as_file {
            let file_name = format!("{name}-{}.json", uuid::Uuid::new_v4());
            let path = self.data_dir.join(&file_name);
            let file = std::fs::File::create(&path)
                .map_err(|e| ActionError::new(format!("cannot create {}: {e}", path.display())))?;
            serde_json::to_writer(std::io::BufWriter::new(file), value)
                .map_err(|e| ActionError::new(format!("cannot write {}: {e}", path.display())))?;
            self.state().written.push(file_name.clone());
            result.insert(format!("{name}_path"), Value::String(file_name));
        } else {
            let value = serde_json::to_value(value)
                .map_err(|e| ActionError::new(format!("result `{name}` is not JSON: {e}")))?;
            result.insert(name.to_owned(), value);
        }
        Ok(result)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ActionState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn take_state(&self) -> ActionState {
        std::mem::take(&mut *self.state())
    }
}
