//! A small deterministic world for the flow tests (unit and integration): one Org
//! `acme` with dev < stg < uat < prod, graded policies, `payment-rail` on every
//! Environment, `ledger` on stg only, and personas for every role that matters to
//! promotions and access. The sandbox's real seed data lives elsewhere; this exists so
//! the flow rules can be tested without depending on it.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::store::{AppRecord, EnvRecord, Persona, World};

/// Builds the world as it stands at `now`.
pub fn world(now: DateTime<Utc>) -> World {
    let mut w = World::default();
    w.orgs.insert(
        "acme".into(),
        Org {
            name: "acme".into(),
            display_name: "Acme".into(),
            kind: "corporate".into(),
            environments: ["acme-dev", "acme-stg", "acme-uat", "acme-prod"]
                .map(String::from)
                .to_vec(),
            counts: Counts::default(),
        },
    );
    let pr = |teams: &[&str], n: u32| PolicyRule::PrRequired {
        approvers: teams.iter().map(|t| t.to_string()).collect(),
        min_approvals: n,
    };
    env(
        &mut w,
        EnvType::Dev,
        vec![],
        &[RoleName::OrgDeveloper, RoleName::OrgAdmin],
        240,
        now,
    );
    env(
        &mut w,
        EnvType::Stg,
        vec![pr(&["team-platform"], 1)],
        &[RoleName::OrgAdmin],
        120,
        now,
    );
    env(
        &mut w,
        EnvType::Uat,
        vec![
            pr(&["team-platform"], 2),
            PolicyRule::Soak {
                source_environment: "stg".into(),
                duration: "24h".into(),
            },
        ],
        &[],
        120,
        now,
    );
    env(
        &mut w,
        EnvType::Prod,
        vec![
            pr(&["team-platform", "team-sre"], 2),
            PolicyRule::Soak {
                source_environment: "acme-uat".into(),
                duration: "48h".into(),
            },
            PolicyRule::ChangeWindow {
                cron: "0 22 * * *".into(),
                duration: "4h".into(),
            },
            PolicyRule::ReScoreGate { min_score: 60 },
        ],
        &[],
        60,
        now,
    );
    app(
        &mut w,
        "acme-dev",
        "payment-rail",
        "1.5.0",
        3,
        now - Duration::hours(2),
    );
    app(
        &mut w,
        "acme-stg",
        "payment-rail",
        "1.4.2",
        3,
        now - Duration::hours(30),
    );
    app(
        &mut w,
        "acme-uat",
        "payment-rail",
        "1.4.1",
        3,
        now - Duration::days(5),
    );
    app(
        &mut w,
        "acme-prod",
        "payment-rail",
        "1.4.0",
        3,
        now - Duration::days(20),
    );
    app(
        &mut w,
        "acme-stg",
        "ledger",
        "2.0.0",
        2,
        now - Duration::days(3),
    );

    let persona = |id: &str, roles: Vec<RoleBinding>, teams: &[&str], support: bool| Persona {
        id: id.into(),
        me: Me {
            sub: id.into(),
            name: id.into(),
            email: format!("{id}@acme.example"),
            roles,
            teams: teams.iter().map(|t| t.to_string()).collect(),
            support_agent: support,
        },
        blurb: String::new(),
    };
    let in_acme = |role| {
        vec![RoleBinding {
            role,
            org: Some("acme".into()),
        }]
    };
    let everywhere = |role| vec![RoleBinding { role, org: None }];
    for p in [
        persona(
            "layla",
            in_acme(RoleName::OrgDeveloper),
            &["team-payments", "team-platform"],
            false,
        ),
        persona(
            "sara",
            in_acme(RoleName::OrgDeveloper),
            &["team-platform"],
            false,
        ),
        persona(
            "omar",
            in_acme(RoleName::OrgAdmin),
            &["team-platform"],
            false,
        ),
        persona("sam", in_acme(RoleName::OrgDeveloper), &["team-sre"], false),
        persona(
            "dev",
            in_acme(RoleName::OrgDeveloper),
            &["team-payments"],
            false,
        ),
        persona(
            "vic",
            in_acme(RoleName::OrgViewer),
            &["team-platform"],
            false,
        ),
        persona("admin", everywhere(RoleName::SovereignAdmin), &[], false),
        persona(
            "sue",
            everywhere(RoleName::SupportAgent),
            &["team-platform"],
            true,
        ),
        persona(
            "zed",
            vec![RoleBinding {
                role: RoleName::OrgAdmin,
                org: Some("globex".into()),
            }],
            &["team-platform"],
            false,
        ),
    ] {
        w.personas.insert(p.id.clone(), p);
    }
    w
}

/// The caller of `persona` (support agents carry a ticket).
pub fn caller(world: &World, persona: &str) -> Option<Caller> {
    let p = world.personas.get(persona)?;
    Some(Caller {
        persona: p.id.clone(),
        me: p.me.clone(),
        support_ticket: p.me.support_agent.then(|| "TCK-1".to_string()),
        request_id: format!("req-{persona}"),
    })
}

fn env(
    w: &mut World,
    ty: EnvType,
    rules: Vec<PolicyRule>,
    auto_grant: &[RoleName],
    max_minutes: u32,
    now: DateTime<Utc>,
) {
    let name = format!("acme-{ty}");
    w.environments.insert(
        name.clone(),
        EnvRecord {
            env: Environment {
                name: name.clone(),
                org: "acme".into(),
                env_type: ty,
                topology: Topology::SingleRegion,
                regions: vec!["fsn1".into()],
                vcluster: format!("vc-{name}"),
                kube_context: format!("hz-fsn-rtz-{ty}-acme"),
                git_repo: format!("https://gitea.acme.example/acme/{name}"),
                policy_summary: String::new(),
                counts: Counts::default(),
                created_at: now - Duration::days(90),
            },
            policy: EnvironmentPolicy {
                environment: name.clone(),
                rules,
                access: AccessPolicy {
                    auto_grant_roles: auto_grant.to_vec(),
                    max_duration_minutes: max_minutes,
                },
            },
        },
    );
    w.apps.entry(name).or_default();
}

fn app(w: &mut World, env: &str, name: &str, version: &str, pods: u32, at: DateTime<Utc>) {
    let deploy = LastDeploy {
        at,
        actor: "layla".into(),
        version: version.into(),
        commit: "a1b2c3d".into(),
    };
    let record = AppRecord {
        app: Application {
            name: name.into(),
            environment: env.into(),
            org: "acme".into(),
            kind: AppKind::Application,
            blueprint: BlueprintRef {
                name: format!("bp-{name}"),
                version: version.into(),
            },
            status: AppStatus::Running,
            status_detail: String::new(),
            endpoint: Some(format!("https://{name}.{env}.acme.example")),
            placement: Placement {
                mode: PlacementMode::SingleRegion,
                regions: vec!["fsn1".into()],
            },
            pods: Pods {
                ready: pods,
                total: pods,
                counted: true,
            },
            dependencies: vec![],
            used_by: vec![],
            last_deploy: deploy.clone(),
            owner_team: "team-payments".into(),
            pending_promotion: None,
            progress: None,
            revision: 1,
            operation_id: None,
        },
        values: json!({ "replicas": pods, "image": { "tag": version }, "env": env }),
        secrets: vec![],
        pods: vec![],
        history: vec![DeployRecord {
            at,
            actor: deploy.actor,
            version: version.into(),
            commit: deploy.commit,
            outcome: DeployOutcome::Succeeded,
        }],
        regions: vec![],
        status_since: None,
    };
    w.apps
        .entry(env.to_string())
        .or_default()
        .insert(name.to_string(), record);
}
