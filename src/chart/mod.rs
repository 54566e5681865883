//! Charts drawn with plotters. Each chart is written once over any `DrawingBackend`, so the PNG
//! and SVG outputs come from the same code. Text uses the embedded DejaVu Sans (no system font is
//! needed); money is turned into f64 only to place pixels. Layer 4: charts are drawn from
//! results, never from files.

pub mod data;

use std::error::Error;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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

/// The ticks of a value axis: `count` steps of `step` from 0 (the top is `count * step`, at or
/// above the largest value), labelled alike: one unit (none, k, M, B) and one number of decimals
/// for the whole axis, so labels never repeat or mix precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ticks {
    pub step: f64,
    pub count: usize,
    /// Divisor of the unit suffix (1, 1e3, 1e6, 1e9).
    unit: f64,
    decimals: usize,
}

impl Ticks {
    /// About `target` steps of a "nice" size (1, 2, 2.5 or 5 times a power of ten) up to `max`.
    pub fn new(max: f64, target: usize) -> Ticks {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        let raw = max / target.max(1) as f64;
        let mag = 10f64.powf(raw.log10().floor());
        let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .find(|n| raw <= n * mag * (1.0 + 1e-9))
            .unwrap_or(10.0);
        let step = nice * mag;
        let count = ((max / step) - 1e-9).ceil().max(1.0) as usize;
        let top = step * count as f64;
        // The largest unit the top is at least twice of, in which a step is at least 0.1.
        let unit = [1e9, 1e6, 1e3]
            .into_iter()
            .find(|d| top / d >= 2.0 && step / d >= 0.1)
            .unwrap_or(1.0);
        let scaled = step / unit;
        let mut decimals = if scaled >= 1.0 {
            0
        } else {
            (-scaled.log10()).ceil() as usize
        };
        // 2.5 x 10^k needs one digit more than its power of ten.
        if (scaled * 10f64.powi(decimals as i32)).fract().abs() > 1e-6 {
            decimals += 1;
        }
        Ticks {
            step,
            count,
            unit,
            decimals,
        }
    }
    pub fn top(&self) -> f64 {
        self.step * self.count as f64
    }
    /// The label of tick `k` (0 at the origin).
    pub fn label(&self, k: usize, money: bool) -> String {
        let v = self.step * k as f64 / self.unit;
        let suffix = match self.unit as u64 {
            1_000 => "k",
            1_000_000 => "M",
            1_000_000_000 => "B",
            _ => "",
        };
        let text = format!("{v:.*}", self.decimals);
        // Thousands separators in the integer part.
        let (int, frac) = text
            .split_once('.')
            .map_or((text.as_str(), ""), |(i, f)| (i, f));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let number = if frac.is_empty() {
            grouped
        } else {
            format!("{grouped}.{frac}")
        };
        format!("{}{number}{suffix}", if money { "$" } else { "" })
    }
}

