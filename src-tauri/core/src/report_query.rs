//! Building CMU report requests: the dimension path, the time range, filters, metrics, limit and
//! format, and the exact URL the CMU API expects (section 7 of the Adobe Pass reference).
//!
//! The query string is built by hand rather than with a form serializer because the not-equals
//! filter's wire form is literally `dim!=value`: a serializer would encode the `!` into the key.
//! Names and values are encoded with a strict set (everything but `A-Za-z0-9-._~`), so MVPD
//! names with spaces, `&`, `+`, `/` or non-ASCII letters survive the trip unchanged.

use std::fmt::Write as _;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::{OffsetName, Tz};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The path prefix of every CMU resource on the reports host.
pub const API_PREFIX: &str = "/cmu/v2";

/// Dimensions that carry time; the API refuses filters on them.
pub const TIME_DIMENSIONS: [&str; 5] = ["year", "month", "day", "hour", "minute"];

/// Query parameter names the API reserves; they cannot be filter dimensions.
pub const RESERVED_PARAMETERS: [&str; 6] =
    ["start", "end", "limit", "metrics", "format", "access_token"];

/// Whether `name` is one of the time dimensions (`year` … `minute`).
pub fn is_time_dimension(name: &str) -> bool {
    TIME_DIMENSIONS.contains(&name)
}

/// Longest user value quoted back in an error message, so errors stay one short line.
const ECHO_MAX: usize = 40;

/// `value` shortened for an error message.
fn echo(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(ECHO_MAX)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if value.chars().count() > ECHO_MAX {
        out.push('…');
    }
    out
}

/// Representation the server is asked for (`format=` or the path extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// HAL JSON, the default.
    Json,
    /// XML.
    Xml,
    /// CSV with a header row and no links.
    Csv,
    /// HTML table.
    Html,
}

impl Format {
    /// The wire name (`json`, `xml`, `csv`, `html`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            "csv" => Some(Format::Csv),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
}

/// How a filter constrains its dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FilterOp {
    /// `dim=v` (several values: IN, by repeating the parameter).
    Eq,
    /// `dim!=v` (several values: NOT IN, by repeating the parameter).
    NotEq,
    /// Bare `dim`: forces the dimension into the projection without constraining it.
    Project,
}

/// One filter parameter group of a report query.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    /// Dimension name, e.g. `mvpd`.
    pub dimension: String,
    /// Equals, not-equals or projection.
    pub op: FilterOp,
    /// Values (empty for [`FilterOp::Project`]).
    pub values: Vec<String>,
}

