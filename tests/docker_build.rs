//! A Docker build without a Docker engine: the files the build context holds (`.dockerignore`
//! honoured, as Docker reads it) and the builder stage's steps executed on them in a scratch
//! directory that stands for the stage's file system.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `.dockerignore` rule: path segments (`**` matches any number of them), negated by `!`.
struct Rule {
    segments: Vec<String>,
    negated: bool,
}

/// The rules of a `.dockerignore`, in order (the last one that matches a path decides).
pub struct DockerIgnore {
    rules: Vec<Rule>,
}

impl DockerIgnore {
    /// Reads `<context>/.dockerignore`; no file means no rule.
    pub fn read(context: &Path) -> DockerIgnore {
        let text = std::fs::read_to_string(context.join(".dockerignore")).unwrap_or_default();
        DockerIgnore::parse(&text)
    }

    /// Parses the rules: one pattern a line, `#` comments, a leading `/` or `./` is the context
    /// root (every pattern is relative to it), `!` re-includes.
    pub fn parse(text: &str) -> DockerIgnore {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                let (negated, pattern) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let segments = pattern
                    .split('/')
                    .filter(|s| !s.is_empty() && *s != ".")
                    .map(str::to_owned)
                    .collect();
                Rule { segments, negated }
            })
            .collect();
        DockerIgnore { rules }
    }

    /// Whether the context leaves out `relative` (a path inside it): a path is left out when
    /// it, or a folder above it, is matched last by a rule that is not negated.
    pub fn excludes(&self, relative: &Path) -> bool {
        let segments: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (1..=segments.len()).any(|len| self.matched(&segments[..len]))
    }

    fn matched(&self, path: &[String]) -> bool {
        let mut excluded = false;
        for rule in &self.rules {
            if segments_match(&rule.segments, path) {
                excluded = !rule.negated;
            }
        }
        excluded
    }
}

fn segments_match(pattern: &[String], path: &[String]) -> bool {
    match (pattern.first(), path.first()) {
        (None, None) => true,
        (Some(p), _) if p == "**" => {
            segments_match(&pattern[1..], path)
                || (!path.is_empty() && segments_match(pattern, &path[1..]))
        }
        (Some(p), Some(s)) => {
            glob(p.as_bytes(), s.as_bytes()) && segments_match(&pattern[1..], &path[1..])
        }
        _ => false,
    }
}

/// `*` (any run of characters) and `?` (one character) within one path segment.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            glob(&pattern[1..], text) || (!text.is_empty() && glob(pattern, &text[1..]))
        }
        (Some(b'?'), Some(_)) => glob(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p == t => glob(&pattern[1..], &text[1..]),
        _ => false,
    }
}

