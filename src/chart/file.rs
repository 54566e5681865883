//! Chart files: PNG or SVG by the file's extension, written whole or not at all
//! (`output::atomic`), and SVG in memory for the HTML page.

use std::error::Error;

use plotters::prelude::*;

use super::{draw, ChartData};

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
