#![allow(clippy::unwrap_used)]
//! Chart rendering: PNG size and content (decoded with the `png` crate), legend swatches, SVG
//! text, golden images, the concurrency-limit what-if numbers, and edge cases that must not
//! panic.
//!
//! Golden images: `tests/golden/*.png` are references produced by our own renderer. A test
//! renders the same fixed report and compares pixels (each channel within 3, at most 0.5% of
//! pixels different), so an unintended visual change fails. After an intended change, look at
//! the new images and regenerate the references with
//!
//! ```sh
//! CMU_UPDATE_GOLDEN=1 cargo test -p cmu-core --test chart_render golden
//! ```
//!
//! Set `CMU_CHART_OUT=/some/dir` to also write every chart the tests draw there, for a look.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{json, Value};

use cmu_core::chart::style::{OTHER_COLOR, PALETTE};
use cmu_core::chart::{
    render_png, render_png_bytes, render_png_with_data, render_svg, render_to_file, what_if,
    what_if_table, ChartContext, ChartData, ChartKind, ChartSpec, LegendPosition, Theme, XAxis,
};
use cmu_core::report::{Granularity, ReportTable};
use cmu_core::Error;

// ---------------------------------------------------------------------------------------------
// Fixtures: HAL reports built here and parsed with `ReportTable::parse`, like a server answer.

fn hal(path: &str, query: &str, rows: Vec<Value>) -> ReportTable {
    let body = json!({
        "_links": {"self": {"href": format!("{path}?{query}")}},
        "report": rows,
    });
    ReportTable::parse(body.to_string().as_bytes()).unwrap()
}

const MVPDS: [&str; 5] = ["Comcast", "Charter", "DirecTV", "Dish", "Verizon"];

/// `/year/month/day/mvpd`, 30 days of September 2026, `series` MVPDs with smooth, distinct
/// curves (all numbers as JSON strings, as the server sends them).
fn daily_by_mvpd(days: i64, series: usize) -> ReportTable {
    let mut rows = Vec::new();
    for d in 0..days {
        let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + Duration::days(d);
        for i in 0..series {
            let name = MVPDS
                .get(i)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("MVPD {i:02}"));
            let base = 10_000.0 / (i as f64 + 1.0);
            let v = base * (1.0 + 0.3 * (d as f64 / 3.0 + i as f64).sin());
            rows.push(json!({
                "year": date.year().to_string(),
                "month": format!("{:02}", date.month()),
                "day": format!("{:02}", date.day()),
                "mvpd": name,
                "active-sessions": format!("{}", v.round()),
                "active-users": format!("{}", (v * 0.7).round()),
            }));
        }
    }
    hal(
        "/cmu/v2/year/month/day/mvpd",
        "start=2026-09-01T00:00:00Z&end=2026-10-01T00:00:00Z&metrics=active-sessions,active-users",
        rows,
    )
}

/// The concurrency histogram used for the hand-computed what-if table.
/// Level → users: 1 → 1000, 2 → 400, 3 → 150, 4 → 40, 5 → 10 (total 1600), split over two
/// months so the per-level sums are exercised.
fn concurrency_histogram() -> ReportTable {
    let mut rows = Vec::new();
    for (level, users) in [(1, 1000), (2, 400), (3, 150), (4, 40), (5, 10)] {
        let first = users * 3 / 5;
        for (month, u) in [("09", first), ("10", users - first)] {
            rows.push(json!({
                "year": "2026", "month": month,
                "concurrency-level": level.to_string(), "users": u.to_string(),
            }));
        }
    }
    hal(
        "/cmu/v2/year/month/concurrency-level",
        "start=2026-09-01T00:00:00Z&end=2026-11-01T00:00:00Z",
        rows,
    )
}

fn empty_daily() -> ReportTable {
    hal(
        "/cmu/v2/year/month/day/mvpd",
        "start=2026-09-01T00:00:00Z&end=2026-10-01T00:00:00Z&metrics=active-sessions",
        Vec::new(),
    )
}

fn ctx() -> ChartContext {
    ChartContext {
        subtitle: "Production · 2026-09-01 to 2026-10-01 (UTC)".into(),
        source_path: "/cmu/v2/year/month/day/mvpd".into(),
        generated_at: "2026-11-27 10:42 UTC".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// PNG helpers.

struct Image {
    width: u32,
    height: u32,
    /// RGB triplets.
    pixels: Vec<[u8; 3]>,
}

fn decode(png_bytes: &[u8]) -> Image {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    Image {
        width: info.width,
        height: info.height,
        pixels,
    }
}

impl Image {
    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        self.pixels[(y * self.width + x) as usize]
    }

    /// Variance of the luminance: a blank image has ~0.
    fn variance(&self) -> f64 {
        let lum: Vec<f64> = self
            .pixels
            .iter()
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .collect();
        let mean = lum.iter().sum::<f64>() / lum.len() as f64;
        lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64
    }

    /// How many pixels inside the logical rectangle `r` (scaled) have exactly colour `c`.
    fn count_in(&self, data: &ChartData, scale: f64, c: [u8; 3]) -> usize {
        let r = data.legend_area.expect("a legend was drawn");
        let x0 = ((r.x * scale).floor() as u32).min(self.width);
        let y0 = ((r.y * scale).floor() as u32).min(self.height);
        let x1 = (((r.x + r.w) * scale).ceil() as u32).min(self.width);
        let y1 = (((r.y + r.h) * scale).ceil() as u32).min(self.height);
        let mut n = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                if self.at(x, y) == c {
                    n += 1;
                }
            }
        }
        n
    }
}

