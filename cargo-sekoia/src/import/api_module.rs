//! The `impl ApiModule` of a module whose actions are declarative: its base URL and
//! authentication, read from the configuration fields the Python `GenericAPIAction` reads.

use std::fmt::Write;

use super::generic_api::{ApiClass, Headers};
use super::items::{Doc, Field, Struct};
use super::naming::string_literal;

/// What the module needs for its declarative actions.
pub(crate) struct ApiModuleCode {
    /// The `impl ApiModule for ...` block.
    pub text: String,
    /// What could not be read, to port by hand.
    pub not_ported: Option<String>,
}

/// The impl for `module` (whose struct gains the fields the Python action reads from the
/// configuration without its schema declaring them, skipped in the schema).
pub(crate) fn write(module: &mut Struct, apis: &[ApiClass]) -> ApiModuleCode {
    let first = &apis[0];
    let mut not_ported = None;
    let fallback = first.base_url.clone().unwrap_or_default();
    let base_url = match field_type(module, "base_url").as_deref() {
        Some("String") => format!(
            "if self.base_url.is_empty() {{\n            {}\n        }} else {{\n            &self.base_url\n        }}",
            string_literal(&fallback)
        ),
        Some("Option<String>") | None => {
            if field_type(module, "base_url").is_none() {
                hidden(module, "base_url", "Option<String>");
            }
            format!(
                "self.base_url\n            .as_deref()\n            .filter(|url| !url.is_empty())\n            .unwrap_or({})",
                string_literal(&fallback)
            )
        }
        Some(other) => {
            not_ported = Some(format!(
                "ApiModule::base_url: the field base_url is a {other}"
            ));
            string_literal(&fallback)
        }
    };
    let auth = match &first.headers {
        None => key(module, "api_key").map(|key| format!("{key}.map(Auth::bearer)")),
        Some(Headers::Key { header, field }) => key(module, field).map(|key| {
            format!(
                "{key}.map(|key| Auth::header({}, key))",
                string_literal(header)
            )
        }),
        Some(Headers::Query { param, field }) => key(module, field).map(|key| {
            format!(
                "{key}.map(|key| Auth::query({}, key))",
                string_literal(param)
            )
        }),
        Some(Headers::Basic { user, password }) => {
            match (login(module, user), password_of(module, password)) {
                (Some(user), Some(password)) => {
                    Some(format!("Some(Auth::basic({user}, {password}))"))
                }
                _ => None,
            }
        }
        Some(Headers::Unread) => None,
    };
    let auth = auth.unwrap_or_else(|| {
        not_ported.get_or_insert_with(|| {
            "ApiModule::auth: the get_headers of the Python actions".to_owned()
        });
        "None".to_owned()
    });
    if apis
        .iter()
        .any(|a| a.headers != first.headers || a.base_url != first.base_url)
    {
        not_ported.get_or_insert_with(|| {
            "ApiModule: the actions authenticate in different ways; this is the first's".to_owned()
        });
    }
    let mut text = String::new();
    write!(
        text,
        "\n/// Where the declarative actions send their requests, as the Python `GenericAPIAction`:\n/// the configuration's `base_url`, and its key.\nimpl ApiModule for {} {{\n    fn base_url(&self) -> &str {{\n        {base_url}\n    }}\n\n    fn auth(&self) -> Option<Auth> {{\n        {auth}\n    }}\n}}\n",
        module.name
    )
    .expect("a String");
    ApiModuleCode { text, not_ported }
}

fn field_type(module: &Struct, name: &str) -> Option<String> {
    module
        .fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.ty.clone())
}

/// A field the schema does not declare but the platform may send: read, not described.
fn hidden(module: &mut Struct, name: &str, ty: &str) {
    module.fields.push(Field {
        doc: Doc::Lines(vec![format!(
            "`{name}`, which the platform may give though the manifest does not declare it"
        )]),
        sekoia: Vec::new(),
        attrs: vec![
            "#[serde(default)]".to_owned(),
            "#[schemars(skip)]".to_owned(),
        ],
        name: name.to_owned(),
        ty: ty.to_owned(),
    });
}

/// An `Option<Secret<String>>` expression of the field `name`, empty values left out.
fn key(module: &mut Struct, name: &str) -> Option<String> {
    let expression = match field_type(module, name).as_deref() {
        Some("Secret<String>") => format!("Some(self.{name}.clone())"),
        Some("Option<Secret<String>>") => format!("self.{name}.clone()"),
        Some("String") => format!("Some(Secret::new(self.{name}.clone()))"),
        Some("Option<String>") => format!("self.{name}.clone().map(Secret::new)"),
        None => {
            hidden(module, name, "Option<Secret<String>>");
            format!("self.{name}.clone()")
        }
        Some(_) => return None,
    };
    Some(format!(
        "{expression}\n            .filter(|key| !key.expose().is_empty())\n            "
    ))
}

/// The basic login of the field `name`, as a `String` (`?` when it may be absent).
fn login(module: &mut Struct, name: &str) -> Option<String> {
    Some(match field_type(module, name).as_deref() {
        Some("String") => format!("self.{name}.clone()"),
        Some("Option<String>") => format!("self.{name}.clone()?"),
        Some("Secret<String>") => format!("self.{name}.expose().clone()"),
        Some("Option<Secret<String>>") => format!("self.{name}.as_ref()?.expose().clone()"),
        None => {
            hidden(module, name, "Option<String>");
            format!("self.{name}.clone()?")
        }
        Some(_) => return None,
    })
}

/// The basic password of the field `name`, as a `Secret<String>`.
fn password_of(module: &mut Struct, name: &str) -> Option<String> {
    Some(match field_type(module, name).as_deref() {
        Some("Secret<String>") => format!("self.{name}.clone()"),
        Some("Option<Secret<String>>") => format!("self.{name}.clone()?"),
        Some("String") => format!("Secret::new(self.{name}.clone())"),
        Some("Option<String>") => format!("Secret::new(self.{name}.clone()?)"),
        None => {
            hidden(module, name, "Option<Secret<String>>");
            format!("self.{name}.clone()?")
        }
        Some(_) => return None,
    })
}
