//! Writes the benchmark report (default 1,000,000 rows, ~290 MB) to a file, so the parser and
//! `scripts/jq-per-day-totals.sh` can be measured on the same bytes. The records come from the
//! fake server's bulk generator (`/cmu/v2/year/month/day/mvpd/platform`, string-valued
//! numbers), the same bytes the `report_parse` benchmark parses.
//!
//! Usage: `cargo run --release -p cmu-core --example write_bench_report -- OUT.json [ROWS]`

use std::io::Write;
use std::process::ExitCode;

use cmu_core::fake_server::cmu::{write_hal_report, BULK_DEFAULT_PATH};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: write_bench_report OUT.json [ROWS]");
        return ExitCode::from(2);
    };
    let rows = match args.next().map(|r| r.parse::<usize>()) {
        None => 1_000_000,
        Some(Ok(rows)) => rows,
        Some(Err(_)) => {
            eprintln!("ROWS must be a whole number");
            return ExitCode::from(2);
        }
    };
    let written = std::fs::File::create(&path).and_then(|f| {
        let mut w = std::io::BufWriter::new(f);
        write_hal_report(&mut w, BULK_DEFAULT_PATH, rows)?;
        w.flush()?;
        w.get_ref().metadata()
    });
    match written {
        Ok(meta) => {
            eprintln!(
                "wrote {path}: {rows} rows, {} bytes ({:.1} bytes/row)",
                meta.len(),
                meta.len() as f64 / rows.max(1) as f64
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {path}: {e}");
            ExitCode::from(1)
        }
    }
}
