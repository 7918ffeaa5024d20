//! Pure tests of the run view: events into the pipeline, the components and the honest
//! warnings; replays across follows (kept, evicted or restarted history); the component
//! re-sync; the retry flow (restart, manual, error, refused); the zoomed log's keys
//! through the keymap. Render snapshots are in [`snapshots`]. The runs are the
//! sandbox's seeded ones (deterministic for the finished runs).

mod snapshots;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::follow::DeploymentMsg;
use crate::api::provisioning::RetryOutcome;
use crate::api::sse::StreamStatus;
use crate::effect::Query;
use crate::model::{ComponentState, ComponentStatus, ComponentsState, ProvisionEvent};
use crate::sandbox::SandboxOptions;
use crate::sandbox::provisioning::ProvisioningSandbox;
use crate::state::{Input, State, update};
use crate::views::Route;
use crate::views::testing;

/// A view body of 80×21 (80×24 less the chrome).
const BODY: (u16, u16) = (80, 21);

/// The seeded runs: `(state, events)` of the ready one (timed out) and the failed one.
pub(super) struct Runs {
    pub ready: (DeploymentState, Vec<ProvisionEvent>),
    pub failed: (DeploymentState, Vec<ProvisionEvent>),
}

pub(super) fn runs() -> Runs {
    let sb = ProvisioningSandbox::new(&SandboxOptions {
        speed: 0.0,
        ..SandboxOptions::default()
    });
    let seeded = sb.seeded().clone();
    let run = |id: &str| (sb.state(id).unwrap(), sb.events(id).unwrap());
    Runs {
        ready: run(&seeded.ready),
        failed: run(&seeded.failed),
    }
}

pub(super) fn events(evs: &[ProvisionEvent]) -> Vec<DeploymentMsg> {
    evs.iter().cloned().map(DeploymentMsg::Event).collect()
}

pub(super) struct Harness {
    pub(super) view: DeploymentView,
    next: u64,
}

impl Harness {
    pub(super) fn new(id: &str) -> Harness {
        let mut h = Harness {
            view: DeploymentView::new(id),
            next: 0,
        };
        h.with(|v, cx| v.load(cx));
        h
    }

    pub(super) fn with<R>(&mut self, f: impl FnOnce(&mut DeploymentView, &mut Cx) -> R) -> R {
        let mut cx = Cx {
            now: testing::now(),
            next_request: &mut self.next,
            body: BODY,
            log_lines: crate::views::logs::DEFAULT_CAPACITY,
        };
        f(&mut self.view, &mut cx)
    }

    pub(super) fn stream(&mut self, generation: u64, items: Vec<DeploymentMsg>) -> Vec<Effect> {
        let batch = StreamBatch {
            spec: self.view.spec(),
            generation,
            items: StreamItems::Deployment(items),
        };
        self.with(|v, cx| v.on_stream(&batch, cx))
    }

    pub(super) fn act(&mut self, action: Action) -> Outcome {
        self.with(|v, cx| v.on_action(action, cx))
    }

    pub(super) fn answer(&mut self, request: RequestId, result: Result<Data, ApiError>) {
        self.with(|v, cx| v.on_fetched(request, &result, cx));
    }

    /// Answers the view's pending State read with `state`.
    pub(super) fn answer_state(&mut self, state: &DeploymentState) {
        let request = self.view.state_request.expect("a State read");
        self.answer(request, Ok(Data::Deployment(Box::new(state.clone()))));
    }

    /// Selects component `id` in the grid.
    pub(super) fn select(&mut self, id: &str) {
        self.view.select(id);
        assert_eq!(
            self.view.selected_component().map(|c| c.id.as_str()),
            Some(id)
        );
    }

    /// Asks for the retry, says yes, and returns the request sent.
    pub(super) fn retry_yes(&mut self) -> (RequestId, Query) {
        let Outcome::Confirm(q) = self.act(Action::RetryPhase) else {
            panic!("no question asked")
        };
        let Outcome::Done(effects) = self.with(|v, cx| v.on_confirmed(q.action, cx)) else {
            panic!("the yes did nothing")
        };
        let [Effect::Fetch { request, query }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        (*request, query.clone())
    }
}

/// The fetches among `effects`.
fn queries(effects: &[Effect]) -> Vec<Query> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch { query, .. } => Some(query.clone()),
            _ => None,
        })
        .collect()
}

