//! Tests of replay de-duplication: scripted cases for each quirk of the provisioning
//! stream (identical lines, leftovers after the replay, cut replays, eviction, drops),
//! then seeded simulations of a server with the service's shared live queue against the
//! follower's handling of `Check`, across many connections.

use std::collections::{HashSet, VecDeque};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{Offer, ReplayDedup, overlap};

type D = ReplayDedup<&'static str>;

/// Offers `frames` as one connection's events; every `Check` is answered with `list`.
fn deliver(d: &mut D, frames: &[&'static str], list: &[&'static str]) -> Vec<&'static str> {
    let mut shown = Vec::new();
    for &f in frames {
        match d.offer(f) {
            Offer::New(e) => shown.push(e),
            Offer::Seen => {}
            Offer::Check(e) => shown.extend(d.checked(e, list.to_vec())),
        }
    }
    shown
}

/// A new connection: goes live, merges `list`, then delivers `frames`; checks are
/// answered with `list` (nothing happens meanwhile).
fn connect(d: &mut D, list: &[&'static str], frames: &[&'static str]) -> Vec<&'static str> {
    d.on_connect();
    let mut shown = d.resync(list.to_vec());
    shown.extend(deliver(d, frames, list));
    shown
}

#[test]
fn identical_lines_are_each_shown_once() {
    let mut d = D::new();
    let before = ["init", "}", "}", "labels = {", "}"];
    assert_eq!(connect(&mut d, &before, &before), before.to_vec());
    // Live: more identical lines. Each is checked until one cannot be a repeat.
    let mut server = before.to_vec();
    server.extend(["}", "}", "apply", "}", "}"]);
    assert_eq!(deliver(&mut d, &server[5..], &server), server[5..].to_vec());
    assert_eq!(d.resync(server.clone()), Vec::<&str>::new());
}

#[test]
fn a_settled_connection_shows_live_events_without_asking() {
    let mut d = D::new();
    let s = ["a", "b"];
    connect(&mut d, &s, &s);
    // "c" is new to what is held: the list places it and the connection is settled.
    assert_eq!(d.offer("c"), Offer::Check("c"));
    assert_eq!(d.checked("c", vec!["a", "b", "c"]), vec!["c"]);
    assert_eq!(d.offer("}"), Offer::New("}"));
    assert_eq!(d.offer("}"), Offer::New("}"));
    assert_eq!(d.offer("a"), Offer::New("a"));
}

#[test]
fn leftovers_after_the_replay_are_skipped() {
    let mut d = D::new();
    let s1 = ["a", "}", "b", "}"];
    connect(&mut d, &s1, &s1);
    // Cut; "c" and "}" happen meanwhile and wait in the shared queue, then are
    // replayed and delivered again from the queue, then the run goes on.
    let s2 = ["a", "}", "b", "}", "c", "}"];
    let mut frames = s2.to_vec();
    frames.extend(["c", "}"]);
    assert_eq!(connect(&mut d, &s2, &frames), vec!["c", "}"]);
    let mut s3 = s2.to_vec();
    s3.extend(["}", "d"]);
    assert_eq!(deliver(&mut d, &["}", "d"], &s3), vec!["}", "d"]);
    assert_eq!(d.resync(s3), Vec::<&str>::new());
}

#[test]
fn a_leftover_that_looks_like_the_next_event_shows_nothing_twice() {
    let mut d = D::new();
    let s1 = ["a", "}"];
    connect(&mut d, &s1, &s1);
    // The queue held "}" (already delivered); the next live events are "}" and "x".
    let mut shown = connect(&mut d, &s1, &["a", "}", "}"]);
    shown.extend(deliver(&mut d, &["}"], &["a", "}", "}"]));
    shown.extend(deliver(&mut d, &["x"], &["a", "}", "}", "x"]));
    assert_eq!(shown, vec!["}", "x"]);
    assert_eq!(d.offer("y"), Offer::New("y"));
}

#[test]
fn a_connection_cut_in_its_replay_only_confirms_what_the_list_showed() {
    let mut d = D::new();
    let mut server = vec!["a", "}", "}", "b"];
    let mut shown = connect(&mut d, &server, &server[..2]);
    for more in [["c", "}"], ["}", "d"], ["e", "e"]] {
        server.extend(more);
        shown.extend(connect(&mut d, &server, &server[..3]));
    }
    assert_eq!(shown, server);
}

