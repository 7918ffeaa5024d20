//! Pure tests of the promotion view through the real update and keymap: the policy
//! explained, the review flow (editor, comment kept on every refusal, stale revisions
//! re-read, prod asking y/n, support mode refused), live re-reads, the next Environment
//! of a promote, and render snapshots (detail with unmet rules, merged, the inbox, the
//! editor).

use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::promote::next_env;
use super::*;
use crate::effect::{Effect, Query};
use crate::model::{Environment, PromotionPolicy, PullRequest, Review, RuleKind, RuleStatus};
use crate::msg::{InboxItems, Msg};
use crate::state::{Input, State, update};
use crate::views::overlays::{Overlay, compose};
use crate::views::{Route, testing};
use crate::widgets::highlight::highlight_diff;

const DIFF: &str = "--- a/digital-channels-uat/payment-rail/values.yaml\n+++ b/digital-channels-uat/payment-rail/values.yaml\n@@ -1,4 +1,4 @@\n blueprint: bp-payment-rail\n-version: 2.4.0\n+version: 2.4.1\n replicas: 3\n-reconnect: false\n+reconnect: true\n";

fn rule(kind: RuleKind, satisfied: bool, detail: &str) -> RuleStatus {
    RuleStatus {
        kind,
        satisfied,
        detail: detail.into(),
        extra: serde_json::Map::new(),
    }
}

fn promotion(target: &str) -> Promotion {
    Promotion {
        id: "pr-uat-42".into(),
        org: "digital-channels".into(),
        application: "payment-rail".into(),
        source_environment: "digital-channels-stg".into(),
        target_environment: target.into(),
        from_version: "2.4.0".into(),
        to_version: "2.4.1".into(),
        state: PromotionState::Open,
        created_by: "layla".into(),
        created_at: testing::now() - TimeDelta::minutes(12),
        pr: PullRequest {
            repo: "digital-channels/digital-channels-uat".into(),
            number: 42,
            url: "https://gitea.example/digital-channels/digital-channels-uat/pulls/42".into(),
        },
        diff: DIFF.into(),
        policy: PromotionPolicy {
            rules: vec![
                rule(
                    RuleKind::PrRequired,
                    false,
                    "Needs 1 more approval from team-platform (0 of 1 so far).",
                ),
                rule(
                    RuleKind::Soak,
                    true,
                    "2.4.1 has soaked on digital-channels-stg for 3d.",
                ),
                rule(RuleKind::ChangeWindow, false, ""),
            ],
            required_approvals: 1,
            approver_teams: vec!["team-platform".into()],
        },
        reviews: Vec::new(),
        revision: 3,
    }
}

fn detail(p: Promotion) -> Data {
    let diff = highlight_diff(&p.diff);
    Data::Promotion(Box::new(PromotionDetail { promotion: p, diff }))
}

/// A state with the promotion view on top, its promotion read.
fn state_on(p: Promotion, size: (u16, u16)) -> State {
    let mut s = testing::state(size.0, size.1);
    s.routes
        .push(Route::Promotion(Box::new(PromotionView::new(&p.id))));
    let effects = with_top(&mut s, |v, cx| v.load(cx));
    answer(&mut s, &effects, Ok(detail(p)));
    s
}

/// Runs `f` on the top view, as update does.
fn with_top<R>(s: &mut State, f: impl FnOnce(&mut dyn View, &mut Cx) -> R) -> R {
    let body = s.body();
    let State {
        routes,
        next_request,
        ..
    } = s;
    let mut cx = Cx {
        now: testing::now(),
        next_request,
        body,
        log_lines: 100,
    };
    let top = routes.len() - 1;
    f(routes[top].view_mut(), &mut cx)
}

fn requests(effects: &[Effect]) -> Vec<(RequestId, Query)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch { request, query } => Some((*request, query.clone())),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, effects: &[Effect], result: Result<Data, ApiError>) -> Vec<Effect> {
    let (request, _) = requests(effects)
        .into_iter()
        .last()
        .unwrap_or_else(|| panic!("nothing was asked: {effects:?}"));
    update(
        s,
        Input::Msg(Msg::Fetched { request, result }),
        testing::now(),
    )
}

