//! `cargo sekoia import <python module dir>`: a sekoia-rs module workspace from a Python module
//! of Sekoia's catalogue, whose `cargo build` writes the same manifests (equal as parsed JSON):
//! each component pinned to its name, uuid, docker_parameters, slug and file; Rust types for
//! every schema; the CHANGELOG, logo and version carried over. The behaviour is the porter's:
//! each component's body says `not ported yet: <python file>:<class>`, and the command lists
//! them. See `docs/import.md`.

mod api_module;
mod choose;
mod component;
mod convert;
mod dependencies;
pub(crate) mod generic_api;
mod items;
mod layout;
mod naming;
pub(crate) mod python;
pub(crate) mod source;

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use serde_json::Value;

use sekoia_manifest::Kind;
use sekoia_manifest::dialect::Dialect;

use self::component::{ComponentCode, PRELUDE};
use self::convert::{Converter, Root};
use self::dependencies::Dependencies;
use self::generic_api::ApiClass;
use self::items::{Item, Role};
use self::naming::{Taken, string_literal};
use self::source::Source;
use crate::output;
use crate::vendor::{self, Checkout};

/// Arguments of `cargo sekoia import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The Python module's directory: manifest.json, the component manifests, main.py
    pub dir: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where and how a module workspace is written (`import`, `openapi`).
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Where to write the Rust module (default: a directory named after the module's slug)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into a directory that is not empty
    #[arg(long)]
    pub force: bool,
    /// Copy the sekoia-rs crates the module uses from this checkout into its vendor/ (default:
    /// the checkout this cargo-sekoia was built from, when it is still there; else the module
    /// uses the crates.io releases)
    #[arg(long, value_name = "DIR")]
    pub sekoia_path: Option<PathBuf>,
    /// Depend on the checkout by path instead of a vendored copy: for modules built beside it
    /// (a whole catalogue measured at once); such a module does not build alone
    #[arg(long)]
    pub path_dependencies: bool,
    /// Do not write Cargo.lock (the first `cargo build` does)
    #[arg(long)]
    pub no_lock: bool,
}

/// What an import wrote, and what is left to the porter.
struct Imported {
    files: Vec<(PathBuf, String)>,
    /// `(rust file, python origin)` of each body to port.
    not_ported: Vec<(String, String)>,
    /// How many actions are declarative API actions.
    declarative: usize,
    /// Where a schema is kept as written, and why.
    escapes: Vec<String>,
}

/// Runs `cargo sekoia import`.
pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let source = Source::read(&args.dir)?;
    write_module(&args.output, source)
}

