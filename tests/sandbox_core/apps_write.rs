//! Changing Applications: actions, installs with schema validation, uninstalls.

use super::helpers::*;
use catalyst_tui::model::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn actions_start_operations_and_respect_state_and_role() {
    let sb = start().await;
    let omar = login(&sb, "omar").await;
    let salim = login(&sb, "salim").await;
    let huda = login(&sb, "huda").await;
    let dev = "/api/v1/environments/digital-channels-dev/applications";

    let (status, body) = Call::new(&sb, &omar)
        .post(
            &format!("{dev}/payment-rail/actions"),
            json!({"action": "restart", "reason": "pick up the new HSM slot"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let op = body["operation_id"].as_str().unwrap().to_string();
    let (_, app) = Call::new(&sb, &omar)
        .get(&format!("{dev}/payment-rail"))
        .await;
    assert_eq!(app["status"], "updating");
    assert_eq!(app["operation_id"], op.as_str());
    assert!(sb.state.world.read().await.operations.contains_key(&op));

    // The state forbids it: not paused, or already moving.
    let (status, err) = Call::new(&sb, &omar)
        .post(
            &format!("{dev}/marketing-site/actions"),
            json!({"action": "resume", "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["state"]["status"], "running");
    assert!(err["revision"].as_u64().is_some());
    let (status, _) = Call::new(&sb, &omar)
        .post(
            &format!("{dev}/payment-rail/actions"),
            json!({"action": "pause", "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Prod needs org-admin; viewers never act.
    let prod = "/api/v1/environments/digital-channels-prod/applications";
    let (status, err) = Call::new(&sb, &omar)
        .post(
            &format!("{prod}/payment-rail/actions"),
            json!({"action": "pause", "reason": "x"}),
        )
        .await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-admin"))
    );
    let (status, _) = Call::new(&sb, &huda)
        .post(
            &format!("{dev}/marketing-site/actions"),
            json!({"action": "restart"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/notification-bus/actions"),
            json!({"action": "pause", "reason": "OOM loop"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, app) = Call::new(&sb, &salim)
        .get(&format!("{prod}/notification-bus"))
        .await;
    assert_eq!(app["status"], "paused");
    let (status, _) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/notification-bus/actions"),
            json!({"action": "resume", "reason": "fixed"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, err) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/blog/actions"),
            json!({"action": "explode"}),
        )
        .await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("action"))
    );
    let (status, _) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/nothing/actions"),
            json!({"action": "restart"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let audit = audit_records(&sb).await;
    let restart = audit
        .iter()
        .find(|r| r.action == "application.restart" && r.actor == "omar")
        .unwrap();
    assert_eq!(restart.target, "digital-channels-dev/payment-rail");
    assert_eq!(restart.reason.as_deref(), Some("pick up the new HSM slot"));
    assert_eq!(restart.outcome, AuditOutcome::Success);
    assert!(audit.iter().any(|r| r.action == "application.pause"
        && r.actor == "omar"
        && r.outcome == AuditOutcome::Denied
        && r.target == "digital-channels-prod/payment-rail"));
}

#[tokio::test]
async fn installs_validate_values_against_the_schema() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let dev = "/api/v1/environments/digital-channels-dev/applications";
    let good = json!({
        "name": "careers",
        "blueprint": "bp-wordpress",
        "version": "1.4.0",
        "values": {"site": {"title": "Careers", "domain": "careers.dev.bankdhofar.local"}, "replicas": 1}
    });
    let (status, body) = api.post(dev, good.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let op = body["operation_id"].as_str().unwrap();
    let (_, app) = api.get(&format!("{dev}/careers")).await;
    assert_eq!(app["status"], "installing");
    assert_eq!(app["operation_id"], op);
    assert_eq!(app["dependencies"][0]["name"], "shared-postgres");
    let (_, pg) = api.get(&format!("{dev}/shared-postgres")).await;
    assert!(
        pg["used_by"]
            .as_array()
            .unwrap()
            .contains(&json!("careers"))
    );

    let (status, _) = api.post(dev, good.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let mut bad = good.clone();
    bad["name"] = json!("careers-2");
    bad["values"] = json!({"site": {"title": "", "domain": "x"}, "replicas": 0, "colour": "red"});
    let (status, err) = api.post(dev, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "invalid");
    let paths: Vec<&str> = err["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/replicas"), "{paths:?}");
    assert!(paths.contains(&"/site/title"), "{paths:?}");

    let mut unknown = good.clone();
    unknown["blueprint"] = json!("bp-nothing");
    assert_eq!(api.post(dev, unknown).await.0, StatusCode::NOT_FOUND);
    let mut old = good.clone();
    old["version"] = json!("0.1.0");
    assert_eq!(api.post(dev, old).await.0, StatusCode::NOT_FOUND);
    // Another Org's private Blueprint does not exist here.
    let ledger = json!({"name": "ledger", "blueprint": "bp-bd-core-ledger", "version": "5.1.0"});
    assert_eq!(api.post(dev, ledger).await.0, StatusCode::NOT_FOUND);
    let mut bad_name = good.clone();
    bad_name["name"] = json!("Careers Site");
    let (status, err) = api.post(dev, bad_name).await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    // Without values the Blueprint's defaults are used.
    let redis = json!({"name": "cache", "blueprint": "bp-redis", "version": "7.4.0"});
    assert_eq!(api.post(dev, redis).await.0, StatusCode::ACCEPTED);

    let huda = login(&sb, "huda").await;
    let mut other = good.clone();
    other["name"] = json!("by-viewer");
    let (status, err) = Call::new(&sb, &huda).post(dev, other).await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-developer"))
    );
    let resp = http()
        .post(format!("{}{dev}", sb.base_url))
        .bearer_auth(&layla)
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn uninstall_refuses_while_used_and_needs_org_admin() {
    let sb = start().await;
    let salim = login(&sb, "salim").await;
    let omar = login(&sb, "omar").await;
    let prod = "/api/v1/environments/digital-channels-prod/applications";

    let (status, err) = Call::new(&sb, &salim)
        .delete(&format!("{prod}/shared-postgres?reason=cleanup"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"], "has-dependents");
    let deps: Vec<&str> = err["dependents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(deps.contains(&"payment-rail") && deps.contains(&"blog"));

    let (status, err) = Call::new(&sb, &omar)
        .delete(&format!("{prod}/blog?reason=retire"))
        .await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-admin"))
    );
    let (status, body) = Call::new(&sb, &salim)
        .delete(&format!("{prod}/blog?reason=retired%20blog"))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let op = body["operation_id"].as_str().unwrap().to_string();
    let world = sb.state.world.read().await;
    assert_eq!(world.operations[&op].kind, "uninstall");
    let rec = world
        .audit
        .iter()
        .rev()
        .find(|r| r.action == "application.uninstall" && r.outcome == AuditOutcome::Success)
        .unwrap();
    assert_eq!(rec.reason.as_deref(), Some("retired blog"));
    drop(world);
    // A second uninstall waits for the first.
    let (status, _) = Call::new(&sb, &salim).delete(&format!("{prod}/blog")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}
