//! The set of request-id hashes seen so far, for dedupe.
//!
//! Each id is known by its 128-bit hash (`usage::id_digest`); the set keeps 88 bits of it in
//! 16 bytes per id at most, 12 on average: an open-addressing table with linear probing of
//! 8-byte slots (a 24-bit tag from the hash's low half and the 40-bit position of the id in
//! `highs`), and `highs`, the high 64 bits of every id in insertion order (which also place an
//! id in the table, so growing never needs the ids again). An id is found when a slot's tag
//! and its high half both match: two different ids are taken for one only when they agree on
//! those 88 bits, odds below n^2 / 2^89 for a run of n ids (10 M ids: 2 x 10^-13; a billion:
//! 2 x 10^-9); the test below checks that ids differing in the tag or in the high half stay
//! apart. The table is sized for the expected ids at a load of at most 7/8 (any size, placed
//! by multiply-shift), and allocated with the kernel's transparent huge pages requested
//! (Linux `madvise(MADV_HUGEPAGE)`): ten million ids make a table hit at random once per row,
//! and with 4 KiB pages almost every insert misses the TLB.
//! (Before: whole 128-bit hashes in a power-of-two table, 16 bytes a slot at a load of 7/16 to
//! 7/8: up to 37 bytes an id.)

#![allow(unsafe_code)]

use std::alloc::{alloc_zeroed, dealloc, Layout};

const HUGE: usize = 2 << 20;
/// Bits of a slot that hold the id's position in `highs`, plus one (0 is an empty slot).
const INDEX_BITS: u32 = 40;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

/// A set of 128-bit id hashes.
pub struct IdSet {
    slots: *mut u64,
    cap: usize,
    /// The high 64 bits of each id, in insertion order.
    highs: Vec<u64>,
}

// The table is owned uniquely, like a Box.
unsafe impl Send for IdSet {}

impl Default for IdSet {
    fn default() -> Self {
        IdSet {
            slots: std::ptr::null_mut(),
            cap: 0,
            highs: Vec::new(),
        }
    }
}

fn layout(cap: usize) -> Layout {
    // Aligned to a huge page so the kernel can back it with 2 MiB pages.
    Layout::from_size_align(cap * 8, HUGE.min((cap * 8).next_power_of_two()))
        .expect("a valid layout")
}

