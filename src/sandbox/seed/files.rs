//! The shapes of the seed files in `assets/seed/` (YAML). Unknown fields are errors so a
//! typo in the seed fails the start-up (and the tests) instead of vanishing.

use serde::Deserialize;

use crate::model::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlueprintSeed {
    pub name: String,
    pub display_name: String,
    pub summary: String,
    pub category: String,
    pub owner: String,
    pub visibility: Visibility,
    pub kind: AppKind,
    pub pods: u32,
    pub port: u16,
    #[serde(default)]
    pub depends: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<SecretSeed>,
    /// Oldest first.
    pub versions: Vec<VersionSeed>,
    pub schema: serde_json::Value,
    pub defaults: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSeed {
    pub name: String,
    /// Key → size in bytes.
    pub keys: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSeed {
    pub version: String,
    /// How long before start-up it was released (`21d`).
    pub released: String,
    #[serde(default)]
    pub changelog: String,
    /// Properties this version adds to the Blueprint's schema.
    #[serde(default)]
    pub add_properties: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SovereignFile {
    pub sovereign: ProfileSeed,
    pub personas: Vec<PersonaSeed>,
    pub orgs: Vec<OrgSeed>,
    #[serde(default)]
    pub promotions: Vec<PromotionSeed>,
    #[serde(default)]
    pub access_requests: Vec<AccessSeed>,
    #[serde(default)]
    pub audit: Vec<AuditSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSeed {
    pub name: String,
    pub domain: String,
    #[serde(rename = "type")]
    pub kind: SovereignType,
    pub provider: String,
    pub building_block: String,
    pub location: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaSeed {
    pub id: String,
    pub name: String,
    pub roles: Vec<RoleBinding>,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub support_agent: bool,
    pub blurb: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSeed {
    pub name: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Owner team of Applications that do not name one.
    pub owner_team: String,
    pub environments: Vec<EnvSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSeed {
    pub env_type: EnvType,
    pub topology: Topology,
    pub regions: Vec<String>,
    pub created: String,
    pub policy: PolicySeed,
    #[serde(default)]
    pub apps: Vec<AppSeed>,
    #[serde(default)]
    pub services: Vec<AppSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySeed {
    pub rules: Vec<PolicyRule>,
    pub access: AccessPolicy,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSeed {
    pub name: String,
    pub blueprint: String,
    pub version: String,
    #[serde(default = "running")]
    pub status: AppStatus,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub owner_team: Option<String>,
    /// Names of Applications of the same Environment.
    #[serde(default)]
    pub depends: Vec<String>,
    /// `[ready, total]`.
    #[serde(default)]
    pub pods: Option<[u32; 2]>,
    #[serde(default)]
    pub restarts: u32,
    pub deployed: DeployedSeed,
    /// The version running before an update in progress.
    #[serde(default)]
    pub from_version: Option<String>,
    #[serde(default)]
    pub progress: Option<Progress>,
    pub values: serde_json::Value,
}

fn running() -> AppStatus {
    AppStatus::Running
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployedSeed {
    pub ago: String,
    pub actor: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionSeed {
    pub id: String,
    pub application: String,
    pub source: String,
    pub target: String,
    pub from_version: String,
    pub to_version: String,
    pub state: PromotionState,
    pub created_by: String,
    pub ago: String,
    pub number: u64,
    #[serde(default)]
    pub reviews: Vec<ReviewSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSeed {
    pub actor: String,
    pub decision: ReviewDecision,
    #[serde(default)]
    pub comment: String,
    pub ago: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessSeed {
    pub id: String,
    pub environment: String,
    pub requester: String,
    pub access: AccessLevel,
    pub reason: String,
    pub minutes: u32,
    pub state: AccessState,
    pub ago: String,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSeed {
    pub ago: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default = "success")]
    pub outcome: AuditOutcome,
    #[serde(default)]
    pub support_ticket: Option<String>,
}

fn success() -> AuditOutcome {
    AuditOutcome::Success
}
