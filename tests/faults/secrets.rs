//! Secret canaries: a secret rendered every way a message can render it (as it is, `{:?}`,
//! JSON, a URL, a panic, a log field) never leaves the process, in any output or request.

use sekoia_emulator::Emulator;
use serde_json::json;

use crate::harness::{Case, case, conformance};

const CATEGORY: &str = "secrets";

/// Canaries with the characters that renderings escape: quotes, spaces, backslashes, percent
/// signs, slashes and non-ASCII letters.
const CANARIES: [&str; 5] = [
    "CAN\"ARY-quote-QZXW",
    "CANARY with spaces QZXW",
    "CANÄRY/ü-QZXW",
    "CAN\\ARY-backslash-QZXW",
    "CAN%ARY-percent-QZXW",
];

const FORMS: [&str; 6] = ["error", "debug", "json", "url", "panic", "log"];

/// The end of every canary, which no rendering changes (and no id or date holds).
const CORE: &str = "QZXW";

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for canary in CANARIES {
        for form in FORMS {
            cases.push(case(CATEGORY, format!("{form} of {canary:?}"), move || {
                let emulator = Emulator::builder()
                    .secrets(json!({"api_key": canary}))
                    .start();
                let outcome = conformance("Render")
                    .module_configuration(json!({}))
                    .arguments(json!({"form": form}))
                    .run(&emulator)
                    .unwrap();
                assert!(!outcome.timed_out, "{outcome}");
                let mut seen = vec![
                    ("stdout", outcome.stdout.clone()),
                    ("stderr", outcome.stderr.clone()),
                ];
                for request in &outcome.requests {
                    // the platform hands the secret over in its reply, never in a request
                    seen.push((
                        "a request",
                        request
                            .body
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                    ));
                    seen.push((
                        "a request's URL",
                        format!(
                            "{}?{}",
                            request.path,
                            request.query.clone().unwrap_or_default()
                        ),
                    ));
                }
                for (place, text) in &seen {
                    assert!(
                        !text.contains(CORE),
                        "the secret leaked in {place}: {text}\n{outcome}"
                    );
                }
                assert!(
                    outcome.stderr.contains("[REDACTED]"),
                    "the rendering was there, scrubbed: {outcome}"
                );
            }));
        }
    }
    cases
}
