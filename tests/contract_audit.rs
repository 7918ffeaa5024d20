//! The audit log through the typed client against the sandbox: records carry actor,
//! roles, target, reason and the request id the client sent; filters select what they
//! say; the NDJSON export equals the paged listing; and only the right readers read it.
//! (Support mode's own records are checked in `contract_support_mode.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use std::collections::BTreeSet;

use catalyst_tui::api::{ApiClient, ApiError};
use catalyst_tui::model::*;
use contract_support::*;
use futures::StreamExt;

async fn export(client: &ApiClient, query: &AuditQuery) -> Result<Vec<AuditRecord>, ApiError> {
    let stream = client.export_audit(query).await?;
    let records: Vec<Result<AuditRecord, ApiError>> = stream.collect().await;
    records.into_iter().collect()
}

#[tokio::test]
async fn records_name_actor_target_reason_and_request() {
    let sb = start().await;
    let [admin, layla, omar, salim] = sign_in_all(&sb, ["admin", "layla", "omar", "salim"]).await;
    let start_at = chrono::Utc::now();
    let before: BTreeSet<String> = audit_log(&admin, AuditQuery::default())
        .await
        .into_iter()
        .map(|r| r.id)
        .collect();

    // Successes.
    layla
        .application_action(
            "digital-channels-dev",
            "payment-rail",
            &ActionRequest {
                action: AppAction::Restart,
                reason: "rotate certificates".into(),
            },
        )
        .await
        .unwrap();
    let granted = omar
        .create_access_request(
            "digital-channels-dev",
            &CreateAccessRequest {
                reason: "consumer lag".into(),
                duration_minutes: 15,
                access: AccessLevel::View,
            },
        )
        .await
        .unwrap();
    omar.revoke_access_request(&granted.id).await.unwrap();
    // Failures, matched by the request id each error names.
    let denied = omar
        .application_action(
            "digital-channels-prod",
            "payment-rail",
            &ActionRequest {
                action: AppAction::Pause,
                reason: "too many alerts".into(),
            },
        )
        .await
        .unwrap_err();
    let conflict = salim
        .uninstall_application("digital-channels-dev", "shared-redis", "unused?")
        .await
        .unwrap_err();
    let invalid = salim
        .review_promotion(
            "pr-000002",
            &CreateReview {
                decision: ReviewDecision::Reject,
                comment: String::new(),
                revision: 1,
            },
        )
        .await
        .unwrap_err();

    let new: Vec<AuditRecord> = audit_log(&admin, AuditQuery::default())
        .await
        .into_iter()
        .filter(|r| !before.contains(&r.id))
        .rev()
        .collect();
    let summary: Vec<(&str, &str, &str, AuditOutcome)> = new
        .iter()
        .map(|r| {
            (
                r.actor.as_str(),
                r.action.as_str(),
                r.target.as_str(),
                r.outcome,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "layla",
                "application.restart",
                "digital-channels-dev/payment-rail",
                AuditOutcome::Success
            ),
            (
                "omar",
                "access.request",
                "digital-channels-dev",
                AuditOutcome::Success
            ),
            (
                "omar",
                "access.revoke",
                "digital-channels-dev",
                AuditOutcome::Success
            ),
            (
                "omar",
                "application.pause",
                "digital-channels-prod/payment-rail",
                AuditOutcome::Denied
            ),
            (
                "salim",
                "application.uninstall",
                "digital-channels-dev/shared-redis",
                AuditOutcome::Error
            ),
            (
                "salim",
                "promotion.review",
                "digital-channels-stg/notification-bus",
                AuditOutcome::Error
            ),
        ]
    );
    let reasons: Vec<&str> = new.iter().map(|r| r.reason.as_deref().unwrap()).collect();
    assert_eq!(reasons[0], "rotate certificates");
    assert_eq!(reasons[1], "consumer lag");
    assert_eq!(reasons[2], format!("revoke {}", granted.id));
    assert!(
        reasons[3].starts_with("too many alerts — forbidden: "),
        "{}",
        reasons[3]
    );
    assert!(
        reasons[4].starts_with("unused? — has-dependents: "),
        "{}",
        reasons[4]
    );
    assert_eq!(reasons[5], "reject");
    // Every record names a distinct request sent by the client; errors name theirs.
    let ids: BTreeSet<&str> = new.iter().map(|r| r.request_id.as_str()).collect();
    assert_eq!(ids.len(), new.len());
    assert!(new.iter().all(|r| is_client_request_id(&r.request_id)));
    assert_eq!(Some(new[3].request_id.as_str()), denied.request_id());
    assert_eq!(Some(new[4].request_id.as_str()), conflict.request_id());
    assert_eq!(Some(new[5].request_id.as_str()), invalid.request_id());
    // Who, with which roles, and when.
    assert_eq!(new[0].roles, [RoleName::OrgDeveloper]);
    assert_eq!(new[4].roles, [RoleName::OrgAdmin]);
    assert!(
        new.iter()
            .all(|r| r.at >= start_at && r.support_ticket.is_none())
    );
    let mut sorted = new.clone();
    sorted.sort_by_key(|r| r.at);
    assert_eq!(sorted, new, "the log is in time order");
}

