//! The book against independent price catalogues: LiteLLM's price map, pydantic's genai-prices
//! `data.json` and models.dev (`{"providers": {provider: {model: {cost: ...}}}}`). Every series
//! of the book is compared, at each catalogue's date, with what the catalogue says for the same
//! provider and model: agree, differ (with both values), or absent. `prices audit` prints it;
//! `prices update` turns it into the confidence of each generated row (two catalogues agreeing
//! with LiteLLM: high; one: medium; none has the model: single-source; one disagrees: disputed).
//! Pure: the commands read the files.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde_json::Value;

use super::input::{json_decimal, json_per_mtok, parse_json, InputError};
use super::row::{BookTier, PriceRow};
use super::PriceBook;

/// What a catalogue says a model costs, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub input: Decimal,
    pub output: Decimal,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
}

impl Quote {
    /// The differences from a book row: `input 3 vs 3.3`, ... (empty: they agree). A class
    /// one side does not state is not a difference. The catalogues are written by programs that
    /// hold prices as binary doubles and do arithmetic on them (models.dev writes
    /// `0.049999999999999996` for $0.05): their numbers are read exactly as written, a value
    /// within one part in 10^12 of the book's agrees with it, and a difference shows the
    /// catalogue's value to 12 significant digits.
    pub fn differences(&self, r: &PriceRow) -> Vec<String> {
        let mut out = Vec::new();
        let mut cmp = |name: &str, book: Option<Decimal>, theirs: Option<Decimal>| {
            if let (Some(b), Some(t)) = (book, theirs) {
                if !same_price(b, t) {
                    let shown = t.round_sf(12).unwrap_or(t).normalize();
                    out.push(format!("{name} {} vs {shown}", b.normalize()));
                }
            }
        };
        cmp("input", Some(r.input), Some(self.input));
        cmp("output", Some(r.output), Some(self.output));
        cmp("cache read", r.cache_read, self.cache_read);
        cmp("cache write", r.cache_write, self.cache_write);
        out
    }
}

/// Whether a catalogue's price is the book's, up to the noise of binary doubles (one part in
/// 10^12; see [`Quote::differences`]).
fn same_price(book: Decimal, theirs: Decimal) -> bool {
    let scale = book.abs().max(theirs.abs());
    (book - theirs).abs() <= scale * Decimal::new(1, 12)
}

/// A genai-prices model match rule.
#[derive(Debug, Clone)]
enum Match {
    Equals(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    Or(Vec<Match>),
    And(Vec<Match>),
    /// A rule this reader does not evaluate (regular expressions): never matches.
    Never,
}

impl Match {
    fn parse(v: &Value) -> Match {
        let Some(o) = v.as_object() else {
            return Match::Never;
        };
        let s = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        };
        let list = |k: &str| {
            o.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Match::parse).collect::<Vec<_>>())
        };
        if let Some(x) = s("equals") {
            Match::Equals(x)
        } else if let Some(x) = s("starts_with") {
            Match::StartsWith(x)
        } else if let Some(x) = s("ends_with") {
            Match::EndsWith(x)
        } else if let Some(x) = s("contains") {
            Match::Contains(x)
        } else if let Some(x) = list("or") {
            Match::Or(x)
        } else if let Some(x) = list("and") {
            Match::And(x)
        } else {
            Match::Never
        }
    }

    fn matches(&self, id: &str) -> bool {
        match self {
            Match::Equals(x) => id == x,
            Match::StartsWith(x) => id.starts_with(x.as_str()),
            Match::EndsWith(x) => id.ends_with(x.as_str()),
            Match::Contains(x) => id.contains(x.as_str()),
            Match::Or(v) => v.iter().any(|m| m.matches(id)),
            Match::And(v) => v.iter().all(|m| m.matches(id)),
            Match::Never => false,
        }
    }
}

/// genai-prices' rules of one provider: each model's match rule and dated quotes.
type Rules = Vec<(Match, Vec<(i64, Quote)>)>;

/// One catalogue, read.
pub struct Catalogue {
    pub name: &'static str,
    /// The day the catalogue was taken: the book is compared at that instant.
    pub at_us: i64,
    /// (book provider, model id) -> quote: LiteLLM and models.dev.
    exact: HashMap<(String, String), Quote>,
    /// genai-prices: book provider -> (match rule, dated quotes, oldest first).
    rules: HashMap<String, Rules>,
}

