//! When the next frame may be drawn (QUALITY P2, P5): the pacing policy of the loop, kept
//! pure so it is tested with simulated time. Instants come in, a decision comes out; it
//! never reads a clock, sleeps or draws.
//!
//! Two kinds of frames:
//! - **Urgent**: after terminal input (key, paste, resize) the frame is drawn at once: the
//!   person is waiting for it (P2). So are answers someone waits for ([`is_answer`]: a
//!   fetch's result, sign-in), which come once per request and never flood; the first
//!   frame, drawn before any I/O, counts as one too. Only a burst of urgent frames is
//!   capped, at one every [`PaceConfig::urgent_interval`] (a held key or a storm of
//!   resizes stays ~60 a second); a frame drawn for a stream never delays them.
//! - **Caused only by streams** (log and provisioning batches, live events, timers) the
//!   frame is coalesced: at most one every [`PaceConfig::stream_interval`] after the
//!   previous stream frame (20 a second) and only while a token bucket over the bytes
//!   actually written has room, so a log flood costs a bounded share of the terminal and
//!   of the link (P5).
//!
//! The bucket holds one full redraw ([`PaceConfig::burst_bytes`], 16 KiB) and refills at
//! the budget less that ([`PaceConfig::budget_bytes_per_sec`], 64 KiB/s, so 48 KiB/s): no
//! one-second window of stream frames can then carry more than the budget, not just their
//! average over a long run. A stream frame waits until the bucket holds as many bytes as
//! the last frame cost (at most the capacity), so it is unlikely to overdraw it.
//!
//! Urgent frames count against the bucket too, but their debt is forgiven below minus its
//! capacity, so stream frames pause after heavy typing for well under a second rather than
//! for as long as the typing lasted. Nothing dirty means no wake-up at all (P1).

use std::time::{Duration, Instant};

use super::Event;
use crate::msg::Msg;

/// Whether a background task's event answers something a person waits for (drawn like
/// input) rather than feeding a stream or a timer (coalesced).
pub fn is_answer(event: &Event) -> bool {
    match event {
        Event::Connected(_) | Event::Shell(_) => true,
        Event::Msg(msg) => matches!(
            msg,
            Msg::Fetched { .. } | Msg::SignIn(_) | Msg::Notice(_) | Msg::Info(_)
        ),
    }
}

/// The limits of pacing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaceConfig {
    /// Shortest time between two urgent frames.
    pub urgent_interval: Duration,
    /// Shortest time between two frames drawn for background messages.
    pub stream_interval: Duration,
    /// Most terminal output of stream frames in any one second, in bytes. The bucket
    /// refills at this less [`PaceConfig::burst_bytes`].
    pub budget_bytes_per_sec: u32,
    /// What the bucket holds when full, in bytes (also the deepest debt input leaves).
    pub burst_bytes: u32,
}

impl Default for PaceConfig {
    fn default() -> Self {
        PaceConfig {
            urgent_interval: super::FRAME_INTERVAL,
            stream_interval: Duration::from_millis(50),
            budget_bytes_per_sec: 64 * 1024,
            // One full redraw (P4's budget for it).
            burst_bytes: 16 * 1024,
        }
    }
}

impl PaceConfig {
    /// The default pacing with the limits of `config.toml` (`stream_fps`, 1 to 60, and
    /// `stream_kib_per_second`, 32 to 16,384), each kept inside its range.
    pub fn with_limits(fps: Option<u32>, kib_per_second: Option<u32>) -> PaceConfig {
        let mut pace = PaceConfig::default();
        if let Some(fps) = fps {
            pace.stream_interval = Duration::from_millis(1000 / u64::from(fps.clamp(1, 60)));
        }
        if let Some(kib) = kib_per_second {
            pace.budget_bytes_per_sec = kib.clamp(32, 16 * 1024) * 1024;
        }
        pace
    }
}

/// What the loop should do about drawing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Draw a frame now.
    Draw,
    /// Something waits to be drawn: wake at this instant (earlier if input comes).
    WakeAt(Instant),
    /// Nothing to draw: sleep until something happens.
    Idle,
}

