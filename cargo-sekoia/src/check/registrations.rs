//! The Rust counterpart of Sekoia's `MainPYValidator`: the docker_parameters of the component
//! JSON files are exactly the commands the module binary answers.
//!
//! Instead of searching `main.py` for `module.register(...)` calls, the binary is asked: run
//! with the hidden command `--sekoia-registrations`, it prints its registrations as one JSON
//! object. Each JSON file's docker_parameters must be registered with the kind of its file
//! name, and each registration must have a JSON file. Registering one docker_parameters twice
//! cannot happen: the binary refuses to start.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use sekoia_manifest::{Kind, REGISTRATIONS_COMMAND, Registration, Registrations};

use super::build;
use super::module::Module;

/// How long the binary may take to list its registrations.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Where the errors about the binary are reported: its entry point (Python reports on main.py).
const ENTRY_POINT: &str = "src/main.rs";

/// Why the registrations cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    /// The binary cannot be started.
    #[error("cannot run the module binary {}: {source}", .binary.display())]
    Run {
        /// The binary.
        binary: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The binary did not exit in time.
    #[error("the module binary {} did not list its registrations within {} s", .binary.display(), TIMEOUT.as_secs())]
    Timeout {
        /// The binary.
        binary: PathBuf,
    },
    /// The binary failed.
    #[error("the module binary {} exited with {status} instead of listing its registrations: {stderr}", .binary.display())]
    Failed {
        /// The binary.
        binary: PathBuf,
        /// Its exit status.
        status: ExitStatus,
        /// The first line of its standard error.
        stderr: String,
    },
    /// Its output is not the registrations JSON.
    #[error("cannot read the registrations listed by the module binary {}: {why}", .binary.display())]
    Unreadable {
        /// The binary.
        binary: PathBuf,
        /// What is wrong with the output.
        why: String,
    },
}

/// Checks the registrations of a Rust module against its JSON files: those of `binary` when
/// given, else those of the binary `cargo build` makes.
pub fn check(module: &mut Module, binary: Option<&Path>) {
    let binary = match binary {
        Some(binary) => binary.to_owned(),
        None if !has_package(&module.path("Cargo.toml")) => {
            // a workspace root: building it would build every member, and give no module binary
            module.problem(
                "Cargo.toml",
                "Cargo.toml has no [package]: a module directory is the package of the module binary (src/main.rs)",
            );
            return;
        }
        None => {
            let built = module.built.take().unwrap_or_else(|| prebuilt(module));
            match built {
                Ok(binary) => binary,
                Err(error) => {
                    module.problem("Cargo.toml", error);
                    return;
                }
            }
        }
    };
    match list(&binary, &module.dir) {
        Ok(registrations) => compare(module, &registrations),
        Err(error) => module.problem(ENTRY_POINT, error.to_string()),
    }
}

/// Builds a Rust module before its files are checked: the build writes its manifests (a
/// version bumped in Cargo.toml reaches manifest.json), so one run of the check sees them as
/// they are. The binary is kept for [`check`].
pub fn build_first(module: &mut Module) {
    if has_package(&module.path("Cargo.toml")) {
        module.built = Some(prebuilt(module));
    }
}

fn prebuilt(module: &mut Module) -> Result<PathBuf, String> {
    build::build(module).map_err(|error| error.to_string())
}

/// Whether a Cargo.toml declares a package (a `[package]` table or `package.` keys).
fn has_package(manifest: &Path) -> bool {
    std::fs::read_to_string(manifest).is_ok_and(|text| {
        text.lines().map(str::trim_start).any(|line| {
            line.starts_with("[package]")
                || line.starts_with("package.")
                || line.starts_with("package =")
        })
    })
}