fn key(s: &mut State, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(s, Input::Key(KeyEvent::new(code, mods)), testing::now())
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(key(s, KeyCode::Char(c), KeyModifiers::NONE));
    }
    effects
}

fn send(s: &mut State) -> Vec<Effect> {
    key(s, KeyCode::Char('s'), KeyModifiers::CONTROL)
}

fn view(s: &State) -> &PromotionView {
    match s.top() {
        Route::Promotion(v) => v,
        _ => panic!("not the promotion"),
    }
}

fn editor(s: &State) -> &compose::Compose {
    match s.overlays.last() {
        Some(Overlay::Compose(c)) => c,
        other => panic!("no editor: {other:?}"),
    }
}

fn restricted(code: &str, teams: &[&str]) -> ApiError {
    ApiError::Restricted {
        code: code.into(),
        required: None,
        teams: teams.iter().map(|t| t.to_string()).collect(),
        detail: String::new(),
        request_id: None,
    }
}

fn conflict(code: &str) -> ApiError {
    ApiError::Conflict {
        code: code.into(),
        detail: String::new(),
        state: None,
        revision: Some(4),
        dependents: Vec::new(),
        request_id: None,
    }
}

#[test]
fn the_policy_is_explained_rule_by_rule() {
    let mut p = promotion("digital-channels-uat");
    let mut soak = rule(RuleKind::Soak, false, "");
    soak.extra.insert("remaining_seconds".into(), 7500.into());
    p.policy.rules.push(soak);
    let mut window = rule(RuleKind::ChangeWindow, false, "");
    window
        .extra
        .insert("opens_at".into(), "2026-11-22T22:00:00Z".into());
    p.policy.rules[2] = window;
    let lines = policy::explain(&p.policy);
    assert_eq!(lines.len(), 4);
    assert_eq!(
        (lines[0].met, lines[0].label, lines[0].text.as_str()),
        (
            false,
            "Approvals",
            "Needs 1 more approval from team-platform (0 of 1 so far)."
        )
    );
    assert!(lines[1].met);
    assert_eq!(lines[2].text, "the window opens at 2026-11-22T22:00:00Z");
    assert_eq!(lines[3].text, "2h 05m of soak left");
    let mut pr = rule(RuleKind::PrRequired, false, " ");
    pr.extra.insert("more_needed".into(), 2.into());
    p.policy.rules = vec![pr];
    p.policy.approver_teams = vec!["team-platform".into(), "team-security".into()];
    assert_eq!(
        policy::explain(&p.policy)[0].text,
        "2 more approval(s) from team-platform or team-security"
    );
    assert_eq!(
        policy::summary(&p.policy),
        "Policy: 0 of 1 rules met · 1 approval from team-platform or team-security"
    );
}

#[test]
fn approving_sends_the_comment_at_the_revision_and_shows_the_merge() {
    let mut s = state_on(promotion("digital-channels-uat"), (80, 24));
    assert!(typed(&mut s, "a").is_empty());
    assert!(editor(&s).title.contains("Approve promotion #42"));
    typed(&mut s, "Reconnect fix verified.");
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    typed(&mut s, "Ship it");
    let effects = send(&mut s);
    assert!(s.overlays.is_empty());
    assert_eq!(
        requests(&effects)[0].1,
        Query::Review {
            id: "pr-uat-42".into(),
            decision: ReviewDecision::Approve,
            comment: "Reconnect fix verified.\nShip it".into(),
            revision: 3,
        }
    );
    // A second press while it is in flight sends nothing.
    assert!(typed(&mut s, "a").is_empty());
    assert!(s.overlays.is_empty());
    assert_eq!(
        s.notice.as_ref().map(|n| n.text.as_str()),
        Some(words::REVIEW_IN_FLIGHT)
    );
    let mut merged = promotion("digital-channels-uat");
    merged.state = PromotionState::Merged;
    merged.revision = 4;
    merged.reviews.push(Review {
        actor: "salim".into(),
        teams: vec!["team-platform".into()],
        decision: ReviewDecision::Approve,
        comment: "Reconnect fix verified.\nShip it".into(),
        at: testing::now(),
    });
    answer(&mut s, &effects, Ok(detail(merged)));
    let v = view(&s);
    assert_eq!(v.promotion().map(|p| p.state), Some(PromotionState::Merged));
    assert!(v.draft.is_empty(), "the sent comment is not kept");
    assert_eq!(
        v.note.as_ref().map(|n| n.text.clone()),
        Some(words::review_sent(Action::Approve, true))
    );
    // A merged promotion takes no more reviews.
    assert!(typed(&mut s, "x").is_empty());
    assert!(s.overlays.is_empty());
}

