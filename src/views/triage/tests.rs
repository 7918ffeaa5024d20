//! Pure tests of the triage view through the real update and keymap: it is one read,
//! reached from the home with `T`; each key leads from the selected problem to its card,
//! operation log, history, promotion, provisioning run, kube session or the inbox, and
//! says so when there is none; grouping keeps the selection; the filter narrows; live
//! events re-read once per burst; a late answer keeps the selected problem. Snapshots at
//! 80×24 and 120×40, flat and grouped, empty and failed.

use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::follow::LiveMsg;
use crate::effect::{Effect, Query};
use crate::model::{AccessLevel, AccessRequest, AccessState, Severity};
use crate::msg::Msg;
use crate::state::{Input, State, update};
use crate::views::{Route, Target, testing};

#[allow(clippy::too_many_arguments)]
fn item(
    kind: TriageKind,
    severity: Severity,
    minutes_ago: i64,
    org: Option<&str>,
    env: Option<&str>,
    target: &str,
    why: &str,
) -> TriageItem {
    TriageItem {
        kind,
        severity,
        since: testing::now() - TimeDelta::minutes(minutes_ago),
        org: org.map(str::to_string),
        environment: env.map(str::to_string),
        target: target.into(),
        why: why.into(),
        application: None,
        operation_id: None,
        deployment_id: None,
        promotion_id: None,
        access_request_id: None,
    }
}

/// A world on fire, in the server's order (worst, then oldest, first).
fn items() -> Vec<TriageItem> {
    let mut run = item(
        TriageKind::ProvisioningFailed,
        Severity::Critical,
        60 * 24 * 30,
        None,
        None,
        "staging.bankdhofar.omani.works",
        "tofu apply: quota exceeded for server type cx52 in fsn1",
    );
    run.deployment_id = Some("d7f3a1b2c3d4e5f6".into());
    let mut failed = item(
        TriageKind::ApplicationFailed,
        Severity::Critical,
        90,
        Some("analytics"),
        Some("analytics-prod"),
        "etl-runner",
        "CrashLoopBackOff: connection refused to warehouse-db:5432",
    );
    failed.application = Some("etl-runner".into());
    let mut degraded = item(
        TriageKind::ApplicationDegraded,
        Severity::Warning,
        240,
        Some("digital-channels"),
        Some("digital-channels-stg"),
        "notification-bus",
        "2/3 pods ready; one pod restarting (OOMKilled)",
    );
    degraded.application = Some("notification-bus".into());
    let mut stuck = item(
        TriageKind::OperationStuck,
        Severity::Warning,
        45,
        Some("digital-channels"),
        Some("digital-channels-dev"),
        "docs-portal",
        "installing for 45 min (more than 30 min), at 60% helm upgrade",
    );
    stuck.application = Some("docs-portal".into());
    stuck.operation_id = Some("op-000042".into());
    let mut promo = item(
        TriageKind::PromotionWaiting,
        Severity::Info,
        60 * 48,
        Some("digital-channels"),
        Some("digital-channels-prod"),
        "marketing-site",
        "promotion digital-channels-stg → digital-channels-prod open for 2 d (1 of 2 approvals)",
    );
    promo.application = Some("marketing-site".into());
    promo.promotion_id = Some("pr-000001".into());
    let mut access = item(
        TriageKind::AccessPending,
        Severity::Info,
        10,
        Some("digital-channels"),
        Some("digital-channels-stg"),
        "layla",
        "layla asks debug access for 60 min: Investigate payment-rail Redis timeouts",
    );
    access.access_request_id = Some("ar-000001".into());
    vec![run, failed, degraded, stuck, promo, access]
}

fn fetches(effects: &[Effect]) -> Vec<(RequestId, Query)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch { request, query } => Some((*request, query.clone())),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, request: RequestId, result: Result<Data, ApiError>) -> Vec<Effect> {
    update(
        s,
        Input::Msg(Msg::Fetched { request, result }),
        testing::now(),
    )
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(
        s,
        Input::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        testing::now(),
    )
}

fn press(s: &mut State, c: char) -> Vec<Effect> {
    key(s, KeyCode::Char(c))
}

/// Triage on top, read with `items`.
fn triage(size: (u16, u16), items: Vec<TriageItem>) -> State {
    let mut s = testing::state(size.0, size.1);
    let effects = crate::state::open_deep(&mut s, Target::Triage);
    let (request, query) = fetches(&effects).pop().expect("triage is read");
    assert_eq!(query, Query::Triage { stuck_after: None });
    answer(&mut s, request, Ok(Data::Triage(items)));
    s
}

fn view(s: &State) -> &TriageView {
    match s.top() {
        Route::Triage(v) => v,
        other => panic!("not triage: {:?}", other.view().title()),
    }
}

