//! How an object of a known size splits into parts: S3's limits, and part sizes scaled up
//! so that every object up to the largest S3 stores fits in [`MAX_PARTS`].

use super::TransferError;

/// The smallest part S3 accepts, except the last.
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// The largest part S3 accepts.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// The most parts one upload may have.
pub const MAX_PARTS: u64 = 10_000;

/// Part sizes are scaled up in whole MiB, as the AWS CLI does.
const STEP: u64 = 1024 * 1024;

/// The parts of an object: `count` parts of `part_size` bytes, the last one shorter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) size: u64,
    pub(crate) part_size: u64,
    pub(crate) count: u64,
}

impl Plan {
    /// Parts of at least `part_size` bytes for `size` bytes; an error when even the
    /// largest parts are too few.
    pub(crate) fn new(size: u64, part_size: u64) -> Result<Plan, TransferError> {
        let needed = size.div_ceil(MAX_PARTS).div_ceil(STEP) * STEP;
        let part_size = part_size.max(needed);
        if part_size > MAX_PART_SIZE {
            return Err(TransferError::invalid(format!(
                "an object of {size} bytes needs more than {MAX_PARTS} parts of {MAX_PART_SIZE} bytes, more than S3 takes"
            )));
        }
        Ok(Plan {
            size,
            part_size,
            count: size.div_ceil(part_size).max(1),
        })
    }

    /// Part `number` (from 1): its offset and length.
    pub(crate) fn part(&self, number: u64) -> (u64, u64) {
        let offset = (number - 1) * self.part_size;
        (offset, self.part_size.min(self.size - offset))
    }

    /// Every part: number (from 1), offset and length.
    pub(crate) fn parts(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        (1..=self.count).map(|n| {
            let (offset, length) = self.part(n);
            (n, offset, length)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn parts_cover_the_object_exactly() {
        for (size, count, last) in [
            (0, 1, 0),
            (1, 1, 1),
            (8 * MIB, 1, 8 * MIB),
            (8 * MIB + 1, 2, 1),
            (3 * 8 * MIB + 7, 4, 7),
        ] {
            let plan = Plan::new(size, 8 * MIB).unwrap();
            assert_eq!(plan.count, count, "{size}");
            let parts: Vec<_> = plan.parts().collect();
            assert_eq!(parts.last().unwrap().2, last, "{size}");
            assert_eq!(parts.iter().map(|p| p.2).sum::<u64>(), size);
            assert!(parts.windows(2).all(|w| w[0].1 + w[0].2 == w[1].1));
        }
    }

    #[test]
    fn huge_objects_get_larger_parts_and_stay_under_the_limit() {
        let five_tib = 5 * 1024 * 1024 * MIB;
        let plan = Plan::new(five_tib, 8 * MIB).unwrap();
        assert!(plan.count <= MAX_PARTS);
        assert_eq!(plan.part_size % MIB, 0);
        assert_eq!(plan.part_size, 525 * MIB);
        let largest = MAX_PARTS * MAX_PART_SIZE;
        assert_eq!(Plan::new(largest, 8 * MIB).unwrap().count, MAX_PARTS);
        let err = Plan::new(largest + 1, 8 * MIB).unwrap_err().to_string();
        assert!(err.contains("10000 parts"), "{err}");
    }
}
