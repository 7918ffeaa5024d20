//! Pure mappings from catalyst-api's shapes (`wire`) onto the console's model: identity,
//! Organizations, Environments (Environment CRs), Applications (CRs, list rows, detail,
//! status), Blueprints (catalog cards), roll-up counts and RBAC audit events.
//!
//! What catalyst-api does not know is left empty, never invented: an Environment has no
//! kube context or Git repository here, an Application no pods, owner team or deploy
//! actor (empty strings and zeros mean "not known"). Where a model field is required and
//! no time is known, the Unix epoch stands in. Must not do I/O.

use chrono::{DateTime, Utc};
use serde_json::Value;

mod apps;
mod audit;

pub use apps::{
    application_from_cr, application_from_detail, apply_phase, counts_of, environment_of_cr,
    org_of_app,
};
pub use audit::audit_record;

use super::wire::{CatalogBlueprint, Condition, K8sObject, OrgRecord, WhoAmI};
use crate::model::{
    AppStatus, Blueprint, Counts, EnvType, Environment, Me, Org, PlacementMode, RoleBinding,
    RoleName, Timestamp, Topology, Visibility, split_env_name,
};

/// Label naming an Application's Organization (the verbatim Org reference).
pub const LABEL_ORGANIZATION: &str = "catalyst.openova.io/organization";
/// Label naming an Application's Environment.
pub const LABEL_ENVIRONMENT: &str = "catalyst.openova.io/environment";
/// Label naming an Application's Blueprint.
pub const LABEL_BLUEPRINT: &str = "catalyst.openova.io/blueprint";
/// Label naming an Application's Blueprint version.
pub const LABEL_BLUEPRINT_VERSION: &str = "catalyst.openova.io/blueprint-version";

/// An Application phase as a card status, plus the words to show when the status alone
/// would lose what the server said (`Pending`, `Uninstalling`, an unknown phase).
pub fn status_of_phase(phase: &str) -> (AppStatus, Option<String>) {
    match phase.trim() {
        "Ready" => (AppStatus::Running, None),
        "Provisioning" => (AppStatus::Installing, None),
        "Pending" => (AppStatus::Installing, Some("Pending".into())),
        "Degraded" => (AppStatus::Degraded, None),
        "Failed" => (AppStatus::Failed, None),
        // An uninstall is an operation moving the Application: the closest card state.
        "Uninstalling" => (AppStatus::Updating, Some("Uninstalling".into())),
        "" => (AppStatus::Unknown, Some("no phase reported".into())),
        other => (AppStatus::Unknown, Some(other.to_string())),
    }
}

/// The one-line status detail: the phase note (when any), then the first condition that
/// is not `True` (else the `Ready` condition) as `Type=Status (Reason): message`.
pub fn status_detail(note: Option<&str>, conditions: &[Condition]) -> String {
    let cond = conditions
        .iter()
        .find(|c| !c.status.eq_ignore_ascii_case("true"))
        .or_else(|| conditions.iter().find(|c| c.kind == "Ready"));
    let cond_text = cond.map(|c| {
        let mut t = format!("{}={}", c.kind, c.status);
        if !c.reason.is_empty() {
            t.push_str(&format!(" ({})", c.reason));
        }
        if !c.message.is_empty() {
            t.push_str(": ");
            t.push_str(&c.message);
        }
        t
    });
    match (note, cond_text) {
        (Some(n), Some(c)) => format!("{n}: {c}"),
        (Some(n), None) => n.to_string(),
        (None, Some(c)) => c,
        (None, None) => String::new(),
    }
}

/// A placement word of either vocabulary (`singleton | active-active |
/// active-hot-standby | active-passive`, legacy `single-region | active-hotstandby`).
pub fn placement_mode(word: &str) -> PlacementMode {
    match word.trim() {
        "singleton" | "single-region" => PlacementMode::SingleRegion,
        "active-active" => PlacementMode::ActiveActive,
        // A passive standby is the closest the console's model has to hot standby.
        "active-hot-standby" | "active-hotstandby" | "active-passive" => {
            PlacementMode::ActiveHotstandby
        }
        _ => PlacementMode::Unknown,
    }
}

/// An RFC 3339 time, or `None`.
pub fn parse_time(s: Option<&str>) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(s?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn epoch() -> Timestamp {
    DateTime::<Utc>::UNIX_EPOCH
}

pub(crate) fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))?
        .as_str()
        .filter(|s| !s.is_empty())
}

pub(crate) fn strings_at(v: &Value, path: &[&str]) -> Vec<String> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn conditions_of(status: &Value) -> Vec<Condition> {
    status
        .get("conditions")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default()
}

/// An Organization record as the console's Org. The name is the slug (`subdomain`, the
/// Org's namespace and `organizationRef`); the display name is `company_name`, with the
/// provisioning state appended while it is not `done` ("Acme — dns_provisioned").
pub fn org_from_record(r: &OrgRecord) -> Org {
    let name = [&r.subdomain, &r.tenant_namespace, &r.org_tenant_id]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_default();
    let mut display_name = r
        .company_name
        .clone()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| name.clone());
    if !r.state.is_empty() && r.state != "done" {
        display_name.push_str(" — ");
        display_name.push_str(&r.state);
    }
    Org {
        name,
        display_name,
        kind: r
            .tier
            .clone()
            .or_else(|| r.kind.clone())
            .unwrap_or_default(),
        environments: Vec::new(),
        counts: Counts::default(),
    }
}

