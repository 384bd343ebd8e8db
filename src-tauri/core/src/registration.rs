//! Dynamic Client Registration (RFC 7591) with Adobe Pass: `POST {sp}/o/client/register` with the
//! software statement, answered by a `client_id` / `client_secret` pair that is kept for good.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Response;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::device_info::DeviceInfo;
use crate::environment::Environment;
use crate::error::Error;
use crate::http::{Http, ProgressSink};
use crate::secret::Secret;
use crate::statement::SoftwareStatement;

/// JSON content type Adobe Pass documents for requests and answers.
pub const JSON_UTF8: &str = "application/json;charset=utf-8";
/// Header carrying the base64 device description.
pub const DEVICE_INFO_HEADER: &str = "X-Device-Info";

/// The client credentials a registration returns. They do not expire on their own.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    /// Public client identifier.
    pub client_id: String,
    /// The client secret: keyring only.
    pub client_secret: Secret<String>,
    /// When the credentials were issued, in Unix seconds (Adobe sends seconds or milliseconds).
    pub issued_at: Option<i64>,
    /// Grant types the client may use.
    pub grant_types: Vec<String>,
    /// Scopes granted, kept as the server sent them.
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct RegisterAnswer {
    client_id: String,
    client_secret: Secret<String>,
    #[serde(default)]
    client_id_issued_at: Option<serde_json::Number>,
    #[serde(default)]
    grant_types: Vec<String>,
    #[serde(default)]
    scopes: Vec<String>,
}

#[derive(Serialize)]
struct RegisterBody<'a> {
    software_statement: &'a str,
}

/// Registers this app with the statement and returns its credentials.
pub async fn register(
    http: &Http,
    env: &Environment,
    statement: &SoftwareStatement,
    progress: &ProgressSink,
) -> Result<ClientCredentials, Error> {
    let url = env.register_url();
    let device = DeviceInfo::current().header_value();
    let body = zeroize::Zeroizing::new(
        serde_json::to_vec(&RegisterBody {
            software_statement: statement.raw().expose(),
        })
        .map_err(|e| Error::InvalidStatement(format!("cannot encode the statement: {e}")))?,
    );
    let response = http
        .send(
            "registration",
            || {
                http.client()
                    .post(url.clone())
                    .header(CONTENT_TYPE, JSON_UTF8)
                    .header(ACCEPT, JSON_UTF8)
                    .header(DEVICE_INFO_HEADER, &device)
                    .body(body.to_vec())
            },
            progress,
        )
        .await?;
    if !response.status().is_success() {
        return Err(refusal(response, Endpoint::Register).await);
    }
    let answer: RegisterAnswer = decode_json(response, "registration").await?;
    Ok(ClientCredentials {
        client_id: answer.client_id,
        client_secret: answer.client_secret,
        issued_at: answer
            .client_id_issued_at
            .as_ref()
            .and_then(serde_json::Number::as_i64)
            .map(epoch_seconds),
        grant_types: answer.grant_types,
        scopes: answer.scopes,
    })
}

/// Adobe sends `client_id_issued_at` in seconds (docs) or milliseconds (seen in the wild).
/// Any value past year 5138 in seconds is taken as milliseconds.
pub fn epoch_seconds(value: i64) -> i64 {
    if value.abs() >= 100_000_000_000 {
        value / 1000
    } else {
        value
    }
}

/// Which endpoint refused, to choose the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Register,
    Token,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
}

/// Turns a non-2xx answer from `/o/client/*` into an error that says what to do.
pub(crate) async fn refusal(response: Response, endpoint: Endpoint) -> Error {
    let status = response.status().as_u16();
    let code = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice::<ErrorAnswer>(&bytes)
            .ok()
            .map(|a| sanitize_code(&a.error)),
        Err(_) => None,
    };
    refusal_for(status, code.as_deref(), endpoint)
}

/// Keeps an upstream error code printable and short: it goes into a user-facing message.
fn sanitize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect()
}