fn said(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

/// The target the top view is, after a key (then Back to triage).
fn opened(s: &mut State, c: char) -> String {
    let before = s.routes.len();
    press(s, c);
    if s.routes.len() == before {
        return format!("said: {}", said(s));
    }
    let title = s.top().view().title();
    key(s, KeyCode::Esc);
    assert_eq!(s.routes.len(), before, "back to triage");
    title
}

#[test]
fn home_t_opens_triage_with_one_read() {
    let mut s = testing::state(100, 30);
    let effects = press(&mut s, 'T');
    assert!(matches!(s.top(), Route::Triage(_)));
    let reads: Vec<Query> = fetches(&effects).into_iter().map(|(_, q)| q).collect();
    assert_eq!(reads, vec![Query::Triage { stuck_after: None }]);
}

#[test]
fn each_key_opens_what_fixes_the_selected_problem() {
    let mut s = triage((120, 40), items());
    // The failed run: Enter and d open it; no Application to open.
    assert_eq!(
        view(&s).selected().map(|i| i.kind),
        Some(TriageKind::ProvisioningFailed)
    );
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.top(), Route::Deployment(_)));
    key(&mut s, KeyCode::Esc);
    assert!(matches!(s.top(), Route::Triage(_)));
    let c = opened(&mut s, 'c');
    assert!(
        c.starts_with("said: staging.bankdhofar.omani.works has no"),
        "{c}"
    );
    assert!(opened(&mut s, 'K').starts_with("said:"));

    // The failed Application: its card, its history tab, kube; no operation log.
    press(&mut s, 'j');
    key(&mut s, KeyCode::Enter);
    match s.top() {
        Route::App(a) => assert_eq!(
            (a.env.as_str(), a.app.as_str()),
            ("analytics-prod", "etl-runner")
        ),
        _ => panic!("not the card"),
    }
    key(&mut s, KeyCode::Esc);
    press(&mut s, 'H');
    match s.top() {
        Route::App(a) => assert_eq!(a.tab, DetailTab::History),
        _ => panic!("not the history"),
    }
    key(&mut s, KeyCode::Esc);
    assert_eq!(
        opened(&mut s, 'L'),
        format!(
            "said: {}",
            words::triage_none(&items()[1], words::TRIAGE_NO_OPERATION)
        )
    );
    press(&mut s, 'K');
    assert!(matches!(s.top(), Route::Kube(_)));
    key(&mut s, KeyCode::Esc);

    // The stuck install: its operation log.
    press(&mut s, 'j');
    press(&mut s, 'j');
    press(&mut s, 'L');
    assert!(matches!(s.top(), Route::Logs(_)), "the operation log");
    key(&mut s, KeyCode::Esc);

    // The waiting promotion: Enter and p open it; c its card.
    press(&mut s, 'j');
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.top(), Route::Promotion(_)));
    key(&mut s, KeyCode::Esc);
    press(&mut s, 'p');
    assert!(matches!(s.top(), Route::Promotion(_)));
    key(&mut s, KeyCode::Esc);
    press(&mut s, 'c');
    assert!(matches!(s.top(), Route::App(_)));
    key(&mut s, KeyCode::Esc);

    // The access request: Enter and i lead to the inbox.
    press(&mut s, 'j');
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.top(), Route::Inbox(_)));
    key(&mut s, KeyCode::Esc);
    assert!(opened(&mut s, 'd').starts_with("said: layla has no provisioning run"));
    assert_eq!(view(&s).copy_text().as_deref(), Some("ar-000001"));
}

#[test]
fn grouping_keeps_the_selection_and_the_filter_narrows() {
    let mut s = triage((120, 40), items());
    press(&mut s, 'j'); // etl-runner
    press(&mut s, 'o');
    let v = view(&s);
    assert!(v.grouped);
    assert_eq!(v.selected().map(|i| i.target.as_str()), Some("etl-runner"));
    assert!(matches!(
        v.lines()[0],
        Line::Group(TriageKind::ApplicationFailed, 1)
    ));
    assert_eq!(
        v.lines()
            .iter()
            .filter(|l| matches!(l, Line::Group(..)))
            .count(),
        6
    );
    press(&mut s, 'o');
    assert!(!view(&s).grouped);
    assert_eq!(
        view(&s).selected().map(|i| i.target.as_str()),
        Some("etl-runner")
    );

    press(&mut s, '/');
    for c in "digital".chars() {
        press(&mut s, c);
    }
    key(&mut s, KeyCode::Enter);
    let v = view(&s);
    assert_eq!(v.shown().len(), 4);
    assert_eq!(
        v.selected().map(|i| i.target.as_str()),
        Some("notification-bus")
    );
}