fn rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// Every series colour the chart could use.
fn all_series_colours() -> Vec<[u8; 3]> {
    PALETTE
        .iter()
        .chain(std::iter::once(&OTHER_COLOR))
        .map(|c| [c.0, c.1, c.2])
        .collect()
}

/// Counts the palette colours that appear as a swatch (a solid block of pixels) in the legend.
fn legend_swatches(img: &Image, data: &ChartData, scale: f64) -> usize {
    all_series_colours()
        .into_iter()
        .filter(|c| img.count_in(data, scale, *c) >= (40.0 * scale * scale) as usize)
        .count()
}

fn dump(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("CMU_CHART_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// PNG output.

#[test]
fn png_has_the_requested_size_at_each_scale() {
    let t = daily_by_mvpd(30, 5);
    let spec = ChartSpec::default_for(&t);
    for (w, h, scale, pw, ph) in [
        (960, 540, 1.0, 960, 540),
        (960, 540, 2.0, 1920, 1080),
        (800, 600, 1.5, 1200, 900),
    ] {
        let png = render_png_bytes(&t, &spec, &ctx(), w, h, scale).unwrap();
        let img = decode(&png);
        assert_eq!((img.width, img.height), (pw, ph), "{w}x{h} at {scale}");
    }
    // The file variant: 1600x900 logical at scale 2 is 3200x1800 pixels.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chart.png");
    render_png(&t, &spec, &ctx(), &path, 1600, 900, 2.0).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let img = decode(&bytes);
    assert_eq!((img.width, img.height), (3200, 1800));
    assert!(img.variance() > 100.0);
    // 96 DPI × scale, so slides place it at its logical size.
    let reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let dims = reader.info().pixel_dims.unwrap();
    assert_eq!(dims.xppu, 7559);
    dump("daily_3200x1800.png", &bytes);
}

#[test]
fn png_is_not_blank_and_uses_the_theme() {
    let t = daily_by_mvpd(30, 5);
    let mut spec = ChartSpec::default_for(&t);
    for theme in [Theme::Light, Theme::Dark] {
        spec.theme = theme;
        let img = decode(&render_png_bytes(&t, &spec, &ctx(), 960, 540, 1.0).unwrap());
        assert!(
            img.variance() > 100.0,
            "{theme:?}: variance {}",
            img.variance()
        );
        let bg = theme.colors().background;
        assert_eq!(img.at(2, 2), [bg.0, bg.1, bg.2]);
    }
}

#[test]
fn png_is_deterministic() {
    let t = daily_by_mvpd(30, 5);
    let spec = ChartSpec::default_for(&t);
    let a = render_png_bytes(&t, &spec, &ctx(), 960, 540, 1.0).unwrap();
    let b = render_png_bytes(&t, &spec, &ctx(), 960, 540, 1.0).unwrap();
    assert_eq!(a, b);
}

#[test]
fn legend_holds_one_swatch_per_series() {
    let cases: Vec<(&str, ReportTable, ChartSpec)> = {
        let five = daily_by_mvpd(30, 5);
        let line = ChartSpec::default_for(&five);
        let stacked = ChartSpec {
            kind: ChartKind::StackedBar,
            legend: LegendPosition::Bottom,
            ..line.clone()
        };
        let many = daily_by_mvpd(10, 25);
        let folded = ChartSpec::default_for(&many);
        let hist = concurrency_histogram();
        let whatif = ChartSpec {
            kind: ChartKind::WhatIf,
            limit: Some(3),
            title: None,
            ..ChartSpec::default_for(&hist)
        };
        let two = daily_by_mvpd(30, 2);
        let area = ChartSpec {
            kind: ChartKind::StackedArea,
            ..ChartSpec::default_for(&two)
        };
        vec![
            ("line", five.clone(), line),
            ("stacked-bar-bottom-legend", five, stacked),
            ("folded", many, folded),
            ("whatif", hist, whatif),
            ("area", two, area),
        ]
    };
    for (name, table, spec) in cases {
        for scale in [1.0, 2.0] {
            let (png, data) = render_png_with_data(&table, &spec, &ctx(), 640, 360, scale).unwrap();
            dump(&format!("legend_{name}_{scale}.png"), &png);
            let img = decode(&png);
            let found = legend_swatches(&img, &data, scale);
            assert_eq!(found, data.series.len(), "{name} at scale {scale}");
            // Each series' own colour is among them.
            for s in &data.series {
                assert!(
                    img.count_in(&data, scale, rgb(&s.color)) > 0,
                    "{name}: no swatch for {}",
                    s.name
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SVG output.

#[test]
fn svg_has_titles_axis_labels_and_series_names() {
    let t = daily_by_mvpd(30, 5);
    let spec = ChartSpec::default_for(&t);
    let out = render_svg(&t, &spec, &ctx()).unwrap();
    let svg = &out.svg;
    assert!(svg.starts_with("<svg"));
    for text in [
        "Daily active sessions by MVPD",
        "Production · 2026-09-01 to 2026-10-01 (UTC)",
        "Active sessions per day",
        "Date",
        "Source: Adobe Pass CMU, /cmu/v2/year/month/day/mvpd, generated 2026-11-27 10:42 UTC",
        "12,000",
        "Sep 7",
        "2026",
    ] {
        assert!(svg.contains(text), "missing {text:?}");
    }
    for name in MVPDS {
        assert!(svg.contains(name), "missing series {name}");
    }
    assert_eq!(out.data.series.len(), 5);
    assert_eq!((out.data.width, out.data.height), (1600, 900));
    // The embedded font is named first, with CSS fallbacks for the web view.
    assert!(svg.contains("font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\""));
}

#[test]
fn svg_escapes_labels() {
    let rows = vec![
        json!({"year": "2026", "month": "10", "day": "01", "mvpd": "A&B <TV>", "active-users": "5"}),
        json!({"year": "2026", "month": "10", "day": "02", "mvpd": "A&B <TV>", "active-users": "7"}),
    ];
    let t = hal("/cmu/v2/year/month/day/mvpd", "", rows);
    let out = render_svg(&t, &ChartSpec::default_for(&t), &ChartContext::default()).unwrap();
    assert!(out.svg.contains("A&amp;B &lt;TV&gt;"));
    assert!(!out.svg.contains("<TV>"));
}

#[test]
fn date_ticks_follow_the_granularity() {
    // Hourly over two days: times, with the date under the first tick of each day.
    let mut rows = Vec::new();
    for h in 0..48 {
        rows.push(
            json!({"year": "2026", "month": "10", "day": format!("{:02}", 1 + h / 24),
            "hour": format!("{:02}", h % 24), "active-sessions": (100 + h).to_string()}),
        );
    }
    let hourly = hal("/cmu/v2/year/month/day/hour", "", rows);
    assert_eq!(hourly.granularity(), Granularity::Hour);
    let spec = ChartSpec::default_for(&hourly);
    assert_eq!(spec.title.as_deref(), Some("Hourly active sessions"));
    let svg = render_svg(&hourly, &spec, &ChartContext::default())
        .unwrap()
        .svg;
    for text in [
        "00:00",
        "12:00",
        "Oct 1",
        "Oct 2",
        "Active sessions per hour",
        "Time",
    ] {
        assert!(svg.contains(text), "hourly: missing {text:?}");
    }

    // Monthly over 14 months: month names, the year where it changes.
    let mut rows = Vec::new();
    for m in 0..14 {
        rows.push(
            json!({"year": (2025 + m / 12).to_string(), "month": format!("{:02}", m % 12 + 1),
            "active-users": (1000 + 10 * m).to_string()}),
        );
    }
    let monthly = hal("/cmu/v2/year/month", "", rows);
    let spec = ChartSpec::default_for(&monthly);
    assert_eq!(spec.title.as_deref(), Some("Monthly active users"));
    let svg = render_svg(&monthly, &spec, &ChartContext::default())
        .unwrap()
        .svg;
    for text in ["Jan", "2025", "2026", "Active users per month", "Month"] {
        assert!(svg.contains(text), "monthly: missing {text:?}");
    }
    // Aggregated to years on request.
    let yearly = ChartSpec {
        granularity: Some(Granularity::Year),
        title: None,
        ..spec
    };
    let out = render_svg(&monthly, &yearly, &ChartContext::default()).unwrap();
    assert_eq!(out.data.series[0].points.len(), 2);
    assert_eq!(
        out.data.series[0].points[0].value,
        (0..12).map(|m| 1000.0 + 10.0 * f64::from(m)).sum::<f64>()
    );
    assert!(out.svg.contains("Yearly active users"));
}

// ---------------------------------------------------------------------------------------------
// Defaults and hover data.

#[test]
fn defaults_follow_the_report_shape() {
    let t = daily_by_mvpd(3, 2);
    let spec = ChartSpec::default_for(&t);
    assert_eq!(spec.kind, ChartKind::Line);
    assert_eq!(spec.x, XAxis::Time);
    assert_eq!(spec.series_by.as_deref(), Some("mvpd"));
    assert_eq!(spec.metrics, ["active-sessions"]);
    assert_eq!(spec.title.as_deref(), Some("Daily active sessions by MVPD"));

    let h = concurrency_histogram();
    let spec = ChartSpec::default_for(&h);
    assert_eq!(spec.kind, ChartKind::Histogram);
    assert_eq!(
        spec.x,
        XAxis::Category {
            dimension: "concurrency-level".into()
        }
    );
    assert_eq!(spec.metrics, ["users"]);
    assert_eq!(spec.title.as_deref(), Some("Users by concurrency level"));

    // An empty report still gets a usable spec (from the self link's metrics).
    let spec = ChartSpec::default_for(&empty_daily());
    assert_eq!(spec.metrics, ["active-sessions"]);
    assert_eq!(spec.series_by.as_deref(), Some("mvpd"));
}

#[test]
fn hover_data_gives_screen_positions_inside_the_plot() {
    let t = daily_by_mvpd(30, 5);
    for kind in [
        ChartKind::Line,
        ChartKind::StackedArea,
        ChartKind::Bar,
        ChartKind::StackedBar,
    ] {
        let spec = ChartSpec {
            kind,
            width: 960,
            height: 540,
            ..ChartSpec::default_for(&t)
        };
        let data = render_svg(&t, &spec, &ctx()).unwrap().data;
        let r = data.plot_area;
        assert!(r.w > 400.0 && r.h > 200.0, "{kind:?}: {r:?}");
        assert_eq!(data.series.len(), 5);
        for s in &data.series {
            assert_eq!(s.points.len(), 30, "{kind:?}");
            assert!(s.color.starts_with('#') && s.color.len() == 7);
            for p in &s.points {
                assert!(
                    p.px >= r.x - 0.5 && p.px <= r.x + r.w + 0.5,
                    "{kind:?} {p:?}"
                );
                assert!(
                    p.py >= r.y - 0.5 && p.py <= r.y + r.h + 0.5,
                    "{kind:?} {p:?}"
                );
            }
        }
        let first = &data.series[0].points[0];
        assert_eq!(first.x_label, "2026-09-01");
        assert_eq!(first.value, 10_000.0);
        // The legend sits outside the plot area.
        let l = data.legend_area.unwrap();
        assert!(
            l.x >= r.x + r.w || l.y >= r.y + r.h,
            "{kind:?}: legend {l:?} over plot {r:?}"
        );
    }
    // Later points are further right; larger values are higher up (smaller y).
    let data = render_svg(&t, &ChartSpec::default_for(&t), &ctx())
        .unwrap()
        .data;
    let pts = &data.series[0].points;
    assert!(pts[1].px > pts[0].px);
    let json = serde_json::to_value(&data).unwrap();
    assert!(json["plotArea"]["w"].is_number());
    assert!(json["series"][0]["points"][0]["xLabel"].is_string());
    assert!(json["series"][0]["points"][0]["py"].is_number());
}

// ---------------------------------------------------------------------------------------------
// What-if.

#[test]
fn what_if_matches_the_hand_computed_table() {
    let h = concurrency_histogram();
    // Total 1600 users. Limit 3: levels 4 and 5 (40 + 10 = 50 users) would have been denied a
    // stream at least once, 50 / 1600 = 3.125%; level 3 (150 users, 9.375%) used all 3.
    let w = what_if(&h, 3).unwrap();
    assert_eq!(w.limit, 3);
    assert_eq!(w.dimension, "concurrency-level");
    assert_eq!(w.total_users, 1600.0);
    assert_eq!(w.users_over_limit, 50.0);
    assert_eq!(w.share_over_limit, 0.03125);
    assert_eq!(w.users_at_limit, 150.0);
    assert_eq!(w.share_at_limit, 0.09375);
    let rows: Vec<(u64, f64, bool, bool)> = w
        .rows
        .iter()
        .map(|r| (r.level, r.users, r.over, r.at_limit))
        .collect();
    assert_eq!(
        rows,
        [
            (1, 1000.0, false, false),
            (2, 400.0, false, false),
            (3, 150.0, false, true),
            (4, 40.0, true, false),
            (5, 10.0, true, false),
        ]
    );

    // Every limit from 1 to the highest level, computed by hand:
    //   N  over                      share    at    share
    //   1  400+150+40+10 = 600       0.375    1000  0.625
    //   2  150+40+10     = 200       0.125    400   0.25
    //   3  40+10         = 50        0.03125  150   0.09375
    //   4  10                        0.00625  40    0.025
    //   5  0                         0        10    0.00625
    let table: Vec<(u32, f64, f64, f64, f64)> = what_if_table(&h)
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.limit,
                r.users_over_limit,
                r.share_over_limit,
                r.users_at_limit,
                r.share_at_limit,
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            (1, 600.0, 0.375, 1000.0, 0.625),
            (2, 200.0, 0.125, 400.0, 0.25),
            (3, 50.0, 0.03125, 150.0, 0.09375),
            (4, 10.0, 0.00625, 40.0, 0.025),
            (5, 0.0, 0.0, 10.0, 0.00625),
        ]
    );

    // A limit above every level stops nobody.
    let w = what_if(&h, 9).unwrap();
    assert_eq!((w.users_over_limit, w.users_at_limit), (0.0, 0.0));
    assert!(matches!(what_if(&h, 0), Err(Error::InvalidInput(_))));
    // Not a level report.
    assert!(matches!(
        what_if(&daily_by_mvpd(2, 2), 3),
        Err(Error::InvalidInput(_))
    ));
    // An empty level report gives zeros, not NaN.
    let empty = hal("/cmu/v2/year/month/concurrency-level", "", Vec::new());
    let w = what_if(&empty, 2).unwrap();
    assert_eq!((w.total_users, w.share_over_limit), (0.0, 0.0));
    assert!(what_if_table(&empty).unwrap().is_empty());
}

#[test]
fn what_if_chart_marks_the_limit() {
    let h = concurrency_histogram();
    let spec = ChartSpec {
        kind: ChartKind::WhatIf,
        limit: Some(3),
        title: None,
        width: 960,
        height: 540,
        ..ChartSpec::default_for(&h)
    };
    let out = render_svg(&h, &spec, &ctx()).unwrap();
    for text in [
        "What if the stream limit were 3?",
        "Limit: 3 streams",
        "50 users (3.1%) would have been denied a stream at least once",
        "150 (9.4%) used all 3",
        "Over the limit",
    ] {
        assert!(out.svg.contains(text), "missing {text:?}");
    }
    let names: Vec<_> = out.data.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Below the limit",
            "At the limit (3 streams)",
            "Over the limit (denied)"
        ]
    );
    let over: Vec<f64> = out.data.series[2].points.iter().map(|p| p.value).collect();
    assert_eq!(over, [40.0, 10.0]);
    // Highlighted: the over-limit bars are drawn in their own colour, right of the limit line.
    let at_x = out.data.series[1].points[0].px;
    assert!(out.data.series[2].points.iter().all(|p| p.px > at_x));

    let no_limit = ChartSpec {
        limit: None,
        ..spec.clone()
    };
    assert!(matches!(
        render_svg(&h, &no_limit, &ctx()),
        Err(Error::InvalidInput(_))
    ));
    dump(
        "whatif.png",
        &render_png_bytes(&h, &spec, &ctx(), 960, 540, 1.0).unwrap(),
    );
}

// ---------------------------------------------------------------------------------------------
// Golden images.

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `png` with the reference `name`, or rewrites it under `CMU_UPDATE_GOLDEN=1`.
fn check_golden(name: &str, png: &[u8]) {
    let path = golden_dir().join(name);
    if std::env::var("CMU_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, png).unwrap();
        return;
    }
    let reference = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it with CMU_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    let (want, got) = (decode(&reference), decode(png));
    assert_eq!(
        (got.width, got.height),
        (want.width, want.height),
        "{name}: size changed"
    );
    let differing = want
        .pixels
        .iter()
        .zip(&got.pixels)
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 3))
        .count();
    let share = differing as f64 / want.pixels.len() as f64;
    if share > 0.005 {
        let out = std::env::temp_dir().join(format!("actual-{name}"));
        let _ = std::fs::write(&out, png);
        panic!(
            "{name}: {:.2}% of pixels differ from the reference (actual image: {}); \
             if the change is intended, regenerate with CMU_UPDATE_GOLDEN=1",
            share * 100.0,
            out.display()
        );
    }
}

#[test]
fn golden_daily_line_chart() {
    let t = daily_by_mvpd(30, 5);
    let spec = ChartSpec::default_for(&t);
    let png = render_png_bytes(&t, &spec, &ctx(), 960, 540, 1.0).unwrap();
    check_golden("daily_mvpd_line.png", &png);
}

/// The comparison is sensitive enough: one series fewer (a thin line and a legend entry, ~1% of
/// the pixels) fails it.
#[test]
fn golden_comparison_catches_a_small_change() {
    if std::env::var("CMU_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        return;
    }
    let t = daily_by_mvpd(30, 5);
    let spec = ChartSpec {
        hidden_series: vec!["Verizon".into()],
        ..ChartSpec::default_for(&t)
    };
    let png = render_png_bytes(&t, &spec, &ctx(), 960, 540, 1.0).unwrap();
    let result = std::panic::catch_unwind(|| check_golden("daily_mvpd_line.png", &png));
    assert!(
        result.is_err(),
        "a changed chart passed the golden comparison"
    );
}

#[test]
fn golden_what_if_dark() {
    let h = concurrency_histogram();
    let spec = ChartSpec {
        kind: ChartKind::WhatIf,
        limit: Some(2),
        title: None,
        theme: Theme::Dark,
        ..ChartSpec::default_for(&h)
    };
    let ctx = ChartContext {
        subtitle: "Production · 2026-09-01 to 2026-11-01 (UTC)".into(),
        source_path: String::new(),
        generated_at: "2026-11-27 10:42 UTC".into(),
    };
    let png = render_png_bytes(&h, &spec, &ctx, 800, 450, 1.0).unwrap();
    check_golden("what_if_dark.png", &png);
}

// ---------------------------------------------------------------------------------------------
// Edge cases.

#[test]
fn empty_report_says_no_data() {
    let t = empty_daily();
    let spec = ChartSpec::default_for(&t);
    let out = render_svg(&t, &spec, &ctx()).unwrap();
    assert!(out.svg.contains("No data for this period"));
    assert_eq!(out.data.message.as_deref(), Some("No data for this period"));
    assert!(out.data.series.is_empty());
    let png = render_png_bytes(&t, &spec, &ctx(), 960, 540, 1.0).unwrap();
    let img = decode(&png);
    assert!(img.variance() > 1.0, "the message and titles are drawn");
    dump("empty.png", &png);
}

#[test]
fn single_point_and_single_series() {
    let rows = vec![
        json!({"year": "2026", "month": "10", "day": "05", "mvpd": "Comcast", "active-users": "42"}),
    ];
    let t = hal("/cmu/v2/year/month/day/mvpd", "", rows);
    for kind in [
        ChartKind::Line,
        ChartKind::StackedArea,
        ChartKind::Bar,
        ChartKind::StackedBar,
        ChartKind::Histogram,
    ] {
        let spec = ChartSpec {
            kind,
            ..ChartSpec::default_for(&t)
        };
        let out = render_svg(&t, &spec, &ctx()).unwrap();
        assert_eq!(out.data.series.len(), 1, "{kind:?}");
        let p = &out.data.series[0].points[0];
        assert_eq!(p.value, 42.0);
        let r = out.data.plot_area;
        assert!(p.px > r.x && p.px < r.x + r.w, "{kind:?}: {p:?} {r:?}");
        assert!(out.svg.contains("Oct 5"), "{kind:?}");
        let png = render_png_bytes(&t, &spec, &ctx(), 640, 360, 1.0).unwrap();
        assert!(decode(&png).variance() > 10.0);
        dump(&format!("single_{kind:?}.png"), &png);
    }
}

#[test]
fn many_series_fold_into_top_n_and_other() {
    let t = daily_by_mvpd(10, 25);
    let spec = ChartSpec::default_for(&t);
    let data = render_svg(&t, &spec, &ctx()).unwrap().data;
    assert_eq!(data.series.len(), 8);
    let other = data.series.last().unwrap();
    assert_eq!(other.name, "Other (18)");
    // The kept series are the largest, in order.
    let totals: Vec<f64> = data.series.iter().map(|s| s.total).collect();
    assert!(totals[..7].windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    assert_eq!(data.series[0].name, "Comcast");
    // Nothing is lost: Other holds the rest.
    let all: f64 = t.metric("active-sessions").unwrap().sum();
    assert!((totals.iter().sum::<f64>() - all).abs() < 1e-6);
    // A smaller top N.
    let three = ChartSpec { top_n: 3, ..spec };
    let data = render_svg(&t, &three, &ctx()).unwrap().data;
    assert_eq!(data.series.len(), 4);
    assert_eq!(data.series[3].name, "Other (22)");
}

/// NaN (missing values), huge and negative values, a report with only missing dimension values,
/// and every kind, at odd sizes: charts or clean errors, never a panic.
#[test]
fn odd_inputs_never_panic() {
    let tables = vec![
        ("empty", empty_daily()),
        (
            "missing values",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![
                    json!({"year": "2026", "month": "10", "day": "01", "mvpd": "A", "active-users": null}),
                    json!({"year": "2026", "month": "10", "day": "02", "mvpd": "A", "active-users": ""}),
                    json!({"year": "2026", "month": "10", "day": "03", "mvpd": "B", "active-users": "3"}),
                ],
            ),
        ),
        (
            "all missing",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![
                    json!({"year": "2026", "month": "10", "day": "01", "mvpd": "A", "active-users": null}),
                ],
            ),
        ),
        (
            "huge",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![
                    json!({"year": "2026", "month": "10", "day": "01", "mvpd": "A", "active-users": "1.7976931348623157e308"}),
                    json!({"year": "2026", "month": "10", "day": "02", "mvpd": "A", "active-users": "-1.7976931348623157e308"}),
                    json!({"year": "2026", "month": "10", "day": "02", "mvpd": "B", "active-users": "1e308"}),
                ],
            ),
        ),
        (
            "negative",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![
                    json!({"year": "2026", "month": "10", "day": "01", "mvpd": "A", "active-users": "-5"}),
                    json!({"year": "2026", "month": "10", "day": "02", "mvpd": "A", "active-users": "7.5"}),
                ],
            ),
        ),
        (
            "no mvpd values",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![json!({"year": "2026", "month": "10", "day": "01", "active-users": "5"})],
            ),
        ),
        (
            "bad dates",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![
                    json!({"year": "2026", "month": "13", "day": "40", "mvpd": "A", "active-users": "5"}),
                    json!({"year": "99999", "month": "1", "day": "1", "mvpd": "A", "active-users": "5"}),
                ],
            ),
        ),
        (
            "far apart",
            hal(
                "/cmu/v2/year/month/day/mvpd",
                "",
                vec![
                    json!({"year": "1", "month": "1", "day": "1", "mvpd": "A", "active-users": "5"}),
                    json!({"year": "9999", "month": "12", "day": "31", "mvpd": "A", "active-users": "6"}),
                ],
            ),
        ),
        (
            "odd levels",
            hal(
                "/cmu/v2/year/month/concurrency-level",
                "",
                vec![
                    json!({"year": "2026", "month": "10", "concurrency-level": "4000000000", "users": "1"}),
                    json!({"year": "2026", "month": "10", "concurrency-level": "10+", "users": "2"}),
                    json!({"year": "2026", "month": "10", "concurrency-level": "many", "users": "3"}),
                    json!({"year": "2026", "month": "10", "concurrency-level": "1", "users": null}),
                ],
            ),
        ),
        (
            "no time",
            hal(
                "/cmu/v2/mvpd",
                "",
                vec![
                    json!({"mvpd": "A", "active-users": "5"}),
                    json!({"mvpd": "B", "active-users": "9"}),
                ],
            ),
        ),
    ];
    let kinds = [
        ChartKind::Line,
        ChartKind::StackedArea,
        ChartKind::Bar,
        ChartKind::StackedBar,
        ChartKind::Histogram,
        ChartKind::WhatIf,
    ];
    for (name, t) in &tables {
        for (ki, kind) in kinds.into_iter().enumerate() {
            // Small sizes keep this debug-build test quick; layout scales with size anyway.
            for (si, (w, h, legend)) in [
                (320, 200, LegendPosition::Auto),
                (640, 360, LegendPosition::Bottom),
                (360, 640, LegendPosition::Right),
            ]
            .into_iter()
            .enumerate()
            {
                let spec = ChartSpec {
                    kind,
                    limit: Some(2),
                    width: w,
                    height: h,
                    legend,
                    ..ChartSpec::default_for(t)
                };
                let svg = render_svg(t, &spec, &ctx());
                // PNG at one of the sizes per kind: the bitmap path is slow in debug builds.
                if si != ki % 3 {
                    assert!(
                        matches!(svg, Ok(_) | Err(Error::InvalidInput(_))),
                        "{name} {kind:?} {w}x{h}: {svg:?}"
                    );
                    continue;
                }
                let png = render_png_bytes(t, &spec, &ctx(), w, h, 1.0);
                match (&svg, &png) {
                    (Ok(out), Ok(png)) => {
                        assert!(out.svg.contains("</svg>"));
                        let img = decode(png);
                        assert_eq!((img.width, img.height), (w, h));
                        // Hover data is finite (it crosses to the UI as JSON).
                        for s in &out.data.series {
                            for p in &s.points {
                                assert!(p.px.is_finite() && p.py.is_finite(), "{name} {kind:?}");
                            }
                        }
                    }
                    (Err(Error::InvalidInput(_)), Err(Error::InvalidInput(_))) => {}
                    other => panic!("{name} {kind:?} {w}x{h}: {other:?}"),
                }
            }
        }
    }
    // The histogram with odd levels still charts the readable ones.
    let (_, odd) = &tables[8];
    let w = what_if(odd, 2).unwrap();
    assert_eq!(w.total_users, 3.0);
    assert_eq!(w.rows.len(), 2);
    assert!(what_if_table(odd).unwrap().len() <= 1000);
}

