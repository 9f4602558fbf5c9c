//! The Rust file of one imported component: its attribute with the identity pinned as the
//! manifest has it, the trait impl whose body is still to port, and its schemas' types.

use std::fmt::Write;

use serde_json::Value;

use sekoia_manifest::dialect::Dialect;
use sekoia_manifest::{Kind, component_file_name, uuid5};

use crate::import::convert::{Converter, Root};
use crate::import::generic_api::ApiClass;
use crate::import::items::Role;
use crate::import::naming::string_literal;
use crate::import::source::{Component, ComponentFile};

/// What the prelude and the file itself already name: types of a component file avoid them.
pub(crate) const PRELUDE: &[&str] = &[
    "AccountValidator",
    "Action",
    "ActionContext",
    "ActionError",
    "AnyArray",
    "AnyObject",
    "AnyValue",
    "Connector",
    "ConnectorContext",
    "ConnectorError",
    "DefaultConnectorConfiguration",
    "Error",
    "Level",
    "Secret",
    "Trigger",
    "TriggerContext",
    "TriggerError",
    "ValidationError",
    "ValidatorContext",
    "JsonSchema",
    "Deserialize",
    "Serialize",
    "String",
    "Vec",
    "Option",
    "Result",
    "Box",
    "Self",
    "Ok",
    "Err",
    "Some",
    "None",
    "std",
];

/// A component file to write, and what it says of the porting left to do.
pub(crate) struct ComponentCode {
    /// `request_action` (the file `src/request_action.rs`).
    pub module: String,
    pub text: String,
    pub escapes: Vec<String>,
}

/// Everything a component file needs to know of the module.
pub(crate) struct Context<'a> {
    pub dialect: &'a Dialect,
    pub module_uuid: &'a str,
    pub module_type: &'a str,
}

