//! Interval fuzz as Anki and py-fsrs apply it: intervals over 2.5 days are spread by a few
//! percent so cards added together do not stay due together forever.

/// (from, to, factor): the share of the interval in each range that may be fuzzed.
const FUZZ_RANGES: [(f64, f64, f64); 3] = [(2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, f64::INFINITY, 0.05)];

/// The inclusive range of days a fuzzed `interval` may take.
pub(crate) fn fuzz_range(interval: f64, maximum: u32) -> (u32, u32) {
    let delta: f64 = 1.0
        + FUZZ_RANGES.iter().map(|(start, end, factor)| factor * (interval.min(*end) - start).max(0.0)).sum::<f64>();
    let max = f64::from(maximum);
    let low = (interval - delta).round().max(2.0).min(max);
    let high = (interval + delta).round().min(max).max(low);
    (to_days(low), to_days(high))
}

fn to_days(value: f64) -> u32 {
    // Values are clamped to [2, maximum] above, so they fit.
    value.clamp(0.0, f64::from(u32::MAX)) as u32
}

/// A deterministic pick in `[low, high]` from `seed` (SplitMix64), so the interval shown on a
/// button before the review is the one the review then gives.
pub(crate) fn pick(low: u32, high: u32, seed: u64) -> u32 {
    if high <= low {
        return low;
    }
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let span = u64::from(high - low) + 1;
    low + u32::try_from(z % span).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_intervals_are_not_fuzzed_much_and_long_ones_by_percent() {
        assert_eq!(fuzz_range(3.0, 36500), (2, 4));
        let (low, high) = fuzz_range(100.0, 36500);
        assert!(low >= 93 && high <= 107 && low < high, "{low}..{high}");
        assert_eq!(fuzz_range(36500.0, 36500).1, 36500, "never past the maximum");
    }

    #[test]
    fn picks_are_deterministic_and_in_range() {
        for seed in 0..1000 {
            let v = pick(10, 14, seed);
            assert!((10..=14).contains(&v));
            assert_eq!(v, pick(10, 14, seed));
        }
        assert_eq!(pick(5, 5, 42), 5);
    }
}
