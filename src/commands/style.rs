//! How tables look where they go (terminal width and colour, or plain).

use std::io::{self, IsTerminal};
use std::path::PathBuf;

/// How tables look where they go: fitted to the terminal's width (or `COLUMNS`) and coloured
/// when standard output is a terminal (`NO_COLOR` turns colour off); plain in a file or a pipe.
pub fn terminal_style(output: Option<&PathBuf>) -> crate::render::Style {
    let to_stdout = output.is_none_or(|p| p.as_os_str() == "-");
    let tty = to_stdout && io::stdout().is_terminal();
    let env_width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
    let width = if to_stdout {
        env_width.or_else(|| {
            tty.then(|| comfy_table::Table::new().width().map(usize::from))
                .flatten()
        })
    } else {
        None
    };
    crate::render::Style {
        width,
        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        ..Default::default()
    }
}
