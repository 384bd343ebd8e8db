//! `ReportTable::parse` on the API's quirks (string or number values, `drill-down` as an object
//! or an array, links with or without `name`, unknown columns, nulls), the CSV export byte for
//! byte, agreement with a naive `serde_json::Value` reading of the fake server's bulk reports,
//! and "never panics" on any JSON value or any bytes.

#![allow(clippy::unwrap_used)]

use cmu_core::fake_server::cmu::hal_report_json;
use cmu_core::report::{ColumnKind, Granularity, Link, ReportTable};
use cmu_core::Error;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Parses a `json!` value. Its keys come out sorted: tests about key order use raw text.
fn parse(v: &Value) -> ReportTable {
    ReportTable::parse(v.to_string().as_bytes()).unwrap()
}

fn parse_text(body: &str) -> ReportTable {
    ReportTable::parse(body.as_bytes()).unwrap()
}

fn kinds(t: &ReportTable) -> Vec<(String, ColumnKind)> {
    t.columns()
        .map(|c| (c.name().to_string(), c.kind()))
        .collect()
}

#[test]
fn drill_down_object_and_array_forms_give_the_same_links() {
    let link = json!({"href": "/cmu/v2/year/month/day", "name": "day"});
    let object = parse(&json!({"_links": {"drill-down": link}, "report": []}));
    let array = parse(&json!({"_links": {"drill-down": [link]}, "report": []}));
    assert_eq!(object.links(), array.links());
    assert_eq!(
        object.links().drill_down,
        [Link {
            href: "/cmu/v2/year/month/day".into(),
            name: Some("day".into())
        }]
    );
    // Without `name`, the dimension comes from the href.
    let unnamed = parse(&json!({"_links": {
        "drill-down": [{"href": "/cmu/v2/year/month/day"}, {"href": "/cmu/v2/year/month/mvpd"}],
        "roll-up": {"href": "/cmu/v2/year"},
        "self": {"href": "/cmu/v2/year/month"},
        "up": "/cmu/v2"
    }}));
    let dims: Vec<_> = unnamed
        .links()
        .drill_down
        .iter()
        .map(|l| l.dimension().unwrap())
        .collect();
    assert_eq!(dims, ["day", "mvpd"]);
    assert_eq!(
        unnamed.links().roll_up.as_ref().unwrap().href,
        "/cmu/v2/year"
    );
    assert_eq!(unnamed.links().other["up"][0].href, "/cmu/v2");
    assert_eq!(unnamed.path(), ["year", "month"]);
    assert!(unnamed.is_empty());
}

#[test]
fn strings_and_numbers_give_the_same_table() {
    let links = json!({"self": {"href": "/cmu/v2/year/month/mvpd?limit=50"}});
    let strings = parse(&json!({"_links": links, "report": [
        {"year": "2026", "month": "10", "mvpd": "A", "active-users": "12", "ratio": "0.25"},
        {"year": "2026", "month": "11", "mvpd": "B", "active-users": "-3", "ratio": "1e2"}
    ]}));
    let numbers = parse(&json!({"_links": links, "report": [
        {"year": 2026, "month": 10, "mvpd": "A", "active-users": 12, "ratio": 0.25},
        {"year": 2026, "month": 11, "mvpd": "B", "active-users": -3, "ratio": 100.0}
    ]}));
    assert_eq!(strings, numbers);
    assert_eq!(strings.metric_values("active-users").unwrap(), [12.0, -3.0]);
    assert_eq!(strings.dimension_value("month", 1), "11");
    assert_eq!(strings.to_csv_string(), numbers.to_csv_string());
}

