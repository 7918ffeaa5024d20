//! The sandbox world written in catalyst-api's JSON: Organization provisioning records
//! (snake_case), Environment and Application CRs as the Kubernetes explorer serves them,
//! the Application list row, detail and status answers, catalog entries and `/whoami`.
//!
//! Shapes follow the Go handlers of openova-io/openova (`organization_provisioning.go`,
//! `applications.go`, `k8s.go`, `catalog_client.go`). Must not change the world.

use serde_json::{Value, json};

use crate::model::{AppStatus, Application, Environment, Org, PlacementMode, RoleName, Topology};
use crate::sandbox::authz::Caller;
use crate::sandbox::store::{AppRecord, BlueprintRecord, World, short_hash};

/// An Application status as catalyst-api's phase.
pub fn phase_of(status: AppStatus) -> &'static str {
    match status {
        AppStatus::Running => "Ready",
        AppStatus::Installing | AppStatus::Updating => "Provisioning",
        AppStatus::Degraded => "Degraded",
        AppStatus::Failed => "Failed",
        // No paused or approval phase upstream: the CR waits.
        AppStatus::Paused | AppStatus::PendingApproval | AppStatus::Unknown => "Pending",
    }
}

fn placement_word(mode: PlacementMode) -> &'static str {
    match mode {
        PlacementMode::ActiveActive => "active-active",
        PlacementMode::ActiveHotstandby => "active-hot-standby",
        PlacementMode::SingleRegion | PlacementMode::Unknown => "singleton",
    }
}

/// The status conditions of an Application: `Ready` with the status detail as message.
fn conditions(app: &Application) -> Value {
    let ready = matches!(app.status, AppStatus::Running);
    json!([{
        "type": "Ready",
        "status": if ready { "True" } else { "False" },
        "reason": phase_of(app.status),
        "message": app.status_detail,
        "lastTransitionTime": app.last_deploy.at,
    }])
}

/// `/whoami` for a caller.
pub fn whoami(world: &World, caller: &Caller) -> Value {
    let me = &caller.me;
    let orgs: Vec<&str> = me.roles.iter().filter_map(|b| b.org.as_deref()).collect();
    let sovereign_wide = me.roles.iter().any(|b| b.org.is_none());
    let org_scoped = !sovereign_wide && !orgs.is_empty();
    let tier = if caller.is_sovereign_admin() {
        "admin"
    } else if me.has_role(RoleName::OrgAdmin, None) {
        "org-admin"
    } else if me.has_role(RoleName::OrgDeveloper, None) {
        "developer"
    } else {
        "viewer"
    };
    let mut roles: Vec<String> = me.roles.iter().map(|b| b.role.to_string()).collect();
    if caller.is_sovereign_admin() {
        roles.push("catalyst-admin".into());
    }
    let mut v = json!({
        "email": me.email,
        "sub": me.sub,
        "verified": true,
        "deploymentId": super::deployment_id(world),
        "sovereignFQDN": world.sovereign.domain,
        "mode": "sovereign",
        "tier": tier,
        "realm_access": { "roles": roles },
    });
    if org_scoped {
        v["orgScoped"] = json!(true);
        v["org"] = json!(orgs[0]);
    }
    v
}

/// An Organization provisioning record.
pub fn org_record(world: &World, org: &Org) -> Value {
    let domain = &world.sovereign.domain;
    let done = "done";
    json!({
        "org_tenant_id": format!("org-{}", short_hash(&org.name)),
        "state": "done",
        "subdomain": org.name,
        "domain_mode": "pool",
        "admin_email": format!("admin@{}.{domain}", org.name),
        "company_name": org.display_name,
        "otech_fqdn": format!("{}.{domain}", org.name),
        "tenant_namespace": org.name,
        "console_host": format!("console.{}.{domain}", org.name),
        "kind": "organization",
        "tier": org.kind,
        "isolation": "namespace",
        "steps": { "vcluster": done, "bp_charts": done, "dns": done, "certs": done,
                   "keycloak_clients": done, "tenant_registered": done },
        "created_at": "2026-01-05T09:00:00Z",
        "updated_at": "2026-01-05T09:00:00Z",
    })
}

/// An Environment CR (`catalyst.openova.io/v1`).
pub fn environment_cr(world: &World, env: &Environment) -> Value {
    let regions: Vec<Value> = env
        .regions
        .iter()
        .map(|r| {
            json!({ "provider": world.sovereign.provider, "region": r,
                    "buildingBlock": world.sovereign.building_block })
        })
        .collect();
    json!({
        "apiVersion": "catalyst.openova.io/v1",
        "kind": "Environment",
        "metadata": {
            "name": env.name,
            "namespace": env.org,
            "uid": format!("env-{}", short_hash(&env.name)),
            "creationTimestamp": env.created_at,
            "labels": { "catalyst.openova.io/organization": env.org },
        },
        "spec": {
            "organizationRef": env.org,
            "envType": env.env_type,
            "placement": if env.topology == Topology::SingleRegion { "single-region" } else { "multi-region" },
            "regions": regions,
            "policyRef": format!("{}-policy", env.name),
        },
    })
}

