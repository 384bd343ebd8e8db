//! Dark mode follows the system (GTK's dark preference): the app and its chart turn dark.

use crate::harness::{png_stats, App, Fake, REPORT_TIMEOUT};
use crate::reports::run_october_report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dark_system_theme_gives_a_dark_app_and_chart() {
    let fake = Fake::start("e2e-dark-app", "E2E Dark App").await;
    let app = App::launch_with_env(&[
        ("GTK_THEME", "Adwaita:dark"),
        ("CMU_STUDIO_PICK_FILE", fake.statement_path()),
    ])
    .await;
    let dark = app
        .js("return window.matchMedia('(prefers-color-scheme: dark)').matches;")
        .await;
    assert_eq!(
        dark,
        serde_json::json!(true),
        "the web view does not see the system's dark preference"
    );
    let background = app
        .js("return getComputedStyle(document.body).backgroundColor;")
        .await;
    assert_eq!(background, serde_json::json!("rgb(20, 22, 31)"));
    run_october_report(&app, &fake).await;
    app.wait_for_js(
        "the dark chart",
        "document.querySelector('#chart-svg svg') !== null && \
         document.querySelector('#chart-box').getAttribute('aria-busy') === 'false'",
        REPORT_TIMEOUT,
    )
    .await;
    let png = app.screenshot("reports-dark").await;
    assert!(png_stats(&png).2 > 100, "dark screenshot looks blank");
    app.quit().await;
}
