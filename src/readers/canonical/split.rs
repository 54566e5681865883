//! Splitting a plain CSV line (no quotes) at its commas, eight bytes at a time: the block
//! reader's hot loop. A word of eight bytes is compared with `,,,,,,,,` without branches
//! (SWAR: each byte of the word that equals a comma comes out as its high bit), so a line costs
//! about one step per eight bytes plus one per field, instead of one search call per field.

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;
const COMMAS: u64 = ONES * b',' as u64;

/// The high bit of every byte of `word` that is a comma (exact: no carry crosses a byte, as
/// `(x & 0x7f) + 0x7f` stays within one byte).
fn comma_bits(word: u64) -> u64 {
    let x = word ^ COMMAS;
    !(((x & LOW7).wrapping_add(LOW7)) | x) & HIGH
}

/// Puts the comma-separated fields of `line` into `out` (the first `out.len()`) and returns how
/// many fields the line has (which may be more than `out` holds): exactly what
/// `line.split(',')` yields.
pub fn split_fields<'a>(line: &'a str, out: &mut [&'a str]) -> usize {
    let bytes = line.as_bytes();
    let mut n = 0;
    let mut start = 0;
    let mut field = |end: usize, n: &mut usize, start: &mut usize| {
        if let Some(slot) = out.get_mut(*n) {
            // A comma is ASCII, so both ends are character boundaries.
            *slot = line.get(*start..end).unwrap_or("");
        }
        *n += 1;
        *start = end + 1;
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let mut bits = comma_bits(u64::from_le_bytes(word));
        while bits != 0 {
            let at = base + (bits.trailing_zeros() / 8) as usize;
            field(at, &mut n, &mut start);
            bits &= bits - 1;
        }
        base += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == b',' {
            field(base + k, &mut n, &mut start);
        }
    }
    field(bytes.len(), &mut n, &mut start);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_what_split_gives() {
        let lines = [
            "",
            ",",
            "a",
            "a,b",
            ",,,,,,,,,,,,,,,,,",
            "2025-06-09T23:59:59Z,openai,o3,1000000,100000,0,0,50000,r1,200,alice,search,sk-1,,",
            "é,ü,ñ,日本語,,x",
            "exactly8,exactly8",
            "0123456,89abcde,",
            "\u{2c}\u{ac}\u{12c},",
        ];
        for line in lines {
            let want: Vec<&str> = line.split(',').collect();
            let mut out = [""; 64];
            let n = split_fields(line, &mut out);
            assert_eq!(n, want.len(), "{line:?}");
            assert_eq!(&out[..n], &want[..], "{line:?}");
        }
        // More fields than slots: counted, the first ones kept.
        let wide = vec!["x"; 70].join(",");
        let mut out = [""; 64];
        assert_eq!(split_fields(&wide, &mut out), 70);
        assert!(out.iter().all(|f| *f == "x"));
    }

    proptest::proptest! {
        /// Any text over commas, ASCII, multi-byte characters and bytes near a comma's value
        /// splits as `str::split(',')` does.
        #[test]
        fn any_line_splits_as_str_split(line in "[,a-z0-9 \\-\\.+<\u{2c}\u{ac}\u{12c}é日]{0,90}") {
            let want: Vec<&str> = line.split(',').collect();
            let mut out = [""; 64];
            let n = split_fields(&line, &mut out);
            proptest::prop_assert_eq!(n, want.len());
            let shown = n.min(64);
            proptest::prop_assert_eq!(&out[..shown], &want[..shown]);
        }
    }

    #[test]
    fn every_byte_value_is_a_comma_only_when_it_is_one() {
        for b in 0u8..=255 {
            let word = u64::from_le_bytes([b, b',', b, b, b',', b, b, b]);
            let want = if b == b',' {
                HIGH
            } else {
                (0x80u64 << 8) | (0x80u64 << 32)
            };
            assert_eq!(comma_bits(word), want, "{b:#x}");
        }
    }
}
