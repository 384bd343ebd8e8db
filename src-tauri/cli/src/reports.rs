//! `tree` and `report`: thin adapters over `cmu_core::cmu_client`.

use std::io::Write;

use cmu_core::chart::{self, ChartContext, ChartKind, ChartSpec, Theme};
use cmu_core::cmu_client::CmuClient;
use cmu_core::presets;
use cmu_core::report::ReportTable;
use cmu_core::report_query::{zone_label, Filter, ReportQuery, TimeRange};
use cmu_core::Error;

use crate::access::{progress, select_profile, session};
use crate::args::{
    ChartArgs, GlobalArgs, KindArg, PresetsArgs, QueryArgs, ReportArgs, ReportFormat, ThemeArg,
    TreeArgs, WhatIfArgs,
};
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

/// `cmu presets`.
pub async fn presets(global: &GlobalArgs, args: &PresetsArgs) -> Result<(), Error> {
    let marked: Vec<(presets::Preset, Option<bool>)> = if args.check {
        let session = session(global).await?;
        let profile = select_profile(&session, global)?;
        CmuClient::new(session.connections.clone())
            .preset_availability(&profile.id, &progress())
            .await?
            .into_iter()
            .map(|(p, available)| (p, Some(available)))
            .collect()
    } else {
        presets::presets()
            .iter()
            .map(|p| (p.clone(), None))
            .collect()
    };
    if args.json {
        let list: Vec<serde_json::Value> = marked
            .iter()
            .map(|(p, available)| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                if let (Some(obj), Some(a)) = (v.as_object_mut(), available) {
                    obj.insert("available".into(), (*a).into());
                }
                v
            })
            .collect();
        output::json(&serde_json::Value::Array(list));
        return Ok(());
    }
    let mut granularity = None;
    for (p, available) in &marked {
        if granularity != Some(p.granularity) {
            granularity = Some(p.granularity);
            println!("{}:", p.granularity.as_str());
        }
        let mark = match available {
            Some(true) => "  ✓",
            Some(false) => "  ✗",
            None => "  ",
        };
        println!("{mark} {}  {}", p.name, p.path);
    }
    Ok(())
}

fn build_query(args: &QueryArgs, limit: Option<u32>) -> Result<(ReportQuery, String), Error> {
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
    if limit.is_some() {
        query.limit = limit;
    }
    query.validate()?;
    Ok((query, zone_label(tz, now)))
}

/// `cmu report`.
pub async fn report(global: &GlobalArgs, args: &ReportArgs) -> Result<(), Error> {
    let fetched = fetch(global, &args.query, args.limit).await?;
    let (table, zone) = (&fetched.table, &fetched.zone);
    let mut out: Vec<u8> = Vec::new();
    match args.format {
        ReportFormat::Csv => table.to_csv(&mut out)?,
        ReportFormat::Json => {
            let text = serde_json::to_string_pretty(&table.to_json())
                .map_err(|e| Error::LocalIo(format!("cannot write JSON: {e}")))?;
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        ReportFormat::Table => write_table(table, zone, &mut out),
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

/// A fetched report and what the chart says about it.
struct Fetched {
    table: ReportTable,
    zone: String,
    environment: String,
}

async fn fetch(
    global: &GlobalArgs,
    args: &QueryArgs,
    limit: Option<u32>,
) -> Result<Fetched, Error> {
    let (query, zone) = build_query(args, limit)?;
    let session = session(global).await?;
    let profile = select_profile(&session, global)?;
    let client = CmuClient::new(session.connections.clone());
    let table = client.fetch(&profile.id, &query, &progress()).await?;
    if let Some(warning) = table.truncation_warning() {
        eprintln!("warning: {warning}");
    }
    Ok(Fetched {
        table,
        zone,
        environment: profile.environment.label().to_owned(),
    })
}

fn context(fetched: &Fetched) -> ChartContext {
    ChartContext::describe_now(&fetched.table, &fetched.environment, &fetched.zone)
}

/// `cmu chart`.
pub async fn chart(global: &GlobalArgs, args: &ChartArgs) -> Result<(), Error> {
    let fetched = fetch(global, &args.query, args.limit).await?;
    let mut spec = ChartSpec::default_for(&fetched.table);
    if !args.chart_metrics.is_empty() {
        spec.metrics = args.chart_metrics.clone();
    }
    if let Some(series) = &args.series {
        spec.series_by = Some(series.clone());
    }
    if let Some(top) = args.top {
        spec.top_n = top;
    }
    if let Some(kind) = args.kind {
        spec.kind = match kind {
            KindArg::Line => ChartKind::Line,
            KindArg::Area => ChartKind::StackedArea,
            KindArg::Bar => ChartKind::Bar,
            KindArg::StackedBar => ChartKind::StackedBar,
            KindArg::Histogram => ChartKind::Histogram,
        };
    }
    spec.theme = match args.theme {
        ThemeArg::Light => Theme::Light,
        ThemeArg::Dark => Theme::Dark,
    };
    spec.title = args.title.clone();
    chart::render_to_file(
        &fetched.table,
        &spec,
        &context(&fetched),
        &args.output,
        args.width,
        args.height,
        args.scale,
    )?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}

/// `cmu what-if`.
pub async fn what_if(global: &GlobalArgs, args: &WhatIfArgs) -> Result<(), Error> {
    let fetched = fetch(global, &args.query, args.rows).await?;
    let result = chart::what_if(&fetched.table, args.limit)?;
    if args.json {
        output::json(&serde_json::to_value(&result).unwrap_or_default());
    } else {
        println!(
            "With a limit of {} streams per user, {} of {} users ({}) would have been refused a stream at least once; {} ({}) used exactly the limit.",
            result.limit,
            output::number(result.users_over_limit),
            output::number(result.total_users),
            share(result.share_over_limit),
            output::number(result.users_at_limit),
            share(result.share_at_limit),
        );
        println!();
        println!("{:>6}  {:>12}  status", "level", "users");
        for row in &result.rows {
            let status = if row.over {
                "over the limit"
            } else if row.at_limit {
                "at the limit"
            } else {
                ""
            };
            println!(
                "{:>6}  {:>12}  {status}",
                row.level,
                output::number(row.users)
            );
        }
    }
    if let Some(path) = &args.output {
        let spec = ChartSpec {
            kind: ChartKind::WhatIf,
            limit: Some(args.limit),
            ..ChartSpec::default_for(&fetched.table)
        };
        chart::render_to_file(
            &fetched.table,
            &spec,
            &context(&fetched),
            path,
            1600,
            900,
            1.0,
        )?;
        eprintln!("wrote {}", path.display());
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
            "{} · {period} · relative ranges resolved in {zone} · dates as reported by Adobe Pass\n",
            match table.rows() {
                1 => "1 row".to_owned(),
                n => format!("{n} rows"),
            }
        )
        .as_bytes(),
    );
}

fn share(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}