pub(crate) fn refusal_for(status: u16, code: Option<&str>, endpoint: Endpoint) -> Error {
    let (what, reason_default) = match endpoint {
        Endpoint::Register => ("registration", "registration_refused"),
        Endpoint::Token => ("access token request", "token_refused"),
    };
    let message = match (endpoint, code) {
        (_, Some("invalid_request")) => format!(
            "Adobe Pass rejected the {what} as malformed (invalid_request); update CMU Studio, and if it persists contact Adobe Pass support"
        ),
        (Endpoint::Register, Some("invalid_redirect_uri")) => "Adobe Pass rejected the redirect address sent with the registration (invalid_redirect_uri); import the statement again without a redirect address".to_owned(),
        (Endpoint::Register, Some("invalid_software_statement")) => "Adobe Pass says the software statement is invalid (invalid_software_statement); download it again from the Adobe Pass TVE Dashboard (Registered Applications → Download)".to_owned(),
        (Endpoint::Register, Some("unapproved_software_statement")) => "The software statement is not approved for this environment (unapproved_software_statement); check you picked the right environment (production, staging, prequal) or download a fresh statement".to_owned(),
        (Endpoint::Token, Some("invalid_client")) => "Adobe Pass no longer accepts this connection's client credentials (invalid_client); import the software statement again to register anew".to_owned(),
        (Endpoint::Token, Some("unauthorized_client")) => "This application is not allowed to obtain access tokens (unauthorized_client); ask your Adobe Pass representative to enable Concurrency Monitoring reports for it".to_owned(),
        (Endpoint::Token, Some("unsupported_grant_type")) => "Adobe Pass refused the client-credentials grant (unsupported_grant_type); contact Adobe Pass support, this application may be set up for another flow".to_owned(),
        (_, Some(other)) if !other.is_empty() => format!(
            "Adobe Pass refused the {what} ({other}, HTTP {status}); check the environment and the statement, or contact Adobe Pass support"
        ),
        _ => format!(
            "Adobe Pass refused the {what} (HTTP {status}); check you picked the right environment, or contact Adobe Pass support"
        ),
    };
    let reason = code
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| reason_default.to_owned());
    if status >= 500 {
        return Error::Server { status, message };
    }
    Error::AccessRefused { reason, message }
}

/// Decodes a 2xx JSON answer, checking the content type first and naming the failing field
/// (never the body, which carries secrets).
pub(crate) async fn decode_json<T: DeserializeOwned>(
    response: Response,
    what: &str,
) -> Result<T, Error> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !content_type.starts_with("application/json") && !content_type.contains("+json") {
        return Err(Error::Server {
            status,
            message: format!(
                "Adobe Pass answered the {what} with `{}` instead of JSON; check the environment's address (a proxy or login page may be in the way)",
                content_type.chars().take(60).collect::<String>()
            ),
        });
    }
    let bytes = zeroize::Zeroizing::new(
        response
            .bytes()
            .await
            .map_err(|_| {
                Error::Network(format!(
                    "the connection broke while reading the {what} answer; try again"
                ))
            })?
            .to_vec(),
    );
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Server {
        status,
        message: format!(
            "Adobe Pass answered the {what} with unexpected data at `{}`; update CMU Studio or contact support",
            e.path()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_at_accepts_seconds_and_milliseconds() {
        assert_eq!(epoch_seconds(1_700_725_699), 1_700_725_699);
        assert_eq!(epoch_seconds(1_700_725_699_585), 1_700_725_699);
    }

    #[test]
    fn every_documented_code_has_its_own_message() {
        let register = [
            "invalid_request",
            "invalid_redirect_uri",
            "invalid_software_statement",
            "unapproved_software_statement",
        ];
        let token = [
            "invalid_request",
            "invalid_client",
            "unauthorized_client",
            "unsupported_grant_type",
        ];
        let mut seen = std::collections::HashSet::new();
        for (endpoint, codes) in [(Endpoint::Register, register), (Endpoint::Token, token)] {
            for code in codes {
                let e = refusal_for(400, Some(code), endpoint);
                assert_eq!(e.code(), "access_refused");
                assert_eq!(e.exit_code(), 4);
                let msg = e.to_string();
                assert!(msg.contains(code), "{msg}");
                assert!(!msg.contains('\n'));
                assert!(seen.insert(msg), "duplicate message for {code}");
            }
        }
    }

    #[test]
    fn hostile_codes_are_sanitized() {
        let e = refusal_for(
            400,
            Some(&sanitize_code("<script>x</script>\n")),
            Endpoint::Token,
        );
        assert!(!e.to_string().contains('<'));
        assert!(!e.to_string().contains('\n'));
    }
}
