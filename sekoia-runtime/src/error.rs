//! The error a component returns to the runtime: one type for every kind, so that a helper
//! shared by an action and a trigger returns it and both use `?`.

use std::fmt;

/// Why a component failed: an action's `error`, a counted and logged trigger or connector
/// error, an account validator's `error`.
///
/// Any `std::error::Error` converts into it with `?` (a reqwest error, an I/O error, a
/// [`PushError`](crate::PushError), your own error types), and so does an [`Error`] itself, so a
/// helper that returns `Result<T, sekoia_runtime::Error>` can be called from any component. Its
/// `Display` is the message followed by its causes, `: `-separated: what the platform shows.
///
/// ```
/// use sekoia_runtime::{ActionError, Error, TriggerError};
///
/// fn parse_port(text: &str) -> Result<u16, Error> {
///     Ok(text.parse::<u16>()?)
/// }
///
/// fn in_an_action() -> Result<u16, ActionError> {
///     parse_port("8080").map_err(|e| e.context("the port"))
/// }
///
/// fn in_a_trigger() -> Result<u16, TriggerError> {
///     Ok(parse_port("80x")?)
/// }
///
/// assert_eq!(in_an_action().unwrap(), 8080);
/// assert_eq!(in_a_trigger().unwrap_err().to_string(), "invalid digit found in string");
/// assert_eq!(Error::new("the API refused the request: 403").to_string(), "the API refused the request: 403");
/// ```
///
/// Like `anyhow::Error`, it does not implement `std::error::Error` itself: a type that did could
/// not also convert from every `std::error::Error` with `?` (the two impls would overlap). It
/// derefs to `dyn std::error::Error` and converts into `Box<dyn std::error::Error + Send + Sync>`
/// where one is needed.
pub struct Error {
    inner: Box<dyn std::error::Error + Send + Sync>,
}

/// The error of an [`Action`](crate::Action): an [`Error`].
pub type ActionError = Error;
/// The error of a [`Trigger`](crate::Trigger) iteration: an [`Error`].
pub type TriggerError = Error;
/// The error of a [`Connector`](crate::Connector) iteration: an [`Error`].
pub type ConnectorError = Error;
/// The error of an [`AccountValidator`](crate::AccountValidator): an [`Error`].
pub type ValidationError = Error;

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            inner: message.into().into(),
        }
    }

    /// This error, with `context` said first: `<context>: <this error>`.
    pub fn context(self, context: impl fmt::Display) -> Error {
        Error {
            inner: Box::new(Context {
                message: context.to_string(),
                source: self.inner,
            }),
        }
    }

    /// The underlying error.
    pub fn source_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.inner
    }

    /// The underlying error, when it is an `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        let mut error: Option<&(dyn std::error::Error + 'static)> = Some(&*self.inner);
        while let Some(current) = error {
            if let Some(found) = current.downcast_ref::<E>() {
                return Some(found);
            }
            error = current.source();
        }
        None
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)?;
        let mut source = self.inner.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({self})")
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(error: E) -> Self {
        Error {
            inner: Box::new(error),
        }
    }
}

impl From<Error> for Box<dyn std::error::Error + Send + Sync> {
    fn from(error: Error) -> Self {
        error.inner
    }
}

impl std::ops::Deref for Error {
    type Target = dyn std::error::Error + Send + Sync;

    fn deref(&self) -> &Self::Target {
        &*self.inner
    }
}

impl AsRef<dyn std::error::Error + Send + Sync> for Error {
    fn as_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.inner
    }
}

/// The message of a panic payload: a panic in user code becomes the component's error.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// A message in front of an error.
#[derive(Debug)]
struct Context {
    message: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Context {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_the_message() {
        let io = std::io::Error::other("disk full");
        let error = Error::from(io).context("cannot write the state");
        assert_eq!(error.to_string(), "cannot write the state: disk full");
        assert!(error.downcast_ref::<std::io::Error>().is_some());
    }

    #[test]
    fn an_error_goes_into_another_component_with_question_mark() {
        fn helper() -> Result<(), Error> {
            Err(Error::new("shared"))
        }
        fn trigger() -> Result<(), TriggerError> {
            helper()?;
            Ok(())
        }
        assert_eq!(trigger().unwrap_err().to_string(), "shared");
        let boxed: Box<dyn std::error::Error + Send + Sync> = Error::new("boxed").into();
        assert_eq!(boxed.to_string(), "boxed");
    }
}
