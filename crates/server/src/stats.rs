//! The figures the dashboard and institution analytics show, as pure functions over plain data,
//! so that tests can feed hand-made event sets with known answers.
//!
//! **Active study time.** Each progress event stands for the activity just before it: a watched
//! stretch for its length divided by its playback rate (at most [`WATCH_CAP_S`]), reading time as
//! the app measured it while the page was visible (at most [`READ_CAP_S`]); a position event alone
//! claims nothing. Every event's span ends at its time. Spans from parallel tabs and devices
//! overlap, and their union is counted, so nothing is counted twice; gaps between events count
//! nothing, so a tab left open is not study time. Days and weeks (from Monday) are the learner's,
//! in their time zone.
//!
//! **Item analysis** runs over each learner's first submitted attempt. Difficulty is the mean
//! share of the marks earned; discrimination is the Pearson correlation between the item's score
//! and the learner's score on the rest of the quiz (the corrected point-biserial, for items
//! scored right or wrong); the upper–lower index compares the top and bottom 27 % by total.

use std::collections::BTreeMap;

use jieti_api::{ItemFlag, ProgressAction, Streak};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Most seconds one watched stretch may add (the player reports at least every 10 s).
pub const WATCH_CAP_S: f64 = 60.0;

/// Most seconds one reading event may add (the app reports every 15 s while visible).
pub const READ_CAP_S: f64 = 120.0;

/// Fewest responses before an item is flagged.
pub const MIN_FLAG_RESPONSES: usize = 10;

/// The time zone for a name, or None when it is not a known IANA zone.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    TimeZone::get(name).ok()
}

/// The span `[start, end)` in Unix ms that one event claims (None when it claims nothing).
pub fn event_span(at_ms: i64, action: &ProgressAction) -> Option<(i64, i64)> {
    let seconds = match *action {
        ProgressAction::Watched { from_s, to_s, rate } => {
            let rate = f64::from(rate).clamp(0.25, 16.0);
            ((f64::from(to_s) - f64::from(from_s)) / rate).min(WATCH_CAP_S)
        }
        ProgressAction::Read { open_s, .. } => f64::from(open_s).min(READ_CAP_S),
        ProgressAction::Position { .. } => 0.0,
    };
    let ms = (seconds * 1000.0).round();
    if !(ms.is_finite() && ms >= 1.0) {
        return None;
    }
    Some((at_ms.checked_sub(ms as i64)?, at_ms))
}

