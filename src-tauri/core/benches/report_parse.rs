//! Report parsing throughput: `ReportTable::parse` on HAL reports of 10k, 100k and 1M rows
//! (`/cmu/v2/year/month/day/mvpd/platform`, the seven usage metrics, every number a JSON string,
//! ~290 bytes per row), next to serde_json baselines on the same bytes.
//!
//! The reports come from the fake server's bulk generator, so every engineer measures the same
//! bytes. Criterion prints MB/s (`Throughput::Bytes`); rows/s = rows / time, and the bytes per
//! row of each input are printed first. Peak memory is measured separately by the
//! `parse_report_file` example (see docs/benchmarks.md).
//!
//! Run: `cargo bench -p cmu-core --bench report_parse -- --warm-up-time 1 --measurement-time 5`

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use cmu_core::fake_server::cmu::{hal_report_json, BULK_DEFAULT_PATH};
use cmu_core::report::ReportTable;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

fn report_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("report_parse");
    for rows in SIZES {
        let body = hal_report_json(BULK_DEFAULT_PATH, rows).into_bytes();
        eprintln!(
            "input {rows} rows: {} bytes, {:.1} bytes/row",
            body.len(),
            body.len() as f64 / rows as f64
        );
        group.throughput(Throughput::Bytes(body.len() as u64));
        // A 1M-row parse takes about a second: criterion's minimum of 10 samples is plenty.
        group.sample_size(if rows >= 1_000_000 { 10 } else { 20 });

        group.bench_with_input(
            BenchmarkId::new("ReportTable::parse", rows),
            &body,
            |b, body| {
                b.iter(|| {
                    let table = ReportTable::parse(black_box(body));
                    black_box(table.map(|t| t.rows()).unwrap_or_default())
                })
            },
        );
        // Lower bound: serde_json validating the document without building anything.
        group.bench_with_input(
            BenchmarkId::new("serde_json IgnoredAny", rows),
            &body,
            |b, body| {
                b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).is_ok())
            },
        );
        // The naive way; too slow to repeat at 1M rows (about 6 s per parse).
        if rows < 1_000_000 {
            group.bench_with_input(
                BenchmarkId::new("serde_json::Value", rows),
                &body,
                |b, body| {
                    b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).is_ok())
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, report_parse);
criterion_main!(benches);
