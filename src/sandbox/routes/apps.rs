//! Reading Applications: the paginated list of an Environment, one Application, and its
//! detail tabs (settings, topology, secrets, observability, history, manifests).
//! Readers: members of the Org and sovereign-wide readers. Secrets show names, keys and
//! sizes only: the sandbox holds no secret value at all.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::{Paging, QueryArgs, no_app, no_env, readable_env_org};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::store::{AppRecord, EnvRecord, SharedSandbox, World};

pub(super) fn routes() -> Router<SharedSandbox> {
    let app = "/api/v1/environments/{env}/applications/{app}";
    Router::new()
        .route("/api/v1/environments/{env}/applications", get(list))
        .route(app, get(one))
        .route(&format!("{app}/settings"), get(settings))
        .route(&format!("{app}/topology"), get(topology))
        .route(&format!("{app}/secrets"), get(secrets))
        .route(&format!("{app}/observability"), get(observability))
        .route(&format!("{app}/history"), get(history))
        .route(&format!("{app}/manifests"), get(manifests))
}

async fn list(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path(env): Path<String>,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> Result<Json<Page<Application>>, ApiError> {
    let paging = Paging::from_query(&q)?;
    let world = sb.world.read().await;
    readable_env_org(&world, &caller, &env)?;
    let page = match world.apps.get(&env) {
        Some(apps) => paging.page_of(apps, |rec| Some(rec.app.clone())),
        None => Page {
            items: Vec::new(),
            next_cursor: None,
        },
    };
    Ok(Json(page))
}

/// Reads one Application record (and its Environment) for the caller and renders it.
async fn with_app<T: Serialize>(
    sb: &SharedSandbox,
    caller: &Caller,
    env: &str,
    app: &str,
    render: impl FnOnce(&World, &EnvRecord, &AppRecord) -> T,
) -> Result<Json<T>, ApiError> {
    let world = sb.world.read().await;
    readable_env_org(&world, caller, env)?;
    let env_rec = world.environments.get(env).ok_or_else(|| no_env(env))?;
    let rec = world.app(env, app).ok_or_else(|| no_app(env, app))?;
    Ok(Json(render(&world, env_rec, rec)))
}

async fn one(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<Application>, ApiError> {
    with_app(&sb, &caller, &env, &app, |_, _, r| r.app.clone()).await
}

async fn settings(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<AppSettings>, ApiError> {
    with_app(&sb, &caller, &env, &app, |w, _, r| AppSettings {
        values_yaml: r.values_yaml(),
        blueprint: r.app.blueprint.clone(),
        config_schema: w
            .blueprint_version(&r.app.blueprint.name, &r.app.blueprint.version)
            .map(|v| v.config_schema.clone())
            .unwrap_or_else(|| serde_json::json!({})),
    })
    .await
}

async fn topology(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<AppTopology>, ApiError> {
    with_app(&sb, &caller, &env, &app, |_, _, r| AppTopology {
        placement: r.app.placement.clone(),
        dependencies: r.app.dependencies.clone(),
        used_by: r.app.used_by.clone(),
        regions: r.regions.clone(),
    })
    .await
}

async fn secrets(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<AppSecrets>, ApiError> {
    with_app(&sb, &caller, &env, &app, |_, _, r| AppSecrets {
        secrets: r.secrets.clone(),
    })
    .await
}

async fn observability(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<AppObservability>, ApiError> {
    with_app(&sb, &caller, &env, &app, |_, _, r| AppObservability {
        pods: r.pods.clone(),
    })
    .await
}

async fn history(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<AppHistory>, ApiError> {
    with_app(&sb, &caller, &env, &app, |_, _, r| AppHistory {
        deploys: r.history.iter().rev().cloned().collect(),
    })
    .await
}

async fn manifests(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
) -> Result<Json<AppManifests>, ApiError> {
    with_app(&sb, &caller, &env, &app, |w, e, r| AppManifests {
        yaml: r.manifests_yaml(
            e,
            w.blueprints
                .get(&r.app.blueprint.name)
                .map_or(8080, |b| b.template.port),
        ),
    })
    .await
}
