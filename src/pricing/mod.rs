//! The price book: versioned per-provider, per-model prices, loaded from CSV files.
//!
//! Owns loading (with every validation finding, not just the first), the effective-date rules
//! and the lookup "which version was in force at this instant". It does not compute costs of
//! usage (see `engine`) and never touches f64: prices are exact decimals from the file text.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::usage::{parse_date_days, parse_timestamp_us, MICROS_PER_DAY};

/// Column names of the price table.
pub mod col {
    pub const PROVIDER: &str = "provider";
    pub const MODEL: &str = "model";
    pub const EFFECTIVE_FROM: &str = "effective_from";
    pub const INPUT: &str = "input_per_mtok";
    pub const OUTPUT: &str = "output_per_mtok";
    pub const CACHE_READ: &str = "cache_read_per_mtok";
    pub const CACHE_WRITE: &str = "cache_write_per_mtok";
    pub const BATCH_INPUT: &str = "batch_input_per_mtok";
    pub const BATCH_OUTPUT: &str = "batch_output_per_mtok";
    pub const CANONICAL_MODEL: &str = "canonical_model";
    pub const REGION: &str = "region";
    pub const CURRENCY: &str = "currency";
    pub const SOURCE: &str = "source";

    pub const REQUIRED: [&str; 5] = [PROVIDER, MODEL, EFFECTIVE_FROM, INPUT, OUTPUT];
    pub const ALL: [&str; 13] = [
        PROVIDER,
        MODEL,
        EFFECTIVE_FROM,
        INPUT,
        OUTPUT,
        CACHE_READ,
        CACHE_WRITE,
        BATCH_INPUT,
        BATCH_OUTPUT,
        CANONICAL_MODEL,
        REGION,
        CURRENCY,
        SOURCE,
    ];
}

/// One price version: in force from `effective_from_us` until the next version of the same
/// provider, model and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub provider: String,
    pub model: String,
    /// `None` means "any region without a row of its own".
    pub region: Option<String>,
    pub effective_from_us: i64,
    /// The `effective_from` text as written in the file.
    pub effective_from: String,
    pub input: Decimal,
    pub output: Decimal,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
    pub batch_input: Option<Decimal>,
    pub batch_output: Option<Decimal>,
    pub canonical_model: Option<String>,
    pub currency: String,
    pub source: Option<String>,
    pub file: String,
    pub line: u64,
}

impl PriceRow {
    /// Cache reads are charged at the input rate when the book has no cache-read price.
    pub fn cache_read_rate(&self) -> Decimal {
        self.cache_read.unwrap_or(self.input)
    }
    /// Cache writes are charged at the input rate when the book has no cache-write price.
    pub fn cache_write_rate(&self) -> Decimal {
        self.cache_write.unwrap_or(self.input)
    }
    /// Input rate for a batch request: the batch rate when the book has one, else on-demand.
    pub fn input_rate(&self, batch: bool) -> Decimal {
        if batch {
            self.batch_input.unwrap_or(self.input)
        } else {
            self.input
        }
    }
    /// Output rate for a batch request: the batch rate when the book has one, else on-demand.
    pub fn output_rate(&self, batch: bool) -> Decimal {
        if batch {
            self.batch_output.unwrap_or(self.output)
        } else {
            self.output
        }
    }
    /// A stable identifier of this price version, e.g. `openai/o3@2025-06-10`.
    pub fn version_id(&self) -> String {
        match &self.region {
            Some(r) => format!(
                "{}/{}[{}]@{}",
                self.provider, self.model, r, self.effective_from
            ),
            None => format!("{}/{}@{}", self.provider, self.model, self.effective_from),
        }
    }
}

/// A price file that was loaded, with its content hash for reproducibility.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PriceFile {
    pub path: String,
    pub sha256: String,
    pub rows: usize,
}

/// A problem found while loading price files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "{}:{}: {}: {}", self.file, self.line, c, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// Loading failed; every finding is listed.
#[derive(Debug, thiserror::Error)]
pub struct PriceBookError {
    pub findings: Vec<Finding>,
}

impl fmt::Display for PriceBookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invalid price table ({} problem(s)):",
            self.findings.len()
        )?;
        for x in &self.findings {
            writeln!(f, "  {x}")?;
        }
        Ok(())
    }
}

type SeriesKey = (String, String, Option<String>);

/// What the book says about a request at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Priced(&'a PriceRow),
    /// The model is in the book, but its first price starts after the instant.
    BeforeFirst(&'a PriceRow),
    /// Neither provider/model is in the book.
    Unknown,
}

