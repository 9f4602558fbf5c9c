//! How a module writes its schemas: the settings of the Sekoia dialect.
//!
//! The default, [`Dialect::PYDANTIC`], is what the Python SDK's generator writes (pydantic
//! titles, `anyOf [T, null]` for optional values, no `$schema`). Hand-written manifests of
//! Sekoia's catalogue often say otherwise; `#[module(dialect(...))]` chooses for a whole module,
//! and `#[sekoia(...)]` on a type or a field overrides it there. Each setting is a word, the one
//! the attributes take.
//!
//! ```
//! use sekoia_manifest::dialect::{Dialect, Optional, Titles};
//!
//! let dialect = Dialect::PYDANTIC.with_titles(Titles::None).with_optional(Optional::Plain);
//! assert_eq!(Titles::from_word("none"), Some(Titles::None));
//! assert_eq!(dialect.optional.word(), "plain");
//! ```

macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, with its word.
            pub const ALL: &'static [($name, &'static str)] = &[$(($name::$variant, $word),)+];

            /// The value a word names.
            pub fn from_word(word: &str) -> Option<$name> {
                Self::ALL.iter().find(|(_, w)| *w == word).map(|(value, _)| *value)
            }

            /// The word of the value, as the attributes write it.
            pub const fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The words, quoted and separated by commas, for messages.
            pub fn expected() -> String {
                Self::ALL
                    .iter()
                    .map(|(_, w)| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
    };
}

words! {
    /// The `title` of properties.
    Titles {
        /// Python's `name.title().replace("_", " ")`, as pydantic writes them.
        Pydantic = "pydantic",
        /// None, except those written with `#[sekoia(title = "...")]`.
        None = "none",
    }
}

words! {
    /// The `title` of a root schema (a configuration, arguments, results).
    RootTitle {
        /// The name of the Rust type, as pydantic writes the model's name.
        TypeName = "type",
        /// None, except one written with `#[sekoia(title = "...")]` on the type.
        None = "none",
    }
}

words! {
    /// The `$schema` of a root schema.
    MetaSchema {
        /// No `$schema`, as the Python SDK's generator writes.
        None = "none",
        /// `http://json-schema.org/draft-07/schema#`.
        Draft07 = "draft-07",
        /// `https://json-schema.org/draft/2020-12/schema`.
        Draft2020 = "2020-12",
    }
}

words! {
    /// How an `Option<T>` field that may be left out is written.
    Optional {
        /// As a nullable value (see [`Nullable`]), with `"default": null` where the style has
        /// one: pydantic's `Optional[T] = None`.
        Nullable = "nullable",
        /// As `T` alone, not required: what most hand-written manifests say.
        Plain = "plain",
    }
}

words! {
    /// How a value that may be `null` is written.
    Nullable {
        /// `"anyOf": [T, {"type": "null"}]`, pydantic's form.
        AnyOf = "any_of",
        /// `"type": [T, "null"]`.
        TypeArray = "type_array",
        /// `"nullable": true` beside `T` (OpenAPI 3).
        Nullable = "nullable",
        /// `"x-nullable": true` beside `T` (Swagger 2).
        XNullable = "x-nullable",
    }
}

impl MetaSchema {
    /// The value of `$schema`, if any.
    pub const fn uri(self) -> Option<&'static str> {
        match self {
            MetaSchema::None => None,
            MetaSchema::Draft07 => Some("http://json-schema.org/draft-07/schema#"),
            MetaSchema::Draft2020 => Some("https://json-schema.org/draft/2020-12/schema"),
        }
    }
}

/// The settings of the dialect a module's schemas are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Property titles.
    pub titles: Titles,
    /// Root titles.
    pub root_title: RootTitle,
    /// `$schema` on the root of every schema that has content.
    pub schema: MetaSchema,
    /// `Option<T>` fields that may be left out.
    pub optional: Optional,
    /// Values that may be `null`.
    pub nullable: Nullable,
    /// Whether the formats schemars gives Rust numbers (`int32`, `int64`, `double`...) are kept.
    pub keep_formats: bool,
}

impl Dialect {
    /// What the Python SDK's generator writes: the default.
    pub const PYDANTIC: Dialect = Dialect {
        titles: Titles::Pydantic,
        root_title: RootTitle::TypeName,
        schema: MetaSchema::None,
        optional: Optional::Nullable,
        nullable: Nullable::AnyOf,
        keep_formats: false,
    };

    /// With these property titles.
    pub const fn with_titles(mut self, titles: Titles) -> Dialect {
        self.titles = titles;
        self
    }

