//! The CMU query string, decoded by hand: `serde_urlencoded` would fold `mvpd!=Dish` and bare
//! `platform` into ordinary pairs, and both matter here.
//!
//! Reserved names: `start`, `end`, `limit`, `metrics`, `format`, `access_token`. Every other
//! name is a dimension filter: `dim=v` (equals; repeated = IN), `dim!=v` (the raw key is
//! `dim!`; repeated = NOT IN), bare `dim` or `dim=` (force `dim` into the projection).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::dataset::{Dataset, Leaf};
use super::schema::Dimension;

/// Why a CMU request cannot be answered; each maps to one status with a plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmuError {
    /// 400: bad date, unknown filter dimension, time filter, bad limit, unknown metric,
    /// query too large...
    BadRequest(String),
    /// 404: no report at this path.
    NotFound(String),
    /// 406: the requested representation is not offered.
    NotAcceptable(String),
}

impl fmt::Display for CmuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmuError::BadRequest(m) | CmuError::NotFound(m) | CmuError::NotAcceptable(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for CmuError {}

fn bad(message: impl Into<String>) -> CmuError {
    CmuError::BadRequest(message.into())
}

/// One filter clause, as written in the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `dim=value`; several for one dimension mean IN.
    Equals(Dimension, String),
    /// `dim!=value`; several for one dimension mean NOT IN.
    NotEquals(Dimension, String),
    /// Bare `dim`: group by it as if it were in the path.
    Project(Dimension),
}

/// The filter clauses of a request, in request order (that order is echoed in `self`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    clauses: Vec<Filter>,
}

impl Filters {
    /// No filter.
    pub fn new() -> Filters {
        Filters::default()
    }

    /// Adds `dim=value`.
    pub fn equals(mut self, dimension: Dimension, value: &str) -> Filters {
        self.clauses
            .push(Filter::Equals(dimension, value.to_owned()));
        self
    }

    /// Adds `dim!=value`.
    pub fn not_equals(mut self, dimension: Dimension, value: &str) -> Filters {
        self.clauses
            .push(Filter::NotEquals(dimension, value.to_owned()));
        self
    }

    /// Adds a bare `dim` (projection).
    pub fn project(mut self, dimension: Dimension) -> Filters {
        self.clauses.push(Filter::Project(dimension));
        self
    }

    /// The clauses, in request order.
    pub fn clauses(&self) -> &[Filter] {
        &self.clauses
    }

    /// No clause at all.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Whether a leaf passes: for each dimension, its value is one of the `=` values (when
    /// any) and none of the `!=` values.
    pub fn matches(&self, dataset: &Dataset, leaf: &Leaf) -> bool {
        let mut dims: Vec<Dimension> = self
            .clauses
            .iter()
            .filter_map(|c| match c {
                Filter::Equals(d, _) | Filter::NotEquals(d, _) => Some(*d),
                Filter::Project(_) => None,
            })
            .collect();
        dims.sort_unstable();
        dims.dedup();
        dims.into_iter().all(|d| {
            let Some(value) = dataset.leaf_value(leaf, d) else {
                return false;
            };
            let mut any_equals = false;
            let mut equal_hit = false;
            for clause in &self.clauses {
                match clause {
                    Filter::Equals(cd, v) if *cd == d => {
                        any_equals = true;
                        equal_hit |= v == value;
                    }
                    Filter::NotEquals(cd, v) if *cd == d && v == value => return false,
                    _ => {}
                }
            }
            !any_equals || equal_hit
        })
    }

    /// Dimensions forced into the projection, first mention first, without duplicates.
    pub fn projected(&self) -> Vec<Dimension> {
        let mut out = Vec::new();
        for clause in &self.clauses {
            if let Filter::Project(d) = clause {
                if !out.contains(d) {
                    out.push(*d);
                }
            }
        }
        out
    }

    /// The clauses as query-string pieces (`mvpd=AT%26T%20U-verse`, `mvpd!=Dish`, `platform`).
    pub fn query_pieces(&self) -> Vec<String> {
        self.clauses
            .iter()
            .map(|c| match c {
                Filter::Equals(d, v) => format!("{}={}", d.name(), encode(v)),
                Filter::NotEquals(d, v) => format!("{}!={}", d.name(), encode(v)),
                Filter::Project(d) => d.name().to_owned(),
            })
            .collect()
    }

