//! The report engine: path + query → sorted records, with the effective window, limit,
//! metrics and filters that `self` echoes. Pure Rust, no HTTP: tests call it directly.
//!
//! # Windows
//!
//! Data exists for whole UTC hours from the first day of the month 24 months before the
//! current one (25 calendar months of retention) up to the start of the current hour. The
//! base unit is the hour, or the minute on paths that contain `minute`; a unit belongs to a
//! window when its start lies in `[start, end)`. Rows are per period of the path's finest time
//! dimension within the window (a period cut by the window only counts its units inside).
//!
//! Defaults (echoed in `self`): `end` = the start of the current hour; `start` depends on the
//! finest time dimension of the path:
//!
//! | finest time dimension | default `start`                                  |
//! |-----------------------|--------------------------------------------------|
//! | `minute`              | `end` − 1 hour                                   |
//! | `hour`                | `end` − 24 hours                                 |
//! | `day`, or none        | midnight of `end`'s day − 30 days                |
//! | `month`               | the 1st of the month 11 months before `end`'s    |
//! | `year`                | January 1st of the year before `end`'s           |
//!
//! A prefix date is completed with the start of its period, for `end` too (`end=2026-11`
//! means up to 2026-11-01T00:00:00Z, exclusive).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};

use super::dataset::{
    self, active_users, base, ceil_div, combine, weight, Base, Dataset, Series, Weights, K, M,
};
use super::query::{format_instant, parse_instant, parse_query, CmuError, CmuQuery, Filters};
use super::schema::{Dimension, Metric};
use super::tree::{parse_path, path_string, tree};

/// The limit when the request gives none (seen in the wild, echoed in `self`).
pub const DEFAULT_LIMIT: usize = 1000;

/// Months of data kept, counting the current one.
pub const RETENTION_MONTHS: u32 = 25;

/// Server-side settings of a report run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// "Now": the end of the data and the anchor of default windows.
    pub now: DateTime<Utc>,
    /// A query whose rows (before `limit`) could exceed this is refused ("query too large").
    pub max_rows: usize,
}

impl RunOptions {
    /// The real clock and the default maximum of 100 000 rows.
    pub fn now() -> RunOptions {
        RunOptions {
            now: Utc::now(),
            max_rows: super::DEFAULT_MAX_ROWS,
        }
    }
}

/// One record: dimension values (in [`Report::columns`] order) and metric values (in
/// [`Report::metrics`] order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Dimension values as the API writes them (`"2026"`, `"7"`, `"AT&T U-verse"`).
    pub dimensions: Vec<String>,
    /// Metric values (rendered as JSON strings on the wire).
    pub values: Vec<u64>,
}

/// A computed report: what the resource answers, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The resource path (`[]` for the root).
    pub path: Vec<Dimension>,
    /// Record dimensions: the path, then dimensions forced by bare filters.
    pub columns: Vec<Dimension>,
    /// Metric columns, in request order (or the default order).
    pub metrics: Vec<Metric>,
    /// The sorted records, at most `limit`.
    pub records: Vec<Record>,
    /// Effective start (inclusive).
    pub start: DateTime<Utc>,
    /// Effective end (exclusive).
    pub end: DateTime<Utc>,
    /// Effective limit.
    pub limit: usize,
    /// The metrics were chosen by the request (rather than the default list).
    pub metrics_requested: bool,
    /// The filters that were applied.
    pub filters: Filters,
    /// Rows there were before `limit` cut them.
    pub total_rows: usize,
}

/// A link of `_links`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Path only: hrefs carry no query string.
    pub href: String,
    /// The child dimension, when the fake names it (see [`Report::drill_down`]).
    pub name: Option<String>,
}

