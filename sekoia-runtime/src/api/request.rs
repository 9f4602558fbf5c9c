//! What a declarative API action sends: a verb, an endpoint template and the arguments that go
//! into the query, all known at compile time.

use std::time::Duration;

/// The HTTP verb of an [`ApiRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Verb {
    /// The verb as it goes on the wire: `"GET"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    pub(crate) fn method(self) -> reqwest::Method {
        match self {
            Verb::Get => reqwest::Method::GET,
            Verb::Post => reqwest::Method::POST,
            Verb::Put => reqwest::Method::PUT,
            Verb::Patch => reqwest::Method::PATCH,
            Verb::Delete => reqwest::Method::DELETE,
        }
    }
}

/// The request of an [`ApiAction`](super::ApiAction), written as a constant:
///
/// ```
/// use std::time::Duration;
/// use sekoia_runtime::api::{ApiRequest, Verb};
///
/// const SEARCH: ApiRequest = ApiRequest::get("shodan/host/{ip}")
///     .query(&["history", "minify"])
///     .timeout(Duration::from_secs(30));
/// assert_eq!(SEARCH.verb(), Verb::Get);
/// assert_eq!(SEARCH.placeholders().collect::<Vec<_>>(), ["ip"]);
/// ```
///
/// - the endpoint is joined to the module's base URL (as a path: `https://h/api` and
///   `v1/{id}` give `https://h/api/v1/<id>`); each `{name}` takes the argument `name`,
///   percent-encoded as a path segment;
/// - the arguments `query` names go into the query string, in that order, when they are given;
/// - the other arguments are the JSON body.
///
/// The timeout bounds each attempt (5 s unless set, as the Python SDK's `GenericAPIAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiRequest {
    verb: Verb,
    endpoint: &'static str,
    query: &'static [&'static str],
    timeout: Duration,
}

impl ApiRequest {
    /// A request of this verb to this endpoint.
    pub const fn new(verb: Verb, endpoint: &'static str) -> ApiRequest {
        ApiRequest {
            verb,
            endpoint,
            query: &[],
            timeout: Duration::from_secs(5),
        }
    }

    /// `GET endpoint`.
    pub const fn get(endpoint: &'static str) -> ApiRequest {
        ApiRequest::new(Verb::Get, endpoint)
    }

    /// `POST endpoint`.
    pub const fn post(endpoint: &'static str) -> ApiRequest {
        ApiRequest::new(Verb::Post, endpoint)
    }

    /// `PUT endpoint`.
    pub const fn put(endpoint: &'static str) -> ApiRequest {
        ApiRequest::new(Verb::Put, endpoint)
    }

    /// `PATCH endpoint`.
    pub const fn patch(endpoint: &'static str) -> ApiRequest {
        ApiRequest::new(Verb::Patch, endpoint)
    }

    /// `DELETE endpoint`.
    pub const fn delete(endpoint: &'static str) -> ApiRequest {
        ApiRequest::new(Verb::Delete, endpoint)
    }

    /// The arguments that go into the query string (the Python `query_parameters`).
    pub const fn query(mut self, names: &'static [&'static str]) -> ApiRequest {
        self.query = names;
        self
    }

    /// The time each attempt may take.
    pub const fn timeout(mut self, timeout: Duration) -> ApiRequest {
        self.timeout = timeout;
        self
    }

    /// The verb.
    pub const fn verb(&self) -> Verb {
        self.verb
    }

    /// The endpoint template, as written.
    pub const fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// The arguments that go into the query string.
    pub const fn query_parameters(&self) -> &'static [&'static str] {
        self.query
    }

    /// The time each attempt may take.
    pub const fn attempt_timeout(&self) -> Duration {
        self.timeout
    }

    /// The names between braces in the endpoint, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &'static str> {
        Placeholders(self.endpoint)
    }
}

struct Placeholders(&'static str);

impl Iterator for Placeholders {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        let open = self.0.find('{')?;
        let rest = &self.0[open + 1..];
        let close = rest.find('}')?;
        self.0 = &rest[close + 1..];
        Some(&rest[..close])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_in_order_and_an_unclosed_brace_ends_them() {
        let request = ApiRequest::get("a/{first}/b/{second}{third}/{open");
        assert_eq!(
            request.placeholders().collect::<Vec<_>>(),
            ["first", "second", "third"]
        );
        assert_eq!(ApiRequest::get("plain/path").placeholders().count(), 0);
    }

    #[test]
    fn the_defaults_are_the_python_sdk_ones() {
        let request = ApiRequest::delete("x");
        assert_eq!(request.attempt_timeout(), Duration::from_secs(5));
        assert!(request.query_parameters().is_empty());
        assert_eq!(request.verb().as_str(), "DELETE");
    }
}
