//! Pure update tests: actions and messages in, state and effects out. No I/O, fixed clock.
//! Snapshots of the chrome, the home and Organization views and the overlays, at 80×24
//! and 120×40, in every async state.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::load::{Load, Problem};
use super::*;
use crate::api::ApiError;
use crate::api::follow::LiveMsg;
use crate::api::sse::StreamStatus;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Counts, EnvType, Environment, Org, Topology};
use crate::msg::{Data, Inbox, Msg, SignInMsg};
use crate::views::testing::{now, screen, state};
use crate::views::{Route, Scope};

fn key(spec: &str) -> Input {
    let k: crate::keymap::Key = spec.parse().unwrap();
    Input::Key(k.to_event())
}

fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for k in crate::app::headless::parse_keys(keys).unwrap() {
        effects.extend(update(s, Input::Key(k.to_event()), now()));
    }
    effects
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

fn org(name: &str, counts: Counts) -> Org {
    Org {
        name: name.into(),
        display_name: name.into(),
        kind: "corporate".into(),
        environments: vec![format!("{name}-dev"), format!("{name}-prod")],
        counts,
    }
}

fn orgs() -> Vec<Org> {
    vec![
        org(
            "digital-channels",
            Counts {
                applications: 30,
                running: 25,
                degraded: 1,
                failed: 0,
                pending_approval: 2,
                installing: 2,
            },
        ),
        org(
            "retail-banking",
            Counts {
                applications: 12,
                running: 12,
                ..Counts::default()
            },
        ),
        org(
            "treasury",
            Counts {
                applications: 6,
                running: 5,
                failed: 1,
                ..Counts::default()
            },
        ),
    ]
}

fn env(name: &str, t: EnvType) -> Environment {
    Environment {
        name: name.into(),
        org: "digital-channels".into(),
        env_type: t,
        topology: Topology::SingleRegion,
        regions: vec!["fsn".into()],
        vcluster: "digital-channels".into(),
        kube_context: format!("vc-{name}"),
        git_repo: "https://gitea.example/digital-channels/gitops".into(),
        policy_summary: "PR by team-platform, 2 approvals".into(),
        counts: Counts {
            applications: 7,
            running: 7,
            ..Counts::default()
        },
        created_at: now(),
    }
}

/// A state on the home view with the Organizations and inbox answered.
fn home_loaded(w: u16, h: u16) -> State {
    let mut s = state(w, h);
    let effects = crate::state::open_deep(&mut s, crate::views::Target::Home);
    for (request, query) in fetches(&effects) {
        let data = match query {
            Query::Orgs => Data::Orgs(orgs()),
            Query::Inbox => Data::Inbox(Inbox {
                reviews: 2,
                access_requests: 1,
            }),
            other => panic!("unexpected {other:?}"),
        };
        update(
            &mut s,
            Input::Msg(Msg::Fetched {
                request,
                result: Ok(data),
            }),
            now(),
        );
    }
    s.live = LiveState::Live;
    s
}

fn answer(s: &mut State, request: RequestId, result: Result<Data, ApiError>) -> Vec<Effect> {
    update(s, Input::Msg(Msg::Fetched { request, result }), now())
}

#[test]
fn open_and_back_keep_the_selection_and_filter() {
    let mut s = home_loaded(80, 24);
    let effects = press(&mut s, "j enter");
    let f = fetches(&effects);
    assert_eq!(
        f[0].1,
        Query::Environments {
            org: "retail-banking".into()
        }
    );
    assert!(matches!(s.top(), Route::Org(o) if o.org == "retail-banking"));
    answer(
        &mut s,
        f[0].0,
        Ok(Data::Environments(vec![
            env("retail-banking-prod", EnvType::Prod),
            env("retail-banking-dev", EnvType::Dev),
        ])),
    );
    let Route::Org(o) = s.top() else { panic!() };
    assert_eq!(
        o.visible()[0].name,
        "retail-banking-dev",
        "poc → prod order"
    );
    press(&mut s, "esc");
    let Route::Home(h) = s.top() else { panic!() };
    assert_eq!(h.list.selected, 1, "back returns to the same row");

    // The filter: typing narrows, Enter keeps it, Esc clears it before going anywhere.
    press(&mut s, "/ 'tre' enter");
    let Route::Home(h) = s.top() else { panic!() };
    assert_eq!(h.visible().len(), 1);
    assert_eq!(h.filter.text, "tre");
    assert!(!h.filter.editing);
    press(&mut s, "esc");
    let Route::Home(h) = s.top() else { panic!() };
    assert_eq!(h.visible().len(), 3);
    assert_eq!(s.routes.len(), 1);
}

