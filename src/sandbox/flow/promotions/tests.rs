//! Promotion rules against the flow fixture: creation checks, the order of review
//! checks, merge when every rule is met, rejection restoring the target.

// Rows of the tables are tuples; naming each shape would hide the table.
#![allow(clippy::type_complexity)]

use chrono::{Duration, TimeZone};

use super::*;
use crate::sandbox::events::{EventFilter, Replay};
use crate::sandbox::flow::fixture;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 13, 7, 0).unwrap()
}

struct T {
    w: World,
    bus: EventBus,
}

impl T {
    fn new() -> Self {
        Self {
            w: fixture::world(now()),
            bus: EventBus::default(),
        }
    }
    fn who(&self, p: &str) -> Caller {
        fixture::caller(&self.w, p).unwrap()
    }
    fn promote(
        &mut self,
        who: &str,
        env: &str,
        app: &str,
        target: &str,
    ) -> Result<Promotion, ApiError> {
        let c = self.who(who);
        let req = CreatePromotion {
            target_environment: target.into(),
        };
        self.w
            .create_promotion(&self.bus, &c, env, app, &req, now())
    }
    fn review(
        &mut self,
        who: &str,
        id: &str,
        decision: ReviewDecision,
        comment: &str,
        revision: u64,
    ) -> Result<Promotion, ApiError> {
        let c = self.who(who);
        let req = CreateReview {
            decision,
            comment: comment.into(),
            revision,
        };
        self.w.review_promotion(&self.bus, &c, id, &req, now())
    }
    fn app(&self, env: &str, app: &str) -> &Application {
        &self.w.apps[env][app].app
    }
    fn kinds(&self) -> Vec<String> {
        match self.bus.replay(&EventFilter::default(), 0) {
            Replay::Frames(f) => f.iter().map(|f| f.kind.clone()).collect(),
            Replay::Reset { .. } => vec![],
        }
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ApiError>) -> (u16, String) {
    let e = r.unwrap_err();
    (e.status.as_u16(), e.body.error.clone())
}

#[test]
fn opening_a_promotion_marks_the_target_pending() {
    let mut t = T::new();
    let p = t
        .promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    assert_eq!(p.state, PromotionState::Open);
    assert_eq!(
        (p.from_version.as_str(), p.to_version.as_str()),
        ("1.4.1", "1.4.2")
    );
    assert_eq!(p.created_by, "layla");
    assert_eq!(p.pr.number, 1);
    assert_eq!(p.pr.url, "https://gitea.acme.example/acme/acme-uat/pulls/1");
    assert!(
        p.diff.contains("--- a/acme-uat/payment-rail/values.yaml"),
        "{}",
        p.diff
    );
    assert!(p.diff.contains("-version: 1.4.1"), "{}", p.diff);
    assert!(p.diff.contains("+version: 1.4.2"), "{}", p.diff);
    assert_eq!(p.policy.required_approvals, 2);
    assert_eq!(p.policy.approver_teams, vec!["team-platform"]);
    let target = t.app("acme-uat", "payment-rail");
    assert_eq!(target.status, AppStatus::PendingApproval);
    assert_eq!(target.pending_promotion.as_ref().unwrap().id, p.id);
    assert_eq!(target.revision, 2);
    let kinds = t.kinds();
    assert!(
        kinds.contains(&"application.updated".to_string()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"promotion.updated".to_string()),
        "{kinds:?}"
    );
    let audit = t.w.audit.last().unwrap();
    assert_eq!(
        (audit.action.as_str(), audit.target.as_str(), audit.outcome),
        (
            "promotion.create",
            "acme-uat/payment-rail",
            AuditOutcome::Success
        )
    );
    // The next pull request on the same repository gets the next number.
    let q = t
        .promote("layla", "acme-stg", "ledger", "acme-uat")
        .unwrap();
    assert_eq!(q.pr.number, 2);
}

#[test]
fn opening_checks() {
    let mut t = T::new();
    t.promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    let cases: &[(&str, &str, &str, &str, (u16, &str))] = &[
        (
            "sue",
            "acme-stg",
            "payment-rail",
            "acme-prod",
            (403, "support-mode-read-only"),
        ),
        (
            "vic",
            "acme-stg",
            "payment-rail",
            "acme-prod",
            (403, "forbidden"),
        ),
        (
            "zed",
            "acme-stg",
            "payment-rail",
            "acme-prod",
            (404, "not-found"),
        ),
        (
            "layla",
            "acme-nope",
            "payment-rail",
            "acme-prod",
            (404, "not-found"),
        ),
        ("layla", "acme-stg", "nope", "acme-prod", (404, "not-found")),
        (
            "layla",
            "acme-stg",
            "payment-rail",
            "acme-stg",
            (422, "invalid"),
        ),
        (
            "layla",
            "acme-stg",
            "payment-rail",
            "acme-dev",
            (422, "invalid"),
        ),
        (
            "layla",
            "acme-stg",
            "payment-rail",
            "globex-prod",
            (422, "invalid"),
        ),
        (
            "layla",
            "acme-stg",
            "payment-rail",
            "acme-uat",
            (409, "promotion-already-open"),
        ),
        (
            "omar",
            "acme-dev",
            "payment-rail",
            "acme-uat",
            (409, "promotion-already-open"),
        ),
    ];
    for (who, env, app, target, want) in cases {
        let got = code(t.promote(who, env, app, target));
        assert_eq!(
            (got.0, got.1.as_str()),
            *want,
            "{who} {env}/{app} → {target}"
        );
    }
    // A denied attempt is audited as denied.
    let denied =
        t.w.audit
            .iter()
            .filter(|a| a.outcome == AuditOutcome::Denied)
            .count();
    assert_eq!(denied, 2);
}

#[test]
fn review_checks_come_in_the_contract_order() {
    let mut t = T::new();
    let p = t
        .promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    let id = p.id.as_str();
    use ReviewDecision::*;
    let cases: &[(&str, ReviewDecision, &str, u64, (u16, &str))] = &[
        // Support first, whatever else is wrong.
        ("sue", Reject, "", 0, (403, "support-mode-read-only")),
        // Stale revision before a missing comment.
        ("sara", Reject, "", 0, (409, "stale-revision")),
        // Missing comment before the author check.
        ("layla", RequestChanges, " ", 1, (422, "comment-required")),
        ("sara", Reject, "", 1, (422, "comment-required")),
        // The author is refused even though they are in the approver team.
        ("layla", Approve, "", 1, (403, "self-approval-forbidden")),
        ("dev", Approve, "", 1, (403, "not-an-approver")),
        ("zed", Approve, "", 1, (404, "not-found")),
    ];
    for (who, decision, comment, rev, want) in cases {
        let got = code(t.review(who, id, *decision, comment, *rev));
        assert_eq!((got.0, got.1.as_str()), *want, "{who} {decision}");
    }
    let e = t.review("dev", id, Approve, "", 1).unwrap_err();
    assert_eq!(e.body.teams, vec!["team-platform"]);
    assert!(e.body.detail.contains("team-platform"), "{}", e.body.detail);
    let stale = t.review("sara", id, Approve, "", 7).unwrap_err();
    assert_eq!(stale.body.revision, Some(1));
    // Nothing above changed the promotion.
    assert_eq!(t.w.promotions[id].revision, 1);
    assert!(t.w.promotions[id].reviews.is_empty());

    // Once closed, "not open" comes before the revision check.
    t.review("sara", id, Reject, "wrong values", 1).unwrap();
    let got = code(t.review("omar", id, Approve, "", 1));
    assert_eq!((got.0, got.1.as_str()), (409, "promotion-not-open"));
    let got = code(t.review("sue", id, Approve, "", 1));
    assert_eq!(got.1, "support-mode-read-only");
}

#[test]
fn approvals_merge_when_every_rule_is_met() {
    let mut t = T::new();
    let p = t
        .promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    let id = p.id.clone();
    let after_one = t
        .review("sara", &id, ReviewDecision::Approve, "", 1)
        .unwrap();
    assert_eq!(after_one.state, PromotionState::Open);
    assert_eq!(after_one.revision, 2);
    assert_eq!(after_one.reviews[0].teams, vec!["team-platform"]);
    assert!(after_one.policy.rules[0].detail.contains("1 more approval"));
    assert_eq!(
        t.app("acme-uat", "payment-rail").status,
        AppStatus::PendingApproval
    );

    let merged = t
        .review("omar", &id, ReviewDecision::Approve, "ship it", 2)
        .unwrap();
    assert_eq!(merged.state, PromotionState::Merged);
    let target = t.app("acme-uat", "payment-rail");
    assert_eq!(target.status, AppStatus::Updating);
    assert_eq!(target.blueprint.version, "1.4.2");
    assert!(target.pending_promotion.is_none());
    let op = target.operation_id.clone().unwrap();
    assert_eq!(t.w.operations[&op].kind, "update");
    let last = t.w.apps["acme-uat"]["payment-rail"].history.last().unwrap();
    assert_eq!(
        (last.outcome, last.actor.as_str()),
        (DeployOutcome::InProgress, "layla")
    );
    assert_eq!(
        t.w.apps["acme-uat"]["payment-rail"].values["image"]["tag"],
        "1.4.2"
    );
    let actions: Vec<&str> = t.w.audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "promotion.create",
            "promotion.review",
            "promotion.review",
            "promotion.merge"
        ]
    );
}

