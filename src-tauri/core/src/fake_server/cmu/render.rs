//! Representations of a [`Report`]: HAL JSON (the default), CSV, XML and a bare HTML table.
//!
//! JSON is written by hand rather than through `serde_json::Value`: record keys must keep the
//! column order (path order, then metrics), and every number is a JSON *string*, as the real
//! API writes them (`"active-users": "1234"`).

use std::fmt::Write as _;

use super::report::{Link, Report};

/// A representation the fake can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HAL JSON (`application/json`).
    Json,
    /// CSV with a header row, no links (`text/csv`).
    Csv,
    /// XML with links and records (`application/xml`).
    Xml,
    /// An HTML table with links (`text/html`).
    Html,
}

impl Format {
    /// The `format=` value or path extension for this representation.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xml => "xml",
            Format::Html => "html",
        }
    }

    /// Parses a `format=` value or a path extension (case-insensitive).
    pub fn parse(text: &str) -> Option<Format> {
        match text.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "xml" => Some(Format::Xml),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The `Content-Type` of this representation.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => crate::fake_server::JSON_CONTENT_TYPE,
            Format::Csv => "text/csv;charset=utf-8",
            Format::Xml => "application/xml;charset=utf-8",
            Format::Html => "text/html;charset=utf-8",
        }
    }

    /// Renders a report in this representation.
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Json => to_json(report),
            Format::Csv => to_csv(report),
            Format::Xml => to_xml(report),
            Format::Html => to_html(report),
        }
    }
}

/// Appends `text` as a JSON string literal.
pub(crate) fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_link(out: &mut String, link: &Link) {
    out.push_str("{\"href\":");
    push_json_str(out, &link.href);
    if let Some(name) = &link.name {
        out.push_str(",\"name\":");
        push_json_str(out, name);
    }
    out.push('}');
}

/// HAL JSON: `_links` (`self` with the full effective query, `roll-up`, `drill-down` as one
/// object when there is one child and an array when there are several, absent when none)
/// and `report`, an array of flat records whose values are all strings.
pub fn to_json(report: &Report) -> String {
    let mut out = String::with_capacity(256 + report.records.len() * 200);
    out.push_str("{\"_links\":{\"self\":{\"href\":");
    push_json_str(&mut out, &report.self_href());
    out.push('}');
    if let Some(up) = report.roll_up() {
        out.push_str(",\"roll-up\":");
        push_link(&mut out, &up);
    }
    let children = report.drill_down();
    match children.as_slice() {
        [] => {}
        [only] => {
            out.push_str(",\"drill-down\":");
            push_link(&mut out, only);
        }
        several => {
            out.push_str(",\"drill-down\":[");
            for (i, link) in several.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_link(&mut out, link);
            }
            out.push(']');
        }
    }
    out.push_str("},\"report\":[");
    for (i, record) in report.records.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        let mut first = true;
        for (d, v) in report.columns.iter().zip(record.dimensions.iter()) {
            if !first {
                out.push(',');
            }
            first = false;
            push_json_str(&mut out, d.name());
            out.push(':');
            push_json_str(&mut out, v);
        }
        for (m, v) in report.metrics.iter().zip(record.values.iter()) {
            if !first {
                out.push(',');
            }
            first = false;
            push_json_str(&mut out, m.name());
            let _ = write!(out, ":\"{v}\"");
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

fn csv_field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// The CSV header line (no line break): dimensions in path order, then metrics.
pub fn csv_header(report: &Report) -> String {
    let names: Vec<&str> = report
        .columns
        .iter()
        .map(|d| d.name())
        .chain(report.metrics.iter().map(|m| m.name()))
        .collect();
    names.join(",")
}

/// CSV (RFC 4180, CRLF line ends): the header row, then one line per record; no links.
pub fn to_csv(report: &Report) -> String {
    let mut out = String::with_capacity(128 + report.records.len() * 120);
    out.push_str(&csv_header(report));
    out.push_str("\r\n");
    for record in &report.records {
        let mut first = true;
        for v in &record.dimensions {
            if !first {
                out.push(',');
            }
            first = false;
            csv_field(&mut out, v);
        }
        for v in &record.values {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "{v}");
        }
        out.push_str("\r\n");
    }
    out
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn xml_link(out: &mut String, rel: &str, link: &Link) {
    let _ = write!(
        out,
        "<link rel=\"{rel}\" href=\"{}\"",
        xml_escape(&link.href)
    );
    if let Some(name) = &link.name {
        let _ = write!(out, " name=\"{}\"", xml_escape(name));
    }
    out.push_str("/>");
}

/// HAL-style XML: `<resource href=self>` with `<link>`s and `<report>` of `<record>`s whose
/// children are named after the columns.
pub fn to_xml(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<resource href=\"{}\">",
        xml_escape(&report.self_href())
    );
    if let Some(up) = report.roll_up() {
        xml_link(&mut out, "roll-up", &up);
    }
    for link in report.drill_down() {
        xml_link(&mut out, "drill-down", &link);
    }
    out.push_str("<report>");
    for record in &report.records {
        out.push_str("<record>");
        for (d, v) in report.columns.iter().zip(record.dimensions.iter()) {
            let _ = write!(out, "<{0}>{1}</{0}>", d.name(), xml_escape(v));
        }
        for (m, v) in report.metrics.iter().zip(record.values.iter()) {
            let _ = write!(out, "<{0}>{1}</{0}>", m.name(), v);
        }
        out.push_str("</record>");
    }
    out.push_str("</report></resource>\n");
    out
}

/// A minimal HTML page: the links and a table of the records.
pub fn to_html(report: &Report) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    out.push_str(&xml_escape(&report.self_href()));
    out.push_str("</title></head><body><ul>");
    let _ = write!(out, "<li>self: {}</li>", xml_escape(&report.self_href()));
    if let Some(up) = report.roll_up() {
        let _ = write!(
            out,
            "<li>roll-up: <a href=\"{0}\">{0}</a></li>",
            xml_escape(&up.href)
        );
    }
    for link in report.drill_down() {
        let _ = write!(
            out,
            "<li>drill-down: <a href=\"{0}\">{0}</a></li>",
            xml_escape(&link.href)
        );
    }
    out.push_str("</ul><table><tr>");
    for name in report
        .columns
        .iter()
        .map(|d| d.name())
        .chain(report.metrics.iter().map(|m| m.name()))
    {
        let _ = write!(out, "<th>{name}</th>");
    }
    out.push_str("</tr>");
    for record in &report.records {
        out.push_str("<tr>");
        for v in &record.dimensions {
            let _ = write!(out, "<td>{}</td>", xml_escape(v));
        }
        for v in &record.values {
            let _ = write!(out, "<td>{v}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></body></html>\n");
    out
}
