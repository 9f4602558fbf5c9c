//! The HTTP module of Sekoia's catalogue, in Rust: its two actions, with the catalogue's
//! manifests (`cargo build` writes them equal to the Python module's).
//!
//! - [`RequestAction`] ("Request URL"): one HTTP request as the playbook describes it (method,
//!   URL, query, headers, body, authentication), its response as results;
//! - [`DownloadFileAction`] ("Download File"): a file saved in the playbook's data directory.
//!
//! The module was started with `cargo sekoia import` on the Python module, which wrote the types
//! of the arguments and results from its manifests; the bodies are written by hand.

use sekoia_runtime::prelude::*;

mod authentication;
mod download_file_action;
mod query;
mod request_action;
mod response;

pub use authentication::AuthType;
pub use download_file_action::{DownloadFileAction, DownloadFileArguments, SavedFile};
pub use query::Params;
pub use request_action::{Method, RequestAction, RequestArguments};
pub use response::Response;

/// This module exposes actions to request HTTP resources
#[module(
    name = "HTTP",
    slug = "http",
    uuid = "5894985f-91eb-46db-9306-cc5ac6463d3d",
    categories = ["Generic"],
    dialect(titles = "none", schema = "draft-07", optional = "plain"),
)]
#[sekoia(title = "Module configuration")]
#[derive(Deserialize, JsonSchema)]
pub struct HttpModule {}
