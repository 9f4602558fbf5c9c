//! The emulator handle: starting and stopping the server, its URLs, secrets and scripts.
//! What it received is inspected through the methods in `inspection.rs`.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::builder::EmulatorBuilder;
use crate::error::EmulatorError;
use crate::platform::Platform;
use crate::script::{Method, Reply};
use crate::server::serve;

/// How long dropping an emulator waits for its own runtime's tasks to end.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// A fake Sekoia.io platform listening on `127.0.0.1:<ephemeral port>`.
///
/// It serves `PATCH`/`POST /callback`, `POST /logs`, `GET /secrets` and `POST /batch`, records
/// every request, and stops when dropped. See the [crate documentation](crate) for the
/// endpoints and an example.
pub struct Emulator {
    pub(crate) platform: Arc<Platform>,
    addr: SocketAddr,
    url: String,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .field("options", &self.platform.options)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator with the default options, on its own runtime in a background thread.
    ///
    /// # Panics
    ///
    /// When it cannot start; see [`EmulatorBuilder::start`].
    pub fn start() -> Emulator {
        EmulatorBuilder::default().start()
    }

    /// Options: secrets, kept or counted events, accepted intake keys, a required token.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// A non-blocking listener on `127.0.0.1:<port>` (`port` 0: an ephemeral one).
    fn bind(port: u16) -> Result<(std::net::TcpListener, SocketAddr), EmulatorError> {
        let failed = |source| EmulatorError::Bind { port, source };
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(failed)?;
        listener.set_nonblocking(true).map_err(failed)?;
        let addr = listener.local_addr().map_err(failed)?;
        Ok((listener, addr))
    }

    fn new(
        builder: EmulatorBuilder,
        addr: SocketAddr,
        shutdown: watch::Sender<bool>,
    ) -> (Emulator, Arc<Platform>) {
        let platform = Arc::new(Platform::new(builder.options, builder.secrets));
        if let Some((id, secret)) = &builder.vendor_credentials {
            platform.vendor.set_credentials(id, secret);
        }
        if let Some(key) = &builder.vendor_api_key {
            platform.vendor.set_api_key(key);
        }
        if builder.vendor_events_generated {
            platform.vendor.generate_events(builder.vendor_events);
        } else {
            platform.vendor.add_events(builder.vendor_events);
        }
        let emulator = Emulator {
            platform: platform.clone(),
            addr,
            url: format!("http://{addr}"),
            shutdown,
            thread: None,
        };
        (emulator, platform)
    }

    pub(crate) fn launch_own_thread(builder: EmulatorBuilder) -> Result<Emulator, EmulatorError> {
        let (listener, addr) = Self::bind(builder.port)?;
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("sekoia-emulator-worker")
            .enable_all()
            .build()
            .map_err(EmulatorError::Runtime)?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener).map_err(|source| EmulatorError::Bind {
                port: addr.port(),
                source,
            })?
        };
        let (shutdown, stop) = watch::channel(false);
        let (mut emulator, platform) = Self::new(builder, addr, shutdown);
        let thread = std::thread::Builder::new()
            .name("sekoia-emulator".into())
            .spawn(move || {
                runtime.block_on(serve(listener, platform, stop));
                runtime.shutdown_timeout(SHUTDOWN_GRACE);
            })
            .map_err(EmulatorError::Thread)?;
        emulator.thread = Some(thread);
        Ok(emulator)
    }

    pub(crate) fn launch_on(
        builder: EmulatorBuilder,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Emulator, EmulatorError> {
        let (listener, addr) = Self::bind(builder.port)?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener).map_err(|source| EmulatorError::Bind {
                port: addr.port(),
                source,
            })?
        };
        let (shutdown, stop) = watch::channel(false);
        let (emulator, platform) = Self::new(builder, addr, shutdown);
        runtime.spawn(serve(listener, platform, stop));
        Ok(emulator)
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `<url>/callback`: the `url_callback` a module gets.
    pub fn callback_url(&self) -> String {
        format!("{}/callback", self.url)
    }

    /// `<url>/logs`: what a module derives from `url_callback` when `url_logs` is not set.
    pub fn logs_url(&self) -> String {
        format!("{}/logs", self.url)
    }

    /// `<url>/secrets`: what a module derives from `url_callback` when `url_secrets` is not set.
    pub fn secrets_url(&self) -> String {
        format!("{}/secrets", self.url)
    }

    /// The `intake_url` a module gets: the base URL; a connector posts to `<intake_url>/batch`.
    pub fn intake_url(&self) -> &str {
        &self.url
    }

    /// `<url>/ui`, the web console, when the emulator serves it
    /// ([`EmulatorBuilder::console`](crate::EmulatorBuilder::console)).
    pub fn console_url(&self) -> Option<String> {
        self.platform
            .console
            .as_ref()
            .map(|_| format!("{}{}", self.url, crate::CONSOLE_PATH))
    }

    /// `<url>/pages`: the base URL of the [test pages](crate#test-pages), e.g. the `base_url` of a
    /// connector that GETs `<base_url>/events`.
    pub fn pages_url(&self) -> String {
        format!("{}/pages", self.url)
    }

    /// `<url>/vendor`: the base URL of the emulated [third-party API](crate::VendorApi).
    pub fn vendor_url(&self) -> String {
        format!("{}/vendor", self.url)
    }

    /// The emulated third-party API: its events, credentials, tokens and limits.
    pub fn vendor(&self) -> &crate::VendorApi {
        &self.platform.vendor
    }

    /// The secrets the platform holds now: those given to the builder, updated by any
    /// `"finished"` status update that carried `secrets` (merged key by key).
    pub fn secrets(&self) -> Value {
        self.platform.secrets()
    }

    /// The secrets of the component's own configuration, answered as `node_value` by
    /// `GET /secrets` as SDK 1.27's platform does (`None`: no `node_value`, as before 1.27).
    pub fn set_node_secrets(&self, secrets: Option<Value>) {
        self.platform.set_node_secrets(secrets);
    }

    /// Replaces the secrets the platform holds.
    pub fn set_secrets(&self, secrets: Value) {
        self.platform.set_secrets(secrets);
    }

    /// Queues `replies` for `method` on `path`: the next requests there get them, in order,
    /// then the default behaviour resumes. Queues for the same endpoint add up.
    ///
    /// A scripted reply replaces the whole default behaviour, token check included, and the
    /// request is recorded whatever the reply does (with `status: None` for a dropped
    /// connection).
    ///
    /// ```
    /// use std::time::Duration;
    /// use sekoia_emulator::{Emulator, Method, Reply};
    ///
    /// let emulator = Emulator::start();
    /// emulator.script(
    ///     Method::Post,
    ///     "/batch",
    ///     [
    ///         Reply::status(503).retry_after(1),
    ///         Reply::drop_connection(),
    ///         Reply::delay(Duration::from_millis(200)),
    ///     ],
    /// );
    /// assert_eq!(emulator.pending_replies(Method::Post, "/batch"), 3);
    /// ```
    pub fn script(&self, method: Method, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.platform.scripts.push(method, path, replies);
    }

    /// How many scripted replies are still queued for `method` on `path`.
    pub fn pending_replies(&self, method: Method, path: &str) -> usize {
        self.platform.scripts.pending(method, path)
    }

    /// Forgets every queued reply.
    pub fn clear_scripts(&self) {
        self.platform.scripts.clear();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        if let Some(thread) = self.thread.take() {
            // A panic in the server thread has nothing left to report to.
            let _ = thread.join();
        }
    }
}
