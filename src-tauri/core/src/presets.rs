//! The 65 named CMU reports of Adobe's "usage reports examples" page (monthly, daily, hourly):
//! the report picker's presets and the fake server's routes.
//!
//! The list is embedded from `data/cmu-report-presets.json` and parsed once. It is shipped data,
//! so a parse failure can only be a build mistake; even then we log it and serve an empty list
//! rather than panic.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The embedded preset file.
const PRESETS_JSON: &str = include_str!("../data/cmu-report-presets.json");

/// How finely a preset's report is broken down in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PresetGranularity {
    /// Rows per month.
    Monthly,
    /// Rows per day.
    Daily,
    /// Rows per hour.
    Hourly,
}

impl PresetGranularity {
    /// All granularities, coarsest first.
    pub const ALL: [PresetGranularity; 3] = [
        PresetGranularity::Monthly,
        PresetGranularity::Daily,
        PresetGranularity::Hourly,
    ];

    /// `monthly`, `daily` or `hourly`.
    pub fn as_str(self) -> &'static str {
        match self {
            PresetGranularity::Monthly => "monthly",
            PresetGranularity::Daily => "daily",
            PresetGranularity::Hourly => "hourly",
        }
    }
}

/// One named report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    /// Name from Adobe's examples page, e.g. `Cross-MVPD monthly stats`.
    pub name: String,
    /// Monthly, daily or hourly.
    pub granularity: PresetGranularity,
    /// Report path, e.g. `/cmu/v2/year/month/mvpd`.
    pub path: String,
    /// Dimensions the source table lists (normally the path segments).
    pub dimensions: Vec<String>,
    /// Metrics the report returns.
    pub metrics: Vec<String>,
    /// Caveat from the source, when the table and its URL disagree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Preset {
    /// The dimension names of `path` (after `/cmu/v2/`).
    pub fn path_dimensions(&self) -> Vec<&str> {
        self.path
            .strip_prefix(crate::report_query::API_PREFIX)
            .unwrap_or(&self.path)
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[derive(Deserialize)]
struct PresetFile {
    presets: Vec<Preset>,
}

static PRESETS: LazyLock<Vec<Preset>> =
    LazyLock::new(|| match serde_json::from_str::<PresetFile>(PRESETS_JSON) {
        Ok(file) => file.presets,
        Err(e) => {
            tracing::error!("the embedded report presets are unreadable: {e}");
            Vec::new()
        }
    });

/// All presets, in the source's order (monthly, then daily, then hourly).
pub fn presets() -> &'static [Preset] {
    &PRESETS
}

/// The preset named `name_or_path` (case-insensitive, surrounding spaces ignored), or with that
/// exact path. Two presets share one path; the one whose dimensions match the path wins.
pub fn find(name_or_path: &str) -> Option<&'static Preset> {
    let wanted = name_or_path.trim();
    let all = presets();
    if let Some(p) = all.iter().find(|p| p.name.eq_ignore_ascii_case(wanted)) {
        return Some(p);
    }
    let path = wanted.trim_end_matches('/');
    all.iter()
        .filter(|p| p.path == path)
        .min_by_key(|p| p.path_dimensions() != p.dimensions)
}

/// The presets of one granularity, in source order.
pub fn by_granularity(granularity: PresetGranularity) -> Vec<&'static Preset> {
    presets()
        .iter()
        .filter(|p| p.granularity == granularity)
        .collect()
}

/// Presets grouped by granularity, coarsest first (for a picker with sections).
pub fn grouped() -> Vec<(PresetGranularity, Vec<&'static Preset>)> {
    PresetGranularity::ALL
        .iter()
        .map(|&g| (g, by_granularity(g)))
        .collect()
}

/// Each preset with whether its path is among `available_paths` (the paths the server exposes,
/// e.g. found by walking its drill-down links). Trailing slashes are ignored on both sides.
pub fn mark_available(
    presets: &[Preset],
    available_paths: &HashSet<String>,
) -> Vec<(Preset, bool)> {
    let normalized: HashSet<&str> = available_paths
        .iter()
        .map(|p| p.trim_end_matches('/'))
        .collect();
    presets
        .iter()
        .map(|p| (p.clone(), normalized.contains(p.path.trim_end_matches('/'))))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sixty_five_presets_with_valid_paths() {
        let all = presets();
        assert_eq!(all.len(), 65);
        for p in all {
            assert!(p.path.starts_with("/cmu/v2/"), "{}", p.path);
            assert!(!p.metrics.is_empty(), "{}", p.name);
            assert!(crate::report_query::ReportQuery::parse_path(&p.path).is_ok());
        }
        let counts: Vec<usize> = grouped().iter().map(|(_, v)| v.len()).collect();
        assert_eq!(counts, [19, 25, 21]);
    }

    #[test]
    fn dimensions_equal_path_segments() {
        for p in presets() {
            let segments = p.path_dimensions();
            if p.note.is_some() {
                // The one documented disagreement: Adobe's table lists `mvpd` but its URL
                // omits it. It must stay explained, and differ only by that.
                let mut dims = p.dimensions.clone();
                dims.retain(|d| d != "mvpd");
                assert_eq!(dims, segments, "{}", p.name);
            } else {
                assert_eq!(p.dimensions, segments, "{}", p.name);
            }
        }
        assert_eq!(presets().iter().filter(|p| p.note.is_some()).count(), 1);
    }

    #[test]
    fn find_by_name_or_path() {
        let p = find("cross-mvpd MONTHLY stats").unwrap();
        assert_eq!(p.path, "/cmu/v2/year/month/mvpd");
        assert_eq!(find("/cmu/v2/year/month/mvpd/").unwrap().name, p.name);
        assert!(find("no such report").is_none());
        // The shared path resolves to the preset whose dimensions match it.
        let shared =
            find("/cmu/v2/year/month/day/hour/tenant/platform/application-id/application").unwrap();
        assert!(shared.note.is_none());
        assert_eq!(shared.name, "Platform hourly stats with application name");
    }

    #[test]
    fn availability_is_marked() {
        let available: HashSet<String> = ["/cmu/v2/year/month/mvpd/".to_string()].into();
        let marked = mark_available(presets(), &available);
        assert_eq!(marked.len(), 65);
        let on: Vec<&str> = marked
            .iter()
            .filter(|(_, ok)| *ok)
            .map(|(p, _)| p.name.as_str())
            .collect();
        assert_eq!(on, ["Cross-MVPD monthly stats"]);
    }
}
