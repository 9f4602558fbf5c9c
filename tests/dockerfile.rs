//! A static check of a module's Dockerfile: what the image must be for Sekoia, without a Docker
//! engine (`.ci/run` also runs hadolint on them).

/// One instruction: the keyword (upper-case) and its arguments, continuation lines joined.
pub fn instructions(dockerfile: &str) -> Vec<(String, String)> {
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in dockerfile.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                joined.push(std::mem::take(&mut current));
            }
        }
    }
    joined
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (keyword, rest) = l
                .trim()
                .split_once(char::is_whitespace)
                .unwrap_or((l.trim(), ""));
            (keyword.to_uppercase(), rest.trim().to_owned())
        })
        .collect()
}

/// Checks the shape Sekoia needs: a Rust builder stage making the release binary, a runtime
/// stage without the toolchain, the non-root user `sekoiaio-runtime`, the binary as entrypoint
/// (the platform passes docker_parameters as its argument). Returns the problems.
pub fn problems(dockerfile: &str, binary: &str) -> Vec<String> {
    let instructions = instructions(dockerfile);
    let mut problems = Vec::new();
    let froms: Vec<usize> = instructions
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k == "FROM")
        .map(|(i, _)| i)
        .collect();
    if froms.len() != 2 {
        problems.push(format!(
            "expected two stages (builder, runtime), found {} FROM",
            froms.len()
        ));
        return problems;
    }
    let builder = &instructions[froms[0]].1;
    if !(builder.starts_with("rust:") && builder.to_lowercase().ends_with(" as builder")) {
        problems.push(format!(
            "the first stage must be `FROM rust:<version> AS builder`, found `FROM {builder}`"
        ));
    }
    let runtime = &instructions[froms[1]].1;
    if runtime.starts_with("rust") {
        problems.push(format!(
            "the runtime stage must not ship the toolchain: `FROM {runtime}`"
        ));
    }
    let build_stage = &instructions[froms[0]..froms[1]];
    if !build_stage.iter().any(|(k, a)| {
        k == "RUN" && a.contains("cargo build --release --locked") && a.contains(binary)
    }) {
        problems.push(format!(
            "the builder stage must run `cargo build --release --locked` for `{binary}`"
        ));
    }
    let runtime_stage = &instructions[froms[1]..];
    let target = format!("/usr/local/bin/{binary}");
    if !runtime_stage.iter().any(|(k, a)| {
        k == "COPY"
            && a.starts_with("--from=builder")
            && a.contains(&format!("target/release/{binary} "))
            && a.ends_with(&target)
    }) {
        problems.push(format!(
            "the runtime stage must copy target/release/{binary} to {target}"
        ));
    }
    if !runtime_stage
        .iter()
        .any(|(k, a)| k == "RUN" && a.contains("useradd") && a.contains("sekoiaio-runtime"))
    {
        problems.push("the runtime stage must create the user sekoiaio-runtime".to_owned());
    }
    let user = runtime_stage.iter().rposition(|(k, _)| k == "USER");
    match user {
        Some(i) if runtime_stage[i].1 == "sekoiaio-runtime" => {}
        _ => problems.push("the image must run as `USER sekoiaio-runtime`".to_owned()),
    }
    match runtime_stage.last() {
        Some((k, a)) if k == "ENTRYPOINT" && a == &format!("[\"{target}\"]") => {}
        other => problems.push(format!(
            "the last instruction must be `ENTRYPOINT [\"{target}\"]` (exec form), found {other:?}"
        )),
    }
    problems
}
