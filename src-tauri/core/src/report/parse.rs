//! The streaming HAL parser: one pass over the body with serde's visitor API, straight into
//! columns, with no per-row map and no allocation per value on the common path.
//!
//! Why it is shaped like this (a 1M-row report is ~290 MB and must parse at ≥300 MB/s):
//! - keys are looked up by comparing with the previous row's key at the same position, since
//!   servers emit keys in the same order on every row; hashing only happens on a miss;
//! - dimension values are interned per column (last value first, then a hash table holding
//!   indices into the dictionary, so each distinct string is stored once);
//! - numeric strings go through an integer fast path before the std float parser.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{format_number, Link, ReportLinks};
use crate::Error;

/// Dimension id meaning "no value in this row".
pub(super) const MISSING: u32 = u32::MAX;

/// Dimensions whose values are labels even when they look like numbers.
const KNOWN_DIMENSIONS: [&str; 13] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "tenant",
    "application",
    "application-id",
    "channel",
    "mvpd",
    "platform",
    "concurrency-level",
    "activity-level",
];

/// Whether `name` is a dimension the API documents.
pub fn is_known_dimension(name: &str) -> bool {
    KNOWN_DIMENSIONS.contains(&name)
}

/// Distinct strings of one dimension column, each stored once.
pub(super) struct Interner {
    pub(super) dict: Vec<String>,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
    last: u32,
}

impl Interner {
    pub(super) fn new() -> Self {
        Interner {
            dict: Vec::new(),
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            last: MISSING,
        }
    }

    /// The id of `s`, adding it on first sight.
    fn intern(&mut self, s: &str) -> u32 {
        // Consecutive rows very often repeat a value (same day, same MVPD): check it first.
        // Rows sorted by several dimensions also cycle through a column's values in order,
        // so the value after the last one is the next best guess.
        if let Some(last) = self.dict.get(self.last as usize) {
            if same(last, s) {
                return self.last;
            }
            let next = self.last.wrapping_add(1);
            if let Some(candidate) = self.dict.get(next as usize) {
                if same(candidate, s) {
                    self.last = next;
                    return next;
                }
            }
        }
        let hash = self.hasher.hash_one(s);
        let dict = &self.dict;
        if let Some(&id) = self.table.find(hash, |&id| same(&dict[id as usize], s)) {
            self.last = id;
            return id;
        }
        let Ok(id) = u32::try_from(self.dict.len()) else {
            return MISSING;
        };
        if id == MISSING {
            return MISSING;
        }
        self.dict.push(s.to_owned());
        let (hasher, dict) = (&self.hasher, &self.dict);
        self.table
            .insert_unique(hash, id, |&id| hasher.hash_one(dict[id as usize].as_str()));
        self.last = id;
        id
    }
}

/// Storage of one column while parsing.
pub(super) enum Values {
    /// Only nulls so far: the kind is decided by the first real value.
    Undecided,
    /// Interned labels.
    Dimension {
        /// One id per row ([`MISSING`] for none).
        ids: Vec<u32>,
        /// The labels.
        interner: Interner,
    },
    /// Numbers, NaN for none.
    Metric(Vec<f64>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Undecided => 0,
            Values::Dimension { ids, .. } => ids.len(),
            Values::Metric(v) => v.len(),
        }
    }

    /// Makes the column exactly `rows` long: pads with nulls, or drops the value of a key
    /// repeated within the current row (the last occurrence wins).
    #[inline]
    fn fit(&mut self, rows: usize) {
        if self.len() != rows {
            self.fit_slow(rows);
        }
    }

    #[cold]
    fn fit_slow(&mut self, rows: usize) {
        match self {
            Values::Undecided => {}
            Values::Dimension { ids, .. } => ids.resize(rows, MISSING),
            Values::Metric(v) => v.resize(rows, f64::NAN),
        }
    }

    fn new_dimension(rows: usize) -> Values {
        Values::Dimension {
            ids: vec![MISSING; rows],
            interner: Interner::new(),
        }
    }

    /// Turns a metric column into a dimension (a non-numeric value appeared in it).
    pub(super) fn metric_to_dimension(values: &[f64]) -> Values {
        let mut interner = Interner::new();
        let mut text = String::new();
        let ids = values
            .iter()
            .map(|&x| {
                if x.is_nan() {
                    MISSING
                } else {
                    text.clear();
                    format_number(x, &mut text);
                    interner.intern(&text)
                }
            })
            .collect();
        Values::Dimension { ids, interner }
    }
}