/// The pacing state: the byte bucket and when the last frames were drawn.
#[derive(Debug, Clone)]
pub struct Pacer {
    config: PaceConfig,
    /// Bytes the bucket holds; negative while in debt.
    tokens: f64,
    /// When `tokens` was last brought up to date.
    refilled_at: Instant,
    last_stream_frame: Option<Instant>,
    last_urgent_frame: Option<Instant>,
    /// Bytes of the last frame that wrote any: what the next is expected to cost.
    expected_bytes: usize,
    /// Terminal input or an answer came since the last frame.
    urgent_pending: bool,
}

impl Pacer {
    /// A pacer with a full bucket at `now`.
    pub fn new(config: PaceConfig, now: Instant) -> Pacer {
        Pacer {
            config,
            tokens: f64::from(config.burst_bytes),
            refilled_at: now,
            last_stream_frame: None,
            last_urgent_frame: None,
            expected_bytes: 0,
            urgent_pending: false,
        }
    }

    /// Terminal input or an answer arrived: the next frame is drawn at once.
    pub fn urgent(&mut self) {
        self.urgent_pending = true;
    }

    /// Whether to draw at `now`, given whether anything on screen changed.
    pub fn decide(&mut self, dirty: bool, now: Instant) -> Decision {
        if !dirty {
            return Decision::Idle;
        }
        let due = if self.urgent_pending {
            after(self.last_urgent_frame, self.config.urgent_interval)
        } else {
            self.refill(now);
            let spacing = after(self.last_stream_frame, self.config.stream_interval);
            spacing.max(self.bucket_ready(now))
        };
        match due {
            Some(at) if at > now => Decision::WakeAt(at),
            _ => Decision::Draw,
        }
    }

    /// A frame that wrote `bytes` to the terminal was drawn at `now`.
    pub fn drawn(&mut self, bytes: usize, now: Instant) {
        self.refill(now);
        let spent = self.tokens - bytes as f64;
        if self.urgent_pending {
            // Urgent frames' debt stops at minus the capacity (a deeper debt of stream frames
            // too large for the bucket is kept).
            let floor = self.tokens.min(-f64::from(self.config.burst_bytes));
            self.tokens = spent.max(floor);
            self.last_urgent_frame = Some(now);
            self.urgent_pending = false;
        } else {
            self.tokens = spent;
            self.last_stream_frame = Some(now);
        }
        if bytes > 0 {
            self.expected_bytes = bytes;
        }
    }

    /// Bytes a second the bucket refills.
    fn rate(&self) -> f64 {
        f64::from(
            self.config
                .budget_bytes_per_sec
                .saturating_sub(self.config.burst_bytes)
                .max(1),
        )
    }

    /// Adds what the bucket earned since it was last brought up to date.
    fn refill(&mut self, now: Instant) {
        let earned = now
            .saturating_duration_since(self.refilled_at)
            .as_secs_f64()
            * self.rate();
        self.tokens = (self.tokens + earned).min(f64::from(self.config.burst_bytes));
        self.refilled_at = self.refilled_at.max(now);
    }

    /// When the bucket will hold what the next frame is expected to cost (`None`: now).
    fn bucket_ready(&self, now: Instant) -> Option<Instant> {
        let need = self.expected_bytes.min(self.config.burst_bytes as usize) as f64;
        let missing = need - self.tokens;
        if missing <= 0.0 {
            return None;
        }
        let wait = Duration::from_secs_f64(missing / self.rate());
        Some(now + wait)
    }
}

