//! A fake Sekoia.io platform for tests and local runs of automation modules.
//!
//! [`Emulator::start`] listens on `127.0.0.1:<ephemeral port>` (its own tokio runtime in a
//! background thread; [`EmulatorBuilder::start_on`] uses yours) and answers the requests a
//! module makes to the platform:
//!
//! | request | default answer |
//! |---|---|
//! | `PATCH /callback` `{"status": "running"}`, `{"status": "finished", ...}` | `200 {}`; with `"need_secrets": true`, `200 {"module_configuration": {"value": <secrets>}}` |
//! | `POST /callback` `{"name", "event", "request_id", "directory"?}` | `200 {}` |
//! | `POST /logs` `{"logs": [{"date", "level", "message"}]}` | `200 {}` |
//! | `GET /secrets` | `200 {"value": <secrets>}` |
//! | `POST /batch` `{"intake_key", "jsons": [<event as a JSON string>...]}` | `200 {"event_ids": [<one UUID per event>]}` |
//! | `GET /pages/hello`, `/pages/json`, `/pages/entries`, `/pages/events` | test pages for modules that fetch something, see below |
//! | `POST /api/v2/asset-management/asset-connector/<uuid>` `{"version", "items"}`, `GET /api/v1/tasks/<id>` | the asset-management API of asset connectors: `200 {"task_id"}`, then `200 {"status": "FINISHED"}` ([`Emulator::assets`]) |
//! | `/vendor/...` | a scripted third-party API for connectors: tokens, paginated events, CyberArk's audit stream ([`VendorApi`]) |
//! | `GET`, `POST`, `PATCH` under `/v1/symphony/` | the Playbook API a catalogue is published to, see below |
//! | anything else | `404` (unknown path) or `405` (wrong method), with a JSON error |
//!
//! Bodies are checked against the platform contract (fields and their types, log levels, a
//! UUID `request_id`, a `/batch` body of at most 10 MiB); a body that breaks it gets `400`
//! (`413` for a large batch) with a JSON message that names the field. With
//! [`EmulatorBuilder::require_token`] requests other than `/batch` need
//! `Authorization: Bearer <token>`.
//!
//! Every request is recorded as a [`RecordedRequest`], with the answer it got. The views
//! [`Emulator::status_updates`], [`Emulator::events`], [`Emulator::logs`] and
//! [`Emulator::intake_events`] list what the platform *accepted* (answered 2xx);
//! [`Emulator::requests`] lists everything. [`Emulator::script`] queues faults per endpoint
//! ([`Reply`]: a status with `Retry-After`, a delay, a dropped connection, any JSON), used in
//! order before the default behaviour resumes. [`ModuleRun`] runs a module binary the way the
//! platform does, against the emulator.
//!
//! # Example: an action, from a module's integration test
//!
//! ```no_run
//! use sekoia_emulator::{Emulator, Method, ModuleRun, Reply};
//! use serde_json::json;
//!
//! let emulator = Emulator::builder().secrets(json!({"api_key": "s3cr3t"})).start();
//! // The first "finished" update fails once: the module must retry it.
//! emulator.script(Method::Patch, "/callback", [Reply::normal(), Reply::status(503)]);
//!
//! let outcome = ModuleRun::new("target/debug/testhttp", "Request")
//!     .module_configuration(json!({"api_key": ""}))
//!     .arguments(json!({"url": "http://127.0.0.1:9/", "method": "get"}))
//!     .run(&emulator)
//!     .expect("the module runs");
//!
//! assert!(outcome.success(), "{outcome}");
//! let updates = emulator.status_updates();
//! assert_eq!(updates[0], json!({"status": "running", "need_secrets": true}));
//! assert_eq!(updates.last().unwrap()["status"], "finished");
//! ```
//!
//! # Example: the emulator alone
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use sekoia_emulator::Emulator;
//!
//! let emulator = Emulator::start();
//! let body = r#"{"intake_key":"ik","jsons":["{\"id\":1}","{\"id\":2}"]}"#;
//! let mut stream = TcpStream::connect(emulator.addr()).unwrap();
//! write!(
//!     stream,
//!     "POST /batch HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
//!     body.len()
//! )
//! .unwrap();
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer).unwrap();
//!
//! assert!(answer.starts_with("HTTP/1.1 200"));
//! assert_eq!(emulator.intake_events(), [r#"{"id":1}"#, r#"{"id":2}"#]);
//! assert_eq!(emulator.intake_event_count(), 2);
//! ```
//!
//! # Running a module
//!
//! The module runtime reads each configuration value `<name>` from the file
//! `<config root>/<name>` (root `/symphony`, moved by the env var `SEKOIA_CONFIG_ROOT`), else
//! from the env var `<NAME>`; its data directory is `/symphony_data`, moved by
//! `SEKOIA_DATA_ROOT`. [`ModuleRun`] makes a temporary directory for each root, sets both
//! variables, and provides `token`, `url_callback`, `intake_url`, `liveness_port` and
//! `metrics_port` unless told otherwise. It captures the output, and can stop the module with
//! `SIGTERM` when a predicate on the emulator holds ([`ModuleRun::stop_when`]) or after a delay,
//! and kill it at a timeout (60 s by default, so that no test hangs).
//!
//! # Test pages
//!
//! So that a module that fetches a third-party resource can run offline, the emulator also
//! serves a few fixed pages under [`Emulator::pages_url`] (`<url>/pages`): `GET /pages/hello`
//! (`text/plain` [`HELLO_TEXT`]), `GET /pages/json` (a small JSON object), `GET /pages/entries`
//! (a JSON array of `{"id", "value", "timestamp"}` entries) and `GET /pages/events` (a JSON
//! array of events, behind `Authorization: Bearer <any token>`: a connector that GETs
//! `<base_url>/events` works with `base_url = <url>/pages`). They are recorded like every
//! request but are not part of the platform: no platform token is checked on them.
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use sekoia_emulator::{Emulator, HELLO_TEXT};
//!
//! let emulator = Emulator::start();
//! let mut stream = TcpStream::connect(emulator.addr()).unwrap();
//! write!(stream, "GET /pages/hello HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer).unwrap();
//! assert!(answer.starts_with("HTTP/1.1 200"));
//! assert!(answer.ends_with(HELLO_TEXT));
//! assert_eq!(emulator.pages_url(), format!("{}/pages", emulator.url()));
//! ```
//!
//! # The Playbook API
//!
//! Where a module catalogue is published (`cargo sekoia sync`, the Python SDK's
//! `synchronize-library`), under [`Emulator::playbook_url`] (`<url>/v1/symphony`, as
//! `https://api.sekoia.io/v1/symphony`): `GET <kind>s/<uuid>` answers the object or `404`,
//! `POST <kind>s` stores a new one (`409` if its uuid exists; a component needs the
//! `module_uuid` of a stored module, else `400`), `PATCH <kind>s/<uuid>` replaces the given
//! top-level keys, for the kinds `module`, `action`, `trigger` and `connector`. Requests need
//! `Authorization: Bearer <key>` ([`EmulatorBuilder::playbook_api_key`], any by default).
//! [`Emulator::playbook_object`] and [`Emulator::set_playbook_object`] read and seed what it
//! holds.
//!
//! ```
//! use sekoia_emulator::Emulator;
//! use serde_json::json;
//!
//! let emulator = Emulator::start();
//! emulator.set_playbook_object("module", json!({"uuid": "5894985f", "name": "HTTP"}));
//! assert_eq!(emulator.playbook_objects("module").len(), 1);
//! ```
//! # Web console
//!
//! [`EmulatorBuilder::console`] serves a web page at [`Emulator::console_url`] (`<url>/ui`) that
//! shows what the platform receives, live: counts, the status timeline, logs by level, events and
//! intake batches, every request in full, the faults scripted, the test pages. Everything is
//! embedded (it works offline); the page follows server-sent events from `<url>/ui/stream` and
//! reads its lists a page at a time from `<url>/ui/api/...`. Console requests are not recorded.
//!
//! # Live view
//!
//! [`Emulator::subscribe`] returns a `std::sync::mpsc::Receiver` fed with every request as it
//! is recorded; `RecordedRequest` implements `Display` as one line per request.
#![warn(missing_docs, unreachable_pub)]

