//! The CyberArk module of the Sekoia.io automation library, in Rust: its audit logs connector
//! reads CyberArk's audit stream (OAuth2 client credentials against CyberArk Identity, an API
//! key, a two-step cursor) and pushes the events to an intake, with the checkpoint and the
//! deduplication cache of the Python connector in the same `context.json`.

use sekoia_runtime::prelude::*;

mod audit_logs;

pub use audit_logs::{
    AuditState, CyberArkAuditLogsConnector, CyberArkAuditLogsConnectorConfiguration,
};

// The manifests are the automation library's, hand-written: no pydantic titles on the
// properties (`titles = "none"`); the module configuration has a `$schema` and the title
// "CyberArk".
#[module(
    name = "CyberArk",
    slug = "cyberark",
    uuid = "14e19ab0-0335-4310-9e46-6cab9f870e99",
    categories = ["IAM"],
    description = "CyberArk is a cybersecurity company specializing in identity security solutions, focusing on protecting organizations from cyber threats using privileged access management and securing critical assets.",
    dialect(titles = "none")
)]
#[sekoia(title = "CyberArk", schema = "draft-07")]
#[derive(Deserialize, JsonSchema)]
pub struct CyberArkModuleConfiguration {
    /// The CyberArk Identity endpoint (e.g. `https://example.id.cyberark.cloud`)
    pub auth_base_url: String,
    /// The login name of the user service
    pub login_name: String,
    /// The password of the user service
    pub password: Secret<String>,
    /// The identifier of the application
    pub application_id: String,
}
