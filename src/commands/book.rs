//! The price book of a run: the built-in book or `--pricing` folders, plus overlays, with
//! the load warnings printed.

use std::path::PathBuf;

use super::messages;
use crate::pricing::PriceBook;

/// Loads the book (built-in unless paths are given) plus overlays; prints load warnings.
pub fn load_book(pricing: &[PathBuf], overlay: &[PathBuf]) -> anyhow::Result<PriceBook> {
    let book = PriceBook::load_with_overlay(pricing, overlay)?;
    for w in book.warnings() {
        messages::info(format_args!("price book {w}"));
    }
    Ok(book)
}
