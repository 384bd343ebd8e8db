//! Charts of CMU reports: one plotters renderer that draws SVG for the app and PNG for export,
//! plus the hover data the UI needs to show values without a second chart library.
//!
//! A [`ChartSpec`] says what to draw (kind, metrics, x axis, series, size, theme); a
//! [`ChartContext`] says where the data came from (subtitle, source, generation time).
//! [`ChartSpec::default_for`] picks a sensible chart from a report's shape. Text is drawn with
//! DejaVu Sans embedded in the binary, so a PNG is identical on every machine and no system
//! font is needed. The concurrency-limit "what if" view lives in [`whatif`].

mod data;
mod render;
pub mod style;
pub mod whatif;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::{Granularity, ReportTable};
use crate::Error;

pub use whatif::{what_if, what_if_table, WhatIf, WhatIfLimit, WhatIfRow};

/// What kind of chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChartKind {
    /// One line per series.
    #[default]
    Line,
    /// Series stacked as filled areas (totals read off the top edge).
    StackedArea,
    /// Bars side by side within each x value.
    Bar,
    /// Bars stacked within each x value.
    StackedBar,
    /// Bars per level of a histogram report (`concurrency-level`, `activity-level`).
    Histogram,
    /// Users per concurrency level with a stream limit drawn in and the over-limit bars
    /// highlighted; needs [`ChartSpec::limit`]. See [`whatif`].
    WhatIf,
}

impl ChartKind {
    /// Whether this kind draws bars on bands rather than lines over a continuous axis.
    pub fn is_bar(self) -> bool {
        matches!(
            self,
            ChartKind::Bar | ChartKind::StackedBar | ChartKind::Histogram | ChartKind::WhatIf
        )
    }
}

/// What the x axis shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum XAxis {
    /// The report's time columns combined into dates.
    #[default]
    Time,
    /// The values of a dimension, such as `concurrency-level` or `mvpd`.
    Category {
        /// The dimension column.
        dimension: String,
    },
}

/// Colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Dark text on white (slides, print).
    #[default]
    Light,
    /// Light text on near-black (the app's dark mode).
    Dark,
}

/// Where the legend goes. It is always outside the plot area, so it never covers data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LegendPosition {
    /// Right of the plot on wide charts, below it on narrow ones.
    #[default]
    Auto,
    /// Right of the plot.
    Right,
    /// Below the x axis.
    Bottom,
    /// No legend.
    Hidden,
}

/// Default number of series shown before the rest are folded into "Other".
pub const DEFAULT_TOP_N: usize = 7;

/// Smallest and largest logical chart sizes accepted, in pixels.
pub const MIN_SIZE: (u32, u32) = (320, 200);
/// See [`MIN_SIZE`].
pub const MAX_SIZE: (u32, u32) = (8000, 8000);
/// Largest number of pixels drawn (width × scale × height × scale): about 64 megapixels.
pub const MAX_PIXELS: u64 = 64_000_000;

/// What to chart. Crosses to the UI as camelCase JSON; every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChartSpec {
    /// Chart kind.
    pub kind: ChartKind,
    /// Metric columns to plot; empty means the report's first metric.
    pub metrics: Vec<String>,
    /// The x axis.
    pub x: XAxis,
    /// A dimension whose values become separate series (e.g. `mvpd`).
    pub series_by: Option<String>,
    /// Series kept by total before the rest are summed into "Other" (1 to 12).
    pub top_n: usize,
    /// Aggregate time to this coarser unit (e.g. months from a daily report); `None` keeps the
    /// report's own. A finer unit than the report's is ignored.
    pub granularity: Option<Granularity>,
    /// The chart title; `None` derives one from the report ("Daily active sessions by MVPD").
    pub title: Option<String>,
    /// Logical width in pixels (SVG size; PNG export passes its own).
    pub width: u32,
    /// Logical height in pixels.
    pub height: u32,
    /// Colour scheme.
    pub theme: Theme,
    /// Legend placement.
    pub legend: LegendPosition,
    /// Stream limit for [`ChartKind::WhatIf`].
    pub limit: Option<u32>,
    /// Series (legend names) the user switched off: not drawn, not in the legend, not in the y
    /// range, but still listed in [`ChartData::series`] (flagged `hidden`, without points) so
    /// toggles keep their colour. Colours do not shift when a series is hidden.
    pub hidden_series: Vec<String>,
}

impl Default for ChartSpec {
    fn default() -> Self {
        ChartSpec {
            kind: ChartKind::Line,
            metrics: Vec::new(),
            x: XAxis::Time,
            series_by: None,
            top_n: DEFAULT_TOP_N,
            granularity: None,
            title: None,
            width: 1600,
            height: 900,
            theme: Theme::Light,
            legend: LegendPosition::Auto,
            limit: None,
            hidden_series: Vec::new(),
        }
    }
}

/// The histogram dimensions, whose reports chart as bars of `users` per level.
pub const LEVEL_DIMENSIONS: [&str; 2] = ["concurrency-level", "activity-level"];

