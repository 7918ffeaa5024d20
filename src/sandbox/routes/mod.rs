//! The console API's resource routes under `/api/v1`: Organizations and Environments,
//! Applications with their detail tabs, actions, installs and uninstalls, Blueprints,
//! the audit log, and the cross-Organization reads (triage, the catalogue of names). (Promotions, policies, access requests, live events and operation
//! logs are routed by their own modules.)
//!
//! Every route takes a [`Caller`](crate::sandbox::authz::Caller) and checks its role;
//! every mutation leaves an audit record whatever its outcome and publishes what changed.

mod actions;
mod apps;
mod audit;
mod blueprints;
pub mod extract;
mod orgs;
pub mod paging;
pub mod triage;

use axum::Router;

pub use actions::validate_values;
pub use extract::{JsonBody, QueryArgs};
pub use paging::Paging;

use super::authz::{self, AuditEntry, Caller};
use super::error::ApiError;
use super::events::EventBus;
use super::store::{SharedSandbox, World};
use crate::model::AuditOutcome;

/// Every route of this module.
pub fn router() -> Router<SharedSandbox> {
    Router::new()
        .merge(orgs::routes())
        .merge(apps::routes())
        .merge(actions::routes())
        .merge(blueprints::routes())
        .merge(audit::routes())
        .merge(triage::routes())
}

/// What a mutation acted on, for its audit record.
#[derive(Debug, Clone, Copy)]
pub struct Mutation<'a> {
    pub org: &'a str,
    /// Dotted verb, e.g. `application.install`.
    pub action: &'a str,
    /// e.g. `digital-channels-dev/docs-portal`.
    pub target: &'a str,
    pub reason: Option<&'a str>,
}

/// Audits a mutation's outcome: success, denied (401/403) or error, with the refusal's
/// code and detail after the caller's reason.
pub fn record_outcome<T>(
    world: &mut World,
    bus: &EventBus,
    caller: &Caller,
    m: Mutation<'_>,
    result: &Result<T, ApiError>,
) {
    let (outcome, reason) = match result {
        Ok(_) => (AuditOutcome::Success, m.reason.map(str::to_string)),
        Err(e) => {
            let why = format!("{}: {}", e.body.error, e.body.detail);
            let reason = match m.reason.filter(|r| !r.is_empty()) {
                Some(r) => format!("{r} — {why}"),
                None => why,
            };
            (authz::outcome_of(e.status), Some(reason))
        }
    };
    authz::audit(
        world,
        bus,
        caller,
        AuditEntry {
            org: m.org,
            action: m.action,
            target: m.target,
            reason: reason.as_deref(),
            outcome,
        },
    );
}

/// 404 for an unknown Environment.
pub(crate) fn no_env(env: &str) -> ApiError {
    ApiError::not_found(format!("there is no Environment named {env}"))
}

/// 404 for an unknown Application.
pub(crate) fn no_app(env: &str, app: &str) -> ApiError {
    ApiError::not_found(format!("there is no Application {app} in {env}"))
}

/// The Org of an Environment the caller may read, or 404/403.
pub(crate) fn readable_env_org(
    world: &World,
    caller: &Caller,
    env: &str,
) -> Result<String, ApiError> {
    let org = world
        .org_of_env(env)
        .ok_or_else(|| no_env(env))?
        .to_string();
    caller.require_read_org(&org)?;
    Ok(org)
}
