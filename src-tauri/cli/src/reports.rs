//! `tree` and `report`: thin adapters over `cmu_core::cmu_client`.

use std::io::Write;

use cmu_core::cmu_client::CmuClient;
use cmu_core::presets;
use cmu_core::report::ReportTable;
use cmu_core::report_query::{zone_label, Filter, ReportQuery, TimeRange};
use cmu_core::Error;

use crate::access::{progress, select_profile, session};
use crate::args::{GlobalArgs, ReportArgs, ReportFormat, TreeArgs};
use crate::output;

/// `cmu tree`.
pub async fn tree(global: &GlobalArgs, args: &TreeArgs) -> Result<(), Error> {
    let start = match &args.path {
        Some(p) => ReportQuery::parse_path(p)?.path,
        None => Vec::new(),
    };
    let session = session(global).await?;
    let profile = select_profile(&session, global)?;
    let client = CmuClient::new(session.connections.clone());
    let nodes = client
        .tree(&profile.id, &start, args.depth, &progress())
        .await?;
    if args.json {
        output::json(&serde_json::to_value(&nodes).unwrap_or_default());
        return Ok(());
    }
    for node in &nodes {
        let indent = "  ".repeat(node.depth);
        let leaf = if node.children.is_empty() {
            String::new()
        } else {
            format!("  → {}", node.children.join(", "))
        };
        println!("{indent}{}{leaf}", node.path_string());
    }
    Ok(())
}

fn build_query(args: &ReportArgs) -> Result<(ReportQuery, String), Error> {
    let preset = args
        .preset
        .as_deref()
        .map(|name| {
            presets::find(name).ok_or_else(|| {
                Error::InvalidInput(format!(
                    "no preset named \"{name}\"; presets are listed in the README (e.g. \"Cross-MVPD daily stats\")"
                ))
            })
        })
        .transpose()?;
    let mut query = match (&args.path, preset) {
        (Some(path), _) => ReportQuery::parse_path(path)?,
        (None, Some(p)) => {
            let mut q = ReportQuery::parse_path(&p.path)?;
            if args.metrics.is_empty() {
                q.metrics = p
                    .metrics
                    .iter()
                    .filter(|m| !q.path.contains(m))
                    .cloned()
                    .collect();
            }
            q
        }
        (None, None) => {
            return Err(Error::InvalidInput(
                "say which report: cmu report /cmu/v2/year/month/day/mvpd (or --preset NAME); see cmu tree".to_owned(),
            ))
        }
    };
    let tz: chrono_tz::Tz = args.tz.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "unknown time zone \"{}\"; use an IANA name such as UTC or America/New_York",
            args.tz
        ))
    })?;
    let now = chrono::Utc::now();
    if let Some(last) = &args.last {
        query.set_range(&TimeRange::parse(last)?, now, tz);
    } else {
        if let (Some(start), Some(end)) = (&args.start, &args.end) {
            TimeRange::absolute(start, end)?;
        }
        query.start = args.start.clone().or(query.start);
        query.end = args.end.clone().or(query.end);
    }
    query.filters = Filter::merge(
        query
            .filters
            .drain(..)
            .chain(Filter::parse_many(args.filters.iter().map(String::as_str))?),
    );
    if !args.metrics.is_empty() {
        query.metrics = args.metrics.clone();
    }
    if args.limit.is_some() {
        query.limit = args.limit;
    }
    query.validate()?;
    Ok((query, zone_label(tz, now)))
}

/// `cmu report`.
pub async fn report(global: &GlobalArgs, args: &ReportArgs) -> Result<(), Error> {
    let (query, zone) = build_query(args)?;
    let session = session(global).await?;
    let profile = select_profile(&session, global)?;
    let client = CmuClient::new(session.connections.clone());
    let table = client.fetch(&profile.id, &query, &progress()).await?;
    if let Some(warning) = table.truncation_warning() {
        eprintln!("warning: {warning}");
    }
    let mut out: Vec<u8> = Vec::new();
    match args.format {
        ReportFormat::Csv => table.to_csv(&mut out)?,
        ReportFormat::Json => {
            let text = serde_json::to_string_pretty(&table.to_json())
                .map_err(|e| Error::LocalIo(format!("cannot write JSON: {e}")))?;
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        ReportFormat::Table => write_table(&table, &zone, &mut out),
    }
    match &args.output {
        Some(path) => {
            std::fs::write(path, &out).map_err(|e| Error::io("write", path, &e))?;
            eprintln!("wrote {} rows to {}", table.rows(), path.display());
        }
        None => std::io::stdout()
            .write_all(&out)
            .map_err(|e| Error::LocalIo(format!("cannot write to standard output: {e}")))?,
    }
    Ok(())
}

/// Aligned columns; numbers right-aligned with thousands separators.
fn write_table(table: &ReportTable, zone: &str, out: &mut Vec<u8>) {
    let columns: Vec<_> = table.columns().collect();
    let mut header: Vec<String> = columns.iter().map(|c| c.name().to_owned()).collect();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(table.rows());
    let numeric: Vec<bool> = columns
        .iter()
        .map(|c| table.metric(c.name()).is_some())
        .collect();
    for row in 0..table.rows() {
        rows.push(
            columns
                .iter()
                .map(|c| match table.metric(c.name()) {
                    Some(m) => m.get(row).map(output::number).unwrap_or_default(),
                    None => table.dimension_value(c.name(), row).to_owned(),
                })
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String], out: &mut Vec<u8>| {
        let text: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if numeric[i] {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect();
        out.extend_from_slice(text.join("  ").trim_end().as_bytes());
        out.push(b'\n');
    };
    line(&header, out);
    header = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&header, out);
    for r in &rows {
        line(r, out);
    }
    let period = match (table.start(), table.end()) {
        (Some(s), Some(e)) => format!("{s} to {e}"),
        _ => "server default period".to_owned(),
    };
    out.extend_from_slice(
        format!(
            "{} rows · {period} · relative ranges resolved in {zone} · dates as reported by Adobe Pass\n",
            table.rows()
        )
        .as_bytes(),
    );
}