/// An Environment CR as the console's Environment (`None` when it has no name).
pub fn environment_from_cr(obj: &K8sObject) -> Option<Environment> {
    let name = obj.metadata.name.clone();
    if name.is_empty() {
        return None;
    }
    let split = split_env_name(&name);
    let org = str_at(&obj.spec, &["organizationRef"])
        .map(str::to_string)
        .or_else(|| split.map(|(o, _)| o.to_string()))
        .unwrap_or_else(|| obj.metadata.namespace.clone());
    let env_type = str_at(&obj.spec, &["envType"])
        .map(|t| t.parse().unwrap_or(EnvType::Unknown))
        .or_else(|| split.map(|(_, t)| t))
        .unwrap_or(EnvType::Unknown);
    // `single-region | multi-region`; a multi-region Environment does not say which of
    // the console's layouts it is.
    let topology = match str_at(&obj.spec, &["placement"]) {
        Some("single-region") => Topology::SingleRegion,
        Some(other) => other.parse().unwrap_or(Topology::Unknown),
        None => Topology::Unknown,
    };
    let regions = obj
        .spec
        .get("regions")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    ["provider", "region", "buildingBlock"]
                        .iter()
                        .filter_map(|k| r.get(*k).and_then(Value::as_str))
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("-")
                })
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let policy_summary = str_at(&obj.spec, &["policyRef"])
        .or_else(|| str_at(&obj.spec, &["policyRef", "name"]))
        .map(|p| format!("policy {p}"))
        .unwrap_or_default();
    Some(Environment {
        name,
        org,
        env_type,
        topology,
        regions,
        vcluster: String::new(),
        kube_context: String::new(),
        git_repo: String::new(),
        policy_summary,
        counts: Counts::default(),
        created_at: parse_time(obj.metadata.creation_timestamp.as_deref()).unwrap_or_else(epoch),
    })
}

/// A catalog entry as the console's Blueprint: title and summary come from its `card`;
/// the owner is its Org, else its origin (1 public, 2 Sovereign, 3 Org-private).
pub fn blueprint_from_catalog(b: &CatalogBlueprint) -> Blueprint {
    let origin = match b.origin {
        1 => "public",
        2 => "sovereign",
        3 => "org",
        _ => "",
    };
    let visibility = match b.visibility.as_deref() {
        Some(v) if !v.is_empty() => v.parse().unwrap_or(Visibility::Unknown),
        _ if b.origin == 3 => Visibility::Private,
        _ => Visibility::Listed,
    };
    Blueprint {
        name: b.name.clone(),
        display_name: if b.card.title.is_empty() {
            b.name.clone()
        } else {
            b.card.title.clone()
        },
        summary: b.card.summary.clone(),
        category: b.card.category.clone().unwrap_or_default(),
        owner: b
            .org
            .clone()
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| origin.to_string()),
        visibility,
        latest_version: b.version.clone(),
        versions: if b.version.is_empty() {
            Vec::new()
        } else {
            vec![b.version.clone()]
        },
    }
}

/// `/whoami` as the console's identity. Roles come from the tier (`owner`/`admin` →
/// sovereign-admin; `org-admin` → org-admin of the session's Org; `developer`/`operator`
/// → org-developer, `viewer` → org-viewer, Sovereign-wide) and from realm roles named like
/// the console's roles (`catalyst-admin`/`catalyst-owner` count as sovereign-admin).
pub fn me_from_whoami(w: &WhoAmI) -> Me {
    let org = w.org.clone().filter(|o| w.org_scoped && !o.is_empty());
    let mut roles: Vec<RoleBinding> = Vec::new();
    let mut add = |role: RoleName, org: Option<String>| {
        let b = RoleBinding { role, org };
        if !roles.contains(&b) {
            roles.push(b);
        }
    };
    match w.tier.as_deref().map(str::trim) {
        Some("owner" | "admin") => add(RoleName::SovereignAdmin, None),
        Some("org-admin") => add(RoleName::OrgAdmin, org.clone()),
        Some("developer" | "operator") => add(RoleName::OrgDeveloper, org.clone()),
        Some("viewer") => add(RoleName::OrgViewer, org.clone()),
        _ => {}
    }
    for r in w.realm_access.iter().flat_map(|ra| ra.roles.iter()) {
        match r.as_str() {
            "catalyst-owner" | "catalyst-admin" | "sovereign-admin" => {
                add(RoleName::SovereignAdmin, None)
            }
            other => {
                let role: RoleName = other.parse().unwrap_or(RoleName::Unknown);
                if role != RoleName::Unknown {
                    add(role, org.clone());
                }
            }
        }
    }
    let name = [&w.name, &w.preferred_username]
        .into_iter()
        .flatten()
        .find(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| w.email.clone());
    Me {
        sub: w.sub.clone(),
        name,
        email: w.email.clone(),
        roles,
        teams: Vec::new(),
        support_agent: false,
    }
}