fn lines(view: &DeploymentView) -> Vec<String> {
    view.log()
        .buffer()
        .iter()
        .map(|l| l.raw().to_string())
        .collect()
}

#[test]
fn events_drive_the_pipeline_components_and_status() {
    let Runs {
        ready: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs[..340]));
    assert_eq!(h.view.track.marker, Some(2), "tofu-apply is current");
    assert_eq!(h.view.status(), Some(DeploymentStatus::Provisioning));
    assert!(h.view.track.components.is_empty());
    h.stream(1, events(&evs[340..470]));
    assert!(h.view.track.phase1);
    assert_eq!(h.view.status(), Some(DeploymentStatus::Phase1Watching));
    let cilium = &h.view.track.components[0];
    assert_eq!(cilium.id, "cilium");
    assert_eq!(cilium.status, ComponentStatus::Installed);
    assert!(cilium.message.starts_with("Helm install succeeded"));
    h.stream(1, events(&evs[470..]));
    h.stream(1, vec![DeploymentMsg::Done(Box::new(state.clone()))]);
    assert!(h.view.is_finished());
    let counts: Vec<usize> = h.view.track.counts().iter().map(|(_, n)| *n).collect();
    assert_eq!(
        counts,
        [1, 0, 26, 2, 0],
        "pending, installing, installed, degraded, failed"
    );
    let warning = outcome::ready_warning(&h.view).expect("ready is not the whole truth");
    assert!(warning.contains("timeout"), "{warning}");
    assert!(warning.contains("3 of 29"), "{warning}");
    assert_eq!(lines(&h.view).len(), evs.len());
}

#[test]
fn applying_an_event_twice_changes_nothing() {
    let Runs {
        ready: (_, evs), ..
    } = runs();
    let mut once = track::Track::default();
    let mut twice = track::Track::default();
    for e in &evs {
        once.apply(e);
        twice.apply(e);
        twice.apply(e);
    }
    assert_eq!(once.components, twice.components);
    assert_eq!(once.marker, twice.marker);
}

#[test]
fn a_new_follow_replays_without_repeating_a_line() {
    let Runs {
        failed: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs[..200]));
    // A new follow replays everything from the start, then goes on.
    h.stream(2, events(&evs[..150]));
    h.stream(2, events(&evs[150..]));
    assert_eq!(h.view.events_held(), evs.len());
    let want: Vec<&str> = evs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(lines(&h.view), want);
}

#[test]
fn an_evicted_head_or_a_fresh_history_loses_nothing() {
    let Runs {
        failed: (state, evs),
        ..
    } = runs();
    // The service evicted the first 50 events: the replay starts later.
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs[..200]));
    h.stream(2, events(&evs[50..]));
    assert_eq!(
        h.view.events_held(),
        evs.len(),
        "anchored past the eviction"
    );

    // A service that started its list afresh on a retry: nothing of it is skipped.
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs[..100]));
    let mut fresh = evs[..30].to_vec();
    for e in &mut fresh {
        e.time = "2026-06-01T00:00:00Z".into();
    }
    h.stream(2, events(&fresh));
    assert_eq!(h.view.events_held(), 130);
}