#[tokio::test]
async fn filters_select_what_they_say() {
    let sb = start().await;
    let [admin] = sign_in_all(&sb, ["admin"]).await;
    let all = audit_log(&admin, AuditQuery::default()).await;
    assert!(all.len() >= 27, "the seeded history: {}", all.len());
    let q = |f: fn(&mut AuditQuery)| {
        let mut q = AuditQuery::default();
        f(&mut q);
        q
    };

    let omar = audit_log(&admin, q(|q| q.actor = Some("omar".into()))).await;
    assert_eq!(
        omar,
        all.iter()
            .filter(|r| r.actor == "omar")
            .cloned()
            .collect::<Vec<_>>()
    );
    assert!(!omar.is_empty());

    let promotions = audit_log(&admin, q(|q| q.action = Some("promotion".into()))).await;
    assert!(!promotions.is_empty());
    assert!(
        promotions
            .iter()
            .all(|r| r.action.starts_with("promotion."))
    );
    assert_eq!(
        promotions.len(),
        all.iter()
            .filter(|r| r.action.starts_with("promotion."))
            .count()
    );
    let reviews = audit_log(&admin, q(|q| q.action = Some("promotion.review".into()))).await;
    assert!(reviews.iter().all(|r| r.action == "promotion.review"));
    assert!(reviews.len() < promotions.len());
    // The seeded history uses the verbs the server writes, so one filter finds both.
    let opened = audit_log(&admin, q(|q| q.action = Some("promotion.create".into()))).await;
    assert_eq!(opened.len(), 5, "one per seeded promotion: {opened:?}");
    let decided = audit_log(&admin, q(|q| q.action = Some("access.decide".into()))).await;
    assert_eq!(decided.len(), 2, "{decided:?}");
    let none = audit_log(&admin, q(|q| q.action = Some("promo".into()))).await;
    assert!(
        none.is_empty(),
        "a prefix matches whole words only: {none:?}"
    );

    let prod = audit_log(
        &admin,
        q(|q| q.environment = Some("digital-channels-prod".into())),
    )
    .await;
    assert!(!prod.is_empty());
    assert!(
        prod.iter().all(|r| r.target == "digital-channels-prod"
            || r.target.starts_with("digital-channels-prod/")),
        "{prod:?}"
    );
    let core = audit_log(&admin, q(|q| q.org = Some("core-banking".into()))).await;
    assert_eq!(
        core.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(),
        ["core-banking-stg/ledger"]
    );

    // since/until split the log in two at any instant.
    let cut = chrono::Utc::now() - chrono::TimeDelta::days(3) - chrono::TimeDelta::hours(12);
    let cut = chrono::DateTime::from_timestamp(cut.timestamp(), 0).unwrap();
    let since = AuditQuery {
        since: Some(cut),
        ..AuditQuery::default()
    };
    let until = AuditQuery {
        until: Some(cut),
        ..AuditQuery::default()
    };
    let (newer, older) = (
        audit_log(&admin, since).await,
        audit_log(&admin, until).await,
    );
    assert!(!newer.is_empty() && !older.is_empty());
    assert!(newer.iter().all(|r| r.at >= cut));
    assert!(older.iter().all(|r| r.at < cut));
    assert_eq!(newer.len() + older.len(), all.len());

    // Filters combine.
    let both = AuditQuery {
        actor: Some("salim".into()),
        action: Some("promotion.review".into()),
        environment: Some("digital-channels-prod".into()),
        ..AuditQuery::default()
    };
    let got = audit_log(&admin, both).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|r| r.actor == "salim"));

    // A bad time is refused naming it.
    let e = reqwest::Client::new()
        .get(format!("{}/api/v1/audit?since=yesterday", sb.base_url))
        .bearer_auth(raw_token(&sb, "admin").await)
        .send()
        .await
        .unwrap();
    assert_eq!(e.status(), 422);
}