impl Filter {
    /// `dimension` equal to any of `values`.
    pub fn eq<S: Into<String>>(dimension: &str, values: impl IntoIterator<Item = S>) -> Filter {
        Filter {
            dimension: dimension.to_string(),
            op: FilterOp::Eq,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `dimension` equal to none of `values`.
    pub fn not_eq<S: Into<String>>(dimension: &str, values: impl IntoIterator<Item = S>) -> Filter {
        Filter {
            dimension: dimension.to_string(),
            op: FilterOp::NotEq,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// Forces `dimension` into the projection.
    pub fn project(dimension: &str) -> Filter {
        Filter {
            dimension: dimension.to_string(),
            op: FilterOp::Project,
            values: Vec::new(),
        }
    }

    /// Parses the CLI syntax: `dim=value`, `dim!=value` or a bare `dim`.
    ///
    /// The value is everything after the first `=`, so values may themselves contain `=`
    /// or commas (MVPD names do).
    pub fn parse(text: &str) -> Result<Filter, Error> {
        let filter = match text.find('=') {
            None => Filter::project(text.trim()),
            Some(eq) => {
                let (key, value) = (&text[..eq], &text[eq + 1..]);
                let (dimension, op) = match key.strip_suffix('!') {
                    Some(dim) => (dim, FilterOp::NotEq),
                    None => (key, FilterOp::Eq),
                };
                if value.is_empty() {
                    return Err(Error::InvalidInput(format!(
                        "filter \"{}\" has no value: use dim=value, dim!=value, or a bare dim \
                         to add the dimension to the report",
                        echo(text)
                    )));
                }
                Filter {
                    dimension: dimension.trim().to_string(),
                    op,
                    values: vec![value.to_string()],
                }
            }
        };
        filter.validate()?;
        Ok(filter)
    }

    /// Parses several CLI filters and merges repeated ones (see [`Filter::merge`]).
    pub fn parse_many<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<Vec<Filter>, Error> {
        let parsed = texts
            .into_iter()
            .map(Filter::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Filter::merge(parsed))
    }

    /// Merges filters with the same dimension and operator into one (values in order, no
    /// duplicates), keeping the order in which each group first appeared.
    pub fn merge(filters: impl IntoIterator<Item = Filter>) -> Vec<Filter> {
        let mut out: Vec<Filter> = Vec::new();
        for f in filters {
            match out
                .iter_mut()
                .find(|o| o.dimension == f.dimension && o.op == f.op)
            {
                Some(existing) => {
                    for v in f.values {
                        if !existing.values.contains(&v) {
                            existing.values.push(v);
                        }
                    }
                }
                None => {
                    let mut f = f;
                    let mut seen: Vec<String> = Vec::with_capacity(f.values.len());
                    f.values.retain(|v| {
                        let fresh = !seen.contains(v);
                        if fresh {
                            seen.push(v.clone());
                        }
                        fresh
                    });
                    out.push(f);
                }
            }
        }
        out
    }

    /// Checks what the API would refuse: time dimensions, reserved names, missing values.
    pub fn validate(&self) -> Result<(), Error> {
        let dim = self.dimension.as_str();
        if dim.is_empty() {
            return Err(Error::InvalidInput(
                "a filter needs a dimension name: use dim=value, dim!=value or dim".into(),
            ));
        }
        if is_time_dimension(dim) {
            return Err(Error::InvalidInput(format!(
                "cannot filter on the time dimension \"{dim}\": choose the period with the \
                 start and end of the range instead"
            )));
        }
        if RESERVED_PARAMETERS.contains(&dim) {
            return Err(Error::InvalidInput(format!(
                "\"{dim}\" is a reserved query parameter, not a dimension"
            )));
        }
        match self.op {
            FilterOp::Project if !self.values.is_empty() => Err(Error::InvalidInput(format!(
                "the projection filter \"{}\" takes no value",
                echo(dim)
            ))),
            FilterOp::Eq | FilterOp::NotEq if self.values.is_empty() => Err(Error::InvalidInput(
                format!("the filter on \"{}\" has no value", echo(dim)),
            )),
            _ => Ok(()),
        }
    }

    /// Appends this filter's parameters (`&`-separated, no leading `&`).
    fn write_query(&self, out: &mut String) {
        match self.op {
            FilterOp::Project => encode_strict(&self.dimension, out),
            FilterOp::Eq | FilterOp::NotEq => {
                for (i, v) in self.values.iter().enumerate() {
                    if i > 0 {
                        out.push('&');
                    }
                    encode_strict(&self.dimension, out);
                    if self.op == FilterOp::NotEq {
                        out.push('!');
                    }
                    out.push('=');
                    encode_strict(v, out);
                }
            }
        }
    }

    /// The filter in CLI syntax, values joined with `,` (for file names and labels).
    pub fn label(&self) -> String {
        match self.op {
            FilterOp::Project => self.dimension.clone(),
            FilterOp::Eq => format!("{}={}", self.dimension, self.values.join(",")),
            FilterOp::NotEq => format!("{}!={}", self.dimension, self.values.join(",")),
        }
    }
}

/// Percent-encodes `text` with everything but RFC 3986 unreserved characters escaped.
pub fn encode_strict(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`), replacing invalid UTF-8.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    if !(text.contains('%') || plus_is_space && text.contains('+')) {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let decoded = match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| h << 4 | l),
                    _ => None,
                };
                match decoded {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A CMU report request: which pre-aggregation (the dimension path) and which slice of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportQuery {
    /// Dimension names after `/cmu/v2`, e.g. `["year", "month", "day", "mvpd"]`.
    pub path: Vec<String>,
    /// Range start (ISO 8601, possibly a prefix the server completes); `None`: server default.
    pub start: Option<String>,
    /// Range end (ISO 8601, possibly a prefix); `None`: server default.
    pub end: Option<String>,
    /// Filters, in the order they are sent.
    pub filters: Vec<Filter>,
    /// Metrics to return; empty: all of them.
    pub metrics: Vec<String>,
    /// Maximum number of rows; `None`: server default.
    pub limit: Option<u32>,
    /// Representation; `None`: JSON (the default of the API).
    pub format: Option<Format>,
}

impl ReportQuery {
    /// A query for the dimension path `dims` with everything else left to the server.
    pub fn for_path<S: AsRef<str>>(dims: impl IntoIterator<Item = S>) -> ReportQuery {
        ReportQuery {
            path: dims.into_iter().map(|d| d.as_ref().to_string()).collect(),
            ..ReportQuery::default()
        }
    }

    /// Parses a report path such as `/cmu/v2/year/month/day/mvpd`, `year/month/` or
    /// `/cmu/v2/year/month.csv` (the extension sets the format).
    pub fn parse_path(text: &str) -> Result<ReportQuery, Error> {
        let trimmed = text.trim();
        if trimmed.contains('?') || trimmed.contains('#') {
            return Err(Error::InvalidInput(format!(
                "report path \"{}\" contains a query: give the dimensions only, like \
                 /cmu/v2/year/month/day/mvpd",
                echo(trimmed)
            )));
        }
        let (path, format) = split_path(trimmed);
        for dim in &path {
            let valid = !dim.is_empty()
                && dim
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !valid {
                return Err(Error::InvalidInput(format!(
                    "\"{}\" is not a dimension name: a report path looks like \
                     /cmu/v2/year/month/day/mvpd",
                    echo(dim)
                )));
            }
        }
        for (i, dim) in path.iter().enumerate() {
            if path[..i].contains(dim) {
                return Err(Error::InvalidInput(format!(
                    "the report path names \"{}\" twice",
                    echo(dim)
                )));
            }
        }
        Ok(ReportQuery {
            path,
            format,
            ..ReportQuery::default()
        })
    }

    /// Reads a server href (absolute URL or `/cmu/v2/...?...`) back into a query, leniently:
    /// this is what the server says it ran, so nothing is refused. `access_token` is dropped.
    pub fn from_href(href: &str) -> ReportQuery {
        let href = href.trim();
        let href = href.split('#').next().unwrap_or_default();
        let (path_part, query_part) = match href.find('?') {
            Some(q) => (&href[..q], &href[q + 1..]),
            None => (href, ""),
        };
        // Drop `scheme://host` of an absolute URL: only the path matters.
        let path_part = match path_part.find("://") {
            Some(i) => {
                let rest = &path_part[i + 3..];
                rest.find('/').map_or("", |slash| &rest[slash..])
            }
            None => path_part,
        };
        let (path, format) = split_path(path_part);
        let mut query = ReportQuery {
            path: path.iter().map(|s| percent_decode(s, false)).collect(),
            format,
            ..ReportQuery::default()
        };
        let mut filters = Vec::new();
        for pair in query_part.split('&').filter(|p| !p.is_empty()) {
            let (raw_key, raw_value) = match pair.find('=') {
                Some(eq) => (&pair[..eq], Some(&pair[eq + 1..])),
                None => (pair, None),
            };
            let key = percent_decode(raw_key, true);
            let value = raw_value.map(|v| percent_decode(v, true));
            match (key.as_str(), value) {
                ("start", Some(v)) => query.start = Some(v),
                ("end", Some(v)) => query.end = Some(v),
                ("limit", Some(v)) => query.limit = v.trim().parse().ok(),
                ("format", Some(v)) => query.format = Format::from_name(&v).or(query.format),
                ("metrics", Some(v)) => query.metrics.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|m| !m.is_empty())
                        .map(String::from),
                ),
                ("access_token", _) => {}
                (_, None) => filters.push(Filter::project(&key)),
                (_, Some(v)) => match key.strip_suffix('!') {
                    Some(dim) => filters.push(Filter::not_eq(dim, [v])),
                    None => filters.push(Filter::eq(&key, [v])),
                },
            }
        }
        query.filters = Filter::merge(filters);
        query
    }

    /// `/cmu/v2/` followed by the dimension path.
    pub fn path_string(&self) -> String {
        let mut out = String::from(API_PREFIX);
        for dim in &self.path {
            out.push('/');
            encode_strict(dim, &mut out);
        }
        out
    }

    /// Adds a filter, merging it with an existing one of the same dimension and operator.
    pub fn add_filter(&mut self, filter: Filter) {
        let mut all = std::mem::take(&mut self.filters);
        all.push(filter);
        self.filters = Filter::merge(all);
    }

    /// Sets `start` and `end` from a time range resolved at `now` in `tz`.
    pub fn set_range(&mut self, range: &TimeRange, now: DateTime<Utc>, tz: Tz) {
        let (start, end) = range.resolve(now, tz);
        self.start = Some(start);
        self.end = Some(end);
    }

    /// Checks everything the server would refuse for a reason we can explain here.
    pub fn validate(&self) -> Result<(), Error> {
        if self.path.is_empty() {
            return Err(Error::InvalidInput(
                "a report needs at least one dimension, like /cmu/v2/year/month".into(),
            ));
        }
        for f in &self.filters {
            f.validate()?;
        }
        if let Some(start) = &self.start {
            IsoInstant::parse(start, "start")?;
        }
        if let Some(end) = &self.end {
            IsoInstant::parse(end, "end")?;
        }
        if let (Some(start), Some(end)) = (&self.start, &self.end) {
            check_order(start, end)?;
        }
        if self.limit == Some(0) {
            return Err(Error::InvalidInput(
                "the row limit must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The query string without `?`: `start=..&end=..&metrics=a,b&limit=N&format=..&filters`.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        let sep = |out: &mut String| {
            if !out.is_empty() {
                out.push('&');
            }
        };
        if let Some(start) = &self.start {
            sep(&mut out);
            out.push_str("start=");
            encode_strict(start, &mut out);
        }
        if let Some(end) = &self.end {
            sep(&mut out);
            out.push_str("end=");
            encode_strict(end, &mut out);
        }
        if !self.metrics.is_empty() {
            sep(&mut out);
            out.push_str("metrics=");
            for (i, m) in self.metrics.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_strict(m, &mut out);
            }
        }
        if let Some(limit) = self.limit {
            sep(&mut out);
            let _ = write!(out, "limit={limit}");
        }
        if let Some(format) = self.format {
            sep(&mut out);
            out.push_str("format=");
            out.push_str(format.as_str());
        }
        for f in &self.filters {
            if f.op != FilterOp::Project && f.values.is_empty() {
                continue;
            }
            sep(&mut out);
            f.write_query(&mut out);
        }
        out
    }

    /// The full request URL under `reports_root` (e.g. `https://mgmt.auth.adobe.com/cmu/v2`).
    ///
    /// The root's own query, if any, is replaced.
    pub fn url(&self, reports_root: &url::Url) -> url::Url {
        let mut url = reports_root.clone();
        let mut path = url.path().trim_end_matches('/').to_string();
        for dim in &self.path {
            path.push('/');
            encode_strict(dim, &mut path);
        }
        url.set_path(&path);
        let query = self.query_string();
        url.set_query(if query.is_empty() { None } else { Some(&query) });
        url.set_fragment(None);
        url
    }
}

/// Splits a path into dimension segments (after an optional `/cmu/v2` or `/v2` prefix) and the
/// format named by a trailing extension.
fn split_path(path: &str) -> (Vec<String>, Option<Format>) {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.first() == Some(&"cmu") && segments.get(1) == Some(&"v2") {
        segments.drain(..2);
    } else if segments.first() == Some(&"v2") {
        segments.drain(..1);
    }
    let mut format = None;
    if let Some(last) = segments.last_mut() {
        if let Some(dot) = last.rfind('.') {
            if let Some(f) = Format::from_name(&last[dot + 1..]) {
                format = Some(f);
                *last = &last[..dot];
            }
        }
    }
    (
        segments
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        format,
    )
}

/// The accepted ISO 8601 forms, for error messages.
const ACCEPTED_FORMS: &str = "2026, 2026-10, 2026-10-01, 2026-10-01T05, 2026-10-01T05:30 or \
                              2026-10-01T05:30:00-07:00 (Z or an offset is optional)";

/// How much of an ISO 8601 timestamp a prefix gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precision {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

/// A validated ISO 8601 prefix, completed to its earliest instant.
#[derive(Debug, Clone, Copy)]
struct IsoInstant {
    local: NaiveDateTime,
    precision: Precision,
    offset: Option<FixedOffset>,
}

impl IsoInstant {
    /// Parses one of [`ACCEPTED_FORMS`]; `what` names the field in the error.
    fn parse(text: &str, what: &str) -> Result<IsoInstant, Error> {
        Self::parse_opt(text.trim()).ok_or_else(|| {
            Error::InvalidInput(format!(
                "invalid {what} \"{}\": use {ACCEPTED_FORMS}",
                echo(text)
            ))
        })
    }

    fn parse_opt(s: &str) -> Option<IsoInstant> {
        fn num(s: &str, len: usize) -> Option<u32> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        }
        let (date_part, time_part) = match s.find(['T', 't']) {
            Some(t) => (&s[..t], Some(&s[t + 1..])),
            None => (s, None),
        };
        let mut fields = date_part.split('-');
        let year = num(fields.next()?, 4)?;
        let month = match fields.next() {
            Some(m) => Some(num(m, 2)?),
            None => None,
        };
        let day = match fields.next() {
            Some(d) => Some(num(d, 2)?),
            None => None,
        };
        if fields.next().is_some() {
            return None;
        }
        let year = i32::try_from(year).ok()?;
        let mut precision = match (month, day) {
            (None, None) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
            (None, Some(_)) => return None,
        };
        let date = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1))?;
        let mut time = NaiveTime::MIN;
        let mut offset = None;
        if let Some(tp) = time_part {
            if precision != Precision::Day {
                return None;
            }
            // Split the offset off the clock time.
            let (clock, off) = if let Some(c) = tp.strip_suffix(['Z', 'z']) {
                (c, Some(FixedOffset::east_opt(0)?))
            } else if let Some(sign_at) = tp.rfind(['+', '-']) {
                (&tp[..sign_at], Some(parse_offset(&tp[sign_at..])?))
            } else {
                (tp, None)
            };
            offset = off;
            let mut parts = clock.split(':');
            let hour = num(parts.next()?, 2)?;
            let minute = match parts.next() {
                Some(m) => Some(num(m, 2)?),
                None => None,
            };
            let second = match parts.next() {
                Some(sec) => {
                    let (whole, frac) = match sec.find('.') {
                        Some(dot) => (&sec[..dot], Some(&sec[dot + 1..])),
                        None => (sec, None),
                    };
                    if let Some(frac) = frac {
                        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                            return None;
                        }
                    }
                    Some(num(whole, 2)?)
                }
                None => None,
            };
            if parts.next().is_some() || (second.is_some() && minute.is_none()) {
                return None;
            }
            precision = match (minute, second) {
                (None, _) => Precision::Hour,
                (Some(_), None) => Precision::Minute,
                (Some(_), Some(_)) => Precision::Second,
            };
            time = NaiveTime::from_hms_opt(hour, minute.unwrap_or(0), second.unwrap_or(0))?;
        }
        Some(IsoInstant {
            local: date.and_time(time),
            precision,
            offset,
        })
    }

    /// The instant as UTC, taking a missing offset as UTC (only used to compare two values).
    fn as_utc(&self) -> NaiveDateTime {
        match self.offset {
            Some(off) => self.local - Duration::seconds(i64::from(off.local_minus_utc())),
            None => self.local,
        }
    }

    /// The start of the period after this prefix, formatted at the same precision.
    fn next_period(&self) -> Option<String> {
        let l = self.local;
        let (next, fmt) = match self.precision {
            Precision::Year => (
                NaiveDate::from_ymd_opt(l.year() + 1, 1, 1)?.and_time(NaiveTime::MIN),
                "%Y",
            ),
            Precision::Month => (add_months(l.date(), 1)?.and_time(NaiveTime::MIN), "%Y-%m"),
            Precision::Day => (l + Duration::days(1), "%Y-%m-%d"),
            Precision::Hour => (l + Duration::hours(1), "%Y-%m-%dT%H"),
            Precision::Minute => (l + Duration::minutes(1), "%Y-%m-%dT%H:%M"),
            Precision::Second => return None,
        };
        let mut out = next.format(fmt).to_string();
        if let Some(off) = self.offset {
            if self.precision >= Precision::Hour {
                out.push_str(&format_offset(off));
            }
        }
        Some(out)
    }
}

