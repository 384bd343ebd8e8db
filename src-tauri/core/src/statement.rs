//! The software statement: the compact JWS a programmer downloads from the Adobe Pass TVE
//! Dashboard and that registration sends to Adobe.
//!
//! Only the structure is checked here. The statement is signed with an Adobe key we do not have,
//! so the signature is verified by Adobe at registration, never by us. What we can do is refuse
//! input that cannot possibly be a statement, with a reason the user can act on, and show what
//! the statement says before it is used.
//!
//! The statement is a credential: the raw text lives only in a [`Secret`], and no error message
//! ever quotes the input.

use std::io::Read;
use std::path::Path;

use base64::alphabet;
use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::{DecodePaddingMode, GeneralPurposeConfig};
use base64::{DecodeError, Engine as _};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::secret::Secret;

/// Largest input accepted. Real statements are well under 2 KiB; anything this big is the wrong
/// file, and the cap bounds the work done on hostile input.
pub const MAX_STATEMENT_BYTES: usize = 64 * 1024;

/// Where every refusal sends the user, since a fresh download fixes nearly all of them.
const DOWNLOAD_AGAIN: &str = "download the statement again from the Adobe Pass TVE Dashboard \
     (Registered Applications → Download)";

/// Time claims above this are taken as milliseconds: as seconds they would be past the year
/// 5000, and Adobe is known to use milliseconds elsewhere (`client_id_issued_at`).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Accepts base64url with or without `=` padding, and non-canonical trailing bits, because
/// statements pass through hand-copying and assorted tools; the signature is Adobe's to judge.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The three dot-separated parts of a compact JWS, named as the user-facing messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Header,
    Claims,
    Signature,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Claims => "claims",
            Part::Signature => "signature",
        }
    }
}

/// The JOSE header of a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementHeader {
    /// Signing algorithm, such as `RS256`; never empty and never `none`.
    pub alg: String,
    /// Key id, when the header names the signing key.
    pub kid: Option<String>,
    /// Token type, usually `JWT` when present.
    pub typ: Option<String>,
    /// Every other header member, as found (also `kid`/`typ` when they are not strings).
    pub other: Map<String, Value>,
}

/// The claims of a statement. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatementClaims {
    /// Subject; Adobe's statements carry the software id here.
    pub sub: Option<String>,
    /// RFC 7591 software id, preferred over `sub` when present.
    pub software_id: Option<String>,
    /// RFC 7591 client name.
    pub client_name: Option<String>,
    /// RFC 7591 software version.
    pub software_version: Option<String>,
    /// Issuer, `auth.adobe.com` in Adobe's statements.
    pub iss: Option<String>,
    /// Issued-at time.
    pub iat: Option<i64>,
    /// Not-before time.
    pub nbf: Option<i64>,
    /// Expiry time; Adobe's statements usually have none (valid until revoked).
    pub exp: Option<i64>,
    /// Every other claim, as found (also the named ones whose value is not text).
    pub other: Map<String, Value>,
}

/// A structurally valid software statement. The signature is not verified (only Adobe can).
///
/// `Debug` is safe to log: the raw text is a [`Secret`].
#[derive(Debug, Clone)]
pub struct SoftwareStatement {
    raw: Secret<String>,
    header: StatementHeader,
    claims: StatementClaims,
    software_id: String,
}

/// What a statement says, without the statement itself: safe to show, log and send to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementSummary {
    /// `software_id`, or `sub` when there is no `software_id`.
    pub software_id: String,
    /// The `sub` claim, shown as found.
    pub subject: Option<String>,
    /// The `client_name` claim.
    pub client_name: Option<String>,
    /// The `software_version` claim.
    pub software_version: Option<String>,
    /// The `iss` claim.
    pub issuer: Option<String>,
    /// `iat` in Unix seconds.
    pub issued_at: Option<i64>,
    /// `iat` as an RFC 3339 UTC date.
    pub issued_at_rfc3339: Option<String>,
    /// `nbf` in Unix seconds.
    pub not_before: Option<i64>,
    /// `nbf` as an RFC 3339 UTC date.
    pub not_before_rfc3339: Option<String>,
    /// `exp` in Unix seconds; `None` means valid until revoked.
    pub expires_at: Option<i64>,
    /// `exp` as an RFC 3339 UTC date.
    pub expires_at_rfc3339: Option<String>,
    /// Header `alg`.
    pub alg: String,
    /// Header `kid`.
    pub kid: Option<String>,
    /// Header `typ`.
    pub typ: Option<String>,
    /// Names of the claims not listed above, sorted.
    pub other_claims: Vec<String>,
}

