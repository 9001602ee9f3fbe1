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
            stuck_secs: 30,
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

/// Which way a lag is going.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    /// The consumer loses ground.
    Rising,
    /// The consumer gains ground.
    Falling,
    /// Neither, within what one commit interval's sawtooth explains.
    #[default]
    Steady,
}

/// How a partition's lag has been moving: its recent lags (oldest first, one a second)
/// for the sparkline, and one direction that the arrow and the outlook both come from,
/// so they cannot contradict each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trend {
    /// The last lags seen, oldest first.
    pub lags: Vec<i64>,
    /// Which way the lag went over the last minute.
    pub direction: Direction,
    /// While falling: seconds until the lag is gone at the last minute's pace.
    pub catch_up_secs: Option<i64>,
}

/// Lags kept in a trend.
const TREND_LEN: usize = 30;
/// How far back a trend compares the lag with.
const TREND_SPAN_MS: i64 = 60_000;
/// A trend compares the lag's floor (its least) over this long: consumers commit every
/// few seconds (5 s by default in librdkafka and the Java client), so the lag saws up
/// between commits and drops at each; its floor over a commit interval moves only when
/// the consumer really gains or loses ground.
const FLOOR_MS: i64 = 10_000;
/// A floor this much apart is noise: what the sampling (a look a second) and the
/// commits' timing can add.
const FLOOR_NOISE: i64 = 3;

impl Trend {
    /// The trend a history shows.
    pub fn of(h: &History) -> Trend {
        let skip = h.samples.len().saturating_sub(TREND_LEN);
        let (direction, catch_up_secs) = direction_of(h);
        Trend {
            lags: h
                .samples
                .iter()
                .skip(skip)
                .filter_map(Sample::lag)
                .collect(),
            direction,
            catch_up_secs,
        }
    }

    /// ↑ rising, ↓ falling, → steady.
    pub fn arrow(&self) -> &'static str {
        match self.direction {
            Direction::Rising => "↑",
            Direction::Falling => "↓",
            Direction::Steady => "→",
        }
    }

    /// What the direction means for the consumer: "catches up in 2m10s", "falling
    /// behind", or nothing when it is steady or has no lag.
    pub fn outlook(&self) -> String {
        let lag = self.lags.last().copied().unwrap_or(0);
        match (self.direction, self.catch_up_secs) {
            _ if lag <= 0 => String::new(),
            (Direction::Rising, _) => "falling behind".into(),
            (Direction::Falling, Some(secs)) => format!("catches up in {}", duration(secs)),
            _ => String::new(),
        }
    }
}

/// The least lag among the samples in the `FLOOR_MS` up to `end_ms`.
fn floor_at(h: &History, end_ms: i64) -> Option<i64> {
    h.samples
        .iter()
        .filter(|s| s.at_ms <= end_ms && s.at_ms > end_ms - FLOOR_MS)
        .filter_map(Sample::lag)
        .min()
}

/// The high watermark of the last sample at or before `at_ms`.
fn high_at(h: &History, at_ms: i64) -> Option<i64> {
    h.samples
        .iter()
        .rev()
        .find(|s| s.at_ms <= at_ms && s.high.is_some())
        .and_then(|s| s.high)
}

/// Which way the lag's floor went over the last minute (or what history there is), and
/// while it falls, when it will be gone. A change smaller than the noise, or than what
/// is produced in half a commit interval, is steady.
fn direction_of(h: &History) -> (Direction, Option<i64>) {
    let (Some(first), Some(last)) = (h.samples.front(), h.samples.back()) else {
        return (Direction::Steady, None);
    };
    let then_end = (last.at_ms - TREND_SPAN_MS).max(first.at_ms + FLOOR_MS - 1);
    let span_ms = last.at_ms - then_end;
    let (Some(now), Some(then)) = (floor_at(h, last.at_ms), floor_at(h, then_end)) else {
        return (Direction::Steady, None);
    };
    if span_ms < FLOOR_MS {
        return (Direction::Steady, None);
    }
    let produced = match (high_at(h, then_end), last.high) {
        (Some(a), Some(b)) => (b - a).max(0),
        _ => 0,
    };
    let tolerance = FLOOR_NOISE.max(produced * FLOOR_MS / 2 / span_ms);
    let change = now - then;
    if change > tolerance {
        (Direction::Rising, None)
    } else if change < -tolerance {
        let per_sec = (-change) as f64 * 1000.0 / span_ms as f64;
        (
            Direction::Falling,
            Some((now as f64 / per_sec).round() as i64),
        )
    } else {
        (Direction::Steady, None)
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

/// Who holds a partition at the moment it is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// A member of the group holds it.
    Member,
    /// The group has members, but none holds it (a rebalance, or more partitions than
    /// the members were given).
    Nobody,
    /// The group has no members at all: nothing can move its offset.
    NoMembers,
}

impl Holder {
    /// How a reason names the holder.
    fn who(self) -> &'static str {
        match self {
            Holder::Member => "held by a member, ",
            Holder::Nobody => "held by no member, ",
            Holder::NoMembers => "no member, ",
        }
    }
}

