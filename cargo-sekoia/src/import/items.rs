//! The Rust items an import writes for schemas (structs, enums of values, unions), and their
//! source text, formatted as `rustfmt` would.

use std::fmt::Write;

use crate::import::naming::string_literal;

/// Whether a type is read from the platform or sent to it: its derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Arguments and configurations: `Deserialize`.
    Input,
    /// Results and events: `Serialize`.
    Output,
}

impl Role {
    fn derives(self) -> &'static str {
        match self {
            Role::Input => "Deserialize, JsonSchema",
            Role::Output => "Serialize, JsonSchema",
        }
    }
}

/// A description: doc comment lines when the text reads back exactly from them, else an
/// attribute that holds it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Doc {
    /// None.
    None,
    /// `/// line` for each line.
    Lines(Vec<String>),
    /// The text, for `description = "..."`.
    Text(String),
}

impl Doc {
    /// The doc of `text`: lines when schemars reads them back as `text` (it trims the whole and
    /// makes a leading `#` a title), the text otherwise.
    pub(crate) fn of(text: Option<&str>) -> Doc {
        let Some(text) = text else {
            return Doc::None;
        };
        let clean = !text.is_empty()
            && text.trim() == text
            && !text.starts_with('#')
            && !text.chars().any(|c| c.is_control() && c != '\n');
        if clean {
            Doc::Lines(text.split('\n').map(str::to_owned).collect())
        } else {
            Doc::Text(text.to_owned())
        }
    }

    fn write(&self, out: &mut String, indent: &str) {
        if let Doc::Lines(lines) = self {
            for line in lines {
                if line.is_empty() {
                    writeln!(out, "{indent}///").expect("a String");
                } else {
                    writeln!(out, "{indent}/// {line}").expect("a String");
                }
            }
        }
    }
}

/// A field of a struct.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub doc: Doc,
    /// `#[sekoia(...)]` arguments, in order.
    pub sekoia: Vec<String>,
    /// Other attributes (`#[serde(rename = "...")]`, `#[schemars(length(...))]`), whole.
    pub attrs: Vec<String>,
    pub name: String,
    pub ty: String,
}

/// A struct of a schema's properties.
#[derive(Debug, Clone)]
pub(crate) struct Struct {
    pub name: String,
    pub role: Role,
    pub doc: Doc,
    /// `#[sekoia(...)]` arguments of the type.
    pub sekoia: Vec<String>,
    pub fields: Vec<Field>,
}

/// An enum of string values.
#[derive(Debug, Clone)]
pub(crate) struct Enum {
    pub name: String,
    pub doc: Doc,
    pub sekoia: Vec<String>,
    /// Each variant, with the value it stands for when it is not its name.
    pub variants: Vec<(String, Option<String>)>,
}

/// An untagged enum of other types (`anyOf`).
#[derive(Debug, Clone)]
pub(crate) struct Union {
    pub name: String,
    pub role: Role,
    pub doc: Doc,
    pub sekoia: Vec<String>,
    /// Each variant and the type it holds.
    pub variants: Vec<(String, String)>,
}

/// A struct around one value, transparent to serde (a root that is a list).
#[derive(Debug, Clone)]
pub(crate) struct Newtype {
    pub name: String,
    pub role: Role,
    pub doc: Doc,
    pub sekoia: Vec<String>,
    pub ty: String,
}

/// An item of a component's file.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    Newtype(Newtype),
}