impl SoftwareStatement {
    /// Reads a statement file (such as `Android_1700667057906.txt`), checked against the current
    /// time.
    pub fn read_file(path: &Path) -> Result<Self, Error> {
        let file = std::fs::File::open(path).map_err(|e| read_error(Some(path), &e))?;
        let bytes = read_capped(file).map_err(|e| read_error(Some(path), &e))?;
        Self::parse_bytes(&bytes, now_unix_secs())
    }

    /// Reads a statement from any reader, such as standard input, checked against the current
    /// time.
    pub fn read_from(reader: impl Read) -> Result<Self, Error> {
        let bytes = read_capped(reader).map_err(|e| read_error(None, &e))?;
        Self::parse_bytes(&bytes, now_unix_secs())
    }

    /// Parses pasted text, checked against the current time.
    pub fn parse_text(text: &str) -> Result<Self, Error> {
        Self::parse_bytes(text.as_bytes(), now_unix_secs())
    }

    /// Parses a statement as found in a file, pasted text or a `{"software_statement": "..."}`
    /// JSON document. `now_unix_secs` is the clock used for the expiry check.
    ///
    /// Whitespace anywhere (surrounding, or line breaks from wrapped copies) is ignored.
    pub fn parse_bytes(bytes: &[u8], now_unix_secs: i64) -> Result<Self, Error> {
        if bytes.len() > MAX_STATEMENT_BYTES {
            return Err(refuse(format!(
                "the software statement is larger than {} KiB, which no statement is, so this \
                 is probably the wrong file; choose the .txt file you downloaded from the Adobe \
                 Pass TVE Dashboard (Registered Applications → Download)",
                MAX_STATEMENT_BYTES / 1024
            )));
        }
        if looks_like_utf16(bytes) {
            return Err(refuse(format!(
                "the software statement file is UTF-16 text, not UTF-8 (an editor may have \
                 re-saved it); save it as UTF-8 or {DOWNLOAD_AGAIN}"
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            refuse(format!(
                "the software statement is not text (it is not valid UTF-8), so this is probably \
                 the wrong file; choose the .txt file you downloaded, or {DOWNLOAD_AGAIN}"
            ))
        })?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return Err(refuse(format!(
                "the software statement is empty; paste the whole statement, or {DOWNLOAD_AGAIN}"
            )));
        }
        if text.starts_with('{') {
            let inner = unwrap_json_document(text)?;
            return Self::parse_compact(&inner, now_unix_secs);
        }
        Self::parse_compact(text, now_unix_secs)
    }

    fn parse_compact(text: &str, now_unix_secs: i64) -> Result<Self, Error> {
        let compact: Zeroizing<String> = Zeroizing::new(
            strip_quotes(text.trim())
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
        );
        if compact.is_empty() {
            return Err(refuse(format!(
                "the software statement is empty; paste the whole statement, or {DOWNLOAD_AGAIN}"
            )));
        }
        let parts: Vec<&str> = compact.split('.').collect();
        let [header_b64, claims_b64, signature_b64] = parts.as_slice() else {
            return Err(refuse(wrong_part_count(parts.len())));
        };

        let header = decode_object(Part::Header, header_b64)?;
        let claims = decode_object(Part::Claims, claims_b64)?;
        if signature_b64.is_empty() {
            return Err(refuse(format!(
                "the software statement has an empty signature part, so it is not a signed \
                 statement; {DOWNLOAD_AGAIN}"
            )));
        }
        decode_part(Part::Signature, signature_b64)?;

        let header = read_header(header)?;
        let claims = read_claims(claims)?;
        let software_id = pick_software_id(&claims).ok_or_else(|| {
            refuse(format!(
                "the software statement has neither a \"software_id\" nor a \"sub\" claim, so it \
                 does not name an application; {DOWNLOAD_AGAIN}"
            ))
        })?;
        if let Some(exp) = claims.exp {
            if exp <= now_unix_secs {
                return Err(refuse(format!(
                    "the software statement expired on {}; download a new one from the Adobe \
                     Pass TVE Dashboard (Registered Applications → Download)",
                    describe_time(exp)
                )));
            }
        }

        Ok(Self {
            raw: Secret::new(compact.as_str().to_owned()),
            header,
            claims,
            software_id,
        })
    }

    /// The compact statement text, whitespace removed: what registration sends.
    pub fn raw(&self) -> &Secret<String> {
        &self.raw
    }

    /// The software id: `software_id` when present, else `sub`.
    pub fn software_id(&self) -> &str {
        &self.software_id
    }

    /// The decoded JOSE header.
    pub fn header(&self) -> &StatementHeader {
        &self.header
    }

    /// The decoded claims.
    pub fn claims(&self) -> &StatementClaims {
        &self.claims
    }

    /// Whether `exp` has passed at `now_unix_secs` (never, without `exp`).
    pub fn is_expired_at(&self, now_unix_secs: i64) -> bool {
        self.claims.exp.is_some_and(|exp| exp <= now_unix_secs)
    }

    /// The non-secret description shown by the app and `cmu`.
    pub fn summary(&self) -> StatementSummary {
        let c = &self.claims;
        let mut other_claims: Vec<String> = c.other.keys().cloned().collect();
        other_claims.sort();
        StatementSummary {
            software_id: self.software_id.clone(),
            subject: c.sub.clone(),
            client_name: c.client_name.clone(),
            software_version: c.software_version.clone(),
            issuer: c.iss.clone(),
            issued_at: c.iat,
            issued_at_rfc3339: c.iat.and_then(rfc3339),
            not_before: c.nbf,
            not_before_rfc3339: c.nbf.and_then(rfc3339),
            expires_at: c.exp,
            expires_at_rfc3339: c.exp.and_then(rfc3339),
            alg: self.header.alg.clone(),
            kid: self.header.kid.clone(),
            typ: self.header.typ.clone(),
            other_claims,
        }
    }
}

fn refuse(message: String) -> Error {
    Error::InvalidStatement(message)
}

fn now_unix_secs() -> i64 {
    Utc::now().timestamp()
}

/// Reads at most one byte more than the cap, so an oversized file is refused without loading it.
fn read_capped(reader: impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    let cap = u64::try_from(MAX_STATEMENT_BYTES).unwrap_or(u64::MAX);
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn read_error(path: Option<&Path>, err: &std::io::Error) -> Error {
    match path {
        Some(path) => Error::LocalIo(format!(
            "cannot read the software statement file {}: {err}; check the path and that you may \
             read the file",
            path.display()
        )),
        None => Error::LocalIo(format!(
            "cannot read the software statement: {err}; pass it as a file instead"
        )),
    }
}

/// Windows editors re-save text as UTF-16; a BOM, or NULs in every other byte of the first
/// characters, give it away. Such bytes can be valid UTF-8, hence the early check.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(16)];
    head.len() >= 4
        && (head.iter().step_by(2).all(|&b| b == 0)
            || head.iter().skip(1).step_by(2).all(|&b| b == 0))
}

/// Some tools save the registration request body instead of the bare statement.
fn unwrap_json_document(text: &str) -> Result<Zeroizing<String>, Error> {
    let not_a_statement = || {
        refuse(format!(
            "the software statement file is JSON without a \"software_statement\" text field; \
             choose the statement .txt file instead, or {DOWNLOAD_AGAIN}"
        ))
    };
    let value: Value = serde_json::from_str(text).map_err(|_| not_a_statement())?;
    match value.get("software_statement") {
        Some(Value::String(inner)) if !inner.starts_with('{') => Ok(Zeroizing::new(inner.clone())),
        _ => Err(not_a_statement()),
    }
}

/// A statement copied out of a JSON or shell snippet often keeps its quotes.
fn strip_quotes(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    text
}

fn wrong_part_count(found: usize) -> String {
    let hint = match found {
        1 => "it has no dots, so it is not a statement (or only a fragment of one)",
        5 => "it looks like an encrypted token (JWE), not a statement",
        n if n < 3 => "part of it is missing; copy the whole statement",
        _ => "extra text may have been pasted with it",
    };
    let parts = if found == 1 { "part" } else { "parts" };
    format!(
        "the software statement has {found} dot-separated {parts} but a statement has exactly 3 \
         (header.claims.signature): {hint}; {DOWNLOAD_AGAIN}"
    )
}

fn decode_part(part: Part, b64: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    BASE64URL.decode(b64).map(Zeroizing::new).map_err(|e| {
        let why = match e {
            DecodeError::InvalidByte(at, _) => {
                format!("unexpected character at position {}", at.saturating_add(1))
            }
            DecodeError::InvalidLength(_) => {
                "its length is impossible, it may be cut short".to_owned()
            }
            DecodeError::InvalidLastSymbol(_, _) => "its last character is invalid".to_owned(),
            DecodeError::InvalidPadding => "its '=' padding is misplaced".to_owned(),
        };
        refuse(format!(
            "the {} part of the software statement is not valid base64url ({why}); the \
                 statement may be damaged or cut short: {DOWNLOAD_AGAIN}",
            part.name()
        ))
    })
}

fn decode_object(part: Part, b64: &str) -> Result<Map<String, Value>, Error> {
    if b64.is_empty() {
        return Err(refuse(format!(
            "the {} part of the software statement is empty; {DOWNLOAD_AGAIN}",
            part.name()
        )));
    }
    let bytes = decode_part(part, b64)?;
    let what = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => return Ok(map),
        Ok(Value::Array(_)) => "a JSON array",
        Ok(Value::String(_)) => "a JSON string",
        Ok(Value::Number(_)) => "a JSON number",
        Ok(Value::Bool(_)) => "a JSON boolean",
        Ok(Value::Null) => "JSON null",
        Err(_) => "not JSON",
    };
    Err(refuse(format!(
        "the {} part of the software statement is {what}, not a JSON object; {DOWNLOAD_AGAIN}",
        part.name()
    )))
}