#[test]
fn bad_specs_are_invalid_input() {
    let t = daily_by_mvpd(3, 2);
    let base = ChartSpec::default_for(&t);
    let unknown_metric = ChartSpec {
        metrics: vec!["nope".into()],
        ..base.clone()
    };
    let err = render_svg(&t, &unknown_metric, &ctx()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("nope") && m.contains("active-sessions"))
    );
    let unknown_dim = ChartSpec {
        series_by: Some("platform".into()),
        ..base.clone()
    };
    assert!(matches!(
        render_svg(&t, &unknown_dim, &ctx()),
        Err(Error::InvalidInput(_))
    ));
    let tiny = ChartSpec {
        width: 10,
        ..base.clone()
    };
    assert!(matches!(
        render_svg(&t, &tiny, &ctx()),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        render_png_bytes(&t, &base, &ctx(), 960, 540, 0.0),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        render_png_bytes(&t, &base, &ctx(), 8000, 8000, 4.0),
        Err(Error::InvalidInput(_))
    ));
    // Time on the x axis needs time columns.
    let no_time = hal(
        "/cmu/v2/mvpd",
        "",
        vec![json!({"mvpd": "A", "active-users": "5"})],
    );
    let spec = ChartSpec {
        x: XAxis::Time,
        kind: ChartKind::Line,
        ..ChartSpec::default_for(&no_time)
    };
    assert!(matches!(
        render_svg(&no_time, &spec, &ctx()),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn render_to_file_picks_the_format_by_extension() {
    let t = daily_by_mvpd(5, 2);
    let spec = ChartSpec::default_for(&t);
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("chart.PNG");
    render_to_file(&t, &spec, &ctx(), &png, 800, 450, 2.0).unwrap();
    let img = decode(&std::fs::read(&png).unwrap());
    assert_eq!((img.width, img.height), (1600, 900));
    let svg = dir.path().join("chart.svg");
    render_to_file(&t, &spec, &ctx(), &svg, 800, 450, 2.0).unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg width=\"800\" height=\"450\""));
    assert!(matches!(
        render_to_file(
            &t,
            &spec,
            &ctx(),
            &dir.path().join("chart.txt"),
            800,
            450,
            1.0
        ),
        Err(Error::InvalidInput(_))
    ));
    let missing = dir.path().join("no/such/dir/chart.png");
    let err = render_to_file(&t, &spec, &ctx(), &missing, 800, 450, 1.0).unwrap_err();
    assert!(
        matches!(&err, Error::LocalIo(m) if m.contains("chart.png")),
        "{err:?}"
    );
}

