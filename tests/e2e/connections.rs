//! Connections: importing a statement through the file picker, what the card shows, rename,
//! forget.

use crate::harness::{png_stats, App, Fake, ENTER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_the_file_picker_shows_the_statement_then_registers() {
    let fake = Fake::start("e2e-picker-app", "E2E Picker App").await;
    let app = App::launch_with_env(&[("CMU_STUDIO_PICK_FILE", fake.statement_path())]).await;
    app.wait_for_visible("#connections-empty").await;

    // The picker answers with the statement; its summary comes before any registration.
    app.click("#import-pick").await;
    let summary = app
        .wait_for_text("#import-summary", |t| t.contains("e2e-picker-app"))
        .await;
    assert!(summary.contains("E2E Picker App"), "{summary}");
    assert!(summary.contains("Issuer"), "{summary}");
    assert!(summary.contains("Issued"), "{summary}");
    assert!(summary.contains("Expires"), "{summary}");
    assert!(
        summary.contains("e2e-picker-app.txt"),
        "the summary names the file: {summary}"
    );
    // Production is preselected.
    let production = app.attr("#env-production", "id").await;
    assert_eq!(production.as_deref(), Some("env-production"));
    let checked = app
        .js("return document.querySelector('#env-production').checked;")
        .await;
    assert_eq!(
        checked,
        serde_json::json!(true),
        "production is preselected"
    );
    let png = app.screenshot("import-summary").await;
    assert!(
        png_stats(&png).2 > 50,
        "import summary screenshot looks blank"
    );

    // Register against the fake as a custom environment; the card shows a valid token.
    let card = app.register_custom(&fake.base_url()).await;
    assert!(card.contains("e2e-picker-app"), "{card}");
    assert!(card.to_lowercase().contains("custom"), "{card}");
    assert!(card.contains("Client ID"), "{card}");
    assert!(card.contains("Registered"), "{card}");
    let client_id = app.text(".profile-card .client-id").await;
    assert!(
        !client_id.is_empty() && client_id != "not registered yet",
        "client id: {client_id}"
    );
    let token = app.text(".profile-card .token-state").await;
    assert!(token.contains("Token valid until"), "{token}");
    assert!(!app.is_visible("#connections-empty").await);
    assert!(
        !app.is_visible("#import-summary").await,
        "the form is reset"
    );

    // Never a secret in the page: statements and tokens are JWTs (`eyJ...`).
    let source = app.client.source().await.unwrap();
    let at = source
        .find("eyJhbGci")
        .map(|i| source[i.saturating_sub(300)..(i + 100).min(source.len())].to_owned());
    assert!(
        !contains_jwt(&source),
        "a JWT-shaped secret is in the page: {at:?}"
    );

    // Rename inline (Enter saves).
    app.click(".profile-card .rename").await;
    app.fill(".profile-card .rename-input", "Picker test").await;
    app.keys(".profile-card .rename-input", ENTER).await;
    app.wait_for_text(".profile-card .profile-label", |t| t == "Picker test")
        .await;
    app.click("#nav-reports").await;
    app.click("#nav-connections").await;
    app.wait_for_text(".profile-card .profile-label", |t| t == "Picker test")
        .await;
    let png = app.screenshot("connections-with-profile").await;
    assert!(png_stats(&png).2 > 50, "connections screenshot looks blank");

    // Test the connection again: it still works.
    app.click(".profile-card .test").await;
    app.wait_for_text(".profile-card .token-state", |t| {
        t.contains("Connection works")
    })
    .await;

    // After a full flow, no secret is in any file the app wrote (config, data, cache, logs)
    // or in the page: they are only in the keyring.
    assert_no_secret_outside_the_keyring(&app).await;

    // Forget asks first (a real dialog); cancelling keeps the profile.
    app.click(".profile-card .forget").await;
    app.wait_for_visible("#confirm-dialog").await;
    app.screenshot("forget-confirmation").await;
    app.click("#confirm-no").await;
    assert!(app.is_visible(".profile-card").await);
    app.click(".profile-card .forget").await;
    app.wait_for_visible("#confirm-dialog").await;
    app.click("#confirm-yes").await;
    app.wait_for_visible("#connections-empty").await;
    assert!(!app.is_visible(".profile-card").await);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_text_is_read_and_a_bad_paste_is_explained() {
    let fake = Fake::start("e2e-paste-app", "E2E Paste App").await;
    let app = App::launch().await;
    app.click("#paste-details summary").await;
    app.fill("#import-text", "definitely not a statement").await;
    app.click("#import-inspect-text").await;
    let error = app
        .wait_for_text("#import-error", |t| {
            t.contains("not a usable software statement")
        })
        .await;
    assert!(
        error.contains("Download"),
        "the error says what to do: {error}"
    );
    assert!(!app.is_visible("#import-summary").await);

    let text = std::fs::read_to_string(&fake.statement).unwrap();
    app.fill("#import-text", &text).await;
    app.click("#import-inspect-text").await;
    let summary = app
        .wait_for_text("#import-summary", |t| t.contains("e2e-paste-app"))
        .await;
    assert!(summary.contains("From pasted text"), "{summary}");
    assert!(
        !app.is_visible("#import-error").await,
        "the old error is gone"
    );
    app.quit().await;
}

/// Whether `text` contains something shaped like a JWT (`eyJ...` with two dots).
fn contains_jwt(text: &str) -> bool {
    text.match_indices("eyJ").any(|(i, _)| {
        let token: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        token.len() > 40 && token.matches('.').count() >= 2
    })
}

/// Reads the profile's secrets back from the Secret Service and looks for each of them in
/// every file under the app's home (config, data, cache and state/logs) and in the page.
async fn assert_no_secret_outside_the_keyring(app: &crate::harness::App) {
    use cmu_core::keyring_store::{KeyringStore, SecretKind};
    let home = app.home.path();
    let profiles: serde_json::Value = serde_json::from_slice(
        &std::fs::read(home.join("config/cmu-studio/profiles.json")).unwrap(),
    )
    .unwrap();
    let id = profiles["profiles"][0]["id"].as_str().unwrap();
    let keyring = KeyringStore::platform().unwrap();
    let mut secrets = Vec::new();
    for kind in [SecretKind::Statement, SecretKind::ClientSecret] {
        let value = keyring.get(id, kind).unwrap().unwrap();
        secrets.push((kind.as_str(), value.expose().clone()));
    }
    let (token, _) = keyring.load_token(id).unwrap().unwrap();
    secrets.push(("access-token", token.expose().clone()));

    let mut files = Vec::new();
    let mut dirs = vec![home.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "log")),
        "the app wrote no log file: {files:?}"
    );
    let page = app.client.source().await.unwrap();
    for (what, secret) in &secrets {
        assert!(secret.len() > 10);
        assert!(!page.contains(secret.as_str()), "{what} in the page");
        for file in &files {
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
            assert!(
                !text.contains(secret.as_str()),
                "{what} in {}",
                file.display()
            );
        }
    }
}