/// One column while parsing.
pub(super) struct BuildColumn {
    pub(super) name: Box<str>,
    /// Labels even if numeric (documented dimension or named in the report path).
    pub(super) force_dimension: bool,
    pub(super) values: Values,
}

/// Everything the visitors fill in.
pub(super) struct Builder {
    pub(super) columns: Vec<BuildColumn>,
    by_name: HashMap<Box<str>, u32>,
    /// Column ids in the key order of the previous row.
    order: Vec<u32>,
    /// Position of the next key within the current row.
    pos: usize,
    /// Completed rows.
    pub(super) rows: usize,
    /// Dimensions named by the self link's path, when the links came before the rows.
    path: Vec<String>,
    /// Cap on columns × rows so a hostile sparse body cannot exhaust memory.
    max_cells: usize,
}

impl Builder {
    pub(super) fn new(input_len: usize) -> Self {
        // Real reports mention every key on every row, so cells × 8 bytes stays below the
        // input size; allow twice that plus slack before calling the body unreadable.
        let max_cells = input_len.saturating_mul(2).saturating_add(16 << 20) / 8;
        Builder {
            columns: Vec::new(),
            by_name: HashMap::new(),
            order: Vec::new(),
            pos: 0,
            rows: 0,
            path: Vec::new(),
            max_cells,
        }
    }

    pub(super) fn set_path(&mut self, path: Vec<String>) {
        for c in &mut self.columns {
            if path.iter().any(|p| **p == *c.name) {
                c.force_dimension = true;
            }
        }
        self.path = path;
    }

    fn too_big() -> String {
        "the report has too many sparse columns to load".to_string()
    }

    /// The column id for a key of the current row.
    fn column_for_key(&mut self, key: &str) -> Result<u32, String> {
        if let Some(&id) = self.order.get(self.pos) {
            if same(&self.columns[id as usize].name, key) {
                self.pos += 1;
                return Ok(id);
            }
        }
        let id = match self.by_name.get(key) {
            Some(&id) => id,
            None => {
                let cells = (self.columns.len() + 1).saturating_mul(self.rows + 1);
                if cells > self.max_cells {
                    return Err(Self::too_big());
                }
                let id = u32::try_from(self.columns.len()).map_err(|_| Self::too_big())?;
                let force = is_known_dimension(key) || self.path.iter().any(|p| p == key);
                self.columns.push(BuildColumn {
                    name: key.into(),
                    force_dimension: force,
                    values: Values::Undecided,
                });
                self.by_name.insert(key.into(), id);
                id
            }
        };
        match self.order.get_mut(self.pos) {
            Some(slot) => *slot = id,
            None => self.order.push(id),
        }
        self.pos += 1;
        Ok(id)
    }

    /// Stores a text value.
    fn push_str(&mut self, col: u32, s: &str) {
        let rows = self.rows;
        let Some(c) = self.columns.get_mut(col as usize) else {
            return;
        };
        c.values.fit(rows);
        match &mut c.values {
            Values::Metric(v) => match parse_number(s) {
                Some(x) => v.push(x),
                None if s.is_empty() => v.push(f64::NAN),
                None => {
                    let mut values = Values::metric_to_dimension(v);
                    if let Values::Dimension { ids, interner } = &mut values {
                        ids.push(interner.intern(s));
                    }
                    c.values = values;
                }
            },
            Values::Dimension { ids, interner } => ids.push(interner.intern(s)),
            Values::Undecided => {
                let number = if c.force_dimension {
                    None
                } else {
                    parse_number(s)
                };
                match number {
                    Some(x) => {
                        let mut v = vec![f64::NAN; rows];
                        v.push(x);
                        c.values = Values::Metric(v);
                    }
                    // An empty string says nothing about the kind: keep waiting.
                    None if s.is_empty() && !c.force_dimension => {}
                    None => {
                        let mut values = Values::new_dimension(rows);
                        if let Values::Dimension { ids, interner } = &mut values {
                            ids.push(interner.intern(s));
                        }
                        c.values = values;
                    }
                }
            }
        }
    }

    /// Stores a JSON number: a metric value, or its text in a dimension column.
    fn push_number(&mut self, col: u32, x: f64, text: &dyn Fn(&mut String)) {
        let rows = self.rows;
        let Some(c) = self.columns.get_mut(col as usize) else {
            return;
        };
        c.values.fit(rows);
        match &mut c.values {
            Values::Metric(v) => v.push(x),
            Values::Undecided if !c.force_dimension => {
                let mut v = vec![f64::NAN; rows];
                v.push(x);
                c.values = Values::Metric(v);
            }
            _ => {
                let mut buf = String::new();
                text(&mut buf);
                self.push_str(col, &buf);
            }
        }
    }