/// Shortens a label to `max` characters, keeping its start and its end (`aws-bedrock/meta.l…v1:0`),
/// where the distinguishing parts of model ids are.
fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max || max < 5 {
        return s.to_string();
    }
    let tail = (max - 1) / 3;
    let head = max - 1 - tail;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Draws `chart` on any backend.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &ChartData,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let safe = chart.sanitized();
    let chart = &safe;
    register_font();
    root.fill(&WHITE)?;
    // Absolute pixel coordinates, for labels placed next to the plot.
    let canvas = root.use_screen_coord();
    let (w, h) = root.dim_in_pixel();
    let title_size = (h as f64 * 0.045).clamp(14.0, 28.0);
    let root = root.titled(
        &chart.title,
        (FONT, title_size).into_font().style(FontStyle::Bold),
    )?;
    let label_size = (h as f64 * 0.028).clamp(10.0, 16.0);
    let label_font = (FONT, label_size).into_font();
    // Footnotes get their own strip at the bottom and the legend its own column, so neither
    // covers data. Every chart with a named series has a legend, also with one series.
    let notes_h = (chart.notes.len() as f64 * label_size * 1.3) as u32;
    let (body, notes_area) = root.split_vertically(root.dim_in_pixel().1.saturating_sub(notes_h));
    let legend_w = if chart.series.is_empty() && chart.line.is_none() {
        0
    } else {
        (w as f64 * 0.24).clamp(140.0, 320.0) as u32
    };
    let (plot, legend) = body.split_horizontally(w.saturating_sub(legend_w));
    let n = chart.categories.len().max(1);
    // A line far above the bars (a month-to-date total over daily bars) gets its own axis on the
    // right, so the bars stay readable.
    let own_axis = chart.line.is_some() && chart.line_max() > 3.0 * chart.stack_max();
    let ticks = if own_axis {
        Ticks::new(chart.stack_max(), 6)
    } else {
        Ticks::new(chart.stack_max().max(chart.line_max()), 6)
    };
    let line_ticks = Ticks::new(chart.line_max(), 6);
    // Category labels: horizontal when they fit their slot (every k-th one on a long time
    // axis), else turned 90 degrees and shortened to a third of the plot's height.
    let right_axis = if own_axis { label_size * 6.5 } else { 0.0 };
    let plot_w = plot.dim_in_pixel().0 as f64 - label_size * 5.5 - 40.0 - right_axis;
    let slot = (plot_w / n as f64).max(1.0);
    let char_w = label_size * 0.6;
    let longest = chart
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1) as f64;
    let time_axis = matches!(chart.x_label.as_str(), "day" | "month");
    let vertical = !time_axis && longest * char_w > slot;
    let max_chars = if vertical {
        ((plot.dim_in_pixel().1 as f64 * 0.4) / char_w).max(8.0) as usize
    } else {
        longest as usize
    };
    let label_extent = if vertical {
        (max_chars.min(longest as usize) as f64 * char_w) + 8.0
    } else {
        label_size * 1.6
    };
    let label_px = if vertical {
        label_size * 1.3
    } else {
        longest * char_w + 10.0
    };
    let every = (label_px / slot).ceil().max(1.0) as usize;
    let mut cc = ChartBuilder::on(&plot)
        .margin(12)
        .margin_right(28 + right_axis as u32)
        .x_label_area_size((label_extent + label_size * 1.8) as u32)
        .y_label_area_size((label_size * 5.5) as u32)
        .build_cartesian_2d(0f64..n as f64, 0f64..ticks.top())?;
    let y_fmt = |v: &f64| {
        let k = (v / ticks.step).round() as usize;
        ticks.label(k, chart.money)
    };
    cc.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(0)
        .y_labels(ticks.count + 1)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style((FONT, label_size))
        .axis_desc_style((FONT, label_size))
        .draw()?;
    let spec = cc.as_coord_spec().clone();
    let at = |x: f64, y: f64| spec.translate(&(x, y));
    for (i, c) in chart.categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let (px, py) = at(i as f64 + 0.5, 0.0);
        let text = shorten(c, max_chars);
        if vertical {
            let style = TextStyle::from(label_font.clone().transform(FontTransform::Rotate90))
                .pos(Pos::new(HPos::Left, VPos::Center));
            canvas.draw(&Text::new(text, (px, py + 6), style))?;
        } else {
            let style = TextStyle::from(label_font.clone()).pos(Pos::new(HPos::Center, VPos::Top));
            canvas.draw(&Text::new(text, (px, py + 6), style))?;
        }
    }
    // Stacked bars: one rectangle per series and category.
    let mut bottoms = vec![0f64; n];
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    let palette = colours(&names);
    // Bars fill 70% of their slot (all of it when slots are a few pixels), and at most 160 px
    // (60 px a bar when grouped).
    let per_slot = if chart.grouped {
        (0..n)
            .map(|i| {
                chart
                    .series
                    .iter()
                    .filter(|s| s.values.get(i).is_some_and(|v| *v > 0.0))
                    .count()
            })
            .max()
            .unwrap_or(1)
            .max(1)
    } else {
        1
    };
    let half_px = if chart.grouped {
        30.0 * per_slot as f64 + 10.0
    } else {
        80.0
    };
    let gap = if slot >= 6.0 {
        (0.15f64).max(0.5 - half_px / slot)
    } else {
        0.0
    };
    if chart.grouped {
        // Side by side: each category shows its non-zero bars, evenly spaced.
        for (i, bottom) in bottoms.iter_mut().enumerate() {
            let bars: Vec<(usize, f64)> = chart
                .series
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.values.get(i).filter(|v| **v > 0.0).map(|v| (k, *v)))
                .collect();
            if bars.is_empty() {
                continue;
            }
            let width = (1.0 - 2.0 * gap) / bars.len() as f64;
            let start = i as f64 + gap;
            cc.draw_series(bars.iter().enumerate().map(|(j, (k, v))| {
                let x0 = start + j as f64 * width;
                Rectangle::new(
                    [(x0 + width * 0.08, 0.0), (x0 + width * 0.92, *v)],
                    palette[*k].filled(),
                )
            }))?;
            *bottom = bars.iter().map(|b| b.1).fold(0.0, f64::max);
        }
    } else {
        for (s, c) in chart.series.iter().zip(palette.iter().copied()) {
            let style = if s.hatched {
                c.mix(0.3).filled()
            } else {
                c.filled()
            };
            cc.draw_series(s.values.iter().enumerate().filter(|(_, v)| **v > 0.0).map(
                |(i, v)| {
                    let y0 = bottoms[i];
                    Rectangle::new(
                        [(i as f64 + gap, y0), (i as f64 + 1.0 - gap, y0 + v)],
                        style,
                    )
                },
            ))?;
            for (i, v) in s.values.iter().enumerate() {
                bottoms[i] += v.max(0.0);
            }
        }
    }
    if let Some(r) = &chart.reference {
        // A dash across each category at its reference value.
        for (i, v) in r.values.iter().enumerate() {
            let x0 = i as f64 + (gap - 0.05).max(0.0);
            let x1 = i as f64 + 1.0 - (gap - 0.05).max(0.0);
            cc.draw_series(std::iter::once(PathElement::new(
                vec![(x0, *v), (x1, *v)],
                ShapeStyle::from(&BLACK).stroke_width(3),
            )))?;
            if let Some(b) = bottoms.get_mut(i) {
                *b = b.max(*v);
            }
        }
    }
    for (i, note) in &chart.marks {
        let y = bottoms.get(*i).copied().unwrap_or(0.0);
        let (px, py) = at(*i as f64 + 0.5, y);
        canvas.draw(&Text::new(
            note.clone(),
            (px, py - 4),
            label_font
                .clone()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
    }
    if let Some(line) = &chart.line {
        // A running total restarts each month: one line per month on a daily axis; a single
        // point is drawn as a dot.
        let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut start = 0;
        for i in 1..=line.values.len() {
            let month = |k: usize| chart.categories.get(k).and_then(|c| c.get(..7));
            let boundary =
                i == line.values.len() || (chart.x_label == "day" && month(i) != month(i - 1));
            if boundary {
                segments.push(
                    (start..i)
                        .map(|k| (k as f64 + 0.5, line.values[k]))
                        .collect(),
                );
                start = i;
            }
        }
        let style = ShapeStyle::from(&BLACK).stroke_width(2);
        // On its own axis the line is scaled into the bars' coordinates and labelled on the
        // right by hand (plotters would repeat the left labels there).
        let scale = if own_axis {
            ticks.top() / line_ticks.top()
        } else {
            1.0
        };
        if own_axis {
            let right_style =
                TextStyle::from(label_font.clone()).pos(Pos::new(HPos::Left, VPos::Center));
            let (x_top, y_top) = at(n as f64, ticks.top());
            let (_, y_zero) = at(n as f64, 0.0);
            canvas.draw(&PathElement::new(
                vec![(x_top, y_top), (x_top, y_zero)],
                BLACK,
            ))?;
            for k in 0..=line_ticks.count {
                let (px, py) = at(n as f64, k as f64 * line_ticks.step * scale);
                canvas.draw(&PathElement::new(vec![(px, py), (px + 5, py)], BLACK))?;
                canvas.draw(&Text::new(
                    line_ticks.label(k, chart.money),
                    (px + 8, py),
                    right_style.clone(),
                ))?;
            }
        }
        for seg in segments {
            let seg: Vec<(f64, f64)> = seg.into_iter().map(|(x, y)| (x, y * scale)).collect();
            if seg.len() == 1 {
                cc.draw_series(seg.iter().map(|p| Circle::new(*p, 4, BLACK.filled())))?;
            } else {
                cc.draw_series(LineSeries::new(seg, style))?;
            }
        }
    }
    if legend_w > 0 {
        let row = (label_size * 1.6) as i32;
        let mut entries: Vec<(String, RGBColor, bool, bool)> = chart
            .series
            .iter()
            .zip(palette.iter().copied())
            .rev()
            .map(|(s, c)| (s.name.clone(), c, false, s.hatched))
            .collect();
        if let Some(r) = &chart.reference {
            entries.insert(0, (r.name.clone(), BLACK, true, false));
        }
        if let Some(l) = &chart.line {
            let name = if own_axis {
                format!("{} (right axis)", l.name)
            } else {
                l.name.clone()
            };
            entries.insert(0, (name, BLACK, true, false));
        }
        let max_rows = ((h as i32 - 60) / row).max(1) as usize;
        let chars = ((legend_w as f64 - 34.0) / char_w).max(6.0) as usize;
        for (k, (name, c, is_line, pale)) in entries.iter().take(max_rows).enumerate() {
            let y = 40 + k as i32 * row;
            if *is_line {
                legend.draw(&PathElement::new(
                    vec![(6, y + row / 3), (22, y + row / 3)],
                    ShapeStyle::from(&BLACK).stroke_width(2),
                ))?;
            } else {
                let fill = if *pale {
                    c.mix(0.3).filled()
                } else {
                    c.filled()
                };
                legend.draw(&Rectangle::new([(6, y), (20, y + row / 2 + 2)], fill))?;
            }
            legend.draw(&Text::new(
                shorten(name, chars),
                (28, y - 2),
                label_font.clone(),
            ))?;
        }
        if entries.len() > max_rows {
            let y = 40 + max_rows as i32 * row;
            legend.draw(&Text::new(
                format!("+{} more", entries.len() - max_rows),
                (28, y),
                label_font.clone(),
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
    canvas.present()?;
    Ok(())
}

/// The image formats a chart file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    /// The format named by a file's extension (`.png`, `.svg`, in any ASCII case).
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
    let Some(format) = ImageFormat::of(path) else {
        return Err("a chart file must end in .png or .svg".into());
    };
    // A device or FIFO is drawn into in place (it cannot be renamed over).
    if crate::output::atomic::special(path) {
        return match format {
            ImageFormat::Png => draw(BitMapBackend::new(path, size).into_drawing_area(), chart),
            ImageFormat::Svg => draw(SVGBackend::new(path, size).into_drawing_area(), chart),
        };
    }
    // Drawn under a temporary name in the same folder, then renamed: never half a picture
    // under the final name.
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("png");
    let tmp = crate::output::atomic::temp_file(path, &format!(".{ext}"))?.into_temp_path();
    match format {
        ImageFormat::Png => draw(BitMapBackend::new(&tmp, size).into_drawing_area(), chart)?,
        ImageFormat::Svg => draw(SVGBackend::new(&tmp, size).into_drawing_area(), chart)?,
    }
    crate::output::atomic::replace(tmp, path)?;
    Ok(())
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

    fn labels(max: f64, money: bool) -> Vec<String> {
        let t = Ticks::new(max, 6);
        (0..=t.count).map(|k| t.label(k, money)).collect()
    }

    #[test]
    fn axis_labels_are_distinct_and_alike() {
        // The cases the old per-value labels got wrong: repeats and mixed precision.
        assert_eq!(
            labels(0.047, true),
            ["$0.00", "$0.01", "$0.02", "$0.03", "$0.04", "$0.05"]
        );
        assert_eq!(
            labels(0.011, true),
            ["$0.000", "$0.002", "$0.004", "$0.006", "$0.008", "$0.010", "$0.012"]
        );
        assert_eq!(labels(16.0, true), ["$0", "$5", "$10", "$15", "$20"]);
        assert_eq!(
            labels(1250.0, true),
            ["$0", "$250", "$500", "$750", "$1,000", "$1,250"]
        );
        assert_eq!(labels(3_400_000.0, false), ["0M", "1M", "2M", "3M", "4M"]);
        assert_eq!(
            labels(0.0, true),
            ["$0.0", "$0.2", "$0.4", "$0.6", "$0.8", "$1.0"]
        );
        for max in [0.000_37, 0.9, 3.0, 99.0, 12_345.0, 7e9] {
            let l = labels(max, true);
            let distinct: std::collections::HashSet<&String> = l.iter().collect();
            assert_eq!(distinct.len(), l.len(), "{max}: {l:?}");
            let t = Ticks::new(max, 6);
            assert!(t.top() >= max && t.count <= 10, "{max}: {t:?}");
        }
    }

    #[test]
    fn long_labels_keep_both_ends() {
        assert_eq!(shorten("gpt-4o", 14), "gpt-4o");
        assert_eq!(
            shorten("aws-bedrock/meta.llama3-3-70b-instruct-v1:0", 20),
            "aws-bedrock/m…t-v1:0"
        );
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
            grouped: false,
            reference: None,
        };
        let svg = svg_string(&chart, (800, 450)).expect("svg");
        assert_snapshot!(svg);
    }
}
