//! Replay de-duplication for the provisioning stream (CONTRACT A), which has no ids.
//!
//! Owns: deciding, for each event a connection delivers, whether the operator has
//! already been shown it; merging an authoritative full list (`GET …/events`).
//! Must not: do I/O, read clocks, or know the event type beyond equality and hashing.
//!
//! The real stream replays the whole history (the last 10,000 events, oldest evicted
//! first) on every connection, then tails live events; live delivery can drop events
//! and can repeat frames around a reconnect. The web UI counts the events it holds and
//! skips that many from the replay, which breaks once the head has been evicted or an
//! event was dropped. Here the replay is aligned by content instead:
//!
//! - `held` is our reconstruction of the server's history, in the server's order: the
//!   events delivered so far (at most the server's history length; older ones can never
//!   be replayed again).
//! - On each connection a pointer walks `held`. A replayed event found at or after the
//!   pointer was already shown: it is skipped and the pointer moves past it. The first
//!   such match also tells which held events the server has evicted (those before it).
//! - An event not found ahead is new (a live event, or one that was dropped before) and
//!   is delivered and recorded at the pointer, so `held` keeps the server's order.
//! - A frame equal to one of the last frames of the same connection is a repeated frame
//!   and is skipped. Two genuinely identical events close together (same second, phase,
//!   level and message) cannot be told from a repeated frame; the later one then waits
//!   for [`ReplayDedup::resync`], which restores it from the full list.
//!
//! Events must be compared by their whole content (e.g. the decoded event, or its raw
//! JSON): a key that merges distinct events would skip real ones.
//!
//! Use with the reconnecting stream: on `StreamStatus::Live` call `on_reconnect`, pass
//! every decoded event through `offer` and show what it returns; after a reconnect (or
//! when asked) fetch `GET /deployments/{id}/events` and show what `resync` returns.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, RandomState};

/// The history length of the real provisioning service.
pub const PROVISIONING_HISTORY: usize = 10_000;

/// How many recent frames of one connection a repeated frame is looked for among.
const REPEAT_WINDOW: usize = 32;

#[derive(Debug, Clone)]
struct Entry<K> {
    key: K,
    hash: u64,
    /// Put ahead of the connection's pointer by a resync: if the connection passes
    /// them by with a newer event, they were dropped on this connection.
    from_resync: bool,
}

/// De-duplicates a stream that replays its history on every connection.
///
/// Call [`on_reconnect`](Self::on_reconnect) when a new connection goes live (before its
/// first event), [`offer`](Self::offer) for each event in arrival order, and
/// [`resync`](Self::resync) with the authoritative full list after a reconnect or on
/// demand.
#[derive(Debug, Clone)]
pub struct ReplayDedup<T, K> {
    key: fn(&T) -> K,
    hasher: RandomState,
    history: usize,
    held: VecDeque<Entry<K>>,
    /// Held events before this index were seen (or passed) on this connection.
    next: usize,
    /// Whether this connection has met a held event yet.
    anchored: bool,
    /// Hash multiset of `held[next..]`, so that a miss costs O(1).
    ahead: HashMap<u64, u32>,
    /// Events delivered on this connection before it met a held event; their place in
    /// `held` is known once it does.
    pre: Vec<Entry<K>>,
    /// The last frames of this connection.
    recent: VecDeque<K>,
}

impl<T> ReplayDedup<T, T>
where
    T: Clone + Eq + Hash,
{
    /// Compares events by value.
    pub fn by_value() -> Self {
        Self::new(T::clone)
    }
}

