//! A walk over a Parquet footer that reads it the way polars-parquet 0.55.2's hand-written
//! decoder (`handwritten_thrift/file_metadata_thrift.rs`) will, before polars does, so that
//! every list polars would reserve memory for is checked first.
//!
//! polars dispatches each struct's fields on the field id and reads them as the type the
//! Parquet format gives that id, whatever type the field header declares; it reserves a list
//! (`Vec::with_capacity`) by the count its header states. A walk that followed the declared
//! types could read a different list than polars (a schema list hidden behind a field header
//! that says `i32`: 194 GB reserved, the process aborted; found by fuzz/, target
//! `parquet_log`). So this walk follows polars' field ids for every struct polars decodes, and
//! the declared type only where polars skips a field. A list polars reserves may hold at most
//! one element per byte left in the footer and at most [`MAX_LIST`] elements. Nothing is built.

/// Where the footer's Thrift bytes stop making sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Thrift {
    #[error("ends early")]
    EndsEarly,
    #[error("a length of {0} bytes where {1} remain")]
    Length(u64, usize),
    #[error("{0} elements declared where {1} bytes remain")]
    Count(u64, usize),
    #[error("unknown Thrift type {0}")]
    UnknownType(u8),
    #[error("nested too deep")]
    TooDeep,
}

/// The most elements a footer list may declare (columns, row groups, column chunks per row
/// group, key-values): about a million; real files have thousands.
const MAX_LIST: u64 = 1 << 20;

/// The deepest nesting polars skips (`skip_till_depth`).
const SKIP_DEPTH: u32 = 64;

/// Checks the footer bytes (the Thrift `FileMetaData`, without the length and magic).
pub fn check(footer: &[u8]) -> Result<(), Thrift> {
    Walk { b: footer, at: 0 }.file_metadata()
}