/// The files of the build context of `dir`, relative to it, sorted.
pub fn context_files(dir: &Path) -> Vec<PathBuf> {
    let ignore = DockerIgnore::read(dir);
    let mut files = Vec::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(relative) = todo.pop() {
        let entries = std::fs::read_dir(dir.join(&relative)).expect("the context is readable");
        for entry in entries {
            let entry = entry.expect("the context is readable");
            let path = relative.join(entry.file_name());
            if ignore.excludes(&path) {
                continue;
            }
            if entry.file_type().expect("a file type").is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Copies the build context of `dir` (exactly [`context_files`]) into `into`.
pub fn copy_context(dir: &Path, into: &Path) -> Vec<PathBuf> {
    let files = context_files(dir);
    for file in &files {
        let target = into.join(file);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("a scratch folder");
        std::fs::copy(dir.join(file), &target).expect("a copied file");
    }
    files
}

/// What the builder stage does, read from the Dockerfile.
#[derive(Debug)]
pub struct BuilderStage {
    /// `WORKDIR`.
    pub workdir: String,
    /// `COPY` (source, destination) and `RUN` commands, in order.
    pub steps: Vec<Step>,
    /// The files the next stage copies out of this one (`COPY --from=builder <path> ...`).
    pub artifacts: Vec<String>,
}

/// One step of the builder stage.
#[derive(Debug)]
pub enum Step {
    /// `COPY <source> <destination>` from the context.
    Copy(String, String),
    /// `RUN <shell command>`.
    Run(String),
    /// `ENV <name>=<value>`.
    Env(String, String),
}

/// Reads the first stage of a two-stage Dockerfile (see [`crate::dockerfile::problems`]).
pub fn builder_stage(dockerfile: &str) -> BuilderStage {
    let instructions = crate::dockerfile::instructions(dockerfile);
    let mut stage = BuilderStage {
        workdir: "/".into(),
        steps: Vec::new(),
        artifacts: Vec::new(),
    };
    let mut froms = 0;
    for (keyword, arguments) in instructions {
        if keyword == "FROM" {
            froms += 1;
            continue;
        }
        if froms == 1 {
            match keyword.as_str() {
                "WORKDIR" => stage.workdir = arguments,
                "RUN" => stage.steps.push(Step::Run(arguments)),
                "COPY" => {
                    let parts: Vec<&str> = arguments.split_whitespace().collect();
                    assert_eq!(parts.len(), 2, "COPY <source> <destination>: {arguments}");
                    stage
                        .steps
                        .push(Step::Copy(parts[0].into(), parts[1].into()));
                }
                "ENV" => {
                    let (name, value) = arguments
                        .split_once(['=', ' '])
                        .expect("ENV <name>=<value>");
                    stage
                        .steps
                        .push(Step::Env(name.into(), value.trim().into()));
                }
                other => panic!("the builder stage has `{other}`, which this test does not run"),
            }
        } else if keyword == "COPY"
            && let Some(rest) = arguments.strip_prefix("--from=builder ")
        {
            let source = rest.split_whitespace().next().expect("a source");
            stage.artifacts.push(source.to_owned());
        }
    }
    stage
}

/// Executes the builder stage of `module_dir`'s Dockerfile in `root`, which stands for the
/// stage's file system: its `WORKDIR` is `root/<workdir>`, `COPY . .` copies the build context,
/// `RUN` runs in `sh` there with `environment`. Returns the artifacts the runtime stage takes,
/// mapped into `root`, after checking they exist.
pub fn run_builder_stage(
    module_dir: &Path,
    root: &Path,
    environment: &[(&str, &Path)],
) -> Vec<PathBuf> {
    let dockerfile = std::fs::read_to_string(module_dir.join("Dockerfile"))
        .expect("the module has a Dockerfile");
    let stage = builder_stage(&dockerfile);
    let inside = |path: &str| root.join(path.trim_start_matches('/'));
    let workdir = inside(&stage.workdir);
    std::fs::create_dir_all(&workdir).expect("the work directory");
    let mut variables: Vec<(String, String)> = Vec::new();
    for step in &stage.steps {
        match step {
            Step::Copy(source, destination) => {
                assert_eq!(
                    (source.as_str(), destination.as_str()),
                    (".", "."),
                    "only `COPY . .` is run here"
                );
                let files = copy_context(module_dir, &workdir);
                println!("COPY . . ({} files of the context)", files.len());
            }
            Step::Env(name, value) => variables.push((name.clone(), value.clone())),
            Step::Run(command) => {
                println!("RUN {command}");
                let mut run = Command::new("sh");
                // the image's environment: no target directory elsewhere than the stage's
                run.args(["-c", command])
                    .current_dir(&workdir)
                    .env_remove("CARGO_TARGET_DIR")
                    .env_remove("CARGO_BUILD_TARGET_DIR");
                for (name, value) in environment {
                    run.env(name, value);
                }
                for (name, value) in &variables {
                    run.env(name, value);
                }
                crate::without_package_env(&mut run);
                let status = run.status().expect("sh runs");
                assert!(status.success(), "`RUN {command}` failed: {status}");
            }
        }
    }
    stage
        .artifacts
        .iter()
        .map(|artifact| {
            let path = inside(artifact);
            assert!(path.is_file(), "the builder stage made no {artifact}");
            path
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_rules_are_anchored_at_the_context_root() {
        let ignore =
            DockerIgnore::parse("# built\n/target\n**/*.rs.bk\n.git\nlogs/*\n!logs/keep\n");
        assert!(ignore.excludes(Path::new("target")));
        assert!(ignore.excludes(Path::new("target/release/m")));
        assert!(!ignore.excludes(Path::new("m_modules/target")), "anchored");
        assert!(ignore.excludes(Path::new("src/a.rs.bk")));
        assert!(ignore.excludes(Path::new(".git/HEAD")));
        assert!(ignore.excludes(Path::new("logs/today")));
        assert!(!ignore.excludes(Path::new("logs/keep")));
        assert!(!ignore.excludes(Path::new("src/main.rs")));
        assert!(DockerIgnore::parse("**/target").excludes(Path::new("a/b/target/x")));
    }

    #[test]
    fn the_builder_stage_is_read_from_the_dockerfile() {
        let stage = builder_stage(
            "FROM rust:1.95 AS builder\nWORKDIR /build\nCOPY . .\nRUN cargo build --release\n\
             FROM debian\nCOPY --from=builder /build/target/release/m /usr/local/bin/m\n",
        );
        assert_eq!(stage.workdir, "/build");
        assert_eq!(stage.artifacts, ["/build/target/release/m"]);
        assert!(
            matches!(&stage.steps[..], [Step::Copy(_, _), Step::Run(c)] if c == "cargo build --release")
        );
    }
}
