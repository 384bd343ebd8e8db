//! The access flow through the library, over real loopback HTTP against the fake Adobe Pass
//! server, with secrets in the real Secret Service (run inside `scripts/with-keyring.sh`).

#![allow(clippy::unwrap_used)] // test fixtures: a panic is the failure report

#[path = "common/malformed.rs"]
mod malformed;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cmu_core::connection::Connections;
use cmu_core::environment::Environment;
use cmu_core::fake_server::{FakeServer, FakeServerConfig};
use cmu_core::http::{Http, HttpConfig, Progress, ProgressSink};
use cmu_core::keyring_store::{KeyringStore, SecretKind};
use cmu_core::paths::AppPaths;
use cmu_core::profiles::ProfileStore;
use cmu_core::statement::SoftwareStatement;
use cmu_core::Error;
use serde_json::json;

struct Fixture {
    fake: FakeServer,
    _home: tempfile::TempDir,
    connections: Connections,
    keyring: KeyringStore,
    env: Environment,
    events: Arc<Mutex<Vec<Progress>>>,
}

impl Fixture {
    async fn new() -> Self {
        let fake = FakeServer::start(FakeServerConfig::default())
            .await
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let paths = AppPaths::under(home.path());
        let http = Http::new(HttpConfig {
            initial_backoff: Duration::from_millis(50),
            ..HttpConfig::default()
        })
        .unwrap();
        let connections = Connections::new(
            ProfileStore::open(&paths).unwrap(),
            KeyringStore::platform().unwrap(),
            http,
        );
        // A custom environment on the fake's port: each test gets its own profile ids, so
        // tests sharing the keyring cannot collide.
        let base = fake.base_url().to_string();
        let env = Environment::custom(&base, &base).unwrap();
        Self {
            fake,
            _home: home,
            connections,
            keyring: KeyringStore::platform().unwrap(),
            env,
            events: Arc::default(),
        }
    }

    fn statement(&self, software_id: &str) -> SoftwareStatement {
        SoftwareStatement::parse_text(&self.fake.demo_statement(software_id, "Access Test"))
            .unwrap()
    }

    fn progress(&self) -> ProgressSink {
        let events = self.events.clone();
        ProgressSink::new(move |e| events.lock().unwrap().push(e.clone()))
    }

    async fn import(&self, software_id: &str) -> Result<cmu_core::profiles::Profile, Error> {
        self.connections
            .import(
                &self.statement(software_id),
                self.env.clone(),
                None,
                &self.progress(),
            )
            .await
    }

