//! The typed report table: a CMU HAL report parsed into columns, with what charts and exports
//! need (totals, group sums, time series, CSV and JSON).
//!
//! Columns are classified as time dimensions (`year` … `minute`), other dimensions (labels,
//! interned: each column stores `u32` ids into its own dictionary) and metrics (`f64`, NaN for
//! a missing value). Values may arrive as JSON strings or numbers; both give the same table.
//! The effective query (start, end, limit, metrics, filters, path) is read back from the
//! `self` link, because that is what the server actually ran.

mod export;
mod parse;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use crate::report_query::{is_time_dimension, ReportQuery, TIME_DIMENSIONS};
use crate::Error;

pub use parse::is_known_dimension;
use parse::{Values, MISSING};

/// A HAL link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// Path (and sometimes query) of the linked report.
    pub href: String,
    /// The link's `name`, when the server gives one (the child dimension for drill-downs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Link {
    /// The dimension this link adds or removes: its `name`, else the last path segment.
    pub fn dimension(&self) -> Option<String> {
        if let Some(name) = &self.name {
            return Some(name.clone());
        }
        ReportQuery::from_href(&self.href).path.pop()
    }
}

/// The links of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportLinks {
    /// `_links.self.href`: the path and effective query the server ran.
    pub self_href: Option<String>,
    /// `_links["roll-up"]`: the parent report.
    pub roll_up: Option<Link>,
    /// `_links["drill-down"]`, whether the server sent one object or an array.
    pub drill_down: Vec<Link>,
    /// Any other link relation, kept as found.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, Vec<Link>>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnKind {
    /// `year`, `month`, `day`, `hour` or `minute`, as the server wrote them.
    Time,
    /// Any other label (`mvpd`, `platform`, unknown text columns).
    Dimension,
    /// A number per row.
    Metric,
}

/// The finest time unit of the table's timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Granularity {
    /// No `year` column: rows have no timestamp.
    None,
    /// One row per year.
    Year,
    /// Per month.
    Month,
    /// Per day.
    Day,
    /// Per hour.
    Hour,
    /// Per minute.
    Minute,
}

impl Granularity {
    /// `t` moved to the start of its period at this granularity.
    pub fn truncate(self, t: NaiveDateTime) -> NaiveDateTime {
        let d = t.date();
        let date = |m: u32, day: u32| NaiveDate::from_ymd_opt(d.year(), m, day).unwrap_or(d);
        match self {
            Granularity::None | Granularity::Minute => t
                .with_second(0)
                .and_then(|t| t.with_nanosecond(0))
                .unwrap_or(t),
            Granularity::Year => date(1, 1).and_time(NaiveTime::MIN),
            Granularity::Month => date(d.month(), 1).and_time(NaiveTime::MIN),
            Granularity::Day => d.and_time(NaiveTime::MIN),
            Granularity::Hour => d
                .and_hms_opt(t.hour(), 0, 0)
                .unwrap_or_else(|| d.and_time(NaiveTime::MIN)),
        }
    }
}

/// A label column, interned.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionColumn {
    name: String,
    time: bool,
    dictionary: Vec<String>,
    ids: Vec<u32>,
}

impl DimensionColumn {
    /// Column name (the record key).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is a time dimension.
    pub fn is_time(&self) -> bool {
        self.time
    }

    /// Time or plain dimension.
    pub fn kind(&self) -> ColumnKind {
        if self.time {
            ColumnKind::Time
        } else {
            ColumnKind::Dimension
        }
    }

    /// The distinct values, in first-seen order; `ids` index into it.
    pub fn dictionary(&self) -> &[String] {
        &self.dictionary
    }

    /// One id per row; `u32::MAX` where the row has no value.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The value id of `row`, `None` when missing.
    pub fn id(&self, row: usize) -> Option<u32> {
        self.ids.get(row).copied().filter(|&id| id != MISSING)
    }

    /// The value of `row`, `None` when missing.
    pub fn value(&self, row: usize) -> Option<&str> {
        self.id(row)
            .and_then(|id| self.dictionary.get(id as usize))
            .map(String::as_str)
    }
}

/// A numeric column.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricColumn {
    name: String,
    values: Vec<f64>,
}