#[test]
fn context_describes_the_report() {
    let t = hal(
        "/cmu/v2/year/month/day/mvpd",
        "start=2026-09-01T00:00:00Z&end=2026-10-01T00:00:00Z&platform!=Roku",
        vec![],
    );
    let c = ChartContext::describe(&t, "Production", "UTC", "2026-11-27 10:42 UTC");
    assert_eq!(
        c.subtitle,
        "Production · 2026-09-01 to 2026-10-01 (UTC) · platform!=Roku"
    );
    assert_eq!(c.source_path, "/cmu/v2/year/month/day/mvpd");
}

#[test]
fn hidden_series_are_left_out_but_keep_their_colours() {
    let t = daily_by_mvpd(30, 5);
    let all = render_svg(&t, &ChartSpec::default_for(&t), &ctx()).unwrap();
    // As the UI sends it: legend toggles switched Comcast off.
    let spec: ChartSpec = serde_json::from_value(json!({
        "kind": "line", "metrics": ["active-sessions"], "x": {"type": "time"},
        "seriesBy": "mvpd", "hiddenSeries": ["Comcast"], "width": 960, "height": 540,
    }))
    .unwrap();
    let out = render_svg(&t, &spec, &ctx()).unwrap();
    assert_eq!(out.data.series.len(), 5);
    let comcast = &out.data.series[0];
    assert_eq!(comcast.name, "Comcast");
    assert!(comcast.hidden && comcast.points.is_empty());
    for (a, b) in all.data.series.iter().zip(&out.data.series) {
        assert_eq!(a.color, b.color, "colours do not shift");
    }
    assert!(!out.svg.contains("Comcast"));
    // The y axis fits the visible series (Charter peaks near 6,500, Comcast near 13,000).
    assert!(out.svg.contains("6,000") && !out.svg.contains("12,000"));
    let (png, data) = render_png_with_data(&t, &spec, &ctx(), 640, 360, 1.0).unwrap();
    assert_eq!(legend_swatches(&decode(&png), &data, 1.0), 4);

    let every = ChartSpec {
        hidden_series: MVPDS.iter().map(|s| s.to_string()).collect(),
        ..spec
    };
    let out = render_svg(&t, &every, &ctx()).unwrap();
    assert_eq!(
        out.data.message.as_deref(),
        Some("Every series is switched off")
    );
}

