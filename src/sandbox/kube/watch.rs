//! List, get and watch of every served kind.
//!
//! resourceVersions are the live event bus's ids: a list carries the newest id, and so
//! does every object in it; a watch event carries the id of the bus event that caused
//! it. A watch without a resourceVersion (or `0`) starts with ADDED for every current
//! object. A watch from version N replays the bus after N: when something happened
//! since, every current object comes again as MODIFIED (the sandbox keeps no history of
//! objects, only of events, so it cannot tell what exactly changed); when N is older
//! than the bus's replay log (or from another run), the stream answers a watch `ERROR`
//! event holding a 410 `Expired` Status and ends, as the real apiserver does, and
//! clients re-list. Live, each bus event of the Environment re-derives the objects and
//! sends what differs (ADDED, MODIFIED, DELETED). A watch ends after `timeoutSeconds`
//! (default 30 minutes), when the client goes away, or when the grant ends.
//!
//! This file owns the handlers, selectors and a watch's opening; `live` streams the
//! rest. Must not write to the world, nor hold its lock across an await.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::events::{field_selector, selected};
use super::live::{Follow, line, stream_of};
use super::objects::{Kind, snapshot};
use super::table;
use super::{Failure, authorize, json_body, status, status_object};
use crate::sandbox::events::{EventFilter, Replay};
use crate::sandbox::store::SharedSandbox;

/// The longest a watch stays open.
const MAX_WATCH: Duration = Duration::from_secs(1800);

/// Query of a list or watch.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    #[serde(default)]
    watch: Option<String>,
    #[serde(default)]
    resource_version: Option<String>,
    #[serde(default)]
    timeout_seconds: Option<u64>,
    #[serde(default)]
    field_selector: Option<String>,
    #[serde(default)]
    label_selector: Option<String>,
}

fn not_found(kind: Kind, name: &str) -> Response {
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        &format!("{} \"{name}\" not found", kind.plural()),
    )
}

/// `GET /api/v1/namespaces/{ns}/{pods|events}`.
pub async fn list_core(
    State(state): State<SharedSandbox>,
    Path((env, ns, resource)): Path<(String, String, String)>,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    match Kind::of_core(&resource) {
        Some(kind) => list(state, env, ns, kind, q, headers).await,
        None => forbidden_or_missing(&state, &env, &ns, &headers, &resource).await,
    }
}

/// `GET /apis/{group}/{version}/namespaces/{ns}/{resource}`.
pub async fn list_group(
    State(state): State<SharedSandbox>,
    Path((env, group, version, ns, resource)): Path<(String, String, String, String, String)>,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    match Kind::of_group(&group, &version, Some(&resource)) {
        Some(kind) => list(state, env, ns, kind, q, headers).await,
        None => forbidden_or_missing(&state, &env, &ns, &headers, &resource).await,
    }
}

/// `GET /api/v1/namespaces/{ns}/{resource}/{name}`.
pub async fn get_core(
    State(state): State<SharedSandbox>,
    Path((env, ns, resource, name)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    match Kind::of_core(&resource) {
        Some(kind) => get_one(state, env, ns, kind, name, headers).await,
        None => forbidden_or_missing(&state, &env, &ns, &headers, &resource).await,
    }
}

/// `GET /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}`.
pub async fn get_group(
    State(state): State<SharedSandbox>,
    Path((env, group, version, ns, resource, name)): Path<(
        String,
        String,
        String,
        String,
        String,
        String,
    )>,
    headers: HeaderMap,
) -> Response {
    match Kind::of_group(&group, &version, Some(&resource)) {
        Some(kind) => get_one(state, env, ns, kind, name, headers).await,
        None => forbidden_or_missing(&state, &env, &ns, &headers, &resource).await,
    }
}

/// A resource the sandbox does not serve: the auth answer first (so a dead token is
/// still a 401), then 404.
async fn forbidden_or_missing(
    state: &SharedSandbox,
    env: &str,
    ns: &str,
    headers: &HeaderMap,
    resource: &str,
) -> Response {
    let world = state.world.read().await;
    if let Err(r) = authorize(&world, headers, env, Some(ns)) {
        return r.into_response();
    }
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        &format!("the server could not find the requested resource ({resource})"),
    )
}

fn stamp(mut obj: Value, rv: u64) -> Value {
    obj["metadata"]["resourceVersion"] = json!(rv.to_string());
    obj
}

/// The object as the client asked for it: itself, or a one-row Table.
pub fn shaped(kind: Kind, as_table: bool, obj: Value, rv: u64) -> Value {
    let obj = stamp(obj, rv);
    if as_table {
        table::table(kind, &[obj], &rv.to_string(), chrono::Utc::now())
    } else {
        obj
    }
}

