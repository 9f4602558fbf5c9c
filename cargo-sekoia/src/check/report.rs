//! What `cargo sekoia check` prints on standard output, line for line as Sekoia's checker does:
//! `🔎 <N> module(s) found`, then `<ModuleDir>:<file>:<message>` for each error of each module
//! (modules sorted by path, errors in the order the rules ran), then `❌  Found errors` or
//! `✅  No errors found!`.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::module::{Module, Problem};

/// The first line.
pub fn found(count: usize) -> String {
    format!("🔎 {count} module(s) found")
}

/// The error lines of `modules` (already sorted), leaving out the files of `.complianceignore`.
pub fn lines(modules: &[Module], ignored: &HashSet<PathBuf>) -> Vec<String> {
    modules
        .iter()
        .flat_map(|module| {
            module
                .problems
                .iter()
                .filter(|problem| !ignored.contains(&problem.file))
                .map(move |problem| line(&module.name, problem))
        })
        .collect()
}

/// `<ModuleDir>:<file name>:<message>`.
fn line(module: &str, problem: &Problem) -> String {
    let file = problem
        .file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    format!("{module}:{file}:{}", problem.message)
}

/// The last line.
pub fn verdict(failed: bool) -> &'static str {
    if failed {
        "❌  Found errors"
    } else {
        "✅  No errors found!"
    }
}

/// The automatic fixes Sekoia's checker offers for the problems reported: `FIX <path>:<label>`,
/// the path relative to the directory of the module.
pub fn fixes(modules: &[Module], ignored: &HashSet<PathBuf>) -> Vec<String> {
    modules
        .iter()
        .flat_map(|module| {
            let base = module.dir.parent().unwrap_or(&module.dir).to_owned();
            module
                .problems
                .iter()
                .filter(|problem| !ignored.contains(&problem.file))
                .filter_map(move |problem| {
                    let fix = problem.fix.as_ref()?;
                    Some(format!("FIX {}:{fix}", relative(&problem.file, &base)))
                })
        })
        .collect()
}

/// Prints the error lines, the fixes Sekoia's checker would offer (with `with_fixes`) and the
/// verdict; returns whether there were errors.
pub fn print(modules: &[Module], ignored: &HashSet<PathBuf>, with_fixes: bool) -> io::Result<bool> {
    let lines = lines(modules, ignored);
    let mut out = io::stdout().lock();
    for line in &lines {
        writeln!(out, "{line}")?;
    }
    let fixes = if with_fixes {
        fixes(modules, ignored)
    } else {
        Vec::new()
    };
    if !fixes.is_empty() {
        writeln!(out)?;
        writeln!(out, "🛠 Available automatic fixes (run with `fix` command):")?;
        for fix in &fixes {
            writeln!(out, "{fix}")?;
        }
    }
    writeln!(out, "{}", verdict(!lines.is_empty()))?;
    out.flush()?;
    Ok(!lines.is_empty())
}

/// A path as the messages show it: relative to `base`, with `/` separators.
pub fn relative(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_the_module_and_the_file_and_skip_ignored_files() {
        let mut module = Module::new(PathBuf::from("/repo/Kubernetes"));
        module.problem(
            "manifest.json",
            "`category` is non-existent or doesn't contain any category",
        );
        module.problem("main.py", "hidden");
        let ignored = HashSet::from([PathBuf::from("/repo/Kubernetes/main.py")]);
        assert_eq!(
            lines(&[module], &ignored),
            ["Kubernetes:manifest.json:`category` is non-existent or doesn't contain any category"]
        );
        assert_eq!(verdict(true), "❌  Found errors");
        assert_eq!(verdict(false), "✅  No errors found!");
        assert_eq!(found(2), "🔎 2 module(s) found");
    }
}
