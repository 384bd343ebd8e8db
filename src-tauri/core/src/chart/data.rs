//! From a report table and a spec to what gets drawn: aligned series, the x domain, labels and
//! colours. No drawing here, so the rules (folding, ordering, wording) are testable alone.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDateTime;
use plotters::style::RGBColor;

use super::style::{self, OTHER_COLOR, PALETTE};
use super::{whatif, ChartContext, ChartKind, ChartSpec, LegendPosition, Theme, XAxis};
use super::{LEVEL_DIMENSIONS, MAX_PIXELS, MAX_SIZE, MIN_SIZE};
use crate::report::{Granularity, ReportTable};
use crate::Error;

/// The message drawn when there is nothing to plot.
pub const NO_DATA: &str = "No data for this period";

/// Values beyond this are clamped, so sums and pixel maths stay finite.
const VALUE_LIMIT: f64 = 1e300;

/// The x axis of a model.
#[derive(Debug, Clone, PartialEq)]
pub enum XDomain {
    /// Continuous time: one position per timestamp, ticks on calendar boundaries.
    Time {
        /// Distinct timestamps, ascending.
        ts: Vec<NaiveDateTime>,
        /// Their unit.
        granularity: Granularity,
    },
    /// Equal bands, one per label.
    Bands {
        /// Tick labels (short).
        labels: Vec<String>,
        /// When the bands are periods: their start and unit, for date-style labels.
        times: Option<(Vec<NaiveDateTime>, Granularity)>,
    },
}

impl XDomain {
    /// Number of x positions.
    pub fn len(&self) -> usize {
        match self {
            XDomain::Time { ts, .. } => ts.len(),
            XDomain::Bands { labels, .. } => labels.len(),
        }
    }

    /// The full label of position `i` for tooltips.
    pub fn hover_label(&self, i: usize) -> String {
        match self {
            XDomain::Time { ts, granularity } => ts
                .get(i)
                .map(|t| style::period_label(*t, *granularity))
                .unwrap_or_default(),
            XDomain::Bands {
                labels,
                times: Some((ts, g)),
            } => ts
                .get(i)
                .map(|t| style::period_label(*t, *g))
                .or_else(|| labels.get(i).cloned())
                .unwrap_or_default(),
            XDomain::Bands { labels, .. } => labels.get(i).cloned().unwrap_or_default(),
        }
    }
}

/// How series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Lines (markers when points are few).
    Line,
    /// Stacked filled areas.
    Area,
    /// Bars; `stacked` or side by side; `touching` for histograms.
    Bars {
        /// Stack the series within a band.
        stacked: bool,
        /// Narrow gaps between bands (histograms).
        touching: bool,
    },
}

/// One series, aligned to the x domain.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSeries {
    /// Legend label.
    pub name: String,
    /// Colour.
    pub color: RGBColor,
    /// One value per x position; NaN where the report has none.
    pub values: Vec<f64>,
    /// Sum of the finite values.
    pub total: f64,
    /// Switched off by the user: kept for its name and colour only.
    pub hidden: bool,
}

/// The dashed stream-limit line of the what-if chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitMarker {
    /// The line goes right after this many bands (0: at the left edge).
    pub after_bands: usize,
    /// Text next to the line.
    pub label: String,
}

/// Everything the renderer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Title.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Extra line under the subtitle (what-if summary, truncation warning).
    pub note: Option<String>,
    /// Source line at the bottom.
    pub footer: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// X domain.
    pub x: XDomain,
    /// How to draw.
    pub mark: Mark,
    /// Series in legend order.
    pub series: Vec<ModelSeries>,
    /// What-if limit line.
    pub limit: Option<LimitMarker>,
    /// Drawn instead of data when set.
    pub message: Option<String>,
    /// Theme.
    pub theme: Theme,
    /// Legend placement.
    pub legend: LegendPosition,
}

