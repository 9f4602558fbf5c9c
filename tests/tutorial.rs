//! The tutorial's code is the TestHTTP example, whole: every file of `examples/testhttp` that
//! holds code is shown in `docs/tutorial.md`, each in a block that starts with a comment naming
//! it, and each block is the file, byte for byte. The example is built and tested with the
//! workspace, so the tutorial's code compiles and passes its tests.

use std::path::Path;

/// `(path, body)` of every fenced block of `markdown` whose first line is `// <path>` or
/// `# <path>`.
fn file_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("```") || line.len() == 3 {
            continue;
        }
        let mut body: Vec<&str> = Vec::new();
        for inner in lines.by_ref() {
            if inner == "```" {
                break;
            }
            body.push(inner);
        }
        let Some(first) = body.first() else { continue };
        let named = first
            .strip_prefix("// ")
            .or_else(|| first.strip_prefix("# "))
            .filter(|p| !p.contains(' ') && p.contains('.'));
        if let Some(path) = named {
            blocks.push((path.to_owned(), body[1..].join("\n") + "\n"));
        }
    }
    blocks
}

#[test]
fn the_tutorial_shows_every_file_of_the_example_as_it_is() {
    let root = sekoia_tests::repo_root();
    let tutorial = std::fs::read_to_string(root.join("docs/tutorial.md")).unwrap();
    let example = root.join("examples/testhttp");
    let blocks = file_blocks(&tutorial);
    for (path, body) in &blocks {
        let file = example.join(path);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("the tutorial shows {path}, which the example lacks: {e}"));
        assert!(
            *body == text,
            "docs/tutorial.md's {path} is not examples/testhttp/{path}; copy the file into the tutorial"
        );
    }
    // the manifests differ: the example's take their versions from this workspace
    let mut code = vec!["build.rs".to_owned()];
    for dir in ["src", "testhttp_modules/src", "tests"] {
        for entry in std::fs::read_dir(example.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if Path::new(&name).extension().is_some_and(|e| e == "rs") {
                code.push(format!("{dir}/{name}"));
            }
        }
    }
    let shown: Vec<&str> = blocks.iter().map(|(p, _)| p.as_str()).collect();
    let missing: Vec<&String> = code
        .iter()
        .filter(|f| !shown.contains(&f.as_str()))
        .collect();
    assert!(missing.is_empty(), "the tutorial does not show {missing:?}");
}