fn app_uid(app: &Application) -> String {
    format!(
        "app-{}",
        short_hash(&format!("{}/{}", app.environment, app.name))
    )
}

/// An Application CR (`apps.openova.io/v1`) in its Org's namespace.
pub fn application_cr(rec: &AppRecord) -> Value {
    let app = &rec.app;
    let deps: Vec<Value> = app
        .dependencies
        .iter()
        .map(|d| json!({ "name": d.name, "namespace": app.org }))
        .collect();
    json!({
        "apiVersion": "apps.openova.io/v1",
        "kind": "Application",
        "metadata": {
            "name": app.name,
            "namespace": app.org,
            "uid": app_uid(app),
            "generation": app.revision,
            "creationTimestamp": app.last_deploy.at,
            "labels": {
                "catalyst.openova.io/managed-by": "catalyst-api",
                "catalyst.openova.io/organization": app.org,
                "catalyst.openova.io/environment": app.environment,
                "catalyst.openova.io/blueprint": app.blueprint.name,
                "catalyst.openova.io/blueprint-version": app.blueprint.version,
            },
        },
        "spec": {
            "environmentRef": app.environment,
            "blueprintRef": { "name": app.blueprint.name, "version": app.blueprint.version },
            "placement": placement_word(app.placement.mode),
            "regions": app.placement.regions,
            "parameters": rec.values,
            "dependsOn": deps,
        },
        "status": {
            "phase": phase_of(app.status),
            "conditions": conditions(app),
            "lastReconciledAt": app.last_deploy.at,
            "observedGeneration": app.revision,
        },
    })
}

/// One row of `GET /sovereigns/{id}/applications`.
pub fn application_row(app: &Application) -> Value {
    json!({
        "kind": "Application",
        "name": app.name,
        "namespace": app.org,
        "blueprint": app.blueprint.name,
        "version": app.blueprint.version,
        "phase": phase_of(app.status),
    })
}

/// `GET /sovereigns/{id}/applications/{name}`.
pub fn application_detail(rec: &AppRecord) -> Value {
    let app = &rec.app;
    let mut v = json!({
        "name": app.name,
        "namespace": app.org,
        "uid": app_uid(app),
        "blueprint": app.blueprint.name,
        "version": app.blueprint.version,
        "environmentRef": app.environment,
        "placement": placement_word(app.placement.mode),
        "regions": app.placement.regions,
        "parameters": rec.values,
        "phase": phase_of(app.status),
        "lastReconciledAt": app.last_deploy.at,
        "conditions": conditions(app),
        "targetNamespace": app.org,
        "releaseName": app.name,
        "installLabelSelector": format!("app.kubernetes.io/instance={}", app.name),
    });
    if let Some(primary) = app.placement.regions.first() {
        v["primaryRegion"] = json!(primary);
    }
    if let Some(url) = &app.endpoint {
        v["externalURL"] = json!(url);
    }
    if !app.dependencies.is_empty() {
        v["dependsOn"] = app
            .dependencies
            .iter()
            .map(|d| json!({ "instance": d.name, "namespace": app.org }))
            .collect();
    }
    v
}

/// `GET /sovereigns/{id}/applications/{name}/status`.
pub fn application_status(app: &Application) -> Value {
    let conds = conditions(app);
    json!({
        "name": app.name,
        "namespace": app.org,
        "phase": phase_of(app.status),
        "status": { "phase": phase_of(app.status), "conditions": conds },
        "conditions": conds,
        "lastReconciled": app.last_deploy.at,
        "spec": {
            "placement": placement_word(app.placement.mode),
            "regions": app.placement.regions,
            "environmentRef": app.environment,
        },
    })
}

/// One frame of the per-Application stream.
pub fn application_stream_frame(app: &Application) -> Value {
    json!({
        "name": app.name,
        "namespace": app.org,
        "phase": phase_of(app.status),
        "status": { "phase": phase_of(app.status), "conditions": conditions(app) },
    })
}

/// One catalog entry (`CatalogBlueprint`).
pub fn catalog_entry(bp: &BlueprintRecord) -> Value {
    let b = &bp.blueprint;
    let origin = if b.owner.is_empty() || b.owner == "openova" {
        1
    } else {
        2
    };
    json!({
        "name": b.name,
        "version": b.latest_version,
        "visibility": b.visibility,
        "card": { "title": b.display_name, "summary": b.summary, "category": b.category },
        "origin": origin,
        "source": if origin == 1 { "public" } else { "sovereign" },
        "defaultPlacement": "singleton",
        "allowedPlacements": ["singleton", "active-active", "active-hot-standby"],
    })
}