/// Checks the parts of a spec that do not depend on the data.
pub fn check_size(width: u32, height: u32, scale: f64) -> Result<(), Error> {
    if !(MIN_SIZE.0..=MAX_SIZE.0).contains(&width) || !(MIN_SIZE.1..=MAX_SIZE.1).contains(&height) {
        return Err(Error::InvalidInput(format!(
            "chart size {width}x{height} is out of range: use {}x{} to {}x{} pixels",
            MIN_SIZE.0, MIN_SIZE.1, MAX_SIZE.0, MAX_SIZE.1
        )));
    }
    if !scale.is_finite() || !(0.5..=4.0).contains(&scale) {
        return Err(Error::InvalidInput(format!(
            "chart scale {scale} is out of range: use 1 (screen) to 4; 2 is for slides"
        )));
    }
    let pixels = (f64::from(width) * scale).round() * (f64::from(height) * scale).round();
    if pixels > MAX_PIXELS as f64 {
        return Err(Error::InvalidInput(format!(
            "a {width}x{height} chart at scale {scale} is too large to draw: lower the size or the scale"
        )));
    }
    Ok(())
}

/// The title derived from the report and the spec: "Daily active sessions by MVPD",
/// "Users by concurrency level", "What if the stream limit were 3?".
pub fn default_title(table: &ReportTable, spec: &ChartSpec) -> String {
    let metrics = resolved_metrics(table, spec);
    if spec.kind == ChartKind::WhatIf {
        return match spec.limit {
            Some(n) => format!(
                "What if the stream limit were {n}? Users by {}",
                style::lower_first(&style::dimension_label(&level_dimension(table, spec)))
            ),
            None => "What if: users over a stream limit".to_string(),
        };
    }
    let what = match metrics.as_slice() {
        [] => "Usage".to_string(),
        [one] => style::metric_label(one),
        [a, b] => format!(
            "{} and {}",
            style::metric_label(a),
            style::lower_first(&style::metric_label(b))
        ),
        _ => "Usage metrics".to_string(),
    };
    let by_series = spec
        .series_by
        .as_deref()
        .map(|d| style::lower_first(&style::dimension_label(d)));
    match &spec.x {
        XAxis::Time => {
            let g = effective_granularity(table, spec);
            let base = match style::granularity_adjective(g) {
                Some(adj) => format!("{adj} {}", style::lower_first(&what)),
                None => what,
            };
            match by_series {
                Some(s) => format!("{base} by {s}"),
                None => base,
            }
        }
        XAxis::Category { dimension } => {
            let cat = style::lower_first(&style::dimension_label(dimension));
            match by_series {
                Some(s) => format!("{what} by {cat} and {s}"),
                None => format!("{what} by {cat}"),
            }
        }
    }
}

/// The metrics the chart plots: the spec's, or the report's first.
fn resolved_metrics(table: &ReportTable, spec: &ChartSpec) -> Vec<String> {
    if !spec.metrics.is_empty() {
        return spec.metrics.clone();
    }
    if matches!(spec.kind, ChartKind::Histogram | ChartKind::WhatIf)
        && table.metric("users").is_some()
    {
        return vec!["users".to_string()];
    }
    table
        .metrics()
        .first()
        .map(|m| m.name().to_string())
        .or_else(|| table.query().metrics.first().cloned())
        .into_iter()
        .collect()
}

/// The time unit drawn: the spec's when it is coarser than the report's.
fn effective_granularity(table: &ReportTable, spec: &ChartSpec) -> Granularity {
    let own = table.granularity();
    match spec.granularity {
        Some(g) if g != Granularity::None && (own == Granularity::None || g < own) => g,
        _ => own,
    }
}

/// The level dimension of a what-if chart.
fn level_dimension(table: &ReportTable, spec: &ChartSpec) -> String {
    if let XAxis::Category { dimension } = &spec.x {
        return dimension.clone();
    }
    LEVEL_DIMENSIONS
        .iter()
        .find(|d| table.dimension(d).is_some() || table.path().iter().any(|p| p == *d))
        .unwrap_or(&LEVEL_DIMENSIONS[0])
        .to_string()
}

