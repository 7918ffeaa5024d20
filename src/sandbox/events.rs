//! The live event bus behind `/api/v1/events`: every change is published here with an
//! increasing id, kept in a bounded replay log for `Last-Event-ID`, and fanned out to
//! subscribers through a broadcast channel. It also carries a bare "this operation
//! changed" signal that operation-log streams wait on.
//!
//! Owns ids, the replay log and fan-out. Must not know about HTTP or SSE framing (that is
//! `flow::sse`) nor about who may read what (the stream handler filters per caller).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::broadcast;

use crate::model::LiveEvent;

/// Tunables of the bus; the defaults are what the sandbox serves with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusSettings {
    /// Frames kept for `Last-Event-ID` resumption.
    pub replay_capacity: usize,
    /// Frames a slow subscriber may fall behind before it lags.
    pub channel_capacity: usize,
    /// Interval of the `: keepalive` comment on every stream.
    pub keepalive: Duration,
}

impl Default for BusSettings {
    fn default() -> Self {
        Self {
            replay_capacity: 10_000,
            channel_capacity: 1_024,
            keepalive: Duration::from_secs(15),
        }
    }
}

/// One published event, already encoded for the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusFrame {
    pub id: u64,
    pub org: String,
    pub environment: Option<String>,
    /// The SSE `event:` name (`application.updated`, …).
    pub kind: String,
    /// The JSON `data:`.
    pub data: String,
}

/// Which events a subscriber wants (`?org=&environment=`); `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub org: Option<String>,
    pub environment: Option<String>,
}

impl EventFilter {
    /// True when `frame` is in scope. An Org-wide event (no Environment) does not match
    /// an Environment filter.
    pub fn matches(&self, frame: &BusFrame) -> bool {
        self.org.as_deref().is_none_or(|o| o == frame.org)
            && self
                .environment
                .as_deref()
                .is_none_or(|e| frame.environment.as_deref() == Some(e))
    }
}

/// What a subscriber gets before live events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// The frames after the resumption id, oldest first (already filtered).
    Frames(Vec<Arc<BusFrame>>),
    /// The resumption id is older than the log (or unknown to this server): the client
    /// must re-list. `id` is the newest id at that moment, to resume from afterwards.
    Reset { id: u64 },
}

/// A replay plus the live tail, with no gap and no overlap between them.
#[derive(Debug)]
pub struct Subscription {
    pub replay: Replay,
    pub live: broadcast::Receiver<Arc<BusFrame>>,
}

#[derive(Debug)]
struct Log {
    /// Id of the last frame published (0 before the first).
    last_id: u64,
    frames: VecDeque<Arc<BusFrame>>,
}

/// Publishes console events to subscribers of `/api/v1/events`.
#[derive(Debug)]
pub struct EventBus {
    log: Mutex<Log>,
    tx: broadcast::Sender<Arc<BusFrame>>,
    operations: broadcast::Sender<Arc<str>>,
    settings: BusSettings,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(BusSettings::default())
    }
}

impl EventBus {
    /// A bus with the given replay capacity, channel capacity and keepalive interval.
    pub fn new(settings: BusSettings) -> Self {
        let settings = BusSettings {
            replay_capacity: settings.replay_capacity.max(1),
            channel_capacity: settings.channel_capacity.max(1),
            keepalive: settings.keepalive,
        };
        Self {
            log: Mutex::new(Log {
                last_id: 0,
                frames: VecDeque::with_capacity(settings.replay_capacity.min(1_024)),
            }),
            tx: broadcast::channel(settings.channel_capacity).0,
            operations: broadcast::channel(256).0,
            settings,
        }
    }

