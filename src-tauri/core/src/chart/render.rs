//! Drawing a [`Model`] with plotters, the same code for the SVG and the bitmap backends.
//!
//! Layout is computed here rather than with plotters' chart builder, so that tick positions
//! (calendar boundaries), the legend outside the plot, the footer and the hover positions
//! returned to the UI all come from one set of numbers. Sizes are given in logical pixels for a
//! 960-pixel-wide chart and scaled by `k` = chart size factor × output scale, so a 1600×900
//! slide chart has proportionally larger text and a scale-2 PNG is the same picture at twice the
//! resolution.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontFamily, FontStyle, RGBColor};

use super::data::{check_size, Mark, Model, XDomain};
use super::style::{self, ensure_fonts, ThemeColors, FONT_FAMILY};
use super::{ChartData, ChartPoint, ChartSeries, LegendPosition, Rect};
use crate::Error;

/// Pixel coordinates stay within this range, so casts to `i32` are safe whatever the data.
const PIXEL_LIMIT: f64 = 1e7;

/// Markers are drawn on lines with at most this many points.
const MARKER_POINTS: usize = 40;

fn draw_err<E: std::fmt::Display>(e: E) -> Error {
    Error::LocalIo(format!("cannot draw the chart: {e}"))
}

fn px(v: f64) -> i32 {
    if v.is_finite() {
        v.clamp(-PIXEL_LIMIT, PIXEL_LIMIT).round() as i32
    } else {
        0
    }
}

/// Renders to an SVG string.
pub fn svg(model: &Model, width: u32, height: u32) -> Result<(String, ChartData), Error> {
    check_size(width, height, 1.0)?;
    ensure_fonts()?;
    let mut out = String::new();
    let data = {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let data = draw(&root, model, width, height, 1.0)?;
        root.present().map_err(draw_err)?;
        data
    };
    Ok((out, data))
}

/// Renders to PNG bytes at `scale`.
pub fn png(
    model: &Model,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<(Vec<u8>, ChartData), Error> {
    check_size(width, height, scale)?;
    ensure_fonts()?;
    let pw = (f64::from(width) * scale).round() as u32;
    let ph = (f64::from(height) * scale).round() as u32;
    let mut buf = vec![0u8; pw as usize * ph as usize * 3];
    let data = {
        let root = BitMapBackend::with_buffer(&mut buf, (pw, ph)).into_drawing_area();
        let data = draw(&root, model, width, height, scale)?;
        root.present().map_err(draw_err)?;
        data
    };
    Ok((encode_png(&buf, pw, ph, scale)?, data))
}

/// RGB8 → PNG. Fast deflate with the Paeth filter: measured on a 1600×900 line chart, ~2 ms
/// and ~200 KB, against ~24 ms and ~85 KB for the default level (and 720 KB with the Sub
/// filter). Export time matters more than the last hundred kilobytes. The pHYs chunk says 96 × scale DPI, so slide
/// software inserts a scale-2 image at its logical size.
fn encode_png(rgb: &[u8], w: u32, h: u32, scale: f64) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Paeth);
        let ppm = (3779.5 * scale).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let png_err = |e: png::EncodingError| Error::LocalIo(format!("cannot encode the PNG: {e}"));
        let mut writer = enc.write_header().map_err(png_err)?;
        writer.write_image_data(rgb).map_err(png_err)?;
        writer.finish().map_err(png_err)?;
    }
    Ok(out)
}

/// Sizes in output pixels.
struct Sizes {
    k: f64,
    title: f64,
    subtitle: f64,
    note: f64,
    tick: f64,
    axis: f64,
    legend: f64,
    footer: f64,
    message: f64,
    pad: f64,
    gap: f64,
    tick_len: f64,
    line: f64,
    swatch: f64,
    row: f64,
    marker: f64,
}