/// The loaded price table.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    rows: Vec<PriceRow>,
    /// Row indices of each (provider, model, region) series, sorted by effective_from.
    series: HashMap<SeriesKey, Vec<usize>>,
    files: Vec<PriceFile>,
}

impl PriceBook {
    /// Loads every `*.csv` under each path (a file or a directory, walked in sorted order).
    pub fn load(paths: &[PathBuf]) -> Result<PriceBook, PriceBookError> {
        let mut findings = Vec::new();
        let mut files = Vec::new();
        for p in paths {
            if p.is_dir() {
                collect_csv(p, &mut files, &mut findings);
            } else if p.exists() {
                files.push(p.clone());
            } else {
                findings.push(Finding {
                    file: p.display().to_string(),
                    line: 0,
                    column: None,
                    message: "no such file or directory".into(),
                });
            }
        }
        let mut sources = Vec::new();
        for f in &files {
            match std::fs::read(f) {
                Ok(bytes) => sources.push((f.display().to_string(), bytes)),
                Err(e) => findings.push(Finding {
                    file: f.display().to_string(),
                    line: 0,
                    column: None,
                    message: e.to_string(),
                }),
            }
        }
        if sources.is_empty() && findings.is_empty() {
            findings.push(Finding {
                file: paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                line: 0,
                column: None,
                message: "no price files (*.csv) found".into(),
            });
        }
        let book = Self::from_sources(&sources, &mut findings);
        if findings.is_empty() {
            Ok(book)
        } else {
            Err(PriceBookError { findings })
        }
    }

    /// Builds a book from in-memory CSV texts `(name, bytes)`, appending findings.
    pub fn from_sources(sources: &[(String, Vec<u8>)], findings: &mut Vec<Finding>) -> PriceBook {
        let mut rows = Vec::new();
        let mut files = Vec::new();
        for (name, bytes) in sources {
            let before = rows.len();
            parse_file(name, bytes, &mut rows, findings);
            files.push(PriceFile {
                path: name.clone(),
                sha256: hex(&Sha256::digest(bytes)),
                rows: rows.len() - before,
            });
        }
        let mut series: HashMap<SeriesKey, Vec<usize>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            series
                .entry((r.provider.clone(), r.model.clone(), r.region.clone()))
                .or_default()
                .push(i);
        }
        for idx in series.values_mut() {
            idx.sort_by_key(|&i| rows[i].effective_from_us);
            for w in idx.windows(2) {
                let (a, b) = (&rows[w[0]], &rows[w[1]]);
                if a.effective_from_us == b.effective_from_us {
                    findings.push(Finding {
                        file: b.file.clone(),
                        line: b.line,
                        column: None,
                        message: format!(
                            "duplicate price version {} (also at {}:{})",
                            b.version_id(),
                            a.file,
                            a.line
                        ),
                    });
                }
            }
        }
        PriceBook {
            rows,
            series,
            files,
        }
    }

    pub fn rows(&self) -> &[PriceRow] {
        &self.rows
    }

    pub fn files(&self) -> &[PriceFile] {
        &self.files
    }

    /// Every instant at which some price version starts, sorted and unique. Between two
    /// consecutive boundaries no price in the book changes.
    pub fn boundaries(&self) -> Vec<i64> {
        let set: BTreeSet<i64> = self.rows.iter().map(|r| r.effective_from_us).collect();
        set.into_iter().collect()
    }

    fn in_series(&self, key: &SeriesKey, at_us: i64) -> Option<Lookup<'_>> {
        let idx = self.series.get(key)?;
        let pos = idx.partition_point(|&i| self.rows[i].effective_from_us <= at_us);
        Some(if pos == 0 {
            Lookup::BeforeFirst(&self.rows[idx[0]])
        } else {
            Lookup::Priced(&self.rows[idx[pos - 1]])
        })
    }

    /// The version in force for a request at `at_us`. A row for the request's region wins;
    /// otherwise the row without a region applies.
    pub fn lookup(
        &self,
        provider: &str,
        model: &str,
        region: Option<&str>,
        at_us: i64,
    ) -> Lookup<'_> {
        let base = (provider.to_string(), model.to_string(), None);
        if let Some(r) = region {
            let key = (provider.to_string(), model.to_string(), Some(r.to_string()));
            match self.in_series(&key, at_us) {
                Some(Lookup::Priced(p)) => return Lookup::Priced(p),
                Some(before @ Lookup::BeforeFirst(_)) => {
                    return match self.in_series(&base, at_us) {
                        Some(Lookup::Priced(p)) => Lookup::Priced(p),
                        _ => before,
                    }
                }
                _ => {}
            }
        }
        self.in_series(&base, at_us).unwrap_or(Lookup::Unknown)
    }
}

