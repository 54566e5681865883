//! The line cap against a model: lines of at most `max` bytes pass unchanged, longer ones
//! become empty (newline kept) and are noted with their number, whatever the buffer sizes.
#![no_main]
use std::io::Read;

use libfuzzer_sys::fuzz_target;
use tokenledger::readers::linecap::{LineCap, Overlong};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let max = 1 + data[0] as usize % 40;
    let inner_cap = 1 + data[1] as usize % 64;
    let out_cap = 1 + data[2] as usize % 64;
    let text = &data[3..];
    // The model.
    let mut want = Vec::new();
    let mut long = Vec::new();
    let parts: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    for (i, line) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if line.len() > max {
            long.push(i as u64 + 1);
        } else {
            want.extend_from_slice(line);
        }
        if !last {
            want.push(b'\n');
        }
    }
    // The reader.
    let log = Overlong::default();
    let inner = std::io::BufReader::with_capacity(inner_cap, text);
    let mut r = LineCap::new(inner, max, "f".into(), log.clone());
    let mut got = Vec::new();
    let mut buf = vec![0u8; out_cap];
    loop {
        let n = r.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, want);
    let noted: Vec<u64> = log.take("f").into_iter().map(|(l, _)| l).collect();
    assert_eq!(noted, long);
});
