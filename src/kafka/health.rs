//! Is a group keeping up? Each partition's committed offset and high watermark are kept
//! as a bounded history, and judged over a window the way Burrow judges consumers — OK,
//! WARN (lag growing), STALL (held by a member but not moving), STOP (nobody moving it
//! while behind), REWIND (the committed offset went back) — except that a partition whose
//! lag is within the allowed lag is OK however old its last commit (Burrow calls a quiet,
//! caught-up partition stopped).

use std::collections::VecDeque;

use serde::Deserialize;

/// How partitions are judged (the `[health]` table of the config).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Lag (messages) that counts as caught up.
    pub allowed_lag: i64,
    /// Seconds of history a verdict looks at.
    pub window_secs: u64,
    /// Seconds without the committed offset moving, while behind, before STALL or STOP.
    pub stuck_secs: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            allowed_lag: 0,
            window_secs: 120,
            stuck_secs: 60,
        }
    }
}

/// One look at a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// When (ms since the epoch).
    pub at_ms: i64,
    /// The group's committed offset, if any.
    pub committed: Option<i64>,
    /// The partition's high watermark, if read.
    pub high: Option<i64>,
}

impl Sample {
    /// high − committed, never negative; unknown without both.
    pub fn lag(&self) -> Option<i64> {
        Some((self.high? - self.committed?).max(0))
    }
}

/// Samples kept per partition: at one a second, a little over 15 minutes.
pub const HISTORY_LEN: usize = 1_000;
/// Samples closer together than this are merged (the latest wins), so the history spans
/// the same time however often the group is read.
const SPACING_MS: i64 = 1_000;

/// A partition's recent samples, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The samples.
    pub samples: VecDeque<Sample>,
}

impl History {
    /// Adds a sample; kept samples are at least a second apart (the newest look always
    /// ends the history).
    pub fn push(&mut self, s: Sample) {
        let n = self.samples.len();
        // The last sample stands for the newest look until it is a second after the one
        // before it; then it is kept and the next look starts a new one.
        let crowded = n >= 2 && self.samples[n - 1].at_ms - self.samples[n - 2].at_ms < SPACING_MS;
        if crowded || self.samples.back().is_some_and(|b| b.at_ms >= s.at_ms) {
            self.samples.pop_back();
        }
        self.samples.push_back(s);
        while self.samples.len() > HISTORY_LEN {
            self.samples.pop_front();
        }
    }

    /// Messages a second the committed offset moved over the last `secs` seconds.
    pub fn consumed_per_sec(&self, secs: u64) -> Option<f64> {
        self.rate(secs, |s| s.committed)
    }

    /// Messages a second the high watermark moved over the last `secs` seconds.
    pub fn produced_per_sec(&self, secs: u64) -> Option<f64> {
        self.rate(secs, |s| s.high)
    }

    fn rate(&self, secs: u64, f: impl Fn(&Sample) -> Option<i64>) -> Option<f64> {
        let last = self.samples.back()?;
        let since = last.at_ms - secs as i64 * 1000;
        let first = self
            .samples
            .iter()
            .find(|s| s.at_ms >= since && f(s).is_some())?;
        let dt = (last.at_ms - first.at_ms) as f64 / 1000.0;
        let moved = f(last)? - f(first)?;
        (dt > 0.0).then(|| moved as f64 / dt)
    }
}

/// How a partition's lag has been moving: its recent lags (oldest first, one a second)
/// and the rates behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trend {
    /// The last lags seen, oldest first.
    pub lags: Vec<i64>,
    /// Messages a minute the group consumed (its committed offset moved), over the last
    /// minute.
    pub consumed_per_min: i64,
    /// Messages a minute produced (the high watermark moved), over the last minute.
    pub produced_per_min: i64,
}

/// Lags kept in a trend.
const TREND_LEN: usize = 30;