impl Item {
    /// Its source text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        match self {
            Item::Struct(s) => {
                s.doc.write(&mut out, "");
                // a field's settings need the `#[sekoia]` of their type
                let fields_say = s
                    .fields
                    .iter()
                    .any(|f| !f.sekoia.is_empty() || matches!(f.doc, Doc::Text(_)));
                sekoia_attribute(&mut out, "", &s.sekoia, &s.doc, fields_say);
                writeln!(out, "#[derive({})]", s.role.derives()).expect("a String");
                if s.fields.is_empty() {
                    writeln!(out, "pub struct {} {{}}", s.name).expect("a String");
                    return out;
                }
                writeln!(out, "pub struct {} {{", s.name).expect("a String");
                for field in &s.fields {
                    field.doc.write(&mut out, "    ");
                    for attr in &field.attrs {
                        writeln!(out, "    {attr}").expect("a String");
                    }
                    let mut sekoia = field.sekoia.clone();
                    if let Doc::Text(text) = &field.doc {
                        sekoia.insert(0, format!("description = {}", string_literal(text)));
                    }
                    sekoia_list(&mut out, "    ", &sekoia);
                    writeln!(out, "    pub {}: {},", field.name, field.ty).expect("a String");
                }
                writeln!(out, "}}").expect("a String");
            }
            Item::Enum(e) => {
                e.doc.write(&mut out, "");
                sekoia_attribute(&mut out, "", &e.sekoia, &e.doc, false);
                writeln!(out, "#[derive(Serialize, Deserialize, JsonSchema)]").expect("a String");
                writeln!(out, "pub enum {} {{", e.name).expect("a String");
                for (variant, value) in &e.variants {
                    if let Some(value) = value {
                        writeln!(out, "    #[serde(rename = {})]", string_literal(value))
                            .expect("a String");
                    }
                    writeln!(out, "    {variant},").expect("a String");
                }
                writeln!(out, "}}").expect("a String");
            }
            Item::Newtype(n) => {
                n.doc.write(&mut out, "");
                sekoia_attribute(&mut out, "", &n.sekoia, &n.doc, false);
                writeln!(out, "#[derive({})]", n.role.derives()).expect("a String");
                writeln!(out, "#[serde(transparent)]").expect("a String");
                writeln!(out, "pub struct {}(pub {});", n.name, n.ty).expect("a String");
            }
            Item::Union(u) => {
                u.doc.write(&mut out, "");
                sekoia_attribute(&mut out, "", &u.sekoia, &u.doc, false);
                writeln!(out, "#[derive({})]", u.role.derives()).expect("a String");
                writeln!(out, "#[serde(untagged)]").expect("a String");
                writeln!(out, "pub enum {} {{", u.name).expect("a String");
                for (variant, ty) in &u.variants {
                    writeln!(out, "    {variant}({ty}),").expect("a String");
                }
                writeln!(out, "}}").expect("a String");
            }
        }
        out
    }
}

/// `#[sekoia(...)]` of a type, when it says something or its fields do; a description that doc
/// comments cannot hold goes in `#[schemars(description = ...)]`.
fn sekoia_attribute(out: &mut String, indent: &str, args: &[String], doc: &Doc, fields_say: bool) {
    if !args.is_empty() {
        sekoia_list(out, indent, args);
    } else if fields_say {
        writeln!(out, "{indent}#[sekoia]").expect("a String");
    }
    if let Doc::Text(text) = doc {
        writeln!(
            out,
            "{indent}#[schemars(description = {})]",
            string_literal(text)
        )
        .expect("a String");
    }
}

/// `#[sekoia(a, b)]` on one line, or one argument a line when that is long.
fn sekoia_list(out: &mut String, indent: &str, args: &[String]) {
    if args.is_empty() {
        return;
    }
    let one_line = format!("{indent}#[sekoia({})]", args.join(", "));
    if one_line.len() <= 100 && !one_line.contains('\n') {
        writeln!(out, "{one_line}").expect("a String");
        return;
    }
    writeln!(out, "{indent}#[sekoia(").expect("a String");
    for arg in args {
        writeln!(out, "{indent}    {arg},").expect("a String");
    }
    writeln!(out, "{indent})]").expect("a String");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_that_read_back_are_comments() {
        assert_eq!(
            Doc::of(Some("Two\nlines")),
            Doc::Lines(vec!["Two".into(), "lines".into()])
        );
        assert_eq!(Doc::of(Some(" padded")), Doc::Text(" padded".into()));
        assert_eq!(Doc::of(Some("# Title")), Doc::Text("# Title".into()));
        assert_eq!(Doc::of(None), Doc::None);
    }

    #[test]
    fn a_struct_reads_as_written_by_hand() {
        let item = Item::Struct(Struct {
            name: "Arguments".into(),
            role: Role::Input,
            doc: Doc::None,
            sekoia: vec!["title = \"Arguments\"".into()],
            fields: vec![Field {
                doc: Doc::of(Some("Target URL")),
                sekoia: vec!["format = \"uri\"".into()],
                attrs: vec![],
                name: "url".into(),
                ty: "String".into(),
            }],
        });
        assert_eq!(
            item.render(),
            "#[sekoia(title = \"Arguments\")]\n#[derive(Deserialize, JsonSchema)]\npub struct Arguments {\n    /// Target URL\n    #[sekoia(format = \"uri\")]\n    pub url: String,\n}\n"
        );
    }
}
