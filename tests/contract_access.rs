//! Just-in-time access through the typed client against the sandbox (journey J5): a
//! developer on dev is granted at once, prod waits for a sovereign-admin, org-admins grant
//! below prod only, nobody decides their own request; credentials go to the requester
//! alone and are gone after a revocation or expiry; bad requests name their field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use catalyst_tui::api::ApiError;
use catalyst_tui::model::*;
use contract_support::*;

fn ask(reason: &str, minutes: u32, access: AccessLevel) -> CreateAccessRequest {
    CreateAccessRequest {
        reason: reason.into(),
        duration_minutes: minutes,
        access,
    }
}

fn decide(decision: AccessDecisionKind, comment: &str) -> AccessDecision {
    AccessDecision {
        decision,
        comment: comment.into(),
    }
}

#[track_caller]
fn assert_gone<T: std::fmt::Debug>(r: Result<T, ApiError>) {
    match r {
        Err(e @ ApiError::Gone { .. }) => {
            assert_eq!(e.code(), Some("expired"), "{e:?}");
            assert!(e.request_id().is_some());
        }
        other => panic!("expected Gone, got {other:?}"),
    }
}

#[tokio::test]
async fn dev_is_granted_at_once_and_credentials_die_with_the_grant() {
    let sb = start().await;
    let ([admin, layla, omar], support) = tokio::join!(
        sign_in_all(&sb, ["admin", "layla", "omar"]),
        sign_in_with(&sb, "support", Some(TICKET))
    );

    let r = layla
        .create_access_request(
            "digital-channels-dev",
            &ask("Check payment-rail logs", 60, AccessLevel::Debug),
        )
        .await
        .unwrap();
    assert_eq!(r.state, AccessState::Granted);
    assert_eq!(r.requester, "layla");
    assert_eq!(r.environment, "digital-channels-dev");
    assert_eq!(r.decided_by.as_deref(), Some("policy"));
    let (granted, expires) = (r.granted_at.unwrap(), r.expires_at.unwrap());
    assert_eq!(expires - granted, chrono::TimeDelta::minutes(60));

    let creds = layla.access_credentials(&r.id).await.unwrap();
    assert_eq!(creds.context, "hz-fsn-rtz-dev-digital-channels");
    assert_eq!(creds.namespace, "digital-channels-dev");
    assert_eq!(
        creds.server,
        format!("{}/k8s/digital-channels-dev", sb.kube_base_url)
    );
    assert!(creds.server.starts_with("https://127.0.0.1:"));
    assert!(!creds.certificate_authority_data.is_empty(), "the run's CA");
    assert!(creds.token.len() >= 32);
    assert_eq!(creds.expires_at, expires);
    assert!(
        !format!("{creds:?}").contains(&creds.token),
        "the token stays out of Debug"
    );

    // Nobody else gets them, not even a sovereign-admin or support.
    for other in [&omar, &admin, &support] {
        assert_restricted(
            other.access_credentials(&r.id).await,
            "forbidden",
            Some("the requester of this grant"),
        );
    }

    // Revoked: 410 from then on.
    let revoked = layla.revoke_access_request(&r.id).await.unwrap();
    assert_eq!(revoked.state, AccessState::Revoked);
    assert!(revoked.expires_at.unwrap() <= expires);
    assert_gone(layla.access_credentials(&r.id).await);
    assert_conflict(
        layla.revoke_access_request(&r.id).await,
        "access-request-not-active",
    );
    // The seeded grant that already ran out is gone too.
    assert_gone(layla.access_credentials("ar-000003").await);
    // Omar's seeded dev grant is live.
    let omars = omar.access_credentials("ar-000002").await.unwrap();
    assert_eq!(omars.namespace, "digital-channels-dev");

    // Every step is in the audit log.
    let log = audit_log(
        &admin,
        AuditQuery {
            actor: Some("layla".into()),
            action: Some("access".into()),
            ..AuditQuery::default()
        },
    )
    .await;
    let steps: Vec<(&str, AuditOutcome)> = log
        .iter()
        .rev()
        .filter(|r| r.at >= granted)
        .map(|r| (r.action.as_str(), r.outcome))
        .collect();
    assert_eq!(
        steps,
        [
            ("access.request", AuditOutcome::Success),
            ("access.revoke", AuditOutcome::Success),
            ("access.revoke", AuditOutcome::Error),
        ]
    );
    let first = log.iter().find(|r| r.action == "access.request").unwrap();
    assert_eq!(first.reason.as_deref(), Some("Check payment-rail logs"));
    assert_eq!(first.target, "digital-channels-dev");
    assert!(is_client_request_id(&first.request_id));
}