#[test]
fn change_requests_block_and_rejection_restores_the_target() {
    let mut t = T::new();
    let p = t
        .promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    let id = p.id.clone();
    t.review(
        "sara",
        &id,
        ReviewDecision::RequestChanges,
        "bump the timeout",
        1,
    )
    .unwrap();
    let p = t
        .review("omar", &id, ReviewDecision::Approve, "", 2)
        .unwrap();
    assert_eq!(
        p.state,
        PromotionState::Open,
        "sara's change request blocks"
    );
    let p = t
        .review("sara", &id, ReviewDecision::Reject, "superseded", 3)
        .unwrap();
    assert_eq!(p.state, PromotionState::Rejected);
    let target = t.app("acme-uat", "payment-rail");
    assert_eq!(target.status, AppStatus::Running);
    assert_eq!(target.blueprint.version, "1.4.1");
    assert!(target.pending_promotion.is_none());
}

#[test]
fn promoting_an_absent_application_installs_a_placeholder() {
    let mut t = T::new();
    let p = t
        .promote("layla", "acme-stg", "ledger", "acme-uat")
        .unwrap();
    assert_eq!(p.from_version, NOT_INSTALLED);
    assert!(p.diff.contains("+version: 2.0.0"), "{}", p.diff);
    let placeholder = t.app("acme-uat", "ledger");
    assert_eq!(placeholder.status, AppStatus::PendingApproval);
    assert_eq!(placeholder.environment, "acme-uat");
    assert_eq!(placeholder.pods.total, 0);
    t.review("sara", &p.id, ReviewDecision::Reject, "not yet", 1)
        .unwrap();
    assert!(!t.w.apps["acme-uat"].contains_key("ledger"));
    assert!(t.kinds().contains(&"application.removed".to_string()));
}

