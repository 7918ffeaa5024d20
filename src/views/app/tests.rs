//! Update tests (tab switching, stale answers, scrolling, live changes, search) and
//! render snapshots of every tab and async state (in [`snapshots`]).

mod snapshots;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::fixtures::{self, application, tab_data};
use super::*;
use crate::api::ApiError;
use crate::model::{AppStatus, OperationProgress, Pods};
use crate::state::{Input, State, update};
use crate::views::Route;
use crate::views::testing;

/// A view body of 80×21 (80×24 less the chrome).
const BODY: (u16, u16) = (80, 21);

pub(super) struct Harness {
    pub(super) view: AppView,
    next: u64,
    now: DateTime<Utc>,
}

impl Harness {
    fn new() -> Harness {
        Harness {
            view: AppView::new("digital-channels-stg", "payment-rail"),
            next: 0,
            now: testing::now(),
        }
    }

    /// Runs `f` on the view with a context at the harness's clock and body.
    pub(super) fn with<R>(&mut self, f: impl FnOnce(&mut AppView, &mut Cx) -> R) -> R {
        let mut cx = Cx {
            now: self.now,
            next_request: &mut self.next,
            body: BODY,
            log_lines: crate::views::logs::DEFAULT_CAPACITY,
        };
        f(&mut self.view, &mut cx)
    }

    fn load(&mut self) -> Vec<Effect> {
        self.with(|v, cx| v.load(cx))
    }

    pub(super) fn act(&mut self, action: Action) -> Outcome {
        self.with(|v, cx| v.on_action(action, cx))
    }

    pub(super) fn answer(
        &mut self,
        request: RequestId,
        result: Result<Data, ApiError>,
    ) -> Option<Vec<Effect>> {
        self.with(|v, cx| v.on_fetched(request, &result, cx))
    }

    fn live(&mut self, event: LiveEvent) -> Vec<Effect> {
        self.with(|v, cx| v.on_live(&event, cx))
    }

    /// Sets the shown tab's `/` text as if typed.
    pub(super) fn type_filter(&mut self, text: &str) {
        self.with(|v, cx| {
            v.filter_mut().expect("a tab with a filter").text = text.to_string();
            v.filter_changed(cx);
        });
    }

    /// Answers every fetch in `effects` with the fixture data.
    fn answer_all(&mut self, effects: &[Effect]) {
        for e in effects {
            let Effect::Fetch { request, query } = e else {
                continue;
            };
            let data = match query {
                Query::Application { .. } => Data::Application(Box::new(application())),
                Query::Tab { tab, .. } => Data::Tab(*tab, Box::new(tab_data(*tab).unwrap())),
                other => panic!("unexpected query {other:?}"),
            };
            assert!(self.answer(*request, Ok(data)).is_some());
        }
    }

    /// A view with the summary read, showing `tab`, read like every tab passed on the
    /// way there.
    pub(super) fn showing(tab: DetailTab) -> Harness {
        let mut h = Harness::new();
        let effects = h.load();
        h.answer_all(&effects);
        while h.view.tab != tab {
            let effects = done(h.act(Action::NextTab));
            h.answer_all(&effects);
        }
        h
    }
}

/// The tabs fetched by `effects`.
fn fetched_tabs(effects: &[Effect]) -> Vec<DetailTab> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch {
                query: Query::Tab { tab, .. },
                ..
            } => Some(*tab),
            _ => None,
        })
        .collect()
}

pub(super) fn request_of(effects: &[Effect]) -> RequestId {
    match effects.first() {
        Some(Effect::Fetch { request, .. }) => *request,
        other => panic!("no fetch in {other:?}"),
    }
}

pub(super) fn done(outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Done(effects) => effects,
        other => panic!("not handled: {other:?}"),
    }
}

#[test]
fn entering_reads_the_summary_and_overview_needs_nothing_more() {
    let mut h = Harness::new();
    let effects = h.load();
    assert_eq!(
        effects,
        vec![Effect::Fetch {
            request: RequestId(1),
            query: Query::Application {
                env: "digital-channels-stg".into(),
                app: "payment-rail".into()
            }
        }]
    );
    assert_eq!(h.view.context(), ["app", "list", "global"]);
}