async fn get_one(
    state: SharedSandbox,
    env: String,
    ns: String,
    kind: Kind,
    name: String,
    headers: HeaderMap,
) -> Response {
    let world = state.world.read().await;
    if let Err(r) = authorize(&world, &headers, &env, Some(&ns)) {
        return r.into_response();
    }
    let rv = state.bus.last_id();
    match snapshot(&world, &env, kind)
        .into_iter()
        .find(|(n, _)| *n == name)
    {
        Some((_, obj)) => json_body(&shaped(kind, table::wanted(&headers), obj, rv)),
        None => not_found(kind, &name),
    }
}

/// Selectors of a list or watch, parsed.
pub type Selectors = (Vec<(String, String)>, Vec<(String, String)>);

fn selectors(q: &ListQuery) -> Result<Selectors, Failure> {
    let fields = field_selector(q.field_selector.as_deref().unwrap_or(""))
        .map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "BadRequest", e))?;
    let labels = field_selector(q.label_selector.as_deref().unwrap_or(""))
        .map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "BadRequest", e))?
        .into_iter()
        .map(|(k, v)| (format!("metadata.labels.{k}"), v))
        .collect();
    Ok((fields, labels))
}

pub fn matching(objs: Vec<(String, Value)>, sel: &Selectors) -> BTreeMap<String, Value> {
    objs.into_iter()
        .filter(|(_, o)| selected(o, &sel.0) && labels_match(o, &sel.1))
        .collect()
}

fn labels_match(obj: &Value, sel: &[(String, String)]) -> bool {
    sel.iter().all(|(path, want)| {
        let key = path.trim_start_matches("metadata.labels.");
        obj["metadata"]["labels"].get(key).and_then(Value::as_str) == Some(want.as_str())
    })
}

async fn list(
    state: SharedSandbox,
    env: String,
    ns: String,
    kind: Kind,
    q: ListQuery,
    headers: HeaderMap,
) -> Response {
    let sel = match selectors(&q) {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    if q.watch.as_deref().is_some_and(|w| w == "true" || w == "1") {
        return watch(state, env, ns, kind, q, sel, headers).await;
    }
    let world = state.world.read().await;
    if let Err(r) = authorize(&world, &headers, &env, Some(&ns)) {
        return r.into_response();
    }
    let rv = state.bus.last_id();
    let items: Vec<Value> = matching(snapshot(&world, &env, kind), &sel)
        .into_values()
        .map(|o| stamp(o, rv))
        .collect();
    if table::wanted(&headers) {
        return json_body(&table::table(kind, &items, &rv.to_string(), world.now()));
    }
    json_body(&json!({
        "apiVersion": kind.api_version(),
        "kind": format!("{}List", kind.kind()),
        "metadata": {"resourceVersion": rv.to_string()},
        "items": items,
    }))
}

async fn watch(
    state: SharedSandbox,
    env: String,
    ns: String,
    kind: Kind,
    q: ListQuery,
    sel: Selectors,
    headers: HeaderMap,
) -> Response {
    let from = match q.resource_version.as_deref().map(str::trim) {
        None | Some("" | "0") => None,
        // Not one of ours: too old by definition, the client re-lists.
        Some(v) => Some(v.parse::<u64>().unwrap_or(u64::MAX)),
    };
    let timeout = Duration::from_secs(q.timeout_seconds.unwrap_or(u64::MAX)).min(MAX_WATCH);
    let filter = EventFilter {
        org: None,
        environment: Some(env.clone()),
    };
    let (grant, known, sub, last) = {
        let world = state.world.read().await;
        let grant = match authorize(&world, &headers, &env, Some(&ns)) {
            Ok(g) => g,
            Err(r) => return r.into_response(),
        };
        let sub = state.bus.subscribe(&filter, from);
        let last = state.bus.last_id();
        (
            grant,
            matching(snapshot(&world, &env, kind), &sel),
            sub,
            last,
        )
    };
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let as_table = table::wanted(&headers);
    let mut opening = Vec::new();
    match (from, sub.replay) {
        (None, _) => opening.extend(
            known
                .values()
                .map(|o| line("ADDED", &shaped(kind, as_table, o.clone(), last))),
        ),
        (Some(_), Replay::Reset { id }) => {
            let msg = format!(
                "too old resource version: {} ({id})",
                q.resource_version.as_deref().unwrap_or("")
            );
            opening.push(line(
                "ERROR",
                &status_object(StatusCode::GONE, "Expired", &msg),
            ));
            drop(known);
            return stream_of(opening, rx, tx, None);
        }
        (Some(_), Replay::Frames(frames)) => {
            if let Some(f) = frames.last() {
                opening.extend(
                    known
                        .values()
                        .map(|o| line("MODIFIED", &shaped(kind, as_table, o.clone(), f.id))),
                );
            }
        }
    }
    let task = Follow {
        state,
        grant,
        kind,
        as_table,
        sel,
        filter,
        known,
        timeout,
    };
    stream_of(opening, rx, tx, Some((task, sub.live)))
}
