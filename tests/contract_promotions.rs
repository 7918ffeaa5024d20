//! Promotions end to end through the typed client against the sandbox (journey J4):
//! Layla promotes payment-rail from digital-channels-stg to -uat, the target card turns
//! pending-approval, reviewers are checked in the contract's order (author first, then
//! the approver teams, comments for rejections, revisions), an approval that meets the
//! policy merges, and the target goes updating then running as the simulation (ticked by
//! hand) finishes the operation. Also: invalid targets, request-changes holding a merge,
//! rejection restoring the target, and the two-approval prod rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use catalyst_tui::api::{ApiClient, ApiError};
use catalyst_tui::model::*;
use catalyst_tui::sandbox::simulation::Simulation;
use contract_support::*;

const STG: &str = "digital-channels-stg";
const UAT: &str = "digital-channels-uat";

fn to(target: &str) -> CreatePromotion {
    CreatePromotion {
        target_environment: target.into(),
    }
}

fn review(decision: ReviewDecision, comment: &str, revision: u64) -> CreateReview {
    CreateReview {
        decision,
        comment: comment.into(),
        revision,
    }
}

fn rule(p: &Promotion, kind: RuleKind) -> &RuleStatus {
    p.policy
        .rules
        .iter()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} rule in {:?}", p.policy))
}

