//! Table tests of rule evaluation against the flow fixture (now = Tuesday 2026-11-24
//! 13:07 UTC).

// Rows of the tables are tuples; naming each shape would hide the table.
#![allow(clippy::type_complexity)]

use chrono::TimeZone;

use super::*;
use crate::model::{PromotionState, PullRequest, Review};
use crate::sandbox::flow::fixture;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 13, 7, 0).unwrap()
}

fn promo(app: &str, source: &str, target: &str, to: &str, reviews: Vec<Review>) -> Promotion {
    Promotion {
        id: "pr-1".into(),
        org: "acme".into(),
        application: app.into(),
        source_environment: source.into(),
        target_environment: target.into(),
        from_version: "1.4.1".into(),
        to_version: to.into(),
        state: PromotionState::Open,
        created_by: "layla".into(),
        created_at: now(),
        pr: PullRequest {
            repo: "r".into(),
            number: 1,
            url: "u".into(),
        },
        diff: String::new(),
        policy: PromotionPolicy {
            rules: vec![],
            required_approvals: 0,
            approver_teams: vec![],
        },
        reviews,
        revision: 1,
    }
}

fn review(actor: &str, teams: &[&str], decision: ReviewDecision) -> Review {
    Review {
        actor: actor.into(),
        teams: teams.iter().map(|t| t.to_string()).collect(),
        decision,
        comment: String::new(),
        at: now(),
    }
}

const PLATFORM: &[&str] = &["team-platform"];
use ReviewDecision::{Approve, RequestChanges};

#[test]
fn pr_required_table() {
    let w = fixture::world(now());
    let rule = |min| PolicyRule::PrRequired {
        approvers: vec!["team-platform".into()],
        min_approvals: min,
    };
    // (reviews, min, satisfied, approvals, more_needed, detail contains)
    let cases: Vec<(Vec<Review>, u32, bool, u64, u64, &str)> = vec![
        (
            vec![],
            2,
            false,
            0,
            2,
            "Needs 2 more approvals from team-platform (0 of 2 so far).",
        ),
        (
            vec![review("sara", PLATFORM, Approve)],
            2,
            false,
            1,
            1,
            "Needs 1 more approval from team-platform (1 of 2 so far).",
        ),
        (
            vec![
                review("sara", PLATFORM, Approve),
                review("omar", PLATFORM, Approve),
            ],
            2,
            true,
            2,
            0,
            "Approved by omar and sara of team-platform (2 of 2).",
        ),
        // The author's approval never counts, whatever their teams.
        (
            vec![review("layla", PLATFORM, Approve)],
            1,
            false,
            0,
            1,
            "Needs 1 more",
        ),
        // Only members of the approver teams count.
        (
            vec![review("dev", &["team-payments"], Approve)],
            1,
            false,
            0,
            1,
            "Needs 1 more",
        ),
        // A reviewer's latest word wins: approval withdrawn by a change request.
        (
            vec![
                review("sara", PLATFORM, Approve),
                review("sara", PLATFORM, RequestChanges),
            ],
            1,
            false,
            0,
            1,
            "Changes requested by sara",
        ),
        // Outstanding change requests block even with enough approvals.
        (
            vec![
                review("sara", PLATFORM, RequestChanges),
                review("omar", PLATFORM, Approve),
            ],
            1,
            false,
            1,
            0,
            "Changes requested by sara: they must approve",
        ),
        (
            vec![
                review("sara", PLATFORM, RequestChanges),
                review("omar", PLATFORM, Approve),
                review("sara", PLATFORM, Approve),
            ],
            2,
            true,
            2,
            0,
            "(2 of 2)",
        ),
        (vec![], 0, true, 0, 0, "No approval is required."),
    ];
    for (i, (reviews, min, satisfied, approvals, more, detail)) in cases.into_iter().enumerate() {
        let p = promo("payment-rail", "acme-stg", "acme-uat", "1.4.2", reviews);
        let s = evaluate_rule(&w, &p, &rule(min), now());
        assert_eq!(s.kind, RuleKind::PrRequired);
        assert_eq!(s.satisfied, satisfied, "case {i}: {}", s.detail);
        assert_eq!(s.extra["approvals"], approvals, "case {i}");
        assert_eq!(s.extra["more_needed"], more, "case {i}");
        assert!(s.detail.contains(detail), "case {i}: {}", s.detail);
    }
}

