//! Chart rendering speed: a line chart of 5 series × 1,000 hourly points (an
//! `/cmu/v2/year/month/day/hour/mvpd` report of 5,000 rows) with title, subtitle, legend, date
//! axis and footer, drawn as SVG (the app) and as PNG at 1600×900 and at 3200×1800 (1600×900
//! logical at scale 2, for slides). Each iteration starts from the parsed report, so series
//! preparation is included; PNG figures include encoding to bytes (not the file write).
//!
//! Targets: SVG under 5 ms, PNG 1600×900 under 25 ms.
//!
//! Run: `cargo bench -p cmu-core --bench chart_render -- --warm-up-time 1 --measurement-time 5`

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

use cmu_core::chart::{render_png_bytes, render_svg, ChartContext, ChartSpec};
use cmu_core::report::ReportTable;

const SERIES: [&str; 5] = ["Comcast", "Charter", "DirecTV", "Dish", "Verizon"];
const POINTS: i64 = 1000;

fn report() -> ReportTable {
    let start = NaiveDate::from_ymd_opt(2026, 9, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date");
    let mut rows = Vec::with_capacity(SERIES.len() * POINTS as usize);
    for h in 0..POINTS {
        let t = start + Duration::hours(h);
        for (i, mvpd) in SERIES.iter().enumerate() {
            // Daily cycle plus noise-like wobble, so lines cross and the PNG is realistic.
            let hour = f64::from(t.hour());
            let v = 5000.0 / (i as f64 + 1.0)
                * (1.2 + (hour / 24.0 * std::f64::consts::TAU).sin())
                * (1.0 + 0.1 * ((h as f64) * 0.37 + i as f64).sin());
            rows.push(json!({
                "year": t.year().to_string(),
                "month": format!("{:02}", t.month()),
                "day": format!("{:02}", t.day()),
                "hour": format!("{:02}", t.hour()),
                "mvpd": mvpd,
                "active-sessions": format!("{}", v.round()),
            }));
        }
    }
    let body = json!({
        "_links": {"self": {"href": "/cmu/v2/year/month/day/hour/mvpd?start=2026-09-01T00:00:00Z&end=2026-10-13T16:00:00Z&metrics=active-sessions"}},
        "report": rows,
    });
    ReportTable::parse(body.to_string().as_bytes()).expect("the benchmark report parses")
}

fn chart_render(c: &mut Criterion) {
    let table = report();
    let spec = ChartSpec::default_for(&table);
    let ctx = ChartContext::describe(&table, "Production", "UTC", "2026-11-27 10:42 UTC");
    let first = render_svg(&table, &spec, &ctx).expect("renders");
    assert_eq!(first.data.series.len(), 5);
    assert!(first
        .data
        .series
        .iter()
        .all(|s| s.points.len() == POINTS as usize));
    for (w, h, scale) in [(1600, 900, 1.0), (1600, 900, 2.0)] {
        let png = render_png_bytes(&table, &spec, &ctx, w, h, scale).expect("renders");
        eprintln!("PNG {w}x{h} at scale {scale}: {} bytes", png.len());
    }
    eprintln!("SVG 1600x900: {} bytes", first.svg.len());

    let mut group = c.benchmark_group("chart_render");
    group.sample_size(30);
    group.bench_function("svg 1600x900, 5x1000 points", |b| {
        b.iter(|| black_box(render_svg(black_box(&table), &spec, &ctx).map(|r| r.svg.len())))
    });
    group.bench_function("png 1600x900 (encoded)", |b| {
        b.iter(|| {
            black_box(
                render_png_bytes(black_box(&table), &spec, &ctx, 1600, 900, 1.0).map(|p| p.len()),
            )
        })
    });
    group.bench_function("png 3200x1800 = 1600x900 at scale 2 (encoded)", |b| {
        b.iter(|| {
            black_box(
                render_png_bytes(black_box(&table), &spec, &ctx, 1600, 900, 2.0).map(|p| p.len()),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, chart_render);
criterion_main!(benches);
