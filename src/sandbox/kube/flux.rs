//! The Flux objects of an Environment: one HelmRelease per Application (named as the
//! Application, Ready True when it runs, False with the Application's `status_detail`
//! when degraded or failed, Unknown while it installs or updates), and one
//! Kustomization per Environment (named as the Environment: the Flux object that applies
//! the Environment's Git path, which holds the HelmReleases).
//!
//! Objects come without `metadata.resourceVersion`. Must not read the clock.

use serde_json::{Value, json};

use super::objects::{Kind, apps, labels, meta, ts};
use crate::model::AppStatus;
use crate::sandbox::store::{AppRecord, World, short_hash};

/// (status, reason, message) of a HelmRelease's Ready condition.
fn helm_ready(rec: &AppRecord) -> (&'static str, &'static str, String) {
    let a = &rec.app;
    let chart = format!("{}@{}", a.blueprint.name, a.blueprint.version);
    let detail = a.status_detail.clone();
    let or = |d: String, fallback: String| if d.is_empty() { fallback } else { d };
    match a.status {
        AppStatus::Running => (
            "True",
            "UpgradeSucceeded",
            format!(
                "Helm upgrade succeeded for release {}/{}.v{} with chart {chart}",
                a.environment,
                a.name,
                a.revision.max(1)
            ),
        ),
        AppStatus::Installing | AppStatus::Updating => (
            "Unknown",
            "Progressing",
            or(
                detail,
                format!("Fulfilling prerequisites for chart {chart}"),
            ),
        ),
        AppStatus::Degraded => (
            "False",
            "HealthCheckFailed",
            or(detail, "health check failed".into()),
        ),
        AppStatus::Failed => (
            "False",
            "UpgradeFailed",
            or(detail, format!("Helm upgrade failed for chart {chart}")),
        ),
        AppStatus::Paused => ("False", "Suspended", "reconciliation is suspended".into()),
        AppStatus::PendingApproval => (
            "Unknown",
            "DependencyNotReady",
            or(detail, "waiting for the promotion to be approved".into()),
        ),
        _ => ("Unknown", "Progressing", detail),
    }
}

/// The HelmRelease of an Application.
pub fn helm_release(rec: &AppRecord) -> Value {
    let a = &rec.app;
    let at = ts(a.last_deploy.at);
    let (status, reason, message) = helm_ready(rec);
    json!({
        "apiVersion": Kind::HelmRelease.api_version(),
        "kind": "HelmRelease",
        "metadata": meta(Kind::HelmRelease, &a.environment, &a.name, at.clone(), labels(rec)),
        "spec": {
            "interval": "10m",
            "suspend": a.status == AppStatus::Paused,
            "chart": {"spec": {
                "chart": a.blueprint.name,
                "version": a.blueprint.version,
                "sourceRef": {"kind": "HelmRepository", "name": "catalyst-blueprints", "namespace": "flux-system"},
            }},
            "values": rec.values,
        },
        "status": {
            "observedGeneration": 1,
            "lastAttemptedRevision": a.blueprint.version,
            "conditions": [{
                "type": "Ready",
                "status": status,
                "reason": reason,
                "message": message,
                "lastTransitionTime": at,
                "observedGeneration": 1,
            }],
        },
    })
}

pub fn helm_releases(world: &World, env: &str) -> Vec<(String, Value)> {
    apps(world, env)
        .map(|rec| (rec.app.name.clone(), helm_release(rec)))
        .collect()
}

/// The Environment's one Kustomization: it applies the Environment's Git path (the
/// HelmReleases); it is Ready as long as they were applied, whatever their health.
pub fn kustomizations(world: &World, env: &str) -> Vec<(String, Value)> {
    let Some(rec) = world.environments.get(env) else {
        return Vec::new();
    };
    let e = &rec.env;
    let newest = apps(world, env)
        .map(|a| a.app.last_deploy.at)
        .max()
        .unwrap_or(e.created_at);
    let commit = apps(world, env)
        .max_by_key(|a| a.app.last_deploy.at)
        .map(|a| a.app.last_deploy.commit.clone())
        .unwrap_or_else(|| short_hash(env));
    let labels = json!({"app.kubernetes.io/instance": env, "catalyst.openova.io/org": e.org});
    let obj = json!({
        "apiVersion": Kind::Kustomization.api_version(),
        "kind": "Kustomization",
        "metadata": meta(Kind::Kustomization, env, env, ts(e.created_at), labels),
        "spec": {
            "interval": "5m",
            "path": format!("./environments/{env}"),
            "prune": true,
            "sourceRef": {"kind": "GitRepository", "name": env},
        },
        "status": {
            "observedGeneration": 1,
            "lastAppliedRevision": format!("main@sha1:{commit}"),
            "conditions": [{
                "type": "Ready",
                "status": "True",
                "reason": "ReconciliationSucceeded",
                "message": format!("Applied revision: main@sha1:{commit}"),
                "lastTransitionTime": ts(newest),
                "observedGeneration": 1,
            }],
        },
    });
    vec![(env.to_string(), obj)]
}