/// Builds the drawing model.
pub fn build(table: &ReportTable, spec: &ChartSpec, ctx: &ChartContext) -> Result<Model, Error> {
    let title = match spec.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => default_title(table, spec),
    };
    let subtitle = if ctx.subtitle.trim().is_empty() {
        match (table.start(), table.end()) {
            (Some(s), Some(e)) => {
                format!("{} to {}", super::short_instant(s), super::short_instant(e))
            }
            _ => String::new(),
        }
    } else {
        ctx.subtitle.trim().to_string()
    };
    let source = if ctx.source_path.trim().is_empty() {
        table.query().path_string()
    } else {
        ctx.source_path.trim().to_string()
    };
    let footer = if ctx.generated_at.trim().is_empty() {
        format!("Source: Adobe Pass CMU, {source}")
    } else {
        format!(
            "Source: Adobe Pass CMU, {source}, generated {}",
            ctx.generated_at.trim()
        )
    };
    let mut model = Model {
        title,
        subtitle,
        note: table.truncation_warning(),
        footer,
        x_label: String::new(),
        y_label: String::new(),
        x: XDomain::Bands {
            labels: Vec::new(),
            times: None,
        },
        mark: Mark::Line,
        series: Vec::new(),
        limit: None,
        message: None,
        theme: spec.theme,
        legend: spec.legend,
    };

    if spec.kind == ChartKind::WhatIf {
        whatif::fill_model(table, spec, &level_dimension(table, spec), &mut model)?;
        hide_series(spec, &mut model);
        return Ok(model);
    }

    let metrics = resolved_metrics(table, spec);
    model.mark = match spec.kind {
        ChartKind::Line => Mark::Line,
        ChartKind::StackedArea => Mark::Area,
        ChartKind::Bar => Mark::Bars {
            stacked: false,
            touching: false,
        },
        ChartKind::StackedBar => Mark::Bars {
            stacked: true,
            touching: false,
        },
        ChartKind::Histogram | ChartKind::WhatIf => Mark::Bars {
            stacked: false,
            touching: true,
        },
    };
    model.y_label = y_label(&metrics, &spec.x, effective_granularity(table, spec));
    model.x_label = match &spec.x {
        XAxis::Time => time_label(effective_granularity(table, spec)).to_string(),
        XAxis::Category { dimension } => category_label(dimension),
    };
    if table.is_empty() {
        model.message = Some(NO_DATA.to_string());
        return Ok(model);
    }
    if metrics.is_empty() {
        model.message = Some("This report has no metrics to chart".to_string());
        return Ok(model);
    }
    for m in &metrics {
        if table.metric(m).is_none() {
            let have: Vec<&str> = table.metrics().iter().map(|c| c.name()).collect();
            return Err(Error::InvalidInput(format!(
                "the report has no metric \"{m}\"; it has: {}",
                if have.is_empty() {
                    "none".to_string()
                } else {
                    have.join(", ")
                }
            )));
        }
    }
    if metrics.len() > style::MAX_SERIES && spec.series_by.is_none() {
        return Err(Error::InvalidInput(format!(
            "a chart shows at most {} metrics at once; choose fewer",
            style::MAX_SERIES
        )));
    }
    if let Some(d) = &spec.series_by {
        check_dimension(table, d, "series")?;
    }

    let (x, raw) = match &spec.x {
        XAxis::Time => time_series(table, spec, &metrics)?,
        XAxis::Category { dimension } => category_series(table, spec, &metrics, dimension)?,
    };
    let fold = spec.series_by.is_some();
    let series = fold_top_n(raw, spec.top_n, fold);
    let single_histogram = spec.kind == ChartKind::Histogram && series.len() == 1;
    model.series = series
        .into_iter()
        .enumerate()
        .map(|(i, (name, values, other))| {
            let color = if other {
                OTHER_COLOR
            } else {
                PALETTE.get(i).copied().unwrap_or(OTHER_COLOR)
            };
            let total = values.iter().filter(|v| v.is_finite()).sum();
            ModelSeries {
                name,
                color,
                values,
                total,
                hidden: false,
            }
        })
        .collect();
    if single_histogram && model.legend == LegendPosition::Auto {
        // One bar colour named by the y axis already: a legend would only repeat it.
        model.legend = LegendPosition::Hidden;
    }
    // Bars over time are drawn on bands labelled with dates.
    model.x = match (x, spec.kind.is_bar()) {
        (XDomain::Time { ts, granularity }, true) => XDomain::Bands {
            labels: ts
                .iter()
                .map(|t| style::period_label(*t, granularity))
                .collect(),
            times: Some((ts, granularity)),
        },
        (x, _) => x,
    };
    if model.x.len() == 0
        || model
            .series
            .iter()
            .all(|s| s.values.iter().all(|v| !v.is_finite()))
    {
        model.message = Some(NO_DATA.to_string());
    }
    hide_series(spec, &mut model);
    Ok(model)
}

