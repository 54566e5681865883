//! How charts look: the palette (a model keeps its colour in every chart), axis ticks at round
//! values, labels shortened to fit.

use plotters::prelude::*;

/// A 20-colour palette (Tableau 20) for series; "other" is grey. The first ten are ten
/// different hues; each of the next ten is a paler shade of one of them (see [`family`]).
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
    (57, 59, 121),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (219, 219, 141),
    (158, 218, 229),
    (99, 121, 57),
];

/// The palette as its ten hues, each with its shades (for tests).
#[cfg(test)]
pub(super) const PALETTE_FAMILIES: [[(u8, u8, u8); 2]; 10] = {
    let mut out = [[(0, 0, 0); 2]; 10];
    let mut k = 0;
    while k < 10 {
        out[k] = [PALETTE[k], PALETTE[k + 10]];
        k += 1;
    }
    out
};

/// The hue a palette entry belongs to: entry k and entry k + 10 are shades of one hue (the
/// last pair, indigo and olive, are told apart by lightness and hue alike, but count as one).
fn family(k: usize) -> usize {
    k % 10
}

/// The colour of a series: stable for a name across every chart and run (a hash of the name).
pub fn colour(name: &str) -> RGBColor {
    if name == super::data::OTHER {
        return RGBColor(160, 160, 160);
    }
    let (r, g, b) = PALETTE[slot(name, PALETTE.len())];
    RGBColor(r, g, b)
}

fn slot(name: &str, of: usize) -> usize {
    (xxhash_rust::xxh3::xxh3_64(name.as_bytes()) % of as u64) as usize
}

/// Colours for the series of one chart, drawn next to each other in `names`' order. Up to ten
/// series get ten different hues; beyond ten, two neighbours never share a hue (a stacked
/// bar's dark and pale blue read as one). Each name starts from its hashed colour; when two
/// names of the chart take one colour, the later one (in name order) takes the next free one.
/// Up to ten names, the colours depend on the set of names only, so a model keeps its colour
/// across a report's charts; beyond ten, on their order too.
pub fn colours(names: &[&str]) -> Vec<RGBColor> {
    let mut sorted: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| *n != super::data::OTHER)
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let size = if sorted.len() <= 10 {
        10
    } else {
        PALETTE.len()
    };
    let mut used = [false; PALETTE.len()];
    let mut assigned: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for n in &sorted {
        let mut k = slot(n, size);
        for _ in 0..size {
            if !used[k] {
                break;
            }
            k = (k + 1) % size;
        }
        used[k] = true;
        assigned.insert(n, k);
    }
    // Neighbours of one hue: the later one swaps its colour with the first series whose
    // colour clashes with neither side (and whose own neighbours accept the swapped one).
    let mut slots: Vec<Option<usize>> = names.iter().map(|n| assigned.get(n).copied()).collect();
    let clash = |a: Option<usize>, b: Option<usize>| match (a, b) {
        (Some(a), Some(b)) => a != b && family(a) == family(b),
        _ => false,
    };
    for i in 1..slots.len() {
        if !clash(slots[i - 1], slots[i]) {
            continue;
        }
        let fits = |slots: &[Option<usize>], at: usize, c: Option<usize>| {
            (at == 0 || !clash(slots[at - 1], c)) && slots.get(at + 1).is_none_or(|&n| !clash(c, n))
        };
        if let Some(j) = (0..slots.len()).filter(|&j| j != i).find(|&j| {
            let mut trial = slots.clone();
            trial.swap(i, j);
            fits(&trial, i, trial[i]) && fits(&trial, j, trial[j])
        }) {
            // Swap the names' colours everywhere they appear.
            let (a, b) = (slots[i], slots[j]);
            for s in slots.iter_mut() {
                if *s == a {
                    *s = b;
                } else if *s == b {
                    *s = a;
                }
            }
        }
    }
    names
        .iter()
        .zip(&slots)
        .map(|(n, k)| match k {
            Some(k) => {
                let (r, g, b) = PALETTE[*k];
                RGBColor(r, g, b)
            }
            None => colour(n),
        })
        .collect()
}