    /// A file-name-safe summary for CSV downloads (`mvpd=Dish_platform!=Roku`).
    pub fn file_name_part(&self) -> String {
        self.clauses
            .iter()
            .map(|c| match c {
                Filter::Equals(d, v) => format!("{}={}", d.name(), file_safe(v)),
                Filter::NotEquals(d, v) => format!("{}!={}", d.name(), file_safe(v)),
                Filter::Project(d) => d.name().to_owned(),
            })
            .collect::<Vec<_>>()
            .join("_")
    }
}

/// Keeps letters, digits and `-.`; everything else becomes `-` (spaces, `&`, `/`, quotes...).
pub(crate) fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `+` as space and `%XX` escapes; a malformed escape is kept literally, invalid UTF-8
/// becomes U+FFFD (never an error: the names that matter are ASCII anyway).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = |c: u8| char::from(c).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A decoded CMU query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CmuQuery {
    /// `start`, as sent.
    pub start: Option<String>,
    /// `end`, as sent.
    pub end: Option<String>,
    /// `limit`, parsed.
    pub limit: Option<usize>,
    /// `metrics`: comma lists and repeated parameters, flattened, duplicates removed.
    pub metrics: Vec<String>,
    /// `format`, lower-cased.
    pub format: Option<String>,
    /// `access_token` (the alternative to the `Authorization` header).
    pub access_token: Option<String>,
    /// Dimension filters.
    pub filters: Filters,
}

/// Sets a single-valued parameter; a second, different value is an error (which one would
/// the server honour?).
fn set_once(slot: &mut Option<String>, name: &str, value: String) -> Result<(), CmuError> {
    match slot {
        Some(existing) if *existing != value => Err(bad(format!(
            "Bad request: parameter '{name}' is given twice with different values."
        ))),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// Parses a raw query string (without the `?`). Authentication comes first (see
/// [`access_token_of`]): a request without valid credentials gets a 401, never a 400.
pub fn parse_query(raw: &str) -> Result<CmuQuery, CmuError> {
    let mut query = CmuQuery::default();
    let mut limit: Option<String> = None;
    for piece in raw.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, value) = match piece.split_once('=') {
            Some((k, v)) => (k, Some(decode(v))),
            None => (piece, None),
        };
        let key = decode(raw_key);
        match key.as_str() {
            "start" => set_once(&mut query.start, "start", value.unwrap_or_default())?,
            "end" => set_once(&mut query.end, "end", value.unwrap_or_default())?,
            "limit" => set_once(&mut limit, "limit", value.unwrap_or_default())?,
            "format" => set_once(
                &mut query.format,
                "format",
                value.unwrap_or_default().trim().to_ascii_lowercase(),
            )?,
            "access_token" => query.access_token = value,
            "metrics" => {
                for name in value.unwrap_or_default().split(',') {
                    let name = name.trim();
                    if !name.is_empty() && !query.metrics.iter().any(|m| m == name) {
                        query.metrics.push(name.to_owned());
                    }
                }
            }
            _ => {
                let (name, negated) = match key.strip_suffix('!') {
                    Some(name) => (name, true),
                    None => (key.as_str(), false),
                };
                let Some(dimension) = Dimension::parse(name) else {
                    return Err(bad(format!(
                        "Bad request: unknown dimension '{name}' in the query (filters must name a dimension; reserved parameters are start, end, limit, metrics, format, access_token)."
                    )));
                };
                if dimension.is_time() {
                    return Err(bad(format!(
                        "Bad request: cannot filter on the time dimension '{name}'; use start and end."
                    )));
                }
                if !dimension.is_filterable() {
                    return Err(bad(format!(
                        "Bad request: cannot filter on the histogram dimension '{name}'."
                    )));
                }
                let clause = match (negated, value) {
                    (true, None) => {
                        return Err(bad(format!(
                            "Bad request: '{name}!' needs a value ('{name}!=value')."
                        )))
                    }
                    (true, Some(v)) => Filter::NotEquals(dimension, v),
                    (false, None) => Filter::Project(dimension),
                    (false, Some(v)) if v.is_empty() => Filter::Project(dimension),
                    (false, Some(v)) => Filter::Equals(dimension, v),
                };
                query.filters.clauses.push(clause);
            }
        }
    }
    if let Some(text) = limit {
        match text.trim().parse::<usize>() {
            Ok(n) if n > 0 => query.limit = Some(n),
            _ => {
                return Err(bad(format!(
                    "Bad request: limit must be a positive integer, not '{text}'."
                )))
            }
        }
    }
    Ok(query)
}