fn read_header(mut map: Map<String, Value>) -> Result<StatementHeader, Error> {
    let alg = match map.remove("alg") {
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => {
            return Err(refuse(format!(
                "the software statement is unsigned (\"alg\": \"none\"), which Adobe Pass \
                 refuses; {DOWNLOAD_AGAIN}"
            )))
        }
        Some(Value::String(alg)) if !alg.trim().is_empty() => alg,
        _ => {
            return Err(refuse(format!(
                "the software statement header has no \"alg\" (signing algorithm), so it is not \
                 a signed statement; {DOWNLOAD_AGAIN}"
            )))
        }
    };
    Ok(StatementHeader {
        alg,
        kid: take_text(&mut map, "kid"),
        typ: take_text(&mut map, "typ"),
        other: map,
    })
}

fn read_claims(mut map: Map<String, Value>) -> Result<StatementClaims, Error> {
    Ok(StatementClaims {
        sub: take_text(&mut map, "sub"),
        software_id: take_text(&mut map, "software_id"),
        client_name: take_text(&mut map, "client_name"),
        software_version: take_text(&mut map, "software_version"),
        iss: take_text(&mut map, "iss"),
        iat: take_time(&mut map, "iat")?,
        nbf: take_time(&mut map, "nbf")?,
        exp: take_time(&mut map, "exp")?,
        other: map,
    })
}

