//! The CMU reports client against the fake's reports API, over real loopback HTTP, with the
//! fake's ground truth (computed independently of its report engine) as the expected numbers.

#![allow(clippy::unwrap_used)] // test fixtures: a panic is the failure report

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use cmu_core::cmu_client::{CmuClient, Pace};
use cmu_core::connection::Connections;
use cmu_core::environment::Environment;
use cmu_core::fake_server::cmu::{dataset, Dimension, Filters, Metric};
use cmu_core::fake_server::{FakeServer, FakeServerConfig};
use cmu_core::http::{Http, HttpConfig, Progress, ProgressSink};
use cmu_core::keyring_store::KeyringStore;
use cmu_core::paths::AppPaths;
use cmu_core::presets;
use cmu_core::profiles::ProfileStore;
use cmu_core::report_query::{Filter, ReportQuery};
use cmu_core::statement::SoftwareStatement;
use cmu_core::Error;

struct Fixture {
    fake: FakeServer,
    _home: tempfile::TempDir,
    client: CmuClient,
    profile: String,
    events: Arc<Mutex<Vec<Progress>>>,
}

impl Fixture {
    async fn new(software_id: &str) -> Self {
        let fake = FakeServer::start(FakeServerConfig::default())
            .await
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let http = Http::new(HttpConfig {
            initial_backoff: Duration::from_millis(50),
            ..HttpConfig::default()
        })
        .unwrap();
        let connections = Connections::new(
            ProfileStore::open(&AppPaths::under(home.path())).unwrap(),
            KeyringStore::platform().unwrap(),
            http,
        );
        let base = fake.base_url().to_string();
        let statement =
            SoftwareStatement::parse_text(&fake.demo_statement(software_id, "Reports Test"))
                .unwrap();
        let profile = connections
            .import(
                &statement,
                Environment::custom(&base, &base).unwrap(),
                None,
                &ProgressSink::default(),
            )
            .await
            .unwrap();
        let client = CmuClient::with_pace(
            connections,
            Pace {
                burst: 200,
                per_second: 200.0,
            },
        );
        Self {
            fake,
            _home: home,
            client,
            profile: profile.id,
            events: Arc::default(),
        }
    }

    fn progress(&self) -> ProgressSink {
        let events = self.events.clone();
        ProgressSink::new(move |e| events.lock().unwrap().push(e.clone()))
    }

    async fn fetch(&self, query: &ReportQuery) -> Result<cmu_core::report::ReportTable, Error> {
        self.client
            .fetch(&self.profile, query, &self.progress())
            .await
    }