#[test]
fn every_refusal_is_explained_and_the_comment_is_kept() {
    let cases: Vec<(ApiError, &str, bool)> = vec![
        (
            restricted("self-approval-forbidden", &[]),
            "you opened this promotion; someone of team-platform must approve",
            false,
        ),
        (
            restricted("not-an-approver", &["team-platform"]),
            "Only members of team-platform may review",
            false,
        ),
        (conflict("stale-revision"), "read again", true),
        (conflict("promotion-not-open"), "no longer open", true),
        (
            ApiError::Invalid {
                code: "comment-required".into(),
                detail: String::new(),
                fields: Vec::new(),
                request_id: None,
            },
            "needs a comment",
            false,
        ),
    ];
    for (error, says, rereads) in cases {
        let mut s = state_on(promotion("digital-channels-uat"), (80, 24));
        typed(&mut s, "a");
        typed(&mut s, "mine");
        let effects = send(&mut s);
        let after = answer(&mut s, &effects, Err(error.clone()));
        let v = view(&s);
        let note = v.note.clone().unwrap();
        assert!(note.error);
        assert!(
            note.text.to_lowercase().contains(&says.to_lowercase()),
            "{error:?}: {}",
            note.text
        );
        assert_eq!(v.draft, "mine", "{error:?} lost the comment");
        let reread = requests(&after).iter().any(|(_, q)| {
            *q == Query::Promotion {
                id: "pr-uat-42".into(),
            }
        });
        assert_eq!(reread, rereads, "{error:?}");
        // The editor opens again with the same text and says what went wrong.
        typed(&mut s, "a");
        assert_eq!(editor(&s).text(), "mine");
        assert_eq!(editor(&s).message.as_deref(), Some(note.text.as_str()));
    }
}

#[test]
fn rejecting_needs_a_comment_before_anything_is_sent() {
    let mut s = state_on(promotion("digital-channels-uat"), (80, 24));
    typed(&mut s, "x");
    assert!(editor(&s).required);
    assert!(send(&mut s).is_empty());
    assert_eq!(
        editor(&s).message,
        Some(words::comment_required(Action::Reject))
    );
    typed(&mut s, "Wrong version");
    let effects = send(&mut s);
    assert!(matches!(
        &requests(&effects)[0].1,
        Query::Review { decision: ReviewDecision::Reject, comment, .. } if comment == "Wrong version"
    ));
    // Esc on a written comment asks before throwing it away.
    let mut s = state_on(promotion("digital-channels-uat"), (80, 24));
    typed(&mut s, "c");
    typed(&mut s, "please bump");
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(editor(&s).discarding);
    typed(&mut s, "n");
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    typed(&mut s, "y");
    assert!(s.overlays.is_empty());
    assert!(view(&s).draft.is_empty());
}

#[test]
fn a_prod_target_asks_after_the_comment() {
    let mut s = state_on(promotion("digital-channels-prod"), (80, 24));
    typed(&mut s, "a");
    typed(&mut s, "ok");
    assert!(send(&mut s).is_empty(), "nothing is sent before the yes");
    assert!(matches!(s.overlays.last(), Some(Overlay::Confirm(_))));
    // Esc: nothing sent, the comment kept.
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(s.overlays.is_empty());
    assert_eq!(view(&s).draft, "ok");
    typed(&mut s, "a");
    let effects = send(&mut s);
    assert!(effects.is_empty());
    // Production: `y` is not a yes; the Application's name typed and Enter is.
    assert!(typed(&mut s, "y").is_empty());
    key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    let name = match s.overlays.last() {
        Some(Overlay::Confirm(c)) => c.typed.clone().unwrap(),
        _ => panic!("no typed question"),
    };
    typed(&mut s, &name);
    let effects = key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(matches!(
        &requests(&effects)[0].1,
        Query::Review { comment, revision: 3, .. } if comment == "ok"
    ));
    assert!(
        s.overlays.is_empty(),
        "answered once: a second Enter sends nothing"
    );
    let again = key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        requests(&again)
            .iter()
            .all(|(_, q)| !matches!(q, Query::Review { .. }))
    );
    assert!(view(&s).sending.is_some(), "the review is in flight");
}