/// `+HH:MM`, `+HHMM` or `+HH` (or `-`).
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if s[1..].contains(':') && (s.len() != 6 || s.as_bytes()[3] != b':') {
        return None;
    }
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn format_offset(off: FixedOffset) -> String {
    let secs = off.local_minus_utc();
    if secs == 0 {
        return "Z".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// Refuses a range whose start is after its end, when both can be compared safely.
fn check_order(start: &str, end: &str) -> Result<(), Error> {
    let (s, e) = (
        IsoInstant::parse(start, "start")?,
        IsoInstant::parse(end, "end")?,
    );
    // A value without offset is in a zone we don't know: compare only like with like.
    if s.offset.is_some() == e.offset.is_some() && s.as_utc() > e.as_utc() {
        return Err(Error::InvalidInput(format!(
            "the range starts ({}) after it ends ({})",
            echo(start),
            echo(end)
        )));
    }
    Ok(())
}

/// `date` moved by `months` (negative goes back), on the first of the month.
fn add_months(date: NaiveDate, months: i32) -> Option<NaiveDate> {
    let index = date.year() * 12 + date.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
}

/// The period a report covers, absolute or relative to "now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum TimeRange {
    /// Explicit ISO 8601 bounds (prefixes allowed; the server completes them).
    Absolute {
        /// Range start.
        start: String,
        /// Range end.
        end: String,
    },
    /// The last N hours up to now (rolling).
    LastHours(u32),
    /// The last N calendar days in the zone, today included (today is partial).
    LastDays(u32),
    /// From the first of this month to now.
    ThisMonth,
    /// The whole previous calendar month.
    PreviousMonth,
    /// From midnight today to now.
    Today,
    /// The whole of yesterday.
    Yesterday,
}

/// Upper bounds on relative ranges: the API keeps 25 months; these only keep the arithmetic sane.
const MAX_DAYS: u32 = 3660;
const MAX_HOURS: u32 = MAX_DAYS * 24;

/// What `TimeRange::parse` accepts, for error messages.
const RANGE_FORMS: &str = "24h, 7d, last 7 days, today, yesterday, this month, previous month, \
                           a period like 2026-10, or START..END with ISO 8601 dates";

impl TimeRange {
    /// An absolute range, validated.
    pub fn absolute(start: &str, end: &str) -> Result<TimeRange, Error> {
        IsoInstant::parse(start, "start")?;
        IsoInstant::parse(end, "end")?;
        check_order(start, end)?;
        Ok(TimeRange::Absolute {
            start: start.trim().to_string(),
            end: end.trim().to_string(),
        })
    }

    /// Parses `24h`, `7d`, `last 7 days`, `last 12 hours`, `today`, `yesterday`, `this month`,
    /// `previous month` / `last month`, `START..END` / `START/END`, or one ISO period
    /// (`2026-10` = all of October 2026).
    pub fn parse(text: &str) -> Result<TimeRange, Error> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words.as_slice() {
            ["today"] => return Ok(TimeRange::Today),
            ["yesterday"] => return Ok(TimeRange::Yesterday),
            ["this", "month"] | ["current", "month"] => return Ok(TimeRange::ThisMonth),
            ["previous" | "last" | "prev", "month"] => return Ok(TimeRange::PreviousMonth),
            _ => {}
        }
        for sep in ["..", "/"] {
            if let Some(i) = t.find(sep) {
                return TimeRange::absolute(&t[..i], &t[i + sep.len()..]);
            }
        }
        if let Some(range) = Self::parse_relative(&words)? {
            return Ok(range);
        }
        if let Some(instant) = IsoInstant::parse_opt(t) {
            if let Some(end) = instant.next_period() {
                return Ok(TimeRange::Absolute {
                    start: t.to_string(),
                    end,
                });
            }
        }
        Err(Error::InvalidInput(format!(
            "unknown time range \"{}\": use {RANGE_FORMS}",
            echo(t)
        )))
    }

    /// `[last] N (h|hours|d|days)`, with or without a space; `Ok(None)` when it isn't that.
    fn parse_relative(words: &[&str]) -> Result<Option<TimeRange>, Error> {
        let words = match words {
            ["last", rest @ ..] => rest,
            other => other,
        };
        let joined = words.concat();
        let digits_end = joined
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(joined.len());
        let (number, unit) = joined.split_at(digits_end);
        let hours = matches!(unit, "h" | "hr" | "hrs" | "hour" | "hours");
        let days = matches!(unit, "d" | "day" | "days");
        if !(hours || days) {
            return Ok(None);
        }
        let n: u32 = match (number.is_empty(), number.parse()) {
            // `last day`, `last hour`.
            (true, _) => 1,
            (false, Ok(n)) => n,
            (false, Err(_)) => u32::MAX,
        };
        let max = if hours { MAX_HOURS } else { MAX_DAYS };
        if n == 0 || n > max {
            return Err(Error::InvalidInput(format!(
                "the relative range must be between 1 and {max} {}",
                if hours { "hours" } else { "days" }
            )));
        }
        Ok(Some(if hours {
            TimeRange::LastHours(n)
        } else {
            TimeRange::LastDays(n)
        }))
    }

    /// ISO 8601 `(start, end)` for a request made at `now`, with day and month boundaries
    /// taken in `tz`. Absolute ranges are returned as given (the server completes prefixes).
    /// "Now" is floored to the minute so repeated requests within a minute are identical.
    pub fn resolve(&self, now: DateTime<Utc>, tz: Tz) -> (String, String) {
        // Clamp to years 1900–9999 so the calendar arithmetic below cannot overflow whatever
        // clock value it is handed (relative ranges reach back at most 10 years).
        let now = now.clamp(
            Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or(now),
            Utc.with_ymd_and_hms(9999, 12, 30, 0, 0, 0)
                .single()
                .unwrap_or(now),
        );
        let now = now
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        let local_now = now.with_timezone(&tz);
        let today = local_now.date_naive();
        let fmt = |t: DateTime<Tz>| format_in_zone(t, tz);
        match self {
            TimeRange::Absolute { start, end } => (start.clone(), end.clone()),
            TimeRange::LastHours(h) => {
                let start = now - Duration::hours(i64::from(*h));
                (fmt(start.with_timezone(&tz)), fmt(local_now))
            }
            TimeRange::LastDays(d) => {
                let first = today - Duration::days(i64::from(d.saturating_sub(1)));
                (fmt(start_of_day(tz, first)), fmt(local_now))
            }
            TimeRange::Today => (fmt(start_of_day(tz, today)), fmt(local_now)),
            TimeRange::Yesterday => (
                fmt(start_of_day(tz, today - Duration::days(1))),
                fmt(start_of_day(tz, today)),
            ),
            TimeRange::ThisMonth => {
                let first = today.with_day(1).unwrap_or(today);
                (fmt(start_of_day(tz, first)), fmt(local_now))
            }
            TimeRange::PreviousMonth => {
                let first = today.with_day(1).unwrap_or(today);
                let previous = add_months(first, -1).unwrap_or(first);
                (
                    fmt(start_of_day(tz, previous)),
                    fmt(start_of_day(tz, first)),
                )
            }
        }
    }

    /// A short human label (`last 7 days`, `2026-10-01 → 2026-11-01`).
    pub fn label(&self) -> String {
        match self {
            TimeRange::Absolute { start, end } => format!("{start} → {end}"),
            TimeRange::LastHours(1) => "last hour".into(),
            TimeRange::LastHours(h) => format!("last {h} hours"),
            TimeRange::LastDays(1) => "today".into(),
            TimeRange::LastDays(d) => format!("last {d} days"),
            TimeRange::ThisMonth => "this month".into(),
            TimeRange::PreviousMonth => "previous month".into(),
            TimeRange::Today => "today".into(),
            TimeRange::Yesterday => "yesterday".into(),
        }
    }
}