    /// A null (or nested) value: nothing to store, but it overrides an earlier duplicate key.
    fn push_null(&mut self, col: u32) {
        let rows = self.rows;
        if let Some(c) = self.columns.get_mut(col as usize) {
            c.values.fit(rows);
        }
    }

    fn start_row(&mut self) {
        self.pos = 0;
    }

    fn end_row(&mut self) -> Result<(), String> {
        self.rows += 1;
        if self.columns.len().saturating_mul(self.rows) > self.max_cells {
            return Err(Self::too_big());
        }
        for c in &mut self.columns {
            c.values.fit(self.rows);
        }
        Ok(())
    }
}

/// String equality without a `memcmp` call: keys and labels are short, and the call costs more
/// than the comparison.
#[inline(always)]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let n = a.len();
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        // The last, possibly overlapping, word.
        word(a, n - 8) == word(b, n - 8)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// Parses a numeric string, or `None` when it is not a plain finite number.
#[inline]
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let digits = match b.first() {
        Some(b'-') => &b[1..],
        _ => b,
    };
    // Up to 15 digits are exact in an f64 and cannot overflow a u64.
    if !digits.is_empty() && digits.len() <= 15 {
        let mut n: u64 = 0;
        let mut plain = true;
        for &c in digits {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                plain = false;
                break;
            }
            n = n * 10 + u64::from(d);
        }
        if plain {
            let x = n as f64;
            return Some(if digits.len() == b.len() { x } else { -x });
        }
    }
    parse_number_slow(s)
}

/// Decimal and exponent forms; refuses `inf`, `NaN`, spaces and anything else `f64` would
/// take that JSON would not call a number.
#[cold]
fn parse_number_slow(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let ok_chars = b
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !ok_chars || !b.iter().any(u8::is_ascii_digit) {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// What parsing produced, before the columns are ordered.
pub(super) struct Parsed {
    pub(super) builder: Builder,
    pub(super) links: ReportLinks,
}

/// Parses a HAL report body.
pub(super) fn parse(bytes: &[u8]) -> Result<Parsed, Error> {
    // One UTF-8 check of the whole body is several times cheaper than serde_json's check of
    // each string, which `from_str` then skips.
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Server {
        status: 0,
        message: format!(
            "the report is not valid JSON (not UTF-8 at byte {})",
            e.valid_up_to()
        ),
    })?;
    let mut builder = Builder::new(bytes.len());
    let mut links = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = TopSeed {
        b: &mut builder,
        links: &mut links,
    };
    seed.deserialize(&mut de).map_err(to_server_error)?;
    de.end().map_err(to_server_error)?;
    Ok(Parsed {
        builder,
        links: links.map(|v| parse_links(&v)).unwrap_or_default(),
    })
}

/// A one-line `Error::Server` for a body we cannot read; no body excerpt beyond a few words.
fn to_server_error(e: serde_json::Error) -> Error {
    use serde_json::error::Category;
    let message = match e.classify() {
        Category::Syntax | Category::Eof => format!("the report is not valid JSON ({e})"),
        Category::Data => format!("the report does not have the expected shape: {e}"),
        Category::Io => format!("the report could not be read ({e})"),
    };
    let mut one_line: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if message.chars().count() > 200 {
        one_line.push('…');
    }
    Error::Server {
        status: 0,
        message: one_line,
    }
}

/// Reads the HAL links leniently: `href` strings or link objects, one or many, `name` or not.
pub(super) fn parse_links(v: &Value) -> ReportLinks {
    fn link(v: &Value) -> Option<Link> {
        match v {
            Value::String(href) => Some(Link {
                href: href.clone(),
                name: None,
            }),
            Value::Object(o) => Some(Link {
                href: o.get("href")?.as_str()?.to_string(),
                name: o.get("name").and_then(Value::as_str).map(String::from),
            }),
            _ => None,
        }
    }
    fn links(v: Option<&Value>) -> Vec<Link> {
        match v {
            Some(Value::Array(items)) => items.iter().filter_map(link).collect(),
            Some(other) => link(other).into_iter().collect(),
            None => Vec::new(),
        }
    }
    let Some(obj) = v.as_object() else {
        return ReportLinks::default();
    };
    let mut out = ReportLinks {
        self_href: links(obj.get("self")).into_iter().next().map(|l| l.href),
        roll_up: links(obj.get("roll-up")).into_iter().next(),
        drill_down: links(obj.get("drill-down")),
        other: Default::default(),
    };
    for (rel, value) in obj {
        if !matches!(rel.as_str(), "self" | "roll-up" | "drill-down") {
            let found = links(Some(value));
            if !found.is_empty() {
                out.other.insert(rel.clone(), found);
            }
        }
    }
    out
}

/// Top-level object: `_links`, `report`, anything else skipped.
struct TopSeed<'a> {
    b: &'a mut Builder,
    links: &'a mut Option<Value>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

enum TopKey {
    Links,
    Report,
    Other,
}

struct TopKeySeed;

impl<'de> DeserializeSeed<'de> for TopKeySeed {
    type Value = TopKey;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<TopKey, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for TopKeySeed {
    type Value = TopKey;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<TopKey, E> {
        Ok(match v {
            "_links" => TopKey::Links,
            "report" => TopKey::Report,
            _ => TopKey::Other,
        })
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object with `_links` and `report`")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom("expected a JSON object, found a string"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(TopKeySeed)? {
            match key {
                TopKey::Links => {
                    let v: Value = map.next_value()?;
                    if let Some(href) = parse_links(&v).self_href {
                        self.b
                            .set_path(crate::report_query::ReportQuery::from_href(&href).path);
                    }
                    *self.links = Some(v);
                }
                TopKey::Report => map.next_value_seed(ReportSeed { b: self.b })?,
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `report` array (or null, read as empty).
struct ReportSeed<'a> {
    b: &'a mut Builder,
}

impl<'de> DeserializeSeed<'de> for ReportSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`report` as an array of records")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom("`report` is a string, not an array of records"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(RowSeed { b: self.b })?.is_some() {}
        Ok(())
    }
}

/// One record of `report`.
struct RowSeed<'a> {
    b: &'a mut Builder,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // `deserialize_any`, not `deserialize_map`: serde_json's own type error would quote
        // a whole string value back, our `visit_str` does not.
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a record object")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom("expected a record object, found a string"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.b.start_row();
        while let Some(col) = map.next_key_seed(KeySeed { b: self.b })? {
            map.next_value_seed(ValueSeed { b: self.b, col })?;
        }
        self.b.end_row().map_err(de::Error::custom)
    }
}

