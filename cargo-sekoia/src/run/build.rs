//! Building the module: `cargo metadata` for its root package, its binary and the target
//! directory, then `cargo build` with a spinner, and the path of the binary it built.

use std::io::{BufRead as _, BufReader, IsTerminal as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;

use crate::cargo::cargo;
use crate::output;

/// How often the spinner turns.
const SPINNER_TICK: Duration = Duration::from_millis(100);

/// A module binary, built.
#[derive(Debug, Clone)]
pub struct Built {
    /// The binary's path.
    pub binary: PathBuf,
}

impl Built {
    /// The binary's path for messages: relative to the current directory when it is inside.
    pub fn shown(&self) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        let relative = self.binary.strip_prefix(&cwd).unwrap_or(&self.binary);
        relative.display().to_string()
    }
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

/// Builds the root package of `dir` (`cargo build --bin <its binary>`, `--release` when
/// asked) and returns its binary. A failed build shows cargo's output and is an error.
pub fn build(dir: &Path, release: bool) -> anyhow::Result<Built> {
    if !dir.is_dir() {
        bail!("the module directory {} does not exist", dir.display());
    }
    let metadata = metadata(dir)?;
    let package = root_package(&metadata, dir)?;
    let bin = binary_name(package)?;
    let profile = if release { "release" } else { "debug" };
    let binary = metadata
        .target_directory
        .join(profile)
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));

    let started = Instant::now();
    let message = format!("{} ({profile}, in {})", package.name, dir.display());
    output::status("Building", &message);
    let (success, log) = cargo_build(dir, bin, release)?;
    if !success {
        // cargo's own words say what is wrong
        eprint!("{log}");
        bail!(
            "cargo build failed for {} in {}",
            package.name,
            dir.display()
        );
    }
    if log_has_warnings(&log) {
        eprint!("{log}");
    }
    if !binary.is_file() {
        bail!(
            "cargo build succeeded but the binary {} is not there (a build.target setting or \
             another target directory?)",
            binary.display()
        );
    }
    let built = Built { binary };
    let elapsed = started.elapsed().as_secs_f64();
    output::status("Built", &format!("{} in {elapsed:.1}s", built.shown()));
    Ok(built)
}

fn metadata(dir: &Path) -> anyhow::Result<Metadata> {
    let out = cargo("metadata")
        .args(["--format-version", "1", "--no-deps"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .context("cannot run `cargo metadata` (is cargo installed?)")?;
    if !out.status.success() {
        bail!(
            "`cargo metadata` failed in {}: is it a cargo package?\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    serde_json::from_slice(&out.stdout).context("cannot read the output of `cargo metadata`")
}

/// The package whose `Cargo.toml` is in `dir` (in a workspace, `--no-deps` lists every member).
fn root_package<'m>(metadata: &'m Metadata, dir: &Path) -> anyhow::Result<&'m Package> {
    let wanted = dir
        .join("Cargo.toml")
        .canonicalize()
        .with_context(|| format!("no Cargo.toml in {}", dir.display()))?;
    metadata
        .packages
        .iter()
        .find(|p| {
            p.manifest_path
                .canonicalize()
                .is_ok_and(|path| path == wanted)
        })
        .with_context(|| {
            format!(
                "{} is not a package (a virtual workspace manifest?): give the module's root \
                 package, the one with build.rs and src/main.rs",
                wanted.display()
            )
        })
}

/// The package's binary: its only one, or the one named like the package.
fn binary_name(package: &Package) -> anyhow::Result<&str> {
    let bins: Vec<&str> = package
        .targets
        .iter()
        .filter(|t| t.kind.iter().any(|k| k == "bin"))
        .map(|t| t.name.as_str())
        .collect();
    match bins.as_slice() {
        [] => bail!(
            "package {} has no binary: a module's root package has a src/main.rs with \
             `sekoia_runtime::run!();`",
            package.name
        ),
        [only] => Ok(only),
        several => several
            .iter()
            .find(|name| **name == package.name)
            .copied()
            .with_context(|| {
                format!(
                    "package {} has several binaries ({}) and none is named like it",
                    package.name,
                    several.join(", ")
                )
            }),
    }
}

/// Runs `cargo build`, its progress on a spinner; returns whether it succeeded and its output.
fn cargo_build(dir: &Path, bin: &str, release: bool) -> anyhow::Result<(bool, String)> {
    let terminal = std::io::stderr().is_terminal();
    let mut command = cargo("build");
    command
        .args(["--bin", bin])
        .arg(if terminal {
            "--color=always"
        } else {
            "--color=never"
        })
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if release {
        command.arg("--release");
    }
    let mut child = command.spawn().context("cannot run `cargo build`")?;

    let spinner = ProgressBar::with_draw_target(
        None,
        match terminal {
            true => ProgressDrawTarget::stderr(),
            false => ProgressDrawTarget::hidden(),
        },
    );
    if let Ok(style) = ProgressStyle::with_template("{spinner:.green} {elapsed:>4} {msg}") {
        spinner.set_style(style);
    }
    spinner.set_message(format!("cargo build --bin {bin}"));
    spinner.enable_steady_tick(SPINNER_TICK);

    let mut log = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(step) = progress_step(&line) {
                spinner.set_message(step);
            }
            log.push_str(&line);
            log.push('\n');
        }
    }
    let status = child.wait().context("cannot wait for `cargo build`")?;
    spinner.finish_and_clear();
    Ok((status.success(), log))
}

/// "Compiling foo v0.1.0" out of a cargo status line, colours removed.
fn progress_step(line: &str) -> Option<String> {
    let plain = anstream::adapter::strip_str(line).to_string();
    let plain = plain.trim();
    if plain.is_empty() {
        return None;
    }
    // "Compiling foo v0.1.0 (/path/to/foo)": the path only makes the line long
    let short = match plain.find(" (") {
        Some(cut) => &plain[..cut],
        None => plain,
    };
    Some(short.to_owned())
}

fn log_has_warnings(log: &str) -> bool {
    anstream::adapter::strip_str(log)
        .to_string()
        .lines()
        .any(|line| line.starts_with("warning"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(name: &str, bins: &[&str]) -> Package {
        Package {
            name: name.into(),
            manifest_path: PathBuf::new(),
            targets: bins
                .iter()
                .map(|bin| Target {
                    name: (*bin).into(),
                    kind: vec!["bin".into()],
                })
                .chain([Target {
                    name: "build-script-build".into(),
                    kind: vec!["custom-build".into()],
                }])
                .collect(),
        }
    }

    #[test]
    fn the_binary_is_the_only_one_or_the_one_named_like_the_package() {
        assert_eq!(binary_name(&package("m", &["mod"])).unwrap(), "mod");
        assert_eq!(binary_name(&package("m", &["x", "m"])).unwrap(), "m");
        let none = format!("{:#}", binary_name(&package("m", &[])).unwrap_err());
        assert!(none.contains("has no binary"), "{none}");
        let several = format!("{:#}", binary_name(&package("m", &["x", "y"])).unwrap_err());
        assert!(several.contains("several binaries (x, y)"), "{several}");
    }

    #[test]
    fn progress_steps_drop_colours_and_paths() {
        let line = "\u{1b}[1m\u{1b}[32m   Compiling\u{1b}[0m foo v0.1.0 (/work/foo)";
        assert_eq!(progress_step(line).as_deref(), Some("Compiling foo v0.1.0"));
        assert_eq!(progress_step("   "), None);
        assert!(log_has_warnings(
            "   Compiling x\nwarning: unused variable\n"
        ));
        assert!(!log_has_warnings("   Compiling x\n    Finished `dev`\n"));
    }
}