impl MetricColumn {
    /// Column name (the record key).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One value per row; NaN where the row has no value (JSON has no NaN, so it is unambiguous).
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The value of `row`, `None` when missing.
    pub fn get(&self, row: usize) -> Option<f64> {
        self.values.get(row).copied().filter(|x| !x.is_nan())
    }

    /// Sum of the present values.
    pub fn sum(&self) -> f64 {
        self.values.iter().filter(|x| !x.is_nan()).sum()
    }
}

/// A column of either kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Column<'a> {
    /// Time or plain dimension.
    Dimension(&'a DimensionColumn),
    /// Metric.
    Metric(&'a MetricColumn),
}

impl<'a> Column<'a> {
    /// Column name.
    pub fn name(&self) -> &'a str {
        match self {
            Column::Dimension(d) => &d.name,
            Column::Metric(m) => &m.name,
        }
    }

    /// Column kind.
    pub fn kind(&self) -> ColumnKind {
        match self {
            Column::Dimension(d) => d.kind(),
            Column::Metric(_) => ColumnKind::Metric,
        }
    }
}

/// One line of a chart: a label and its points in time order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The dimension value (or the metric name for an ungrouped series).
    pub label: String,
    /// `(period start, sum)` in time order.
    pub points: Vec<(NaiveDateTime, f64)>,
}

/// A parsed CMU report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    links: ReportLinks,
    query: ReportQuery,
    dimensions: Vec<DimensionColumn>,
    metrics: Vec<MetricColumn>,
    timestamps: Vec<Option<NaiveDateTime>>,
    granularity: Granularity,
    rows: usize,
}

impl ReportTable {
    /// Parses a HAL JSON report body. Unreadable bodies give `Error::Server` with status 0.
    pub fn parse(body: &[u8]) -> Result<ReportTable, Error> {
        let parsed = parse::parse(body)?;
        Ok(Self::assemble(parsed))
    }

    fn assemble(parsed: parse::Parsed) -> ReportTable {
        let parse::Parsed { builder, links } = parsed;
        let rows = builder.rows;
        let query = links
            .self_href
            .as_deref()
            .map(ReportQuery::from_href)
            .unwrap_or_default();
        let path = &query.path;

        let mut dims: Vec<DimensionColumn> = Vec::new();
        let mut metrics: Vec<MetricColumn> = Vec::new();
        for c in builder.columns {
            let name = String::from(c.name);
            let force_dim = c.force_dimension || path.contains(&name);
            let values = match c.values {
                Values::Metric(v) if force_dim => Values::metric_to_dimension(&v),
                Values::Undecided if force_dim => Values::Dimension {
                    ids: Vec::new(),
                    interner: parse::Interner::new(),
                },
                Values::Undecided => Values::Metric(Vec::new()),
                other => other,
            };
            match values {
                Values::Dimension { mut ids, interner } => {
                    ids.resize(rows, MISSING);
                    dims.push(DimensionColumn {
                        time: is_time_dimension(&name),
                        name,
                        dictionary: interner.dict,
                        ids,
                    });
                }
                Values::Metric(mut v) => {
                    v.resize(rows, f64::NAN);
                    metrics.push(MetricColumn { name, values: v });
                }
                Values::Undecided => {}
            }
        }
        // Path dimensions first, in path order (present even when the report is empty).
        let mut ordered = Vec::with_capacity(dims.len() + path.len());
        for p in path {
            match dims.iter().position(|d| &d.name == p) {
                Some(i) => ordered.push(dims.remove(i)),
                None if !metrics.iter().any(|m| &m.name == p) => ordered.push(DimensionColumn {
                    name: p.clone(),
                    time: is_time_dimension(p),
                    dictionary: Vec::new(),
                    ids: vec![MISSING; rows],
                }),
                None => {}
            }
        }
        ordered.append(&mut dims);

        let mut table = ReportTable {
            links,
            query,
            dimensions: ordered,
            metrics,
            timestamps: Vec::new(),
            granularity: Granularity::None,
            rows,
        };
        table.compute_timestamps();
        table
    }