    fn count(&self, path: &str) -> usize {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
}

#[tokio::test]
async fn import_token_forget_round_trip() {
    let f = Fixture::new().await;
    let profile = f.import("roundtrip-app").await.unwrap();
    assert!(!profile.client_id.is_empty());
    assert!(profile
        .registered_at
        .is_some_and(|t| t > 1_600_000_000 && t < 10_000_000_000));
    assert_eq!(profile.client_name.as_deref(), Some("Access Test"));

    // The secrets are in the keyring, nowhere else.
    let stored = f
        .keyring
        .get(&profile.id, SecretKind::Statement)
        .unwrap()
        .unwrap();
    assert_eq!(stored.expose(), f.statement("roundtrip-app").raw().expose());
    assert!(f
        .keyring
        .get(&profile.id, SecretKind::ClientSecret)
        .unwrap()
        .is_some());

    let first = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    assert!(first.refreshed);
    assert!(first.expires_at > chrono::Utc::now().timestamp() + 21_000);
    // Reused, not fetched again; registration happened exactly once.
    let second = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    assert!(!second.refreshed);
    assert_eq!(f.count("/o/client/token"), 1);
    assert_eq!(f.count("/o/client/register"), 1);

    // Importing the same statement again updates the one profile.
    let again = f.import("roundtrip-app").await.unwrap();
    assert_eq!(again.id, profile.id);
    assert_eq!(f.connections.profiles().list().unwrap().len(), 1);

    f.connections.forget(&profile.id).unwrap();
    for kind in SecretKind::ALL {
        assert!(
            f.keyring.get(&profile.id, kind).unwrap().is_none(),
            "{kind} left behind"
        );
    }
    assert!(f.connections.profiles().list().unwrap().is_empty());
}

#[tokio::test]
async fn requests_carry_the_documented_headers_and_bodies() {
    let f = Fixture::new().await;
    let profile = f.import("headers-app").await.unwrap();
    f.connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    let requests = f.fake.requests();
    let register = requests
        .iter()
        .find(|r| r.path == "/o/client/register")
        .unwrap();
    assert_eq!(register.method, "POST");
    assert_eq!(
        register.content_type.as_deref(),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(
        register.accept.as_deref(),
        Some("application/json;charset=utf-8")
    );
    let ua = register.user_agent.as_deref().unwrap();
    assert!(
        ua.starts_with(&format!("CMUStudio/{}", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
    let device = register.device_info.as_ref().unwrap();
    for key in ["model", "osName", "osVersion", "connectionType", "osVendor"] {
        assert!(
            device[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}: {device}"
        );
    }
    assert_eq!(device["primaryHardwareType"], "Desktop");

    let token = requests
        .iter()
        .find(|r| r.path == "/o/client/token")
        .unwrap();
    assert_eq!(
        token.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    // The documented form body, not query parameters: nothing secret in the URL.
    assert!(token.query_keys.is_empty(), "{:?}", token.query_keys);
    assert!(token.x_device_info.is_some());
}

#[tokio::test]
async fn each_registration_error_has_its_own_message_and_changes_nothing() {
    let f = Fixture::new().await;
    let good = f.import("keeper-app").await.unwrap();
    let mut messages = std::collections::HashSet::new();
    for code in [
        "invalid_request",
        "invalid_redirect_uri",
        "invalid_software_statement",
        "unapproved_software_statement",
    ] {
        f.fake.faults().set_register_error(Some(code)).unwrap();
        let err = f.import("newcomer-app").await.unwrap_err();
        match &err {
            Error::AccessRefused { reason, .. } => assert_eq!(reason, code),
            other => panic!("{code}: {other:?}"),
        }
        assert_eq!(err.exit_code(), 4);
        assert!(
            messages.insert(err.to_string()),
            "message for {code} not distinct"
        );
        // Re-importing the working profile's statement also fails, and must not touch it.
        assert!(f.import("keeper-app").await.is_err());
    }
    f.fake.faults().set_register_error(None).unwrap();
    let profiles = f.connections.profiles().list().unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].client_id, good.client_id);
    f.connections
        .ensure_token(&good.id, &f.progress())
        .await
        .unwrap();
}

#[tokio::test]
async fn statements_the_fake_did_not_sign_are_unapproved() {
    let f = Fixture::new().await;
    let foreign = malformed::make_statement(
        json!({"alg": "RS256", "typ": "JWT"}),
        json!({"sub": "foreign-app", "iss": "auth.adobe.com", "iat": 1_700_000_000}),
    );
    let statement = SoftwareStatement::parse_text(&foreign).unwrap();
    let err = f
        .connections
        .import(&statement, f.env.clone(), None, &f.progress())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AccessRefused { reason, .. } if reason == "unapproved_software_statement"),
        "{err:?}"
    );
    assert!(err.to_string().contains("environment"), "{err}");
    assert!(f.connections.profiles().list().unwrap().is_empty());
}

#[tokio::test]
async fn each_token_error_has_its_own_message() {
    let f = Fixture::new().await;
    let profile = f.import("token-errors-app").await.unwrap();
    let mut messages = std::collections::HashSet::new();
    for code in [
        "invalid_request",
        "unauthorized_client",
        "unsupported_grant_type",
    ] {
        f.fake.faults().set_token_error(Some(code)).unwrap();
        let err = f
            .connections
            .ensure_token(&profile.id, &f.progress())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::AccessRefused { reason, .. } if reason == code),
            "{code}: {err:?}"
        );
        assert_eq!(err.exit_code(), 4);
        assert!(messages.insert(err.to_string()));
    }
    // invalid_client makes the client register again once; forced for every request, it
    // stays refused and says so.
    f.fake
        .faults()
        .set_token_error(Some("invalid_client"))
        .unwrap();
    let err = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::AccessRefused { reason, .. } if reason == "invalid_client"));
    assert!(messages.insert(err.to_string()));
    assert_eq!(
        f.count("/o/client/register"),
        2,
        "exactly one re-registration"
    );
}

#[tokio::test]
async fn unauthorized_software_cannot_get_tokens() {
    let f = Fixture::new().await;
    let profile = f.import("unauthorized-app").await.unwrap();
    let err = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unauthorized_client"), "{err}");
}

