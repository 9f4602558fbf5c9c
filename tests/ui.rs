//! The compile errors a module author sees when misusing `#[module]`, `#[action]`, `#[trigger]`,
//! `#[connector]`, `#[sekoia]` and `Secret`: each case under `ui/` is a crate root, with its expected
//! `.stderr` next to it.

// The `.stderr` files hold rustc's exact output, which changes between compiler releases: they
// were blessed on stable 1.95 and are only compared there. Bless with
// `TRYBUILD=overwrite cargo test -p sekoia-tests --test ui`.
#[rustversion::attr(not(stable(1.95)), ignore)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    for attribute in [
        "module",
        "action",
        "trigger",
        "connector",
        "secret",
        "sekoia",
    ] {
        t.compile_fail(format!("ui/{attribute}/*.rs"));
    }
}