    fn cmu_requests(&self) -> usize {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/cmu/"))
            .count()
    }
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn october(path: &str) -> ReportQuery {
    let mut q = ReportQuery::parse_path(path).unwrap();
    q.start = Some("2026-10-01T00:00:00Z".into());
    q.end = Some("2026-11-01T00:00:00Z".into());
    q
}

fn metric_total(table: &cmu_core::report::ReportTable, metric: &str) -> u64 {
    table.metric(metric).unwrap().sum() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_discovery_walks_the_drill_down_links_and_is_cached() {
    let f = Fixture::new("tree-app").await;
    let nodes = f
        .client
        .tree(&f.profile, &[], 2, &f.progress())
        .await
        .unwrap();
    let paths: Vec<String> = nodes.iter().map(|n| n.path_string()).collect();
    for expected in [
        "/cmu/v2",
        "/cmu/v2/tenant",
        "/cmu/v2/year",
        "/cmu/v2/year/month",
        "/cmu/v2/tenant/year",
    ] {
        assert!(
            paths.contains(&expected.to_owned()),
            "{expected} missing from {paths:?}"
        );
    }
    let root = &nodes[0];
    assert!(root.path.is_empty());
    assert!(root.children.contains(&"year".to_owned()));
    let requests = f.cmu_requests();
    assert_eq!(requests, nodes.len(), "one request per node");
    // Cached for the session: no new request.
    let again = f
        .client
        .tree(&f.profile, &[], 2, &f.progress())
        .await
        .unwrap();
    assert_eq!(again, nodes);
    assert_eq!(f.cmu_requests(), requests);
    // Every request asked for gzip.
    assert!(f
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/cmu/"))
        .all(|r| r
            .accept_encoding
            .as_deref()
            .is_some_and(|a| a.contains("gzip"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_tree_walk_is_waited_out() {
    let f = Fixture::new("tree-throttle-app").await;
    let faults = f.fake.faults();
    faults.set_path_prefix(Some("/cmu/"));
    faults.set_throttle_cooldown(Duration::from_secs(2));
    faults.throttle_next(1);
    let nodes = f
        .client
        .tree(&f.profile, &["year".to_owned()], 1, &f.progress())
        .await
        .unwrap();
    assert!(nodes.len() >= 2);
    let events = f.events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Progress::Throttled { wait_ms, .. } if *wait_ms >= 1000)),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_path_fetches() {
    let f = Fixture::new("presets-app").await;
    let all = presets::presets();
    assert_eq!(all.len(), 65);
    for preset in all {
        let mut q = ReportQuery::parse_path(&preset.path).unwrap();
        q.start = Some("2026-10-01".into());
        q.end = Some("2026-10-02".into());
        q.limit = Some(20);
        let table = f
            .fetch(&q)
            .await
            .unwrap_or_else(|e| panic!("{} ({}): {e}", preset.name, preset.path));
        assert!(table.rows() > 0, "{} returned no rows", preset.path);
        for dim in preset.path_dimensions() {
            assert!(
                table.dimension(dim).is_some(),
                "{}: no {dim} column",
                preset.path
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_equals_the_sum_of_its_days() {
    let f = Fixture::new("month-days-app").await;
    let month = f.fetch(&october("/cmu/v2/year/month")).await.unwrap();
    let days = f.fetch(&october("/cmu/v2/year/month/day")).await.unwrap();
    assert_eq!(month.rows(), 1);
    assert_eq!(days.rows(), 31);
    for metric in Metric::USAGE.iter().filter(|m| m.is_additive()) {
        let name = metric.name();
        assert_eq!(
            metric_total(&month, name),
            metric_total(&days, name),
            "{name}"
        );
        let truth = dataset()
            .total(*metric, utc(2026, 10, 1), utc(2026, 11, 1), &Filters::new())
            .unwrap();
        assert_eq!(metric_total(&month, name), truth, "{name} vs ground truth");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_of_each_form_change_the_numbers_as_the_ground_truth_says() {
    let f = Fixture::new("filters-app").await;
    let (start, end) = (utc(2026, 10, 1), utc(2026, 11, 1));
    let truth = |filters: Filters| {
        dataset()
            .total(Metric::ActiveSessions, start, end, &filters)
            .unwrap()
    };
    let run = |filter: Filter| {
        let mut q = october("/cmu/v2/year/month");
        q.metrics = vec!["active-sessions".into()];
        q.filters = vec![filter];
        q
    };
    let all = metric_total(
        &f.fetch(&october("/cmu/v2/year/month")).await.unwrap(),
        "active-sessions",
    );

    let eq = f
        .fetch(&run(Filter::eq("mvpd", ["Comcast_SSO"])))
        .await
        .unwrap();
    assert_eq!(
        metric_total(&eq, "active-sessions"),
        truth(Filters::new().equals(Dimension::Mvpd, "Comcast_SSO"))
    );
    // Values with spaces and `&` travel percent-encoded.
    let within = f
        .fetch(&run(Filter::eq("mvpd", ["Comcast_SSO", "AT&T U-verse"])))
        .await
        .unwrap();
    let expected_in = truth(
        Filters::new()
            .equals(Dimension::Mvpd, "Comcast_SSO")
            .equals(Dimension::Mvpd, "AT&T U-verse"),
    );
    assert_eq!(metric_total(&within, "active-sessions"), expected_in);
    assert!(expected_in > metric_total(&eq, "active-sessions"));

    let ne = f
        .fetch(&run(Filter::not_eq("mvpd", ["Comcast_SSO"])))
        .await
        .unwrap();
    assert_eq!(
        metric_total(&ne, "active-sessions"),
        truth(Filters::new().not_equals(Dimension::Mvpd, "Comcast_SSO"))
    );
    assert_eq!(
        metric_total(&ne, "active-sessions") + metric_total(&eq, "active-sessions"),
        all
    );

    let not_in = f
        .fetch(&run(Filter::not_eq("platform", ["Roku", "Fire TV"])))
        .await
        .unwrap();
    assert_eq!(
        metric_total(&not_in, "active-sessions"),
        truth(
            Filters::new()
                .not_equals(Dimension::Platform, "Roku")
                .not_equals(Dimension::Platform, "Fire TV")
        )
    );

    // A bare dimension joins the projection: one row per MVPD, same grand total.
    let projected = f.fetch(&run(Filter::project("mvpd"))).await.unwrap();
    assert!(projected.dimension("mvpd").is_some());
    assert_eq!(projected.rows(), 10);
    assert_eq!(metric_total(&projected, "active-sessions"), all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_is_byte_for_byte_what_the_numbers_say() {
    let f = Fixture::new("csv-app").await;
    let mut q = october("/cmu/v2/year/month/mvpd");
    q.metrics = vec!["active-sessions".into(), "failed-attempts".into()];
    q.filters = vec![Filter::eq("mvpd", ["AT&T U-verse", "Comcast_SSO"])];
    let table = f.fetch(&q).await.unwrap();
    let mut csv = Vec::new();
    table.to_csv(&mut csv).unwrap();
    let truth = |metric, mvpd| {
        dataset()
            .total(
                metric,
                utc(2026, 10, 1),
                utc(2026, 11, 1),
                &Filters::new().equals(Dimension::Mvpd, mvpd),
            )
            .unwrap()
    };
    let expected = format!(
        "year,month,mvpd,active-sessions,failed-attempts\r\n\
         2026,10,AT&T U-verse,{},{}\r\n\
         2026,10,Comcast_SSO,{},{}\r\n",
        truth(Metric::ActiveSessions, "AT&T U-verse"),
        truth(Metric::FailedAttempts, "AT&T U-verse"),
        truth(Metric::ActiveSessions, "Comcast_SSO"),
        truth(Metric::FailedAttempts, "Comcast_SSO"),
    );
    assert_eq!(String::from_utf8(csv).unwrap(), expected);
    let name = table.default_csv_file_name();
    assert!(name.starts_with("report__2026-10-01"), "{name}");
    assert!(name.ends_with(".csv"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_cut_at_its_limit_warns() {
    let f = Fixture::new("limit-app").await;
    let mut q = october("/cmu/v2/year/month/day/mvpd");
    q.limit = Some(25);
    let table = f.fetch(&q).await.unwrap();
    assert_eq!(table.rows(), 25);
    assert_eq!(table.limit(), Some(25), "limit read back from self");
    let warning = table.truncation_warning().unwrap();
    assert!(warning.contains("limit"), "{warning}");
    q.limit = Some(1000);
    let full = f.fetch(&q).await.unwrap();
    assert_eq!(full.rows(), 310);
    assert!(full.truncation_warning().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_statuses_map_to_error_kinds() {
    let f = Fixture::new("status-app").await;
    // 404: no such pre-aggregation, with a hint to browse the tree.
    let err = f
        .fetch(&ReportQuery::parse_path("/cmu/v2/mvpd/minute").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound(m) if m.contains("cmu tree")),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 5);
    // 400 with the server's plain-text reason.
    let mut bad = october("/cmu/v2/year/month");
    bad.filters = vec![Filter::eq("no-such-dimension", ["x"])];
    let err = f.fetch(&bad).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("no-such-dimension")),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 3);
    assert!(!err.to_string().contains('\n'));
    // 5xx after the retry budget.
    f.fake.faults().set_path_prefix(Some("/cmu/"));
    f.fake.faults().fail_next(10, 503);
    let err = f.fetch(&october("/cmu/v2/year/month")).await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    f.fake.faults().reset();
    // 401: the token is renewed once and the call retried.
    f.fetch(&october("/cmu/v2/year/month")).await.unwrap();
    f.fake.faults().expire_all_tokens();
    f.fetch(&october("/cmu/v2/year/month")).await.unwrap();
    let tokens = f
        .fake
        .requests()
        .iter()
        .filter(|r| r.path == "/o/client/token")
        .count();
    assert_eq!(tokens, 2, "exactly one refresh after the 401");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presets_are_marked_with_what_the_server_exposes() {
    let f = Fixture::new("preset-availability-app").await;
    let marked = f
        .client
        .preset_availability(&f.profile, &f.progress())
        .await
        .unwrap();
    assert_eq!(marked.len(), 65);
    // The fake serves every documented preset.
    assert!(marked.iter().all(|(_, available)| *available));
    let probes = f.cmu_requests();
    // One probe per distinct path (two presets share one), then cached.
    assert_eq!(probes, 64);
    f.client
        .preset_availability(&f.profile, &f.progress())
        .await
        .unwrap();
    assert_eq!(f.cmu_requests(), probes);
}
