//! Reports: a daily per-MVPD report checked against the fake's own data, CSV export, a
//! throttled fetch with its countdown, and cancelling a slow fetch.

use std::collections::BTreeMap;
use std::time::Duration;

use cmu_core::fake_server::cmu::{dataset, render, RunOptions};
use cmu_core::report::ReportTable;
use cmu_core::report_query::ReportQuery;

use crate::harness::{png_stats, App, Fake, ARROW_RIGHT, ENTER, ESCAPE, REPORT_TIMEOUT};

/// The metrics the "Cross-MVPD daily stats" preset documents (and ticks).
const PRESET_METRICS: [&str; 7] = [
    "active-users",
    "active-sessions",
    "started-sessions",
    "completed-sessions",
    "failed-attempts",
    "dismissed-sessions",
    "killed-sessions",
];

/// The query the app sends for the preset over October 2026.
fn october_query() -> ReportQuery {
    let mut query = ReportQuery::for_path(["year", "month", "day", "mvpd"]);
    query.start = Some("2026-10-01".to_owned());
    query.end = Some("2026-11-01".to_owned());
    query.metrics = PRESET_METRICS.iter().map(|m| (*m).to_owned()).collect();
    query
}

/// What the fake answers for `query`, computed in this process by the fake's own report code:
/// the per-metric sums of its records, and the table the library parses from its JSON.
fn ground_truth(query: &ReportQuery) -> (BTreeMap<String, u64>, ReportTable) {
    let report = dataset()
        .report_at(
            &query.path_string(),
            &query.query_string(),
            RunOptions::now(),
        )
        .unwrap();
    let mut sums = BTreeMap::new();
    for record in &report.records {
        for (metric, value) in report.metrics.iter().zip(&record.values) {
            *sums.entry(metric.name().to_owned()).or_insert(0) += value;
        }
    }
    let table = ReportTable::parse(render::to_json(&report).as_bytes()).unwrap();
    (sums, table)
}

/// Connects through the picker, opens Reports and runs the preset over October 2026.
pub(crate) async fn run_october_report(app: &App, fake: &Fake) {
    app.connect_with_picker(fake).await;
    app.click(".profile-card .open-reports").await;
    app.wait_for_visible("#reports-main").await;
    app.click("button.preset[data-preset='Cross-MVPD daily stats']")
        .await;
    app.click("label[for='range-custom']").await;
    app.wait_for_visible("#range-start").await;
    app.fill("#range-start", "2026-10-01").await;
    app.fill("#range-end", "2026-11-01").await;
    app.click("#run-report").await;
    wait_for_result(app).await;
}

async fn wait_for_result(app: &App) {
    app.wait_for_js(
        "the report table",
        "document.querySelector('#results').dataset.state === 'shown' && \
         document.querySelectorAll('#report-table tbody tr').length > 0",
        REPORT_TIMEOUT,
    )
    .await;
}