#[test]
fn events_received_before_the_list_was_asked_for_need_no_other_list() {
    let mut d = D::new();
    let s1 = ["a", "}", "b"];
    connect(&mut d, &s1, &s1);
    // A reconnect with leftovers ["}", "b"] at the end of what is held.
    d.on_connect();
    d.resync(s1.to_vec());
    for f in s1 {
        assert_eq!(d.offer(f), Offer::Seen);
    }
    assert_eq!(d.offer("}"), Offer::Check("}"));
    // "b" had arrived too; the list has nothing new.
    assert_eq!(d.checked("}", s1.to_vec()), Vec::<&str>::new());
    assert_eq!(d.offer_listed("b"), Offer::Seen);
    // Live.
    assert_eq!(d.offer("c"), Offer::Check("c"));
    assert_eq!(d.checked("c", vec!["a", "}", "b", "c"]), vec!["c"]);
}

#[test]
fn events_dropped_before_the_queue_was_read_are_shown_in_order() {
    let mut d = D::new();
    let s1 = ["a", "b"];
    connect(&mut d, &s1, &s1);
    // The queue was full when "c" and "d" happened: the connection goes from its
    // replay (and leftovers) straight to "e".
    let server = ["a", "b", "c", "d", "e"];
    d.on_connect();
    assert_eq!(d.resync(s1.to_vec()), Vec::<&str>::new());
    let shown = deliver(&mut d, &["a", "b", "a", "b", "e"], &server);
    assert_eq!(shown, vec!["c", "d", "e"]);
    // "e" came by position, so the next event is still checked once.
    assert_eq!(d.offer("f"), Offer::Check("f"));
    assert_eq!(
        d.checked("f", vec!["a", "b", "c", "d", "e", "f"]),
        vec!["f"]
    );
    assert_eq!(d.offer("g"), Offer::New("g"));
    assert_eq!(d.resync(server.to_vec()), Vec::<&str>::new());
}

#[test]
fn an_evicted_head_is_found_again() {
    let mut d = ReplayDedup::with_limits(4, 2);
    connect(&mut d, &["a", "b", "c", "d"], &["a", "b", "c", "d"]);
    // The server keeps 4: "a" and "b" are gone from it; the replay started at "b" when
    // the connection was made, at "c" when the list was fetched.
    let list = ["c", "d", "e", "f"];
    assert_eq!(
        connect(&mut d, &list, &["b", "c", "d", "e", "f"]),
        vec!["e", "f"]
    );
    assert_eq!(d.offer("g"), Offer::Check("g"));
    assert_eq!(d.checked("g", vec!["d", "e", "f", "g"]), vec!["g"]);
    assert!(d.held_len() <= 6);
}

#[test]
fn a_replay_that_begins_before_everything_held_costs_one_check() {
    let mut d = ReplayDedup::with_limits(4, 0);
    connect(&mut d, &["a", "b", "c", "d"], &["a", "b", "c", "d"]);
    // The replay begins at "b"; by the time the list is fetched the server keeps "c" on
    // and we hold only what it has.
    d.on_connect();
    let list = vec!["c", "d", "e", "f"];
    assert_eq!(d.resync(list.clone()), vec!["e", "f"]);
    assert_eq!(d.offer("b"), Offer::Check("b"));
    assert_eq!(d.checked("b", list), Vec::<&str>::new());
    for e in ["c", "d", "e", "f"] {
        assert_eq!(d.offer(e), Offer::Seen, "{e}");
    }
    assert_eq!(d.offer("g"), Offer::Check("g"));
    assert_eq!(d.checked("g", vec!["d", "e", "f", "g"]), vec!["g"]);
    assert_eq!(d.offer("h"), Offer::New("h"));
}

#[test]
fn a_live_event_followed_by_more_in_the_list_is_checked_again() {
    let mut d = D::new();
    connect(&mut d, &["a"], &["a"]);
    // The first live event; the list already has two more after it.
    assert_eq!(d.offer("}"), Offer::Check("}"));
    assert_eq!(
        d.checked("}", vec!["a", "}", "}", "}"]),
        vec!["}", "}", "}"]
    );
    // The service dropped the second "}" for this connection (its queue was full
    // before the connection first read it). The connection delivers the third, then a
    // new "}": by position both look like the held ones, so nothing is shown on trust.
    assert_eq!(d.offer("}"), Offer::Seen);
    assert_eq!(d.offer("}"), Offer::Seen);
    // At the end of what is held, the list decides, and shows the new "}" in order.
    assert_eq!(d.offer("b"), Offer::Check("b"));
    assert_eq!(
        d.checked("b", vec!["a", "}", "}", "}", "}", "b"]),
        vec!["}", "b"]
    );
    // Placed after everything the connection could have lost: settled.
    assert_eq!(d.offer("}"), Offer::New("}"));
}