impl Report {
    /// `_links.self.href`: path plus the full effective query: start, end, limit, metrics (the
    /// default list too, as one comma list), then the filters in request order. Never the
    /// access token, never `format`.
    pub fn self_href(&self) -> String {
        let names: Vec<&str> = self.metrics.iter().map(|m| m.name()).collect();
        let mut pieces = vec![
            format!("start={}", format_instant(self.start)),
            format!("end={}", format_instant(self.end)),
            format!("limit={}", self.limit),
            format!("metrics={}", names.join(",")),
        ];
        pieces.extend(self.filters.query_pieces());
        format!("{}?{}", path_string(&self.path), pieces.join("&"))
    }

    /// `_links.roll-up`: the parent path; `None` at the root.
    pub fn roll_up(&self) -> Option<Link> {
        let (_, parent) = self.path.split_last()?;
        Some(Link {
            href: path_string(parent),
            name: None,
        })
    }

    /// `_links.drill-down`: one link per child path. Links carry `name` = the child dimension,
    /// except links to `application` and to `minute`, which omit it on purpose (real servers
    /// are not consistent about `name`; clients must derive the dimension from the href).
    pub fn drill_down(&self) -> Vec<Link> {
        tree()
            .children(&self.path)
            .iter()
            .map(|child| {
                let mut path = self.path.clone();
                path.push(*child);
                Link {
                    href: path_string(&path),
                    name: (!matches!(child, Dimension::Application | Dimension::Minute))
                        .then(|| child.name().to_owned()),
                }
            })
            .collect()
    }

    /// The value of dimension or metric `name` in record `index`, as the wire shows it.
    pub fn get(&self, index: usize, name: &str) -> Option<String> {
        let record = self.records.get(index)?;
        if let Some(i) = self.columns.iter().position(|d| d.name() == name) {
            return record.dimensions.get(i).cloned();
        }
        let i = self.metrics.iter().position(|m| m.name() == name)?;
        record.values.get(i).map(u64::to_string)
    }

    /// The CSV file name the server announces: `report__<start>_<end>_<filters>.csv`, with
    /// `:` removed from the instants and the `_<filters>` part left out when there is none.
    pub fn csv_file_name(&self) -> String {
        let stamp = |t: DateTime<Utc>| format_instant(t).replace(':', "");
        let mut name = format!("report__{}_{}", stamp(self.start), stamp(self.end));
        let filters = self.filters.file_name_part();
        if !filters.is_empty() {
            name.push('_');
            name.push_str(&filters);
        }
        name.push_str(".csv");
        name
    }
}

/// The base unit of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Hour,
    Minute,
}

impl Unit {
    fn seconds(self) -> i64 {
        match self {
            Unit::Hour => 3600,
            Unit::Minute => 60,
        }
    }

    fn minutes(self) -> u64 {
        match self {
            Unit::Hour => 60,
            Unit::Minute => 1,
        }
    }

    fn start_of(self, index: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(index * self.seconds(), 0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

/// A row period: units `[first, last)`.
#[derive(Debug, Clone, Copy)]
struct Period {
    first: i64,
    last: i64,
}

fn floor_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp().div_euclid(3600) * 3600, 0)
        .single()
        .unwrap_or(t)
}

fn midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    t.date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(t, |d| d.and_utc())
}

/// The first day of the month `back` months before `t`'s month, midnight UTC.
fn month_start_back(t: DateTime<Utc>, back: u32) -> DateTime<Utc> {
    let months = t.year() * 12 + t.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(t, |d| d.and_utc())
}

/// The start of the period of `grain` that follows the one containing `t`.
fn next_boundary(t: DateTime<Utc>, grain: Option<Dimension>) -> Option<DateTime<Utc>> {
    match grain? {
        Dimension::Year => NaiveDate::from_ymd_opt(t.year() + 1, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc()),
        Dimension::Month => {
            Some(month_start_back(t, 0) + Duration::days(32)).map(|d| month_start_back(d, 0))
        }
        Dimension::Day => Some(midnight(t) + Duration::days(1)),
        Dimension::Hour => Some(floor_hour(t) + Duration::hours(1)),
        Dimension::Minute => Some(
            Utc.timestamp_opt(t.timestamp().div_euclid(60) * 60 + 60, 0)
                .single()?,
        ),
        _ => None,
    }
}

