//! Read-side views of the world: Org and Environment roll-ups derived from the
//! Applications at the moment they are asked for (never stored, so never stale), the
//! one-line policy summary, and lookups shared by every route. Must not change the world.

use super::{AppRecord, EnvRecord, World};
use crate::model::*;

impl World {
    /// The health roll-up of one Environment, counted from its Applications.
    pub fn env_counts(&self, env: &str) -> Counts {
        let mut counts = Counts::default();
        if let Some(apps) = self.apps.get(env) {
            for rec in apps.values() {
                add_to_counts(&mut counts, rec.app.status);
            }
        }
        counts
    }

    /// The health roll-up of one Org: the sum of its Environments'.
    pub fn org_counts(&self, org: &str) -> Counts {
        let mut counts = Counts::default();
        for env in self.env_names_of(org) {
            if let Some(apps) = self.apps.get(env) {
                for rec in apps.values() {
                    add_to_counts(&mut counts, rec.app.status);
                }
            }
        }
        counts
    }

    /// Names of an Org's Environments, in promotion order (poc, dev, uat, stg, prod).
    pub fn env_names_of(&self, org: &str) -> Vec<&str> {
        let mut envs: Vec<&EnvRecord> = self
            .environments
            .values()
            .filter(|e| e.env.org == org)
            .collect();
        envs.sort_by_key(|e| (e.env.env_type.rank(), e.env.name.clone()));
        envs.into_iter().map(|e| e.env.name.as_str()).collect()
    }

    /// An Org as served: its Environments and counts filled in from the world.
    pub fn org_view(&self, org: &str) -> Option<Org> {
        let stored = self.orgs.get(org)?;
        Some(Org {
            environments: self
                .env_names_of(org)
                .into_iter()
                .map(str::to_string)
                .collect(),
            counts: self.org_counts(org),
            ..stored.clone()
        })
    }

    /// An Environment as served: counts and policy summary derived.
    pub fn env_view(&self, env: &str) -> Option<Environment> {
        let rec = self.environments.get(env)?;
        Some(Environment {
            counts: self.env_counts(env),
            policy_summary: policy_summary(&rec.policy),
            ..rec.env.clone()
        })
    }

    /// The Org an Environment belongs to.
    pub fn org_of_env(&self, env: &str) -> Option<&str> {
        self.environments.get(env).map(|e| e.env.org.as_str())
    }

    /// One Application record.
    pub fn app(&self, env: &str, app: &str) -> Option<&AppRecord> {
        self.apps.get(env)?.get(app)
    }

    /// One Application record, to change it.
    pub fn app_mut(&mut self, env: &str, app: &str) -> Option<&mut AppRecord> {
        self.apps.get_mut(env)?.get_mut(app)
    }

    /// One version of a Blueprint.
    pub fn blueprint_version(&self, bp: &str, version: &str) -> Option<&BlueprintVersion> {
        self.blueprints.get(bp)?.versions.get(version)
    }

    /// Persona ids of the members of a team.
    pub fn team_members(&self, team: &str) -> Vec<&str> {
        self.personas
            .values()
            .filter(|p| p.me.teams.iter().any(|t| t == team))
            .map(|p| p.id.as_str())
            .collect()
    }

    /// The Org an audit target or request path is about, when it names one:
    /// `digital-channels-prod/payment-rail`, `digital-channels-prod`, `digital-channels`,
    /// `/api/v1/orgs/digital-channels/…`, `/api/v1/environments/digital-channels-prod/…`.
    pub fn org_of_target(&self, target: &str) -> Option<String> {
        if let Some(rest) = target.strip_prefix("/api/v1/") {
            let mut parts = rest.split(['/', '?']);
            return match (parts.next(), parts.next()) {
                (Some("orgs"), Some(org)) if self.orgs.contains_key(org) => Some(org.to_string()),
                (Some("environments"), Some(env)) => self.org_of_env(env).map(str::to_string),
                _ => None,
            };
        }
        let head = target.split('/').next().unwrap_or_default();
        if let Some(org) = self.org_of_env(head) {
            return Some(org.to_string());
        }
        self.orgs.contains_key(head).then(|| head.to_string())
    }

