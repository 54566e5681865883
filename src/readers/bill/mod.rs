//! Bill readers: what AWS, Azure, Google, OpenAI and Anthropic billed, as [`BilledLine`]s.
//!
//! Every line of a bill becomes one billed line with its cost, whatever it is: token usage
//! (with the model as billed, the token class, tier, geo and tokens), a charge that is not
//! tokens (provisioned throughput, storage, search...), a credit, a tax, or a line nobody
//! could read (`Charge::Unrecognised`, its cost kept). Nothing is dropped, and each file's
//! total is checked against the sum of its lines. Which book model a billed name is, is data
//! (`pricing/bill-names.csv`), decided by the reconciliation, not here. The formats and their
//! pitfalls are described in the README ("Reconcile with your bill").

pub mod api;
pub mod aws;
pub mod azure;
pub mod focus;
pub mod gcp;
pub mod grammar;
pub mod parquet;
pub mod table;

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::ReadError;

/// The token classes bills name. Input is uncached input: every bill splits cache reads and
/// writes from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenClass {
    InputUncached,
    CacheRead,
    CacheWrite5m,
    CacheWrite1h,
    /// A cache write whose TTL the bill does not say (Bedrock's first-party models, OpenAI).
    CacheWriteUnknownTtl,
    Output,
}

impl TokenClass {
    /// The name reports and JSON use.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenClass::InputUncached => "input",
            TokenClass::CacheRead => "cache_read",
            TokenClass::CacheWrite5m => "cache_write_5m",
            TokenClass::CacheWrite1h => "cache_write_1h",
            TokenClass::CacheWriteUnknownTtl => "cache_write_unknown_ttl",
            TokenClass::Output => "output",
        }
    }

    /// A cache write of any TTL.
    pub fn is_cache_write(self) -> bool {
        matches!(
            self,
            TokenClass::CacheWrite5m | TokenClass::CacheWrite1h | TokenClass::CacheWriteUnknownTtl
        )
    }
}

/// What a billed line charges for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charge {
    Tokens(TokenClass),
    /// A charge that is not text tokens (its kind: `provisioned throughput`, `web search`...).
    NonToken(String),
    /// A credit, refund or discount (negative).
    Credit,
    /// Tax and fees.
    Tax,
    /// Rounding and other invoice adjustments.
    Adjustment,
    /// A usage line whose string no grammar reads: kept with its cost, the reason said.
    Unrecognised(String),
}

/// The bill formats tokenledger reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BillFormat {
    /// Detect per file from its columns or JSON shape.
    Auto,
    /// AWS Cost and Usage Report 2.0 (Data Exports), CSV or CSV.gz.
    AwsCur,
    /// Any FOCUS 1.0-1.3 export (AWS, Azure, Google), CSV or CSV.gz.
    Focus,
    /// Azure Cost Management cost details (actual or amortized), CSV or CSV.gz.
    AzureCost,
    /// Google Cloud Billing export rows (BigQuery table as JSON lines or CSV).
    GcpBilling,
    /// OpenAI Costs API pages (`/v1/organization/costs`).
    OpenaiCosts,
    /// Anthropic Admin API `cost_report` pages.
    AnthropicCost,
}

impl BillFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            BillFormat::Auto => "auto",
            BillFormat::AwsCur => "aws-cur",
            BillFormat::Focus => "focus",
            BillFormat::AzureCost => "azure-cost",
            BillFormat::GcpBilling => "gcp-billing",
            BillFormat::OpenaiCosts => "openai-costs",
            BillFormat::AnthropicCost => "anthropic-cost",
        }
    }
}

