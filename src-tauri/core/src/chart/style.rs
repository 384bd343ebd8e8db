//! Look and wording of charts: palette and theme colours, the embedded font, number and date
//! formatting, and readable names for CMU metrics and dimensions.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use plotters::style::{FontStyle, RGBColor};

use super::Theme;
use crate::report::Granularity;
use crate::Error;

/// The font family name charts use. Registered with plotters under this exact key, so bitmaps
/// find the embedded DejaVu Sans; the SVG backend writes the same string as `font-family`, where
/// it reads as a CSS fallback list for the web view (which draws SVG text with its own fonts).
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// Registers the embedded font with plotters, once per process. Charts call it before drawing;
/// the error (an unreadable font, which would be a packaging bug) is kept and returned each time
/// instead of panicking.
pub fn ensure_fonts() -> Result<(), Error> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let regular = plotters::style::register_font(
                FONT_FAMILY,
                FontStyle::Normal,
                dejavu::sans::regular(),
            );
            let bold =
                plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, dejavu::sans::bold());
            match (regular, bold) {
                (Ok(()), Ok(())) => Ok(()),
                _ => Err("the embedded chart font could not be loaded".to_string()),
            }
        })
        .clone()
        .map_err(Error::InvalidInput)
}

/// Colour-blind-safe series colours: the Okabe–Ito set without black (so no series is mistaken
/// for text or axes), then five of Paul Tol's "muted" colours for charts with up to 12 series.
/// None is a neutral grey, so antialiased text (always grey) never looks like a series swatch.
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x33, 0x22, 0x88), // indigo
    RGBColor(0x88, 0x22, 0x55), // wine
    RGBColor(0x44, 0xAA, 0x99), // teal
    RGBColor(0x99, 0x99, 0x33), // olive
    RGBColor(0xCC, 0x66, 0x77), // rose
];

/// The colour of the folded "Other" series: a slightly blue grey, so that it is not a neutral
/// grey either (see [`PALETTE`]).
pub const OTHER_COLOR: RGBColor = RGBColor(0x9A, 0xA0, 0xA6);

/// What-if chart: users within the limit, exactly at it, and over it.
pub const WITHIN_COLOR: RGBColor = PALETTE[0];
/// What-if chart: users who used exactly all of their allowance.
pub const AT_LIMIT_COLOR: RGBColor = PALETTE[1];
/// What-if chart: users who would have been denied a stream.
pub const OVER_COLOR: RGBColor = PALETTE[3];

/// The most series a chart shows before folding the rest into "Other".
pub const MAX_SERIES: usize = PALETTE.len();

/// `#rrggbb` for the UI.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Colours of the chart furniture for one theme. All neutral greys (r = g = b).
#[derive(Debug, Clone, Copy)]
pub struct ThemeColors {
    /// Background.
    pub background: RGBColor,
    /// Titles, tick labels, legend labels.
    pub text: RGBColor,
    /// Subtitle, axis labels, footer.
    pub muted: RGBColor,
    /// Horizontal grid lines.
    pub grid: RGBColor,
    /// Axis lines and ticks.
    pub axis: RGBColor,
}

impl Theme {
    /// The furniture colours of this theme.
    pub fn colors(self) -> ThemeColors {
        match self {
            Theme::Light => ThemeColors {
                background: RGBColor(0xFF, 0xFF, 0xFF),
                text: RGBColor(0x1F, 0x1F, 0x1F),
                muted: RGBColor(0x5C, 0x5C, 0x5C),
                grid: RGBColor(0xE4, 0xE4, 0xE4),
                axis: RGBColor(0x8C, 0x8C, 0x8C),
            },
            Theme::Dark => ThemeColors {
                background: RGBColor(0x1C, 0x1C, 0x1C),
                text: RGBColor(0xEC, 0xEC, 0xEC),
                muted: RGBColor(0xA6, 0xA6, 0xA6),
                grid: RGBColor(0x36, 0x36, 0x36),
                axis: RGBColor(0x78, 0x78, 0x78),
            },
        }
    }
}

