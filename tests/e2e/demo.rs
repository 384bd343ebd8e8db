//! Demo mode from a clean configuration: one click to a populated, clearly labelled report.

use crate::harness::{png_stats, App, REPORT_TIMEOUT};

#[tokio::test]
async fn the_demo_reaches_a_populated_chart_and_table_from_a_clean_start() {
    let app = App::launch().await;
    app.wait_for_visible("#connections-empty").await;
    let empty = app.text("#connections-empty").await;
    assert!(empty.contains("Try the demo"), "{empty}");

    app.click("#demo-start").await;
    // Straight to Reports, with a report already running and then shown.
    app.wait_for_visible("#screen-reports").await;
    app.wait_for_js(
        "the demo report",
        "document.querySelector('#results').dataset.state === 'shown' && \
         document.querySelectorAll('#report-table tbody tr').length > 0",
        REPORT_TIMEOUT,
    )
    .await;
    let badge = app.text("#result-demo").await;
    assert_eq!(badge.to_lowercase(), "demo data");
    let subtitle = app.text("#result-subtitle").await;
    assert!(subtitle.contains("Demo data"), "{subtitle}");
    let profile = app.text("#report-profile").await;
    assert!(profile.contains("Demo data"), "{profile}");
    let title = app.text("#result-title").await;
    assert_eq!(title, "Cross-MVPD daily stats");

    // The chart is drawn and lists its series; the table has totals.
    app.wait_for_js(
        "the demo chart",
        "document.querySelector('#chart-svg svg') !== null && \
         Number(document.querySelector('#chart-box').dataset.series) > 1",
        REPORT_TIMEOUT,
    )
    .await;
    let totals = app
        .js("return document.querySelectorAll('#report-table td[data-total]').length;")
        .await;
    assert!(totals.as_u64().unwrap() > 0);
    let png = app.screenshot("demo-reports").await;
    assert!(png_stats(&png).2 > 200, "demo screenshot looks too plain");

    // Back on Connections, the demo profile is labelled as such.
    app.click("#nav-connections").await;
    let card = app.text(".profile-card").await;
    assert!(card.to_lowercase().contains("demo data"), "{card}");
    app.quit().await;
}
