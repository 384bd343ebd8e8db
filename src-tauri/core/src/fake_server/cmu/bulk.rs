//! Large synthetic HAL reports for parsing benchmarks: the shape and quirks of a real
//! `/cmu/v2/year/month/day/mvpd/platform` answer (string-valued numbers, `_links` first, one
//! record per line in the spaced style of pretty-printing servers, about 290 bytes per record)
//! at any row count, written straight to a `Write` without
//! building the document in memory. Values are plausible and consistent but do not come from
//! the fake's data set (a million rows would be decades of days).

use std::io::{self, Write};

use super::dataset::{mix, MVPDS, PLATFORMS, TENANTS};
use super::report::{Link, Report};
use super::schema::{Dimension, Metric};
use super::tree::parse_path;

/// The default benchmark path.
pub const BULK_DEFAULT_PATH: &str = "/cmu/v2/year/month/day/mvpd/platform";

/// The metrics of every bulk record (the seven of the named reports).
const BULK_METRICS: [Metric; 7] = [
    Metric::ActiveUsers,
    Metric::ActiveSessions,
    Metric::StartedSessions,
    Metric::CompletedSessions,
    Metric::FailedAttempts,
    Metric::DismissedSessions,
    Metric::KilledSessions,
];

/// A HAL report of `rows` records for `path` (a `/cmu/v2/...` path of known dimensions; an
/// unparsable path falls back to [`BULK_DEFAULT_PATH`]), as one string.
pub fn hal_report_json(path: &str, rows: usize) -> String {
    let mut out = Vec::with_capacity(rows.saturating_mul(300).min(1 << 31) + 1024);
    // Writing to a Vec cannot fail.
    let _ = write_hal_report(&mut out, path, rows);
    String::from_utf8(out).unwrap_or_default()
}

/// The values one non-time dimension cycles through.
fn values_of(d: Dimension) -> Vec<String> {
    let own = |v: &[&str]| {
        // Sorted, as real records are.
        let mut out: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        out.sort_unstable();
        out
    };
    match d {
        Dimension::Tenant => own(&TENANTS),
        Dimension::Mvpd => own(&MVPDS),
        Dimension::Platform => own(&PLATFORMS),
        Dimension::Channel => own(&["Demo One", "Demo Two", "Demo Kids", "Unknown"]),
        Dimension::Application => own(&["Demo TV", "Demo TV Kids", "Demo Sports", "Demo News"]),
        Dimension::ApplicationId => own(&[
            "com.cmudemo.tv.android",
            "com.cmudemo.tv.ios",
            "com.cmudemo.tv.roku",
            "com.cmudemo.tv.web",
            "com.cmudemo.sports.firetv",
        ]),
        Dimension::ConcurrencyLevel | Dimension::ActivityLevel => {
            (1..=8).map(|n: u32| n.to_string()).collect()
        }
        _ => Vec::new(),
    }
}

/// Appends the decimal digits of `n` (no allocation: the hot loop writes ~12 numbers a row).
fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// `"name": "` (the record-key prefix, JSON-escaped once).
fn key_prefix(name: &str) -> Vec<u8> {
    let mut s = String::new();
    super::render::push_json_str(&mut s, name);
    s.push_str(": \"");
    s.into_bytes()
}

