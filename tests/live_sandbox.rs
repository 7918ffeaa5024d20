//! Following the console's live event stream through the typed client with cut
//! streams: ids resume with `Last-Event-ID` across cuts, with no gap and no repeat.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

use contract_support as support;

use std::time::Duration;

use catalyst_tui::api::follow::{LiveMsg, follow_events};
use catalyst_tui::api::sse::{Jitter, StreamOptions, StreamStatus};
use catalyst_tui::api::{ApiClient, ClientConfig, TokenSource};
use catalyst_tui::model::LiveEvent;
use catalyst_tui::sandbox::{Faults, SandboxOptions};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Longest the test waits for events (a liveness bound, not a timing assertion).
const LIVENESS: Duration = Duration::from_secs(120);

fn client(base: &str, token: String) -> ApiClient {
    let config = ClientConfig::parse(base).unwrap();
    ApiClient::new(
        config,
        TokenSource::Static {
            token: token.into(),
            origin: "test".into(),
        },
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_resume_by_id_across_cuts() {
    let faults = Faults {
        drop_after_events: Some(5),
        ..Faults::default()
    };
    let sb = support::start_with(SandboxOptions {
        speed: 20.0,
        faults,
        ..SandboxOptions::default()
    })
    .await;
    let token = support::raw_token(&sb, "admin").await;
    let api = client(&sb.base_url, token);
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    let options = StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::console()
    };
    follow_events(api.clone(), None, None, options, tx, cancel.clone());
    // Changes made by people add to what the simulation publishes on its own.
    for app in ["payment-rail", "marketing-site"] {
        api.application_action(
            "digital-channels-dev",
            app,
            &catalyst_tui::model::ActionRequest {
                action: catalyst_tui::model::AppAction::Restart,
                reason: "follow test".into(),
            },
        )
        .await
        .unwrap();
    }
    let mut ids = Vec::new();
    let mut reconnects = 0;
    tokio::time::timeout(LIVENESS, async {
        while let Some(msg) = rx.recv().await {
            match msg {
                LiveMsg::Event {
                    id: Some(id),
                    event,
                } => {
                    assert_ne!(event, LiveEvent::Reset, "the replay log covers a short cut");
                    ids.push(id);
                    if ids.len() >= 30 {
                        return;
                    }
                }
                LiveMsg::Status(StreamStatus::Reconnecting { .. }) => reconnects += 1,
                LiveMsg::Status(StreamStatus::Failed { reason }) => panic!("{reason}"),
                _ => {}
            }
        }
    })
    .await
    .expect("events arrive");
    cancel.cancel();
    assert!(
        reconnects >= 3,
        "the stream was cut every 5 events ({reconnects})"
    );
    for pair in ids.windows(2) {
        assert_eq!(
            pair[1],
            pair[0] + 1,
            "ids follow on without gap or repeat: {ids:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_log_is_followed_to_done_across_cuts() {
    use catalyst_tui::api::follow::{OperationMsg, follow_operation};
    use catalyst_tui::model::{ActionRequest, AppAction};

    let faults = Faults {
        drop_after_events: Some(3),
        ..Faults::default()
    };
    let sb = support::start_with(SandboxOptions {
        speed: 10.0,
        faults,
        ..SandboxOptions::default()
    })
    .await;
    let token = support::raw_token(&sb, "layla").await;
    let api = client(&sb.base_url, token);
    let op = api
        .application_action(
            "digital-channels-dev",
            "payment-rail",
            &ActionRequest {
                action: AppAction::Restart,
                reason: "rolling restart".into(),
            },
        )
        .await
        .unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let options = StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::console()
    };
    follow_operation(
        api,
        op.operation_id.clone(),
        options,
        tx,
        CancellationToken::new(),
    );
    let mut lines = Vec::new();
    let mut reconnects = 0;
    let done = tokio::time::timeout(LIVENESS, async {
        while let Some(msg) = rx.recv().await {
            match msg {
                OperationMsg::Line(l) => lines.push(l.message),
                OperationMsg::Done(d) => return d,
                OperationMsg::Status(StreamStatus::Reconnecting { .. }) => reconnects += 1,
                OperationMsg::Status(StreamStatus::Failed { reason }) => panic!("{reason}"),
                OperationMsg::Status(_) => {}
            }
        }
        panic!("the log ended without done")
    })
    .await
    .expect("the operation finishes");
    assert_eq!(done.operation_id, op.operation_id);
    assert_eq!(done.outcome, "succeeded");
    assert!(reconnects >= 1, "the stream was cut every 3 lines");
    let server = sb.state.world.read().await.operations[&op.operation_id]
        .lines
        .iter()
        .map(|l| l.message.clone())
        .collect::<Vec<_>>();
    assert_eq!(lines, server, "every line once, in order, across cuts");
    assert!(
        lines.iter().any(|l| l.contains('\u{1b}')),
        "lines keep their ANSI colours"
    );
}
