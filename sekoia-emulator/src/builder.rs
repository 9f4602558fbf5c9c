//! Options of an emulator, set before it starts.

use std::collections::HashSet;

use serde_json::Value;

use crate::emulator::Emulator;
use crate::error::EmulatorError;
use crate::intake::DEFAULT_MAX_BATCH_BYTES;
use crate::platform::Options;

/// Configures an [`Emulator`] before starting it; get one with [`Emulator::builder`].
///
/// ```
/// use sekoia_emulator::Emulator;
/// use serde_json::json;
///
/// let emulator = Emulator::builder()
///     .secrets(json!({"api_key": "s3cr3t"}))
///     .require_token("tok")
///     .start();
/// assert!(emulator.url().starts_with("http://127.0.0.1:"));
/// ```
#[derive(Debug, Clone)]
#[must_use = "an emulator builder does nothing until started"]
pub struct EmulatorBuilder {
    pub(crate) secrets: Value,
    pub(crate) options: Options,
    pub(crate) port: u16,
    pub(crate) vendor_events: usize,
    /// Made from their index rather than stored ([`VendorApi::generate_events`](crate::VendorApi::generate_events)).
    pub(crate) vendor_events_generated: bool,
    pub(crate) vendor_credentials: Option<(String, String)>,
    pub(crate) vendor_api_key: Option<String>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            secrets: Value::Object(Default::default()),
            options: Options {
                keep_events: true,
                intake_keys: None,
                token: None,
                max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
                playbook_api_key: None,
                console: None,
            },
            port: 0,
            vendor_events: 0,
            vendor_events_generated: false,
            vendor_credentials: None,
            vendor_api_key: None,
        }
    }
}

impl EmulatorBuilder {
    /// The module secrets the platform holds (default `{}`): answered to
    /// `PATCH /callback {"need_secrets": true}` as `{"module_configuration": {"value": <secrets>}}`
    /// and to `GET /secrets` as `{"value": <secrets>}`.
    pub fn secrets(mut self, secrets: Value) -> Self {
        self.secrets = secrets;
        self
    }

    /// Keep the events received on `/batch` (default `true`). With `false` the emulator only
    /// counts them ([`Emulator::intake_event_count`]) and records each `/batch` request with
    /// its `jsons` array replaced by the number of events, so memory stays flat under load.
    pub fn keep_events(mut self, keep: bool) -> Self {
        self.options.keep_events = keep;
        self
    }

    /// Accept only these intake keys on `/batch`; another key gets `400`. By default any key is
    /// accepted. (How the real intake treats an unknown key is not part of the contract.)
    pub fn intake_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.intake_keys = Some(keys.into_iter().map(Into::into).collect::<HashSet<_>>());
        self
    }

    /// Answer `401` to requests on `/callback`, `/logs` and `/secrets` that do not carry
    /// `Authorization: Bearer <token>`. `/batch` carries no `Authorization` and is not checked.
    /// By default any (or no) token is accepted; it is recorded either way.
    pub fn require_token(mut self, token: impl Into<String>) -> Self {
        self.options.token = Some(token.into());
        self
    }

    /// The largest `/batch` body accepted, in bytes (default 10 MiB, the platform's limit);
    /// a larger one gets `413`.
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.options.max_batch_bytes = bytes;
        self
    }

    /// Listen on `127.0.0.1:<port>` rather than an ephemeral port (`0`, the default): for a
    /// module started by hand with a fixed `url_callback`. Tests should keep the default, so
    /// that they never collide.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The [vendor API](crate::VendorApi) starts with `count` events (default none).
    pub fn vendor_events(mut self, count: usize) -> Self {
        self.vendor_events = count;
        self.vendor_events_generated = false;
        self
    }

    /// The [vendor API](crate::VendorApi) starts with `count` events made on the fly from their
    /// index ([`VendorApi::generate_events`](crate::VendorApi::generate_events)): the same
    /// events, for load tests of millions (what the standalone `--vendor-events` does).
    pub fn vendor_generated_events(mut self, count: usize) -> Self {
        self.vendor_events = count;
        self.vendor_events_generated = true;
        self
    }

    /// The client id and secret the vendor API's token endpoint accepts (default `client` /
    /// `secret`).
    pub fn vendor_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.vendor_credentials = Some((id.into(), secret.into()));
        self
    }

    /// The vendor API requires `x-api-key: <key>` on its event endpoints.
    pub fn vendor_api_key(mut self, key: impl Into<String>) -> Self {
        self.vendor_api_key = Some(key.into());
        self
    }

    /// The API key the [Playbook API](crate#the-playbook-api) accepts (`Authorization: Bearer <key>`);
    /// by default any non-empty one.
    ///
    /// ```
    /// use sekoia_emulator::Emulator;
    ///
    /// let emulator = Emulator::builder().playbook_api_key("pk-123").start();
    /// assert!(emulator.playbook_url().ends_with("/v1/symphony"));
    /// ```
    pub fn playbook_api_key(mut self, key: impl Into<String>) -> Self {
        self.options.playbook_api_key = Some(key.into());
        self
    }

    /// Serves the web console under [`CONSOLE_PATH`](crate::CONSOLE_PATH) (`<url>/ui`), with
    /// this title (the module and component, say): what the platform receives, live, in a
    /// browser. Off by default.
    ///
    /// ```
    /// let emulator = sekoia_emulator::Emulator::builder().console("TestHTTP: Request").start();
    /// assert_eq!(emulator.console_url(), Some(format!("{}/ui", emulator.url())));
    /// ```
    pub fn console(mut self, title: impl Into<String>) -> Self {
        self.options.console = Some(title.into());
        self
    }

    /// Starts the emulator on its own tokio runtime, in a background thread.
    ///
    /// # Panics
    ///
    /// When it cannot start (no loopback port, no thread): a test cannot go on without it. Use
    /// [`try_start`](Self::try_start) to handle the error.
    pub fn start(self) -> Emulator {
        match self.try_start() {
            Ok(emulator) => emulator,
            Err(error) => panic!("sekoia-emulator: {error}"),
        }
    }

    /// Starts the emulator on its own tokio runtime, in a background thread.
    pub fn try_start(self) -> Result<Emulator, EmulatorError> {
        Emulator::launch_own_thread(self)
    }

    /// Starts the emulator's server tasks on `runtime` (for example
    /// `&tokio::runtime::Handle::current()` inside `#[tokio::test]`) instead of a thread of its
    /// own. The server stops when the [`Emulator`] is dropped. From async code, wait with
    /// [`Emulator::wait_for_async`] rather than the blocking [`Emulator::wait_for`].
    pub fn start_on(self, runtime: &tokio::runtime::Handle) -> Result<Emulator, EmulatorError> {
        Emulator::launch_on(self, runtime)
    }
}
