//! Tests of replay de-duplication: scripted cases for each quirk of the provisioning
//! stream, then a seeded simulation of many connections with eviction, drops, repeated
//! frames, cut replays and resyncs.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::ReplayDedup;

/// The provisioning service as far as its history is concerned.
struct Server {
    events: Vec<u32>,
    history: usize,
}

impl Server {
    fn new(history: usize) -> Self {
        Self {
            events: Vec::new(),
            history,
        }
    }
    fn emit(&mut self) -> u32 {
        let id = self.events.len() as u32;
        self.events.push(id);
        id
    }
    fn emit_n(&mut self, n: usize) -> Vec<u32> {
        (0..n).map(|_| self.emit()).collect()
    }
    fn window(&self) -> Vec<u32> {
        let start = self.events.len().saturating_sub(self.history);
        self.events[start..].to_vec()
    }
}

fn dedup(history: usize) -> ReplayDedup<u32, u32> {
    ReplayDedup::with_history(|e| *e, history)
}

fn offer_all(d: &mut ReplayDedup<u32, u32>, frames: &[u32]) -> Vec<u32> {
    frames.iter().filter_map(|&f| d.offer(f)).collect()
}

fn connect(d: &mut ReplayDedup<u32, u32>, frames: &[u32]) -> Vec<u32> {
    d.on_reconnect();
    offer_all(d, frames)
}

#[test]
fn first_connection_shows_everything_and_a_replay_shows_nothing_twice() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(5);
    assert_eq!(connect(&mut d, &s.window()), vec![0, 1, 2, 3, 4]);
    assert_eq!(connect(&mut d, &s.window()), Vec::<u32>::new());
    let live = s.emit_n(2);
    assert_eq!(offer_all(&mut d, &live), vec![5, 6]);
    // Events emitted while disconnected come after the replay of the known ones.
    s.emit_n(3);
    assert_eq!(connect(&mut d, &s.window()), vec![7, 8, 9]);
}

#[test]
fn a_dropped_live_event_comes_back_from_the_next_replay_once() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(3);
    connect(&mut d, &s.window());
    let live = s.emit_n(4); // 3 4 5 6; 4 is dropped
    assert_eq!(
        offer_all(&mut d, &[live[0], live[2], live[3]]),
        vec![3, 5, 6]
    );
    // Counting held events (6) and skipping that many would lose 6 and show 4 late.
    assert_eq!(connect(&mut d, &s.window()), vec![4]);
    assert_eq!(connect(&mut d, &s.window()), Vec::<u32>::new());
    s.emit();
    assert_eq!(connect(&mut d, &s.window()), vec![7]);
}

#[test]
fn an_evicted_head_does_not_hide_new_events() {
    let mut s = Server::new(5);
    let mut d = dedup(5);
    s.emit_n(8); // the server keeps 3..=7
    assert_eq!(connect(&mut d, &s.window()), vec![3, 4, 5, 6, 7]);
    s.emit_n(3); // keeps 6..=10
    assert_eq!(connect(&mut d, &s.window()), vec![8, 9, 10]);
    s.emit_n(2); // keeps 8..=12
    assert_eq!(connect(&mut d, &s.window()), vec![11, 12]);
    assert!(d.held_len() <= 5);
}

#[test]
fn a_history_entirely_new_to_us_is_shown_whole() {
    let mut s = Server::new(4);
    let mut d = dedup(4);
    s.emit_n(2);
    connect(&mut d, &s.window());
    s.emit_n(10); // keeps 8..=11, nothing we hold
    assert_eq!(connect(&mut d, &s.window()), vec![8, 9, 10, 11]);
    s.emit();
    assert_eq!(connect(&mut d, &s.window()), vec![12]);
}

#[test]
fn frames_repeated_around_a_reconnect_are_skipped() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(3);
    connect(&mut d, &s.window());
    // Two events land while the next connection subscribes: in the replay and live.
    let during = s.emit_n(2);
    let mut frames = s.window();
    frames.extend(&during);
    frames.push(s.emit());
    assert_eq!(connect(&mut d, &frames), vec![3, 4, 5]);
    // With one of the repeated frames dropped as well.
    let during = s.emit_n(2);
    let mut frames = s.window();
    frames.push(during[1]);
    frames.push(s.emit());
    assert_eq!(connect(&mut d, &frames), vec![6, 7, 8]);
}

#[test]
fn a_replay_cut_short_is_completed_by_the_next_one() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(6);
    let w = s.window();
    assert_eq!(connect(&mut d, &w[..2]), vec![0, 1]);
    assert_eq!(connect(&mut d, &w[..4]), vec![2, 3]);
    assert_eq!(connect(&mut d, &w), vec![4, 5]);
    assert_eq!(connect(&mut d, &w), Vec::<u32>::new());
}

#[test]
fn a_replay_cut_before_meeting_anything_held_is_placed_after_it() {
    let mut s = Server::new(4);
    let mut d = dedup(4);
    s.emit_n(3);
    connect(&mut d, &s.window());
    s.emit_n(6); // keeps 5..=8, nothing held
    let w = s.window();
    assert_eq!(connect(&mut d, &w[..2]), vec![5, 6]);
    assert_eq!(connect(&mut d, &w), vec![7, 8]);
    assert_eq!(connect(&mut d, &w), Vec::<u32>::new());
}