/// The file of `component`, named `module`, its struct `struct_name`; `origin` is the Python
/// class it comes from (`<file>:<class>`); `api`, what that class declares when it is a
/// `GenericAPIAction` whose declaration is its whole behaviour (the action is then a
/// declarative one, with nothing to port).
pub(crate) fn write(
    component: &Component,
    module: &str,
    struct_name: &str,
    origin: &str,
    api: Option<&ApiClass>,
    cx: &Context<'_>,
) -> ComponentCode {
    let file = &component.file;
    let mut taken: Vec<&str> = PRELUDE.to_vec();
    taken.extend([cx.module_type, struct_name]);
    let mut converter = Converter::new(cx.dialect, &taken);
    let (arguments_name, results_name) = match file.kind {
        Kind::Action => ("Arguments", "Results"),
        Kind::Trigger | Kind::Connector => ("Configuration", "Results"),
    };
    let arguments = converter.root(&Root {
        schema: file.document.get("arguments").unwrap_or(&Value::Null),
        role: Role::Input,
        name: arguments_name,
        secrets: true,
        fixed: false,
    });
    let results = file.document.get("results").map(|results| {
        converter.root(&Root {
            schema: results,
            role: Role::Output,
            name: results_name,
            secrets: false,
            fixed: false,
        })
    });
    let mut twin_arguments = None;
    let mut twin_results = None;
    if let Some(twin) = &component.twin {
        let ours = file.document.get("arguments");
        let theirs = twin.document.get("arguments");
        if !same_but_title(ours, theirs) {
            twin_arguments = Some(converter.root(&Root {
                schema: theirs.unwrap_or(&Value::Null),
                role: Role::Input,
                name: "TriggerConfiguration",
                secrets: true,
                fixed: false,
            }));
        }
        twin_results = Some(
            converter.root(&Root {
                schema: twin
                    .document
                    .get("results")
                    .unwrap_or(&Value::Object(Default::default())),
                role: Role::Output,
                name: "TriggerResults",
                secrets: false,
                fixed: false,
            }),
        );
    }
    let mut text = String::new();
    let name = file.str("name").unwrap_or_default();
    writeln!(
        text,
        "//! {}: `{}`.",
        kind_word(file.kind),
        name.replace('`', "'")
    )
    .expect("a String");
    writeln!(text).expect("a String");
    let api = api.filter(|_| file.kind == Kind::Action);
    if let Some(api) = api {
        if api.timeout.is_some() {
            writeln!(text, "use std::time::Duration;\n").expect("a String");
        }
        writeln!(text, "use sekoia_runtime::api::{{ApiAction, ApiRequest}};").expect("a String");
    }
    writeln!(text, "use sekoia_runtime::prelude::*;").expect("a String");
    writeln!(text).expect("a String");
    writeln!(text, "use crate::{};", cx.module_type).expect("a String");
    writeln!(text).expect("a String");
    let doc = one_line_doc(file.str("description"));
    if let Some(line) = &doc {
        writeln!(text, "/// {line}").expect("a String");
    }
    let mut args = identity(file, struct_name, cx, doc.is_some());
    if let Some(twin) = &component.twin {
        args.push(twin_argument(
            file,
            twin,
            twin_arguments.as_deref(),
            twin_results.as_deref(),
        ));
    }
    if file.kind == Kind::Connector
        && !file.is_asset()
        && let Some(results) = &results
    {
        args.push(format!("results = {results}"));
    }
    let attribute = if file.is_asset() {
        "asset_connector"
    } else {
        file.kind.as_str()
    };
    write_attribute(&mut text, attribute, &args);
    writeln!(text, "pub struct {struct_name};").expect("a String");
    writeln!(text).expect("a String");
    let message = format!("not ported yet: {origin}");
    let body = format!("Err(Error::new({}))", string_literal(&message));
    let module_type = cx.module_type;
    match (file.kind, file.is_asset()) {
        (Kind::Action, _) if api.is_some() => {
            let results = results.as_deref().unwrap_or("()");
            let request = api.map(api_request).unwrap_or_default();
            write!(
                text,
                "impl ApiAction for {struct_name} {{\n    type Module = {module_type};\n    type Arguments = {arguments};\n    type Results = {results};\n    const REQUEST: ApiRequest = {request};\n}}\n"
            )
            .expect("a String");
        }
        (Kind::Action, _) => {
            let results = results.as_deref().unwrap_or("()");
            write!(
                text,
                "impl Action for {struct_name} {{\n    type Module = {module_type};\n    type Arguments = {arguments};\n    type Results = {results};\n\n    async fn run(\n        &self,\n        _ctx: &ActionContext<Self>,\n        _arguments: {arguments},\n    ) -> Result<{results}, ActionError> {{\n        {body}\n    }}\n}}\n"
            )
            .expect("a String");
        }
        (Kind::Trigger, _) => {
            let results = results.as_deref().unwrap_or("()");
            write!(
                text,
                "impl Trigger for {struct_name} {{\n    type Module = {module_type};\n    type Configuration = {arguments};\n    type Results = {results};\n\n    async fn run(&self, _ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {{\n        {body}\n    }}\n}}\n"
            )
            .expect("a String");
        }
        (Kind::Connector, false) => {
            write!(
                text,
                "impl Connector for {struct_name} {{\n    type Module = {module_type};\n    type Configuration = {arguments};\n\n    async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {{\n        {body}\n    }}\n}}\n"
            )
            .expect("a String");
        }
        (Kind::Connector, true) => {
            write!(
                text,
                "impl AssetConnector for {struct_name} {{\n    type Module = {module_type};\n    type Configuration = {arguments};\n\n    async fn collect(\n        &self,\n        _ctx: &AssetConnectorContext<Self>,\n        _assets: &mut AssetBatches<'_, Self>,\n    ) -> Result<(), Error> {{\n        {body}\n    }}\n}}\n"
            )
            .expect("a String");
        }
    }
    for item in &converter.items {
        writeln!(text).expect("a String");
        text.push_str(&item.render());
    }
    ComponentCode {
        module: module.to_owned(),
        text,
        escapes: converter.escapes,
    }
}

/// The `ApiRequest` constant of a declaration: `ApiRequest::get("x/{id}").query(&["q"])`.
fn api_request(api: &ApiClass) -> String {
    // the verb is one of get, post, put, patch and delete (see `ApiClass::declarative`)
    let mut request = format!(
        "ApiRequest::{}({})",
        api.verb,
        string_literal(&api.endpoint)
    );
    if !api.query.is_empty() {
        let names: Vec<String> = api.query.iter().map(|q| string_literal(q)).collect();
        let one_line = format!("{request}.query(&[{}])", names.join(", "));
        request = if one_line.len() <= 72 {
            one_line
        } else {
            let mut wrapped = format!("{request}\n        .query(&[\n");
            for name in &names {
                writeln!(wrapped, "            {name},").expect("a String");
            }
            wrapped.push_str("        ])");
            wrapped
        };
    }
    if let Some(seconds) = api.timeout {
        if request.contains('\n') {
            write!(
                request,
                "\n        .timeout(Duration::from_secs({seconds}))"
            )
            .expect("a String");
        } else {
            write!(request, ".timeout(Duration::from_secs({seconds}))").expect("a String");
        }
    }
    request
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Action => "The action",
        Kind::Trigger => "The trigger",
        Kind::Connector => "The connector",
    }
}

/// A description as the doc comment the attributes read back exactly: one line, trimmed
/// (they join the lines of a paragraph with spaces).
pub(crate) fn one_line_doc(description: Option<&str>) -> Option<String> {
    let description = description?;
    let clean = !description.is_empty()
        && description.trim() == description
        && !description.chars().any(char::is_control);
    clean.then(|| description.to_owned())
}