impl Catalogue {
    /// The catalogue's quote for a model of a provider, in force at its date.
    pub fn quote(&self, provider: &str, model: &str) -> Option<Quote> {
        if let Some(q) = self.exact.get(&(provider.to_string(), model.to_string())) {
            return Some(*q);
        }
        let id = model.to_ascii_lowercase();
        let rules = self.rules.get(provider)?;
        let (_, dated) = rules.iter().find(|(m, _)| m.matches(&id))?;
        dated
            .iter()
            .rev()
            .find(|(from, _)| *from <= self.at_us)
            .or_else(|| dated.first())
            .map(|(_, q)| *q)
    }

    /// Whether the catalogue knows the provider at all (a model it lacks there is "absent";
    /// a provider it does not cover is not counted).
    pub fn covers(&self, provider: &str) -> bool {
        self.rules.contains_key(provider) || self.exact.keys().any(|(p, _)| p == provider)
    }

    /// LiteLLM's `model_prices_and_context_window.json` (USD per token), keys mapped to the
    /// book's provider and model ids as `prices update` maps them.
    pub fn litellm(text: &str, at_us: i64) -> Result<Catalogue, InputError> {
        let root: Value = parse_json(text)?;
        let obj = root.as_object().ok_or(InputError::NotAnObject)?;
        let _million = Decimal::from(1_000_000);
        let mut exact = HashMap::new();
        for (key, e) in obj {
            let Some(e) = e.as_object() else { continue };
            let lp = e
                .get("litellm_provider")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(provider) = crate::providers::litellm_id(lp) else {
                continue;
            };
            let Some((model, None)) = super::generate::book_id(key, lp) else {
                continue;
            };
            let get = |f: &str| e.get(f).and_then(json_per_mtok);
            let (Some(input), Some(output)) =
                (get("input_cost_per_token"), get("output_cost_per_token"))
            else {
                continue;
            };
            exact.entry((provider.to_string(), model)).or_insert(Quote {
                input,
                output,
                cache_read: get("cache_read_input_token_cost"),
                cache_write: get("cache_creation_input_token_cost"),
            });
        }
        Ok(Catalogue {
            name: "LiteLLM",
            at_us,
            exact,
            rules: HashMap::new(),
        })
    }

    /// pydantic genai-prices `data.json` (USD per million; match rules; dated price lists).
    pub fn genai_prices(text: &str, at_us: i64) -> Result<Catalogue, InputError> {
        let root: Value = parse_json(text)?;
        let providers = root.as_array().ok_or(InputError::NotAnObject)?;
        let mut rules: HashMap<String, Rules> = HashMap::new();
        for p in providers {
            let id = p.get("id").and_then(Value::as_str).unwrap_or("");
            let book: &[&str] = match id {
                "anthropic" => &["anthropic"],
                "openai" => &["openai"],
                "google" => &["google", "vertex-ai"],
                "aws" => &["aws-bedrock"],
                "azure" => &["azure"],
                "groq" => &["groq"],
                "together" => &["together"],
                "fireworks" => &["fireworks"],
                "deepseek" => &["deepseek"],
                "mistral" => &["mistral"],
                "x-ai" => &["xai"],
                "cohere" => &["cohere"],
                "openrouter" => &["openrouter"],
                _ => &[],
            };
            for m in p
                .get("models")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let rule = Match::parse(m.get("match").unwrap_or(&Value::Null));
                let dated: Vec<(i64, Quote)> = match m.get("prices") {
                    Some(Value::Array(list)) => list
                        .iter()
                        .filter_map(|e| {
                            let from = e
                                .get("constraint")
                                .and_then(|c| c.get("start_date"))
                                .and_then(Value::as_str)
                                .and_then(|d| super::parse_effective_from(d).ok())
                                .unwrap_or(i64::MIN);
                            Some((from, genai_quote(e.get("prices")?)?))
                        })
                        .collect(),
                    Some(v) => genai_quote(v).map(|q| (i64::MIN, q)).into_iter().collect(),
                    None => Vec::new(),
                };
                if dated.is_empty() {
                    continue;
                }
                for b in book {
                    rules
                        .entry(b.to_string())
                        .or_default()
                        .push((rule.clone(), dated.clone()));
                }
            }
        }
        Ok(Catalogue {
            name: "genai-prices",
            at_us,
            exact: HashMap::new(),
            rules,
        })
    }

    /// models.dev (`{"providers": {provider: {model: {cost: {input, output, cache_read,
    /// cache_write}}}}`, USD per million).
    pub fn models_dev(text: &str, at_us: i64) -> Result<Catalogue, InputError> {
        let root: Value = parse_json(text)?;
        let providers = root
            .get("providers")
            .and_then(Value::as_object)
            .ok_or(InputError::NotAnObject)?;
        let mut exact = HashMap::new();
        for (id, models) in providers {
            let book = match id.as_str() {
                "anthropic" => "anthropic",
                "openai" => "openai",
                "google" => "google",
                "google-vertex" | "google-vertex-anthropic" => "vertex-ai",
                "amazon-bedrock" => "aws-bedrock",
                "azure" => "azure",
                "groq" => "groq",
                "togetherai" => "together",
                "fireworks-ai" => "fireworks",
                "deepinfra" => "deepinfra",
                "deepseek" => "deepseek",
                "mistral" => "mistral",
                "xai" => "xai",
                "cohere" => "cohere",
                "openrouter" => "openrouter",
                _ => continue,
            };
            for (model, m) in models.as_object().into_iter().flatten() {
                let Some(cost) = m.get("cost") else { continue };
                let get = |k: &str| cost.get(k).and_then(json_decimal);
                let (Some(input), Some(output)) = (get("input"), get("output")) else {
                    continue;
                };
                exact
                    .entry((book.to_string(), model.clone()))
                    .or_insert(Quote {
                        input,
                        output,
                        cache_read: get("cache_read"),
                        cache_write: get("cache_write"),
                    });
            }
        }
        Ok(Catalogue {
            name: "models.dev",
            at_us,
            exact,
            rules: HashMap::new(),
        })
    }
}