#[tokio::test]
async fn throttled_with_expires_two_seconds_ahead_waits_and_succeeds() {
    let f = Fixture::new().await;
    let profile = f.import("throttled-app").await.unwrap();
    let faults = f.fake.faults();
    faults.set_throttle_auth_expires(true);
    faults.set_throttle_cooldown(Duration::from_secs(2));
    faults.throttle_next(1);
    let started = Instant::now();
    let status = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(status.refreshed);
    assert!(
        waited >= Duration::from_millis(1000),
        "did not wait: {waited:?}"
    );
    let events = f.events.lock().unwrap().clone();
    let throttled: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            Progress::Throttled { wait_ms, .. } => Some(*wait_ms),
            _ => None,
        })
        .collect();
    assert_eq!(throttled.len(), 1, "{events:?}");
    assert!((1000..=2000).contains(&throttled[0]), "{throttled:?}");
}

#[tokio::test]
async fn throttled_registration_without_hint_waits_at_least_a_second() {
    let f = Fixture::new().await;
    // The registration host's documented 429: HTML body, no Expires, no Retry-After.
    f.fake.faults().throttle_next(1);
    let started = Instant::now();
    f.import("html-429-app").await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(f
        .events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, Progress::Throttled { wait_ms: 1000, .. })));
}

#[tokio::test]
async fn throttled_past_the_budget_fails_with_the_wait() {
    let f = Fixture::new().await;
    let profile = f.import("throttle-budget-app").await.unwrap();
    f.fake.faults().set_throttle_auth_expires(true);
    f.fake
        .faults()
        .set_throttle_cooldown(Duration::from_secs(3600));
    f.fake.faults().throttle_next(1);
    let err = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap_err();
    match err {
        Error::Throttled { wait_secs, .. } => assert!(wait_secs > 3000, "{wait_secs}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn expired_stored_token_is_refreshed() {
    let f = Fixture::new().await;
    let profile = f.import("expired-app").await.unwrap();
    f.connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    // The keyring's token has run out (the app was closed for the night).
    let (token, _) = f.keyring.load_token(&profile.id).unwrap().unwrap();
    f.keyring
        .store_token(&profile.id, &token, chrono::Utc::now().timestamp() - 10)
        .unwrap();
    let status = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    assert!(status.refreshed && !status.reregistered);
    assert_eq!(f.count("/o/client/token"), 2);
    assert_eq!(
        f.count("/o/client/register"),
        1,
        "never register just to renew"
    );
}

#[tokio::test]
async fn revoked_credentials_are_replaced_by_registering_again() {
    let f = Fixture::new().await;
    let profile = f.import("revoked-app").await.unwrap();
    f.connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    f.fake.faults().revoke_all_credentials();
    f.keyring
        .delete(&profile.id, SecretKind::AccessToken)
        .unwrap();
    let status = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    assert!(status.refreshed && status.reregistered);
    let updated = f.connections.profiles().get(&profile.id).unwrap();
    assert_ne!(updated.client_id, profile.client_id);
    assert_eq!(f.count("/o/client/register"), 2);
    // The new credentials keep working without another registration.
    f.keyring
        .delete(&profile.id, SecretKind::AccessToken)
        .unwrap();
    let again = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    assert!(!again.reregistered);
}

#[tokio::test]
async fn server_failures_twice_then_success() {
    let f = Fixture::new().await;
    let profile = f.import("flaky-app").await.unwrap();
    f.fake.faults().fail_next(2, 503);
    f.connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap();
    let retries = f
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Progress::Retrying { reason, .. } if reason == "HTTP 503"))
        .count();
    assert_eq!(retries, 2);
}

#[tokio::test]
async fn server_failing_every_time_gives_a_server_error() {
    let f = Fixture::new().await;
    let profile = f.import("down-app").await.unwrap();
    f.fake.faults().fail_next(100, 500);
    let err = f
        .connections
        .ensure_token(&profile.id, &f.progress())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 500, .. }), "{err:?}");
    assert_eq!(err.exit_code(), 5);
}

#[tokio::test]
async fn dropped_connections_fail_within_the_retry_budget() {
    let f = Fixture::new().await;
    f.fake.faults().set_drop_always(true);
    let started = Instant::now();
    let err = f.import("dropped-app").await.unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert_eq!(err.exit_code(), 5);
    // 1 attempt + 3 retries with 50/100/200 ms back-off.
    assert!(started.elapsed() < Duration::from_secs(10));
    let attempts: Vec<_> = f
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/o/client/register")
        .collect();
    assert_eq!(attempts.len(), 4, "one attempt and three retries");
    assert!(attempts.iter().all(|r| r.status.is_none()), "{attempts:?}");
    assert!(f.connections.profiles().list().unwrap().is_empty());
}
