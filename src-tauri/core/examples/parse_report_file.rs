//! Parses a HAL report file with `ReportTable::parse` and reports rows, throughput and peak
//! memory (VmHWM, Linux), then prints per-day totals of a metric on stdout in the same form as
//! `scripts/jq-per-day-totals.sh`, so the two can be compared with `diff`.
//!
//! Usage: `cargo run --release -p cmu-core --example parse_report_file -- FILE [METRIC]`
//! (METRIC defaults to `active-sessions`).

use std::process::ExitCode;
use std::time::Instant;

use cmu_core::report::{Granularity, ReportTable};

/// Peak resident set size of this process in KiB (the kernel's "kB"), from /proc (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: parse_report_file FILE [METRIC]");
        return ExitCode::from(2);
    };
    let metric = args.next().unwrap_or_else(|| "active-sessions".into());
    let body = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let started = Instant::now();
    let table = match ReportTable::parse(&body) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let parse_secs = started.elapsed().as_secs_f64();
    let totals_started = Instant::now();
    let per_day = table.sum_by_time(&metric, Granularity::Day);
    let totals_secs = totals_started.elapsed().as_secs_f64();
    let mb = body.len() as f64 / 1e6;
    eprintln!(
        "{} rows, {:.1} MB parsed in {:.3} s: {:.0} MB/s, {:.2} M rows/s; per-day totals {:.3} s",
        table.rows(),
        mb,
        parse_secs,
        mb / parse_secs,
        table.rows() as f64 / parse_secs / 1e6,
        totals_secs
    );
    if let Some(kib) = peak_rss_kib() {
        let bytes = kib as f64 * 1024.0;
        eprintln!(
            "peak RSS {:.1} MB ({:.2}x the JSON size, the JSON itself included)",
            bytes / 1e6,
            bytes / body.len().max(1) as f64
        );
    }
    match per_day {
        Some(days) => {
            for (day, total) in days {
                // Integers without `.0`, as jq prints them.
                println!("{} {total}", day.format("%Y-%m-%d"));
            }
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("the report has no metric {metric}");
            ExitCode::from(1)
        }
    }
}
