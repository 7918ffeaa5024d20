//! The JSON routes of the catalyst-api surface: health and version, `/sovereign/self`,
//! `/whoami`, `/organizations`, `/catalog`, the explorer's `/k8s/{kind}` listing, and the
//! Application list, detail and status. Each reads the world under the lock once and
//! shows only what the caller may read. Must not change the world.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::shapes;
use super::{CatalystCaller, CatalystError, check_sovereign, deployment_id};
use crate::sandbox::store::{AppRecord, SharedSandbox, World};

/// The kinds this explorer serves.
const KINDS: [&str; 2] = ["application", "environment"];
/// Objects per explorer page when the client names no limit.
const DEFAULT_LIMIT: usize = 500;

type Params = Query<HashMap<String, String>>;

/// `GET /healthz`.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /api/v1/version`.
pub async fn version() -> Json<Value> {
    Json(json!({ "version": env!("CARGO_PKG_VERSION"), "commit": "sandbox" }))
}

/// `GET /api/v1/sovereign/self` (public).
pub async fn sovereign_self(State(sb): State<SharedSandbox>) -> Json<Value> {
    let world = sb.world.read().await;
    Json(json!({
        "deploymentId": deployment_id(&world),
        "sovereignFQDN": world.sovereign.domain,
    }))
}

/// `GET /api/v1/whoami`.
pub async fn whoami(
    State(sb): State<SharedSandbox>,
    CatalystCaller(c): CatalystCaller,
) -> Json<Value> {
    let world = sb.world.read().await;
    Json(shapes::whoami(&world, &c))
}

/// `GET /api/v1/organizations`: `{items:[…]}`.
pub async fn organizations(
    State(sb): State<SharedSandbox>,
    CatalystCaller(c): CatalystCaller,
) -> Json<Value> {
    let world = sb.world.read().await;
    let items: Vec<Value> = world
        .orgs
        .values()
        .filter(|o| c.can_read_org(&o.name))
        .map(|o| shapes::org_record(&world, o))
        .collect();
    Json(json!({ "items": items }))
}

/// `GET /api/v1/catalog`: `{items, origins}`.
pub async fn catalog(State(sb): State<SharedSandbox>, _c: CatalystCaller) -> Json<Value> {
    let world = sb.world.read().await;
    let items: Vec<Value> = world
        .blueprints
        .values()
        .map(shapes::catalog_entry)
        .collect();
    Json(json!({
        "items": items,
        "origins": { "public": true, "sovereign": true, "org": false },
    }))
}

/// The Applications the caller may read, in world order.
fn readable_apps<'a>(
    world: &'a World,
    c: &'a CatalystCaller,
) -> impl Iterator<Item = &'a AppRecord> + 'a {
    world
        .apps
        .values()
        .flat_map(|apps| apps.values())
        .filter(move |r| c.0.can_read_org(&r.app.org))
}

/// `GET /api/v1/sovereigns/{id}/k8s/{kind}?namespace=&limit=&continue=`.
pub async fn k8s_list(
    State(sb): State<SharedSandbox>,
    c: CatalystCaller,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Params,
) -> Result<Json<Value>, CatalystError> {
    let world = sb.world.read().await;
    check_sovereign(&world, &id)?;
    let kind = kind.to_ascii_lowercase();
    let ns = q.get("ns").or_else(|| q.get("namespace")).cloned();
    let mut items: Vec<Value> = match kind.as_str() {
        "environment" => world
            .environments
            .values()
            .filter(|e| c.0.can_read_org(&e.env.org))
            .filter(|e| ns.as_deref().is_none_or(|n| n == e.env.org))
            .map(|e| shapes::environment_cr(&world, &e.env))
            .collect(),
        "application" => readable_apps(&world, &c)
            .filter(|r| ns.as_deref().is_none_or(|n| n == r.app.org))
            .map(shapes::application_cr)
            .collect(),
        _ => {
            return Err(CatalystError::new(
                StatusCode::NOT_FOUND,
                "unknown kind",
                format!(
                    "{kind} is not watched; available kinds: {}",
                    KINDS.join(", ")
                ),
            ));
        }
    };
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_LIMIT);
    let start = q
        .get("continue")
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0)
        .min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    let total = items.len();
    let page: Vec<Value> = items.drain(start..end).collect();
    let mut body =
        json!({ "kind": kind, "cluster": deployment_id(&world), "items": page, "ageSeconds": 0.0 });
    if end < total {
        body["continue"] = json!(end.to_string());
    }
    Ok(Json(body))
}

/// `GET /api/v1/sovereigns/{id}/applications`: `{kind:"ApplicationList", items, total}`.
pub async fn applications(
    State(sb): State<SharedSandbox>,
    c: CatalystCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, CatalystError> {
    let world = sb.world.read().await;
    check_sovereign(&world, &id)?;
    let items: Vec<Value> = readable_apps(&world, &c)
        .map(|r| shapes::application_row(&r.app))
        .collect();
    let total = items.len();
    Ok(Json(
        json!({ "kind": "ApplicationList", "items": items, "total": total }),
    ))
}

/// The first readable Application named `name` (in namespace `ns` when given), as the
/// Go handler's `getApplicationCR` picks it.
fn find<'a>(
    world: &'a World,
    c: &'a CatalystCaller,
    name: &str,
    ns: Option<&str>,
) -> Result<&'a AppRecord, CatalystError> {
    readable_apps(world, c)
        .find(|r| r.app.name == name && ns.is_none_or(|n| n == r.app.org))
        .ok_or_else(|| {
            CatalystError::new(
                StatusCode::NOT_FOUND,
                "application-not-found",
                format!("Application {name:?} not found"),
            )
        })
}

/// `GET /api/v1/sovereigns/{id}/applications/{name}?namespace=`.
pub async fn application(
    State(sb): State<SharedSandbox>,
    c: CatalystCaller,
    Path((id, name)): Path<(String, String)>,
    Query(q): Params,
) -> Result<Json<Value>, CatalystError> {
    let world = sb.world.read().await;
    check_sovereign(&world, &id)?;
    let rec = find(&world, &c, &name, q.get("namespace").map(String::as_str))?;
    Ok(Json(shapes::application_detail(rec)))
}

/// `GET /api/v1/sovereigns/{id}/applications/{name}/status?namespace=`.
pub async fn application_status(
    State(sb): State<SharedSandbox>,
    c: CatalystCaller,
    Path((id, name)): Path<(String, String)>,
    Query(q): Params,
) -> Result<Json<Value>, CatalystError> {
    let world = sb.world.read().await;
    check_sovereign(&world, &id)?;
    let rec = find(&world, &c, &name, q.get("namespace").map(String::as_str))?;
    Ok(Json(shapes::application_status(&rec.app)))
}