/// A committed offset that moved this recently is being consumed: consumers commit every
/// few seconds (5 s by default in librdkafka and the Java client), so an offset that
/// stands longer than twice that while behind is not moving.
const MOVING_MS: i64 = 10_000;

/// What a partition's history says about its committed offset while it is behind.
#[derive(Debug, Clone, Copy)]
struct Standstill {
    /// The offset was seen to change within `MOVING_MS` (or `stuck_secs`, if shorter).
    moving: bool,
    /// The offset was seen to change at all (on a first look nobody knows).
    seen_moving: bool,
    /// How long it has been behind: as seen, or — when it was never seen caught up — at
    /// least as old as the oldest message it has not consumed.
    behind_ms: i64,
    /// How long it has been behind with the offset standing still, as seen.
    stuck_ms: i64,
}

/// Reads how long the committed offset has stood and the partition has been behind.
fn standstill(h: &History, t: &Thresholds, lag_ms: Option<i64>, now_ms: i64) -> Standstill {
    let samples = &h.samples;
    let last = samples.len() - 1;
    let committed = samples[last].committed;
    // The first of the latest run of samples showing the committed offset.
    let run = samples
        .iter()
        .rposition(|s| s.committed != committed)
        .map_or(0, |i| i + 1);
    let still_ms = now_ms - samples[run].at_ms;
    // A partition that was caught up until a burst arrived has not been stuck for as
    // long as its offset has stood: count from when it fell behind.
    let behind = samples
        .iter()
        .rposition(|s| s.lag().is_none_or(|l| l <= t.allowed_lag))
        .map_or(0, |i| i + 1);
    let seen_behind_ms = now_ms - samples[behind].at_ms;
    // Never seen caught up: the oldest unconsumed message says how long at least.
    let behind_ms = if behind == 0 {
        seen_behind_ms.max(lag_ms.unwrap_or(0))
    } else {
        seen_behind_ms
    };
    let grace = MOVING_MS.min(t.stuck_secs as i64 * 1000);
    Standstill {
        moving: run > 0 && still_ms < grace,
        seen_moving: run > 0,
        behind_ms,
        stuck_ms: still_ms.min(seen_behind_ms),
    }
}

