//! The price rules a price row cannot state on its own, each a small CSV file of the book:
//!
//! - `retirements.csv` (`provider,model,retired_at,source`): from `retired_at` on, usage of the
//!   model is unpriced with the reason "retired" instead of priced forever;
//! - `rules.csv` (`name,provider,models,regions,except_regions,service_tier,factor,effective_from,source`):
//!   an uplift (data residency, regional endpoints): every version of a matching model costs
//!   `factor` times as much for requests in a matching region (Vertex AI's regional endpoints
//!   for Claude 4.5+, OpenAI's data-residency regions for GPT-5.4+); or, with a
//!   `service_tier`, a tier defined relative to the standard price (OpenAI Flex = 0.5x,
//!   Priority = 2x): every standard version of a matching model gives that tier's version, so a
//!   cut of the standard price moves the tier with it;
//! - `windows.csv` (`name,provider,models,tier,days,start_utc,end_utc,effective_from,effective_to,source`):
//!   time-of-day prices (DeepSeek's off-peak hours): a request inside a window is priced at the
//!   window's service tier when the model has a row for it, exactly per request.
//!
//! `models` is a `|`-separated list of patterns (`*` matches any run of characters) tested
//! against the model id and the canonical model; `regions` likewise against the request's region
//! (`*`: any region the request names).

use super::findings::{finding, Finding, Severity};
use super::values::parse_effective_from;
use crate::text::glob_match;
use crate::text::lines::{recoverable, CsvRows, CsvStep};

/// A model's retirement: from `retired_at` on the provider no longer serves the id. A request
/// that still succeeded after it is priced at the model's last price (or, where the provider
/// says it bills the id as another model, at that model's price: `redirect_to`), with a
/// warning, never left unpriced in silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    pub provider: String,
    pub model: String,
    pub at_us: i64,
    /// `retired_at` as written.
    pub at: String,
    /// The provider's own page that states the date (checked against its domains).
    pub source: Option<String>,
    /// The model id (same provider) the provider bills the retired id as, if it says so.
    pub redirect_to: Option<String>,
    /// Other sources that agree (mirrors, notices quoted elsewhere).
    pub evidence: Option<String>,
    /// Not a retirement the provider announced: the generated tier's price map stopped listing
    /// the model (`generated/delisted.csv`), so its last price is all the book knows.
    pub delisted: bool,
}

/// An uplift rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub provider: String,
    pub models: Vec<String>,
    pub regions: Vec<String>,
    pub except_regions: Vec<String>,
    pub factor: rust_decimal::Decimal,
    pub effective_from_us: i64,
    pub effective_from: String,
    pub source: Option<String>,
    /// A tier rule: the rule derives this service tier's prices (`flex`, `priority`) from the
    /// standard price of every matching model, instead of uplifting a region.
    pub service_tier: Option<String>,
    /// A deployment rule (Azure Data Zone, Regional): it applies to requests of these
    /// deployment types, whatever their region.
    pub deployment_types: Vec<String>,
}

/// Matches `id` or `canonical` against any of `patterns`.
pub fn models_match(patterns: &[String], id: &str, canonical: Option<&str>) -> bool {
    patterns
        .iter()
        .any(|p| glob_match(p, id) || canonical.is_some_and(|c| glob_match(p, c)))
}

impl Rule {
    /// Whether the rule covers a request in `region` with `deployment` type: a deployment rule
    /// by the deployment type alone (a resource's region never decides an Azure price), a
    /// region rule by the region.
    pub fn covers(&self, region: Option<&str>, deployment: Option<&str>) -> bool {
        if self.deployment_types.is_empty() {
            self.covers_region(region)
        } else {
            deployment.is_some_and(|d| self.deployment_types.iter().any(|t| t == d))
        }
    }

