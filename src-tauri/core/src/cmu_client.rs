//! The CMU reports client: fetch a report into a typed table, and discover which report paths
//! exist by walking the drill-down links, paced to the documented rate limits.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use serde::Serialize;
use tokio::sync::Mutex;

use crate::connection::Connections;
use crate::error::Error;
use crate::http::ProgressSink;
use crate::presets::{self, Preset};
use crate::report::ReportTable;
use crate::report_query::ReportQuery;

/// JSON, as the reports API documents; HAL is served as plain JSON.
const ACCEPT_JSON: &str = "application/json";

/// How fast discovery may go. The registration host documents ~1 request per second with a
/// one-time burst of 10; the reports host documents nothing, so discovery keeps to the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// Requests that may go out at once before pacing starts.
    pub burst: u32,
    /// Sustained requests per second.
    pub per_second: f64,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            burst: 10,
            per_second: 1.0,
        }
    }
}

/// A token bucket.
#[derive(Debug)]
struct Pacer {
    pace: Pace,
    tokens: f64,
    updated: Instant,
}

impl Pacer {
    fn new(pace: Pace) -> Self {
        Self {
            pace,
            tokens: f64::from(pace.burst.max(1)),
            updated: Instant::now(),
        }
    }

    async fn wait_turn(&mut self) {
        let now = Instant::now();
        let refill = now.duration_since(self.updated).as_secs_f64() * self.pace.per_second;
        self.tokens = (self.tokens + refill).min(f64::from(self.pace.burst.max(1)));
        self.updated = now;
        if self.tokens < 1.0 && self.pace.per_second > 0.0 {
            let wait = (1.0 - self.tokens) / self.pace.per_second;
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
            self.tokens = 1.0;
            self.updated = Instant::now();
        }
        self.tokens -= 1.0;
    }
}

/// One report path found by discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeNode {
    /// Dimensions after `/cmu/v2`, e.g. `["year", "month"]`.
    pub path: Vec<String>,
    /// The dimensions one level further down.
    pub children: Vec<String>,
    /// Distance from where the walk started.
    pub depth: usize,
}

impl TreeNode {
    /// `/cmu/v2/...` form of the path.
    pub fn path_string(&self) -> String {
        let mut s = "/cmu/v2".to_owned();
        for d in &self.path {
            s.push('/');
            s.push_str(d);
        }
        s
    }
}

/// A discovered tree's identity: profile, start path, depth.
type TreeKey = (String, Vec<String>, usize);

/// Reports for the profiles of a [`Connections`].
#[derive(Debug, Clone)]
pub struct CmuClient {
    connections: Connections,
    pace: Pace,
    // Discovered trees per (profile, start path, depth): the tree changes rarely, and walking it
    // costs many paced requests.
    trees: Arc<Mutex<HashMap<TreeKey, Vec<TreeNode>>>>,
    // Preset paths each profile's server answered, from `preset_availability`.
    preset_paths: Arc<Mutex<HashMap<String, HashSet<String>>>>,
}

impl CmuClient {
    /// A client with the documented pace.
    pub fn new(connections: Connections) -> Self {
        Self::with_pace(connections, Pace::default())
    }

    /// A client with a given discovery pace (tests use a faster one).
    pub fn with_pace(connections: Connections, pace: Pace) -> Self {
        Self {
            connections,
            pace,
            trees: Arc::default(),
            preset_paths: Arc::default(),
        }
    }

    /// The connections this client uses.
    pub fn connections(&self) -> &Connections {
        &self.connections
    }

    /// Runs `query` for the profile and parses the answer into a typed table.
    pub async fn fetch(
        &self,
        profile_id: &str,
        query: &ReportQuery,
        progress: &ProgressSink,
    ) -> Result<ReportTable, Error> {
        query.validate()?;
        let mut json_query = query.clone();
        // We always read JSON; CSV and other exports are written from the typed table.
        json_query.format = None;
        let body = self.get(profile_id, &json_query, progress).await?;
        ReportTable::parse(&body)
    }

    /// GETs a report body, mapping every documented status to an error kind.
    async fn get(
        &self,
        profile_id: &str,
        query: &ReportQuery,
        progress: &ProgressSink,
    ) -> Result<Vec<u8>, Error> {
        let profile = self.connections.profiles().get(profile_id)?;
        let url = query.url(&profile.environment.reports_root());
        let response = self
            .connections
            .authorized_get(&profile.id, &url, ACCEPT_JSON, progress)
            .await?;
        let path = query.path_string();
        check_status(response, &path).await
    }