impl Trend {
    /// The trend a history shows.
    pub fn of(h: &History) -> Trend {
        let skip = h.samples.len().saturating_sub(TREND_LEN);
        Trend {
            lags: h
                .samples
                .iter()
                .skip(skip)
                .filter_map(Sample::lag)
                .collect(),
            consumed_per_min: h
                .consumed_per_sec(60)
                .map_or(0, |r| (r * 60.0).round() as i64),
            produced_per_min: h
                .produced_per_sec(60)
                .map_or(0, |r| (r * 60.0).round() as i64),
        }
    }

    /// ↑ rising, ↓ falling, → steady, over the lags kept.
    pub fn arrow(&self) -> &'static str {
        match (self.lags.first(), self.lags.last()) {
            (Some(a), Some(b)) if b > a => "↑",
            (Some(a), Some(b)) if b < a => "↓",
            _ => "→",
        }
    }

    /// When the lag will be gone at the present rates: "catches up in 2m10s", "falling
    /// behind", or nothing when there is no lag or nothing moves.
    pub fn outlook(&self) -> String {
        let lag = self.lags.last().copied().unwrap_or(0);
        let gain = self.consumed_per_min - self.produced_per_min;
        if lag <= 0 || (self.consumed_per_min == 0 && self.produced_per_min == 0) {
            String::new()
        } else if gain > 0 {
            format!("catches up in {}", duration(lag * 60 / gain))
        } else {
            "falling behind".into()
        }
    }
}

/// What a partition (or a group: its worst partition) is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Caught up, or catching up.
    Ok,
    /// Behind, and the lag grew over the whole window.
    Warn,
    /// Held by a member, behind, and the committed offset has not moved.
    Stall,
    /// Nobody holds it, it is behind, and the committed offset has not moved.
    Stop,
    /// The committed offset went backwards.
    Rewind,
}

impl Status {
    /// As the panes show it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "WARN",
            Status::Stall => "STALL",
            Status::Stop => "STOP",
            Status::Rewind => "REWIND",
        }
    }
}

/// A verdict and the one line that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The status.
    pub status: Status,
    /// Why, e.g. "no commit for 2m10s, lag 1,204 and growing".
    pub why: String,
}

