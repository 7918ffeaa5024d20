//! Cross-Organization reads answered in one request: incident triage
//! (`GET /api/v1/triage`) and the palette's catalogue of names (`GET /api/v1/catalog`).
//!
//! Owns what counts as a problem and how bad it is: failed and degraded Applications,
//! installs and updates running past `stuck_after` minutes, failed provisioning runs,
//! promotions open for more than a day, pending access requests. Every item is filtered
//! by what the caller may read, exactly as the per-resource routes filter it: Org
//! members and sovereign-wide readers see an Org's items, access requests follow the
//! access listing's rule, provisioning runs are for sovereign-admins (and support).
//!
//! The catalogue is one compact answer of names, not a paged cross-Organization listing of
//! Applications: the palette completes over names only, and 10,000 Applications are a
//! few hundred kilobytes, so one request serves even `--scale 100x4x25`.
//! Must not change the world.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Json, Router};

use super::{Paging, QueryArgs};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::provisioning::ProvisioningSandbox;
use crate::sandbox::store::{SharedSandbox, World};

/// How long a promotion may stay open before triage lists it.
pub const PROMOTION_WAIT: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// `GET /api/v1/catalog` (needs nothing but the console API's world).
pub(super) fn routes() -> Router<SharedSandbox> {
    Router::new().route("/api/v1/catalog", get(catalog))
}

/// `GET /api/v1/triage`, which also reads the provisioning service's runs.
pub fn router(provisioning: ProvisioningSandbox) -> Router<SharedSandbox> {
    Router::new()
        .route("/api/v1/triage", get(triage))
        .layer(Extension(provisioning))
}

async fn triage(
    State(sb): State<SharedSandbox>,
    Extension(prov): Extension<ProvisioningSandbox>,
    caller: Caller,
    QueryArgs(q): QueryArgs<TriageQuery>,
) -> Result<Json<Page<TriageItem>>, ApiError> {
    let paging = Paging::new(q.limit, q.cursor.clone())?;
    let stuck_after = q.stuck_after.unwrap_or(DEFAULT_STUCK_AFTER_MINUTES);
    let runs: Vec<DeploymentState> = if sees_provisioning(&caller) {
        prov.deployment_ids()
            .iter()
            .filter_map(|id| prov.state(id))
            .collect()
    } else {
        Vec::new()
    };
    let world = sb.world.read().await;
    let items = world.triage(&caller, world.now(), stuck_after, &runs);
    let keyed: BTreeMap<String, TriageItem> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (format!("{i:08}"), item))
        .collect();
    Ok(Json(paging.page_of(&keyed, |item| Some(item.clone()))))
}

/// Sovereign provisioning runs belong to no Organization: only sovereign-admins (and a
/// support agent, who reads everything) see them.
fn sees_provisioning(caller: &Caller) -> bool {
    caller.is_sovereign_admin() || caller.is_support()
}

async fn catalog(State(sb): State<SharedSandbox>, caller: Caller) -> Json<CatalogNames> {
    let world = sb.world.read().await;
    Json(world.catalog_names(&caller))
}

