//! The benchmark module: the components of `bench/python_module`, one file each, written the
//! way a module author would.

use sekoia_runtime::prelude::*;

mod burst;
mod flood;
mod idle;
mod noop;
mod pull;

pub use burst::{Burst, BurstConfiguration};
pub use flood::{Flood, FloodConfiguration};
pub use idle::{Idle, IdleConfiguration, Tick};
pub use noop::{Noop, Value};
pub use pull::{Pull, PullConfiguration};

/// The same work in Python and Rust, for the benchmark suite
#[module(name = "Bench", slug = "bench", uuid = "5b0f4a52-8e0c-4d1e-9a43-6c2f0b7e9d11", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct BenchModule {
    /// API Key
    pub api_key: Secret<String>,
}