#[test]
fn the_component_resync_merges_without_erasing_messages() {
    let Runs {
        ready: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs[..430]));
    let row = |id: &str, status, at: &str, message: &str| ComponentState {
        app_id: id.into(),
        status,
        helm_release_name: format!("bp-{id}"),
        namespace: "flux-system".into(),
        last_transition_at: at.into(),
        message: message.into(),
        depends_on: None,
        ..Default::default()
    };
    let zero = "0001-01-01T00:00:00Z";
    // While watching: a newer row wins, an older one does not, a new id is added.
    let effects = h.stream(1, vec![DeploymentMsg::Status(StreamStatus::Live)]);
    let Some(Effect::Fetch { request, .. }) = effects.iter().find(|e| {
        matches!(
            e,
            Effect::Fetch {
                query: Query::Components { .. },
                ..
            }
        )
    }) else {
        panic!("a reconnection re-syncs the components: {effects:?}")
    };
    let rows = ComponentsState {
        live: false,
        watching: true,
        components: vec![
            row(
                "cert-manager",
                ComponentStatus::Installed,
                "2026-05-26T09:23:16.5Z",
                "done",
            ),
            row(
                "cilium",
                ComponentStatus::Pending,
                "2026-05-26T09:22:59.1Z",
                "stale",
            ),
            row("extra", ComponentStatus::Installing, zero, "new one"),
        ],
    };
    h.answer(*request, Ok(Data::Components(Box::new(rows))));
    let get = |h: &Harness, id: &str| {
        h.view
            .track
            .components
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(get(&h, "cert-manager").status, ComponentStatus::Installed);
    assert_eq!(get(&h, "cert-manager").message, "done");
    assert_eq!(
        get(&h, "cilium").status,
        ComponentStatus::Installed,
        "older row ignored"
    );
    assert_eq!(get(&h, "extra").status, ComponentStatus::Installing);
    // After the watch: rows rebuilt with no message and zero times set the states and
    // keep the messages.
    let before = get(&h, "cilium").message;
    let effects = h.stream(1, vec![DeploymentMsg::Status(StreamStatus::Live)]);
    let request = h.view.components_request.unwrap();
    assert!(!effects.is_empty());
    let rows = ComponentsState {
        live: false,
        watching: false,
        components: vec![row("cilium", ComponentStatus::Degraded, zero, "")],
    };
    h.answer(request, Ok(Data::Components(Box::new(rows))));
    assert_eq!(get(&h, "cilium").status, ComponentStatus::Degraded);
    assert_eq!(
        get(&h, "cilium").message,
        before,
        "a known message is never erased"
    );
}

#[test]
fn load_again_keeps_everything_and_the_run_is_remembered_once() {
    let Runs {
        ready: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    let effects = h.stream(1, events(&evs[..100]));
    assert!(effects.contains(&Effect::Remember {
        deployment: state.id.clone()
    }));
    h.answer_state(&state);
    let effects = h.with(|v, cx| v.load(cx));
    assert_eq!(
        queries(&effects),
        [
            Query::Deployment {
                id: state.id.clone()
            },
            Query::Components {
                deployment: state.id.clone()
            }
        ]
    );
    assert_eq!(h.view.events_held(), 100);
    assert_eq!(
        h.view.latest(),
        Some(&state),
        "the State read stays while read again"
    );
    let effects = h.stream(1, events(&evs[100..110]));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Remember { .. })));
    // A failing read again keeps what was read, and says so.
    let request = h.view.state_request.unwrap();
    h.answer(
        request,
        Err(ApiError::Http {
            status: 502,
            code: None,
            detail: "bad gateway".into(),
            request_id: Some("req-9".into()),
        }),
    );
    assert_eq!(h.view.latest(), Some(&state));
    assert!(h.view.problem().is_some());
}

#[test]
fn a_failed_run_retries_after_a_yes_and_follows_the_new_attempt() {
    let Runs {
        failed: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs));
    h.stream(1, vec![DeploymentMsg::Done(Box::new(state.clone()))]);
    assert_eq!(h.view.retry_target(), Ok("tofu-apply".into()));
    let (request, query) = h.retry_yes();
    assert_eq!(
        query,
        Query::RetryPhase {
            deployment: state.id.clone(),
            phase: "tofu-apply".into()
        }
    );
    assert_eq!(
        h.act(Action::RetryPhase),
        Outcome::Say(words::RETRY_UNDER_WAY.into())
    );
    let restarted = RetryOutcome::Restarted {
        id: state.id.clone(),
        phase: "tofu-apply".into(),
        stream_url: None,
        message: "Phase 0 retry accepted".into(),
    };
    h.with(|v, cx| v.on_fetched(request, &Ok(Data::Retry(Box::new(restarted))), cx))
        .map(|effects| {
            assert!(
                effects.iter().any(|e| matches!(e, Effect::After { .. })),
                "a note"
            );
        })
        .unwrap();
    assert_eq!(h.view.attempt, 2);
    assert_eq!(
        h.view.stream(),
        Some(StreamSpec::Deployment {
            id: state.id.clone(),
            attempt: 2
        })
    );
    assert_eq!(h.view.status(), Some(DeploymentStatus::Provisioning));
    // The new follow replays the first attempt, then the retry's events: each line once.
    let mut second = evs.clone();
    let banner = ProvisionEvent {
        time: "2026-05-29T10:00:00Z".into(),
        phase: "tofu-apply".into(),
        level: crate::model::EventLevel::Info,
        message: "Retry initiated for phase \"tofu-apply\"".into(),
        component: None,
        state: None,
        depends_on: None,
    };
    second.push(banner.clone());
    let mut init = evs[0].clone();
    init.time = "2026-05-29T10:00:01Z".into();
    second.push(init);
    h.stream(3, events(&second));
    assert_eq!(h.view.events_held(), evs.len() + 2);
    assert_eq!(
        lines(&h.view).last().map(String::as_str),
        Some(evs[0].message.as_str())
    );
    assert_eq!(
        h.view.track.marker,
        Some(0),
        "the new attempt starts at tofu-init"
    );
}

