//! The terminal markup: tables drawn with comfy-table, numbers right-aligned, text from the logs
//! stripped of control characters. Given a width (a terminal's), a table that does not fit
//! leaves out its droppable columns (least useful first) and says so, then wraps text cells;
//! with colour, totals are bold and unpriced usage stands out.

use std::io::{self, Write};

use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table,
};

use super::doc::{Markup, TableBlock};
use crate::text::printable;

/// Plain text for a terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text {
    /// Fit tables to this many columns of characters.
    pub width: Option<usize>,
    /// Bold totals, unpriced usage in colour (ANSI escapes).
    pub color: bool,
}

/// How a table is drawn to fit: which columns are shown, whether short titles are used, and
/// the width at which a column's text cells are cut onto a second line.
#[derive(Debug, Clone)]
struct Fit {
    keep: Vec<bool>,
    short: bool,
    caps: Vec<Option<usize>>,
}

impl Text {
    fn draw(&self, t: &TableBlock, fit: &Fit) -> Table {
        let keep = &fit.keep;
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_header(
            t.columns
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| match (&c.short, fit.short) {
                    (Some(s), true) => s.clone(),
                    _ => c.title.clone(),
                }),
        );
        let total_row = t.rows.len();
        // The total's label moves to the first column shown when its own column is hidden.
        let total = t.total.as_ref().map(|row| {
            let mut row = row.clone();
            let label = row.iter().position(|c| !c.is_empty());
            let first_shown = keep.iter().position(|k| *k);
            if let (Some(l), Some(f)) = (label, first_shown) {
                if !keep[l] && l < f && row[f].is_empty() {
                    row.swap(l, f);
                }
            }
            row
        });
        for (i, row) in t.rows.iter().chain(total.iter()).enumerate() {
            table.add_row(
                row.iter()
                    .zip(&t.columns)
                    .zip(keep.iter().zip(&fit.caps))
                    .filter(|(_, (k, _))| **k)
                    .map(|((cell, col), (_, cap))| {
                        let text = printable(cell);
                        let text = match cap {
                            Some(cap) => two_lines(&text, *cap),
                            None => text.into_owned(),
                        };
                        let mut c = Cell::new(text);
                        if col.numeric {
                            c = c.set_alignment(CellAlignment::Right);
                        }
                        if self.color {
                            if i == total_row {
                                c = c.add_attribute(Attribute::Bold);
                            }
                            if cell.starts_with("! ") || cell == "unpriced" || cell == "unknown" {
                                c = c.fg(Color::Yellow);
                            }
                        }
                        c
                    }),
            );
        }
        table
    }
}