    /// Whether the rule covers a request in `region` (no region: never).
    pub fn covers_region(&self, region: Option<&str>) -> bool {
        let Some(r) = region else { return false };
        let r = r.to_ascii_lowercase();
        self.regions.iter().any(|p| glob_match(p, &r))
            && !self.except_regions.iter().any(|p| glob_match(p, &r))
    }
}

/// Days of the week a window applies on (bit 0 = Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(pub u8);

/// A daily time-of-day window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub name: String,
    pub provider: String,
    pub models: Vec<String>,
    /// The service tier of requests inside the window.
    pub tier: String,
    pub days: Days,
    /// Minutes after 00:00 UTC; `end <= start` wraps past midnight (the day is the start's).
    pub start_min: u32,
    pub end_min: u32,
    pub effective_from_us: i64,
    pub effective_to_us: Option<i64>,
    pub source: Option<String>,
}

impl Window {
    /// Whether `ts` (UTC microseconds) lies in the window.
    pub fn covers(&self, ts: i64) -> bool {
        if ts < self.effective_from_us || self.effective_to_us.is_some_and(|t| ts >= t) {
            return false;
        }
        let day = ts.div_euclid(86_400_000_000);
        let minute = (ts.rem_euclid(86_400_000_000) / 60_000_000) as u32;
        // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
        let weekday = |d: i64| (d + 3).rem_euclid(7) as u8;
        let on = |d: i64| self.days.0 & (1 << weekday(d)) != 0;
        if self.start_min < self.end_min {
            on(day) && minute >= self.start_min && minute < self.end_min
        } else {
            (on(day) && minute >= self.start_min) || (on(day - 1) && minute < self.end_min)
        }
    }
}

