//! How Environments and endpoints are named on a Sovereign, and the policy a new
//! Environment starts with. Shared by the seed, the generator of `--scale`, and
//! `POST /api/v1/orgs/{org}/environments`.

use crate::model::*;
use crate::sandbox::store::{EnvRecord, SovereignProfile, World};

/// The approver team of generated policies.
pub const PLATFORM_TEAM: &str = "team-platform";

/// Builds an Environment `{org}-{env_type}` with the Sovereign's naming: kube context
/// `{provider}-{region}-{building_block}-{env_type}-{org}`, vcluster named after the Org,
/// and the Environment's repository on the Sovereign's Gitea.
pub fn new_environment(
    profile: &SovereignProfile,
    org: &str,
    env_type: EnvType,
    topology: Topology,
    regions: Vec<String>,
    created_at: Timestamp,
    mut policy: EnvironmentPolicy,
) -> EnvRecord {
    let name = format!("{org}-{env_type}");
    let region = regions
        .first()
        .cloned()
        .unwrap_or_else(|| profile.location.clone());
    policy.environment = name.clone();
    EnvRecord {
        env: Environment {
            kube_context: format!(
                "{}-{region}-{}-{env_type}-{org}",
                profile.provider, profile.building_block
            ),
            vcluster: org.to_string(),
            git_repo: format!(
                "https://gitea.{}.{}/{org}/{name}",
                profile.location, profile.domain
            ),
            name,
            org: org.to_string(),
            env_type,
            topology,
            regions,
            policy_summary: String::new(),
            counts: Counts::default(),
            created_at,
        },
        policy,
    }
}

/// Regions of a new Environment: the Sovereign's home location, plus a second site for
/// the two-region topologies.
pub fn regions_for(profile: &SovereignProfile, topology: Topology) -> Vec<String> {
    let home = profile.location.clone();
    let second = if home == "hel" { "fsn" } else { "hel" };
    match topology {
        Topology::ActiveActive | Topology::ActiveHotstandby => vec![home, second.to_string()],
        _ => vec![home],
    }
}

/// The policy a new Environment starts with: free changes on poc/dev; a soak in the
/// Environment below plus one platform approval on uat/stg; two approvals and a change
/// window on prod. Kube access is granted at once on poc/dev only.
pub fn default_policy(world: &World, org: &str, env_type: EnvType) -> EnvironmentPolicy {
    let below = world
        .env_names_of(org)
        .into_iter()
        .filter_map(|e| world.environments.get(e))
        .filter(|e| e.env.env_type.rank() < env_type.rank())
        .max_by_key(|e| e.env.env_type.rank())
        .map(|e| e.env.name.clone());
    let pr = |n| PolicyRule::PrRequired {
        approvers: vec![PLATFORM_TEAM.to_string()],
        min_approvals: n,
    };
    let rules = match env_type {
        EnvType::Poc | EnvType::Dev | EnvType::Unknown => vec![],
        EnvType::Uat | EnvType::Stg => {
            let mut rules = vec![pr(1)];
            if let Some(source) = below {
                rules.push(PolicyRule::Soak {
                    source_environment: source,
                    duration: "24h".into(),
                });
            }
            rules
        }
        EnvType::Prod => vec![
            pr(2),
            PolicyRule::ChangeWindow {
                cron: "0 18 * * *".into(),
                duration: "14h".into(),
            },
        ],
    };
    let (auto_grant_roles, max_duration_minutes) = match env_type {
        EnvType::Poc | EnvType::Dev => (vec![RoleName::OrgDeveloper, RoleName::OrgAdmin], 480),
        EnvType::Prod => (vec![], 60),
        _ => (vec![RoleName::OrgAdmin], 240),
    };
    EnvironmentPolicy {
        environment: format!("{org}-{env_type}"),
        rules,
        access: AccessPolicy {
            auto_grant_roles,
            max_duration_minutes,
        },
    }
}

/// Where an Application answers: `https://{app}.{org}.{domain}` in prod,
/// `https://{app}.{env_type}.{org}.{domain}` elsewhere; backing services have none.
pub fn default_endpoint(
    profile: &SovereignProfile,
    env: &Environment,
    app: &str,
    kind: AppKind,
) -> Option<String> {
    if kind == AppKind::BackingService {
        return None;
    }
    Some(match env.env_type {
        EnvType::Prod => format!("https://{app}.{}.{}", env.org, profile.domain),
        t => format!("https://{app}.{t}.{}.{}", env.org, profile.domain),
    })
}
