//! `--flood-log RATE`: the operation [`OPERATION`], whose log streams RATE lines a second
//! through the ordinary operation-log SSE answer for as long as someone follows it, to
//! measure the console under a log flood (QUALITY P5, P8).
//!
//! Lines are made from their number (levels mixed, some ANSI colours, 60–160 visible
//! characters, each starting `#N` so a screen shows how far the stream got) and never
//! stored: the sandbox's memory stays flat however long the flood runs. Ids are line
//! numbers, as for every operation log, so a reconnect resumes after `Last-Event-ID`.
//! A reader slower than the flood gets it at its own pace, never a growing backlog.
//!
//! Must not touch the world: `op-flood` is not an operation of any Application.

use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval};

use super::sse::{RETRY_FRAME, frame};
use crate::model::{EventLevel, OperationLogLine, Timestamp};

/// The id of the flooding operation.
pub const OPERATION: &str = "op-flood";

/// How often a batch of lines leaves (one network write each).
const TICK: Duration = Duration::from_millis(10);

/// The shortest and longest line, in visible characters.
pub const LINE_CHARS: std::ops::RangeInclusive<usize> = 60..=160;

/// Streams lines `after + 1`, `after + 2`… at `rate` a second into `tx` until the
/// reader leaves.
pub async fn pump(rate: u32, after: u64, tx: mpsc::Sender<Bytes>) {
    if tx.send(Bytes::from_static(RETRY_FRAME)).await.is_err() {
        return;
    }
    let rate = u64::from(rate.max(1));
    // An id that is not ours (`u64::MAX`) must not overflow the count.
    let mut next = after.min(u64::MAX / 2) + 1;
    let start = Instant::now();
    let mut owed_since_start = 0u64;
    // At most 100 ms of lines in one batch.
    let cap = rate.div_ceil(10);
    let mut ticker = interval(TICK);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = tx.closed() => return,
        }
        let due = (start.elapsed().as_secs_f64() * rate as f64) as u64;
        let mut owed = due.saturating_sub(owed_since_start);
        if owed > cap {
            // Behind (a slow reader): forget what it could not take.
            owed_since_start += owed - cap;
            owed = cap;
        }
        if owed == 0 {
            continue;
        }
        owed_since_start += owed;
        let now = chrono::Utc::now();
        let mut batch = Vec::with_capacity(usize::try_from(owed).unwrap_or(0) * 256);
        for _ in 0..owed {
            let data = serde_json::to_string(&line(next, now)).unwrap_or_else(|_| "{}".into());
            batch.extend_from_slice(&frame(Some(next), "log", &data));
            next += 1;
        }
        if tx.send(Bytes::from(batch)).await.is_err() {
            return;
        }
    }
}

/// Line `n` of the flood, stamped `at`.
pub fn line(n: u64, at: Timestamp) -> OperationLogLine {
    let mut r = Bits(splitmix(n));
    let pod = POD_NAMES[r.below(POD_NAMES.len())];
    let hash = r.take(20);
    let mut m = Message::default();
    m.plain(&format!("#{n} {pod}-{:05x}: ", hash & 0xfffff));
    let roll = r.below(100);
    let level = if roll < 85 {
        EventLevel::Info
    } else if roll < 95 {
        EventLevel::Warn
    } else {
        EventLevel::Error
    };
    match level {
        EventLevel::Warn => warn(&mut m, &mut r),
        EventLevel::Error => error(&mut m, &mut r),
        _ => info(&mut m, &mut r),
    }
    let target = LINE_CHARS.start() + r.below(LINE_CHARS.end() - LINE_CHARS.start() + 1);
    while m.visible < target {
        let filler = match r.below(3) {
            0 => format!(" trace_id={:016x}{:016x}", r.next(), r.next()),
            1 => format!(" span={:016x}", r.next()),
            _ => format!(" attempt={}", 1 + r.below(5)),
        };
        if m.visible + filler.len() > *LINE_CHARS.end() {
            break;
        }
        m.plain(&filler);
    }
    OperationLogLine {
        at,
        level,
        message: m.text,
    }
}

const POD_NAMES: &[&str] = &[
    "payment-rail-api",
    "payment-rail-worker",
    "ledger-sync",
    "notification-bus",
    "marketing-site-web",
    "kafka-connect",
    "analytics-api",
];

const APPS: &[&str] = &[
    "payment-rail",
    "ledger-sync",
    "notification-bus",
    "analytics-api",
];