    /// Walks the drill-down links breadth-first from `start` (empty: the root) down to `depth`
    /// levels, paced, and caches the result for the session.
    pub async fn tree(
        &self,
        profile_id: &str,
        start: &[String],
        depth: usize,
        progress: &ProgressSink,
    ) -> Result<Vec<TreeNode>, Error> {
        let key = (profile_id.to_owned(), start.to_vec(), depth);
        if let Some(cached) = self.trees.lock().await.get(&key) {
            return Ok(cached.clone());
        }
        let mut pacer = Pacer::new(self.pace);
        let mut seen: HashSet<Vec<String>> = HashSet::new();
        let mut queue = VecDeque::from([(start.to_vec(), 0usize)]);
        let mut nodes = BTreeMap::new();
        while let Some((path, level)) = queue.pop_front() {
            if !seen.insert(path.clone()) {
                continue;
            }
            pacer.wait_turn().await;
            let mut query = ReportQuery::for_path(&path);
            // One row is enough: only the links matter here.
            query.limit = Some(1);
            let body = self.get(profile_id, &query, progress).await?;
            let table = ReportTable::parse(&body)?;
            let children: Vec<String> = table
                .links()
                .drill_down
                .iter()
                .filter_map(|l| l.dimension())
                .collect();
            if level < depth {
                for child in &children {
                    let mut next = path.clone();
                    next.push(child.clone());
                    queue.push_back((next, level + 1));
                }
            }
            nodes.insert(
                (level, path.clone()),
                TreeNode {
                    path,
                    children,
                    depth: level,
                },
            );
        }
        let tree: Vec<TreeNode> = nodes.into_values().collect();
        self.trees.lock().await.insert(key, tree.clone());
        Ok(tree)
    }
}

impl CmuClient {
    /// Which of the named presets the server actually exposes, probing each distinct preset path
    /// once (one row, paced like discovery): a 404 means the server has no such
    /// pre-aggregation. Cached per profile for the session.
    pub async fn preset_availability(
        &self,
        profile_id: &str,
        progress: &ProgressSink,
    ) -> Result<Vec<(Preset, bool)>, Error> {
        let all = presets::presets();
        if let Some(paths) = self.preset_paths.lock().await.get(profile_id) {
            return Ok(presets::mark_available(all, paths));
        }
        let mut pacer = Pacer::new(self.pace);
        let mut paths = HashSet::new();
        let mut probed = HashSet::new();
        for preset in all {
            let query = ReportQuery::parse_path(&preset.path)?;
            if !probed.insert(query.path.clone()) {
                continue;
            }
            pacer.wait_turn().await;
            let mut probe = query.clone();
            probe.limit = Some(1);
            match self.get(profile_id, &probe, progress).await {
                Ok(_) => {
                    paths.insert(query.path_string());
                }
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let marked = presets::mark_available(all, &paths);
        self.preset_paths
            .lock()
            .await
            .insert(profile_id.to_owned(), paths);
        Ok(marked)
    }
}

/// One line of a plain-text server explanation, short enough for a message.
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut out: String = line.chars().filter(|c| !c.is_control()).take(200).collect();
    if line.chars().count() > 200 {
        out.push('…');
    }
    out
}

async fn check_status(response: Response, path: &str) -> Result<Vec<u8>, Error> {
    let status = response.status();
    if status.is_success() {
        return response.bytes().await.map(|b| b.to_vec()).map_err(|_| {
            Error::Network(format!(
                "the connection broke while reading the report {path}; try again"
            ))
        });
    }
    let reason = response
        .text()
        .await
        .map(|t| one_line(&t))
        .unwrap_or_default();
    Err(match status {
        StatusCode::BAD_REQUEST => Error::InvalidInput(format!(
            "Adobe Pass refused the report query: {}; change the dates, filters or limit",
            if reason.is_empty() { "no reason given" } else { &reason }
        )),
        StatusCode::FORBIDDEN => Error::AccessRefused {
            reason: "forbidden".to_owned(),
            message: format!(
                "this application may not read {path} (HTTP 403); ask your Adobe Pass representative for access to these reports"
            ),
        },
        StatusCode::NOT_FOUND => Error::NotFound(format!(
            "there is no report at {path} (HTTP 404); browse the available paths with `cmu tree` or the Reports screen"
        )),
        StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_ACCEPTABLE => Error::Server {
            status: status.as_u16(),
            message: format!(
                "Adobe Pass cannot serve {path} in the requested form (HTTP {}); update CMU Studio",
                status.as_u16()
            ),
        },
        other => Error::Server {
            status: other.as_u16(),
            message: format!(
                "Adobe Pass answered HTTP {} for {path}{}; try again later",
                other.as_u16(),
                if reason.is_empty() { String::new() } else { format!(" ({reason})") }
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_keeps_the_first_non_empty_line_short() {
        assert_eq!(one_line("\n  bad date: 2026-13\nmore"), "bad date: 2026-13");
        assert_eq!(one_line(&"x".repeat(300)).chars().count(), 201);
        assert_eq!(one_line("a\u{7}b"), "ab");
    }

    #[tokio::test]
    async fn pacer_allows_the_burst_then_paces() {
        let mut p = Pacer::new(Pace {
            burst: 3,
            per_second: 20.0,
        });
        let start = Instant::now();
        for _ in 0..3 {
            p.wait_turn().await;
        }
        assert!(start.elapsed() < Duration::from_millis(30));
        for _ in 0..4 {
            p.wait_turn().await;
        }
        // Four more at 20/s take about 200 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(150),
            "{:?}",
            start.elapsed()
        );
    }
}
