//! My live access grants (CONTRACT Part B, access elevation): read once signed in, kept
//! current by `access.updated` events and by the answer to a request made here, and
//! counted down in the status bar of every view of a granted Environment
//! (`debug digital-channels-stg · 23 min left`). The loop wakes once a minute for the
//! countdown (every second in the last minute), and only while one is shown.
//!
//! Owns the list and its reading; must not do I/O (reads go out as effects).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{AccessRequest, AccessState};
use crate::msg::Data;

/// My grants.
#[derive(Debug, Default)]
pub struct Grants {
    /// Granted requests of mine (some may have run out since: see [`Grants::live_on`]).
    items: Vec<AccessRequest>,
    /// The read in flight.
    reading: Option<RequestId>,
}

impl Grants {
    /// Reads my granted requests (`next_request` hands out the id).
    pub fn read(&mut self, next_request: &mut u64) -> Effect {
        *next_request += 1;
        let request = RequestId(*next_request);
        self.reading = Some(request);
        Effect::Fetch {
            request,
            query: Query::Grants,
        }
    }

    /// Takes the answer to [`Grants::read`]; `false` when it was not that.
    pub fn on_fetched(
        &mut self,
        me: &str,
        request: RequestId,
        result: &Result<Data, ApiError>,
    ) -> bool {
        if self.reading != Some(request) {
            return false;
        }
        self.reading = None;
        if let Ok(Data::Grants(list)) = result {
            self.items = list
                .iter()
                .filter(|r| r.requester == me && r.state == AccessState::Granted)
                .cloned()
                .collect();
        }
        // A failed read leaves what was known: the events keep it current.
        true
    }

    /// A request changed (an event, or the answer to one made here).
    pub fn on_request(&mut self, me: &str, r: &AccessRequest) {
        if r.requester != me {
            return;
        }
        self.items.retain(|g| g.id != r.id);
        if r.state == AccessState::Granted {
            self.items.push(r.clone());
        }
    }

    /// My grant on `env` that is live at `now` (the one that lasts longest).
    pub fn live_on(&self, env: &str, now: DateTime<Utc>) -> Option<&AccessRequest> {
        self.items
            .iter()
            .filter(|g| g.environment == env && g.expires_at.is_some_and(|e| e > now))
            .max_by_key(|g| g.expires_at)
    }

    /// When the countdown of my grant on `env` next changes: at the next whole minute
    /// left, every second in the last minute; `None` without a live grant.
    pub fn next_change(&self, env: &str, now: DateTime<Utc>) -> Option<Duration> {
        let left = self.live_on(env, now)?.expires_at? - now;
        let ms = left.num_milliseconds().max(0) as u64;
        let step = if ms <= 60_000 { 1_000 } else { 60_000 };
        // The shown value changes when what is left crosses a whole step.
        Some(Duration::from_millis(ms.saturating_sub(1) % step + 1))
    }
}

/// Hands every view inside a grant (the kube views, pod logs, YAML) my live grant on its
/// Environment at the state's time: a view whose grant expired or was revoked stops and
/// says why; one opened without a grant comes alive when one is granted. `true` when a
/// view changed.
pub fn hand_to_views(state: &mut super::State) -> bool {
    let mut changed = false;
    let now = state.now;
    for route in state.routes.iter_mut() {
        let view = route.view_mut();
        let Some(env) = view.grant_env() else {
            continue;
        };
        changed |= view.take_grant(state.grants.live_on(&env, now), now);
    }
    changed
}

/// What the status bar says of a live grant at `now`.
pub fn countdown(g: &AccessRequest, now: DateTime<Utc>) -> Option<String> {
    Some(format!(
        "{} {} · {}",
        g.access,
        g.environment,
        time_left(g, now)?
    ))
}

/// How long a live grant has left at `now` (`23 min left`, `45 s left`); `None` once
/// it ended.
pub fn time_left(g: &AccessRequest, now: DateTime<Utc>) -> Option<String> {
    let secs = (g.expires_at? - now).num_seconds();
    if secs <= 0 {
        return None;
    }
    Some(if secs < 60 {
        format!("{secs} s left")
    } else {
        format!("{} min left", (secs + 59) / 60)
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::AccessLevel;

    fn grant(id: &str, who: &str, env: &str, until: DateTime<Utc>) -> AccessRequest {
        AccessRequest {
            id: id.into(),
            environment: env.into(),
            requester: who.into(),
            access: AccessLevel::Debug,
            reason: "r".into(),
            duration_minutes: 30,
            state: AccessState::Granted,
            requested_at: until,
            granted_at: None,
            expires_at: Some(until),
            decided_by: None,
            decision_comment: None,
        }
    }

    #[test]
    fn mine_are_kept_counted_down_and_dropped_when_revoked() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let env = "digital-channels-stg";
        let mut g = Grants::default();
        let mut next = 0;
        let Effect::Fetch { request, .. } = g.read(&mut next) else {
            panic!("a read")
        };
        let list = vec![
            grant("a1", "layla", env, now + chrono::Duration::minutes(23)),
            grant("a2", "omar", env, now + chrono::Duration::minutes(50)),
        ];
        assert!(!g.on_fetched("layla", RequestId(99), &Ok(Data::Grants(list.clone()))));
        assert!(g.on_fetched("layla", request, &Ok(Data::Grants(list))));
        let live = g.live_on(env, now).unwrap();
        assert_eq!(live.id, "a1", "only mine");
        assert_eq!(
            countdown(live, now).as_deref(),
            Some("debug digital-channels-stg · 23 min left")
        );
        assert_eq!(g.next_change(env, now), Some(Duration::from_secs(60)));
        let later = now + chrono::Duration::seconds(30);
        assert_eq!(g.next_change(env, later), Some(Duration::from_secs(30)));
        let last = now + chrono::Duration::minutes(22) + chrono::Duration::seconds(15);
        assert_eq!(
            countdown(g.live_on(env, last).unwrap(), last).as_deref(),
            Some("debug digital-channels-stg · 45 s left")
        );
        // Expired: nothing shown, no wake-up.
        let after = now + chrono::Duration::minutes(24);
        assert!(g.live_on(env, after).is_none());
        assert_eq!(g.next_change(env, after), None);
        // Revoked by an event.
        let mut revoked = grant("a1", "layla", env, now);
        revoked.state = AccessState::Revoked;
        g.on_request("layla", &revoked);
        assert!(g.live_on(env, now).is_none());
    }
}
