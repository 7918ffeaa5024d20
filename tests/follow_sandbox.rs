//! Following a provisioning run of the sandbox through the typed client, with faults
//! injected: followed to `done`, it yields exactly the events the server holds, in its
//! order (none lost, none twice, identical lines included) through cut streams, repeated
//! frames after every replay and silent connections.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

use contract_support as support;

use std::time::Duration;

use catalyst_tui::api::follow::{DeploymentMsg, follow_deployment};
use catalyst_tui::api::sse::{IdlePolicy, Jitter, StreamOptions, StreamStatus};
use catalyst_tui::api::{ApiClient, ClientConfig, ProvisioningClient, TokenSource};
use catalyst_tui::model::{DeploymentStatus, ProvisionEvent};
use catalyst_tui::sandbox::{Faults, SandboxOptions};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Longest a follow may take before the test gives up (a liveness bound, not a timing
/// assertion: runs normally finish in seconds).
const LIVENESS: Duration = Duration::from_secs(120);

fn client(base: &str, token: Option<String>) -> ApiClient {
    let config = ClientConfig::parse(base)
        .unwrap()
        .with_provisioning_url(&format!("{base}/sovereign"))
        .unwrap();
    let source = match token {
        Some(t) => TokenSource::Static {
            token: t.into(),
            origin: "test".into(),
        },
        None => TokenSource::None,
    };
    ApiClient::new(config, source).unwrap()
}

fn fast_provisioning() -> StreamOptions {
    StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::provisioning()
    }
}

/// Follows the seeded running deployment to its end; returns the events shown, the
/// final state and how many times the stream reconnected.
async fn follow_running(
    faults: Faults,
    options: StreamOptions,
) -> (
    Vec<ProvisionEvent>,
    DeploymentStatus,
    usize,
    ProvisioningClient,
    String,
) {
    let sb = support::start_with(SandboxOptions {
        speed: 40.0,
        faults,
        ..SandboxOptions::default()
    })
    .await;
    let api = client(&sb.base_url, None);
    let prov = api.provisioning().expect("provisioning client");
    let runs = prov
        .list_deployments()
        .await
        .unwrap()
        .expect("the sandbox lists runs");
    let running = runs
        .iter()
        .find(|d| !d.status.is_terminal())
        .expect("a running deployment")
        .id
        .clone();
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    follow_deployment(prov.clone(), running.clone(), options, tx, cancel.clone());
    let mut events = Vec::new();
    let mut reconnects = 0;
    let status = tokio::time::timeout(LIVENESS, async {
        while let Some(msg) = rx.recv().await {
            match msg {
                DeploymentMsg::Event(e) => events.push(e),
                DeploymentMsg::Status(StreamStatus::Reconnecting { .. }) => reconnects += 1,
                DeploymentMsg::Status(_) | DeploymentMsg::ResyncFailed(_) => {}
                DeploymentMsg::Done(state) => return *state.status,
                DeploymentMsg::Failed(why) => panic!("follow failed: {why}"),
            }
        }
        panic!("the follow ended without a final state")
    })
    .await
    .expect("the run finishes");
    cancel.cancel();
    std::mem::forget(sb); // keep serving while the caller compares with /events
    (events, status, reconnects, prov, running)
}

async fn assert_exactly_the_servers_events(
    events: &[ProvisionEvent],
    prov: &ProvisioningClient,
    id: &str,
) {
    let all = prov.deployment_events(id).await.unwrap();
    assert!(all.done);
    if events.len() != all.events.len() {
        let mut seen = std::collections::HashMap::new();
        for e in events {
            *seen.entry(e).or_insert(0) += 1;
        }
        let dups = seen.values().filter(|c| **c > 1).count();
        let missing = all.events.iter().filter(|e| !seen.contains_key(e)).count();
        let first = events
            .iter()
            .zip(all.events.iter())
            .position(|(a, b)| a != b);
        eprintln!("dups {dups} missing {missing} first mismatch {first:?}");
        if let Some(i) = first {
            eprintln!("ours {:?}\nserver {:?}", events[i], all.events[i]);
        }
    }
    assert_eq!(
        events.len(),
        all.events.len(),
        "no event lost, none shown twice"
    );
    assert_eq!(events, all.events.as_slice(), "in the server's order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_followed_to_done_without_faults() {
    let (events, status, reconnects, prov, id) =
        follow_running(Faults::default(), fast_provisioning()).await;
    assert_eq!(status, DeploymentStatus::Ready);
    assert_eq!(reconnects, 0);
    assert!(events.iter().any(|e| e.phase == "tofu-apply"));
    assert!(
        events
            .iter()
            .any(|e| e.phase == "component" && e.state.is_some())
    );
    assert_exactly_the_servers_events(&events, &prov, &id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_streams_and_repeated_frames_lose_and_repeat_nothing() {
    let faults = Faults {
        drop_after_events: Some(120),
        duplicate_on_reconnect: true,
        ..Faults::default()
    };
    let (events, status, reconnects, prov, id) = follow_running(faults, fast_provisioning()).await;
    assert_eq!(status, DeploymentStatus::Ready);
    assert!(
        reconnects >= 2,
        "the stream was cut and resumed ({reconnects} reconnects)"
    );
    assert_exactly_the_servers_events(&events, &prov, &id).await;
}

/// Cut by time rather than by count, connections get past their replay: the events left
/// in the service's shared queue come again after each replay (the first connection's
/// too: the queue filled before anyone read it), then live events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_frames_after_each_replay_are_not_shown_again() {
    let faults = Faults {
        drop_after_secs: Some(2),
        duplicate_on_reconnect: true,
        ..Faults::default()
    };
    let (events, status, reconnects, prov, id) = follow_running(faults, fast_provisioning()).await;
    assert_eq!(status, DeploymentStatus::Ready);
    assert!(
        reconnects >= 1,
        "the stream was cut ({reconnects} reconnects)"
    );
    assert_exactly_the_servers_events(&events, &prov, &id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_stream_is_detected_and_resumed() {
    let faults = Faults {
        idle_after_events: Some(150),
        ..Faults::default()
    };
    let options = StreamOptions {
        idle: IdlePolicy::Silence {
            after: Duration::from_secs(2),
        },
        ..fast_provisioning()
    };
    let (events, status, reconnects, prov, id) = follow_running(faults, options).await;
    assert_eq!(status, DeploymentStatus::Ready);
    assert!(reconnects >= 1, "the idle cut was noticed");
    assert_exactly_the_servers_events(&events, &prov, &id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_deployment_fails_with_the_services_words() {
    let sb = support::start().await;
    let prov = client(&sb.base_url, None).provisioning().unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    follow_deployment(
        prov,
        "0123456789abcdef".into(),
        fast_provisioning(),
        tx,
        CancellationToken::new(),
    );
    let mut failure = None;
    while let Some(msg) = tokio::time::timeout(LIVENESS, rx.recv()).await.unwrap() {
        if let DeploymentMsg::Status(StreamStatus::Failed { reason }) = &msg {
            assert!(reason.contains("deployment not found"), "{reason}");
        }
        if let DeploymentMsg::Failed(why) = msg {
            failure = Some(why);
        }
    }
    assert!(failure.is_some());
}
