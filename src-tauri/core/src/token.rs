//! Access tokens: `POST {sp}/o/client/token` with the client credentials (client-credentials
//! grant, form body as documented). A token is reused until shortly before it expires.

use reqwest::header::ACCEPT;
use serde::Deserialize;

use crate::device_info::DeviceInfo;
use crate::environment::Environment;
use crate::error::Error;
use crate::http::{Http, ProgressSink};
use crate::registration::{decode_json, refusal, Endpoint, DEVICE_INFO_HEADER, JSON_UTF8};
use crate::secret::Secret;

/// An access token and when it stops working.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The bearer token: keyring and `Authorization` header only.
    pub token: Secret<String>,
    /// Expiry in Unix seconds, computed from `expires_in` (the token itself is opaque to us).
    pub expires_at: i64,
}

impl AccessToken {
    /// Whether the token can still be used at `now` (Unix seconds), keeping a safety margin so
    /// a request does not start with a token that expires in flight.
    pub fn is_fresh(&self, now: i64) -> bool {
        now + REFRESH_MARGIN_SECS < self.expires_at
    }
}

/// Renew tokens this long before they expire.
pub const REFRESH_MARGIN_SECS: i64 = 60;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Secret<String>,
    expires_in: serde_json::Number,
}

/// Obtains a new access token with the client credentials.
pub async fn request_token(
    http: &Http,
    env: &Environment,
    client_id: &str,
    client_secret: &Secret<String>,
    progress: &ProgressSink,
) -> Result<AccessToken, Error> {
    let url = env.token_url();
    let device = DeviceInfo::current().header_value();
    let form = [
        ("client_id", client_id),
        ("client_secret", client_secret.expose().as_str()),
        ("grant_type", "client_credentials"),
    ];
    let response = http
        .send(
            "access token request",
            || {
                http.client()
                    .post(url.clone())
                    .header(ACCEPT, JSON_UTF8)
                    .header(DEVICE_INFO_HEADER, &device)
                    .form(&form)
            },
            progress,
        )
        .await?;
    if !response.status().is_success() {
        return Err(refusal(response, Endpoint::Token).await);
    }
    let answer: TokenAnswer = decode_json(response, "access token request").await?;
    // `expires_in` is seconds; tolerate a float or a string-free integer, refuse nonsense.
    let expires_in = answer
        .expires_in
        .as_i64()
        .or_else(|| answer.expires_in.as_f64().map(|f| f as i64))
        .filter(|s| *s > 0)
        .ok_or_else(|| Error::Server {
            status: 200,
            message: "Adobe Pass sent an access token without a usable lifetime (expires_in); try again or contact support".to_owned(),
        })?;
    let now = chrono::Utc::now().timestamp();
    Ok(AccessToken {
        token: answer.access_token,
        expires_at: now.saturating_add(expires_in),
    })
}

/// Content type of the documented token request body, for tests and the fake server.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_keeps_a_margin() {
        let t = AccessToken {
            token: Secret::new("t".into()),
            expires_at: 1_000,
        };
        assert!(t.is_fresh(1_000 - REFRESH_MARGIN_SECS - 1));
        assert!(!t.is_fresh(1_000 - REFRESH_MARGIN_SECS));
        assert!(!t.is_fresh(2_000));
    }
}
