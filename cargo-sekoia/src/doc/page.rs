//! The module page, as the Python generator's `module.md` template renders it: the same text
//! and the same blank lines, byte for byte.

use serde_json::Value;

use super::python;

/// What a page is made of.
pub struct PageInput<'a> {
    /// `manifest.json`.
    pub manifest: &'a Value,
    /// The `action_*.json` files, sorted by file name.
    pub actions: &'a [Value],
    /// The `trigger_*.json` files that are not connectors, sorted by file name.
    pub triggers: &'a [Value],
    /// The logo's file name in the documentation's assets (`<slug>.png`), when there is one.
    pub logo: Option<&'a str>,
    /// The set-up section (`CONFIGURE.md`, asset links rewritten), when there is one.
    pub setup: Option<&'a str>,
}

const TABLE_HEAD: &str = "| Name      |  Type   |  Description  |\n\
                          | --------- | ------- | --------------------------- |\n";

/// A value of the manifest as the template prints it: a missing one prints nothing.
pub fn display(value: Option<&Value>) -> String {
    text(value)
}

fn text(value: Option<&Value>) -> String {
    value.map(python::str).unwrap_or_default()
}

/// Jinja's truthiness of a JSON value (a missing one is false).
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::Bool(true)) => true,
    }
}

/// `properties` of a schema, when it is an object (the template iterates its keys).
fn properties(schema: Option<&Value>) -> Option<&serde_json::Map<String, Value>> {
    schema?.get("properties")?.as_object()
}

/// One table row per property: name, type and description (`\n` as `<br/>`).
fn rows(properties: &serde_json::Map<String, Value>, out: &mut String) {
    for (name, schema) in properties {
        let kind = text(schema.get("type"));
        let description = text(schema.get("description")).replace('\n', "<br/>");
        out.push_str(&format!("| `{name}` | `{kind}` | {description} |\n"));
    }
}

/// Renders the page.
pub fn render(input: &PageInput<'_>) -> String {
    let manifest = input.manifest;
    let name = text(manifest.get("name"));
    let mut out = format!(
        "uuid: {}\nname: {name}\ntype: playbook\n\n# {name}",
        text(manifest.get("uuid"))
    );
    if let Some(logo) = input.logo {
        out.push_str(&format!(
            "\n\n![{name}](/assets/playbooks/library/{logo}){{ align=right width=150 }}"
        ));
    }
    out.push_str(&format!(
        "\n\n{}\n\n## Configuration",
        text(manifest.get("description"))
    ));
    let configuration = manifest.get("configuration");
    match properties(configuration) {
        Some(props) if !props.is_empty() => {
            out.push_str("\n\n");
            out.push_str(TABLE_HEAD);
            rows(props, &mut out);
        }
        _ => out.push_str("\n\nThis module accepts no configuration.\n"),
    }

    if !input.triggers.is_empty() {
        out.push_str("\n## Triggers");
        for trigger in input.triggers {
            out.push_str(&format!(
                "\n\n### {}\n\n{}",
                text(trigger.get("name")),
                text(trigger.get("description"))
            ));
            if let Some(props) = properties(trigger.get("arguments")).filter(|p| !p.is_empty()) {
                out.push_str("\n\n**Arguments**\n\n");
                out.push_str(TABLE_HEAD);
                rows(props, &mut out);
            }
            if let Some(props) = properties(trigger.get("results")).filter(|p| !p.is_empty()) {
                out.push_str("\n\n**Outputs**\n\n");
                out.push_str(TABLE_HEAD);
                rows(props, &mut out);
            }
        }
    }

    if !input.actions.is_empty() {
        out.push_str("\n## Actions\n");
        for action in input.actions {
            out.push_str(&format!(
                "\n### {}\n\n{}",
                text(action.get("name")),
                text(action.get("description"))
            ));
            let arguments = properties(action.get("arguments")).filter(|p| !p.is_empty());
            // the template's `action.arguments.properties.description`: an argument named
            // "description" prints its schema, as Python prints a dict
            if let Some(description) = arguments
                .and_then(|p| p.get("description"))
                .filter(|d| truthy(Some(d)))
            {
                out.push_str(&format!(
                    "\n\n**Configuration**\n\n{}",
                    python::str(description)
                ));
            }
            if let Some(props) = arguments {
                out.push_str("\n\n**Arguments**\n\n");
                out.push_str(TABLE_HEAD);
                rows(props, &mut out);
            }
            let results = action.get("results").filter(|r| truthy(Some(r)));
            if let Some(props) = properties(results).filter(|p| !p.is_empty()) {
                out.push_str("\n\n**Outputs**\n\n");
                out.push_str(TABLE_HEAD);
                rows(props, &mut out);
            }
        }
    }

    if let Some(setup) = input.setup.filter(|s| !s.is_empty()) {
        out.push_str(&format!("\n## Set up\n\n{setup}"));
    }
    out.push_str(&format!(
        "\n\n## Extra\n\nModule **`{name}` v{}**",
        text(manifest.get("version"))
    ));
    out
}
