//! The fake Adobe Pass server over real loopback HTTP: registration, tokens, bearer checks,
//! statelessness across restarts, every fault switch and the `/_fake/` control API.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use cmu_core::fake_server::{
    check_bearer, demo_statement, router, validate_token, FakeServer, FakeServerConfig,
    FaultsStatus, ServerState, TokenRejection, DEMO_CLIENT_NAME, DEMO_SOFTWARE_ID,
    JSON_CONTENT_TYPE,
};
use serde_json::{json, Value};

/// A second, foreign RSA key (test-only, public): statements it signs must be "unapproved".
const FOREIGN_KEY_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDJd3ziT90P0lEi\n\
p94WFiqhFIkIcsfOjbVsgwcLLr58BbZ9/UBDPt2ZTqufxBruSdcNdgDpjNwYN0mn\n\
YxHbxnLDSGkwxHTad+K89DhqshZhVPcNhW0mgqy+L1PHK4KbqNJqafQdaiG8Ua4/\n\
rx0CTQJ/EaqvyRCttyEu+RD/8PJQ/2iwnhbRivm1CfYG00ZfvKx/8l2bjZH3CA5W\n\
7LFve+mPWL5TFsMi892V4LYgqQwmNLu5F3dpwv4wv85q0yJ7KWnzDFsFi3qrjHIW\n\
jHCsoYNnGWGttO4K7KuGZijoxITm5FMeP19j6+bB40kCEI+08qEP7sFN9lea2FDc\n\
S2yPsdIvAgMBAAECggEAK/n2mynmrbjxd/ifnD+bb4zdeqgfYEGDjBuv0muSLd1L\n\
YAYDXIpg8cF/6gBzBne8xxXujgxu0KRk4fJYqBoR2/m26GvBvBx2NFu04ulbxEQ5\n\
J0zsLf9ROLR4+51ORa8cuxjErhUIJyTHPeR6FxH7TQRstzFTADBcwHWildOg+Tfb\n\
7pHAWRhIL61hhe+R+R5BsGOP7Lp2iFuAoP/iAp2mFA1ThI1pVtLlszb5/wBLlu4p\n\
zczrMoE1juL7CRqtyJNZ/xOVcjjR8MrpZckkREcLBA3i/2LBxj8LmrGMmcSaN0wa\n\
kay9GGjxLR532otFBtj1OrRMJlMq9EjRp2cd2AkKkQKBgQDxA/+lY6Ee7dSroydQ\n\
5mrzsc0JBRF9fYeY111HQEaTvg4w7e8E7hbLfYfIJ1aPXd9d9rIby2pH5tBhoAHK\n\
pfTAJ1otnnxT5Zj89vu43B5GNGp1Jz57jyaq6v1wh5YIpxSyWXCGZRDp7tLJSB9r\n\
RDH1y5aUeCCAYenpTgEirh3N0QKBgQDV/geo06U9Q+RR8cRaCF6VQ0P4ac+w0cKn\n\
U9VCd0ve6wtM6XJnXaIx63Q+K/XgyTJlEfjSzVK5mQN1xi3WJo4RBD5SxXFW76ra\n\
bLFnFzPAkKTUgUcH7Sbc5t7VE+7psrzCiDWUSMDHTH1ml6AslvD3gbKceO+Bo64n\n\
IQtEJJ2f/wKBgEzImFaJkhg3buyrkuf8MJCo0YiRG8xeBKgV3LrJaHLDNuQxuVdZ\n\
vttfh7WlircsEfBumrmuKZL0nuirQEbebkYVg25LMpLL79yPlwyC3AZDxrLCKO7W\n\
YVxMdye1mn/xMu/K/MVkR2ov0umbV58l38DN9pAgYUJlb08LseLpk8cxAoGABxhm\n\
Lp3d47sljeYDSazvXemeDlWL0mQSHTQ1ZP/JnzmR5Vn0NiMvppIVB56zh2GEbz96\n\
TZsLPCYrrDMHAAvFOCE448uyJ1zJAHcMJsvpJmBlZrpmnYeqezaYet4vVMZdZeHY\n\
TPNgmPsbSVSLtg7HLJ27S17jKhxAQQHier7wDwcCgYAa2uRDyewOIUqDxcdo9SOh\n\
NI1bIwt9zuyh/zK7nKG28ElDfEHEXn5J68PrBjg6hGQnYbnXLDWaiu9iRkqimav+\n\
O2gJValkWaEWJAvv2kngvZJOn8YSAooK360RUxceXmBaAsRBiB7r2dCpJqQOG1b+\n\
DvGUX+GdX/jd8eu80dz/WA==\n\
-----END PRIVATE KEY-----
";

