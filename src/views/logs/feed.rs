//! What a followed stream tells the log viewer besides its lines: the stream's state as
//! the header shows it (connecting, live, reconnecting in N s, finished, failed), and the
//! replay cursor that lets a new follow of the same stream (which replays it from its
//! start) add only the lines not held yet. Pure data; no I/O.

use chrono::{DateTime, Utc};

use crate::api::sse::StreamStatus;
use crate::words;

/// Where a followed stream stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamState {
    Connecting,
    Live,
    /// The next attempt comes at `at`.
    Reconnecting {
        at: DateTime<Utc>,
        reason: String,
    },
    /// The stream reached its end: `outcome` in words, `ok` when it succeeded.
    Finished {
        outcome: String,
        ok: bool,
    },
    /// Following stopped for good; why.
    Failed(String),
}

impl StreamState {
    /// The state a connection status means (`None`: no change worth showing).
    pub fn from_status(status: &StreamStatus, now: DateTime<Utc>) -> Option<StreamState> {
        Some(match status {
            StreamStatus::Connecting { .. } | StreamStatus::Unauthorized => StreamState::Connecting,
            StreamStatus::Live => StreamState::Live,
            StreamStatus::Reconnecting { in_, reason, .. } => StreamState::Reconnecting {
                at: now + chrono::Duration::from_std(*in_).unwrap_or_default(),
                reason: reason.clone(),
            },
            // The end itself is reported with its outcome.
            StreamStatus::Ended => return None,
            StreamStatus::Failed { reason } => StreamState::Failed(reason.clone()),
        })
    }

    /// The words and theme token the header shows at `now`.
    pub fn label(&self, now: DateTime<Utc>) -> (String, &'static str) {
        match self {
            StreamState::Connecting => (words::STREAM_CONNECTING.to_string(), "text.dim"),
            StreamState::Live => (words::STREAM_LIVE.to_string(), "success"),
            StreamState::Reconnecting { at, reason } => {
                let secs = ((*at - now).num_milliseconds().max(0) + 999) / 1000;
                (words::stream_reconnecting(secs, reason), "warning")
            }
            StreamState::Finished { outcome, ok } => {
                (outcome.clone(), if *ok { "success" } else { "error" })
            }
            StreamState::Failed(reason) => (words::stream_failed(reason), "error"),
        }
    }

    /// Whether the label changes with time (a countdown).
    pub fn counts_down(&self) -> bool {
        matches!(self, StreamState::Reconnecting { .. })
    }
}

/// Position in a stream across follows: each follow (generation) replays the stream from
/// its first item, so items up to the count already held are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    generation: u64,
    position: u64,
    held: u64,
}

impl Replay {
    /// A batch of `generation` arrives; a new generation starts again at the first item.
    pub fn batch(&mut self, generation: u64) {
        if generation != self.generation {
            self.generation = generation;
            self.position = 0;
        }
    }

    /// The next item of the stream: whether it is new (not held yet).
    pub fn admit(&mut self) -> bool {
        self.position += 1;
        if self.position > self.held {
            self.held = self.position;
            true
        } else {
            false
        }
    }

    /// Items held so far.
    pub fn held(&self) -> u64 {
        self.held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_follow_adds_only_what_is_not_held() {
        let mut r = Replay::default();
        r.batch(1);
        assert!((0..3).all(|_| r.admit()));
        r.batch(1);
        assert!(r.admit(), "the same follow goes on");
        r.batch(2);
        let admitted: Vec<bool> = (0..6).map(|_| r.admit()).collect();
        assert_eq!(admitted, [false, false, false, false, true, true]);
        assert_eq!(r.held(), 6);
    }

    #[test]
    fn reconnecting_counts_down_in_whole_seconds() {
        let now = Utc::now();
        let s = StreamState::from_status(
            &StreamStatus::Reconnecting {
                in_: std::time::Duration::from_millis(2_500),
                attempt: 2,
                reason: "idle".into(),
            },
            now,
        )
        .unwrap();
        assert!(s.counts_down());
        assert!(s.label(now).0.contains("3 s"), "{}", s.label(now).0);
        assert!(
            s.label(now + chrono::Duration::seconds(2))
                .0
                .contains("1 s"),
            "{}",
            s.label(now + chrono::Duration::seconds(2)).0
        );
        assert_eq!(StreamState::from_status(&StreamStatus::Ended, now), None);
    }
}
