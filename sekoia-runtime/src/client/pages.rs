//! Pagination as a stream of pages: a cursor or next token, offset and limit, page numbers, or
//! the `Link` header.

use futures_util::Stream;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Request;
use super::error::HttpError;
use super::page_body::split;

/// One page of a paginated API; its items are JSON values ([`Request::pages`]) or the type the
/// connector reads them as ([`Request::pages_of`]).
#[derive(Debug, Clone)]
pub struct Page<T = Value> {
    /// The status of the reply.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its JSON body, without the items: the array at the pagination's `items_at` (or the body
    /// itself when it is the array) is moved to `items`, and an empty array is left in its place.
    pub body: Value,
    /// The items of the page: the array at the pagination's `items_at`, or the body when it is
    /// an array; read straight from the reply's bytes.
    pub items: Vec<T>,
}

/// How the pages of an API follow each other; give it to [`Request::pages`].
///
/// | API | pagination |
/// |---|---|
/// | the next cursor in the body, sent back in the query | `Pagination::cursor_in_body("/next").into_query("cursor")` |
/// | the next cursor in the body, sent back in the JSON body | `Pagination::cursor_in_body("/paging/cursor/cursorRef").into_body("cursorRef")` |
/// | a next token in a header | `Pagination::cursor_in_header("x-next-token").into_query("token")` |
/// | `?offset=&limit=` | `Pagination::offset("offset", "limit", 100)` |
/// | `?page=1&per_page=50` | `Pagination::page_number("page", 1).page_size("per_page", 50)` |
/// | `Link: <url>; rel="next"` | `Pagination::link_header()` |
///
/// Add `.items_at("/data")` where the items are in the body (a JSON pointer). A cursor stops
/// when the reply has no next cursor (or the same one, or no items); offsets and page numbers
/// when a page has fewer items than asked (or none); the `Link` header when there is no
/// `rel="next"` (in the RFC 8288 form `<url>; rel="next"` or the bare `url; rel=next`).
#[derive(Debug, Clone)]
pub struct Pagination {
    kind: Kind,
    items_at: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Cursor {
        from: Source,
        into: Target,
        start: Option<String>,
    },
    Offset {
        offset: String,
        limit: String,
        size: u64,
    },
    PageNumber {
        param: String,
        first: u64,
        size: Option<(String, u64)>,
    },
    Link,
}

#[derive(Debug, Clone)]
enum Source {
    Body(String),
    Header(String),
}

#[derive(Debug, Clone)]
enum Target {
    Query(String),
    Body(String),
}

impl Pagination {
    /// The next cursor is the string (or number) at the JSON pointer `pointer` of the body;
    /// sent back in the query by default (`cursor`).
    pub fn cursor_in_body(pointer: impl Into<String>) -> Pagination {
        Pagination::cursor(Source::Body(pointer.into()))
    }

    /// The next cursor is the value of the header `name`.
    pub fn cursor_in_header(name: impl Into<String>) -> Pagination {
        Pagination::cursor(Source::Header(name.into()))
    }

    fn cursor(from: Source) -> Pagination {
        Pagination {
            kind: Kind::Cursor {
                from,
                into: Target::Query("cursor".to_owned()),
                start: None,
            },
            items_at: None,
        }
    }

    /// Sends the cursor as the query parameter `name`.
    pub fn into_query(mut self, name: impl Into<String>) -> Pagination {
        if let Kind::Cursor { into, .. } = &mut self.kind {
            *into = Target::Query(name.into());
        }
        self
    }

    /// Sends the cursor as the field `name` of the request's JSON body (the body becomes
    /// `{"<name>": cursor}` when the request has none).
    pub fn into_body(mut self, name: impl Into<String>) -> Pagination {
        if let Kind::Cursor { into, .. } = &mut self.kind {
            *into = Target::Body(name.into());
        }
        self
    }

    /// The first request already carries this cursor (one obtained by another call).
    pub fn starting_at(mut self, cursor: impl Into<String>) -> Pagination {
        if let Kind::Cursor { start, .. } = &mut self.kind {
            *start = Some(cursor.into());
        }
        self
    }

    /// `?<offset>=0&<limit>=size`, then `size`, `2 * size`...
    pub fn offset(offset: impl Into<String>, limit: impl Into<String>, size: u64) -> Pagination {
        Pagination {
            kind: Kind::Offset {
                offset: offset.into(),
                limit: limit.into(),
                size: size.max(1),
            },
            items_at: None,
        }
    }

    /// `?<param>=first`, then `first + 1`...
    pub fn page_number(param: impl Into<String>, first: u64) -> Pagination {
        Pagination {
            kind: Kind::PageNumber {
                param: param.into(),
                first,
                size: None,
            },
            items_at: None,
        }
    }

    /// With page numbers: also sends `?<param>=size`, and a page shorter than `size` is the last.
    pub fn page_size(mut self, param: impl Into<String>, size: u64) -> Pagination {
        if let Kind::PageNumber {
            size: page_size, ..
        } = &mut self.kind
        {
            *page_size = Some((param.into(), size.max(1)));
        }
        self
    }

