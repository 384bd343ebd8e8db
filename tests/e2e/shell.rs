//! The app shell: window, navigation, empty states, About.

use crate::harness::{png_stats, App};

#[tokio::test]
async fn shell_opens_with_first_run_guidance() {
    let app = App::launch().await;
    assert_eq!(app.client.title().await.unwrap(), "CMU Studio");

    // First-time users land on Connections and are told what to do next.
    let text = app
        .wait_for_text("#connections-empty", |t| t.contains("No connection yet"))
        .await;
    assert!(text.contains("software statement"), "{text}");
    assert!(text.contains("Registered Applications"), "{text}");

    app.click("#nav-reports").await;
    let reports = app
        .wait_for_text("#reports-empty", |t| t.contains("No reports yet"))
        .await;
    assert!(reports.contains("Connections"), "{reports}");

    app.click("#nav-connections").await;
    app.wait_for_text("#connections-empty", |t| t.contains("No connection yet"))
        .await;
    let png = app.screenshot("shell-connections").await;
    let (width, height, colours) = png_stats(&png);
    assert!(width >= 800 && height >= 500, "window is {width}x{height}");
    // A blank or unpainted window has one or two colours; the rendered shell has text,
    // borders and a logo.
    assert!(
        colours > 50,
        "screenshot looks blank: {colours} distinct colours"
    );
    app.quit().await;
}

#[tokio::test]
async fn about_shows_version_from_the_rust_command() {
    let app = App::launch().await;
    app.click("#nav-about").await;
    let version = app
        .wait_for_text("#about-version", |t| t != "…" && !t.is_empty())
        .await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let build = app.wait_for_text("#about-build", |t| t != "…").await;
    assert!(build.contains(std::env::consts::ARCH), "{build}");
    assert!(
        build.contains("debug") || build.contains("release"),
        "{build}"
    );
    let rustc = app.wait_for_text("#about-rustc", |t| t != "…").await;
    assert!(rustc.starts_with("rustc "), "{rustc}");
    let log = app.wait_for_text("#about-log", |t| t != "…").await;
    assert!(
        log.starts_with(app.home.path().to_str().unwrap()),
        "log file {log} should be in the test's state directory"
    );
    let png = app.screenshot("about").await;
    let (_, _, colours) = png_stats(&png);
    assert!(colours > 50, "About screenshot looks blank");
    app.quit().await;
}