mod answer;
mod assets;
mod builder;
mod callback;
mod configuration;
mod console;
mod emulator;
mod error;
mod inspection;
mod intake;
mod logs;
mod output;
mod pages;
mod platform;
mod playbook;
mod recording;
mod run;
mod running;
mod script;
mod script_spec;
mod server;
mod signal;
mod vendor;

pub use assets::{ASSET_PUSH_PREFIX, TASKS_PREFIX};
pub use builder::EmulatorBuilder;
pub use configuration::{CONFIG_ROOT_ENV, DATA_ROOT_ENV};
pub use console::CONSOLE_PATH;
pub use emulator::Emulator;
pub use error::{EmulatorError, RunError};
pub use intake::DEFAULT_MAX_BATCH_BYTES;
pub use logs::{LOG_LEVELS, LogEntry};
pub use pages::{HELLO_TEXT, PAGES, PAGES_PREFIX};
pub use playbook::PLAYBOOK_PREFIX;
pub use recording::RecordedRequest;
pub use run::{DEFAULT_STOP_GRACE, DEFAULT_TIMEOUT, DEFAULT_TOKEN, ModuleRun};
pub use running::{ModulePorts, RunOutcome, RunningModule};
pub use script::{Method, Reply};
pub use script_spec::parse_script;
pub use vendor::{VENDOR_PREFIX, VendorApi};