impl Sizes {
    fn new(width: u32, height: u32, scale: f64) -> Sizes {
        // Text grows with the chart, as on a slide: 960×540 is the reference size.
        let logical = f64::from(width).min(f64::from(height) * 16.0 / 9.0);
        let unit = (logical / 960.0).clamp(0.7, 3.0);
        let k = unit * scale;
        // Font sizes are even whole pixels: plotters places each glyph at `size / 2 + top`
        // truncated to an integer, so any fraction makes letters jump up and down a pixel.
        let font = |base: f64| (2.0 * (base * k / 2.0).round()).max(6.0);
        Sizes {
            k,
            title: font(24.0),
            subtitle: font(15.0),
            note: font(14.0),
            tick: font(13.0),
            axis: font(14.0),
            legend: font(14.0),
            footer: font(11.5),
            message: font(18.0),
            pad: 20.0 * k,
            gap: 10.0 * k,
            tick_len: 5.0 * k,
            line: (2.0 * k).max(1.0),
            swatch: 12.0 * k,
            row: 22.0 * k,
            marker: 3.0 * k,
        }
    }
}

/// Width of `text` in pixels at `size`.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size, style)
        .box_size(text)
        .map(|(w, _)| f64::from(w))
        .unwrap_or(size * 0.6 * text.chars().count() as f64)
}

/// `text`, shortened with an ellipsis to fit `max` pixels.
fn fit(text: &str, size: f64, bold: bool, max: f64) -> String {
    if max <= 0.0 {
        return String::new();
    }
    if text_width(text, size, bold) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // Start from an estimate, then step down: a handful of measurements at most.
    let avg = text_width(text, size, bold) / chars.len().max(1) as f64;
    let mut n = ((max / avg.max(0.1)) as usize).min(chars.len());
    while n > 0 {
        let candidate: String = chars
            .iter()
            .take(n)
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if text_width(&candidate, size, bold) <= max {
            return candidate;
        }
        n -= 1;
    }
    String::new()
}

/// Thin wrapper over a drawing area with the theme and error mapping.
struct Painter<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    #[allow(clippy::too_many_arguments)]
    fn text(
        &self,
        text: &str,
        (x, y): (f64, f64),
        size: f64,
        color: RGBColor,
        bold: bool,
        anchor: (HPos, VPos),
        vertical: bool,
    ) -> Result<(), Error> {
        if text.is_empty() {
            return Ok(());
        }
        let font_style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        let mut font = FontDesc::new(FontFamily::Name(FONT_FAMILY), size, font_style);
        if vertical {
            font = font.transform(FontTransform::Rotate270);
        }
        let style = TextStyle::from(font)
            .color(&color)
            .pos(Pos::new(anchor.0, anchor.1));
        self.area
            .draw_text(text, &style, (px(x), px(y)))
            .map_err(draw_err)
    }

    fn rect(
        &self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        color: RGBColor,
        filled: bool,
    ) -> Result<(), Error> {
        let (a, b) = (
            (px(x0.min(x1)), px(y0.min(y1))),
            (px(x0.max(x1)), px(y0.max(y1))),
        );
        let style = if filled {
            color.filled()
        } else {
            color.stroke_width(1)
        };
        self.area
            .draw(&Rectangle::new([a, b], style))
            .map_err(draw_err)
    }

    fn path(&self, points: Vec<(i32, i32)>, color: RGBColor, width: f64) -> Result<(), Error> {
        let w = width.round().max(1.0) as u32;
        self.area
            .draw(&PathElement::new(points, color.stroke_width(w)))
            .map_err(draw_err)
    }

    fn circle(&self, (x, y): (f64, f64), r: f64, color: RGBColor) -> Result<(), Error> {
        let r = r.round().max(1.0) as u32;
        self.area
            .draw(&Circle::new((px(x), px(y)), r, color.filled()))
            .map_err(draw_err)
    }
}

/// Where everything goes, in output pixels.
struct Layout {
    plot: (f64, f64, f64, f64), // left, top, right, bottom
    legend: Option<LegendLayout>,
    y_lo: f64,
    y_hi: f64,
    y_step: f64,
    tick_lines: usize,
}

struct LegendLayout {
    /// (x, y centre, label) per entry drawn; `None` colour for the "+k more" line.
    entries: Vec<(f64, f64, String, Option<RGBColor>)>,
    rect: (f64, f64, f64, f64),
}

