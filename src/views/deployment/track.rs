//! A provisioning run as its events tell it: which events are held already (across
//! follows, each of which replays the service's history), how far Phase 0 got, and the
//! Phase-1 components with their state and last message. Pure data; no I/O, no clock.
//!
//! **Replays across follows.** A retry starts a new follow, and so does opening the run
//! again; each replays the service's whole list. The contract says the list keeps the
//! earlier attempt, but also that its head is evicted past 10,000 events, and a service
//! that started the list afresh on a retry must not lose the new attempt's lines. So
//! [`Seen`] does not count: it keeps a fingerprint of every event held and matches a new
//! follow's replay against them by content. The replay's first event anchors it (at the
//! start of what is held, or later when the head was evicted); while events go on
//! matching they are replays; the first that does not (or one that anchors nowhere,
//! as after a fresh list) and everything after it are new. Within one follow the
//! follower already delivers every event exactly once.
//!
//! **Components** are rebuilt idempotently from the `component` transitions (applying one
//! twice changes nothing) and re-synced from `/components/state` and the final State's
//! `componentStates`: a row replaces what the events said only when it is as new or
//! newer, and a row without a message (the service rebuilds them after the watch ends,
//! with empty messages and zero times) never erases a known message.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};

use crate::model::{
    AppStatus, ComponentStatus, ComponentsState, Handover, PHASE_COMPONENT, PHASE_COMPONENT_LOG,
    PHASE0, ProvisionEvent,
};

/// How many places a replay may anchor at before the later ones are given up (identical
/// lines: blank OpenTofu output in the same second).
const MAX_ANCHORS: usize = 64;

/// The events held, as fingerprints, and where a new follow's replay stands.
#[derive(Debug, Default)]
pub struct Seen {
    held: Vec<u64>,
    generation: Option<u64>,
    replay: Replay,
}

#[derive(Debug, Default, PartialEq, Eq)]
enum Replay {
    /// Everything that comes is new.
    #[default]
    Appending,
    /// A new follow whose first event has not come yet.
    Anchoring,
    /// The replay matches what is held; the next event expected at each of these places.
    Matching(Vec<usize>),
}

fn fingerprint(event: &ProvisionEvent) -> u64 {
    let mut h = DefaultHasher::new();
    event.hash(&mut h);
    h.finish()
}

impl Seen {
    /// A batch of follow `generation` arrives; a new generation replays from the start.
    pub fn batch(&mut self, generation: u64) {
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.replay = if self.held.is_empty() {
                Replay::Appending
            } else {
                Replay::Anchoring
            };
        }
    }

    /// The next event of the current follow: whether it is new (and now held).
    pub fn admit(&mut self, event: &ProvisionEvent) -> bool {
        let h = fingerprint(event);
        let next: Vec<usize> = match &self.replay {
            Replay::Appending => Vec::new(),
            Replay::Anchoring => self
                .held
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == h)
                .map(|(i, _)| i + 1)
                .take(MAX_ANCHORS)
                .collect(),
            Replay::Matching(at) => at
                .iter()
                .filter(|i| self.held.get(**i) == Some(&h))
                .map(|i| i + 1)
                .collect(),
        };
        if next.is_empty() {
            self.replay = Replay::Appending;
            self.held.push(h);
            true
        } else {
            self.replay = Replay::Matching(next);
            false
        }
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether no event is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }
}

/// One Phase-1 component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub id: String,
    pub status: ComponentStatus,
    /// The last message known (never erased by a row without one).
    pub message: String,
    /// When the state last changed, as the service wrote it (empty when unknown).
    pub since: String,
    /// Failed, and Flux has given up retrying (newer services).
    pub stalled: bool,
    /// The HelmRelease is suspended; the service keeps its status `installed`.
    pub suspended: bool,
    /// A state this console does not know, as the service wrote it.
    pub raw_state: Option<String>,
}

impl Component {
    /// The word the grid shows: the service's state, or `stalled` / `suspended` when
    /// the service flags it so.
    pub fn state_word(&self) -> &str {
        if self.stalled {
            "stalled"
        } else if self.suspended {
            "suspended"
        } else if let (ComponentStatus::Unknown, Some(raw)) = (self.status, &self.raw_state) {
            raw
        } else {
            self.status.as_str()
        }
    }

    /// The mark it is drawn with: a suspended release is paused, whatever its status.
    pub fn shown_status(&self, status: AppStatus) -> AppStatus {
        if self.suspended && !self.stalled {
            AppStatus::Paused
        } else {
            status
        }
    }
}

