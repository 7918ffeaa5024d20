//! Changing Applications: actions (pause, resume, retry, restart), installs from a
//! Blueprint version (values checked against its JSON Schema) and uninstalls. Each
//! starts an operation that the simulation advances; this module only sets the starting
//! status, audits the outcome and publishes the Application.
//!
//! Roles: org-developer of the Org installs and acts outside prod; in prod (and for any
//! uninstall) it takes org-admin; sovereign-admins may do all of it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

use super::{JsonBody, Mutation, QueryArgs, no_app, no_env, record_outcome};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::store::{AppRecord, AppSpec, SharedSandbox, World};

pub(super) fn routes() -> Router<SharedSandbox> {
    Router::new()
        .route("/api/v1/environments/{env}/applications", post(install))
        .route(
            "/api/v1/environments/{env}/applications/{app}",
            axum::routing::delete(uninstall),
        )
        .route(
            "/api/v1/environments/{env}/applications/{app}/actions",
            post(action),
        )
}

type Accepted = (StatusCode, Json<OperationAccepted>);

fn accepted(operation_id: String) -> Accepted {
    (
        StatusCode::ACCEPTED,
        Json(OperationAccepted { operation_id }),
    )
}

/// The role that changes Applications of an Environment.
fn change_role(world: &World, env: &str) -> RoleName {
    match world.environments.get(env).map(|e| e.env.env_type) {
        Some(EnvType::Prod) => RoleName::OrgAdmin,
        _ => RoleName::OrgDeveloper,
    }
}

async fn action(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
    JsonBody(req): JsonBody<ActionRequest>,
) -> Result<Accepted, ApiError> {
    caller.require_mutation()?;
    let mut world = sb.world.write().await;
    let org = world
        .org_of_env(&env)
        .ok_or_else(|| no_env(&env))?
        .to_string();
    let target = format!("{env}/{app}");
    let result = act(&mut world, &caller, &org, &env, &app, &req);
    let verb = format!("application.{}", req.action);
    record_outcome(
        &mut world,
        &sb.bus,
        &caller,
        Mutation {
            org: &org,
            action: &verb,
            target: &target,
            reason: Some(&req.reason),
        },
        &result,
    );
    let (op, application) = result?;
    sb.bus.publish(
        &org,
        Some(&env),
        LiveEvent::ApplicationUpdated(Box::new(application)),
    );
    Ok(accepted(op))
}

fn act(
    world: &mut World,
    caller: &Caller,
    org: &str,
    env: &str,
    app: &str,
    req: &ActionRequest,
) -> Result<(String, Application), ApiError> {
    caller.require_org_role(
        org,
        change_role(world, env),
        &format!("{} of an Application in {env}", req.action),
    )?;
    let rec = world.app(env, app).ok_or_else(|| no_app(env, app))?;
    let (status, detail) = plan_action(rec, req.action)?;
    world
        .start_app_operation(env, app, req.action.as_str(), status, detail)
        .ok_or_else(|| no_app(env, app))
}

/// The status an action moves an Application to, or why its state forbids it (409).
fn plan_action(rec: &AppRecord, action: AppAction) -> Result<(AppStatus, String), ApiError> {
    use AppStatus as S;
    let status = rec.app.status;
    let version = &rec.app.blueprint.version;
    let planned = match (action, status) {
        (AppAction::Unknown, _) => {
            return Err(ApiError::invalid(
                "invalid",
                "action must be one of pause, resume, retry, restart",
                vec![FieldError {
                    path: "action".into(),
                    message: "must be one of pause, resume, retry, restart".into(),
                }],
            ));
        }
        (AppAction::Pause, S::Running | S::Degraded | S::Failed) => {
            (S::Paused, "Paused: scaled to zero".to_string())
        }
        (AppAction::Resume, S::Paused) => (S::Updating, format!("Resuming {version}")),
        (AppAction::Retry, S::Failed) => {
            let ever_ran = rec
                .history
                .iter()
                .any(|d| d.outcome == DeployOutcome::Succeeded);
            let status = if ever_ran { S::Updating } else { S::Installing };
            (status, format!("Retrying {version}"))
        }
        (AppAction::Restart, S::Running | S::Degraded) => {
            (S::Updating, "Restarting pods".to_string())
        }
        _ => {
            let allowed = match action {
                AppAction::Pause => "running, degraded or failed",
                AppAction::Resume => "paused",
                AppAction::Retry => "failed",
                _ => "running or degraded",
            };
            return Err(ApiError::conflict_with(
                "conflict",
                format!(
                    "{} cannot {action} while it is {}: only when {allowed}",
                    rec.app.name,
                    status.label().to_lowercase()
                ),
                serde_json::json!({
                    "status": status,
                    "operation_id": rec.app.operation_id,
                }),
                Some(rec.app.revision),
            ));
        }
    };
    Ok(planned)
}