#[test]
fn a_history_entirely_new_to_us_is_shown_whole() {
    let mut d = ReplayDedup::with_limits(4, 2);
    connect(&mut d, &["a", "b"], &["a", "b"]);
    let list = ["w", "x", "y", "z"];
    assert_eq!(connect(&mut d, &list, &list), list.to_vec());
    assert_eq!(connect(&mut d, &list, &list), Vec::<&str>::new());
}

#[test]
fn a_list_out_of_our_order_shows_only_what_is_missing() {
    // A live event was dropped while the connection was settled: the next list shows
    // it (after the newer ones, the only place left).
    let mut d = D::new();
    connect(&mut d, &["a"], &["a"]);
    assert_eq!(d.offer("b"), Offer::Check("b"));
    d.checked("b", vec!["a", "b"]);
    assert_eq!(d.offer("d"), Offer::New("d"));
    assert_eq!(d.resync(vec!["a", "b", "c", "d", "b"]), vec!["c", "b"]);
    assert_eq!(d.resync(vec!["a", "b", "c", "d", "b"]), Vec::<&str>::new());
}

#[test]
fn without_the_list_the_stream_alone_decides() {
    let mut d = D::new();
    connect(&mut d, &["a", "}"], &["a", "}"]);
    assert_eq!(d.offer("b"), Offer::Check("b"));
    assert_eq!(d.unchecked("b"), Some("b"));
    // No more checks on this connection: a repeat-looking event waits for a re-sync.
    assert_eq!(d.offer("}"), Offer::Seen);
    assert_eq!(d.offer("c"), Offer::New("c"));
    assert_eq!(d.resync(vec!["a", "}", "b", "}", "c"]), vec!["}"]);
}

#[test]
fn overlap_is_the_longest_suffix_that_starts_the_list() {
    let held: VecDeque<u8> = [1, 2, 1, 2, 1].into_iter().collect();
    assert_eq!(overlap(&held, &[1, 2, 1, 3]), 3);
    assert_eq!(overlap(&held, &[1, 2, 1, 2, 1, 9]), 5);
    assert_eq!(overlap(&held, &[2, 1]), 2);
    assert_eq!(overlap(&held, &[2, 2]), 0);
    assert_eq!(overlap(&held, &[1]), 1);
    assert_eq!(overlap(&held, &[]), 0);
    assert_eq!(overlap(&VecDeque::new(), &[1]), 0);
}

/// The provisioning service for one run, as far as delivery is concerned: a history of
/// `history` events; with `queue_cap`, live events go through one shared queue of that
/// size (an event is lost for the stream when it is full), drained by the connection
/// when it polls; without, each connection gets every event after its replay.
struct Server {
    events: Vec<u32>,
    history: usize,
    queue: Option<(VecDeque<u32>, usize)>,
    conn: Option<Conn>,
    unique: u32,
    repeats: bool,
}

struct Conn {
    frames: VecDeque<u32>,
    /// Whether the connection has read the queue yet. A reader keeps up afterwards.
    polled: bool,
    /// Frames it delivers before it is cut.
    left: usize,
}

impl Server {
    fn window(&self) -> Vec<u32> {
        let start = self.events.len().saturating_sub(self.history);
        self.events[start..].to_vec()
    }

    fn emit(&mut self, rng: &mut StdRng) {
        // Identical lines are common: a few values come back again and again.
        let e = if self.repeats && rng.random_bool(0.4) {
            rng.random_range(0..4)
        } else {
            self.unique += 1;
            self.unique
        };
        self.events.push(e);
        let polled = self.conn.as_ref().is_some_and(|c| c.polled);
        match (&mut self.queue, &mut self.conn) {
            (Some((q, cap)), _) => {
                if q.len() < *cap {
                    q.push_back(e);
                }
                if polled {
                    self.poll();
                }
            }
            (None, Some(c)) => c.frames.push_back(e),
            (None, None) => {}
        }
    }

    fn poll(&mut self) {
        if let (Some((q, _)), Some(c)) = (&mut self.queue, &mut self.conn) {
            c.frames.extend(q.drain(..));
            c.polled = true;
        }
    }

    fn connect(&mut self, left: usize) {
        self.conn = Some(Conn {
            frames: self.window().into(),
            polled: false,
            left,
        });
    }

    /// The next frame of the connection, if it has one and is not cut.
    fn read(&mut self) -> Option<u32> {
        let c = self.conn.as_mut()?;
        if c.left == 0 {
            self.conn = None;
            return None;
        }
        let f = c.frames.pop_front()?;
        c.left -= 1;
        Some(f)
    }
}

/// The follower: offers frames, answers `Check` with the list fetched then, and offers
/// the frames it had already received at that moment as listed.
struct Follower {
    d: ReplayDedup<u32>,
    shown: Vec<u32>,
    lists: Vec<Vec<u32>>,
}

