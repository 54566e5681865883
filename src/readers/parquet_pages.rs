//! A check of a Parquet file's page headers before polars decodes it. polars 0.55 reads a data
//! page's value count (an i32) as `usize` without a check: a damaged header claiming a negative
//! count makes it reserve a validity bitmap of about 2^61 bytes, and the allocator aborts the
//! whole process (no program can catch that). Found by fuzz/ (target `aggregates`). Walking the
//! headers reads no page data and decompresses nothing.

use std::io::Cursor;

use polars_buffer::Buffer;
use polars_parquet::parquet::metadata::FileMetadata;
use polars_parquet::parquet::page::CompressedPage;
use polars_parquet::parquet::read::{get_page_iterator, read_metadata};

/// Checks every data page of the columns `wanted` keeps (by top-level name): it may claim at
/// most the values its column chunk holds. `Err` says which page of which column.
pub fn check(
    md: &FileMetadata,
    data: &Buffer<u8>,
    wanted: impl Fn(&str) -> bool,
) -> Result<(), String> {
    for (g, rg) in md.row_groups.iter().enumerate() {
        for col in rg.parquet_columns() {
            let name = col.descriptor().path_in_schema.first().map(|s| s.as_str());
            if !name.is_some_and(&wanted) {
                continue;
            }
            let name = name.unwrap_or_default();
            let total = col.num_values();
            let at = |p: usize| format!("row group {}, column {name:?}, page {p}", g + 1);
            if total < 0 {
                return Err(format!("{}: claims {total} values", at(1)));
            }
            let pages = get_page_iterator(col, Cursor::new(data.clone()), Vec::new(), data.len())
                .map_err(|e| format!("{}: {e}", at(1)))?;
            for (i, page) in pages.enumerate() {
                let page = page.map_err(|e| format!("{}: {e}", at(i + 1)))?;
                if let CompressedPage::Data(p) = page {
                    // A negative i32 count arrives here as a huge usize.
                    if p.num_values() as u64 > total as u64 {
                        return Err(format!(
                            "{}: claims more values than its column chunk ({total}): a damaged \
                             page header",
                            at(i + 1)
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// [`check`] on a whole file in memory (all columns).
pub fn check_bytes(bytes: &[u8]) -> Result<(), String> {
    let data = Buffer::from_vec(bytes.to_vec());
    let md = read_metadata(&mut Cursor::new(data.clone())).map_err(|e| e.to_string())?;
    check(&md, &data, |_| true)
}

/// [`check`] on a file, mapped into memory (nothing is read but the headers).
pub fn check_file(path: &std::path::Path, wanted: impl Fn(&str) -> bool) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // SAFETY: the map is read-only and lives as long as the Buffer that owns it; a file
    // truncated by another process while mapped could fault, as with polars' own map of it.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
    let data = Buffer::from_owner(map);
    let md = read_metadata(&mut Cursor::new(data.clone())).map_err(|e| e.to_string())?;
    check(&md, &data, wanted)
}
