//! The module and components registered in this program, checked for consistency.
//!
//! The build script reads it to write the manifests; the module binary reads it to dispatch
//! `argv[1]`. Both refuse an inconsistent registry with every problem listed at once.

use std::fmt;

use crate::descriptor::{ComponentDescriptor, ModuleDescriptor};
use crate::manifest::component_uuid;
use crate::names::{Kind, VALIDATE_COMMAND};
use crate::registrations::{Registration, Registrations};

/// The registered module and its components, sorted by kind then name.
pub struct Registry {
    /// The `#[module]`.
    pub module: &'static ModuleDescriptor,
    /// The `#[action]`s, `#[trigger]`s and `#[connector]`s.
    pub components: Vec<&'static ComponentDescriptor>,
}

/// Why a registry cannot be used: every problem found, one a line.
#[derive(Debug)]
pub struct RegistryError {
    /// One sentence a problem.
    pub problems: Vec<String>,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for RegistryError {}

impl Registry {
    /// Reads what `inventory` collected in this program.
    pub fn from_inventory() -> Result<Registry, RegistryError> {
        Registry::from_parts(
            inventory::iter::<ModuleDescriptor>.into_iter().collect(),
            inventory::iter::<ComponentDescriptor>.into_iter().collect(),
        )
    }

    /// Checks a set of descriptors: one module, at least one component, every component of that
    /// module, and no two components with the same manifest file or docker_parameters, nor two
    /// of the same kind with the same uuid (a connector and its legacy trigger twin share
    /// theirs, as a trigger and a connector may in Sekoia's catalogue).
    pub fn from_parts(
        mut modules: Vec<&'static ModuleDescriptor>,
        mut components: Vec<&'static ComponentDescriptor>,
    ) -> Result<Registry, RegistryError> {
        let mut problems = Vec::new();
        modules.sort_by_key(|m| m.origin.rust_path);
        components.sort_by(|a, b| {
            (a.kind, a.identity.name, a.identity.origin.rust_path).cmp(&(
                b.kind,
                b.identity.name,
                b.identity.origin.rust_path,
            ))
        });
        if components.is_empty() {
            problems.push(
                "no #[action], #[trigger] or #[connector] is registered. The crate that holds them must be named \
                 where the registry is read: build.rs is `sekoia_build::main!(my_module_components);` and lists that \
                 crate in [build-dependencies]; the binary's `sekoia_runtime::run!()` names it through the file the \
                 build script writes."
                    .to_owned(),
            );
        }
        let module = match modules.as_slice() {
            [] => {
                problems.push(
                    "no #[module] is registered: put `#[module(name = \"...\", slug = \"...\", uuid = \"...\", \
                     categories = [...])]` on the struct that holds the module configuration (`pub struct MyModule {}` \
                     when it has none)"
                        .to_owned(),
                );
                None
            }
            [one] => Some(*one),
            [first, rest @ ..] => {
                for other in rest {
                    problems.push(format!(
                        "two #[module]s are registered, {} and {}: a module binary holds exactly one",
                        first.origin, other.origin
                    ));
                }
                Some(*first)
            }
        };
        if let Some(module) = module {
            let module_type = (module.type_name)();
            for c in &components {
                let their_module = (c.module_type_name)();
                if their_module != module_type {
                    problems.push(format!(
                        "{} {} says `type Module = {}`, but the #[module] of this binary is `{}` {}",
                        c.kind,
                        c.identity.origin,
                        their_module,
                        module_type,
                        module.origin
                    ));
                }
            }
            problems.extend(clashes(module, &components));
        }
        match module {
            Some(module) if problems.is_empty() => Ok(Registry { module, components }),
            _ => Err(RegistryError { problems }),
        }
    }

    /// The component started by this command (`argv[1]`).
    pub fn component(&self, docker_parameters: &str) -> Option<&'static ComponentDescriptor> {
        self.components
            .iter()
            .copied()
            .find(|c| c.identity.docker_parameters == docker_parameters)
    }

