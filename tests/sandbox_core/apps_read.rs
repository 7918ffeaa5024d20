//! Reading Applications: the seeded Environment view, pagination, detail tabs.

use super::helpers::*;
use catalyst_tui::model::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn seeded_environment_view_matches_the_design() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let version = |page: &Value, app: &str| app_of(page, app)["blueprint"]["version"].clone();

    let (_, dev) = api
        .get("/api/v1/environments/digital-channels-dev/applications")
        .await;
    let (_, stg) = api
        .get("/api/v1/environments/digital-channels-stg/applications")
        .await;
    let (_, uat) = api
        .get("/api/v1/environments/digital-channels-uat/applications")
        .await;
    let (_, prod) = api
        .get("/api/v1/environments/digital-channels-prod/applications")
        .await;
    assert_eq!(version(&dev, "marketing-site"), "1.4.0");
    assert_eq!(version(&stg, "marketing-site"), "1.3.0");
    assert_eq!(version(&prod, "marketing-site"), "1.2.0");
    assert_eq!(version(&prod, "blog"), "1.2.0");
    assert_eq!(app_of(&prod, "blog")["blueprint"]["name"], "bp-wordpress");
    for page in [&dev, &stg, &uat, &prod] {
        assert_eq!(
            app_of(page, "payment-rail")["blueprint"]["name"],
            "bp-bd-payment-rail"
        );
    }
    let bus = app_of(&prod, "notification-bus");
    assert_eq!(bus["status"], "degraded");
    assert_eq!(bus["pods"], json!({"ready": 2, "total": 3}));
    let api_app = app_of(&prod, "analytics-api");
    assert_eq!(api_app["status"], "updating");
    assert_eq!(api_app["blueprint"]["version"], "2.3.0");
    assert!(api_app["progress"]["percent"].as_u64().is_some());
    assert!(api_app["operation_id"].as_str().is_some());
    let site = app_of(&prod, "marketing-site");
    assert_eq!(site["status"], "pending-approval");
    assert_eq!(site["pending_promotion"]["id"], "pr-000001");
    for svc in [
        "shared-postgres",
        "shared-redis",
        "kafka-cluster",
        "object-store",
    ] {
        assert_eq!(app_of(&prod, svc)["kind"], "backing-service", "{svc}");
    }
    let pg = app_of(&prod, "shared-postgres");
    let used_by: Vec<&str> = pg["used_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        used_by.contains(&"marketing-site")
            && used_by.contains(&"blog")
            && used_by.contains(&"analytics-api")
    );
    assert_eq!(
        app_of(&prod, "payment-rail")["placement"]["mode"],
        "active-active"
    );

    // Every status appears somewhere in the Sovereign.
    let admin = login(&sb, "admin").await;
    let mut statuses = std::collections::BTreeSet::new();
    let world = sb.state.world.read().await;
    let envs: Vec<String> = world.environments.keys().cloned().collect();
    drop(world);
    for env in envs {
        let (_, page) = Call::new(&sb, &admin)
            .get(&format!("/api/v1/environments/{env}/applications"))
            .await;
        for a in page["items"].as_array().unwrap() {
            statuses.insert(a["status"].as_str().unwrap().to_string());
        }
    }
    for s in AppStatus::ALL {
        assert!(statuses.contains(s.as_str()), "{s}");
    }
}

#[tokio::test]
async fn application_lists_paginate() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let base = "/api/v1/environments/digital-channels-prod/applications";
    let (_, all) = api.get(base).await;
    let all = names(&all["items"]);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}?limit=2&cursor={c}"),
            None => format!("{base}?limit=2"),
        };
        let (status, page) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(names(&page["items"]));
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, all);
    let (status, err) = api.get(&format!("{base}?limit=0")).await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    let (status, err) = api.get(&format!("{base}?limit=many")).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
}

#[tokio::test]
async fn detail_tabs_for_readers_only() {
    let sb = start().await;
    let omar = login(&sb, "omar").await;
    let api = Call::new(&sb, &omar);
    let app = "/api/v1/environments/digital-channels-prod/applications/payment-rail";

    let (status, a) = api.get(app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["name"], "payment-rail");

    let (_, s) = api.get(&format!("{app}/settings")).await;
    let s: AppSettings = serde_json::from_value(s).unwrap();
    assert!(s.values_yaml.contains("rails:"), "{}", s.values_yaml);
    assert!(
        s.values_yaml.contains("request_ms: 5000"),
        "{}",
        s.values_yaml
    );
    assert_eq!(s.blueprint.version, "2.4.0");
    assert_eq!(s.config_schema["type"], "object");
    assert!(s.config_schema["properties"]["timeouts"].is_object());

    let (_, t) = api.get(&format!("{app}/topology")).await;
    let t: AppTopology = serde_json::from_value(t).unwrap();
    assert_eq!(t.placement.mode, PlacementMode::ActiveActive);
    assert_eq!(t.regions.len(), 2);
    assert_eq!(t.regions.iter().map(|r| r.pods.total).sum::<u32>(), 6);
    assert_eq!(t.dependencies[0].name, "shared-postgres");

    let (_, raw) = api.get(&format!("{app}/secrets")).await;
    let text = raw.to_string();
    assert!(!text.contains("\"value\""));
    let secrets: AppSecrets = serde_json::from_value(raw).unwrap();
    let hsm = secrets
        .secrets
        .iter()
        .find(|s| s.name == "payment-rail-hsm")
        .unwrap();
    assert!(hsm.keys.iter().any(|k| k.key == "pin" && k.size_bytes == 8));
    assert!(hsm.last_rotated_at.is_some());

    let (_, o) = api.get(&format!("{app}/observability")).await;
    let o: AppObservability = serde_json::from_value(o).unwrap();
    assert_eq!(o.pods.len(), 6);
    assert!(
        o.pods
            .iter()
            .all(|p| p.ready && p.phase == PodPhase::Running)
    );

    let (_, h) = api.get(&format!("{app}/history")).await;
    let h: AppHistory = serde_json::from_value(h).unwrap();
    assert_eq!(h.deploys[0].version, "2.4.0");
    assert!(h.deploys.len() >= 2);

    let (_, m) = api.get(&format!("{app}/manifests")).await;
    let m: AppManifests = serde_json::from_value(m).unwrap();
    assert!(m.yaml.contains("kind: HelmRelease"), "{}", m.yaml);
    assert!(m.yaml.contains("kind: Kustomization"));
    assert!(m.yaml.contains("payment-rail-hsm"));

    let (_, degraded) = api
        .get("/api/v1/environments/digital-channels-prod/applications/notification-bus/observability")
        .await;
    let degraded: AppObservability = serde_json::from_value(degraded).unwrap();
    assert_eq!(degraded.pods.iter().filter(|p| !p.ready).count(), 1);
    assert!(degraded.pods.iter().any(|p| p.restarts > 0));

    let (status, err) = api
        .get("/api/v1/environments/core-banking-prod/applications/ledger/settings")
        .await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-viewer"))
    );
    assert_eq!(api.get(&format!("{app}x")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        api.get("/api/v1/environments/nowhere-prod/applications")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
