//! The conformance module: the components of the recorded Python transcripts
//! (`golden/python-sdk-transcripts/`) and small probes of the protocol behaviours the
//! repository's tests check against the emulator.

use sekoia_runtime::prelude::*;

mod action_probes;
mod connector_probes;
mod transcripts;
mod trigger_probes;

pub use action_probes::*;
pub use connector_probes::*;
pub use transcripts::*;
pub use trigger_probes::*;

#[module(name = "Conformance", slug = "conformance", uuid = "3d6c9a0e-1f2b-4c3d-8e4f-5a6b7c8d9e0f", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct ConformanceModule {
    pub api_key: Secret<String>,
}

/// The account validator: an API key that starts with "bad" is refused.
impl AccountValidator for ConformanceModule {
    async fn validate(&self, ctx: &ValidatorContext) -> Result<(), ValidationError> {
        ctx.log(Level::Info, "checking the API key");
        if self.api_key.expose().starts_with("bad") {
            return Err(ValidationError::new(format!(
                "the API key {} was refused",
                self.api_key.expose()
            )));
        }
        Ok(())
    }
}