fn collect_csv(dir: &Path, out: &mut Vec<PathBuf>, findings: &mut Vec<Finding>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            findings.push(Finding {
                file: dir.display().to_string(),
                line: 0,
                column: None,
                message: e.to_string(),
            });
            return;
        }
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_csv(&p, out, findings);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            out.push(p);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses an `effective_from`: `YYYY-MM-DD` (00:00 UTC) or an RFC 3339 instant.
pub fn parse_effective_from(s: &str) -> Result<i64, String> {
    if let Some(days) = parse_date_days(s) {
        return Ok(days * MICROS_PER_DAY);
    }
    parse_timestamp_us(s)
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant"))
}

fn parse_price(s: &str) -> Result<Decimal, String> {
    let d: Decimal = s
        .parse()
        .map_err(|_| format!("{s:?} is not a decimal number (USD per million tokens)"))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("negative price {s}"));
    }
    Ok(d.normalize())
}

fn parse_file(name: &str, bytes: &[u8], rows: &mut Vec<PriceRow>, findings: &mut Vec<Finding>) {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let finding = |line: u64, column: Option<&str>, message: String| Finding {
        file: name.to_string(),
        line,
        column: column.map(str::to_string),
        message,
    };
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            findings.push(finding(1, None, format!("cannot read header: {e}")));
            return;
        }
    };
    let pos = |c: &str| headers.iter().position(|h| h == c);
    let mut missing = false;
    for req in col::REQUIRED {
        if pos(req).is_none() {
            findings.push(finding(1, Some(req), "required column is missing".into()));
            missing = true;
        }
    }
    if missing {
        return;
    }
    for h in &headers {
        if !col::ALL.contains(&h.as_str()) {
            findings.push(finding(
                1,
                Some(h),
                format!("unknown column (known: {})", col::ALL.join(", ")),
            ));
        }
    }
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                findings.push(finding(line, None, e.to_string()));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != headers.len() {
            findings.push(finding(
                line,
                None,
                format!(
                    "expected {} fields as in the header, found {}",
                    headers.len(),
                    rec.len()
                ),
            ));
            continue;
        }
        let get = |c: &str| {
            pos(c)
                .and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut ok = true;
        let mut required = |c: &str| match get(c) {
            Some(v) => v.to_string(),
            None => {
                findings.push(finding(line, Some(c), "missing value (required)".into()));
                ok = false;
                String::new()
            }
        };
        let provider = required(col::PROVIDER);
        let model = required(col::MODEL);
        let eff = required(col::EFFECTIVE_FROM);
        let input_s = required(col::INPUT);
        let output_s = required(col::OUTPUT);
        let mut price = |c: &str, s: Option<&str>| -> Option<Decimal> {
            let s = s?;
            match parse_price(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    findings.push(finding(line, Some(c), m));
                    ok = false;
                    None
                }
            }
        };
        let input = price(
            col::INPUT,
            Some(&input_s).filter(|s| !s.is_empty()).map(|s| s.as_str()),
        );
        let output = price(
            col::OUTPUT,
            Some(&output_s)
                .filter(|s| !s.is_empty())
                .map(|s| s.as_str()),
        );
        let cache_read = price(col::CACHE_READ, get(col::CACHE_READ));
        let cache_write = price(col::CACHE_WRITE, get(col::CACHE_WRITE));
        let batch_input = price(col::BATCH_INPUT, get(col::BATCH_INPUT));
        let batch_output = price(col::BATCH_OUTPUT, get(col::BATCH_OUTPUT));
        let effective_from_us = if eff.is_empty() {
            None
        } else {
            match parse_effective_from(&eff) {
                Ok(v) => Some(v),
                Err(m) => {
                    findings.push(finding(line, Some(col::EFFECTIVE_FROM), m));
                    None
                }
            }
        };
        let currency = get(col::CURRENCY).unwrap_or("USD").to_ascii_uppercase();
        if currency != "USD" {
            findings.push(finding(
                line,
                Some(col::CURRENCY),
                format!("currency {currency} is not supported yet (only USD)"),
            ));
            ok = false;
        }
        if let (true, Some(effective_from_us), Some(input), Some(output)) =
            (ok, effective_from_us, input, output)
        {
            rows.push(PriceRow {
                provider,
                model,
                region: get(col::REGION).map(str::to_string),
                effective_from_us,
                effective_from: eff,
                input,
                output,
                cache_read,
                cache_write,
                batch_input,
                batch_output,
                canonical_model: get(col::CANONICAL_MODEL).map(str::to_string),
                currency,
                source: get(col::SOURCE).map(str::to_string),
                file: name.to_string(),
                line,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(text: &str) -> (PriceBook, Vec<Finding>) {
        let mut f = Vec::new();
        let b = PriceBook::from_sources(&[("p.csv".into(), text.as_bytes().to_vec())], &mut f);
        (b, f)
    }

    const HEADER: &str =
        "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,region\n";

    #[test]
    fn version_in_force_one_microsecond_before_and_at_effective_from() {
        let (b, f) = book(&format!(
            "{HEADER}openai,o3,2025-04-16,10,40,2.5,\nopenai,o3,2025-06-10,2,8,0.5,\n"
        ));
        assert!(f.is_empty(), "{f:?}");
        let at = parse_timestamp_us("2025-06-10T00:00:00Z").unwrap();
        match b.lookup("openai", "o3", None, at - 1) {
            Lookup::Priced(p) => assert_eq!(p.input, Decimal::from(10)),
            other => panic!("{other:?}"),
        }
        match b.lookup("openai", "o3", None, at) {
            Lookup::Priced(p) => assert_eq!(p.input, Decimal::from(2)),
            other => panic!("{other:?}"),
        }
        let early = parse_timestamp_us("2025-04-15T23:59:59Z").unwrap();
        assert!(matches!(
            b.lookup("openai", "o3", None, early),
            Lookup::BeforeFirst(_)
        ));
        assert_eq!(b.lookup("openai", "o4", None, at), Lookup::Unknown);
        assert_eq!(b.lookup("azure", "o3", None, at), Lookup::Unknown);
    }

    #[test]
    fn regional_row_wins_and_falls_back() {
        let (b, f) = book(&format!(
            "{HEADER}aws-bedrock,m,2025-01-01,1,2,,\naws-bedrock,m,2025-03-01,1.5,2.5,,eu-west-1\n"
        ));
        assert!(f.is_empty(), "{f:?}");
        let feb = parse_timestamp_us("2025-02-01T00:00:00Z").unwrap();
        let apr = parse_timestamp_us("2025-04-01T00:00:00Z").unwrap();
        let input = |r, t| match b.lookup("aws-bedrock", "m", r, t) {
            Lookup::Priced(p) => p.input,
            other => panic!("{other:?}"),
        };
        assert_eq!(input(Some("eu-west-1"), apr), "1.5".parse().unwrap());
        // Before the regional row starts, the region-less row applies.
        assert_eq!(input(Some("eu-west-1"), feb), Decimal::from(1));
        assert_eq!(input(Some("us-east-1"), apr), Decimal::from(1));
        assert_eq!(input(None, apr), Decimal::from(1));
    }

    #[test]
    fn cache_rates_default_to_input_never_zero() {
        let (b, _) = book(&format!("{HEADER}together,m,2025-01-01,0.88,0.88,,\n"));
        let r = &b.rows()[0];
        assert_eq!(r.cache_read_rate(), "0.88".parse().unwrap());
        assert_eq!(r.cache_write_rate(), "0.88".parse().unwrap());
    }

    #[test]
    fn every_problem_is_reported_with_file_line_and_column() {
        let (_, f) = book(&format!(
            "{HEADER}openai,a,2025-01-01,-1,2,,\nopenai,b,2025-13-01,1,2,,\nopenai,c,2025-01-01,abc,2,,\nopenai,d,2025-01-01,1,2,,\nopenai,d,2025-01-01,1,3,,\n"
        ));
        let text: Vec<String> = f.iter().map(|x| x.to_string()).collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(
            text[0].starts_with("p.csv:2: input_per_mtok: negative price"),
            "{text:?}"
        );
        assert!(text[1].starts_with("p.csv:3: effective_from:"), "{text:?}");
        assert!(text[2].starts_with("p.csv:4: input_per_mtok:"), "{text:?}");
        assert!(
            text[3].starts_with("p.csv:6: duplicate price version openai/d@2025-01-01"),
            "{text:?}"
        );
    }

    #[test]
    fn missing_required_column_is_reported() {
        let (_, f) = book("provider,model,effective_from,input_per_mtok\nopenai,a,2025-01-01,1\n");
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].to_string(),
            "p.csv:1: output_per_mtok: required column is missing"
        );
    }

    #[test]
    fn rfc3339_effective_from() {
        assert_eq!(
            parse_effective_from("2025-06-10T12:00:00+02:00").unwrap(),
            parse_timestamp_us("2025-06-10T10:00:00Z").unwrap()
        );
        assert_eq!(
            parse_effective_from("2025-06-10").unwrap(),
            parse_timestamp_us("2025-06-10T00:00:00Z").unwrap()
        );
    }
}