/// A genai-prices price object: numbers, or `{base, tiers}` (the base is the normal rate).
fn genai_quote(v: &Value) -> Option<Quote> {
    let get = |k: &str| {
        let x = v.get(k)?;
        json_decimal(x).or_else(|| x.get("base").and_then(json_decimal))
    };
    Some(Quote {
        input: get("input_mtok")?,
        output: get("output_mtok")?,
        cache_read: get("cache_read_mtok"),
        cache_write: get("cache_write_mtok"),
    })
}

/// What one catalogue says of one book version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Agrees,
    Differs(Vec<String>),
    Absent,
}

/// One line of the audit: a book version and each catalogue's verdict on it.
#[derive(Debug, Clone)]
pub struct AuditLine<'a> {
    pub row: &'a PriceRow,
    /// (catalogue name, the catalogue's date, verdict), for the catalogues that cover the
    /// provider.
    pub verdicts: Vec<(&'static str, i64, Verdict)>,
}

impl AuditLine<'_> {
    pub fn agreeing(&self) -> usize {
        self.verdicts
            .iter()
            .filter(|(_, _, v)| *v == Verdict::Agrees)
            .count()
    }
    pub fn differing(&self) -> usize {
        self.verdicts
            .iter()
            .filter(|(_, _, v)| matches!(v, Verdict::Differs(_)))
            .count()
    }
}

/// Each catalogue's verdict on a series (`versions` of one provider and model, oldest first):
/// the version in force at the catalogue's date (its index) and what the catalogue says of it.
/// A series that starts after a catalogue's date is not judged by it.
fn judge(
    provider: &str,
    model: &str,
    versions: &[&PriceRow],
    catalogues: &[Catalogue],
) -> BTreeMap<usize, Vec<(&'static str, i64, Verdict)>> {
    let mut by_version: BTreeMap<usize, Vec<(&'static str, i64, Verdict)>> = BTreeMap::new();
    for c in catalogues.iter().filter(|c| c.covers(provider)) {
        let Some(pos) = versions
            .iter()
            .rposition(|r| r.effective_from_us <= c.at_us)
        else {
            continue;
        };
        let verdict = match c.quote(provider, model) {
            None => Verdict::Absent,
            Some(q) => {
                let d = q.differences(versions[pos]);
                if d.is_empty() {
                    Verdict::Agrees
                } else {
                    Verdict::Differs(d)
                }
            }
        };
        by_version
            .entry(pos)
            .or_default()
            .push((c.name, c.at_us, verdict));
    }
    by_version
}

/// The standard, region-less series of `rows` (rows derived by rules, overlays, tiers and
/// regional rows left out), each oldest first.
fn series<'a>(
    rows: impl Iterator<Item = &'a PriceRow>,
) -> BTreeMap<(&'a str, &'a str), Vec<&'a PriceRow>> {
    let mut out: BTreeMap<(&str, &str), Vec<&PriceRow>> = BTreeMap::new();
    for r in rows {
        if r.region.is_some() || r.service_tier.is_some() || r.rule.is_some() || r.is_overlay() {
            continue;
        }
        out.entry((r.provider.as_str(), r.model.as_str()))
            .or_default()
            .push(r);
    }
    for v in out.values_mut() {
        v.sort_by_key(|r| r.effective_from_us);
    }
    out
}

