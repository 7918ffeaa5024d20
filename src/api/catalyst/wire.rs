//! The JSON shapes catalyst-api serves, as tolerant serde types: unknown fields are
//! ignored, every field the Go handlers may leave out (`omitempty`, soft-failing
//! handlers) defaults, and enum-like words (phases, states, placements) stay strings so a
//! newer server never breaks decoding. Mapping onto the console's model is `adapt`.
//!
//! Shapes were read from openova-io/openova `products/catalyst/bootstrap/api` (handler
//! files named on each type). Must not hold console semantics nor do I/O.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads `null` as the type's default (Go encodes a nil slice or map as `null`).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `GET /api/v1/whoami` (`internal/handler/auth.go`, claims of `internal/auth`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct WhoAmI {
    pub email: String,
    pub sub: String,
    pub verified: bool,
    #[serde(rename = "deploymentId")]
    pub deployment_id: Option<String>,
    #[serde(rename = "sovereignFQDN")]
    pub sovereign_fqdn: Option<String>,
    /// `"sovereign"` inside a Sovereign.
    pub mode: Option<String>,
    /// `viewer < developer < operator < admin < owner`, `org-admin` for Org sessions.
    pub tier: Option<String>,
    #[serde(rename = "orgScoped")]
    pub org_scoped: bool,
    pub org: Option<String>,
    pub realm_access: Option<RealmAccess>,
    /// Some builds also send the display name.
    pub name: Option<String>,
    pub preferred_username: Option<String>,
}

/// `realm_access` of a Keycloak token, echoed by `/whoami`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RealmAccess {
    #[serde(deserialize_with = "null_default")]
    pub roles: Vec<String>,
}

/// `GET /api/v1/sovereign/self` (`internal/handler/sovereign_self.go`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct SovereignSelf {
    #[serde(rename = "deploymentId")]
    pub deployment_id: String,
    #[serde(rename = "sovereignFQDN")]
    pub sovereign_fqdn: String,
}

/// `GET /api/v1/organizations` → `{items:[…]}` (`organization_provisioning.go`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OrganizationList {
    #[serde(deserialize_with = "null_default")]
    pub items: Vec<OrgRecord>,
}

/// One Organization provisioning record (`orgTenantResponse`, snake_case).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OrgRecord {
    /// `org_tenant_id` (older builds: `sme_tenant_id`).
    #[serde(alias = "sme_tenant_id")]
    pub org_tenant_id: String,
    /// `pending | vcluster_created | … | done | failed | deleted` (kept as sent).
    pub state: String,
    /// The Org's slug: its name in URLs, its namespace, `spec.organizationRef`.
    pub subdomain: String,
    pub domain_mode: String,
    pub byo_domain: Option<String>,
    pub parent_domain: Option<String>,
    pub admin_email: String,
    pub company_name: Option<String>,
    pub otech_fqdn: String,
    /// Absent when the Org is isolated by namespace only.
    pub vcluster_name: Option<String>,
    pub tenant_namespace: String,
    pub console_host: String,
    /// `kind`, `tier` (`sme | corporate`), `billing_mode`, `isolation`: badges.
    pub kind: Option<String>,
    pub tier: Option<String>,
    pub billing_mode: Option<String>,
    pub isolation: Option<String>,
    pub last_error: Option<String>,
    pub boundary_phase: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// `GET /api/v1/sovereigns/{id}/k8s/{kind}` (`internal/handler/k8s.go` `K8sListResponse`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct K8sList {
    pub kind: String,
    pub cluster: String,
    #[serde(deserialize_with = "null_default")]
    pub items: Vec<K8sObject>,
    /// Opaque cursor; absent on the last page.
    #[serde(rename = "continue")]
    pub continue_token: Option<String>,
    #[serde(rename = "ageSeconds")]
    pub age_seconds: f64,
}

/// A Kubernetes object as the explorer serves it (the whole object, plus hoisted
/// summary keys that this client ignores).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct K8sObject {
    pub metadata: ObjectMeta,
    pub spec: Value,
    pub status: Value,
}

/// The parts of `metadata` the console reads.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ObjectMeta {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    #[serde(deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(rename = "creationTimestamp")]
    pub creation_timestamp: Option<String>,
    pub generation: Option<u64>,
    #[serde(rename = "resourceVersion")]
    pub resource_version: Option<String>,
}

/// `GET /api/v1/sovereigns/{id}/applications` (`applications.go`
/// `applicationListResponse`): `{kind:"ApplicationList", items, total}`; soft-fails to an
/// empty list.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ApplicationList {
    pub kind: String,
    #[serde(deserialize_with = "null_default")]
    pub items: Vec<ApplicationRow>,
    pub total: u64,
}

/// One list row: no `environmentRef` (read the detail, or the CR, for that).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ApplicationRow {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub blueprint: String,
    pub version: String,
    pub phase: String,
    /// Newer builds add the placement word.
    pub placement: Option<String>,
}