#[test]
fn support_mode_refuses_every_review() {
    let mut s = state_on(promotion("digital-channels-uat"), (80, 24));
    if let Some(me) = s.session.me.as_mut() {
        me.support_agent = true;
    }
    for k in ["a", "c", "x"] {
        assert!(typed(&mut s, k).is_empty());
        assert!(s.overlays.is_empty());
        assert_eq!(
            s.notice.as_ref().map(|n| n.text.as_str()),
            Some(words::SUPPORT_MODE_HIDES)
        );
    }
}

#[test]
fn a_live_update_of_this_promotion_reads_it_again() {
    let mut s = state_on(promotion("digital-channels-uat"), (80, 24));
    let mut next = promotion("digital-channels-uat");
    next.revision = 4;
    let effects = with_top(&mut s, |v, cx| {
        v.on_live(&LiveEvent::PromotionUpdated(Box::new(next.clone())), cx)
    });
    assert_eq!(
        requests(&effects)[0].1,
        Query::Promotion {
            id: "pr-uat-42".into()
        }
    );
    let mut other = next.clone();
    other.id = "pr-other".into();
    let effects = with_top(&mut s, |v, cx| {
        v.on_live(&LiveEvent::PromotionUpdated(Box::new(other)), cx)
    });
    assert!(effects.is_empty());
}

fn env(name: &str) -> Environment {
    let (org, ty) = split_env_name(name).unwrap();
    serde_json::from_value(serde_json::json!({
        "name": name, "org": org, "env_type": ty.as_str(), "topology": "single-region",
        "vcluster": "v", "kube_context": "k", "git_repo": "g",
        "created_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap()
}

#[test]
fn a_promotion_goes_to_the_next_existing_environment() {
    let ladder = vec![
        env("dc-dev"),
        env("dc-stg"),
        env("dc-prod"),
        env("other-uat"),
    ];
    assert_eq!(next_env(&ladder, "dc-dev").as_deref(), Some("dc-stg"));
    assert_eq!(
        next_env(&ladder, "dc-stg").as_deref(),
        Some("dc-prod"),
        "no uat here"
    );
    assert_eq!(next_env(&ladder, "dc-prod"), None);
    assert_eq!(next_env(&ladder, "nonsense"), None);
}

#[test]
fn promote_asks_then_opens_the_new_promotion() {
    let mut s = testing::state(80, 24);
    // Layla develops in "dc" too (promoting needs a developer or admin role there).
    if let Some(me) = s.session.me.as_mut() {
        me.roles.push(crate::model::RoleBinding {
            role: crate::model::RoleName::OrgDeveloper,
            org: Some("dc".into()),
        });
    }
    let effects = crate::state::open_deep(&mut s, crate::views::Target::Env("dc-stg".into()));
    let mut app = crate::views::app::fixtures::application();
    app.name = "payment-rail".into();
    app.environment = "dc-stg".into();
    answer(&mut s, &effects, Ok(Data::Applications(vec![app])));
    let effects = typed(&mut s, "P");
    assert_eq!(
        requests(&effects)[0].1,
        Query::Environments { org: "dc".into() }
    );
    answer(
        &mut s,
        &effects,
        Ok(Data::Environments(vec![env("dc-stg"), env("dc-uat")])),
    );
    let Some(Overlay::Confirm(q)) = s.overlays.last() else {
        panic!("no question: {:?}", s.overlays)
    };
    assert!(
        q.question.contains("from dc-stg to dc-uat"),
        "{}",
        q.question
    );
    let effects = typed(&mut s, "y");
    assert!(matches!(
        &requests(&effects)[0].1,
        Query::Promote { env, app, target } if env == "dc-stg" && app == "payment-rail" && target == "dc-uat"
    ));
    let opened = answer(&mut s, &effects, Ok(detail(promotion("dc-uat"))));
    assert!(matches!(s.top(), Route::Promotion(v) if v.id == "pr-uat-42"));
    assert!(requests(&opened).iter().any(|(_, q)| *q
        == Query::Promotion {
            id: "pr-uat-42".into()
        }));
}

#[test]
fn promoting_into_production_asks_for_the_applications_name() {
    let mut s = testing::state(80, 24);
    if let Some(me) = s.session.me.as_mut() {
        me.roles.push(crate::model::RoleBinding {
            role: crate::model::RoleName::OrgDeveloper,
            org: Some("dc".into()),
        });
    }
    let effects = crate::state::open_deep(&mut s, crate::views::Target::Env("dc-uat".into()));
    let mut app = crate::views::app::fixtures::application();
    app.name = "payment-rail".into();
    app.environment = "dc-uat".into();
    answer(&mut s, &effects, Ok(Data::Applications(vec![app])));
    let effects = typed(&mut s, "P");
    answer(
        &mut s,
        &effects,
        Ok(Data::Environments(vec![env("dc-uat"), env("dc-prod")])),
    );
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Confirm(q)) if q.typed.as_deref() == Some("payment-rail"))
    );
    insta::assert_snapshot!("promote_to_prod_typed", testing::screen(&s, false));
    // `y` and a wrong name do nothing; the exact name and Enter send it once.
    assert!(typed(&mut s, "y").is_empty());
    assert!(key(&mut s, KeyCode::Enter, KeyModifiers::NONE).is_empty());
    key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    typed(&mut s, "payment-rail");
    let effects = key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(matches!(
        &requests(&effects)[0].1,
        Query::Promote { target, .. } if target == "dc-prod"
    ));
    let again = key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        requests(&again)
            .iter()
            .all(|(_, q)| !matches!(q, Query::Promote { .. })),
        "a second Enter sends nothing"
    );
}