/// `last + interval`, or `None` when nothing was drawn yet.
fn after(last: Option<Instant>, interval: Duration) -> Option<Instant> {
    last.map(|t| t + interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_limits_stay_in_their_ranges() {
        let p = PaceConfig::with_limits(Some(10), Some(128));
        assert_eq!(p.stream_interval, Duration::from_millis(100));
        assert_eq!(p.budget_bytes_per_sec, 128 * 1024);
        let p = PaceConfig::with_limits(Some(0), Some(1));
        assert_eq!(p.stream_interval, Duration::from_secs(1));
        assert!(
            p.budget_bytes_per_sec > p.burst_bytes,
            "the bucket still refills"
        );
        assert_eq!(PaceConfig::with_limits(None, None), PaceConfig::default());
    }

    const MS: Duration = Duration::from_millis(1);

    /// A simulated console: background messages mark it dirty every `every`; each frame
    /// writes `frame_bytes`. Steps through `secs` seconds 1 ms at a time, drawing when the
    /// pacer says so; answers the times and sizes of the frames.
    fn flood(
        pacer: &mut Pacer,
        t0: Instant,
        secs: u64,
        every: Duration,
        frame_bytes: usize,
        keys_at: &[Duration],
    ) -> Vec<(Duration, usize, bool)> {
        let mut frames = Vec::new();
        let mut dirty = false;
        let mut next_msg = Duration::ZERO;
        let mut step = Duration::ZERO;
        while step < Duration::from_secs(secs) {
            let now = t0 + step;
            if step >= next_msg {
                dirty = true;
                next_msg += every;
            }
            let key = keys_at.contains(&step);
            if key {
                pacer.urgent();
                dirty = true;
            }
            if pacer.decide(dirty, now) == Decision::Draw {
                pacer.drawn(frame_bytes, now);
                frames.push((step, frame_bytes, key));
                dirty = false;
            }
            step += MS;
        }
        frames
    }

    /// Frames and bytes in `[from, from + 1 s)`.
    fn second(frames: &[(Duration, usize, bool)], from: Duration) -> (usize, usize) {
        let inside = frames
            .iter()
            .filter(|(t, ..)| *t >= from && *t < from + Duration::from_secs(1));
        inside.fold((0, 0), |(n, b), (_, bytes, _)| (n + 1, b + bytes))
    }

    #[test]
    fn a_flood_of_small_frames_is_capped_at_20_a_second() {
        let t0 = Instant::now();
        let mut p = Pacer::new(PaceConfig::default(), t0);
        // A batch every 10 ms, 1 KiB frames: the frame rate is what binds.
        let frames = flood(&mut p, t0, 5, 10 * MS, 1024, &[]);
        for s in 0..5 {
            let (n, bytes) = second(&frames, Duration::from_secs(s));
            assert!(n <= 20, "second {s}: {n} frames");
            assert!(n >= 19, "second {s}: {n} frames, the stream is still shown");
            assert!(bytes <= 64 * 1024, "second {s}: {bytes} bytes");
        }
    }

    #[test]
    fn a_flood_of_large_frames_is_capped_at_64_kib_a_second() {
        let t0 = Instant::now();
        let mut p = Pacer::new(PaceConfig::default(), t0);
        // Every frame a 12 KiB redraw: the byte budget is what binds (~4 frames/s).
        let frames = flood(&mut p, t0, 10, 50 * MS, 12 * 1024, &[]);
        // Every one-second window, the first included, from anywhere in the flood.
        for ms in (0..9000).step_by(7) {
            let (n, bytes) = second(&frames, ms * MS);
            assert!(n <= 20, "at {ms} ms: {n} frames");
            assert!(bytes <= 64 * 1024, "at {ms} ms: {bytes} bytes in a second");
            assert!(bytes >= 36 * 1024, "at {ms} ms: only {bytes} bytes");
        }
        // Frames larger than the bucket still come, at the refill rate.
        let mut p = Pacer::new(PaceConfig::default(), t0);
        let frames = flood(&mut p, t0, 10, 50 * MS, 40 * 1024, &[]);
        let (n, _) = second(&frames, Duration::from_secs(5));
        assert!((1..=2).contains(&n), "{n} frames of 40 KiB");
        let all: usize = frames.iter().map(|(_, b, _)| b).sum();
        assert!(all <= 10 * 48 * 1024 + 40 * 1024, "{all} bytes in 10 s");
    }

    #[test]
    fn a_key_during_a_flood_is_drawn_at_once_and_counts_against_the_bucket() {
        let t0 = Instant::now();
        let mut p = Pacer::new(PaceConfig::default(), t0);
        let keys: Vec<Duration> = (0..20).map(|i| (1003 + i * 211) * MS).collect();
        let frames = flood(&mut p, t0, 6, 10 * MS, 12 * 1024, &keys);
        for k in &keys {
            assert!(
                frames.iter().any(|(t, _, key)| *key && t == k),
                "the key at {k:?} got its frame at once"
            );
        }
        // Keys spend the bucket: stream frames give way, so the total stays near the
        // budget plus what the keys themselves cost.
        let (n, bytes) = second(&frames, Duration::from_secs(2));
        let keyed = keys
            .iter()
            .filter(|k| **k >= Duration::from_secs(2) && **k < Duration::from_secs(3))
            .count();
        assert!(n <= 20 + keyed, "{n}");
        assert!(
            bytes <= 64 * 1024 + 16 * 1024 + keyed * 12 * 1024,
            "{bytes}"
        );
        // A key right after a stream frame is not held back by it.
        let mut p = Pacer::new(PaceConfig::default(), t0);
        p.decide(true, t0);
        p.drawn(12 * 1024, t0);
        p.urgent();
        assert_eq!(p.decide(true, t0 + MS), Decision::Draw);
    }

    #[test]
    fn input_bursts_stay_near_60_frames_a_second() {
        let t0 = Instant::now();
        let mut p = Pacer::new(PaceConfig::default(), t0);
        p.urgent();
        assert_eq!(p.decide(true, t0), Decision::Draw);
        p.drawn(100, t0);
        p.urgent();
        assert_eq!(p.decide(true, t0 + 5 * MS), Decision::WakeAt(t0 + 16 * MS));
        assert_eq!(p.decide(true, t0 + 16 * MS), Decision::Draw);
    }

    #[test]
    fn nothing_dirty_never_wakes() {
        let t0 = Instant::now();
        let mut p = Pacer::new(PaceConfig::default(), t0);
        assert_eq!(p.decide(false, t0), Decision::Idle);
        p.drawn(64 * 1024, t0);
        // Deep in debt, still nothing to wake for.
        assert_eq!(p.decide(false, t0 + MS), Decision::Idle);
        p.urgent();
        assert_eq!(p.decide(false, t0 + 2 * MS), Decision::Idle);
        // Once something changes, a stream frame waits for the bucket, not for as long as
        // the input's bytes would take to repay.
        let mut p = Pacer::new(PaceConfig::default(), t0);
        p.urgent();
        p.drawn(256 * 1024, t0);
        match p.decide(true, t0 + MS) {
            Decision::WakeAt(at) => {
                assert!(at > t0 + 50 * MS && at <= t0 + 700 * MS, "{:?}", at - t0);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_are_urgent_and_streams_and_timers_are_not() {
        use crate::api::follow::LiveMsg;
        use crate::api::sse::StreamStatus;
        let msg = |m: Msg| Event::Msg(m);
        assert!(is_answer(&msg(Msg::Notice("saved".into()))));
        assert!(is_answer(&msg(Msg::Info("saved".into()))));
        assert!(!is_answer(&msg(Msg::Live(LiveMsg::Status(
            StreamStatus::Live
        )))));
        assert!(!is_answer(&msg(Msg::RefreshInbox)));
        assert!(!is_answer(&msg(Msg::Retry { depth: 0 })));
    }

    #[test]
    fn the_first_stream_frame_is_not_held_back() {
        let t0 = Instant::now();
        let mut p = Pacer::new(PaceConfig::default(), t0);
        assert_eq!(p.decide(true, t0), Decision::Draw);
        // The start-up frame is drawn like input: data coming soon after shows at once.
        let mut p = Pacer::new(PaceConfig::default(), t0);
        p.urgent();
        p.drawn(4 * 1024, t0);
        assert_eq!(p.decide(true, t0 + 30 * MS), Decision::Draw);
        p.drawn(1024, t0 + 30 * MS);
        assert_eq!(p.decide(true, t0 + 40 * MS), Decision::WakeAt(t0 + 80 * MS));
    }
}
