//! The institution quality index: one documented formula over figures computed from the data.

use jieti_api::QualityIndex;

/// Weights of completion, rating, active learners, employment and assessment quality.
pub const WEIGHTS: [f64; 5] = [0.30, 0.30, 0.10, 0.20, 0.10];

/// Fewest ratings for the rating to count.
pub const MIN_RATINGS: u64 = 20;

/// Active learners that score full marks on that component: log10(1 + n) / 4 reaches 1 at ~10,000.
fn activity_score(active: u64) -> f64 {
    ((1.0 + active as f64).log10() / 4.0).min(1.0)
}

/// The index from its inputs (see [`QualityIndex`] for the formula).
pub fn quality_index(
    completion_rate: Option<f64>,
    rating_sum: u64,
    rating_count: u64,
    active_learners: u64,
    employment_rate: Option<f64>,
    assessment_quality: Option<f64>,
) -> QualityIndex {
    let rating = (rating_count >= MIN_RATINGS).then(|| rating_sum as f64 / rating_count as f64);
    let parts = [
        completion_rate.map(|c| c.clamp(0.0, 1.0)),
        rating.map(|r| ((r - 1.0) / 4.0).clamp(0.0, 1.0)),
        (active_learners > 0).then(|| activity_score(active_learners)),
        employment_rate.map(|e| e.clamp(0.0, 1.0)),
        assessment_quality.map(|a| a.clamp(0.0, 1.0)),
    ];
    let (mut weighted, mut weight) = (0.0, 0.0);
    for (part, w) in parts.iter().zip(WEIGHTS) {
        if let Some(p) = part {
            weighted += p * w;
            weight += w;
        }
    }
    QualityIndex {
        score: (weight > 0.0).then(|| (100.0 * weighted / weight).round().clamp(0.0, 100.0) as u8),
        completion_rate: completion_rate.map(|c| c as f32),
        rating: rating.map(|r| ((r * 100.0).round() / 100.0) as f32),
        active_learners,
        employment_rate: employment_rate.map(|e| e as f32),
        assessment_quality: assessment_quality.map(crate::stats::round3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_components_weigh_as_documented() {
        // completion 0.5, rating 4.2 → 0.8, 999 active → log10(1000)/4 = 0.75, employment 0.9.
        // Assessment: 0.9 of analysed items unflagged.
        let q = quality_index(Some(0.5), 4_200, 1_000, 999, Some(0.9), Some(0.9));
        let expected: f64 =
            100.0 * (0.30 * 0.5 + 0.30 * 0.8 + 0.10 * 0.75 + 0.20 * 0.9 + 0.10 * 0.9);
        assert_eq!(q.score, Some(expected.round() as u8));
        assert_eq!(q.rating, Some(4.2));
    }

    #[test]
    fn missing_components_rescale_the_rest() {
        // Only rating (4.6 → 0.9) and employment (0.7): (0.3 × 0.9 + 0.2 × 0.7) / 0.5 = 0.82.
        let q = quality_index(None, 46 * 100, 1_000, 0, Some(0.7), None);
        assert_eq!(q.score, Some(82));
        assert_eq!(q.completion_rate, None);
        // Too few ratings to count, nothing else: no score at all.
        let q = quality_index(None, 50, 10, 0, None, None);
        assert_eq!(q.score, None);
        assert_eq!(q.rating, None);
        // Activity saturates.
        assert_eq!(
            quality_index(None, 0, 0, 1_000_000, None, None).score,
            Some(100)
        );
    }
}
