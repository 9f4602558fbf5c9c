//! The authentication of Request URL: none, a bearer token, or a username and password for
//! the Basic or the Digest scheme.

use md5::Md5;
use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::{self, StatusCode, header::WWW_AUTHENTICATE};
use sha2::{Digest, Sha256};

use crate::RequestArguments;

/// The `auth_type` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum AuthType {
    None,
    Basic,
    Digest,
    Bearer,
}

/// The authentication of one request, its credentials checked.
pub(crate) enum Authentication {
    None,
    Bearer(Secret<String>),
    Basic(Credentials),
    Digest(Credentials),
}

pub(crate) struct Credentials {
    username: String,
    password: Secret<String>,
}

impl Authentication {
    /// The authentication `auth_type` asks for, with the error the Python module gives when a
    /// credential it needs is missing or empty.
    pub(crate) fn from_arguments(arguments: &RequestArguments) -> Result<Self, Error> {
        let given = |secret: &Option<Secret<String>>| {
            secret
                .as_ref()
                .filter(|secret| !secret.expose().is_empty())
                .cloned()
        };
        let credentials = || {
            let username = arguments
                .auth_username
                .clone()
                .filter(|name| !name.is_empty());
            Some(Credentials {
                username: username?,
                password: given(&arguments.auth_password)?,
            })
        };
        let missing = |scheme| {
            Error::new(format!(
                "Username/Password should not be empty for {scheme} auth type"
            ))
        };
        Ok(match arguments.auth_type {
            AuthType::None => Authentication::None,
            AuthType::Bearer => Authentication::Bearer(
                given(&arguments.auth_token)
                    .ok_or_else(|| Error::new("Token should not be empty for Bearer auth type"))?,
            ),
            AuthType::Basic => {
                Authentication::Basic(credentials().ok_or_else(|| missing("Basic"))?)
            }
            AuthType::Digest => {
                Authentication::Digest(credentials().ok_or_else(|| missing("Digest"))?)
            }
        })
    }

    /// The request with its `Authorization` header, for the schemes that send it at once.
    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Authentication::Bearer(token) => request.bearer_auth(token.expose()),
            Authentication::Basic(credentials) => {
                request.basic_auth(&credentials.username, Some(credentials.password.expose()))
            }
            Authentication::None | Authentication::Digest(_) => request,
        }
    }

    /// The `Authorization` header that answers the Digest challenge of a `401` response, when
    /// the scheme is Digest and the response is such a challenge.
    pub(crate) fn digest_answer(
        &self,
        method: &reqwest::Method,
        url: &reqwest::Url,
        response: &reqwest::Response,
    ) -> Option<String> {
        let Authentication::Digest(credentials) = self else {
            return None;
        };
        if response.status() != StatusCode::UNAUTHORIZED {
            return None;
        }
        response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(http_auth::ChallengeParser::new)
            .filter_map(Result::ok)
            .find(|challenge| challenge.scheme.eq_ignore_ascii_case("digest"))
            .and_then(|challenge| {
                let param = |name: &str| {
                    challenge
                        .params
                        .iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(name))
                        .map(|(_, value)| value.to_unescaped())
                };
                let challenge = Challenge {
                    realm: param("realm").unwrap_or_default(),
                    nonce: param("nonce")?,
                    opaque: param("opaque"),
                    algorithm: param("algorithm").unwrap_or_else(|| "MD5".to_owned()),
                    qop_auth: param("qop")
                        .is_some_and(|qop| qop.split(',').any(|q| q.trim() == "auth")),
                };
                let mut uri = url.path().to_owned();
                if let Some(query) = url.query() {
                    uri = format!("{uri}?{query}");
                }
                let cnonce = uuid::Uuid::new_v4().simple().to_string();
                challenge.answer(credentials, method.as_str(), &uri, &cnonce)
            })
    }
}

/// What a Digest challenge (RFC 7616) asks for.
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: String,
    qop_auth: bool,
}

impl Challenge {
    /// The `Authorization` value of the first request after the challenge (`nc=00000001`);
    /// `None` for an algorithm other than MD5 and SHA-256 and their `-sess` forms.
    fn answer(
        &self,
        credentials: &Credentials,
        method: &str,
        uri: &str,
        cnonce: &str,
    ) -> Option<String> {
        let algorithm = self.algorithm.to_ascii_uppercase();
        let (hash, session): (fn(&str) -> String, bool) = match algorithm.as_str() {
            "MD5" => (hex::<Md5>, false),
            "MD5-SESS" => (hex::<Md5>, true),
            "SHA-256" => (hex::<Sha256>, false),
            "SHA-256-SESS" => (hex::<Sha256>, true),
            _ => return None,
        };
        let (username, nonce) = (&credentials.username, &self.nonce);
        let mut ha1 = hash(&format!(
            "{username}:{}:{}",
            self.realm,
            credentials.password.expose()
        ));
        if session {
            ha1 = hash(&format!("{ha1}:{nonce}:{cnonce}"));
        }
        let ha2 = hash(&format!("{method}:{uri}"));
        let nc = "00000001";
        let response = if self.qop_auth {
            hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
        } else {
            hash(&format!("{ha1}:{nonce}:{ha2}"))
        };
        let quoted = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
        let mut header = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", response=\"{response}\", algorithm={}",
            quoted(username),
            quoted(&self.realm),
            quoted(nonce),
            quoted(uri),
            self.algorithm,
        );
        if let Some(opaque) = &self.opaque {
            header.push_str(&format!(", opaque=\"{}\"", quoted(opaque)));
        }
        if self.qop_auth {
            header.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
        }
        Some(header)
    }
}

/// The lower-case hexadecimal digest of `text`.
fn hex<D: Digest>(text: &str) -> String {
    D::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 2617, section 3.5.
    #[test]
    fn the_digest_answer_is_the_rfcs() {
        let challenge = Challenge {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            algorithm: "MD5".into(),
            qop_auth: true,
        };
        let credentials = Credentials {
            username: "Mufasa".into(),
            password: "Circle Of Life".to_owned().into(),
        };
        let answer = challenge
            .answer(&credentials, "GET", "/dir/index.html", "0a4f113b")
            .unwrap();
        assert!(
            answer.contains("response=\"6629fae49393a05397450978507c4ef1\""),
            "{answer}"
        );
        assert!(answer.contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\""));
        assert!(answer.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    }

    #[test]
    fn an_unknown_algorithm_gets_no_answer() {
        let challenge = Challenge {
            realm: String::new(),
            nonce: "n".into(),
            opaque: None,
            algorithm: "SHA-512-256".into(),
            qop_auth: false,
        };
        let credentials = Credentials {
            username: "u".into(),
            password: "p".to_owned().into(),
        };
        assert!(challenge.answer(&credentials, "GET", "/", "c").is_none());
    }
}