#[test]
fn each_tab_is_fetched_once_the_first_time_it_is_shown() {
    let mut h = Harness::new();
    let e = h.load();
    h.answer_all(&e);
    let mut fetched = Vec::new();
    // Twice round all the tabs, forwards then backwards.
    for _ in 0..DetailTab::ALL.len() {
        let e = done(h.act(Action::NextTab));
        fetched.extend(fetched_tabs(&e));
        h.answer_all(&e);
    }
    for _ in 0..DetailTab::ALL.len() {
        let e = done(h.act(Action::PrevTab));
        fetched.extend(fetched_tabs(&e));
        h.answer_all(&e);
    }
    assert_eq!(
        fetched,
        [
            DetailTab::Settings,
            DetailTab::Topology,
            DetailTab::Secrets,
            DetailTab::Observability,
            DetailTab::History,
            DetailTab::Manifests
        ]
    );
    assert_eq!(h.view.tab, DetailTab::Overview);
    // Shift-Tab from the first tab wraps to the last.
    done(h.act(Action::PrevTab));
    assert_eq!(h.view.tab, DetailTab::Manifests);
    assert_eq!(h.view.context(), ["yaml", "app", "list", "global"]);
}

#[test]
fn a_tab_still_loading_is_not_asked_twice() {
    let mut h = Harness::new();
    h.load();
    let first = done(h.act(Action::NextTab));
    assert_eq!(fetched_tabs(&first), [DetailTab::Settings]);
    done(h.act(Action::PrevTab));
    assert!(done(h.act(Action::NextTab)).is_empty());
    h.answer_all(&first);
    assert!(h.view.tab_state(DetailTab::Settings).load.value().is_some());
}

#[test]
fn refresh_reads_the_summary_and_the_shown_tab_and_marks_the_rest_stale() {
    let mut h = Harness::showing(DetailTab::Topology);
    done(h.act(Action::PrevTab)); // Settings, already read
    let e = h.load();
    assert_eq!(e.len(), 2);
    assert!(matches!(
        &e[0],
        Effect::Fetch {
            query: Query::Application { .. },
            ..
        }
    ));
    assert_eq!(fetched_tabs(&e), [DetailTab::Settings]);
    assert!(
        h.view.tab_state(DetailTab::Settings).load.value().is_some(),
        "kept meanwhile"
    );
    assert!(h.view.tab_state(DetailTab::Topology).stale);
    let e2 = done(h.act(Action::NextTab));
    assert_eq!(
        fetched_tabs(&e2),
        [DetailTab::Topology],
        "read again when shown"
    );
}

#[test]
fn stale_answers_are_dropped() {
    let mut h = Harness::new();
    h.load();
    let old = request_of(&done(h.act(Action::NextTab)));
    let e = h.load();
    assert_eq!(fetched_tabs(&e), [DetailTab::Settings]);
    let new = request_of(&e[1..]);
    assert_ne!(old, new);
    let answer = Ok(Data::Tab(
        DetailTab::Settings,
        Box::new(fixtures::settings()),
    ));
    assert_eq!(
        h.answer(old, answer.clone()),
        None,
        "nobody waits for the old one"
    );
    assert!(h.view.tab_state(DetailTab::Settings).load.value().is_none());
    assert_eq!(h.answer(new, answer), Some(Vec::new()));
    assert!(h.view.tab_state(DetailTab::Settings).load.value().is_some());
}

#[test]
fn an_answer_for_another_tab_is_an_error_not_a_spinner_forever() {
    let mut h = Harness::new();
    h.load();
    let r = request_of(&done(h.act(Action::NextTab)));
    h.answer(
        r,
        Ok(Data::Tab(DetailTab::History, Box::new(fixtures::history()))),
    );
    assert!(matches!(h.view.problem(), Some(Problem::Error { .. })));
}

