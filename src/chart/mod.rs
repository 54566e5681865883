//! Charts drawn with plotters. Each chart is written once over any `DrawingBackend`, so the PNG
//! and SVG outputs come from the same code. Text uses the embedded DejaVu Sans (no system font is
//! needed); money is turned into f64 only to place pixels. Layer 4: charts are drawn from
//! results, never from files.

pub mod build;
pub mod data;
pub mod file;
mod legend;
pub mod reconcile;
pub mod style;

use std::error::Error;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use build::chart_data;
pub use data::{ChartData, Kind, Series};
pub use file::{svg_string, write, ImageFormat};
pub use style::{colour, colours, Ticks};

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
    // The title clears the top edge and fits the width with a margin on each side: its font
    // shrinks to fit (down to 10 px), then the text is shortened.
    let mut title_size = (h as f64 * 0.045).clamp(14.0, 28.0);
    let room = w.saturating_sub(32) as f64;
    let title_w = |size: f64| {
        root.estimate_text_size(&chart.title, &TextStyle::from((FONT, size).into_font()))
            .map_or(0.0, |(tw, _)| tw as f64)
    };
    while title_size > 10.0 && title_w(title_size) > room {
        title_size -= 1.0;
    }
    let title = if title_w(title_size) > room {
        style::shorten(&chart.title, (room / (title_size * 0.6)) as usize)
    } else {
        chart.title.clone()
    };
    let root = root.margin(8, 0, 0, 0).titled(
        &title,
        (FONT, title_size).into_font().style(FontStyle::Bold),
    )?;
    let label_size = (h as f64 * 0.028).clamp(10.0, 16.0);
    let label_font = (FONT, label_size).into_font();
    // Footnotes get their own strip at the bottom and the legend its own column, so neither
    // covers data. Every chart with a named series has a legend, also with one series.
    // Notes wrap at the chart's width; a chart with marks keeps a line for the marks that
    // find no room.
    let note_chars = ((w as f64 - 24.0) / (label_size * 0.9 * 0.62)) as usize;
    let mut notes: Vec<String> = chart
        .notes
        .iter()
        .flat_map(|n| {
            crate::render::table::wrap_words(n, Some(note_chars))
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let note_rows = notes.len() + usize::from(!chart.marks.is_empty());
    let notes_h = (note_rows as f64 * label_size * 1.3) as u32;
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
    // Marks above the bars get room: up to three rows of text over the highest bar.
    let headroom = if chart.marks.is_empty() { 1.0 } else { 1.15 };
    let ticks = if own_axis {
        Ticks::new(chart.stack_max() * headroom, 6)
    } else {
        Ticks::new(chart.stack_max().max(chart.line_max()) * headroom, 6)
    };
    let line_ticks = Ticks::new(chart.line_max(), 6);
    // Category labels: horizontal when they fit their slot (every k-th one on a long time
    // axis), else turned 90 degrees and shortened to a third of the plot's height.
    let right_axis = if own_axis { label_size * 6.5 } else { 0.0 };
    let plot_w = plot.dim_in_pixel().0 as f64 - label_size * 5.5 - 40.0 - right_axis;
    let slot = (plot_w / n as f64).max(1.0);
    let longest_label = chart
        .categories
        .iter()
        .max_by_key(|c| c.chars().count())
        .map_or("", String::as_str);
    let longest = longest_label.chars().count().max(1) as f64;
    // A character's width as the font draws the longest label (0.6 of the size when nothing
    // can be measured), so labels are cut only where they do not fit.
    let char_w = root
        .estimate_text_size(longest_label, &TextStyle::from(label_font.clone()))
        .ok()
        .map(|(tw, _)| tw as f64 / longest)
        .filter(|w| *w >= label_size * 0.3)
        .unwrap_or(label_size * 0.6);
    let time_axis = matches!(chart.x_label.as_str(), "day" | "month");
    // A label too wide for its slot goes on two lines when every label fits that way (a
    // break at " @ ", "/" or a space: `model @ provider`), else it is turned 90 degrees.
    let fit = ((slot - 8.0) / char_w).max(0.0) as usize;
    let two_lines: Option<Vec<(String, String)>> = (!time_axis && longest * char_w > slot)
        .then(|| {
            chart
                .categories
                .iter()
                .map(|c| style::two_lines(c, fit))
                .collect()
        })
        .flatten();
    let vertical = !time_axis && longest * char_w > slot && two_lines.is_none();
    let max_chars = if vertical {
        ((plot.dim_in_pixel().1 as f64 * 0.4) / char_w).max(8.0) as usize
    } else {
        longest as usize
    };
    // Turned labels too long for the room go on two turned lines side by side when every one
    // fits so and the slot is wide enough (`model` / `@ provider`), else they are shortened.
    let turned_two: Option<Vec<(String, String)>> =
        (vertical && longest as usize > max_chars && slot >= label_size * 2.8)
            .then(|| {
                chart
                    .categories
                    .iter()
                    .map(|c| {
                        if c.chars().count() <= max_chars {
                            Some((c.clone(), String::new()))
                        } else {
                            style::two_lines_at_any_joint(c, max_chars)
                        }
                    })
                    .collect()
            })
            .flatten();
    let turned_len = turned_two.as_ref().map(|l| {
        l.iter()
            .map(|(a, b)| a.chars().count().max(b.chars().count()))
            .max()
            .unwrap_or(0)
    });
    let label_extent = if let Some(len) = turned_len {
        len as f64 * char_w + 8.0
    } else if vertical {
        (max_chars.min(longest as usize) as f64 * char_w) + 8.0
    } else if two_lines.is_some() {
        label_size * 2.9
    } else {
        label_size * 1.6
    };
    let label_px = if vertical {
        label_size * 1.3
    } else if two_lines.is_some() {
        slot
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
    let labels = style::shorten_all(&chart.categories, max_chars);
    for (i, text) in labels.into_iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let (px, py) = at(i as f64 + 0.5, 0.0);
        if let Some((first, second)) = two_lines.as_ref().and_then(|l| l.get(i)) {
            let style = TextStyle::from(label_font.clone()).pos(Pos::new(HPos::Center, VPos::Top));
            canvas.draw(&Text::new(first.clone(), (px, py + 6), style.clone()))?;
            let below = py + 6 + (label_size * 1.25) as i32;
            canvas.draw(&Text::new(second.clone(), (px, below), style))?;
            continue;
        }
        if let Some((first, second)) = turned_two.as_ref().and_then(|l| l.get(i)) {
            let style = TextStyle::from(label_font.clone().transform(FontTransform::Rotate90))
                .pos(Pos::new(HPos::Left, VPos::Center));
            if second.is_empty() {
                canvas.draw(&Text::new(first.clone(), (px, py + 6), style))?;
            } else {
                // Turned 90 degrees clockwise, the first line reads on the right.
                let half = (label_size * 0.65) as i32;
                canvas.draw(&Text::new(
                    first.clone(),
                    (px + half, py + 6),
                    style.clone(),
                ))?;
                canvas.draw(&Text::new(second.clone(), (px - half, py + 6), style))?;
            }
            continue;
        }
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
    // The centre of each drawn bar of a grouped chart, by (category, series).
    let mut centres: std::collections::HashMap<(usize, usize), f64> = Default::default();
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
            for (j, (k, _)) in bars.iter().enumerate() {
                centres.insert((i, *k), start + (j as f64 + 0.5) * width);
            }
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
    // Marks above their bar (or their category), lifted where they would print over each
    // other; the ones that matter most are placed first, and a mark with no room is left out
    // (and counted in a note).
    let mut placed: Vec<(bool, i32, i32, &str)> = chart
        .marks
        .iter()
        .map(|m| {
            let x = m
                .series
                .and_then(|k| centres.get(&(m.at, k)).copied())
                .unwrap_or(m.at as f64 + 0.5);
            let y = bottoms.get(m.at).copied().unwrap_or(0.0);
            let (px, py) = at(x, y);
            (!m.first, px, py - 4, m.text.as_str())
        })
        .collect();
    placed.sort_by_key(|p| (p.0, p.1));
    // A mark's text stays inside the plot (over the axis it read as a tick label): its centre
    // moves in from the edges, the line down to the bar keeps the bar's place.
    let (left, right) = (at(0.0, 0.0).0 as f64, at(n as f64, 0.0).0 as f64);
    let boxes: Vec<(f64, f64, f64, i32)> = placed
        .iter()
        .map(|(_, px, py, text)| {
            // As wide as the font draws it (a guess per character let marks touch).
            let drawn = root
                .estimate_text_size(text, &TextStyle::from(label_font.clone()))
                .map_or(text.chars().count() as f64 * char_w, |(tw, _)| tw as f64);
            let half = drawn * 1.1 / 2.0 + 2.0;
            let x = (*px as f64).min(right - half).max(left + half);
            (x - half, x + half, *py as f64, x as i32)
        })
        .collect();
    let centres_x: Vec<i32> = boxes.iter().map(|b| b.3).collect();
    let boxes: Vec<(f64, f64, f64)> = boxes.iter().map(|b| (b.0, b.1, b.2)).collect();
    let lifts = style::place_marks(&boxes, label_size * 1.2, 4, label_size * 0.3);
    let mut left_out = 0;
    for (((_, px, py, text), lift), tx) in placed.into_iter().zip(lifts).zip(centres_x) {
        let Some(lift) = lift else {
            left_out += 1;
            continue;
        };
        if lift > 0.0 || tx != px {
            // A lifted mark keeps a thin line down to its bar.
            canvas.draw(&PathElement::new(
                vec![(px, py + 2), (px, py - lift as i32)],
                ShapeStyle::from(&RGBColor(120, 120, 120)).stroke_width(1),
            ))?;
        }
        canvas.draw(&Text::new(
            text.to_string(),
            (tx, py - lift as i32),
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
        let mut entries: Vec<legend::Entry> = chart
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
        let chars = ((legend_w as f64 - 34.0) / char_w).max(6.0) as usize;
        legend::draw(&legend, &entries, chars, &label_font, label_size, h as i32)?;
    }
    if left_out > 0 {
        notes.push(format!(
            "{left_out} of the marks above the bars found no room (a wider chart shows them)"
        ));
    }
    for (k, note) in notes.iter().enumerate() {
        notes_area.draw(&Text::new(
            note.clone(),
            (12, (k as f64 * label_size * 1.3) as i32),
            (FONT, label_size * 0.9),
        ))?;
    }
    canvas.present()?;
    Ok(())
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
    fn labels_that_the_cut_makes_alike_are_cut_elsewhere() {
        let labels: Vec<String> = [
            "aws-bedrock/meta.llama3-3-70b-instruct-v1:0",
            "aws-bedrock/meta.llama3-1-70b-instruct-v1:0",
            "gpt-4o",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // The usual cut made both Llamas "aws-bedrock/m…t-v1:0".
        assert_eq!(
            style::shorten(&labels[0], 20),
            style::shorten(&labels[1], 20)
        );
        let short = style::shorten_all(&labels, 20);
        assert_ne!(short[0], short[1], "{short:?}");
        assert!(short.iter().all(|s| s.chars().count() <= 20), "{short:?}");
        assert_eq!(short[2], "gpt-4o");
    }

    #[test]
    fn long_labels_keep_both_ends() {
        assert_eq!(style::shorten("gpt-4o", 14), "gpt-4o");
        assert_eq!(
            style::shorten("aws-bedrock/meta.llama3-3-70b-instruct-v1:0", 20),
            "aws-bedrock/m…t-v1:0"
        );
    }

    #[test]
    fn wide_labels_break_at_their_joints() {
        assert_eq!(
            style::two_lines("claude-opus-4.6 @ anthropic", 18),
            Some(("claude-opus-4.6".to_string(), "@ anthropic".to_string()))
        );
        assert_eq!(
            style::two_lines("anthropic/claude-haiku-4-5-20251001", 26),
            Some((
                "anthropic/".to_string(),
                "claude-haiku-4-5-20251001".to_string()
            ))
        );
        // No break that fits both halves: none (the label is turned instead).
        assert_eq!(style::two_lines("claude-haiku-4-5-20251001", 12), None);
        assert_eq!(style::two_lines("a @ b", 0), None);
    }

    /// Two marks over neighbouring bars of one height would print over each other: the second
    /// is lifted one row; with no row to spare it is left out; marks apart stay on their bars.
    #[test]
    fn long_ids_break_at_any_joint_on_two_lines() {
        let id = "aws-bedrock/us.meta.llama3-3-70b-instruct-v1:0";
        assert_eq!(
            style::two_lines_at_any_joint(id, 26),
            Some((
                "aws-bedrock/us.meta.".into(),
                "llama3-3-70b-instruct-v1:0".into()
            ))
        );
        // The usual breaks come first.
        assert_eq!(
            style::two_lines_at_any_joint("claude-opus-4.6 @ anthropic", 20),
            Some(("claude-opus-4.6".into(), "@ anthropic".into()))
        );
        assert_eq!(style::two_lines_at_any_joint(id, 20), None);
    }

    #[test]
    fn marks_never_print_over_each_other() {
        let lowest = (0.0, 100.0, 300.0);
        let next = (60.0, 160.0, 300.0);
        assert_eq!(
            style::place_marks(&[lowest, next], 20.0, 4, 2.0),
            vec![Some(0.0), Some(20.0)]
        );
        assert_eq!(
            style::place_marks(&[lowest, next], 20.0, 1, 2.0),
            vec![Some(0.0), None]
        );
        assert_eq!(
            style::place_marks(&[lowest, (110.0, 200.0, 300.0)], 20.0, 4, 2.0),
            vec![Some(0.0), Some(0.0)]
        );
        // A mark over a lower bar whose text would reach the first one's is lifted past it.
        let low_bar = (60.0, 160.0, 310.0);
        let lifts = style::place_marks(&[lowest, low_bar], 20.0, 4, 2.0);
        assert_eq!(lifts, vec![Some(0.0), Some(40.0)]);
        // Three in a row: each clears both others.
        let third = (120.0, 220.0, 300.0);
        assert_eq!(
            style::place_marks(&[lowest, next, third], 20.0, 4, 2.0),
            vec![Some(0.0), Some(20.0), Some(0.0)]
        );
    }

    /// Up to ten series get ten different hues (no dark and pale blue in one chart); twenty get
    /// twenty colours and no two neighbours share a hue.
    #[test]
    fn neighbours_get_distinct_hues() {
        let hue = |c: &RGBColor| {
            style::PALETTE_FAMILIES
                .iter()
                .position(|f| f.contains(&(c.0, c.1, c.2)))
                .expect("a palette colour")
        };
        for n in 2..=10 {
            let names: Vec<String> = (0..n).map(|i| format!("llama-{i}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let hues: std::collections::HashSet<usize> = colours(&refs).iter().map(hue).collect();
            assert_eq!(hues.len(), n, "{n} series");
        }
        for seed in 0..20 {
            let names: Vec<String> = (0..20).map(|i| format!("m{seed}-{i}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let c = colours(&refs);
            let distinct: std::collections::HashSet<(u8, u8, u8)> =
                c.iter().map(|x| (x.0, x.1, x.2)).collect();
            assert_eq!(distinct.len(), 20);
            for pair in c.windows(2) {
                assert_ne!(hue(&pair[0]), hue(&pair[1]), "neighbours {seed}: {pair:?}");
            }
        }
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
            marks: vec![data::Mark {
                at: 1,
                text: "actual".into(),
                series: None,
                first: false,
            }],
            notes: vec!["top 1 models by cost; the rest is \"other\"".into()],
            grouped: false,
            reference: None,
        };
        let svg = svg_string(&chart, (800, 450)).expect("svg");
        assert_snapshot!(svg);
    }
}
