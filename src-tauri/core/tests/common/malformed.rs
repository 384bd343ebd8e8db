//! Malformed software statements and a builder for well-formed ones, shared by the core and CLI
//! tests through `#[path]`. Depends only on `serde_json` and `std` so any test crate can use it.

#![allow(dead_code)]

use serde_json::{json, Value};

/// An expiry every sample treats as long past (2001-09-09), whatever the test clock.
pub const PAST_EXP: i64 = 1_000_000_000;

/// base64url without padding, written out so this file needs no base64 crate.
pub fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// A structurally valid statement (not really signed: the signature is arbitrary bytes).
pub fn make_statement(header: Value, claims: Value) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes()),
        b64url(b"structurally-valid-but-not-a-real-RS256-signature")
    )
}

/// The shape of the statement in Adobe's documentation.
pub fn sample_statement() -> String {
    make_statement(
        json!({"alg": "RS256"}),
        json!({
            "sub": "08664e7d-8b7a-476d-8071-2d753a0b3432",
            "nbf": 1_700_667_057,
            "iss": "auth.adobe.com",
            "iat": 1_700_667_057
        }),
    )
}

fn parts(statement: &str) -> Vec<String> {
    statement.split('.').map(str::to_owned).collect()
}

fn with_part(index: usize, replacement: &str) -> Vec<u8> {
    let mut p = parts(&sample_statement());
    p[index] = replacement.to_owned();
    p.join(".").into_bytes()
}

/// Deterministic noise, so failures are reproducible.
fn pseudo_random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[3]
        })
        .collect()
}

/// Inputs that must each be refused as an invalid statement, named for test output.
pub fn malformed_statements() -> Vec<(&'static str, Vec<u8>)> {
    let good = sample_statement();
    let p = parts(&good);
    let rs256 = json!({"alg": "RS256"});
    let sub = json!({"sub": "08664e7d-8b7a-476d-8071-2d753a0b3432"});

    let mut utf16_le = vec![0xff, 0xfe];
    utf16_le.extend(good.encode_utf16().flat_map(u16::to_le_bytes));
    let utf16_be_no_bom: Vec<u8> = good.encode_utf16().flat_map(u16::to_be_bytes).collect();

    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(pseudo_random_bytes(200, 7));

    let big_claims = json!({"sub": "s", "padding": "x".repeat(70 * 1024)});
    let mut deep = String::new();
    for _ in 0..300 {
        deep.push('[');
    }
    for _ in 0..300 {
        deep.push(']');
    }

    vec![
        ("empty", Vec::new()),
        ("whitespace only", b"  \t \r\n  \n".to_vec()),
        ("utf-8 bom only", b"\xef\xbb\xbf\n".to_vec()),
        ("empty quotes", b"\"\"".to_vec()),
        ("random bytes", pseudo_random_bytes(512, 0x9e37_79b9_7f4a_7c15)),
        ("png image", png),
        ("zip archive", b"PK\x03\x04\x14\0\0\0\x08\0statement.txt".to_vec()),
        ("utf-16le with bom", utf16_le),
        ("utf-16be without bom", utf16_be_no_bom),
        ("latin-1 text", b"caf\xe9 statement \xe0 copier".to_vec()),
        ("70 KiB of text", vec![b'a'; 70 * 1024]),
        ("70 KiB statement", make_statement(rs256.clone(), big_claims).into_bytes()),
        ("html page", b"<!DOCTYPE html><html><head><title>Adobe Pass TVE Dashboard</title></head></html>".to_vec()),
        ("pem certificate", b"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUeXampleexampleexample\n-----END CERTIFICATE-----\n".to_vec()),
        ("json null", b"null".to_vec()),
        ("json without statement field", br#"{"client_id": "abc", "client_secret": "def"}"#.to_vec()),
        ("json with non-text statement", br#"{"software_statement": 42}"#.to_vec()),
        ("json with malformed statement", json!({"software_statement": p[0]}).to_string().into_bytes()),
        ("one part", p[0].clone().into_bytes()),
        ("two parts", format!("{}.{}", p[0], p[1]).into_bytes()),
        ("four parts", format!("{good}.{}", p[2]).into_bytes()),
        ("five parts (JWE)", format!("{good}.AAAA.BBBB").into_bytes()),
        ("only dots", b"..".to_vec()),
        ("nul byte inside", { let mut v = good.clone().into_bytes(); v.insert(10, 0); v }),
        ("header with bad base64", with_part(0, "eyJhbGc*OiJSUzI1NiJ9")),
        ("claims with bad base64", with_part(1, &format!("{}!", p[1]))),
        ("signature with bad base64", with_part(2, "c2ln$bmF0dXJl")),
        ("header cut short", with_part(0, "eyJhb")),
        ("standard base64 alphabet", with_part(2, "ab+/cd+/")),
        ("empty header", with_part(0, "")),
        ("empty claims", with_part(1, "")),
        ("empty signature", with_part(2, "")),
        ("header not json", with_part(0, &b64url(b"hello world"))),
        ("header json array", with_part(0, &b64url(b"[\"RS256\"]"))),
        ("header not utf-8", with_part(0, &b64url(&[0xff, 0xfe, 0xfd]))),
        ("claims json string", with_part(1, &b64url(b"\"sub\""))),
        ("claims json number", with_part(1, &b64url(b"1700667057"))),
        ("claims too deeply nested", with_part(1, &b64url(deep.as_bytes()))),
        ("alg missing", make_statement(json!({"typ": "JWT"}), sub.clone()).into_bytes()),
        ("alg none", make_statement(json!({"alg": "none"}), sub.clone()).into_bytes()),
        ("alg NONE", make_statement(json!({"alg": "NONE"}), sub.clone()).into_bytes()),
        ("alg empty", make_statement(json!({"alg": ""}), sub.clone()).into_bytes()),
        ("alg not text", make_statement(json!({"alg": ["RS256"]}), sub.clone()).into_bytes()),
        ("no software id", make_statement(rs256.clone(), json!({"iss": "auth.adobe.com", "iat": 1_700_667_057})).into_bytes()),
        ("empty software id and sub", make_statement(rs256.clone(), json!({"software_id": "", "sub": ""})).into_bytes()),
        ("expired", make_statement(rs256.clone(), json!({"sub": "s", "exp": PAST_EXP})).into_bytes()),
        ("expired, exp as text", make_statement(rs256.clone(), json!({"sub": "s", "exp": "1000000000"})).into_bytes()),
        ("exp not a time", make_statement(rs256.clone(), json!({"sub": "s", "exp": "next year"})).into_bytes()),
        ("iat not a time", make_statement(rs256, json!({"sub": "s", "iat": true})).into_bytes()),
    ]
}
