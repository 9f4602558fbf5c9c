//! A module made by `cargo sekoia new`, copied alone to a machine that has never seen sekoia-rs
//! (a fresh CARGO_HOME, crates.io reachable), builds with `--locked`, passes its tests, points
//! at nothing outside itself, and its Dockerfile's builder stage makes the binary from the
//! files of its build context.
//!
//! It downloads the registry and compiles the module twice (debug and release), which takes
//! minutes: it is ignored by `cargo test` and run by `.ci/run`
//! (`cargo test -p cargo-sekoia --test alone -- --ignored --nocapture`).

use std::path::Path;
use std::process::Command;

fn run(command: &mut Command) -> String {
    let output = command.output().expect("the command starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{command:?} failed:\n{text}");
    text
}

/// Every file of `dir` that names `needle`.
fn files_naming(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(current) = todo.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(needle))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
#[ignore = "minutes: a fresh registry and two full builds; .ci/run runs it"]
fn a_new_module_builds_alone_and_its_dockerfile_builds_from_its_context() {
    let scratch = tempfile::tempdir().unwrap();
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    println!(
        "$ cargo sekoia new acme --name \"Acme Cloud\" --description \"Collects Acme Cloud events\""
    );
    let made = scratch.path().join("made");
    std::fs::create_dir(&made).unwrap();
    let mut new = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"));
    new.args(["sekoia", "new", "acme", "--name", "Acme Cloud"])
        .args(["--description", "Collects Acme Cloud events"])
        .current_dir(&made);
    sekoia_tests::without_package_env(&mut new);
    print!("{}", run(&mut new));

    // alone: a copy of the module's directory, and nothing else
    let alone = scratch.path().join("elsewhere/acme");
    std::fs::create_dir_all(alone.parent().unwrap()).unwrap();
    run(Command::new("cp")
        .arg("-r")
        .arg(made.join("acme"))
        .arg(&alone));
    std::fs::remove_dir_all(&made).unwrap();
    let outside: Vec<String> = [checkout.to_str().unwrap(), scratch.path().to_str().unwrap()]
        .iter()
        .flat_map(|needle| files_naming(&alone, needle))
        .collect();
    assert!(
        outside.is_empty(),
        "files that point outside the module: {outside:?}"
    );
    println!("no file of the module names the sekoia-rs checkout or where it was made");

    // a machine that has never seen sekoia-rs: its own CARGO_HOME, its own target directory
    let cargo_home = scratch.path().join("cargo-home");
    let fresh = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO"));
        command
            .args(args)
            .current_dir(&alone)
            .env("CARGO_HOME", &cargo_home)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR");
        sekoia_tests::without_package_env(&mut command);
        command
    };
    println!("$ CARGO_HOME=<fresh> cargo build --locked");
    let built = run(&mut fresh(&["build", "--locked"]));
    println!("{}", built.lines().last().unwrap_or_default());
    println!("$ CARGO_HOME=<fresh> cargo test --locked");
    let tested = run(&mut fresh(&["test", "--locked"]));
    for line in tested.lines().filter(|l| l.starts_with("test ")) {
        println!("{line}");
    }
    assert_eq!(
        tested.matches("test result: ok.").count(),
        tested.matches("test result:").count(),
        "{tested}"
    );
    assert!(tested.contains("hello_greets ... ok"), "{tested}");
    assert!(
        tested.contains("hello_reports_its_greeting ... ok"),
        "{tested}"
    );
    // the Dockerfile's builder stage, on exactly the files of the build context
    std::fs::remove_dir_all(alone.join("target")).unwrap();
    let stage_root = scratch.path().join("builder-stage");
    let files = sekoia_tests::docker_build::context_files(&alone);
    assert!(
        !files.iter().any(|f| f.starts_with("target")),
        "the context holds no target/"
    );
    assert!(files.iter().any(|f| f.starts_with("vendor/sekoia-runtime")));
    let artifacts = sekoia_tests::docker_build::run_builder_stage(
        &alone,
        &stage_root,
        // the registry the first build downloaded (the image's own would download it again)
        &[("CARGO_HOME", cargo_home.as_path())],
    );
    for artifact in &artifacts {
        let size = std::fs::metadata(artifact).unwrap().len();
        println!(
            "the runtime stage copies {} ({size} bytes)",
            artifact.display()
        );
    }
    let binary = &artifacts[0];
    let listed = Command::new(binary).output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned()
        + &String::from_utf8_lossy(&listed.stderr);
    assert!(
        listed.contains("Hello"),
        "the binary lists its components: {listed}"
    );
}
