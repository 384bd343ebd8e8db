//! Which report paths exist (the pre-aggregations): the drill-down tree published for tenants,
//! every path of the 65 named reports (`cmu-report-presets.json`, embedded), and every prefix
//! of those, so that a client can walk from the root to any of them. Anything else is a 404.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::schema::Dimension;

/// The URL prefix of every CMU resource.
pub const API_PREFIX: &str = "/cmu/v2";

/// The named reports, as shipped with the app (`data/cmu-report-presets.json`).
pub const PRESETS_JSON: &str = include_str!("../../../data/cmu-report-presets.json");

/// One named report of `cmu-report-presets.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Preset {
    /// Display name (`"Cross-MVPD monthly stats"`).
    pub name: String,
    /// `monthly`, `daily` or `hourly`.
    pub granularity: String,
    /// The report path (`/cmu/v2/year/month/mvpd`).
    pub path: String,
    /// The dimensions the documentation lists for it.
    pub dimensions: Vec<String>,
    /// The metrics the documentation lists for it.
    pub metrics: Vec<String>,
    /// A remark about a discrepancy in the source, if any.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct PresetFile {
    presets: Vec<Preset>,
}

/// The 65 named reports (empty only if the embedded file were broken, which a test rules out).
pub fn presets() -> &'static [Preset] {
    static PRESETS: OnceLock<Vec<Preset>> = OnceLock::new();
    PRESETS.get_or_init(|| {
        serde_json::from_str::<PresetFile>(PRESETS_JSON)
            .map(|f| f.presets)
            .unwrap_or_default()
    })
}

/// The set of report paths, in a stable order (tree first, then presets).
#[derive(Debug)]
pub struct Tree {
    paths: Vec<Vec<Dimension>>,
    index: HashMap<Vec<Dimension>, usize>,
    children: HashMap<Vec<Dimension>, Vec<Dimension>>,
}

/// The report paths the fake serves.
pub fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(Tree::build)
}

impl Tree {
    fn build() -> Tree {
        use Dimension::{
            Application as App, ApplicationId as AppId, Channel, Day, Hour, Minute, Mvpd, Platform,
            Tenant, Year,
        };
        let mut tree = Tree {
            paths: Vec::new(),
            index: HashMap::new(),
            children: HashMap::new(),
        };
        tree.add(&[]);
        // The tree published for tenants.
        let day = [Tenant, Year, Dimension::Month, Day];
        tree.add_chain(&day);
        let branch = |tree: &mut Tree, base: &[Dimension], rest: &[Dimension]| {
            let mut path = base.to_vec();
            path.extend_from_slice(rest);
            tree.add_chain(&path);
        };
        branch(&mut tree, &day, &[Mvpd, Platform, AppId, App]);
        branch(&mut tree, &day, &[Mvpd, Hour]);
        branch(&mut tree, &day, &[Channel, Platform, AppId, App]);
        let hour: Vec<Dimension> = day.iter().copied().chain([Hour]).collect();
        let minute: Vec<Dimension> = hour.iter().copied().chain([Minute]).collect();
        for base in [&hour, &minute] {
            branch(&mut tree, base, &[AppId, App]);
            branch(&mut tree, base, &[Channel, Platform, AppId, App]);
            branch(&mut tree, base, &[Mvpd, Platform, AppId, App]);
        }
        branch(&mut tree, &day, &[AppId, App]);
        // The named reports (paths starting at year and at mvpd, histograms...).
        for preset in presets() {
            if let Some(path) = parse_path(&preset.path) {
                tree.add_chain(&path);
            }
        }
        // One preset's source lists mvpd among its dimensions but leaves it out of its URL:
        // serve both readings.
        tree.add_chain(&[
            Year,
            Dimension::Month,
            Day,
            Hour,
            Tenant,
            Mvpd,
            Platform,
            AppId,
            App,
        ]);
        for path in &tree.paths {
            if let Some((last, parent)) = path.split_last() {
                tree.children
                    .entry(parent.to_vec())
                    .or_default()
                    .push(*last);
            }
        }
        tree
    }

    fn add(&mut self, path: &[Dimension]) {
        if !self.index.contains_key(path) {
            self.index.insert(path.to_vec(), self.paths.len());
            self.paths.push(path.to_vec());
        }
    }

    /// Adds a path and all its prefixes.
    fn add_chain(&mut self, path: &[Dimension]) {
        for n in 1..=path.len() {
            self.add(&path[..n]);
        }
    }

    /// Whether a report exists at `path` (`[]` is the root).
    pub fn contains(&self, path: &[Dimension]) -> bool {
        self.index.contains_key(path)
    }

    /// The dimensions one can drill down to from `path`, in a stable order.
    pub fn children(&self, path: &[Dimension]) -> &[Dimension] {
        self.children.get(path).map_or(&[], Vec::as_slice)
    }

    /// Every path, root first.
    pub fn paths(&self) -> &[Vec<Dimension>] {
        &self.paths
    }
}

/// Parses `/cmu/v2/year/month` (or `year/month`) into dimensions; `None` when a segment is not
/// a dimension or repeats one.
pub fn parse_path(path: &str) -> Option<Vec<Dimension>> {
    let rest = path.strip_prefix(API_PREFIX).unwrap_or(path);
    let mut out = Vec::new();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        let d = Dimension::parse(segment)?;
        if out.contains(&d) {
            return None;
        }
        out.push(d);
    }
    Some(out)
}

/// The URL path of a report: `/cmu/v2` for the root, `/cmu/v2/year/month` otherwise.
pub fn path_string(path: &[Dimension]) -> String {
    let mut out = String::from(API_PREFIX);
    for d in path {
        out.push('/');
        out.push_str(d.name());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_are_served() {
        assert_eq!(presets().len(), 65);
        for preset in presets() {
            let path = parse_path(&preset.path).unwrap();
            assert!(tree().contains(&path), "{}", preset.path);
            assert_eq!(path_string(&path), preset.path);
        }
    }

    #[test]
    fn published_tree_is_served() {
        for p in [
            "/cmu/v2",
            "/cmu/v2/tenant/year/month/day/mvpd/hour",
            "/cmu/v2/tenant/year/month/day/hour/minute/channel/platform/application-id/application",
            "/cmu/v2/tenant/year/month/day/hour/minute/mvpd/platform/application-id/application",
            "/cmu/v2/tenant/year/month/day/application-id/application",
        ] {
            assert!(tree().contains(&parse_path(p).unwrap()), "{p}");
        }
        for p in [
            "/cmu/v2/platform",
            "/cmu/v2/year/day",
            "/cmu/v2/tenant/year/month/day/minute",
        ] {
            assert!(!tree().contains(&parse_path(p).unwrap()), "{p}");
        }
        assert_eq!(parse_path("/cmu/v2/year/year"), None);
        assert_eq!(parse_path("/cmu/v2/colour"), None);
    }

    #[test]
    fn every_path_is_reachable_from_the_root() {
        for path in tree().paths() {
            if let Some((last, parent)) = path.split_last() {
                assert!(tree().contains(parent));
                assert!(tree().children(parent).contains(last));
            }
        }
        assert_eq!(
            tree().children(&[]),
            &[Dimension::Tenant, Dimension::Year, Dimension::Mvpd]
        );
    }
}
