//! The fake's CMU reports API over real loopback HTTP: paths and links, sums, filters, limit,
//! metrics, representations, gzip, errors, auth and determinism, checked against the
//! HTTP-free ground truth (`Dataset::total`).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use cmu_core::fake_server::cmu::{
    dataset, presets, tree, CmuConfig, Dimension, Filters, Metric, MVPDS, PLATFORMS, TENANTS,
};
use cmu_core::fake_server::{FakeServer, FakeServerConfig};
use serde_json::{json, Value};

/// A fixed "now" so windows and defaults are reproducible (inside 25 months of data).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 15, 42, 0).unwrap()
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

struct Fake {
    server: FakeServer,
    token: String,
    /// One client per fake: building a client (TLS roots) costs more than a report.
    http: reqwest::Client,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn start_with(cmu: CmuConfig) -> Fake {
    let server = FakeServer::start(FakeServerConfig {
        cmu,
        ..FakeServerConfig::default()
    })
    .await
    .unwrap();
    let statement = server.demo_statement("cmu-test-software", "CMU test");
    let c = client();
    let reg: Value = c
        .post(server.base_url().join("o/client/register").unwrap())
        .header("Content-Type", "application/json;charset=utf-8")
        .body(json!({ "software_statement": statement }).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token: Value = c
        .post(server.base_url().join("o/client/token").unwrap())
        .form(&[
            ("client_id", reg["client_id"].as_str().unwrap()),
            ("client_secret", reg["client_secret"].as_str().unwrap()),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Fake {
        server,
        token: token["access_token"].as_str().unwrap().to_owned(),
        http: c,
    }
}

async fn start() -> Fake {
    start_with(CmuConfig {
        now: Some(now()),
        ..CmuConfig::default()
    })
    .await
}

impl Fake {
    fn url(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.server.base_url().as_str().trim_end_matches('/'),
            path_and_query
        )
    }

    async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.http
            .get(self.url(path_and_query))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    /// GET, expect 200 JSON, parse.
    async fn json(&self, path_and_query: &str) -> Value {
        let resp = self.get(path_and_query).await;
        let status = resp.status();
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_owned();
        let text = resp.text().await.unwrap();
        assert_eq!(status, 200, "{path_and_query}: {text}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        serde_json::from_str(&text).unwrap()
    }

    /// GET, expect `status` with a plain-text body; returns the body.
    async fn plain(&self, path_and_query: &str, status: u16) -> String {
        let resp = self.get(path_and_query).await;
        assert_eq!(resp.status(), status, "{path_and_query}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain"),
            "{path_and_query}"
        );
        resp.text().await.unwrap()
    }
}

/// The default metrics, as `self` echoes them.
fn all_metrics() -> String {
    let names: Vec<&str> = Metric::USAGE.iter().map(|m| m.name()).collect();
    format!("metrics={}", names.join(","))
}

fn records(v: &Value) -> &Vec<Value> {
    v["report"].as_array().unwrap()
}

/// A metric of a record, parsed from its string form.
fn num(record: &Value, key: &str) -> u64 {
    record[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {record}"))
        .parse()
        .unwrap()
}

fn sum(v: &Value, key: &str) -> u64 {
    records(v).iter().map(|r| num(r, key)).sum()
}

fn additive() -> impl Iterator<Item = Metric> {
    Metric::USAGE.into_iter().filter(|m| m.is_additive())
}

/// The hrefs of a `drill-down` value, whichever form it takes.
fn drill_hrefs(links: &Value) -> Vec<String> {
    match &links["drill-down"] {
        Value::Null => Vec::new(),
        Value::Array(a) => a
            .iter()
            .map(|l| l["href"].as_str().unwrap().to_owned())
            .collect(),
        one => vec![one["href"].as_str().unwrap().to_owned()],
    }
}

// ----- paths and links -----

#[tokio::test]
async fn root_has_totals_and_drill_down_links() {
    let fake = start().await;
    let v = fake.json("/cmu/v2?start=2026-09&end=2026-10").await;
    assert_eq!(
        v["_links"]["self"]["href"],
        format!(
            "/cmu/v2?start=2026-09-01T00:00:00Z&end=2026-10-01T00:00:00Z&limit=1000&{}",
            all_metrics()
        )
    );
    assert!(v["_links"].get("roll-up").is_none());
    assert_eq!(
        v["_links"]["drill-down"],
        json!([
            { "href": "/cmu/v2/tenant", "name": "tenant" },
            { "href": "/cmu/v2/year", "name": "year" },
            { "href": "/cmu/v2/mvpd", "name": "mvpd" },
        ])
    );
    let report = records(&v);
    assert_eq!(report.len(), 1);
    let record = report[0].as_object().unwrap();
    let keys: Vec<&str> = record.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = Metric::USAGE.iter().map(|m| m.name()).collect();
    expected.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    let truth = dataset().totals(
        utc("2026-09-01T00:00:00Z"),
        utc("2026-10-01T00:00:00Z"),
        &Filters::new(),
    );
    assert_eq!(truth.len(), Metric::USAGE.len());
    for (m, value) in truth {
        assert_eq!(num(&report[0], m.name()), value, "{m}");
    }
    assert!(num(&report[0], "started-sessions") > 1_000_000);
    // The trailing-slash form is the same resource.
    let slash = fake.json("/cmu/v2/?start=2026-09&end=2026-10").await;
    assert_eq!(slash, v);
}

#[tokio::test]
async fn every_preset_and_tree_path_answers_200() {
    let fake = start().await;
    assert_eq!(presets().len(), 65);
    for preset in presets() {
        // A small limit: parsing 65 large bodies in a debug build is what would take time.
        let v = fake.json(&format!("{}?limit=100", preset.path)).await;
        let href = v["_links"]["self"]["href"].as_str().unwrap();
        assert!(
            href.starts_with(&format!("{}?start=", preset.path)),
            "{href}"
        );
        assert!(href.contains("&limit=100&metrics="), "{href}");
        assert!(!records(&v).is_empty(), "{} has no rows", preset.path);
        // Every dimension of the path is a key of every record.
        let dims: Vec<&str> = preset.path.split('/').skip(3).collect();
        for r in records(&v) {
            for d in &dims {
                assert!(r[*d].is_string(), "{}: {d} missing in {r}", preset.path);
            }
        }
    }
    // The published tree, walked from the root through the links.
    let mut seen = 0;
    let mut stack = vec!["/cmu/v2".to_owned()];
    while let Some(path) = stack.pop() {
        let v = fake.json(&format!("{path}?limit=3")).await;
        seen += 1;
        assert!(records(&v).len() <= 3);
        stack.extend(drill_hrefs(&v["_links"]));
    }
    assert_eq!(seen, tree().paths().len());
}

#[tokio::test]
async fn unknown_paths_are_404_plain_text() {
    let fake = start().await;
    for path in [
        "/cmu/v2/platform",
        "/cmu/v2/year/day",
        "/cmu/v2/colour",
        "/cmu/v2/year/year",
        "/cmu/v2/tenant/year/month/day/minute",
        "/cmu/v3",
        "/cmu/v2x/year",
        "/cmu",
    ] {
        let body = fake.plain(path, 404).await;
        assert!(body.starts_with("Not found"), "{path}: {body}");
    }
}

#[tokio::test]
async fn drill_down_is_an_object_or_an_array_and_names_are_optional() {
    let fake = start().await;
    let q = "?start=2026-10-01&end=2026-10-02";
    let several = fake.json(&format!("/cmu/v2/year/month{q}")).await;
    let links = &several["_links"];
    assert_eq!(links["roll-up"], json!({ "href": "/cmu/v2/year" }));
    let array = links["drill-down"].as_array().unwrap();
    assert!(array.len() >= 3);
    assert!(array.iter().all(|l| l["name"].is_string()));
    assert!(array
        .iter()
        .any(|l| l["href"] == "/cmu/v2/year/month/concurrency-level"));

    let one = fake
        .json(&format!("/cmu/v2/tenant/year/month/day/mvpd/platform{q}"))
        .await;
    assert_eq!(
        one["_links"]["drill-down"],
        json!({ "href": "/cmu/v2/tenant/year/month/day/mvpd/platform/application-id", "name": "application-id" })
    );
    // A link without a name: to `application`.
    let unnamed = fake
        .json(&format!("/cmu/v2/tenant/year/month/day/application-id{q}"))
        .await;
    assert_eq!(
        unnamed["_links"]["drill-down"],
        json!({ "href": "/cmu/v2/tenant/year/month/day/application-id/application" })
    );
    // A leaf: no drill-down at all.
    let leaf = fake
        .json(&format!(
            "/cmu/v2/tenant/year/month/day/application-id/application{q}"
        ))
        .await;
    assert!(leaf["_links"].get("drill-down").is_none());
    assert_eq!(
        leaf["_links"]["roll-up"]["href"],
        "/cmu/v2/tenant/year/month/day/application-id"
    );
}

// ----- numbers add up -----

#[tokio::test]
async fn a_month_equals_the_sum_of_its_days() {
    let fake = start().await;
    for (start, end, days) in [("2026-09", "2026-10", 30), ("2026-02", "2026-03", 28)] {
        let q = format!("?start={start}&end={end}");
        let month = fake.json(&format!("/cmu/v2/year/month{q}")).await;
        let daily = fake.json(&format!("/cmu/v2/year/month/day{q}")).await;
        assert_eq!(records(&month).len(), 1);
        assert_eq!(records(&daily).len(), days);
        for m in additive() {
            assert_eq!(sum(&month, m.name()), sum(&daily, m.name()), "{m} {start}");
        }
        let users = sum(&month, "active-users");
        assert!(users > 0 && users <= sum(&daily, "active-users"));
        // Consistency of every record.
        for r in records(&daily) {
            assert!(num(r, "completed-sessions") <= num(r, "started-sessions"));
            assert!(num(r, "active-users") <= num(r, "active-sessions"));
            assert!(
                num(r, "dismissed-sessions") + num(r, "killed-sessions")
                    <= num(r, "completed-sessions")
            );
            let durations: u64 = Metric::DURATIONS.iter().map(|d| num(r, d.name())).sum();
            assert_eq!(durations, num(r, "completed-sessions"));
        }
    }
}

#[tokio::test]
async fn children_sum_to_their_parent() {
    let fake = start().await;
    let q = "?start=2026-10-05&end=2026-10-06";
    let day = fake.json(&format!("/cmu/v2/year/month/day{q}")).await;
    for child in ["mvpd", "tenant"] {
        let split = fake
            .json(&format!("/cmu/v2/year/month/day/{child}{q}"))
            .await;
        assert!(records(&split).len() > 1);
        for m in additive() {
            assert_eq!(sum(&day, m.name()), sum(&split, m.name()), "{child} {m}");
        }
        assert!(sum(&day, "active-users") <= sum(&split, "active-users"));
    }
    // Deeper: per tenant, channels add up to the tenant's day.
    let tenants = fake
        .json(&format!("/cmu/v2/tenant/year/month/day{q}"))
        .await;
    let channels = fake
        .json(&format!("/cmu/v2/tenant/year/month/day/channel{q}"))
        .await;
    assert_eq!(records(&tenants).len(), TENANTS.len());
    for t in records(&tenants) {
        let tenant = t["tenant"].as_str().unwrap();
        let part: u64 = records(&channels)
            .iter()
            .filter(|r| r["tenant"] == tenant)
            .map(|r| num(r, "started-sessions"))
            .sum();
        assert_eq!(part, num(t, "started-sessions"), "{tenant}");
    }
    assert!(records(&channels).iter().any(|r| r["channel"] == "Unknown"));
    // Minutes add up to their hour.
    let hq = "?start=2026-10-05T01:00:00Z&end=2026-10-05T02:00:00Z";
    let hour = fake
        .json(&format!("/cmu/v2/tenant/year/month/day/hour{hq}"))
        .await;
    let minutes = fake
        .json(&format!("/cmu/v2/tenant/year/month/day/hour/minute{hq}"))
        .await;
    assert_eq!(records(&minutes).len(), 60 * TENANTS.len());
    for m in additive() {
        assert_eq!(sum(&hour, m.name()), sum(&minutes, m.name()), "{m}");
    }
}

// ----- query parameters -----

#[tokio::test]
async fn filters_of_each_form_match_the_ground_truth() {
    let fake = start().await;
    let (start, end) = (utc("2026-10-05T00:00:00Z"), utc("2026-10-06T00:00:00Z"));
    let window = "start=2026-10-05&end=2026-10-06";
    let truth = |f: Filters| {
        dataset()
            .total(Metric::StartedSessions, start, end, &f)
            .unwrap()
    };
    let all = truth(Filters::new());
    let cases: Vec<(&str, Filters)> = vec![
        ("mvpd=Dish", Filters::new().equals(Dimension::Mvpd, "Dish")),
        (
            "mvpd=Dish&mvpd=AT%26T%20U-verse",
            Filters::new()
                .equals(Dimension::Mvpd, "Dish")
                .equals(Dimension::Mvpd, "AT&T U-verse"),
        ),
        (
            "platform!=Roku",
            Filters::new().not_equals(Dimension::Platform, "Roku"),
        ),
        (
            "platform!=Roku&platform!=Fire%20TV",
            Filters::new()
                .not_equals(Dimension::Platform, "Roku")
                .not_equals(Dimension::Platform, "Fire TV"),
        ),
        (
            "tenant=cmu-demo-tv&channel!=Unknown&application=Demo+TV+Kids",
            Filters::new()
                .equals(Dimension::Tenant, "cmu-demo-tv")
                .not_equals(Dimension::Channel, "Unknown")
                .equals(Dimension::Application, "Demo TV Kids"),
        ),
    ];
    for (filter, filters) in cases {
        let v = fake.json(&format!("/cmu/v2?{window}&{filter}")).await;
        let got = num(&records(&v)[0], "started-sessions");
        assert_eq!(got, truth(filters), "{filter}");
        assert!(got > 0 && got < all, "{filter}: {got} vs {all}");
        let href = v["_links"]["self"]["href"].as_str().unwrap();
        assert!(href.contains("&limit=1000&"), "{href}");
    }
    // IN is the sum of its members; NOT IN is the rest.
    let dish = truth(Filters::new().equals(Dimension::Mvpd, "Dish"));
    let att = truth(Filters::new().equals(Dimension::Mvpd, "AT&T U-verse"));
    let both = truth(
        Filters::new()
            .equals(Dimension::Mvpd, "Dish")
            .equals(Dimension::Mvpd, "AT&T U-verse"),
    );
    assert_eq!(both, dish + att);
    let neither = truth(
        Filters::new()
            .not_equals(Dimension::Mvpd, "Dish")
            .not_equals(Dimension::Mvpd, "AT&T U-verse"),
    );
    assert_eq!(neither, all - both);
    // The self link echoes filters in request order, values percent-encoded.
    let v = fake
        .json(&format!(
            "/cmu/v2/year?{window}&mvpd=AT%26T+U-verse&platform!=Roku"
        ))
        .await;
    assert_eq!(
        v["_links"]["self"]["href"],
        format!(
            "/cmu/v2/year?start=2026-10-05T00:00:00Z&end=2026-10-06T00:00:00Z&limit=1000&{}&mvpd=AT%26T%20U-verse&platform!=Roku",
            all_metrics()
        )
    );
    // A value nobody has: no rows.
    let none = fake
        .json(&format!("/cmu/v2/year?{window}&mvpd=Nobody"))
        .await;
    assert!(records(&none).is_empty());
}

#[tokio::test]
async fn a_bare_dimension_forces_it_into_the_projection() {
    let fake = start().await;
    let window = "start=2026-10-05&end=2026-10-06";
    let plain = fake.json(&format!("/cmu/v2/year/month?{window}")).await;
    let projected = fake
        .json(&format!("/cmu/v2/year/month?{window}&platform"))
        .await;
    assert_eq!(records(&projected).len(), PLATFORMS.len());
    for r in records(&projected) {
        assert!(PLATFORMS.contains(&r["platform"].as_str().unwrap()));
        assert_eq!(r["year"], "2026");
        assert_eq!(r["month"], "10");
    }
    // Sorted by platform (the path's dimensions, then the projection).
    let names: Vec<&str> = records(&projected)
        .iter()
        .map(|r| r["platform"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for m in additive() {
        assert_eq!(sum(&plain, m.name()), sum(&projected, m.name()), "{m}");
    }
    assert!(projected["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .ends_with(&format!("&limit=1000&{}&platform", all_metrics())));
    // Combined with a filter on the same dimension.
    let two = fake
        .json(&format!(
            "/cmu/v2/year/month?{window}&mvpd&mvpd=Dish&mvpd=Cox"
        ))
        .await;
    let mvpds: Vec<&str> = records(&two)
        .iter()
        .map(|r| r["mvpd"].as_str().unwrap())
        .collect();
    assert_eq!(mvpds, ["Cox", "Dish"]);
}

#[tokio::test]
async fn limit_truncates_and_is_echoed() {
    let fake = start().await;
    let v = fake
        .json("/cmu/v2/year/month/day?start=2026-10&end=2026-11&limit=5")
        .await;
    assert_eq!(records(&v).len(), 5);
    let days: Vec<&str> = records(&v)
        .iter()
        .map(|r| r["day"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        v["_links"]["self"]["href"],
        format!(
            "/cmu/v2/year/month/day?start=2026-10-01T00:00:00Z&end=2026-11-01T00:00:00Z&limit=5&{}",
            all_metrics()
        )
    );
    let all = fake
        .json("/cmu/v2/year/month/day?start=2026-10&end=2026-11")
        .await;
    assert_eq!(records(&all).len(), 31);
    for bad in ["0", "-1", "many"] {
        fake.plain(&format!("/cmu/v2/year?limit={bad}"), 400).await;
    }
}

#[tokio::test]
async fn metrics_selection_in_both_forms() {
    let fake = start().await;
    let window = "start=2026-10-05&end=2026-10-06";
    let full = fake
        .json(&format!("/cmu/v2/year/month/day/mvpd?{window}"))
        .await;
    for q in [
        "metrics=started-sessions,failed-attempts",
        "metrics=started-sessions&metrics=failed-attempts",
    ] {
        let v = fake
            .json(&format!("/cmu/v2/year/month/day/mvpd?{window}&{q}"))
            .await;
        for r in records(&v) {
            let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            let mut keys_sorted = keys.clone();
            keys_sorted.sort_unstable();
            assert_eq!(
                keys_sorted,
                [
                    "day",
                    "failed-attempts",
                    "month",
                    "mvpd",
                    "started-sessions",
                    "year"
                ]
            );
        }
        assert_eq!(sum(&v, "started-sessions"), sum(&full, "started-sessions"));
        assert!(v["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .ends_with("&limit=1000&metrics=started-sessions,failed-attempts"));
    }
    let body = fake.plain("/cmu/v2/year?metrics=bstreams-30", 400).await;
    assert!(body.contains("bstreams-30"), "{body}");
    fake.plain("/cmu/v2/year?metrics=users", 400).await;
    let histogram = fake
        .json("/cmu/v2/year/month/concurrency-level?start=2026-10&end=2026-11&metrics=users")
        .await;
    assert!(records(&histogram).len() > 3);
}

#[tokio::test]
async fn dates_are_completed_and_offsets_converted() {
    let fake = start().await;
    for (q, start, end) in [
        (
            "start=2026&end=2026-02",
            "2026-01-01T00:00:00Z",
            "2026-02-01T00:00:00Z",
        ),
        (
            "start=2026-10-05T02:00:00%2B02:00&end=2026-10-05T05:30",
            "2026-10-05T00:00:00Z",
            "2026-10-05T05:30:00Z",
        ),
        // An unencoded '+' arrives as a space: still understood as an offset.
        (
            "start=2026-10-05T02:00:00+02:00&end=2026-10-06",
            "2026-10-05T00:00:00Z",
            "2026-10-06T00:00:00Z",
        ),
    ] {
        let v = fake.json(&format!("/cmu/v2/year/month/day/hour?{q}")).await;
        let href = v["_links"]["self"]["href"].as_str().unwrap().to_owned();
        assert!(
            href.contains(&format!("start={start}&end={end}&")),
            "{q}: {href}"
        );
    }
    // Hours whose start lies in [start, end): 00:00 .. 05:00 → 6 rows.
    let v = fake
        .json("/cmu/v2/year/month/day/hour?start=2026-10-05T00:00Z&end=2026-10-05T05:30Z")
        .await;
    assert_eq!(records(&v).len(), 6);
    assert_eq!(records(&v)[5]["hour"], "5");
    // Defaults depend on the granularity (now is 2026-11-20T15:42Z).
    for (path, start, end) in [
        (
            "/cmu/v2/year/month",
            "2025-12-01T00:00:00Z",
            "2026-11-20T15:00:00Z",
        ),
        (
            "/cmu/v2/year/month/day",
            "2026-10-21T00:00:00Z",
            "2026-11-20T15:00:00Z",
        ),
        (
            "/cmu/v2/year/month/day/hour/mvpd",
            "2026-11-19T15:00:00Z",
            "2026-11-20T15:00:00Z",
        ),
    ] {
        let v = fake.json(path).await;
        assert_eq!(
            v["_links"]["self"]["href"],
            format!(
                "{path}?start={start}&end={end}&limit=1000&{}",
                all_metrics()
            )
        );
    }
    // Zero padding: none (month "9", day "5", hour "0").
    let v = fake
        .json("/cmu/v2/year/month/day/hour?start=2026-09-05&end=2026-09-05T01")
        .await;
    assert_eq!(
        (
            &records(&v)[0]["year"],
            &records(&v)[0]["month"],
            &records(&v)[0]["day"],
            &records(&v)[0]["hour"]
        ),
        (&json!("2026"), &json!("9"), &json!("5"), &json!("0"))
    );
}

// ----- representations -----

const USAGE_HEADER: &str = "active-users,active-sessions,started-sessions,completed-sessions,failed-attempts,dismissed-sessions,killed-sessions,duration_0-15,duration_15-30,duration_30-60,duration_60-120,duration_2h-4h,duration_4h-8h,duration_8h-16h,duration_16h-1d,duration_1d-3d,duration_3d-7d,duration_1w-1m,duration_over-1m";

#[tokio::test]
async fn csv_by_extension_by_format_and_by_accept() {
    let fake = start().await;
    let q = "?start=2026-09&end=2026-10";
    let by_ext = fake.get(&format!("/cmu/v2/year/month/mvpd.csv{q}")).await;
    assert_eq!(by_ext.status(), 200);
    assert_eq!(by_ext.headers()["content-type"], "text/csv;charset=utf-8");
    assert_eq!(
        by_ext.headers()["content-disposition"],
        "attachment; filename=\"report__2026-09-01T000000Z_2026-10-01T000000Z.csv\""
    );
    let body = by_ext.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(lines[0], format!("year,month,mvpd,{USAGE_HEADER}"));
    assert_eq!(lines.len(), 1 + MVPDS.len() + 1, "{body}");
    assert_eq!(lines.last(), Some(&""));
    assert!(lines[1].starts_with("2026,9,AT&T U-verse,"), "{}", lines[1]);
    assert!(!body.contains("_links"));

    // format=csv gives the same bytes; the extension beats format=, format= beats Accept.
    let by_format = fake
        .get(&format!("/cmu/v2/year/month/mvpd{q}&format=csv"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(by_format, body);
    let ext_wins = fake
        .get(&format!("/cmu/v2/year/month/mvpd.csv{q}&format=json"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(ext_wins, body);
    let format_wins = fake
        .http
        .get(fake.url(&format!("/cmu/v2/year/month/mvpd{q}&format=csv")))
        .bearer_auth(&fake.token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        format_wins.headers()["content-type"],
        "text/csv;charset=utf-8"
    );
    let by_accept = fake
        .http
        .get(fake.url(&format!("/cmu/v2/year/month/mvpd{q}")))
        .bearer_auth(&fake.token)
        .header("Accept", "text/csv, application/json;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(by_accept.text().await.unwrap(), body);

    // Filters and metrics: in the header and in the file name.
    let filtered = fake
        .get(&format!(
            "/cmu/v2/year/month.csv{q}&metrics=started-sessions&mvpd!=AT%26T%20U-verse&platform"
        ))
        .await;
    assert_eq!(
        filtered.headers()["content-disposition"],
        "attachment; filename=\"report__2026-09-01T000000Z_2026-10-01T000000Z_mvpd!=AT-T-U-verse_platform.csv\""
    );
    let text = filtered.text().await.unwrap();
    assert_eq!(
        text.split("\r\n").next(),
        Some("year,month,platform,started-sessions")
    );
    // Histograms too.
    let hist = fake
        .get("/cmu/v2/year/month/activity-level/tenant.csv?start=2026-09&end=2026-10")
        .await
        .text()
        .await
        .unwrap();
    assert!(hist.starts_with("year,month,activity-level,tenant,users\r\n2026,9,1,"));
}

#[tokio::test]
async fn xml_and_html_are_offered_and_others_are_406() {
    let fake = start().await;
    let q = "?start=2026-09&end=2026-10";
    let xml = fake.get(&format!("/cmu/v2/year/month/mvpd.xml{q}")).await;
    assert_eq!(
        xml.headers()["content-type"],
        "application/xml;charset=utf-8"
    );
    let xml = xml.text().await.unwrap();
    assert!(xml.contains("<mvpd>AT&amp;T U-verse</mvpd>"));
    assert!(xml.contains("<link rel=\"roll-up\" href=\"/cmu/v2/year/month\"/>"));
    let html = fake
        .get(&format!("/cmu/v2/year/month/mvpd{q}&format=html"))
        .await;
    assert_eq!(html.headers()["content-type"], "text/html;charset=utf-8");
    assert!(html
        .text()
        .await
        .unwrap()
        .contains("<td>AT&amp;T U-verse</td>"));

    fake.plain(&format!("/cmu/v2/year/month.txt{q}"), 406).await;
    fake.plain(&format!("/cmu/v2/year/month{q}&format=pdf"), 406)
        .await;
    let resp = fake
        .http
        .get(fake.url(&format!("/cmu/v2/year/month{q}")))
        .bearer_auth(&fake.token)
        .header("Accept", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 406);
    // */* and no Accept at all: JSON.
    let any = fake
        .http
        .get(fake.url(&format!("/cmu/v2/year/month{q}")))
        .bearer_auth(&fake.token)
        .header("Accept", "*/*")
        .send()
        .await
        .unwrap();
    assert!(any.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test]
async fn gzip_when_asked() {
    let fake = start().await;
    let path = "/cmu/v2/year/month/day/mvpd?start=2026-09&end=2026-10";
    // reqwest would decompress transparently and hide the header: ask by hand.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let plain = raw
        .get(fake.url(path))
        .bearer_auth(&fake.token)
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    let zipped = raw
        .get(fake.url(path))
        .bearer_auth(&fake.token)
        .header("Accept-Encoding", "gzip, deflate")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.status(), 200);
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped = zipped.bytes().await.unwrap();
    assert_eq!(&zipped[..2], &[0x1f, 0x8b]);
    assert!(
        zipped.len() * 4 < plain.len(),
        "{} vs {}",
        zipped.len(),
        plain.len()
    );
    // And reqwest's own gzip support gets the same JSON back.
    let auto: Value = fake
        .http
        .get(fake.url(path))
        .bearer_auth(&fake.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(auto, serde_json::from_slice::<Value>(&plain).unwrap());
}

// ----- errors and auth -----

#[tokio::test]
async fn bad_requests_are_400_plain_text() {
    let fake = start_with(CmuConfig {
        now: Some(now()),
        max_rows: 5_000,
        ..CmuConfig::default()
    })
    .await;
    for (q, needle) in [
        ("/cmu/v2/year?start=2026-13", "bad start"),
        ("/cmu/v2/year?end=yesterday", "bad end"),
        ("/cmu/v2/year?start=2026-10&end=2026-09", "before start"),
        ("/cmu/v2/year?colour=red", "unknown dimension 'colour'"),
        ("/cmu/v2/year?year=2026", "time dimension"),
        ("/cmu/v2/year?hour!=3", "time dimension"),
        ("/cmu/v2/year?mvpd!", "needs a value"),
        (
            "/cmu/v2/year/month/day/hour/tenant/mvpd/platform/application-id?start=2026-09&end=2026-11",
            "query too large",
        ),
        ("/cmu/v2/year?metrics=nope", "unknown metric"),
    ] {
        let body = fake.plain(q, 400).await;
        assert!(body.contains(needle), "{q}: {body}");
    }
    // The same large query narrowed by a filter fits.
    fake.json("/cmu/v2/year/month/day/hour/tenant/mvpd/platform/application-id?start=2026-10-01&end=2026-10-02&mvpd=Dish&tenant=cmu-demo-news")
        .await;
}

#[tokio::test]
async fn a_token_is_required() {
    let fake = start().await;
    let url = fake.url("/cmu/v2/year?start=2026-09&end=2026-10");
    let none = fake.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert!(none.headers().get("www-authenticate").is_some());
    let bad = fake
        .http
        .get(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    // Even for unknown paths and bad queries, auth comes first.
    let unknown = fake
        .http
        .get(fake.url("/cmu/v2/nowhere?colour=red"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);
    // The access_token parameter works, and is never echoed.
    let by_param = fake
        .http
        .get(format!("{url}&access_token={}", fake.token))
        .send()
        .await
        .unwrap();
    assert_eq!(by_param.status(), 200);
    let v: Value = by_param.json().await.unwrap();
    assert!(!v["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .contains("access_token"));
}

#[tokio::test]
async fn faults_apply_to_cmu_routes() {
    let fake = start().await;
    fake.server.faults().throttle_next(1);
    let throttled = fake.get("/cmu/v2/year").await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().get("expires").is_some());
    assert_eq!(fake.get("/cmu/v2/year").await.status(), 200);
    fake.server.faults().fail_next(1, 503);
    assert_eq!(fake.get("/cmu/v2/year").await.status(), 503);
    assert_eq!(fake.get("/cmu/v2/year").await.status(), 200);
}

// ----- quirks and determinism -----

#[tokio::test]
async fn numbers_and_dimension_values_are_strings() {
    let fake = start().await;
    for path in [
        "/cmu/v2/tenant/year/month/day/mvpd/platform?start=2026-10-01&end=2026-10-03",
        "/cmu/v2/year/month/concurrency-level/tenant/mvpd?start=2026-10&end=2026-11",
        "/cmu/v2/tenant/year/month/day/hour/minute?start=2026-10-01T00:00Z&end=2026-10-01T00:10Z",
    ] {
        let v = fake.json(path).await;
        assert!(!records(&v).is_empty());
        for r in records(&v) {
            for (k, value) in r.as_object().unwrap() {
                assert!(value.is_string(), "{path}: {k} = {value}");
            }
        }
    }
    // Histograms: most users at level 1, a long tail.
    let v = fake
        .json("/cmu/v2/year/month/concurrency-level?start=2026-10&end=2026-11")
        .await;
    let users: Vec<u64> = records(&v).iter().map(|r| num(r, "users")).collect();
    assert!(users.len() >= 5);
    assert!(users[0] > users.iter().skip(1).sum::<u64>());
    assert!(users.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test]
async fn same_query_same_bytes_across_restarts() {
    let path =
        "/cmu/v2/tenant/year/month/day/mvpd/platform?start=2026-10-01&end=2026-10-03&mvpd!=Dish";
    let first = start().await;
    let a = first.get(path).await.bytes().await.unwrap();
    assert!(a.starts_with(b"{\"_links\""));
    let b = first.get(path).await.bytes().await.unwrap();
    assert_eq!(a, b);
    first.server.shutdown().await;
    let second = start().await;
    let c = second.get(path).await.bytes().await.unwrap();
    assert_eq!(a, c);
    // Another seed, other data (same shape).
    let other = start_with(CmuConfig {
        seed: 42,
        now: Some(now()),
        ..CmuConfig::default()
    })
    .await;
    let d = other.get(path).await.bytes().await.unwrap();
    assert_ne!(a, d);
    let (va, vd): (Value, Value) = (
        serde_json::from_slice(&a).unwrap(),
        serde_json::from_slice(&d).unwrap(),
    );
    assert_eq!(records(&va).len(), records(&vd).len());
}

#[tokio::test]
async fn the_real_clock_works_too() {
    // Default configuration: "now" is the wall clock, retention 25 months back from it.
    let fake = start_with(CmuConfig::default()).await;
    // (During the first hour of a month its data does not exist yet: one row fewer.)
    let v = fake.json("/cmu/v2/year/month").await;
    assert!((11..=12).contains(&records(&v).len()));
    let v = fake.json("/cmu/v2/year/month?start=2000").await;
    assert!((24..=25).contains(&records(&v).len()));
}