/// The data range on the y axis: stacked marks sum positive and negative parts separately.
fn y_range(model: &Model) -> (f64, f64) {
    let n = model.x.len();
    let stacked = matches!(model.mark, Mark::Area | Mark::Bars { stacked: true, .. });
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    if stacked {
        for i in 0..n {
            let (mut pos, mut neg) = (0.0f64, 0.0f64);
            for s in model.series.iter().filter(|s| !s.hidden) {
                match s.values.get(i) {
                    Some(v) if v.is_finite() && *v >= 0.0 => pos += v,
                    Some(v) if v.is_finite() => neg += v,
                    _ => {}
                }
            }
            hi = hi.max(pos);
            lo = lo.min(neg);
        }
    } else {
        for v in model
            .series
            .iter()
            .filter(|s| !s.hidden)
            .flat_map(|s| &s.values)
        {
            if v.is_finite() {
                hi = hi.max(*v);
                lo = lo.min(*v);
            }
        }
    }
    (lo, hi)
}

/// Time positions in seconds (for a continuous axis), padded by a period for a single point.
fn time_span(model: &Model) -> Option<(Vec<f64>, f64, f64)> {
    let XDomain::Time { ts, granularity } = &model.x else {
        return None;
    };
    let secs: Vec<f64> = ts.iter().map(|t| t.and_utc().timestamp() as f64).collect();
    let lo = secs.first().copied().unwrap_or(0.0);
    let hi = secs.last().copied().unwrap_or(0.0);
    if hi > lo {
        Some((secs, lo, hi))
    } else {
        let p = style::period_seconds(*granularity);
        Some((secs, lo - p, hi + p))
    }
}

fn legend_entries(model: &Model) -> Vec<(String, RGBColor)> {
    if model.message.is_some() || model.legend == LegendPosition::Hidden {
        return Vec::new();
    }
    model
        .series
        .iter()
        .filter(|s| !s.hidden)
        .map(|s| (s.name.clone(), s.color))
        .collect()
}