#[test]
fn a_component_retry_shows_the_runbook_and_errors_show_the_request_id() {
    let Runs {
        ready: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs));
    h.stream(1, vec![DeploymentMsg::Done(Box::new(state.clone()))]);
    h.select("cilium");
    // An installed component: nothing of its own to retry, but the run's watch timed out,
    // so re-arming the watch (newer services) is what a retry offers.
    assert_eq!(
        h.view.retry_target(),
        Ok(crate::model::PHASE1_WATCH.to_string())
    );
    h.select("falco");
    let (request, query) = h.retry_yes();
    assert_eq!(
        query,
        Query::RetryPhase {
            deployment: state.id.clone(),
            phase: "falco".into()
        }
    );
    let manual = RetryOutcome::ManualRetryRequired {
        id: state.id.clone(),
        phase: "falco".into(),
        runbook: "docs/RUNBOOK-PROVISIONING.md#rollback-procedures-per-phase".into(),
        message: "Phase 1 (falco) is owned by Flux".into(),
    };
    h.answer(request, Ok(Data::Retry(Box::new(manual))));
    assert!(matches!(h.view.retry, Retry::Manual { .. }));
    assert_eq!(h.view.attempt, 1, "nothing restarted");

    let (request, _) = h.retry_yes();
    h.answer(
        request,
        Err(ApiError::Http {
            status: 409,
            code: Some("deployment-in-flight".into()),
            detail: "deployment is still in-flight".into(),
            request_id: Some("req-42".into()),
        }),
    );
    let Retry::Failed { problem, .. } = &h.view.retry else {
        panic!("{:?}", h.view.retry)
    };
    assert_eq!(
        match problem {
            Problem::Error { request_id, .. } => request_id.as_deref(),
            _ => None,
        },
        Some("req-42")
    );
}

#[test]
fn nothing_is_retried_while_phase_zero_runs() {
    let Runs {
        ready: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs[..100]));
    assert_eq!(
        h.act(Action::RetryPhase),
        Outcome::Say(words::RETRY_NOT_WHILE_PROVISIONING.into())
    );
}

fn state_on(view: DeploymentView) -> State {
    let mut s = testing::state(80, 24);
    s.routes.push(Route::Deployments(Default::default()));
    s.routes.push(Route::Deployment(Box::new(view)));
    s
}

fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        let key = Input::Key(KeyEvent::new(code, KeyModifiers::NONE));
        effects.extend(update(s, key, testing::now()));
    }
    effects
}

fn top(s: &State) -> &DeploymentView {
    match s.top() {
        Route::Deployment(v) => v,
        _ => panic!("not the run"),
    }
}

#[test]
fn the_zoomed_log_takes_every_log_key_and_esc_leaves_the_zoom_only() {
    let Runs {
        ready: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs));
    let mut s = state_on(h.view);
    press(&mut s, "l");
    assert!(top(&s).zoomed);
    assert_eq!(s.context(), ["logs", "global"]);
    press(&mut s, "f");
    assert!(!top(&s).log().is_following(), "f pauses");
    press(&mut s, "v");
    assert_ne!(
        top(&s).log().lens().level,
        Default::default(),
        "v filters the level"
    );
    press(&mut s, "/falco\n");
    assert!(top(&s).log().search().count > 0);
    let effects = press(&mut s, "w");
    assert!(matches!(effects.as_slice(), [Effect::SaveFile { .. }]));
    press(&mut s, "\x1b");
    assert!(top(&s).zoomed, "the first Esc clears the search");
    assert!(!top(&s).log().search().is_active());
    press(&mut s, "\x1b");
    assert!(!top(&s).zoomed, "the next leaves the zoom");
    assert_eq!(s.routes.len(), 3, "and not the run");
    press(&mut s, "\n");
    assert!(top(&s).zoomed, "Enter zooms too");
    press(&mut s, "\x1b\x1b");
    assert!(matches!(s.top(), Route::Deployments(_)));
}