#[test]
fn unknown_columns_are_kept_and_classified() {
    let t = parse_text(
        r#"{
        "_links": {"self": {"href": "/cmu/v2/year/month/day/mvpd"}},
        "unknown-top-level": {"anything": [1, 2, 3]},
        "report": [
            {"year": "2026", "month": "10", "day": "1", "mvpd": "A", "bstreams-30": "7",
             "occurrences": "3", "flavour": "vanilla", "channel": "42", "active-users": "1"},
            {"year": "2026", "month": "10", "day": "2", "mvpd": "B", "bstreams-30": "8",
             "occurrences": "oops", "flavour": "", "channel": "Unknown", "active-users": "2",
             "nested": {"x": 1}}
        ]
    }"#,
    );
    assert_eq!(
        kinds(&t),
        [
            ("year".into(), ColumnKind::Time),
            ("month".into(), ColumnKind::Time),
            ("day".into(), ColumnKind::Time),
            ("mvpd".into(), ColumnKind::Dimension),
            // A metric until a non-numeric value turned it into a label column.
            ("occurrences".into(), ColumnKind::Dimension),
            ("flavour".into(), ColumnKind::Dimension),
            // Documented dimensions stay labels even when they look numeric.
            ("channel".into(), ColumnKind::Dimension),
            ("bstreams-30".into(), ColumnKind::Metric),
            ("active-users".into(), ColumnKind::Metric),
            // Only nested values: nothing to show, kept as an empty metric.
            ("nested".into(), ColumnKind::Metric),
        ]
    );
    assert_eq!(t.dimension_value("occurrences", 0), "3");
    assert_eq!(t.dimension_value("occurrences", 1), "oops");
    assert_eq!(t.dimension_value("channel", 0), "42");
    assert_eq!(t.dimension_value("flavour", 1), "");
    assert_eq!(t.metric_values("bstreams-30").unwrap(), [7.0, 8.0]);
    assert_eq!(t.metric("nested").unwrap().get(1), None);
}

#[test]
fn nulls_and_missing_keys_are_missing_values() {
    let t = parse(&json!({"report": [
        {"mvpd": "A", "active-users": null, "x": "1"},
        {"active-users": "5"},
        {"mvpd": null, "active-users": "", "x": null},
        {}
    ]}));
    assert_eq!(t.rows(), 4);
    let users = t.metric("active-users").unwrap();
    assert_eq!(
        (0..4).map(|r| users.get(r)).collect::<Vec<_>>(),
        [None, Some(5.0), None, None]
    );
    let mvpd = t.dimension("mvpd").unwrap();
    assert_eq!(
        (0..4).map(|r| mvpd.value(r)).collect::<Vec<_>>(),
        [Some("A"), None, None, None]
    );
    assert_eq!(t.totals(), [("active-users", 5.0), ("x", 1.0)]);
    assert_eq!(
        t.group_sum("mvpd", "active-users").unwrap(),
        [("A", 0.0), ("", 5.0)]
    );
    assert_eq!(t.granularity(), Granularity::None);
    assert!(t.timestamps().is_empty());
    assert_eq!(
        t.to_csv_string(),
        "mvpd,active-users,x\r\nA,,1\r\n,5,\r\n,,\r\n,,\r\n"
    );
}

#[test]
fn empty_missing_or_null_report() {
    for body in [
        json!({"_links": {"self": {"href": "/cmu/v2/year/month/mvpd?limit=1000"}}, "report": []}),
        json!({"_links": {"self": {"href": "/cmu/v2/year/month/mvpd?limit=1000"}}}),
        json!({"_links": {"self": {"href": "/cmu/v2/year/month/mvpd?limit=1000"}}, "report": null}),
    ] {
        let t = parse(&body);
        assert!(t.is_empty());
        assert_eq!(t.truncation_warning(), None);
        // The path's dimensions still make the CSV header.
        assert_eq!(t.to_csv_string(), "year,month,mvpd\r\n");
    }
    let bare = ReportTable::parse(b"{}").unwrap();
    assert_eq!(bare.rows(), 0);
    assert_eq!(bare.columns().count(), 0);
    assert_eq!(bare.to_csv_string(), "\r\n");
}

#[test]
fn truncation_warning_when_rows_reach_the_limit() {
    let rows: Vec<Value> = (0..3)
        .map(|i| json!({"mvpd": format!("M{i}"), "n": i}))
        .collect();
    let with_limit = |limit: &str| {
        parse(
            &json!({"_links": {"self": {"href": format!("/cmu/v2/mvpd?limit={limit}")}},
                      "report": rows}),
        )
    };
    assert_eq!(
        with_limit("3").truncation_warning().unwrap(),
        "The report has exactly 3 rows, the limit: it is probably cut short. \
         Raise the limit or narrow the date range."
    );
    assert_eq!(with_limit("4").truncation_warning(), None);
    assert_eq!(with_limit("0").truncation_warning(), None);
    assert_eq!(parse(&json!({"report": rows})).truncation_warning(), None);
}

