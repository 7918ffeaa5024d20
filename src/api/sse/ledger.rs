//! The events of a stream without ids, held in the service's order: the provisioning
//! stream (CONTRACT A) replays its whole history on every connection, may drop live
//! events (its live queue is shared by every follower of a run and drops when full) and
//! repeats some around a reconnect. Nothing in a frame tells a repeat from a new,
//! identical line (OpenTofu prints `}` many times a second), and a dropped event cannot
//! be noticed from the stream at all.
//!
//! So the stream only says *that* something happened; what happened, and in which order,
//! is taken from the service's full list (`GET …/events`), which always has every event
//! in order. [`EventLedger::merge`] takes each list and hands back exactly the events not
//! shown yet, in the list's order. What is shown is therefore always a prefix of the
//! service's events (as far as its history of 10,000 reaches): no event twice, none
//! lost, none out of place, whatever the stream did.
//!
//! Owns: aligning a list with what is held (the service evicts its oldest events) and
//! remembering a bounded tail. Must not: do I/O, read clocks, or know the event type
//! beyond equality and hashing.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// The history length of the real provisioning service.
pub const PROVISIONING_HISTORY: usize = 10_000;

/// Events held beyond the server's history, so that a list fetched after the service
/// evicted some of our oldest events still lines up.
const SLACK: usize = 1_024;

/// The shown events of one run, as the service ordered them.
#[derive(Debug, Clone)]
pub struct EventLedger<T> {
    history: usize,
    slack: usize,
    /// Shown events, in the server's order (the newest `history + slack`).
    held: VecDeque<T>,
}

impl<T> Default for EventLedger<T>
where
    T: Clone + Eq + Hash,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T> EventLedger<T>
where
    T: Clone + Eq + Hash,
{
    /// A ledger for the real service's history length (10,000).
    pub fn new() -> Self {
        Self::with_history(PROVISIONING_HISTORY)
    }

    /// A ledger for a server that keeps `history` events.
    pub fn with_history(history: usize) -> Self {
        Self::with_limits(history, SLACK)
    }

    fn with_limits(history: usize, slack: usize) -> Self {
        Self {
            history: history.max(1),
            slack,
            held: VecDeque::new(),
        }
    }

    /// How many shown events are remembered (at most the history length plus a margin).
    pub fn held_len(&self) -> usize {
        self.held.len()
    }

    /// Merges the service's full list (oldest first): returns, in its order, the events
    /// not shown yet, and remembers them as shown.
    pub fn merge(&mut self, list: Vec<T>) -> Vec<T> {
        let held = self.held.len();
        let full = list.len() >= self.history;
        let overlap = overlap(&self.held, &list);
        let out: Vec<T> = if overlap == held || full {
            // What we hold ends where the list's beginning does (the server may have
            // evicted our oldest events; with no overlap at all, more than its history
            // happened since we last heard).
            list.into_iter().skip(overlap).collect()
        } else {
            // The list is not a continuation of what we hold: the service lost or
            // rebuilt its list (a restart). Show only what we do not hold, in its order.
            let mut have: HashMap<&T, usize> = HashMap::new();
            for e in &self.held {
                *have.entry(e).or_default() += 1;
            }
            let mut out = Vec::new();
            for e in list {
                match have.get_mut(&e) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => out.push(e),
                }
            }
            out
        };
        self.held.extend(out.iter().cloned());
        // Keep the newest `history + slack`: the server's history is a suffix of its
        // events and what we hold is in the same order, so older ones cannot come back.
        let keep = self.history + self.slack;
        if self.held.len() > keep {
            self.held.drain(..self.held.len() - keep);
        }
        out
    }
}

/// The length of the longest suffix of `held` that is a prefix of `list`
/// (Knuth–Morris–Pratt: linear, needs only equality).
fn overlap<T: Eq>(held: &VecDeque<T>, list: &[T]) -> usize {
    let n = list.len().min(held.len());
    if n == 0 {
        return 0;
    }
    let pattern = &list[..n];
    let mut fail = vec![0usize; n];
    let mut k = 0;
    for i in 1..n {
        while k > 0 && pattern[i] != pattern[k] {
            k = fail[k - 1];
        }
        if pattern[i] == pattern[k] {
            k += 1;
        }
        fail[i] = k;
    }
    // Only the last `n` held events can take part in the overlap.
    let mut k = 0;
    for e in held.iter().skip(held.len() - n) {
        while k > 0 && (k == n || *e != pattern[k]) {
            k = fail[k - 1];
        }
        if *e == pattern[k] {
            k += 1;
        }
    }
    k
}

#[cfg(test)]
mod tests;
