//! Charts drawn with plotters. Each chart is written once over any `DrawingBackend`, so the PNG
//! and SVG outputs come from the same code. Text uses the embedded DejaVu Sans (no system font is
//! needed); money is turned into f64 only to place pixels. Layer 4: charts are drawn from
//! results, never from files.

pub mod data;

use std::error::Error;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use data::{ChartData, Kind, Series};

/// The font every chart uses, registered once.
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The bytes are a valid TrueType font compiled into the binary.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, FONT_BYTES);
    });
}

/// A 20-colour palette (Tableau 20) for series; "other" is grey.
const PALETTE: [(u8, u8, u8); 20] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (219, 219, 141),
    (158, 218, 229),
    (57, 59, 121),
    (99, 121, 57),
];

/// The colour of a series: stable for a name across every chart and run (a hash of the name).
pub fn colour(name: &str) -> RGBColor {
    if name == data::OTHER {
        return RGBColor(160, 160, 160);
    }
    let (r, g, b) = PALETTE[slot(name)];
    RGBColor(r, g, b)
}

fn slot(name: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(name.as_bytes()) % PALETTE.len() as u64) as usize
}

/// Colours for the series of one chart: each name gets its hashed colour; when two names of
/// the same chart hash alike, the later one (in name order) takes the next free colour. The same
/// set of names always gets the same colours, so a model keeps its colour across a report's
/// charts.
pub fn colours(names: &[&str]) -> Vec<RGBColor> {
    let mut sorted: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| *n != data::OTHER)
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut used = [false; PALETTE.len()];
    let mut assigned = std::collections::HashMap::new();
    for n in sorted {
        let mut k = slot(n);
        for _ in 0..PALETTE.len() {
            if !used[k] {
                break;
            }
            k = (k + 1) % PALETTE.len();
        }
        used[k] = true;
        let (r, g, b) = PALETTE[k];
        assigned.insert(n, RGBColor(r, g, b));
    }
    names
        .iter()
        .map(|n| assigned.get(n).copied().unwrap_or_else(|| colour(n)))
        .collect()
}

/// `$0`, `$0.05`, `$12`, `$1.2k`, `$3.4M`: short currency labels for axes.
pub fn money_label(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    };
    format!(
        "${}",
        s.replace(".0k", "k")
            .replace(".0M", "M")
            .replace(".0B", "B")
    )
}

/// `1.2M` style token counts.
pub fn count_label(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max - 1).collect();
        format!("{t}…")
    }
}

/// Draws `chart` on any backend.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &ChartData,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    register_font();
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let title_size = (h as f64 * 0.045).clamp(14.0, 28.0);
    let root = root.titled(
        &chart.title,
        (FONT, title_size).into_font().style(FontStyle::Bold),
    )?;
    let label_size = (h as f64 * 0.028).clamp(10.0, 16.0);
    // Footnotes get their own strip at the bottom and the legend its own column, so neither
    // covers data.
    let notes_h = (chart.notes.len() as f64 * label_size * 1.3) as u32;
    let (body, notes_area) = root.split_vertically(root.dim_in_pixel().1.saturating_sub(notes_h));
    let legend_w = if chart.series.len() > 1 || chart.line.is_some() {
        (w as f64 * 0.24).clamp(140.0, 320.0) as u32
    } else {
        0
    };
    let (plot, legend) = body.split_horizontally(w.saturating_sub(legend_w));
    let n = chart.categories.len().max(1);
    let max = chart
        .stack_max()
        .max(chart.line_max())
        .max(f64::MIN_POSITIVE)
        * 1.08;
    let y_fmt = |v: &f64| {
        if chart.money {
            money_label(*v)
        } else {
            count_label(*v)
        }
    };
    let mut cc = ChartBuilder::on(&plot)
        .margin(12)
        .margin_right(36)
        .x_label_area_size((label_size * 3.2) as u32)
        .y_label_area_size((label_size * 4.5) as u32)
        // A segmented range 0..k has k + 1 segments: one per category.
        .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..max)?;
    let cats = &chart.categories;
    let x_fmt = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            cats.get(*i).map(|c| shorten(c, 14)).unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    cc.configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(((w.saturating_sub(legend_w)) / 70).max(2) as usize))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style((FONT, label_size))
        .axis_desc_style((FONT, label_size))
        .draw()?;
    // Stacked bars: one rectangle per series and category.
    let mut bottoms = vec![0f64; n];
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    let palette = colours(&names);
    for (s, c) in chart.series.iter().zip(palette.iter().copied()) {
        let style = if s.hatched {
            c.mix(0.3).filled()
        } else {
            c.filled()
        };
        cc.draw_series(
            s.values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0.0)
                .map(|(i, v)| {
                    let y0 = bottoms[i];
                    let y1 = y0 + v;
                    let mut r = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), y0),
                            (SegmentValue::Exact(i + 1), y1),
                        ],
                        style,
                    );
                    r.set_margin(0, 0, 3, 3);
                    r
                }),
        )?;
        for (i, v) in s.values.iter().enumerate() {
            bottoms[i] += v.max(0.0);
        }
    }
    if let Some(line) = &chart.line {
        // A running total restarts each month: one line per month on a daily axis.
        let mut start = 0;
        for i in 1..=line.values.len() {
            let month = |k: usize| cats.get(k).and_then(|c| c.get(..7));
            let boundary =
                i == line.values.len() || (chart.x_label == "day" && month(i) != month(i - 1));
            if boundary {
                cc.draw_series(LineSeries::new(
                    (start..i).map(|k| (SegmentValue::CenterOf(k), line.values[k])),
                    ShapeStyle::from(&BLACK).stroke_width(2),
                ))?;
                start = i;
            }
        }
    }
    for (i, note) in &chart.marks {
        let y = bottoms.get(*i).copied().unwrap_or(0.0);
        cc.draw_series(std::iter::once(Text::new(
            note.clone(),
            (SegmentValue::CenterOf(*i), y + max * 0.01),
            (FONT, label_size).into_font().color(&BLACK),
        )))?;
    }
    if legend_w > 0 {
        let row = (label_size * 1.6) as i32;
        let mut entries: Vec<(String, RGBColor, bool)> = chart
            .series
            .iter()
            .zip(palette.iter().copied())
            .rev()
            .map(|(s, c)| (s.name.clone(), c, false))
            .collect();
        if let Some(l) = &chart.line {
            entries.insert(0, (l.name.clone(), BLACK, true));
        }
        let max_rows = ((h as i32 - 60) / row).max(1) as usize;
        for (k, (name, c, is_line)) in entries.iter().take(max_rows).enumerate() {
            let y = 40 + k as i32 * row;
            if *is_line {
                legend.draw(&PathElement::new(
                    vec![(6, y + row / 3), (22, y + row / 3)],
                    ShapeStyle::from(&BLACK).stroke_width(2),
                ))?;
            } else {
                legend.draw(&Rectangle::new([(6, y), (20, y + row / 2 + 2)], c.filled()))?;
            }
            let chars = ((legend_w as f64 - 34.0) / (label_size * 0.6)) as usize;
            legend.draw(&Text::new(
                shorten(name, chars.max(6)),
                (28, y - 2),
                (FONT, label_size),
            ))?;
        }
        if entries.len() > max_rows {
            let y = 40 + max_rows as i32 * row;
            legend.draw(&Text::new(
                format!("+{} more", entries.len() - max_rows),
                (28, y),
                (FONT, label_size),
            ))?;
        }
    }
    for (k, note) in chart.notes.iter().enumerate() {
        notes_area.draw(&Text::new(
            note.clone(),
            (12, (k as f64 * label_size * 1.3) as i32),
            (FONT, label_size * 0.9),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// The image formats a chart file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    /// The format named by a file's extension (`.png`, `.svg`, any case).
    pub fn of(path: &std::path::Path) -> Option<ImageFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Some(ImageFormat::Png),
            Some("svg") => Some(ImageFormat::Svg),
            _ => None,
        }
    }
}

