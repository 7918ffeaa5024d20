#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Journey J3 headless against the sandbox on loopback (sped up): the real client,
//! runner, follower and update. A running provisioning run opened by deep link is
//! followed to its end and its log holds exactly the service's events, in order, none
//! missing or repeated; the list shows the seeded runs; a failed run retried from the
//! list follows its new attempt, and the log still holds every event exactly once.
//! No sleeps: the console is driven until a condition holds, with a generous bound.

mod contract_support;

use std::time::Duration;

use catalyst_tui::api::{ApiClient, ProvisioningClient, TokenSource};
use catalyst_tui::app::headless::Headless;
use catalyst_tui::model::{DeploymentStatus, ProvisionEvent};
use catalyst_tui::sandbox::{RunningSandbox, SandboxOptions};
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::deployment::DeploymentView;
use catalyst_tui::views::logs::StreamState;
use catalyst_tui::views::{Route, Target};

/// Bound for answers to settle.
const LIMIT: Duration = Duration::from_secs(30);
/// Bound for a run to play out (a liveness bound, not a timing assertion: at speed 40
/// a run takes seconds).
const LIVENESS: Duration = Duration::from_secs(240);

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

async fn sandbox() -> (RunningSandbox, ProvisioningClient) {
    let sb = contract_support::start_with(SandboxOptions {
        speed: 40.0,
        ..SandboxOptions::default()
    })
    .await;
    let config = contract_support::config(&sb, None)
        .with_provisioning_url(&format!("{}/sovereign", sb.base_url))
        .unwrap();
    let prov = ApiClient::new(config, TokenSource::None)
        .unwrap()
        .provisioning()
        .unwrap();
    (sb, prov)
}

fn run_view(c: &Headless) -> &DeploymentView {
    match c.state.top() {
        Route::Deployment(v) => v,
        _ => panic!("not on a run: {}", c.state.top().view().title()),
    }
}

/// Feeds the console until `done` holds (or the liveness bound passes).
async fn until(c: &mut Headless, what: &str, done: impl Fn(&Headless) -> bool) {
    let deadline = tokio::time::Instant::now() + LIVENESS;
    while !done(c) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        c.next_event(Duration::from_secs(5)).await;
    }
}

/// The lines the log must hold for `events`, in order.
fn expected_lines(events: &[ProvisionEvent]) -> Vec<String> {
    let mut out = Vec::new();
    for e in events {
        let text = e.message.strip_suffix('\n').unwrap_or(&e.message);
        for piece in text.split('\n') {
            out.push(
                catalyst_tui::views::logs::ansi::sanitize(piece)
                    .0
                    .to_string(),
            );
        }
    }
    out
}

