//! `cargo sekoia sync`: publishes modules and their components to the Playbook API, as the
//! Python SDK's `sekoia-automation synchronize-library` does: each object is read back first,
//! then created, or updated with only the keys that changed. See `docs/sync.md`.

mod client;
mod plan;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use serde_json::Value;

use crate::check::discover;
use plan::{Change, Object};

/// The Playbook API of Sekoia.io.
const DEFAULT_URL: &str = "https://api.sekoia.io/v1/symphony";
/// Where a value is cut in the `--dry-run` diff.
const SHOWN_CHARS: usize = 100;

/// Arguments of `cargo sekoia sync`.
#[derive(clap::Args)]
pub struct SyncArgs {
    /// Module directories, or directories holding modules
    #[arg(value_name = "MODULE", default_value = ".")]
    pub modules: Vec<PathBuf>,
    /// The Playbook API
    #[arg(long, env = "PLAYBOOK_URL", default_value = DEFAULT_URL)]
    pub url: String,
    /// The registry of the module images
    #[arg(long, env = "REGISTRY", default_value = "ghcr.io")]
    pub registry: String,
    /// The namespace of the module images in the registry
    #[arg(long, env = "NAMESPACE", default_value = "sekoia-io")]
    pub namespace: String,
    /// Show what would be created or updated, with the differences, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// How one module's publication went.
#[derive(Default)]
struct Tally {
    created: usize,
    updated: usize,
    up_to_date: usize,
    failed: usize,
}

/// Runs `cargo sekoia sync`; the API key comes from `PLAYBOOK_API_KEY`.
pub fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let api_key = std::env::var("PLAYBOOK_API_KEY").unwrap_or_default();
    if api_key.trim().is_empty() {
        bail!(
            "the Playbook API key is missing: set PLAYBOOK_API_KEY (an API key of your Sekoia.io \
             community with the permission to manage the playbook modules)"
        );
    }
    let selection = discover::select(&args.modules)?;
    let client = client::Client::new(&args.url, &api_key);
    let mut tally = Tally::default();
    for module in &selection.modules {
        if !module.join("manifest.json").is_file() {
            println!("{}: no manifest.json, skipped", module.display());
            continue;
        }
        let objects = plan::objects(module, &args.registry, &args.namespace)
            .with_context(|| format!("cannot read the module in {}", module.display()))?;
        sync_module(&client, &objects, args.dry_run, &mut tally);
    }
    let verb = if args.dry_run { "would be " } else { "" };
    println!(
        "summary: {} {verb}created, {} {verb}updated, {} up to date, {} failed",
        tally.created, tally.updated, tally.up_to_date, tally.failed
    );
    Ok(if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Publishes one module, then its components (they need it).
fn sync_module(client: &client::Client, objects: &[Object], dry_run: bool, tally: &mut Tally) {
    let module = &objects[0];
    for (index, object) in objects.iter().enumerate() {
        let label = if index == 0 {
            format!("Module {} ({})", object.name, object.uuid)
        } else {
            format!("  {} {}", object.kind, object.name)
        };
        match sync_object(client, object, &module.uuid, dry_run) {
            Ok((change, published)) => {
                report(&label, object, &change, published.as_ref(), dry_run);
                match change {
                    Change::Create => tally.created += 1,
                    Change::Update(_) => tally.updated += 1,
                    Change::UpToDate => tally.up_to_date += 1,
                }
            }
            Err(error) => {
                println!("{label}: error: {error:#}");
                tally.failed += 1;
                if index == 0 {
                    println!("  its components are not published without it");
                    tally.failed += objects.len() - 1;
                    return;
                }
            }
        }
    }
}

/// Reads the object back, then creates or updates it (unless `dry_run`).
fn sync_object(
    client: &client::Client,
    object: &Object,
    module_uuid: &str,
    dry_run: bool,
) -> anyhow::Result<(Change, Option<Value>)> {
    let path = format!("{}s/{}", object.kind, object.uuid);
    let read = client.get(&path)?;
    let published = match read.status {
        200 => Some(read.json.with_context(|| {
            format!(
                "GET {path} answered 200 without a JSON object: {}",
                read.text
            )
        })?),
        404 => None,
        status => bail!("GET {path} answered {status}: {}", read.text.trim()),
    };
    let change = plan::change(object, published.as_ref());
    if dry_run {
        return Ok((change, published));
    }
    let (method, target, body) = match &change {
        Change::Create => (
            "POST",
            format!("{}s", object.kind),
            plan::create_body(object, module_uuid),
        ),
        Change::Update(keys) => ("PATCH", path.clone(), plan::patch_body(object, keys)),
        Change::UpToDate => return Ok((change, published)),
    };
    let answer = client.send(method, &target, &body)?;
    if !(200..300).contains(&answer.status) {
        bail!(
            "{method} {target} answered {}: {}",
            answer.status,
            answer.text.trim()
        );
    }
    Ok((change, published))
}

fn report(label: &str, object: &Object, change: &Change, published: Option<&Value>, dry_run: bool) {
    let (created, updated) = if dry_run {
        ("would be created", "would be updated")
    } else {
        ("created", "updated")
    };
    match change {
        Change::Create => {
            println!("{label}: {created}");
            if dry_run {
                for (key, value) in &object.body {
                    println!("      + {key}: {}", shown(value));
                }
            }
        }
        Change::Update(keys) => {
            println!("{label}: {updated} ({})", keys.join(", "));
            if dry_run {
                for key in keys {
                    if let Some(old) = published.and_then(|p| p.get(key)) {
                        println!("      - {key}: {}", shown(old));
                    }
                    let new = object
                        .body
                        .get(key)
                        .cloned()
                        .unwrap_or_else(|| Value::Object(Default::default()));
                    println!("      + {key}: {}", shown(&new));
                }
            }
        }
        Change::UpToDate => println!("{label}: up to date"),
    }
}

/// A value on one line, cut after [`SHOWN_CHARS`] characters.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    let count = text.chars().count();
    if count <= SHOWN_CHARS {
        text
    } else {
        let cut: String = text.chars().take(SHOWN_CHARS).collect();
        format!("{cut}… ({count} characters)")
    }
}
