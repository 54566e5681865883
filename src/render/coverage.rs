//! `prices coverage`: the share of requests and tokens each tier of the book prices, and the
//! unpriced models ranked by tokens.

use std::io::{self, Write};

use super::doc::{Block, Column, Doc, Markup, TableBlock};
use super::grid::Grid;
use super::Format;
use crate::money::count;
use crate::report::{Report, Share};

/// `part` of `whole` as a percentage with one decimal (`-` for an empty whole). Some that
/// rounds to nothing is `<0.1%`, and short of all that rounds to all `>99.9%`: one unpriced
/// request of thousands is not "0.0%".
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    let tenths = (part as u128 * 1000 + whole as u128 / 2) / whole as u128;
    if tenths == 0 && part > 0 {
        return "<0.1%".into();
    }
    if tenths == 1000 && part < whole {
        return ">99.9%".into();
    }
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// "priced by curated rows 92.1%, generated 7.4%, unpriced 0.5% of 1,234 tokens".
pub fn line(r: &Report) -> String {
    let c = &r.coverage;
    let tokens = c.overlay.tokens + c.curated.tokens + c.generated.tokens + c.unpriced.tokens;
    if tokens == 0 {
        return format!("no tokens to price ({} requests)", count(c.requests()));
    }
    let mut parts = Vec::new();
    if c.overlay.tokens > 0 {
        parts.push(format!("overlay {}", percent(c.overlay.tokens, tokens)));
    }
    parts.push(format!(
        "curated rows {}",
        percent(c.curated.tokens, tokens)
    ));
    parts.push(format!("generated {}", percent(c.generated.tokens, tokens)));
    parts.push(format!("unpriced {}", percent(c.unpriced.tokens, tokens)));
    format!("priced by {} of {} tokens", parts.join(", "), count(tokens))
}

pub fn render(r: &Report, format: Format, w: &mut dyn Write) -> io::Result<()> {
    let c = &r.coverage;
    let rows: [(&str, Share); 4] = [
        ("overlay", c.overlay),
        ("curated", c.curated),
        ("generated", c.generated),
        ("unpriced", c.unpriced),
    ];
    let requests = c.requests();
    let tokens: u64 = rows.iter().map(|(_, s)| s.tokens).sum();
    // Thousands separators for people; plain integers for csv and json.
    let n = |v: u64| match format {
        Format::Table | Format::Markdown => crate::money::count(v),
        _ => v.to_string(),
    };
    let mut g = Grid::new(&["tier", "requests", "requests_pct", "tokens", "tokens_pct"]);
    for (name, s) in rows {
        g.rows.push(vec![
            name.into(),
            n(s.requests),
            percent(s.requests, requests),
            n(s.tokens),
            percent(s.tokens, tokens),
        ]);
    }
    let mut unpriced: Vec<_> = r.unpriced.iter().collect();
    unpriced.sort_by(|a, b| {
        (b.input_tokens + b.output_tokens)
            .cmp(&(a.input_tokens + a.output_tokens))
            .then((&a.provider, &a.model).cmp(&(&b.provider, &b.model)))
    });
    let mut u = Grid::new(&["provider", "model", "reason", "requests", "tokens"]);
    for x in &unpriced {
        u.rows.push(vec![
            x.provider.clone(),
            x.model.clone(),
            x.reason.clone(),
            n(x.requests),
            n(x.input_tokens + x.output_tokens),
        ]);
    }
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "coverage": c,
                "unpriced": unpriced,
                "accounting": r.accounting,
            });
            serde_json::to_writer_pretty(&mut *w, &v)?;
            writeln!(w)
        }
        Format::Csv => g.render(Format::Csv, &[], w),
        _ => {
            let to_block = |g: &Grid| {
                Block::Table(TableBlock {
                    columns: g
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            if i == 0 || c == "provider" || c == "model" || c == "reason" {
                                Column::text(c)
                            } else {
                                Column::number(c)
                            }
                        })
                        .collect(),
                    rows: g.rows.clone(),
                    total: None,
                })
            };
            let mut d = Doc::default();
            d.push(Block::Title {
                title: "tokenledger price coverage".into(),
                subtitle: line(r),
            });
            d.push(to_block(&g));
            if unpriced.is_empty() {
                d.push(Block::Text("every request is priced".into()));
            } else {
                d.push(Block::Heading("unpriced models, most tokens first".into()));
                d.push(to_block(&u));
            }
            match format {
                Format::Markdown => super::markdown::Markdown.write(&d, w),
                _ => super::table::Text::default().write(&d, w),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_rounds_half_up_to_tenths() {
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(0, 5), "0.0%");
        assert_eq!(percent(5, 5), "100.0%");
        assert_eq!(percent(1, 0), "-");
        assert_eq!(percent(u64::MAX, u64::MAX), "100.0%");
        assert_eq!(percent(1, 5_290), "<0.1%");
        assert_eq!(percent(5_289, 5_290), ">99.9%");
    }
}
