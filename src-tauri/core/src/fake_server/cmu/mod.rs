//! The fake's CMU reports API (`GET /cmu/v2/...`): WOLAP over HAL, faithful to the reference
//! (`adobe-pass-cmu.md` §7) including its quirks, on deterministic synthetic data.
//!
//! - Paths: the drill-down tree published for tenants, every path of the 65 named reports and
//!   their prefixes ([`tree`]); anything else answers 404 (plain text).
//! - Data: a pure function of one seed ([`dataset`]), computed lazily; additive metrics add
//!   up exactly across drill-down children and across time; see the module's docs for the
//!   `active-users` rule.
//! - Query: `start`/`end` (ISO 8601 prefixes completed, defaults per granularity), `limit`
//!   (default 1000), `metrics` (comma list or repeated), filters `dim=v`, `dim!=v`, bare `dim`,
//!   `format`, `access_token` ([`query`], [`report`]).
//! - Representations: HAL JSON with string-valued numbers, CSV with a download file name,
//!   XML, HTML; negotiated by path extension, then `format=`, then `Accept` ([`render`]).
//! - Errors: 400/404/406 with a plain-text reason; 401 from [`check_bearer`] (the token comes
//!   from `Authorization: Bearer` or `access_token`). The fault switches apply as for every
//!   route of the fake.
//!
//! Time values (`year` … `minute`) are UTC and never zero padded (`"month": "7"`), as the
//! reference gives their ranges (`month` 1–12, `day` 1–31).
//!
//! [`check_bearer`]: super::check_bearer

pub mod bulk;
pub mod dataset;
pub mod query;
pub mod render;
pub mod report;
pub mod schema;
pub mod tree;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};

pub use bulk::{hal_report_json, write_hal_report, BULK_DEFAULT_PATH};
pub use dataset::{
    active_users, dataset, dataset_for_seed, AppId, Base, Dataset, Leaf, DEFAULT_SEED, MVPDS,
    PLATFORMS, TENANTS,
};
pub use query::{
    decode, encode, format_instant, parse_instant, parse_query, CmuError, CmuQuery, Filter, Filters,
};
pub use render::Format;
pub use report::{Link, Record, Report, RunOptions, DEFAULT_LIMIT, RETENTION_MONTHS};
pub use schema::{Dimension, Metric};
pub use tree::{parse_path, path_string, presets, tree, Preset, Tree, API_PREFIX};

use super::{check_bearer, ServerState};

/// The default of [`CmuConfig::max_rows`].
pub const DEFAULT_MAX_ROWS: usize = 100_000;

/// Settings of the fake's CMU API (a field of `FakeServerConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmuConfig {
    /// The seed of the synthetic data. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// Queries that could produce more rows than this (before `limit`) answer 400 "query too
    /// large". Default 100 000.
    pub max_rows: usize,
    /// A fixed "now" (end of the data, anchor of default windows) for reproducible demos and
    /// tests; `None` follows the real clock.
    pub now: Option<DateTime<Utc>>,
}

impl Default for CmuConfig {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            max_rows: DEFAULT_MAX_ROWS,
            now: None,
        }
    }
}

/// The CMU routes: everything under `/cmu`, so that unknown paths there get the API's own
/// plain-text 404 (after authentication, like the real service).
pub(crate) fn routes() -> Router<ServerState> {
    Router::new()
        .route("/cmu", get(handle))
        .route("/cmu/{*rest}", get(handle))
}

const TEXT: &str = "text/plain;charset=utf-8";

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, TEXT)],
        format!("{message}\n"),
    )
        .into_response()
}

fn error_response(error: &CmuError) -> Response {
    let status = match error {
        CmuError::BadRequest(_) => StatusCode::BAD_REQUEST,
        CmuError::NotFound(_) => StatusCode::NOT_FOUND,
        CmuError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
    };
    plain(status, &error.to_string())
}

async fn handle(State(state): State<ServerState>, uri: Uri, headers: HeaderMap) -> Response {
    let raw_query = uri.query().unwrap_or("").to_owned();
    let token = query::access_token_of(&raw_query);
    if let Err(unauthorized) = check_bearer(&state, &headers, token.as_deref()) {
        return unauthorized;
    }
    let config = state.config().cmu.clone();
    let path = uri.path().to_owned();
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Year-long reports take a moment in debug builds: keep them off the async workers.
    let answer =
        tokio::task::spawn_blocking(move || answer(&config, &path, &raw_query, accept.as_deref()))
            .await;
    answer.unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"))
}

/// Splits a request path into the report path and its extension (`/cmu/v2/year/month.csv` →
/// `/cmu/v2/year/month`, `csv`).
fn split_extension(path: &str) -> (&str, Option<&str>) {
    let last_slash = path.rfind('/').unwrap_or(0);
    match path[last_slash..].rfind('.') {
        Some(dot) => {
            let dot = last_slash + dot;
            (&path[..dot], Some(&path[dot + 1..]))
        }
        None => (path, None),
    }
}

