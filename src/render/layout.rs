//! The report laid out once for the terminal, Markdown and HTML (see [`super::doc`]): the
//! breakdown with its total, the unpriced usage, warnings, the projection, the accounting,
//! coverage and price-book lines. Money is printed exactly at one common scale per table, so the
//! printed rows add up to the printed total.

use super::doc::{Block, Column, Doc, TableBlock};
use super::Style;
use crate::money::{common_scale, count};
use crate::report::measures::{MeasureValue, MEASURES};
use crate::report::{Measures, Report};

/// The breakdown: the `--by` columns, the measures shown in tables, one row per group and the
/// total.
pub fn breakdown(r: &Report, style: Style) -> TableBlock {
    let scale = common_scale(
        r.rows
            .iter()
            .map(|row| &row.measures.cost_usd)
            .chain(std::iter::once(&r.total.cost_usd)),
    );
    let shown: Vec<_> = MEASURES
        .iter()
        .enumerate()
        .filter(|(i, m)| match style.columns {
            Some(mask) => mask & (1 << i) != 0,
            None => m.in_tables,
        })
        .map(|(_, m)| m)
        .collect();
    // To fit a narrow terminal, the least telling columns go first (never with --columns): a
    // measure that is zero in every row and a dimension with one value in every row (one
    // month) before any token column.
    let all_zero = |c: &crate::report::measures::MeasureColumn| {
        r.rows
            .iter()
            .map(|row| &row.measures)
            .chain([&r.total])
            .all(|m| matches!((c.get)(m), MeasureValue::Count(0)))
    };
    let rank = |c: &crate::report::measures::MeasureColumn| match (style.columns, c.name) {
        (Some(_), _) => 0,
        (None, "cost_usd") => 0,
        (None, _) if all_zero(c) => 10,
        (None, "cache_write_tokens") => 5,
        (None, "failed_requests") => 4,
        (None, "cache_read_tokens") => 3,
        (None, "uncached_input_tokens") => 2,
        (None, "output_tokens") => 1,
        _ => 0,
    };
    let constant = |i: usize| {
        r.rows.len() > 1
            && r.rows
                .iter()
                .all(|row| row.dims.get(i) == r.rows[0].dims.get(i))
    };
    let mut columns: Vec<Column> =
        r.by.iter()
            .enumerate()
            .map(|(i, d)| {
                let c = Column::text(d);
                if style.columns.is_none() && constant(i) {
                    c.droppable(9)
                } else {
                    c
                }
            })
            .collect();
    columns.extend(
        shown
            .iter()
            .map(|m| Column::number(m.title).droppable(rank(m))),
    );
    let measures = |m: &Measures| -> Vec<String> {
        shown
            .iter()
            .map(|c| match ((c.get)(m), c.name) {
                // Unpriced usage stands out in every table.
                (MeasureValue::Count(n), "unpriced_requests") if n > 0 => format!("! {}", count(n)),
                (MeasureValue::Count(n), _) => count(n),
                // A row whose every request is unpriced has no known cost (not $0).
                (MeasureValue::Money(_), _)
                    if m.requests > 0 && m.unpriced_requests == m.requests =>
                {
                    "unpriced".to_string()
                }
                (MeasureValue::Money(d), _) => style.money(d, scale),
            })
            .collect()
    };
    // Without `--by` dimensions the one group is the total: show it once.
    let groups: &[crate::report::Row] = if r.by.is_empty() { &[] } else { &r.rows };
    let time: Vec<usize> =
        r.by.iter()
            .enumerate()
            .filter(|(_, d)| *d == crate::report::MONTH || *d == crate::report::DAY)
            .map(|(i, _)| i)
            .collect();
    let mut rows = Vec::new();
    // Rows come sorted by period, then cost: --top keeps the first N of each period and sums
    // the rest into one row.
    let mut i = 0;
    while i < groups.len() {
        let period = |row: &crate::report::Row| -> Vec<Option<crate::text::shared::Text>> {
            time.iter().map(|&t| row.dims[t].clone()).collect()
        };
        let p = period(&groups[i]);
        let end = (i..groups.len())
            .find(|&j| period(&groups[j]) != p)
            .unwrap_or(groups.len());
        let keep = style.top.map_or(end - i, |n| n.min(end - i));
        for row in &groups[i..i + keep] {
            let mut cells: Vec<String> = row
                .dims
                .iter()
                .map(|d| d.as_deref().unwrap_or("-").to_string())
                .collect();
            cells.extend(measures(&row.measures));
            rows.push(cells);
        }
        if keep < end - i {
            let mut rest = Measures::default();
            for row in &groups[i + keep..end] {
                rest.merge(&row.measures);
            }
            let first_other = (0..r.by.len()).find(|d| !time.contains(d));
            let cells: Vec<String> = (0..r.by.len())
                .map(|d| {
                    if time.contains(&d) {
                        groups[i].dims[d].as_deref().unwrap_or_default().to_string()
                    } else if Some(d) == first_other {
                        format!("({} more)", end - i - keep)
                    } else {
                        String::new()
                    }
                })
                .chain(measures(&rest))
                .collect();
            rows.push(cells);
        }
        i = end;
    }
    let mut total: Vec<String> = vec![String::new(); r.by.len()];
    if let Some(first) = total.first_mut() {
        *first = "TOTAL".into();
    }
    total.extend(measures(&r.total));
    TableBlock {
        columns,
        rows,
        total: Some(total),
    }
}

