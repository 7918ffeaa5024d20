//! When a run's timeline steps fall due and what wall-clock time they carry.
//!
//! Owns: the two clocks — a replayed run (finished long ago, every step due, times from
//! a fixed origin, so its history is byte-for-byte stable) and a live run (due by the
//! tokio clock scaled by the simulation speed; 0 or less freezes it).
//! Must not: apply steps or hold run state.

use chrono::{DateTime, Duration, Utc};
use tokio::time::Instant;

/// Maps a step's offset to a due instant and a wall-clock time.
#[derive(Debug, Clone)]
pub enum Clock {
    /// A run that finished long ago: every step is due; wall time is `origin + offset`.
    Replayed { origin: DateTime<Utc> },
    /// A run playing now. `pre_ms` of the timeline had already elapsed at `anchor`;
    /// `speed` scales the rest (0 or less freezes it).
    Live {
        anchor: Instant,
        wall_anchor: DateTime<Utc>,
        pre_ms: f64,
        speed: f64,
    },
}

impl Clock {
    /// A live clock starting now, `pre_ms` into the timeline.
    pub fn live(speed: f64, pre_ms: f64) -> Self {
        Clock::Live {
            anchor: Instant::now(),
            wall_anchor: Utc::now(),
            pre_ms,
            speed,
        }
    }

    fn running(speed: f64) -> bool {
        speed > 0.0
    }

    /// Whether a step at `at_ms` is due at `now`.
    pub fn is_due(&self, at_ms: u64, now: Instant) -> bool {
        match *self {
            Clock::Replayed { .. } => true,
            Clock::Live {
                anchor,
                pre_ms,
                speed,
                ..
            } => {
                let at = at_ms as f64;
                if at <= pre_ms {
                    return true;
                }
                Self::running(speed)
                    && at
                        <= pre_ms
                            + now.saturating_duration_since(anchor).as_secs_f64() * 1000.0 * speed
            }
        }
    }

    /// When a step at `at_ms` falls due (`None` when frozen).
    pub fn due_at(&self, at_ms: u64) -> Option<Instant> {
        match *self {
            Clock::Replayed { .. } => Some(Instant::now()),
            Clock::Live {
                anchor,
                pre_ms,
                speed,
                ..
            } => {
                if !Self::running(speed) {
                    return None;
                }
                let secs = ((at_ms as f64 - pre_ms).max(0.0) / 1000.0) / speed;
                let wait = std::time::Duration::try_from_secs_f64(secs).ok()?;
                anchor.checked_add(wait)
            }
        }
    }

    /// The wall-clock time of a step at `at_ms`.
    pub fn wall(&self, at_ms: u64) -> DateTime<Utc> {
        match *self {
            Clock::Replayed { origin } => origin + Duration::milliseconds(at_ms as i64),
            Clock::Live {
                wall_anchor,
                pre_ms,
                speed,
                ..
            } => {
                let speed = if Self::running(speed) && speed.is_finite() {
                    speed
                } else {
                    1.0
                };
                wall_anchor + Duration::milliseconds(((at_ms as f64 - pre_ms) / speed) as i64)
            }
        }
    }
}
