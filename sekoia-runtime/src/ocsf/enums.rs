//! How the OCSF enumerations are written: numbers for the `*Id` ones, captions for the others.

/// An integer enumeration written as its number.
macro_rules! int_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", stringify!($value), "`")]
                $variant = $value,
            )*
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(*self as i64)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                match <i64 as serde::Deserialize>::deserialize(deserializer)? {
                    $($value => Ok($name::$variant),)*
                    other => Err(serde::de::Error::custom(format!(
                        "{other} is not a {} value", stringify!($name)
                    ))),
                }
            }
        }
    };
}

/// A string enumeration written as its caption.
macro_rules! str_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                #[serde(rename = $text)]
                $variant,
            )*
        }
    };
}

/// An OCSF object: its required attributes, then its optional ones (left out when `None`).
macro_rules! object {
    ($(#[$meta:meta])* $name:ident {
        $($required:ident : $required_type:ty),* $(,)?
    } optional {
        $($optional:ident : $optional_type:ty),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $(pub $required: $required_type,)*
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $optional: Option<$optional_type>,
            )*
        }
    };
}

pub(crate) use {int_enum, object, str_enum};