/// Picks the representation: path extension, then `format=`, then `Accept`; JSON by default.
pub fn negotiate(
    extension: Option<&str>,
    format: Option<&str>,
    accept: Option<&str>,
) -> Result<Format, CmuError> {
    let offered = "this resource is offered as json, csv, xml and html";
    if let Some(ext) = extension {
        return Format::parse(ext).ok_or_else(|| {
            CmuError::NotAcceptable(format!(
                "Not acceptable: unsupported extension '.{ext}'; {offered}."
            ))
        });
    }
    if let Some(f) = format {
        return Format::parse(f).ok_or_else(|| {
            CmuError::NotAcceptable(format!(
                "Not acceptable: unsupported format '{f}'; {offered}."
            ))
        });
    }
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(Format::Json);
    };
    // Media ranges by decreasing quality; ties keep the header's order.
    let mut ranges: Vec<(u32, String)> = accept
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let mut quality = 1000u32;
            for p in parts {
                if let Some((k, v)) = p.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("q") {
                        quality = v
                            .trim()
                            .parse::<f32>()
                            .map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0) as u32);
                    }
                }
            }
            (quality > 0 && !media.is_empty()).then_some((quality, media))
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, media) in &ranges {
        let format = match media.as_str() {
            "application/json" | "application/hal+json" | "application/*" | "*/*" => {
                Some(Format::Json)
            }
            "text/csv" | "application/csv" | "text/*" => Some(Format::Csv),
            "application/xml" | "text/xml" | "application/hal+xml" => Some(Format::Xml),
            "text/html" | "application/xhtml+xml" => Some(Format::Html),
            _ => None,
        };
        if let Some(f) = format {
            return Ok(f);
        }
    }
    Err(CmuError::NotAcceptable(format!(
        "Not acceptable: nothing in Accept: {accept}; {offered}."
    )))
}

/// The whole answer to one authenticated request (blocking: computes the report).
fn answer(config: &CmuConfig, path: &str, raw_query: &str, accept: Option<&str>) -> Response {
    match try_answer(config, path, raw_query, accept) {
        Ok(response) => response,
        Err(error) => error_response(&error),
    }
}

fn try_answer(
    config: &CmuConfig,
    path: &str,
    raw_query: &str,
    accept: Option<&str>,
) -> Result<Response, CmuError> {
    let not_found = || CmuError::NotFound(format!("Not found: no report at {path}"));
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let (report_path, extension) = split_extension(trimmed);
    let rest = report_path.strip_prefix(API_PREFIX).ok_or_else(not_found)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Err(not_found());
    }
    let dims = parse_path(rest)
        .filter(|d| tree().contains(d))
        .ok_or_else(not_found)?;
    let query = parse_query(raw_query)?;
    let format = negotiate(extension, query.format.as_deref(), accept)?;
    let data = dataset_for_seed(config.seed);
    let options = RunOptions {
        now: config.now.unwrap_or_else(Utc::now),
        max_rows: config.max_rows,
    };
    let report = data.report(&dims, &query, options)?;
    let body = format.render(&report);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if format == Format::Csv {
        if let Ok(value) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{}\"",
            report.csv_file_name()
        )) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_split() {
        assert_eq!(
            split_extension("/cmu/v2/year/month.csv"),
            ("/cmu/v2/year/month", Some("csv"))
        );
        assert_eq!(split_extension("/cmu/v2.xml"), ("/cmu/v2", Some("xml")));
        assert_eq!(split_extension("/cmu/v2/year"), ("/cmu/v2/year", None));
        assert_eq!(split_extension(""), ("", None));
    }

    #[test]
    fn negotiation_precedence() {
        use Format::*;
        assert_eq!(
            negotiate(Some("csv"), Some("xml"), Some("text/html")),
            Ok(Csv)
        );
        assert_eq!(negotiate(None, Some("XML"), Some("text/html")), Ok(Xml));
        assert_eq!(negotiate(None, None, Some("text/html")), Ok(Html));
        assert_eq!(negotiate(None, None, None), Ok(Json));
        assert_eq!(negotiate(None, None, Some("*/*")), Ok(Json));
        assert_eq!(
            negotiate(
                None,
                None,
                Some("text/plain;q=1, text/csv;q=0.5, application/json;q=0.9")
            ),
            Ok(Json)
        );
        assert_eq!(
            negotiate(None, None, Some("application/json;q=0, text/csv")),
            Ok(Csv)
        );
        for bad in [
            negotiate(Some("txt"), None, None),
            negotiate(None, Some("pdf"), None),
            negotiate(None, None, Some("text/plain")),
            negotiate(None, None, Some("image/png;q=x")),
        ] {
            assert!(matches!(bad, Err(CmuError::NotAcceptable(_))));
        }
    }

    #[test]
    fn answers_never_panic_on_odd_paths_and_queries() {
        let config = CmuConfig {
            now: "2026-11-20T15:00:00Z".parse().ok(),
            ..CmuConfig::default()
        };
        for (path, query) in [
            ("/cmu", ""),
            ("/cmu/", ""),
            ("/cmu/v2/", "start=2026-11-19"),
            ("/cmu/v2x", ""),
            ("/cmu/v2/year/month.", ""),
            ("/cmu/v2/.csv", ""),
            ("/cmu/v2/year//month", "start=2026-11"),
            ("/cmu/v2/year/month", "start=%ff%fe&end=%"),
            ("/cmu/v2/year/month", "limit=99999999999999999999999"),
            ("/cmu/v2/year/month", "start=9999-12-31T23:59:59Z"),
            (
                "/cmu/v2/year/month",
                "start=1970&end=9999-12-31T23:59:59+23:59",
            ),
            (
                "/cmu/v2/tenant/year/month/day/hour/minute",
                "start=1970&end=9999",
            ),
            (
                "/cmu/v2/year/month/day/activity-level",
                "start=1970&end=9999",
            ),
            ("/cmu/v2/year/month", "&&=&!=&%21=x"),
        ] {
            let _ = answer(&config, path, query, Some("*/*;q=abc"));
        }
    }
}