#[test]
fn stale_answers_are_dropped_and_the_latest_request_wins() {
    let mut s = state(80, 24);
    let first = fetches(&crate::state::open_deep(&mut s, crate::views::Target::Home));
    let second = fetches(&press(&mut s, "ctrl-r"));
    answer(&mut s, first[0].0, Ok(Data::Orgs(vec![])));
    let Route::Home(h) = s.top() else { panic!() };
    assert!(h.orgs.value().is_none(), "the stale answer was ignored");
    answer(&mut s, second[0].0, Ok(Data::Orgs(orgs())));
    let Route::Home(h) = s.top() else { panic!() };
    assert_eq!(h.orgs.value().map(Vec::len), Some(3));
}

#[test]
fn rate_limits_count_down_and_retry_by_themselves() {
    let mut s = state(80, 24);
    let f = fetches(&crate::state::open_deep(&mut s, crate::views::Target::Home));
    let effects = answer(
        &mut s,
        f[0].0,
        Err(ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
            detail: String::new(),
            request_id: Some("req-9".into()),
        }),
    );
    assert_eq!(
        effects,
        vec![Effect::After {
            after: Duration::from_secs(3),
            msg: Box::new(Msg::Retry { depth: 0 })
        }]
    );
    assert!(s.wake_after().is_some(), "the countdown ticks");
    let retry = update(&mut s, Input::Msg(Msg::Retry { depth: 0 }), now());
    assert_eq!(fetches(&retry)[0].1, Query::Orgs);
    // A retry message for a view that no longer waits does nothing.
    answer(&mut s, fetches(&retry)[0].0, Ok(Data::Orgs(orgs())));
    assert!(update(&mut s, Input::Msg(Msg::Retry { depth: 0 }), now()).is_empty());
}

#[test]
fn an_expired_session_signs_in_again_and_keeps_the_view() {
    let mut s = home_loaded(80, 24);
    let f = fetches(&press(&mut s, "enter"));
    answer(
        &mut s,
        f[0].0,
        Err(ApiError::SessionExpired {
            detail: String::new(),
            request_id: None,
        }),
    );
    assert!(s.session.expired);
    assert_eq!(s.top().view().problem(), Some(&Problem::SessionExpired));
    let effects = press(&mut s, "enter");
    assert_eq!(
        effects,
        vec![Effect::SignIn {
            persona: Some("layla".into())
        }]
    );
    assert!(
        press(&mut s, "enter").is_empty(),
        "no second sign-in while one runs"
    );
    let me = s.session.me.clone().unwrap();
    let effects = update(
        &mut s,
        Input::Msg(Msg::SignIn(SignInMsg::SignedIn {
            me: Box::new(me),
            persona: Some("layla".into()),
            sovereign: "Bank Dhofar".into(),
            catalyst: false,
        })),
        now(),
    );
    assert_eq!(s.routes.len(), 2, "the view was kept");
    let reads = fetches(&effects);
    assert_eq!(
        reads.iter().filter(|(_, q)| *q != Query::Grants).count(),
        3,
        "every view on the stack reloads"
    );
    assert!(
        reads.iter().any(|(_, q)| *q == Query::Grants),
        "and my grants are read"
    );
    assert!(!s.session.expired);
}

