//! Fault scripts written as text, for the standalone emulator's `script` command and for test
//! tables: `POST /batch 503:retry-after=0*3 drop normal`.

use std::str::FromStr;
use std::time::Duration;

use crate::script::{Method, Reply};

impl FromStr for Method {
    type Err = String;

    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, in any case.
    fn from_str(word: &str) -> Result<Method, String> {
        match word.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            "PUT" => Ok(Method::Put),
            "PATCH" => Ok(Method::Patch),
            "DELETE" => Ok(Method::Delete),
            _ => Err(format!(
                "unknown method {word:?}: GET, POST, PUT, PATCH or DELETE"
            )),
        }
    }
}

/// A script line: `<METHOD> <path> <reply>...`, each reply being
///
/// - `<status>` with options after colons: `retry-after=<s>`, `delay=<ms>`, `text=<body>`
///   (a `text/plain` body, `_` for spaces) or `json=<body>`;
/// - `drop` (close the connection without answering), `normal` (the default answer), or
///   `delay=<ms>` (the default answer, late);
/// - any of these followed by `*<count>` to repeat it.
///
/// ```
/// use sekoia_emulator::{Method, Reply, parse_script};
///
/// let (method, path, replies) = parse_script("POST /batch 503:retry-after=0*2 drop normal").unwrap();
/// assert_eq!((method, path.as_str()), (Method::Post, "/batch"));
/// assert_eq!(replies.len(), 4);
/// assert_eq!(replies[0], Reply::status(503).retry_after(0));
/// assert!(parse_script("POST /batch 99999x").unwrap_err().contains("99999x"));
/// ```
pub fn parse_script(line: &str) -> Result<(Method, String, Vec<Reply>), String> {
    let mut words = line.split_whitespace();
    let method: Method = words
        .next()
        .ok_or("a script needs a method, a path and replies")?
        .parse()?;
    let path = words
        .next()
        .filter(|p| p.starts_with('/'))
        .ok_or("a script needs a path starting with /")?
        .to_owned();
    let mut replies = Vec::new();
    for word in words {
        let (reply, count) = match word.rsplit_once('*') {
            Some((reply, count)) => (
                reply,
                count
                    .parse::<usize>()
                    .map_err(|_| format!("{word:?}: the count after * is not a number"))?,
            ),
            None => (word, 1),
        };
        let reply = parse_reply(reply).map_err(|why| format!("{word:?}: {why}"))?;
        replies.extend(std::iter::repeat_n(reply, count));
    }
    if replies.is_empty() {
        return Err("a script needs at least one reply".into());
    }
    Ok((method, path, replies))
}

fn parse_reply(word: &str) -> Result<Reply, String> {
    let mut parts = word.split(':');
    let head = parts.next().unwrap_or_default();
    let mut reply = match head {
        "drop" => Reply::drop_connection(),
        "normal" => Reply::normal(),
        _ if head.starts_with("delay=") => Reply::normal(),
        _ => {
            let status = head
                .parse::<u16>()
                .ok()
                .filter(|s| (100..=999).contains(s))
                .ok_or("not a status (100 to 999), drop, normal or delay=<ms>")?;
            Reply::status(status)
        }
    };
    let status = head.parse::<u16>().ok();
    let options = head
        .starts_with("delay=")
        .then_some(head)
        .into_iter()
        .chain(parts);
    for option in options {
        let (name, value) = option
            .split_once('=')
            .ok_or_else(|| format!("option {option:?} is not name=value"))?;
        reply = match (name, status) {
            ("delay", _) => {
                let ms = value
                    .parse()
                    .map_err(|_| format!("delay={value}: not milliseconds"))?;
                reply.delayed(Duration::from_millis(ms))
            }
            ("retry-after", _) => reply.header("retry-after", value),
            ("text", Some(status)) => {
                Reply::text(status, value.replace('_', " ")).with_timing_of(&reply)
            }
            ("json", Some(status)) => {
                let body = serde_json::from_str(value)
                    .map_err(|e| format!("json={value}: not JSON ({e})"))?;
                Reply::json(status, body).with_timing_of(&reply)
            }
            _ => return Err(format!("unknown option {name:?}")),
        };
    }
    Ok(reply)
}