/// The view's log equals the service's `/events`, line for line.
async fn assert_log_is_the_services(view: &DeploymentView, prov: &ProvisioningClient) {
    let all = prov.deployment_events(&view.id).await.unwrap();
    assert!(all.done, "the service says the run is over");
    assert_eq!(view.events_held(), all.events.len(), "events held");
    let held: Vec<String> = view
        .log()
        .buffer()
        .iter()
        .map(|l| l.raw().to_string())
        .collect();
    let want = expected_lines(&all.events);
    if held != want {
        let first = held.iter().zip(&want).position(|(a, b)| a != b);
        panic!(
            "{} lines held, {} expected; first difference at {first:?}",
            held.len(),
            want.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j3_a_running_run_is_followed_to_its_end_line_for_line() {
    let (sb, prov) = sandbox().await;
    let runs = prov.list_deployments().await.unwrap().unwrap();
    let running = runs
        .iter()
        .find(|r| !r.status.is_terminal())
        .expect("a running run")
        .id
        .clone();
    let mut c = Headless::sandbox(
        &sb.base_url,
        "admin",
        (120, 40),
        Target::Deployment(running.clone()),
    );
    c.settle(LIMIT).await.unwrap();
    assert!(matches!(
        c.state.routes.as_slice(),
        [Route::Home(_), Route::Deployments(_), Route::Deployment(_)]
    ));
    until(&mut c, "the run's end", |c| run_view(c).is_finished()).await;
    c.settle(LIMIT).await.unwrap();
    let view = run_view(&c);
    assert_eq!(view.status(), Some(DeploymentStatus::Ready));
    assert_log_is_the_services(view, &prov).await;

    // The grid agrees with the service's final word on every component.
    let state = prov.deployment(&running).await.unwrap();
    let states = state.component_states.expect("component states");
    assert_eq!(view.track.components.len(), states.len());
    for c in &view.track.components {
        assert_eq!(
            Some(c.status.as_str()),
            states.get(&c.id).map(String::as_str)
        );
    }
    let screen = c.screen(&ui());
    assert!(screen.contains("● ready"), "{screen}");
    assert!(screen.contains("5/5"), "{screen}");
    assert!(screen.contains("run ready"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j3_the_list_shows_the_seeded_runs_and_a_failed_one_is_retried() {
    let (sb, prov) = sandbox().await;
    let runs = prov.list_deployments().await.unwrap().unwrap();
    let failed = runs
        .iter()
        .find(|r| r.status == DeploymentStatus::Failed)
        .expect("a failed run")
        .id
        .clone();
    let mut c = Headless::sandbox(&sb.base_url, "admin", (120, 40), Target::Home);
    c.settle(LIMIT).await.unwrap();
    c.keys("D").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Deployments(list) = c.state.top() else {
        panic!("D did not open the runs")
    };
    assert_eq!(list.visible().len(), 3);
    let screen = c.screen(&ui());
    for r in &runs {
        assert!(screen.contains(&r.id), "{} missing:\n{screen}", r.id);
        assert!(screen.contains(&r.sovereign_fqdn), "{screen}");
    }
    let at = list
        .visible()
        .iter()
        .position(|r| r.id() == failed)
        .unwrap();
    c.keys(&format!("{} enter", "j ".repeat(at))).unwrap();
    c.settle(LIMIT).await.unwrap();
    until(&mut c, "the failed run's end", |c| {
        run_view(c).is_finished()
    })
    .await;
    c.settle(LIMIT).await.unwrap();
    assert_eq!(run_view(&c).status(), Some(DeploymentStatus::Failed));
    assert!(c.screen(&ui()).contains("Failed in tofu-apply"));
    let before = run_view(&c).events_held();

    // Retry: a question first, then the service restarts the run; the new attempt is
    // followed to its end and the log gets its lines once, after the first attempt's.
    c.keys("R").unwrap();
    assert!(c.screen(&ui()).contains("Retry tofu-apply"));
    c.keys("y").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert_eq!(run_view(&c).attempt, 2, "{:?}", run_view(&c).retry);
    until(&mut c, "the retried run's end", |c| {
        let v = run_view(c);
        v.is_finished() && v.status() == Some(DeploymentStatus::Ready)
    })
    .await;
    c.settle(LIMIT).await.unwrap();
    let view = run_view(&c);
    assert!(view.events_held() > before);
    assert_log_is_the_services(view, &prov).await;
}

/// Against a provisioning service without a list of runs (as the real one: 405), the
/// list says so; a run opened by id is remembered and listed from then on.
#[tokio::test]
async fn j3_without_a_service_list_runs_open_by_id_and_are_remembered() {
    let opts = SandboxOptions {
        speed: 0.0,
        no_deployment_list: true,
        ..SandboxOptions::default()
    };
    let ids = catalyst_tui::sandbox::provisioning::ProvisioningSandbox::new(&opts)
        .seeded()
        .clone();
    let sb = contract_support::start_with(opts).await;
    let mut c = Headless::sandbox(&sb.base_url, "admin", (120, 40), Target::Deployments);
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("offers no list"), "{screen}");
    assert!(
        !screen.contains(&ids.ready),
        "nothing remembered yet: {screen}"
    );

    c.keys(&format!(": 'deployment {}' enter", ids.ready))
        .unwrap();
    c.settle(LIMIT).await.unwrap();
    until(&mut c, "the run's end", |c| run_view(c).is_finished()).await;
    assert_eq!(run_view(&c).status(), Some(DeploymentStatus::Ready));

    c.keys("esc").unwrap();
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(matches!(c.state.top(), Route::Deployments(_)), "{screen}");
    assert!(screen.contains(&ids.ready), "remembered: {screen}");
    assert!(screen.contains("ready"), "{screen}");
}

/// The running run followed in the console through every fault the real service and its
/// proxy produce: streams cut every 50 events, silent streams (an idle cut, shortened to
/// 2 s here), frames repeated after each reconnect, one request in five answered 5xx;
/// the log still holds exactly the service's events, in order. An unknown id is the
/// service's text/plain 404, said in the view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j3_the_viewer_holds_exactly_the_services_lines_through_faults() {
    let opts = SandboxOptions {
        speed: 40.0,
        faults: catalyst_tui::sandbox::Faults {
            drop_after_events: Some(50),
            idle_after_events: Some(170),
            duplicate_on_reconnect: true,
            error_ratio: 0.2,
            ..Default::default()
        },
        ..SandboxOptions::default()
    };
    let ids = catalyst_tui::sandbox::provisioning::ProvisioningSandbox::new(&opts)
        .seeded()
        .clone();
    let sb = contract_support::start_with(opts).await;
    let config = contract_support::config(&sb, None)
        .with_provisioning_url(&format!("{}/sovereign", sb.base_url))
        .unwrap();
    let prov = ApiClient::new(config, TokenSource::None)
        .unwrap()
        .provisioning()
        .unwrap();
    let mut c = Headless::sandbox(
        &sb.base_url,
        "admin",
        (120, 40),
        Target::Deployment(ids.running.clone()),
    )
    .with_provisioning_idle(Duration::from_secs(2));
    let _ = c.settle(LIMIT).await;
    // Where the stream stood between batches: it must have been cut and come back.
    let reconnects = std::cell::Cell::new(0);
    until(&mut c, "the run's end through faults", |c| {
        let view = run_view(c);
        if matches!(
            view.log().stream_state(),
            Some(StreamState::Reconnecting { .. })
        ) {
            reconnects.set(reconnects.get() + 1);
        }
        view.is_finished()
    })
    .await;
    assert!(reconnects.get() > 0, "the faults cut the stream");
    let view = run_view(&c);
    assert_eq!(view.status(), Some(DeploymentStatus::Ready));
    // The service's own list, asked again past injected 5xx.
    let mut all = None;
    for _ in 0..20 {
        if let Ok(a) = prov.deployment_events(&view.id).await {
            all = Some(a);
            break;
        }
    }
    let all = all.expect("the service's list");
    assert!(all.done);
    let held: Vec<String> = view
        .log()
        .buffer()
        .iter()
        .map(|l| l.raw().to_string())
        .collect();
    assert_eq!(held.len(), expected_lines(&all.events).len(), "lines held");
    assert!(
        held == expected_lines(&all.events),
        "the same lines, in order"
    );

    // An id the service does not know: its text/plain 404, in the view.
    c.keys(": 'deployment 0000000000000000' enter").unwrap();
    let _ = c.settle(LIMIT).await;
    for _ in 0..50 {
        if c.screen(&ui()).contains("not found") {
            break;
        }
        c.next_event(Duration::from_millis(200)).await;
    }
    let screen = c.screen(&ui());
    assert!(screen.contains("not found"), "{screen}");
}