    /// Combines the time dimensions of each row into one calendar value (not shifted to any
    /// zone), with missing lower parts at the start of the period.
    fn compute_timestamps(&mut self) {
        let levels = [
            Granularity::Year,
            Granularity::Month,
            Granularity::Day,
            Granularity::Hour,
            Granularity::Minute,
        ];
        // Each time column's dictionary parsed once, not each row.
        let mut parts: Vec<(&[u32], Vec<Option<u32>>)> = Vec::new();
        for name in TIME_DIMENSIONS {
            let Some(col) = self.dimension(name) else {
                break;
            };
            let parsed = col
                .dictionary
                .iter()
                .map(|v| v.trim().parse::<u32>().ok())
                .collect();
            parts.push((&col.ids, parsed));
        }
        let Some(&granularity) = parts.len().checked_sub(1).and_then(|i| levels.get(i)) else {
            return;
        };
        let value = |level: usize, row: usize| -> Option<u32> {
            match parts.get(level) {
                None => Some(0),
                Some((ids, parsed)) => parsed.get(*ids.get(row)? as usize).copied().flatten(),
            }
        };
        let timestamps = (0..self.rows)
            .map(|row| {
                let year = i32::try_from(value(0, row)?).ok()?;
                let month = if parts.len() > 1 { value(1, row)? } else { 1 };
                let day = if parts.len() > 2 { value(2, row)? } else { 1 };
                NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(
                    value(3, row)?,
                    value(4, row)?,
                    0,
                )
            })
            .collect();
        self.timestamps = timestamps;
        self.granularity = granularity;
    }

    /// The report's links.
    pub fn links(&self) -> &ReportLinks {
        &self.links
    }

    /// `_links.self.href`, if the server sent it.
    pub fn self_href(&self) -> Option<&str> {
        self.links.self_href.as_deref()
    }

    /// The effective query, read back from the self link.
    pub fn query(&self) -> &ReportQuery {
        &self.query
    }

    /// Effective range start.
    pub fn start(&self) -> Option<&str> {
        self.query.start.as_deref()
    }

    /// Effective range end.
    pub fn end(&self) -> Option<&str> {
        self.query.end.as_deref()
    }

    /// Effective row limit.
    pub fn limit(&self) -> Option<u32> {
        self.query.limit
    }