#[tokio::test]
async fn prod_waits_for_a_sovereign_admin() {
    let sb = start().await;
    let [admin, layla, salim] = sign_in_all(&sb, ["admin", "layla", "salim"]).await;

    let r = layla
        .create_access_request(
            "digital-channels-prod",
            &ask("INC-3001: payment-rail latency", 30, AccessLevel::View),
        )
        .await
        .unwrap();
    assert_eq!(r.state, AccessState::Pending);
    assert_eq!(
        (r.granted_at, r.expires_at, r.decided_by.as_deref()),
        (None, None, None)
    );
    assert_conflict(layla.access_credentials(&r.id).await, "access-not-granted");

    // In the sovereign-admin's inbox; not in the org-admin's (prod is not theirs).
    let inbox = admin
        .list_access_requests(Some(AccessState::Pending), &PageQuery::default())
        .await
        .unwrap();
    assert!(inbox.items.iter().any(|x| x.id == r.id));
    let inbox = salim
        .list_access_requests(Some(AccessState::Pending), &PageQuery::default())
        .await
        .unwrap();
    assert!(!inbox.items.iter().any(|x| x.id == r.id));

    let e = assert_restricted(
        salim
            .decide_access_request(&r.id, &decide(AccessDecisionKind::Grant, "ok"))
            .await,
        "forbidden",
        Some("sovereign-admin"),
    );
    let rec = record_of(&admin, &e).await;
    assert_eq!(
        (
            rec.actor.as_str(),
            rec.action.as_str(),
            rec.target.as_str(),
            rec.outcome
        ),
        (
            "salim",
            "access.decide",
            "digital-channels-prod",
            AuditOutcome::Denied
        )
    );
    assert_eq!(
        rec.reason.as_deref(),
        Some(format!("grant {}: ok", r.id).as_str())
    );
    assert_restricted(
        layla
            .decide_access_request(&r.id, &decide(AccessDecisionKind::Grant, "me"))
            .await,
        "self-approval-forbidden",
        None,
    );

    let granted = admin
        .decide_access_request(&r.id, &decide(AccessDecisionKind::Grant, "For INC-3001."))
        .await
        .unwrap();
    assert_eq!(granted.state, AccessState::Granted);
    assert_eq!(granted.decided_by.as_deref(), Some("admin"));
    assert_eq!(granted.decision_comment.as_deref(), Some("For INC-3001."));
    assert_eq!(
        granted.expires_at.unwrap() - granted.granted_at.unwrap(),
        chrono::TimeDelta::minutes(30)
    );
    let creds = layla.access_credentials(&r.id).await.unwrap();
    assert_eq!(creds.context, "hz-fsn-rtz-prod-digital-channels");
    assert_eq!(
        layla.get_access_request(&r.id).await.unwrap().state,
        AccessState::Granted
    );
    assert_conflict(
        admin
            .decide_access_request(&r.id, &decide(AccessDecisionKind::Deny, "changed my mind"))
            .await,
        "access-request-not-pending",
    );
    // An approver may end it early.
    let ended = admin.revoke_access_request(&r.id).await.unwrap();
    assert_eq!(ended.state, AccessState::Revoked);
    assert_gone(layla.access_credentials(&r.id).await);
}