/// The union of spans: sorted, non-overlapping.
pub fn union(mut spans: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    spans.retain(|(a, b)| a < b);
    spans.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The local date of an instant.
pub fn local_date(ms: i64, tz: &TimeZone) -> Date {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(tz.clone())
        .date()
}

/// Unix ms of local midnight starting `date` (the first instant of the day where a transition
/// skips midnight).
pub fn day_start_ms(date: Date, tz: &TimeZone) -> i64 {
    date.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// Active milliseconds per local day of the union of `spans`, split at local midnights.
pub fn per_day(spans: &[(i64, i64)], tz: &TimeZone) -> BTreeMap<Date, i64> {
    let mut days = BTreeMap::new();
    for &(mut a, b) in union(spans.to_vec()).iter() {
        while a < b {
            let date = local_date(a, tz);
            let next = date
                .tomorrow()
                .map(|d| day_start_ms(d, tz))
                .unwrap_or(i64::MAX);
            let end = b.min(next.max(a + 1));
            *days.entry(date).or_insert(0) += end - a;
            a = end;
        }
    }
    days
}

/// The Monday that starts `date`'s week.
pub fn week_start(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(back.days()).unwrap_or(date)
}

/// `date` moved by `n` days (clamped to jiff's range).
pub fn add_days(date: Date, n: i64) -> Date {
    date.checked_add(n.days()).unwrap_or(date)
}

/// Streaks of days with at least `daily_ms` of activity, counted up to `today`.
pub fn streak(days: &BTreeMap<Date, i64>, today: Date, daily_ms: i64) -> Streak {
    let met = |d: Date| days.get(&d).is_some_and(|&ms| ms >= daily_ms);
    let mut best = 0u32;
    let mut run = 0u32;
    let mut prev: Option<Date> = None;
    for (&d, &ms) in days.range(..=today) {
        if ms < daily_ms {
            continue;
        }
        run = match prev {
            Some(p) if add_days(p, 1) == d => run + 1,
            _ => 1,
        };
        best = best.max(run);
        prev = Some(d);
    }
    let today_met = met(today);
    let mut current = 0u32;
    let mut d = if today_met {
        today
    } else {
        add_days(today, -1)
    };
    while met(d) {
        current += 1;
        d = add_days(d, -1);
    }
    Streak {
        current,
        best,
        today_met,
    }
}

/// One learner's first submitted attempt, for item analysis: item scores by question id.
#[derive(Clone, Debug, Default)]
pub struct Response {
    /// Question id → (score, max score).
    pub items: BTreeMap<String, (f64, f64)>,
}

impl Response {
    /// Total score over the items.
    pub fn total(&self) -> f64 {
        self.items.values().map(|(s, _)| s).sum()
    }
}

/// An item's figures (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemFigures {
    /// Responses that include the item.
    pub responses: usize,
    /// Mean share of marks earned.
    pub difficulty: Option<f64>,
    /// Corrected item–rest correlation.
    pub discrimination: Option<f64>,
    /// Upper 27 % difficulty minus lower 27 % difficulty.
    pub upper_lower: Option<f64>,
    /// Flags (only from [`MIN_FLAG_RESPONSES`] responses).
    pub flags: Vec<ItemFlag>,
}

/// Pearson correlation, None when either side does not vary.
pub fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let mx = xs[..n].iter().sum::<f64>() / n as f64;
    let my = ys[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (xs[i] - mx, ys[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 1e-12 && syy > 1e-12).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Item analysis of `question` over `responses`.
pub fn item_figures(question: &str, responses: &[Response]) -> ItemFigures {
    // (share of the item's marks, total score, rest score)
    let mut rows: Vec<(f64, f64, f64)> = responses
        .iter()
        .filter_map(|r| {
            let &(s, max) = r.items.get(question)?;
            let share = if max > 0.0 {
                (s / max).clamp(0.0, 1.0)
            } else {
                return None;
            };
            let total = r.total();
            Some((share, total, total - s))
        })
        .collect();
    let n = rows.len();
    if n == 0 {
        return ItemFigures {
            responses: 0,
            difficulty: None,
            discrimination: None,
            upper_lower: None,
            flags: Vec::new(),
        };
    }
    let difficulty = rows.iter().map(|r| r.0).sum::<f64>() / n as f64;
    let xs: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let rest: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let discrimination = correlation(&xs, &rest);
    // Upper and lower groups: 27 % each by total score (at least one learner; none below 4).
    let upper_lower = (n >= 4).then(|| {
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        let k = ((n as f64) * 0.27).round().max(1.0) as usize;
        let mean = |s: &[(f64, f64, f64)]| s.iter().map(|r| r.0).sum::<f64>() / s.len() as f64;
        mean(&rows[..k]) - mean(&rows[n - k..])
    });
    let mut flags = Vec::new();
    if n >= MIN_FLAG_RESPONSES {
        if difficulty < 0.2 {
            flags.push(ItemFlag::TooHard);
        }
        if difficulty > 0.95 {
            flags.push(ItemFlag::TooEasy);
        }
        match discrimination.or(upper_lower) {
            Some(d) if d < 0.0 => flags.push(ItemFlag::NegativeDiscrimination),
            Some(d) if d < 0.2 && difficulty <= 0.95 => flags.push(ItemFlag::LowDiscrimination),
            _ => {}
        }
    }
    ItemFigures {
        responses: n,
        difficulty: Some(difficulty),
        discrimination,
        upper_lower,
        flags,
    }
}

/// Ten score bands: 0–9 %, …, 80–89 %, 90–100 %.
pub fn histogram(pcts: &[f64]) -> Vec<u32> {
    let mut bands = vec![0u32; 10];
    for &p in pcts {
        if p.is_finite() {
            bands[((p / 10.0).floor().clamp(0.0, 9.0)) as usize] += 1;
        }
    }
    bands
}

/// Rounds to 3 decimals for the wire (figures, not measurements of a thousandth).
pub fn round3(x: f64) -> f32 {
    ((x * 1000.0).round() / 1000.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        time_zone("Asia/Shanghai").expect("tz")
    }

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().expect("ts").as_millisecond()
    }

    #[test]
    fn spans_cap_and_parallel_tabs_count_once() {
        let read = |open_s| ProgressAction::Read {
            open_s,
            reached_end: false,
            block: 0,
        };
        assert_eq!(event_span(100_000, &read(15.0)), Some((85_000, 100_000)));
        // A device asleep for an hour reports an hour open: only the cap counts.
        assert_eq!(
            event_span(10_000_000, &read(3600.0)),
            Some((9_880_000, 10_000_000))
        );
        // Double speed: 20 s of video took 10 s.
        let w = ProgressAction::Watched {
            from_s: 0.0,
            to_s: 20.0,
            rate: 2.0,
        };
        assert_eq!(event_span(50_000, &w), Some((40_000, 50_000)));
        assert_eq!(
            event_span(1, &ProgressAction::Position { position_s: 9.0 }),
            None
        );
        // Two tabs reporting the same minute: counted once; a gap counts nothing.
        let u = union(vec![(0, 60_000), (30_000, 90_000), (200_000, 210_000)]);
        assert_eq!(u, vec![(0, 90_000), (200_000, 210_000)]);
    }

    #[test]
    fn days_split_at_local_midnight() {
        let tz = shanghai();
        // 23:59 to 00:01 Shanghai time = 15:59–16:01 UTC.
        let a = ms("2026-11-01T15:59:00Z");
        let days = per_day(&[(a, a + 120_000)], &tz);
        let d1: Date = "2026-11-01".parse().unwrap();
        let d2: Date = "2026-11-02".parse().unwrap();
        assert_eq!(days.get(&d1), Some(&60_000));
        assert_eq!(days.get(&d2), Some(&60_000));
        // In UTC the same two minutes fall on one day.
        let utc = per_day(&[(a, a + 120_000)], &TimeZone::UTC);
        assert_eq!(utc.values().copied().collect::<Vec<_>>(), vec![120_000]);
    }

    #[test]
    fn streaks_run_to_today_or_yesterday() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let mut days = BTreeMap::new();
        for (day, min) in [
            ("2026-11-20", 15),
            ("2026-11-21", 12),
            ("2026-11-22", 3), // under the minimum: breaks the run
            ("2026-11-23", 10),
            ("2026-11-24", 30),
            ("2026-11-25", 11),
        ] {
            days.insert(d(day), min * 60_000);
        }
        let s = streak(&days, d("2026-11-25"), 10 * 60_000);
        assert_eq!((s.current, s.best, s.today_met), (3, 3, true));
        // Next day, nothing yet: the streak still stands until the day ends.
        let s = streak(&days, d("2026-11-26"), 10 * 60_000);
        assert_eq!((s.current, s.today_met), (3, false));
        // A day later it is broken.
        assert_eq!(streak(&days, d("2026-11-27"), 10 * 60_000).current, 0);
        assert_eq!(week_start(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-23")), d("2026-11-23"));
    }

    fn resp(items: &[(&str, f64)]) -> Response {
        Response {
            items: items
                .iter()
                .map(|&(q, s)| (q.to_owned(), (s, 1.0)))
                .collect(),
        }
    }

    #[test]
    fn item_analysis_matches_hand_figures() {
        // Five learners; q1 is answered right by the strong ones, q3 only by the weak ones.
        let rs = vec![
            resp(&[("q1", 1.0), ("q2", 1.0), ("q3", 0.0), ("q4", 1.0)]),
            resp(&[("q1", 1.0), ("q2", 1.0), ("q3", 0.0), ("q4", 1.0)]),
            resp(&[("q1", 1.0), ("q2", 0.0), ("q3", 0.0), ("q4", 1.0)]),
            resp(&[("q1", 0.0), ("q2", 0.0), ("q3", 1.0), ("q4", 0.0)]),
            resp(&[("q1", 0.0), ("q2", 0.0), ("q3", 1.0), ("q4", 0.0)]),
        ];
        let q1 = item_figures("q1", &rs);
        assert_eq!(q1.responses, 5);
        assert!((q1.difficulty.unwrap() - 0.6).abs() < 1e-9);
        // Rest scores (q2+q3+q4): 2, 2, 1, 1, 1; q1: 1,1,1,0,0.
        // r = cov/sd: mean x 0.6, mean y 1.4; Σdxdy = 0.4·0.6·2 + 0.4·(−0.4) + (−0.6)(−0.4)·2 = 0.8;
        // Σdx² = 1.2; Σdy² = 1.2 → r = 0.8 / 1.2 = 0.6667.
        assert!((q1.discrimination.unwrap() - 0.8 / 1.2).abs() < 1e-9);
        // 27 % of 5 rounds to 1: top total 3 (q1 right), bottom total 1 (q1 wrong) → 1.
        assert_eq!(q1.upper_lower, Some(1.0));
        let q3 = item_figures("q3", &rs);
        assert!(q3.discrimination.unwrap() < 0.0);
        assert_eq!(q3.upper_lower, Some(-1.0));
        // Too few responses to flag.
        assert!(q3.flags.is_empty());
        // Twice over (10 responses): q3 is flagged for negative discrimination.
        let ten: Vec<Response> = rs.iter().chain(rs.iter()).cloned().collect();
        assert_eq!(
            item_figures("q3", &ten).flags,
            vec![ItemFlag::NegativeDiscrimination]
        );
        // Everyone right: no variance, no correlation, too easy.
        let easy: Vec<Response> = (0..10)
            .map(|i| resp(&[("e", 1.0), ("x", f64::from(i % 2))]))
            .collect();
        let e = item_figures("e", &easy);
        assert_eq!(e.discrimination, None);
        assert_eq!(e.flags, vec![ItemFlag::TooEasy]);
        // Almost nobody right: too hard.
        let hard: Vec<Response> = (0..10)
            .map(|i| {
                resp(&[
                    ("h", if i == 0 { 1.0 } else { 0.0 }),
                    ("x", f64::from(i % 2)),
                ])
            })
            .collect();
        assert!(item_figures("h", &hard).flags.contains(&ItemFlag::TooHard));
        assert_eq!(
            histogram(&[0.0, 9.99, 10.0, 59.5, 100.0, 95.0]),
            vec![2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
        );
    }
}
