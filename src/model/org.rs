//! Organizations and Environments.

use super::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// The Environment type; an Environment is named `{org}-{env_type}`.
    pub enum EnvType { Prod = "prod", Stg = "stg", Uat = "uat", Dev = "dev", Poc = "poc" }
}

impl EnvType {
    /// Promotion order of the Catalyst narrative: poc < dev < stg < uat < prod
    /// (`digital-channels-stg` is promoted to `digital-channels-uat`). A promotion goes to
    /// a higher rank.
    pub fn rank(self) -> u8 {
        match self {
            EnvType::Poc => 0,
            EnvType::Dev => 1,
            EnvType::Stg => 2,
            EnvType::Uat => 3,
            EnvType::Prod => 4,
            EnvType::Unknown => 0,
        }
    }
}

crate::wire_enum! {
    /// How an Environment's clusters are laid out.
    pub enum Topology {
        SingleRegion = "single-region",
        ActiveActive = "active-active",
        ActiveHotstandby = "active-hotstandby",
    }
}

/// Health roll-up of Applications (per Org or per Environment).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    #[serde(default)]
    pub applications: u32,
    #[serde(default)]
    pub running: u32,
    #[serde(default)]
    pub degraded: u32,
    #[serde(default)]
    pub failed: u32,
    #[serde(default)]
    pub pending_approval: u32,
    #[serde(default)]
    pub installing: u32,
}

impl Counts {
    /// The roll-up as one status: the worst thing present (failed, then degraded, then
    /// waiting for approval, then installing), else running.
    pub fn health(&self) -> super::AppStatus {
        use super::AppStatus;
        if self.failed > 0 {
            AppStatus::Failed
        } else if self.degraded > 0 {
            AppStatus::Degraded
        } else if self.pending_approval > 0 {
            AppStatus::PendingApproval
        } else if self.installing > 0 {
            AppStatus::Installing
        } else {
            AppStatus::Running
        }
    }
}

/// `GET /api/v1/orgs` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Org {
    pub name: String,
    pub display_name: String,
    /// Free text from the server (e.g. `corporate`, `sme`, `team`).
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub environments: Vec<String>,
    #[serde(default)]
    pub counts: Counts,
}

/// `GET /api/v1/orgs/{org}/environments` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub name: String,
    pub org: String,
    pub env_type: EnvType,
    pub topology: Topology,
    #[serde(default)]
    pub regions: Vec<String>,
    pub vcluster: String,
    pub kube_context: String,
    pub git_repo: String,
    /// One line saying what the Environment's policy requires (e.g. "PR by team-platform, 2 approvals; change window").
    #[serde(default)]
    pub policy_summary: String,
    #[serde(default)]
    pub counts: Counts,
    pub created_at: Timestamp,
}

/// `POST /api/v1/orgs/{org}/environments` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateEnvironment {
    pub env_type: EnvType,
    pub topology: Topology,
}

/// Splits an Environment name `{org}-{env_type}` into its parts, when it has that form.
pub fn split_env_name(name: &str) -> Option<(&str, EnvType)> {
    let (org, ty) = name.rsplit_once('-')?;
    let ty: EnvType = ty.parse().ok()?;
    (ty != EnvType::Unknown && !org.is_empty()).then_some((org, ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_split() {
        assert_eq!(
            split_env_name("digital-channels-prod"),
            Some(("digital-channels", EnvType::Prod))
        );
        assert_eq!(split_env_name("acme-stg"), Some(("acme", EnvType::Stg)));
        assert_eq!(split_env_name("acme-staging"), None);
        assert_eq!(split_env_name("-dev"), None);
    }

    #[test]
    fn unknown_env_type_is_not_an_error() {
        let t: EnvType = serde_json::from_str("\"qa\"").unwrap_or(EnvType::Dev);
        assert_eq!(t, EnvType::Unknown);
    }
}