#[test]
fn scrolling_clamps_to_the_document_and_is_kept_per_tab() {
    let mut h = Harness::showing(DetailTab::Manifests);
    let len = fixtures::manifests_text().lines().count();
    let height = tabs::content_height(DetailTab::Manifests, BODY.1);
    assert_eq!(height, 18);
    let max = len - height;
    done(h.act(Action::Bottom));
    assert_eq!(h.view.tab_state(DetailTab::Manifests).scroll, max);
    done(h.act(Action::MoveDown));
    done(h.act(Action::PageDown));
    assert_eq!(h.view.tab_state(DetailTab::Manifests).scroll, max);
    done(h.act(Action::PageUp));
    assert_eq!(h.view.tab_state(DetailTab::Manifests).scroll, max - height);
    done(h.act(Action::MoveUp));
    assert_eq!(
        h.view.tab_state(DetailTab::Manifests).scroll,
        max - height - 1
    );
    // Away and back: the offset is kept.
    done(h.act(Action::NextTab));
    assert_eq!(h.view.tab, DetailTab::Overview);
    done(h.act(Action::MoveDown));
    assert_eq!(
        h.view.tab_state(DetailTab::Overview).scroll,
        0,
        "Overview fits"
    );
    done(h.act(Action::PrevTab));
    assert_eq!(
        h.view.tab_state(DetailTab::Manifests).scroll,
        max - height - 1
    );
    done(h.act(Action::Top));
    done(h.act(Action::MoveUp));
    assert_eq!(h.view.tab_state(DetailTab::Manifests).scroll, 0);
}

#[test]
fn a_table_scrolls_over_its_filtered_rows() {
    let mut h = Harness::showing(DetailTab::History);
    // Five deploys fit in 18 rows: nothing to scroll.
    done(h.act(Action::Bottom));
    assert_eq!(h.view.tab_state(DetailTab::History).scroll, 0);
    h.type_filter("salim");
    assert_eq!(
        tables::visible_deploys(
            match h.view.tab_state(DetailTab::History).load.value() {
                Some(TabData::History(d)) => d,
                _ => panic!(),
            },
            &h.view.tab_state(DetailTab::History).filter
        )
        .len(),
        2
    );
}

#[test]
fn a_new_revision_reads_the_shown_tab_again_and_marks_the_others() {
    let mut h = Harness::showing(DetailTab::Topology);
    done(h.act(Action::PrevTab)); // Settings
    let mut app = application();
    // The same revision (a status echo) changes nothing.
    assert!(
        h.live(LiveEvent::ApplicationUpdated(Box::new(app.clone())))
            .is_empty()
    );
    assert!(!h.view.tab_state(DetailTab::Topology).stale);
    app.revision += 1;
    app.status = AppStatus::Updating;
    let e = h.live(LiveEvent::ApplicationUpdated(Box::new(app)));
    assert_eq!(fetched_tabs(&e), [DetailTab::Settings]);
    assert_eq!(
        h.view.summary.value().map(|a| a.status),
        Some(AppStatus::Updating)
    );
    assert!(
        h.view.tab_state(DetailTab::Settings).load.value().is_some(),
        "the old values stay on screen while the new ones load"
    );
    assert!(!h.view.animates(), "no spinner over data");
    assert!(h.view.tab_state(DetailTab::Topology).stale);
    assert!(
        !h.view.tab_state(DetailTab::Secrets).stale,
        "never read, nothing stale"
    );
    assert_eq!(
        fetched_tabs(&done(h.act(Action::NextTab))),
        [DetailTab::Topology]
    );
}

#[test]
fn events_for_other_applications_are_ignored() {
    let mut h = Harness::showing(DetailTab::Settings);
    let mut other = application();
    other.name = "analytics-api".into();
    other.revision = 99;
    assert!(
        h.live(LiveEvent::ApplicationUpdated(Box::new(other)))
            .is_empty()
    );
    assert_eq!(h.view.summary.value().map(|a| a.revision), Some(7));
}

#[test]
fn operation_progress_moves_the_bar() {
    let mut h = Harness::showing(DetailTab::Overview);
    h.live(LiveEvent::OperationProgress(OperationProgress {
        operation_id: "op-1".into(),
        application: "payment-rail".into(),
        environment: "digital-channels-stg".into(),
        percent: 45,
        step: "helm-upgrade".into(),
        message: String::new(),
    }));
    let p = h
        .view
        .summary
        .value()
        .and_then(|a| a.progress.clone())
        .unwrap();
    assert_eq!((p.percent, p.step.as_str()), (45, "helm-upgrade"));
}