/// Strings as found, numbers as their text; any other type stays in `other` so nothing is lost.
fn take_text(map: &mut Map<String, Value>, name: &str) -> Option<String> {
    match map.get(name) {
        Some(Value::String(_) | Value::Number(_) | Value::Null) => {}
        _ => return None,
    }
    match map.remove(name) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Integers, floats and numeric strings are all seen in JWT libraries; `null` means absent.
fn take_time(map: &mut Map<String, Value>, name: &str) -> Result<Option<i64>, Error> {
    let secs = match map.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => number_to_secs(n),
        Some(Value::String(s)) => string_to_secs(s),
        Some(_) => None,
    };
    match (map.remove(name), secs) {
        (None | Some(Value::Null), _) => Ok(None),
        (Some(_), Some(secs)) => Ok(Some(normalize_secs(secs))),
        (Some(_), None) => Err(refuse(format!(
            "the software statement's \"{name}\" claim is not a time (seconds since 1970); \
             {DOWNLOAD_AGAIN}"
        ))),
    }
}

fn number_to_secs(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.as_u64().is_some() {
        // Beyond i64: only reachable for absurd far-future times, so saturate.
        return Some(i64::MAX);
    }
    n.as_f64().and_then(float_to_secs)
}

fn string_to_secs(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .or_else(|| s.parse::<f64>().ok().and_then(float_to_secs))
}

fn float_to_secs(f: f64) -> Option<i64> {
    // `as` saturates, which is the intent for out-of-range values.
    f.is_finite().then(|| f.floor() as i64)
}

fn normalize_secs(secs: i64) -> i64 {
    if !(-MILLIS_THRESHOLD..=MILLIS_THRESHOLD).contains(&secs) {
        secs / 1000
    } else {
        secs
    }
}

fn pick_software_id(claims: &StatementClaims) -> Option<String> {
    [&claims.software_id, &claims.sub]
        .into_iter()
        .flatten()
        .map(|id| id.trim())
        .find(|id| !id.is_empty())
        .map(str::to_owned)
}

