//! The concurrency-limit "what if": given a `concurrency-level` (or `activity-level`) histogram,
//! how many users would a stream limit of N have stopped?
//!
//! # What "hit the limit" means
//!
//! A row of the histogram says: `users` accounts reached at most `level` simultaneous streams
//! in the period. Under a limit of N streams:
//!
//! - users at a level **greater than N** would have been **denied a stream at least once**
//!   (they tried to open stream N + 1 while N were playing): they are "over the limit";
//! - users **exactly at N** used all of their allowance and were never denied: they are "at the
//!   limit", the ones a stricter limit would hit next;
//! - users below N were unaffected.
//!
//! Shares are fractions of all users in the histogram (0.0 to 1.0). When the report spans
//! several periods (a monthly histogram over three months) the rows of each level are summed,
//! so a user counts once per period. Rows whose level is not a whole number (an optional
//! trailing `+`, as in `10+`, is read as that level), or whose `users` value is missing,
//! negative or not finite, are left out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::data::{LimitMarker, Mark, Model, ModelSeries, XDomain, NO_DATA};
use super::style::{self, AT_LIMIT_COLOR, OVER_COLOR, WITHIN_COLOR};
use super::{ChartSpec, LEVEL_DIMENSIONS};
use crate::report::ReportTable;
use crate::Error;

/// The largest limit [`what_if_table`] lists: real concurrency levels are small, and a bogus
/// level must not make a billion-row table.
pub const MAX_TABLE_LIMIT: u64 = 1000;

/// One level of the histogram under a limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfRow {
    /// Concurrency (or activity) level.
    pub level: u64,
    /// Users at that level (summed over the report's periods).
    pub users: f64,
    /// Whether the level is above the limit: these users would have been denied a stream.
    pub over: bool,
    /// Whether the level equals the limit: these users used their whole allowance.
    pub at_limit: bool,
}

/// The effect of one stream limit. See the module documentation for the exact meaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// The limit N (streams per user).
    pub limit: u32,
    /// The histogram dimension used (`concurrency-level` or `activity-level`).
    pub dimension: String,
    /// All users in the histogram.
    pub total_users: f64,
    /// Users at a level above N: denied a stream at least once.
    pub users_over_limit: f64,
    /// `users_over_limit / total_users` (0 when there are no users).
    pub share_over_limit: f64,
    /// Users exactly at level N: used every stream they were allowed.
    pub users_at_limit: f64,
    /// `users_at_limit / total_users` (0 when there are no users).
    pub share_at_limit: f64,
    /// The histogram, by ascending level.
    pub rows: Vec<WhatIfRow>,
}

/// The summary of one limit, a row of [`what_if_table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfLimit {
    /// The limit N.
    pub limit: u32,
    /// Users above N.
    pub users_over_limit: f64,
    /// Their share of all users.
    pub share_over_limit: f64,
    /// Users exactly at N.
    pub users_at_limit: f64,
    /// Their share of all users.
    pub share_at_limit: f64,
}

/// The histogram of a level report: level → users, with the dimension it came from.
struct Histogram {
    dimension: String,
    levels: BTreeMap<u64, f64>,
    total: f64,
}

/// Reads `10`, ` 3 ` and `10+` as levels.
fn parse_level(text: &str) -> Option<u64> {
    let t = text.trim();
    t.strip_suffix('+').unwrap_or(t).trim().parse().ok()
}

fn histogram(table: &ReportTable, dimension: Option<&str>) -> Result<Histogram, Error> {
    let dimension = match dimension {
        Some(d) => d.to_string(),
        None => LEVEL_DIMENSIONS
            .iter()
            .find(|d| table.dimension(d).is_some())
            .map(|d| d.to_string())
            .ok_or_else(|| {
                Error::InvalidInput(
                    "the what-if view needs a concurrency-level or activity-level report \
                     (for example /cmu/v2/year/month/concurrency-level)"
                        .to_string(),
                )
            })?,
    };
    let mut levels = BTreeMap::new();
    let mut total = 0.0;
    if table.is_empty() {
        return Ok(Histogram {
            dimension,
            levels,
            total,
        });
    }
    let col = table.dimension(&dimension).ok_or_else(|| {
        Error::InvalidInput(format!(
            "the report has no \"{dimension}\" column for the what-if view"
        ))
    })?;
    let users = table.metric_values("users").ok_or_else(|| {
        Error::InvalidInput(
            "the what-if view needs the \"users\" metric of a level report".to_string(),
        )
    })?;
    for (row, &u) in users.iter().enumerate() {
        if !u.is_finite() || u < 0.0 {
            continue;
        }
        let Some(level) = col.value(row).and_then(parse_level) else {
            continue;
        };
        *levels.entry(level).or_insert(0.0) += u;
        total += u;
    }
    Ok(Histogram {
        dimension,
        levels,
        total,
    })
}

fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 && total.is_finite() {
        (part / total).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn evaluate(h: &Histogram, limit: u32) -> WhatIf {
    let n = u64::from(limit);
    let summary = evaluate_summary(h, limit);
    WhatIf {
        limit,
        dimension: h.dimension.clone(),
        total_users: h.total,
        users_over_limit: summary.users_over_limit,
        share_over_limit: summary.share_over_limit,
        users_at_limit: summary.users_at_limit,
        share_at_limit: summary.share_at_limit,
        rows: h
            .levels
            .iter()
            .map(|(&level, &users)| WhatIfRow {
                level,
                users,
                over: level > n,
                at_limit: level == n,
            })
            .collect(),
    }
}

/// The effect of a limit of `limit` streams per user on a level report (see the module
/// documentation). `limit` must be at least 1. An empty report gives zeros.
pub fn what_if(table: &ReportTable, limit: u32) -> Result<WhatIf, Error> {
    check_limit(limit)?;
    Ok(evaluate(&histogram(table, None)?, limit))
}

/// [`what_if`] for every limit from 1 to the highest level in the report (at most
/// [`MAX_TABLE_LIMIT`]): the table an analyst reads to choose a limit. Empty for an empty
/// report.
pub fn what_if_table(table: &ReportTable) -> Result<Vec<WhatIfLimit>, Error> {
    let h = histogram(table, None)?;
    let max = h
        .levels
        .keys()
        .next_back()
        .copied()
        .unwrap_or(0)
        .min(MAX_TABLE_LIMIT);
    let mut out = Vec::new();
    for n in 1..=max {
        let Ok(limit) = u32::try_from(n) else { break };
        out.push(evaluate_summary(&h, limit));
    }
    Ok(out)
}

fn evaluate_summary(h: &Histogram, limit: u32) -> WhatIfLimit {
    let n = u64::from(limit);
    let over: f64 = h.levels.range(n.saturating_add(1)..).map(|(_, u)| u).sum();
    let at = h.levels.get(&n).copied().unwrap_or(0.0);
    WhatIfLimit {
        limit,
        users_over_limit: over,
        share_over_limit: share(over, h.total),
        users_at_limit: at,
        share_at_limit: share(at, h.total),
    }
}

fn check_limit(limit: u32) -> Result<(), Error> {
    if limit == 0 {
        return Err(Error::InvalidInput(
            "the stream limit must be 1 or more".to_string(),
        ));
    }
    Ok(())
}

/// `0.03125` → `3.1%`; tiny non-zero shares read `<0.1%` rather than `0.0%`.
pub fn format_share(share: f64) -> String {
    if share > 0.0 && share < 0.0005 {
        "<0.1%".to_string()
    } else {
        format!("{:.1}%", share * 100.0)
    }
}

fn streams(n: u64, dimension: &str) -> String {
    if dimension == "concurrency-level" {
        format!("{n} stream{}", if n == 1 { "" } else { "s" })
    } else {
        n.to_string()
    }
}

/// Fills the drawing model of the what-if chart: bars of users per level, coloured below / at
/// / over the limit, with the limit drawn as a dashed line and a one-line summary.
pub(super) fn fill_model(
    table: &ReportTable,
    spec: &ChartSpec,
    dimension: &str,
    model: &mut Model,
) -> Result<(), Error> {
    let limit = spec.limit.ok_or_else(|| {
        Error::InvalidInput("choose a stream limit (1 or more) for the what-if chart".to_string())
    })?;
    check_limit(limit)?;
    let h = histogram(table, Some(dimension))?;
    let w = evaluate(&h, limit);
    let n = u64::from(limit);

    model.mark = Mark::Bars {
        stacked: true,
        touching: true,
    };
    model.x_label = match dimension {
        "concurrency-level" => "Concurrency level (simultaneous streams per user)".to_string(),
        other => style::dimension_label(other),
    };
    model.y_label = "Users".to_string();

    let levels: Vec<u64> = match (h.levels.keys().next(), h.levels.keys().next_back()) {
        // Empty levels stay as gaps, so the shape is honest, unless the range is absurd.
        (Some(&lo), Some(&hi)) if hi - lo < 200 => (lo..=hi).collect(),
        _ => h.levels.keys().copied().collect(),
    };
    let mut below = vec![f64::NAN; levels.len()];
    let mut at = vec![f64::NAN; levels.len()];
    let mut over = vec![f64::NAN; levels.len()];
    for (i, level) in levels.iter().enumerate() {
        let Some(&users) = h.levels.get(level) else {
            continue;
        };
        let target = match level.cmp(&n) {
            std::cmp::Ordering::Less => &mut below,
            std::cmp::Ordering::Equal => &mut at,
            std::cmp::Ordering::Greater => &mut over,
        };
        if let Some(slot) = target.get_mut(i) {
            *slot = users;
        }
    }
    let series = |name: String, color, values: Vec<f64>| {
        let total = values.iter().filter(|v| v.is_finite()).sum();
        ModelSeries {
            name,
            color,
            values,
            total,
            hidden: false,
        }
    };
    model.series = vec![
        series("Below the limit".to_string(), WITHIN_COLOR, below),
        series(
            format!("At the limit ({})", streams(n, dimension)),
            AT_LIMIT_COLOR,
            at,
        ),
        series("Over the limit (denied)".to_string(), OVER_COLOR, over),
    ];
    model.limit = Some(LimitMarker {
        after_bands: levels.iter().filter(|&&l| l <= n).count(),
        label: format!("Limit: {}", streams(n, dimension)),
    });
    model.x = XDomain::Bands {
        labels: levels.iter().map(u64::to_string).collect(),
        times: None,
    };
    model.note = Some(format!(
        "A limit of {}: {} users ({}) would have been denied a stream at least once; \
         {} ({}) used all {n}.",
        streams(n, dimension),
        style::format_value(w.users_over_limit),
        format_share(w.share_over_limit),
        style::format_value(w.users_at_limit),
        format_share(w.share_at_limit),
    ));
    if h.levels.is_empty() {
        model.message = Some(NO_DATA.to_string());
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse() {
        assert_eq!(parse_level("3"), Some(3));
        assert_eq!(parse_level(" 10+ "), Some(10));
        assert_eq!(parse_level("many"), None);
        assert_eq!(format_share(0.03125), "3.1%");
        assert_eq!(format_share(0.0001), "<0.1%");
        assert_eq!(format_share(0.0), "0.0%");
    }
}