fn info(m: &mut Message, r: &mut Bits) {
    match r.below(5) {
        0 => {
            let path = ["/accounts", "/transfers", "/balance", "/health"][r.below(4)];
            m.plain(&format!("GET /api/v1{path}/{} ", r.below(1_000_000)));
            m.colour("32", "200");
            m.plain(&format!(" {}.{}ms", r.below(200), r.below(10)));
        }
        1 => {
            m.colour("32", "✓");
            m.plain(&format!(
                " readiness probe succeeded after {}ms",
                r.below(900)
            ));
        }
        2 => m.plain(&format!(
            "helm upgrade {}: revision {}: applied {}/{} manifests",
            APPS[r.below(APPS.len())],
            1 + r.below(90),
            r.below(40),
            40
        )),
        3 => m.plain(&format!(
            "module.app.kubernetes_deployment.main[{}]: Still modifying... [{}s elapsed]",
            r.below(4),
            10 * (1 + r.below(30))
        )),
        _ => {
            m.colour("36", "kafka");
            m.plain(&format!(
                " consumer group {}-events committed offset {} on partition {}",
                APPS[r.below(APPS.len())],
                r.next() % 10_000_000,
                r.below(12)
            ));
        }
    }
}

fn warn(m: &mut Message, r: &mut Bits) {
    if r.below(2) == 0 {
        m.colour("33", "slow query");
        m.plain(&format!(
            " took {}ms: SELECT * FROM ledger_entries WHERE account_id = $1",
            500 + r.below(4_000)
        ));
    } else {
        m.plain("Readiness probe failed: HTTP probe failed with statuscode: ");
        m.colour("33", "503");
    }
}

fn error(m: &mut Message, r: &mut Bits) {
    if r.below(2) == 0 {
        m.colour("31", "upstream connect error");
        m.plain(" or disconnect/reset before headers. reset reason: connection timeout");
    } else {
        m.colour("1;31", "panic");
        m.plain(&format!(
            " recovered in handler /payments/transfer/{}: context deadline exceeded",
            r.below(100_000)
        ));
    }
}

/// A message under construction, counting its visible characters.
#[derive(Default)]
struct Message {
    text: String,
    visible: usize,
}

impl Message {
    fn plain(&mut self, s: &str) {
        self.text.push_str(s);
        self.visible += s.chars().count();
    }

    fn colour(&mut self, sgr: &str, s: &str) {
        self.text.push_str("\x1b[");
        self.text.push_str(sgr);
        self.text.push('m');
        self.plain(s);
        self.text.push_str("\x1b[0m");
    }
}

/// A small deterministic source of random bits.
struct Bits(u64);

impl Bits {
    fn next(&mut self) -> u64 {
        self.0 = splitmix(self.0);
        self.0
    }

    /// The next `bits` bits.
    fn take(&mut self, bits: u32) -> u64 {
        self.next() >> (64 - bits)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(s: &str) -> usize {
        let mut n = 0;
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn lines_are_realistic_numbered_and_deterministic() {
        let at = chrono::Utc::now();
        let mut levels = [0usize; 3];
        let mut coloured = 0;
        for n in 1..=5_000u64 {
            let l = line(n, at);
            let len = visible(&l.message);
            assert!(LINE_CHARS.contains(&len), "line {n}: {len} chars: {l:?}");
            assert!(l.message.starts_with(&format!("#{n} ")), "{l:?}");
            assert!(!l.message.contains("PAUSED") && !l.message.contains("FOLLOWING"));
            assert!(!l.message.contains('\n'));
            levels[match l.level {
                EventLevel::Info => 0,
                EventLevel::Warn => 1,
                _ => 2,
            }] += 1;
            coloured += usize::from(l.message.contains("\x1b["));
            assert_eq!(line(n, at), l, "the same number gives the same line");
        }
        assert!(levels.iter().all(|&n| n > 100), "{levels:?}");
        assert!(levels[0] > levels[1] && levels[1] > levels[2], "{levels:?}");
        assert!(coloured > 500 && coloured < 5_000, "{coloured} coloured");
    }

    #[test]
    fn the_rate_flag_takes_lines_a_second() {
        use crate::sandbox::options::parse_flood_rate;
        assert_eq!(parse_flood_rate("50000"), Ok(50_000));
        for bad in ["0", "-5", "fast", "2000000"] {
            assert!(parse_flood_rate(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_pump_keeps_its_rate_and_resumes_after_an_id() {
        let (tx, mut rx) = mpsc::channel(1024);
        tokio::spawn(pump(2_000, 41, tx));
        assert_eq!(rx.recv().await.unwrap(), Bytes::from_static(RETRY_FRAME));
        let mut ids = Vec::new();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(1) {
            let chunk = rx.recv().await.unwrap();
            let text = String::from_utf8(chunk.to_vec()).unwrap();
            ids.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix("id: "))
                    .map(|id| id.parse::<u64>().unwrap()),
            );
        }
        assert_eq!(ids.first(), Some(&42));
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1));
        assert!((1_950..=2_050).contains(&ids.len()), "{} lines", ids.len());
    }
}
