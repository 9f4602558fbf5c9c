//! JSON files as Python reads and writes them, and the rule of the automation-library's
//! `linter.py`: every JSON file of a module equals `json.dumps(json.loads(text), indent=2)`,
//! byte for byte (two-space indent, key order kept, non-ASCII escaped, no trailing newline).

use std::path::Path;

use serde_json::Value;

use super::module::{Module, files_under};
use super::report::relative;

/// Why a JSON file cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    /// It is not UTF-8 text.
    #[error("it is not UTF-8 text")]
    Encoding,
    /// It is not JSON.
    #[error("{0}")]
    Syntax(#[from] serde_json::Error),
}

/// Reads a file as Python's `open(path, "rt").read()`: UTF-8, with `\r\n` and `\r` read as `\n`.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path)?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::Encoding)?;
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// Loads a JSON file as Python's `json.load`.
pub fn load(path: &Path) -> Result<Value, LoadError> {
    Ok(serde_json::from_str(&read_text(path)?)?)
}

/// Marks an integer too big for 64 bits while it goes through `serde_json` as a string.
const BIG_INTEGER: char = '\u{e000}';

/// `json.dumps(json.loads(text), indent=2)`.
///
/// Python keeps integers of any size, `serde_json` makes a float of those beyond 64 bits: they
/// go through as marked strings and come out as the digits they were (a JSON integer has no
/// leading zero, so Python writes it back as it is).
pub fn python_dumps(text: &str) -> Result<String, serde_json::Error> {
    let (protected, big) = protect_big_integers(text);
    let dumped = sekoia_manifest::pyjson::dumps(&serde_json::from_str(&protected)?);
    if !big {
        return Ok(dumped);
    }
    let marker = format!("\"\\u{:04x}", BIG_INTEGER as u32);
    let mut out = String::with_capacity(dumped.len());
    let mut rest = dumped.as_str();
    while let Some(at) = rest.find(&marker) {
        out.push_str(&rest[..at]);
        let digits = &rest[at + marker.len()..];
        let end = digits.find('"').unwrap_or(digits.len());
        out.push_str(&digits[..end]);
        rest = digits.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Puts the integers beyond 64 bits of a JSON text in marked strings; says whether there were.
fn protect_big_integers(text: &str) -> (String, bool) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied, mut big) = (0, 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let number = &text[start..i];
                let digits = number.strip_prefix('-').unwrap_or(number);
                let integer = !digits.is_empty()
                    && !digits.starts_with('0')
                    && digits.bytes().all(|b| b.is_ascii_digit());
                if integer && number.parse::<i64>().is_err() && number.parse::<u64>().is_err() {
                    out.push_str(&text[copied..start]);
                    out.push('"');
                    out.push(BIG_INTEGER);
                    out.push_str(number);
                    out.push('"');
                    copied = i;
                    big = true;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    (out, big)
}

/// Checks that every JSON file of the module is formatted as `json.dumps(obj, indent=2)`.
pub fn check(module: &mut Module) {
    for path in files_under(&module.dir, ".json") {
        if module.unreadable.contains(&path) {
            continue;
        }
        let shown = format!("{}/{}", module.name, relative(&path, &module.dir));
        let relative = path.strip_prefix(&module.dir).unwrap_or(&path).to_owned();
        match read_text(&path).and_then(|text| Ok((python_dumps(&text)?, text))) {
            Ok((expected, text)) => {
                if expected != text {
                    module.problem(relative, format!("File {shown} is not formatted correctly"));
                }
            }
            Err(error) => {
                module.problem(relative, format!("File {shown} is not valid JSON: {error}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_64_bits_keep_their_digits() {
        let text = "{\n  \"serial\": 178807841674453286294070220189617401624,\n  \"n\": [-99999999999999999999, 1.5, \"12345678901234567890123\"]\n}";
        let expected = "{\n  \"serial\": 178807841674453286294070220189617401624,\n  \"n\": [\n    -99999999999999999999,\n    1.5,\n    \"12345678901234567890123\"\n  ]\n}";
        assert_eq!(python_dumps(text).unwrap(), expected);
        assert_eq!(python_dumps(expected).unwrap(), expected);
        // what is not a JSON integer stays invalid
        assert!(python_dumps("[-]").is_err());
        assert!(python_dumps("[012345678901234567890123]").is_err());
    }

    #[test]
    fn python_formatted_files_pass_and_others_are_named() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("Mod");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::create_dir_all(dir.join("target/debug")).unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        std::fs::write(dir.join("good.json"), "{\n  \"name\": \"Caf\\u00e9\"\n}").unwrap();
        std::fs::write(dir.join("crlf.json"), "{\r\n  \"a\": 1\r\n}").unwrap();
        std::fs::write(dir.join("sub/newline.json"), "{\n  \"a\": 1\n}\n").unwrap();
        std::fs::write(dir.join("broken.json"), "{").unwrap();
        std::fs::write(dir.join("target/debug/x.json"), "{ }").unwrap();
        std::fs::write(dir.join(".hidden/x.json"), "{ }").unwrap();
        let mut module = Module::new(dir);
        check(&mut module);
        let messages: Vec<&str> = module.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "File Mod/broken.json is not valid JSON: EOF while parsing an object at line 1 column 1",
                "File Mod/sub/newline.json is not formatted correctly",
            ]
        );
    }
}
