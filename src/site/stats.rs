//! Duration statistics. Incident durations are heavily skewed, so summaries use the
//! median and the 90th percentile, never the mean.

use jiff::SignedDuration;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Median and p90 of a set of durations, and how many there were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DurationStats {
    /// How many durations the figures come from.
    pub count: usize,
    /// The median (the mean of the two middle values for an even count).
    pub median: Option<SignedDuration>,
    /// The 90th percentile, nearest-rank: the smallest value with at least 90% of the
    /// values at or below it.
    pub p90: Option<SignedDuration>,
}

impl DurationStats {
    /// Computes the figures of `durations` (in any order).
    pub fn of(durations: impl IntoIterator<Item = SignedDuration>) -> Self {
        let mut sorted: Vec<SignedDuration> = durations.into_iter().collect();
        sorted.sort();
        let count = sorted.len();
        if count == 0 {
            return Self::default();
        }
        let median = if count % 2 == 1 {
            sorted[count / 2]
        } else {
            let (a, b) = (sorted[count / 2 - 1], sorted[count / 2]);
            SignedDuration::from_secs((a.as_secs() + b.as_secs()) / 2)
        };
        // Nearest rank: ceil(0.9 * n), 1-based.
        let rank = (count * 9).div_ceil(10).max(1);
        Self {
            count,
            median: Some(median),
            p90: Some(sorted[rank - 1]),
        }
    }
}

/// As `{ "count": 5, "median_seconds": 2700, "p90_seconds": 36000 }` (figures `null` when
/// there are no durations), for `postmortems.json`-style exports and `hindsight stats`.
impl Serialize for DurationStats {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("DurationStats", 3)?;
        state.serialize_field("count", &self.count)?;
        state.serialize_field("median_seconds", &self.median.map(|d| d.as_secs()))?;
        state.serialize_field("p90_seconds", &self.p90.map(|d| d.as_secs()))?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mins(values: &[i64]) -> Vec<SignedDuration> {
        values
            .iter()
            .map(|m| SignedDuration::from_mins(*m))
            .collect()
    }

    #[test]
    fn median_and_p90_match_hand_computed_values() {
        let stats = DurationStats::of(mins(&[45, 150, 10, 30, 600]));
        assert_eq!(stats.count, 5);
        assert_eq!(stats.median, Some(SignedDuration::from_mins(45)));
        // ceil(0.9 * 5) = 5th smallest.
        assert_eq!(stats.p90, Some(SignedDuration::from_mins(600)));

        let even = DurationStats::of(mins(&[10, 20, 30, 40]));
        assert_eq!(even.median, Some(SignedDuration::from_mins(25)));
        assert_eq!(even.p90, Some(SignedDuration::from_mins(40)));

        let ten = DurationStats::of(mins(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 100]));
        // ceil(0.9 * 10) = 9th smallest.
        assert_eq!(ten.p90, Some(SignedDuration::from_mins(9)));
    }

    #[test]
    fn no_durations_give_no_figures() {
        let stats = DurationStats::of(Vec::new());
        assert_eq!(stats, DurationStats::default());
        assert_eq!(stats.median, None);
    }
}
