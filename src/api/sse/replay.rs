//! Replay de-duplication for the provisioning stream (CONTRACT A), which has no ids.
//!
//! Owns: deciding, for each event a connection delivers, whether it is the next event of
//! the run or one already shown; merging the authoritative full list (`GET …/events`).
//! Must not: do I/O, read clocks, or know the event type beyond equality and hashing.
//!
//! What one connection of the real stream delivers, in order: the whole history (the
//! last 10,000 events, oldest evicted first); then the events left in the service's
//! shared live queue (up to 256, all already in that history, contiguous, in order:
//! they were queued while nobody read them); then live events. Identical events are
//! common and legitimate (OpenTofu prints `}` many times a second), so an event's
//! content never proves it was shown before. Positions do:
//!
//! - `held` is what was shown, in the server's order: always a prefix of the server's
//!   event list (as far as its history goes). Events are only ever shown in that order:
//!   from a list, or from the stream when they are certainly the next one.
//! - Each connection walks `held` with a pointer: a replayed event equal to the held
//!   event at the pointer is skipped and the pointer moves on. An event that differs but
//!   is held elsewhere is a leftover from the queue (or the connection skipped ahead) and
//!   is skipped.
//! - Each connection starts with a list (fetched once it is live, so `held` then has its
//!   whole replay and its leftovers).
//! - At the end of `held` an event is shown at once only when the connection is
//!   *settled*. Before that it may be a leftover or the next event: [`Offer::Check`]
//!   asks the caller for the list, and [`ReplayDedup::checked`] shows what the list has
//!   beyond `held` and places the connection in it. An event new to `held` is live (not
//!   a leftover); placed at the end of its list, or after the end of the list that
//!   placed the connection's first live event, it settles the connection. (Live events
//!   that the service dropped because its queue was full before this connection first
//!   read it are all in that first list; while the connection walks it, a delivered
//!   event that looks the same as a dropped one would fool the pointer.)
//! - Out of step with `held` (an event unlike the one at the pointer), a connection is
//!   no longer settled: nothing is shown on trust until a list places it again.
//! - Events the caller had already received when it asked for the list are in that list:
//!   [`ReplayDedup::offer_listed`] decides them without another list.
//!
//! A live event the service drops while a connection is settled cannot be noticed; the
//! next [`ReplayDedup::resync`] shows it, after the newer ones.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, RandomState};

/// The history length of the real provisioning service.
pub const PROVISIONING_HISTORY: usize = 10_000;

/// Events held beyond the server's history: a connection's replay starts where the
/// server's history started when it connected, slightly before that of a list fetched
/// just after.
const SLACK: usize = 1_024;

/// What to do with one event of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer<T> {
    /// The next event of the run: show it.
    New(T),
    /// Shown before: skip it.
    Seen,
    /// Only the list can tell: fetch `GET …/events` and pass it with this event to
    /// [`ReplayDedup::checked`] (or to [`ReplayDedup::unchecked`] when it cannot be had).
    Check(T),
}

/// De-duplicates a stream that replays its history on every connection.
///
/// Call [`on_connect`](Self::on_connect) when a connection goes live, then
/// [`resync`](Self::resync) with the list fetched then (also on the first connection:
/// the shared queue repeats events after that replay too); pass each event of the
/// connection through [`offer`](Self::offer) in arrival order and act on the [`Offer`].
#[derive(Debug, Clone)]
pub struct ReplayDedup<T> {
    hasher: RandomState,
    history: usize,
    slack: usize,
    /// Shown events, in the server's order (the newest `history + slack`).
    held: VecDeque<T>,
    /// How many held events have each hash, so that a miss costs O(1).
    counts: HashMap<u64, u32>,
    /// Index in `held` of the event the connection should deliver next; `None` before
    /// its first event.
    pos: Option<usize>,
    /// Index in `held` of the oldest event of the last list (where a replay starts).
    list_start: usize,
    /// The connection is past its leftovers and `pos` is exact: events at the end of
    /// `held` are the next ones.
    settled: bool,
    /// A list was merged since the connection went live, so `held` has its replay and
    /// its leftovers: an event new to `held` is a live one.
    replay_held: bool,
    /// Index in `held` from which the connection cannot lose events: the end of the
    /// list that placed its first live event (which it read from the shared queue, so
    /// whatever the service dropped before that first read is in that list).
    quiet_from: Option<usize>,
    /// The list could not be had on this connection: decide from the stream alone.
    blind: bool,
}