/// One line of a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BilledLine {
    pub format: BillFormat,
    /// File and line (1-based; for JSON pages, the line the result starts on).
    pub file: String,
    pub line: u64,
    /// The usage window, UTC microseconds, end exclusive.
    pub start_us: i64,
    pub end_us: i64,
    /// The book's provider id (`aws-bedrock`, `azure`, `vertex-ai`, `google`, `openai`,
    /// `anthropic`), or the bill's own name for one tokenledger has no prices for.
    pub provider: String,
    /// Billing account (payer) and sub-account (usage account, subscription, project,
    /// workspace), when the bill has them.
    pub account: Option<String>,
    pub sub_account: Option<String>,
    /// The service as billed (product code, meter category, service description).
    pub service: String,
    /// The string the model and class were read from (usage type, meter, SKU, line item).
    pub sku: String,
    /// The model as billed (`Nova2.0Lite`, `Claude Sonnet 4.6`, `gpt-4o-mini-0718`).
    pub model: Option<String>,
    pub charge: Charge,
    /// `standard`, `batch`, `priority`, `flex`, `latency-optimized`.
    pub tier: &'static str,
    /// `global`, `regional`, `data-zone`, `us`..., when the bill says.
    pub geo: Option<String>,
    pub region: Option<String>,
    pub long_context: bool,
    /// The quantity and unit exactly as billed.
    pub quantity: Option<Decimal>,
    pub unit: Option<String>,
    /// Tokens (quantity times the unit's scale), for token lines whose bill counts them.
    pub tokens: Option<u64>,
    /// Billed cost, exact, in `currency`, before credits attached to the line.
    pub cost: Decimal,
    /// Credits attached to this line (Google's `credits[]`), zero or negative.
    pub credits: Decimal,
    /// List cost, when the bill gives one.
    pub list_cost: Option<Decimal>,
    pub currency: String,
    /// A correction of an earlier period (FOCUS `ChargeClass=Correction`, Azure refunds).
    pub correction: bool,
    pub tags: Vec<(String, String)>,
    /// Why the line's rate times quantity is not its cost, when it is not.
    pub check: Option<String>,
}

impl BilledLine {
    /// A line of `path` at `line` with nothing read yet: no cost, no provider, an unrecognised
    /// charge (each reader sets what its row says).
    pub fn blank(format: BillFormat, path: &Path, line: u64) -> BilledLine {
        BilledLine {
            format,
            file: path.display().to_string(),
            line,
            start_us: 0,
            end_us: 0,
            provider: String::new(),
            account: None,
            sub_account: None,
            service: String::new(),
            sku: String::new(),
            model: None,
            charge: Charge::Unrecognised(String::new()),
            tier: "standard",
            geo: None,
            region: None,
            long_context: false,
            quantity: None,
            unit: None,
            tokens: None,
            cost: Decimal::ZERO,
            credits: Decimal::ZERO,
            list_cost: None,
            currency: "USD".into(),
            correction: false,
            tags: Vec::new(),
            check: None,
        }
    }

    /// Takes what a grammar read (model, tier, geo, long context) and returns its charge.
    pub fn take(&mut self, p: grammar::Parsed) -> Charge {
        self.model = p.model;
        self.tier = p.tier;
        self.geo = p.geo.map(str::to_string);
        self.long_context = p.long_context;
        p.charge
    }

    /// Sets the tokens of a token line from its quantity in units of `scale` tokens, noting a
    /// unit whose size is unknown (`unit`) or a fraction of a token.
    pub fn count(&mut self, quantity: Option<Decimal>, scale: Option<u64>, unit: Option<&str>) {
        match (quantity, scale) {
            (Some(q), Some(s)) => {
                let (n, note) = tokens_of(q, s);
                self.tokens = n;
                self.check = note;
            }
            _ => {
                self.check = Some(format!(
                    "the unit {:?} is not one tokenledger knows the size of; tokens unknown",
                    unit.unwrap_or("")
                ))
            }
        }
    }

    /// Cost after the credits attached to the line.
    pub fn net(&self) -> Decimal {
        self.cost + self.credits
    }

    /// The token class, for token lines.
    pub fn class(&self) -> Option<TokenClass> {
        match self.charge {
            Charge::Tokens(c) => Some(c),
            _ => None,
        }
    }
}

/// A bill file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillFile {
    pub path: String,
    pub format: BillFormat,
    pub lines: u64,
    /// The sum of every cost the file holds (credits included), read apart from the lines.
    pub total: Decimal,
}

