//! `POST /o/client/register` and `POST /o/client/token`, plus bearer-token validation for the
//! other routes. Everything is derived from the fake's key, so nothing is stored: credentials
//! and tokens issued by one fake process are honoured by the next (credentials epoch 0).

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::keys::{keys, FAKE_ISSUER};
use super::{json_response, ServerState};

/// Software ids starting with this get credentials whose token requests answer
/// `unauthorized_client` (the one documented token error a client cannot cause itself).
pub const UNAUTHORIZED_SOFTWARE_PREFIX: &str = "unauthorized";

/// The routes of the registration host.
pub(crate) fn routes() -> Router<ServerState> {
    Router::new()
        .route("/o/client/register", post(register))
        .route("/o/client/token", post(token))
}

fn oauth_error(code: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &json!({ "error": code }))
}

/// Adds the RFC 6749/7591 no-store headers to a credential-bearing answer.
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// The media type of `Content-Type` (lower case, parameters dropped), if the header is valid;
/// `None` also when a `charset` other than UTF-8 is declared.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let media = parts.next()?.trim().to_ascii_lowercase();
    for param in parts {
        let Some((name, val)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("charset") {
            let val = val.trim().trim_matches('"');
            if !val.eq_ignore_ascii_case("utf-8") && !val.eq_ignore_ascii_case("utf8") {
                return None;
            }
        }
    }
    Some(media)
}

// ----- software statements -----

/// Why a software statement was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatementRejection {
    /// Not a well-formed RS256 compact JWS with a software id.
    Invalid,
    /// Well formed, but not signed by the fake's key.
    Unapproved,
}

/// Checks a statement and returns its software id. Strict on purpose: whitespace (even
/// around it) makes it malformed, so client tests notice a client that forgets to trim.
fn verify_statement(statement: &str) -> Result<String, StatementRejection> {
    use StatementRejection::{Invalid, Unapproved};
    let parts: Vec<&str> = statement.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return Err(Invalid);
    };
    if parts.iter().any(|p| p.is_empty()) {
        return Err(Invalid);
    }
    let decode_json = |part: &str| -> Result<serde_json::Map<String, serde_json::Value>, _> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| Invalid)?;
        serde_json::from_slice(&bytes).map_err(|_| Invalid)
    };
    let header = decode_json(header_b64)?;
    if header.get("alg").and_then(|v| v.as_str()) != Some("RS256") {
        return Err(Invalid);
    }
    let claims = decode_json(claims_b64)?;
    if URL_SAFE_NO_PAD.decode(signature_b64).is_err() {
        return Err(Invalid);
    }
    let software_id = ["software_id", "sub"]
        .iter()
        .find_map(|k| claims.get(*k).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .ok_or(Invalid)?
        .to_owned();
    let message = &statement[..header_b64.len() + 1 + claims_b64.len()];
    match keys().verify(message, signature_b64) {
        Some(true) => Ok(software_id),
        Some(false) => Err(Unapproved),
        None => Err(Invalid),
    }
}

// ----- credentials -----

/// Per-process counter mixed into client ids so two registrations in one nanosecond differ.
static REGISTRATIONS: AtomicU64 = AtomicU64::new(0);

/// Formats 16 bytes as a version-4-shaped UUID.
fn uuid_shaped(bytes: &[u8; 32]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Client secrets encode whether the client may get tokens, so that the token endpoint can
/// answer `unauthorized_client` without any stored registration.
fn secret_mac_parts<'a>(client_id: &'a str, epoch: &'a [u8; 8], authorized: bool) -> [&'a [u8]; 4] {
    [
        b"client-secret",
        client_id.as_bytes(),
        epoch,
        if authorized {
            b"authorized"
        } else {
            b"unauthorized"
        },
    ]
}

fn client_secret(client_id: &str, epoch: u64, authorized: bool) -> String {
    let epoch = epoch.to_be_bytes();
    URL_SAFE_NO_PAD.encode(keys().mac(&secret_mac_parts(client_id, &epoch, authorized)))
}

/// What a presented client secret proves.
#[derive(Debug, PartialEq, Eq)]
enum SecretCheck {
    Authorized,
    Unauthorized,
    Invalid,
}

fn check_secret(client_id: &str, secret: &str, epoch: u64) -> SecretCheck {
    let Ok(tag) = URL_SAFE_NO_PAD.decode(secret) else {
        return SecretCheck::Invalid;
    };
    let epoch = epoch.to_be_bytes();
    if keys().verify_mac(&secret_mac_parts(client_id, &epoch, true), &tag) {
        SecretCheck::Authorized
    } else if keys().verify_mac(&secret_mac_parts(client_id, &epoch, false), &tag) {
        SecretCheck::Unauthorized
    } else {
        SecretCheck::Invalid
    }
}

#[derive(Deserialize)]
struct RegisterBody {
    software_statement: String,
    #[serde(default)]
    redirect_uri: Option<String>,
}

