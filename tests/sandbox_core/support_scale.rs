//! Support mode, the SME Sovereign, and `--scale`.

use super::helpers::*;
use catalyst_tui::model::*;
use catalyst_tui::sandbox::{SandboxOptions, Scale, SovereignSeed};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn support_mode_needs_a_ticket_audits_reads_and_refuses_changes() {
    let sb = start().await;
    let token = login(&sb, "support").await;
    let bare = Call::new(&sb, &token);
    let (status, err) = bare.get("/api/v1/orgs").await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("support-ticket-required"))
    );

    let api = Call {
        ticket: Some("CS-9001"),
        ..Call::new(&sb, &token)
    };
    let (status, page) = api.get("/api/v1/orgs").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let (status, _) = api
        .get("/api/v1/environments/digital-channels-prod/applications/payment-rail/secrets")
        .await;
    assert_eq!(status, StatusCode::OK);

    let audit = audit_records(&sb).await;
    let reads: Vec<_> = audit
        .iter()
        .filter(|r| r.action == "support.read" && r.support_ticket.as_deref() == Some("CS-9001"))
        .collect();
    assert!(reads.iter().any(|r| r.target == "/api/v1/orgs"));
    assert!(
        reads
            .iter()
            .any(|r| r.target.ends_with("/payment-rail/secrets") && r.actor == "support")
    );

    let (status, err) = api
        .post(
            "/api/v1/environments/digital-channels-dev/applications/payment-rail/actions",
            json!({"action": "restart", "reason": "trying"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("support-mode-read-only"))
    );
    assert!(err["request_id"].as_str().is_some());
    let (status, _) = api
        .delete("/api/v1/environments/digital-channels-dev/applications/marketing-site")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let world = sb.state.world.read().await;
    let denied: Vec<_> = world
        .audit
        .iter()
        .filter(|r| r.actor == "support" && r.outcome == AuditOutcome::Denied)
        .collect();
    assert_eq!(denied.len(), 2);
    assert!(
        denied
            .iter()
            .all(|r| r.support_ticket.as_deref() == Some("CS-9001"))
    );
    assert_eq!(
        world
            .app("digital-channels-dev", "payment-rail")
            .unwrap()
            .app
            .status,
        AppStatus::Running,
        "nothing changed"
    );
}

// ---------------------------------------------------------------- other Sovereign and scale

#[tokio::test]
async fn the_sme_sovereign_serves_the_pharmacy() {
    let sb = start_with(SandboxOptions {
        sovereign: SovereignSeed::Omantel,
        ..SandboxOptions::default()
    })
    .await;
    let meta: Meta = http()
        .get(format!("{}/api/v1/meta", sb.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta.sovereign.kind, SovereignType::Sme);
    let ahmed = login(&sb, "ahmed").await;
    let api = Call::new(&sb, &ahmed);
    let (_, orgs) = api.get("/api/v1/orgs").await;
    assert_eq!(names(&orgs["items"]), vec!["muscatpharmacy"]);
    assert_eq!(
        orgs["items"][0]["environments"],
        json!(["muscatpharmacy-prod"])
    );
    let (_, apps) = api
        .get("/api/v1/environments/muscatpharmacy-prod/applications")
        .await;
    let mut got = names(&apps["items"]);
    got.sort();
    assert_eq!(
        got,
        vec![
            "erpnext",
            "postgres",
            "redis",
            "stalwart-mail",
            "woocommerce"
        ]
    );
    assert_eq!(app_of(&apps, "postgres")["kind"], "backing-service");
    let d = device_code(&sb).await;
    assert_eq!(
        verify(&sb, &d.user_code, "layla", "approve").await,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn scale_adds_ten_thousand_applications() {
    let sb = start_with(SandboxOptions {
        scale: Some(Scale {
            orgs: 100,
            envs: 4,
            apps: 25,
        }),
        seed: 7,
        ..SandboxOptions::default()
    })
    .await;
    let admin = login(&sb, "admin").await;
    let api = Call::new(&sb, &admin);
    let (status, page) = api.get("/api/v1/orgs").await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 104);
    let generated: u64 = items
        .iter()
        .filter(|o| o["name"].as_str().unwrap().starts_with("scale-org-"))
        .map(|o| o["counts"]["applications"].as_u64().unwrap())
        .sum();
    assert_eq!(generated, 10_000);
    let (_, page) = api.get("/api/v1/orgs?limit=10").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    assert!(page["next_cursor"].is_string());
    let (_, envs) = api.get("/api/v1/orgs/scale-org-042/environments").await;
    assert_eq!(envs.as_array().unwrap().len(), 4);
    let (_, apps) = api
        .get("/api/v1/environments/scale-org-042-prod/applications?limit=10")
        .await;
    assert_eq!(apps["items"].as_array().unwrap().len(), 10);
    let layla = login(&sb, "layla").await;
    let (_, page) = Call::new(&sb, &layla).get("/api/v1/orgs").await;
    assert_eq!(names(&page["items"]), vec!["digital-channels"]);
    sb.shutdown().await.unwrap();
}
