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

pub use super::parquet_footer::Thrift;

/// What makes a Parquet file unsafe to hand to polars.
#[derive(Debug, thiserror::Error)]
pub enum Damage {
    #[error("not a Parquet file ({0})")]
    NotParquet(&'static str),
    #[error("the footer claims {0} bytes, more than the file holds")]
    FooterLength(u64),
    #[error("damaged footer: {0}")]
    Footer(Thrift),
    #[error("row group {group}, column {column:?}, page {page}: {what}")]
    Page {
        group: usize,
        column: String,
        page: usize,
        what: String,
    },
    /// The metadata as polars-parquet reads it.
    #[error("{0}")]
    Metadata(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn metadata(e: impl std::fmt::Display) -> Damage {
    Damage::Metadata(e.to_string())
}

/// Checks every data page of the columns `wanted` keeps (by top-level name): it may claim at
/// most the values its column chunk holds. `Err` says which page of which column.
pub fn check(
    md: &FileMetadata,
    data: &Buffer<u8>,
    wanted: impl Fn(&str) -> bool,
) -> Result<(), Damage> {
    for (g, rg) in md.row_groups.iter().enumerate() {
        for col in rg.parquet_columns() {
            let name = col.descriptor().path_in_schema.first().map(|s| s.as_str());
            if !name.is_some_and(&wanted) {
                continue;
            }
            let name = name.unwrap_or_default();
            let total = col.num_values();
            let at = |page: usize, what: String| Damage::Page {
                group: g + 1,
                column: name.to_string(),
                page,
                what,
            };
            if total < 0 {
                return Err(at(1, format!("claims {total} values")));
            }
            let pages = get_page_iterator(col, Cursor::new(data.clone()), Vec::new(), data.len())
                .map_err(|e| at(1, e.to_string()))?;
            for (i, page) in pages.enumerate() {
                let page = page.map_err(|e| at(i + 1, e.to_string()))?;
                if let CompressedPage::Data(p) = page {
                    // A negative i32 count arrives here as a huge usize.
                    if p.num_values() as u64 > total as u64 {
                        return Err(at(
                            i + 1,
                            format!(
                                "claims more values than its column chunk ({total}): a damaged \
                                 page header"
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// [`check`] on a whole file in memory (all columns).
pub fn check_bytes(bytes: &[u8]) -> Result<(), Damage> {
    check_footer(bytes)?;
    let data = Buffer::from_vec(bytes.to_vec());
    let md = read_metadata(&mut Cursor::new(data.clone())).map_err(metadata)?;
    check(&md, &data, |_| true)
}

/// [`check`] on a file, mapped into memory (nothing is read but the headers).
pub fn check_file(path: &std::path::Path, wanted: impl Fn(&str) -> bool) -> Result<(), Damage> {
    check_footer_file(path)?;
    let file = std::fs::File::open(path)?;
    // SAFETY: the map is read-only and lives as long as the Buffer that owns it; a file
    // truncated by another process while mapped could fault, as with polars' own map of it.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }?;
    let data = Buffer::from_owner(map);
    let md = read_metadata(&mut Cursor::new(data.clone())).map_err(metadata)?;
    check(&md, &data, wanted)
}

/// Checks a Parquet file's footer before polars parses it: every list polars reserves memory
/// for must fit in the bytes that remain (`parquet_footer`, which reads the footer as polars'
/// decoder does). polars 0.55 reserves a list by its declared length before reading it (a
/// damaged count in a row group's column list asked for 322 GB, a schema list behind a field
/// header declaring an i32 for 194 GB: aborts, found by fuzz/).
pub fn check_footer(bytes: &[u8]) -> Result<(), Damage> {
    let n = bytes.len();
    if n < 12 || &bytes[n - 4..] != b"PAR1" {
        return Err(Damage::NotParquet("no PAR1 at its end"));
    }
    let len = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]) as usize;
    if len > n - 12 {
        return Err(Damage::FooterLength(len as u64));
    }
    super::parquet_footer::check(&bytes[n - 8 - len..n - 8]).map_err(Damage::Footer)
}

/// [`check_footer`] on a file: reads only its footer.
pub fn check_footer_file(path: &std::path::Path) -> Result<(), Damage> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    if size < 12 {
        return Err(Damage::NotParquet("too short"));
    }
    let mut tail = [0u8; 8];
    f.seek(SeekFrom::End(-8))?;
    f.read_exact(&mut tail)?;
    let len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if len > size - 12 {
        return Err(Damage::FooterLength(len));
    }
    let mut buf = vec![0u8; len as usize + 8];
    f.seek(SeekFrom::End(-(len as i64) - 8))?;
    f.read_exact(&mut buf)?;
    // Four leading bytes stand in for the file's head: check_footer looks only at the end.
    let mut whole = b"PAR1".to_vec();
    whole.extend_from_slice(&buf);
    check_footer(&whole)
}

/// Decodes a whole Parquet file (`name` in messages) into a frame, its page headers checked
/// first and a decoder panic caught: a damaged file is that file's error, never an abort.
pub fn frame(name: &str, bytes: Vec<u8>) -> Result<polars::prelude::DataFrame, super::ReadError> {
    use polars::prelude::*;
    let fail = |message: String| super::ReadError::Format {
        path: name.to_string(),
        message,
    };
    super::caught(|| check_bytes(&bytes))
        .map_err(|p| fail(format!("not a readable Parquet file: {p}")))?
        .map_err(|d| fail(format!("not a readable Parquet file: {d}")))?;
    super::caught(|| ParquetReader::new(std::io::Cursor::new(bytes)).finish())
        .map_err(|what| {
            fail(format!(
                "not a readable Parquet file: damaged (the decoder stopped: {})",
                crate::text::safe_reason(&what.0)
            ))
        })?
        .map_err(|e| fail(format!("not a readable Parquet file: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(footer: &[u8]) -> Vec<u8> {
        let mut f = b"PAR1".to_vec();
        f.extend_from_slice(footer);
        f.extend_from_slice(&(footer.len() as u32).to_le_bytes());
        f.extend_from_slice(b"PAR1");
        f
    }

    #[test]
    fn footers_whose_lengths_fit_pass_and_others_are_named() {
        // Version 1; a schema of one element named "ab"; 0 rows; no row groups.
        let fine = [
            0x15, 0x02, 0x19, 0x1C, 0x48, 0x02, b'a', b'b', 0x00, 0x16, 0x00, 0x19, 0x0C, 0x00,
        ];
        assert!(check_footer(&file(&fine)).is_ok());
        // The row-group list declaring 2^31 - 1 structs in a few bytes.
        let err = check_footer(&file(&[
            0x15, 0x02, 0x39, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00,
        ]))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("2147483647 elements declared where 1 bytes remain"),
            "{err}"
        );
        // 2^32 - 1 is -1 as polars reads a count (an i32): an empty list, nothing reserved.
        assert!(check_footer(&file(&[
            0x15, 0x02, 0x39, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00,
        ]))
        .is_ok());
        // A byte string (created_by) longer than what is left.
        let err = check_footer(&file(&[0x15, 0x02, 0x58, 0x64, b'a', 0x00]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a length of 100 bytes where 2 remain"),
            "{err}"
        );
        // An unknown field of structs in structs, deeper than polars skips.
        let deep: Vec<u8> = [0x9C]
            .into_iter()
            .chain(std::iter::repeat_n(0x1C, 70))
            .chain([0x00])
            .collect();
        assert!(check_footer(&file(&deep))
            .unwrap_err()
            .to_string()
            .contains("nested too deep"));
        // Cut short, and a length field larger than the file.
        assert!(check_footer(&file(&[0x15]))
            .unwrap_err()
            .to_string()
            .contains("ends early"));
        let mut lying = file(&[0x00]);
        let n = lying.len();
        lying[n - 8..n - 4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(check_footer(&lying)
            .unwrap_err()
            .to_string()
            .contains("more than the file holds"));
    }
}