#[test]
fn effective_query_comes_from_the_self_link() {
    let t = parse(&json!({"_links": {"self": {"href":
        "/cmu/v2/year/month/day/tenant?start=2026-10-01T00:00:00Z&end=2026-10-02T00:00:00Z\
         &limit=1000&metrics=active-users&metrics=active-sessions&mvpd=AT%26T+U-verse&platform!=Roku&channel"
    }}}));
    assert_eq!(t.path(), ["year", "month", "day", "tenant"]);
    assert_eq!(t.start(), Some("2026-10-01T00:00:00Z"));
    assert_eq!(t.end(), Some("2026-10-02T00:00:00Z"));
    assert_eq!(t.limit(), Some(1000));
    assert_eq!(t.query().metrics, ["active-users", "active-sessions"]);
    let labels: Vec<_> = t.query().filters.iter().map(|f| f.label()).collect();
    assert_eq!(labels, ["mvpd=AT&T U-verse", "platform!=Roku", "channel"]);
}

#[test]
fn column_order_is_path_then_extra_dimensions_then_metrics() {
    let t = parse_text(
        r#"{
        "report": [{"m2": "1", "platform": "iOS", "m1": "2", "extra": "x", "mvpd": "A", "year": "2026"}],
        "_links": {"self": {"href": "/cmu/v2/year/mvpd/platform"}}
    }"#,
    );
    let names: Vec<_> = t.columns().map(|c| c.name().to_string()).collect();
    assert_eq!(names, ["year", "mvpd", "platform", "extra", "m2", "m1"]);
}

#[test]
fn keys_in_any_order_duplicates_and_escapes() {
    let body = r#"{"report": [
        {"mvpd": "A", "n": "1"},
        {"n": "2", "mvpd": "B"},
        {"mvpd": "C", "n": "3", "n": "4"},
        {"m\u0076pd": "T\u00e9l\u00e9 \"Qu\u00e9bec\"", "n": "5"}
    ]}"#;
    let t = ReportTable::parse(body.as_bytes()).unwrap();
    assert_eq!(t.metric_values("n").unwrap(), [1.0, 2.0, 4.0, 5.0]);
    let mvpd: Vec<_> = (0..4).map(|r| t.dimension_value("mvpd", r)).collect();
    assert_eq!(mvpd, ["A", "B", "C", "Télé \"Québec\""]);
}

#[test]
fn timestamps_combine_time_dimensions() {
    let t = parse(&json!({
        "_links": {"self": {"href": "/cmu/v2/year/month/day/hour"}},
        "report": [
            {"year": "2026", "month": "3", "day": "08", "hour": "2", "n": "1"},
            {"year": "2026", "month": "02", "day": "30", "hour": "1", "n": "1"},
            {"year": "2026", "month": "12", "day": "31", "hour": "23", "n": "1"},
            {"year": "2026", "month": "12", "n": "1"}
        ]
    }));
    assert_eq!(t.granularity(), Granularity::Hour);
    let ts: Vec<_> = (0..4)
        .map(|r| t.timestamp(r).map(|t| t.to_string()))
        .collect();
    assert_eq!(
        ts,
        [
            // A naive calendar value: 02:00 on a DST day in some zone is still 02:00 here.
            Some("2026-03-08 02:00:00".to_string()),
            None,
            Some("2026-12-31 23:00:00".to_string()),
            None
        ]
    );
    let months = parse(&json!({"report": [{"year": "2026", "month": "7", "n": 1}]}));
    assert_eq!(months.granularity(), Granularity::Month);
    assert_eq!(
        months.timestamp(0).unwrap().to_string(),
        "2026-07-01 00:00:00"
    );
}