    /// The Environment an audit target or request path is about, when it names one.
    pub fn env_of_target(&self, target: &str) -> Option<String> {
        let head = match target.strip_prefix("/api/v1/environments/") {
            Some(rest) => rest.split(['/', '?']).next().unwrap_or_default(),
            None => target.split('/').next().unwrap_or_default(),
        };
        self.environments
            .contains_key(head)
            .then(|| head.to_string())
    }
}

/// Counting rules of a roll-up: every Application counts once in `applications`;
/// `installing` counts installs and updates alike (both move the Application); paused
/// Applications count only in the total.
fn add_to_counts(counts: &mut Counts, status: AppStatus) {
    counts.applications += 1;
    match status {
        AppStatus::Running => counts.running += 1,
        AppStatus::Degraded => counts.degraded += 1,
        AppStatus::Failed => counts.failed += 1,
        AppStatus::PendingApproval => counts.pending_approval += 1,
        AppStatus::Installing | AppStatus::Updating => counts.installing += 1,
        AppStatus::Paused | AppStatus::Unknown => {}
    }
}

/// One line saying what an Environment's policy requires, e.g.
/// `PR by team-platform (2 approvals) · change window 0 18 * * * for 14h`.
pub fn policy_summary(policy: &EnvironmentPolicy) -> String {
    let parts: Vec<String> = policy
        .rules
        .iter()
        .map(|rule| match rule {
            PolicyRule::PrRequired {
                approvers,
                min_approvals,
            } => {
                let plural = if *min_approvals == 1 { "" } else { "s" };
                format!(
                    "PR by {} ({min_approvals} approval{plural})",
                    approvers.join(" or ")
                )
            }
            PolicyRule::Soak {
                source_environment,
                duration,
            } => format!("soak {duration} in {source_environment}"),
            PolicyRule::ChangeWindow { cron, duration } => {
                format!("change window {cron} for {duration}")
            }
            PolicyRule::ReScoreGate { min_score } => format!("risk score ≥ {min_score}"),
            PolicyRule::Unknown => "a rule this sandbox does not know".to_string(),
        })
        .collect();
    if parts.is_empty() {
        "direct changes allowed (no promotion rules)".to_string()
    } else {
        parts.join(" · ")
    }
}

