//! The progress bar of a long read, on a terminal only.

use std::io::{self, IsTerminal};

/// A progress bar over the bytes of the log files, only when stderr is a terminal and the logs
/// are large.
pub fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() || total < 64 << 20 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading logs {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
