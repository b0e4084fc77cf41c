//! Randomness for backoff jitter, invocation ids and idempotency tokens, from the standard
//! library's randomly seeded hasher: enough for these, without a dependency.

/// A number in `[0, 1)`.
pub(crate) fn unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// A random version-4 UUID: `amz-sdk-invocation-id` carries one per operation (the same on
/// every attempt, so the server can tell retries apart from new requests), and an
/// idempotency token the caller leaves unset is one, as botocore fills it.
pub(crate) fn uuid4() -> String {
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(8) {
        let random = (unit() * (1u64 << 53) as f64) as u64;
        let mixed = random.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (random << 11);
        chunk.copy_from_slice(&mixed.to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex: String = bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
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
