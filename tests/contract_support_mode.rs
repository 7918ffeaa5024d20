//! Support mode through the typed client against the sandbox (journey J6): without a
//! ticket a support agent reads nothing; with one it reads everything, each read audited
//! with the ticket, secrets only as names and sizes; every mutation is refused with
//! `support-mode-read-only` and audited as denied with the ticket and the request id.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use catalyst_tui::api::{ApiClient, ApiError};
use catalyst_tui::model::*;
use contract_support::*;
use serde_json::json;

#[tokio::test]
async fn support_mode_refuses_every_mutation_and_audits_it_with_the_ticket() {
    let sb = start().await;
    let ([admin], support) = tokio::join!(
        sign_in_all(&sb, ["admin"]),
        sign_in_with(&sb, "support", Some(TICKET))
    );
    let dev = "digital-channels-dev";
    let attempts: Vec<(&str, ApiError)> = vec![
        (
            "/api/v1/orgs/digital-channels/environments",
            support
                .create_environment(
                    "digital-channels",
                    &CreateEnvironment {
                        env_type: EnvType::Poc,
                        topology: Topology::SingleRegion,
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/environments/digital-channels-dev/applications/payment-rail/actions",
            support
                .application_action(
                    dev,
                    "payment-rail",
                    &ActionRequest {
                        action: AppAction::Restart,
                        reason: "customer asked".into(),
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/environments/digital-channels-dev/applications",
            support
                .install_application(
                    dev,
                    &InstallRequest {
                        name: "helper".into(),
                        blueprint: "bp-wordpress".into(),
                        version: "1.4.0".into(),
                        values: json!(null),
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/environments/digital-channels-dev/applications/marketing-site",
            support
                .uninstall_application(dev, "marketing-site", "cleanup")
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/environments/digital-channels-stg/applications/payment-rail/promotions",
            support
                .create_promotion(
                    "digital-channels-stg",
                    "payment-rail",
                    &CreatePromotion {
                        target_environment: "digital-channels-uat".into(),
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/promotions/pr-000001/reviews",
            support
                .review_promotion(
                    "pr-000001",
                    &CreateReview {
                        decision: ReviewDecision::Approve,
                        comment: String::new(),
                        revision: 1,
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/environments/digital-channels-dev/access-requests",
            support
                .create_access_request(
                    dev,
                    &CreateAccessRequest {
                        reason: "look".into(),
                        duration_minutes: 30,
                        access: AccessLevel::View,
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/access-requests/ar-000001/decision",
            support
                .decide_access_request(
                    "ar-000001",
                    &AccessDecision {
                        decision: AccessDecisionKind::Grant,
                        comment: String::new(),
                    },
                )
                .await
                .unwrap_err(),
        ),
        (
            "/api/v1/access-requests/ar-000002",
            support
                .revoke_access_request("ar-000002")
                .await
                .unwrap_err(),
        ),
    ];
    for (path, e) in &attempts {
        let e = assert_restricted(
            Err::<(), _>(e.clone()),
            "support-mode-read-only",
            Some("a non-support identity"),
        );
        assert!(e.to_string().contains("read-only"), "{e}");
        let rec = record_of(&admin, &e).await;
        assert_eq!(rec.actor, "support");
        assert_eq!(rec.roles, [RoleName::SupportAgent]);
        assert_eq!(rec.support_ticket.as_deref(), Some(TICKET));
        assert_eq!(rec.action, "support.mutation");
        assert_eq!(rec.target, *path);
        assert_eq!(rec.outcome, AuditOutcome::Denied);
        assert!(
            rec.reason
                .as_deref()
                .unwrap()
                .contains("support mode is read-only"),
            "{rec:?}"
        );
    }
    // Nothing changed.
    let app = admin.get_application(dev, "payment-rail").await.unwrap();
    assert_eq!(app.status, AppStatus::Running);
    assert_not_found(admin.get_application(dev, "helper").await);
    assert_eq!(
        admin.get_access_request("ar-000001").await.unwrap().state,
        AccessState::Pending
    );
    assert_eq!(
        admin
            .get_promotion("pr-000001")
            .await
            .unwrap()
            .reviews
            .len(),
        1
    );
}

#[tokio::test]
async fn every_support_read_is_audited_with_its_ticket() {
    let sb = start().await;
    let ([admin], support) = tokio::join!(
        sign_in_all(&sb, ["admin"]),
        sign_in_with(&sb, "support", Some(TICKET))
    );
    let reads = |admin: ApiClient| async move {
        audit_log(
            &admin,
            AuditQuery {
                actor: Some("support".into()),
                action: Some("support.read".into()),
                ..AuditQuery::default()
            },
        )
        .await
    };
    let before = reads(admin.clone()).await.len();
    support.get_org("core-banking").await.unwrap();
    support
        .application_secrets("digital-channels-prod", "payment-rail")
        .await
        .unwrap();
    support.list_audit(&AuditQuery::default()).await.unwrap();
    // A refused read is still a read: audited, then answered 404.
    assert_not_found(support.get_org("no-such-org").await);
    let after = reads(admin).await;
    assert_eq!(after.len(), before + 4);
    let targets: Vec<&str> = after[..4].iter().rev().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/orgs/core-banking",
            "/api/v1/environments/digital-channels-prod/applications/payment-rail/secrets",
            "/api/v1/audit",
            "/api/v1/orgs/no-such-org",
        ]
    );
    for r in &after[..4] {
        assert_eq!(r.support_ticket.as_deref(), Some(TICKET));
        assert_eq!(r.outcome, AuditOutcome::Success);
        assert!(is_client_request_id(&r.request_id), "{r:?}");
    }
}

#[track_caller]
fn refused<T: std::fmt::Debug>(r: Result<T, ApiError>) {
    assert_restricted(
        r,
        "support-ticket-required",
        Some("X-Catalyst-Support-Ticket"),
    );
}

#[tokio::test]
async fn support_without_a_ticket_reads_nothing() {
    let sb = start().await;
    let c = sign_in(&sb, "support").await;
    assert!(!c.support_mode());
    refused(c.me().await);
    refused(c.list_orgs(&PageQuery::default()).await);
    refused(c.get_org("digital-channels").await);
    refused(c.list_environments("digital-channels").await);
    refused(c.environment_policy("digital-channels-prod").await);
    refused(
        c.list_applications("digital-channels-prod", &PageQuery::default())
            .await,
    );
    refused(c.get_application("digital-channels-prod", "blog").await);
    refused(c.application_secrets("digital-channels-prod", "blog").await);
    refused(c.list_blueprints().await);
    refused(c.blueprint_version("bp-wordpress", "1.4.0").await);
    refused(c.blueprint_usage("digital-channels", "bp-wordpress").await);
    refused(c.list_promotions(&PromotionQuery::default()).await);
    refused(c.get_promotion("pr-000001").await);
    refused(c.list_access_requests(None, &PageQuery::default()).await);
    refused(c.get_access_request("ar-000001").await);
    refused(c.list_audit(&AuditQuery::default()).await);
    // The error explains itself to people.
    let e = c.me().await.unwrap_err();
    assert!(e.to_string().contains("support ticket"), "{e}");
    // Discovery is anonymous.
    c.meta().await.unwrap();
}

#[tokio::test]
async fn support_with_a_ticket_reads_secrets_as_names_and_sizes_only() {
    let sb = start().await;
    let c = sign_in_with(&sb, "support", Some(TICKET)).await;
    assert!(c.support_mode());
    let secrets = c
        .application_secrets("digital-channels-prod", "marketing-site")
        .await
        .unwrap();
    assert!(!secrets.secrets.is_empty());
    for s in &secrets.secrets {
        assert!(s.name.starts_with("marketing-site-"), "{s:?}");
        assert!(!s.keys.is_empty());
        assert!(s.keys.iter().all(|k| k.size_bytes > 0 && !k.key.is_empty()));
    }
    // On the wire (which the typed model would silently narrow): only names, keys, sizes
    // and rotation times, for every Application of every Org.
    let token = raw_token(&sb, "support").await;
    let http = reqwest::Client::new();
    let world_apps: Vec<(String, String)> = {
        let w = sb.state.world.read().await;
        w.apps
            .iter()
            .flat_map(|(env, apps)| apps.keys().map(move |a| (env.clone(), a.clone())))
            .collect()
    };
    for (env, app) in world_apps {
        let v: serde_json::Value = http
            .get(format!(
                "{}/api/v1/environments/{env}/applications/{app}/secrets",
                sb.base_url
            ))
            .bearer_auth(&token)
            .header("x-catalyst-support-ticket", TICKET)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            v.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["secrets"]
        );
        for s in v["secrets"].as_array().unwrap() {
            for k in s.as_object().unwrap().keys() {
                assert!(
                    ["name", "keys", "last_rotated_at"].contains(&k.as_str()),
                    "{env}/{app}: unexpected member {k} in {s}"
                );
            }
            for key in s["keys"].as_array().unwrap() {
                let mut members: Vec<&String> = key.as_object().unwrap().keys().collect();
                members.sort();
                assert_eq!(members, ["key", "size_bytes"], "{env}/{app}: {key}");
            }
        }
    }
}
