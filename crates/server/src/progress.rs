//! The rules that turn progress events into lesson state: played intervals, completion, reading.
//!
//! The client reports what it saw; the server decides what counts. A video is complete when at
//! least [`VIDEO_COMPLETE_SHARE`] of its distinct seconds were played at a rate of at most
//! [`MAX_COUNTED_RATE`]: a seek produces no interval, replaying a part adds nothing, and a
//! stretch longer than [`MAX_STRETCH_S`] (which an honest player never sends) counts for nothing.
//! An article is complete when its end was on screen and it was open for [`min_read_s`] seconds.

/// Share of a video's distinct seconds that must be played for it to count as complete.
pub const VIDEO_COMPLETE_SHARE: f64 = 0.9;

/// Fastest playback rate whose playing counts (faster is skimming, not watching).
pub const MAX_COUNTED_RATE: f64 = 2.0;

/// Longest stretch of media one event may report; the player reports at least every 10 s.
pub const MAX_STRETCH_S: f64 = 60.0;

/// Most seconds one reading event may add (the app reports every 15 s while visible).
pub const MAX_READ_STEP_S: f64 = 120.0;

/// Seconds an article of `text_chars` characters must stay open before its end counts as read.
///
/// A quarter of the time at 400 characters a minute (a fast skim), between 5 s and 5 min.
pub fn min_read_s(text_chars: u32) -> u32 {
    (text_chars / 27).clamp(5, 300)
}

/// Sorted, non-overlapping played intervals of one video, in seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Played(Vec<(f64, f64)>);

impl Played {
    /// Reads the stored JSON form `[[from, to], …]`; anything unreadable counts as nothing played.
    pub fn from_json(json: &str) -> Played {
        let raw: Vec<(f64, f64)> = serde_json::from_str(json).unwrap_or_default();
        let mut p = Played::default();
        for (a, b) in raw {
            p.add(a, b);
        }
        p
    }

    /// The stored JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// Adds `[from, to)`, merging it with what it overlaps or touches.
    pub fn add(&mut self, from: f64, to: f64) {
        if !(from.is_finite() && to.is_finite() && from < to) {
            return;
        }
        let (mut a, mut b) = (from, to);
        // Intervals within a quarter second are one: timeupdate fires every ~250 ms.
        const JOIN: f64 = 0.25;
        self.0.retain(|&(x, y)| {
            let overlaps = x <= b + JOIN && a <= y + JOIN;
            if overlaps {
                a = a.min(x);
                b = b.max(y);
            }
            !overlaps
        });
        let at = self.0.partition_point(|&(x, _)| x < a);
        self.0.insert(at, (a, b));
    }

    /// Distinct seconds played.
    pub fn seconds(&self) -> f64 {
        self.0.iter().map(|(a, b)| b - a).sum()
    }

    /// The intervals.
    pub fn intervals(&self) -> &[(f64, f64)] {
        &self.0
    }
}

/// Whether a reported stretch counts: a real forward stretch inside the video at a rate that
/// is watching, not skimming.
pub fn stretch_counts(from: f64, to: f64, rate: f64, duration: f64) -> bool {
    from.is_finite()
        && to.is_finite()
        && rate.is_finite()
        && from >= 0.0
        && from < to
        // Allow the last frame's rounding past the end.
        && to <= duration + 1.0
        && to - from <= MAX_STRETCH_S
        && rate > 0.0
        && rate <= MAX_COUNTED_RATE + 1e-6
}

/// Whether `played` makes a video of `duration` seconds complete.
pub fn video_complete(played: &Played, duration: f64) -> bool {
    duration > 0.0 && played.seconds() >= VIDEO_COMPLETE_SHARE * duration
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_touching_intervals_merge() {
        let mut p = Played::default();
        p.add(10.0, 20.0);
        p.add(0.0, 5.0);
        p.add(15.0, 30.0);
        p.add(5.1, 9.9);
        assert_eq!(p.intervals(), &[(0.0, 30.0)]);
        p.add(40.0, 50.0);
        assert_eq!(p.intervals(), &[(0.0, 30.0), (40.0, 50.0)]);
        assert!((p.seconds() - 40.0).abs() < 1e-9);
        // Replaying a part adds nothing.
        p.add(0.0, 30.0);
        assert!((p.seconds() - 40.0).abs() < 1e-9);
        assert_eq!(Played::from_json(&p.to_json()), p);
    }

    #[test]
    fn bad_intervals_are_ignored() {
        let mut p = Played::default();
        p.add(5.0, 5.0);
        p.add(9.0, 3.0);
        p.add(f64::NAN, 3.0);
        assert_eq!(p.seconds(), 0.0);
        assert_eq!(Played::from_json("not json").seconds(), 0.0);
    }

    #[test]
    fn what_counts_as_watching() {
        assert!(stretch_counts(0.0, 10.0, 1.0, 60.0));
        assert!(stretch_counts(0.0, 10.0, 2.0, 60.0));
        assert!(!stretch_counts(0.0, 10.0, 2.5, 60.0), "faster than 2x");
        assert!(!stretch_counts(0.0, 10.0, 0.0, 60.0));
        assert!(!stretch_counts(-1.0, 10.0, 1.0, 60.0));
        assert!(
            !stretch_counts(0.0, 61.0, 1.0, 600.0),
            "longer than one report"
        );
        assert!(!stretch_counts(55.0, 70.0, 1.0, 60.0), "past the end");
        assert!(!stretch_counts(10.0, 10.0, 1.0, 60.0));
    }

    #[test]
    fn completion_needs_ninety_percent_of_distinct_seconds() {
        let mut p = Played::default();
        p.add(0.0, 50.0);
        assert!(!video_complete(&p, 60.0));
        p.add(50.0, 53.9);
        assert!(!video_complete(&p, 60.0));
        p.add(53.9, 54.0);
        assert!(video_complete(&p, 60.0));
        assert!(!video_complete(&Played::default(), 0.0));
    }

    #[test]
    fn reading_time_follows_length() {
        assert_eq!(min_read_s(0), 5);
        assert_eq!(min_read_s(1350), 50);
        assert_eq!(min_read_s(1_000_000), 300);
    }
}