#[test]
fn an_environment_without_rules_merges_at_once() {
    let mut t = T::new();
    t.w.environments
        .get_mut("acme-stg")
        .unwrap()
        .policy
        .rules
        .clear();
    let p = t
        .promote("layla", "acme-dev", "payment-rail", "acme-stg")
        .unwrap();
    assert_eq!(p.state, PromotionState::Merged);
    assert_eq!(
        t.app("acme-stg", "payment-rail").status,
        AppStatus::Updating
    );
}

#[test]
fn settling_merges_once_time_meets_the_policy() {
    let mut t = T::new();
    // stg has run 1.4.2 for 30h; make uat's soak 32h so it is 2h short.
    let uat = t.w.environments.get_mut("acme-uat").unwrap();
    uat.policy.rules[1] = PolicyRule::Soak {
        source_environment: "stg".into(),
        duration: "32h".into(),
    };
    let p = t
        .promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    t.review("sara", &p.id, ReviewDecision::Approve, "", 1)
        .unwrap();
    let p = t
        .review("omar", &p.id, ReviewDecision::Approve, "", 2)
        .unwrap();
    assert_eq!(p.state, PromotionState::Open);
    assert!(
        p.policy.rules[1].detail.contains("2h more"),
        "{}",
        p.policy.rules[1].detail
    );
    let events = t.bus.last_id();
    assert!(
        t.w.settle_promotions(&t.bus, now() + Duration::hours(1))
            .is_empty()
    );
    assert_eq!(t.bus.last_id(), events, "nothing moved, nothing published");
    let merged = t.w.settle_promotions(&t.bus, now() + Duration::hours(2));
    assert_eq!(merged, vec![p.id.clone()]);
    assert_eq!(t.w.promotions[&p.id].state, PromotionState::Merged);
}