/// `GET …/applications/{name}` (`applications.go` `applicationDetailResponse`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ApplicationDetail {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub blueprint: String,
    pub version: String,
    #[serde(rename = "environmentRef")]
    pub environment_ref: Option<String>,
    /// `singleton | active-active | active-hot-standby | active-passive` (or the legacy
    /// `single-region | active-hotstandby`).
    pub placement: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub regions: Vec<String>,
    pub parameters: Option<serde_json::Map<String, Value>>,
    pub phase: String,
    #[serde(rename = "primaryRegion")]
    pub primary_region: Option<String>,
    #[serde(rename = "giteaRepo")]
    pub gitea_repo: Option<String>,
    #[serde(rename = "lastReconciledAt")]
    pub last_reconciled_at: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<Condition>,
    #[serde(rename = "externalURL")]
    pub external_url: Option<String>,
    /// True when synthesised from a HelmRelease (bootstrap kit, no Application CR).
    pub bootstrap: bool,
    #[serde(rename = "dependsOn", deserialize_with = "null_default")]
    pub depends_on: Vec<DependsOn>,
    #[serde(rename = "phaseFromCR")]
    pub phase_from_cr: Option<String>,
}

/// A consumer-side backing edge of the detail.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DependsOn {
    pub instance: String,
    pub namespace: Option<String>,
    pub context: Option<String>,
}

/// `GET …/applications/{name}/status` (`applicationStatusResponse`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ApplicationStatus {
    pub name: String,
    pub namespace: String,
    pub phase: String,
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<Condition>,
    #[serde(rename = "lastReconciled")]
    pub last_reconciled: Option<String>,
    pub spec: Option<StatusSpec>,
}

/// The spec subset the status answer carries.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StatusSpec {
    pub placement: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub regions: Vec<String>,
    #[serde(rename = "environmentRef")]
    pub environment_ref: Option<String>,
}

/// A Kubernetes-style condition.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    #[serde(rename = "lastTransitionTime")]
    pub last_transition_time: Option<String>,
}

/// `GET /api/v1/catalog` (`catalog_client.go`): `{items, origins, emptyHint?}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Catalog {
    #[serde(deserialize_with = "null_default")]
    pub items: Vec<CatalogBlueprint>,
    pub origins: Value,
    #[serde(rename = "emptyHint")]
    pub empty_hint: Option<String>,
}

/// One Blueprint of the catalog.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CatalogBlueprint {
    pub name: String,
    pub version: String,
    pub visibility: Option<String>,
    pub card: Card,
    /// 1 public, 2 Sovereign, 3 Org-private.
    pub origin: i64,
    pub source: String,
    pub org: Option<String>,
    #[serde(rename = "upgradeFrom", deserialize_with = "null_default")]
    pub upgrade_from: Vec<String>,
}

/// The catalog card: what people read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Card {
    pub title: String,
    pub summary: String,
    pub category: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
}

/// One `data:` frame of `GET /sovereigns/{id}/k8s/stream` (`k8s.go`, `k8scache.Event`):
/// `{"type":"ready",cluster,kinds,at}` once, then `{type: ADDED|MODIFIED|DELETED, kind,
/// object, at, cluster}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct K8sFrame {
    #[serde(rename = "type")]
    pub kind_of_change: String,
    pub kind: String,
    pub cluster: String,
    pub object: Option<K8sObject>,
    pub at: Option<String>,
}

/// One `data:` frame of `GET …/applications/{name}/stream`: `{name, namespace, phase,
/// status[, notFound]}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppStreamFrame {
    pub name: String,
    pub namespace: String,
    pub phase: String,
    pub status: Value,
    #[serde(rename = "notFound")]
    pub not_found: bool,
}

/// The error body: `{"error":"<kebab>"[, "detail"]}` (some 404s are text/plain).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ErrorBody {
    pub error: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_optional_decodes_from_an_empty_object() {
        let d: ApplicationDetail = serde_json::from_str("{}").unwrap();
        assert!(d.conditions.is_empty());
        let f: K8sFrame = serde_json::from_str(r#"{"type":"ready","x":1}"#).unwrap();
        assert_eq!(f.kind_of_change, "ready");
        let o: OrgRecord = serde_json::from_str(r#"{"sme_tenant_id":"t1"}"#).unwrap();
        assert_eq!(o.org_tenant_id, "t1");
    }
}

/// `GET /api/v1/sovereigns/{id}/audit/rbac` (`internal/handler`, events of
/// `internal/audit/audit.go`): one page of the RBAC audit ring, newest first.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RbacAuditPage {
    #[serde(deserialize_with = "null_default")]
    pub items: Vec<AuditEvent>,
    /// Where the next page starts (an offset; a number on the wire).
    #[serde(rename = "nextOffset")]
    pub next_offset: Option<Value>,
    #[serde(rename = "hasMore")]
    pub has_more: bool,
    pub total: Option<u64>,
}

/// One `catalyst.audit` event (`audit.Event`); every field but the type and time may be
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AuditEvent {
    #[serde(rename = "auditType")]
    pub audit_type: String,
    pub ts: Option<String>,
    pub actor: String,
    #[serde(rename = "sovereignId")]
    pub sovereign_id: String,
    /// `ok` | `denied` | `error` (`ok` when left out).
    pub result: String,
    #[serde(rename = "targetUser")]
    pub target_user: String,
    #[serde(rename = "targetUserEmail")]
    pub target_user_email: String,
    #[serde(rename = "targetApp")]
    pub target_app: String,
    pub tier: String,
    #[serde(rename = "previousTier")]
    pub previous_tier: String,
    #[serde(deserialize_with = "null_default")]
    pub scopes: Vec<AuditScope>,
    #[serde(rename = "userAccessRef")]
    pub user_access_ref: String,
    pub detail: String,
}

/// One `{key, value}` of an RBAC event's scope set.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AuditScope {
    pub key: String,
    pub value: String,
}