/// `1234567.5` with `decimals = 1` → `1,234,567.5`. Non-finite values give `–`; magnitudes of
/// 10^15 and more switch to scientific notation, where separators would be unreadable.
pub fn format_thousands(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    if x.abs() >= 1e15 {
        return format!("{x:.2e}");
    }
    let decimals = decimals.min(6);
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    // "-0" after rounding would read oddly.
    if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    let len = int.len();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Decimals needed to tell ticks `step` apart (0 for integer steps).
pub fn decimals_for_step(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 || step >= 1.0 {
        return 0;
    }
    let d = (-step.log10()).ceil();
    // 0.25 needs 2 decimals although ceil(-log10) says 1.
    let mut decimals = d.clamp(0.0, 6.0) as usize;
    while decimals < 6 {
        let scaled = step * 10f64.powi(decimals as i32);
        if (scaled - scaled.round()).abs() < 1e-9 {
            break;
        }
        decimals += 1;
    }
    decimals
}

/// A value for a hover tooltip or table: separators, and up to two decimals only when needed.
pub fn format_value(x: f64) -> String {
    if x.is_finite() && x.fract() != 0.0 && x.abs() < 1e15 {
        format_thousands(x, 2)
    } else {
        format_thousands(x, 0)
    }
}

/// Round "nice" y ticks covering `[lo, hi]`: a step of 1, 2, 2.5 or 5 × 10^k giving at most
/// about `target` intervals. Returns `(axis min, axis max, step)`. Never fails: degenerate or
/// non-finite input gives a `0..1` axis.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> (f64, f64, f64) {
    let (mut lo, mut hi) = (lo.min(hi), lo.max(hi));
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0, 0.25);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        // Flat data: give the line some room above (and below, when it is not at zero).
        if hi == 0.0 {
            return (0.0, 1.0, 0.25);
        }
        let pad = hi.abs() * 0.5;
        hi += pad;
        if lo < 0.0 {
            lo -= pad;
        } else {
            lo = 0.0;
        }
    }
    let target = target.clamp(2, 20) as f64;
    // Halving first keeps `hi - lo` finite for values near f64::MAX.
    let raw = (hi / 2.0 - lo / 2.0) / target * 2.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if !step.is_finite() || step <= 0.0 {
        return (lo, hi, (hi - lo).max(1.0));
    }
    let min = (lo / step).floor() * step;
    let max = (hi / step).ceil() * step;
    if !min.is_finite() || !max.is_finite() || max <= min {
        return (lo, hi, hi - lo);
    }
    (min, max, step)
}

/// Short month names; charts are in English like the rest of the app.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(t: NaiveDateTime) -> &'static str {
    MONTHS.get(t.month0() as usize).copied().unwrap_or("")
}

/// The full label of a period for tooltips and data tables: `2026`, `2026-10`, `2026-10-05`,
/// `2026-10-05 14:00`.
pub fn period_label(t: NaiveDateTime, granularity: Granularity) -> String {
    match granularity {
        Granularity::Year => format!("{}", t.year()),
        Granularity::Month => t.format("%Y-%m").to_string(),
        Granularity::Day | Granularity::None => t.format("%Y-%m-%d").to_string(),
        Granularity::Hour | Granularity::Minute => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// One x-axis tick: position, label, and an optional second line (the date under hours, the
/// year under days and months) shown where it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeTick {
    /// Where the tick is.
    pub at: NaiveDateTime,
    /// First line.
    pub label: String,
    /// Second line, only where the date (or year) changes and on the first tick.
    pub sub: Option<String>,
}

/// Spacing between date ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Minutes(u32),
    Hours(u32),
    Days(u32),
    Week,
    Months(u32),
    Years(u32),
}