#[test]
fn removal_says_so() {
    let mut h = Harness::showing(DetailTab::Overview);
    h.live(LiveEvent::ApplicationRemoved(
        crate::model::ApplicationRemoved {
            environment: "digital-channels-stg".into(),
            name: "payment-rail".into(),
        },
    ));
    assert!(matches!(h.view.problem(), Some(Problem::NotFound { .. })));
}

#[test]
fn search_jumps_between_matches_both_ways() {
    let mut h = Harness::showing(DetailTab::Manifests);
    let lines: Vec<usize> = fixtures::manifests_text()
        .lines()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains("image"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(lines.len(), 3);
    h.type_filter("IMAGE");
    let state = |h: &Harness| h.view.tab_state(DetailTab::Manifests).clone();
    assert_eq!(state(&h).current_match, Some(lines[0]));
    let height = tabs::content_height(DetailTab::Manifests, BODY.1);
    let on_screen = |h: &Harness| {
        let s = state(h);
        let m = s.current_match.unwrap();
        m >= s.scroll && m < s.scroll + height
    };
    assert!(on_screen(&h));
    done(h.act(Action::SearchNext));
    assert_eq!(state(&h).current_match, Some(lines[1]));
    assert!(on_screen(&h));
    done(h.act(Action::SearchNext));
    done(h.act(Action::SearchNext));
    assert_eq!(
        state(&h).current_match,
        Some(lines[0]),
        "wraps to the first"
    );
    done(h.act(Action::SearchPrev));
    assert_eq!(state(&h).current_match, Some(lines[2]), "wraps to the last");
    assert!(on_screen(&h));
    // A search finds nothing: no match, nothing moves.
    let scroll = state(&h).scroll;
    h.type_filter("no-such-thing");
    assert_eq!(state(&h).current_match, None);
    assert_eq!(state(&h).scroll, scroll);
    // The search belongs to Manifests: Settings has its own.
    done(h.act(Action::NextTab));
    assert_eq!(h.view.filter(), None, "Overview has no search");
    done(h.act(Action::NextTab));
    assert_eq!(h.view.filter().map(|f| f.text.as_str()), Some(""));
}

#[test]
fn n_without_a_search_is_not_this_views_key() {
    let mut h = Harness::showing(DetailTab::Settings);
    assert_eq!(h.act(Action::SearchNext), Outcome::Ignored);
}

#[test]
fn b_opens_the_blueprint_in_the_organization() {
    let mut h = Harness::new();
    h.load();
    assert_eq!(
        h.act(Action::BlueprintUsage),
        Outcome::Ignored,
        "not read yet"
    );
    let mut h = Harness::showing(DetailTab::Overview);
    assert_eq!(
        h.act(Action::BlueprintUsage),
        Outcome::Open(Target::Blueprint {
            org: "digital-channels".into(),
            blueprint: "bp-bd-payment-rail".into()
        })
    );
}

#[test]
fn copy_takes_the_yaml_and_nothing_else() {
    let mut h = Harness::showing(DetailTab::Settings);
    assert_eq!(
        done(h.act(Action::Copy)),
        vec![Effect::Copy(fixtures::VALUES.into())]
    );
    let mut h = Harness::showing(DetailTab::Secrets);
    assert_eq!(h.act(Action::Copy), Outcome::Ignored);
}

#[test]
fn problems_are_per_tab_and_a_rate_limit_retries_the_tab() {
    let mut h = Harness::showing(DetailTab::Overview);
    let r = request_of(&done(h.act(Action::NextTab)));
    h.answer(
        r,
        Err(ApiError::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(3)),
            detail: String::new(),
            request_id: Some("req-9".into()),
        }),
    );
    assert!(matches!(
        h.view.problem(),
        Some(Problem::RateLimited { .. })
    ));
    assert!(h.view.animates(), "the countdown animates");
    done(h.act(Action::PrevTab));
    assert_eq!(h.view.problem(), None, "the Overview is fine");
    done(h.act(Action::NextTab));
    let e = h.with(|v, cx| v.retry(cx));
    assert_eq!(fetched_tabs(&e), [DetailTab::Settings]);
    assert_eq!(
        e.len(),
        1,
        "the summary was fine: only the tab is asked again"
    );
}

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn app_state(w: u16, h: u16, view: AppView) -> State {
    let mut s = testing::state(w, h);
    s.routes.push(Route::App(Box::new(view)));
    s
}