#[test]
fn live_events_read_again_once_per_burst_and_keep_the_selection() {
    let mut s = triage((120, 40), items());
    press(&mut s, 'j');
    press(&mut s, 'j'); // notification-bus
    let event = |id| {
        Input::Msg(Msg::Live(LiveMsg::Event {
            id: Some(id),
            event: LiveEvent::AccessUpdated(Box::new(AccessRequest {
                id: "ar-9".into(),
                environment: "digital-channels-dev".into(),
                requester: "omar".into(),
                access: AccessLevel::View,
                reason: "lag".into(),
                duration_minutes: 30,
                state: AccessState::Pending,
                requested_at: testing::now(),
                granted_at: None,
                expires_at: None,
                decided_by: None,
                decision_comment: None,
            })),
        }))
    };
    let first = update(&mut s, event(1), testing::now());
    let second = update(&mut s, event(2), testing::now());
    let timers = |e: &[Effect]| {
        e.iter()
            .filter(|e| matches!(e, Effect::After { msg, .. } if **msg == Msg::RefreshTriage))
            .count()
    };
    assert_eq!(timers(&first), 1);
    assert_eq!(timers(&second), 0, "a burst costs one read");
    let effects = update(&mut s, Input::Msg(Msg::RefreshTriage), testing::now());
    let [(request, query)] = fetches(&effects).try_into().expect("one read");
    assert_eq!(query, Query::Triage { stuck_after: None });
    // The answer lost the failed run: the selection stays on notification-bus.
    let fewer: Vec<TriageItem> = items().into_iter().skip(1).collect();
    answer(&mut s, request, Ok(Data::Triage(fewer)));
    assert_eq!(
        view(&s).selected().map(|i| i.target.as_str()),
        Some("notification-bus")
    );
}

#[test]
fn deep_link_opens_triage() {
    assert_eq!(Target::parse_link("triage"), Ok(Target::Triage));
}

#[test]
fn snapshot_triage() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = triage((w, h), items());
        press(&mut s, 'j');
        insta::assert_snapshot!(format!("triage_flat_{w}x{h}"), testing::screen(&s, false));
        press(&mut s, 'o');
        insta::assert_snapshot!(
            format!("triage_grouped_{w}x{h}"),
            testing::screen(&s, false)
        );
        let s = triage((w, h), Vec::new());
        insta::assert_snapshot!(format!("triage_empty_{w}x{h}"), testing::screen(&s, false));
    }
    let mut s = testing::state(80, 24);
    let effects = crate::state::open_deep(&mut s, Target::Triage);
    let (request, _) = fetches(&effects).pop().expect("triage is read");
    answer(
        &mut s,
        request,
        Err(ApiError::Restricted {
            code: "forbidden".into(),
            required: Some("org-viewer".into()),
            teams: Vec::new(),
            detail: "no role".into(),
            request_id: Some("req-1".into()),
        }),
    );
    insta::assert_snapshot!("triage_restricted_80x24", testing::screen(&s, true));
}

#[test]
fn only_application_events_that_change_the_list_read_it_again() {
    use crate::model::AppStatus;
    let mut s = triage((120, 40), items());
    let send = |s: &mut State, app: crate::model::Application| {
        let effects = update(
            s,
            Input::Msg(Msg::Live(LiveMsg::Event {
                id: Some(1),
                event: LiveEvent::ApplicationUpdated(Box::new(app)),
            })),
            testing::now(),
        );
        let armed = effects
            .iter()
            .any(|e| matches!(e, Effect::After { msg, .. } if **msg == Msg::RefreshTriage));
        if armed {
            // Let the debounce end so the next event is judged afresh.
            update(s, Input::Msg(Msg::RefreshTriage), testing::now());
        }
        armed
    };
    let mut app = crate::views::app::fixtures::application();
    // A running Application not listed: nothing to do.
    assert!(!send(&mut s, app.clone()));
    // An install progressing, not listed: nothing either (stuck is found by a read).
    app.status = AppStatus::Installing;
    assert!(!send(&mut s, app.clone()));
    // It failed: read again.
    app.status = AppStatus::Failed;
    assert!(send(&mut s, app.clone()));
    // A listed one, still degraded: nothing; recovered: read again.
    app.name = "notification-bus".into();
    app.environment = "digital-channels-stg".into();
    app.status = AppStatus::Degraded;
    assert!(!send(&mut s, app.clone()));
    app.status = AppStatus::Running;
    assert!(send(&mut s, app));
}

#[test]
fn snapshot_triage_loading_and_rate_limited() {
    let mut s = testing::state(80, 24);
    let effects = crate::state::open_deep(&mut s, Target::Triage);
    insta::assert_snapshot!("triage_loading_80x24", testing::screen(&s, false));
    let (request, _) = fetches(&effects).pop().expect("triage is read");
    answer(
        &mut s,
        request,
        Err(ApiError::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(12)),
            detail: "slow down".into(),
            request_id: Some("req-2".into()),
        }),
    );
    insta::assert_snapshot!("triage_rate_limited_80x24", testing::screen(&s, false));
}
