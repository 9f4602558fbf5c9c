//! `cargo sekoia openapi`: a module from an OpenAPI document, one declarative API action a
//! operation (see docs/openapi.md).

mod document;
mod module;

use std::process::ExitCode;

use anyhow::Context;

use crate::import::python::{Python, Registration};
use crate::import::source::Source;
use crate::import::{self, OutputArgs};
use crate::output;

/// Arguments of `cargo sekoia openapi`.
#[derive(clap::Args)]
pub struct OpenApiArgs {
    /// The Swagger 2 or OpenAPI 3 document, JSON or YAML: a file or an http(s) URL
    pub document: String,
    /// Prefix action names with the operation's tags, as the Python tool's --use-tags
    #[arg(long)]
    pub use_tags: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `cargo sekoia openapi`.
pub fn run(args: OpenApiArgs) -> anyhow::Result<ExitCode> {
    let document = document::read(&args.document)?;
    let generated = module::generate(&document, args.use_tags)?;
    // the manifests are written where the importer reads a module's, then imported with the
    // declarations made here
    let manifests = tempfile::tempdir().context("cannot create a temporary directory")?;
    let write = |name: &str, value: &serde_json::Value| {
        let path = manifests.path().join(name);
        let text = serde_json::to_string_pretty(value).expect("JSON");
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("manifest.json", &generated.manifest)?;
    let mut declared = Vec::new();
    for operation in &generated.operations {
        write(&operation.file, &operation.manifest)?;
        let docker_parameters = operation.manifest["docker_parameters"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        declared.push((
            Registration {
                class: operation.class.clone(),
                docker_parameters,
            },
            operation.api.clone(),
        ));
    }
    let mut source = Source::read(manifests.path())?;
    let shown = std::path::Path::new(&args.document)
        .file_name()
        .map_or_else(
            || args.document.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
    source.python = Python::declared(declared, &shown);
    for skipped in &generated.skipped {
        output::warning(skipped);
    }
    import::write_module(&args.output, source)
}