fn parse_days(s: &str) -> Option<Days> {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let idx = |d: &str| NAMES.iter().position(|n| *n == d);
    let mut bits = 0u8;
    for part in s.split('|') {
        match part.trim().to_ascii_lowercase().as_str() {
            "all" | "" => bits |= 0x7f,
            p => match p.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (idx(a)?, idx(b)?);
                    if a > b {
                        return None;
                    }
                    for d in a..=b {
                        bits |= 1 << d;
                    }
                }
                None => bits |= 1 << idx(p)?,
            },
        }
    }
    Some(Days(bits))
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    // 24:00 ends a window at midnight.
    ((h < 24 && m < 60) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

pub(super) fn list(s: &str) -> Vec<String> {
    s.split('|')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Reads one rule file's rows as `(line, column -> value)` maps, reporting structural problems.
pub(super) fn rows_of(
    name: &str,
    bytes: &[u8],
    required: &[&str],
    findings: &mut Vec<Finding>,
) -> Vec<(u64, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rows = CsvRows::new(bytes);
    let headers = match rows.headers() {
        Ok(h) => h,
        Err(e) => {
            findings.push(finding(
                Severity::Error,
                name,
                1,
                None,
                format!("cannot read header: {e}"),
            ));
            return out;
        }
    };
    for r in required {
        if !headers.iter().any(|h| h == r) {
            findings.push(finding(
                Severity::Error,
                name,
                1,
                Some(r),
                "required column is missing".into(),
            ));
            return out;
        }
    }
    while let Some(step) = rows.next_step() {
        match step {
            CsvStep::Record(r) => {
                let values = headers
                    .iter()
                    .zip(r.record.iter())
                    .map(|(h, v)| (h.clone(), v.trim().to_string()))
                    .collect();
                out.push((r.line(), values));
            }
            CsvStep::Error { line, error } => {
                findings.push(finding(
                    Severity::Error,
                    name,
                    line,
                    None,
                    error.to_string(),
                ));
                if !recoverable(&error) {
                    break;
                }
            }
        }
    }
    out
}

/// Looks up a column of a row, empty values as `None`.
pub(super) fn get<'a>(row: &'a [(String, String)], c: &str) -> Option<&'a str> {
    row.iter()
        .find(|(h, _)| h == c)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

pub fn parse_retirements(
    name: &str,
    bytes: &[u8],
    out: &mut Vec<Retirement>,
    findings: &mut Vec<Finding>,
) {
    for (line, row) in rows_of(name, bytes, &["provider", "model", "retired_at"], findings) {
        let err = |c: &str, m: String| finding(Severity::Error, name, line, Some(c), m);
        let (Some(provider), Some(model), Some(at)) = (
            get(&row, "provider"),
            get(&row, "model"),
            get(&row, "retired_at"),
        ) else {
            findings.push(finding(
                Severity::Error,
                name,
                line,
                None,
                "provider, model and retired_at are all required".into(),
            ));
            continue;
        };
        let source = get(&row, "source").map(str::to_string);
        // A retirement is the provider's statement: its source must be the provider's own
        // page, not a news aggregator or someone's issue.
        match source.as_deref() {
            None => {
                findings.push(err(
                    "source",
                    "a retirement needs its source: the provider's page that states the date"
                        .into(),
                ));
                continue;
            }
            // The provider's own page, or the model publisher's where the publisher operates
            // the offering (Anthropic's deprecation dates apply on Microsoft Foundry).
            Some(u)
                if !crate::providers::is_provider_page(provider, u)
                    && !crate::providers::publisher_provider(crate::providers::publisher(
                        None, model,
                    ))
                    .is_some_and(|p| crate::providers::is_provider_page(p, u)) =>
            {
                findings.push(err(
                    "source",
                    format!(
                        "{u:?} is not a page of {provider} or of the model's publisher (their deprecation page or notice is the source; put other sources in evidence)"
                    ),
                ));
                continue;
            }
            Some(_) => {}
        }
        match parse_effective_from(at) {
            Ok(at_us) => out.push(Retirement {
                provider: provider.into(),
                model: model.into(),
                at_us,
                at: at.into(),
                source,
                redirect_to: get(&row, "redirect_to").map(str::to_string),
                evidence: get(&row, "evidence").map(str::to_string),
                delisted: false,
            }),
            Err(m) => findings.push(err("retired_at", m.to_string())),
        }
    }
}

/// Reads `generated/delisted.csv` (`provider,model,delisted_at,litellm_key,litellm_commit`):
/// the models whose LiteLLM keys all disappeared, written by `prices update`.
pub fn parse_delisted(
    name: &str,
    bytes: &[u8],
    out: &mut Vec<Retirement>,
    findings: &mut Vec<Finding>,
) {
    let required = [
        "provider",
        "model",
        "delisted_at",
        "litellm_key",
        "litellm_commit",
    ];
    for (line, row) in rows_of(name, bytes, &required, findings) {
        let err = |c: &str, m: String| finding(Severity::Error, name, line, Some(c), m);
        if let Some(c) = required.iter().find(|c| get(&row, c).is_none()) {
            findings.push(err(c, "missing value (required)".into()));
            continue;
        }
        let v = |c: &str| get(&row, c).unwrap_or_default();
        match parse_effective_from(v("delisted_at")) {
            Ok(at_us) => out.push(Retirement {
                provider: v("provider").into(),
                model: v("model").into(),
                at_us,
                at: v("delisted_at").into(),
                source: Some(format!(
                    "https://github.com/RoCry/llm-api-price/commit/{}",
                    v("litellm_commit")
                )),
                redirect_to: None,
                evidence: Some(format!(
                    "LiteLLM deleted the key {} in this mirror commit",
                    v("litellm_key")
                )),
                delisted: true,
            }),
            Err(m) => findings.push(err("delisted_at", m.to_string())),
        }
    }
}

/// Reads `book-info.csv` (`key,value`); returns `checked_at` (a date or instant).
pub fn parse_book_info(
    name: &str,
    bytes: &[u8],
    findings: &mut Vec<Finding>,
) -> Option<(i64, String)> {
    let mut checked = None;
    for (line, row) in rows_of(name, bytes, &["key", "value"], findings) {
        let (Some(k), Some(v)) = (get(&row, "key"), get(&row, "value")) else {
            continue;
        };
        if k == "checked_at" {
            match parse_effective_from(v) {
                Ok(t) => checked = Some((t, v.to_string())),
                Err(m) => findings.push(finding(
                    Severity::Error,
                    name,
                    line,
                    Some("value"),
                    format!("checked_at: {m}"),
                )),
            }
        }
    }
    checked
}

pub fn parse_rules(name: &str, bytes: &[u8], out: &mut Vec<Rule>, findings: &mut Vec<Finding>) {
    let required = [
        "name",
        "provider",
        "models",
        "regions",
        "factor",
        "effective_from",
    ];
    for (line, row) in rows_of(name, bytes, &required, findings) {
        let err = |c: &str, m: String| finding(Severity::Error, name, line, Some(c), m);
        let tier = get(&row, "service_tier").map(|t| t.to_ascii_lowercase());
        let mut deployments = Vec::new();
        for d in list(get(&row, "deployment_types").unwrap_or("")) {
            match crate::usage::deployment_type(&d) {
                Some(t) => deployments.push(t.to_string()),
                None => findings.push(err(
                    "deployment_types",
                    format!("{d:?}: expected global, data-zone or regional"),
                )),
            }
        }
        // A tier rule and a deployment rule cover every region (regions stay empty); a region
        // rule names them.
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| {
                get(&row, c).is_none()
                    && !(*c == "regions" && (tier.is_some() || !deployments.is_empty()))
            })
            .collect();
        if !missing.is_empty() {
            findings.push(err(missing[0], "missing value (required)".into()));
            continue;
        }
        let v = |c: &str| get(&row, c).unwrap_or_default();
        let factor = match v("factor").parse::<rust_decimal::Decimal>() {
            Ok(f) if f > rust_decimal::Decimal::ZERO => f.normalize(),
            _ => {
                findings.push(err(
                    "factor",
                    format!("{:?} is not a positive decimal", v("factor")),
                ));
                continue;
            }
        };
        let from = match parse_effective_from(v("effective_from")) {
            Ok(t) => t,
            Err(m) => {
                findings.push(err("effective_from", m.to_string()));
                continue;
            }
        };
        out.push(Rule {
            name: v("name").into(),
            provider: v("provider").into(),
            models: list(v("models")),
            regions: list(&v("regions").to_ascii_lowercase()),
            except_regions: list(
                &get(&row, "except_regions")
                    .unwrap_or("")
                    .to_ascii_lowercase(),
            ),
            factor,
            effective_from_us: from,
            effective_from: v("effective_from").into(),
            source: get(&row, "source").map(str::to_string),
            service_tier: tier,
            deployment_types: deployments,
        });
    }
}

