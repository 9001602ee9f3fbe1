//! A request budget: at most so many requests a second to the cluster, on average, with
//! at most a second's worth sent in a burst. The group watcher asks it before each read,
//! so a dashboard left open on a production cluster stays polite however many groups
//! there are.

use std::time::Duration;

/// A token bucket over an explicit clock (milliseconds), so it can be tested without
/// sleeping.
#[derive(Debug, Clone)]
pub struct Budget {
    per_sec: f64,
    tokens: f64,
    at_ms: i64,
    spent: u64,
}

impl Budget {
    /// A budget of `per_sec` requests a second, full at `now_ms`.
    pub fn new(per_sec: u32, now_ms: i64) -> Budget {
        let per_sec = f64::from(per_sec.max(1));
        Budget {
            per_sec,
            tokens: per_sec,
            at_ms: now_ms,
            spent: 0,
        }
    }

    fn refill(&mut self, now_ms: i64) {
        let dt = (now_ms - self.at_ms).max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + dt * self.per_sec).min(self.per_sec);
        self.at_ms = self.at_ms.max(now_ms);
    }

    /// Takes `n` requests' worth if the budget has them now.
    pub fn try_take(&mut self, n: u32, now_ms: i64) -> bool {
        self.refill(now_ms);
        // A read that costs more than a second's budget may run on a full bucket (and
        // leaves it in debt), or it could never run at all.
        let n = f64::from(n);
        if self.tokens >= n.min(self.per_sec) {
            self.tokens -= n;
            self.spent += n as u64;
            true
        } else {
            false
        }
    }

    /// Counts `n` requests sent beyond what was taken (found to be needed on the way);
    /// the budget may go into debt, which later reads wait out.
    pub fn charge(&mut self, n: u32) {
        self.tokens -= f64::from(n);
        self.spent += u64::from(n);
    }

    /// Gives back `n` taken but not spent.
    pub fn refund(&mut self, n: u32) {
        self.tokens = (self.tokens + f64::from(n)).min(self.per_sec);
        self.spent = self.spent.saturating_sub(u64::from(n));
    }

    /// How long until `n` requests' worth is there.
    pub fn wait_for(&mut self, n: u32, now_ms: i64) -> Duration {
        self.refill(now_ms);
        let missing = f64::from(n).min(self.per_sec) - self.tokens;
        if missing <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(missing / self.per_sec)
        }
    }

    /// Requests taken so far.
    pub fn spent(&self) -> u64 {
        self.spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_the_rate_over_time() {
        let mut b = Budget::new(20, 0);
        let mut taken = 0;
        // Ask for one request every millisecond for ten seconds.
        for ms in 0..10_000 {
            if b.try_take(1, ms) {
                taken += 1;
            }
        }
        // A second's burst plus twenty a second.
        assert!(taken <= 20 + 200, "{taken}");
        assert!(taken >= 200, "{taken}");
    }

    #[test]
    fn a_big_read_waits_for_a_full_bucket_and_leaves_debt() {
        let mut b = Budget::new(4, 0);
        assert!(
            b.try_take(10, 0),
            "a full bucket lets a costly read through"
        );
        assert!(!b.try_take(1, 500), "in debt: 4 − 10 + 2 < 1");
        assert_eq!(b.wait_for(1, 500), Duration::from_millis(1250));
        assert!(!b.try_take(1, 1700));
        assert!(b.try_take(1, 1800));
        assert_eq!(b.spent(), 11);
    }
}