    /// Every command this binary answers, in registry order.
    pub fn commands(&self) -> Vec<&'static str> {
        let mut commands: Vec<&'static str> = self
            .components
            .iter()
            .map(|c| c.identity.docker_parameters)
            .collect();
        if self.has_validator() {
            commands.push(VALIDATE_COMMAND);
        }
        commands
    }

    /// Whether the module answers the account validator's command.
    pub fn has_validator(&self) -> bool {
        (self.module.validator)().is_some()
    }

    /// A table of the components: kind, docker_parameters, name.
    pub fn listing(&self) -> Listing<'_> {
        Listing(self)
    }

    /// The registrations in the machine-readable form the tools read.
    pub fn registrations(&self, version: &str) -> Registrations {
        Registrations {
            name: self.module.name.to_owned(),
            slug: self.module.slug.to_owned(),
            version: version.to_owned(),
            components: self
                .components
                .iter()
                .flat_map(|c| {
                    let twin = c.extra.twin.map(|twin| Registration {
                        kind: Kind::Trigger,
                        docker_parameters: c.identity.docker_parameters.to_owned(),
                        name: twin.name.unwrap_or(c.identity.name).to_owned(),
                    });
                    std::iter::once(Registration {
                        kind: c.kind,
                        docker_parameters: c.identity.docker_parameters.to_owned(),
                        name: c.identity.name.to_owned(),
                    })
                    .chain(twin)
                })
                .collect(),
            validator: self.has_validator(),
        }
    }
}

/// What each component writes: its files (with its twin's), docker_parameters and uuids by kind.
fn clashes(module: &ModuleDescriptor, components: &[&'static ComponentDescriptor]) -> Vec<String> {
    struct Claim {
        kind: Kind,
        file: String,
        uuid: String,
        owner: usize,
    }
    let mut claims = Vec::new();
    for (owner, c) in components.iter().enumerate() {
        let uuid = component_uuid(module, c);
        if let Some(file) = c.twin_file_name() {
            claims.push(Claim {
                kind: Kind::Trigger,
                file,
                uuid: uuid.clone(),
                owner,
            });
        }
        claims.push(Claim {
            kind: c.kind,
            file: c.file_name(),
            uuid,
            owner,
        });
    }
    let mut problems = Vec::new();
    for (i, a) in claims.iter().enumerate() {
        for b in &claims[i + 1..] {
            if a.owner == b.owner {
                if a.file == b.file {
                    let c = components[a.owner];
                    problems.push(format!(
                        "{} {} writes {} twice: its trigger twin needs another `file`",
                        c.kind, c.identity.origin, a.file
                    ));
                }
                continue;
            }
            let (ca, cb) = (components[a.owner], components[b.owner]);
            if a.file == b.file {
                problems.push(format!(
                    "{} {} and {} both write {}: give one of them another `name` or `file`",
                    ca.kind, ca.identity.origin, cb.identity.origin, a.file
                ));
            }
            if a.kind == b.kind && a.uuid == b.uuid {
                problems.push(format!(
                    "{} {} and {} {} have the same uuid {}: pin another `uuid` on one of them",
                    a.kind, ca.identity.origin, b.kind, cb.identity.origin, a.uuid
                ));
            }
        }
    }
    for (i, a) in components.iter().enumerate() {
        for b in &components[i + 1..] {
            if a.identity.docker_parameters == b.identity.docker_parameters {
                problems.push(format!(
                    "{} {} and {} {} have the same docker_parameters \"{}\": give one of them another `docker_parameters`",
                    a.kind, a.identity.origin, b.kind, b.identity.origin, a.identity.docker_parameters
                ));
            }
        }
    }
    problems
}

/// Displays the registry as the module binary lists it.
pub struct Listing<'a>(&'a Registry);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let registry = self.0;
        let width = registry
            .components
            .iter()
            .map(|c| c.identity.docker_parameters.len())
            .max()
            .unwrap_or(0);
        let has_validator = registry.has_validator();
        let width = if has_validator {
            width.max(VALIDATE_COMMAND.len())
        } else {
            width
        };
        for c in &registry.components {
            writeln!(
                f,
                "{:<9} {:<width$}  {}",
                c.kind, c.identity.docker_parameters, c.identity.name
            )?;
        }
        if has_validator {
            writeln!(
                f,
                "{:<9} {:<width$}  account validator",
                "validator", VALIDATE_COMMAND
            )?;
        }
        Ok(())
    }
}