#[test]
fn retry_asks_first_and_support_mode_cannot() {
    let Runs {
        failed: (state, evs),
        ..
    } = runs();
    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs));
    h.stream(1, vec![DeploymentMsg::Done(Box::new(state.clone()))]);
    let mut s = state_on(h.view);
    assert!(press(&mut s, "R").is_empty());
    assert_eq!(s.context(), ["confirm", "global"]);
    assert!(press(&mut s, "n").is_empty(), "no is nothing");
    assert!(s.overlays.is_empty());
    press(&mut s, "R");
    let effects = press(&mut s, "y");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Fetch {
                query: Query::RetryPhase { .. },
                ..
            }]
        ),
        "{effects:?}"
    );

    let mut h = Harness::new(&state.id);
    h.stream(1, events(&evs));
    h.stream(1, vec![DeploymentMsg::Done(Box::new(state))]);
    let mut s = state_on(h.view);
    if let Some(me) = s.session.me.as_mut() {
        me.support_agent = true;
    }
    assert!(press(&mut s, "R").is_empty());
    assert!(s.overlays.is_empty(), "no question in support mode");
    assert_eq!(
        s.notice.as_ref().map(|n| n.text.as_str()),
        Some(words::SUPPORT_MODE_HIDES)
    );
}

#[test]
fn deep_links_and_the_home_key_lead_to_the_runs() {
    let mut s = testing::state(80, 24);
    let effects = crate::state::open_deep(&mut s, crate::views::Target::Deployment("abc".into()));
    assert!(matches!(
        s.routes.as_slice(),
        [Route::Home(_), Route::Deployments(_), Route::Deployment(_)]
    ));
    let asked = queries(&effects);
    assert!(asked.contains(&Query::Deployments), "{asked:?}");
    assert!(asked.contains(&Query::Deployment { id: "abc".into() }));
    assert_eq!(
        s.streams(),
        [StreamSpec::Deployment {
            id: "abc".into(),
            attempt: 1
        }]
    );
    press(&mut s, "\x1b");
    assert!(s.streams().is_empty(), "leaving the run stops following it");

    let mut s = testing::state(80, 24);
    let effects = press(&mut s, "D");
    assert!(matches!(s.top(), Route::Deployments(_)));
    assert_eq!(queries(&effects), [Query::Deployments]);
}

#[test]
fn the_list_reads_again_only_while_a_run_is_in_flight() {
    use crate::msg::{Deployments, Msg};
    use crate::views::deployments::DeploymentsView;
    let r = runs();
    let mut running = r.ready.0.clone();
    running.id = "0123456789abcdef".into();
    running.status = crate::model::DeploymentStatus::Provisioning.into();
    let mut next = 0;
    let mut cx = Cx {
        now: testing::now(),
        next_request: &mut next,
        body: BODY,
        log_lines: crate::views::logs::DEFAULT_CAPACITY,
    };
    let mut view = DeploymentsView::default();
    let answer = |runs: Vec<DeploymentState>| {
        Ok(Data::Deployments(Box::new(Deployments {
            listed: true,
            runs,
            unreadable: Vec::new(),
        })))
    };
    let timer = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::After { msg, .. } => match **msg {
                Msg::Poll { token } => Some(token),
                _ => None,
            },
            _ => None,
        })
    };

    // A run in flight: the answer arms the timer, which reads the list again.
    let [Effect::Fetch { request, .. }] = view.load(&mut cx)[..] else {
        panic!("no read")
    };
    let effects = view
        .on_fetched(
            request,
            &answer(vec![running.clone(), r.failed.0.clone()]),
            &mut cx,
        )
        .unwrap();
    let token = timer(&effects).expect("a run in flight is read again");
    assert_eq!(
        view.on_poll(token + 1, &mut cx),
        Vec::new(),
        "a stale timer"
    );
    let [Effect::Fetch { request, .. }] = view.on_poll(token, &mut cx)[..] else {
        panic!("the timer did not read the list")
    };
    assert_eq!(view.on_poll(token, &mut cx), Vec::new(), "used up");

    // Every run over: nothing is read again.
    running.status = crate::model::DeploymentStatus::Ready.into();
    let effects = view
        .on_fetched(request, &answer(vec![running, r.failed.0.clone()]), &mut cx)
        .unwrap();
    assert_eq!(timer(&effects), None);
    assert_eq!(view.visible().len(), 2);
}