#[test]
fn thousand_hourly_points_per_series() {
    let mut rows = Vec::new();
    let start = NaiveDate::from_ymd_opt(2026, 9, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for h in 0..1000 {
        let t = start + Duration::hours(h);
        for (i, mvpd) in MVPDS.iter().enumerate() {
            let v =
                1000.0 / (i as f64 + 1.0) * (1.5 + (h as f64 / 24.0 * std::f64::consts::TAU).sin());
            rows.push(
                json!({"year": t.year().to_string(), "month": t.month().to_string(),
                "day": t.day().to_string(), "hour": chrono::Timelike::hour(&t).to_string(),
                "mvpd": mvpd, "active-sessions": v.round().to_string()}),
            );
        }
    }
    let t = hal("/cmu/v2/year/month/day/hour/mvpd", "", rows);
    let spec = ChartSpec::default_for(&t);
    let out = render_svg(&t, &spec, &ctx()).unwrap();
    assert!(out.data.series.iter().all(|s| s.points.len() == 1000));
    assert_eq!(out.data.series[0].points[999].x_label, "2026-10-12 15:00");
    // 41 days of hours: ticks fall on day boundaries with month-day labels, not on every hour.
    assert!(out.svg.contains("Sep 8") || out.svg.contains("Sep 7"));
    assert!(!out.svg.contains("13:00"));
    dump(
        "hourly_1000.png",
        &render_png_bytes(&t, &spec, &ctx(), 1600, 900, 1.0).unwrap(),
    );
}