/// Flags the series the user switched off, after colours were given out (so none shifts).
fn hide_series(spec: &ChartSpec, model: &mut Model) {
    if spec.hidden_series.is_empty() {
        return;
    }
    for s in &mut model.series {
        s.hidden = spec.hidden_series.contains(&s.name);
    }
    if model.message.is_none() && !model.series.is_empty() && model.series.iter().all(|s| s.hidden)
    {
        model.message = Some("Every series is switched off".to_string());
    }
}

fn check_dimension(table: &ReportTable, name: &str, role: &str) -> Result<(), Error> {
    if table.dimension(name).is_some() {
        return Ok(());
    }
    let have: Vec<&str> = table
        .dimensions()
        .iter()
        .filter(|d| !d.is_time())
        .map(|d| d.name())
        .collect();
    Err(Error::InvalidInput(format!(
        "the report has no dimension \"{name}\" to use as the {role}; it has: {}",
        if have.is_empty() {
            "none".to_string()
        } else {
            have.join(", ")
        }
    )))
}

fn time_label(g: Granularity) -> &'static str {
    match g {
        Granularity::Year => "Year",
        Granularity::Month => "Month",
        Granularity::Day | Granularity::None => "Date",
        Granularity::Hour | Granularity::Minute => "Time",
    }
}

fn category_label(dimension: &str) -> String {
    match dimension {
        "concurrency-level" => "Concurrency level (simultaneous streams per user)".to_string(),
        other => style::dimension_label(other),
    }
}

fn y_label(metrics: &[String], x: &XAxis, g: Granularity) -> String {
    let base = match metrics {
        [one] => style::metric_label(one),
        many => {
            let unit = many
                .first()
                .map(|m| style::metric_unit(m))
                .unwrap_or("count");
            if many.iter().all(|m| style::metric_unit(m) == unit) {
                style::sentence_case(unit)
            } else {
                "Count".to_string()
            }
        }
    };
    match x {
        XAxis::Time if g != Granularity::None => {
            format!("{base} per {}", style::granularity_noun(g))
        }
        _ => base,
    }
}

/// Raw series before folding: name, values aligned to x.
type RawSeries = Vec<(String, Vec<f64>)>;

fn clamp(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(-VALUE_LIMIT, VALUE_LIMIT)
    } else {
        f64::NAN
    }
}

fn series_name(label: &str, metric: &str, metrics: usize) -> String {
    let label = if label.is_empty() { "(none)" } else { label };
    if metrics > 1 {
        format!("{label} · {}", style::metric_label(metric))
    } else {
        label.to_string()
    }
}