async fn awaiting(client: &ApiClient) -> Vec<String> {
    client
        .list_promotions(&PromotionQuery {
            awaiting_me: Some(true),
            ..PromotionQuery::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[tokio::test]
async fn j4_promote_review_merge_and_roll_out() {
    let sb = start().await;
    let mut sim = Simulation::new(11);
    let [admin, layla, omar, salim, huda] =
        sign_in_all(&sb, ["admin", "layla", "omar", "salim", "huda"]).await;

    // Layla opens the promotion.
    let before = layla.get_application(UAT, "payment-rail").await.unwrap();
    assert_eq!(before.blueprint.version, "2.4.0");
    let p = layla
        .create_promotion(STG, "payment-rail", &to(UAT))
        .await
        .unwrap();
    assert_eq!(p.state, PromotionState::Open);
    assert_eq!(p.org, "digital-channels");
    assert_eq!(p.application, "payment-rail");
    assert_eq!(
        (p.source_environment.as_str(), p.target_environment.as_str()),
        (STG, UAT)
    );
    assert_eq!(
        (p.from_version.as_str(), p.to_version.as_str()),
        ("2.4.0", "2.4.1")
    );
    assert_eq!(p.created_by, "layla");
    assert_eq!(p.revision, 1);
    assert!(p.reviews.is_empty());
    assert_eq!(p.pr.repo, "digital-channels/digital-channels-uat");
    assert_eq!(
        p.pr.url,
        "https://gitea.fsn.bankdhofar.local/digital-channels/digital-channels-uat/pulls/42"
    );
    assert_eq!(
        p.pr.number, 42,
        "after the seeded #41 on the uat repository"
    );
    assert!(
        p.diff.contains("-version: 2.4.0") && p.diff.contains("+version: 2.4.1"),
        "{}",
        p.diff
    );
    assert_eq!(p.policy.required_approvals, 1);
    assert_eq!(p.policy.approver_teams, ["team-platform"]);
    let pr = rule(&p, RuleKind::PrRequired);
    assert!(!pr.satisfied);
    assert_eq!(pr.extra["more_needed"], 1);
    assert!(pr.detail.contains("team-platform"), "{}", pr.detail);
    assert!(
        rule(&p, RuleKind::Soak).satisfied,
        "2.4.1 has run on stg for days"
    );
    let r = layla.get_promotion(&p.id).await.unwrap();
    assert_eq!(r, p);

    // The target card turns pending-approval.
    let card = huda.get_application(UAT, "payment-rail").await.unwrap();
    assert_eq!(card.status, AppStatus::PendingApproval);
    let pending = card.pending_promotion.expect("names the promotion");
    assert_eq!(
        (pending.id.as_str(), pending.to_version.as_str()),
        (p.id.as_str(), "2.4.1")
    );
    assert_eq!(pending.source_environment, STG);

    // One open promotion per Application and target.
    assert_conflict(
        omar.create_promotion(STG, "payment-rail", &to(UAT)).await,
        "promotion-already-open",
    );

    // Inboxes: approvers see it, the author and outsiders do not.
    assert!(awaiting(&salim).await.contains(&p.id));
    assert!(awaiting(&admin).await.contains(&p.id));
    assert!(!awaiting(&layla).await.contains(&p.id));
    assert!(!awaiting(&omar).await.contains(&p.id));

    // Reviews, refused in the contract's order.
    let e = assert_restricted(
        omar.review_promotion(&p.id, &review(ReviewDecision::Approve, "lgtm", 1))
            .await,
        "not-an-approver",
        Some("a member of team-platform"),
    );
    let ApiError::Restricted { teams, .. } = &e else {
        unreachable!()
    };
    assert_eq!(teams, &["team-platform"]);
    assert!(e.to_string().contains("team-platform"), "{e}");
    let rec = record_of(&admin, &e).await;
    assert_eq!(
        (
            rec.actor.as_str(),
            rec.action.as_str(),
            rec.target.as_str(),
            rec.outcome
        ),
        (
            "omar",
            "promotion.review",
            "digital-channels-uat/payment-rail",
            AuditOutcome::Denied
        )
    );
    assert_eq!(rec.reason.as_deref(), Some("approve: lgtm"));
    assert_restricted(
        huda.review_promotion(&p.id, &review(ReviewDecision::Approve, "", 1))
            .await,
        "not-an-approver",
        None,
    );
    // The author is refused whatever teams she is in (Layla is in team-platform).
    let e = assert_restricted(
        layla
            .review_promotion(&p.id, &review(ReviewDecision::Approve, "mine", 1))
            .await,
        "self-approval-forbidden",
        None,
    );
    assert_eq!(record_of(&admin, &e).await.outcome, AuditOutcome::Denied);
    let e = assert_invalid(
        salim
            .review_promotion(&p.id, &review(ReviewDecision::Reject, "  ", 1))
            .await,
        "comment-required",
        "comment",
    );
    assert_eq!(record_of(&admin, &e).await.outcome, AuditOutcome::Error);
    assert_invalid(
        salim
            .review_promotion(&p.id, &review(ReviewDecision::RequestChanges, "", 1))
            .await,
        "comment-required",
        "comment",
    );
    let e = assert_conflict(
        salim
            .review_promotion(&p.id, &review(ReviewDecision::Approve, "ok", 0))
            .await,
        "stale-revision",
    );
    let ApiError::Conflict { revision, .. } = &e else {
        unreachable!()
    };
    assert_eq!(*revision, Some(1));
    // None of the refusals changed the promotion.
    assert_eq!(salim.get_promotion(&p.id).await.unwrap().revision, 1);

    // Salim's approval meets the policy: it merges.
    let merged = salim
        .review_promotion(
            &p.id,
            &review(ReviewDecision::Approve, "Reconnect fix verified on stg.", 1),
        )
        .await
        .unwrap();
    assert_eq!(merged.state, PromotionState::Merged);
    assert!(
        merged.policy.rules.iter().all(|r| r.satisfied),
        "{:?}",
        merged.policy
    );
    assert_eq!(merged.reviews.len(), 1);
    let rv = &merged.reviews[0];
    assert_eq!(
        (rv.actor.as_str(), rv.decision),
        ("salim", ReviewDecision::Approve)
    );
    assert_eq!(rv.teams, ["team-platform"]);
    assert_eq!(rv.comment, "Reconnect fix verified on stg.");
    assert!(merged.revision > 1);
    assert!(!awaiting(&admin).await.contains(&p.id));
    assert_conflict(
        admin
            .review_promotion(
                &p.id,
                &review(ReviewDecision::Approve, "late", merged.revision),
            )
            .await,
        "promotion-not-open",
    );

    // The target goes updating, then running on 2.4.1.
    let card = layla.get_application(UAT, "payment-rail").await.unwrap();
    assert_eq!(card.status, AppStatus::Updating);
    assert_eq!(card.blueprint.version, "2.4.1");
    assert_eq!(card.pending_promotion, None);
    assert!(card.operation_id.is_some());
    let seen = tick_until(
        &sb,
        &mut sim,
        &layla,
        UAT,
        "payment-rail",
        AppStatus::Running,
        20,
    )
    .await;
    assert_eq!(seen, [AppStatus::Updating, AppStatus::Running]);
    let card = layla.get_application(UAT, "payment-rail").await.unwrap();
    assert_eq!(card.last_deploy.version, "2.4.1");
    assert_eq!(card.last_deploy.actor, "layla");
    let history = layla
        .application_history(UAT, "payment-rail")
        .await
        .unwrap();
    assert_eq!(history.deploys[0].version, "2.4.1");
    assert_eq!(history.deploys[0].outcome, DeployOutcome::Succeeded);
    let values = layla
        .application_settings(UAT, "payment-rail")
        .await
        .unwrap();
    assert!(
        values.values_yaml.contains("6000"),
        "stg's values came along: {}",
        values.values_yaml
    );

    // The audit log tells the story.
    let log = audit_log(
        &admin,
        AuditQuery {
            environment: Some(UAT.into()),
            action: Some("promotion".into()),
            ..AuditQuery::default()
        },
    )
    .await;
    let story: Vec<(&str, &str, AuditOutcome)> = log
        .iter()
        .rev()
        .filter(|r| r.at >= p.created_at)
        .map(|r| (r.actor.as_str(), r.action.as_str(), r.outcome))
        .collect();
    assert_eq!(
        story,
        [
            ("layla", "promotion.create", AuditOutcome::Success),
            ("omar", "promotion.create", AuditOutcome::Error),
            ("omar", "promotion.review", AuditOutcome::Denied),
            ("huda", "promotion.review", AuditOutcome::Denied),
            ("layla", "promotion.review", AuditOutcome::Denied),
            ("salim", "promotion.review", AuditOutcome::Error),
            ("salim", "promotion.review", AuditOutcome::Error),
            ("salim", "promotion.review", AuditOutcome::Error),
            ("salim", "promotion.review", AuditOutcome::Success),
            ("catalyst", "promotion.merge", AuditOutcome::Success),
            ("admin", "promotion.review", AuditOutcome::Error),
        ]
    );
    let opened = log.iter().find(|r| r.action == "promotion.create").unwrap();
    assert_eq!(opened.reason.as_deref(), Some("from digital-channels-stg"));
    assert!(is_client_request_id(&opened.request_id));
}

#[tokio::test]
async fn promotions_go_up_within_one_org() {
    let sb = start().await;
    let [layla, huda] = sign_in_all(&sb, ["layla", "huda"]).await;
    for target in [
        "digital-channels-dev",
        STG,
        "core-banking-prod",
        "no-such-env",
    ] {
        assert_invalid(
            layla
                .create_promotion(STG, "payment-rail", &to(target))
                .await,
            "invalid",
            "target_environment",
        );
    }
    assert_restricted(
        huda.create_promotion(STG, "payment-rail", &to(UAT)).await,
        "forbidden",
        Some("org-developer or org-admin of digital-channels"),
    );
    assert_not_found(layla.create_promotion(STG, "no-such-app", &to(UAT)).await);
    assert_not_found(
        layla
            .create_promotion("core-banking-dev", "ledger", &to("core-banking-stg"))
            .await,
    );
    // A target being changed right now cannot take a promotion.
    assert_conflict(
        layla
            .create_promotion(
                "digital-channels-uat",
                "analytics-api",
                &to("digital-channels-prod"),
            )
            .await,
        "operation-in-progress",
    );
    // An Application new to the target arrives as a pending-approval placeholder.
    let p = layla
        .create_promotion("digital-channels-dev", "docs-portal", &to(STG))
        .await;
    // docs-portal is still installing on dev, yet only its target matters here.
    let p = p.unwrap();
    assert_eq!(p.from_version, "none");
    let card = layla.get_application(STG, "docs-portal").await.unwrap();
    assert_eq!(card.status, AppStatus::PendingApproval);
}

#[tokio::test]
async fn requested_changes_hold_the_merge_and_a_rejection_restores_the_target() {
    let sb = start().await;
    let [admin, salim, omar] = sign_in_all(&sb, ["admin", "salim", "omar"]).await;
    let id = "pr-000002";
    let p = salim.get_promotion(id).await.unwrap();
    assert_eq!(
        (p.state, p.created_by.as_str()),
        (PromotionState::Open, "omar")
    );
    assert_eq!(
        salim
            .get_application(STG, "notification-bus")
            .await
            .unwrap()
            .status,
        AppStatus::PendingApproval
    );

    let p = salim
        .review_promotion(
            id,
            &review(
                ReviewDecision::RequestChanges,
                "Set the memory limit first.",
                p.revision,
            ),
        )
        .await
        .unwrap();
    assert_eq!(p.state, PromotionState::Open);
    let pr = rule(&p, RuleKind::PrRequired);
    assert!(!pr.satisfied);
    assert!(
        pr.detail.contains("Changes requested by salim"),
        "{}",
        pr.detail
    );

    // Another approval does not merge while salim's request stands.
    let p = admin
        .review_promotion(
            id,
            &review(ReviewDecision::Approve, "fine by me", p.revision),
        )
        .await
        .unwrap();
    assert_eq!(p.state, PromotionState::Open);
    assert_eq!(rule(&p, RuleKind::PrRequired).extra["approvals"], 1);
    assert!(!rule(&p, RuleKind::PrRequired).satisfied);

    let p = salim
        .review_promotion(
            id,
            &review(ReviewDecision::Reject, "Superseded by 2.3.1.", p.revision),
        )
        .await
        .unwrap();
    assert_eq!(p.state, PromotionState::Rejected);
    assert_eq!(p.reviews.len(), 3);
    let card = omar.get_application(STG, "notification-bus").await.unwrap();
    assert_eq!(card.status, AppStatus::Running);
    assert_eq!(card.pending_promotion, None);
    assert_eq!(card.blueprint.version, "2.2.0");
    assert_conflict(
        admin
            .review_promotion(id, &review(ReviewDecision::Approve, "", p.revision))
            .await,
        "promotion-not-open",
    );
    let listed = omar
        .list_promotions(&PromotionQuery {
            state: Some(PromotionState::Rejected),
            ..PromotionQuery::default()
        })
        .await
        .unwrap();
    let ids: Vec<&str> = listed.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pr-000002", "pr-000004"]);
}

#[tokio::test]
async fn prod_needs_a_second_approver_and_its_change_window() {
    let sb = start().await;
    let [admin, khalid] = sign_in_all(&sb, ["admin", "khalid"]).await;
    let id = "pr-000001";
    let p = admin.get_promotion(id).await.unwrap();
    assert_eq!(p.policy.required_approvals, 2);
    let pr = rule(&p, RuleKind::PrRequired);
    assert_eq!(
        (pr.satisfied, pr.extra["approvals"].as_u64()),
        (false, Some(1))
    );
    assert!(pr.detail.contains("1 more approval"), "{}", pr.detail);
    // Khalid reads everything but reviews nothing.
    assert_restricted(
        khalid
            .review_promotion(id, &review(ReviewDecision::Approve, "", p.revision))
            .await,
        "not-an-approver",
        None,
    );

    let p = admin
        .review_promotion(
            id,
            &review(ReviewDecision::Approve, "Second approval.", p.revision),
        )
        .await
        .unwrap();
    let window_open = rule(&p, RuleKind::ChangeWindow).satisfied;
    assert!(rule(&p, RuleKind::PrRequired).satisfied);
    let card = admin
        .get_application("digital-channels-prod", "marketing-site")
        .await
        .unwrap();
    if window_open {
        assert_eq!(p.state, PromotionState::Merged);
        assert_eq!(card.status, AppStatus::Updating);
        assert_eq!(card.blueprint.version, "1.3.0");
    } else {
        // Approved, but it waits for the window; the policy says when it opens.
        assert_eq!(p.state, PromotionState::Open);
        let w = rule(&p, RuleKind::ChangeWindow);
        assert!(w.extra.contains_key("opens_at"), "{w:?}");
        assert_eq!(card.status, AppStatus::PendingApproval);
        assert_eq!(card.blueprint.version, "1.2.0");
    }
}