impl ChartSpec {
    /// The chart that best fits a report's shape: a histogram of `users` per level for
    /// concurrency/activity-level reports; a line per MVPD (or per the first other dimension of
    /// the path) of the first metric for time reports; bars per value of the first dimension
    /// otherwise. The title is filled in, so the UI can show and edit it.
    pub fn default_for(table: &ReportTable) -> ChartSpec {
        let mut spec = ChartSpec::default();
        let dims: Vec<&str> = table
            .path()
            .iter()
            .map(String::as_str)
            .chain(table.dimensions().iter().map(|d| d.name()))
            .collect();
        let metric_names: Vec<String> = if table.metrics().is_empty() {
            table.query().metrics.clone()
        } else {
            table
                .metrics()
                .iter()
                .map(|m| m.name().to_string())
                .collect()
        };
        if let Some(level) = LEVEL_DIMENSIONS.iter().find(|l| dims.contains(l)) {
            spec.kind = ChartKind::Histogram;
            spec.x = XAxis::Category {
                dimension: (*level).to_string(),
            };
            let users = metric_names.iter().find(|m| *m == "users");
            spec.metrics = users
                .or(metric_names.first())
                .cloned()
                .into_iter()
                .collect();
        } else {
            spec.metrics = metric_names.first().cloned().into_iter().collect();
            let non_time = |d: &&&str| !crate::report_query::is_time_dimension(d);
            let series = if dims.contains(&"mvpd") {
                Some("mvpd")
            } else {
                dims.iter().find(non_time).copied()
            };
            let has_time = table.granularity() != Granularity::None
                || table.path().iter().any(|p| p == "year");
            if has_time {
                spec.kind = ChartKind::Line;
                spec.x = XAxis::Time;
                spec.series_by = series.map(str::to_string);
            } else if let Some(category) = series {
                spec.kind = ChartKind::Bar;
                spec.x = XAxis::Category {
                    dimension: category.to_string(),
                };
            }
        }
        spec.title = Some(data::default_title(table, &spec));
        spec
    }
}

/// Where the data came from, printed under the title and in the footer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChartContext {
    /// The line under the title: environment, date range with its time zone, filters.
    /// Empty: the report's own start and end.
    pub subtitle: String,
    /// The report path for the footer; empty: the path the server ran (from its self link).
    pub source_path: String,
    /// When the report was fetched, with its zone (e.g. `2026-11-27 10:42 UTC`).
    pub generated_at: String,
}

impl ChartContext {
    /// A context whose subtitle reads "Production · 2026-10-01 to 2026-10-31 (UTC) ·
    /// platform!=Roku": the environment, the report's effective range labelled with the zone
    /// the app resolved it in, and its filters.
    pub fn describe(
        table: &ReportTable,
        environment: &str,
        zone_label: &str,
        generated_at: &str,
    ) -> ChartContext {
        let mut parts: Vec<String> = Vec::new();
        if !environment.trim().is_empty() {
            parts.push(environment.trim().to_string());
        }
        let range = match (table.start(), table.end()) {
            (Some(s), Some(e)) => Some(format!("{} to {}", short_instant(s), short_instant(e))),
            (Some(s), None) => Some(format!("from {}", short_instant(s))),
            (None, Some(e)) => Some(format!("until {}", short_instant(e))),
            (None, None) => None,
        };
        if let Some(range) = range {
            if zone_label.trim().is_empty() {
                parts.push(range);
            } else {
                parts.push(format!("{range} ({})", zone_label.trim()));
            }
        }
        let filters: Vec<String> = table.query().filters.iter().map(|f| f.label()).collect();
        if !filters.is_empty() {
            parts.push(filters.join(", "));
        }
        ChartContext {
            subtitle: parts.join(" · "),
            source_path: table.query().path_string(),
            generated_at: generated_at.to_string(),
        }
    }
}

impl ChartContext {
    /// [`ChartContext::describe`] stamped with the current time in UTC, as the app and `cmu chart`
    /// print it in the footer.
    pub fn describe_now(table: &ReportTable, environment: &str, zone_label: &str) -> ChartContext {
        let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
        ChartContext::describe(table, environment, zone_label, &generated)
    }
}

/// `2026-10-01T00:00:00Z` → `2026-10-01`; other instants lose only their seconds and `T`.
fn short_instant(s: &str) -> String {
    let s = s.trim();
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let time = time.trim_end_matches('Z');
    if time.is_empty() || time.starts_with("00:00:00") || time == "00:00" {
        date.to_string()
    } else {
        format!("{date} {}", time.get(..5).unwrap_or(time))
    }
}

/// A rectangle in logical pixels, origin top left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// One drawn data point, for hover tooltips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartPoint {
    /// The x value as text: a full period (`2026-10-05`) or a category.
    pub x_label: String,
    /// The series' own value at this x (not the stacked sum).
    pub value: f64,
    /// Screen x, logical pixels from the chart's left edge (bar centre for bars).
    pub px: f64,
    /// Screen y, logical pixels from the chart's top edge (the line point, or the top of the
    /// bar or stacked segment).
    pub py: f64,
}

