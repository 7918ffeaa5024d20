//! Tests of the ledger: scripted cases for each quirk of the provisioning service
//! (identical lines, eviction, a rebuilt list), then seeded simulations of a service whose
//! live queue is shared by several followers and drops when full, against a follower
//! that lists whenever the stream shows a sign of life.

use std::collections::{HashSet, VecDeque};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{EventLedger, overlap};

type L = EventLedger<&'static str>;

#[test]
fn identical_lines_are_each_shown_once_in_order() {
    let mut l = L::new();
    assert_eq!(l.merge(vec!["init", "}", "}"]), vec!["init", "}", "}"]);
    assert_eq!(l.merge(vec!["init", "}", "}"]), Vec::<&str>::new());
    assert_eq!(
        l.merge(vec!["init", "}", "}", "}", "labels = {", "}"]),
        vec!["}", "labels = {", "}"]
    );
}

#[test]
fn an_event_the_stream_dropped_comes_in_its_place() {
    // The stream delivered "a" then "c" ("b" was dropped live); the ledger never shows
    // stream events, only lists, so "b" comes before "c".
    let mut l = L::new();
    assert_eq!(l.merge(vec!["a"]), vec!["a"]);
    assert_eq!(l.merge(vec!["a", "b", "c"]), vec!["b", "c"]);
}

#[test]
fn an_evicted_head_is_found_again() {
    let mut l = L::with_limits(4, 2);
    assert_eq!(l.merge(vec!["a", "b", "c", "d"]), vec!["a", "b", "c", "d"]);
    assert_eq!(l.merge(vec!["c", "d", "e", "f"]), vec!["e", "f"]);
    assert_eq!(l.merge(vec!["d", "e", "f", "g"]), vec!["g"]);
    assert!(l.held_len() <= 6);
}

#[test]
fn a_history_entirely_new_to_us_is_shown_whole() {
    let mut l = L::with_limits(4, 2);
    l.merge(vec!["a", "b"]);
    let list = vec!["w", "x", "y", "z"];
    assert_eq!(l.merge(list.clone()), list);
    assert_eq!(l.merge(list), Vec::<&str>::new());
}

#[test]
fn a_rebuilt_list_shows_only_what_is_missing() {
    let mut l = L::new();
    l.merge(vec!["a", "b", "d"]);
    assert_eq!(l.merge(vec!["a", "b", "c", "d", "b"]), vec!["c", "b"]);
    assert_eq!(l.merge(vec!["a", "b", "c", "d", "b"]), Vec::<&str>::new());
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

/// The provisioning service for one run: a history of `history` events, a live queue of
/// `cap` shared by every follower (full → the event is dropped for the stream), and
/// events drawn from a small alphabet so identical lines are common.
struct Service {
    events: Vec<u32>,
    history: usize,
    queue: VecDeque<u32>,
    cap: usize,
}

impl Service {
    fn emit(&mut self, rng: &mut StdRng) {
        // Half the events repeat a line (`}`), half are new.
        let e = if rng.random_bool(0.5) {
            0
        } else {
            self.events.len() as u32 + 1
        };
        self.events.push(e);
        if self.queue.len() < self.cap {
            self.queue.push_back(e);
        }
    }

    fn window(&self) -> Vec<u32> {
        let start = self.events.len().saturating_sub(self.history);
        self.events[start..].to_vec()
    }
}

/// A follower as `follow_deployment` runs it: a frame (or another follower taking it)
/// only marks the run as moved; a list, some time later, shows what moved.
fn simulate(seed: u64, history: usize, slack: usize) -> (Service, Vec<u32>, Vec<Vec<u32>>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut s = Service {
        events: Vec::new(),
        history,
        queue: VecDeque::new(),
        cap: rng.random_range(1..12),
    };
    let mut l = EventLedger::with_limits(history, slack);
    let mut shown = Vec::new();
    let mut lists = Vec::new();
    let mut moved = false;
    for _ in 0..rng.random_range(50..400) {
        match rng.random_range(0..10) {
            0..=3 => s.emit(&mut rng),
            // Our connection reads the queue; another follower's read loses them for us.
            4 | 5 => moved |= s.queue.pop_front().is_some(),
            6 => {
                s.queue.pop_front();
            }
            7 if moved => {
                moved = false;
                let list = s.window();
                shown.extend(l.merge(list.clone()));
                lists.push(list);
            }
            _ => {}
        }
        if history >= s.events.len() {
            assert!(s.events.starts_with(&shown), "seed {seed}");
        }
    }
    // `done`: one last list.
    let list = s.window();
    shown.extend(l.merge(list.clone()));
    lists.push(list);
    assert!(l.held_len() <= history + slack, "seed {seed}: held grows");
    (s, shown, lists)
}

/// With the whole run in the service's history: exactly its events, in its order, at
/// every step a prefix of them, through drops, splits between followers and repeats.
#[test]
fn exactly_the_services_events_in_its_order() {
    for seed in 0..2000u64 {
        let (s, shown, _) = simulate(seed, 10_000, 64);
        assert_eq!(shown, s.events, "seed {seed}");
    }
}

/// With a short history (events evicted between lists): everything any list had,
/// nothing twice, nothing out of order, and the service's whole final history.
#[test]
fn eviction_loses_only_what_the_service_forgot() {
    for seed in 0..2000u64 {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let history = rng.random_range(3..40usize);
        let slack = rng.random_range(2..8usize);
        let (s, shown, lists) = simulate(seed, history, slack);
        // Unique events (all but the repeated line) appear once, in increasing order.
        let unique: Vec<u32> = shown.iter().copied().filter(|&e| e != 0).collect();
        assert!(
            unique.windows(2).all(|w| w[0] < w[1]),
            "seed {seed}: out of order or twice: {shown:?}"
        );
        let seen: HashSet<u32> = shown.iter().copied().collect();
        for list in &lists {
            assert!(list.iter().all(|e| seen.contains(e)), "seed {seed}: lost");
        }
        assert!(shown.ends_with(&s.window()), "seed {seed}");
    }
}
