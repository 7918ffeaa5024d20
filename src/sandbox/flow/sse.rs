//! The console API's SSE answers, framed by hand so every byte is ours: `retry: 3000`
//! first, `id:` + `event:` + `data:` on every frame, a `: keepalive` comment on the bus's
//! interval, `Last-Event-ID` resumption, and `event: reset` when the replay log no
//! longer covers the resumption point (or a slow reader fell behind it).
//!
//! `/api/v1/events` tails the [`EventBus`](crate::sandbox::events::EventBus);
//! `/api/v1/operations/{id}/logs` replays an operation's lines, tails it, sends
//! `event: done` and closes (or, for `op-flood` under `--flood-log`, streams the
//! [`flood`](super::flood) for any signed-in caller). Must not change the world.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, MissedTickBehavior, interval_at};

use super::CallerExtractor;
use super::routes::parse_query;
use crate::model::LiveEvent;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::events::{BusFrame, EventFilter, Replay, Subscription};
use crate::sandbox::store::SharedSandbox;

/// The first bytes of every stream: the client's reconnection delay.
pub const RETRY_FRAME: &[u8] = b"retry: 3000\n\n";
/// The heartbeat comment.
pub const KEEPALIVE_FRAME: &[u8] = b": keepalive\n\n";

/// One SSE frame: `id:` (when given), `event:`, one `data:` line per line of `data`,
/// and the blank line that dispatches it.
pub fn frame(id: Option<u64>, event: &str, data: &str) -> Bytes {
    let mut out = String::with_capacity(data.len() + event.len() + 32);
    if let Some(id) = id {
        out.push_str("id: ");
        out.push_str(&id.to_string());
        out.push('\n');
    }
    out.push_str("event: ");
    out.push_str(event);
    out.push('\n');
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// Parses `Last-Event-ID`: absent or empty means a fresh start; anything that is not an
/// id of ours resumes from "too old" (the client gets a reset and re-lists).
fn last_event_id(headers: &HeaderMap) -> Option<u64> {
    let raw = headers.get("last-event-id")?.to_str().unwrap_or("x").trim();
    if raw.is_empty() {
        return None;
    }
    Some(raw.parse().unwrap_or(u64::MAX))
}

/// A streaming `text/event-stream` answer fed by `rx`.
pub(crate) fn stream_response(rx: mpsc::Receiver<Bytes>) -> Response {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// `?org=&environment=` of `/api/v1/events`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct EventsQuery {
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub environment: Option<String>,
}

/// `GET /api/v1/events?org=&environment=`.
pub async fn events<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller: Caller = caller.into();
    let q: EventsQuery = parse_query(&uri, &caller)?;
    let filter = EventFilter {
        org: q.org.filter(|o| !o.is_empty()),
        environment: q.environment.filter(|e| !e.is_empty()),
    };
    {
        let world = sb.world.read().await;
        if let Some(env) = filter.environment.as_deref() {
            let org = world
                .environments
                .get(env)
                .map(|e| e.env.org.clone())
                .ok_or_else(|| {
                    ApiError::not_found(format!("Environment {env} does not exist"))
                        .with_request_id(&caller.request_id)
                })?;
            if filter.org.as_deref().is_some_and(|o| o != org) {
                return Err(ApiError::invalid(
                    "invalid",
                    format!("{env} does not belong to the Org given"),
                    Vec::new(),
                )
                .with_request_id(&caller.request_id));
            }
            if !caller.can_read_org(&org) {
                return Err(caller.forbidden(
                    &format!("a role in {org}"),
                    format!("you have no role in {org}"),
                ));
            }
        }
        if let Some(org) = filter.org.as_deref()
            && !caller.can_read_org(org)
        {
            return Err(caller.forbidden(
                &format!("a role in {org}"),
                format!("you have no role in {org}"),
            ));
        }
    }
    let sub = sb.bus.subscribe(&filter, last_event_id(&headers));
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(pump_events(sb, caller, filter, sub, tx));
    Ok(stream_response(rx))
}

/// Why a pump stopped: the client went away.
struct Gone;

async fn send(tx: &mpsc::Sender<Bytes>, bytes: Bytes) -> Result<(), Gone> {
    tx.send(bytes).await.map_err(|_| Gone)
}

fn reset_frame(id: u64) -> Bytes {
    frame(Some(id), LiveEvent::RESET, "{}")
}