impl Step {
    /// Approximate length, to count ticks.
    fn seconds(self) -> f64 {
        match self {
            Step::Minutes(n) => 60.0 * f64::from(n),
            Step::Hours(n) => 3600.0 * f64::from(n),
            Step::Days(n) => 86_400.0 * f64::from(n),
            Step::Week => 7.0 * 86_400.0,
            Step::Months(n) => 30.44 * 86_400.0 * f64::from(n),
            Step::Years(n) => 365.25 * 86_400.0 * f64::from(n),
        }
    }

    /// The finest data granularity that still reads well at this step.
    fn unit(self) -> Granularity {
        match self {
            Step::Minutes(_) => Granularity::Minute,
            Step::Hours(_) => Granularity::Hour,
            Step::Days(_) | Step::Week => Granularity::Day,
            Step::Months(_) => Granularity::Month,
            Step::Years(_) => Granularity::Year,
        }
    }

    /// Whether `t` is on this step's grid.
    fn aligned(self, t: NaiveDateTime) -> bool {
        let midnight = t.time() == NaiveTime::MIN;
        match self {
            Step::Minutes(n) => t.second() == 0 && t.minute().is_multiple_of(n),
            Step::Hours(n) => t.minute() == 0 && t.second() == 0 && t.hour().is_multiple_of(n),
            Step::Days(n) => {
                midnight && (n == 1 || (t.day() - 1).is_multiple_of(n) && t.day() + n <= 32)
            }
            Step::Week => midnight && t.weekday() == chrono::Weekday::Mon,
            Step::Months(n) => midnight && t.day() == 1 && t.month0().is_multiple_of(n),
            Step::Years(n) => midnight && t.ordinal() == 1 && t.year().rem_euclid(n as i32) == 0,
        }
    }

    /// The first grid point at or after `t`.
    fn first_at_or_after(self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        if let Step::Years(n) = self {
            // Computed, not searched: a 100,000-year step would take too many iterations.
            let n = i32::try_from(n).ok()?;
            let y0 = Granularity::Year.truncate(t);
            let mut year = y0.year();
            if y0 < t {
                year = year.checked_add(1)?;
            }
            let year = year
                .div_euclid(n)
                .checked_add(i32::from(year.rem_euclid(n) != 0))?;
            return year_start(year.checked_mul(n)?);
        }
        let start = match self {
            Step::Minutes(_) => Granularity::Minute.truncate(t),
            Step::Hours(_) => Granularity::Hour.truncate(t),
            Step::Days(_) | Step::Week => Granularity::Day.truncate(t),
            Step::Months(_) => Granularity::Month.truncate(t),
            Step::Years(_) => Granularity::Year.truncate(t),
        };
        let mut c = if start < t {
            self.unit_next(start)?
        } else {
            start
        };
        // At most one period of the step's own unit per iteration; bounded to stay cheap.
        for _ in 0..400 {
            if self.aligned(c) {
                return Some(c);
            }
            c = self.unit_next(c)?;
        }
        None
    }

    /// The next period of this step's unit.
    fn unit_next(self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        next_period(t, self.unit())
    }

    /// The next grid point after an aligned `t`.
    fn next(self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        match self {
            Step::Minutes(n) => t.checked_add_signed(Duration::minutes(i64::from(n))),
            Step::Hours(n) => t.checked_add_signed(Duration::hours(i64::from(n))),
            Step::Week => t.checked_add_signed(Duration::days(7)),
            Step::Years(n) => year_start(t.year().checked_add(i32::try_from(n).ok()?)?),
            // Every n-th day of the month, restarting on the 1st so labels stay regular.
            Step::Days(_) | Step::Months(_) => {
                let mut c = self.unit_next(t)?;
                for _ in 0..400 {
                    if self.aligned(c) {
                        return Some(c);
                    }
                    c = self.unit_next(c)?;
                }
                None
            }
        }
    }
}