fn layout(model: &Model, s: &Sizes, w: f64, h: f64) -> Layout {
    let mut top = s.pad + s.title * 1.25;
    if !model.subtitle.is_empty() {
        top += s.subtitle * 1.4;
    }
    if model.note.is_some() {
        top += s.note * 1.4;
    }
    top += s.gap + s.tick * 0.6;
    let footer_top = h - s.pad - s.footer * 1.3;

    let entries = legend_entries(model);
    let right = match model.legend {
        LegendPosition::Right => true,
        LegendPosition::Bottom | LegendPosition::Hidden => false,
        LegendPosition::Auto => w / h >= 1.3,
    };
    let label_w = |name: &str, cap: f64| text_width(name, s.legend, false).min(cap);

    // Bottom legend rows first: they take height from the plot.
    let mut bottom_rows: Vec<Vec<(String, RGBColor, f64)>> = Vec::new();
    if !entries.is_empty() && !right {
        let avail = w - 2.0 * s.pad;
        let mut row: Vec<(String, RGBColor, f64)> = Vec::new();
        let mut used = 0.0;
        for (name, color) in &entries {
            let lw = label_w(name, avail * 0.4);
            let item = s.swatch + 0.6 * s.gap + lw + 2.0 * s.gap;
            if used + item > avail && !row.is_empty() {
                bottom_rows.push(std::mem::take(&mut row));
                used = 0.0;
            }
            row.push((fit(name, s.legend, false, lw), *color, item));
            used += item;
        }
        if !row.is_empty() {
            bottom_rows.push(row);
        }
        bottom_rows.truncate(4);
    }
    let legend_bottom_h = if bottom_rows.is_empty() {
        0.0
    } else {
        bottom_rows.len() as f64 * s.row + s.gap
    };

    let dated = matches!(
        model.x,
        XDomain::Time { .. } | XDomain::Bands { times: Some(_), .. }
    );
    let tick_lines = if dated { 2 } else { 1 };
    let x_axis_h = s.tick_len + 0.5 * s.gap + tick_lines as f64 * s.tick * 1.25;
    let bottom = footer_top - s.gap - legend_bottom_h - s.axis * 1.3 - x_axis_h;
    let bottom = bottom.max(top + 10.0 * s.k);
    let plot_h = bottom - top;

    let (lo, hi) = y_range(model);
    let target = (plot_h / (48.0 * s.k)).round() as usize;
    let (y_lo, y_hi, y_step) = style::nice_ticks(lo, hi, target);
    let decimals = style::decimals_for_step(y_step);
    let mut y_label_w: f64 = 0.0;
    for v in y_tick_values(y_lo, y_hi, y_step) {
        y_label_w = y_label_w.max(text_width(
            &style::format_thousands(v, decimals),
            s.tick,
            false,
        ));
    }
    let left = s.pad + s.axis * 1.2 + s.gap + y_label_w + s.tick_len + 0.5 * s.gap;

    let mut legend = None;
    let mut plot_right = w - s.pad - s.gap;
    if !entries.is_empty() && right {
        let cap = w * 0.22;
        let lw = entries
            .iter()
            .map(|(n, _)| label_w(n, cap))
            .fold(0.0f64, f64::max);
        let legend_w = s.swatch + 0.6 * s.gap + lw;
        let x = w - s.pad - legend_w;
        plot_right = x - 2.0 * s.gap;
        let fits = ((plot_h / s.row).floor() as usize).max(1);
        let mut rows = Vec::new();
        let shown = if entries.len() > fits {
            fits - 1
        } else {
            entries.len()
        };
        for (i, (name, color)) in entries.iter().take(shown).enumerate() {
            let yc = top + (i as f64 + 0.5) * s.row;
            rows.push((x, yc, fit(name, s.legend, false, lw), Some(*color)));
        }
        if shown < entries.len() {
            let yc = top + (shown as f64 + 0.5) * s.row;
            rows.push((x, yc, format!("+{} more", entries.len() - shown), None));
        }
        let height = rows.len() as f64 * s.row;
        legend = Some(LegendLayout {
            entries: rows,
            rect: (x, top, legend_w, height),
        });
    } else if !bottom_rows.is_empty() {
        let y0 = footer_top - s.gap - legend_bottom_h + 0.5 * s.gap;
        let mut rows = Vec::new();
        let mut max_w: f64 = 0.0;
        for (r, row) in bottom_rows.iter().enumerate() {
            let mut x = s.pad;
            let yc = y0 + (r as f64 + 0.5) * s.row;
            for (name, color, item) in row {
                rows.push((x, yc, name.clone(), Some(*color)));
                x += item;
            }
            max_w = max_w.max(x - s.pad);
        }
        let drawn = rows.len();
        if drawn < entries.len() {
            if let Some(last) = rows.last_mut() {
                last.2 = format!("+{} more", entries.len() - drawn + 1);
                last.3 = None;
            }
        }
        legend = Some(LegendLayout {
            entries: rows,
            rect: (s.pad, y0, max_w, bottom_rows.len() as f64 * s.row),
        });
    }
    let plot_right = plot_right.max(left + 10.0 * s.k);
    Layout {
        plot: (left, top, plot_right, bottom),
        legend,
        y_lo,
        y_hi,
        y_step,
        tick_lines,
    }
}

fn y_tick_values(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    if step.is_nan() || step <= 0.0 || !lo.is_finite() || !hi.is_finite() {
        return vec![lo, hi];
    }
    let n = ((hi - lo) / step).round();
    if !(0.0..=50.0).contains(&n) {
        return vec![lo, hi];
    }
    (0..=n as usize).map(|i| lo + step * i as f64).collect()
}