async fn install(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path(env): Path<String>,
    JsonBody(req): JsonBody<InstallRequest>,
) -> Result<Accepted, ApiError> {
    caller.require_mutation()?;
    let mut world = sb.world.write().await;
    let org = world
        .org_of_env(&env)
        .ok_or_else(|| no_env(&env))?
        .to_string();
    let target = format!("{env}/{}", req.name);
    let result = install_in(&mut world, &caller, &org, &env, &req);
    record_outcome(
        &mut world,
        &sb.bus,
        &caller,
        Mutation {
            org: &org,
            action: "application.install",
            target: &target,
            reason: Some(&format!("{} {}", req.blueprint, req.version)),
        },
        &result,
    );
    let (op, application) = result?;
    sb.bus.publish(
        &org,
        Some(&env),
        LiveEvent::ApplicationUpdated(Box::new(application)),
    );
    Ok(accepted(op))
}

fn install_in(
    world: &mut World,
    caller: &Caller,
    org: &str,
    env: &str,
    req: &InstallRequest,
) -> Result<(String, Application), ApiError> {
    caller.require_org_role(
        org,
        change_role(world, env),
        &format!("installing an Application in {env}"),
    )?;
    if !valid_name(&req.name) {
        return Err(ApiError::invalid(
            "invalid",
            "the Application name must be a DNS label: lower-case letters, digits and '-', \
             starting with a letter, at most 40 characters",
            vec![FieldError {
                path: "name".into(),
                message: "must match ^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$".into(),
            }],
        ));
    }
    let bp = world
        .blueprints
        .get(&req.blueprint)
        .filter(|b| b.blueprint.visibility != Visibility::Private || b.blueprint.owner == org)
        .ok_or_else(|| {
            ApiError::not_found(format!("there is no Blueprint {} for {org}", req.blueprint))
        })?;
    let version = bp.versions.get(&req.version).ok_or_else(|| {
        ApiError::not_found(format!(
            "{} has no version {} (versions: {})",
            req.blueprint,
            req.version,
            bp.blueprint.versions.join(", ")
        ))
    })?;
    if let Some(existing) = world.app(env, &req.name) {
        return Err(ApiError::conflict_with(
            "conflict",
            format!("{} already exists in {env}", req.name),
            serde_json::json!({"status": existing.app.status}),
            Some(existing.app.revision),
        ));
    }
    let values = if req.values.is_null() {
        bp.template.defaults.clone()
    } else {
        req.values.clone()
    };
    let fields = validate_values(&version.config_schema, &values);
    if !fields.is_empty() {
        return Err(ApiError::invalid(
            "invalid",
            format!(
                "the values do not satisfy the config schema of {} {}",
                req.blueprint, req.version
            ),
            fields,
        ));
    }
    let env_rec = world.environments.get(env).ok_or_else(|| no_env(env))?;
    let now = world.now();
    let owner_team = caller
        .me
        .teams
        .first()
        .cloned()
        .unwrap_or_else(|| org.to_string());
    let mut rec = AppRecord::build(AppSpec {
        env: env_rec,
        blueprint: bp,
        name: &req.name,
        version: &req.version,
        status: AppStatus::Installing,
        status_detail: format!("Installing {}", req.version),
        endpoint: crate::sandbox::seed::default_endpoint(
            &world.sovereign,
            &env_rec.env,
            &req.name,
            bp.template.kind,
        ),
        pods_total: None,
        pods_ready: None,
        restarts: 0,
        values,
        owner_team,
        deployed_at: now,
        actor: &caller.persona,
        from_version: None,
        progress: None,
        earlier_deploys: 0,
    });
    let apps = world.apps.get(env);
    rec.app.dependencies = version
        .depends
        .iter()
        .filter_map(|dep_bp| {
            apps?
                .values()
                .find(|a| &a.app.blueprint.name == dep_bp)
                .map(|a| Dependency {
                    name: a.app.name.clone(),
                    alias: None,
                })
        })
        .collect();
    world
        .apps
        .entry(env.to_string())
        .or_default()
        .insert(req.name.clone(), rec);
    world.relink_env(env);
    world
        .start_app_operation(
            env,
            &req.name,
            "install",
            AppStatus::Installing,
            format!("Installing {}", req.version),
        )
        .ok_or_else(|| no_app(env, &req.name))
}

