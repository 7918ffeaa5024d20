//! Organizations and their Environments: list and read (members of the Org and
//! sovereign-wide readers), their policies, and creating an Environment (org-admin, sovereign-admin).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

use super::{JsonBody, Mutation, Paging, QueryArgs, record_outcome};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::seed;
use crate::sandbox::store::{SharedSandbox, World};

pub(super) fn routes() -> Router<SharedSandbox> {
    Router::new()
        .route("/api/v1/orgs", get(list_orgs))
        .route("/api/v1/orgs/{org}", get(get_org))
        .route(
            "/api/v1/orgs/{org}/environments",
            get(list_envs).post(create_env),
        )
        .route("/api/v1/environments/{env}/policy", get(env_policy))
}

/// The EnvironmentPolicy as configured; promotions carry its evaluation.
async fn env_policy(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path(env): Path<String>,
) -> Result<Json<EnvironmentPolicy>, ApiError> {
    let world = sb.world.read().await;
    let record = world
        .environments
        .get(&env)
        .ok_or_else(|| ApiError::not_found(format!("there is no Environment named {env}")))?;
    caller.require_read_org(&record.env.org)?;
    Ok(Json(record.policy.clone()))
}

/// The Orgs the caller may read; an identity with none gets an empty list.
async fn list_orgs(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> Result<Json<Page<Org>>, ApiError> {
    let paging = Paging::from_query(&q)?;
    let world = sb.world.read().await;
    Ok(Json(paging.page_of(&world.orgs, |org| {
        caller
            .can_read_org(&org.name)
            .then(|| world.org_view(&org.name))
            .flatten()
    })))
}

fn readable_org(world: &World, caller: &Caller, org: &str) -> Result<(), ApiError> {
    if !world.orgs.contains_key(org) {
        return Err(ApiError::not_found(format!(
            "there is no Organization named {org}"
        )));
    }
    caller.require_read_org(org)
}

async fn get_org(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Json<Org>, ApiError> {
    let world = sb.world.read().await;
    readable_org(&world, &caller, &org)?;
    world
        .org_view(&org)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("there is no Organization named {org}")))
}

async fn list_envs(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Json<Vec<Environment>>, ApiError> {
    let world = sb.world.read().await;
    readable_org(&world, &caller, &org)?;
    Ok(Json(
        world
            .env_names_of(&org)
            .into_iter()
            .filter_map(|e| world.env_view(e))
            .collect(),
    ))
}

async fn create_env(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path(org): Path<String>,
    JsonBody(req): JsonBody<CreateEnvironment>,
) -> Result<(StatusCode, Json<Environment>), ApiError> {
    caller.require_mutation()?;
    let mut world = sb.world.write().await;
    if !world.orgs.contains_key(&org) {
        return Err(ApiError::not_found(format!(
            "there is no Organization named {org}"
        )));
    }
    let name = format!("{org}-{}", req.env_type);
    let result = create_env_in(&mut world, &caller, &org, &req);
    record_outcome(
        &mut world,
        &sb.bus,
        &caller,
        Mutation {
            org: &org,
            action: "environment.create",
            target: &name,
            reason: Some(&format!("{} {}", req.env_type, req.topology)),
        },
        &result,
    );
    let env = result?;
    sb.bus.publish(
        &org,
        Some(&env.name),
        LiveEvent::EnvironmentUpdated(Box::new(env.clone())),
    );
    Ok((StatusCode::CREATED, Json(env)))
}

fn create_env_in(
    world: &mut World,
    caller: &Caller,
    org: &str,
    req: &CreateEnvironment,
) -> Result<Environment, ApiError> {
    caller.require_org_role(org, RoleName::OrgAdmin, "creating an Environment")?;
    let mut fields = Vec::new();
    if req.env_type == EnvType::Unknown {
        fields.push(FieldError {
            path: "env_type".into(),
            message: "must be one of prod, stg, uat, dev, poc".into(),
        });
    }
    if req.topology == Topology::Unknown {
        fields.push(FieldError {
            path: "topology".into(),
            message: "must be one of single-region, active-active, active-hotstandby".into(),
        });
    }
    if !fields.is_empty() {
        return Err(ApiError::invalid(
            "invalid",
            "the Environment type or topology is not one this Sovereign offers",
            fields,
        ));
    }
    let name = format!("{org}-{}", req.env_type);
    if let Some(existing) = world.env_view(&name) {
        return Err(ApiError::conflict_with(
            "conflict",
            format!("{name} already exists"),
            serde_json::to_value(existing).unwrap_or_default(),
            None,
        ));
    }
    let policy = seed::default_policy(world, org, req.env_type);
    let regions = seed::regions_for(&world.sovereign, req.topology);
    let now = world.now();
    let record = seed::new_environment(
        &world.sovereign,
        org,
        req.env_type,
        req.topology,
        regions,
        now,
        policy,
    );
    world.environments.insert(name.clone(), record);
    world.apps.entry(name.clone()).or_default();
    world
        .env_view(&name)
        .ok_or_else(|| ApiError::unavailable("the new Environment could not be read back"))
}