/// Everything read from the `--bill` paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bill {
    pub lines: Vec<BilledLine>,
    pub files: Vec<BillFile>,
    /// Things to tell the user (files skipped by a manifest, unit checks that failed...).
    pub notes: Vec<String>,
}

impl Bill {
    /// The sum of every line's net cost.
    pub fn total(&self) -> Decimal {
        self.lines.iter().map(BilledLine::net).sum()
    }
}

/// The largest amount or quantity a bill line may hold (a quadrillion): larger is no bill, and
/// the bound keeps every sum of a bill far inside exact decimal arithmetic.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// `d`, when it is within [`MAX_AMOUNT`].
pub fn plausible(d: Decimal) -> Option<Decimal> {
    (d.abs() <= MAX_AMOUNT).then_some(d)
}

/// A JSON number or decimal string of a bill, exact and within [`MAX_AMOUNT`].
pub fn json_amount(v: &serde_json::Value) -> Option<Decimal> {
    crate::text::json::json_decimal(v).and_then(plausible)
}

/// A token count from a quantity in units of `scale` tokens: exact when whole, else rounded
/// half-even with a note (a bill that bills fractions of a token).
pub fn tokens_of(quantity: Decimal, scale: u64) -> (Option<u64>, Option<String>) {
    let Some(t) = quantity.checked_mul(Decimal::from(scale)) else {
        return (None, Some("quantity too large".into()));
    };
    if t.is_sign_negative() {
        return (None, None);
    }
    let whole = t.round();
    let n = u64::try_from(whole).ok();
    let note = (whole != t).then(|| format!("{t} tokens is not a whole number"));
    (n, note)
}

/// How many tokens one unit of a bill's quantity is: `1K tokens`/`1K`/`1000 Tokens` 1,000;
/// `Units` (AWS Marketplace), `1M`, `Million...` 1,000,000; `tokens`/`count` 1.
pub fn unit_scale(unit: &str) -> Option<u64> {
    let u = unit.trim().to_ascii_lowercase();
    let u = u.as_str();
    if u.starts_with("1k") || u.starts_with("1000 ") || u == "1000" || u.contains("thousand") {
        Some(1_000)
    } else if u == "units"
        || u.starts_with("1m")
        || u.starts_with("1000000")
        || u.contains("million")
    {
        Some(1_000_000)
    } else if u == "tokens" || u == "token" || u == "count" || u == "1 tokens" {
        Some(1)
    } else {
        None
    }
}

/// Checks `rate x quantity = cost` to a millionth of a dollar (a cent's hundredth share of a
/// line's rounding), naming the numbers when it fails.
pub fn rate_check(quantity: Decimal, rate: Decimal, cost: Decimal) -> Option<String> {
    let want = quantity.checked_mul(rate)?;
    let tolerance = Decimal::new(1, 6).max(cost.abs() * Decimal::new(1, 6));
    ((want - cost).abs() > tolerance)
        .then(|| format!("rate {rate} x quantity {quantity} = {want}, but the cost is {cost}"))
}