/// The usage without a price, per provider, model and reason.
pub fn unpriced(r: &Report) -> Option<TableBlock> {
    if r.unpriced.is_empty() {
        return None;
    }
    Some(TableBlock {
        columns: vec![
            // To fit a terminal the cache columns go first, then input and output; what is
            // unpriced and why stay (csv and json have every column).
            Column::text("provider"),
            Column::text("model"),
            Column::number("requests"),
            Column::number("input (uncached)")
                .short("input")
                .droppable(2),
            Column::number("cache read").short("c.read").droppable(4),
            Column::number("cache write").short("c.write").droppable(5),
            Column::number("output tok").short("output").droppable(3),
            Column::text("reason"),
        ],
        rows: r
            .unpriced
            .iter()
            .map(|u| {
                vec![
                    u.provider.clone(),
                    u.model.clone(),
                    count(u.requests),
                    count(
                        u.input_tokens
                            .saturating_sub(u.cache_read_tokens)
                            .saturating_sub(u.cache_write_tokens),
                    ),
                    count(u.cache_read_tokens),
                    count(u.cache_write_tokens),
                    count(u.output_tokens),
                    u.reason.clone(),
                ]
            })
            .collect(),
        total: None,
    })
}

/// The lines under the tables: accounting, coverage and the price files.
pub fn footer(r: &Report, style: Style) -> Vec<Block> {
    let mut v: Vec<Block> = style
        .note()
        .map(|n| Block::Text(n.into()))
        .into_iter()
        .collect();
    v.extend([
        Block::Text(format!("accounting: {}", super::accounting_line(r))),
        Block::Text(format!("coverage: {}", super::coverage::line(r))),
    ]);
    for (overlay, label) in [(false, "price book"), (true, "price overlay")] {
        let files: Vec<_> = r
            .pricing
            .files
            .iter()
            .filter(|f| f.overlay == overlay)
            .collect();
        if files.is_empty() {
            continue;
        }
        // A few files are named; a whole book is one line with one fingerprint (the files and
        // their hashes are in the json output).
        if files.len() <= 3 {
            v.push(Block::List {
                label: label.into(),
                items: files
                    .iter()
                    .map(|f| {
                        format!(
                            "{} (sha256 {})",
                            f.path,
                            &f.sha256[..12.min(f.sha256.len())]
                        )
                    })
                    .collect(),
            });
        } else {
            let built_in = files.iter().all(|f| f.path.starts_with("embedded:"));
            v.push(Block::Text(format!(
                "{label}: {} ({} files, fingerprint {}; every file in the json output)",
                if built_in {
                    "built-in"
                } else {
                    "from --pricing"
                },
                files.len(),
                &r.pricing.fingerprint(overlay)[..12]
            )));
        }
    }
    if let (Some(c), Some(n)) = (&r.pricing.checked_at, &r.pricing.newest_price) {
        v.push(Block::Text(format!(
            "price book checked against its sources on {c}; newest price {n}"
        )));
    }
    v
}

/// The whole report for the terminal and Markdown.
pub fn document(r: &Report, style: Style) -> Doc {
    let mut d = Doc::default();
    d.push(Block::Title {
        title: "tokenledger cost report".into(),
        subtitle: super::period_line(r),
    });
    d.push(Block::Table(breakdown(r, style)));
    if let Some(u) = unpriced(r) {
        d.push(Block::Heading(
            "UNPRICED usage (not included in the cost above)".into(),
        ));
        d.push(Block::Table(u));
    }
    for note in &r.warnings {
        d.push(Block::Warning(note.clone()));
    }
    if let Some(f) = super::forecast_line(r, style) {
        d.push(Block::Strong(f));
    }
    d.blocks.extend(footer(r, style));
    d
}
