//! Rate limits: at most `max` events per key in any window of `window_seconds` (a sliding log),
//! answered with how long to wait. Time is passed in; the web layer holds one limiter per rule.

use std::collections::{HashMap, VecDeque};

/// A limit: `max` events in `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: usize,
    pub window_seconds: u64,
}

/// Event times per key (account, address, …) for one rule.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    events: HashMap<String, VecDeque<u64>>,
    checks: u64,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            events: HashMap::new(),
            checks: 0,
        }
    }

    /// Records an event for `key` at `now` (Unix seconds) if the limit allows it; otherwise
    /// returns the seconds until one more is allowed (at least 1) and records nothing.
    pub fn check(&mut self, key: &str, now: u64) -> Result<(), u64> {
        self.checks += 1;
        if self.checks.is_multiple_of(4096) {
            self.forget_before(now.saturating_sub(self.limit.window_seconds));
        }
        let window_start = now.saturating_sub(self.limit.window_seconds);
        let events = self.events.entry(key.to_owned()).or_default();
        while events.front().is_some_and(|time| *time <= window_start) {
            events.pop_front();
        }
        if events.len() >= self.limit.max {
            let oldest = events.front().copied().unwrap_or(now);
            return Err((oldest + self.limit.window_seconds)
                .saturating_sub(now)
                .max(1));
        }
        events.push_back(now);
        Ok(())
    }

    /// Forgets keys with no event after `time`, so memory follows the active keys only.
    fn forget_before(&mut self, time: u64) {
        self.events
            .retain(|_, events| events.back().is_some_and(|last| *last > time));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_event_in_a_minute_waits_for_the_first_to_age_out() {
        let mut limiter = RateLimiter::new(RateLimit {
            max: 10,
            window_seconds: 60,
        });
        for second in 0..10 {
            assert_eq!(limiter.check("a@example.eu", 100 + second), Ok(()));
        }
        assert_eq!(limiter.check("a@example.eu", 110), Err(50));
        // Another key is not affected.
        assert_eq!(limiter.check("b@example.eu", 110), Ok(()));
        // Once the first event is a minute old, one more is allowed.
        assert_eq!(limiter.check("a@example.eu", 160), Ok(()));
        assert_eq!(limiter.check("a@example.eu", 160), Err(1));
    }
}
