//! The errors a component returns to the runtime.

use std::fmt;

/// Why an action failed: reported to the platform as the action's `error`.
///
/// Any error converts into it with `?`; its `Display` is what the playbook shows.
///
/// ```
/// use sekoia_runtime::ActionError;
/// let e = ActionError::new("the API refused the request: 403");
/// assert_eq!(e.to_string(), "the API refused the request: 403");
/// ```
#[derive(Debug)]
pub struct ActionError(Box<dyn std::error::Error + Send + Sync>);

/// Why a trigger iteration failed: counted and logged as PLATFORM.md describes.
#[derive(Debug)]
pub struct TriggerError(Box<dyn std::error::Error + Send + Sync>);

/// Why a connector iteration failed: counted and logged as PLATFORM.md describes.
#[derive(Debug)]
pub struct ConnectorError(Box<dyn std::error::Error + Send + Sync>);

/// Why an account validation failed: sent to the platform as the validator's `error`.
#[derive(Debug)]
pub struct ValidationError(Box<dyn std::error::Error + Send + Sync>);

macro_rules! user_error {
    ($name:ident) => {
        impl $name {
            /// An error with this message.
            pub fn new(message: impl Into<String>) -> Self {
                $name(message.into().into())
            }

            /// The underlying error.
            pub fn source_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
                &*self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)?;
                let mut source = self.0.source();
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
        }

        impl<E: std::error::Error + Send + Sync + 'static> From<E> for $name {
            fn from(error: E) -> Self {
                $name(Box::new(error))
            }
        }
    };
}

user_error!(ActionError);
user_error!(TriggerError);
user_error!(ConnectorError);
user_error!(ValidationError);