/// The default start for a path whose finest time dimension is `grain`, ending at `end`.
fn default_start(grain: Option<Dimension>, end: DateTime<Utc>) -> DateTime<Utc> {
    match grain {
        Some(Dimension::Minute) => end - Duration::hours(1),
        Some(Dimension::Hour) => end - Duration::hours(24),
        Some(Dimension::Month) => month_start_back(end, 11),
        Some(Dimension::Year) => NaiveDate::from_ymd_opt(end.year() - 1, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(end, |d| d.and_utc()),
        _ => midnight(end) - Duration::days(30),
    }
}

/// A stable 64-bit key of a histogram cell (period and group values).
fn cell_key(period_first: i64, values: &[&str]) -> u64 {
    let mut h = dataset::mix(period_first as u64);
    for v in values {
        for b in v.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        h = dataset::mix(h ^ 0xFF);
    }
    h
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Number(i64),
    Text(String),
}

/// The weights of one group of leaves: `Σ B[k]` per component and MVPD.
type GroupWeights = [[Weights; M]; K];

/// The non-zero (component, MVPD, weights) entries of a group.
type SparseWeights = Vec<(usize, usize, Weights)>;

impl Dataset {
    /// Runs the report at `path` (`/cmu/v2/...` or `year/month`) with the raw query string
    /// `raw_query` (as after `?`). The same code the fake's HTTP routes use.
    pub fn report_at(
        &self,
        path: &str,
        raw_query: &str,
        options: RunOptions,
    ) -> Result<Report, CmuError> {
        let dims = parse_path(path)
            .filter(|p| tree().contains(p))
            .ok_or_else(|| CmuError::NotFound(format!("Not found: no report at {path}")))?;
        let query = parse_query(raw_query)?;
        self.report(&dims, &query, options)
    }

    /// Runs the report at `path` for a decoded query.
    pub fn report(
        &self,
        path: &[Dimension],
        query: &CmuQuery,
        options: RunOptions,
    ) -> Result<Report, CmuError> {
        if !tree().contains(path) {
            return Err(CmuError::NotFound(format!(
                "Not found: no report at {}",
                path_string(path)
            )));
        }
        let histogram = path.iter().copied().find(|d| d.is_histogram());

        // Metrics.
        let available: Vec<Metric> = if histogram.is_some() {
            vec![Metric::Users]
        } else {
            Metric::USAGE.to_vec()
        };
        let metrics_requested = !query.metrics.is_empty();
        let metrics: Vec<Metric> = if metrics_requested {
            let mut out = Vec::new();
            for name in &query.metrics {
                let metric = Metric::parse(name).ok_or_else(|| {
                    CmuError::BadRequest(format!("Bad request: unknown metric '{name}'."))
                })?;
                if !available.contains(&metric) {
                    return Err(CmuError::BadRequest(format!(
                        "Bad request: metric '{name}' is not available on {}.",
                        path_string(path)
                    )));
                }
                if !out.contains(&metric) {
                    out.push(metric);
                }
            }
            out
        } else {
            available
        };

        // Columns: the path, then forced projections.
        let mut columns = path.to_vec();
        for d in query.filters.projected() {
            if !columns.contains(&d) {
                columns.push(d);
            }
        }
        let grain = path
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
        let unit = if grain == Some(Dimension::Minute) {
            Unit::Minute
        } else {
            Unit::Hour
        };

        // Window.
        let data_end = floor_hour(options.now);
        let data_start = month_start_back(options.now, RETENTION_MONTHS - 1);
        let parse = |name: &str,
                     text: &Option<String>|
         -> Result<Option<DateTime<Utc>>, CmuError> {
            text.as_deref()
                .map(|t| {
                    parse_instant(t)
                        .map_err(|e| CmuError::BadRequest(format!("Bad request: bad {name}: {e}.")))
                })
                .transpose()
        };
        let asked_start = parse("start", &query.start)?;
        let asked_end = parse("end", &query.end)?;
        let end = asked_end.unwrap_or(data_end);
        let start = asked_start.unwrap_or_else(|| default_start(grain, end));
        if end < start {
            return Err(CmuError::BadRequest(format!(
                "Bad request: end ({}) is before start ({}).",
                format_instant(end),
                format_instant(start)
            )));
        }
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        let secs = unit.seconds();
        let first = ceil_div(start.max(data_start).timestamp(), secs);
        let last = ceil_div(end.min(data_end).timestamp(), secs);

        // Periods.
        let span = (last - first).max(0);
        let period_estimate = match grain {
            None => usize::from(span > 0),
            Some(Dimension::Hour | Dimension::Minute) => {
                usize::try_from(span).unwrap_or(usize::MAX)
            }
            // Days, months, years: at most a few hundred within the retention.
            _ => usize::try_from(span / (24 * 3600 / secs) + 2).unwrap_or(usize::MAX),
        };

        // Groups of leaves.
        let group_dims: Vec<Dimension> = columns
            .iter()
            .copied()
            .filter(|d| d.is_filterable())
            .collect();
        let mut groups: std::collections::BTreeMap<Vec<&str>, GroupWeights> =
            std::collections::BTreeMap::new();
        for (i, leaf) in self.leaves().iter().enumerate() {
            if !query.filters.matches(self, leaf) {
                continue;
            }
            let key: Vec<&str> = group_dims
                .iter()
                .filter_map(|d| self.leaf_value(leaf, *d))
                .collect();
            let w = self.weights(i);
            let entry = groups.entry(key).or_insert([[[0; weight::LEN]; M]; K]);
            for k in 0..K {
                for (sum, x) in entry[k][leaf.mvpd].iter_mut().zip(w[k].iter()) {
                    *sum += x;
                }
            }
        }
        let per_cell = if histogram.is_some() { 8 } else { 1 };
        let estimate = period_estimate
            .saturating_mul(groups.len())
            .saturating_mul(per_cell);
        if estimate > options.max_rows {
            return Err(CmuError::BadRequest(format!(
                "Bad request: query too large: about {estimate} rows (the maximum is {}); narrow the window, add filters or choose a coarser report.",
                options.max_rows
            )));
        }

        // Compute (nothing to do when the filters leave no leaf).
        let periods = if groups.is_empty() {
            Vec::new()
        } else {
            self.periods(first, last, grain, unit)
        };
        let mut rows: Vec<(Vec<SortKey>, Record)> = Vec::new();
        // Only the (component, MVPD) pairs a group actually has weight in.
        let groups: Vec<(Vec<&str>, SparseWeights)> = groups
            .into_iter()
            .map(|(key, w)| {
                let sparse = (0..K)
                    .flat_map(|k| (0..M).map(move |m| (k, m)))
                    .filter(|(k, m)| w[*k][*m].iter().any(|x| *x > 0))
                    .map(|(k, m)| (k, m, w[k][m]))
                    .collect();
                (key, sparse)
            })
            .collect();
        let mut minute_cache: Option<(i64, Vec<Series>)> = None;
        for period in &periods {
            let series = match unit {
                Unit::Hour => self.sum_hours(period.first, period.last),
                Unit::Minute => {
                    let hour = period.first.div_euclid(60);
                    if minute_cache.as_ref().map(|c| c.0) != Some(hour) {
                        minute_cache = Some((hour, self.minute_series(hour)));
                    }
                    let index = period.first.rem_euclid(60) as usize;
                    match minute_cache.as_ref().and_then(|c| c.1.get(index)) {
                        Some(s) => *s,
                        None => continue,
                    }
                }
            };
            let minutes = u64::try_from(period.last - period.first).unwrap_or(0) * unit.minutes();
            let when = unit.start_of(period.first);
            for (key, weights) in &groups {
                let mut totals: Base = [0; base::LEN];
                for (k, m, w) in weights {
                    combine(&series[*k][*m], w, &mut totals);
                }
                if totals.iter().all(|v| *v == 0) {
                    continue;
                }
                let users = active_users(totals[base::ACTIVE], minutes);
                let mut emit = |level: Option<u64>, values: Vec<u64>| {
                    let mut sort = Vec::with_capacity(columns.len());
                    let mut dimensions = Vec::with_capacity(columns.len());
                    let mut group_values = key.iter();
                    for d in &columns {
                        let (text, sort_key) = match d {
                            Dimension::Year => time_value(i64::from(when.year())),
                            Dimension::Month => time_value(i64::from(when.month())),
                            Dimension::Day => time_value(i64::from(when.day())),
                            Dimension::Hour => time_value(i64::from(when.hour())),
                            Dimension::Minute => time_value(i64::from(when.minute())),
                            d if d.is_histogram() => {
                                time_value(i64::try_from(level.unwrap_or(0)).unwrap_or(0))
                            }
                            _ => {
                                let v = group_values.next().copied().unwrap_or("");
                                (v.to_owned(), SortKey::Text(v.to_owned()))
                            }
                        };
                        dimensions.push(text);
                        sort.push(sort_key);
                    }
                    rows.push((sort, Record { dimensions, values }));
                };
                match histogram {
                    None => {
                        let values = metrics
                            .iter()
                            .map(|m| match m.base_index() {
                                Some(i) => totals[i],
                                None => users,
                            })
                            .collect();
                        emit(None, values);
                    }
                    Some(h) => {
                        let activity = h == Dimension::ActivityLevel;
                        let max_level = if !activity {
                            20
                        } else if minutes >= 2 * 1440 {
                            minutes.div_ceil(1440)
                        } else {
                            minutes.div_ceil(60)
                        };
                        let cell = cell_key(period.first, key);
                        for (level, n) in self.histogram(users, max_level, activity, cell) {
                            emit(Some(level), vec![n]);
                        }
                    }
                }
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let total_rows = rows.len();
        let records = rows.into_iter().take(limit).map(|r| r.1).collect();
        Ok(Report {
            path: path.to_vec(),
            columns,
            metrics,
            records,
            start,
            end,
            limit,
            metrics_requested,
            filters: query.filters.clone(),
            total_rows,
        })
    }

    /// The periods of `grain` covering units `[first, last)`.
    fn periods(&self, first: i64, last: i64, grain: Option<Dimension>, unit: Unit) -> Vec<Period> {
        let mut out = Vec::new();
        let mut current = first;
        while current < last {
            let next = next_boundary(unit.start_of(current), grain)
                .map_or(last, |t| ceil_div(t.timestamp(), unit.seconds()).min(last))
                .max(current + 1);
            out.push(Period {
                first: current,
                last: next,
            });
            current = next;
        }
        out
    }
}

fn time_value(n: i64) -> (String, SortKey) {
    (n.to_string(), SortKey::Number(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_server::cmu::dataset::dataset;

    fn options() -> RunOptions {
        RunOptions {
            now: Utc.with_ymd_and_hms(2026, 11, 20, 15, 42, 0).unwrap(),
            max_rows: 100_000,
        }
    }

    #[test]
    fn defaults_per_grain() {
        let d = dataset();
        let cases = [
            ("/cmu/v2", "2026-10-21T00:00:00Z", "2026-11-20T15:00:00Z"),
            (
                "/cmu/v2/year",
                "2025-01-01T00:00:00Z",
                "2026-11-20T15:00:00Z",
            ),
            (
                "/cmu/v2/year/month",
                "2025-12-01T00:00:00Z",
                "2026-11-20T15:00:00Z",
            ),
            (
                "/cmu/v2/year/month/day/mvpd",
                "2026-10-21T00:00:00Z",
                "2026-11-20T15:00:00Z",
            ),
            (
                "/cmu/v2/year/month/day/hour/mvpd",
                "2026-11-19T15:00:00Z",
                "2026-11-20T15:00:00Z",
            ),
            (
                "/cmu/v2/tenant/year/month/day/hour/minute",
                "2026-11-20T14:00:00Z",
                "2026-11-20T15:00:00Z",
            ),
        ];
        for (path, start, end) in cases {
            let r = d.report_at(path, "", options()).unwrap();
            assert_eq!(format_instant(r.start), start, "{path}");
            assert_eq!(format_instant(r.end), end, "{path}");
            assert!(!r.records.is_empty(), "{path}");
        }
    }

    #[test]
    fn month_is_sum_of_days_and_children_sum_to_parent() {
        let d = dataset();
        let q = "start=2026-09&end=2026-10";
        let month = d.report_at("/cmu/v2/year/month", q, options()).unwrap();
        let days = d.report_at("/cmu/v2/year/month/day", q, options()).unwrap();
        let mvpds = d
            .report_at("/cmu/v2/year/month/mvpd", q, options())
            .unwrap();
        assert_eq!(month.records.len(), 1);
        assert_eq!(days.records.len(), 30);
        assert_eq!(mvpds.records.len(), 10);
        for (i, m) in month.metrics.iter().enumerate() {
            let parent = month.records[0].values[i];
            let day_sum: u64 = days.records.iter().map(|r| r.values[i]).sum();
            let mvpd_sum: u64 = mvpds.records.iter().map(|r| r.values[i]).sum();
            if m.is_additive() {
                assert_eq!(parent, day_sum, "{m}");
                assert_eq!(parent, mvpd_sum, "{m}");
            } else {
                assert!(parent <= day_sum && parent <= mvpd_sum, "{m}");
            }
        }
    }

    #[test]
    fn minutes_sum_to_hours() {
        let d = dataset();
        let q = "start=2026-11-03T02:00Z&end=2026-11-03T04:00Z";
        let hours = d
            .report_at("/cmu/v2/tenant/year/month/day/hour", q, options())
            .unwrap();
        let minutes = d
            .report_at("/cmu/v2/tenant/year/month/day/hour/minute", q, options())
            .unwrap();
        let started = hours
            .metrics
            .iter()
            .position(|m| *m == Metric::StartedSessions)
            .unwrap();
        for h in &hours.records {
            let sum: u64 = minutes
                .records
                .iter()
                .filter(|r| r.dimensions[..5] == h.dimensions[..5])
                .map(|r| r.values[started])
                .sum();
            assert_eq!(sum, h.values[started]);
        }
        assert!(minutes.records.len() > 300);
    }

    #[test]
    fn histogram_reports() {
        let d = dataset();
        let r = d
            .report_at(
                "/cmu/v2/year/month/concurrency-level/tenant",
                "start=2026-09&end=2026-10",
                options(),
            )
            .unwrap();
        assert_eq!(r.metrics, vec![Metric::Users]);
        assert!(r.records.len() > 6);
        assert_eq!(r.records[0].dimensions[..3], ["2026", "9", "1"]);
        let r = d
            .report_at(
                "/cmu/v2/year/month/day/activity-level",
                "start=2026-09-01&end=2026-09-02",
                options(),
            )
            .unwrap();
        assert!(r.records.len() > 5, "{}", r.records.len());
    }

    #[test]
    fn retention_and_empty_windows() {
        let d = dataset();
        let r = d
            .report_at("/cmu/v2/year/month", "start=2020&end=2021", options())
            .unwrap();
        assert!(r.records.is_empty());
        let r = d
            .report_at("/cmu/v2/year/month", "start=2020&end=2030", options())
            .unwrap();
        assert_eq!(r.records.len(), 25);
        assert_eq!(r.records[0].dimensions, ["2024", "11"]);
        assert!(d
            .report_at("/cmu/v2/year", "start=2026&end=2025", options())
            .is_err());
    }
}