impl std::str::FromStr for TimeRange {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeRange::parse(s)
    }
}

/// Whether `tz` is UTC itself (printed with `Z`), as opposed to a zone at offset zero.
fn is_utc(tz: Tz) -> bool {
    matches!(
        tz.name(),
        "UTC" | "Etc/UTC" | "Etc/Universal" | "Universal" | "Zulu" | "Etc/Zulu" | "Etc/UCT" | "UCT"
    )
}

/// `2026-11-01T00:00:00-08:00`, or `…Z` in UTC.
fn format_in_zone(t: DateTime<Tz>, tz: Tz) -> String {
    if is_utc(tz) {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// The first instant of `date` in `tz`: local midnight, or the first valid local time after
/// it when a DST jump skips midnight (as in some zones that change at 00:00).
fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Tz> {
    let midnight = date.and_time(NaiveTime::MIN);
    for quarter in 0..(4 * 24) {
        let local = midnight + Duration::minutes(15 * quarter);
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t,
            LocalResult::Ambiguous(earliest, _) => return earliest,
            LocalResult::None => {}
        }
    }
    tz.from_utc_datetime(&midnight)
}

/// The label of the zone relative ranges use, e.g. `UTC` or `America/Los_Angeles (PST)`.
pub fn zone_label(tz: Tz, now: DateTime<Utc>) -> String {
    if is_utc(tz) {
        return "UTC".into();
    }
    let offset = tz.offset_from_utc_datetime(&now.naive_utc());
    match offset.abbreviation() {
        // Zones without a letter abbreviation have their offset as the name (`+0530`).
        Some(abbreviation) if abbreviation.starts_with(|c: char| c.is_ascii_alphabetic()) => {
            format!("{} ({abbreviation})", tz.name())
        }
        _ => format!("{} (UTC{})", tz.name(), format_offset(offset.fix())),
    }
}

/// Parses an IANA zone name (`America/Los_Angeles`, `UTC`), refusing unknown names.
pub fn parse_zone(name: &str) -> Result<Tz, Error> {
    name.trim().parse::<Tz>().map_err(|_| {
        Error::InvalidInput(format!(
            "unknown time zone \"{}\": use an IANA name like UTC or America/Los_Angeles",
            echo(name)
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const LA: Tz = chrono_tz::America::Los_Angeles;

    #[test]
    fn strict_encoding_of_hostile_values() {
        let mut out = String::new();
        encode_strict("AT&T U-verse + ~Dish/Sling é 100%", &mut out);
        assert_eq!(
            out,
            "AT%26T%20U-verse%20%2B%20~Dish%2FSling%20%C3%A9%20100%25"
        );
        let mut out = String::new();
        encode_strict("a=b!c#d?e,f;g'h\"i\n", &mut out);
        assert_eq!(out, "a%3Db%21c%23d%3Fe%2Cf%3Bg%27h%22i%0A");
    }

    #[test]
    fn decoding_round_trips_encoding() {
        for s in ["AT&T U-verse", "a+b", "é/ü", "100%", "x=y!z", ""] {
            let mut enc = String::new();
            encode_strict(s, &mut enc);
            assert_eq!(percent_decode(&enc, true), s);
        }
        assert_eq!(percent_decode("a+b%2", true), "a b%2");
        assert_eq!(percent_decode("%zz%", false), "%zz%");
        assert_eq!(percent_decode("%FF", false), "\u{FFFD}");
    }

    #[test]
    fn filter_forms_parse() {
        assert_eq!(
            Filter::parse("mvpd=Comcast").unwrap(),
            Filter::eq("mvpd", ["Comcast"])
        );
        assert_eq!(
            Filter::parse("mvpd!=Comcast").unwrap(),
            Filter::not_eq("mvpd", ["Comcast"])
        );
        assert_eq!(
            Filter::parse("platform").unwrap(),
            Filter::project("platform")
        );
        // The value keeps further `=` and `!=`.
        assert_eq!(
            Filter::parse("mvpd=a=b!=c").unwrap(),
            Filter::eq("mvpd", ["a=b!=c"])
        );
    }

    #[test]
    fn filter_refusals() {
        for bad in ["day=01", "year!=2026", "hour", "=x", "mvpd=", "limit=5", ""] {
            let err = Filter::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}");
            assert!(!err.to_string().contains('\n'));
        }
        assert!(Filter::parse("minute=5")
            .unwrap_err()
            .to_string()
            .contains("time dimension"));
    }

    #[test]
    fn repeated_filters_merge() {
        let filters = Filter::parse_many([
            "mvpd=A", "platform", "mvpd=B", "mvpd!=C", "mvpd=A", "mvpd!=D", "platform",
        ])
        .unwrap();
        assert_eq!(
            filters,
            vec![
                Filter::eq("mvpd", ["A", "B"]),
                Filter::project("platform"),
                Filter::not_eq("mvpd", ["C", "D"]),
            ]
        );
    }

    #[test]
    fn query_string_has_all_filter_forms() {
        let mut q = ReportQuery::parse_path("/cmu/v2/year/month/day/mvpd").unwrap();
        q.start = Some("2026-10-01T00:00:00-07:00".into());
        q.end = Some("2026-11".into());
        q.metrics = vec!["active-users".into(), "duration_0-15".into()];
        q.limit = Some(5000);
        q.format = Some(Format::Csv);
        q.add_filter(Filter::eq("mvpd", ["AT&T U-verse", "Dish+Sling"]));
        q.add_filter(Filter::not_eq("platform", ["iOS/tvOS", "Roku"]));
        q.add_filter(Filter::project("channel"));
        assert_eq!(
            q.query_string(),
            "start=2026-10-01T00%3A00%3A00-07%3A00&end=2026-11\
             &metrics=active-users,duration_0-15&limit=5000&format=csv\
             &mvpd=AT%26T%20U-verse&mvpd=Dish%2BSling\
             &platform!=iOS%2FtvOS&platform!=Roku&channel"
        );
        let root = url::Url::parse("https://mgmt.auth.adobe.com/cmu/v2/").unwrap();
        let url = q.url(&root);
        assert_eq!(
            url.as_str(),
            format!(
                "https://mgmt.auth.adobe.com/cmu/v2/year/month/day/mvpd?{}",
                q.query_string()
            )
        );
        // The `!` of not-equals stays literal before `=`.
        assert!(url.query().unwrap().contains("platform!=Roku"));
        assert!(q.validate().is_ok());
    }

    #[test]
    fn url_under_other_roots() {
        let q = ReportQuery::parse_path("year/month").unwrap();
        let root = url::Url::parse("https://cm-cmu-x.stage.cm.adobeprimetime.com/v2?x=1").unwrap();
        assert_eq!(
            q.url(&root).as_str(),
            "https://cm-cmu-x.stage.cm.adobeprimetime.com/v2/year/month"
        );
        let unicode = ReportQuery {
            path: vec!["mvpd".into()],
            filters: vec![Filter::eq("mvpd", ["Télé Québec 📺"])],
            ..ReportQuery::default()
        };
        let url = unicode.url(&url::Url::parse("http://127.0.0.1:9/cmu/v2").unwrap());
        assert_eq!(
            url.query().unwrap(),
            "mvpd=T%C3%A9l%C3%A9%20Qu%C3%A9bec%20%F0%9F%93%BA"
        );
    }

    #[test]
    fn query_round_trips_through_href() {
        let mut q = ReportQuery::parse_path("/cmu/v2/year/month/day/mvpd").unwrap();
        q.start = Some("2026-10-01T00:00:00Z".into());
        q.end = Some("2026-10-08".into());
        q.metrics = vec!["active-users".into(), "active-sessions".into()];
        q.limit = Some(1000);
        q.filters = vec![
            Filter::eq("mvpd", ["AT&T U-verse", "a+b"]),
            Filter::not_eq("platform", ["é/ü"]),
            Filter::project("channel"),
        ];
        let href = format!("{}?{}", q.path_string(), q.query_string());
        assert_eq!(ReportQuery::from_href(&href), q);
        let abs = format!("https://mgmt.auth.adobe.com{href}&access_token=SECRET");
        assert_eq!(ReportQuery::from_href(&abs), q);
    }

    #[test]
    fn href_parsing_is_lenient() {
        let q = ReportQuery::from_href(
            "/cmu/v2/year/month/day/tenant?metrics=a&metrics=b,c&limit=x&mvpd=A+B&mvpd=C",
        );
        assert_eq!(q.path, ["year", "month", "day", "tenant"]);
        assert_eq!(q.metrics, ["a", "b", "c"]);
        assert_eq!(q.limit, None);
        assert_eq!(q.filters, vec![Filter::eq("mvpd", ["A B", "C"])]);
        assert_eq!(ReportQuery::from_href(""), ReportQuery::default());
        assert_eq!(ReportQuery::from_href("?&&=&!"), {
            ReportQuery {
                filters: vec![Filter::eq("", [""]), Filter::project("!")],
                ..ReportQuery::default()
            }
        });
    }

    #[test]
    fn path_parsing() {
        let expect = ["year", "month", "day", "mvpd"];
        for p in [
            "/cmu/v2/year/month/day/mvpd",
            "/cmu/v2/year/month/day/mvpd/",
            "cmu/v2/year/month/day/mvpd",
            "year/month/day/mvpd",
            "/year/month/day/mvpd",
            " /v2/year/month/day/mvpd ",
        ] {
            let q = ReportQuery::parse_path(p).unwrap();
            assert_eq!(q.path, expect, "{p}");
            assert_eq!(q.format, None);
        }
        let csv = ReportQuery::parse_path("/cmu/v2/year/month.csv").unwrap();
        assert_eq!(csv.path, ["year", "month"]);
        assert_eq!(csv.format, Some(Format::Csv));
        let json = ReportQuery::parse_path("/cmu/v2/year/month.JSON/").unwrap();
        assert_eq!(json.format, Some(Format::Json));
        assert_eq!(
            ReportQuery::parse_path("/cmu/v2").unwrap().path,
            Vec::<String>::new()
        );
        for bad in [
            "/cmu/v2/year?x=1",
            "/cmu/v2/ye ar",
            "/cmu/v2/year/year",
            "a/b#c",
        ] {
            assert_eq!(
                ReportQuery::parse_path(bad).unwrap_err().code(),
                "invalid_input",
                "{bad}"
            );
        }
        assert_eq!(
            ReportQuery::parse_path("/cmu/v2/application-id/application")
                .unwrap()
                .path_string(),
            "/cmu/v2/application-id/application"
        );
    }

    #[test]
    fn validate_refuses_bad_queries() {
        let mut q = ReportQuery::for_path(["year", "month"]);
        assert!(q.validate().is_ok());
        q.filters.push(Filter::eq("month", ["10"]));
        assert!(q.validate().is_err());
        q.filters.clear();
        q.limit = Some(0);
        assert!(q.validate().is_err());
        q.limit = None;
        q.start = Some("2026-13".into());
        assert!(q.validate().is_err());
        q.start = Some("2026-11-02".into());
        q.end = Some("2026-11-01".into());
        assert!(q
            .validate()
            .unwrap_err()
            .to_string()
            .contains("after it ends"));
        assert!(ReportQuery::default().validate().is_err());
    }

    #[test]
    fn absolute_dates_accept_iso_prefixes() {
        for ok in [
            "2026",
            "2026-10",
            "2026-10-01",
            "2026-10-01T05",
            "2026-10-01T05:30",
            "2026-10-01T05:30:59",
            "2026-10-01T05:30:59.123",
            "2026-10-01T05:30:59Z",
            "2026-10-01T05:30:59-07:00",
            "2026-10-01T05:30:59+0530",
            "2026-10-01T05-08",
            "2024-02-29",
        ] {
            assert!(IsoInstant::parse(ok, "start").is_ok(), "{ok}");
        }
        for bad in [
            "",
            "26",
            "2026-1",
            "2026-10-1",
            "2026-13",
            "2025-02-29",
            "2026-10-01T",
            "2026-10-01T24",
            "2026-10-01T05:60",
            "2026-10-01 05:00",
            "2026-10T05",
            "2026-10-01T05:30:59+25:00",
            "2026-10-01T05:30:59.",
            "yesterday-ish",
            "2026-10-01T05:30:59-07:00:00",
        ] {
            let err = IsoInstant::parse(bad, "start").unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("2026-10-01T05"), "{bad}: {msg}");
            assert!(!msg.contains('\n'));
        }
    }

    #[test]
    fn time_range_parsing() {
        assert_eq!(TimeRange::parse("24h").unwrap(), TimeRange::LastHours(24));
        assert_eq!(TimeRange::parse("7d").unwrap(), TimeRange::LastDays(7));
        assert_eq!(TimeRange::parse("30d").unwrap(), TimeRange::LastDays(30));
        assert_eq!(
            TimeRange::parse("last 7 days").unwrap(),
            TimeRange::LastDays(7)
        );
        assert_eq!(
            TimeRange::parse("Last 12 Hours").unwrap(),
            TimeRange::LastHours(12)
        );
        assert_eq!(
            TimeRange::parse("last day").unwrap(),
            TimeRange::LastDays(1)
        );
        assert_eq!(
            TimeRange::parse("this month").unwrap(),
            TimeRange::ThisMonth
        );
        assert_eq!(
            TimeRange::parse("previous month").unwrap(),
            TimeRange::PreviousMonth
        );
        assert_eq!(
            TimeRange::parse("last month").unwrap(),
            TimeRange::PreviousMonth
        );
        assert_eq!(TimeRange::parse("today").unwrap(), TimeRange::Today);
        assert_eq!(TimeRange::parse("yesterday").unwrap(), TimeRange::Yesterday);
        assert_eq!(
            TimeRange::parse("2026-10-01..2026-10-08").unwrap(),
            TimeRange::Absolute {
                start: "2026-10-01".into(),
                end: "2026-10-08".into()
            }
        );
        assert_eq!(
            TimeRange::parse("2026-10-01T00:00:00-07:00/2026-11-01T00:00:00-07:00").unwrap(),
            TimeRange::Absolute {
                start: "2026-10-01T00:00:00-07:00".into(),
                end: "2026-11-01T00:00:00-07:00".into()
            }
        );
        assert_eq!(
            TimeRange::parse("2026-12").unwrap(),
            TimeRange::Absolute {
                start: "2026-12".into(),
                end: "2027-01".into()
            }
        );
        assert_eq!(
            TimeRange::parse("2026-10-31T23-07:00").unwrap(),
            TimeRange::Absolute {
                start: "2026-10-31T23-07:00".into(),
                end: "2026-11-01T00-07:00".into()
            }
        );
        for bad in [
            "0d",
            "99999999999h",
            "fortnight",
            "7 weeks",
            "2026-10-08..2026-10-01",
            "",
        ] {
            let err = TimeRange::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}");
        }
    }

    #[test]
    fn time_range_serde_round_trip() {
        for r in [
            TimeRange::LastHours(24),
            TimeRange::ThisMonth,
            TimeRange::Absolute {
                start: "2026".into(),
                end: "2027".into(),
            },
        ] {
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(serde_json::from_value::<TimeRange>(v).unwrap(), r);
        }
        assert_eq!(
            serde_json::to_value(TimeRange::LastDays(7)).unwrap(),
            serde_json::json!({"kind": "lastDays", "value": 7})
        );
    }

    #[test]
    fn relative_ranges_in_utc() {
        let now = utc("2026-03-01T00:30:45Z");
        let tz = Tz::UTC;
        assert_eq!(
            TimeRange::LastHours(24).resolve(now, tz),
            ("2026-02-28T00:30:00Z".into(), "2026-03-01T00:30:00Z".into())
        );
        assert_eq!(
            TimeRange::LastDays(7).resolve(now, tz),
            ("2026-02-23T00:00:00Z".into(), "2026-03-01T00:30:00Z".into())
        );
        assert_eq!(
            TimeRange::Yesterday.resolve(now, tz),
            ("2026-02-28T00:00:00Z".into(), "2026-03-01T00:00:00Z".into())
        );
        assert_eq!(
            TimeRange::PreviousMonth.resolve(now, tz),
            ("2026-02-01T00:00:00Z".into(), "2026-03-01T00:00:00Z".into())
        );
        assert_eq!(
            TimeRange::ThisMonth.resolve(now, tz),
            ("2026-03-01T00:00:00Z".into(), "2026-03-01T00:30:00Z".into())
        );
        assert_eq!(
            TimeRange::Today.resolve(now, tz),
            ("2026-03-01T00:00:00Z".into(), "2026-03-01T00:30:00Z".into())
        );
    }

    #[test]
    fn month_and_year_boundaries_use_the_zone() {
        // 03:00 UTC on New Year's Day is still 31 December in Los Angeles.
        let now = utc("2026-01-01T03:00:00Z");
        assert_eq!(
            TimeRange::ThisMonth.resolve(now, LA),
            (
                "2025-12-01T00:00:00-08:00".into(),
                "2025-12-31T19:00:00-08:00".into()
            )
        );
        // November 1st 2025 is still daylight time (DST ended on November 2nd).
        assert_eq!(
            TimeRange::PreviousMonth.resolve(now, LA),
            (
                "2025-11-01T00:00:00-07:00".into(),
                "2025-12-01T00:00:00-08:00".into()
            )
        );
        assert_eq!(
            TimeRange::PreviousMonth.resolve(now, Tz::UTC),
            ("2025-12-01T00:00:00Z".into(), "2026-01-01T00:00:00Z".into())
        );
        assert_eq!(
            TimeRange::Yesterday.resolve(now, LA),
            (
                "2025-12-30T00:00:00-08:00".into(),
                "2025-12-31T00:00:00-08:00".into()
            )
        );
        // January: the previous month is in the previous year.
        let jan = utc("2026-01-15T12:00:00Z");
        assert_eq!(
            TimeRange::PreviousMonth.resolve(jan, Tz::UTC).0,
            "2025-12-01T00:00:00Z"
        );
    }

    #[test]
    fn dst_transitions_in_los_angeles() {
        // Spring forward: 2026-03-08 02:00 PST → 03:00 PDT.
        let now = utc("2026-03-08T20:00:00Z"); // 13:00 PDT
        assert_eq!(
            TimeRange::LastHours(24).resolve(now, LA),
            (
                "2026-03-07T12:00:00-08:00".into(),
                "2026-03-08T13:00:00-07:00".into()
            )
        );
        assert_eq!(
            TimeRange::Today.resolve(now, LA).0,
            "2026-03-08T00:00:00-08:00"
        );
        let later = utc("2026-03-09T12:00:00Z"); // 05:00 PDT
        assert_eq!(
            TimeRange::LastDays(7).resolve(later, LA),
            (
                "2026-03-03T00:00:00-08:00".into(),
                "2026-03-09T05:00:00-07:00".into()
            )
        );
        assert_eq!(
            TimeRange::Yesterday.resolve(later, LA),
            (
                "2026-03-08T00:00:00-08:00".into(),
                "2026-03-09T00:00:00-07:00".into()
            )
        );
        // Fall back: 2026-11-01 02:00 PDT → 01:00 PST; yesterday lasts 25 hours.
        let nov = utc("2026-11-02T18:00:00Z"); // 10:00 PST
        assert_eq!(
            TimeRange::Yesterday.resolve(nov, LA),
            (
                "2026-11-01T00:00:00-07:00".into(),
                "2026-11-02T00:00:00-08:00".into()
            )
        );
        assert_eq!(
            TimeRange::ThisMonth.resolve(nov, LA).0,
            "2026-11-01T00:00:00-07:00"
        );
    }

    #[test]
    fn extreme_clocks_do_not_panic() {
        let ranges = [
            TimeRange::LastHours(MAX_HOURS),
            TimeRange::LastDays(MAX_DAYS),
            TimeRange::PreviousMonth,
            TimeRange::Yesterday,
            TimeRange::ThisMonth,
            TimeRange::Today,
        ];
        for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for r in &ranges {
                for tz in [Tz::UTC, LA, chrono_tz::Pacific::Kiritimati] {
                    let (start, end) = r.resolve(now, tz);
                    assert!(start <= end, "{r:?} {start} {end}");
                }
            }
        }
    }

    #[test]
    fn midnight_gaps_fall_forward() {
        // Santiago skipped 2024-09-08 00:00 (clocks went to 01:00).
        let tz = chrono_tz::America::Santiago;
        let start = start_of_day(tz, NaiveDate::from_ymd_opt(2024, 9, 8).unwrap());
        assert_eq!(format_in_zone(start, tz), "2024-09-08T01:00:00-03:00");
    }

    #[test]
    fn zone_labels() {
        let winter = utc("2026-01-15T12:00:00Z");
        let summer = utc("2026-07-15T12:00:00Z");
        assert_eq!(zone_label(Tz::UTC, winter), "UTC");
        assert_eq!(zone_label(LA, winter), "America/Los_Angeles (PST)");
        assert_eq!(zone_label(LA, summer), "America/Los_Angeles (PDT)");
        assert_eq!(parse_zone("America/Los_Angeles").unwrap(), LA);
        assert!(parse_zone("Mars/Olympus").is_err());
        assert!(!zone_label(chrono_tz::Asia::Kolkata, winter).is_empty());
    }
}