    /// The settings this bus runs with.
    pub fn settings(&self) -> BusSettings {
        self.settings
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        // A panic elsewhere while holding the lock leaves the log consistent (every
        // change is a single push/pop), so a poisoned lock is still usable.
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Publishes one event, scoped to its Org and Environment (for `?org=&environment=`).
    pub fn publish(&self, org: &str, environment: Option<&str>, event: LiveEvent) {
        let kind = event.kind().to_string();
        let data = event.encode_data();
        let mut log = self.lock();
        log.last_id += 1;
        let frame = Arc::new(BusFrame {
            id: log.last_id,
            org: org.to_string(),
            environment: environment.map(str::to_string),
            kind,
            data,
        });
        log.frames.push_back(frame.clone());
        while log.frames.len() > self.settings.replay_capacity {
            log.frames.pop_front();
        }
        // Sent under the lock so a concurrent `subscribe` sees each frame exactly once,
        // either in its replay or on its receiver. No receivers is not an error.
        let _ = self.tx.send(frame);
    }

    /// Id of the newest frame (0 when nothing was published yet).
    pub fn last_id(&self) -> u64 {
        self.lock().last_id
    }

    /// Subscribes to live events; with `last_event_id` the frames after it (matching
    /// `filter`) are replayed first, or a reset is signalled when the log no longer
    /// holds them.
    pub fn subscribe(&self, filter: &EventFilter, last_event_id: Option<u64>) -> Subscription {
        let log = self.lock();
        let live = self.tx.subscribe();
        let replay = match last_event_id {
            None => Replay::Frames(Vec::new()),
            Some(after) => replay_after(&log, filter, after),
        };
        Subscription { replay, live }
    }

    /// The frames after `after` matching `filter`, as `subscribe` would replay them
    /// (used to recover a subscriber that lagged behind the channel).
    pub fn replay(&self, filter: &EventFilter, after: u64) -> Replay {
        replay_after(&self.lock(), filter, after)
    }

    /// Signals that an operation's log or outcome changed (operation-log streams re-read
    /// the operation when they receive its id).
    pub fn operation_changed(&self, operation_id: &str) {
        let _ = self.operations.send(Arc::from(operation_id));
    }

    /// Receives the ids of operations that changed.
    pub fn watch_operations(&self) -> broadcast::Receiver<Arc<str>> {
        self.operations.subscribe()
    }
}

fn replay_after(log: &Log, filter: &EventFilter, after: u64) -> Replay {
    let oldest = log.frames.front().map_or(log.last_id + 1, |f| f.id);
    // An id from the future belongs to another run of the server; an id before the
    // oldest kept frame means frames were evicted. Either way the client must re-list.
    if after > log.last_id || after.saturating_add(1) < oldest {
        return Replay::Reset { id: log.last_id };
    }
    let skip = usize::try_from(after + 1 - oldest).unwrap_or(usize::MAX);
    Replay::Frames(
        log.frames
            .iter()
            .skip(skip)
            .filter(|f| filter.matches(f))
            .cloned()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationRemoved;

    fn removed(name: &str) -> LiveEvent {
        LiveEvent::ApplicationRemoved(ApplicationRemoved {
            environment: "acme-dev".into(),
            name: name.into(),
        })
    }

    fn ids(r: &Replay) -> Vec<u64> {
        match r {
            Replay::Frames(f) => f.iter().map(|f| f.id).collect(),
            Replay::Reset { .. } => panic!("unexpected reset"),
        }
    }

    fn small_bus(capacity: usize) -> EventBus {
        EventBus::new(BusSettings {
            replay_capacity: capacity,
            ..BusSettings::default()
        })
    }

    #[test]
    fn ids_increase_from_one() {
        let bus = EventBus::default();
        assert_eq!(bus.last_id(), 0);
        bus.publish("acme", Some("acme-dev"), removed("a"));
        bus.publish("acme", None, removed("b"));
        assert_eq!(bus.last_id(), 2);
        let r = bus.replay(&EventFilter::default(), 0);
        assert_eq!(ids(&r), vec![1, 2]);
        if let Replay::Frames(f) = r {
            assert_eq!(f[0].kind, "application.removed");
            assert!(f[0].data.contains("\"name\":\"a\""));
        }
    }

    #[test]
    fn replay_starts_after_the_given_id() {
        let bus = EventBus::default();
        for n in 0..5 {
            bus.publish("acme", None, removed(&n.to_string()));
        }
        assert_eq!(ids(&bus.replay(&EventFilter::default(), 3)), vec![4, 5]);
        assert_eq!(
            ids(&bus.replay(&EventFilter::default(), 5)),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn too_old_or_future_ids_reset() {
        let bus = small_bus(3);
        for n in 0..6 {
            bus.publish("acme", None, removed(&n.to_string()));
        }
        // Frames 4..=6 are kept: resuming after 3 is exact, after 2 has lost frame 3.
        assert_eq!(ids(&bus.replay(&EventFilter::default(), 3)), vec![4, 5, 6]);
        assert_eq!(
            bus.replay(&EventFilter::default(), 2),
            Replay::Reset { id: 6 }
        );
        assert_eq!(
            bus.replay(&EventFilter::default(), 99),
            Replay::Reset { id: 6 }
        );
    }

    #[test]
    fn filters_scope_by_org_and_environment() {
        let bus = EventBus::default();
        bus.publish("acme", Some("acme-dev"), removed("1"));
        bus.publish("acme", Some("acme-prod"), removed("2"));
        bus.publish("globex", Some("globex-dev"), removed("3"));
        bus.publish("acme", None, removed("4"));
        let org = EventFilter {
            org: Some("acme".into()),
            environment: None,
        };
        assert_eq!(ids(&bus.replay(&org, 0)), vec![1, 2, 4]);
        let env = EventFilter {
            org: None,
            environment: Some("acme-prod".into()),
        };
        assert_eq!(ids(&bus.replay(&env, 0)), vec![2]);
    }

    #[tokio::test]
    async fn subscription_has_no_gap_between_replay_and_live() {
        let bus = EventBus::default();
        bus.publish("acme", None, removed("1"));
        let mut sub = bus.subscribe(&EventFilter::default(), Some(0));
        bus.publish("acme", None, removed("2"));
        assert_eq!(ids(&sub.replay), vec![1]);
        let live = sub.live.recv().await.expect("live frame");
        assert_eq!(live.id, 2);
    }

    #[tokio::test]
    async fn operation_changes_are_signalled() {
        let bus = EventBus::default();
        let mut rx = bus.watch_operations();
        bus.operation_changed("op-000001");
        assert_eq!(&*rx.recv().await.expect("signal"), "op-000001");
    }
}