#[test]
fn soak_table() {
    let w = fixture::world(now());
    let rule = |src: &str, d: &str| PolicyRule::Soak {
        source_environment: src.into(),
        duration: d.into(),
    };
    // stg runs payment-rail 1.4.2 since 30h ago; ledger exists only in stg.
    // (app, to_version, rule, satisfied, remaining_seconds, detail contains)
    let cases: Vec<(&str, &str, PolicyRule, bool, Option<i64>, &str)> = vec![
        (
            "payment-rail",
            "1.4.2",
            rule("stg", "24h"),
            true,
            Some(0),
            "has soaked 1d 6h in acme-stg (24h required)",
        ),
        (
            "payment-rail",
            "1.4.2",
            rule("acme-stg", "48h"),
            false,
            Some(18 * 3600),
            "for 18h more (48h required)",
        ),
        (
            "payment-rail",
            "1.5.0",
            rule("stg", "24h"),
            false,
            Some(24 * 3600),
            "acme-stg runs 1.4.2 of payment-rail, not 1.5.0",
        ),
        (
            "ledger",
            "2.0.0",
            rule("uat", "1h"),
            false,
            Some(3600),
            "ledger is not deployed in acme-uat",
        ),
        (
            "payment-rail",
            "1.4.2",
            rule("stg", "soon"),
            false,
            None,
            "`soon` is not valid",
        ),
    ];
    for (i, (app, to, r, satisfied, remaining, detail)) in cases.into_iter().enumerate() {
        let p = promo(app, "acme-stg", "acme-uat", to, vec![]);
        let s = evaluate_rule(&w, &p, &r, now());
        assert_eq!(s.kind, RuleKind::Soak);
        assert_eq!(s.satisfied, satisfied, "case {i}: {}", s.detail);
        assert_eq!(
            s.extra.get("remaining_seconds").and_then(|v| v.as_i64()),
            remaining,
            "case {i}"
        );
        assert!(s.detail.contains(detail), "case {i}: {}", s.detail);
    }
}

#[test]
fn soak_waits_while_the_source_is_still_updating() {
    let mut w = fixture::world(now());
    let stg = w
        .apps
        .get_mut("acme-stg")
        .unwrap()
        .get_mut("payment-rail")
        .unwrap();
    stg.app.status = crate::model::AppStatus::Updating;
    let p = promo("payment-rail", "acme-stg", "acme-uat", "1.4.2", vec![]);
    let s = evaluate_rule(
        &w,
        &p,
        &PolicyRule::Soak {
            source_environment: "stg".into(),
            duration: "1h".into(),
        },
        now(),
    );
    assert!(!s.satisfied, "{}", s.detail);
}

#[test]
fn change_window_table() {
    let rule = |c: &str, d: &str| PolicyRule::ChangeWindow {
        cron: c.into(),
        duration: d.into(),
    };
    let w = fixture::world(now());
    let p = promo("payment-rail", "acme-uat", "acme-prod", "1.4.1", vec![]);
    let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap();
    // (rule, at, satisfied, open_now, opens_at, detail contains)
    let cases: Vec<(PolicyRule, DateTime<Utc>, bool, bool, Option<&str>, &str)> = vec![
        (
            rule("0 22 * * *", "4h"),
            now(),
            false,
            false,
            Some("2026-11-24T22:00:00Z"),
            "Outside the change window: it opens 2026-11-24 22:00 UTC (in 8h 53m) for 4h.",
        ),
        (
            rule("0 22 * * *", "4h"),
            at(23, 0),
            true,
            true,
            Some("2026-11-24T22:00:00Z"),
            "open until 2026-11-25 02:00 UTC (3h left)",
        ),
        (
            rule("0 22 * * *", "4h"),
            at(22, 0),
            true,
            true,
            Some("2026-11-24T22:00:00Z"),
            "open until",
        ),
        (
            rule("0 9 * * sat,sun", "2h"),
            now(),
            false,
            false,
            Some("2026-11-28T09:00:00Z"),
            "opens 2026-11-28 09:00 UTC (in 3d 19h) for 2h",
        ),
        (
            rule("0 25 * * *", "4h"),
            now(),
            false,
            false,
            None,
            "schedule is not valid: hour field",
        ),
        (
            rule("0 22 * * *", "forever"),
            now(),
            false,
            false,
            None,
            "length `forever` is not valid",
        ),
        (
            rule("0 0 31 2 *", "1h"),
            now(),
            false,
            false,
            None,
            "never opens",
        ),
    ];
    for (i, (r, t, satisfied, open, opens_at, detail)) in cases.into_iter().enumerate() {
        let s = evaluate_rule(&w, &p, &r, t);
        assert_eq!(s.kind, RuleKind::ChangeWindow);
        assert_eq!(s.satisfied, satisfied, "case {i}: {}", s.detail);
        assert_eq!(s.extra["open_now"], open, "case {i}");
        assert_eq!(
            s.extra.get("opens_at").and_then(|v| v.as_str()),
            opens_at,
            "case {i}"
        );
        assert!(s.detail.contains(detail), "case {i}: {}", s.detail);
    }
}