    /// Follows the `Link` header's `rel="next"` URL.
    pub fn link_header() -> Pagination {
        Pagination {
            kind: Kind::Link,
            items_at: None,
        }
    }

    /// The items are the array at this JSON pointer of the body (`/data`).
    pub fn items_at(mut self, pointer: impl Into<String>) -> Pagination {
        self.items_at = Some(pointer.into());
        self
    }

    /// The first request.
    fn first(&self, request: Request) -> Request {
        match &self.kind {
            Kind::Cursor {
                into,
                start: Some(cursor),
                ..
            } => with_cursor(request, into, cursor),
            Kind::Cursor { .. } | Kind::Link => request,
            Kind::Offset {
                offset,
                limit,
                size,
            } => request
                .replace_query(offset, "0")
                .replace_query(limit, &size.to_string()),
            Kind::PageNumber { param, first, size } => {
                let request = request.replace_query(param, &first.to_string());
                match size {
                    Some((name, size)) => request.replace_query(name, &size.to_string()),
                    None => request,
                }
            }
        }
    }

    /// The request after `page` (which `sent` asked for), or `None` when it was the last.
    fn next<T>(&self, sent: &Request, page: &Page<T>, number: u64) -> Option<Request> {
        match &self.kind {
            Kind::Cursor { from, into, .. } => {
                if self.items_at.is_some() && page.items.is_empty() {
                    return None;
                }
                let cursor = match from {
                    Source::Body(pointer) => match page.body.pointer(pointer)? {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return None,
                    },
                    Source::Header(name) => page.headers.get(name)?.to_str().ok()?.to_owned(),
                };
                if cursor.is_empty() || sent.cursor.as_deref() == Some(cursor.as_str()) {
                    return None;
                }
                Some(with_cursor(sent.clone(), into, &cursor))
            }
            Kind::Offset { offset, size, .. } => {
                if (page.items.len() as u64) < *size {
                    return None;
                }
                Some(
                    sent.clone()
                        .replace_query(offset, &(number * size).to_string()),
                )
            }
            Kind::PageNumber { param, first, size } => {
                let short = size
                    .as_ref()
                    .is_some_and(|(_, size)| (page.items.len() as u64) < *size);
                if page.items.is_empty() || short {
                    return None;
                }
                Some(
                    sent.clone()
                        .replace_query(param, &(first + number).to_string()),
                )
            }
            Kind::Link => {
                let base = Url::parse(&sent.url).ok()?;
                let next = page
                    .headers
                    .get_all(reqwest::header::LINK)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(next_link)?;
                let url = base.join(&next).ok()?;
                let mut request = sent.clone();
                request.url = url.to_string();
                request.query.clear();
                Some(request)
            }
        }
    }
}

fn with_cursor(mut request: Request, into: &Target, cursor: &str) -> Request {
    request.cursor = Some(cursor.to_owned());
    match into {
        Target::Query(name) => request.replace_query(name, cursor),
        Target::Body(name) => request.replace_json_field(name, Value::String(cursor.to_owned())),
    }
}

/// The `rel="next"` target of a `Link` header value.
///
/// ```
/// use sekoia_runtime::client::next_link;
///
/// assert_eq!(
///     next_link(r#"<https://api.example.com/logs?after=2>; rel="next", <https://api.example.com/logs>; rel="self""#).as_deref(),
///     Some("https://api.example.com/logs?after=2")
/// );
/// // the form Okta's documentation and tests show
/// assert_eq!(next_link("https://tenant.okta.com/api/v1/logs?after=1111111; rel=next").as_deref(),
///     Some("https://tenant.okta.com/api/v1/logs?after=1111111"));
/// assert_eq!(next_link(r#"<https://x/self>; rel="self""#), None);
/// ```
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let mut parts = link.split(';');
        let target = parts.next()?.trim();
        let target = target
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(target);
        let is_next = parts.any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        (is_next && !target.is_empty()).then(|| target.to_owned())
    })
}

/// The pages of `request` as a stream; see [`Request::pages`] and [`Request::pages_of`].
pub(crate) fn pages<T: DeserializeOwned + Send>(
    request: Request,
    pagination: Pagination,
) -> impl Stream<Item = Result<Page<T>, HttpError>> + Send {
    let first = pagination.first(request);
    futures_util::stream::unfold(
        (Some(first), pagination, 1u64),
        |(next, pagination, number)| async move {
            let request = next?;
            let outcome = request.clone().send().await;
            let page = match outcome {
                Ok(response) => read_page(&request, response, &pagination).await,
                Err(e) => Err(e),
            };
            match page {
                Ok(page) => {
                    let following = pagination.next(&request, &page, number);
                    Some((Ok(page), (following, pagination, number + 1)))
                }
                Err(e) => Some((Err(e), (None, pagination, number))),
            }
        },
    )
}

async fn read_page<T: DeserializeOwned>(
    request: &Request,
    response: reqwest::Response,
    pagination: &Pagination,
) -> Result<Page<T>, HttpError> {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = request.read_bytes(response).await?;
    let (body, items) = split(&bytes, pagination.items_at.as_deref())
        .map_err(|e| request.bad_reply(format!("{e}")))?;
    Ok(Page {
        status,
        headers,
        body,
        items,
    })
}
