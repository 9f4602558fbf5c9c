//! `cargo sekoia openapi`: a module from an OpenAPI document, one declarative API action a
//! operation (see docs/openapi.md).

mod document;
mod module;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::import::python::{Python, Registration};
use crate::import::source::Source;
use crate::import::{self, ImportArgs};
use crate::output;

/// Arguments of `cargo sekoia openapi`.
#[derive(clap::Args)]
pub struct OpenApiArgs {
    /// The Swagger 2 or OpenAPI 3 document, JSON or YAML: a file or an http(s) URL
    pub document: String,
    /// Where to write the module (default: a directory named after the module's slug)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Prefix action names with the operation's tags, as the Python tool's --use-tags
    #[arg(long)]
    pub use_tags: bool,
    /// Write into a directory that is not empty
    #[arg(long)]
    pub force: bool,
    /// Copy the sekoia-rs crates from this checkout into the module's vendor/ (default: the
    /// checkout this cargo-sekoia was built from)
    #[arg(long, value_name = "DIR")]
    pub sekoia_path: Option<PathBuf>,
    /// Depend on the checkout by path instead of a vendored copy
    #[arg(long)]
    pub path_dependencies: bool,
    /// Do not write Cargo.lock (the first `cargo build` does)
    #[arg(long)]
    pub no_lock: bool,
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
    let import = ImportArgs {
        dir: manifests.path().to_owned(),
        out: args.out,
        force: args.force,
        sekoia_path: args.sekoia_path,
        path_dependencies: args.path_dependencies,
        no_lock: args.no_lock,
    };
    import::write_module(&import, source)
}