/// Writes the Rust module of `source` where `args` say (`cargo sekoia openapi` gives a source
/// whose classes it declared itself).
pub(crate) fn write_module(args: &OutputArgs, source: Source) -> anyhow::Result<ExitCode> {
    let slug = source
        .manifest_str("slug")
        .context("manifest.json has no `slug`")?
        .to_owned();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(slug.replace('.', "_")));
    if out.exists()
        && std::fs::read_dir(&out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_some()
        && !args.force
    {
        bail!(
            "{} is not empty: choose a new directory with --out, or pass --force to write into it",
            out.display()
        );
    }
    let checkout = Checkout::locate(args.sekoia_path.as_deref())?;
    if args.path_dependencies && checkout.is_none() {
        bail!("--path-dependencies needs a sekoia-rs checkout: pass --sekoia-path <checkout>");
    }
    let dependencies = Dependencies::of(checkout.as_ref(), args.path_dependencies);
    let imported = import(&source, &dependencies)?;
    for (relative, contents) in &imported.files {
        let path = out.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(logo) = &source.logo {
        let name = logo.file_name().expect("a logo file");
        std::fs::copy(logo, out.join(name))
            .with_context(|| format!("cannot copy {}", logo.display()))?;
    } else {
        std::fs::write(
            out.join("logo.svg"),
            crate::template!("logo.svg.tmpl").replace("{{initials}}", "?"),
        )
        .context("cannot write logo.svg")?;
    }
    format_sources(&out, &imported.files);
    let name = source.manifest_str("name").unwrap_or_default();
    let verb = match source.python.generated_from() {
        Some(_) => "Generated",
        None => "Imported",
    };
    output::status(
        verb,
        &format!(
            "{name} into {}: {} components{}",
            out.display(),
            source.components.len(),
            match imported.declarative {
                0 => String::new(),
                n => format!(", {n} of them declarative API actions (nothing to port)"),
            }
        ),
    );
    if let Some(checkout) = checkout.as_ref().filter(|_| !args.path_dependencies) {
        let vendored = vendor::vendor(&out, checkout)?;
        output::status(
            "Vendored",
            &format!(
                "{} into {}/vendor (crates.io does not have them yet)",
                vendored.join(", "),
                out.display()
            ),
        );
    }
    if !args.no_lock {
        crate::new::lock(&out, checkout.as_ref().map(|c| c.root.as_path()));
    }
    if !imported.not_ported.is_empty() {
        println!("Not ported yet (each body returns this error until its behaviour is written):");
    }
    for (file, origin) in &imported.not_ported {
        println!("  {file}: not ported yet: {origin}");
    }
    if !imported.escapes.is_empty() {
        println!("Schemas kept as written (`raw = ...`):");
        for escape in &imported.escapes {
            println!("  {escape}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The files of the Rust module of `source`.
fn import(source: &Source, dependencies: &Dependencies) -> anyhow::Result<Imported> {
    let manifest_path = source.dir.join("manifest.json");
    let field = |key: &str| {
        source
            .manifest_str(key)
            .with_context(|| format!("{}: `{key}` is not a string", manifest_path.display()))
    };
    let (name, slug, uuid) = (field("name")?, field("slug")?, field("uuid")?);
    let description = source.manifest_str("description").unwrap_or_default();
    let version = field("version")?;
    if semver::Version::parse(version).is_err() {
        bail!(
            "{}: the version {version:?} is not SemVer, which Cargo requires (and Sekoia's checker too): make it X.Y.Z first",
            manifest_path.display()
        );
    }
    let names = layout::Names::of(slug, name);
    let configuration = source
        .manifest
        .get("configuration")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let dialect = choose::dialect(roots(source, &configuration));
    let mut imported = Imported {
        files: Vec::new(),
        not_ported: Vec::new(),
        declarative: 0,
        escapes: Vec::new(),
    };
    let cx = component::Context {
        dialect: &dialect,
        module_uuid: uuid,
        module_type: &names.module_type,
    };
    let mut struct_names = Taken::with(PRELUDE);
    struct_names.claim(&names.module_type);
    let mut modules = Taken::with(&["lib", "main"]);
    let mut codes: Vec<ComponentCode> = Vec::new();
    let mut apis = Vec::new();
    for component in &source.components {
        let docker = component.file.str("docker_parameters").unwrap_or_default();
        let class = source.python.class_of(docker);
        let base = match class {
            Some(class) => naming::camel(class, "Component"),
            None => naming::camel(component.file.str("name").unwrap_or_default(), "Component"),
        };
        let struct_name = struct_names.claim(&base);
        let module = modules.claim(&naming::snake(&struct_name));
        let origin = match class {
            Some(class) => match source.python.definition(class) {
                Some(definition) => format!("{}:{class}", definition.file),
                None => format!("main.py:{class}"),
            },
            None if source.python.has_main() => {
                format!("main.py:{docker} (registered by no class)")
            }
            None => format!("{}:{docker}", component.file.file_name),
        };
        let api = class
            .and_then(|class| source.python.api_class(class))
            .filter(|api| api.declarative() && component.file.kind == Kind::Action);
        let code = component::write(component, &module, &struct_name, &origin, api.as_ref(), &cx);
        let file = format!("{}/src/{module}.rs", names.components);
        match api {
            Some(api) => apis.push(api),
            None => imported.not_ported.push((file, origin)),
        }
        imported.escapes.extend(
            code.escapes
                .iter()
                .map(|e| format!("{}: {e}", component.file.file_name)),
        );
        codes.push(code);
    }
    imported.declarative = apis.len();
    let (lib, not_ported) = lib_rs(
        source,
        &names,
        &dialect,
        &configuration,
        &codes,
        &apis,
        &mut imported.escapes,
    )?;
    for origin in not_ported {
        imported
            .not_ported
            .push((format!("{}/src/lib.rs", names.components), origin));
    }
    let commands = source
        .components
        .iter()
        .filter_map(|c| c.file.str("docker_parameters").map(str::to_owned))
        .collect();
    let changelog = match &source.changelog {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => None,
    };
    let readme = readme(name, description, source, &imported);
    imported.files = layout::files(&layout::Files {
        names: &names,
        description,
        version,
        dependencies,
        lib,
        components: codes
            .iter()
            .map(|c| (c.module.clone(), c.text.clone()))
            .collect(),
        commands,
        changelog,
        readme,
    });
    Ok(imported)
}

/// Every root schema of the module, to choose its dialect.
fn roots<'a>(source: &'a Source, configuration: &'a Value) -> Vec<&'a Value> {
    let mut roots = vec![configuration];
    for component in &source.components {
        for file in std::iter::once(&component.file).chain(&component.twin) {
            roots.extend(
                ["arguments", "results"]
                    .iter()
                    .filter_map(|k| file.document.get(*k)),
            );
        }
    }
    roots
}

/// The components crate's `lib.rs`: the module configuration, its dialect and its components
/// (the `impl ApiModule` of the declarative actions `apis`); also what it leaves to port (the
/// account validator, an authentication it could not read).
fn lib_rs(
    source: &Source,
    names: &layout::Names,
    dialect: &Dialect,
    configuration: &Value,
    codes: &[ComponentCode],
    apis: &[ApiClass],
    escapes: &mut Vec<String>,
) -> anyhow::Result<(String, Vec<String>)> {
    let mut converter = Converter::new(dialect, PRELUDE);
    let module_type = converter.root(&Root {
        schema: configuration,
        role: Role::Input,
        name: &names.module_type,
        secrets: true,
        fixed: true,
    });
    escapes.extend(
        converter
            .escapes
            .iter()
            .map(|e| format!("manifest.json: {e}")),
    );
    let description = source.manifest_str("description").unwrap_or_default();
    let configuration_description = configuration.get("description").and_then(Value::as_str);
    let as_doc = configuration_description
        .is_none()
        .then(|| component::one_line_doc(Some(description)))
        .flatten();
    let mut module_args = vec![
        format!(
            "name = {}",
            string_literal(source.manifest_str("name").unwrap_or_default())
        ),
        format!(
            "slug = {}",
            string_literal(source.manifest_str("slug").unwrap_or_default())
        ),
        format!(
            "uuid = {}",
            string_literal(source.manifest_str("uuid").unwrap_or_default())
        ),
    ];
    if let Some(Value::Array(categories)) = source.manifest.get("categories") {
        let categories: Vec<String> = categories
            .iter()
            .filter_map(Value::as_str)
            .map(string_literal)
            .collect();
        module_args.push(format!("categories = [{}]", categories.join(", ")));
    }
    if as_doc.is_none() {
        module_args.push(format!("description = {}", string_literal(description)));
    }
    let settings = dialect_settings(dialect);
    if !settings.is_empty() {
        module_args.push(format!("dialect({})", settings.join(", ")));
    }
    let mut text = format!(
        "//! The components of the {} module, imported from its Python implementation by\n//! `cargo sekoia import`: the manifests are the module's, the behaviour is still to port.\n\nuse sekoia_runtime::prelude::*;\n\n",
        source
            .manifest_str("name")
            .unwrap_or_default()
            .replace('`', "'")
    );
    for code in codes {
        writeln!(text, "pub mod {};", code.module).expect("a String");
    }
    let mut items = converter.items;
    let Some(Item::Struct(module_struct)) = items.first_mut() else {
        bail!("the module configuration is not a struct");
    };
    if module_struct.name != module_type {
        bail!("the module configuration is named {}", module_struct.name);
    }
    if let Some(doc) = &as_doc {
        module_struct.doc = items::Doc::Lines(vec![doc.clone()]);
    }
    let api_module = (!apis.is_empty()).then(|| api_module::write(module_struct, apis));
    if api_module.is_some() {
        text = text.replacen(
            "use sekoia_runtime::prelude::*;\n",
            "use sekoia_runtime::api::ApiModule;\nuse sekoia_runtime::client::Auth;\nuse sekoia_runtime::prelude::*;\n",
            1,
        );
    }
    let module_attribute = {
        let one_line = format!("#[module({})]", module_args.join(", "));
        if one_line.len() <= 100 {
            one_line
        } else {
            let mut attribute = String::from("#[module(\n");
            for arg in &module_args {
                writeln!(attribute, "    {arg},").expect("a String");
            }
            attribute.push_str(")]");
            attribute
        }
    };
    let mut first = true;
    for item in &items {
        writeln!(text).expect("a String");
        let rendered = item.render();
        if first {
            // the module attribute goes right above the type's own
            let at = rendered.find("#[sekoia").unwrap_or(0);
            text.push_str(&rendered[..at]);
            writeln!(text, "{module_attribute}").expect("a String");
            text.push_str(&rendered[at..]);
            first = false;
        } else {
            text.push_str(&rendered);
        }
    }
    let mut not_ported = Vec::new();
    if let Some(api_module) = api_module {
        text.push_str(&api_module.text);
        not_ported.extend(api_module.not_ported);
    }
    let validator = source.manifest.get("supports_validation") == Some(&Value::Bool(true));
    let origin = validator.then(|| {
        let class = source.python.validator.as_deref();
        match class.and_then(|c| source.python.definition(c).map(|d| (c, d))) {
            Some((class, definition)) => format!("{}:{class}", definition.file),
            None => format!("main.py:{}", class.unwrap_or("register_account_validator")),
        }
    });
    if let Some(origin) = &origin {
        let message = string_literal(&format!("not ported yet: {origin}"));
        write!(
            text,
            "\nimpl AccountValidator for {module_type} {{\n    async fn validate(&self, _ctx: &ValidatorContext) -> Result<(), ValidationError> {{\n        Err(Error::new({message}))\n    }}\n}}\n"
        )
        .expect("a String");
    }
    not_ported.extend(origin);
    Ok((text, not_ported))
}

/// The `dialect(...)` settings that differ from the default.
fn dialect_settings(dialect: &Dialect) -> Vec<String> {
    let default = Dialect::PYDANTIC;
    let mut settings = Vec::new();
    if dialect.titles != default.titles {
        settings.push(format!("titles = \"{}\"", dialect.titles.word()));
    }
    if dialect.root_title != default.root_title {
        settings.push(format!("root_title = \"{}\"", dialect.root_title.word()));
    }
    if dialect.schema != default.schema {
        settings.push(format!("schema = \"{}\"", dialect.schema.word()));
    }
    if dialect.optional != default.optional {
        settings.push(format!("optional = \"{}\"", dialect.optional.word()));
    }
    if dialect.nullable != default.nullable {
        settings.push(format!("nullable = \"{}\"", dialect.nullable.word()));
    }
    if dialect.keep_formats {
        settings.push("keep_formats".to_owned());
    }
    settings
}

fn readme(name: &str, description: &str, source: &Source, imported: &Imported) -> String {
    let mut text = format!(
        "# {name}\n\n{description}\n\nA [Sekoia.io](https://www.sekoia.io) automation module in Rust with sekoia-rs, {}.\n",
        match source.python.generated_from() {
            Some(document) => format!(
                "generated from the OpenAPI\ndocument `{document}` by `cargo sekoia openapi`: `cargo build` writes its manifests"
            ),
            None => format!(
                "imported from\nits Python implementation (`{}`) by `cargo sekoia import`. `cargo build` writes its manifests,\nthe same as the Python module's",
                source.dir_name
            ),
        }
    );
    if imported.declarative > 0 {
        writeln!(
            text,
            "\n{} actions are declarative API actions, ported with their behaviour: the Python\n`GenericAPIAction`'s request, retries and errors (sekoia-rs's docs/openapi.md).",
            imported.declarative
        )
        .expect("a String");
    }
    if !imported.not_ported.is_empty() {
        text.push_str("\n## Left to port\n\nEach component's body returns the error `not ported yet: <python file>:<class>` until its\nbehaviour is written in Rust:\n\n");
    }
    for (file, origin) in &imported.not_ported {
        writeln!(text, "- `{file}`: `{origin}`").expect("a String");
    }
    if !imported.escapes.is_empty() {
        text.push_str(
            "\nSchemas that no Rust type describes are kept as written (`raw = ...`):\n\n",
        );
        for escape in &imported.escapes {
            writeln!(text, "- {escape}").expect("a String");
        }
    }
    text
}

/// `rustfmt` on the Rust files written, when it is there (the text is already laid out).
fn format_sources(out: &Path, files: &[(PathBuf, String)]) {
    let rust: Vec<PathBuf> = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .map(|(path, _)| out.join(path))
        .collect();
    let formatted = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .args(&rust)
        .output();
    if !formatted.is_ok_and(|o| o.status.success()) {
        output::warning("rustfmt did not run: the Rust files are as the importer laid them out");
    }
}