#[test]
fn support_mode_refuses_mutating_actions_with_a_reason() {
    let mut s = home_loaded(80, 24);
    if let Some(me) = s.session.me.as_mut() {
        me.support_agent = true;
    }
    let effects = crate::state::update::on_action(&mut s, crate::action::Action::Promote);
    assert!(effects.is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn the_subscription_follows_the_view_on_top() {
    let mut s = home_loaded(80, 24);
    assert_eq!(s.subscription(), Some(Scope::ALL));
    press(&mut s, "enter");
    assert_eq!(
        s.subscription(),
        Some(Scope {
            org: Some("digital-channels".into()),
            env: None
        })
    );
    press(&mut s, "esc");
    assert_eq!(s.subscription(), Some(Scope::ALL));
    s.session.me = None;
    assert_eq!(s.subscription(), None, "nothing to follow before sign-in");
}

#[test]
fn a_log_holds_no_live_subscription_and_back_reads_the_view_again() {
    let mut s = home_loaded(80, 24);
    s.live = LiveState::Live;
    s.routes.push(crate::views::Route::for_target(
        &crate::views::Target::OperationLog {
            id: "op-1".into(),
            title: String::new(),
        },
    ));
    assert_eq!(s.subscription(), None, "a log shows no live events");
    assert_eq!(s.live_shown(), &LiveState::Idle);
    assert_eq!(
        s.streams(),
        [crate::effect::StreamSpec::Operation { id: "op-1".into() }]
    );
    let effects = press(&mut s, "esc");
    assert_eq!(s.subscription(), Some(Scope::ALL));
    assert!(
        fetches(&effects).iter().any(|(_, q)| *q == Query::Orgs),
        "events were not followed meanwhile: {effects:?}"
    );
    assert!(s.streams().is_empty(), "the log's stream stops with it");
}

#[test]
fn stream_states_reach_the_status_bar_and_tick_only_while_counting() {
    let mut s = home_loaded(80, 24);
    assert_eq!(s.wake_after(), None, "idle means asleep");
    update(
        &mut s,
        Input::Msg(Msg::Live(LiveMsg::Status(StreamStatus::Reconnecting {
            in_: Duration::from_secs(4),
            attempt: 2,
            reason: "connection reset".into(),
        }))),
        now(),
    );
    assert!(matches!(s.live, LiveState::Reconnecting { .. }));
    assert!(s.wake_after().is_some());
    assert!(screen(&s, false).contains("reconnecting in 4 s"));
    update(
        &mut s,
        Input::Msg(Msg::Live(LiveMsg::Status(StreamStatus::Live))),
        now(),
    );
    assert_eq!(s.wake_after(), None);
}

#[test]
fn live_events_debounce_one_roll_up_refresh_per_org() {
    let mut s = home_loaded(80, 24);
    let e = crate::model::LiveEvent::EnvironmentUpdated(Box::new(env(
        "digital-channels-dev",
        EnvType::Dev,
    )));
    let live = |e: &crate::model::LiveEvent| {
        Input::Msg(Msg::Live(LiveMsg::Event {
            id: Some(1),
            event: e.clone(),
        }))
    };
    let first = update(&mut s, live(&e), now());
    let second = update(&mut s, live(&e), now());
    assert_eq!(first.len(), 1);
    assert!(second.is_empty(), "one refresh per burst");
    let f = update(
        &mut s,
        Input::Msg(Msg::RefreshOrg("digital-channels".into())),
        now(),
    );
    assert_eq!(fetches(&f)[0].1, Query::Org("digital-channels".into()));
}

#[test]
fn quit_help_and_unknown_keys() {
    let mut s = home_loaded(80, 24);
    press(&mut s, "?");
    assert_eq!(s.overlays.len(), 1);
    assert_eq!(s.context(), vec!["help", "list", "global"]);
    press(&mut s, "esc");
    assert!(s.overlays.is_empty());
    let effects = update(&mut s, key("q"), now());
    assert_eq!(effects, vec![Effect::Quit]);
    assert!(s.quit);
    let released = KeyEvent {
        kind: crossterm::event::KeyEventKind::Release,
        ..KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)
    };
    let mut s = home_loaded(80, 24);
    assert!(update(&mut s, Input::Key(released), now()).is_empty());
}

// ---- snapshots ----

fn problem_state(w: u16, h: u16, problem: Problem) -> State {
    let mut s = state(w, h);
    if let Route::Home(home) = &mut s.routes[0] {
        home.orgs = Load::Failed(problem);
        home.inbox = Load::Ready(Inbox::default());
    }
    s.live = LiveState::Live;
    s
}

#[test]
fn snapshot_home_populated() {
    insta::assert_snapshot!("home_80x24", screen(&home_loaded(80, 24), false));
    insta::assert_snapshot!("home_120x40", screen(&home_loaded(120, 40), false));
    insta::assert_snapshot!("home_80x24_ascii", screen(&home_loaded(80, 24), true));
}

#[test]
fn snapshot_home_async_states() {
    let mut loading = state(80, 24);
    let _ = crate::state::open_deep(&mut loading, crate::views::Target::Home);
    insta::assert_snapshot!("home_loading_80x24", screen(&loading, false));
    let mut empty = problem_state(80, 24, Problem::SessionExpired);
    if let Route::Home(home) = &mut empty.routes[0] {
        home.orgs = Load::Ready(Vec::new());
    }
    insta::assert_snapshot!("home_empty_80x24", screen(&empty, false));
    for (name, problem) in [
        (
            "error",
            Problem::Error {
                message: "The server failed (502 Bad Gateway).".into(),
                request_id: Some("req-7f3a".into()),
            },
        ),
        (
            "restricted",
            Problem::Restricted {
                message: "Listing Organizations needs more rights.".into(),
                required: Some("org-viewer".into()),
            },
        ),
        (
            "rate_limited",
            Problem::RateLimited {
                until: now() + chrono::Duration::seconds(7),
                request_id: Some("req-1".into()),
            },
        ),
        ("session_expired", Problem::SessionExpired),
    ] {
        insta::assert_snapshot!(
            format!("home_{name}_80x24"),
            screen(&problem_state(80, 24, problem.clone()), false)
        );
        insta::assert_snapshot!(
            format!("home_{name}_120x40"),
            screen(&problem_state(120, 40, problem), false)
        );
    }
}

#[test]
fn snapshot_org_and_overlays() {
    let mut s = home_loaded(80, 24);
    let f = fetches(&press(&mut s, "enter"));
    answer(
        &mut s,
        f[0].0,
        Ok(Data::Environments(vec![
            env("digital-channels-prod", EnvType::Prod),
            env("digital-channels-stg", EnvType::Stg),
            env("digital-channels-uat", EnvType::Uat),
            env("digital-channels-dev", EnvType::Dev),
        ])),
    );
    insta::assert_snapshot!("org_80x24", screen(&s, false));
    s.size = (120, 40);
    insta::assert_snapshot!("org_120x40", screen(&s, false));
    press(&mut s, "?");
    insta::assert_snapshot!("help_120x40", screen(&s, false));
    s.size = (80, 24);
    insta::assert_snapshot!("help_80x24", screen(&s, false));
    press(&mut s, "esc : 'stg'");
    insta::assert_snapshot!("palette_loading_80x24", screen(&s, false));
    s.overlays.clear();
    update(
        &mut s,
        Input::Msg(Msg::SignIn(SignInMsg::Prompt {
            verification_uri: "https://id.bank.example/device".into(),
            user_code: "BCDF-GHJK".into(),
        })),
        now(),
    );
    insta::assert_snapshot!("sign_in_prompt_80x24", screen(&s, false));
}

#[test]
fn snapshot_not_connected() {
    let mut s = state(80, 24);
    s.session.me = None;
    s.session.error = Some("The sandbox could not start: address in use".into());
    insta::assert_snapshot!("not_connected_80x24", screen(&s, false));
}

#[test]
fn a_stale_answer_neither_hides_a_pending_frame_nor_causes_one() {
    let mut s = home_loaded(80, 24);
    s.dirty = false;
    answer(&mut s, RequestId(9_999), Ok(Data::Orgs(vec![])));
    assert!(!s.dirty, "nothing changed, no frame");
    press(&mut s, "j");
    assert!(s.dirty);
    answer(&mut s, RequestId(9_999), Ok(Data::Orgs(vec![])));
    assert!(s.dirty, "the move still needs its frame");
}