async fn row_count(app: &App) -> u64 {
    app.js("return document.querySelectorAll('#report-table tbody tr').length;")
        .await
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_per_mvpd_report_matches_the_fake_and_exports_csv() {
    let fake = Fake::start("e2e-reports-app", "E2E Reports App").await;
    let export = fake.dir.path().join("october.csv");
    let app = App::launch_with_env(&[
        ("CMU_STUDIO_PICK_FILE", fake.statement_path()),
        ("CMU_STUDIO_SAVE_PATH", export.to_str().unwrap()),
    ])
    .await;
    run_october_report(&app, &fake).await;

    let query = october_query();
    let (sums, table) = ground_truth(&query);

    // Every row of the month is there: 31 days x 10 MVPDs.
    assert_eq!(table.rows(), 310);
    assert_eq!(row_count(&app).await, table.rows() as u64);
    let count = app.text("#table-count").await;
    assert!(count.starts_with(&table.rows().to_string()), "{count}");

    // The totals row matches the fake's records, metric by metric.
    let shown = app
        .js(
            "return Array.from(document.querySelectorAll('#report-table td[data-total]'))\
             .map(td => [td.dataset.total, td.dataset.value]);",
        )
        .await;
    let shown: BTreeMap<String, String> = serde_json::from_value::<Vec<(String, String)>>(shown)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(shown.len(), PRESET_METRICS.len(), "{shown:?}");
    for metric in PRESET_METRICS {
        let expected = sums[metric];
        let got: f64 = shown[metric].parse().unwrap();
        assert_eq!(got as u64, expected, "total of {metric}");
    }
    // Additive totals are shown with thousands separators; distinct users are not added up.
    let started = app
        .text("#report-table td[data-total='started-sessions']")
        .await;
    let digits: String = started.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits, sums["started-sessions"].to_string());
    if sums["started-sessions"] >= 1000 {
        assert!(started.len() > digits.len(), "no separators in {started}");
    }
    let users = app
        .text("#report-table td[data-total='active-users']")
        .await;
    assert_eq!(users, "n/a");

    // The header says what was asked, in which zone.
    let subtitle = app.text("#result-subtitle").await;
    assert!(subtitle.contains("2026-10-01"), "{subtitle}");
    assert!(subtitle.contains("UTC"), "{subtitle}");

    // Sorting by a metric column, largest first.
    app.click("#report-table th[data-column='active-sessions'] button")
        .await;
    let sort = app
        .attr(
            "#report-table th[data-column='active-sessions']",
            "aria-sort",
        )
        .await;
    assert_eq!(sort.as_deref(), Some("descending"));
    let first_two = app
        .js(
            "const i = Array.from(document.querySelectorAll('#report-table thead th'))\
             .findIndex(th => th.dataset.column === 'active-sessions');\
             return Array.from(document.querySelectorAll('#report-table tbody tr')).slice(0, 2)\
             .map(tr => Number(tr.children[i].textContent.replace(/[^0-9]/g, '')));",
        )
        .await;
    let first_two: Vec<u64> = serde_json::from_value(first_two).unwrap();
    assert!(first_two[0] >= first_two[1], "{first_two:?}");

    let png = app.screenshot("reports-chart-table").await;
    assert!(png_stats(&png).2 > 50, "reports screenshot looks blank");

    // The chart: drawn by the engine, one series per MVPD (top ones plus "Other").
    app.wait_for_js(
        "the chart",
        "document.querySelector('#chart-svg svg') !== null && \
         Number(document.querySelector('#chart-box').dataset.series) > 1",
        REPORT_TIMEOUT,
    )
    .await;
    // Values under the pointer...
    app.js("const svg = document.querySelector('#chart-svg svg');\
            const r = svg.getBoundingClientRect();\
            document.querySelector('#chart-box').dispatchEvent(new MouseEvent('mousemove', \
              {bubbles: true, clientX: r.left + r.width * 0.45, clientY: r.top + r.height * 0.5}));\
            return true;")
        .await;
    let tip = app
        .wait_for_text("#chart-tooltip", |t| {
            t.contains("2026-10") || t.contains("Oct")
        })
        .await;
    assert!(tip.chars().any(|c| c.is_ascii_digit()), "{tip}");
    app.screenshot("reports-chart-hover").await;
    // ...and from the keyboard.
    app.js("document.querySelector('#chart-box').dispatchEvent(new MouseEvent('mouseleave')); return true;")
        .await;
    app.keys("#chart-box", ARROW_RIGHT).await;
    app.wait_for_text("#chart-tooltip", |t| !t.is_empty()).await;
    // A series can be switched off.
    let before = app.attr("#chart-box", "data-series").await;
    app.click("#series-toggles input[data-series='Comcast_SSO']")
        .await;
    app.wait_for_js(
        "the series toggle",
        "!document.querySelector(\"#series-toggles input[data-series='Comcast_SSO']\").checked",
        REPORT_TIMEOUT,
    )
    .await;
    assert!(before.is_some());

    // PNG export at slide size: 1600x900 drawn at 2x.
    app.click("#export-png").await;
    app.wait_for_text("#export-status", |t| t.contains("Saved PNG to"))
        .await;
    let png = std::fs::read(export.with_extension("png")).unwrap();
    let (width, height, colours) = png_stats(&png);
    assert_eq!((width, height), (3200, 1800));
    assert!(colours > 20, "the exported chart looks blank");

    // CSV export writes exactly what the library writes for the same table.
    app.click("#export-csv").await;
    let status = app
        .wait_for_text("#export-status", |t| t.contains("Saved CSV to"))
        .await;
    assert!(status.contains("october.csv"), "{status}");
    let written = std::fs::read(&export).unwrap();
    assert_eq!(
        String::from_utf8(written).unwrap(),
        table.to_csv_string(),
        "the exported CSV differs from the library's"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_report_shows_its_countdown_then_arrives() {
    let fake = Fake::start("e2e-throttle-app", "E2E Throttle App").await;
    let app = App::launch_with_env(&[("CMU_STUDIO_PICK_FILE", fake.statement_path())]).await;
    app.connect_with_picker(&fake).await;
    app.click(".profile-card .open-reports").await;
    app.wait_for_visible("#reports-main").await;
    app.click("button.preset[data-preset='Cross-MVPD daily stats']")
        .await;

    // Browsing the drill-down tree from the preset's path: the next dimensions come from the
    // server; a crumb goes back up.
    app.click("#source-browse-tab").await;
    app.wait_for_css("#browse-children button[data-dimension]", REPORT_TIMEOUT)
        .await;
    app.click("#browse-crumbs li:nth-child(3) button").await;
    app.wait_for_text("#report-path", |t| t == "/cmu/v2/year/month")
        .await;
    app.click("#browse-children button[data-dimension='day']")
        .await;
    app.wait_for_text("#report-path", |t| t == "/cmu/v2/year/month/day")
        .await;
    app.click("#browse-children button[data-dimension='mvpd']")
        .await;
    app.wait_for_text("#report-path", |t| t == "/cmu/v2/year/month/day/mvpd")
        .await;
    app.click("#source-presets-tab").await;

    let faults = fake.server.faults();
    faults.set_path_prefix(Some("/cmu/"));
    faults.set_throttle_cooldown(Duration::from_secs(3));
    faults.throttle_next(1);
    app.click("#run-report").await;
    let countdown = app
        .wait_for_text("#report-progress-text", |t| t.contains("retrying in"))
        .await;
    assert!(countdown.contains("Throttled"), "{countdown}");
    assert_eq!(
        app.attr("#report-progress", "data-kind").await.as_deref(),
        Some("throttled")
    );
    app.screenshot("reports-throttled-countdown").await;
    wait_for_result(&app).await;
    assert!(!app.is_visible("#report-error").await);
    assert!(!app.is_visible("#report-progress").await);

    // A filter chip with a value suggested from the data on screen.
    app.wait_for_js(
        "MVPD suggestions",
        "(() => { const v = document.querySelector('#filter-value'); v.focus(); \
         return Array.from(document.querySelectorAll('#filter-values option')) \
         .some(o => o.value === 'Comcast_SSO'); })()",
        REPORT_TIMEOUT,
    )
    .await;
    app.fill("#filter-value", "Comcast_SSO").await;
    app.keys("#filter-value", ENTER).await;
    app.wait_for_text("#filter-chips", |t| t.contains("Comcast_SSO"))
        .await;
    app.click("#run-report").await;
    app.wait_for_js(
        "the filtered report",
        "document.querySelector('#results').dataset.state === 'shown' && \
         Array.from(document.querySelectorAll('#report-table tbody tr')) \
         .every(tr => tr.children[1].textContent === 'Comcast_SSO')",
        REPORT_TIMEOUT,
    )
    .await;
    let subtitle = app.text("#result-subtitle").await;
    assert!(subtitle.contains("MVPD = Comcast_SSO"), "{subtitle}");

    // A row limit the report reaches: the truncation warning says what to do next.
    app.fill("#report-limit", "5").await;
    app.keys("#report-limit", ENTER).await;
    let warning = app
        .wait_for_text("#truncation-warning", |t| t.contains("Raise the limit"))
        .await;
    assert!(warning.contains("missing"), "{warning}");
    assert_eq!(row_count(&app).await, 5);
    app.screenshot("reports-truncation-warning").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_slow_fetch_keeps_the_previous_result() {
    let fake = Fake::start("e2e-cancel-app", "E2E Cancel App").await;
    let app = App::launch_with_env(&[("CMU_STUDIO_PICK_FILE", fake.statement_path())]).await;
    run_october_report(&app, &fake).await;
    let rows = row_count(&app).await;
    assert!(rows > 0);

    let faults = fake.server.faults();
    faults.set_path_prefix(Some("/cmu/"));
    faults.set_delay(Duration::from_secs(8));

    // Cancel button: the old result stays, dimmed while loading, back to normal after.
    app.click("#run-report").await;
    app.wait_for_visible("#report-progress").await;
    app.wait_for_visible("#cancel-report").await;
    let class = app
        .attr("#report-result", "class")
        .await
        .unwrap_or_default();
    assert!(class.contains("is-stale"), "not dimmed: {class}");
    app.screenshot("reports-loading-previous-dimmed").await;
    app.click("#cancel-report").await;
    app.wait_for_text("#report-notice", |t| {
        t.contains("Cancelled. The previous report is still shown.")
    })
    .await;
    assert_eq!(row_count(&app).await, rows);
    let class = app
        .attr("#report-result", "class")
        .await
        .unwrap_or_default();
    assert!(!class.contains("is-stale"), "still dimmed: {class}");
    assert!(!app.is_visible("#report-progress").await);
    assert!(!app.is_visible("#report-error").await);

    // Esc cancels too.
    app.click("#run-report").await;
    app.wait_for_visible("#report-progress").await;
    assert!(!app.is_visible("#report-notice").await);
    app.keys("#run-report", ESCAPE).await;
    app.wait_for_text("#report-notice", |t| t.contains("Cancelled"))
        .await;
    assert_eq!(row_count(&app).await, rows);
    assert!(!app.is_visible("#report-progress").await);
    faults.set_delay(Duration::ZERO);

    // The last report run for the profile is remembered: a reloaded window restores it.
    app.js("location.reload(); return true;").await;
    app.wait_for_css("#app-shell[data-ready='true']", crate::harness::UI_TIMEOUT)
        .await;
    app.click("#nav-reports").await;
    app.wait_for_js(
        "the restored builder",
        "document.querySelector('#screen-reports').dataset.restored === 'last'",
        REPORT_TIMEOUT,
    )
    .await;
    assert_eq!(
        app.js("return document.querySelector('#range-start').value;")
            .await,
        serde_json::json!("2026-10-01")
    );
    assert_eq!(
        app.js("return document.querySelector('#range-custom').checked;")
            .await,
        serde_json::json!(true)
    );
    let selected = app.text("button.preset.selected .preset-name").await;
    assert_eq!(selected, "Cross-MVPD daily stats");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_histogram_offers_the_stream_limit_what_if() {
    let fake = Fake::start("e2e-whatif-app", "E2E What-if App").await;
    let app = App::launch_with_env(&[("CMU_STUDIO_PICK_FILE", fake.statement_path())]).await;
    app.connect_with_picker(&fake).await;
    app.click(".profile-card .open-reports").await;
    app.wait_for_visible("#reports-main").await;
    app.fill("#preset-search", "concurrency monthly").await;
    app.click("button.preset[data-preset='Concurrency level monthly report']")
        .await;
    app.click("label[for='range-previousMonth']").await;
    app.click("#run-report").await;
    wait_for_result(&app).await;
    app.wait_for_visible("#whatif").await;
    app.fill("#whatif-limit", "2").await;
    app.click("#whatif-run").await;
    let summary = app
        .wait_for_text("#whatif-summary", |t| t.starts_with("With a limit of 2"))
        .await;
    assert!(summary.contains("denied a stream"), "{summary}");
    let over = app
        .js("return document.querySelectorAll('#whatif-table tr.over').length;")
        .await;
    assert!(
        over.as_u64().unwrap() > 0,
        "no level above the limit is marked"
    );
    app.wait_for_js(
        "the what-if chart",
        "document.querySelector('#chart-kind').value === 'whatIf'",
        REPORT_TIMEOUT,
    )
    .await;
    app.screenshot("reports-what-if").await;
    app.quit().await;
}
