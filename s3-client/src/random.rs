//! Randomness for backoff jitter and invocation ids, from the standard library's randomly
//! seeded hasher: enough for both, without a dependency.

/// A number in `[0, 1)`.
pub(crate) fn unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_in_range_and_vary() {
        let xs: Vec<f64> = (0..32).map(|_| super::unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.windows(2).any(|w| w[0] != w[1]));
    }
}
