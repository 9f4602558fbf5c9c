//! URLs as they may be shown: the values of secret query parameters replaced.

use reqwest::Url;

use crate::scrubber::REDACTED;

/// Query parameters whose values are secrets whatever the client knows: API keys, tokens,
/// passwords and signatures, as vendors name them.
const SECRET_WORDS: [&str; 8] = [
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "signature",
    "sig",
    "auth",
];

/// Whether a query parameter named `name` holds a secret.
fn is_secret_name(name: &str, secret_params: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    secret_params.iter().any(|p| p.eq_ignore_ascii_case(name))
        || SECRET_WORDS.iter().any(|word| lower.contains(word))
}

/// `url` with the values of secret query parameters (`api_key`, `token`, those the client's
/// auth puts there...) replaced by `[REDACTED]`, and no user information.
pub(crate) fn redact(url: &Url, secret_params: &[String]) -> String {
    let mut shown = url.clone();
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let value = if is_secret_name(&k, secret_params) {
                    REDACTED.to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string().replace("%5BREDACTED%5D", REDACTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_queries_and_user_info_are_hidden() {
        let url = Url::parse(
            "https://u:p@api.example.com/v1/logs?since=1&apiKey=abc123&limit=10&x=s3cr3t",
        )
        .unwrap();
        assert_eq!(
            redact(&url, &["x".to_owned()]),
            "https://api.example.com/v1/logs?since=1&apiKey=[REDACTED]&limit=10&x=[REDACTED]"
        );
        let plain = Url::parse("https://api.example.com/v1/logs").unwrap();
        assert_eq!(redact(&plain, &[]), "https://api.example.com/v1/logs");
    }
}