/// Draws the whole chart and returns the hover data in logical pixels.
fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    model: &Model,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<ChartData, Error> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let s = Sizes::new(width, height, scale);
    let colors = model.theme.colors();
    let p = Painter { area };
    area.fill(&colors.background).map_err(draw_err)?;
    let lay = layout(model, &s, w, h);
    let (left, top, right, bottom) = lay.plot;

    // Header and footer.
    let text_w = w - 2.0 * s.pad;
    let mut y = s.pad;
    let title = fit(&model.title, s.title, true, text_w);
    p.text(
        &title,
        (s.pad, y),
        s.title,
        colors.text,
        true,
        (HPos::Left, VPos::Top),
        false,
    )?;
    y += s.title * 1.25;
    if !model.subtitle.is_empty() {
        let sub = fit(&model.subtitle, s.subtitle, false, text_w);
        p.text(
            &sub,
            (s.pad, y),
            s.subtitle,
            colors.muted,
            false,
            (HPos::Left, VPos::Top),
            false,
        )?;
        y += s.subtitle * 1.4;
    }
    if let Some(note) = &model.note {
        let note = fit(note, s.note, false, text_w);
        p.text(
            &note,
            (s.pad, y),
            s.note,
            colors.text,
            false,
            (HPos::Left, VPos::Top),
            false,
        )?;
    }
    let footer = fit(&model.footer, s.footer, false, text_w);
    p.text(
        &footer,
        (s.pad, h - s.pad),
        s.footer,
        colors.muted,
        false,
        (HPos::Left, VPos::Bottom),
        false,
    )?;

    let mut data = ChartData {
        width,
        height,
        plot_area: Rect {
            x: left / scale,
            y: top / scale,
            w: (right - left) / scale,
            h: (bottom - top) / scale,
        },
        legend_area: None,
        title: model.title.clone(),
        x_label: model.x_label.clone(),
        y_label: model.y_label.clone(),
        series: Vec::new(),
        message: model.message.clone(),
    };

    if let Some(message) = &model.message {
        p.rect(left, top, right, bottom, colors.grid, false)?;
        p.text(
            message,
            ((left + right) / 2.0, (top + bottom) / 2.0),
            s.message,
            colors.muted,
            false,
            (HPos::Center, VPos::Center),
            false,
        )?;
        return Ok(data);
    }

    // Y grid, ticks and labels.
    let span = lay.y_hi - lay.y_lo;
    let y_of = |v: f64| -> f64 {
        if span > 0.0 && span.is_finite() {
            bottom - (v - lay.y_lo) / span * (bottom - top)
        } else {
            bottom
        }
    };
    let decimals = style::decimals_for_step(lay.y_step);
    for v in y_tick_values(lay.y_lo, lay.y_hi, lay.y_step) {
        let yy = px(y_of(v));
        p.path(
            vec![(px(left), yy), (px(right), yy)],
            colors.grid,
            s.k.max(1.0),
        )?;
        p.text(
            &style::format_thousands(v, decimals),
            (left - s.tick_len - 0.5 * s.gap, f64::from(yy)),
            s.tick,
            colors.text,
            false,
            (HPos::Right, VPos::Center),
            false,
        )?;
    }

    // X positions.
    let n = model.x.len();
    let times = time_span(model);
    let band_w = (right - left) / n.max(1) as f64;
    let x_of = |i: usize| -> f64 {
        match &times {
            Some((secs, lo, hi)) => {
                let t = secs.get(i).copied().unwrap_or(*lo);
                if hi > lo {
                    left + (t - lo) / (hi - lo) * (right - left)
                } else {
                    (left + right) / 2.0
                }
            }
            None => left + (i as f64 + 0.5) * band_w,
        }
    };

    // Series.
    let zero = y_of(0.0f64.clamp(lay.y_lo, lay.y_hi));
    let mut out_series: Vec<ChartSeries> = model
        .series
        .iter()
        .map(|m| ChartSeries {
            name: m.name.clone(),
            color: style::hex(m.color),
            total: m.total,
            hidden: m.hidden,
            points: Vec::new(),
        })
        .collect();
    // One label per x position, shared by every series (formatting dates is the costly part).
    let hover: Vec<String> = (0..n).map(|i| model.x.hover_label(i)).collect();
    let mut point = |si: usize, i: usize, value: f64, x: f64, y: f64| {
        if let Some(series) = out_series.get_mut(si) {
            series.points.push(ChartPoint {
                x_label: hover.get(i).cloned().unwrap_or_default(),
                value,
                px: x / scale,
                py: y / scale,
            });
        }
    };
    match model.mark {
        Mark::Line => {
            for (si, series) in model.series.iter().enumerate().filter(|(_, s)| !s.hidden) {
                let mut run: Vec<(i32, i32)> = Vec::new();
                let markers = n <= MARKER_POINTS;
                for (i, &v) in series.values.iter().enumerate() {
                    if v.is_finite() {
                        let (x, y) = (x_of(i), y_of(v));
                        run.push((px(x), px(y)));
                        point(si, i, v, x, y);
                        if markers {
                            p.circle((x, y), s.marker, series.color)?;
                        }
                    } else {
                        flush_run(&p, &mut run, series.color, &s)?;
                    }
                }
                flush_run(&p, &mut run, series.color, &s)?;
            }
        }
        Mark::Area => {
            let mut pos_base = vec![0.0f64; n];
            let mut neg_base = vec![0.0f64; n];
            for (si, series) in model.series.iter().enumerate().filter(|(_, s)| !s.hidden) {
                let mut upper = Vec::with_capacity(n);
                let mut lower = Vec::with_capacity(n);
                for i in 0..n {
                    let v = series.values.get(i).copied().unwrap_or(f64::NAN);
                    let value = if v.is_finite() { v } else { 0.0 };
                    let base = if value >= 0.0 {
                        &mut pos_base
                    } else {
                        &mut neg_base
                    };
                    let b = base.get(i).copied().unwrap_or(0.0);
                    let t = b + value;
                    if let Some(slot) = base.get_mut(i) {
                        *slot = t;
                    }
                    let x = x_of(i);
                    upper.push((px(x), px(y_of(t))));
                    lower.push((px(x), px(y_of(b))));
                    if v.is_finite() {
                        point(si, i, v, x, y_of(t));
                        if n <= MARKER_POINTS {
                            p.circle((x, y_of(t)), s.marker, series.color)?;
                        }
                    }
                }
                lower.reverse();
                upper.extend(lower);
                if n > 1 {
                    area.draw(&Polygon::new(upper, series.color.filled()))
                        .map_err(draw_err)?;
                }
            }
        }
        Mark::Bars { stacked, touching } => {
            let fill = if touching { 0.92 } else { 0.72 };
            // Gaps thinner than a couple of pixels only make bars flicker.
            let inner = if band_w * (1.0 - fill) < 2.0 * scale {
                band_w
            } else {
                band_w * fill
            };
            let visible: Vec<usize> = (0..model.series.len())
                .filter(|&i| model.series.get(i).is_some_and(|s| !s.hidden))
                .collect();
            let groups = if stacked { 1 } else { visible.len().max(1) };
            let sub = inner / groups as f64;
            let mut pos_base = vec![0.0f64; n];
            let mut neg_base = vec![0.0f64; n];
            for (slot, &si) in visible.iter().enumerate() {
                let Some(series) = model.series.get(si) else {
                    continue;
                };
                for (i, &v) in series.values.iter().enumerate() {
                    if !v.is_finite() {
                        continue;
                    }
                    let xc = x_of(i);
                    let (x0, x1) = if stacked {
                        (xc - inner / 2.0, xc + inner / 2.0)
                    } else {
                        let x0 = xc - inner / 2.0 + slot as f64 * sub;
                        (x0, x0 + sub)
                    };
                    let (y_base, y_top) = if stacked {
                        let base = if v >= 0.0 {
                            &mut pos_base
                        } else {
                            &mut neg_base
                        };
                        let b = base.get(i).copied().unwrap_or(0.0);
                        if let Some(slot) = base.get_mut(i) {
                            *slot = b + v;
                        }
                        (y_of(b), y_of(b + v))
                    } else {
                        (zero, y_of(v))
                    };
                    // At least one pixel wide and tall, so tiny values remain visible.
                    let x1 = x1.max(x0 + 1.0);
                    let y_top = if (y_top - y_base).abs() < 1.0 && v != 0.0 {
                        y_base - 1.0
                    } else {
                        y_top
                    };
                    p.rect(
                        x0,
                        y_top,
                        x1 - 1.0_f64.min(sub * 0.1),
                        y_base,
                        series.color,
                        true,
                    )?;
                    point(si, i, v, (x0 + x1) / 2.0, y_top);
                }
            }
        }
    }
    data.series = out_series;

    // Axes.
    p.path(
        vec![(px(left), px(bottom)), (px(right), px(bottom))],
        colors.axis,
        s.k.max(1.0),
    )?;
    if lay.y_lo < 0.0 {
        p.path(
            vec![(px(left), px(zero)), (px(right), px(zero))],
            colors.axis,
            s.k.max(1.0),
        )?;
    }
    draw_x_ticks(&p, model, &s, &colors, &lay, &x_of, band_w)?;

    // Limit line of the what-if chart.
    if let Some(limit) = &model.limit {
        let x = left + limit.after_bands as f64 * band_w;
        let dash = 6.0 * s.k;
        let mut y0 = top;
        while y0 < bottom {
            let y1 = (y0 + dash).min(bottom);
            p.path(
                vec![(px(x), px(y0)), (px(x), px(y1))],
                colors.text,
                1.5 * s.k,
            )?;
            y0 += dash * 1.7;
        }
        let label_w = text_width(&limit.label, s.tick, true);
        let on_right = x + s.gap + label_w < right;
        let (lx, anchor) = if on_right {
            (x + 0.6 * s.gap, HPos::Left)
        } else {
            (x - 0.6 * s.gap, HPos::Right)
        };
        let bx0 = if on_right {
            lx - 0.3 * s.gap
        } else {
            lx - label_w - 0.3 * s.gap
        };
        p.rect(
            bx0,
            top,
            bx0 + label_w + 0.6 * s.gap,
            top + s.tick * 1.4,
            colors.background,
            true,
        )?;
        p.text(
            &limit.label,
            (lx, top + 0.2 * s.tick),
            s.tick,
            colors.text,
            true,
            (anchor, VPos::Top),
            false,
        )?;
    }

    // Axis labels.
    let x_axis_h = s.tick_len + 0.5 * s.gap + lay.tick_lines as f64 * s.tick * 1.25;
    p.text(
        &fit(&model.x_label, s.axis, false, right - left),
        ((left + right) / 2.0, bottom + x_axis_h + 0.3 * s.gap),
        s.axis,
        colors.muted,
        false,
        (HPos::Center, VPos::Top),
        false,
    )?;
    p.text(
        &fit(&model.y_label, s.axis, false, bottom - top),
        (s.pad + s.axis * 0.6, (top + bottom) / 2.0),
        s.axis,
        colors.muted,
        false,
        (HPos::Center, VPos::Center),
        true,
    )?;

    // Legend.
    if let Some(legend) = &lay.legend {
        for (x, yc, label, color) in &legend.entries {
            let label_x = match color {
                Some(c) => {
                    p.rect(
                        *x,
                        yc - s.swatch / 2.0,
                        x + s.swatch,
                        yc + s.swatch / 2.0,
                        *c,
                        true,
                    )?;
                    x + s.swatch + 0.6 * s.gap
                }
                None => *x,
            };
            p.text(
                label,
                (label_x, *yc),
                s.legend,
                colors.text,
                false,
                (HPos::Left, VPos::Center),
                false,
            )?;
        }
        let (x, y, lw, lh) = legend.rect;
        data.legend_area = Some(Rect {
            x: x / scale,
            y: y / scale,
            w: lw / scale,
            h: lh / scale,
        });
    }
    Ok(data)
}