/// Rank of an Org-scoped role: a higher rank includes every lower one's rights.
pub fn role_rank(role: RoleName) -> u8 {
    match role {
        RoleName::OrgAdmin => 3,
        RoleName::OrgDeveloper => 2,
        RoleName::OrgViewer => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::store::{AppRecord, EnvRecord};
    use chrono::Utc;

    fn app(env: &str, name: &str, status: AppStatus) -> AppRecord {
        AppRecord {
            app: Application {
                name: name.into(),
                environment: env.into(),
                org: "acme".into(),
                kind: AppKind::Application,
                blueprint: BlueprintRef {
                    name: "bp-x".into(),
                    version: "1.0.0".into(),
                },
                status,
                status_detail: String::new(),
                endpoint: None,
                placement: Placement {
                    mode: PlacementMode::SingleRegion,
                    regions: vec![],
                },
                pods: Pods::default(),
                dependencies: vec![],
                used_by: vec![],
                last_deploy: LastDeploy {
                    at: Utc::now(),
                    actor: "a".into(),
                    version: "1.0.0".into(),
                    commit: "c".into(),
                },
                owner_team: String::new(),
                pending_promotion: None,
                progress: None,
                revision: 1,
                operation_id: None,
            },
            values: serde_json::json!({}),
            secrets: vec![],
            pods: vec![],
            history: vec![],
            regions: vec![],
            status_since: None,
        }
    }

    fn env(name: &str, ty: EnvType) -> EnvRecord {
        EnvRecord {
            env: Environment {
                name: name.into(),
                org: "acme".into(),
                env_type: ty,
                topology: Topology::SingleRegion,
                regions: vec![],
                vcluster: "acme".into(),
                kube_context: String::new(),
                git_repo: String::new(),
                policy_summary: String::new(),
                counts: Counts::default(),
                created_at: Utc::now(),
            },
            policy: EnvironmentPolicy {
                environment: name.into(),
                rules: vec![],
                access: AccessPolicy {
                    auto_grant_roles: vec![],
                    max_duration_minutes: 60,
                },
            },
        }
    }

    fn world() -> World {
        let mut w = World::default();
        w.orgs.insert(
            "acme".into(),
            Org {
                name: "acme".into(),
                display_name: "Acme".into(),
                kind: "corporate".into(),
                environments: vec![],
                counts: Counts {
                    applications: 99,
                    ..Counts::default()
                },
            },
        );
        w.environments
            .insert("acme-prod".into(), env("acme-prod", EnvType::Prod));
        w.environments
            .insert("acme-dev".into(), env("acme-dev", EnvType::Dev));
        let statuses = [
            ("acme-prod", "a", AppStatus::Running),
            ("acme-prod", "b", AppStatus::Degraded),
            ("acme-prod", "c", AppStatus::Updating),
            ("acme-dev", "d", AppStatus::Installing),
            ("acme-dev", "e", AppStatus::Failed),
            ("acme-dev", "f", AppStatus::Paused),
            ("acme-dev", "g", AppStatus::PendingApproval),
        ];
        for (e, n, s) in statuses {
            w.apps
                .entry(e.into())
                .or_default()
                .insert(n.into(), app(e, n, s));
        }
        w
    }

    #[test]
    fn counts_are_derived_from_applications_not_stored() {
        let w = world();
        let org = w.org_view("acme").unwrap();
        assert_eq!(
            org.counts,
            Counts {
                applications: 7,
                running: 1,
                degraded: 1,
                failed: 1,
                pending_approval: 1,
                installing: 2,
            }
        );
        assert_eq!(org.environments, vec!["acme-dev", "acme-prod"]);
        let prod = w.env_view("acme-prod").unwrap();
        assert_eq!(prod.counts.applications, 3);
        assert_eq!(prod.counts.installing, 1);
    }

    #[test]
    fn counts_follow_a_status_change() {
        let mut w = world();
        w.app_mut("acme-prod", "b").unwrap().app.status = AppStatus::Running;
        assert_eq!(w.env_counts("acme-prod").running, 2);
        assert_eq!(w.org_counts("acme").degraded, 0);
    }

    #[test]
    fn targets_resolve_to_their_org_and_environment() {
        let w = world();
        assert_eq!(w.org_of_target("acme-prod/a").as_deref(), Some("acme"));
        assert_eq!(w.org_of_target("acme").as_deref(), Some("acme"));
        assert_eq!(
            w.org_of_target("/api/v1/environments/acme-dev/applications")
                .as_deref(),
            Some("acme")
        );
        assert_eq!(
            w.org_of_target("/api/v1/orgs/acme?x=1").as_deref(),
            Some("acme")
        );
        assert_eq!(w.org_of_target("/api/v1/blueprints"), None);
        assert_eq!(w.org_of_target("other-prod/x"), None);
        assert_eq!(w.env_of_target("acme-dev/d").as_deref(), Some("acme-dev"));
        assert_eq!(
            w.env_of_target("/api/v1/environments/acme-prod/applications/a")
                .as_deref(),
            Some("acme-prod")
        );
    }

    #[test]
    fn policy_summary_names_every_rule() {
        let p = EnvironmentPolicy {
            environment: "x-prod".into(),
            rules: vec![
                PolicyRule::PrRequired {
                    approvers: vec!["team-platform".into()],
                    min_approvals: 2,
                },
                PolicyRule::ChangeWindow {
                    cron: "0 18 * * *".into(),
                    duration: "14h".into(),
                },
            ],
            access: AccessPolicy {
                auto_grant_roles: vec![],
                max_duration_minutes: 60,
            },
        };
        assert_eq!(
            policy_summary(&p),
            "PR by team-platform (2 approvals) · change window 0 18 * * * for 14h"
        );
    }
}