async fn register(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(code) = state.faults().register_error() {
        return oauth_error(&code);
    }
    // The real server's answer to a wrong media type is unknown; the documented error set
    // has no 415, so the fake answers `invalid_request`.
    if media_type(&headers).as_deref() != Some("application/json") {
        return oauth_error("invalid_request");
    }
    let Ok(body) = body else {
        return oauth_error("invalid_request");
    };
    let Ok(request) = serde_json::from_slice::<RegisterBody>(&body) else {
        return oauth_error("invalid_request");
    };
    let redirect_uris: Vec<String> = match request.redirect_uri {
        None => Vec::new(),
        // `Url::parse` only accepts absolute URLs; a relative one is an error there.
        Some(uri) => match url::Url::parse(&uri) {
            Ok(_) => vec![uri],
            Err(_) => return oauth_error("invalid_redirect_uri"),
        },
    };
    let software_id = match verify_statement(&request.software_statement) {
        Ok(id) => id,
        Err(StatementRejection::Invalid) => return oauth_error("invalid_software_statement"),
        Err(StatementRejection::Unapproved) => return oauth_error("unapproved_software_statement"),
    };
    let now = chrono::Utc::now();
    let nonce = format!(
        "{}:{}:{}",
        now.timestamp_nanos_opt().unwrap_or_default(),
        std::process::id(),
        REGISTRATIONS.fetch_add(1, Ordering::Relaxed)
    );
    let client_id =
        uuid_shaped(&keys().mac(&[b"client-id", software_id.as_bytes(), nonce.as_bytes()]));
    let faults = state.faults();
    let authorized = !software_id.starts_with(UNAUTHORIZED_SOFTWARE_PREFIX);
    let secret = client_secret(&client_id, faults.credentials_epoch(), authorized);
    let issued_at = if faults.issued_at_millis() {
        now.timestamp_millis()
    } else {
        now.timestamp()
    };
    tracing::debug!(client_id = %client_id, "fake server: registered a client");
    no_store(json_response(
        StatusCode::CREATED,
        &json!({
            "client_id": client_id,
            "client_secret": secret,
            "client_id_issued_at": issued_at,
            "redirect_uris": redirect_uris,
            "grant_types": ["client_credentials"],
            "scopes": state.config().scopes,
        }),
    ))
}

// ----- tokens -----

/// Claims of the fake's access tokens (an RS256 JWT, like the real ones).
#[derive(Debug, Serialize, Deserialize)]
struct TokenClaims {
    sub: String,
    iss: String,
    jti: String,
    scopes: Vec<String>,
    iat: i64,
    nbf: i64,
    exp: i64,
    /// Creation time in milliseconds: "expire all tokens now" needs finer than `iat`.
    created_at: i64,
}

/// Finds `name` in form pairs (first occurrence wins).
fn form_value(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

async fn token(
    State(state): State<ServerState>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(code) = state.faults().token_error() {
        return oauth_error(&code);
    }
    let Ok(body) = body else {
        return oauth_error("invalid_request");
    };
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    // Documented: a form body. The seed's screenshot: query parameters. Both are accepted;
    // a non-empty body must be a form.
    let form: Vec<(String, String)> = if body.is_empty() {
        Vec::new()
    } else if media_type(&headers).as_deref() == Some("application/x-www-form-urlencoded") {
        url::form_urlencoded::parse(&body).into_owned().collect()
    } else {
        return oauth_error("invalid_request");
    };
    let field = |name: &str| form_value(&form, name).or_else(|| form_value(&query, name));
    let (Some(client_id), Some(secret), Some(grant_type)) = (
        field("client_id").filter(|v| !v.is_empty()),
        field("client_secret").filter(|v| !v.is_empty()),
        field("grant_type").filter(|v| !v.is_empty()),
    ) else {
        return oauth_error("invalid_request");
    };
    if grant_type != "client_credentials" {
        return oauth_error("unsupported_grant_type");
    }
    let faults = state.faults();
    match check_secret(&client_id, &secret, faults.credentials_epoch()) {
        SecretCheck::Invalid => return oauth_error("invalid_client"),
        SecretCheck::Unauthorized => return oauth_error("unauthorized_client"),
        SecretCheck::Authorized if faults.unauthorized_client() => {
            return oauth_error("unauthorized_client")
        }
        SecretCheck::Authorized => {}
    }
    let ttl = faults.token_ttl();
    let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
    // A token created in the same millisecond as "expire all" must still be valid.
    let now_ms = chrono::Utc::now().timestamp_millis();
    let created_at = faults
        .tokens_expired_before_ms()
        .map_or(now_ms, |cutoff| now_ms.max(cutoff.saturating_add(1)));
    let token_id = uuid_shaped(&keys().mac(&[
        b"token-id",
        client_id.as_bytes(),
        &created_at.to_be_bytes(),
        &REGISTRATIONS.fetch_add(1, Ordering::Relaxed).to_be_bytes(),
    ]));
    let scopes = state.config().scopes.clone();
    let claims = TokenClaims {
        sub: client_id,
        iss: FAKE_ISSUER.to_owned(),
        jti: token_id.clone(),
        scopes,
        iat: created_at.div_euclid(1000),
        nbf: created_at.div_euclid(1000),
        // Rounded up so that the token lives at least `expires_in` seconds.
        exp: created_at
            .saturating_add(ttl_ms)
            .saturating_add(999)
            .div_euclid(1000),
        created_at,
    };
    let access_token = keys().sign(&claims);
    no_store(json_response(
        StatusCode::CREATED,
        &json!({
            "id": token_id,
            "access_token": access_token,
            "created_at": created_at,
            "expires_in": ttl.as_secs(),
            "token_type": "bearer",
        }),
    ))
}

/// The client behind a valid access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizedClient {
    /// The `client_id` the token was issued to.
    pub client_id: String,
    /// The scopes granted to the token.
    pub scopes: Vec<String>,
    /// The token's `id` (as answered by the token endpoint).
    pub token_id: String,
}

