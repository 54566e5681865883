//! The legend column of a chart: a swatch (or a line) and a name per series, the names too
//! long for the column on two lines, and "+N more" when the column runs out.

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style;

/// A legend entry: name, colour, drawn as a line (not a swatch), pale (hatched series).
pub type Entry = (String, RGBColor, bool, bool);

/// Draws `entries` down the `legend` area of a chart `h` pixels high, names cut to `chars`
/// characters a line.
pub fn draw<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    chars: usize,
    label_font: &FontDesc,
    label_size: f64,
    h: i32,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let row = (label_size * 1.6) as i32;
    // A name too long for the column goes on two lines (broken at " @ ", "/" or a space,
    // else after another separator), else it is shortened keeping both ends.
    let names: Vec<String> = entries.iter().map(|e| e.0.clone()).collect();
    let short = style::shorten_all(&names, chars);
    let lines: Vec<Vec<String>> = names
        .iter()
        .zip(short)
        .map(|(n, s)| {
            if n.chars().count() <= chars {
                return vec![s];
            }
            match style::two_lines_at_any_joint(n, chars) {
                Some((a, b)) => vec![a, b],
                None => vec![s],
            }
        })
        .collect();
    let line_h = (label_size * 1.2) as i32;
    // The last row is kept for "+N more" unless the last entry fits there.
    let bottom = h - 60;
    let mut y = 40;
    let mut shown = 0;
    for (k, ((_, c, is_line, pale), text)) in entries.iter().zip(&lines).enumerate() {
        let extra = (text.len() as i32 - 1) * line_h;
        let room = if k + 1 == entries.len() {
            bottom
        } else {
            bottom - row
        };
        if y + extra + row > room {
            break;
        }
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
        for (k, part) in text.iter().enumerate() {
            let at = (28, y - 2 + k as i32 * line_h);
            legend.draw(&Text::new(part.clone(), at, label_font.clone()))?;
        }
        y += row + extra;
        shown += 1;
    }
    if shown < entries.len() {
        legend.draw(&Text::new(
            format!("+{} more", entries.len() - shown),
            (28, y),
            label_font.clone(),
        ))?;
    }
    Ok(())
}