/// Only the `access_token` parameter of a raw query string (for authentication, which comes
/// before any validation of the rest).
pub fn access_token_of(raw: &str) -> Option<String> {
    raw.split('&').find_map(|piece| {
        let (k, v) = piece.split_once('=')?;
        (decode(k) == "access_token").then(|| decode(v))
    })
}

/// Parses an ISO 8601 instant or prefix, completing what is missing with the start of the
/// period: `2026` → `2026-01-01T00:00:00Z`, `2026-10` → `2026-10-01T00:00:00Z`, `2026-10-01`,
/// `2026-10-01T05`, `2026-10-01T05:30`, `2026-10-01T05:30:00`, optional fraction, optional zone
/// `Z`, `±HH:MM`, `±HHMM` or `±HH` (no zone = UTC). A space where the `+` of an offset was is
/// accepted: an unencoded `+` arrives as a space after form decoding.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim_start();
    let invalid = || {
        format!("'{text}' is not an ISO 8601 date (expected e.g. 2026, 2026-10, 2026-10-01 or 2026-10-01T05:00:00Z)")
    };
    let (date_part, time_part) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => match text.split_once(' ') {
            // "2026-10-01 05:00" (a space separator) but not "2026 " trailing junk.
            Some((d, t)) if !t.is_empty() && t.as_bytes()[0].is_ascii_digit() && d.len() == 10 => {
                (d, Some(t))
            }
            _ => (text.trim_end(), None),
        },
    };
    let fields: Vec<&str> = date_part.split('-').collect();
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = match fields[..] {
        [y] => (number(y, 4), Some(1), Some(1)),
        [y, m] => (number(y, 4), number(m, 2), Some(1)),
        [y, m, d] => (number(y, 4), number(m, 2), number(d, 2)),
        _ => (None, None, None),
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(invalid());
    };
    if !(1970..=9999).contains(&year) {
        return Err(format!("'{text}': the year must be between 1970 and 9999"));
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(invalid)?;
    let Some(time_part) = time_part else {
        return Ok(date.and_time(NaiveTime::MIN).and_utc());
    };
    if fields.len() != 3 {
        return Err(invalid());
    }
    // Split the zone off: 'Z', or the last '+', '-' or ' ' (an undecoded '+').
    let (clock, zone) = if let Some(c) = time_part.strip_suffix(['Z', 'z']) {
        (c, Some(0))
    } else if let Some(i) = time_part.rfind(['+', '-', ' ']) {
        let sign = if time_part.as_bytes()[i] == b'-' {
            -1
        } else {
            1
        };
        let z = &time_part[i + 1..];
        let digits: String = z.chars().filter(|c| *c != ':').collect();
        // ASCII digits only, checked before slicing (a multi-byte character would not split).
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let (hh, mm) = match digits.len() {
            2 => (number(&digits, 2), Some(0)),
            4 => (number(&digits[..2], 2), number(&digits[2..], 2)),
            _ => (None, None),
        };
        let (Some(hh), Some(mm)) = (hh, mm) else {
            return Err(invalid());
        };
        if hh > 23 || mm > 59 {
            return Err(invalid());
        }
        (&time_part[..i], Some(sign * (hh * 3600 + mm * 60) as i32))
    } else {
        (time_part, None)
    };
    let (clock, _fraction) = match clock.split_once(['.', ',']) {
        Some((c, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (c, Some(f)),
        Some(_) => return Err(invalid()),
        None => (clock, None),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, s) = match parts[..] {
        [h] => (number(h, 2), Some(0), Some(0)),
        [h, m] => (number(h, 2), number(m, 2), Some(0)),
        [h, m, s] => (number(h, 2), number(m, 2), number(s, 2)),
        _ => (None, None, None),
    };
    let (Some(h), Some(m), Some(s)) = (h, m, s) else {
        return Err(invalid());
    };
    // Fractions of a second are accepted and dropped: the finest grain is the minute.
    let time = NaiveTime::from_hms_opt(h, m, s).ok_or_else(invalid)?;
    let naive = NaiveDateTime::new(date, time);
    match zone {
        None => Ok(naive.and_utc()),
        Some(seconds) => {
            let offset = FixedOffset::east_opt(seconds).ok_or_else(invalid)?;
            offset
                .from_local_datetime(&naive)
                .single()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(invalid)
        }
    }
}

/// The echo form of an instant: `2026-10-01T00:00:00Z`.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        format_instant(parse_instant(text).unwrap())
    }

    #[test]
    fn prefixes_are_completed() {
        assert_eq!(at("2026"), "2026-01-01T00:00:00Z");
        assert_eq!(at("2026-10"), "2026-10-01T00:00:00Z");
        assert_eq!(at("2026-10-07"), "2026-10-07T00:00:00Z");
        assert_eq!(at("2026-10-07T05"), "2026-10-07T05:00:00Z");
        assert_eq!(at("2026-10-07T05:30"), "2026-10-07T05:30:00Z");
        assert_eq!(at("2026-10-07T05:30:15Z"), "2026-10-07T05:30:15Z");
        assert_eq!(at("2026-10-07T05:30:15.123Z"), "2026-10-07T05:30:15Z");
        assert_eq!(at("2026-10-07T05:00:00+02:00"), "2026-10-07T03:00:00Z");
        assert_eq!(at("2026-10-07T05:00:00 02:00"), "2026-10-07T03:00:00Z");
        assert_eq!(at("2026-10-07T05:00-0130"), "2026-10-07T06:30:00Z");
        assert_eq!(at("2026-10-07T05:00:00-05"), "2026-10-07T10:00:00Z");
        assert_eq!(at("2026-10-07 05:00"), "2026-10-07T05:00:00Z");
    }

    #[test]
    fn bad_dates_are_refused() {
        for text in [
            "",
            "yesterday",
            "2026-10-01T05:00+1é1",
            "2026-10-01T05:00+éé",
            "2026-10-01T0é",
            "2026-10-01Té",
            "é",
            "2026-13",
            "2026-02-30",
            "26-10-01",
            "2026-1-1",
            "2026-10-01T25",
            "2026-10-01T05:61",
            "2026-10-01T05:00:00+25:00",
            "1969",
            "2026-10T05",
            "2026-10-01T",
            "2026-10-01T05:00:00.",
            "2026-10-01Tab",
            "２０２６",
            "2026-10-01T05:00:00+0",
        ] {
            assert!(parse_instant(text).is_err(), "{text:?} accepted");
        }
    }

    #[test]
    fn query_forms() {
        let q = parse_query(
            "start=2026-10&metrics=active-users,started-sessions&metrics=failed-attempts&mvpd=Dish&mvpd=AT%26T+U-verse&platform!=Roku&channel&application%21=x&limit=5&format=CSV&access_token=abc",
        )
        .unwrap();
        assert_eq!(q.start.as_deref(), Some("2026-10"));
        assert_eq!(q.limit, Some(5));
        assert_eq!(q.format.as_deref(), Some("csv"));
        assert_eq!(q.access_token.as_deref(), Some("abc"));
        assert_eq!(
            q.metrics,
            ["active-users", "started-sessions", "failed-attempts"]
        );
        assert_eq!(
            q.filters.clauses(),
            &[
                Filter::Equals(Dimension::Mvpd, "Dish".into()),
                Filter::Equals(Dimension::Mvpd, "AT&T U-verse".into()),
                Filter::NotEquals(Dimension::Platform, "Roku".into()),
                Filter::Project(Dimension::Channel),
                Filter::NotEquals(Dimension::Application, "x".into()),
            ]
        );
        assert_eq!(
            q.filters.query_pieces().join("&"),
            "mvpd=Dish&mvpd=AT%26T%20U-verse&platform!=Roku&channel&application!=x"
        );
        assert_eq!(
            q.filters.file_name_part(),
            "mvpd=Dish_mvpd=AT-T-U-verse_platform!=Roku_channel_application!=x"
        );
    }

    #[test]
    fn query_errors() {
        for raw in [
            "colour=red",
            "year=2026",
            "month!=3",
            "concurrency-level=1",
            "mvpd!",
            "limit=0",
            "limit=-3",
            "limit=ten",
            "start=2026&start=2025",
        ] {
            assert!(
                matches!(parse_query(raw), Err(CmuError::BadRequest(_))),
                "{raw}"
            );
        }
        assert!(parse_query("start=2026&start=2026&&").is_ok());
        assert_eq!(
            access_token_of("a=b&access_token=x%2By"),
            Some("x+y".into())
        );
    }

    #[test]
    fn decode_never_panics() {
        for raw in ["%", "%4", "%zz", "a%e9b", "%%41", "+%2B"] {
            let _ = decode(raw);
        }
        assert_eq!(decode("%41%42+c%2"), "AB c%2");
        assert_eq!(encode("AT&T U-verse"), "AT%26T%20U-verse");
    }
}