/// Judges a partition from its history at `now_ms`: `holder` says who holds it now, and
/// `lag_ms` how old the oldest message the group has not consumed is (evidence of how
/// long it has been behind before the history began). `None` while nothing is committed
/// or no watermark is known.
pub fn judge(
    h: &History,
    holder: Holder,
    lag_ms: Option<i64>,
    t: &Thresholds,
    now_ms: i64,
) -> Option<Verdict> {
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
        return Some(verdict(
            Status::Rewind,
            format!(
                "committed offset went back from {} to {}",
                count(from),
                count(to)
            ),
        ));
    }
    // Within the allowed lag a partition is fine however long ago it committed: a quiet
    // topic that is all read is not a stopped consumer.
    if lag <= t.allowed_lag {
        return Some(verdict(
            Status::Ok,
            format!("caught up (lag {})", count(lag)),
        ));
    }
    let s = standstill(h, t, lag_ms, now_ms);
    let lags: Vec<i64> = window.iter().filter_map(|s| s.lag()).collect();
    // Growing: never falling over the window, and rising again and again — one burst
    // landing on a caught-up partition is a step, not a trend — for longer than a
    // commit interval, during which any consumer's lag only rises.
    let rises = lags.windows(2).filter(|w| w[1] > w[0]).count();
    let seen_ms = window.last().map_or(0, |l| l.at_ms) - window.first().map_or(0, |f| f.at_ms);
    let growing = rises >= 3 && seen_ms >= MOVING_MS && lags.windows(2).all(|w| w[1] >= w[0]);
    let trend = if growing { " and growing" } else { "" };
    let (who, offset, lag) = (holder.who(), count(committed), count(lag));
    let secs = |ms: i64| duration(ms / 1000);
    if s.stuck_ms >= t.stuck_secs as i64 * 1000 {
        let status = match holder {
            Holder::Member => Status::Stall,
            Holder::Nobody | Holder::NoMembers => Status::Stop,
        };
        let still = secs(s.stuck_ms);
        return Some(verdict(
            status,
            format!("{who}offset {offset} for {still}, lag {lag}{trend}"),
        ));
    }
    // A group without members cannot be consuming, unless something outside it (a
    // consumer that assigns itself partitions) still moves its offset.
    if holder == Holder::NoMembers && !s.moving {
        let behind = secs(s.behind_ms);
        return Some(verdict(
            Status::Stop,
            format!("{who}offset {offset}, lag {lag}, behind for {behind}"),
        ));
    }
    if growing {
        let window = duration(t.window_secs as i64);
        return Some(verdict(
            Status::Warn,
            format!("lag {lag} and growing over {window}"),
        ));
    }
    if s.moving {
        return Some(verdict(Status::Ok, format!("lag {lag}, consuming")));
    }
    // Behind and not moving, but not for `stuck_secs` yet.
    if s.stuck_ms >= MOVING_MS.min(t.stuck_secs as i64 * 1000) {
        let still = secs(s.stuck_ms);
        return Some(verdict(
            Status::Warn,
            format!("{who}offset {offset} unmoved for {still}, lag {lag}"),
        ));
    }
    // First looks at a partition long behind: its lag in time is evidence already.
    if !s.seen_moving && s.behind_ms >= t.stuck_secs as i64 * 1000 {
        let behind = secs(s.behind_ms);
        return Some(verdict(
            Status::Warn,
            format!("{who}offset {offset} not seen moving, lag {lag}, behind for {behind}"),
        ));
    }
    let behind = secs(s.behind_ms);
    Some(verdict(
        Status::Ok,
        format!("lag {lag}, behind for {behind}"),
    ))
}