async fn start() -> FakeServer {
    FakeServer::start(FakeServerConfig::default())
        .await
        .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn at(fake: &FakeServer, path: &str) -> url::Url {
    fake.base_url().join(path).unwrap()
}

async fn register_raw(fake: &FakeServer, body: Value) -> reqwest::Response {
    client()
        .post(at(fake, "o/client/register"))
        .header("Content-Type", "application/json;charset=utf-8")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn register(fake: &FakeServer, software_id: &str) -> (String, String) {
    let statement = demo_statement(software_id, "Test client");
    let resp = register_raw(fake, json!({ "software_statement": statement })).await;
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await.unwrap();
    (
        body["client_id"].as_str().unwrap().to_owned(),
        body["client_secret"].as_str().unwrap().to_owned(),
    )
}

async fn token_form(fake: &FakeServer, id: &str, secret: &str) -> reqwest::Response {
    client()
        .post(at(fake, "o/client/token"))
        .form(&[
            ("client_id", id),
            ("client_secret", secret),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap()
}

async fn access_token(fake: &FakeServer, id: &str, secret: &str) -> String {
    let resp = token_form(fake, id, secret).await;
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn error_code(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    assert_eq!(
        resp.headers()["content-type"],
        JSON_CONTENT_TYPE,
        "OAuth errors are JSON"
    );
    let body: Value = resp.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

fn jwt_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn bearer_headers(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    headers
}

fn expires_in_secs(resp: &reqwest::Response) -> f64 {
    let value = resp.headers()["expires"].to_str().unwrap();
    assert!(value.ends_with(" GMT"), "IMF-fixdate expected, got {value}");
    let at = chrono::DateTime::parse_from_rfc2822(value).unwrap();
    (at.timestamp_millis() - chrono::Utc::now().timestamp_millis()) as f64 / 1000.0
}

async fn set_faults(fake: &FakeServer, update: Value) -> reqwest::Response {
    client()
        .post(at(fake, "_fake/faults"))
        .json(&update)
        .send()
        .await
        .unwrap()
}

// ----- statements and registration -----

#[test]
fn demo_statement_looks_like_the_real_ones() {
    let statement = demo_statement(DEMO_SOFTWARE_ID, DEMO_CLIENT_NAME);
    let header_b64 = statement.split('.').next().unwrap();
    assert_eq!(
        URL_SAFE_NO_PAD.decode(header_b64).unwrap(),
        br#"{"alg":"RS256","kid":"cmu-studio-fake-1","typ":"JWT"}"#
    );
    let claims = jwt_part(&statement, 1);
    assert_eq!(claims["sub"], DEMO_SOFTWARE_ID);
    assert_eq!(claims["software_id"], DEMO_SOFTWARE_ID);
    assert_eq!(claims["client_name"], DEMO_CLIENT_NAME);
    assert_eq!(claims["iss"], "fake.auth.cmu-studio.local");
    assert!(claims["iat"].is_i64() && claims["nbf"].is_i64());
    assert!(claims.get("exp").is_none());
}

#[tokio::test]
async fn register_answers_201_with_every_field() {
    let fake = start().await;
    let statement = fake.demo_statement(DEMO_SOFTWARE_ID, DEMO_CLIENT_NAME);
    let before = chrono::Utc::now().timestamp_millis();
    let resp = register_raw(
        &fake,
        json!({ "software_statement": statement, "redirect_uri": "https://example.com/cb" }),
    )
    .await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["content-type"], JSON_CONTENT_TYPE);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await.unwrap();
    let id = body["client_id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    assert!(!body["client_secret"].as_str().unwrap().is_empty());
    let issued = body["client_id_issued_at"].as_i64().unwrap();
    assert!(issued >= before - 1000 && issued <= chrono::Utc::now().timestamp_millis());
    assert_eq!(body["redirect_uris"], json!(["https://example.com/cb"]));
    assert_eq!(body["grant_types"], json!(["client_credentials"]));
    assert_eq!(body["scopes"], json!(["cmu:analytics:client"]));

    // Without a redirect_uri: an empty array; two registrations: two different clients.
    let again = register_raw(&fake, json!({ "software_statement": statement })).await;
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["redirect_uris"], json!([]));
    assert_ne!(again["client_id"], body["client_id"]);

    // Content-Type without charset is fine too.
    let plain = client()
        .post(at(&fake, "o/client/register"))
        .header("Content-Type", "application/json")
        .body(json!({ "software_statement": statement }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 201);
    fake.shutdown().await;
}

#[tokio::test]
async fn issued_at_in_seconds_when_switched() {
    let config = FakeServerConfig {
        issued_at_millis: false,
        ..FakeServerConfig::default()
    };
    let fake = FakeServer::start(config).await.unwrap();
    let resp = register_raw(
        &fake,
        json!({ "software_statement": demo_statement("s", "n") }),
    )
    .await;
    let body: Value = resp.json().await.unwrap();
    let issued = body["client_id_issued_at"].as_i64().unwrap();
    assert!((issued - chrono::Utc::now().timestamp()).abs() < 5);
    fake.faults().set_issued_at_millis(true);
    let resp = register_raw(
        &fake,
        json!({ "software_statement": demo_statement("s", "n") }),
    )
    .await;
    let body: Value = resp.json().await.unwrap();
    assert!(body["client_id_issued_at"].as_i64().unwrap() > 1_000_000_000_000);
}

#[tokio::test]
async fn register_errors_are_the_documented_ones() {
    let fake = start().await;
    let good = demo_statement("abc", "n");
    let c = client();
    let url = at(&fake, "o/client/register");

    // Media type: missing or wrong → invalid_request.
    let resp = c
        .post(url.clone())
        .body(json!({ "software_statement": good }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_request".into()));
    let resp = c
        .post(url.clone())
        .header("Content-Type", "text/plain")
        .body(json!({ "software_statement": good }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_request".into()));
    let resp = c
        .post(url.clone())
        .form(&[("software_statement", good.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_request".into()));

    // Body: malformed, missing field, wrong type.
    for body in [
        "{".to_owned(),
        "".to_owned(),
        "[]".to_owned(),
        json!({}).to_string(),
        json!({ "software_statement": 5 }).to_string(),
        json!({ "redirect_uri": "https://x" }).to_string(),
    ] {
        let resp = c
            .post(url.clone())
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(resp).await,
            (400, "invalid_request".into()),
            "body {body}"
        );
    }

    // redirect_uri present but not absolute.
    for uri in ["/relative/cb", "not a url", ""] {
        let resp = register_raw(
            &fake,
            json!({ "software_statement": good, "redirect_uri": uri }),
        )
        .await;
        assert_eq!(
            error_code(resp).await,
            (400, "invalid_redirect_uri".into()),
            "uri {uri:?}"
        );
    }

    // Malformed statements.
    let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"abc"}"#);
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({ "sub": "abc" }),
        &jsonwebtoken::EncodingKey::from_secret(b"secret"),
    )
    .unwrap();
    let mut parts = good.split('.');
    let (h, _, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let no_id = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(r#"{"iss":"x"}"#));
    for bad in [
        "".to_owned(),
        "not-a-jwt".to_owned(),
        "a.b".to_owned(),
        "a.b.c.d".to_owned(),
        format!("{none_header}.{claims}."),
        format!("{none_header}.{claims}.c2ln"),
        "!!!.???.***".to_owned(),
        format!("{h}.bm90IGpzb24.{s}"),
        hs256,
        no_id,
        format!(" {good}\n"),
    ] {
        let resp = register_raw(&fake, json!({ "software_statement": bad })).await;
        assert_eq!(
            error_code(resp).await,
            (400, "invalid_software_statement".into()),
            "statement {bad:?}"
        );
    }

    // Well formed but signed by someone else (or tampered with) → unapproved.
    let foreign = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &json!({ "sub": "abc", "iss": "auth.adobe.com", "iat": 1_700_667_057, "nbf": 1_700_667_057 }),
        &jsonwebtoken::EncodingKey::from_rsa_pem(FOREIGN_KEY_PEM.as_bytes()).unwrap(),
    )
    .unwrap();
    let tampered = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(r#"{"sub":"other"}"#));
    for unapproved in [foreign, tampered] {
        let resp = register_raw(&fake, json!({ "software_statement": unapproved })).await;
        assert_eq!(
            error_code(resp).await,
            (400, "unapproved_software_statement".into())
        );
    }
    fake.shutdown().await;
}

// ----- tokens -----

#[tokio::test]
async fn token_by_form_body_and_by_query() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    let before = chrono::Utc::now().timestamp_millis();
    let resp = token_form(&fake, &id, &secret).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["content-type"], JSON_CONTENT_TYPE);
    let body: Value = resp.json().await.unwrap();
    assert!(!body["id"].as_str().unwrap().is_empty());
    let created = body["created_at"].as_i64().unwrap();
    assert!(created >= before && created <= chrono::Utc::now().timestamp_millis());
    assert_eq!(body["expires_in"], 21600);
    assert_eq!(body["token_type"], "bearer");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(jwt_part(token, 0)["alg"], "RS256");
    let claims = jwt_part(token, 1);
    assert_eq!(claims["sub"], id.as_str());
    assert_eq!(claims["scopes"], json!(["cmu:analytics:client"]));
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["nbf"].as_i64().unwrap(), iat);
    let exp = claims["exp"].as_i64().unwrap();
    assert!(exp - iat >= 21600 && exp - iat <= 21601);

    // The seed's screenshot: the three fields as query parameters, no body.
    let resp = client()
        .post(at(&fake, "o/client/token"))
        .query(&[
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await.unwrap();
    let client_of = validate_token(fake.state(), body["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(client_of.client_id, id);
    assert_eq!(client_of.token_id, body["id"].as_str().unwrap());
    fake.shutdown().await;
}

#[tokio::test]
async fn token_errors_are_the_documented_ones() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    let c = client();
    let url = at(&fake, "o/client/token");
    let post_form = |pairs: Vec<(&'static str, String)>| c.post(url.clone()).form(&pairs).send();

    // Missing fields, empty body, non-form body.
    for pairs in [
        vec![],
        vec![("client_id", id.clone()), ("client_secret", secret.clone())],
        vec![
            ("client_id", id.clone()),
            ("grant_type", "client_credentials".into()),
        ],
        vec![
            ("client_secret", secret.clone()),
            ("grant_type", "client_credentials".into()),
        ],
        vec![
            ("client_id", String::new()),
            ("client_secret", secret.clone()),
            ("grant_type", "client_credentials".into()),
        ],
    ] {
        let resp = post_form(pairs).await.unwrap();
        assert_eq!(error_code(resp).await, (400, "invalid_request".into()));
    }
    let resp = c
        .post(url.clone())
        .json(&json!({ "client_id": id, "client_secret": secret, "grant_type": "client_credentials" }))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_request".into()));

    // Grant type other than client_credentials.
    let resp = post_form(vec![
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
        ("grant_type", "password".into()),
    ])
    .await
    .unwrap();
    assert_eq!(
        error_code(resp).await,
        (400, "unsupported_grant_type".into())
    );

    // Wrong secret, secret of another client, garbage.
    let (_, other_secret) = register(&fake, "abc").await;
    for bad in [format!("{secret}x"), other_secret, "%%%".to_owned()] {
        let resp = token_form(&fake, &id, &bad).await;
        assert_eq!(error_code(resp).await, (400, "invalid_client".into()));
    }

    // unauthorized_client: by software id prefix, and by switch.
    let (uid, usecret) = register(&fake, "unauthorized-app").await;
    let resp = token_form(&fake, &uid, &usecret).await;
    assert_eq!(error_code(resp).await, (400, "unauthorized_client".into()));
    fake.faults().set_unauthorized_client(true);
    let resp = token_form(&fake, &id, &secret).await;
    assert_eq!(error_code(resp).await, (400, "unauthorized_client".into()));
    fake.faults().set_unauthorized_client(false);
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 201);
    fake.shutdown().await;
}

// ----- bearer tokens -----

async fn protected(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match check_bearer(
        &state,
        &headers,
        query.get("access_token").map(String::as_str),
    ) {
        Ok(client) => client.client_id.into_response(),
        Err(refusal) => refusal,
    }
}

#[tokio::test]
async fn bearer_tokens_are_checked_over_http() {
    // A fake plus one protected route, the way the CMU routes use `check_bearer`.
    let state = ServerState::new(FakeServerConfig::default());
    let app = router(state.clone()).merge(
        Router::new()
            .route("/protected", get(protected))
            .with_state(state.clone()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let c = client();
    let resp = c
        .post(base.join("o/client/register").unwrap())
        .header("Content-Type", "application/json")
        .body(json!({ "software_statement": demo_statement("abc", "n") }).to_string())
        .send()
        .await
        .unwrap();
    let reg: Value = resp.json().await.unwrap();
    let id = reg["client_id"].as_str().unwrap();
    let resp = c
        .post(base.join("o/client/token").unwrap())
        .form(&[
            ("client_id", id),
            ("client_secret", reg["client_secret"].as_str().unwrap()),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    let tok: Value = resp.json().await.unwrap();
    let token = tok["access_token"].as_str().unwrap();
    let protected_url = base.join("protected").unwrap();

    let resp = c
        .get(protected_url.clone())
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), id);
    let resp = c
        .get(protected_url.clone())
        .query(&[("access_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    for attempt in [
        c.get(protected_url.clone()),
        c.get(protected_url.clone()).bearer_auth("garbage"),
        c.get(protected_url.clone())
            .bearer_auth(format!("{token}x")),
        c.get(protected_url.clone()).basic_auth("u", Some("p")),
        // A statement is signed by the same key but is no token.
        c.get(protected_url.clone())
            .bearer_auth(demo_statement("abc", "n")),
    ] {
        let resp = attempt.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert!(resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
    }

    state.faults().expire_all_tokens();
    let resp = c
        .get(protected_url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn expire_all_tokens_and_short_ttl() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    let old = access_token(&fake, &id, &secret).await;
    assert!(check_bearer(fake.state(), &bearer_headers(&old), None).is_ok());
    assert_eq!(
        check_bearer(fake.state(), &HeaderMap::new(), None)
            .unwrap_err()
            .status(),
        401
    );

    fake.faults().expire_all_tokens();
    assert_eq!(
        validate_token(fake.state(), &old),
        Err(TokenRejection::Revoked)
    );
    let resp = check_bearer(fake.state(), &bearer_headers(&old), None).unwrap_err();
    assert_eq!(resp.status(), 401);
    // A token issued right after is valid (even within the same millisecond).
    let fresh = access_token(&fake, &id, &secret).await;
    assert!(validate_token(fake.state(), &fresh).is_ok());
    assert!(check_bearer(fake.state(), &HeaderMap::new(), Some(&fresh)).is_ok());

    // token_ttl: expires_in follows it and the token stops working after it.
    fake.faults().set_token_ttl(Duration::from_secs(1));
    let resp = token_form(&fake, &id, &secret).await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["expires_in"], 1);
    let short = body["access_token"].as_str().unwrap().to_owned();
    assert!(validate_token(fake.state(), &short).is_ok());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        validate_token(fake.state(), &short),
        Err(TokenRejection::Expired)
    );
    fake.shutdown().await;
}

// ----- statelessness -----

#[tokio::test]
async fn credentials_and_tokens_survive_a_restart() {
    let a = start().await;
    let (id, secret) = register(&a, DEMO_SOFTWARE_ID).await;
    let token_a = access_token(&a, &id, &secret).await;
    a.shutdown().await;

    let b = start().await;
    let resp = token_form(&b, &id, &secret).await;
    assert_eq!(resp.status(), 201);
    assert!(validate_token(b.state(), &token_a).is_ok());
    b.shutdown().await;
}

#[tokio::test]
async fn revoked_credentials_need_a_new_registration() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    let token = access_token(&fake, &id, &secret).await;
    fake.faults().revoke_all_credentials();
    let resp = token_form(&fake, &id, &secret).await;
    assert_eq!(error_code(resp).await, (400, "invalid_client".into()));
    // Tokens are a separate switch: an already issued one still works until it expires.
    assert!(validate_token(fake.state(), &token).is_ok());
    let (id2, secret2) = register(&fake, "abc").await;
    assert_eq!(token_form(&fake, &id2, &secret2).await.status(), 201);
    let resp = token_form(&fake, &id, &secret).await;
    assert_eq!(error_code(resp).await, (400, "invalid_client".into()));
    assert_eq!(fake.faults().status().credentials_epoch, 1);
    fake.shutdown().await;
}

// ----- faults -----

#[tokio::test]
async fn throttle_on_registration_host_is_html_without_hint() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    fake.faults().throttle_next(2);
    for _ in 0..2 {
        let resp = token_form(&fake, &id, &secret).await;
        assert_eq!(resp.status(), 429);
        assert!(resp.headers().get("expires").is_none());
        assert!(resp.headers().get("retry-after").is_none());
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(resp.text().await.unwrap().contains("<html>"));
    }
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 201);

    // The switch that adds `Expires` on /o/client/* (for "429 with Expires 2 s ahead").
    fake.faults().set_throttle_auth_expires(true);
    fake.faults().set_throttle_cooldown(Duration::from_secs(2));
    fake.faults().throttle_next(1);
    let resp = token_form(&fake, &id, &secret).await;
    assert_eq!(resp.status(), 429);
    let ahead = expires_in_secs(&resp);
    assert!((0.9..=2.1).contains(&ahead), "Expires {ahead} s ahead");
    fake.shutdown().await;
}

#[tokio::test]
async fn throttle_elsewhere_carries_expires() {
    let fake = start().await;
    let url = at(&fake, "nowhere");
    // An unknown path: a 404 is the unthrottled answer.
    assert_eq!(
        client().get(url.clone()).send().await.unwrap().status(),
        404
    );
    fake.faults().throttle_next(1);
    let resp = client().get(url.clone()).send().await.unwrap();
    assert_eq!(resp.status(), 429);
    let ahead = expires_in_secs(&resp);
    assert!(
        (58.9..=60.1).contains(&ahead),
        "default cool-down one minute, got {ahead}"
    );
    assert!(resp.headers().get("retry-after").is_none());
    assert_eq!(
        client().get(url.clone()).send().await.unwrap().status(),
        404
    );

    // For a duration: every request in the window, Expires at the window's end.
    fake.faults().throttle_for(Duration::from_millis(1500));
    let resp = client().get(url.clone()).send().await.unwrap();
    assert_eq!(resp.status(), 429);
    let ahead = expires_in_secs(&resp);
    assert!((-0.1..=1.6).contains(&ahead), "window end, got {ahead}");
    assert_eq!(
        client().get(url.clone()).send().await.unwrap().status(),
        429
    );
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(client().get(url).send().await.unwrap().status(), 404);
    fake.shutdown().await;
}

#[tokio::test]
async fn failures_delay_and_path_prefix() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    fake.faults().fail_next(2, 500);
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 500);
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 500);
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 201);
    let resp = set_faults(&fake, json!({ "fail_next": 1, "fail_status": 503 })).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 503);

    fake.faults().set_delay(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 201);
    assert!(started.elapsed() >= Duration::from_millis(300));
    fake.faults().set_delay(Duration::ZERO);

    // Narrowed to the token path: registration is left alone.
    fake.faults().set_path_prefix(Some("/o/client/token"));
    fake.faults().fail_next(1, 503);
    register(&fake, "abc").await;
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 503);
    fake.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_are_transport_errors() {
    let fake = start().await;
    let (id, secret) = register(&fake, "abc").await;
    fake.faults().drop_next(1);
    let err = client()
        .post(at(&fake, "o/client/token"))
        .form(&[
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none(), "no HTTP answer: {err:?}");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 201);

    fake.faults().set_drop_always(true);
    for _ in 0..3 {
        let err = client().get(at(&fake, "nowhere")).send().await.unwrap_err();
        assert!(err.status().is_none());
    }
    let log = fake.requests();
    assert_eq!(log.last().unwrap().fault.as_deref(), Some("dropped"));
    assert_eq!(log.last().unwrap().status, None);
    // The control API is never dropped, so a dropping fake can still be repaired.
    let resp = set_faults(&fake, json!({ "drop_always": false })).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(token_form(&fake, &id, &secret).await.status(), 201);
    fake.shutdown().await;
}

#[tokio::test]
async fn rate_limiter_is_off_by_default_and_follows_the_bucket() {
    let fake = start().await;
    let c = client();
    let url = at(&fake, "o/client/token");
    for _ in 0..15 {
        assert_eq!(c.post(url.clone()).send().await.unwrap().status(), 400);
    }
    fake.faults().set_rate_limit(true);
    for _ in 0..10 {
        assert_eq!(c.post(url.clone()).send().await.unwrap().status(), 400);
    }
    let resp = c.post(url.clone()).send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("expires").is_none());
    assert!(resp.text().await.unwrap().contains("429"));
    // Other hosts' paths are not limited.
    assert_eq!(
        c.get(at(&fake, "nowhere")).send().await.unwrap().status(),
        404
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(c.post(url.clone()).send().await.unwrap().status(), 400);
    assert_eq!(c.post(url).send().await.unwrap().status(), 429);
    assert_eq!(
        fake.requests().last().unwrap().fault.as_deref(),
        Some("rate_limited")
    );
    fake.shutdown().await;
}

// ----- control API and request log -----

#[tokio::test]
async fn control_endpoints_drive_the_switches() {
    let fake = start().await;
    let c = client();
    let status: FaultsStatus = c
        .get(at(&fake, "_fake/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status, fake.faults().status());
    assert_eq!(status.throttle_cooldown_secs, 60);
    assert_eq!(status.token_ttl_secs, 21600);
    assert!(status.issued_at_millis && !status.rate_limit);

    let resp = set_faults(
        &fake,
        json!({
            "throttle_next": 3, "throttle_cooldown_secs": 2, "throttle_auth_expires": true,
            "fail_next": 1, "fail_status": 500, "delay_ms": 5, "drop_next": 1,
            "path_prefix": "/cmu/", "rate_limit": true, "rate_limit_per_sec": 2.0,
            "rate_limit_burst": 4, "issued_at_millis": false, "token_ttl_secs": 60,
            "unauthorized_client": true, "expire_tokens": true, "revoke_credentials": true
        }),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], JSON_CONTENT_TYPE);
    let status: FaultsStatus = resp.json().await.unwrap();
    assert_eq!(status.throttle_next, 3);
    assert_eq!(status.throttle_cooldown_secs, 2);
    assert!(status.throttle_auth_expires);
    assert_eq!((status.fail_next, status.fail_status), (1, 500));
    assert_eq!((status.delay_ms, status.drop_next), (5, 1));
    assert_eq!(status.path_prefix.as_deref(), Some("/cmu/"));
    assert!(status.rate_limit && status.unauthorized_client && !status.issued_at_millis);
    assert_eq!(
        (status.rate_limit_per_sec, status.rate_limit_burst),
        (2.0, 4)
    );
    assert_eq!(status.token_ttl_secs, 60);
    assert_eq!(status.credentials_epoch, 1);
    assert!(status.tokens_expired_before_ms.is_some());

    // Typos and out-of-range values are refused and change nothing.
    for bad in [
        json!({ "throttle_nxt": 1 }),
        json!({ "fail_status": 404 }),
        json!({ "rate_limit_burst": 0 }),
    ] {
        let resp = set_faults(&fake, bad).await;
        assert_eq!(resp.status(), 400);
    }
    let resp = c
        .post(at(&fake, "_fake/faults"))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(fake.faults().status(), status);

    // Throttle window over HTTP.
    set_faults(&fake, json!({ "throttle_for_ms": 60000 })).await;
    assert!(fake.faults().status().throttle_for_ms > 59_000);

    let resp = c.post(at(&fake, "_fake/reset")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let reset: FaultsStatus = resp.json().await.unwrap();
    assert_eq!(reset.credentials_epoch, 0);
    assert_eq!(reset.throttle_next, 0);
    assert_eq!(reset.throttle_for_ms, 0);
    assert!(reset.tokens_expired_before_ms.is_none());
    assert!(!reset.rate_limit);

    // A statement from the control API registers.
    let statement = c
        .get(at(
            &fake,
            "_fake/statement?software_id=from-http&client_name=X",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(jwt_part(&statement, 1)["sub"], "from-http");
    let resp = register_raw(&fake, json!({ "software_statement": statement })).await;
    assert_eq!(resp.status(), 201);
    let default_statement = c
        .get(at(&fake, "_fake/statement"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(jwt_part(&default_statement, 1)["sub"], DEMO_SOFTWARE_ID);
    fake.shutdown().await;
}

#[tokio::test]
async fn request_log_keeps_headers_not_secrets() {
    let fake = start().await;
    let c = client();
    let device = json!({ "model": "Desktop PC", "osName": "Linux", "osVersion": "6.1",
        "connectionType": "Ethernet", "primaryHardwareType": "Desktop" });
    let statement = demo_statement("abc", "n");
    let resp = c
        .post(at(&fake, "o/client/register"))
        .header("Content-Type", "application/json;charset=utf-8")
        .header("Accept", "application/json;charset=utf-8")
        .header("User-Agent", "cmu-test/1.0")
        .header("X-Device-Info", STANDARD.encode(device.to_string()))
        .body(json!({ "software_statement": statement }).to_string())
        .send()
        .await
        .unwrap();
    let reg: Value = resp.json().await.unwrap();
    let (id, secret) = (
        reg["client_id"].as_str().unwrap(),
        reg["client_secret"].as_str().unwrap(),
    );
    let resp = c
        .post(at(&fake, "o/client/token"))
        .query(&[
            ("client_id", id),
            ("client_secret", secret),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    let tok: Value = resp.json().await.unwrap();
    c.get(at(&fake, "nowhere"))
        .bearer_auth(tok["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    // Control calls are not recorded.
    c.get(at(&fake, "_fake/faults")).send().await.unwrap();

    let log = fake.requests();
    assert_eq!(log.len(), 3);
    let register_entry = &log[0];
    assert_eq!(register_entry.method, "POST");
    assert_eq!(register_entry.path, "/o/client/register");
    assert_eq!(
        register_entry.content_type.as_deref(),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(
        register_entry.accept.as_deref(),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(register_entry.user_agent.as_deref(), Some("cmu-test/1.0"));
    assert_eq!(register_entry.device_info.as_ref(), Some(&device));
    assert!(register_entry
        .header_names
        .iter()
        .any(|h| h == "x-device-info"));
    assert_eq!(register_entry.status, Some(201));
    assert_eq!(
        log[1].query_keys,
        ["client_id", "client_secret", "grant_type"]
    );
    assert_eq!(log[1].status, Some(201));
    assert_eq!(log[2].authorization_scheme.as_deref(), Some("Bearer"));
    assert_eq!(log[2].status, Some(404));
    assert!(log[0].seq < log[1].seq && log[1].seq < log[2].seq);

    let over_http: Value = c
        .get(at(&fake, "_fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = over_http.to_string();
    assert_eq!(over_http.as_array().unwrap().len(), 3);
    for secret_value in [secret, &statement, tok["access_token"].as_str().unwrap()] {
        assert!(
            !text.contains(secret_value),
            "the log must not hold secrets"
        );
    }
    let resp = c.delete(at(&fake, "_fake/requests")).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert!(fake.requests().is_empty());
    fake.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let fake = start().await;
    let url = at(&fake, "nowhere");
    let c = client();
    assert_eq!(c.get(url.clone()).send().await.unwrap().status(), 404);
    fake.shutdown().await;
    let err = client().get(url).send().await.unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");
}

#[tokio::test]
async fn extreme_inputs_do_not_panic() {
    let fake = start().await;
    let c = client();
    for statement in ["é.é.é", "..", "a..b", "\u{0}.\u{0}.\u{0}"] {
        let resp = register_raw(&fake, json!({ "software_statement": statement })).await;
        assert_eq!(
            error_code(resp).await,
            (400, "invalid_software_statement".into())
        );
    }
    let resp = c
        .post(at(&fake, "o/client/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', b'&', b'%'])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_request".into()));

    let resp = set_faults(
        &fake,
        json!({ "throttle_cooldown_secs": u64::MAX, "throttle_next": 1,
                "token_ttl_secs": u64::MAX, "rate_limit": true,
                "rate_limit_per_sec": 1e-300, "rate_limit_burst": 1,
                "throttle_auth_expires": true }),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let resp = c.get(at(&fake, "nowhere")).send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("expires").is_some());
    let statement = demo_statement("abc", "n");
    let resp = register_raw(&fake, json!({ "software_statement": statement })).await;
    let reg: Value = resp.json().await.unwrap();
    let (id, secret) = (
        reg["client_id"].as_str().unwrap(),
        reg["client_secret"].as_str().unwrap(),
    );
    // The bucket (size 1) is now empty: the limiter answers, with an Expires far away.
    let resp = token_form(&fake, id, secret).await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("expires").is_some());
    fake.faults().set_rate_limit(false);
    let token = access_token(&fake, id, secret).await;
    assert!(validate_token(fake.state(), &token).is_ok());

    let resp = set_faults(&fake, json!({ "throttle_for_ms": u64::MAX })).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        c.get(at(&fake, "nowhere")).send().await.unwrap().status(),
        429
    );
    fake.shutdown().await;
}