fn allocate(cap: usize) -> *mut u64 {
    let l = layout(cap);
    // SAFETY: the layout has a nonzero size (cap >= 16); zeroed memory is a valid empty table.
    let p = unsafe { alloc_zeroed(l) } as *mut u64;
    if p.is_null() {
        std::alloc::handle_alloc_error(l);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: the range is the allocation just made; MADV_HUGEPAGE only changes how it is backed.
    unsafe {
        libc::madvise(p as *mut libc::c_void, l.size(), libc::MADV_HUGEPAGE);
    }
    p
}

/// The slot an id with this high half starts probing at (multiply-shift: any table size).
fn home(hi: u64, cap: usize) -> usize {
    ((u128::from(hi) * cap as u128) >> 64) as usize
}

fn split(v: u128) -> (u64, u64) {
    let hi = (v >> 64) as u64;
    // The tag: the top 24 bits of the low half.
    let tag = (v as u64) >> INDEX_BITS;
    (hi, tag)
}

impl IdSet {
    /// Makes room for about `n` ids without growing.
    pub fn reserve(&mut self, n: usize) {
        let want = n + n / 7 + 16;
        if want > self.cap {
            self.resize(want);
        }
        self.highs.reserve_exact(n.saturating_sub(self.highs.len()));
    }

    pub fn len(&self) -> usize {
        self.highs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.highs.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    fn resize(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.slots, allocate(cap));
        let old_cap = std::mem::replace(&mut self.cap, cap);
        if !old.is_null() {
            for i in 0..old_cap {
                // SAFETY: i < old_cap, inside the old allocation.
                let s = unsafe { *old.add(i) };
                if s != 0 {
                    let hi = self.highs[((s & INDEX_MASK) - 1) as usize];
                    let mut j = home(hi, cap);
                    // SAFETY: j < cap; the new table has room (load below 7/8).
                    while unsafe { *self.slots.add(j) } != 0 {
                        j = if j + 1 == cap { 0 } else { j + 1 };
                    }
                    unsafe { *self.slots.add(j) = s };
                }
            }
            // SAFETY: allocated by `allocate(old_cap)` with this layout.
            unsafe { dealloc(old as *mut u8, layout(old_cap)) };
        }
    }

    /// Inserts every value in order, calling `dup(i)` for each `values[i]` already present
    /// (including earlier in the same batch). Software prefetching keeps several cache misses
    /// in flight: the table is hit at random, so a one-by-one insert waits for memory each time.
    pub fn insert_batch(&mut self, values: &[u128], mut dup: impl FnMut(usize)) {
        if values.is_empty() {
            return;
        }
        if self.cap == 0 {
            self.reserve(values.len());
        }
        const AHEAD: usize = 16;
        for i in 0..values.len() {
            if let Some(&next) = values.get(i + AHEAD) {
                let at = home(split(next).0, self.cap);
                // SAFETY: at < cap; prefetching never faults.
                #[cfg(target_arch = "x86_64")]
                unsafe {
                    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                    _mm_prefetch(self.slots.add(at) as *const i8, _MM_HINT_T0);
                }
            }
            if !self.insert(values[i]) {
                dup(i);
            }
        }
    }

    /// Inserts `v`; false when it was already there.
    pub fn insert(&mut self, v: u128) -> bool {
        if (self.len() + 1) * 8 > self.cap * 7 {
            // Doubling: growing costs O(1) an id.
            self.resize((self.cap * 2).max(1024));
        }
        let (hi, tag) = split(v);
        let mut i = home(hi, self.cap);
        loop {
            // SAFETY: i < cap.
            let slot = unsafe { &mut *self.slots.add(i) };
            if *slot == 0 {
                self.highs.push(hi);
                *slot = (tag << INDEX_BITS) | self.highs.len() as u64;
                return true;
            }
            if *slot >> INDEX_BITS == tag && self.highs[((*slot & INDEX_MASK) - 1) as usize] == hi {
                return false;
            }
            i = if i + 1 == self.cap { 0 } else { i + 1 };
        }
    }
}

impl Drop for IdSet {
    fn drop(&mut self) {
        if !self.slots.is_null() {
            // SAFETY: allocated by `allocate(self.cap)` with this layout.
            unsafe { dealloc(self.slots as *mut u8, layout(self.cap)) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_find_duplicates_and_survive_growth() {
        let mut s = IdSet::default();
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15;
        let mut values = Vec::new();
        for _ in 0..50_000 {
            x = x
                .wrapping_mul(0x2545_F491_4F6C_DD1D_0000_0000_0000_0001)
                .wrapping_add(0x1234_5678);
            values.push(x);
        }
        for v in &values {
            assert!(s.insert(*v));
        }
        assert_eq!(s.len(), values.len());
        for v in &values {
            assert!(!s.insert(*v), "a duplicate must be found");
        }
        assert!(s.insert(0));
        assert!(!s.insert(0));
        // Ids that share the high half but not the tag, or the tag but not the high half, or
        // that differ only in the bits the set does not keep, are told apart exactly as far as
        // the 88 kept bits go.
        let mut t = IdSet::default();
        let hi = 0xDEAD_BEEF_0000_0001u128 << 64;
        let tag = |t: u128| t << 40;
        assert!(t.insert(hi | tag(5)));
        assert!(t.insert(hi | tag(6)), "same high half, other tag");
        assert!(
            t.insert((hi + (1 << 64)) | tag(5)),
            "same tag, other high half"
        );
        assert!(
            !t.insert(hi | tag(5) | 0xFF),
            "only the 40 unkept bits differ"
        );
        assert_eq!(t.len(), 3);
        // Batches find duplicates against the table and within the batch, in order.
        let mut b = IdSet::default();
        b.insert(values[3]);
        let mut dups = Vec::new();
        b.insert_batch(&[values[1], values[3], values[2], values[1]], |i| {
            dups.push(i)
        });
        assert_eq!(dups, vec![1, 3]);
        let mut r = IdSet::default();
        r.reserve(1000);
        let cap = r.capacity();
        for v in values.iter().take(1000) {
            r.insert(*v);
        }
        assert_eq!(r.capacity(), cap, "reserve avoided growth");
    }
}
