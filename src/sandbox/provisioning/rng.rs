//! A small deterministic generator (SplitMix64) for everything the simulation invents:
//! ids, IP addresses, durations, jitter.
//!
//! Owns: reproducible pseudo-random numbers from a seed, stable across releases of any
//! crate (the seeded runs are compared byte for byte with fixtures).
//! Must not: be used for anything secret.

/// SplitMix64: tiny, fast, and fully specified, so fixtures never drift.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (returns `lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// `bytes` random bytes as lowercase hex (Go `hex.EncodeToString`).
    pub fn hex(&mut self, bytes: usize) -> String {
        let mut out = String::with_capacity(bytes * 2);
        let mut left = bytes;
        while left > 0 {
            let word = self.next_u64().to_be_bytes();
            for b in word.iter().take(left.min(8)) {
                out.push_str(&format!("{b:02x}"));
            }
            left = left.saturating_sub(8);
        }
        out
    }

    /// An independent generator derived from this one and `salt`.
    pub fn fork(&mut self, salt: u64) -> Rng {
        Rng(self.next_u64() ^ salt.wrapping_mul(0xD6E8_FEB8_6659_FD93))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        assert_eq!(a.hex(8), b.hex(8));
        assert_eq!(a.range(5, 9), b.range(5, 9));
    }

    #[test]
    fn hex_has_two_digits_per_byte_and_ranges_hold() {
        let mut r = Rng::new(7);
        let h = r.hex(16);
        assert_eq!(h.len(), 32);
        assert!(
            h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        for _ in 0..1000 {
            let v = r.range(3, 5);
            assert!((3..=5).contains(&v));
        }
        assert_eq!(r.range(9, 9), 9);
    }
}