/// The files to read under a `--bill` path: the file itself, or every bill-like file of a
/// folder (recursively). A folder with export manifests (AWS `*-Manifest.json`, Azure
/// `manifest.json`) is read through them: only the data files the newest manifest of each
/// period lists, so a stale chunk left by an earlier delivery is not counted twice.
pub fn find_files(path: &Path, notes: &mut Vec<String>) -> Result<Vec<PathBuf>, ReadError> {
    if !path.exists() {
        return Err(ReadError::NotFound {
            path: path.display().to_string(),
        });
    }
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut all = Vec::new();
    walk(path, &mut all).map_err(|e| ReadError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    all.sort();
    let manifests: Vec<&PathBuf> = all.iter().filter(|p| is_manifest(p)).collect();
    if manifests.is_empty() {
        return Ok(all.iter().filter(|p| is_bill_like(p)).cloned().collect());
    }
    let listed = aws::manifest_files(&manifests, notes)?;
    let skipped = all
        .iter()
        .filter(|p| is_bill_like(p) && !is_manifest(p) && !listed.contains(p))
        .count();
    if skipped > 0 {
        notes.push(format!(
            "{}: {} not listed by the newest manifest of its period left out (an earlier delivery's)",
            path.display(),
            crate::money::count_of(skipped as u64, "data file")
        ));
    }
    Ok(listed)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_manifest(p: &Path) -> bool {
    let n = name_of(p);
    n.ends_with("-manifest.json") || n == "manifest.json"
}

fn is_bill_like(p: &Path) -> bool {
    let n = name_of(p);
    !n.starts_with('.')
        && [
            ".csv",
            ".csv.gz",
            ".json",
            ".jsonl",
            ".ndjson",
            ".json.gz",
            ".jsonl.gz",
        ]
        .iter()
        .any(|e| n.ends_with(e))
}

/// Reads a file's text (gunzipped), bounded: bills are read whole.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        format_error(
            path,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// Reads a file's bytes (gunzipped when its name ends in `.gz`), up to [`MAX_BILL_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io = |e: std::io::Error| ReadError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    let limit = MAX_BILL_BYTES + 1;
    if name_of(path).ends_with(".gz") {
        flate2::read::MultiGzDecoder::new(f)
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        f.take(limit).read_to_end(&mut bytes).map_err(io)?;
    }
    if bytes.len() as u64 > MAX_BILL_BYTES {
        return Err(format_error(
            path,
            format!(
                "larger than {} MiB after gunzip; split the export by month",
                MAX_BILL_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// The largest bill file read (after gunzip): a month of hourly CUR for a large account is
/// tens of MiB; this bound keeps a wrong file from taking the machine's memory.
pub const MAX_BILL_BYTES: u64 = 1 << 30;

pub fn format_error(path: &Path, message: impl Into<String>) -> ReadError {
    ReadError::Format {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// Reads every bill under `paths`.
pub fn read(paths: &[PathBuf], format: BillFormat) -> Result<Bill, ReadError> {
    let mut bill = Bill::default();
    for p in paths {
        for file in find_files(p, &mut bill.notes)? {
            let before = bill.lines.len();
            if name_of(&file).ends_with(".parquet") {
                let (f, total) = parquet::read(&file, read_bytes(&file)?, format, &mut bill)?;
                check_total(&file, &bill.lines[before..], total)?;
                bill.files.push(BillFile {
                    path: file.display().to_string(),
                    format: f,
                    lines: (bill.lines.len() - before) as u64,
                    total,
                });
                continue;
            }
            let text = read_text(&file)?;
            let f = match format {
                BillFormat::Auto => detect(&file, &text)?,
                f => f,
            };
            let total = match f {
                BillFormat::AwsCur => aws::read(&file, &text, &mut bill)?,
                BillFormat::Focus => focus::read(&file, &text, &mut bill)?,
                BillFormat::AzureCost => azure::read(&file, &text, &mut bill)?,
                BillFormat::GcpBilling => gcp::read(&file, &text, &mut bill)?,
                BillFormat::OpenaiCosts => api::read_openai(&file, &text, &mut bill)?,
                BillFormat::AnthropicCost => api::read_anthropic(&file, &text, &mut bill)?,
                BillFormat::Auto => unreachable!("detect returns a concrete format"),
            };
            check_total(&file, &bill.lines[before..], total)?;
            bill.files.push(BillFile {
                path: file.display().to_string(),
                format: f,
                lines: (bill.lines.len() - before) as u64,
                total,
            });
        }
    }
    Ok(bill)
}

/// The lines read from a file must sum to the costs read apart from them.
fn check_total(file: &Path, lines: &[BilledLine], total: Decimal) -> Result<(), ReadError> {
    let read: Decimal = lines.iter().map(BilledLine::net).sum();
    if read != total {
        return Err(format_error(
            file,
            format!("the lines read sum to {read}, but the file's costs sum to {total}"),
        ));
    }
    Ok(())
}

/// The format whose columns a header has (`has` tells whether it has one): CUR 2.0, FOCUS,
/// Azure cost details, Google's export (nested `sku` or flattened `sku.description`).
pub fn by_columns(has: impl Fn(&str) -> bool) -> Option<BillFormat> {
    if has("line_item_usage_type") {
        Some(BillFormat::AwsCur)
    } else if has("BilledCost") && has("ChargePeriodStart") {
        Some(BillFormat::Focus)
    } else if has("MeterName") {
        Some(BillFormat::AzureCost)
    } else if (has("sku") && has("usage_start_time")) || has("sku.description") {
        Some(BillFormat::GcpBilling)
    } else {
        None
    }
}

/// Tells a bill's format from its header (CSV) or its shape (JSON).
pub fn detect(path: &Path, text: &str) -> Result<BillFormat, ReadError> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') || head.starts_with('[') {
        let first = head.lines().next().unwrap_or_default();
        if first.contains("\"sku\"") && first.contains("\"usage_start_time\"") {
            return Ok(BillFormat::GcpBilling);
        }
        if head.contains("organization.costs.result") || head.contains("\"line_item\"") {
            return Ok(BillFormat::OpenaiCosts);
        }
        if head.contains("\"starting_at\"") && head.contains("\"amount\"") {
            return Ok(BillFormat::AnthropicCost);
        }
        return Err(format_error(
            path,
            "JSON that is no bill tokenledger reads (GCP billing export rows, OpenAI Costs API or Anthropic cost_report pages); force one with --bill-format",
        ));
    }
    let header = head.lines().next().unwrap_or_default();
    let has = |c: &str| header.split(',').any(|h| h.trim().trim_matches('"') == c);
    if let Some(BillFormat::GcpBilling) = by_columns(has) {
        Err(format_error(
            path,
            "Google's billing export as CSV: export it as JSON lines or Parquet (BigQuery cannot write its nested records as CSV, so this is a flattened copy tokenledger does not read)",
        ))
    } else if let Some(f) = by_columns(has) {
        Ok(f)
    } else {
        Err(format_error(
            path,
            format!(
                "a CSV that is no bill tokenledger reads (its header starts {:?}); AWS CUR 2.0 has line_item_usage_type, FOCUS BilledCost and ChargePeriodStart, Azure cost details MeterName",
                crate::text::printable(header.get(..80).unwrap_or(header))
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn units_scale_quantities_to_tokens() {
        for (unit, scale) in [
            ("1K tokens", 1_000),
            ("1K", 1_000),
            ("1000 Tokens", 1_000),
            ("Units", 1_000_000),
            ("1M", 1_000_000),
            ("1M tokens", 1_000_000),
            ("Million Input Tokens Global", 1_000_000),
            ("tokens", 1),
            ("count", 1),
        ] {
            assert_eq!(unit_scale(unit), Some(scale), "{unit}");
        }
        assert_eq!(unit_scale("1 Hour"), None);
        assert_eq!(unit_scale("requests"), None);
        assert_eq!(tokens_of(d("910.500"), 1_000), (Some(910_500), None));
        assert_eq!(tokens_of(d("2.345678"), 1_000_000), (Some(2_345_678), None));
        let (n, note) = tokens_of(d("0.0005"), 1_000);
        assert_eq!(n, Some(0));
        assert!(note.unwrap().contains("not a whole number"));
        assert_eq!(tokens_of(d("-10"), 1_000), (None, None));
    }

    #[test]
    fn rate_times_quantity_is_checked_to_a_millionth() {
        assert_eq!(rate_check(d("8200.000"), d("0.00033"), d("2.706")), None);
        assert_eq!(rate_check(d("1000.001"), d("0.0054"), d("5.40")), None);
        let bad = rate_check(d("8200"), d("0.00033"), d("27.06")).unwrap();
        assert!(bad.contains("= 2.706"), "{bad}");
        assert!(plausible(d("1000000000000000")).is_some());
        assert!(plausible(d("1000000000000001")).is_none());
    }
}