/// Checks values against a Blueprint version's JSON Schema; one entry per failure with
/// its JSON pointer (empty when the schema itself cannot be compiled: reported as such).
pub fn validate_values(schema: &serde_json::Value, values: &serde_json::Value) -> Vec<FieldError> {
    match jsonschema::validator_for(schema) {
        Ok(validator) => validator
            .iter_errors(values)
            .map(|e| FieldError {
                path: e.instance_path().to_string(),
                message: e.to_string(),
            })
            .collect(),
        Err(e) => vec![FieldError {
            path: String::new(),
            message: format!("the Blueprint's config schema is not valid: {e}"),
        }],
    }
}

fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 40
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

#[derive(Debug, Deserialize)]
struct UninstallQuery {
    #[serde(default)]
    reason: String,
}

async fn uninstall(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    Path((env, app)): Path<(String, String)>,
    QueryArgs(q): QueryArgs<UninstallQuery>,
) -> Result<Accepted, ApiError> {
    caller.require_mutation()?;
    let mut world = sb.world.write().await;
    let org = world
        .org_of_env(&env)
        .ok_or_else(|| no_env(&env))?
        .to_string();
    let target = format!("{env}/{app}");
    let result = uninstall_in(&mut world, &caller, &org, &env, &app);
    record_outcome(
        &mut world,
        &sb.bus,
        &caller,
        Mutation {
            org: &org,
            action: "application.uninstall",
            target: &target,
            reason: Some(&q.reason),
        },
        &result,
    );
    let (op, application) = result?;
    sb.bus.publish(
        &org,
        Some(&env),
        LiveEvent::ApplicationUpdated(Box::new(application)),
    );
    Ok(accepted(op))
}

fn uninstall_in(
    world: &mut World,
    caller: &Caller,
    org: &str,
    env: &str,
    app: &str,
) -> Result<(String, Application), ApiError> {
    caller.require_org_role(org, RoleName::OrgAdmin, "uninstalling an Application")?;
    let rec = world.app(env, app).ok_or_else(|| no_app(env, app))?;
    if !rec.app.used_by.is_empty() {
        let mut e = ApiError::conflict(
            "has-dependents",
            format!(
                "{app} is used by {}: uninstall or repoint them first",
                rec.app.used_by.join(", ")
            ),
        );
        e.body.dependents = rec.app.used_by.clone();
        return Err(e);
    }
    if rec.app.status.in_progress() {
        return Err(ApiError::conflict_with(
            "conflict",
            format!("{app} is being changed by another operation; wait for it to finish"),
            serde_json::json!({"status": rec.app.status, "operation_id": rec.app.operation_id}),
            Some(rec.app.revision),
        ));
    }
    world
        .start_app_operation(env, app, "uninstall", AppStatus::Updating, "Uninstalling")
        .ok_or_else(|| no_app(env, app))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_checked_against_the_schema() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["replicas"],
            "properties": {
                "replicas": {"type": "integer", "minimum": 1},
                "site": {"type": "object", "properties": {"title": {"type": "string"}}}
            },
            "additionalProperties": false
        });
        assert!(validate_values(&schema, &json!({"replicas": 2})).is_empty());
        let errors = validate_values(
            &schema,
            &json!({"replicas": 0, "site": {"title": 5}, "extra": true}),
        );
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"/replicas"), "{errors:?}");
        assert!(paths.contains(&"/site/title"), "{errors:?}");
        assert_eq!(errors.len(), 3, "{errors:?}");
        let missing = validate_values(&schema, &json!({}));
        assert_eq!(missing.len(), 1);
        assert!(missing[0].message.contains("replicas"));
    }

    #[test]
    fn application_names_are_dns_labels() {
        assert!(valid_name("docs-portal"));
        assert!(valid_name("a1"));
        assert!(!valid_name("Docs"));
        assert!(!valid_name("1abc"));
        assert!(!valid_name("abc-"));
        assert!(!valid_name(""));
        assert!(!valid_name(&"a".repeat(41)));
    }
}