impl<T> Default for ReplayDedup<T>
where
    T: Clone + Eq + Hash,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T> ReplayDedup<T>
where
    T: Clone + Eq + Hash,
{
    /// A de-duplicator for the real service's history length (10,000); events are
    /// compared by their whole content.
    pub fn new() -> Self {
        Self::with_history(PROVISIONING_HISTORY)
    }

    /// A de-duplicator for a server that keeps `history` events.
    pub fn with_history(history: usize) -> Self {
        Self::with_limits(history, SLACK)
    }

    fn with_limits(history: usize, slack: usize) -> Self {
        Self {
            hasher: RandomState::new(),
            history: history.max(1),
            slack,
            held: VecDeque::new(),
            counts: HashMap::new(),
            pos: None,
            list_start: 0,
            settled: false,
            replay_held: false,
            quiet_from: None,
            blind: false,
        }
    }

    /// How many shown events are remembered (at most the history length plus a margin).
    pub fn held_len(&self) -> usize {
        self.held.len()
    }

    /// A new connection went live: its replay starts over.
    pub fn on_connect(&mut self) {
        self.pos = None;
        self.settled = false;
        self.replay_held = false;
        self.quiet_from = None;
        self.blind = false;
    }

    /// One event of the current connection, in arrival order.
    pub fn offer(&mut self, item: T) -> Offer<T> {
        self.decide(item, false)
    }

    /// One event received before the last list (passed to [`checked`](Self::checked) or
    /// [`resync`](Self::resync)) was requested: the list had it, so it never needs
    /// another.
    pub fn offer_listed(&mut self, item: T) -> Offer<T> {
        self.decide(item, true)
    }

    /// Answers [`Offer::Check`]: `list` is the full list, fetched after `item` arrived.
    /// Returns, in order, the events to show (those of the list not shown yet).
    pub fn checked(&mut self, item: T, list: Vec<T>) -> Vec<T> {
        let hash = self.hash(&item);
        let known = self.contains(hash);
        // New although `held` had the replay: a live event, so the leftovers are over.
        // A held one may as well be a leftover that looks the same as the next event.
        let live = self.replay_held && !known;
        let unplaced = self.pos.is_none();
        if unplaced {
            self.pos = Some(self.held.len());
        }
        let out = self.resync(list);
        let len = self.held.len();
        let pos = self.pos.unwrap_or(len).min(len);
        let placed = if pos < len && self.held[pos] == item {
            Some(pos + 1)
        } else {
            self.find(&item, pos).filter(|_| !known).map(|at| at + 1)
        };
        match placed {
            Some(next) => {
                self.pos = Some(next);
                // A live event at its place settles the connection, unless the list
                // has events after it that the connection may still lose (those the
                // service dropped while its queue was full, before this connection
                // first read it): when the next one it delivers looks the same as a lost
                // one, positions cannot tell. Those are all in this list, so a live event
                // placed after its end settles it.
                let quiet = self.quiet_from.is_some_and(|q| next > q);
                self.settled |= live && (next == len || quiet);
            }
            // Held before and not next: a leftover. Or in neither: the list, fetched
            // after it arrived, no longer has it, so it is older than all of the list
            // (evicted since the connection's replay began, which goes on with events
            // we hold).
            None => self.pos = (!unplaced).then_some(pos),
        }
        if live && self.quiet_from.is_none() {
            self.quiet_from = Some(len);
        }
        self.trim();
        out
    }

    /// Answers [`Offer::Check`] when the list cannot be had: decides from the stream
    /// alone for the rest of this connection (an event equal to a held one is taken for
    /// a repeat; the next re-sync shows it if it was not).
    pub fn unchecked(&mut self, item: T) -> Option<T> {
        self.blind = true;
        let hash = self.hash(&item);
        let len = self.held.len();
        self.pos = Some(len);
        if self.contains(hash) {
            return None;
        }
        self.push(item.clone());
        self.pos = Some(len + 1);
        self.trim();
        Some(item)
    }

    /// Merges the authoritative full list (oldest first): returns, in its order, the
    /// events not shown yet, and remembers them as shown.
    pub fn resync(&mut self, list: Vec<T>) -> Vec<T> {
        let old_len = self.held.len();
        let full = list.len() >= self.history;
        let overlap = overlap(&self.held, &list);
        let out: Vec<T> = if overlap == old_len || full {
            // What we hold ends where the list's beginning does (the server may have
            // evicted our oldest events; with no overlap at all, more than its history
            // happened since we last heard).
            self.list_start = old_len - overlap;
            list.into_iter().skip(overlap).collect()
        } else {
            // What we hold is not in the list's order (an event was dropped live while
            // newer ones were shown): show what is missing, in the list's order.
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
        for e in &out {
            self.push(e.clone());
        }
        self.replay_held = true;
        self.trim();
        out
    }

    fn decide(&mut self, item: T, listed: bool) -> Offer<T> {
        let hash = self.hash(&item);
        let known = self.contains(hash);
        let len = self.held.len();
        let pos = match self.pos {
            Some(p) => p.min(len),
            None => match self.replay_start(&item, known) {
                Some(at) => at,
                // Held nowhere: new, or older than all we hold (the replay began before
                // the list did); the connection's place is still open.
                None if self.blind => len,
                None if listed => return Offer::Seen,
                None => return Offer::Check(item),
            },
        };
        self.pos = Some(pos);
        if pos < len {
            if self.held[pos] == item {
                self.pos = Some(pos + 1);
                return Offer::Seen;
            }
            // Out of step with what is held: the connection's place is a guess until
            // the list confirms one, so nothing is shown without it meanwhile (a new
            // event that looks like a held one ahead is at worst shown late by the
            // list, never out of order).
            self.settled = false;
            if known {
                // A leftover, or the connection skipped held events: a later equal one
                // puts the pointer past them.
                if let Some(at) = self.find(&item, pos + 1) {
                    self.pos = Some(at + 1);
                }
                return Offer::Seen;
            }
            // New while held events are still ahead: the connection skipped them, and
            // maybe others not shown yet, so only the list can place it.
        }
        self.pos = Some(len);
        if self.blind && known {
            return Offer::Seen;
        }
        if listed && !self.blind {
            // The list had everything this connection delivered so far and all of it is
            // shown: this is a repeat (or an event the list no longer had).
            return Offer::Seen;
        }
        if self.blind || self.settled {
            self.push(item.clone());
            self.pos = Some(self.held.len());
            self.trim();
            return Offer::New(item);
        }
        Offer::Check(item)
    }

    /// Where the first event of a connection sits in `held`: where the last list began,
    /// or the nearest equal event (the server's history began slightly earlier when the
    /// connection was made).
    fn replay_start(&self, item: &T, known: bool) -> Option<usize> {
        let len = self.held.len();
        if !known || len == 0 {
            return None;
        }
        let start = self.list_start.min(len - 1);
        (start.saturating_sub(self.slack)..=start)
            .rev()
            .chain(start + 1..len)
            .find(|&i| self.held[i] == *item)
    }

    fn find(&self, item: &T, from: usize) -> Option<usize> {
        (from..self.held.len()).find(|&i| self.held[i] == *item)
    }

    fn hash(&self, item: &T) -> u64 {
        self.hasher.hash_one(item)
    }

    fn contains(&self, hash: u64) -> bool {
        self.counts.contains_key(&hash)
    }

    fn push(&mut self, item: T) {
        *self.counts.entry(self.hash(&item)).or_default() += 1;
        self.held.push_back(item);
    }

    /// Keeps the newest `history + slack` events: the server's history is a suffix of
    /// its events and what we hold is in the same order, so older ones cannot come back.
    fn trim(&mut self) {
        while self.held.len() > self.history + self.slack {
            let Some(old) = self.held.pop_front() else {
                break;
            };
            let hash = self.hash(&old);
            if let Some(n) = self.counts.get_mut(&hash) {
                *n -= 1;
                if *n == 0 {
                    self.counts.remove(&hash);
                }
            }
            self.pos = self.pos.map(|p| p.saturating_sub(1));
            self.quiet_from = self.quiet_from.map(|q| q.saturating_sub(1));
            self.list_start = self.list_start.saturating_sub(1);
        }
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