    /// With these root titles.
    pub const fn with_root_title(mut self, root_title: RootTitle) -> Dialect {
        self.root_title = root_title;
        self
    }

    /// With this `$schema`.
    pub const fn with_schema(mut self, schema: MetaSchema) -> Dialect {
        self.schema = schema;
        self
    }

    /// With optional fields written so.
    pub const fn with_optional(mut self, optional: Optional) -> Dialect {
        self.optional = optional;
        self
    }

    /// With nullable values written so.
    pub const fn with_nullable(mut self, nullable: Nullable) -> Dialect {
        self.nullable = nullable;
        self
    }

    /// Keeping the formats of Rust numbers or not.
    pub const fn with_keep_formats(mut self, keep_formats: bool) -> Dialect {
        self.keep_formats = keep_formats;
        self
    }
}

impl Default for Dialect {
    fn default() -> Dialect {
        Dialect::PYDANTIC
    }
}

/// The keys `#[sekoia(...)]` writes into the schemas schemars produces, which the dialect pass
/// reads and removes: one object of settings on a type's schema, one on a field's.
pub mod marker {
    /// On the schema of a type with `#[sekoia(...)]`: an object of the keys below.
    pub const TYPE: &str = "x-sekoia-type";
    /// On the schema of a field with `#[sekoia(...)]`: an object of the keys below.
    pub const FIELD: &str = "x-sekoia-field";

    /// Type: the title (a string).
    pub const TITLE: &str = "title";
    /// Type or field: no title (`true`).
    pub const NO_TITLE: &str = "no_title";
    /// Type: the `$schema` word of a root (`"none"`, `"draft-07"`, `"2020-12"`).
    pub const SCHEMA: &str = "schema";
    /// Type: no `type` keyword (`true`).
    pub const NO_TYPE: &str = "no_type";
    /// Type: no `properties` when there are none (`true`).
    pub const NO_PROPERTIES: &str = "no_properties";
    /// Type: the exact `required` list.
    pub const REQUIRED_LIST: &str = "required";
    /// Type: the exact `secrets` list.
    pub const SECRETS: &str = "secrets";
    /// Type: `oneOf` branches of required names (a list of lists).
    pub const ONE_OF_REQUIRED: &str = "one_of_required";
    /// Type: `anyOf` branches of required names.
    pub const ANY_OF_REQUIRED: &str = "any_of_required";
    /// Type: `not: {anyOf: ...}` branches of required names.
    pub const NOT_ANY_OF_REQUIRED: &str = "not_any_of_required";
    /// Type: unions of plain types as one `type` list (`true`).
    pub const TYPE_ARRAY: &str = "type_array";
    /// Type: property titles word, for the type's own properties and below.
    pub const TITLES: &str = "titles";
    /// Type or field: optional fields word.
    pub const OPTIONAL: &str = "optional";
    /// Type or field: nullable values word.
    pub const NULLABLE: &str = "nullable";
    /// Type: the name it is kept under in the root's `definitions` (a `$ref` where it is used).
    pub const DEFINITION: &str = "definition";
    /// Type or field: the schema as written, replacing what schemars produced (a JSON text).
    pub const RAW: &str = "raw";
    /// Type: a problem found while the schema was produced (a string), which fails the build.
    pub const ERROR: &str = "error";

    /// Field: required even though it has a default (`true`).
    pub const REQUIRED: &str = "required";
    /// Field: the `format` to write (a string), whatever the dialect drops.
    pub const FORMAT: &str = "format";
    /// Field: no `"default": null` for a nullable field that may be left out (`true`).
    pub const NO_DEFAULT: &str = "no_default";
    /// Field: no `type` keyword (`true`), for an `enum` of values alone.
    pub const UNTYPED: &str = "untyped";
    /// Field: keywords of the schema of a list's items (an object).
    pub const ITEMS: &str = "items";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back() {
        for (value, word) in Nullable::ALL {
            assert_eq!(Nullable::from_word(word), Some(*value));
            assert_eq!(value.word(), *word);
        }
        assert_eq!(Titles::from_word("pydantic"), Some(Titles::Pydantic));
        assert_eq!(MetaSchema::from_word("draft-04"), None);
        assert_eq!(
            Optional::expected(),
            "\"nullable\", \"plain\"",
            "the message lists every word"
        );
        assert_eq!(Dialect::default(), Dialect::PYDANTIC);
        assert_eq!(
            MetaSchema::Draft07.uri(),
            Some("http://json-schema.org/draft-07/schema#")
        );
    }
}