#[test]
fn resync_returns_only_missing_events_in_order() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(10);
    let w = s.window();
    let frames: Vec<u32> = w.iter().copied().filter(|e| e % 3 != 1).collect();
    connect(&mut d, &frames);
    assert_eq!(d.resync(s.window()), vec![1, 4, 7]);
    assert_eq!(d.resync(s.window()), Vec::<u32>::new());
    assert_eq!(connect(&mut d, &s.window()), Vec::<u32>::new());
}

#[test]
fn resync_ahead_of_a_lagging_stream_does_not_show_events_twice() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(3);
    connect(&mut d, &s.window());
    let live = s.emit_n(4); // 3 4 5 6
    assert_eq!(d.resync(s.window()), vec![3, 4, 5, 6]);
    // The stream catches up later; 5 was dropped on it.
    assert_eq!(
        offer_all(&mut d, &[live[0], live[1], live[3]]),
        Vec::<u32>::new()
    );
    let more = s.emit_n(2);
    assert_eq!(offer_all(&mut d, &more), vec![7, 8]);
    assert_eq!(connect(&mut d, &s.window()), Vec::<u32>::new());
}

#[test]
fn resync_when_the_stream_dropped_what_the_list_has_keeps_order() {
    let mut s = Server::new(100);
    let mut d = dedup(100);
    s.emit_n(2);
    connect(&mut d, &s.window());
    let dropped = s.emit_n(2); // 2 3, never delivered live
    assert_eq!(d.resync(s.window()), dropped);
    // A newer live event passes the resynced ones the stream never sent.
    let e = s.emit();
    assert_eq!(d.offer(e), Some(e));
    assert_eq!(connect(&mut d, &s.window()), Vec::<u32>::new());
}

#[test]
fn resync_after_eviction_drops_what_the_server_forgot() {
    let mut s = Server::new(5);
    let mut d = dedup(5);
    s.emit_n(5);
    connect(&mut d, &s.window());
    s.emit_n(4); // keeps 4..=8
    assert_eq!(d.resync(s.window()), vec![5, 6, 7, 8]);
    assert_eq!(connect(&mut d, &s.window()), Vec::<u32>::new());
    assert!(d.held_len() <= 5);
}

#[test]
fn identical_events_close_together_wait_for_a_resync() {
    // Same second, phase, level and message: indistinguishable from a repeated frame.
    let mut d: ReplayDedup<&str, &str> = ReplayDedup::by_value();
    d.on_reconnect();
    assert_eq!(d.offer("blank"), Some("blank"));
    assert_eq!(d.offer("x"), Some("x"));
    assert_eq!(d.offer("blank"), None);
    assert_eq!(d.resync(vec!["blank", "x", "blank"]), vec!["blank"]);
    d.on_reconnect();
    for e in ["blank", "x", "blank"] {
        assert_eq!(d.offer(e), None);
    }
    assert_eq!(d.offer("y"), Some("y"));
}

#[test]
fn keys_can_be_derived_from_events() {
    #[derive(Debug, PartialEq)]
    struct Event {
        message: String,
    }
    let mut d: ReplayDedup<Event, String> = ReplayDedup::new(|e| e.message.clone());
    let ev = |m: &str| Event {
        message: m.to_owned(),
    };
    assert_eq!(d.offer(ev("a")), Some(ev("a")));
    d.on_reconnect();
    assert_eq!(d.offer(ev("a")), None);
    assert_eq!(d.resync(vec![ev("a"), ev("b")]), vec![ev("b")]);
}

/// Many connections against a server with a short history: events are dropped live,
/// repeated around connects, emitted while disconnected (sometimes more than the
/// history holds), replays are cut short, and resyncs come at random. Whatever the
/// client received, it shows exactly once.
#[test]
fn no_event_lost_and_none_twice_across_many_reconnects() {
    for seed in 0..300u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let history = rng.random_range(3..40usize);
        let mut s = Server::new(history);
        let mut d = dedup(history);
        let mut shown: Vec<u32> = Vec::new();
        let mut received: HashSet<u32> = HashSet::new();
        let rounds = rng.random_range(5..40);
        for round in 0..=rounds {
            let last = round == rounds;
            let offline = if rng.random_bool(0.1) {
                rng.random_range(0..history * 3)
            } else {
                rng.random_range(0..4)
            };
            s.emit_n(offline);
            let mut frames = s.window();
            let during = s.emit_n(if last { 0 } else { rng.random_range(0..3) });
            frames.extend(&during);
            for &e in &during {
                if rng.random_bool(0.7) {
                    frames.push(e);
                }
            }
            for _ in 0..rng.random_range(0..12) {
                let e = s.emit();
                if last || !rng.random_bool(0.15) {
                    frames.push(e);
                }
            }
            let cut = if !last && rng.random_bool(0.3) {
                rng.random_range(0..=frames.len())
            } else {
                frames.len()
            };
            d.on_reconnect();
            for &f in &frames[..cut] {
                received.insert(f);
                shown.extend(d.offer(f));
            }
            if last || rng.random_bool(0.2) {
                let list = s.window();
                received.extend(&list);
                shown.extend(d.resync(list));
            }
            let unique: HashSet<u32> = shown.iter().copied().collect();
            assert_eq!(
                unique.len(),
                shown.len(),
                "seed {seed} round {round}: shown twice"
            );
            assert!(
                d.held_len() <= history,
                "seed {seed}: held grows past the history"
            );
        }
        let unique: HashSet<u32> = shown.iter().copied().collect();
        let lost: Vec<_> = received.difference(&unique).collect();
        assert!(lost.is_empty(), "seed {seed}: lost {lost:?}");
        assert!(unique.iter().all(|e| (*e as usize) < s.events.len()));
    }
}
