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

/// Where the footer's Thrift bytes stop making sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Thrift {
    #[error("ends early")]
    EndsEarly,
    #[error("a varint longer than 10 bytes")]
    LongVarint,
    #[error("a length of {0} bytes where {1} remain")]
    Length(u64, usize),
    #[error("{0} elements declared where {1} bytes remain")]
    Count(u64, usize),
    #[error("unknown Thrift type {0}")]
    UnknownType(u8),
    #[error("nested too deep")]
    TooDeep,
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

/// The deepest nesting of Thrift structs and lists the footer walk follows (Parquet's own
/// metadata nests a few levels; a deeper footer is damaged).
const MAX_DEPTH: u32 = 64;

/// Checks a Parquet file's footer before polars parses it: every list, map and byte string it
/// declares must fit in the bytes that remain. polars 0.55 reserves a list by its declared
/// length before reading it (a damaged count in a row group's column list asked for 322 GB: an
/// abort, found by fuzz/). The footer is Thrift's compact protocol; this walks it without
/// building anything.
pub fn check_footer(bytes: &[u8]) -> Result<(), Damage> {
    let n = bytes.len();
    if n < 12 || &bytes[n - 4..] != b"PAR1" {
        return Err(Damage::NotParquet("no PAR1 at its end"));
    }
    let len = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]) as usize;
    if len > n - 12 {
        return Err(Damage::FooterLength(len as u64));
    }
    let mut w = Walk {
        b: &bytes[n - 8 - len..n - 8],
        at: 0,
    };
    w.structure(0).map_err(Damage::Footer)
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

/// A walk over Thrift compact-protocol bytes.
struct Walk<'a> {
    b: &'a [u8],
    at: usize,
}

impl Walk<'_> {
    fn left(&self) -> usize {
        self.b.len() - self.at
    }

    fn byte(&mut self) -> Result<u8, Thrift> {
        let v = *self.b.get(self.at).ok_or(Thrift::EndsEarly)?;
        self.at += 1;
        Ok(v)
    }

    fn varint(&mut self) -> Result<u64, Thrift> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                v |= u64::from(b & 0x7f) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Thrift::LongVarint)
    }

    fn skip(&mut self, n: u64) -> Result<(), Thrift> {
        if n > self.left() as u64 {
            return Err(Thrift::Length(n, self.left()));
        }
        self.at += n as usize;
        Ok(())
    }

    /// A count of `n` elements, each at least `min` bytes, must fit in what remains.
    fn count(&self, n: u64, min: u64) -> Result<(), Thrift> {
        if n.saturating_mul(min) > self.left() as u64 {
            return Err(Thrift::Count(n, self.left()));
        }
        Ok(())
    }

    fn value(&mut self, kind: u8, depth: u32) -> Result<(), Thrift> {
        match kind {
            1 | 2 => Ok(()), // a bool in a field header
            3 => self.skip(1),
            4..=6 => self.varint().map(|_| ()),
            7 => self.skip(8),
            8 => {
                let n = self.varint()?;
                self.skip(n)
            }
            9 | 10 => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()?,
                    s => u64::from(s),
                };
                let elem = h & 0x0f;
                self.count(n, 1)?;
                for _ in 0..n {
                    // In a list a bool is a byte of its own.
                    if matches!(elem, 1 | 2) {
                        self.skip(1)?;
                    } else {
                        self.value(elem, depth + 1)?;
                    }
                }
                Ok(())
            }
            11 => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                self.count(n, 2)?;
                for _ in 0..n {
                    self.value(kv >> 4, depth + 1)?;
                    self.value(kv & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            12 => self.structure(depth + 1),
            k => Err(Thrift::UnknownType(k)),
        }
    }

    fn structure(&mut self, depth: u32) -> Result<(), Thrift> {
        if depth > MAX_DEPTH {
            return Err(Thrift::TooDeep);
        }
        loop {
            let h = self.byte()?;
            if h == 0 {
                return Ok(());
            }
            if h >> 4 == 0 {
                // A long field header: the field id follows as a zigzag i16 varint.
                self.varint()?;
            }
            self.value(h & 0x0f, depth)?;
        }
    }
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
        // field 1: i32 1; field 2: a list of two i64; field 3: binary "ab"; field 4: bool; stop
        assert!(check_footer(&file(&[
            0x15, 0x02, 0x19, 0x26, 0x02, 0x04, 0x18, 0x02, b'a', b'b', 0x11, 0x00
        ]))
        .is_ok());
        // A list declaring 2^32 - 1 i32 elements in a few bytes.
        let err = check_footer(&file(&[0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("4294967295 elements declared where 1 bytes remain"),
            "{err}"
        );
        // A byte string longer than what is left.
        let err = check_footer(&file(&[0x18, 0x64, b'a', 0x00]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a length of 100 bytes where 2 remain"),
            "{err}"
        );
        // Structs in structs, deeper than any real footer.
        let deep: Vec<u8> = std::iter::repeat_n(0x1C, 70).chain([0x00]).collect();
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