/// A Thrift compact-protocol type code (field header low nibble).
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;

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

    /// A ULEB128 varint as polars reads it (no length limit; bits past 64 wrap).
    fn varint(&mut self) -> Result<u64, Thrift> {
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).wrapping_shl(shift);
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift = shift.wrapping_add(7);
        }
    }

    fn zigzag(&mut self) -> Result<i64, Thrift> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn skip_bytes(&mut self, n: u64) -> Result<(), Thrift> {
        if n > self.left() as u64 {
            return Err(Thrift::Length(n, self.left()));
        }
        self.at += n as usize;
        Ok(())
    }

    /// A Thrift binary: its length, then its bytes.
    fn binary(&mut self) -> Result<(), Thrift> {
        let n = self.varint()?;
        self.skip_bytes(n)
    }

    /// A field header: `None` at the struct's end, else (declared type, field id).
    fn field(&mut self, last: i16) -> Result<Option<(u8, i16)>, Thrift> {
        let h = self.byte()?;
        let kind = h & 0x0f;
        if kind > STRUCT {
            return Err(Thrift::UnknownType(kind));
        }
        if kind == 0 {
            return Ok(None);
        }
        let delta = h >> 4;
        let id = if delta != 0 {
            last.checked_add(i16::from(delta))
                .ok_or(Thrift::UnknownType(kind))?
        } else {
            self.zigzag()? as i16
        };
        Ok(Some((kind, id)))
    }

    /// A list header: (element type, element count as polars takes it: an i32, negative as 0).
    fn list_begin(&mut self) -> Result<(u8, u64), Thrift> {
        let h = self.byte()?;
        let n = h >> 4;
        let elem = match h & 0x0f {
            0 if n == 0 => BYTE,
            e @ 1..=12 => e,
            e => return Err(Thrift::UnknownType(e)),
        };
        let count = if n != 15 {
            i32::from(n)
        } else {
            self.varint()? as i32
        };
        Ok((elem, count.max(0) as u64))
    }

    /// A list polars reserves memory for, each element read by `one`.
    fn list(&mut self, mut one: impl FnMut(&mut Self) -> Result<(), Thrift>) -> Result<(), Thrift> {
        let (_, count) = self.list_begin()?;
        if count > self.left() as u64 || count > MAX_LIST {
            return Err(Thrift::Count(count, self.left()));
        }
        for _ in 0..count {
            one(self)?;
        }
        Ok(())
    }

    /// A field polars skips, by its declared type (`skip_till_depth`).
    fn skip(&mut self, kind: u8, depth: u32) -> Result<(), Thrift> {
        if depth == 0 {
            return Err(Thrift::TooDeep);
        }
        match kind {
            BOOL_TRUE | BOOL_FALSE => Ok(()),
            BYTE => self.skip_bytes(1),
            4..=6 => self.varint().map(|_| ()),
            7 => self.skip_bytes(8),
            8 => self.binary(),
            STRUCT => self.fields(|w, kind, _| w.skip(kind, depth - 1)),
            LIST => {
                let (elem, count) = self.list_begin()?;
                match elem {
                    // A bool element is read from nothing when skipped.
                    BOOL_TRUE | BOOL_FALSE => Ok(()),
                    SET | MAP => Err(Thrift::UnknownType(elem)),
                    _ => {
                        for _ in 0..count {
                            self.skip(elem, depth - 1)?;
                        }
                        Ok(())
                    }
                }
            }
            other => Err(Thrift::UnknownType(other)),
        }
    }

    /// The fields of a struct up to its stop, each handed to `f` with its declared type and id.
    fn fields(
        &mut self,
        mut f: impl FnMut(&mut Self, u8, i16) -> Result<(), Thrift>,
    ) -> Result<(), Thrift> {
        let mut last = 0i16;
        while let Some((kind, id)) = self.field(last)? {
            f(self, kind, id)?;
            last = id;
        }
        Ok(())
    }

    fn empty_struct(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, _| w.skip(kind, SKIP_DEPTH))
    }

    fn file_metadata(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 | 3 => w.zigzag().map(|_| ()),
            2 => w.list(Self::schema_element),
            4 => w.list(Self::row_group),
            5 => w.list(Self::key_value),
            6 => w.binary(),
            7 => w.list(Self::column_order),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn schema_element(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1..=3 | 5..=9 => w.zigzag().map(|_| ()),
            4 => w.binary(),
            10 => w.logical_type(),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn logical_type(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1..=4 | 6 | 11..=15 => w.empty_struct(),
            5 => w.fields(|w, kind, id| match id {
                1 | 2 => w.zigzag().map(|_| ()),
                _ => w.skip(kind, SKIP_DEPTH),
            }),
            // Time and timestamp: a bool in the header, then the unit (a union of empty
            // structs).
            7 | 8 => w.fields(|w, kind, id| match id {
                1 => Ok(()),
                2 => w.fields(|w, kind, id| match id {
                    1..=3 => w.empty_struct(),
                    _ => w.skip(kind, SKIP_DEPTH),
                }),
                _ => w.skip(kind, SKIP_DEPTH),
            }),
            // Integer: the bit width as one byte, the sign in the header.
            10 => w.fields(|w, kind, id| match id {
                1 => w.skip_bytes(1),
                2 => Ok(()),
                _ => w.skip(kind, SKIP_DEPTH),
            }),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn row_group(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 => w.list(Self::column_chunk),
            2 | 3 => w.zigzag().map(|_| ()),
            4 => w.list(Self::sorting_column),
            5..=7 => w.varint().map(|_| ()),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn column_chunk(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 => w.binary(),
            2 => w.varint().map(|_| ()),
            3 => w.column_meta_data(),
            4..=7 => w.zigzag().map(|_| ()),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn column_meta_data(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 => w.varint().map(|_| ()),
            // Encodings (varints) and the path (binaries): skipped element by element.
            2 => {
                let (_, count) = w.list_begin()?;
                for _ in 0..count {
                    w.varint()?;
                }
                Ok(())
            }
            3 => {
                let (_, count) = w.list_begin()?;
                for _ in 0..count {
                    w.binary()?;
                }
                Ok(())
            }
            4..=7 | 9..=11 | 14 | 15 => w.zigzag().map(|_| ()),
            12 => w.statistics(),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn statistics(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 | 2 => w.binary(),
            3 | 4 => w.zigzag().map(|_| ()),
            // Min and max: a length polars takes as u32, then the bytes.
            5 | 6 => {
                let n = w.varint()? as u32;
                w.skip_bytes(u64::from(n))
            }
            7 | 8 => Ok(()),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn key_value(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 | 2 => w.binary(),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn sorting_column(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 => w.zigzag().map(|_| ()),
            2 | 3 => Ok(()),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }

    fn column_order(&mut self) -> Result<(), Thrift> {
        self.fields(|w, kind, id| match id {
            1 | 2 => w.empty_struct(),
            _ => w.skip(kind, SKIP_DEPTH),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_list_behind_a_field_header_that_says_i32_is_checked() {
        // Field 2 (the schema) declared as i32 (0x25: delta 2, type 5), then a list header
        // claiming 2^31 - 1 structs in a few bytes: polars reads it as the schema list
        // whatever the declared type.
        let footer = [0x15, 0x02, 0x15, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00];
        let e = check(&footer).unwrap_err().to_string();
        assert!(e.contains("2147483647 elements declared"), "{e}");
        // A small valid footer: version 1, a schema of one element named "a", 0 rows, no
        // row groups.
        let fine = [
            0x15, 0x02, 0x19, 0x1C, 0x48, 0x01, b'a', 0x00, 0x16, 0x00, 0x19, 0x0C, 0x00,
        ];
        assert!(check(&fine).is_ok(), "{:?}", check(&fine));
    }

    #[test]
    fn lists_past_the_bound_are_refused_even_if_the_bytes_are_there() {
        // A schema list of 2^20 + 1 empty structs, each one stop byte.
        let mut footer = vec![0x15, 0x02, 0x19, 0xFC];
        // (the count as a varint follows the header)
        let mut n = (1u64 << 20) + 1;
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                footer.push(b);
                break;
            }
            footer.push(b | 0x80);
        }
        footer.extend(std::iter::repeat_n(0u8, (1 << 20) + 2));
        assert!(check(&footer)
            .unwrap_err()
            .to_string()
            .contains("elements declared"));
    }
}
