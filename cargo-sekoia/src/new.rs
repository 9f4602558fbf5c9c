//! `cargo sekoia new`: creates a module workspace that builds, tests and passes `cargo sekoia
//! check` as it is, mirroring the layout of the Python tutorial.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

use crate::output;
use crate::vendor::{self, Checkout};

use sekoia_manifest::CATEGORIES;

/// Arguments of `cargo sekoia new`.
#[derive(clap::Args)]
pub struct NewArgs {
    /// The directory to create the module in
    pub dir: PathBuf,
    /// The module name, as Sekoia shows it (asked on a terminal when missing)
    #[arg(long)]
    pub name: Option<String>,
    /// A one-line description (asked on a terminal when missing)
    #[arg(long)]
    pub description: Option<String>,
    /// The module category
    #[arg(long, default_value = "Generic", value_parser = clap::builder::PossibleValuesParser::new(CATEGORIES))]
    pub category: String,
    /// Write into a directory that is not empty
    #[arg(long)]
    pub force: bool,
    /// Copy the sekoia-rs crates the module uses from this checkout into its vendor/ (default:
    /// the checkout this cargo-sekoia was built from, when it is still there; else the module
    /// uses the crates.io releases)
    #[arg(long, value_name = "DIR")]
    pub sekoia_path: Option<PathBuf>,
}

/// The names derived from the module name.
struct Names {
    name: String,
    description: String,
    slug: String,
    package: String,
    components: String,
    module_type: String,
}

impl Names {
    fn new(name: &str, description: &str) -> anyhow::Result<Names> {
        let name = name.trim();
        if name.is_empty() {
            bail!("the module name is empty: pass --name \"My Module\"");
        }
        if name.contains(['"', '\\']) || name.chars().any(char::is_control) {
            bail!("the module name {name:?} contains quotes, backslashes or control characters");
        }
        // "Acmé Cloud" -> "acme-cloud": letters with accents or from other scripts are
        // transliterated first, as python-slugify does
        let slug: String = deunicode::deunicode(name)
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
            bail!(
                "cannot make a slug of the module name {name:?}: a slug must match ^[a-z]([a-z_.\\-]|\\d)*$ \
                 (start with a letter; it is made of the name lower-cased, other characters becoming `-`)"
            );
        }
        let package = slug.replace('.', "_");
        let components = format!("{}_modules", package.replace('-', "_"));
        let module_type = deunicode::deunicode(name)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>();
        let module_type = if module_type.starts_with(|c: char| c.is_ascii_alphabetic()) {
            module_type
        } else {
            format!("M{module_type}")
        };
        let description = description.trim();
        let description = if description.is_empty() {
            format!("The {name} module")
        } else {
            description.to_owned()
        };
        if description.chars().any(char::is_control) {
            bail!("the description contains control characters");
        }
        Ok(Names {
            name: name.to_owned(),
            description,
            slug,
            package,
            components,
            module_type: format!("{module_type}Module"),
        })
    }
}

/// Runs `cargo sekoia new`.
pub fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    if args.dir.exists() {
        let not_empty = std::fs::read_dir(&args.dir)
            .with_context(|| format!("cannot read {}", args.dir.display()))?
            .next()
            .is_some();
        if not_empty && !args.force {
            bail!(
                "{} is not empty: choose a new directory, or pass --force to write into it",
                args.dir.display()
            );
        }
    }
    let name = match args.name {
        Some(name) => name,
        None => ask("Module name", None)?,
    };
    let description = match args.description {
        Some(description) => description,
        None => ask("Description", Some(&format!("The {} module", name.trim())))?,
    };
    let names = Names::new(&name, &description)?;
    let checkout = Checkout::locate(args.sekoia_path.as_deref())?;
    if let Some(checkout) = &checkout {
        warn_inside_checkout(&args.dir, &checkout.root);
    }
    let version = checkout
        .as_ref()
        .and_then(|c| c.version("sekoia-runtime"))
        .unwrap_or(env!("CARGO_PKG_VERSION"))
        .to_owned();
    let files = render(&names, &args.category, &version);
    for (relative, contents) in &files {
        let path = args.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    output::status(
        "Created",
        &format!(
            "module `{}` ({}) in {}",
            names.name,
            names.slug,
            args.dir.display()
        ),
    );
    if let Some(checkout) = &checkout {
        let vendored = vendor::vendor(&args.dir, checkout)?;
        output::status(
            "Vendored",
            &format!(
                "{} into {}/vendor (crates.io does not have them yet)",
                vendored.join(", "),
                args.dir.display()
            ),
        );
    }
    lock(&args.dir, checkout.as_ref().map(|c| c.root.as_path()));
    println!(
        "\nNext:\n  cd {}\n  cargo build          # builds it and writes manifest.json, action_hello.json\n  cargo test           # unit tests and the binary against the platform emulator\n  cargo sekoia check   # Sekoia's module rules\n  cargo sekoia run . Hello --arguments '{{\"name\": \"Ada\"}}'\n  cargo add -p {} <crate>   # a dependency of the components (at the root, cargo add asks which package)",
        args.dir.display(),
        names.components
    );
    Ok(ExitCode::SUCCESS)
}