fn verdict(status: Status, why: String) -> Verdict {
    Verdict { status, why }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of one sample a second: (committed, high) for each second from 0.
    /// Adds the look taken at second `i`: committed offset and high watermark.
    fn push_second(h: &mut History, i: usize, (committed, high): (i64, i64)) {
        h.push(Sample {
            at_ms: i as i64 * 1000,
            committed: Some(committed),
            high: Some(high),
        });
    }

    fn history(points: &[(i64, i64)]) -> History {
        let mut h = History::default();
        for (i, p) in points.iter().enumerate() {
            push_second(&mut h, i, *p);
        }
        h
    }

    fn status(points: &[(i64, i64)], holder: Holder) -> Verdict {
        let t = Thresholds::default();
        let now = (points.len() as i64 - 1) * 1000;
        judge(&history(points), holder, None, &t, now).unwrap()
    }

    #[test]
    fn a_quiet_caught_up_partition_is_ok_however_old_its_commit() {
        // Ten minutes without a commit, nothing new produced: Burrow would say STOP.
        let quiet: Vec<(i64, i64)> = (0..600).map(|_| (500, 500)).collect();
        let v = status(&quiet, Holder::NoMembers);
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
        let v = status(&points, Holder::Member);
        assert_eq!(v.status, Status::Ok, "{v:?}");
        // Still not moving a minute later: now it is stuck.
        points.extend((0..60).map(|_| (500, 549)));
        let v = status(&points, Holder::Member);
        assert_eq!(v.status, Status::Stall, "{v:?}");
        assert_eq!(v.why, "held by a member, offset 500 for 1m02s, lag 49");
    }

    #[test]
    fn a_consumer_keeping_up_with_some_lag_is_ok() {
        let steady: Vec<(i64, i64)> = (0..120).map(|i| (i * 10, i * 10 + 50)).collect();
        assert_eq!(status(&steady, Holder::Member).status, Status::Ok);
    }

    #[test]
    fn lag_growing_while_consuming_is_warn() {
        let slow: Vec<(i64, i64)> = (0..120).map(|i| (i * 5, i * 10 + 20)).collect();
        let v = status(&slow, Holder::Member);
        assert_eq!(v.status, Status::Warn, "{v:?}");
        assert!(v.why.contains("growing"), "{v:?}");
    }

    #[test]
    fn held_but_not_moving_while_behind_is_stall() {
        let stuck: Vec<(i64, i64)> = (0..90).map(|i| (100, 200 + i)).collect();
        let v = status(&stuck, Holder::Member);
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
        let v = status(&points, Holder::NoMembers);
        assert_eq!(v.status, Status::Stop, "{v:?}");
        assert_eq!(v.why, "no member, offset 290 for 2m10s, lag 1,214");
        // Members there, but none holds it (a long rebalance): STOP too, said so.
        let v = status(&points, Holder::Nobody);
        assert_eq!(v.status, Status::Stop, "{v:?}");
        assert_eq!(v.why, "held by no member, offset 290 for 2m10s, lag 1,214");
    }

    #[test]
    fn a_committed_offset_going_back_is_rewind() {
        let points = [(100, 200), (150, 200), (20, 200), (30, 200)];
        let v = status(&points, Holder::Member);
        assert_eq!(v.status, Status::Rewind);
        assert_eq!(v.why, "committed offset went back from 150 to 20");
    }

    #[test]
    fn a_short_pause_is_not_yet_stuck() {
        let mut points: Vec<(i64, i64)> = (0..30).map(|i| (i * 10, i * 10 + 10)).collect();
        points.extend((0..5).map(|_| (290, 300)));
        let v = status(&points, Holder::Member);
        assert_eq!(
            (v.status, v.why.as_str()),
            (Status::Ok, "lag 10, consuming")
        );
        // Twenty seconds without moving while behind: a warning, not yet a stall.
        points.extend((0..15).map(|_| (290, 300)));
        let v = status(&points, Holder::Member);
        assert_eq!(v.status, Status::Warn, "{v:?}");
        assert_eq!(
            v.why,
            "held by a member, offset 290 unmoved for 20s, lag 10"
        );
        // Producing on while the consumer pauses: lag grows, a warning, not yet a stall.
        let mut points: Vec<(i64, i64)> = (0..30).map(|i| (i * 10, i * 10 + 10)).collect();
        points.extend((0..20).map(|i| (290, 300 + i)));
        assert_eq!(status(&points, Holder::Member).status, Status::Warn);
    }

    #[test]
    fn nothing_committed_has_no_verdict_and_rates_come_from_the_history() {
        let mut h = History::default();
        h.push(Sample {
            at_ms: 0,
            committed: None,
            high: Some(5),
        });
        assert_eq!(
            judge(&h, Holder::Member, None, &Thresholds::default(), 0),
            None
        );
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
        // Consuming 3/s, producing 2/s: the lag falls by one a second, 50 at the end.
        let h = history(&(0..71).map(|i| (i * 3, 120 + i * 2)).collect::<Vec<_>>());
        let t = Trend::of(&h);
        assert_eq!(t.arrow(), "↓");
        assert_eq!(t.outlook(), "catches up in 50s");
        assert_eq!(t.lags.len(), 30);
        let h = history(&(0..61).map(|i| (i, 10 + i * 2)).collect::<Vec<_>>());
        let t = Trend::of(&h);
        assert_eq!((t.arrow(), t.outlook().as_str()), ("↑", "falling behind"));
        let quiet = Trend::of(&history(&[(5, 5), (5, 5)]));
        assert_eq!((quiet.arrow(), quiet.outlook().as_str()), ("→", ""));
    }

    /// A consumer committing every 5 s what it read, a producer writing 2 a second: the
    /// lag saws between 0 and 10.
    fn sawtooth(secs: i64) -> Vec<(i64, i64)> {
        (0..secs).map(|i| ((i / 5 * 5) * 2, i * 2)).collect()
    }

    #[test]
    fn a_healthy_consumer_committing_every_five_seconds_does_not_flicker() {
        let points = sawtooth(240);
        let mut h = History::default();
        for (i, p) in points.iter().enumerate() {
            push_second(&mut h, i, *p);
            let t = Trend::of(&h);
            assert_eq!(
                (t.arrow(), t.outlook().as_str()),
                ("→", ""),
                "at {i} s, lags {:?}",
                t.lags
            );
            let v = judge(
                &h,
                Holder::Member,
                Some(1_000),
                &Thresholds::default(),
                i as i64 * 1000,
            )
            .unwrap();
            assert_eq!(v.status, Status::Ok, "at {i} s: {v:?}");
        }
    }

    #[test]
    fn the_arrow_and_the_outlook_never_contradict_each_other() {
        // Falling behind, catching up, sawing, stopping, in every phase of the history.
        let cases: Vec<Vec<(i64, i64)>> = vec![
            (0..200).map(|i| (i / 5 * 5, 100 + i * 2)).collect(),
            (0..200).map(|i| (i / 5 * 15, 900 + i * 2)).collect(),
            sawtooth(200),
            (0..200).map(|i| (i.min(60) * 2, i * 2)).collect(),
        ];
        for points in cases {
            let mut h = History::default();
            for (i, p) in points.iter().enumerate() {
                push_second(&mut h, i, *p);
                let t = Trend::of(&h);
                let (arrow, outlook) = (t.arrow(), t.outlook());
                let fine = match arrow {
                    "↑" => outlook == "falling behind",
                    "↓" => outlook.is_empty() || outlook.starts_with("catches up"),
                    _ => outlook.is_empty(),
                };
                assert!(fine, "at {i} s: {arrow} {outlook}");
            }
        }
    }

    #[test]
    fn an_offset_that_stands_while_behind_is_never_called_consuming() {
        // Consuming steadily, then the member is SIGKILLed (or SIGSTOPped): it still holds
        // the partition until its session times out, while the producer goes on.
        let mut points: Vec<(i64, i64)> = sawtooth(60);
        let frozen = points.last().unwrap().0;
        points.extend((60..105).map(|i| (frozen, i * 2)));
        let t = Thresholds::default();
        let h = history(&points);
        let mut seen = Vec::new();
        for now in 60..105 {
            let mut upto = History::default();
            for s in h.samples.iter().filter(|s| s.at_ms <= now * 1000) {
                upto.push(*s);
            }
            let v = judge(&upto, Holder::Member, None, &t, now * 1000).unwrap();
            // Caught up at its last commit (55 s), behind from 56 s on.
            if now - 56 >= 10 {
                assert!(!v.why.contains("consuming"), "at {now} s: {v:?}");
                assert_ne!(v.status, Status::Ok, "at {now} s: {v:?}");
            }
            seen.push(v.status);
        }
        // The last commit was at 55 s; the session (45 s by default) ends at about 100 s:
        // STALL must show before that, and it does from 86 s.
        assert!(
            t.stuck_secs < 45,
            "stuck_secs must be under a session timeout"
        );
        assert_eq!(seen[85 - 60], Status::Warn);
        assert_eq!(seen[86 - 60], Status::Stall);
        assert_eq!(seen[99 - 60], Status::Stall);
        // Evicted: the group is empty. STOP at once, with no member named.
        let v = judge(&h, Holder::NoMembers, None, &t, 104_000).unwrap();
        assert_eq!(v.status, Status::Stop, "{v:?}");
        assert!(v.why.starts_with("no member, "), "{v:?}");
    }

    #[test]
    fn lag_in_time_is_evidence_on_first_sight() {
        // A group stopped five minutes ago, seen for the first time: STOP at once.
        let t = Thresholds::default();
        let h = history(&[(1_011, 1_098)]);
        let v = judge(&h, Holder::NoMembers, Some(324_000), &t, 0).unwrap();
        assert_eq!(v.status, Status::Stop, "{v:?}");
        assert_eq!(v.why, "no member, offset 1,011, lag 87, behind for 5m24s");
        // Held by a member, first look, its oldest unread message five minutes old: not
        // OK before the offset has been seen to move.
        let v = judge(&h, Holder::Member, Some(324_000), &t, 0).unwrap();
        assert_eq!(v.status, Status::Warn, "{v:?}");
        assert_eq!(
            v.why,
            "held by a member, offset 1,011 not seen moving, lag 87, behind for 5m24s"
        );
        // A fresh burst on first sight is no evidence of anything.
        let v = judge(&h, Holder::Member, Some(1_500), &t, 0).unwrap();
        assert_eq!(v.status, Status::Ok, "{v:?}");
        // Seen caught up before: what was seen wins over old timestamps (a replay of old
        // messages lands with old timestamps).
        let h = history(&[(1_011, 1_011), (1_011, 1_098)]);
        let v = judge(&h, Holder::Member, Some(324_000), &t, 1_000).unwrap();
        assert_eq!(v.status, Status::Ok, "{v:?}");
    }
}
