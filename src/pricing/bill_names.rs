//! Which book model a bill's name for a model is: `bill-names.csv` (`provider,billed,model,
//! source`), beside `aliases.csv`. Bills name models their own way (AWS usage types
//! `Nova2.0Lite`, Marketplace products `Claude Sonnet 4.6`, Azure meters `gpt 4o mini 0718`,
//! Google SKUs `Gemini 2.5 Flash`), and those names are data, not code: a row maps one billed
//! name of a provider to a model id the book prices on that provider. Names are compared
//! without case, with spaces, `_` and `-` alike.
//!
//! A name the table does not list is tried as a book model id, and then through the book's
//! canonical names (`claude-sonnet-4-6` and `Claude Sonnet 4.6` are `claude-sonnet-4.6`); a
//! name none of these find stays unmapped, and the reconciliation says so.

use super::findings::{finding, Finding, Severity};
use super::rules::{get, rows_of};
use super::PriceBook;

/// The file name of the table in a pricing folder.
pub const BILL_NAMES_FILE: &str = "bill-names.csv";

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillName {
    pub provider: String,
    pub billed: String,
    pub model: String,
    pub source: Option<String>,
    /// Where the row is (`bill-names.csv:12`).
    pub at: String,
}

/// How a billed name was mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// A row of `bill-names.csv`.
    Table(BillName),
    /// The name is a model id of the book.
    ModelId,
    /// The name reduces to a canonical model the book prices on the provider.
    Canonical,
}

/// A billed name's book model: the model id (or canonical model) and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillModel {
    /// The join key: the book's canonical model when it has one, else the model id.
    pub key: String,
    /// A model id of the book on the provider, when one is known.
    pub model: Option<String>,
    pub how: Mapped,
}

impl Mapped {
    /// One line on how the mapping was made.
    pub fn explain(&self) -> String {
        match self {
            Mapped::Table(r) => format!(
                "{} maps {:?} on {} to {}{}",
                r.at,
                r.billed,
                r.provider,
                r.model,
                r.source
                    .as_deref()
                    .map(|s| format!(" (source: {s})"))
                    .unwrap_or_default()
            ),
            Mapped::ModelId => "the billed name is a model id of the book".into(),
            Mapped::Canonical => {
                "the billed name reduces to a canonical model of the book (lower case, spaces as dashes)".into()
            }
        }
    }
}

/// A name as the table compares it: lower case, runs of spaces, `_` and `-` as one `-`.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c == ' ' || c == '_' || c == '-' {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out.trim_matches('-').to_string()
}

/// Reads `bill-names.csv`.
pub fn parse(name: &str, bytes: &[u8], out: &mut Vec<BillName>, findings: &mut Vec<Finding>) {
    let required = ["provider", "billed", "model"];
    for (line, row) in rows_of(name, bytes, &required, findings) {
        if let Some(c) = required.iter().find(|c| get(&row, c).is_none()) {
            findings.push(finding(
                Severity::Error,
                name,
                line,
                Some(c),
                "missing value (required)".into(),
            ));
            continue;
        }
        let v = |c: &str| get(&row, c).unwrap_or_default().to_string();
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        out.push(BillName {
            provider: v("provider"),
            billed: v("billed"),
            model: v("model"),
            source: get(&row, "source").map(str::to_string),
            at: format!("{file}:{line}"),
        });
    }
}

impl PriceBook {
    /// The rows of `bill-names.csv`.
    pub fn bill_names(&self) -> &[BillName] {
        &self.bill_names
    }

    /// The book model a bill's `billed` name stands for on `provider` (see the module's
    /// comment), or `None`.
    pub fn bill_model(&self, provider: &str, billed: &str) -> Option<BillModel> {
        let folded = fold(billed);
        let key_of = |model: &str| {
            self.canonical_of(provider, model)
                .map(str::to_string)
                .unwrap_or_else(|| model.to_string())
        };
        if let Some(r) = self
            .bill_names
            .iter()
            .find(|r| r.provider == provider && fold(&r.billed) == folded)
        {
            let model = self.resolve_model(provider, &r.model).to_string();
            return Some(BillModel {
                key: key_of(&model),
                model: Some(model),
                how: Mapped::Table(r.clone()),
            });
        }
        let known = |m: &str| {
            self.rows()
                .iter()
                .any(|r| r.provider == provider && r.model == m)
        };
        let resolved = self.resolve_model(provider, &folded).to_string();
        if known(&resolved) {
            return Some(BillModel {
                key: key_of(&resolved),
                model: Some(resolved),
                how: Mapped::ModelId,
            });
        }
        // `claude-sonnet-4.6` or `claude-sonnet-4-6`: a canonical name of the provider's rows.
        let dotted = super::canonical::canonical(provider, &folded, &[]).unwrap_or(folded.clone());
        let row = self.rows().iter().find(|r| {
            r.provider == provider
                && r.canonical_model
                    .as_deref()
                    .is_some_and(|c| c == dotted || c == folded)
        })?;
        Some(BillModel {
            key: row.canonical_model.clone().unwrap_or_default(),
            model: Some(row.model.clone()),
            how: Mapped::Canonical,
        })
    }

    /// Warns about table rows whose model the book does not price on the provider.
    pub(super) fn check_bill_names(&self, findings: &mut Vec<Finding>) {
        for r in &self.bill_names {
            let model = self.resolve_model(&r.provider, &r.model);
            if !self
                .rows()
                .iter()
                .any(|x| x.provider == r.provider && x.model == model)
            {
                let (file, line) = r.at.split_once(':').unwrap_or((&r.at, "0"));
                findings.push(finding(
                    Severity::Warning,
                    file,
                    line.parse().unwrap_or(0),
                    Some("model"),
                    format!("{}/{} has no price row", r.provider, r.model),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_and_separators() {
        assert_eq!(fold("Claude Sonnet 4.6"), "claude-sonnet-4.6");
        assert_eq!(fold("gpt 4o  mini-0718"), "gpt-4o-mini-0718");
        assert_eq!(fold(" Gemini_2.5 Flash "), "gemini-2.5-flash");
    }

    #[test]
    fn the_shipped_book_maps_the_names_bills_use() {
        let book = PriceBook::embedded().unwrap();
        for (provider, billed, key) in [
            ("aws-bedrock", "Nova2.0Lite", "nova-2-lite"),
            ("aws-bedrock", "Claude Sonnet 4.6", "claude-sonnet-4.6"),
            ("aws-bedrock", "DeepSeek-R1", "deepseek-r1"),
            ("azure", "gpt 4o mini 0718", "gpt-4o-mini"),
            ("vertex-ai", "Gemini 2.5 Flash", "gemini-2.5-flash"),
            ("google", "gemini 2.5 flash", "gemini-2.5-flash"),
            ("openai", "gpt-4.1-2025-04-14", "gpt-4.1"),
            ("anthropic", "claude-sonnet-4-6", "claude-sonnet-4.6"),
        ] {
            let m = book
                .bill_model(provider, billed)
                .unwrap_or_else(|| panic!("{provider} {billed}"));
            assert_eq!(m.key, key, "{provider} {billed}: {:?}", m.how);
        }
        assert_eq!(book.bill_model("aws-bedrock", "NoSuchModel9"), None);
    }
}