    /// The dimension path of the report that ran (from the self link).
    pub fn path(&self) -> &[String] {
        &self.query.path
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Whether the report has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// All columns: dimensions in path order, then other dimensions, then metrics.
    pub fn columns(&self) -> impl Iterator<Item = Column<'_>> + '_ {
        self.dimensions
            .iter()
            .map(Column::Dimension)
            .chain(self.metrics.iter().map(Column::Metric))
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<Column<'_>> {
        self.columns().find(|c| c.name() == name)
    }

    /// Dimension columns (time ones included), in column order.
    pub fn dimensions(&self) -> &[DimensionColumn] {
        &self.dimensions
    }

    /// Metric columns, in first-seen order.
    pub fn metrics(&self) -> &[MetricColumn] {
        &self.metrics
    }

    /// The dimension column named `name`.
    pub fn dimension(&self, name: &str) -> Option<&DimensionColumn> {
        self.dimensions.iter().find(|d| d.name == name)
    }

    /// The metric column named `name`.
    pub fn metric(&self, name: &str) -> Option<&MetricColumn> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// The values of metric `name` (NaN where missing).
    pub fn metric_values(&self, name: &str) -> Option<&[f64]> {
        self.metric(name).map(MetricColumn::values)
    }

    /// The label of dimension `col` at `row`; empty when missing or unknown.
    pub fn dimension_value(&self, col: &str, row: usize) -> &str {
        self.dimension(col)
            .and_then(|d| d.value(row))
            .unwrap_or_default()
    }

    /// The finest time unit of the rows' timestamps.
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// Per-row timestamps (empty when the report has no `year` column).
    pub fn timestamps(&self) -> &[Option<NaiveDateTime>] {
        &self.timestamps
    }

    /// The timestamp of `row`.
    pub fn timestamp(&self, row: usize) -> Option<NaiveDateTime> {
        self.timestamps.get(row).copied().flatten()
    }

    /// A warning when the report was probably cut short by the row limit.
    pub fn truncation_warning(&self) -> Option<String> {
        let limit = self.limit()?;
        (limit > 0 && self.rows == limit as usize).then(|| {
            format!(
                "The report has exactly {limit} rows, the limit: it is probably cut short. \
                 Raise the limit or narrow the date range."
            )
        })
    }

    /// The sum of every metric, in column order.
    pub fn totals(&self) -> Vec<(&str, f64)> {
        self.metrics.iter().map(|m| (m.name(), m.sum())).collect()
    }

    /// Sum of `metric` per value of `dimension`, in first-seen order; rows without a value are
    /// summed under `""`. `None` when either column does not exist.
    pub fn group_sum(&self, dimension: &str, metric: &str) -> Option<Vec<(&str, f64)>> {
        let d = self.dimension(dimension)?;
        let m = self.metric(metric)?;
        let mut sums = vec![0.0; d.dictionary.len()];
        let mut missing = None;
        for (&id, &x) in d.ids.iter().zip(&m.values) {
            if x.is_nan() {
                continue;
            }
            match sums.get_mut(id as usize) {
                Some(s) => *s += x,
                None => *missing.get_or_insert(0.0) += x,
            }
        }
        let mut out: Vec<(&str, f64)> = d.dictionary.iter().map(String::as_str).zip(sums).collect();
        if let Some(x) = missing {
            out.push(("", x));
        }
        Some(out)
    }

    /// Sum of `metric` per period at `granularity` (or the table's own when finer), in time
    /// order. Rows without a timestamp are left out. `None` when the metric does not exist.
    pub fn sum_by_time(
        &self,
        metric: &str,
        granularity: Granularity,
    ) -> Option<Vec<(NaiveDateTime, f64)>> {
        let m = self.metric(metric)?;
        let mut sums: HashMap<NaiveDateTime, f64> = HashMap::new();
        let mut last: Option<(NaiveDateTime, NaiveDateTime)> = None;
        for (ts, &x) in self.timestamps.iter().zip(&m.values) {
            let (Some(ts), false) = (ts, x.is_nan()) else {
                continue;
            };
            // Rows come grouped by time: skip re-truncating the same timestamp.
            let key = match last {
                Some((raw, key)) if raw == *ts => key,
                _ => {
                    let key = granularity.truncate(*ts);
                    last = Some((*ts, key));
                    key
                }
            };
            *sums.entry(key).or_insert(0.0) += x;
        }
        let mut out: Vec<_> = sums.into_iter().collect();
        out.sort_by_key(|(t, _)| *t);
        Some(out)
    }

    /// One time series of `metric` per value of `dimension` (for multi-line charts), series in
    /// first-seen order. `None` when either column does not exist.
    pub fn series_by(
        &self,
        dimension: &str,
        metric: &str,
        granularity: Granularity,
    ) -> Option<Vec<Series>> {
        let d = self.dimension(dimension)?;
        let m = self.metric(metric)?;
        let mut per: Vec<HashMap<NaiveDateTime, f64>> = vec![HashMap::new(); d.dictionary.len()];
        for ((ts, &id), &x) in self.timestamps.iter().zip(&d.ids).zip(&m.values) {
            let (Some(ts), Some(sums)) = (ts, per.get_mut(id as usize)) else {
                continue;
            };
            if !x.is_nan() {
                *sums.entry(granularity.truncate(*ts)).or_insert(0.0) += x;
            }
        }
        Some(
            d.dictionary
                .iter()
                .zip(per)
                .map(|(label, sums)| {
                    let mut points: Vec<_> = sums.into_iter().collect();
                    points.sort_by_key(|(t, _)| *t);
                    Series {
                        label: label.clone(),
                        points,
                    }
                })
                .collect(),
        )
    }
}

/// Appends `x` as CSV/JSON text: integers without `.0`, others at full (shortest round-trip)
/// precision, never in exponent form.
pub(crate) fn format_number(x: f64, out: &mut String) {
    use std::fmt::Write as _;
    if x == 0.0 {
        // Also turns -0 into 0.
        out.push('0');
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const BODY: &str = r#"{
      "_links": {
        "self": {"href": "/cmu/v2/year/month/day/mvpd?start=2026-10-01T00:00:00Z&end=2026-10-03T00:00:00Z&limit=3&metrics=active-users,active-sessions&platform!=Roku"},
        "roll-up": {"href": "/cmu/v2/year/month/day"},
        "drill-down": [{"href": "/cmu/v2/year/month/day/mvpd/platform", "name": "platform"},
                       {"href": "/cmu/v2/year/month/day/mvpd/hour"}]
      },
      "report": [
        {"year": "2026", "month": "10", "day": "01", "mvpd": "Comcast", "active-users": "10", "active-sessions": 12},
        {"year": "2026", "month": "10", "day": "01", "mvpd": "Dish", "active-users": "5", "active-sessions": null},
        {"mvpd": "Comcast", "year": 2026, "month": "10", "day": "02", "active-users": 7.5, "active-sessions": "3"}
      ]
    }"#;

    #[test]
    fn parses_columns_links_and_query() {
        let t = ReportTable::parse(BODY.as_bytes()).unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.path(), ["year", "month", "day", "mvpd"]);
        assert_eq!(t.start(), Some("2026-10-01T00:00:00Z"));
        assert_eq!(t.end(), Some("2026-10-03T00:00:00Z"));
        assert_eq!(t.limit(), Some(3));
        assert_eq!(t.query().metrics, ["active-users", "active-sessions"]);
        assert_eq!(t.links().drill_down.len(), 2);
        assert_eq!(t.links().drill_down[1].dimension().as_deref(), Some("hour"));
        let names: Vec<_> = t.columns().map(|c| (c.name(), c.kind())).collect();
        assert_eq!(
            names,
            [
                ("year", ColumnKind::Time),
                ("month", ColumnKind::Time),
                ("day", ColumnKind::Time),
                ("mvpd", ColumnKind::Dimension),
                ("active-users", ColumnKind::Metric),
                ("active-sessions", ColumnKind::Metric),
            ]
        );
        assert_eq!(t.dimension_value("mvpd", 2), "Comcast");
        assert_eq!(t.dimension_value("year", 2), "2026");
        assert_eq!(t.dimension_value("nope", 0), "");
        assert_eq!(
            t.dimension("mvpd").unwrap().dictionary(),
            ["Comcast", "Dish"]
        );
        assert_eq!(t.metric("active-sessions").unwrap().get(1), None);
        assert_eq!(
            t.totals(),
            [("active-users", 22.5), ("active-sessions", 15.0)]
        );
        assert_eq!(
            t.group_sum("mvpd", "active-users").unwrap(),
            [("Comcast", 17.5), ("Dish", 5.0)]
        );
        assert_eq!(t.granularity(), Granularity::Day);
        let day = |d| {
            NaiveDate::from_ymd_opt(2026, 10, d)
                .unwrap()
                .and_time(NaiveTime::MIN)
        };
        assert_eq!(
            t.sum_by_time("active-users", Granularity::Day).unwrap(),
            [(day(1), 15.0), (day(2), 7.5)]
        );
        assert_eq!(
            t.sum_by_time("active-users", Granularity::Month).unwrap(),
            [(day(1), 22.5)]
        );
        let series = t
            .series_by("mvpd", "active-users", Granularity::Day)
            .unwrap();
        assert_eq!(series[0].label, "Comcast");
        assert_eq!(series[0].points, [(day(1), 10.0), (day(2), 7.5)]);
        assert!(t.truncation_warning().unwrap().contains("exactly 3 rows"));
    }

    #[test]
    fn format_numbers() {
        let f = |x: f64| {
            let mut s = String::new();
            format_number(x, &mut s);
            s
        };
        assert_eq!(f(1234.0), "1234");
        assert_eq!(f(-0.0), "0");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(f(-7.25), "-7.25");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1e-7), "0.0000001");
    }

    #[test]
    fn granularity_truncates() {
        let t = NaiveDate::from_ymd_opt(2026, 10, 5)
            .unwrap()
            .and_hms_opt(13, 45, 30)
            .unwrap();
        assert_eq!(
            Granularity::Year.truncate(t).to_string(),
            "2026-01-01 00:00:00"
        );
        assert_eq!(
            Granularity::Month.truncate(t).to_string(),
            "2026-10-01 00:00:00"
        );
        assert_eq!(
            Granularity::Day.truncate(t).to_string(),
            "2026-10-05 00:00:00"
        );
        assert_eq!(
            Granularity::Hour.truncate(t).to_string(),
            "2026-10-05 13:00:00"
        );
        assert_eq!(
            Granularity::Minute.truncate(t).to_string(),
            "2026-10-05 13:45:00"
        );
    }
}
