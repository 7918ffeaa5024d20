//! `/logs`: framing, replay on every connection, byte-stable finished runs, the live
//! tail of a running run, and the reconnect fault.

use catalyst_tui::model::{DeploymentEvents, DeploymentStatus, EventLevel, Phase1Outcome};
use catalyst_tui::sandbox::SandboxOptions;

use super::support::*;

#[tokio::test]
async fn finished_runs_replay_byte_for_byte() {
    let s = Server::start(SandboxOptions::default()).await;
    let seeded = s.prov.seeded().clone();
    for (name, id) in [("ready.sse", &seeded.ready), ("failed.sse", &seeded.failed)] {
        let (head, body) = read_logs(&s, id).await;
        assert_sse_headers(&head);
        assert_fixture(name, &body);
        // Every connection replays the same history and `done` again.
        let (_, again) = read_logs(&s, id).await;
        assert_eq!(again, body);
        // A second sandbox from the same seed serves the same bytes.
        let other = Server::start(SandboxOptions::default()).await;
        assert_eq!(
            read_logs(&other, id).await.1,
            body,
            "deterministic from the seed"
        );
        // Last-Event-ID changes nothing.
        let with_id = s
            .http
            .get(s.url(&format!("/api/v1/deployments/{id}/logs")))
            .header("last-event-id", "5")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(with_id, body);
    }
}