/// Where marks go: each mark is a box `(left, right, base)` in pixels (y grows downwards; `base`
/// is the top of its bar) of `height` pixels. A mark sits on its bar, or is lifted by whole
/// text rows (at most `levels` - 1 rows) until it clears every mark placed before it (by `gap`
/// pixels sideways; a row's height includes its spacing), so two marks never print over each other ("lowest herelowest here"). Marks are
/// placed in the order given (the caller puts the ones that matter most first); a mark that
/// finds no free place gets `None` and is not drawn. Returns each mark's lift in pixels.
pub fn place_marks(
    boxes: &[(f64, f64, f64)],
    height: f64,
    levels: usize,
    gap: f64,
) -> Vec<Option<f64>> {
    let mut taken: Vec<(f64, f64, f64, f64)> = Vec::new();
    boxes
        .iter()
        .map(|&(left, right, base)| {
            let lift = (0..levels.max(1)).map(|k| k as f64 * height).find(|lift| {
                let (bottom, top) = (base - lift, base - lift - height);
                taken.iter().all(|&(l, r, t, b)| {
                    right + gap <= l || r + gap <= left || bottom <= t || b <= top
                })
            })?;
            taken.push((left, right, base - lift - height, base - lift));
            Some(lift)
        })
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

/// `label` on two lines of at most `max` characters each, broken before " @ ", after the last
/// "/" or at the last space that makes both lines fit; `None` when no break does.
pub fn two_lines(label: &str, max: usize) -> Option<(String, String)> {
    let fits = |a: &str, b: &str| {
        !a.is_empty() && !b.is_empty() && a.chars().count() <= max && b.chars().count() <= max
    };
    let mut breaks: Vec<(usize, usize)> = Vec::new();
    if let Some(i) = label.rfind(" @ ") {
        breaks.push((i, i + 1));
    }
    if let Some(i) = label.rfind('/') {
        breaks.push((i + 1, i + 1));
    }
    if let Some(i) = label.rfind(' ') {
        breaks.push((i, i + 1));
    }
    breaks.into_iter().find_map(|(end, start)| {
        let (a, b) = (label.get(..end)?.trim_end(), label.get(start..)?);
        fits(a, b).then(|| (a.to_string(), b.to_string()))
    })
}

/// `label` on two lines of at most `max` characters: broken as [`two_lines`] does, else after
/// another separator (`.`, `-`, `:`: `us.meta.` over `llama3-3-70b-instruct-v1:0`); `None`
/// when no break fits.
pub fn two_lines_at_any_joint(label: &str, max: usize) -> Option<(String, String)> {
    if let Some(pair) = two_lines(label, max) {
        return Some(pair);
    }
    let cut = crate::render::table::two_lines(label, max);
    let (a, b) = cut.split_once('\n')?;
    (a.chars().count() <= max && b.chars().count() <= max && !a.is_empty() && !b.is_empty())
        .then(|| (a.to_string(), b.to_string()))
}

/// Shortens every label to `max` characters so that no two come out the same: where the
/// usual cut (`shorten`) makes labels alike (`aws-bedrock/meta.l…v1:0` twice), those move the
/// cut, keeping more of the end and less of the start, until they differ; as a last resort a
/// number tells them apart.
pub(super) fn shorten_all(labels: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = labels.iter().map(|l| shorten(l, max)).collect();
    let clash = |out: &[String], i: usize| {
        out.iter()
            .enumerate()
            .any(|(j, o)| j != i && *o == out[i] && labels[j] != labels[i])
    };
    let clashing: Vec<usize> = (0..out.len()).filter(|&i| clash(&out, i)).collect();
    if clashing.is_empty() || max < 5 {
        return out;
    }
    for head in (1..max.saturating_sub(2)).rev() {
        let tail = max - 1 - head;
        let cut = |s: &str| {
            let n = s.chars().count();
            if n <= max {
                return s.to_string();
            }
            let start: String = s.chars().take(head).collect();
            let end: String = s.chars().skip(n - tail).collect();
            format!("{start}…{end}")
        };
        let tried: Vec<String> = clashing.iter().map(|&i| cut(&labels[i])).collect();
        let unique = tried.iter().enumerate().all(|(a, x)| {
            tried
                .iter()
                .enumerate()
                .all(|(b, y)| a == b || x != y || labels[clashing[a]] == labels[clashing[b]])
        });
        if unique {
            for (k, &i) in clashing.iter().enumerate() {
                out[i] = tried[k].clone();
            }
            return out;
        }
    }
    for (k, &i) in clashing.iter().enumerate() {
        out[i] = format!("{} #{}", shorten(&labels[i], max.saturating_sub(3)), k + 1);
    }
    out
}

/// Shortens a label to `max` characters, keeping its start and its end (`aws-bedrock/meta.l…v1:0`),
/// where the distinguishing parts of model ids are.
pub(super) fn shorten(s: &str, max: usize) -> String {
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
