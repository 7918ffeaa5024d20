//! Organizations and Environments: readers, derived counts, naming, creation.

use super::helpers::*;
use catalyst_tui::model::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn orgs_are_listed_for_their_readers_with_derived_counts() {
    let sb = start().await;
    let admin = login(&sb, "admin").await;
    let layla = login(&sb, "layla").await;
    let khalid = login(&sb, "khalid").await;

    let (status, page) = Call::new(&sb, &admin).get("/api/v1/orgs").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&page["items"]),
        vec![
            "analytics",
            "core-banking",
            "corporate-it",
            "digital-channels"
        ]
    );
    assert_eq!(page["next_cursor"], Value::Null);
    let (_, page) = Call::new(&sb, &khalid).get("/api/v1/orgs").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let (_, page) = Call::new(&sb, &layla).get("/api/v1/orgs?limit=1").await;
    assert_eq!(names(&page["items"]), vec!["digital-channels"]);

    let (status, org) = Call::new(&sb, &layla)
        .get("/api/v1/orgs/digital-channels")
        .await;
    assert_eq!(status, StatusCode::OK);
    let org: Org = serde_json::from_value(org).unwrap();
    assert_eq!(
        org.environments,
        vec![
            "digital-channels-dev",
            "digital-channels-stg",
            "digital-channels-uat",
            "digital-channels-prod"
        ]
    );
    // The roll-up equals the sum of what the Environments hold.
    let mut total = 0;
    for env in &org.environments {
        let (_, apps) = Call::new(&sb, &layla)
            .get(&format!("/api/v1/environments/{env}/applications"))
            .await;
        total += apps["items"].as_array().unwrap().len() as u32;
    }
    assert_eq!(org.counts.applications, total);
    assert_eq!(org.counts.degraded, 1);
    assert_eq!(org.counts.pending_approval, 2);
    assert_eq!(
        org.counts.installing, 2,
        "docs-portal installing, analytics-api updating"
    );

    let (status, body) = Call::new(&sb, &layla)
        .get("/api/v1/orgs/core-banking")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["required"], "org-viewer");
    assert_eq!(
        Call::new(&sb, &layla).get("/api/v1/orgs/nope").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        Call::new(&sb, &layla)
            .get("/api/v1/orgs/core-banking/environments")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn environments_carry_naming_policy_and_counts() {
    let sb = start().await;
    let huda = login(&sb, "huda").await;
    let (status, envs) = Call::new(&sb, &huda)
        .get("/api/v1/orgs/digital-channels/environments")
        .await;
    assert_eq!(status, StatusCode::OK);
    let envs: Vec<Environment> = serde_json::from_value(envs).unwrap();
    let prod = envs.iter().find(|e| e.env_type == EnvType::Prod).unwrap();
    assert_eq!(prod.name, "digital-channels-prod");
    assert_eq!(prod.kube_context, "hz-fsn-rtz-prod-digital-channels");
    assert_eq!(prod.vcluster, "digital-channels");
    assert_eq!(prod.topology, Topology::ActiveActive);
    assert_eq!(prod.regions, vec!["fsn", "hel"]);
    assert!(
        prod.git_repo
            .ends_with("/digital-channels/digital-channels-prod")
    );
    assert!(
        prod.policy_summary.contains("team-platform (2 approvals)"),
        "{}",
        prod.policy_summary
    );
    assert!(prod.policy_summary.contains("change window"));
    assert_eq!(prod.counts.applications, 9);
    assert_eq!(prod.counts.degraded, 1);
    let uat = envs.iter().find(|e| e.env_type == EnvType::Uat).unwrap();
    assert!(
        uat.policy_summary
            .contains("soak 24h in digital-channels-stg")
    );
}

#[tokio::test]
async fn creating_an_environment_needs_org_admin() {
    let sb = start().await;
    let salim = login(&sb, "salim").await;
    let layla = login(&sb, "layla").await;
    let path = "/api/v1/orgs/digital-channels/environments";
    let body = json!({"env_type": "poc", "topology": "single-region"});

    let (status, err) = Call::new(&sb, &layla).post(path, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["required"], "org-admin");

    let (status, env) = Call::new(&sb, &salim).post(path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{env}");
    let env: Environment = serde_json::from_value(env).unwrap();
    assert_eq!(env.name, "digital-channels-poc");
    assert_eq!(env.kube_context, "hz-fsn-rtz-poc-digital-channels");
    assert_eq!(env.counts.applications, 0);
    let (_, apps) = Call::new(&sb, &salim)
        .get("/api/v1/environments/digital-channels-poc/applications")
        .await;
    assert_eq!(apps["items"], json!([]));

    let (status, err) = Call::new(&sb, &salim).post(path, body).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, err) = Call::new(&sb, &salim)
        .post(path, json!({"env_type": "qa", "topology": "single-region"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"][0]["path"], "env_type");
    let (status, err) = Call::new(&sb, &salim)
        .post(path, json!({"topology": "single-region"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"][0]["path"], "env_type");

    let audit = audit_records(&sb).await;
    let creates: Vec<_> = audit
        .iter()
        .filter(|r| r.action == "environment.create")
        .collect();
    assert!(
        creates
            .iter()
            .any(|r| r.actor == "layla" && r.outcome == AuditOutcome::Denied)
    );
    assert!(creates.iter().any(|r| r.actor == "salim"
        && r.outcome == AuditOutcome::Success
        && r.target == "digital-channels-poc"));
}
