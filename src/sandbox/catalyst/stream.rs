//! The two SSE routes of the catalyst-api surface, fed by the sandbox's event bus so
//! simulated changes appear live:
//!
//! - `/sovereigns/{id}/k8s/stream?kinds=&initialState=1`: `: connected cluster=… kinds=…`,
//!   `data: {"type":"ready",cluster,kinds,at}`, then `data: {type: ADDED|MODIFIED|DELETED,
//!   kind, cluster, object, at}` for Application and Environment CRs; `: ping <unix>` on the
//!   bus's keepalive interval (15 s); no ids, no replay (as upstream).
//! - `/sovereigns/{id}/applications/{name}/stream?namespace=`: `: connected app=<name>`, one
//!   `data: {name, namespace, phase, status}` frame at once (`notFound` when absent), then
//!   one per phase change; `: ping` on the same interval.
//!
//! Must not change the world.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, MissedTickBehavior, interval_at};

use super::{CatalystCaller, CatalystError, check_sovereign, deployment_id, shapes};
use crate::model::LiveEvent;
use crate::sandbox::events::{BusFrame, EventFilter};
use crate::sandbox::flow::sse::stream_response;
use crate::sandbox::store::SharedSandbox;

type Params = Query<std::collections::HashMap<String, String>>;

fn data_frame(v: &Value) -> Bytes {
    Bytes::from(format!("data: {v}\n\n"))
}

fn ticker(every: Duration) -> tokio::time::Interval {
    let mut t = interval_at(Instant::now() + every, every);
    t.set_missed_tick_behavior(MissedTickBehavior::Delay);
    t
}

fn ping() -> Bytes {
    Bytes::from(format!(": ping {}\n\n", chrono::Utc::now().timestamp()))
}

/// The explorer event for one bus frame, when it is a kind the subscriber asked for.
async fn k8s_event(
    sb: &SharedSandbox,
    frame: &BusFrame,
    kinds: &BTreeSet<String>,
    cluster: &str,
) -> Option<Value> {
    let wants = |k: &str| kinds.is_empty() || kinds.contains(k);
    let event = LiveEvent::decode(&frame.kind, &frame.data).ok()?;
    let world = sb.world.read().await;
    let (kind, change, object) = match event {
        LiveEvent::ApplicationUpdated(app) if wants("application") => {
            let rec = world.app(&app.environment, &app.name)?;
            ("application", "MODIFIED", shapes::application_cr(rec))
        }
        LiveEvent::ApplicationRemoved(r) if wants("application") => {
            let org = world
                .org_of_env(&r.environment)
                .unwrap_or_default()
                .to_string();
            let object = json!({
                "apiVersion": "apps.openova.io/v1", "kind": "Application",
                "metadata": { "name": r.name, "namespace": org,
                              "labels": { "catalyst.openova.io/environment": r.environment } },
                "spec": { "environmentRef": r.environment },
            });
            ("application", "DELETED", object)
        }
        LiveEvent::EnvironmentUpdated(env) if wants("environment") => {
            let rec = world.environments.get(&env.name)?;
            (
                "environment",
                "MODIFIED",
                shapes::environment_cr(&world, &rec.env),
            )
        }
        _ => return None,
    };
    Some(
        json!({ "type": change, "kind": kind, "cluster": cluster, "object": object,
                 "at": world.now() }),
    )
}

