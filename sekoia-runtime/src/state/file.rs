//! The typed state file: read once, changed in memory, written atomically.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A typed value kept in a JSON file of the data directory.
///
/// `T` is any serde type: a struct of your own, with a [`TimeCheckpoint`](crate::state::TimeCheckpoint),
/// a [`DedupCache`](crate::state::DedupCache) or anything else as fields. A missing file gives
/// `T::default()`. Every [`update`](State::update) writes the whole value atomically: the new
/// content goes to a temporary file beside it, flushed to the disk, then renamed over the old
/// one, so that a crash or a `kill -9` at any moment leaves the old content or the new one,
/// never a torn file (the Python SDK truncates the file in place).
///
/// The bytes are those of Python's `orjson.dumps`: compact, UTF-8, keys in the order of your
/// struct, no trailing newline.
///
/// ```
/// use sekoia_runtime::state::{State, TimeCheckpoint, DedupCache};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Default, Serialize, Deserialize)]
/// struct Progress {
///     #[serde(flatten)]
///     checkpoint: TimeCheckpoint,
///     #[serde(default)]
///     events_cache: DedupCache<1000>,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sekoia_runtime::state::StateError> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("context.json");
/// let mut state = State::<Progress>::open(&path)?;
/// assert!(state.checkpoint.stored().is_none());
///
/// let date = "2025-02-18T23:38:44.719Z".parse().unwrap();
/// state.update(|p| {
///     p.checkpoint.advance(date);
///     p.events_cache.insert("20fced38-7a82-4e32-8ca7-3ca599dac97b");
/// }).await?;
/// assert_eq!(
///     std::fs::read_to_string(&path).unwrap(),
///     r#"{"most_recent_date_seen":"2025-02-18T23:38:44.719000+00:00","events_cache":["20fced38-7a82-4e32-8ca7-3ca599dac97b"]}"#
/// );
/// # Ok(())
/// # }
/// ```
pub struct State<T> {
    path: PathBuf,
    value: T,
}

impl<T> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A state file that cannot be read or written. The message names the file, says what is wrong
/// and, for a file that cannot be read, how to recover.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file is not JSON (an empty file included).
    #[error(
        "the state file {} is not valid JSON ({reason}); it was left as it is. To start over from the defaults (the checkpoint is then lost), move it away, or open it with `State::open_or_reset`, which keeps it as {}.corrupt",
        .path.display(), .path.display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        reason: String,
    },
    /// The file is JSON, but not of the type the module reads it as.
    #[error(
        "the state file {} does not fit `{type_name}`{}: {reason}; it was left as it is. Make the type accept it (`#[serde(default)]` on new fields), or move the file away to start from the defaults",
        .path.display(), at(.field)
    )]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// The Rust type.
        type_name: &'static str,
        /// Where in the JSON (`events_cache[3]`).
        field: String,
        /// serde's message.
        reason: String,
    },
    /// The file cannot be read, written or renamed.
    #[error("cannot {action} the state file {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// `read`, `write`...
        action: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The value cannot be written as JSON (a map with non-string keys...).
    #[error("cannot write the state of {} as JSON: {reason}", .path.display())]
    Serialize {
        /// The file.
        path: PathBuf,
        /// serde's message.
        reason: String,
    },
}

fn at(field: &str) -> String {
    if field.is_empty() || field == "." {
        String::new()
    } else {
        format!(" at `{field}`")
    }
}