/// The widest line of a drawn table, in characters.
fn drawn_width(table: &Table) -> usize {
    table
        .lines()
        .map(|l| strip_ansi(&l).chars().count())
        .max()
        .unwrap_or(0)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` wrapped at spaces to `width` characters (a word longer than the width stays whole).
pub fn wrap_words(text: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|w| *w >= 20) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let mut len = 0;
        for word in line.split(' ') {
            let n = word.chars().count();
            if len > 0 && len + 1 + n > width {
                out.push('\n');
                len = 0;
            } else if len > 0 {
                out.push(' ');
                len += 1;
            }
            out.push_str(word);
            len += n;
        }
    }
    out
}

impl Text {
    /// Brings back the columns left out, the last left out (the most telling) first, while
    /// they fit `width` again: a less telling column never comes back while a more telling one
    /// stays out (`cache read` without `input (uncached)` would read as the whole input).
    fn refill(
        &self,
        t: &TableBlock,
        fit: &mut Fit,
        hidden: &mut Vec<usize>,
        table: &mut Table,
        width: usize,
    ) {
        while let Some(&last) = hidden.last() {
            let mut more = fit.clone();
            more.keep[last] = true;
            let drawn = self.draw(t, &more);
            if drawn_width(&drawn) > width {
                break;
            }
            *fit = more;
            *table = drawn;
            hidden.pop();
        }
    }

    /// `fit` with the widest text columns cut onto two lines, widest first, each only as much
    /// as the table is too wide, until the table fits `width`; `Err` (with every column cut)
    /// when two lines are not enough.
    fn squeeze(&self, t: &TableBlock, fit: &Fit, width: usize) -> Result<Fit, Fit> {
        let mut out = fit.clone();
        let widest = |i: usize| {
            t.rows
                .iter()
                .chain(t.total.iter())
                .filter_map(|r| r.get(i))
                .map(|c| printable(c).chars().count())
                .max()
                .unwrap_or(0)
        };
        // Columns of ids, not of sentences (the wrap after this handles those at spaces).
        let sentences = |i: usize| {
            t.rows
                .iter()
                .filter_map(|r| r.get(i))
                .max_by_key(|c| c.chars().count())
                .is_some_and(|c| c.contains(' '))
        };
        let mut text: Vec<(usize, usize)> = (0..t.columns.len())
            .filter(|&i| {
                fit.keep[i] && !t.columns[i].numeric && !t.columns[i].whole && !sentences(i)
            })
            .map(|i| (i, widest(i)))
            .collect();
        text.sort_by_key(|&(i, w)| (std::cmp::Reverse(w), i));
        for (i, w) in text {
            let over = drawn_width(&self.draw(t, &out)).saturating_sub(width);
            if over == 0 {
                break;
            }
            let title = t.columns[i].title.chars().count();
            // No narrower than the longest cell's best cut (an id cut after a separator
            // needs its longer part).
            let floor = t
                .rows
                .iter()
                .chain(t.total.iter())
                .filter_map(|r| r.get(i))
                .map(|c| narrowest_cut(&printable(c)))
                .max()
                .unwrap_or(0);
            let cap = w
                .saturating_sub(over)
                .max(w.div_ceil(2))
                .max(floor)
                .max(title)
                .max(1);
            if cap < w {
                out.caps[i] = Some(cap);
            }
        }
        if drawn_width(&self.draw(t, &out)) <= width {
            Ok(out)
        } else {
            Err(out)
        }
    }
}

/// The width `cell` needs on two lines cut where [`two_lines`] may cut it: the longer part of
/// its most even cut (its length when it has no cut).
fn narrowest_cut(cell: &str) -> usize {
    let chars: Vec<char> = cell.chars().collect();
    let len = chars.len();
    let prose = cell.contains(' ');
    (1..len)
        .filter(|&p| {
            chars[p] == ' ' || (!prose && matches!(chars[p - 1], '-' | '.' | '/' | ':' | '_' | '@'))
        })
        .map(|p| p.max(len - p - usize::from(chars[p] == ' ')))
        .min()
        .unwrap_or(len)
}

/// `cell` on at most two lines of at most `cap` characters: text with spaces cut at a space,
/// an id after a separator (`-`, `.`, `/`, `:`, `_`, `@`); a cell with no such cut, or longer
/// than two lines, stays whole.
pub fn two_lines(cell: &str, cap: usize) -> String {
    let chars: Vec<char> = cell.chars().collect();
    let len = chars.len();
    if len <= cap || len > 2 * cap || cell.contains('\n') {
        return cell.to_string();
    }
    // The cut is at character `p`: the first line is `chars[..p]`, the second the rest (a
    // space at the cut is dropped).
    let ok = |p: usize| p <= cap && len - p <= cap;
    // Text with spaces is cut at a space only; an id after a separator.
    let prose = cell.contains(' ');
    let at_separator = |p: usize| {
        chars[p] == ' ' || (!prose && matches!(chars[p - 1], '-' | '.' | '/' | ':' | '_' | '@'))
    };
    // The last separator that leaves a second line of a few characters (`…-v1:` over `0`
    // reads worse than `…-` over `v1:0`), else the last one; never inside a word.
    let Some(p) = (1..len.saturating_sub(3))
        .rev()
        .find(|&p| at_separator(p) && ok(p))
        .or_else(|| (1..len).rev().find(|&p| at_separator(p) && ok(p)))
    else {
        return cell.to_string();
    };
    let first: String = chars[..p].iter().collect();
    let rest: String = chars[p..].iter().collect();
    format!("{}\n{}", first.trim_end(), rest.trim_start())
}

impl Markup for Text {
    fn title(&self, title: &str, subtitle: &str, w: &mut dyn Write) -> io::Result<()> {
        let line = format!("{title}: {}", printable(subtitle));
        writeln!(w, "{}", wrap_words(&line, self.width))
    }
    fn heading(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "\n{}:", wrap_words(&printable(text), self.width))
    }
    fn text(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", wrap_words(&printable(text), self.width))
    }
    fn warning(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        let line = format!("WARNING: {}", printable(text));
        writeln!(w, "{}", wrap_words(&line, self.width))
    }
    fn strong(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", wrap_words(&printable(text), self.width))
    }
    fn table(&self, t: &TableBlock, w: &mut dyn Write) -> io::Result<()> {
        let n = t.columns.len();
        let mut fit = Fit {
            keep: vec![true; n],
            short: false,
            caps: vec![None; n],
        };
        let mut table = self.draw(t, &fit);
        let mut hidden: Vec<usize> = Vec::new();
        if let Some(width) = self.width {
            let fits = |table: &Table| drawn_width(table) <= width;
            let has_short = t.columns.iter().any(|c| c.short.is_some());
            // Columns go by rank (before a column marked `wrap_first` goes, short titles and
            // text cut onto a second line are tried), the columns left out that fit again come
            // back, then short titles (and columns they make room for), then text wraps.
            while !fits(&table) {
                let next = t
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| fit.keep[*i] && c.drop_rank > 0)
                    .max_by_key(|(i, c)| (c.drop_rank, *i))
                    .map(|(i, _)| i);
                let Some(i) = next else { break };
                if t.columns[i].wrap_first {
                    if has_short && !fit.short {
                        fit.short = true;
                        table = self.draw(t, &fit);
                        if fits(&table) {
                            break;
                        }
                    }
                    if let Ok(squeezed) = self.squeeze(t, &fit, width) {
                        fit = squeezed;
                        table = self.draw(t, &fit);
                        break;
                    }
                }
                fit.keep[i] = false;
                hidden.push(i);
                table = self.draw(t, &fit);
            }
            self.refill(t, &mut fit, &mut hidden, &mut table, width);
            if !fits(&table) && has_short && !fit.short {
                fit.short = true;
                table = self.draw(t, &fit);
                self.refill(t, &mut fit, &mut hidden, &mut table, width);
            }
            if !fits(&table) {
                // Ids cut after a separator read better than where the wrap below would cut
                // them, whether or not two lines are enough.
                let (Ok(squeezed) | Err(squeezed)) = self.squeeze(t, &fit, width);
                table = self.draw(t, &squeezed);
            }
            if !fits(&table) {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(width.min(u16::MAX as usize) as u16);
                // Text wraps; a number is never cut in two (the table may then be wider).
                let shown = t.columns.iter().zip(&fit.keep).filter(|(_, k)| **k);
                for (j, (c, _)) in shown.enumerate() {
                    if c.numeric {
                        if let Some(col) = table.column_mut(j) {
                            col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                        }
                    }
                }
            }
        }
        let hidden: Vec<String> = hidden.iter().map(|&i| t.columns[i].title.clone()).collect();
        writeln!(w, "{table}")?;
        if !hidden.is_empty() {
            let note = format!(
                "({} hidden to fit {} columns: {}; a wider terminal shows them, csv and json have them all)",
                if hidden.len() == 1 { "1 column" } else { "columns" },
                self.width.unwrap_or(0),
                hidden.join(", ")
            );
            writeln!(w, "{}", wrap_words(&note, self.width))?;
        }
        Ok(())
    }
    fn list(&self, label: &str, items: &[String], w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{label}: {}", printable(&items.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::doc::Column;

    fn table() -> TableBlock {
        TableBlock {
            columns: vec![
                Column::text("model"),
                Column::number("requests"),
                Column::number("cache write").droppable(2),
                Column::number("failed").droppable(1),
                Column::number("cost (USD)"),
            ],
            rows: vec![vec![
                "a-long-model-name".into(),
                "1,000".into(),
                "50,000".into(),
                "3".into(),
                "$1.25".into(),
            ]],
            total: Some(vec![
                "TOTAL".into(),
                "1,000".into(),
                "50,000".into(),
                "3".into(),
                "$1.25".into(),
            ]),
        }
    }

    fn out(t: Text) -> String {
        let mut v = Vec::new();
        t.table(&table(), &mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn numbers_are_never_wrapped_only_text() {
        let narrow = out(Text {
            width: Some(30),
            ..Text::default()
        });
        for n in ["1,000", "$1.25"] {
            assert!(narrow.contains(n), "{n} cut in\n{narrow}");
        }
    }

    #[test]
    fn a_narrow_terminal_drops_columns_by_rank_and_says_so() {
        let wide = out(Text::default());
        assert!(wide.contains("cache write") && wide.contains("failed"));
        let full = wide.lines().map(|l| l.chars().count()).max().unwrap();
        let narrow = out(Text {
            width: Some(full - 1),
            color: false,
        });
        let header = |t: &str| t.lines().nth(1).unwrap_or_default().to_string();
        assert!(!header(&narrow).contains("cache write"), "{narrow}");
        assert!(header(&narrow).contains("failed"), "{narrow}");
        assert!(narrow.contains("(1 column hidden to fit"), "{narrow}");
        for l in narrow.lines().filter(|l| l.starts_with('│')) {
            assert!(l.chars().count() < full, "{l}");
        }
        // Very narrow: both droppable columns go, then text wraps; nothing is wider.
        let tiny = out(Text {
            width: Some(40),
            color: false,
        });
        assert!(
            !header(&tiny).contains("failed") && !header(&tiny).contains("cache write"),
            "{tiny}"
        );
        assert!(tiny.contains("$1.25"), "{tiny}");
        for l in tiny
            .lines()
            .filter(|l| l.starts_with('│') || l.starts_with('┌'))
        {
            assert!(l.chars().count() <= 40, "{l}");
        }
    }

    #[test]
    fn two_lines_cut_after_a_separator_leaving_a_few_characters() {
        assert_eq!(
            two_lines("apac.amazon.nova-2-pro-preview-20251202-v1:0", 43),
            "apac.amazon.nova-2-pro-preview-20251202-\nv1:0"
        );
        assert_eq!(two_lines("llama-3.3-70b", 20), "llama-3.3-70b");
        // No cut inside a word.
        assert_eq!(two_lines("abcdefghij", 5), "abcdefghij");
        assert_eq!(
            two_lines("no price for the model", 12),
            "no price for\nthe model"
        );
        assert_eq!(two_lines("in the price-book", 12), "in the\nprice-book");
        assert_eq!(two_lines("no price for model", 12), "no price for\nmodel");
        // Longer than two lines of the cap: left whole (the caller never asks).
        assert_eq!(two_lines("abcdefghijk", 5), "abcdefghijk");
        for cap in 3..30 {
            let cell = "us.anthropic.claude-3-haiku-20240307-v1:0";
            let cut = two_lines(cell, cap);
            if cut != cell {
                assert_eq!(cut.replace('\n', ""), cell, "{cap}");
                assert!(
                    cut.lines().all(|l| l.chars().count() <= cap),
                    "{cap}: {cut}"
                );
            }
        }
    }

    fn listing() -> TableBlock {
        TableBlock {
            columns: vec![
                Column::text("model"),
                Column::number("in price").wrap_first(),
                Column::number("effective").droppable(3),
                Column::number("out price").droppable(2).wrap_first(),
                Column::number("batch").droppable(4),
            ],
            rows: vec![
                vec![
                    "us.anthropic.claude-3-haiku-20240307-v1:0".into(),
                    "0.25".into(),
                    "2024-03-07".into(),
                    "1.25".into(),
                    "0.125".into(),
                ],
                vec![
                    "gpt-4o".into(),
                    "2.5".into(),
                    "2024-05-13".into(),
                    "10".into(),
                    "1.25".into(),
                ],
            ],
            total: None,
        }
    }

    fn draw(t: &TableBlock, width: usize) -> String {
        let mut v = Vec::new();
        Text {
            width: Some(width),
            color: false,
        }
        .table(t, &mut v)
        .unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn a_wrap_first_column_stays_while_the_text_wraps_instead() {
        // The long id needs 41 characters: at 60 the columns go by rank until the output
        // price is next, then the id wraps onto two lines and the price stays.
        let t = listing();
        let out = draw(&t, 50);
        let header = out.lines().nth(1).unwrap();
        assert!(
            header.contains("out price") && header.contains("in price"),
            "{out}"
        );
        assert!(!header.contains("batch"), "{out}");
        assert!(out.contains("│ us.anthropic.claude-3- "), "{out}");
        assert!(out.contains("│ haiku-20240307-v1:0 "), "{out}");
        for l in out.lines().filter(|l| l.starts_with(['│', '┌'])) {
            assert!(l.chars().count() <= 50, "{l}");
        }
        // Without the mark the output price went, and the id stayed on one line.
        let mut plain = listing();
        plain.columns[3].wrap_first = false;
        let out = draw(&plain, 50);
        assert!(!out.lines().nth(1).unwrap().contains("out price"), "{out}");
    }

    #[test]
    fn a_less_telling_column_never_shows_while_a_more_telling_one_is_hidden() {
        // The batch column (rank 4) goes first, then `effective` (3). The narrower batch
        // column would fit beside the rest once `effective` is out, but it stays out: a table
        // showing `cache read` without `input (uncached)` reads as if cache reads were all.
        let t = listing();
        let full = draw(&t, 200);
        let width = full.lines().map(|l| l.chars().count()).max().unwrap();
        let out = draw(&t, width - 10);
        let header = out.lines().nth(1).unwrap();
        assert!(!header.contains("effective"), "{out}");
        assert!(!header.contains("batch"), "{out}");
        assert!(out.contains(": batch, effective;"), "{out}");
        // Where the more telling one fits, it is the one shown.
        let out = draw(&t, width - 8);
        let header = out.lines().nth(1).unwrap();
        assert!(
            header.contains("effective") && !header.contains("batch"),
            "{out}"
        );
    }

    #[test]
    fn the_total_keeps_its_label_when_its_column_is_hidden() {
        let t = TableBlock {
            columns: vec![
                Column::text("month").droppable(9),
                Column::text("model"),
                Column::number("cost"),
            ],
            rows: vec![
                vec!["2025-06".into(), "gpt-4o".into(), "$1.00".into()],
                vec!["2025-06".into(), "o3".into(), "$2.00".into()],
            ],
            total: Some(vec!["TOTAL".into(), String::new(), "$3.00".into()]),
        };
        let out = draw(&t, 22);
        assert!(!out.lines().nth(1).unwrap().contains("month"), "{out}");
        assert!(out.contains("│ TOTAL "), "{out}");
    }

    #[test]
    fn short_titles_come_before_text_wraps() {
        // Both droppable columns (14 and 9 characters) out leave the table 3 characters too
        // wide: the short titles save 8, so the model name stays on one line.
        let mut t = table();
        t.columns[4] = Column::number("cost (USD)").short("cost");
        t.columns[1] = Column::number("requests").short("req");
        let full = out(Text::default())
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        let mut v = Vec::new();
        Text {
            width: Some(full - 26),
            color: false,
        }
        .table(&t, &mut v)
        .unwrap();
        let narrow = String::from_utf8(v).unwrap();
        let header = narrow.lines().nth(1).unwrap();
        assert!(
            header.contains("┆ cost ") && header.contains("┆ req "),
            "{narrow}"
        );
        assert!(
            !header.contains("USD") && !header.contains("failed"),
            "{narrow}"
        );
        assert!(narrow.contains("│ a-long-model-name "), "{narrow}");
        // Where dropping columns is enough, the full titles stay.
        let mut v = Vec::new();
        Text {
            width: Some(full - 20),
            color: false,
        }
        .table(&t, &mut v)
        .unwrap();
        let wider = String::from_utf8(v).unwrap();
        assert!(wider.contains("cost (USD)"), "{wider}");
    }

    #[test]
    fn colour_is_only_there_when_asked_for() {
        assert!(!out(Text::default()).contains('\u{1b}'));
        let c = out(Text {
            width: None,
            color: true,
        });
        assert!(c.contains("\u{1b}["), "{c:?}");
    }
}