#[test]
fn listing_filters_and_pages() {
    let mut t = T::new();
    let a = t
        .promote("layla", "acme-stg", "payment-rail", "acme-uat")
        .unwrap();
    let b = t
        .promote("layla", "acme-stg", "ledger", "acme-uat")
        .unwrap();
    t.review("sara", &b.id, ReviewDecision::Reject, "no", 1)
        .unwrap();
    let list = |t: &T, who: &str, q: PromotionQuery| {
        let c = t.who(who);
        t.w.list_promotions(&c, &q, now())
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.id)
            .collect::<Vec<_>>()
    };
    let all = PromotionQuery::default();
    assert_eq!(
        list(&t, "sara", all.clone()),
        vec![b.id.clone(), a.id.clone()]
    );
    let open = PromotionQuery {
        state: Some(PromotionState::Open),
        ..all.clone()
    };
    assert_eq!(list(&t, "sara", open), vec![a.id.clone()]);
    let mine = PromotionQuery {
        awaiting_me: Some(true),
        ..all.clone()
    };
    assert_eq!(list(&t, "sara", mine.clone()), vec![a.id.clone()]);
    assert!(
        list(&t, "layla", mine.clone()).is_empty(),
        "authors do not review"
    );
    assert!(list(&t, "dev", mine.clone()).is_empty(), "not an approver");
    t.review("sara", &a.id, ReviewDecision::Approve, "", 1)
        .unwrap();
    assert!(list(&t, "sara", mine).is_empty(), "already approved");
    assert!(list(&t, "zed", all.clone()).is_empty(), "another Org");

    let c = t.who("sara");
    let first =
        t.w.list_promotions(
            &c,
            &PromotionQuery {
                limit: Some(1),
                ..all.clone()
            },
            now(),
        )
        .unwrap();
    assert_eq!(first.items.len(), 1);
    let cursor = first.next_cursor.clone().unwrap();
    let second =
        t.w.list_promotions(
            &c,
            &PromotionQuery {
                limit: Some(1),
                cursor: Some(cursor),
                ..all.clone()
            },
            now(),
        )
        .unwrap();
    assert_eq!(second.items[0].id, a.id);
    assert_eq!(second.next_cursor, None);
    let zed = t.who("zed");
    let denied = t.w.list_promotions(
        &zed,
        &PromotionQuery {
            org: Some("acme".into()),
            ..all
        },
        now(),
    );
    assert_eq!(code(denied).0, 403);
}