#[test]
fn csv_is_rfc4180_byte_for_byte() {
    let t = parse_text(
        r#"{
        "_links": {"self": {"href": "/cmu/v2/year/month/mvpd/platform"}},
        "report": [
            {"year": "2026", "month": "10", "mvpd": "Comcast, Inc.", "platform": "iOS \"beta\"",
             "active-users": "1234", "ratio": "0.5", "big": "12345678901234567890"},
            {"year": "2026", "month": "10", "mvpd": "Line\nBreak", "platform": "Télé 📺",
             "active-users": 5, "ratio": null, "big": "0.1"},
            {"year": "2026", "month": "11", "mvpd": "plain", "platform": "cr\r",
             "active-users": "1e3", "ratio": "-0.125", "big": "-0"},
            {"year": "2026", "month": "11", "mvpd": "", "platform": "a\"b,c\r\nd",
             "active-users": "1.5", "ratio": "3", "big": "1e21"}
        ]
    }"#,
    );
    let expected = "year,month,mvpd,platform,active-users,ratio,big\r\n\
                    2026,10,\"Comcast, Inc.\",\"iOS \"\"beta\"\"\",1234,0.5,12345678901234567000\r\n\
                    2026,10,\"Line\nBreak\",Télé 📺,5,,0.1\r\n\
                    2026,11,plain,\"cr\r\",1000,-0.125,0\r\n\
                    2026,11,,\"a\"\"b,c\r\nd\",1.5,3,1000000000000000000000\r\n";
    assert_eq!(t.to_csv_string(), expected);
    let mut bytes = Vec::new();
    t.to_csv(&mut bytes).unwrap();
    assert_eq!(bytes, expected.as_bytes());
}

#[test]
fn json_export_is_typed() {
    let t = parse(&json!({
        "_links": {"self": {"href": "/cmu/v2/year/mvpd?limit=2"}},
        "report": [{"year": "2026", "mvpd": "A", "n": "3", "r": "0.5"},
                   {"year": "2026", "mvpd": null, "n": null, "r": "2"}]
    }));
    let v = t.to_json();
    assert_eq!(
        v["columns"],
        json!([{"name": "year", "kind": "time"}, {"name": "mvpd", "kind": "dimension"},
               {"name": "n", "kind": "metric"}, {"name": "r", "kind": "metric"}])
    );
    assert_eq!(
        v["rows"],
        json!([["2026", "A", 3, 0.5], ["2026", null, null, 2]])
    );
    assert_eq!(v["path"], json!(["year", "mvpd"]));
    assert_eq!(v["rowCount"], 2);
    assert_eq!(v["granularity"], "year");
    assert!(v["truncationWarning"]
        .as_str()
        .unwrap()
        .contains("exactly 2 rows"));
    assert_eq!(v["query"]["limit"], 2);
}