/// January 1st of `year`, when chrono can represent it.
fn year_start(year: i32) -> Option<NaiveDateTime> {
    Some(NaiveDate::from_ymd_opt(year, 1, 1)?.and_time(NaiveTime::MIN))
}

/// The start of the period after `t`'s at `granularity`.
pub fn next_period(t: NaiveDateTime, granularity: Granularity) -> Option<NaiveDateTime> {
    let t = granularity.truncate(t);
    match granularity {
        Granularity::Minute | Granularity::None => t.checked_add_signed(Duration::minutes(1)),
        Granularity::Hour => t.checked_add_signed(Duration::hours(1)),
        Granularity::Day => t.checked_add_signed(Duration::days(1)),
        Granularity::Month => {
            let (y, m) = if t.month() == 12 {
                (t.year().checked_add(1)?, 1)
            } else {
                (t.year(), t.month() + 1)
            };
            Some(NaiveDate::from_ymd_opt(y, m, 1)?.and_time(NaiveTime::MIN))
        }
        Granularity::Year => year_start(t.year().checked_add(1)?),
    }
}

/// The approximate length of one period, in seconds (for padding a single point).
pub fn period_seconds(granularity: Granularity) -> f64 {
    match granularity {
        Granularity::Minute | Granularity::None => 60.0,
        Granularity::Hour => 3600.0,
        Granularity::Day => 86_400.0,
        Granularity::Month => 30.44 * 86_400.0,
        Granularity::Year => 365.25 * 86_400.0,
    }
}

fn candidate_steps() -> Vec<Step> {
    let mut steps = vec![
        Step::Minutes(1),
        Step::Minutes(5),
        Step::Minutes(10),
        Step::Minutes(15),
        Step::Minutes(30),
        Step::Hours(1),
        Step::Hours(2),
        Step::Hours(3),
        Step::Hours(6),
        Step::Hours(12),
        Step::Days(1),
        Step::Days(2),
        Step::Week,
        Step::Months(1),
        Step::Months(2),
        Step::Months(3),
        Step::Months(6),
    ];
    let mut n = 1u32;
    while n <= 100_000 {
        steps.extend([Step::Years(n), Step::Years(n * 2), Step::Years(n * 5)]);
        n *= 10;
    }
    steps
}

/// Date ticks between `min` and `max` for data at `granularity`: at most `max_ticks`, on
/// calendar boundaries (hours, days, Mondays, months, years), never finer than the data.
pub fn time_ticks(
    min: NaiveDateTime,
    max: NaiveDateTime,
    granularity: Granularity,
    max_ticks: usize,
) -> Vec<TimeTick> {
    let (min, max) = (min.min(max), min.max(max));
    let span = (max - min).num_seconds().max(0) as f64;
    let max_ticks = max_ticks.max(1);
    let finest = match granularity {
        Granularity::None => Granularity::Minute,
        g => g,
    };
    let Some(step) = candidate_steps()
        .into_iter()
        .filter(|s| unit_rank(s.unit()) >= unit_rank(finest))
        .find(|s| span / s.seconds() + 1.0 <= max_ticks as f64)
    else {
        return Vec::new();
    };
    let mut ticks = Vec::new();
    let mut at = step.first_at_or_after(min);
    while let Some(t) = at {
        if t > max || ticks.len() > max_ticks {
            break;
        }
        ticks.push(t);
        at = step.next(t);
    }
    label_ticks(&ticks, step.unit())
}

/// Coarseness rank: a step must be at least as coarse as the data.
fn unit_rank(g: Granularity) -> u8 {
    match g {
        Granularity::Year => 5,
        Granularity::Month => 4,
        Granularity::Day => 3,
        Granularity::Hour => 2,
        Granularity::Minute | Granularity::None => 1,
    }
}