/// Streams a HAL report of `rows` records for `path` to `w` (see [`hal_report_json`]).
pub fn write_hal_report<W: Write>(w: &mut W, path: &str, rows: usize) -> io::Result<()> {
    let dims = parse_path(path)
        .filter(|p| !p.is_empty())
        .or_else(|| parse_path(BULK_DEFAULT_PATH))
        .unwrap_or_default();
    let grain = dims
        .iter()
        .copied()
        .filter(|d| d.is_time())
        .max_by_key(|d| match d {
            Dimension::Year => 1,
            Dimension::Month => 2,
            Dimension::Day => 3,
            Dimension::Hour => 4,
            _ => 5,
        });
    // Non-time dimensions cycle like an odometer (last fastest); time advances by one period
    // of the finest time dimension each full turn, from 2020-01-01.
    let cycles: Vec<Vec<Vec<u8>>> = dims
        .iter()
        .map(|d| {
            values_of(*d)
                .into_iter()
                .map(|v| {
                    let mut s = String::new();
                    super::render::push_json_str(&mut s, &v);
                    // Keep the opening quote out: key_prefix already wrote it.
                    s.into_bytes()[1..].to_vec()
                })
                .collect()
        })
        .collect();
    let combos: usize = cycles
        .iter()
        .filter(|c| !c.is_empty())
        .map(Vec::len)
        .product::<usize>()
        .max(1);
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_default();
    let step = |period: usize| -> chrono::DateTime<chrono::Utc> {
        // Checked arithmetic: absurd row counts saturate at the start date instead of panicking.
        let n = i64::try_from(period).unwrap_or(i64::MAX);
        let months = |m: i64| {
            u32::try_from(m)
                .ok()
                .and_then(|m| start.checked_add_months(chrono::Months::new(m)))
        };
        let later = match grain {
            Some(Dimension::Year) => months(n.saturating_mul(12)),
            Some(Dimension::Month) => months(n),
            Some(Dimension::Hour) => {
                chrono::Duration::try_hours(n).and_then(|d| start.checked_add_signed(d))
            }
            Some(Dimension::Minute) => {
                chrono::Duration::try_minutes(n).and_then(|d| start.checked_add_signed(d))
            }
            _ => chrono::Duration::try_days(n).and_then(|d| start.checked_add_signed(d)),
        };
        later.unwrap_or(start)
    };
    let periods = rows.div_ceil(combos).max(1);
    let end = step(periods);

    // Links, as the real resource would have them.
    let report = Report {
        path: dims.clone(),
        columns: dims.clone(),
        metrics: BULK_METRICS.to_vec(),
        records: Vec::new(),
        start,
        end,
        limit: rows.max(1),
        metrics_requested: false,
        filters: Default::default(),
        total_rows: rows,
    };
    let mut head = String::from("{\"_links\":{\"self\":{\"href\":");
    super::render::push_json_str(&mut head, &report.self_href());
    head.push('}');
    let link = |head: &mut String, rel: &str, l: &Link| {
        head.push_str(",\"");
        head.push_str(rel);
        head.push_str("\":{\"href\":");
        super::render::push_json_str(head, &l.href);
        head.push('}');
    };
    if let Some(up) = report.roll_up() {
        link(&mut head, "roll-up", &up);
    }
    if let [only] = report.drill_down().as_slice() {
        link(&mut head, "drill-down", only);
    }
    head.push_str("},\"report\":[\n");

    let dim_keys: Vec<Vec<u8>> = dims.iter().map(|d| key_prefix(d.name())).collect();
    let metric_keys: Vec<Vec<u8>> = BULK_METRICS.iter().map(|m| key_prefix(m.name())).collect();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    buf.extend_from_slice(head.as_bytes());
    let mut period_time = step(0);
    let mut current_period = 0usize;
    for row in 0..rows {
        let period = row / combos;
        if period != current_period {
            current_period = period;
            period_time = step(period);
        }
        let mut combo = row % combos;
        if row > 0 {
            buf.extend_from_slice(b",\n");
        }
        buf.extend_from_slice(b"  {");
        // Odometer digits, last dimension fastest.
        let mut picks = vec![0usize; dims.len()];
        for (i, c) in cycles.iter().enumerate().rev() {
            if !c.is_empty() {
                picks[i] = combo % c.len();
                combo /= c.len();
            }
        }
        for (i, d) in dims.iter().enumerate() {
            if i > 0 {
                buf.extend_from_slice(b", ");
            }
            buf.extend_from_slice(&dim_keys[i]);
            use chrono::{Datelike, Timelike};
            match d {
                Dimension::Year => push_u64(&mut buf, period_time.year() as u64),
                Dimension::Month => push_u64(&mut buf, u64::from(period_time.month())),
                Dimension::Day => push_u64(&mut buf, u64::from(period_time.day())),
                Dimension::Hour => push_u64(&mut buf, u64::from(period_time.hour())),
                Dimension::Minute => push_u64(&mut buf, u64::from(period_time.minute())),
                _ => {
                    if let Some(v) = cycles[i].get(picks[i]) {
                        // Already contains the closing quote.
                        buf.extend_from_slice(v);
                        continue;
                    }
                }
            }
            buf.push(b'"');
        }
        // Consistent, plausible values: users ≤ active, completed ≤ started, ...
        let h = mix(row as u64 ^ 0x5eed);
        let started = 200 + h % 40_000;
        let active = started + (mix(h ^ 1) % (started / 2 + 1));
        let users = active * (450 + mix(h ^ 2) % 200) / 1000;
        let completed = started - mix(h ^ 3) % (started / 12 + 1);
        let failed = mix(h ^ 4) % (started / 40 + 1);
        let dismissed = mix(h ^ 5) % (completed / 50 + 1);
        let killed = mix(h ^ 6) % (completed / 25 + 1);
        for (key, v) in metric_keys
            .iter()
            .zip([users, active, started, completed, failed, dismissed, killed])
        {
            buf.extend_from_slice(b", ");
            buf.extend_from_slice(key);
            push_u64(&mut buf, v);
            buf.push(b'"');
        }
        buf.push(b'}');
        if buf.len() >= 1 << 16 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(b"\n]}\n");
    w.write_all(&buf)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_report_is_valid_hal_with_string_numbers() {
        let text = hal_report_json(BULK_DEFAULT_PATH, 1000);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let report = v["report"].as_array().unwrap();
        assert_eq!(report.len(), 1000);
        assert!(v["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .starts_with("/cmu/v2/year/month/day/mvpd/platform?start=2020-01-01T00:00:00Z&end="));
        assert_eq!(report[0]["year"], "2020");
        assert_eq!(report[0]["mvpd"], "AT&T U-verse");
        for r in report {
            let n = |k: &str| r[k].as_str().unwrap().parse::<u64>().unwrap();
            assert!(n("completed-sessions") <= n("started-sessions"));
            assert!(n("active-users") <= n("active-sessions"));
        }
        let per_row = text.len() / 1000;
        assert!((270..=310).contains(&per_row), "{per_row} bytes per row");
        assert!(hal_report_json(BULK_DEFAULT_PATH, 0).contains("\"report\":[\n\n]"));
        let other: serde_json::Value =
            serde_json::from_str(&hal_report_json("/cmu/v2/tenant/year/month/day/hour", 50))
                .unwrap();
        assert_eq!(other["report"].as_array().unwrap().len(), 50);
    }
}
