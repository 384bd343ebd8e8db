//! Printing results for people (aligned text) and for scripts (`--json`).

use chrono::{TimeZone, Utc};
use cmu_core::statement::SoftwareStatement;
use serde_json::{json, Map, Value};

/// A Unix time as an RFC 3339 UTC string, or `-`.
pub fn time(secs: Option<i64>) -> String {
    secs.and_then(|s| Utc.timestamp_opt(s, 0).single())
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "-".to_owned())
}

/// Prints `label  value` rows with aligned values.
pub fn rows(rows: &[(&str, String)]) {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        println!("  {k:<width$}  {v}");
    }
}

/// Prints JSON, pretty.
pub fn json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot print JSON: {e}"),
    }
}

fn with_other(mut base: Map<String, Value>, other: &Map<String, Value>) -> Value {
    for (k, v) in other {
        base.entry(k.clone()).or_insert_with(|| v.clone());
    }
    base.retain(|_, v| !v.is_null());
    Value::Object(base)
}

/// The statement's header and claims as JSON objects (never the raw statement).
pub fn statement_json(statement: &SoftwareStatement) -> Value {
    let h = statement.header();
    let c = statement.claims();
    let header = json!({"alg": h.alg, "kid": h.kid, "typ": h.typ});
    let claims = json!({
        "sub": c.sub, "software_id": c.software_id, "client_name": c.client_name,
        "software_version": c.software_version, "iss": c.iss, "iat": c.iat, "nbf": c.nbf, "exp": c.exp,
    });
    let as_map = |v: Value| match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    json!({
        "header": with_other(as_map(header), &h.other),
        "claims": with_other(as_map(claims), &c.other),
        "summary": statement.summary(),
    })
}

/// A number with thousands separators; integers without decimals.
pub fn number(value: f64) -> String {
    if value.fract() != 0.0 || !value.is_finite() {
        return format!("{value:.2}");
    }
    let digits = format!("{}", value.abs() as u128);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}