impl Follower {
    fn offer(&mut self, s: &mut Server, rng: &mut StdRng, f: u32) {
        match self.d.offer(f) {
            Offer::New(e) => self.shown.push(e),
            Offer::Seen => {}
            Offer::Check(e) => {
                let mut received = Vec::new();
                for _ in 0..rng.random_range(0..6) {
                    received.extend(s.read());
                }
                for _ in 0..rng.random_range(0..2) {
                    s.emit(rng);
                }
                let list = s.window();
                self.lists.push(list.clone());
                self.shown.extend(self.d.checked(e, list));
                for f in received {
                    match self.d.offer_listed(f) {
                        Offer::New(e) => self.shown.push(e),
                        Offer::Seen => {}
                        Offer::Check(_) => panic!("a listed event needs no other list"),
                    }
                }
            }
        }
    }

    fn resync(&mut self, list: Vec<u32>) {
        self.lists.push(list.clone());
        self.shown.extend(self.d.resync(list));
    }
}

/// Runs one seeded follow; returns the server and the follower at the end (after the
/// final re-sync).
fn simulate(seed: u64, history: usize, slack: usize, repeats: bool) -> (Server, Follower) {
    let mut rng = StdRng::seed_from_u64(seed);
    let shared = rng.random_bool(0.7);
    let mut s = Server {
        events: Vec::new(),
        history,
        queue: shared.then(|| (VecDeque::new(), rng.random_range(1..12))),
        conn: None,
        unique: 100,
        repeats,
    };
    let mut f = Follower {
        d: ReplayDedup::with_limits(history, slack),
        shown: Vec::new(),
        lists: Vec::new(),
    };
    // Some history before the follower comes (it also fills the shared queue).
    for _ in 0..rng.random_range(0..30) {
        s.emit(&mut rng);
    }
    // Cut every N frames (replays included), or now and then, or never.
    let cut_every = match rng.random_range(0..3) {
        0 => rng.random_range(3..40),
        1 => rng.random_range(40..400),
        _ => usize::MAX,
    };
    for _ in 0..rng.random_range(50..400) {
        match rng.random_range(0..10) {
            0..=2 => s.emit(&mut rng),
            3 => s.poll(),
            4 if s.conn.is_some() && rng.random_bool(0.1) => s.conn = None,
            _ if s.conn.is_none() => {
                s.connect(cut_every);
                // The status arrives, maybe after more events, and the list is fetched
                // (or not).
                for _ in 0..rng.random_range(0..2) {
                    s.emit(&mut rng);
                }
                f.d.on_connect();
                if rng.random_bool(0.9) {
                    f.resync(s.window());
                }
            }
            _ => {
                if let Some(frame) = s.read() {
                    f.offer(&mut s, &mut rng, frame);
                }
            }
        }
        if history >= s.events.len() {
            assert!(
                s.events.starts_with(&f.shown),
                "seed {seed}: shown {:?}\nserver {:?}",
                f.shown,
                s.events
            );
        }
    }
    // The run ends: a connection that is still up delivers the rest, then `done`, and
    // the follower re-syncs.
    s.poll();
    while let Some(frame) = s.read() {
        f.offer(&mut s, &mut rng, frame);
    }
    let list = s.window();
    f.resync(list);
    assert!(f.d.held_len() <= history + slack, "seed {seed}: held grows");
    (s, f)
}

/// With the whole run in the server's history: exactly the server's events, in its
/// order, at every step a prefix of them — through identical lines, leftovers after
/// every replay, events lost before the queue was read, cut replays and lists that
/// could not be had.
#[test]
fn exactly_the_servers_events_across_many_reconnects() {
    for seed in 0..2000u64 {
        let (s, f) = simulate(seed, 10_000, 64, true);
        assert_eq!(f.shown, s.events, "seed {seed}");
    }
}

/// With a short history (events evicted while the follower is away): nothing twice,
/// nothing out of order, everything any list had, and the server's whole final history.
#[test]
fn eviction_loses_only_what_the_server_forgot() {
    for seed in 0..2000u64 {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let history = rng.random_range(3..40usize);
        let slack = rng.random_range(2..8usize);
        let (s, f) = simulate(seed, history, slack, false);
        assert!(
            f.shown.windows(2).all(|w| w[0] < w[1]),
            "seed {seed}: out of order or twice: {:?}",
            f.shown
        );
        let shown: HashSet<u32> = f.shown.iter().copied().collect();
        for list in &f.lists {
            assert!(list.iter().all(|e| shown.contains(e)), "seed {seed}: lost");
        }
        assert!(f.shown.ends_with(&s.window()), "seed {seed}");
    }
}