pub fn parse_windows(name: &str, bytes: &[u8], out: &mut Vec<Window>, findings: &mut Vec<Finding>) {
    let required = [
        "name",
        "provider",
        "models",
        "tier",
        "days",
        "start_utc",
        "end_utc",
        "effective_from",
    ];
    for (line, row) in rows_of(name, bytes, &required, findings) {
        let err = |c: &str, m: String| finding(Severity::Error, name, line, Some(c), m);
        let v = |c: &str| get(&row, c).unwrap_or_default();
        if let Some(c) = required.iter().find(|c| get(&row, c).is_none()) {
            findings.push(err(c, "missing value (required)".into()));
            continue;
        }
        let Some(days) = parse_days(v("days")) else {
            findings.push(err(
                "days",
                format!("{:?}: expected all, mon-fri, sat|sun, ...", v("days")),
            ));
            continue;
        };
        let (Some(start), Some(end)) = (parse_hhmm(v("start_utc")), parse_hhmm(v("end_utc")))
        else {
            findings.push(err(
                "start_utc",
                "start_utc and end_utc are HH:MM (UTC)".into(),
            ));
            continue;
        };
        if start % 15 != 0 || end % 15 != 0 || start >= 24 * 60 {
            findings.push(err(
                "start_utc",
                "window edges must fall on a quarter hour, and start before 24:00".into(),
            ));
            continue;
        }
        let from = parse_effective_from(v("effective_from"));
        let to = get(&row, "effective_to")
            .map(parse_effective_from)
            .transpose();
        let (from, to) = match (from, to) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(m), _) | (_, Err(m)) => {
                findings.push(err("effective_from", m.to_string()));
                continue;
            }
        };
        out.push(Window {
            name: v("name").into(),
            provider: v("provider").into(),
            models: list(v("models")),
            tier: v("tier").to_ascii_lowercase(),
            days,
            start_min: start,
            end_min: end % (24 * 60),
            effective_from_us: from,
            effective_to_us: to,
            source: get(&row, "source").map(str::to_string),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::parse_timestamp_us;

    fn us(s: &str) -> i64 {
        parse_timestamp_us(s).unwrap()
    }

    #[test]
    fn windows_cover_their_hours_days_and_dates() {
        let mut w = Vec::new();
        let mut f = Vec::new();
        let text = "name,provider,models,tier,days,start_utc,end_utc,effective_from,effective_to\n\
            night,deepseek,deepseek-chat,off-peak,all,16:30,00:30,2025-02-26T16:30:00Z,2025-09-05T16:00:00Z\n\
            evening,deepseek,*,off-peak,mon-fri,10:00,24:00,2026-08-16,\n";
        parse_windows("w.csv", text.as_bytes(), &mut w, &mut f);
        assert!(f.is_empty(), "{f:?}");
        let (night, evening) = (&w[0], &w[1]);
        assert!(
            !night.covers(us("2025-02-26T16:29:59Z")),
            "before the window starts"
        );
        assert!(night.covers(us("2025-02-26T16:30:00Z")));
        assert!(
            night.covers(us("2025-02-27T00:29:59.999999Z")),
            "wraps past midnight"
        );
        assert!(!night.covers(us("2025-02-27T00:30:00Z")));
        assert!(
            !night.covers(us("2025-09-05T16:30:00Z")),
            "after effective_to"
        );
        // 2026-08-17 is a Monday; 2026-08-22 a Saturday.
        assert!(evening.covers(us("2026-08-17T10:00:00Z")));
        assert!(evening.covers(us("2026-08-17T23:59:59Z")));
        assert!(!evening.covers(us("2026-08-17T09:59:59Z")));
        assert!(
            !evening.covers(us("2026-08-22T12:00:00Z")),
            "not on Saturdays"
        );
        assert_eq!(parse_days("sat|sun"), Some(Days(0b110_0000)));
        assert_eq!(parse_days("fri-mon"), None);
    }

    #[test]
    fn rules_match_models_and_regions() {
        let mut r = Vec::new();
        let mut f = Vec::new();
        let text = "name,provider,models,regions,except_regions,factor,effective_from,source\n\
            vertex-regional,vertex-ai,claude-*-4.5|claude-*-5*,*,global,1.1,2025-09-29,https://x\n\
            bad,vertex-ai,x,*,,-1,2025-01-01,\n";
        parse_rules("r.csv", text.as_bytes(), &mut r, &mut f);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].column.as_deref(), Some("factor"));
        let rule = &r[0];
        assert!(models_match(
            &rule.models,
            "claude-sonnet-4-5@20250929",
            Some("claude-sonnet-4.5")
        ));
        assert!(!models_match(
            &rule.models,
            "claude-sonnet-4@20250514",
            Some("claude-sonnet-4")
        ));
        assert!(rule.covers_region(Some("us-east5")));
        assert!(rule.covers_region(Some("EUROPE-WEST1")));
        assert!(!rule.covers_region(Some("global")));
        assert!(!rule.covers_region(None));
    }
}