/// The run's progress as the events and re-syncs tell it.
#[derive(Debug, Default)]
pub struct Track {
    /// Index in [`PHASE0`] of the latest marker of the current attempt.
    pub marker: Option<usize>,
    /// A Phase-1 event came in the current attempt (so Phase 0 is over).
    pub phase1: bool,
    /// The components, in the order first seen ([`Track::ordered`] is the grid's order).
    pub components: Vec<Component>,
    index: HashMap<String, usize>,
    /// The last watch diagnostic (a `component` event without a component).
    pub diagnostic: Option<String>,
    /// The last `handover-ready` event's address and expiry (newer services).
    pub handover: Option<Handover>,
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    // Go's zero time (rows rebuilt after the watch) means "unknown".
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| t.timestamp() > 0)
}

impl Track {
    /// Applies one new event.
    pub fn apply(&mut self, e: &ProvisionEvent) {
        if let Some(handover) = e.handover() {
            self.handover = Some(handover);
            return;
        }
        if let Some(i) = PHASE0.iter().position(|p| *p == e.phase) {
            // `tofu-init` starts an attempt (a retry runs the whole sequence again).
            if i == 0 || self.marker.is_none_or(|m| m < i) {
                self.marker = Some(i);
            }
            if i == 0 {
                self.phase1 = false;
            }
            return;
        }
        if e.phase == PHASE_COMPONENT || e.phase == PHASE_COMPONENT_LOG {
            self.phase1 = true;
        }
        if e.phase != PHASE_COMPONENT {
            return;
        }
        match (&e.component, &e.state) {
            (Some(id), Some(state)) if !id.is_empty() => {
                let status = state.parse().unwrap_or(ComponentStatus::Unknown);
                let c = self.entry(id);
                c.status = status;
                c.raw_state = (status == ComponentStatus::Unknown).then(|| state.clone());
                if !e.message.is_empty() {
                    c.message = e.message.clone();
                }
                c.since = e.time.clone();
            }
            (None, _) => self.diagnostic = Some(e.message.clone()),
            _ => {}
        }
    }

    fn entry(&mut self, id: &str) -> &mut Component {
        let at = match self.index.get(id) {
            Some(at) => *at,
            None => {
                self.components.push(Component {
                    id: id.to_string(),
                    status: ComponentStatus::Pending,
                    message: String::new(),
                    since: String::new(),
                    stalled: false,
                    suspended: false,
                    raw_state: None,
                });
                let at = self.components.len() - 1;
                self.index.insert(id.to_string(), at);
                at
            }
        };
        &mut self.components[at]
    }

    /// Merges `/components/state`. A row wins when it is at least as new as what the
    /// events said (or the watch has ended and the rows are the service's final word).
    pub fn merge_rows(&mut self, rows: &ComponentsState) {
        for row in &rows.components {
            let known = self.index.contains_key(&row.app_id);
            let c = self.entry(&row.app_id);
            let newer = match (parse_time(&row.last_transition_at), parse_time(&c.since)) {
                (Some(r), Some(k)) => r >= k,
                (Some(_), None) => true,
                (None, _) => !rows.watching,
            };
            // The flags are only in rows: the latest row says.
            c.stalled = row.stalled;
            c.suspended = row.suspended;
            if !known || newer {
                c.status = row.status;
                if !row.message.is_empty() {
                    c.message = row.message.clone();
                }
                if parse_time(&row.last_transition_at).is_some() {
                    c.since = row.last_transition_at.clone();
                }
            }
        }
    }

    /// Merges a finished run's `componentStates` (the service's final word on each
    /// state; messages stay).
    pub fn merge_states(&mut self, states: &BTreeMap<String, String>) {
        for (id, state) in states {
            self.entry(id).status = state.parse().unwrap_or(ComponentStatus::Unknown);
        }
    }

    /// How many components are in each state, in the order of [`ComponentStatus::ALL`].
    pub fn counts(&self) -> Vec<(ComponentStatus, usize)> {
        ComponentStatus::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    self.components.iter().filter(|c| c.status == *s).count(),
                )
            })
            .collect()
    }

    /// The components as the grid lists them: what needs attention first (failed,
    /// degraded, installing, pending, unknown, then installed), by id within each.
    pub fn ordered(&self) -> Vec<&Component> {
        let rank = |c: &Component| match c.status {
            ComponentStatus::Failed if c.stalled => 0,
            ComponentStatus::Failed => 1,
            ComponentStatus::Degraded => 2,
            _ if c.suspended => 3,
            ComponentStatus::Installing => 4,
            ComponentStatus::Pending => 5,
            ComponentStatus::Unknown => 6,
            ComponentStatus::Installed => 7,
        };
        let mut all: Vec<&Component> = self.components.iter().collect();
        all.sort_by(|a, b| (rank(a), &a.id).cmp(&(rank(b), &b.id)));
        all
    }

    /// Components not installed.
    pub fn not_installed(&self) -> usize {
        self.components
            .iter()
            .filter(|c| c.status != ComponentStatus::Installed)
            .count()
    }
}
