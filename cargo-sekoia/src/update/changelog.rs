//! The CHANGELOG entry of a release: `## <date> - <version>` under `## Unreleased`, holding
//! what was unreleased and the change made.

/// `text` with a release entry for `version` dated `date`: the content of `## Unreleased`
/// moves into it, and `line` is added to its `### Changed` section (made when missing).
/// `## Unreleased` stays, empty, above it; without one, the entry goes before the first `## `.
pub fn release(text: &str, version: &str, date: &str, line: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_entry = |l: &str| l.starts_with("## ");
    let unreleased = lines.iter().position(|l| {
        is_entry(l)
            && l[3..]
                .trim()
                .trim_matches(['[', ']'])
                .eq_ignore_ascii_case("unreleased")
    });
    let (head_end, body_start) = match unreleased {
        Some(at) => (at + 1, at + 1),
        None => {
            let first = lines
                .iter()
                .position(|l| is_entry(l))
                .unwrap_or(lines.len());
            (first, first)
        }
    };
    let body_end = lines[body_start..]
        .iter()
        .position(|l| is_entry(l))
        .map_or(lines.len(), |i| body_start + i);
    let body: Vec<&str> = if unreleased.is_some() {
        lines[body_start..body_end].to_vec()
    } else {
        Vec::new()
    };
    let body_text: String = body.concat();
    let mut sections = body_text.trim().to_owned();
    let item = format!("- {line}");
    match find_section(&sections, "Changed") {
        Some(end) => sections.insert_str(end, &format!("\n{item}")),
        None => {
            if !sections.is_empty() {
                sections.push_str("\n\n");
            }
            sections.push_str(&format!("### Changed\n\n{item}"));
        }
    }
    let mut out: String = lines[..head_end].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if unreleased.is_some() {
        out.push('\n');
    }
    out.push_str(&format!("## {date} - {version}\n\n{sections}\n\n"));
    let rest_start = if unreleased.is_some() {
        body_end
    } else {
        head_end
    };
    out.push_str(&lines[rest_start..].concat());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Where the list of the `### <name>` section of an entry ends (the end of its last line).
fn find_section(entry: &str, name: &str) -> Option<usize> {
    let heading = format!("### {name}");
    let start = entry
        .match_indices(&heading)
        .find(|(i, _)| *i == 0 || entry.as_bytes()[i - 1] == b'\n')
        .map(|(i, _)| i)?;
    let after = start + heading.len();
    let end = entry[after..]
        .find("\n### ")
        .map_or(entry.len(), |i| after + i);
    Some(entry[..end].trim_end().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "# Changelog\n\nAll notable changes.\n\n";

    #[test]
    fn the_release_takes_what_was_unreleased() {
        let text = format!(
            "{HEAD}## Unreleased\n\n### Added\n\n- A trigger\n\n## 2026-01-02 - 0.1.0\n\n### Added\n\n- Initial version\n"
        );
        assert_eq!(
            release(&text, "0.2.0", "2026-12-02", "Upgrade sekoia-rs to 0.2.0"),
            format!(
                "{HEAD}## Unreleased\n\n## 2026-12-02 - 0.2.0\n\n### Added\n\n- A trigger\n\n### Changed\n\n- Upgrade sekoia-rs to 0.2.0\n\n## 2026-01-02 - 0.1.0\n\n### Added\n\n- Initial version\n"
            )
        );
    }

    #[test]
    fn an_existing_changed_section_gets_the_line() {
        let text = format!(
            "{HEAD}## Unreleased\n\n### Changed\n\n- Faster\n\n### Fixed\n\n- A bug\n\n## 2026-01-02 - 0.1.0\n"
        );
        assert_eq!(
            release(&text, "0.2.0", "2026-12-02", "Upgrade"),
            format!(
                "{HEAD}## Unreleased\n\n## 2026-12-02 - 0.2.0\n\n### Changed\n\n- Faster\n- Upgrade\n\n### Fixed\n\n- A bug\n\n## 2026-01-02 - 0.1.0\n"
            )
        );
    }

    #[test]
    fn without_unreleased_the_entry_goes_first() {
        let text = format!("{HEAD}## 2026-01-02 - 0.1.0\n\n- x\n");
        assert_eq!(
            release(&text, "0.1.1", "2026-12-02", "Upgrade"),
            format!(
                "{HEAD}## 2026-12-02 - 0.1.1\n\n### Changed\n\n- Upgrade\n\n## 2026-01-02 - 0.1.0\n\n- x\n"
            )
        );
    }
}
