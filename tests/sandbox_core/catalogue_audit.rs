//! The Blueprint catalogue and usage; the audit log's readers, filters, pages, export.

use super::helpers::*;
use catalyst_tui::model::*;
use reqwest::StatusCode;

#[tokio::test]
async fn blueprints_versions_and_usage() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let (status, list) = api.get("/api/v1/blueprints").await;
    assert_eq!(status, StatusCode::OK);
    let list: Vec<Blueprint> = serde_json::from_value(list).unwrap();
    let names: Vec<&str> = list.iter().map(|b| b.name.as_str()).collect();
    assert!(names.len() >= 10);
    for bp in [
        "bp-wordpress",
        "bp-postgres",
        "bp-redis",
        "bp-kafka",
        "bp-minio",
        "bp-keycloak",
        "bp-erpnext",
        "bp-woocommerce",
        "bp-stalwart-mail",
        "bp-bundle-pharmacy",
        "bp-grafana",
        "bp-bd-payment-rail",
    ] {
        assert!(names.contains(&bp), "{bp}");
    }
    assert!(!names.contains(&"bp-jitsi"), "unlisted");
    assert!(
        !names.contains(&"bp-bd-core-ledger"),
        "private to core-banking"
    );
    let wp = list.iter().find(|b| b.name == "bp-wordpress").unwrap();
    assert_eq!(wp.latest_version, "1.4.0");
    assert_eq!(wp.versions, vec!["1.1.0", "1.2.0", "1.3.0", "1.4.0"]);
    let rail = list
        .iter()
        .find(|b| b.name == "bp-bd-payment-rail")
        .unwrap();
    assert_eq!(rail.visibility, Visibility::Private);

    let (status, v) = api
        .get("/api/v1/blueprints/bp-bd-payment-rail/versions/2.5.0")
        .await;
    assert_eq!(status, StatusCode::OK);
    let v: BlueprintVersion = serde_json::from_value(v).unwrap();
    assert_eq!(v.depends, vec!["bp-postgres", "bp-redis"]);
    assert!(v.config_schema["properties"]["instant_payments"].is_object());
    assert_eq!(
        api.get("/api/v1/blueprints/bp-wordpress/versions/9.9.9")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/api/v1/blueprints/bp-bd-core-ledger/versions/5.1.0")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/api/v1/blueprints/bp-jitsi/versions/0.3.0")
            .await
            .0,
        StatusCode::OK
    );

    let (status, usage) = api
        .get("/api/v1/orgs/digital-channels/blueprints/bp-wordpress/usage")
        .await;
    assert_eq!(status, StatusCode::OK);
    let usage: BlueprintUsage = serde_json::from_value(usage).unwrap();
    let rows: Vec<(&str, &str, &str)> = usage
        .usages
        .iter()
        .map(|u| {
            (
                u.application.as_str(),
                u.environment.as_str(),
                u.version.as_str(),
            )
        })
        .collect();
    for row in [
        ("marketing-site", "digital-channels-dev", "1.4.0"),
        ("marketing-site", "digital-channels-stg", "1.3.0"),
        ("marketing-site", "digital-channels-prod", "1.2.0"),
        ("blog", "digital-channels-prod", "1.2.0"),
    ] {
        assert!(rows.contains(&row), "{row:?} in {rows:?}");
    }
    assert_eq!(usage.latest_version, "1.4.0");
    assert_eq!(
        api.get("/api/v1/orgs/core-banking/blueprints/bp-keycloak/usage")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

// ---------------------------------------------------------------- audit

#[tokio::test]
async fn audit_readers_filters_pages_and_export() {
    let sb = start().await;
    let khalid = login(&sb, "khalid").await;
    let salim = login(&sb, "salim").await;
    let layla = login(&sb, "layla").await;

    let (status, err) = Call::new(&sb, &layla).get("/api/v1/audit").await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("security-officer"))
    );
    let (status, _) = Call::new(&sb, &salim)
        .get("/api/v1/audit?org=core-banking")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, page) = Call::new(&sb, &khalid).get("/api/v1/audit").await;
    assert_eq!(status, StatusCode::OK);
    let all: Vec<AuditRecord> = serde_json::from_value(page["items"].clone()).unwrap();
    assert!(all.iter().any(|r| r.target.starts_with("core-banking")));
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at), "newest first");

    // An org-admin reads only its Org.
    let (_, page) = Call::new(&sb, &salim).get("/api/v1/audit").await;
    let own: Vec<AuditRecord> = serde_json::from_value(page["items"].clone()).unwrap();
    assert!(!own.is_empty());
    assert!(
        own.iter().all(|r| r.target.contains("digital-channels")),
        "{own:?}"
    );

    let (_, page) = Call::new(&sb, &khalid)
        .get("/api/v1/audit?actor=salim&action=promotion")
        .await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|r| r["actor"] == "salim"
                && r["action"].as_str().unwrap().starts_with("promotion."))
    );
    let (_, page) = Call::new(&sb, &khalid)
        .get("/api/v1/audit?environment=digital-channels-prod")
        .await;
    assert!(page["items"].as_array().unwrap().iter().all(|r| {
        r["target"]
            .as_str()
            .unwrap()
            .starts_with("digital-channels-prod")
    }));

    // Pages chain through the whole log.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/audit?limit=7&cursor={c}"),
            None => "/api/v1/audit?limit=7".to_string(),
        };
        let (_, page) = Call::new(&sb, &khalid).get(&path).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, all.iter().map(|r| r.id.clone()).collect::<Vec<_>>());

    let since = (chrono::Utc::now() - chrono::TimeDelta::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_, page) = Call::new(&sb, &khalid)
        .get(&format!("/api/v1/audit?since={since}"))
        .await;
    let recent = page["items"].as_array().unwrap();
    assert!(!recent.is_empty() && recent.len() < all.len());
    let (status, err) = Call::new(&sb, &khalid)
        .get("/api/v1/audit?since=yesterday")
        .await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("since"))
    );

    let resp = http()
        .get(format!("{}/api/v1/audit?org=digital-channels", sb.base_url))
        .bearer_auth(&khalid)
        .header("Accept", "application/x-ndjson")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    let text = resp.text().await.unwrap();
    let lines: Vec<AuditRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    assert!(lines.iter().all(|r| !r.target.starts_with("core-banking")));
}