/// Every standard, region-less series of the book that prices something (curated, or
/// generated where no curated row hides it), judged by each catalogue at its date.
pub fn audit<'a>(book: &'a PriceBook, catalogues: &[Catalogue]) -> Vec<AuditLine<'a>> {
    let mut out: Vec<AuditLine> = Vec::new();
    for ((provider, model), versions) in series(book.versions().into_iter()) {
        for (pos, verdicts) in judge(provider, model, &versions, catalogues) {
            out.push(AuditLine {
                row: versions[pos],
                verdicts,
            });
        }
    }
    out
}

/// Sets the confidence and evidence of the generated rows the other catalogues judge (the
/// version of each series in force at a catalogue's date; see [`generated_confidence`]).
pub fn grade_generated(rows: &mut [PriceRow], catalogues: &[Catalogue]) {
    let mut grades: Vec<(usize, &'static str, String)> = Vec::new();
    {
        let indexed: Vec<(usize, &PriceRow)> = rows.iter().enumerate().collect();
        let mut by_series: BTreeMap<(&str, &str), Vec<(usize, &PriceRow)>> = BTreeMap::new();
        for (i, r) in &indexed {
            if r.region.is_none() && r.service_tier.is_none() {
                by_series
                    .entry((r.provider.as_str(), r.model.as_str()))
                    .or_default()
                    .push((*i, r));
            }
        }
        for ((provider, model), mut v) in by_series {
            v.sort_by_key(|(_, r)| r.effective_from_us);
            let versions: Vec<&PriceRow> = v.iter().map(|(_, r)| *r).collect();
            for (pos, verdicts) in judge(provider, model, &versions, catalogues) {
                let line = AuditLine {
                    row: versions[pos],
                    verdicts,
                };
                if let Some((c, e)) = generated_confidence(&line) {
                    grades.push((v[pos].0, c, e));
                }
            }
        }
    }
    for (i, confidence, said) in grades {
        let r = &mut rows[i];
        r.confidence = Some(confidence.into());
        r.evidence = Some(match r.evidence.take() {
            Some(e) => format!("{e}; {said}"),
            None => said,
        });
    }
}

/// The confidence a generated version earns from the other catalogues (LiteLLM being its own
/// source): `high` when two agree, `medium` when one does, and in `evidence` what they say.
/// `None` when no catalogue judged it (an older version).
pub fn generated_confidence(line: &AuditLine<'_>) -> Option<(&'static str, String)> {
    if line.row.tier != BookTier::Generated {
        return None;
    }
    let others: Vec<&(&'static str, i64, Verdict)> = line
        .verdicts
        .iter()
        .filter(|(n, _, _)| *n != "LiteLLM")
        .collect();
    if others.is_empty() {
        return None;
    }
    let day = |t: i64| {
        crate::usage::format_timestamp_us(t)
            .get(..10)
            .unwrap_or_default()
            .to_string()
    };
    let mut said = Vec::new();
    for (n, at, v) in &others {
        said.push(match v {
            Verdict::Agrees => format!("{n} ({}) agrees", day(*at)),
            Verdict::Differs(d) => format!("{n} ({}) differs: {}", day(*at), d.join("; ")),
            Verdict::Absent => format!("{n} ({}) does not list it", day(*at)),
        });
    }
    let agree = others
        .iter()
        .filter(|(_, _, v)| *v == Verdict::Agrees)
        .count();
    let differ = others
        .iter()
        .filter(|(_, _, v)| matches!(v, Verdict::Differs(_)))
        .count();
    let confidence = match (agree, differ) {
        (_, d) if d > 0 => "low",
        (a, _) if a >= 2 => "high",
        (1, _) => "medium",
        _ => "low",
    };
    let label = match (agree, differ) {
        (_, d) if d > 0 => "disputed",
        (0, _) => "single-source",
        _ => "corroborated",
    };
    Some((confidence, format!("{label}: {}", said.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_noise_in_a_catalogue_is_no_difference() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert!(same_price(d("0.05"), d("0.049999999999999996")));
        assert!(same_price(d("0.2"), d("0.19999999999999998")));
        assert!(!same_price(d("0.05"), d("0.0500001")));
        assert!(!same_price(d("0.09"), d("0.049999999999999996")));
        assert!(same_price(Decimal::ZERO, Decimal::ZERO));
    }

    #[test]
    fn generated_rows_earn_their_confidence_from_the_other_catalogues() {
        let at = |d: &str| crate::pricing::parse_effective_from(d).unwrap();
        let row = |model: &str, i: &str, o: &str| {
            let mut r = PriceRow::new(
                "openai",
                model,
                (at("2026-01-01"), "2026-01-01"),
                i.parse().unwrap(),
                o.parse().unwrap(),
                BookTier::Generated,
            );
            r.evidence = Some("LiteLLM price map".into());
            r.confidence = Some("low".into());
            r
        };
        let genai = Catalogue::genai_prices(
            r#"[{"id":"openai","models":[{"id":"a","match":{"equals":"a"},"prices":{"input_mtok":1,"output_mtok":2}},
                {"id":"b","match":{"equals":"b"},"prices":{"input_mtok":1,"output_mtok":3}}]}]"#,
            at("2026-08-21"),
        )
        .unwrap();
        let md = Catalogue::models_dev(
            r#"{"providers":{"openai":{"a":{"cost":{"input":1,"output":2}}}}}"#,
            at("2026-07-02"),
        )
        .unwrap();
        let mut rows = vec![row("a", "1", "2"), row("b", "1", "2"), row("c", "1", "2")];
        grade_generated(&mut rows, &[genai, md]);
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r.confidence.as_deref().unwrap(),
                    r.evidence
                        .as_deref()
                        .unwrap()
                        .split(';')
                        .nth(1)
                        .unwrap_or("")
                        .trim(),
                )
            })
            .collect();
        assert_eq!(got[0].0, "high");
        assert!(got[0].1.starts_with("corroborated:"), "{got:?}");
        assert_eq!(got[1].0, "low");
        assert!(
            got[1]
                .1
                .starts_with("disputed: genai-prices (2026-08-21) differs: output 2 vs 3"),
            "{got:?}"
        );
        assert_eq!(got[2].0, "low");
        assert!(got[2].1.starts_with("single-source:"), "{got:?}");
        // A single-source row is low confidence whatever else it says.
        assert_eq!(rows[2].confidence_level(), Some("low"));
    }

    #[test]
    fn genai_match_rules_and_dated_prices() {
        let data = r#"[{"id":"anthropic","models":[
            {"id":"s","match":{"or":[{"starts_with":"claude-sonnet-5"},{"equals":"x"}]},
             "prices":[{"prices":{"input_mtok":2,"output_mtok":10}},
                       {"constraint":{"start_date":"2026-09-01"},"prices":{"input_mtok":3,"output_mtok":15,"cache_read_mtok":{"base":0.3,"tiers":[]}}}]}]}]"#;
        let at = |d: &str| crate::pricing::parse_effective_from(d).unwrap();
        let aug = Catalogue::genai_prices(data, at("2026-08-21")).unwrap();
        let q = aug.quote("anthropic", "claude-sonnet-5").unwrap();
        assert_eq!((q.input, q.output), (Decimal::from(2), Decimal::from(10)));
        let oct = Catalogue::genai_prices(data, at("2026-10-01")).unwrap();
        let q = oct.quote("anthropic", "claude-sonnet-5").unwrap();
        assert_eq!(q.cache_read, Some("0.3".parse().unwrap()));
        assert!(oct.quote("anthropic", "claude-opus-5").is_none());
        assert!(oct.covers("anthropic") && !oct.covers("groq"));
    }
}