/// A record key, resolved to its column id.
struct KeySeed<'a> {
    b: &'a mut Builder,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = u32;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = u32;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a column name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        self.b.column_for_key(v).map_err(E::custom)
    }
}

/// A record value, stored straight into its column.
struct ValueSeed<'a> {
    b: &'a mut Builder,
    col: u32,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.b.push_str(self.col, v);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.b
            .push_number(self.col, v as f64, &|out| out.push_str(&v.to_string()));
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.b
            .push_number(self.col, v as f64, &|out| out.push_str(&v.to_string()));
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.b
            .push_number(self.col, v, &|out| format_number(v, out));
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.b.push_str(self.col, if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.b.push_null(self.col);
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.b.push_null(self.col);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Nested values have no place in a flat table: skip them, read as null.
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.b.push_null(self.col);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.b.push_null(self.col);
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_fast_and_strictly() {
        assert_eq!(parse_number("1234"), Some(1234.0));
        assert_eq!(parse_number("-12"), Some(-12.0));
        assert_eq!(parse_number("0"), Some(0.0));
        assert_eq!(parse_number("007"), Some(7.0));
        assert_eq!(parse_number("1.5"), Some(1.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(
            parse_number("12345678901234567890"),
            Some(1.2345678901234567e19)
        );
        assert_eq!(parse_number("0.1"), Some(0.1));
        for bad in [
            "",
            "-",
            "abc",
            "NaN",
            "inf",
            "-infinity",
            " 1",
            "1 ",
            "1e999",
            "1,5",
            ".",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn interner_stores_each_value_once() {
        let mut i = Interner::new();
        let a = i.intern("Comcast");
        let b = i.intern("Dish");
        assert_eq!(i.intern("Comcast"), a);
        assert_eq!(i.intern("Dish"), b);
        assert_ne!(a, b);
        assert_eq!(i.dict, ["Comcast", "Dish"]);
        // Cycling through values in order, and back.
        for v in ["A", "B", "C", "A", "B", "C", "Dish", "A"] {
            let id = i.intern(v);
            assert_eq!(i.dict[id as usize], v);
        }
        assert_eq!(i.dict.len(), 5);
    }

    #[test]
    fn same_compares_like_eq() {
        let words = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "bbcdefghijklmnop",
            "abcdefghijklmnopq",
            "é",
            "e",
        ];
        for a in words {
            for b in words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }
}