/// Runs the binary with the registrations command, in `dir`, and reads what it prints.
pub fn list(binary: &Path, dir: &Path) -> Result<Vec<Registration>, ListingError> {
    let run_error = |source| ListingError::Run {
        binary: binary.to_owned(),
        source,
    };
    let mut child = Command::new(binary)
        .arg(REGISTRATIONS_COMMAND)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(run_error)?;
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(run_error)? {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ListingError::Timeout {
                    binary: binary.to_owned(),
                });
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let collect = |reader: Option<std::thread::JoinHandle<Vec<u8>>>| {
        String::from_utf8_lossy(&reader.and_then(|r| r.join().ok()).unwrap_or_default())
            .into_owned()
    };
    let (stdout, stderr) = (collect(stdout), collect(stderr));
    if !status.success() {
        let stderr = stderr
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("(nothing on standard error)");
        return Err(ListingError::Failed {
            binary: binary.to_owned(),
            status,
            stderr: stderr.to_owned(),
        });
    }
    parse_registrations(&stdout).map_err(|why| ListingError::Unreadable {
        binary: binary.to_owned(),
        why,
    })
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Reads what a module binary prints for the registrations command.
pub fn parse_registrations(text: &str) -> Result<Vec<Registration>, String> {
    let line = text.trim();
    if !line.starts_with('{') {
        let first = line.lines().next().unwrap_or("");
        return Err(format!(
            "it printed {first:?} instead of its registrations as JSON: is it a sekoia-rs module binary, built with this version of sekoia-runtime?"
        ));
    }
    Registrations::from_json(line)
        .map(|registrations| registrations.components)
        .map_err(|e| format!("its registrations are not the JSON expected: {e}"))
}

/// `an action`, `a trigger`, `a connector`.
fn with_article(kind: Kind) -> String {
    let article = if kind == Kind::Action { "an" } else { "a" };
    format!("{article} {kind}")
}

/// Reports the docker_parameters of the JSON files that the binary does not register with the
/// same kind, and the registrations no JSON file has.
fn compare(module: &mut Module, registrations: &[Registration]) {
    let mut declared: Vec<(Kind, String)> = Vec::new();
    for (file, docker_parameters) in &module.docker_parameters {
        if let Some(kind) = Kind::of_file(file)
            && !declared.contains(&(kind, docker_parameters.clone()))
        {
            declared.push((kind, docker_parameters.clone()));
        }
    }
    let mut messages = Vec::new();
    for (kind, docker_parameters) in &declared {
        let same_command = || {
            registrations
                .iter()
                .filter(|r| &r.docker_parameters == docker_parameters)
        };
        if same_command().any(|r| r.kind == *kind) {
            continue;
        }
        match same_command().next() {
            Some(other) => messages.push(format!(
                "Docker parameter `{docker_parameters}` is registered in the module binary as {}, not as {}",
                with_article(other.kind),
                with_article(*kind)
            )),
            None => messages.push(format!("Docker parameter `{docker_parameters}` is not registered in the module binary")),
        }
    }
    let mut absent: Vec<&str> = Vec::new();
    for registration in registrations {
        let command = registration.docker_parameters.as_str();
        if !declared.iter().any(|(_, d)| d == command) && !absent.contains(&command) {
            absent.push(command);
            messages.push(format!("Docker parameter `{command}` is registered in the module binary, but absent in any JSON"));
        }
    }
    for message in messages {
        module.problem(ENTRY_POINT, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = r#"{"name":"TestHTTP","slug":"testhttp","version":"1.0.0","components":[{"kind":"action","docker_parameters":"Request","name":"Request URL"},{"kind":"trigger","docker_parameters":"NewEntriesTrigger","name":"NewEntriesTrigger"}],"validator":true}
"#;

    fn registration(kind: Kind, docker_parameters: &str, name: &str) -> Registration {
        Registration {
            kind,
            docker_parameters: docker_parameters.into(),
            name: name.into(),
        }
    }

    #[test]
    fn the_registrations_of_a_module_binary_are_read() {
        assert_eq!(
            parse_registrations(PRINTED).unwrap(),
            [
                registration(Kind::Action, "Request", "Request URL"),
                registration(Kind::Trigger, "NewEntriesTrigger", "NewEntriesTrigger"),
            ]
        );
        let old =
            parse_registrations("TestHTTP 1.0.0 (testhttp): a Sekoia.io module\n").unwrap_err();
        assert!(
            old.contains("instead of its registrations as JSON"),
            "{old}"
        );
        let wrong = parse_registrations(r#"{"components": [{"kind": "widget"}]}"#).unwrap_err();
        assert!(wrong.contains("not the JSON expected"), "{wrong}");
    }

    #[test]
    fn registrations_are_compared_by_kind_and_command() {
        let mut module = Module::new(PathBuf::from("/repo/M"));
        module.docker_parameters = vec![
            ("action_a.json".into(), "a".into()),
            ("action_b.json".into(), "b".into()),
            ("trigger_c.json".into(), "c".into()),
        ];
        let registrations = [
            registration(Kind::Action, "a", "A"),
            registration(Kind::Trigger, "b", "B"),
            registration(Kind::Action, "d", "D"),
        ];
        compare(&mut module, &registrations);
        let messages: Vec<&str> = module.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Docker parameter `b` is registered in the module binary as a trigger, not as an action",
                "Docker parameter `c` is not registered in the module binary",
                "Docker parameter `d` is registered in the module binary, but absent in any JSON",
            ]
        );
        assert!(
            module
                .problems
                .iter()
                .all(|p| p.file.ends_with("src/main.rs"))
        );
    }
}
