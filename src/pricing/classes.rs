//! Token classes a price row leaves empty, and the provider rules that price them.
//!
//! A row states input and output; cache reads, 5-minute and 1-hour cache writes and batch
//! usage are separate classes that a row may or may not price. An empty class is **never**
//! silently billed at another class's rate: either a provider rule of `class-rules.csv`
//! (`name,provider,models,class,factor,source`) states it as a multiple of the row's own
//! rates, e.g. Anthropic's "cache reads cost 0.1x the base input price", Azure's "Global Batch
//! is 50% of Global Standard", Together's "cached tokens are billed as input", and the row is
//! filled with it (the rule's name kept, so every report can say `priced_by: rule:<name>`); or
//! the class stays empty and usage of it is unpriced with the reason "no cache-read price".
//!
//! A rule states a provider's standing policy, so it applies to every version of the models it
//! names (feature columns sit on launch rows for the same reason: no log line can carry a class
//! before the provider sold it). The first matching rule of a class wins. Pure: no I/O.

use rust_decimal::Decimal;

use super::findings::{finding, Finding, Severity};
use super::row::{PriceClass, PriceRow};
use super::rules::{get, list, models_match, rows_of};

/// A provider's rule for one class: its rate is `factor` times the row's input rate (cache
/// classes) or its on-demand input and output rates (batch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRule {
    pub name: String,
    pub providers: Vec<String>,
    pub models: Vec<String>,
    pub class: PriceClass,
    pub factor: Decimal,
    pub source: Option<String>,
}

impl ClassRule {
    /// Whether the rule covers a row of `provider` with this model id and canonical model.
    pub fn covers(&self, provider: &str, model: &str, canonical: Option<&str>) -> bool {
        self.providers.iter().any(|p| p == provider || p == "*")
            && models_match(&self.models, model, canonical)
    }
}

/// Reads `class-rules.csv`.
pub fn parse_class_rules(
    name: &str,
    bytes: &[u8],
    out: &mut Vec<ClassRule>,
    findings: &mut Vec<Finding>,
) {
    let required = ["name", "provider", "models", "class", "factor", "source"];
    for (line, row) in rows_of(name, bytes, &required, findings) {
        let err = |c: &str, m: String| finding(Severity::Error, name, line, Some(c), m);
        if let Some(c) = required.iter().find(|c| get(&row, c).is_none()) {
            // A rule is a statement of the provider: without its source it is a guess.
            findings.push(err(c, "missing value (required)".into()));
            continue;
        }
        let v = |c: &str| get(&row, c).unwrap_or_default();
        let Some(class) = PriceClass::parse(v("class")) else {
            findings.push(err(
                "class",
                format!(
                    "{:?}: expected cache_read, cache_write, cache_write_1h or batch",
                    v("class")
                ),
            ));
            continue;
        };
        let factor = match v("factor").parse::<Decimal>() {
            Ok(f) if f > Decimal::ZERO => f.normalize(),
            _ => {
                findings.push(err(
                    "factor",
                    format!("{:?} is not a positive decimal", v("factor")),
                ));
                continue;
            }
        };
        out.push(ClassRule {
            name: v("name").into(),
            providers: list(v("provider")),
            models: list(v("models")),
            class,
            factor,
            source: get(&row, "source").map(str::to_string),
        });
    }
}

/// Fills the classes `row` leaves empty from the first rule of each class that covers it,
/// exactly (`0.1 x 1.375` is `0.1375`), and records the rule's name on the row.
pub fn fill(row: &mut PriceRow, rules: &[ClassRule]) {
    for class in PriceClass::ALL {
        if class.in_row(row) {
            continue;
        }
        let Some(rule) = rules.iter().find(|r| {
            r.class == class && r.covers(&row.provider, &row.model, row.canonical_model.as_deref())
        }) else {
            continue;
        };
        let times = |d: Decimal| d.checked_mul(rule.factor).map(|x| x.normalize());
        let done = match class {
            PriceClass::CacheRead => times(row.input).map(|v| row.cache_read = Some(v)),
            PriceClass::CacheWrite => times(row.input).map(|v| row.cache_write = Some(v)),
            PriceClass::CacheWrite1h => times(row.input).map(|v| row.cache_write_1h = Some(v)),
            PriceClass::Batch => match (times(row.input), times(row.output)) {
                (Some(i), Some(o)) => {
                    row.batch_input = Some(i);
                    row.batch_output = Some(o);
                    Some(())
                }
                _ => None,
            },
        };
        if done.is_some() {
            row.filled.push((class, rule.name.clone()));
        }
    }
}

/// The rule that filled `class` of `row`, if one did.
pub fn filled_by(row: &PriceRow, class: PriceClass) -> Option<&str> {
    row.filled
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, n)| n.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::BookTier;

    fn rules(text: &str) -> (Vec<ClassRule>, Vec<Finding>) {
        let (mut r, mut f) = (Vec::new(), Vec::new());
        parse_class_rules("class-rules.csv", text.as_bytes(), &mut r, &mut f);
        (r, f)
    }

    const HEAD: &str = "name,provider,models,class,factor,source\n";

    #[test]
    fn an_anthropic_family_row_without_cache_prices_gets_them_from_the_rules() {
        let (r, f) = rules(&format!(
            "{HEAD}claude-cache-read,anthropic|azure,claude-*,cache_read,0.1,https://a\n\
             claude-cache-write-5m,anthropic|azure,claude-*,cache_write,1.25,https://a\n\
             claude-cache-write-1h,anthropic|azure,claude-*,cache_write_1h,2,https://a\n\
             azure-global-batch,azure,gpt-*,batch,0.5,https://b\n"
        ));
        assert!(f.is_empty(), "{f:?}");
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut row = PriceRow::new(
            "azure",
            "claude-sonnet-4-5",
            (0, "2025-01-01"),
            d("3"),
            d("15"),
            BookTier::Generated,
        );
        row.cache_write = Some(d("4"));
        fill(&mut row, &r);
        assert_eq!(row.cache_read, Some(d("0.3")));
        assert_eq!(row.cache_write, Some(d("4")), "the row's own price wins");
        assert_eq!(row.cache_write_1h, Some(d("6")));
        assert_eq!(row.batch_input, None, "no batch rule for Claude on Azure");
        assert_eq!(
            filled_by(&row, PriceClass::CacheRead),
            Some("claude-cache-read")
        );
        assert_eq!(filled_by(&row, PriceClass::CacheWrite), None);

        let mut gpt = PriceRow::new(
            "azure",
            "gpt-5",
            (0, "2025-01-01"),
            d("1.25"),
            d("10"),
            BookTier::Curated,
        );
        fill(&mut gpt, &r);
        assert_eq!(
            (gpt.batch_input, gpt.batch_output),
            (Some(d("0.625")), Some(d("5")))
        );
        assert_eq!(gpt.cache_read, None, "no cache rule for GPT on Azure here");
    }

    #[test]
    fn a_rule_needs_its_source_and_a_known_class() {
        let (r, f) = rules(&format!(
            "{HEAD}x,anthropic,claude-*,cache_read,0.1,\n\
             y,anthropic,claude-*,cache_hit,0.1,https://a\n\
             z,anthropic,claude-*,cache_read,-1,https://a\n"
        ));
        assert!(r.is_empty());
        let cols: Vec<_> = f
            .iter()
            .map(|f| f.column.clone().unwrap_or_default())
            .collect();
        assert_eq!(cols, ["source", "class", "factor"]);
    }
}
