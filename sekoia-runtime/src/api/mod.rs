//! Declarative API actions: an action described by its request (a verb, an endpoint template,
//! the arguments that go into the query) and its module's base URL and authentication, with no
//! body to write. The counterpart of the Python SDK's `GenericAPIAction`.
//!
//! ```
//! use sekoia_runtime::api::{ApiAction, ApiModule, ApiRequest};
//! use sekoia_runtime::client::Auth;
//! use sekoia_runtime::prelude::*;
//!
//! /// Shodan
//! #[module(name = "Shodan", slug = "shodan", uuid = "5f0b4a0e-3c2b-4c7a-9b1f-0a6b1a8e2d41")]
//! #[derive(Deserialize, JsonSchema)]
//! pub struct ShodanModule {
//!     /// API key
//!     pub api_key: Secret<String>,
//!     /// The API's URL
//!     pub base_url: Option<String>,
//! }
//!
//! impl ApiModule for ShodanModule {
//!     fn base_url(&self) -> &str {
//!         self.base_url.as_deref().unwrap_or("https://api.shodan.io")
//!     }
//!
//!     fn auth(&self) -> Option<Auth> {
//!         Some(Auth::query("key", self.api_key.clone()))
//!     }
//! }
//!
//! #[derive(Deserialize, JsonSchema)]
//! pub struct HostArguments {
//!     /// The IP address
//!     pub ip: String,
//!     /// Whether to return the history
//!     pub history: Option<bool>,
//! }
//!
//! /// A host
//! #[derive(Deserialize, JsonSchema)]
//! pub struct Host {
//!     /// Its ports
//!     pub ports: Vec<u16>,
//! }
//!
//! /// Everything Shodan knows about a host
//! #[action(name = "Get host")]
//! pub struct GetHost;
//!
//! impl ApiAction for GetHost {
//!     type Module = ShodanModule;
//!     type Arguments = HostArguments;
//!     type Results = Host;
//!     const REQUEST: ApiRequest = ApiRequest::get("shodan/host/{ip}").query(&["history"]);
//! }
//! ```
//!
//! `GetHost` is an [`Action`] like any other (a blanket impl): its manifest is written by
//! `cargo build`, [`testing`](crate::testing) runs it in-process. What it does, as the Python
//! `GenericAPIAction`:
//!
//! - the **URL** is the module's [`base_url`](ApiModule::base_url) joined with the endpoint as a
//!   path, each `{name}` replaced by the argument `name` (percent-encoded: a `/` in a value stays
//!   in its segment). The template is a constant: a second run in the same process fills it
//!   again (the Python class overwrites its `endpoint` on the first run);
//! - the **query** holds the [`query`](ApiRequest::query) arguments that were given, in that
//!   order (a list repeats the parameter, a boolean is written `True`/`False` as Python's
//!   `requests` does, `null` is left out), then the API key when [`auth`](ApiModule::auth)
//!   puts it there (Python writes it first; the order changes nothing an API reads);
//! - the **body** is the JSON object of the other arguments, as the platform sent them; an
//!   argument `<name>_path` naming a file of the data directory becomes `<name>` with the
//!   file's JSON (a file that does not exist leaves the argument as it is, one outside the data
//!   directory is refused);
//! - the **headers** are `Accept: application/json` and the authentication's: an API key in a
//!   header or the query, a bearer token, HTTP basic or OAuth2 ([`Auth`],
//!   an enum: no spelling of `"apiKey"` to get wrong);
//! - **retries**: a `5xx`, `408`, `429` or a failed connection is tried again, 10 attempts
//!   with waits from 2 s to 300 s unless [`retry`](ApiModule::retry) says otherwise (the Python
//!   action does not retry a `429`); each attempt lasts at most the request's
//!   [`timeout`](ApiRequest::timeout);
//! - **results**: the reply's JSON as it came ([`Reply`]), none for a `204` or an empty body;
//!   a `DELETE` answered `404` after a retry succeeded (the first attempt deleted it);
//! - **errors** say what failed, where, and the API's own message when its reply has one:
//!   `Unknown entry (status code: 404, attempts: 1, retries: 0)`, `HTTP Request failed after
//!   10 attempts (9 retries): GET https://api.example.com/entries (last status code: 503)`.
//!   A key in the query is shown `[REDACTED]`.

mod call;
mod reply;
mod request;

use std::time::Duration;

use schemars::JsonSchema;

use crate::client::{Auth, Retry};
use crate::component::{Action, Input, Module};
use crate::context::ActionContext;
use crate::error::ActionError;

pub use reply::Reply;
pub use request::{ApiRequest, Verb};

/// The module side of declarative API actions: where the API is and how to authenticate.
///
/// The configuration's fields are the module's own: the base URL usually comes from the
/// configuration with a default, the keys are [`Secret`](crate::Secret)s.
pub trait ApiModule: Module {
    /// The API's base URL (`https://api.example.com/v2`): the endpoints are joined to it.
    fn base_url(&self) -> &str;

    /// How the requests authenticate; none by default.
    fn auth(&self) -> Option<Auth> {
        None
    }

    /// How failed requests are retried: 10 attempts, waits from 2 s doubling up to 300 s, as the
    /// Python SDK's `GenericAPIAction`.
    fn retry(&self) -> Retry {
        Retry::default()
            .attempts(10)
            .first_wait(Duration::from_secs(2))
            .max_wait(Duration::from_secs(300))
            .budget(Duration::from_secs(900))
    }
}

/// An action that is one API request: see the [module documentation](self).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an API action",
    note = "write `impl ApiAction for {Self} {{ type Module = ...; type Arguments = ...; type Results = ...; const REQUEST: ApiRequest = ApiRequest::get(\"...\"); }}`"
)]
pub trait ApiAction: Sized + Send + Sync + 'static {
    /// The module configuration type (the struct with `#[module]`), which implements
    /// [`ApiModule`].
    type Module: ApiModule;
    /// The arguments: the manifest's `arguments` schema. The platform's arguments are checked
    /// against it; the request is made of them as they came.
    type Arguments: Input;
    /// The manifest's `results` schema (`()` for none); the results are the API's JSON as it
    /// came ([`Reply`]).
    type Results: JsonSchema + Send + Sync + 'static;
    /// The request.
    const REQUEST: ApiRequest;
}

impl<T: ApiAction> Action for T {
    type Module = T::Module;
    type Arguments = T::Arguments;
    type Results = Reply<T::Results>;

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        _arguments: T::Arguments,
    ) -> Result<Reply<T::Results>, ActionError> {
        call::call(ctx, &T::REQUEST, ctx.module()).await
    }
}