fn time_series(
    table: &ReportTable,
    spec: &ChartSpec,
    metrics: &[String],
) -> Result<(XDomain, RawSeries), Error> {
    let g = effective_granularity(table, spec);
    if g == Granularity::None {
        return Err(Error::InvalidInput(
            "this report has no time columns: choose a category for the x axis".to_string(),
        ));
    }
    let mut named: Vec<(String, Vec<(NaiveDateTime, f64)>)> = Vec::new();
    for m in metrics {
        match &spec.series_by {
            None => {
                let points = table.sum_by_time(m, g).unwrap_or_default();
                named.push((style::metric_label(m), points));
            }
            Some(d) => {
                for s in table.series_by(d, m, g).unwrap_or_default() {
                    if !s.points.is_empty() {
                        named.push((series_name(&s.label, m, metrics.len()), s.points));
                    }
                }
            }
        }
    }
    let mut ts: Vec<NaiveDateTime> = named
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(t, _)| *t))
        .collect();
    ts.sort_unstable();
    ts.dedup();
    let raw = named
        .into_iter()
        .map(|(name, points)| {
            let mut values = vec![f64::NAN; ts.len()];
            for (t, v) in points {
                if let Some(x) = ts.binary_search(&t).ok().and_then(|i| values.get_mut(i)) {
                    *x = clamp(v);
                }
            }
            (name, values)
        })
        .collect();
    Ok((XDomain::Time { ts, granularity: g }, raw))
}

/// Whole-number levels ("3", "10") sort numerically; anything else by total, largest first.
fn category_series(
    table: &ReportTable,
    spec: &ChartSpec,
    metrics: &[String],
    dimension: &str,
) -> Result<(XDomain, RawSeries), Error> {
    check_dimension(table, dimension, "x axis")?;
    let Some(cat) = table.dimension(dimension) else {
        return Ok((
            XDomain::Bands {
                labels: Vec::new(),
                times: None,
            },
            Vec::new(),
        ));
    };
    let ser = spec.series_by.as_deref().and_then(|d| table.dimension(d));
    // (series id, metric index) → (category id → sum)
    let mut sums: HashMap<(u32, usize), HashMap<u32, f64>> = HashMap::new();
    let mut order: Vec<(u32, usize)> = Vec::new();
    for (mi, m) in metrics.iter().enumerate() {
        let Some(values) = table.metric_values(m) else {
            continue;
        };
        for (row, &v) in values.iter().enumerate() {
            let (Some(c), true) = (cat.id(row), v.is_finite()) else {
                continue;
            };
            let s = match ser {
                Some(col) => match col.id(row) {
                    Some(id) => id,
                    None => continue,
                },
                None => 0,
            };
            let entry = sums.entry((s, mi)).or_insert_with(|| {
                order.push((s, mi));
                HashMap::new()
            });
            *entry.entry(c).or_insert(0.0) += clamp(v);
        }
    }
    // Category order.
    let mut cat_totals: HashMap<u32, f64> = HashMap::new();
    for per in sums.values() {
        for (&c, &v) in per {
            *cat_totals.entry(c).or_insert(0.0) += v;
        }
    }
    let label = |id: u32| {
        cat.dictionary()
            .get(id as usize)
            .cloned()
            .unwrap_or_default()
    };
    let mut cats: Vec<u32> = cat_totals.keys().copied().collect();
    let numeric: Option<Vec<i64>> = cats.iter().map(|&c| label(c).trim().parse().ok()).collect();
    let mut labels: Vec<String>;
    let mut index: HashMap<u32, usize> = HashMap::new();
    match numeric {
        Some(_) if !cats.is_empty() => {
            cats.sort_by_key(|&c| (label(c).trim().parse::<i64>().unwrap_or(0), c));
            let levels: Vec<i64> = cats
                .iter()
                .map(|&c| label(c).trim().parse::<i64>().unwrap_or(0))
                .collect();
            let (lo, hi) = (
                levels.first().copied().unwrap_or(0),
                levels.last().copied().unwrap_or(0),
            );
            // Histograms keep empty levels as gaps so the shape is honest, when that stays small.
            if spec.kind == ChartKind::Histogram && hi.saturating_sub(lo) < 200 && hi >= lo {
                labels = (lo..=hi).map(|l| l.to_string()).collect();
                for (&c, &l) in cats.iter().zip(&levels) {
                    index.insert(c, usize::try_from(l - lo).unwrap_or(0));
                }
            } else {
                labels = cats.iter().map(|&c| label(c).trim().to_string()).collect();
                for (i, &c) in cats.iter().enumerate() {
                    index.insert(c, i);
                }
            }
        }
        _ => {
            cats.sort_by(|a, b| {
                let (ta, tb) = (cat_totals[a], cat_totals[b]);
                tb.total_cmp(&ta).then_with(|| label(*a).cmp(&label(*b)))
            });
            labels = cats
                .iter()
                .map(|&c| {
                    let l = label(c);
                    if l.is_empty() {
                        "(none)".to_string()
                    } else {
                        l
                    }
                })
                .collect();
            for (i, &c) in cats.iter().enumerate() {
                index.insert(c, i);
            }
        }
    }
    let raw = order
        .into_iter()
        .map(|(s, mi)| {
            let metric = metrics.get(mi).map(String::as_str).unwrap_or_default();
            let name = match ser {
                Some(col) => series_name(
                    col.dictionary()
                        .get(s as usize)
                        .map(String::as_str)
                        .unwrap_or_default(),
                    metric,
                    metrics.len(),
                ),
                None => style::metric_label(metric),
            };
            let mut values = vec![f64::NAN; labels.len()];
            if let Some(per) = sums.get(&(s, mi)) {
                for (c, v) in per {
                    if let Some(slot) = index.get(c).and_then(|&i| values.get_mut(i)) {
                        *slot = *v;
                    }
                }
            }
            (name, values)
        })
        .collect();
    Ok((
        XDomain::Bands {
            labels: std::mem::take(&mut labels),
            times: None,
        },
        raw,
    ))
}