#[tokio::test]
async fn org_admins_decide_below_prod_but_never_their_own() {
    let sb = start().await;
    let [admin, salim, layla, omar] = sign_in_all(&sb, ["admin", "salim", "layla", "omar"]).await;

    // The seeded pending stg request of Layla: her org-admin may grant it.
    let r = salim
        .decide_access_request("ar-000001", &decide(AccessDecisionKind::Grant, "Go ahead."))
        .await
        .unwrap();
    assert_eq!(
        (r.state, r.decided_by.as_deref()),
        (AccessState::Granted, Some("salim"))
    );
    layla.access_credentials("ar-000001").await.unwrap();

    // Salim's own uat request waits (uat grants nobody at once) and is not his to decide.
    let own = salim
        .create_access_request(
            "digital-channels-uat",
            &ask("Compare Redis settings", 120, AccessLevel::View),
        )
        .await
        .unwrap();
    assert_eq!(own.state, AccessState::Pending);
    assert_restricted(
        salim
            .decide_access_request(&own.id, &decide(AccessDecisionKind::Grant, ""))
            .await,
        "self-approval-forbidden",
        None,
    );
    // A developer decides nothing.
    assert_restricted(
        omar.decide_access_request(&own.id, &decide(AccessDecisionKind::Deny, "no"))
            .await,
        "forbidden",
        Some("org-admin of digital-channels or sovereign-admin"),
    );
    let denied = admin
        .decide_access_request(&own.id, &decide(AccessDecisionKind::Deny, "Use stg."))
        .await
        .unwrap();
    assert_eq!(denied.state, AccessState::Denied);
    assert_conflict(
        salim.access_credentials(&own.id).await,
        "access-not-granted",
    );
    assert_conflict(
        salim.revoke_access_request(&own.id).await,
        "access-request-not-active",
    );
    // A developer may withdraw only their own.
    assert_restricted(
        omar.revoke_access_request("ar-000001").await,
        "forbidden",
        None,
    );
    assert_not_found(
        admin
            .decide_access_request("ar-999999", &decide(AccessDecisionKind::Grant, ""))
            .await,
    );
}

#[tokio::test]
async fn requests_are_checked_before_anything_is_granted() {
    let sb = start().await;
    let [layla, huda, fatma] = sign_in_all(&sb, ["layla", "huda", "fatma"]).await;
    let dev = "digital-channels-dev";
    assert_invalid(
        layla
            .create_access_request(dev, &ask("  ", 30, AccessLevel::View))
            .await,
        "invalid",
        "reason",
    );
    assert_invalid(
        layla
            .create_access_request(dev, &ask("debug", 0, AccessLevel::View))
            .await,
        "invalid",
        "duration_minutes",
    );
    assert_invalid(
        layla
            .create_access_request(
                "digital-channels-prod",
                &ask("debug", 61, AccessLevel::View),
            )
            .await,
        "invalid",
        "duration_minutes",
    );
    assert_invalid(
        layla
            .create_access_request(dev, &ask("debug", 30, AccessLevel::Unknown))
            .await,
        "invalid",
        "access",
    );
    // Viewers and sovereign-wide readers get no kube access; other Orgs are invisible.
    for c in [&huda, &fatma] {
        assert_restricted(
            c.create_access_request(dev, &ask("look", 30, AccessLevel::View))
                .await,
            "forbidden",
            Some("org-developer or org-admin of digital-channels"),
        );
    }
    assert_not_found(
        layla
            .create_access_request("core-banking-dev", &ask("look", 30, AccessLevel::View))
            .await,
    );
    // Nothing was created by the refusals.
    let mine = layla
        .list_access_requests(None, &PageQuery::default())
        .await
        .unwrap();
    let ids: Vec<&str> = mine.items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ar-000001", "ar-000003"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_expires_on_the_sandbox_clock() {
    let sb = start().await;
    let layla = sign_in(&sb, "layla").await;
    let r = layla
        .create_access_request(
            "digital-channels-dev",
            &ask("Check payment-rail logs", 30, AccessLevel::View),
        )
        .await
        .unwrap();
    assert_eq!(r.state, AccessState::Granted);
    layla.access_credentials(&r.id).await.unwrap();

    advance_clock(&sb, 31 * 60).await;
    let later = layla.get_access_request(&r.id).await.unwrap();
    assert_eq!(
        later.state,
        AccessState::Expired,
        "expiry follows the sandbox's clock"
    );
    assert_gone(layla.access_credentials(&r.id).await);
}