impl World {
    /// Every problem `caller` may see at `now`, worst then oldest first. The order is a
    /// pure function of the world, so cursors (positions in it) stay meaningful between
    /// pages read close together.
    pub fn triage(
        &self,
        caller: &Caller,
        now: Timestamp,
        stuck_after_minutes: u32,
        runs: &[DeploymentState],
    ) -> Vec<TriageItem> {
        let mut items = Vec::new();
        let stuck = chrono::TimeDelta::minutes(i64::from(stuck_after_minutes));
        for (env, apps) in &self.apps {
            let Some(org) = self.org_of_env(env) else {
                continue;
            };
            if !caller.can_read_org(org) {
                continue;
            }
            for rec in apps.values() {
                let app = &rec.app;
                let since = rec.status_since.unwrap_or(app.last_deploy.at);
                let (kind, severity, why) = match app.status {
                    AppStatus::Failed => (
                        TriageKind::ApplicationFailed,
                        Severity::Critical,
                        detail_or(&app.status_detail, "failed"),
                    ),
                    AppStatus::Degraded => (
                        TriageKind::ApplicationDegraded,
                        Severity::Warning,
                        detail_or(&app.status_detail, "degraded"),
                    ),
                    s if s.in_progress() && now - since >= stuck => (
                        TriageKind::OperationStuck,
                        Severity::Warning,
                        format!(
                            "{s} for {} (more than {stuck_after_minutes} min){}",
                            span(now - since),
                            app.progress
                                .as_ref()
                                .map(|p| format!(", at {}% {}", p.percent, p.step))
                                .unwrap_or_default()
                        ),
                    ),
                    _ => continue,
                };
                items.push(TriageItem {
                    kind,
                    severity,
                    since,
                    org: Some(org.to_string()),
                    environment: Some(env.clone()),
                    target: app.name.clone(),
                    why,
                    application: Some(app.name.clone()),
                    operation_id: app.operation_id.clone(),
                    deployment_id: None,
                    promotion_id: None,
                    access_request_id: None,
                });
            }
        }
        for p in self.promotions.values() {
            if p.state != PromotionState::Open
                || now - p.created_at < PROMOTION_WAIT
                || !caller.can_read_org(&p.org)
            {
                continue;
            }
            items.push(TriageItem {
                kind: TriageKind::PromotionWaiting,
                severity: Severity::Info,
                since: p.created_at,
                org: Some(p.org.clone()),
                environment: Some(p.target_environment.clone()),
                target: p.application.clone(),
                why: format!(
                    "promotion {} → {} open for {} ({} of {} approvals)",
                    p.source_environment,
                    p.target_environment,
                    span(now - p.created_at),
                    p.reviews
                        .iter()
                        .filter(|r| r.decision == ReviewDecision::Approve)
                        .count(),
                    p.policy.required_approvals
                ),
                application: Some(p.application.clone()),
                operation_id: None,
                deployment_id: None,
                promotion_id: Some(p.id.clone()),
                access_request_id: None,
            });
        }
        for r in self.access_requests.values() {
            if r.state != AccessState::Pending || !self.may_see(caller, r) {
                continue;
            }
            items.push(TriageItem {
                kind: TriageKind::AccessPending,
                severity: Severity::Info,
                since: r.requested_at,
                org: self.org_of_env(&r.environment).map(str::to_string),
                environment: Some(r.environment.clone()),
                target: r.requester.clone(),
                why: format!(
                    "{} asks {} access for {} min: {}",
                    r.requester, r.access, r.duration_minutes, r.reason
                ),
                application: None,
                operation_id: None,
                deployment_id: None,
                promotion_id: None,
                access_request_id: Some(r.id.clone()),
            });
        }
        for run in runs {
            if *run.status != DeploymentStatus::Failed {
                continue;
            }
            let since = chrono::DateTime::parse_from_rfc3339(&run.started_at)
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or(now);
            items.push(TriageItem {
                kind: TriageKind::ProvisioningFailed,
                severity: Severity::Critical,
                since,
                org: None,
                environment: None,
                target: run.sovereign_fqdn.clone(),
                why: detail_or(run.error.as_deref().unwrap_or(""), "provisioning failed"),
                application: None,
                operation_id: None,
                deployment_id: Some(run.id.clone()),
                promotion_id: None,
                access_request_id: None,
            });
        }
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items
    }

    /// Every Organization, Environment, Application and Blueprint name `caller` may see.
    pub fn catalog_names(&self, caller: &Caller) -> CatalogNames {
        let orgs: Vec<String> = self
            .orgs
            .keys()
            .filter(|o| caller.can_read_org(o))
            .cloned()
            .collect();
        let environments: Vec<String> = self
            .environments
            .iter()
            .filter(|(_, e)| caller.can_read_org(&e.env.org))
            .map(|(name, _)| name.clone())
            .collect();
        let applications = environments
            .iter()
            .flat_map(|env| {
                self.apps
                    .get(env)
                    .into_iter()
                    .flat_map(|apps| apps.keys())
                    .map(|name| CatalogApp {
                        environment: env.clone(),
                        name: name.clone(),
                    })
            })
            .collect();
        let blueprints = self
            .blueprints
            .values()
            .filter(|b| {
                b.blueprint.visibility != Visibility::Unlisted
                    && super::blueprints::visible(caller, b)
            })
            .map(|b| b.blueprint.name.clone())
            .collect();
        CatalogNames {
            orgs,
            environments,
            applications,
            blueprints,
        }
    }
}

/// The first line of `detail`, or `fallback` when it is empty.
fn detail_or(detail: &str, fallback: &str) -> String {
    detail
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(fallback)
        .to_string()
}

/// A length of time in its largest fitting unit (`42 s`, `5 min`, `3 h`, `12 d`).
fn span(d: chrono::TimeDelta) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => format!("{} h", secs / 3600),
        _ => format!("{} d", secs / 86_400),
    }
}