/// `secs` as `45s`, `2m10s`, `1h05m`.
pub fn duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// `n` with thousands separated by commas.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Judges a partition from its history at `now_ms`; `held` says whether a member holds
/// it now. `None` while nothing is committed or no watermark is known.
pub fn judge(h: &History, held: bool, t: &Thresholds, now_ms: i64) -> Option<Verdict> {
    let last = h.samples.back()?;
    let lag = last.lag()?;
    let committed = last.committed?;
    let since = now_ms - t.window_secs as i64 * 1000;
    let window: Vec<&Sample> = h.samples.iter().filter(|s| s.at_ms >= since).collect();
    // REWIND: the committed offset went back within the window.
    let rewound = window
        .windows(2)
        .find_map(|w| match (w[0].committed, w[1].committed) {
            (Some(a), Some(b)) if b < a => Some((a, b)),
            _ => None,
        });
    if let Some((from, to)) = rewound {
        return Some(Verdict {
            status: Status::Rewind,
            why: format!(
                "committed offset went back from {} to {}",
                count(from),
                count(to)
            ),
        });
    }
    // Within the allowed lag a partition is fine however long ago it committed: a quiet
    // topic that is all read is not a stopped consumer.
    if lag <= t.allowed_lag {
        return Some(Verdict {
            status: Status::Ok,
            why: format!("caught up (lag {})", count(lag)),
        });
    }
    // How long the committed offset has stood still: since the first of the latest run
    // of samples that show it.
    let still_since = h
        .samples
        .iter()
        .rev()
        .take_while(|s| s.committed == Some(committed))
        .last()
        .map_or(last.at_ms, |s| s.at_ms);
    // A partition that was caught up until a burst arrived has not been stuck for as
    // long as its offset has stood: count from when it fell behind.
    let behind_since = h
        .samples
        .iter()
        .rev()
        .take_while(|s| s.lag().is_some_and(|l| l > t.allowed_lag))
        .last()
        .map_or(last.at_ms, |s| s.at_ms);
    let still_secs = (now_ms - still_since.max(behind_since)) / 1000;
    let lags: Vec<i64> = window.iter().filter_map(|s| s.lag()).collect();
    // Growing: never falling over the window, and rising again and again — one burst
    // landing on a caught-up partition is a step, not a trend.
    let rises = lags.windows(2).filter(|w| w[1] > w[0]).count();
    let growing = rises >= 3 && lags.windows(2).all(|w| w[1] >= w[0]);
    let trend = if growing { " and growing" } else { "" };
    if still_secs >= t.stuck_secs as i64 {
        let (status, who) = if held {
            (Status::Stall, "held by a member, ")
        } else {
            (Status::Stop, "no member, ")
        };
        return Some(Verdict {
            status,
            why: format!(
                "{who}offset {} for {}, lag {}{trend}",
                count(committed),
                duration(still_secs),
                count(lag)
            ),
        });
    }
    if growing {
        return Some(Verdict {
            status: Status::Warn,
            why: format!(
                "lag {} and growing over {}",
                count(lag),
                duration(t.window_secs as i64)
            ),
        });
    }
    Some(Verdict {
        status: Status::Ok,
        why: format!("lag {}, consuming", count(lag)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of one sample a second: (committed, high) for each second from 0.
    fn history(points: &[(i64, i64)]) -> History {
        let mut h = History::default();
        for (i, (c, hi)) in points.iter().enumerate() {
            h.push(Sample {
                at_ms: i as i64 * 1000,
                committed: Some(*c),
                high: Some(*hi),
            });
        }
        h
    }

    fn status(points: &[(i64, i64)], held: bool) -> Verdict {
        let t = Thresholds::default();
        let now = (points.len() as i64 - 1) * 1000;
        judge(&history(points), held, &t, now).unwrap()
    }

    #[test]
    fn a_quiet_caught_up_partition_is_ok_however_old_its_commit() {
        // Ten minutes without a commit, nothing new produced: Burrow would say STOP.
        let quiet: Vec<(i64, i64)> = (0..600).map(|_| (500, 500)).collect();
        let v = status(&quiet, false);
        assert_eq!(v.status, Status::Ok, "{v:?}");
        assert_eq!(v.why, "caught up (lag 0)");
    }

    #[test]
    fn a_burst_on_a_quiet_caught_up_partition_is_not_a_stall() {
        // Caught up for ten minutes, then 49 messages arrive at once two seconds ago:
        // the offset has stood for ten minutes, but the consumer has been behind for two
        // seconds only.
        let mut points: Vec<(i64, i64)> = (0..600).map(|_| (500, 500)).collect();
        points.extend((0..3).map(|_| (500, 549)));
        let v = status(&points, true);
        assert_eq!(v.status, Status::Ok, "{v:?}");
        // Still not moving a minute later: now it is stuck.
        points.extend((0..60).map(|_| (500, 549)));
        let v = status(&points, true);
        assert_eq!(v.status, Status::Stall, "{v:?}");
        assert_eq!(v.why, "held by a member, offset 500 for 1m02s, lag 49");
    }

    #[test]
    fn a_consumer_keeping_up_with_some_lag_is_ok() {
        let steady: Vec<(i64, i64)> = (0..120).map(|i| (i * 10, i * 10 + 50)).collect();
        assert_eq!(status(&steady, true).status, Status::Ok);
    }

    #[test]
    fn lag_growing_while_consuming_is_warn() {
        let slow: Vec<(i64, i64)> = (0..120).map(|i| (i * 5, i * 10 + 20)).collect();
        let v = status(&slow, true);
        assert_eq!(v.status, Status::Warn, "{v:?}");
        assert!(v.why.contains("growing"), "{v:?}");
    }

    #[test]
    fn held_but_not_moving_while_behind_is_stall() {
        let stuck: Vec<(i64, i64)> = (0..90).map(|i| (100, 200 + i)).collect();
        let v = status(&stuck, true);
        assert_eq!(v.status, Status::Stall, "{v:?}");
        assert_eq!(
            v.why,
            "held by a member, offset 100 for 1m29s, lag 189 and growing"
        );
    }

    #[test]
    fn nobody_moving_it_while_behind_is_stop() {
        let mut points: Vec<(i64, i64)> = (0..30).map(|i| (i * 10, i * 10 + 5)).collect();
        points.extend((0..130).map(|_| (290, 1_504)));
        let v = status(&points, false);
        assert_eq!(v.status, Status::Stop, "{v:?}");
        assert_eq!(v.why, "no member, offset 290 for 2m10s, lag 1,214");
    }

    #[test]
    fn a_committed_offset_going_back_is_rewind() {
        let points = [(100, 200), (150, 200), (20, 200), (30, 200)];
        let v = status(&points, true);
        assert_eq!(v.status, Status::Rewind);
        assert_eq!(v.why, "committed offset went back from 150 to 20");
    }

    #[test]
    fn a_short_pause_is_not_yet_stuck() {
        let mut points: Vec<(i64, i64)> = (0..30).map(|i| (i * 10, i * 10 + 10)).collect();
        points.extend((0..20).map(|_| (290, 300)));
        let v = status(&points, true);
        assert_eq!(v.status, Status::Ok, "{v:?}");
        // Producing on while the consumer pauses: lag grows, a warning, not yet a stall.
        let mut points: Vec<(i64, i64)> = (0..30).map(|i| (i * 10, i * 10 + 10)).collect();
        points.extend((0..20).map(|i| (290, 300 + i)));
        assert_eq!(status(&points, true).status, Status::Warn);
    }

    #[test]
    fn nothing_committed_has_no_verdict_and_rates_come_from_the_history() {
        let mut h = History::default();
        h.push(Sample {
            at_ms: 0,
            committed: None,
            high: Some(5),
        });
        assert_eq!(judge(&h, true, &Thresholds::default(), 0), None);
        let h = history(&(0..61).map(|i| (i * 2, i * 3)).collect::<Vec<_>>());
        assert_eq!(h.consumed_per_sec(60), Some(2.0));
        assert_eq!(h.produced_per_sec(60), Some(3.0));
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(duration(130), "2m10s");
    }

    #[test]
    fn the_history_is_bounded() {
        let mut h = History::default();
        for i in 0..(HISTORY_LEN as i64 + 50) {
            h.push(Sample {
                at_ms: i * 1000,
                committed: Some(i),
                high: Some(i),
            });
        }
        assert_eq!(h.samples.len(), HISTORY_LEN);
        assert_eq!(h.samples.front().unwrap().at_ms, 50_000);
    }

    #[test]
    fn the_history_spans_a_quarter_hour_at_any_pace() {
        // Read four times a second for 20 minutes: still 15 minutes and more kept, and
        // the newest sample is the latest look.
        let mut h = History::default();
        for i in 0..(20 * 60 * 4) {
            h.push(Sample {
                at_ms: i * 250,
                committed: Some(i),
                high: Some(i),
            });
        }
        let span = h.samples.back().unwrap().at_ms - h.samples.front().unwrap().at_ms;
        assert!(span >= 15 * 60 * 1000, "{span} ms");
        assert_eq!(h.samples.back().unwrap().committed, Some(20 * 60 * 4 - 1));
    }

    #[test]
    fn the_trend_says_rising_or_falling_and_when_the_lag_is_gone() {
        // Consuming 3/s, producing 2/s, 60 behind: gone in a minute.
        let h = history(&(0..61).map(|i| (i * 3, 120 + i * 2)).collect::<Vec<_>>());
        let t = Trend::of(&h);
        assert_eq!((t.consumed_per_min, t.produced_per_min), (180, 120));
        assert_eq!(t.arrow(), "↓");
        assert_eq!(t.outlook(), "catches up in 1m00s");
        assert_eq!(t.lags.len(), 30);
        let h = history(&(0..61).map(|i| (i, 10 + i * 2)).collect::<Vec<_>>());
        let t = Trend::of(&h);
        assert_eq!((t.arrow(), t.outlook().as_str()), ("↑", "falling behind"));
        let quiet = Trend::of(&history(&[(5, 5), (5, 5)]));
        assert_eq!((quiet.arrow(), quiet.outlook().as_str()), ("→", ""));
    }
}
