//! Test data for the Application view: `payment-rail` in `digital-channels-stg`, as the
//! sandbox seeds it, with every tab's answer. Compiled for tests only.

use chrono::{DateTime, Duration, Utc};

use crate::model::{
    AppHistory, AppKind, AppObservability, AppSecrets, AppStatus, AppTopology, Application,
    BlueprintRef, Dependency, DeployOutcome, DeployRecord, LastDeploy, Placement, PlacementMode,
    PodInfo, PodPhase, Pods, RegionTopology, SecretInfo, SecretKeyInfo,
};
use crate::msg::TabData;
use crate::views::testing::now;
use crate::widgets::highlight::highlight_yaml;

fn ago(minutes: i64) -> DateTime<Utc> {
    now() - Duration::minutes(minutes)
}

/// The Application summary.
pub fn application() -> Application {
    Application {
        name: "payment-rail".into(),
        environment: "digital-channels-stg".into(),
        org: "digital-channels".into(),
        kind: AppKind::Application,
        blueprint: BlueprintRef {
            name: "bp-bd-payment-rail".into(),
            version: "2.4.1".into(),
        },
        status: AppStatus::Running,
        status_detail: "All 3 pods ready.".into(),
        endpoint: Some("https://payment-rail.digital-channels-stg.bankdhofar.local".into()),
        placement: Placement {
            mode: PlacementMode::SingleRegion,
            regions: vec!["fsn".into()],
        },
        pods: Pods::counted(3, 3),
        dependencies: vec![
            Dependency {
                name: "shared-postgres".into(),
                alias: Some("db".into()),
            },
            Dependency {
                name: "shared-redis".into(),
                alias: None,
            },
        ],
        used_by: vec!["mobile-bff".into()],
        last_deploy: LastDeploy {
            at: ago(3 * 24 * 60),
            actor: "layla".into(),
            version: "2.4.1".into(),
            commit: "4f2a9c1e0b7d3a58".into(),
        },
        owner_team: "team-payments".into(),
        pending_promotion: None,
        progress: None,
        revision: 7,
        operation_id: None,
    }
}

/// The Settings values (as the runner highlights them).
pub const VALUES: &str = "\
# payment-rail values for digital-channels-stg
rails:
  - swift
  - rtgs
  - card
replicas: 3
timeouts:
  connect_ms: 500
  request_ms: 6000
fraud_score_threshold: 0.75
hsm:
  enabled: true
  slot: 2
";

pub fn settings() -> TabData {
    TabData::Settings {
        blueprint: "bp-bd-payment-rail@2.4.1".into(),
        yaml: highlight_yaml(VALUES),
    }
}

/// Rendered manifests: long enough to scroll, with `image:` on several lines.
pub fn manifests_text() -> String {
    let mut text = String::from(
        "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: payment-rail\n  namespace: digital-channels-stg\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: bp-bd-payment-rail\n      version: \"2.4.1\"\n",
    );
    for (i, part) in ["api", "worker", "scheduler"].iter().enumerate() {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-rail-{part}\n  labels:\n    app.kubernetes.io/name: payment-rail\n    app.kubernetes.io/component: {part}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n        - name: {part}\n          image: \"registry.bankdhofar.local/digital/payment-rail-{part}:2.4.1\"\n          ports:\n            - containerPort: {}\n",
            3 - i,
            8443 + i
        ));
    }
    text
}

pub fn manifests() -> TabData {
    TabData::Manifests(highlight_yaml(&manifests_text()))
}

pub fn topology() -> TabData {
    TabData::Topology(AppTopology {
        placement: Placement {
            mode: PlacementMode::ActiveHotstandby,
            regions: vec!["fsn".into(), "hel".into()],
        },
        dependencies: vec![
            Dependency {
                name: "shared-postgres".into(),
                alias: Some("db".into()),
            },
            Dependency {
                name: "shared-redis".into(),
                alias: None,
            },
        ],
        used_by: vec!["mobile-bff".into(), "web-portal".into()],
        regions: vec![
            RegionTopology {
                region: "fsn".into(),
                role: "active".into(),
                pods: Pods::counted(3, 3),
            },
            RegionTopology {
                region: "hel".into(),
                role: "hot-standby".into(),
                pods: Pods::counted(1, 2),
            },
        ],
    })
}

pub fn secrets() -> TabData {
    let key = |k: &str, size| SecretKeyInfo {
        key: k.into(),
        size_bytes: size,
    };
    TabData::Secrets(AppSecrets {
        secrets: vec![
            SecretInfo {
                name: "payment-rail-hsm".into(),
                keys: vec![
                    key("pin", 8),
                    key("client-cert", 1874),
                    key("client-key", 1704),
                ],
                last_rotated_at: Some(ago(30 * 24 * 60)),
            },
            SecretInfo {
                name: "payment-rail-swift-gateway".into(),
                keys: vec![key("username", 14), key("password", 40)],
                last_rotated_at: None,
            },
        ],
    })
}

pub fn observability() -> TabData {
    let pod = |name: &str, phase, ready, restarts, region: &str, minutes| PodInfo {
        name: name.into(),
        phase,
        ready,
        restarts,
        region: region.into(),
        started_at: ago(minutes),
    };
    TabData::Observability(AppObservability {
        pods: vec![
            pod(
                "payment-rail-api-7d9f8c6b5-2xkqp",
                PodPhase::Running,
                true,
                0,
                "fsn",
                4320,
            ),
            pod(
                "payment-rail-api-7d9f8c6b5-9mzvt",
                PodPhase::Running,
                true,
                2,
                "fsn",
                4318,
            ),
            pod(
                "payment-rail-worker-5c4b7d9f6-hq8rn",
                PodPhase::Running,
                true,
                0,
                "fsn",
                4316,
            ),
            pod(
                "payment-rail-worker-5c4b7d9f6-lp3ws",
                PodPhase::Pending,
                false,
                0,
                "hel",
                3,
            ),
        ],
    })
}

pub fn history() -> TabData {
    let deploy = |minutes, actor: &str, version: &str, commit: &str, outcome| DeployRecord {
        at: ago(minutes),
        actor: actor.into(),
        version: version.into(),
        commit: commit.into(),
        outcome,
    };
    TabData::History(AppHistory {
        deploys: vec![
            deploy(
                4320,
                "layla",
                "2.4.1",
                "4f2a9c1e0b7d",
                DeployOutcome::Succeeded,
            ),
            deploy(
                5000,
                "layla",
                "2.4.1",
                "9be1d04c2a11",
                DeployOutcome::RolledBack,
            ),
            deploy(
                57_600,
                "omar",
                "2.4.0",
                "c0ffee12ab34",
                DeployOutcome::Succeeded,
            ),
            deploy(
                100_800,
                "salim",
                "2.3.2",
                "77aa01bc9d2e",
                DeployOutcome::Failed,
            ),
            deploy(
                216_000,
                "salim",
                "2.3.2",
                "1d2e3f4a5b6c",
                DeployOutcome::Succeeded,
            ),
        ],
    })
}

/// Every tab's answer, by tab.
pub fn tab_data(tab: crate::effect::DetailTab) -> Option<TabData> {
    use crate::effect::DetailTab::*;
    Some(match tab {
        Overview => return None,
        Settings => settings(),
        Topology => topology(),
        Secrets => secrets(),
        Observability => observability(),
        History => history(),
        Manifests => manifests(),
    })
}