#[tokio::test]
async fn the_ndjson_export_equals_the_paged_listing() {
    let sb = start().await;
    let [admin, khalid, salim, layla] =
        sign_in_all(&sb, ["admin", "khalid", "salim", "layla"]).await;
    // Some fresh records besides the seeded ones.
    layla
        .create_access_request(
            "digital-channels-dev",
            &CreateAccessRequest {
                reason: "export check".into(),
                duration_minutes: 10,
                access: AccessLevel::View,
            },
        )
        .await
        .unwrap();

    for (who, reader) in [("admin", &admin), ("khalid", &khalid), ("salim", &salim)] {
        for query in [
            AuditQuery::default(),
            AuditQuery {
                actor: Some("layla".into()),
                ..AuditQuery::default()
            },
            AuditQuery {
                org: Some("digital-channels".into()),
                action: Some("access".into()),
                ..AuditQuery::default()
            },
        ] {
            // Pages of 4, newest first; the export runs oldest first.
            let mut paged = audit_log(
                reader,
                AuditQuery {
                    limit: Some(4),
                    ..query.clone()
                },
            )
            .await;
            paged.reverse();
            let exported = export(reader, &query).await.unwrap();
            assert!(!exported.is_empty(), "{who} {query:?}");
            assert_eq!(exported, paged, "{who} {query:?}");
        }
    }
    // The export of an org-admin stays in its Org, like its listing.
    let salims = export(&salim, &AuditQuery::default()).await.unwrap();
    let all = export(&admin, &AuditQuery::default()).await.unwrap();
    assert!(salims.len() < all.len());
    assert!(salims.iter().all(|r| !r.target.starts_with("core-banking")
        && !r.target.starts_with("analytics")
        && !r.target.starts_with("corporate-it")));
    assert_eq!(export(&khalid, &AuditQuery::default()).await.unwrap(), all);
}

#[tokio::test]
async fn only_auditors_and_org_admins_read_the_log() {
    let sb = start().await;
    let ([admin, khalid, salim, layla, huda, fatma], support) = tokio::join!(
        sign_in_all(&sb, ["admin", "khalid", "salim", "layla", "huda", "fatma"]),
        sign_in_with(&sb, "support", Some(TICKET))
    );
    for (who, c) in [("layla", &layla), ("huda", &huda), ("fatma", &fatma)] {
        let e = assert_restricted(
            c.list_audit(&AuditQuery::default()).await,
            "forbidden",
            Some("security-officer"),
        );
        assert!(e.to_string().contains("security-officer"), "{who}: {e}");
        assert_restricted(
            c.export_audit(&AuditQuery::default()).await.map(|_| ()),
            "forbidden",
            Some("security-officer"),
        );
    }
    assert_restricted(
        salim
            .list_audit(&AuditQuery {
                org: Some("analytics".into()),
                ..AuditQuery::default()
            })
            .await,
        "forbidden",
        Some("org-admin"),
    );
    let everything = audit_log(&admin, AuditQuery::default()).await;
    assert_eq!(audit_log(&khalid, AuditQuery::default()).await, everything);
    let dc = audit_log(
        &admin,
        AuditQuery {
            org: Some("digital-channels".into()),
            ..AuditQuery::default()
        },
    )
    .await;
    assert_eq!(audit_log(&salim, AuditQuery::default()).await, dc);
    // Support reads it all (and that read is itself on the record).
    let seen = audit_log(&support, AuditQuery::default()).await;
    assert!(seen.len() > everything.len());
    assert_eq!(seen[0].action, "support.read");
    assert_eq!(seen[0].target, "/api/v1/audit");
}