/// Labels for ticks (or bands) at `unit`: the second line appears on the first tick and where
/// the date (for hours) or the year (for days and months) changes.
pub fn label_ticks(ticks: &[NaiveDateTime], unit: Granularity) -> Vec<TimeTick> {
    let mut prev: Option<NaiveDateTime> = None;
    ticks
        .iter()
        .map(|&t| {
            let (label, sub) = match unit {
                Granularity::Minute | Granularity::Hour | Granularity::None => (
                    t.format("%H:%M").to_string(),
                    (prev.map(|p| p.date()) != Some(t.date()))
                        .then(|| format!("{} {}", month_name(t), t.day())),
                ),
                Granularity::Day => (
                    format!("{} {}", month_name(t), t.day()),
                    (prev.map(|p| p.year()) != Some(t.year())).then(|| t.year().to_string()),
                ),
                Granularity::Month => (
                    month_name(t).to_string(),
                    (prev.map(|p| p.year()) != Some(t.year())).then(|| t.year().to_string()),
                ),
                Granularity::Year => (t.year().to_string(), None),
            };
            prev = Some(t);
            TimeTick { at: t, label, sub }
        })
        .collect()
}

/// A readable name for a metric: `active-sessions` → `Active sessions`.
pub fn metric_label(name: &str) -> String {
    match name {
        "users" => "Users".into(),
        "active-users" => "Active users".into(),
        "active-sessions" => "Active sessions".into(),
        "started-sessions" => "Started sessions".into(),
        "completed-sessions" => "Completed sessions".into(),
        "failed-attempts" => "Failed attempts".into(),
        "dismissed-sessions" => "Dismissed sessions".into(),
        "killed-sessions" => "Killed sessions".into(),
        other => {
            // Duration buckets (`duration_0-15`, `duration-0-15`) read as "Sessions of 0-15".
            if let Some(bucket) = other
                .strip_prefix("duration_")
                .or_else(|| other.strip_prefix("duration-"))
            {
                return format!("Sessions lasting {}", bucket.replace('_', " "));
            }
            sentence_case(&other.replace(['-', '_'], " "))
        }
    }
}

/// A readable name for a dimension: `mvpd` → `MVPD`, `application-id` → `Application ID`.
pub fn dimension_label(name: &str) -> String {
    match name {
        "mvpd" => "MVPD".into(),
        "application-id" => "Application ID".into(),
        "concurrency-level" => "Concurrency level".into(),
        "activity-level" => "Activity level".into(),
        other => sentence_case(&other.replace(['-', '_'], " ")),
    }
}

/// What one unit of a metric counts, for axis labels ("Users", "Sessions").
pub fn metric_unit(name: &str) -> &'static str {
    if name.contains("users") {
        "users"
    } else if name.contains("attempts") {
        "attempts"
    } else if name.contains("session") || name.starts_with("duration") {
        "sessions"
    } else if name.contains("stream") {
        "streams"
    } else {
        "count"
    }
}

/// The adjective for a period: "Daily", "Monthly".
pub fn granularity_adjective(g: Granularity) -> Option<&'static str> {
    match g {
        Granularity::None => None,
        Granularity::Year => Some("Yearly"),
        Granularity::Month => Some("Monthly"),
        Granularity::Day => Some("Daily"),
        Granularity::Hour => Some("Hourly"),
        Granularity::Minute => Some("Per-minute"),
    }
}

/// The noun for a period: "day", "month".
pub fn granularity_noun(g: Granularity) -> &'static str {
    match g {
        Granularity::None => "row",
        Granularity::Year => "year",
        Granularity::Month => "month",
        Granularity::Day => "day",
        Granularity::Hour => "hour",
        Granularity::Minute => "minute",
    }
}

