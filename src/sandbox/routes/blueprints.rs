//! The Blueprint catalogue: the list (listed Blueprints and the private ones of Orgs
//! the caller may read; unlisted ones are reachable by name only), one version with its
//! config schema, and where a Blueprint runs across an Org's Environments.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::store::{BlueprintRecord, SharedSandbox};

pub(super) fn routes() -> Router<SharedSandbox> {
    Router::new()
        .route("/api/v1/blueprints", get(list))
        .route("/api/v1/blueprints/{bp}/versions/{version}", get(version))
        .route("/api/v1/orgs/{org}/blueprints/{bp}/usage", get(usage))
}

/// A private Blueprint is visible to whoever may read its owner Org.
pub(super) fn visible(caller: &Caller, bp: &BlueprintRecord) -> bool {
    bp.blueprint.visibility != Visibility::Private || caller.can_read_org(&bp.blueprint.owner)
}

fn no_blueprint(bp: &str) -> ApiError {
    ApiError::not_found(format!("there is no Blueprint named {bp}"))
}

async fn list(State(sb): State<SharedSandbox>, caller: Caller) -> Json<Vec<Blueprint>> {
    let world = sb.world.read().await;
    Json(
        world
            .blueprints
            .values()
            .filter(|b| b.blueprint.visibility != Visibility::Unlisted && visible(&caller, b))
            .map(|b| b.blueprint.clone())
            .collect(),
    )
}

async fn version(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((bp, version)): Path<(String, String)>,
) -> Result<Json<BlueprintVersion>, ApiError> {
    let world = sb.world.read().await;
    let rec = world
        .blueprints
        .get(&bp)
        .filter(|b| visible(&caller, b))
        .ok_or_else(|| no_blueprint(&bp))?;
    rec.versions
        .get(&version)
        .cloned()
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "{bp} has no version {version} (versions: {})",
                rec.blueprint.versions.join(", ")
            ))
        })
}

async fn usage(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((org, bp)): Path<(String, String)>,
) -> Result<Json<BlueprintUsage>, ApiError> {
    let world = sb.world.read().await;
    if !world.orgs.contains_key(&org) {
        return Err(ApiError::not_found(format!(
            "there is no Organization named {org}"
        )));
    }
    caller.require_read_org(&org)?;
    let rec = world
        .blueprints
        .get(&bp)
        .filter(|b| visible(&caller, b))
        .ok_or_else(|| no_blueprint(&bp))?;
    let usages = world
        .env_names_of(&org)
        .into_iter()
        .flat_map(|env| world.apps.get(env).into_iter().flat_map(|m| m.values()))
        .filter(|a| a.app.blueprint.name == bp)
        .map(|a| BlueprintUse {
            environment: a.app.environment.clone(),
            application: a.app.name.clone(),
            version: a.app.blueprint.version.clone(),
            status: a.app.status,
        })
        .collect();
    Ok(Json(BlueprintUsage {
        org,
        blueprint: bp,
        latest_version: rec.blueprint.latest_version.clone(),
        usages,
    }))
}