#[test]
fn snapshot_detail_with_unmet_rules() {
    for (w, h) in [(80, 24), (120, 40)] {
        let s = state_on(promotion("digital-channels-uat"), (w, h));
        insta::assert_snapshot!(format!("detail_unmet_{w}x{h}"), testing::screen(&s, false));
    }
}

#[test]
fn snapshot_detail_merged() {
    let mut p = promotion("digital-channels-uat");
    p.state = PromotionState::Merged;
    for r in &mut p.policy.rules {
        r.satisfied = true;
    }
    p.policy.rules[0].detail = "Approved by salim of team-platform (1 of 1).".into();
    p.policy.rules[2].detail = "The change window is open.".into();
    p.reviews.push(Review {
        actor: "salim".into(),
        teams: vec!["team-platform".into()],
        decision: ReviewDecision::Approve,
        comment: "Reconnect fix verified on stg.".into(),
        at: testing::now() - TimeDelta::minutes(2),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let s = state_on(p.clone(), (w, h));
        insta::assert_snapshot!(format!("detail_merged_{w}x{h}"), testing::screen(&s, false));
    }
}

#[test]
fn snapshot_editor_after_a_refusal() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_on(promotion("digital-channels-uat"), (w, h));
        typed(&mut s, "a");
        typed(&mut s, "mine");
        let effects = send(&mut s);
        answer(
            &mut s,
            &effects,
            Err(restricted("self-approval-forbidden", &[])),
        );
        typed(&mut s, "a");
        insta::assert_snapshot!(format!("editor_{w}x{h}"), testing::screen(&s, false));
    }
}

#[test]
fn snapshot_inbox() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = testing::state(w, h);
        let effects = crate::state::open_deep(&mut s, crate::views::Target::Inbox);
        let mut second = promotion("digital-channels-prod");
        second.id = "pr-prod-7".into();
        second.source_environment = "digital-channels-uat".into();
        second.created_by = "omar".into();
        answer(
            &mut s,
            &effects,
            Ok(Data::InboxItems(Box::new(InboxItems {
                promotions: vec![promotion("digital-channels-uat"), second],
                access_requests: Vec::new(),
                grants: Vec::new(),
            }))),
        );
        insta::assert_snapshot!(format!("inbox_{w}x{h}"), testing::screen(&s, false));
        // Enter opens the selected promotion.
        let effects = typed(&mut s, "j");
        assert!(effects.is_empty());
        key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
        assert!(matches!(s.top(), Route::Promotion(v) if v.id == "pr-prod-7"));
    }
}