impl<T: Serialize + DeserializeOwned + Default> State<T> {
    /// Reads the state at `path`; `T::default()` when there is no file yet. A file that is not
    /// JSON, or not a `T`, is an error that leaves the file alone.
    pub fn open(path: impl Into<PathBuf>) -> Result<State<T>, StateError> {
        let path = path.into();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(State {
                    path,
                    value: T::default(),
                });
            }
            Err(source) => {
                return Err(StateError::Io {
                    path,
                    action: "read",
                    source,
                });
            }
        };
        let value = decode::<T>(&path, &bytes)?;
        Ok(State { path, value })
    }

    /// Reads the state at `path` as [`open`](Self::open) does, except that a file that is not
    /// JSON or not a `T` is renamed `<file>.corrupt` (replacing an older one) and the state
    /// starts from `T::default()`. The second value is where the bad file went, so that the
    /// caller logs it.
    pub fn open_or_reset(
        path: impl Into<PathBuf>,
    ) -> Result<(State<T>, Option<PathBuf>), StateError> {
        let path = path.into();
        match State::open(path.clone()) {
            Ok(state) => Ok((state, None)),
            Err(StateError::Corrupt { .. } | StateError::Mismatch { .. }) => {
                let mut aside = path.clone().into_os_string();
                aside.push(".corrupt");
                let aside = PathBuf::from(aside);
                std::fs::rename(&path, &aside).map_err(|source| StateError::Io {
                    path: path.clone(),
                    action: "move away",
                    source,
                })?;
                Ok((
                    State {
                        path,
                        value: T::default(),
                    },
                    Some(aside),
                ))
            }
            Err(other) => Err(other),
        }
    }

    /// Changes the state with `change`, then writes it (atomically, off the async runtime's
    /// threads). When the write fails the change stays in memory and the error says why.
    pub async fn update<R>(&mut self, change: impl FnOnce(&mut T) -> R) -> Result<R, StateError> {
        let result = change(&mut self.value);
        self.save().await?;
        Ok(result)
    }

    /// Writes the state as it is now (atomically).
    pub async fn save(&self) -> Result<(), StateError> {
        let bytes = serde_json::to_vec(&self.value).map_err(|e| StateError::Serialize {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        let path = self.path.clone();
        match tokio::task::spawn_blocking(move || write_atomically(&path, &bytes)).await {
            Ok(outcome) => outcome,
            Err(join) => Err(StateError::Io {
                path: self.path.clone(),
                action: "write",
                source: std::io::Error::other(join.to_string()),
            }),
        }
    }
}

impl<T> State<T> {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The value, as last changed.
    pub fn get(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

fn decode<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, StateError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| StateError::Corrupt {
            path: path.to_owned(),
            reason: if bytes.is_empty() {
                "the file is empty".to_owned()
            } else {
                e.to_string()
            },
        })?;
    serde_path_to_error::deserialize(value).map_err(|e| StateError::Mismatch {
        path: path.to_owned(),
        type_name: std::any::type_name::<T>(),
        field: e.path().to_string(),
        reason: e.into_inner().to_string(),
    })
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to the disk, renames it over
/// `path` and flushes the directory: `path` then holds the old bytes or the new ones.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let io = |action: &'static str| {
        move |source: std::io::Error| StateError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io("create the directory of"))?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".state-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("write"))?;
    temporary.write_all(bytes).map_err(io("write"))?;
    temporary.as_file().sync_all().map_err(io("flush"))?;
    temporary
        .persist(path)
        .map_err(|e| io("replace")(e.error))?;
    // the rename itself reaches the disk once the directory is flushed
    if let Ok(directory) = std::fs::File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Default, Serialize, Deserialize, Debug, PartialEq)]
    struct Counter {
        #[serde(default)]
        count: u64,
        #[serde(default)]
        name: String,
    }

    #[tokio::test]
    async fn a_missing_file_is_the_default_and_updates_persist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("context.json");
        let mut state = State::<Counter>::open(&path).unwrap();
        assert_eq!(*state.get(), Counter::default());
        assert!(!path.exists(), "opening writes nothing");
        state.update(|c| c.count = 3).await.unwrap();
        state.update(|c| c.name = "é".into()).await.unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            "{\"count\":3,\"name\":\"é\"}".as_bytes()
        );
        assert_eq!(State::<Counter>::open(&path).unwrap().count, 3);
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["context.json"], "no temporary file is left");
    }

    #[test]
    fn a_corrupt_file_is_an_error_that_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("context.json");
        std::fs::write(&path, "{\"count\": 3").unwrap();
        let message = State::<Counter>::open(&path).unwrap_err().to_string();
        assert!(message.contains("is not valid JSON"), "{message}");
        assert!(message.contains("line 1 column 11"), "{message}");
        assert!(message.contains("open_or_reset"), "{message}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"count\": 3");

        std::fs::write(&path, "").unwrap();
        let message = State::<Counter>::open(&path).unwrap_err().to_string();
        assert!(message.contains("the file is empty"), "{message}");

        std::fs::write(&path, "{\"count\": \"three\"}").unwrap();
        let message = State::<Counter>::open(&path).unwrap_err().to_string();
        assert!(
            message.contains("does not fit") && message.contains("at `count`"),
            "{message}"
        );

        let (state, aside) = State::<Counter>::open_or_reset(&path).unwrap();
        assert_eq!(*state.get(), Counter::default());
        let aside = aside.unwrap();
        assert!(aside.ends_with("context.json.corrupt"));
        assert_eq!(
            std::fs::read_to_string(aside).unwrap(),
            "{\"count\": \"three\"}"
        );
        assert!(!path.exists());
    }

    #[test]
    fn a_python_file_that_is_not_an_object_does_not_fit_a_struct() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("context.json");
        std::fs::write(&path, "[1,2]").unwrap();
        let error = State::<Counter>::open(&path).unwrap_err();
        assert!(matches!(error, StateError::Mismatch { .. }), "{error}");
    }
}