#[test]
fn re_score_gate_table() {
    let w = fixture::world(now());
    let p = promo("payment-rail", "acme-stg", "acme-uat", "1.4.2", vec![]);
    let score = release_score("bp-payment-rail", "1.4.2");
    assert!((60..=100).contains(&score));
    assert_eq!(score, release_score("bp-payment-rail", "1.4.2"), "stable");
    for (min, satisfied, detail) in [
        (score, true, "meeting the gate"),
        (score + 1, false, "below the gate"),
        (0, true, "meeting the gate"),
    ] {
        let s = evaluate_rule(&w, &p, &PolicyRule::ReScoreGate { min_score: min }, now());
        assert_eq!(s.satisfied, satisfied, "min {min}: {}", s.detail);
        assert_eq!(s.extra["score"], score);
        assert!(s.detail.contains(detail), "{}", s.detail);
    }
}

#[test]
fn unknown_rules_are_never_met() {
    let w = fixture::world(now());
    let p = promo("payment-rail", "acme-stg", "acme-uat", "1.4.2", vec![]);
    let s = evaluate_rule(&w, &p, &PolicyRule::Unknown, now());
    assert!(!s.satisfied);
    assert_eq!(s.kind, RuleKind::Unknown);
}

#[test]
fn whole_policy_of_prod() {
    let w = fixture::world(now());
    let p = promo("payment-rail", "acme-uat", "acme-prod", "1.4.1", vec![]);
    let pol = evaluate(&w, &p, now());
    let kinds: Vec<RuleKind> = pol.rules.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        vec![
            RuleKind::PrRequired,
            RuleKind::Soak,
            RuleKind::ChangeWindow,
            RuleKind::ReScoreGate
        ]
    );
    assert_eq!(pol.required_approvals, 2);
    assert_eq!(pol.approver_teams, vec!["team-platform", "team-sre"]);
    // uat has run 1.4.1 for 5 days: the 48h soak is met; approvals and window are not.
    let met: Vec<bool> = pol.rules.iter().map(|r| r.satisfied).collect();
    assert_eq!(met, vec![false, true, false, true]);
    assert!(!all_satisfied(&pol));
    // An Environment without rules stands in nobody's way.
    let dev = promo("payment-rail", "acme-stg", "acme-dev", "1.4.2", vec![]);
    assert!(all_satisfied(&evaluate(&w, &dev, now())));
}

#[test]
fn durations_parse_and_print() {
    let cases: &[(&str, Option<i64>)] = &[
        ("24h", Some(86_400)),
        ("30m", Some(1_800)),
        ("1h30m", Some(5_400)),
        ("90s", Some(90)),
        ("2d", Some(172_800)),
        ("1w", Some(604_800)),
        ("", None),
        ("h", None),
        ("10", None),
        ("5y", None),
        ("-1h", None),
    ];
    for (text, secs) in cases {
        assert_eq!(
            parse_duration(text).map(|d| d.num_seconds()),
            *secs,
            "{text:?}"
        );
    }
    let printed: &[(i64, &str)] = &[
        (0, "0s"),
        (45, "45s"),
        (60, "1m"),
        (3_600, "1h"),
        (11_520, "3h 12m"),
        (86_400, "1d"),
        (187_200, "2d 4h"),
        (-5, "0s"),
    ];
    for (secs, text) in printed {
        assert_eq!(human_duration(*secs), *text);
    }
}
