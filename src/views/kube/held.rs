//! The objects of one kind a watch has delivered, as the view holds them: a list in
//! progress (after `Restart`) is gathered aside and replaces the rows only once complete
//! (`Synced`), so a re-list after a cut or a 410 never shows a half list, and an object
//! that vanished meanwhile is gone. Events keep at most [`EVENTS_HELD`], newest first.
//!
//! Pure data.

use crate::kube::{EventRow, FluxRow, PodRow};

/// The most events a view holds (the newest).
pub const EVENTS_HELD: usize = 1_000;

/// What identifies a row among its kind.
pub trait Keyed: Clone {
    fn key(&self) -> &str;
}

impl Keyed for PodRow {
    fn key(&self) -> &str {
        &self.name
    }
}

impl Keyed for EventRow {
    fn key(&self) -> &str {
        &self.name
    }
}

impl Keyed for FluxRow {
    fn key(&self) -> &str {
        &self.name
    }
}

/// The rows of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Held<T> {
    rows: Vec<T>,
    /// A list in progress.
    next: Option<Vec<T>>,
    /// A complete list has arrived.
    synced: bool,
    /// The cluster does not serve the kind.
    absent: bool,
}

impl<T> Default for Held<T> {
    fn default() -> Self {
        Held {
            rows: Vec::new(),
            next: None,
            synced: false,
            absent: false,
        }
    }
}

impl<T: Keyed> Held<T> {
    /// The rows of the last complete list, with the changes since.
    pub fn rows(&self) -> &[T] {
        &self.rows
    }

    /// Whether a complete list has arrived.
    pub fn synced(&self) -> bool {
        self.synced
    }

    /// Whether the cluster does not serve the kind.
    pub fn absent(&self) -> bool {
        self.absent
    }

    /// A list begins.
    pub fn restart(&mut self) {
        self.next = Some(Vec::new());
    }

    /// An object was listed or changed.
    pub fn upsert(&mut self, row: T) {
        let target = self.next.as_mut().unwrap_or(&mut self.rows);
        match target.iter().position(|r| r.key() == row.key()) {
            Some(i) => target[i] = row,
            None => target.push(row),
        }
    }

    /// An object is gone.
    pub fn remove(&mut self, key: &str) {
        self.rows.retain(|r| r.key() != key);
        if let Some(next) = self.next.as_mut() {
            next.retain(|r| r.key() != key);
        }
    }

    /// The list is complete.
    pub fn sync(&mut self) {
        if let Some(next) = self.next.take() {
            self.rows = next;
        }
        self.synced = true;
    }

    /// The cluster does not serve the kind.
    pub fn mark_absent(&mut self) {
        self.absent = true;
        self.synced = true;
    }

    /// Forgets everything (the grant ended, or another began).
    pub fn clear(&mut self) {
        *self = Held::default();
    }

    /// Orders the rows by `cmp` and keeps at most `max`.
    pub fn arrange(&mut self, cmp: impl Fn(&T, &T) -> std::cmp::Ordering, max: usize) {
        self.rows.sort_by(&cmp);
        self.rows.truncate(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, status: &str) -> PodRow {
        PodRow {
            name: name.into(),
            ready: "1/1".into(),
            all_ready: true,
            status: status.into(),
            restarts: 0,
            created: None,
            node: String::new(),
            containers: vec![],
            app: String::new(),
        }
    }

    #[test]
    fn a_relist_replaces_the_rows_only_once_complete() {
        let mut h = Held::default();
        h.restart();
        h.upsert(pod("a", "Running"));
        h.upsert(pod("b", "Running"));
        assert!(h.rows().is_empty() && !h.synced());
        h.sync();
        assert_eq!(h.rows().len(), 2);
        // A change while live replaces in place.
        h.upsert(pod("a", "CrashLoopBackOff"));
        assert_eq!(h.rows()[0].status, "CrashLoopBackOff");
        // A re-list (after a 410): the old rows stay until the new list is complete,
        // and what is not in it is gone.
        h.restart();
        h.upsert(pod("b", "Running"));
        assert_eq!(h.rows().len(), 2);
        h.sync();
        assert_eq!(
            h.rows().iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["b"]
        );
        h.remove("b");
        assert!(h.rows().is_empty());
        h.mark_absent();
        assert!(h.absent() && h.synced());
        h.clear();
        assert!(!h.synced() && !h.absent());
    }

    #[test]
    fn arranging_orders_and_bounds() {
        let mut h = Held::default();
        for n in ["c", "a", "b"] {
            h.upsert(pod(n, "Running"));
        }
        h.arrange(|x, y| x.name.cmp(&y.name), 2);
        assert_eq!(
            h.rows().iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }
}
