//! Applications: Application CRs (explorer listing and stream frames) and detail
//! answers onto the console's Application, phases applied to a shown card, roll-ups.
//! Must not do I/O.

use serde_json::Value;

use super::{
    LABEL_BLUEPRINT, LABEL_BLUEPRINT_VERSION, LABEL_ENVIRONMENT, LABEL_ORGANIZATION, conditions_of,
    epoch, parse_time, placement_mode, status_detail, status_of_phase, str_at, strings_at,
};
use crate::api::catalyst::wire::{ApplicationDetail, Condition, K8sObject};
use crate::model::{
    AppKind, AppStatus, Application, BlueprintRef, Counts, Dependency, LastDeploy, Placement,
    PlacementMode, Pods, split_env_name,
};

/// The Environment an Application CR belongs to: `spec.environmentRef`, else its
/// `catalyst.openova.io/environment` label.
pub fn environment_of_cr(obj: &K8sObject) -> Option<String> {
    str_at(&obj.spec, &["environmentRef"])
        .map(str::to_string)
        .or_else(|| obj.metadata.labels.get(LABEL_ENVIRONMENT).cloned())
        .filter(|e| !e.is_empty())
}

/// The Organization (slug) of an Application: its label, else the Environment's
/// `{org}-{env_type}` prefix, else its namespace (the Org's namespace).
pub fn org_of_app(labels_org: Option<&str>, environment: &str, namespace: &str) -> String {
    labels_org
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .or_else(|| split_env_name(environment).map(|(o, _)| o.to_string()))
        .unwrap_or_else(|| namespace.to_string())
}

/// An Application CR (from `GET /sovereigns/{id}/k8s/application` or a stream frame) as
/// the console's Application; `None` when it names no Environment.
pub fn application_from_cr(obj: &K8sObject) -> Option<Application> {
    let environment = environment_of_cr(obj)?;
    let meta = &obj.metadata;
    let org = org_of_app(
        meta.labels.get(LABEL_ORGANIZATION).map(String::as_str),
        &environment,
        &meta.namespace,
    );
    let blueprint = BlueprintRef {
        name: str_at(&obj.spec, &["blueprintRef", "name"])
            .map(str::to_string)
            .or_else(|| meta.labels.get(LABEL_BLUEPRINT).cloned())
            .unwrap_or_default(),
        version: str_at(&obj.spec, &["blueprintRef", "version"])
            .map(str::to_string)
            .or_else(|| meta.labels.get(LABEL_BLUEPRINT_VERSION).cloned())
            .unwrap_or_default(),
    };
    // `spec.placement` is a word, or an object `{mode, regions, …}`.
    let mode = str_at(&obj.spec, &["placement"])
        .or_else(|| str_at(&obj.spec, &["placement", "mode"]))
        .map(placement_mode)
        .unwrap_or(PlacementMode::Unknown);
    let mut regions = strings_at(&obj.spec, &["regions"]);
    if regions.is_empty() {
        regions = strings_at(&obj.spec, &["placement", "regions"]);
    }
    let phase = str_at(&obj.status, &["phase"]).unwrap_or_default();
    let (status, note) = status_of_phase(phase);
    let conditions = conditions_of(&obj.status);
    let dependencies = obj
        .spec
        .get("dependsOn")
        .and_then(Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter_map(|d| d.get("name").and_then(Value::as_str))
                .map(|name| Dependency {
                    name: name.to_string(),
                    alias: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let at = parse_time(str_at(&obj.status, &["lastReconciledAt"]))
        .or_else(|| parse_time(meta.creation_timestamp.as_deref()))
        .unwrap_or_else(epoch);
    Some(Application {
        name: meta.name.clone(),
        environment,
        org,
        kind: AppKind::Application,
        last_deploy: LastDeploy {
            at,
            actor: String::new(),
            version: blueprint.version.clone(),
            commit: String::new(),
        },
        blueprint,
        status,
        status_detail: status_detail(note.as_deref(), &conditions),
        endpoint: None,
        placement: Placement { mode, regions },
        pods: Pods::default(),
        dependencies,
        used_by: Vec::new(),
        owner_team: String::new(),
        pending_promotion: None,
        progress: None,
        revision: meta.generation.unwrap_or_default(),
        operation_id: None,
    })
}

/// An Application detail (`GET …/applications/{name}`) as the console's Application.
/// `environment` is the one asked for; the detail's `environmentRef` wins when present.
pub fn application_from_detail(d: &ApplicationDetail, environment: &str) -> Application {
    let environment = d
        .environment_ref
        .clone()
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| environment.to_string());
    let org = org_of_app(None, &environment, &d.namespace);
    let (status, note) = status_of_phase(&d.phase);
    let mut regions = d.regions.clone();
    if let Some(primary) = d.primary_region.as_deref().filter(|p| !p.is_empty())
        && !regions.iter().any(|r| r == primary)
    {
        regions.insert(0, primary.to_string());
    }
    Application {
        name: d.name.clone(),
        environment,
        org,
        kind: AppKind::Application,
        blueprint: BlueprintRef {
            name: d.blueprint.clone(),
            version: d.version.clone(),
        },
        status,
        status_detail: status_detail(note.as_deref(), &d.conditions),
        endpoint: d.external_url.clone().filter(|u| !u.is_empty()),
        placement: Placement {
            mode: d
                .placement
                .as_deref()
                .map(placement_mode)
                .unwrap_or(PlacementMode::Unknown),
            regions,
        },
        pods: Pods::default(),
        dependencies: d
            .depends_on
            .iter()
            .map(|dep| Dependency {
                name: dep.instance.clone(),
                alias: dep.context.clone().filter(|c| !c.is_empty()),
            })
            .collect(),
        used_by: Vec::new(),
        last_deploy: LastDeploy {
            at: parse_time(d.last_reconciled_at.as_deref()).unwrap_or_else(epoch),
            actor: String::new(),
            version: d.version.clone(),
            commit: String::new(),
        },
        owner_team: String::new(),
        pending_promotion: None,
        progress: None,
        revision: 0,
        operation_id: None,
    }
}

/// Applies a phase and conditions (a `/status` answer or a per-Application stream frame)
/// to an Application already shown.
pub fn apply_phase(app: &mut Application, phase: &str, conditions: &[Condition]) {
    let (status, note) = status_of_phase(phase);
    app.status = status;
    app.status_detail = status_detail(note.as_deref(), conditions);
}

/// The health roll-up of some Applications.
pub fn counts_of<'a>(apps: impl IntoIterator<Item = &'a Application>) -> Counts {
    let mut c = Counts::default();
    for a in apps {
        c.applications += 1;
        match a.status {
            AppStatus::Running => c.running += 1,
            AppStatus::Degraded => c.degraded += 1,
            AppStatus::Failed => c.failed += 1,
            AppStatus::Installing | AppStatus::Updating => c.installing += 1,
            AppStatus::PendingApproval => c.pending_approval += 1,
            AppStatus::Paused | AppStatus::Unknown => {}
        }
    }
    c
}
