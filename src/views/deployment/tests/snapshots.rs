//! Render snapshots of the run view and the list of runs at 80×24 and 120×40: Phase 0
//! running, the Phase-1 grid, ready with a timed-out watch (the honest warning), failed
//! with its retry offered (and the question asked), the manual-retry runbook, and the
//! list with and without the service's own list.

use super::*;
use crate::model::DeploymentResult;
use crate::msg::Deployments;
use crate::views::deployments::DeploymentsView;

fn screens(name: &str, state: impl Fn(u16, u16) -> State) {
    insta::assert_snapshot!(
        format!("{name}_80x24"),
        testing::screen(&state(80, 24), false)
    );
    insta::assert_snapshot!(
        format!("{name}_120x40"),
        testing::screen(&state(120, 40), false)
    );
}

fn on_run(view: impl Fn() -> DeploymentView) -> impl Fn(u16, u16) -> State {
    move |w, h| {
        let mut s = testing::state(w, h);
        s.routes.push(Route::Deployments(Default::default()));
        s.routes.push(Route::Deployment(Box::new(view())));
        s
    }
}

/// The ready run as it was while it ran, up to event `upto`, with the State of then.
fn running(upto: usize, status: DeploymentStatus, with_result: bool) -> DeploymentView {
    let Runs {
        ready: (mut state, evs),
        ..
    } = runs();
    state.status = status.into();
    state.finished_at = None;
    state.component_states = None;
    state.phase1_finished_at = None;
    state.num_events = upto as u64;
    state.result = with_result.then(|| DeploymentResult {
        component_states: None,
        phase1_finished_at: None,
        phase1_outcome: None,
        ..state.result.clone().unwrap_or_default()
    });
    let mut h = Harness::new(&state.id);
    h.stream(1, vec![DeploymentMsg::Status(StreamStatus::Live)]);
    h.answer_state(&state);
    h.stream(1, events(&evs[..upto]));
    h.view
}

fn finished(ready: bool) -> Harness {
    let r = runs();
    let (state, evs) = if ready { r.ready } else { r.failed };
    let mut h = Harness::new(&state.id);
    h.stream(1, vec![DeploymentMsg::Status(StreamStatus::Live)]);
    h.answer_state(&state);
    h.stream(1, events(&evs));
    h.stream(1, vec![DeploymentMsg::Done(Box::new(state))]);
    h
}

#[test]
fn snapshot_phase0_running() {
    screens(
        "run_phase0",
        on_run(|| running(350, DeploymentStatus::Provisioning, false)),
    );
}

#[test]
fn snapshot_phase1_grid() {
    screens(
        "run_phase1",
        on_run(|| {
            let mut v = running(470, DeploymentStatus::Phase1Watching, true);
            v.list.selected = 2;
            v
        }),
    );
}

#[test]
fn snapshot_ready_with_a_timed_out_watch() {
    screens("run_ready_timeout", on_run(|| finished(true).view));
}

#[test]
fn snapshot_failed_with_retry_offered_and_asked() {
    screens("run_failed", on_run(|| finished(false).view));
    let mut s = on_run(|| finished(false).view)(80, 24);
    let _ = update(
        &mut s,
        Input::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
        testing::now(),
    );
    assert_eq!(s.overlays.len(), 1);
    insta::assert_snapshot!("run_failed_confirm_80x24", testing::screen(&s, false));
}

#[test]
fn snapshot_manual_retry_runbook() {
    screens(
        "run_manual",
        on_run(|| {
            let mut h = finished(true);
            h.select("falco");
            let (request, _) = h.retry_yes();
            let manual = RetryOutcome::ManualRetryRequired {
                id: h.view.id.clone(),
                phase: "falco".into(),
                runbook: "docs/RUNBOOK-PROVISIONING.md#rollback-procedures-per-phase".into(),
                message: "Phase 1 (falco) is owned by Flux on the new Sovereign — operator action required if automatic remediation exhausted.".into(),
            };
            h.answer(request, Ok(Data::Retry(Box::new(manual))));
            h.view
        }),
    );
}

fn list(deployments: Deployments) -> impl Fn(u16, u16) -> State {
    move |w, h| {
        let mut view = DeploymentsView::default();
        let mut next = 0;
        let mut cx = Cx {
            now: testing::now(),
            next_request: &mut next,
            body: (w, h - 3),
            log_lines: 10,
        };
        let Effect::Fetch { request, .. } = view.load(&mut cx)[0].clone() else {
            panic!()
        };
        let data = Ok(Data::Deployments(Box::new(deployments.clone())));
        view.on_fetched(request, &data, &mut cx);
        let mut s = testing::state(w, h);
        s.routes.push(Route::Deployments(view));
        s
    }
}

#[test]
fn snapshot_lists_of_runs() {
    let r = runs();
    let mut running = r.ready.0.clone();
    running.id = "27b22083765a57a3".into();
    running.status = DeploymentStatus::Provisioning.into();
    running.started_at = "2026-11-22T09:58:00Z".into();
    running.finished_at = None;
    running.sovereign_fqdn = "bankdhofar.omani.works".into();
    running.region = "fsn1".into();
    screens(
        "runs_listed",
        list(Deployments {
            listed: true,
            runs: vec![r.failed.0.clone(), running.clone(), r.ready.0.clone()],
            unreadable: Vec::new(),
        }),
    );
    screens(
        "runs_remembered",
        list(Deployments {
            listed: false,
            runs: vec![r.failed.0, running],
            unreadable: vec![(
                "0123456789abcdef".into(),
                "deployment not found (404)".into(),
            )],
        }),
    );
}