/// Draws a run of consecutive line points: a path, or a dot for an isolated point.
fn flush_run<DB: DrawingBackend>(
    p: &Painter<'_, DB>,
    run: &mut Vec<(i32, i32)>,
    color: RGBColor,
    s: &Sizes,
) -> Result<(), Error> {
    match run.len() {
        0 => {}
        1 => {
            let (x, y) = run[0];
            p.circle((f64::from(x), f64::from(y)), s.marker * 1.2, color)?;
        }
        _ => p.path(std::mem::take(run), color, s.line)?,
    }
    run.clear();
    Ok(())
}

fn draw_x_ticks<DB: DrawingBackend>(
    p: &Painter<'_, DB>,
    model: &Model,
    s: &Sizes,
    colors: &ThemeColors,
    lay: &Layout,
    x_of: &dyn Fn(usize) -> f64,
    band_w: f64,
) -> Result<(), Error> {
    let (left, _, right, bottom) = lay.plot;
    let label_y = bottom + s.tick_len + 0.4 * s.gap;
    let tick = |x: f64| {
        p.path(
            vec![(px(x), px(bottom)), (px(x), px(bottom + s.tick_len))],
            colors.axis,
            s.k.max(1.0),
        )
    };
    let two_lines = |x: f64, label: &str, sub: Option<&str>, max_w: f64| -> Result<(), Error> {
        tick(x)?;
        p.text(
            &fit(label, s.tick, false, max_w),
            (x, label_y),
            s.tick,
            colors.text,
            false,
            (HPos::Center, VPos::Top),
            false,
        )?;
        if let Some(sub) = sub {
            p.text(
                &fit(sub, s.tick, false, max_w.max(band_w)),
                (x, label_y + s.tick * 1.25),
                s.tick,
                colors.muted,
                false,
                (HPos::Center, VPos::Top),
                false,
            )?;
        }
        Ok(())
    };
    match &model.x {
        XDomain::Time { ts, granularity } => {
            let (Some(first), Some(last)) = (ts.first(), ts.last()) else {
                return Ok(());
            };
            let (Some((_, lo, hi)), plot_w) = (time_span(model), right - left) else {
                return Ok(());
            };
            let label_w = text_width("Sep 30", s.tick, false) + 1.5 * s.gap;
            let max_ticks = ((plot_w / label_w).floor() as usize).clamp(1, 30);
            for t in style::time_ticks(*first, *last, *granularity, max_ticks) {
                let secs = t.at.and_utc().timestamp() as f64;
                let x = if hi > lo {
                    left + (secs - lo) / (hi - lo) * plot_w
                } else {
                    (left + right) / 2.0
                };
                two_lines(x, &t.label, t.sub.as_deref(), label_w * 2.0)?;
            }
        }
        XDomain::Bands { labels, times } => {
            let n = labels.len();
            if n == 0 {
                return Ok(());
            }
            let (texts, subs): (Vec<String>, Vec<Option<String>>) = match times {
                Some((ts, g)) => style::label_ticks(ts, *g)
                    .into_iter()
                    .map(|t| (t.label, t.sub))
                    .unzip(),
                None => (labels.clone(), vec![None; n]),
            };
            let widest = texts
                .iter()
                .map(|t| text_width(t, s.tick, false))
                .fold(0.0f64, f64::max);
            let every =
                (((widest.min(160.0 * s.k) + s.gap) / band_w.max(0.01)).ceil() as usize).max(1);
            let shown: Vec<usize> = (0..n).step_by(every).collect();
            // The second line (year, date) is recomputed over the labels actually shown.
            let subs: Vec<Option<String>> = match times {
                Some((ts, g)) => {
                    let picked: Vec<_> = shown.iter().filter_map(|&i| ts.get(i).copied()).collect();
                    style::label_ticks(&picked, *g)
                        .into_iter()
                        .map(|t| t.sub)
                        .collect()
                }
                None => shown
                    .iter()
                    .map(|&i| subs.get(i).cloned().flatten())
                    .collect(),
            };
            for (j, &i) in shown.iter().enumerate() {
                let label = texts.get(i).map(String::as_str).unwrap_or_default();
                let sub = subs.get(j).cloned().flatten();
                two_lines(
                    x_of(i),
                    label,
                    sub.as_deref(),
                    band_w * every as f64 - 0.5 * s.gap,
                )?;
            }
        }
    }
    Ok(())
}