/// Why a token was refused (all answer 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    /// No `Authorization: Bearer` header and no `access_token` parameter.
    Missing,
    /// Not a token this fake signed.
    Invalid,
    /// Past its `exp`.
    Expired,
    /// Issued before the last "expire all tokens now".
    Revoked,
}

/// Validates an access token issued by any fake process (stateless: signature, expiry and the
/// "expire all tokens" cut-off).
pub fn validate_token(
    state: &ServerState,
    token: &str,
) -> Result<AuthorizedClient, TokenRejection> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return Err(TokenRejection::Invalid);
    };
    let message = &token[..header_b64.len() + 1 + claims_b64.len()];
    if keys().verify(message, signature_b64) != Some(true) {
        return Err(TokenRejection::Invalid);
    }
    let claims: TokenClaims = URL_SAFE_NO_PAD
        .decode(claims_b64)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        // A statement signed by the same key is not a token: it lacks these claims.
        .ok_or(TokenRejection::Invalid)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    if now_ms >= claims.exp.saturating_mul(1000) {
        return Err(TokenRejection::Expired);
    }
    if let Some(cutoff) = state.faults().tokens_expired_before_ms() {
        if claims.created_at <= cutoff {
            return Err(TokenRejection::Revoked);
        }
    }
    Ok(AuthorizedClient {
        client_id: claims.sub,
        scopes: claims.scopes,
        token_id: claims.jti,
    })
}

/// Checks the bearer token of a request to a protected route: `Authorization: Bearer <token>`
/// first, else the `access_token` query parameter (pass it in `query_access_token`).
/// On failure returns the ready 401 answer (plain text, with `WWW-Authenticate`).
// The error is the handler's answer itself, returned at once with `?`-style early returns;
// boxing it would only add noise at every call site.
#[allow(clippy::result_large_err)]
pub fn check_bearer(
    state: &ServerState,
    headers: &HeaderMap,
    query_access_token: Option<&str>,
) -> Result<AuthorizedClient, Response> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
    let token = from_header.or_else(|| query_access_token.map(str::to_owned));
    let result = match token.as_deref().filter(|t| !t.is_empty()) {
        None => Err(TokenRejection::Missing),
        Some(t) => validate_token(state, t),
    };
    result.map_err(unauthorized)
}

fn unauthorized(why: TokenRejection) -> Response {
    let (error, text) = match why {
        TokenRejection::Missing => (
            "invalid_request",
            "Unauthorized: no access token (send Authorization: Bearer <token>).",
        ),
        TokenRejection::Invalid => (
            "invalid_token",
            "Unauthorized: the access token is invalid.",
        ),
        TokenRejection::Expired | TokenRejection::Revoked => (
            "invalid_token",
            "Unauthorized: the access token has expired.",
        ),
    };
    let mut response = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain;charset=utf-8")],
        text,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("Bearer error=\"{error}\"")) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_statement_verifies_and_tampering_does_not() {
        let statement = super::super::keys::demo_statement("abc", "Demo");
        assert_eq!(verify_statement(&statement), Ok("abc".to_owned()));
        let mut tampered = statement.clone();
        tampered.push('A');
        assert!(verify_statement(&tampered).is_err());
        assert_eq!(verify_statement(" x.y.z"), Err(StatementRejection::Invalid));
        assert_eq!(verify_statement(""), Err(StatementRejection::Invalid));
        assert_eq!(verify_statement("a.b"), Err(StatementRejection::Invalid));
    }

    #[test]
    fn secrets_are_bound_to_client_and_epoch() {
        let s = client_secret("id-1", 0, true);
        assert_eq!(check_secret("id-1", &s, 0), SecretCheck::Authorized);
        assert_eq!(check_secret("id-2", &s, 0), SecretCheck::Invalid);
        assert_eq!(check_secret("id-1", &s, 1), SecretCheck::Invalid);
        let u = client_secret("id-1", 0, false);
        assert_eq!(check_secret("id-1", &u, 0), SecretCheck::Unauthorized);
        assert_eq!(check_secret("id-1", "%%%", 0), SecretCheck::Invalid);
    }

    #[test]
    fn uuid_shape() {
        let id = uuid_shaped(&[0xab; 32]);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}
