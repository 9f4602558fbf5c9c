//! The examples' Dockerfiles build the release binary and ship it alone, as a non-root user.

use sekoia_tests::{dockerfile, example};

#[test]
fn example_dockerfiles_have_the_shape_sekoia_needs() {
    for (module, binary) in [
        ("testhttp", "testhttp"),
        ("sample", "sample"),
        ("conformance", "conformance"),
        ("cyberark", "cyberark"),
        ("http", "http-module"),
        ("rss", "rss-module"),
    ] {
        let text = std::fs::read_to_string(example(module).join("Dockerfile")).unwrap();
        let problems = dockerfile::problems(&text, binary);
        assert!(
            problems.is_empty(),
            "examples/{module}/Dockerfile: {problems:#?}"
        );
    }
}

#[test]
fn the_check_finds_what_is_wrong() {
    let bad = "FROM rust:1.95 AS builder\nRUN cargo build\nFROM rust:1.95\nCOPY target/release/x /x\nENTRYPOINT /x\n";
    let problems = dockerfile::problems(bad, "x");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("must not ship the toolchain")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("cargo build --release --locked")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("USER sekoiaio-runtime")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("exec form")),
        "{problems:?}"
    );
    assert_eq!(
        dockerfile::instructions("RUN a \\\n  && b\n# c\nUSER u"),
        [
            ("RUN".into(), "a  && b".into()),
            ("USER".into(), "u".into())
        ]
    );
}