/// First letter upper case.
pub fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// First letter lower case, unless the word is an acronym (`MVPD`).
pub fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    let second_upper = s.chars().nth(1).is_some_and(char::is_uppercase);
    match chars.next() {
        Some(first) if !second_upper => first.to_lowercase().chain(chars).collect(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn thousands() {
        assert_eq!(format_thousands(0.0, 0), "0");
        assert_eq!(format_thousands(999.0, 0), "999");
        assert_eq!(format_thousands(1000.0, 0), "1,000");
        assert_eq!(format_thousands(1_234_567.25, 2), "1,234,567.25");
        assert_eq!(format_thousands(-1_234_567.0, 0), "-1,234,567");
        assert_eq!(format_thousands(-0.001, 0), "0");
        assert_eq!(format_thousands(f64::NAN, 0), "–");
        assert_eq!(format_thousands(1e300, 0), "1.00e300");
        assert_eq!(format_value(2.5), "2.50");
        assert_eq!(format_value(12_000.0), "12,000");
    }

    #[test]
    fn nice_ticks_cover_the_data() {
        assert_eq!(nice_ticks(0.0, 97.0, 5), (0.0, 100.0, 20.0));
        assert_eq!(nice_ticks(0.0, 0.0, 5), (0.0, 1.0, 0.25));
        assert_eq!(nice_ticks(5.0, 5.0, 5), (0.0, 8.0, 2.0));
        let (lo, hi, step) = nice_ticks(-1e308, 1e308, 6);
        assert!(lo.is_finite() && hi.is_finite() && step.is_finite() && step > 0.0);
        // A NaN end is ignored (f64::min/max skip NaN).
        let (lo, hi, _) = nice_ticks(f64::NAN, 1.0, 5);
        assert!(lo <= 1.0 && hi >= 1.0);
        assert_eq!(nice_ticks(f64::NAN, f64::NAN, 5), (0.0, 1.0, 0.25));
        assert_eq!(decimals_for_step(0.25), 2);
        assert_eq!(decimals_for_step(0.5), 1);
        assert_eq!(decimals_for_step(20.0), 0);
    }

    #[test]
    fn date_ticks_fit_the_granularity() {
        let days = time_ticks(
            dt("2026-10-01 00:00"),
            dt("2026-10-31 00:00"),
            Granularity::Day,
            8,
        );
        assert!(days.len() <= 8 && days.len() >= 3, "{days:?}");
        assert_eq!(days[0].label, "Oct 5"); // weekly ticks start on the first Monday
        assert_eq!(days[0].sub.as_deref(), Some("2026"));
        assert!(days[1].sub.is_none());

        let hours = time_ticks(
            dt("2026-10-01 00:00"),
            dt("2026-10-02 23:00"),
            Granularity::Hour,
            10,
        );
        assert_eq!(hours[0].label, "00:00");
        assert_eq!(hours[0].sub.as_deref(), Some("Oct 1"));
        assert!(hours.iter().any(|t| t.sub.as_deref() == Some("Oct 2")));

        let months = time_ticks(
            dt("2025-11-01 00:00"),
            dt("2026-10-01 00:00"),
            Granularity::Month,
            12,
        );
        assert_eq!(months[0].label, "Nov");
        assert_eq!(months[0].sub.as_deref(), Some("2025"));
        assert_eq!(months[2].label, "Jan");
        assert_eq!(months[2].sub.as_deref(), Some("2026"));

        // Daily data never gets hour ticks, even over a single day.
        let one = time_ticks(
            dt("2026-10-01 00:00"),
            dt("2026-10-01 00:00"),
            Granularity::Day,
            10,
        );
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].label, "Oct 1");
    }

    #[test]
    fn names() {
        assert_eq!(metric_label("active-sessions"), "Active sessions");
        assert_eq!(metric_label("bstreams-30"), "Bstreams 30");
        assert_eq!(metric_label("duration_0-15"), "Sessions lasting 0-15");
        assert_eq!(dimension_label("mvpd"), "MVPD");
        assert_eq!(lower_first("Active users"), "active users");
        assert_eq!(lower_first("MVPD"), "MVPD");
    }
}