/// Keeps the `top_n` series with the largest totals (in that order) and sums the rest into
/// "Other". Without folding (series are metrics) the order is kept as given.
fn fold_top_n(raw: RawSeries, top_n: usize, fold: bool) -> Vec<(String, Vec<f64>, bool)> {
    let top_n = top_n.clamp(1, style::MAX_SERIES);
    if !fold {
        return raw.into_iter().map(|(n, v)| (n, v, false)).collect();
    }
    let total = |v: &[f64]| -> f64 { v.iter().filter(|x| x.is_finite()).sum() };
    let mut ranked: Vec<(f64, String, Vec<f64>)> =
        raw.into_iter().map(|(n, v)| (total(&v), n, v)).collect();
    ranked.sort_by(|a, b| match b.0.total_cmp(&a.0) {
        Ordering::Equal => a.1.cmp(&b.1),
        o => o,
    });
    if ranked.len() <= top_n {
        return ranked.into_iter().map(|(_, n, v)| (n, v, false)).collect();
    }
    let rest = ranked.split_off(top_n);
    let len = ranked.first().map(|(_, _, v)| v.len()).unwrap_or(0);
    let mut other = vec![f64::NAN; len];
    for (_, _, v) in &rest {
        for (o, x) in other.iter_mut().zip(v) {
            if x.is_finite() {
                *o = if o.is_finite() { clamp(*o + x) } else { *x };
            }
        }
    }
    let mut out: Vec<_> = ranked.into_iter().map(|(_, n, v)| (n, v, false)).collect();
    out.push((format!("Other ({})", rest.len()), other, true));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_smallest_series_into_other() {
        let raw: RawSeries = (0..5)
            .map(|i| (format!("s{i}"), vec![f64::from(i), f64::NAN, 1.0]))
            .collect();
        let out = fold_top_n(raw, 2, true);
        let names: Vec<_> = out.iter().map(|(n, _, o)| (n.as_str(), *o)).collect();
        assert_eq!(names, [("s4", false), ("s3", false), ("Other (3)", true)]);
        assert_eq!(out[2].1[0], 3.0);
        assert!(out[2].1[1].is_nan());
        assert_eq!(out[2].1[2], 3.0);
    }

    #[test]
    fn size_limits() {
        assert!(check_size(1600, 900, 2.0).is_ok());
        assert!(check_size(10, 900, 1.0).is_err());
        assert!(check_size(1600, 900, f64::NAN).is_err());
        assert!(check_size(8000, 8000, 4.0).is_err());
    }
}