async fn pump_events(
    sb: SharedSandbox,
    caller: Caller,
    filter: EventFilter,
    sub: Subscription,
    tx: mpsc::Sender<Bytes>,
) {
    let _ = pump_events_inner(sb, caller, filter, sub, tx).await;
}

async fn pump_events_inner(
    sb: SharedSandbox,
    caller: Caller,
    filter: EventFilter,
    sub: Subscription,
    tx: mpsc::Sender<Bytes>,
) -> Result<(), Gone> {
    let Subscription { replay, mut live } = sub;
    let visible = |f: &BusFrame| filter.matches(f) && caller.can_read_org(&f.org);
    let to_bytes = |f: &BusFrame| frame(Some(f.id), &f.kind, &f.data);
    // The highest id this subscriber has accounted for, shown or filtered out.
    let mut seen = 0u64;
    send(&tx, Bytes::from_static(RETRY_FRAME)).await?;
    match replay {
        Replay::Frames(frames) => {
            for f in frames.iter().filter(|f| visible(f)) {
                send(&tx, to_bytes(f)).await?;
                seen = f.id;
            }
        }
        Replay::Reset { id } => {
            send(&tx, reset_frame(id)).await?;
            seen = id;
        }
    }
    let period = sb.bus.settings().keepalive;
    let mut keepalive = interval_at(Instant::now() + period, period);
    keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            got = live.recv() => match got {
                Ok(f) => {
                    if f.id <= seen {
                        continue;
                    }
                    seen = f.id;
                    if visible(&f) {
                        send(&tx, to_bytes(&f)).await?;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Fell behind the channel: catch up from the replay log when it
                    // still covers us, else tell the client to re-list.
                    match sb.bus.replay(&filter, seen) {
                        Replay::Frames(frames) => {
                            for f in &frames {
                                if f.id <= seen {
                                    continue;
                                }
                                seen = f.id;
                                if visible(f) {
                                    send(&tx, to_bytes(f)).await?;
                                }
                            }
                        }
                        Replay::Reset { id } => {
                            send(&tx, reset_frame(id)).await?;
                            seen = id;
                        }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            _ = keepalive.tick() => send(&tx, Bytes::from_static(KEEPALIVE_FRAME)).await?,
            () = tx.closed() => return Err(Gone),
        }
    }
}

/// `GET /api/v1/operations/{id}/logs`: ids are line numbers (1-based); the `done`
/// frame's id is one past the last line.
pub async fn operation_logs<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller: Caller = caller.into();
    if let Some(rate) = sb.opts.flood_log
        && id == super::flood::OPERATION
    {
        let (tx, rx) = mpsc::channel(64);
        let after = last_event_id(&headers).unwrap_or(0);
        tokio::spawn(super::flood::pump(rate, after, tx));
        return Ok(stream_response(rx));
    }
    {
        let world = sb.world.read().await;
        let op = world.operations.get(&id).ok_or_else(|| {
            ApiError::not_found(format!("operation {id} does not exist"))
                .with_request_id(&caller.request_id)
        })?;
        let org = world
            .environments
            .get(&op.environment)
            .map(|e| e.env.org.clone());
        let readable = match org {
            Some(org) => caller.can_read_org(&org),
            None => caller.is_sovereign_admin() || caller.is_support(),
        };
        if !readable {
            return Err(
                ApiError::not_found(format!("operation {id} does not exist"))
                    .with_request_id(&caller.request_id),
            );
        }
    }
    let after = last_event_id(&headers).unwrap_or(0);
    // Subscribed before the first read so no change slips between them.
    let changes = sb.bus.watch_operations();
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(async move {
        let _ = pump_log(sb, Arc::from(id.as_str()), after, changes, tx).await;
    });
    Ok(stream_response(rx))
}

async fn pump_log(
    sb: SharedSandbox,
    id: Arc<str>,
    after: u64,
    mut changes: broadcast::Receiver<Arc<str>>,
    tx: mpsc::Sender<Bytes>,
) -> Result<(), Gone> {
    send(&tx, Bytes::from_static(RETRY_FRAME)).await?;
    let mut sent = usize::try_from(after).unwrap_or(usize::MAX);
    let period = sb.bus.settings().keepalive;
    let mut keepalive = interval_at(Instant::now() + period, period);
    keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let (lines, done) = {
            let world = sb.world.read().await;
            let Some(op) = world.operations.get(&*id) else {
                return Ok(());
            };
            sent = sent.min(op.lines.len());
            (op.lines[sent..].to_vec(), op.done.clone())
        };
        for line in lines {
            sent += 1;
            let data = serde_json::to_string(&line).unwrap_or_else(|_| "{}".into());
            send(&tx, frame(Some(sent as u64), "log", &data)).await?;
        }
        if let Some(done) = done {
            let data = serde_json::to_string(&done).unwrap_or_else(|_| "{}".into());
            send(&tx, frame(Some(sent as u64 + 1), "done", &data)).await?;
            return Ok(());
        }
        // Wait until this operation changes (a lag may have hidden it: re-read anyway).
        loop {
            tokio::select! {
                got = changes.recv() => match got {
                    Ok(changed) if changed != id => continue,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                _ = keepalive.tick() => {
                    send(&tx, Bytes::from_static(KEEPALIVE_FRAME)).await?;
                    break;
                }
                () = tx.closed() => return Err(Gone),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_carry_id_event_and_every_data_line() {
        assert_eq!(
            frame(Some(7), "application.updated", "{\"a\":1}"),
            Bytes::from_static(b"id: 7\nevent: application.updated\ndata: {\"a\":1}\n\n")
        );
        assert_eq!(
            frame(None, "log", "one\r\ntwo"),
            Bytes::from_static(b"event: log\ndata: one\ndata: two\n\n")
        );
    }

    use crate::sandbox::events::{BusSettings, EventBus};
    use crate::sandbox::flow::fixture;
    use crate::sandbox::store::Sandbox;

    /// Runs the `/events` pump for a subscriber that fell behind a 2-frame channel
    /// while 10 events were published; answers what it sent up to `want` frames.
    async fn lagging(replay_capacity: usize, want: usize) -> Vec<String> {
        let sb = Arc::new(Sandbox {
            world: tokio::sync::RwLock::new(fixture::world(chrono::Utc::now())),
            bus: EventBus::new(BusSettings {
                replay_capacity,
                channel_capacity: 2,
                ..BusSettings::default()
            }),
            opts: crate::sandbox::SandboxOptions::default(),
        });
        let caller = fixture::caller(&*sb.world.read().await, "admin").unwrap();
        let filter = EventFilter::default();
        let sub = sb.bus.subscribe(&filter, None);
        let ev = || {
            LiveEvent::ApplicationRemoved(crate::model::ApplicationRemoved {
                environment: "acme-dev".into(),
                name: "x".into(),
            })
        };
        for _ in 0..10 {
            sb.bus.publish("acme", Some("acme-dev"), ev());
        }
        let (tx, mut rx) = mpsc::channel(64);
        tokio::spawn(pump_events(sb.clone(), caller, filter, sub, tx));
        let mut out = Vec::new();
        while out.len() < want {
            let b = rx.recv().await.unwrap();
            out.push(String::from_utf8(b.to_vec()).unwrap());
            if out.len() == want - 1 {
                sb.bus.publish("acme", Some("acme-dev"), ev());
            }
        }
        // The first two lines of each frame: `id:` and `event:` (or the retry line).
        out.iter()
            .map(|f| {
                f.lines()
                    .take(2)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect()
    }

    #[tokio::test]
    async fn a_lagging_subscriber_catches_up_from_the_log() {
        let firsts = lagging(10_000, 12).await;
        let want: Vec<String> = std::iter::once("retry: 3000".to_string())
            .chain((1..=11).map(|n| format!("id: {n}\nevent: application.removed")))
            .collect();
        assert_eq!(firsts, want);
    }

    #[tokio::test]
    async fn a_lagging_subscriber_beyond_the_log_is_reset() {
        let frames = lagging(3, 3).await;
        assert_eq!(
            frames,
            vec![
                "retry: 3000",
                "id: 10\nevent: reset",
                "id: 11\nevent: application.removed"
            ]
        );
    }

    #[test]
    fn last_event_id_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(last_event_id(&h), None);
        h.insert("last-event-id", "42".parse().unwrap());
        assert_eq!(last_event_id(&h), Some(42));
        h.insert("last-event-id", "".parse().unwrap());
        assert_eq!(last_event_id(&h), None);
        h.insert("last-event-id", "abc".parse().unwrap());
        assert_eq!(last_event_id(&h), Some(u64::MAX));
    }
}
