//! Exponential inter-arrival times, which make a Poisson arrival process.

use chrono::Duration;
use rand::Rng;

/// The wait until the next arrival of a process with `per_minute` arrivals on average.
/// A non-positive rate never fires (a year is as good as never here).
pub(crate) fn gap(rng: &mut impl Rng, per_minute: f64) -> Duration {
    if per_minute <= 0.0 || per_minute.is_nan() {
        return Duration::days(365);
    }
    // 1 - u is in (0, 1], so the logarithm is finite.
    let u: f64 = rng.random();
    let minutes = -(1.0 - u).ln() / per_minute;
    Duration::microseconds((minutes * 60_000_000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn mean_gap_matches_the_rate() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let n = 20_000;
        let gaps: Vec<f64> = (0..n)
            .map(|_| gap(&mut rng, 6.0).num_microseconds().unwrap() as f64 / 1e6)
            .collect();
        let mean = gaps.iter().sum::<f64>() / n as f64;
        assert!((mean - 10.0).abs() < 0.3, "mean {mean}s");
        // Exponential: the standard deviation equals the mean, and about 1/e of gaps exceed it.
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((var.sqrt() - 10.0).abs() < 0.5, "sd {}", var.sqrt());
        let above = gaps.iter().filter(|&&g| g > 10.0).count() as f64 / n as f64;
        assert!((above - (-1.0f64).exp()).abs() < 0.02, "{above}");
        assert!(gaps.iter().all(|&g| g >= 0.0));
    }

    #[test]
    fn seeded_and_rate_zero_never_fires() {
        let a: Vec<Duration> = {
            let mut r = ChaCha8Rng::seed_from_u64(1);
            (0..5).map(|_| gap(&mut r, 2.0)).collect()
        };
        let b: Vec<Duration> = {
            let mut r = ChaCha8Rng::seed_from_u64(1);
            (0..5).map(|_| gap(&mut r, 2.0)).collect()
        };
        assert_eq!(a, b);
        let mut r = ChaCha8Rng::seed_from_u64(1);
        assert!(gap(&mut r, 0.0) >= Duration::days(365));
    }
}