/// One drawn series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartSeries {
    /// Legend label.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Sum of the series' values.
    pub total: f64,
    /// Switched off by [`ChartSpec::hidden_series`]: not drawn, no points.
    pub hidden: bool,
    /// Points that have a value, in x order.
    pub points: Vec<ChartPoint>,
}

/// What was drawn and where, so the UI can show values under the pointer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartData {
    /// Logical chart width.
    pub width: u32,
    /// Logical chart height.
    pub height: u32,
    /// The plot area (inside the axes).
    pub plot_area: Rect,
    /// The legend box, when one was drawn.
    pub legend_area: Option<Rect>,
    /// The title as drawn.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// Series in legend order.
    pub series: Vec<ChartSeries>,
    /// The message drawn instead of data ("No data for this period"), if any.
    pub message: Option<String>,
}

/// An SVG chart and its hover data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderedSvg {
    /// The SVG document.
    pub svg: String,
    /// What was drawn where.
    pub data: ChartData,
}

/// Draws the chart as SVG at the spec's size, for the app.
pub fn render_svg(
    table: &ReportTable,
    spec: &ChartSpec,
    ctx: &ChartContext,
) -> Result<RenderedSvg, Error> {
    let model = data::build(table, spec, ctx)?;
    let (svg, data) = render::svg(&model, spec.width, spec.height)?;
    Ok(RenderedSvg { svg, data })
}

/// Draws the chart as a PNG in memory: `width` × `height` logical pixels drawn at `scale`
/// (2 gives a 3200×1800 image for 1600×900, every size doubled). The PNG records
/// 96 × `scale` DPI so slide software places it at its logical size.
pub fn render_png_bytes(
    table: &ReportTable,
    spec: &ChartSpec,
    ctx: &ChartContext,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<Vec<u8>, Error> {
    render_png_with_data(table, spec, ctx, width, height, scale).map(|(png, _)| png)
}

/// [`render_png_bytes`] plus the hover data (in logical pixels).
pub fn render_png_with_data(
    table: &ReportTable,
    spec: &ChartSpec,
    ctx: &ChartContext,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<(Vec<u8>, ChartData), Error> {
    let model = data::build(table, spec, ctx)?;
    render::png(&model, width, height, scale)
}

/// Writes the chart as a PNG file (see [`render_png_bytes`]).
pub fn render_png(
    table: &ReportTable,
    spec: &ChartSpec,
    ctx: &ChartContext,
    path: &Path,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<(), Error> {
    let png = render_png_bytes(table, spec, ctx, width, height, scale)?;
    std::fs::write(path, png).map_err(|e| Error::io("write the chart to", path, &e))
}

/// Writes the chart to `path` as PNG or SVG, chosen by the extension (`.png`, `.svg`; case
/// insensitive). SVG ignores `scale`. For `cmu chart`.
pub fn render_to_file(
    table: &ReportTable,
    spec: &ChartSpec,
    ctx: &ChartContext,
    path: &Path,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<(), Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => render_png(table, spec, ctx, path, width, height, scale),
        Some("svg") => {
            let sized = ChartSpec {
                width,
                height,
                ..spec.clone()
            };
            let out = render_svg(table, &sized, ctx)?;
            std::fs::write(path, out.svg).map_err(|e| Error::io("write the chart to", path, &e))
        }
        _ => Err(Error::InvalidInput(format!(
            "cannot tell the chart format of {}: name the file .png or .svg",
            path.display()
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn spec_round_trips_as_camel_case_json() {
        let spec = ChartSpec {
            kind: ChartKind::StackedArea,
            metrics: vec!["active-users".into()],
            x: XAxis::Category {
                dimension: "concurrency-level".into(),
            },
            series_by: Some("mvpd".into()),
            top_n: 5,
            ..ChartSpec::default()
        };
        let json = serde_json::to_value(&spec).unwrap();
        assert_eq!(json["kind"], "stackedArea");
        assert_eq!(json["seriesBy"], "mvpd");
        assert_eq!(json["topN"], 5);
        assert_eq!(json["x"]["type"], "category");
        assert_eq!(json["x"]["dimension"], "concurrency-level");
        let back: ChartSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, spec);
        // Every field is optional.
        let partial: ChartSpec = serde_json::from_str(r#"{"kind":"bar"}"#).unwrap();
        assert_eq!(partial.kind, ChartKind::Bar);
        assert_eq!(partial.width, 1600);
    }

    #[test]
    fn short_instants() {
        assert_eq!(short_instant("2026-10-01T00:00:00Z"), "2026-10-01");
        assert_eq!(
            short_instant("2026-10-01T13:30:00-07:00"),
            "2026-10-01 13:30"
        );
        assert_eq!(short_instant("2026-10"), "2026-10");
    }
}