/// `GET /api/v1/sovereigns/{id}/k8s/stream?kinds=&initialState=1`.
pub async fn k8s_stream(
    State(sb): State<SharedSandbox>,
    CatalystCaller(caller): CatalystCaller,
    Path(id): Path<String>,
    Query(q): Params,
) -> Result<Response, CatalystError> {
    let kinds_param = q.get("kinds").cloned().unwrap_or_default();
    let mut kinds = BTreeSet::new();
    for k in kinds_param
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        let k = k.to_ascii_lowercase();
        if k != "application" && k != "environment" {
            return Err(CatalystError::new(
                StatusCode::BAD_REQUEST,
                "unknown kind",
                k,
            ));
        }
        kinds.insert(k);
    }
    let (cluster, initial) = {
        let world = sb.world.read().await;
        check_sovereign(&world, &id)?;
        let initial: Vec<Value> = if q.get("initialState").is_some_and(|v| v == "1") {
            let now = world.now();
            let mut out = Vec::new();
            if kinds.is_empty() || kinds.contains("application") {
                for r in world.apps.values().flat_map(|a| a.values()) {
                    if caller.can_read_org(&r.app.org) {
                        out.push(json!({ "type": "ADDED", "kind": "application",
                            "object": shapes::application_cr(r), "at": now }));
                    }
                }
            }
            if kinds.is_empty() || kinds.contains("environment") {
                for e in world.environments.values() {
                    if caller.can_read_org(&e.env.org) {
                        out.push(json!({ "type": "ADDED", "kind": "environment",
                            "object": shapes::environment_cr(&world, &e.env), "at": now }));
                    }
                }
            }
            out
        } else {
            Vec::new()
        };
        (deployment_id(&world), initial)
    };
    let mut live = sb.bus.subscribe(&EventFilter::default(), None).live;
    let keepalive = sb.bus.settings().keepalive;
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let ready = json!({ "type": "ready", "cluster": cluster,
        "kinds": kinds.iter().collect::<Vec<_>>(), "at": chrono::Utc::now() });
    tokio::spawn(async move {
        let head = format!(": connected cluster={cluster} kinds={kinds_param}\n\n");
        if tx.send(Bytes::from(head)).await.is_err() || tx.send(data_frame(&ready)).await.is_err() {
            return;
        }
        for ev in &initial {
            if tx.send(data_frame(ev)).await.is_err() {
                return;
            }
        }
        let mut pings = ticker(keepalive);
        loop {
            let out = tokio::select! {
                _ = pings.tick() => Some(ping()),
                () = tx.closed() => return,
                frame = live.recv() => match frame {
                    Ok(f) if caller.can_read_org(&f.org) => {
                        k8s_event(&sb, &f, &kinds, &cluster).await.map(|v| data_frame(&v))
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => None,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if let Some(b) = out
                && tx.send(b).await.is_err()
            {
                return;
            }
        }
    });
    Ok(stream_response(rx))
}

/// `GET /api/v1/sovereigns/{id}/applications/{name}/stream?namespace=`.
pub async fn application_stream(
    State(sb): State<SharedSandbox>,
    CatalystCaller(caller): CatalystCaller,
    Path((id, name)): Path<(String, String)>,
    Query(q): Params,
) -> Result<Response, CatalystError> {
    let ns = q.get("namespace").cloned().filter(|n| !n.is_empty());
    let current = {
        let world = sb.world.read().await;
        check_sovereign(&world, &id)?;
        world
            .apps
            .values()
            .flat_map(|a| a.values())
            .find(|r| {
                r.app.name == name
                    && ns.as_deref().is_none_or(|n| n == r.app.org)
                    && caller.can_read_org(&r.app.org)
            })
            .map(|r| r.app.clone())
    };
    let mut live = sb.bus.subscribe(&EventFilter::default(), None).live;
    let keepalive = sb.bus.settings().keepalive;
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        let first = match &current {
            Some(app) => shapes::application_stream_frame(app),
            None => json!({ "name": name, "namespace": ns.clone().unwrap_or_default(),
                            "phase": "", "status": {}, "notFound": true }),
        };
        let mut last_phase = first["phase"].as_str().unwrap_or_default().to_string();
        let head = Bytes::from(format!(": connected app={name}\n\n"));
        if tx.send(head).await.is_err() || tx.send(data_frame(&first)).await.is_err() {
            return;
        }
        let mut pings = ticker(keepalive);
        loop {
            let out = tokio::select! {
                _ = pings.tick() => Some(Bytes::from_static(b": ping\n\n")),
                () = tx.closed() => return,
                frame = live.recv() => match frame {
                    Ok(f) if f.kind == LiveEvent::APPLICATION_UPDATED && caller.can_read_org(&f.org) => {
                        match LiveEvent::decode(&f.kind, &f.data) {
                            Ok(LiveEvent::ApplicationUpdated(app))
                                if app.name == name
                                    && ns.as_deref().is_none_or(|n| n == app.org) =>
                            {
                                let v = shapes::application_stream_frame(&app);
                                let phase = v["phase"].as_str().unwrap_or_default().to_string();
                                (phase != last_phase).then(|| {
                                    last_phase = phase;
                                    data_frame(&v)
                                })
                            }
                            _ => None,
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => None,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if let Some(b) = out
                && tx.send(b).await.is_err()
            {
                return;
            }
        }
    });
    Ok(stream_response(rx))
}