/// The attribute's arguments that pin the component's identity as its manifest has it.
fn identity(
    file: &ComponentFile,
    struct_name: &str,
    cx: &Context<'_>,
    documented: bool,
) -> Vec<String> {
    let name = file.str("name").unwrap_or_default();
    let uuid = file.str("uuid").unwrap_or_default();
    let docker_parameters = file.str("docker_parameters").unwrap_or_default();
    let mut args = vec![format!("name = {}", string_literal(name))];
    if let (Some(description), false) = (file.str("description"), documented) {
        args.push(format!("description = {}", string_literal(description)));
    }
    if uuid5(cx.module_uuid, name) != uuid {
        args.push(format!("uuid = {}", string_literal(uuid)));
    }
    if docker_parameters != struct_name {
        args.push(format!(
            "docker_parameters = {}",
            string_literal(docker_parameters)
        ));
    }
    if let Some(slug) = file.str("slug") {
        args.push(format!("slug = {}", string_literal(slug)));
    }
    if component_file_name(file.kind, name) != file.file_name {
        args.push(format!("file = {}", string_literal(&file.file_name)));
    }
    if file.is_asset()
        && let Some(capability) = file.str("capability")
    {
        args.push(format!("capability = {}", string_literal(capability)));
    }
    if let Some(Value::Object(outputs)) = file.document.get("outputs") {
        let pairs: Vec<String> = outputs
            .iter()
            .map(|(branch, description)| {
                format!(
                    "({}, {})",
                    string_literal(branch),
                    string_literal(description.as_str().unwrap_or_default())
                )
            })
            .collect();
        args.push(format!("outputs = [{}]", pairs.join(", ")));
    }
    if let Some(part) = file.str("configuration_part") {
        args.push(format!("configuration_part = {}", string_literal(part)));
    }
    if let Some(Value::Array(required)) = file.document.get("required") {
        let names: Vec<String> = required
            .iter()
            .filter_map(Value::as_str)
            .map(string_literal)
            .collect();
        args.push(format!("required = [{}]", names.join(", ")));
    }
    if file.document.get("webhook") == Some(&Value::Bool(true)) {
        args.push("webhook".to_owned());
    }
    args
}

/// `twin(...)`: what the legacy trigger manifest says that the connector's does not.
fn twin_argument(
    connector: &ComponentFile,
    twin: &ComponentFile,
    arguments: Option<&str>,
    results: Option<&str>,
) -> String {
    let mut parts = Vec::new();
    let derived = format!(
        "trigger_{}",
        connector
            .file_name
            .strip_prefix("connector_")
            .unwrap_or(&connector.file_name)
    );
    if twin.file_name != derived {
        parts.push(format!("file = {}", string_literal(&twin.file_name)));
    }
    for key in ["name", "description"] {
        if twin.str(key) != connector.str(key) {
            parts.push(format!(
                "{key} = {}",
                string_literal(twin.str(key).unwrap_or_default())
            ));
        }
    }
    if let Some(slug) = twin.str("slug") {
        parts.push(format!("slug = {}", string_literal(slug)));
    }
    match arguments {
        Some(arguments) => parts.push(format!("arguments = {arguments}")),
        None => {
            let title = |f: &ComponentFile| {
                f.document
                    .get("arguments")
                    .and_then(|a| a.get("title"))
                    .cloned()
            };
            if title(twin) != title(connector)
                && let Some(Value::String(t)) = title(twin)
            {
                parts.push(format!("arguments_title = {}", string_literal(&t)));
            }
        }
    }
    parts.push(format!("results = {}", results.unwrap_or("()")));
    format!("twin({})", parts.join(", "))
}

/// Whether two schemas are the same but for a root `title` the twin can say by itself (a
/// twin cannot remove one).
fn same_but_title(a: Option<&Value>, b: Option<&Value>) -> bool {
    let (Some(Value::Object(a)), Some(Value::Object(b))) = (a, b) else {
        return a == b;
    };
    let (mut a, mut b) = (a.clone(), b.clone());
    if a.contains_key("title") && !b.contains_key("title") {
        return false;
    }
    a.shift_remove("title");
    b.shift_remove("title");
    a == b
}

/// `#[kind(a, b)]` on one line when it fits, else one argument a line.
fn write_attribute(out: &mut String, attribute: &str, args: &[String]) {
    let one_line = format!("#[{attribute}({})]", args.join(", "));
    if one_line.len() <= 100 && !one_line.contains('\n') {
        writeln!(out, "{one_line}").expect("a String");
        return;
    }
    writeln!(out, "#[{attribute}(").expect("a String");
    for arg in args {
        writeln!(out, "    {arg},").expect("a String");
    }
    writeln!(out, ")]").expect("a String");
}