fn rfc3339(secs: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp(secs, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn describe_time(secs: i64) -> String {
    rfc3339(secs).unwrap_or_else(|| format!("{secs} seconds after 1970-01-01T00:00:00Z"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const NOW: i64 = 1_750_000_000;

    fn b64(bytes: &[u8]) -> String {
        BASE64URL.encode(bytes)
    }

    fn make(header: Value, claims: Value) -> String {
        format!(
            "{}.{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes()),
            b64(b"not-a-real-signature-but-structurally-fine")
        )
    }

    fn sample() -> String {
        make(
            json!({"alg": "RS256"}),
            json!({
                "sub": "08664e7d-8b7a-476d-8071-2d753a0b3432",
                "nbf": 1_700_667_057,
                "iss": "auth.adobe.com",
                "iat": 1_700_667_057
            }),
        )
    }

    fn refusal(input: &[u8]) -> String {
        match SoftwareStatement::parse_bytes(input, NOW) {
            Err(Error::InvalidStatement(msg)) => {
                assert!(!msg.contains('\n'), "multi-line message: {msg}");
                assert!(!msg.contains("eyJ"), "message quotes the input: {msg}");
                msg
            }
            other => panic!("expected InvalidStatement, got {other:?}"),
        }
    }

    #[test]
    fn parses_the_reference_sample() {
        let text = sample();
        let st = SoftwareStatement::parse_bytes(text.as_bytes(), NOW).unwrap();
        assert_eq!(st.software_id(), "08664e7d-8b7a-476d-8071-2d753a0b3432");
        assert_eq!(st.header().alg, "RS256");
        assert_eq!(st.header().kid, None);
        assert_eq!(st.claims().iss.as_deref(), Some("auth.adobe.com"));
        assert_eq!(st.claims().iat, Some(1_700_667_057));
        assert_eq!(st.claims().exp, None);
        assert_eq!(st.raw().expose(), &text);
        assert!(!st.is_expired_at(i64::MAX));

        let summary = serde_json::to_value(st.summary()).unwrap();
        assert_eq!(
            summary,
            json!({
                "softwareId": "08664e7d-8b7a-476d-8071-2d753a0b3432",
                "subject": "08664e7d-8b7a-476d-8071-2d753a0b3432",
                "clientName": null,
                "softwareVersion": null,
                "issuer": "auth.adobe.com",
                "issuedAt": 1_700_667_057,
                "issuedAtRfc3339": "2023-11-22T15:30:57Z",
                "notBefore": 1_700_667_057,
                "notBeforeRfc3339": "2023-11-22T15:30:57Z",
                "expiresAt": null,
                "expiresAtRfc3339": null,
                "alg": "RS256",
                "kid": null,
                "typ": null,
                "otherClaims": []
            })
        );
    }

    #[test]
    fn debug_never_shows_the_raw_text() {
        let text = sample();
        let st = SoftwareStatement::parse_text(&text).unwrap();
        let shown = format!("{st:?} {st:#?}");
        assert!(!shown.contains(&text));
        let signature = text.rsplit('.').next().unwrap();
        assert!(!shown.contains(signature));
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn rfc7591_claims_and_extra_members_are_kept() {
        let text = make(
            json!({"alg": "ES256", "kid": "k1", "typ": "JWT", "x5t": "abc"}),
            json!({
                "software_id": "app-42",
                "sub": "other",
                "client_name": "My App",
                "software_version": "1.2",
                "client_uri": "https://example.com",
                "scopes": ["a", "b"],
                "exp": 4_000_000_000_i64
            }),
        );
        let st = SoftwareStatement::parse_text(&text).unwrap();
        assert_eq!(st.software_id(), "app-42");
        assert_eq!(st.header().kid.as_deref(), Some("k1"));
        assert_eq!(st.header().typ.as_deref(), Some("JWT"));
        assert_eq!(st.header().other.get("x5t"), Some(&json!("abc")));
        assert_eq!(st.claims().other.get("scopes"), Some(&json!(["a", "b"])));
        let summary = st.summary();
        assert_eq!(summary.client_name.as_deref(), Some("My App"));
        assert_eq!(summary.software_version.as_deref(), Some("1.2"));
        assert_eq!(summary.other_claims, vec!["client_uri", "scopes"]);
        assert_eq!(
            summary.expires_at_rfc3339.as_deref(),
            Some("2096-10-02T07:06:40Z")
        );
    }

    #[test]
    fn numeric_claims_are_read_tolerantly() {
        let text = make(
            json!({"alg": "RS256"}),
            json!({"sub": "s", "iat": 1_700_667_057.75, "nbf": "1700667057", "exp": 4_000_000_000_000_i64}),
        );
        let st = SoftwareStatement::parse_bytes(text.as_bytes(), NOW).unwrap();
        assert_eq!(st.claims().iat, Some(1_700_667_057));
        assert_eq!(st.claims().nbf, Some(1_700_667_057));
        // Milliseconds are recognised rather than shown as a date thousands of years away.
        assert_eq!(st.claims().exp, Some(4_000_000_000));
        let huge = make(json!({"alg": "RS256"}), json!({"sub": "s", "exp": 1e300}));
        assert!(SoftwareStatement::parse_bytes(huge.as_bytes(), NOW).is_ok());
        let too_big = make(
            json!({"alg": "RS256"}),
            json!({"sub": "s", "exp": 18_446_744_073_709_551_615_u64}),
        );
        let st = SoftwareStatement::parse_bytes(too_big.as_bytes(), NOW).unwrap();
        assert!(st.summary().expires_at.is_some());
    }

    #[test]
    fn sub_as_number_counts_as_text() {
        let text = make(json!({"alg": "RS256"}), json!({"sub": 12345}));
        let st = SoftwareStatement::parse_bytes(text.as_bytes(), NOW).unwrap();
        assert_eq!(st.software_id(), "12345");
    }

    #[test]
    fn non_text_known_claims_stay_in_other() {
        let text = make(
            json!({"alg": "RS256", "kid": 7}),
            json!({"sub": "s", "client_name": {"en": "App"}}),
        );
        let st = SoftwareStatement::parse_bytes(text.as_bytes(), NOW).unwrap();
        assert_eq!(st.claims().client_name, None);
        assert!(st.claims().other.contains_key("client_name"));
        assert_eq!(st.header().kid.as_deref(), Some("7"));
    }

    #[test]
    fn empty_software_id_falls_back_to_sub() {
        let text = make(
            json!({"alg": "RS256"}),
            json!({"software_id": " ", "sub": "s-1"}),
        );
        let st = SoftwareStatement::parse_bytes(text.as_bytes(), NOW).unwrap();
        assert_eq!(st.software_id(), "s-1");
    }

    #[test]
    fn wrapped_and_padded_text_is_accepted() {
        let text = sample();
        let wrapped: String = text
            .as_bytes()
            .chunks(20)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\r\n   ");
        let input = format!("\u{feff}\n\n  {wrapped}\t\n");
        let st = SoftwareStatement::parse_bytes(input.as_bytes(), NOW).unwrap();
        assert_eq!(st.raw().expose(), &text);

        let padded: Vec<String> = text
            .split('.')
            .map(|p| format!("{p}{}", "=".repeat((4 - p.len() % 4) % 4)))
            .collect();
        let padded = padded.join(".");
        assert_ne!(padded, text);
        assert!(SoftwareStatement::parse_bytes(padded.as_bytes(), NOW).is_ok());
    }

    #[test]
    fn json_document_and_quotes_are_unwrapped() {
        let text = sample();
        let doc = json!({"software_statement": text, "redirect_uri": "x y"}).to_string();
        let st = SoftwareStatement::parse_bytes(doc.as_bytes(), NOW).unwrap();
        assert_eq!(st.raw().expose(), &text);
        let quoted = format!("\"{text}\"\n");
        assert!(SoftwareStatement::parse_bytes(quoted.as_bytes(), NOW).is_ok());

        let msg = refusal(br#"{"client_id": "abc"}"#);
        assert!(msg.contains("software_statement"), "{msg}");
        let nested = json!({"software_statement": json!({"software_statement": text}).to_string()});
        refusal(nested.to_string().as_bytes());
        refusal(b"{ not json");
    }

    #[test]
    fn readers_and_files_work() {
        let text = sample();
        let st = SoftwareStatement::read_from(text.as_bytes()).unwrap();
        assert_eq!(st.software_id(), "08664e7d-8b7a-476d-8071-2d753a0b3432");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Android_1700667057906.txt");
        std::fs::write(&path, format!("{text}\n")).unwrap();
        assert!(SoftwareStatement::read_file(&path).is_ok());

        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'a'; 200 * 1024]).unwrap();
        assert!(matches!(
            SoftwareStatement::read_file(&big),
            Err(Error::InvalidStatement(_))
        ));

        let missing = dir.path().join("missing.txt");
        match SoftwareStatement::read_file(&missing) {
            Err(Error::LocalIo(msg)) => assert!(msg.contains("missing.txt"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_empty_input() {
        for input in [&b""[..], b"   \n\t ", b"\xef\xbb\xbf", b"\"\"", b"''"] {
            let msg = refusal(input);
            assert!(msg.contains("empty"), "{msg}");
        }
    }

    #[test]
    fn refuses_non_utf8_and_utf16() {
        let msg = refusal(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe\xfd");
        assert!(msg.contains("UTF-8"), "{msg}");
        let utf16: Vec<u8> = std::iter::once(0xfeff_u16)
            .chain(sample().encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect();
        let msg = refusal(&utf16);
        assert!(msg.contains("UTF-16"), "{msg}");
        let no_bom: Vec<u8> = sample().encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(refusal(&no_bom).contains("UTF-16"));
    }

    #[test]
    fn refuses_oversized_input() {
        let msg = refusal(&vec![b'a'; MAX_STATEMENT_BYTES + 1]);
        assert!(msg.contains("64 KiB"), "{msg}");
        // Exactly at the cap it is judged on its content instead.
        let msg = refusal(&vec![b'a'; MAX_STATEMENT_BYTES]);
        assert!(msg.contains("1 dot-separated part "), "{msg}");
    }

    #[test]
    fn refuses_wrong_part_counts_and_says_how_many() {
        let text = sample();
        let parts: Vec<&str> = text.split('.').collect();
        let msg = refusal(parts[0].as_bytes());
        assert!(msg.contains("has 1 dot-separated part "), "{msg}");
        let msg = refusal(parts[..2].join(".").as_bytes());
        assert!(msg.contains("has 2 dot-separated parts"), "{msg}");
        let msg = refusal(format!("{text}.{}", parts[2]).as_bytes());
        assert!(msg.contains("has 4 dot-separated parts"), "{msg}");
        let msg = refusal(format!("{text}.a.b").as_bytes());
        assert!(msg.contains("has 5 ") && msg.contains("JWE"), "{msg}");
        let msg = refusal(b"..");
        assert!(
            msg.contains("header part") && msg.contains("empty"),
            "{msg}"
        );
    }

    #[test]
    fn refuses_bad_base64_and_names_the_part() {
        let text = sample();
        let parts: Vec<&str> = text.split('.').collect();
        for (i, name) in ["header", "claims", "signature"].iter().enumerate() {
            let mut broken: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
            broken[i].insert(3, '*');
            let msg = refusal(broken.join(".").as_bytes());
            assert!(msg.contains(&format!("the {name} part")), "{msg}");
            assert!(msg.contains("base64url"), "{msg}");
            assert!(msg.contains("position 4"), "{msg}");
        }
        let msg = refusal(format!("eyJhb.{}.{}", parts[1], parts[2]).as_bytes());
        assert!(
            msg.contains("header part") && msg.contains("length"),
            "{msg}"
        );
        let msg = refusal(format!("{}.{}.", parts[0], parts[1]).as_bytes());
        assert!(msg.contains("empty signature"), "{msg}");
        let msg = refusal(format!(".{}.{}", parts[1], parts[2]).as_bytes());
        assert!(
            msg.contains("header part") && msg.contains("empty"),
            "{msg}"
        );
    }

    #[test]
    fn refuses_header_or_claims_that_are_not_objects() {
        let sig = b64(b"sig");
        for (header, claims, expect) in [
            (
                b64(b"hello"),
                b64(b"{}"),
                "header part of the software statement is not JSON",
            ),
            (
                b64(b"[1]"),
                b64(b"{}"),
                "header part of the software statement is a JSON array",
            ),
            (b64(b"\"x\""), b64(b"{}"), "is a JSON string"),
            (
                b64(br#"{"alg":"RS256"}"#),
                b64(b"42"),
                "claims part of the software statement is a JSON number",
            ),
            (
                b64(br#"{"alg":"RS256"}"#),
                b64(b"null"),
                "claims part of the software statement is JSON null",
            ),
            (
                b64(br#"{"alg":"RS256"}"#),
                b64(b"true"),
                "is a JSON boolean",
            ),
            (
                b64(br#"{"alg":"RS256"}"#),
                b64(&[0xff, 0xfe, b'{']),
                "claims part of the software statement is not JSON",
            ),
        ] {
            let msg = refusal(format!("{header}.{claims}.{sig}").as_bytes());
            assert!(msg.contains(expect), "{msg}");
        }
    }

    #[test]
    fn refuses_missing_or_none_alg() {
        let claims = json!({"sub": "s"});
        for header in [
            json!({}),
            json!({"alg": ""}),
            json!({"alg": 256}),
            json!({"typ": "JWT"}),
        ] {
            let msg = refusal(make(header, claims.clone()).as_bytes());
            assert!(msg.contains("no \"alg\""), "{msg}");
        }
        for alg in ["none", "None", "NONE"] {
            let msg = refusal(make(json!({ "alg": alg }), claims.clone()).as_bytes());
            assert!(msg.contains("unsigned"), "{msg}");
        }
    }

    #[test]
    fn refuses_statements_without_software_id() {
        for claims in [
            json!({"iss": "auth.adobe.com"}),
            json!({"software_id": "", "sub": "  "}),
            json!({"sub": null}),
            json!({"sub": ["x"]}),
        ] {
            let msg = refusal(make(json!({"alg": "RS256"}), claims).as_bytes());
            assert!(
                msg.contains("neither a \"software_id\" nor a \"sub\""),
                "{msg}"
            );
        }
    }

    #[test]
    fn refuses_expired_statements_with_the_date() {
        let text = make(
            json!({"alg": "RS256"}),
            json!({"sub": "s", "exp": 1_700_667_057}),
        );
        let msg = refusal(text.as_bytes());
        assert!(msg.contains("expired on 2023-11-22T15:30:57Z"), "{msg}");
        assert!(msg.contains("Dashboard"), "{msg}");
        // Expiry exactly now counts as expired (RFC 7519: "on or after").
        let at_now = make(json!({"alg": "RS256"}), json!({"sub": "s", "exp": NOW}));
        refusal(at_now.as_bytes());
        let later = make(json!({"alg": "RS256"}), json!({"sub": "s", "exp": NOW + 1}));
        assert!(SoftwareStatement::parse_bytes(later.as_bytes(), NOW).is_ok());
        let ancient = make(json!({"alg": "RS256"}), json!({"sub": "s", "exp": -1e300}));
        assert!(refusal(ancient.as_bytes()).contains("expired on"));
    }

    #[test]
    fn refuses_time_claims_that_are_not_times() {
        for claims in [
            json!({"sub": "s", "exp": "tomorrow"}),
            json!({"sub": "s", "iat": true}),
            json!({"sub": "s", "nbf": {"t": 1}}),
        ] {
            let msg = refusal(make(json!({"alg": "RS256"}), claims).as_bytes());
            assert!(msg.contains("is not a time"), "{msg}");
        }
    }

    #[test]
    fn every_refusal_ends_with_what_to_do() {
        let text = sample();
        for input in [
            &b""[..],
            b"abc",
            b"a.b.c.d",
            &[0xc3, 0x28][..],
            text.replace('.', "").as_bytes(),
        ] {
            let msg = refusal(input);
            let advice = msg.rsplit(';').next().unwrap();
            assert!(
                advice.contains("download")
                    || advice.contains("choose")
                    || advice.contains("paste"),
                "{msg}"
            );
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-z0-9 ]{0,8}".prop_map(Value::String),
            Just(json!("none")),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("alg".to_owned()),
                        Just("sub".to_owned()),
                        Just("software_id".to_owned()),
                        Just("exp".to_owned()),
                        Just("iat".to_owned()),
                        Just("nbf".to_owned()),
                        Just("kid".to_owned()),
                        "[a-z_]{1,6}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn check_no_panic(input: &[u8]) {
        if let Err(e) = SoftwareStatement::parse_bytes(input, NOW) {
            assert!(matches!(e, Error::InvalidStatement(_)), "{e:?}");
            assert!(!e.to_string().contains('\n'));
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            check_no_panic(&bytes);
        }

        #[test]
        fn arbitrary_token_like_text_never_panics(text in "[A-Za-z0-9_.=\n -]{0,300}") {
            check_no_panic(text.as_bytes());
        }

        #[test]
        fn three_parts_of_arbitrary_json_never_panic(
            header in arb_json(),
            claims in arb_json(),
            sig in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            let text = format!(
                "{}.{}.{}",
                b64(header.to_string().as_bytes()),
                b64(claims.to_string().as_bytes()),
                b64(&sig)
            );
            check_no_panic(text.as_bytes());
        }
    }
}