#[tokio::test]
async fn the_failed_run_has_no_error_event_and_its_reason_in_the_done_state() {
    let s = Server::start(SandboxOptions::default()).await;
    let id = s.prov.seeded().failed.clone();
    let stream = parse_stream(&read_logs(&s, &id).await.1);
    assert_eq!(
        markers(&stream.events),
        ["tofu-init", "tofu-plan", "tofu-apply"]
    );
    assert!(stream.events.iter().all(|e| e.level != EventLevel::Error));
    // stderr lines arrive as `tofu` warnings, colour codes included.
    assert!(stream.events.iter().any(|e| e.phase == "tofu"
        && e.level == EventLevel::Warn
        && e.message.contains("Error: ")));
    assert!(stream.raw_events.iter().any(|r| r.contains("\\u001b[31m")));
    assert_eq!(stream.done.status, DeploymentStatus::Failed);
    let err = stream.done.error.as_deref().unwrap();
    assert!(err.starts_with("tofu apply: "), "{err}");
    assert!(stream.done.finished_at.is_some());
    assert!(stream.done.result.is_none());
    assert_eq!(stream.done.num_events as usize, stream.events.len());
    // The done data is the State, key for key what GET /deployments/{id} answers.
    let state_body = s
        .get(&format!("/api/v1/deployments/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(format!("{}\n", stream.raw_done), state_body);
}

#[tokio::test]
async fn the_ready_run_is_ready_by_timeout_with_components_not_installed() {
    let s = Server::start(SandboxOptions::default()).await;
    let id = s.prov.seeded().ready.clone();
    let stream = parse_stream(&read_logs(&s, &id).await.1);
    assert_eq!(markers(&stream.events), PHASE0);
    let st = &stream.done;
    assert_eq!(st.status, DeploymentStatus::Ready);
    let result = st.result.as_ref().unwrap();
    assert_eq!(result.phase1_outcome, Some(Phase1Outcome::Timeout));
    let states = st.component_states.as_ref().unwrap();
    assert_eq!(Some(states), result.component_states.as_ref());
    assert!(states.len() >= 20 && states.len() <= 35);
    let not_installed: Vec<_> = states
        .iter()
        .filter(|(_, v)| v.as_str() != "installed")
        .collect();
    assert!(
        !not_installed.is_empty(),
        "honest warning: some components are not installed"
    );
    assert!(states.values().all(|v| v != "failed"));
    assert!(st.phase1_finished_at.is_some());
    // The watch said so before it stopped: a diagnostic without a component.
    let last_diag = stream
        .events
        .iter()
        .rev()
        .find(|e| e.phase == "component" && e.component.is_none())
        .unwrap();
    assert_eq!(last_diag.level, EventLevel::Warn);
    assert!(last_diag.message.contains("deadline exceeded"));
    // Raw helm-controller lines carry their component.
    assert!(
        stream
            .events
            .iter()
            .any(|e| e.phase == "component-log" && e.component.is_some())
    );
    // Go escapes `<` and `>` in JSON strings.
    assert!(
        stream
            .raw_events
            .iter()
            .any(|r| r.contains("\\u003csensitive\\u003e"))
    );
    // `result.phase1FinishedAt` is Go's time.Time encoding (fractional seconds), the
    // top-level one whole seconds.
    assert!(result.phase1_finished_at.as_deref().unwrap().contains('.'));
    assert!(!st.phase1_finished_at.as_deref().unwrap().contains('.'));
    // State keys come out sorted, as from a Go map.
    assert!(
        stream.raw_done.starts_with("{\"componentStates\":{"),
        "{}",
        &stream.raw_done[..40]
    );
}

#[tokio::test]
async fn a_running_run_replays_then_tails_then_ends_with_done() {
    let s = Server::fast().await;
    let id = s.prov.seeded().running.clone();
    let resp = s.get(&format!("/api/v1/deployments/{id}/logs")).await;
    assert_eq!(resp.status(), 200);
    assert_sse_headers(resp.headers());
    let stream = parse_stream(&resp.text().await.unwrap());
    let ev = &stream.events;
    assert_eq!(markers(ev), PHASE0);
    // Every time is RFC 3339 in whole seconds.
    assert!(
        ev.iter()
            .all(|e| e.time.len() == 20 && e.time.ends_with('Z'))
    );
    // Raw OpenTofu lines with colours, stdout as info.
    let tofu: Vec<_> = ev.iter().filter(|e| e.phase == "tofu").collect();
    assert!(tofu.len() > 200);
    assert!(
        tofu.iter()
            .any(|e| e.message.contains('\u{1b}') && e.level == EventLevel::Info)
    );
    // Phase 1: transitions pending → installing → installed, one degradation that
    // recovers, diagnostics without a component, raw helm-controller lines.
    let transitions: Vec<_> = ev
        .iter()
        .filter(|e| e.phase == "component" && e.component.is_some())
        .collect();
    assert!(transitions.iter().all(|e| e.state.is_some()));
    let degraded = transitions
        .iter()
        .find(|e| e.state.as_deref() == Some("degraded"))
        .unwrap();
    let flapped = degraded.component.clone().unwrap();
    let last_of_flapped = transitions
        .iter()
        .rev()
        .find(|e| e.component.as_deref() == Some(flapped.as_str()))
        .unwrap();
    assert_eq!(last_of_flapped.state.as_deref(), Some("installed"));
    assert!(
        ev.iter()
            .any(|e| e.phase == "component" && e.component.is_none())
    );
    assert!(
        ev.iter()
            .any(|e| e.phase == "component-log" && e.component.is_some() && e.state.is_none())
    );
    let first_cilium: Vec<_> = transitions
        .iter()
        .filter(|e| e.component.as_deref() == Some("cilium"))
        .map(|e| e.state.as_deref().unwrap())
        .collect();
    assert_eq!(first_cilium, ["pending", "installing", "installed"]);
    // The end.
    let st = &stream.done;
    assert_eq!(st.status, DeploymentStatus::Ready);
    assert_eq!(
        st.result.as_ref().unwrap().phase1_outcome,
        Some(Phase1Outcome::Ready)
    );
    assert!(
        st.component_states
            .as_ref()
            .unwrap()
            .values()
            .all(|v| v == "installed")
    );
    assert_eq!(
        st.num_events as usize,
        ev.len(),
        "one connection saw every event once"
    );
    assert!(
        st.result
            .as_ref()
            .unwrap()
            .console_url
            .starts_with("https://console.")
    );

    // Reconnecting replays the whole history and sends done at once.
    let again = parse_stream(
        &s.get(&format!("/api/v1/deployments/{id}/logs"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(again.raw_events, stream.raw_events);
    assert_eq!(again.raw_done, stream.raw_done);
    // `/events` agrees.
    let snapshot: DeploymentEvents = s.json(&format!("/api/v1/deployments/{id}/events")).await;
    assert!(snapshot.done);
    assert_eq!(snapshot.events, stream.events);
    assert_eq!(snapshot.state, stream.done);
    let raw = s
        .get(&format!("/api/v1/deployments/{id}/events"))
        .await
        .text()
        .await
        .unwrap();
    assert!(raw.starts_with("{\"done\":true,\"events\":[") && raw.ends_with("}\n"));
}

#[tokio::test]
async fn two_clients_of_a_running_run_each_get_every_event_once() {
    let s = Server::fast().await;
    let id = s.prov.seeded().running.clone();
    let path = format!("/api/v1/deployments/{id}/logs");
    let (a, b) = tokio::join!(s.get(&path), s.get(&path));
    let (a, b) = tokio::join!(a.text(), b.text());
    let (a, b) = (parse_stream(&a.unwrap()), parse_stream(&b.unwrap()));
    assert_eq!(a.raw_events, b.raw_events);
    assert_eq!(a.done.num_events as usize, a.events.len());
}

#[tokio::test]
async fn the_reconnect_fault_repeats_live_events() {
    let mut opts = SandboxOptions {
        speed: 2000.0,
        ..SandboxOptions::default()
    };
    opts.faults.duplicate_on_reconnect = true;
    let s = Server::start(opts).await;
    let id = s.prov.seeded().running.clone();
    // Events emitted while nobody was connected wait in the service's live channel and
    // come again after the replay that already held them.
    let stream = parse_stream(
        &s.get(&format!("/api/v1/deployments/{id}/logs"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        stream.events.len() > stream.done.num_events as usize,
        "{} frames for {} events",
        stream.events.len(),
        stream.done.num_events
    );
    let history: DeploymentEvents = s.json(&format!("/api/v1/deployments/{id}/events")).await;
    for e in &stream.events {
        assert!(history.events.contains(e), "only real events are repeated");
    }
}
