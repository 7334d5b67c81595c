//! Catalog seeding: the demo catalog (hand-written, with real media) and a synthetic generator.

mod activity;
mod articles;
mod demo;
mod synthetic;

pub use activity::{seed_demo_accounts, DEMO_ACCOUNTS, DEMO_PASSWORD};
pub use demo::{seed_demo, DemoOutcome};
pub use synthetic::seed_synthetic;

/// Gives courses that have none a starting number of learners who completed them: 12–61 % of
/// their learners, fixed per course. Real completions add to it (ADR 0010).
pub(crate) async fn baseline_completions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE courses SET completed_count = learner_count * (12 + (doc * 7919) % 50) / 100
         WHERE completed_count = 0",
    )
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// SplitMix64: a tiny deterministic generator, so a seed always makes the same catalog.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A plausible count of ratings per star (1–5) for a seeded average and count: small tails at 1 and
/// 2 stars, the rest between the two stars around the average so that it comes out right.
pub(crate) fn rating_distribution(avg: f64, count: i64) -> [i64; 5] {
    let n = count.max(0);
    if n == 0 {
        return [0; 5];
    }
    let avg = avg.clamp(1.0, 5.0);
    let t1 = n * 2 / 100;
    let t2 = n * 3 / 100;
    let m = n - t1 - t2;
    let lo = (avg.floor() as i64).clamp(3, 4);
    // hi stars x, lo stars m - x: lo*m + x + t1 + 2*t2 = avg*n.
    let x = ((avg * n as f64).round() as i64 - lo * m - t1 - 2 * t2).clamp(0, m);
    let mut d = [t1, t2, 0, 0, 0];
    d[(lo - 1) as usize] += m - x;
    d[lo as usize] += x;
    d
}

/// The average of a distribution, 0 when empty.
pub(crate) fn average(d: &[i64; 5]) -> f64 {
    let n: i64 = d.iter().sum();
    if n == 0 {
        return 0.0;
    }
    let sum: i64 = d.iter().enumerate().map(|(i, c)| (i as i64 + 1) * c).sum();
    ((sum as f64 / n as f64) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_keep_count_and_average() {
        for (avg, n) in [
            (4.8, 12_640),
            (4.1, 37),
            (3.5, 1000),
            (4.95, 20),
            (5.0, 3),
            (4.6, 1),
        ] {
            let d = rating_distribution(avg, n);
            assert_eq!(d.iter().sum::<i64>(), n, "{avg} {n}");
            assert!(d.iter().all(|c| *c >= 0));
            if n >= 100 {
                assert!(
                    (average(&d) - avg).abs() < 0.02,
                    "{avg}: {d:?} → {}",
                    average(&d)
                );
            }
        }
        assert_eq!(rating_distribution(4.5, 0), [0; 5]);
    }
}