#[test]
fn unreadable_bodies_are_one_line_server_errors() {
    let long = format!("\"{}\"", "secret-looking-text ".repeat(20));
    for body in [
        &b""[..],
        b"not json",
        b"<html>Service Unavailable</html>",
        b"[1, 2]",
        b"42",
        long.as_bytes(),
        b"{\"report\": 5}",
        b"{\"report\": \"rows\"}",
        b"{\"report\": [1]}",
        b"{\"report\": [\"a long string row that should not be echoed\"]}",
        b"{\"report\": [{\"a\": 1}",
        b"{\"report\": []} trailing",
        b"{\"report\": [{\"a\": \"\xff\"}]}",
    ] {
        match ReportTable::parse(body) {
            Err(Error::Server { status, message }) => {
                assert_eq!(status, 0);
                assert!(!message.contains('\n'), "{message}");
                assert!(message.len() < 240, "{message}");
                assert!(!message.contains("secret-looking-text secret"), "{message}");
                assert!(!message.contains("should not be echoed"), "{message}");
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
}

#[test]
fn sparse_hostile_bodies_are_refused_not_exhausting_memory() {
    // Every row a new column: padding all columns to all rows would need ~n² cells.
    let mut body = String::from("{\"report\": [");
    for i in 0..60_000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{{\"k{i}\": {i}}}"));
    }
    body.push_str("]}");
    match ReportTable::parse(body.as_bytes()) {
        Err(Error::Server { message, .. }) => assert!(message.contains("too many"), "{message}"),
        other => panic!("{other:?}"),
    }
}

/// Per-metric sums and per-MVPD sums the slow, obvious way.
fn naive_sums(body: &str, metric: &str) -> (usize, f64, Vec<(String, f64)>) {
    let v: Value = serde_json::from_str(body).unwrap();
    let rows = v["report"].as_array().unwrap();
    let mut total = 0.0;
    let mut per: Vec<(String, f64)> = Vec::new();
    for r in rows {
        let x: f64 = r[metric].as_str().unwrap().parse().unwrap();
        total += x;
        if let Some(mvpd) = r["mvpd"].as_str() {
            match per.iter_mut().find(|(m, _)| m == mvpd) {
                Some((_, s)) => *s += x,
                None => per.push((mvpd.to_string(), x)),
            }
        }
    }
    (rows.len(), total, per)
}

#[test]
fn agrees_with_a_naive_reading_of_the_fake_servers_reports() {
    for path in [
        "/cmu/v2/year/month/day/mvpd/platform",
        "/cmu/v2/year/month/day/hour/mvpd",
        "/cmu/v2/tenant/year/month",
    ] {
        let body = hal_report_json(path, 3_000);
        let t = ReportTable::parse(body.as_bytes()).unwrap();
        let (rows, total, per) = naive_sums(&body, "active-sessions");
        assert_eq!(t.rows(), rows, "{path}");
        assert_eq!(t.metric("active-sessions").unwrap().sum(), total, "{path}");
        let dims: Vec<&str> = path.trim_start_matches("/cmu/v2/").split('/').collect();
        assert_eq!(t.path(), dims.as_slice());
        let names: Vec<_> = t.dimensions().iter().map(|d| d.name()).collect();
        assert_eq!(names, dims, "{path}");
        if dims.contains(&"mvpd") {
            let ours: Vec<(String, f64)> = t
                .group_sum("mvpd", "active-sessions")
                .unwrap()
                .into_iter()
                .map(|(m, s)| (m.to_string(), s))
                .collect();
            assert_eq!(ours, per, "{path}");
        }
        assert_ne!(t.granularity(), Granularity::None);
        assert!(t.timestamps().iter().all(Option::is_some), "{path}");
    }
}

/// Keys that steer random documents into the parser's interesting paths.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "_links", "report", "self", "href", "roll-up", "drill-down", "name", "year",
            "month", "day", "hour", "minute", "mvpd", "platform", "active-users", "bstreams-30",
        ])
        .prop_map(String::from),
        1 => "\\PC{0,12}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        "\\PC{0,16}".prop_map(Value::from),
        "-?[0-9]{1,20}(\\.[0-9]{0,5})?(e-?[0-9]{1,3})?".prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "NaN",
            "inf",
            "1e400",
            "-0",
            "2026",
            "/cmu/v2/year?limit=3"
        ])
        .prop_map(Value::from),
    ]
}

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A report-shaped document: flat records with arbitrary values under arbitrary keys.
fn report_like() -> impl Strategy<Value = (Value, usize)> {
    let record = prop::collection::vec((key(), leaf()), 0..10)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()));
    (any_json(), prop::collection::vec(record, 0..40)).prop_map(|(links, rows)| {
        let n = rows.len();
        (json!({"_links": links, "report": rows}), n)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_json_value_never_panics(v in any_json()) {
        let text = v.to_string();
        if let Ok(t) = ReportTable::parse(text.as_bytes()) {
            let _ = t.to_csv_string();
            let _ = t.to_json();
            let _ = t.default_csv_file_name();
            let _ = t.truncation_warning();
        }
    }

    #[test]
    fn report_shaped_values_parse_consistently((v, n) in report_like()) {
        let t = ReportTable::parse(v.to_string().as_bytes()).unwrap();
        prop_assert_eq!(t.rows(), n);
        for d in t.dimensions() {
            prop_assert_eq!(d.ids().len(), n);
            for row in 0..n {
                // Every id is missing or a dictionary index.
                prop_assert!(d.id(row).is_none_or(|id| (id as usize) < d.dictionary().len()));
            }
        }
        for m in t.metrics() {
            prop_assert_eq!(m.values().len(), n);
        }
        let csv = t.to_csv_string();
        prop_assert!(csv.ends_with("\r\n"));
        for c in t.columns() {
            if c.kind() == ColumnKind::Metric {
                let _ = t.sum_by_time(c.name(), Granularity::Day);
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = ReportTable::parse(&bytes);
    }

    #[test]
    fn mutated_reports_never_panic(
        cut in 0usize..2000,
        flips in prop::collection::vec((0usize..2000, any::<u8>()), 0..6),
    ) {
        let mut body = hal_report_json("/cmu/v2/year/month/day/mvpd", 5).into_bytes();
        for (at, byte) in flips {
            let i = at % body.len();
            body[i] = byte;
        }
        body.truncate(cut.max(1).min(body.len()));
        let _ = ReportTable::parse(&body);
    }
}
