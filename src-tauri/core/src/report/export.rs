//! CSV and JSON export of a report table.

use std::io::Write;

use serde_json::{json, Map, Number, Value};

use super::{format_number, ReportTable};
use crate::Error;

/// Longest file name we propose, in bytes (file systems allow 255).
const MAX_FILE_NAME: usize = 200;

impl ReportTable {
    /// Writes the table as RFC 4180 CSV: a header of dimensions (path order) then metrics,
    /// CRLF line ends, fields with `,` `"` CR or LF quoted with inner quotes doubled, numbers
    /// without a trailing `.0`, missing values as empty fields.
    pub fn to_csv(&self, w: impl Write) -> Result<(), Error> {
        let io_err =
            |e: std::io::Error| Error::LocalIo(format!("cannot write the CSV export: {e}"));
        let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
        let mut line = String::with_capacity(512);
        for (i, name) in self.columns().map(|c| c.name()).enumerate() {
            if i > 0 {
                line.push(',');
            }
            push_csv_field(name, &mut line);
        }
        line.push_str("\r\n");
        w.write_all(line.as_bytes()).map_err(io_err)?;
        for row in 0..self.rows {
            line.clear();
            let mut first = true;
            for d in &self.dimensions {
                if !first {
                    line.push(',');
                }
                first = false;
                if let Some(v) = d.value(row) {
                    push_csv_field(v, &mut line);
                }
            }
            for m in &self.metrics {
                if !first {
                    line.push(',');
                }
                first = false;
                if let Some(x) = m.get(row) {
                    format_number(x, &mut line);
                }
            }
            line.push_str("\r\n");
            w.write_all(line.as_bytes()).map_err(io_err)?;
        }
        w.flush().map_err(io_err)
    }

    /// The CSV export as a string.
    pub fn to_csv_string(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.to_csv(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The file name the API gives a CSV download, `report__<start>_<end>_<filters>.csv`, made
    /// safe for every file system (`:` `/` `\` `*` `?` `"` `<` `>` `|` and controls become `-`).
    pub fn default_csv_file_name(&self) -> String {
        let q = &self.query;
        let mut name = format!(
            "report__{}_{}",
            q.start.as_deref().unwrap_or("default"),
            q.end.as_deref().unwrap_or("default")
        );
        let filters: Vec<String> = q.filters.iter().map(|f| f.label()).collect();
        if !filters.is_empty() {
            name.push('_');
            name.push_str(&filters.join("_"));
        }
        let mut safe: String = name
            .chars()
            .map(|c| match c {
                ':' | '/' | '\\' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
                c if c.is_control() => '-',
                c => c,
            })
            .collect();
        if safe.len() > MAX_FILE_NAME {
            let mut cut = MAX_FILE_NAME;
            while !safe.is_char_boundary(cut) {
                cut -= 1;
            }
            safe.truncate(cut);
        }
        // Windows refuses names ending in a dot or a space.
        let trimmed = safe.trim_end_matches(['.', ' ']);
        format!("{trimmed}.csv")
    }

    /// The typed table as JSON: path, effective query, links, granularity, columns with their
    /// kinds, and rows as arrays (labels as strings, metrics as numbers, missing as null).
    pub fn to_json(&self) -> Value {
        let columns: Vec<Value> = self
            .columns()
            .map(|c| json!({"name": c.name(), "kind": c.kind()}))
            .collect();
        let rows: Vec<Value> = (0..self.rows)
            .map(|row| {
                let mut cells = Vec::with_capacity(self.dimensions.len() + self.metrics.len());
                cells.extend(
                    self.dimensions
                        .iter()
                        .map(|d| d.value(row).map_or(Value::Null, Value::from)),
                );
                cells.extend(self.metrics.iter().map(|m| number(m.get(row))));
                Value::Array(cells)
            })
            .collect();
        let mut out = Map::new();
        out.insert("path".into(), json!(self.query.path));
        out.insert("query".into(), json!(self.query));
        out.insert("links".into(), json!(self.links));
        out.insert("granularity".into(), json!(self.granularity));
        out.insert("rowCount".into(), json!(self.rows));
        out.insert("truncationWarning".into(), json!(self.truncation_warning()));
        out.insert("columns".into(), Value::Array(columns));
        out.insert("rows".into(), Value::Array(rows));
        Value::Object(out)
    }
}

/// A metric as a JSON number: an integer when it is one, null when missing.
fn number(x: Option<f64>) -> Value {
    match x {
        None => Value::Null,
        Some(x) if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => Value::from(x as i64),
        Some(x) => Number::from_f64(x).map_or(Value::Null, Value::Number),
    }
}

/// Appends one CSV field, quoted when RFC 4180 requires it.
fn push_csv_field(value: &str, out: &mut String) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        for c in value.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_quote_only_when_needed() {
        let f = |v: &str| {
            let mut s = String::new();
            push_csv_field(v, &mut s);
            s
        };
        assert_eq!(f("plain"), "plain");
        assert_eq!(f("a,b"), "\"a,b\"");
        assert_eq!(f("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(f("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(f("cr\r"), "\"cr\r\"");
        assert_eq!(f(""), "");
    }

    #[test]
    fn file_name_is_safe() {
        let body = br#"{"_links": {"self": {"href": "/cmu/v2/year/month/mvpd?start=2026-10-01T00:00:00-07:00&end=2026-11&mvpd=AT%26T%2FU-verse&platform!=Roku&channel"}}, "report": []}"#;
        let t = ReportTable::parse(body).unwrap();
        assert_eq!(
            t.default_csv_file_name(),
            "report__2026-10-01T00-00-00-07-00_2026-11_mvpd=AT&T-U-verse_platform!=Roku_channel.csv"
        );
        let bare = ReportTable::parse(b"{}").unwrap();
        assert_eq!(bare.default_csv_file_name(), "report__default_default.csv");
        let long = format!(
            r#"{{"_links": {{"self": "/cmu/v2/mvpd?mvpd={}"}}}}"#,
            "é".repeat(300)
        );
        let name = ReportTable::parse(long.as_bytes())
            .unwrap()
            .default_csv_file_name();
        assert!(name.len() <= MAX_FILE_NAME + 4 && name.ends_with(".csv"));
    }
}