impl<T, K> ReplayDedup<T, K>
where
    K: Clone + Eq + Hash,
{
    /// A de-duplicator for the real service's history length (10,000); `key` gives
    /// what identifies an event (its whole content).
    pub fn new(key: fn(&T) -> K) -> Self {
        Self::with_history(key, PROVISIONING_HISTORY)
    }

    /// A de-duplicator for a server that keeps `history` events.
    pub fn with_history(key: fn(&T) -> K, history: usize) -> Self {
        Self {
            key,
            hasher: RandomState::new(),
            history: history.max(1),
            held: VecDeque::new(),
            next: 0,
            anchored: true,
            ahead: HashMap::new(),
            pre: Vec::new(),
            recent: VecDeque::new(),
        }
    }

    /// How many delivered events are remembered (at most the history length).
    pub fn held_len(&self) -> usize {
        self.held.len() + self.pre.len()
    }

    /// A new connection starts: its replay will be aligned with what is held.
    pub fn on_reconnect(&mut self) {
        self.settle_pre();
        self.recent.clear();
        self.next = 0;
        self.anchored = self.held.is_empty();
        self.ahead.clear();
        for entry in &mut self.held {
            entry.from_resync = false;
            *self.ahead.entry(entry.hash).or_default() += 1;
        }
    }

    /// One event of the current connection, in arrival order. Returns it when it
    /// should be shown, `None` when it was shown before.
    pub fn offer(&mut self, item: T) -> Option<T> {
        let key = (self.key)(&item);
        let hash = self.hasher.hash_one(&key);
        if let Some(pos) = self.find_ahead(&key, hash) {
            self.consume(pos);
            self.remember(key);
            return None;
        }
        if self.recent.contains(&key) {
            return None;
        }
        self.remember(key.clone());
        self.insert_new(Entry {
            key,
            hash,
            from_resync: false,
        });
        self.trim();
        Some(item)
    }

    /// Merges the authoritative full list (oldest first): returns, in its order, the
    /// events not delivered yet, and remembers them as delivered.
    pub fn resync(&mut self, full: Vec<T>) -> Vec<T> {
        self.settle_pre();
        let mut out = Vec::new();
        let mut ahead: HashMap<u64, u32> = HashMap::new();
        for entry in &self.held {
            *ahead.entry(entry.hash).or_default() += 1;
        }
        let mut cursor = 0;
        let mut anchored = false;
        let mut before_anchor: Vec<(T, Entry<K>)> = Vec::new();
        for item in full {
            let key = (self.key)(&item);
            let hash = self.hasher.hash_one(&key);
            let found = if ahead.get(&hash).copied().unwrap_or(0) > 0 {
                (cursor..self.held.len())
                    .find(|&i| self.held[i].hash == hash && self.held[i].key == key)
            } else {
                None
            };
            let entry = Entry {
                key,
                hash,
                from_resync: false,
            };
            match found {
                Some(mut pos) => {
                    if !anchored {
                        anchored = true;
                        // Held events older than the list's first known one have left
                        // the server's history for good.
                        for i in 0..pos {
                            decrement(&mut ahead, self.held[i].hash);
                        }
                        self.remove_range(0, pos);
                        pos = 0;
                        for (item, entry) in before_anchor.drain(..) {
                            self.insert_from_resync(pos, entry);
                            pos += 1;
                            out.push(item);
                        }
                        cursor = pos;
                    }
                    for i in cursor..=pos {
                        decrement(&mut ahead, self.held[i].hash);
                    }
                    cursor = pos + 1;
                }
                None if anchored => {
                    self.insert_from_resync(cursor, entry);
                    cursor += 1;
                    out.push(item);
                }
                None => before_anchor.push((item, entry)),
            }
        }
        for (item, entry) in before_anchor {
            self.insert_from_resync(self.held.len(), entry);
            out.push(item);
        }
        self.trim();
        out
    }

    fn find_ahead(&self, key: &K, hash: u64) -> Option<usize> {
        if self.ahead.get(&hash).copied().unwrap_or(0) == 0 {
            return None;
        }
        (self.next..self.held.len())
            .find(|&i| self.held[i].hash == hash && self.held[i].key == *key)
    }

    /// The connection met the held event at `pos`.
    fn consume(&mut self, mut pos: usize) {
        if !self.anchored {
            self.anchored = true;
            // The replay starts here: held events before it were evicted by the server.
            self.remove_range(self.next, pos);
            pos = self.next;
            for entry in std::mem::take(&mut self.pre) {
                self.held.insert(pos, entry);
                pos += 1;
                self.next += 1;
            }
        }
        for i in self.next..=pos {
            decrement(&mut self.ahead, self.held[i].hash);
        }
        self.next = pos + 1;
    }

    /// Records a new event of the connection at its place in the server's order.
    fn insert_new(&mut self, entry: Entry<K>) {
        if !self.anchored {
            self.pre.push(entry);
            if self.pre.len() >= self.history {
                // The server's whole history was new to us: nothing held is in it.
                self.remove_range(0, self.held.len());
                self.held.extend(self.pre.drain(..));
                self.next = self.held.len();
                self.anchored = true;
            }
            return;
        }
        // Events a resync put ahead that this connection has not delivered are older
        // than this one (the stream is in order): they were dropped here, step over.
        while self.next < self.held.len() && self.held[self.next].from_resync {
            decrement(&mut self.ahead, self.held[self.next].hash);
            self.next += 1;
        }
        self.held.insert(self.next, entry);
        self.next += 1;
    }

    /// A resync inserts at `pos`; keeps the connection's pointer on the same event.
    fn insert_from_resync(&mut self, pos: usize, mut entry: Entry<K>) {
        if pos < self.next {
            self.next += 1;
        } else {
            entry.from_resync = true;
            *self.ahead.entry(entry.hash).or_default() += 1;
        }
        self.held.insert(pos, entry);
    }

    /// Events delivered before the connection met a held one go after everything held:
    /// the likely reason is that the server no longer has what we hold.
    fn settle_pre(&mut self) {
        if self.pre.is_empty() {
            return;
        }
        self.held.extend(self.pre.drain(..));
        self.next = self.held.len();
        self.anchored = true;
        self.ahead.clear();
        self.trim();
    }

    fn remove_range(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        for i in start.max(self.next)..end {
            decrement(&mut self.ahead, self.held[i].hash);
        }
        let behind = self.next.min(end).saturating_sub(start);
        self.held.drain(start..end);
        self.next -= behind;
    }

    /// Keeps the newest `history` events: the server's history is a suffix of its
    /// events and what we hold is in the same order, so older ones cannot come back.
    fn trim(&mut self) {
        let total = self.held.len() + self.pre.len();
        if total > self.history {
            let excess = (total - self.history).min(self.held.len());
            self.remove_range(0, excess);
        }
    }

    fn remember(&mut self, key: K) {
        if self.recent.len() == REPEAT_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back(key);
    }
}

fn decrement(counts: &mut HashMap<u64, u32>, hash: u64) {
    if let Some(count) = counts.get_mut(&hash) {
        *count -= 1;
        if *count == 0 {
            counts.remove(&hash);
        }
    }
}

#[cfg(test)]
mod tests;