/// Writes a chart to `path` (`.png` or `.svg`).
pub fn write(
    path: &std::path::Path,
    chart: &ChartData,
    size: (u32, u32),
) -> Result<(), Box<dyn Error>> {
    match ImageFormat::of(path) {
        Some(ImageFormat::Png) => draw(BitMapBackend::new(path, size).into_drawing_area(), chart),
        Some(ImageFormat::Svg) => draw(SVGBackend::new(path, size).into_drawing_area(), chart),
        None => Err("a chart file must end in .png or .svg".into()),
    }
}

/// The chart as an SVG document in memory (for the HTML report).
pub fn svg_string(chart: &ChartData, size: (u32, u32)) -> Result<String, Box<dyn Error>> {
    let mut out = String::new();
    draw(
        SVGBackend::with_string(&mut out, size).into_drawing_area(),
        chart,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::data::{ChartData, Series};
    use super::*;
    use insta::assert_snapshot;

    #[test]
    fn money_labels_are_short() {
        assert_eq!(money_label(0.0), "$0");
        assert_eq!(money_label(0.05), "$0.05");
        assert_eq!(money_label(12.4), "$12");
        assert_eq!(money_label(1234.0), "$1.2k");
        assert_eq!(money_label(2000.0), "$2k");
        assert_eq!(money_label(3_400_000.0), "$3.4M");
    }

    #[test]
    fn colours_are_stable_per_name() {
        assert_eq!(colour("gpt-4o"), colour("gpt-4o"));
        assert_eq!(colour(data::OTHER), RGBColor(160, 160, 160));
        // 20 names get 20 different colours, whatever their hashes.
        let names: Vec<String> = (0..20).map(|i| format!("model-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let c = colours(&refs);
        let distinct: std::collections::HashSet<(u8, u8, u8)> =
            c.iter().map(|x| (x.0, x.1, x.2)).collect();
        assert_eq!(distinct.len(), 20);
        assert_eq!(colours(&refs), c, "stable");
    }

    /// The SVG of a hand-built chart (a layout snapshot: titles, legend, labels, marks, notes).
    #[test]
    fn chart_svg() {
        let chart = ChartData {
            title: "Spend by model (October 2026, UTC)".into(),
            x_label: "month".into(),
            y_label: "cost (USD)".into(),
            categories: vec!["2026-09".into(), "2026-10".into()],
            series: vec![
                Series {
                    name: "claude-sonnet-4-5".into(),
                    values: vec![10.0, 12.5],
                    hatched: false,
                },
                Series {
                    name: "other".into(),
                    values: vec![1.0, 3.25],
                    hatched: false,
                },
            ],
            line: None,
            money: true,
            marks: vec![(1, "actual".into())],
            notes: vec!["top 1 models by cost; the rest is \"other\"".into()],
        };
        let svg = svg_string(&chart, (800, 450)).expect("svg");
        assert_snapshot!(svg);
    }
}