/// A module made inside the sekoia-rs checkout would be committed with it: say so.
fn warn_inside_checkout(dir: &Path, checkout: &Path) {
    let Ok(cwd) = std::env::current_dir() else {
        return;
    };
    let dir = cwd.join(dir);
    // the directory may not exist yet: compare its nearest existing ancestor
    let existing = dir
        .ancestors()
        .find_map(|a| a.canonicalize().ok())
        .unwrap_or(dir);
    if existing.starts_with(checkout) {
        output::warning(&format!(
            "{} is inside the sekoia-rs checkout {}: the module is a repository of its own \
             (Sekoia imports it from its own Git repository); create it elsewhere, e.g. `cargo sekoia new ../<dir>`",
            existing.display(),
            checkout.display()
        ));
    }
}

/// Asks on the terminal; refuses when standard input is not one.
fn ask(question: &str, default: Option<&str>) -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        let flag = if question.starts_with("Module") {
            "--name"
        } else {
            "--description"
        };
        bail!("{flag} is required when standard input is not a terminal");
    }
    match default {
        Some(default) => eprint!("{question} [{default}]: "),
        None => eprint!("{question}: "),
    }
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    let answer = answer.trim();
    Ok(if answer.is_empty() {
        default.unwrap_or_default().to_owned()
    } else {
        answer.to_owned()
    })
}

/// A file of the module template, `templates/module/<path>`.
#[macro_export]
macro_rules! template {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/module/",
            $path
        ))
    };
}

fn render(names: &Names, category: &str, version: &str) -> Vec<(PathBuf, String)> {
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let uuid = uuid::Uuid::new_v4().to_string();
    let initials: String = names
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let initials = initials
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let values: Vec<(&str, String)> = vec![
        ("name_rust", names.name.clone()),
        ("name", names.name.clone()),
        (
            "description_toml",
            names.description.replace('\\', "\\\\").replace('"', "\\\""),
        ),
        ("description", names.description.clone()),
        ("slug", names.slug.clone()),
        ("package", names.package.clone()),
        ("components", names.components.clone()),
        ("module_type", names.module_type.clone()),
        ("category", category.to_owned()),
        ("uuid", uuid),
        ("today", today),
        ("initials", initials),
        ("sekoia_version", version.to_owned()),
    ];
    let fill = |template: &str| {
        let mut text = template.to_owned();
        for (key, value) in &values {
            text = text.replace(&format!("{{{{{key}}}}}"), value);
        }
        text
    };
    let components = PathBuf::from(&names.components);
    vec![
        (
            PathBuf::from("Cargo.toml"),
            fill(template!("Cargo.toml.tmpl")),
        ),
        (PathBuf::from("build.rs"), fill(template!("build.rs.tmpl"))),
        (
            PathBuf::from("src/main.rs"),
            fill(template!("src/main.rs.tmpl")),
        ),
        (
            PathBuf::from("tests/module.rs"),
            fill(template!("tests/module.rs.tmpl")),
        ),
        (
            PathBuf::from("CHANGELOG.md"),
            fill(template!("CHANGELOG.md.tmpl")),
        ),
        (
            PathBuf::from("README.md"),
            fill(template!("README.md.tmpl")),
        ),
        (
            PathBuf::from("Dockerfile"),
            fill(template!("Dockerfile.tmpl")),
        ),
        (PathBuf::from("logo.svg"), fill(template!("logo.svg.tmpl"))),
        (
            PathBuf::from(".gitignore"),
            fill(template!("gitignore.tmpl")),
        ),
        (
            PathBuf::from(".dockerignore"),
            fill(template!("dockerignore.tmpl")),
        ),
        (
            components.join("Cargo.toml"),
            fill(template!("components/Cargo.toml.tmpl")),
        ),
        (
            components.join("src/lib.rs"),
            fill(template!("components/src/lib.rs.tmpl")),
        ),
    ]
}

/// Writes Cargo.lock (Sekoia's checker wants it); a failure is only a warning. With a local
/// checkout, its lock file is the starting point, so the module builds with the same, tested
/// dependency versions (and shares their build artifacts).
pub(crate) fn lock(dir: &Path, checkout: Option<&Path>) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let seeded = checkout
        .map(|root| root.join("Cargo.lock"))
        .filter(|lock| lock.exists())
        .is_some_and(|lock| std::fs::copy(lock, dir.join("Cargo.lock")).is_ok());
    let mut command = Command::new(cargo);
    if seeded {
        command.args(["update", "--workspace"]);
    } else {
        command.arg("generate-lockfile");
    }
    match command.current_dir(dir).output() {
        Ok(out) if out.status.success() => output::status("Locked", "dependencies in Cargo.lock"),
        Ok(out) => output::warning(&format!(
            "could not write Cargo.lock (the first `cargo build` will): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => output::warning(&format!("could not run cargo to write Cargo.lock: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_slug_rules() {
        let names = Names::new("Test HTTP", "").unwrap();
        assert_eq!(names.slug, "test-http");
        assert_eq!(names.package, "test-http");
        assert_eq!(names.components, "test_http_modules");
        assert_eq!(names.module_type, "TestHTTPModule");
        assert_eq!(names.description, "The Test HTTP module");
        assert_eq!(Names::new("ipinfo.io", "d").unwrap().package, "ipinfo_io");
        let accented = Names::new("Acmé Cloud", "").unwrap();
        assert_eq!(accented.slug, "acme-cloud");
        assert_eq!(accented.components, "acme_cloud_modules");
        assert_eq!(accented.module_type, "AcmeCloudModule");
        let error = Names::new("42 things", "").err().unwrap().to_string();
        assert!(error.contains("cannot make a slug"), "{error}");
        assert!(Names::new("  ", "").is_err());
        assert!(Names::new("Bad \"quote\"", "").is_err());
    }
}