fn top(s: &State) -> &AppView {
    match s.top() {
        Route::App(v) => v,
        _ => panic!("not the app view"),
    }
}

#[test]
fn keys_reach_the_tabs_and_the_yaml_search_through_the_keymap() {
    let h = Harness::showing(DetailTab::Overview);
    let mut s = app_state(80, 24, h.view);
    s.next_request = 10;
    let now = testing::now();
    let e = update(&mut s, key(KeyCode::BackTab), now);
    assert_eq!(fetched_tabs(&e), [DetailTab::Manifests]);
    let Effect::Fetch { request, .. } = e[0].clone() else {
        panic!()
    };
    let answer = Data::Tab(DetailTab::Manifests, Box::new(fixtures::manifests()));
    update(
        &mut s,
        Input::Msg(crate::msg::Msg::Fetched {
            request,
            result: Ok(answer),
        }),
        now,
    );
    for k in [KeyCode::Char('/'), KeyCode::Char('i'), KeyCode::Char('m')] {
        update(&mut s, key(k), now);
    }
    update(&mut s, key(KeyCode::Enter), now);
    let first = top(&s).tab_state(DetailTab::Manifests).current_match;
    assert!(first.is_some());
    update(&mut s, key(KeyCode::Char('n')), now);
    assert!(top(&s).tab_state(DetailTab::Manifests).current_match > first);
    update(&mut s, key(KeyCode::Char('N')), now);
    assert_eq!(top(&s).tab_state(DetailTab::Manifests).current_match, first);
    // Esc clears the search before it leaves the view.
    update(&mut s, key(KeyCode::Esc), now);
    assert_eq!(s.routes.len(), 2);
    assert!(!top(&s).tab_state(DetailTab::Manifests).filter.is_active());
    let scroll = top(&s).tab_state(DetailTab::Manifests).scroll;
    update(&mut s, key(KeyCode::Char('j')), now);
    assert_eq!(top(&s).tab_state(DetailTab::Manifests).scroll, scroll + 1);
}

/// `A` in an Application asks for access to its Environment, as the Environment's view
/// does.
#[test]
fn a_in_an_application_requests_access_to_its_environment() {
    let h = Harness::showing(DetailTab::Overview);
    let mut s = app_state(80, 24, h.view);
    let now = testing::now();
    update(&mut s, key(KeyCode::Char('A')), now);
    let Some(crate::views::overlays::Overlay::Compose(c)) = s.overlays.last() else {
        panic!("no form: {:?}", s.overlays)
    };
    assert_eq!(c.title, words::access_request_title("digital-channels-stg"));
    for ch in "probe flaps".chars() {
        update(&mut s, key(KeyCode::Char(ch)), now);
    }
    let e = update(
        &mut s,
        Input::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        now,
    );
    let [
        Effect::Fetch {
            request,
            query:
                Query::RequestAccess {
                    env,
                    minutes,
                    access,
                    ..
                },
        },
    ] = e.as_slice()
    else {
        panic!("not one request: {e:?}")
    };
    assert_eq!(env, "digital-channels-stg");
    assert_eq!(*minutes, 30);
    assert_eq!(*access, crate::model::AccessLevel::View);
    let pending = crate::model::AccessRequest {
        id: "ar-9".into(),
        environment: env.clone(),
        requester: "layla".into(),
        access: *access,
        reason: "probe flaps".into(),
        duration_minutes: 30,
        state: crate::model::AccessState::Pending,
        requested_at: now,
        granted_at: None,
        expires_at: None,
        decided_by: None,
        decision_comment: None,
    };
    update(
        &mut s,
        Input::Msg(crate::msg::Msg::Fetched {
            request: *request,
            result: Ok(Data::AccessRequested(Box::new(pending))),
        }),
        now,
    );
    let said = s.notice.clone().map(|n| n.text).unwrap_or_default();
    assert!(said.contains("pending an approver"), "{said}");
}
