//! `--flood-log RATE`: operation `op-flood` streams numbered log lines through the real
//! HTTP/SSE path to any signed-in persona, resumes by id across cuts, and does not exist
//! without the flag.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

use contract_support as support;

use std::time::Duration;

use catalyst_tui::api::ApiClient;
use catalyst_tui::api::follow::{OperationMsg, follow_operation};
use catalyst_tui::api::sse::{Jitter, StreamOptions, StreamStatus};
use catalyst_tui::model::EventLevel;
use catalyst_tui::sandbox::flow::flood;
use catalyst_tui::sandbox::{Faults, SandboxOptions};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Longest the test waits for lines (a liveness bound, not a timing assertion).
const LIVENESS: Duration = Duration::from_secs(60);

/// Follows `op-flood` as `api` until `want` lines came; answers them and the reconnects.
async fn read_lines(api: ApiClient, want: usize) -> (Vec<(EventLevel, String)>, usize) {
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    let options = StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::console()
    };
    follow_operation(api, flood::OPERATION.into(), options, tx, cancel.clone());
    let mut lines = Vec::new();
    let mut reconnects = 0;
    tokio::time::timeout(LIVENESS, async {
        while let Some(msg) = rx.recv().await {
            match msg {
                OperationMsg::Line(l) => {
                    lines.push((l.level, l.message));
                    if lines.len() >= want {
                        return;
                    }
                }
                OperationMsg::Done(d) => panic!("a flood never ends: {d:?}"),
                OperationMsg::Status(StreamStatus::Reconnecting { .. }) => reconnects += 1,
                OperationMsg::Status(StreamStatus::Failed { reason }) => panic!("{reason}"),
                OperationMsg::Status(_) => {}
            }
        }
        panic!("the stream ended");
    })
    .await
    .expect("lines arrive");
    cancel.cancel();
    (lines, reconnects)
}

fn number(message: &str) -> u64 {
    message
        .strip_prefix('#')
        .and_then(|m| m.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no line number in {message:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_persona_reads_the_flood_in_order() {
    let sb = support::start_with(SandboxOptions {
        speed: 0.0,
        flood_log: Some(20_000),
        ..SandboxOptions::default()
    })
    .await;
    // A read-only developer and a persona with no role in any Org.
    for persona in ["huda", "fatma"] {
        let api = support::sign_in(&sb, persona).await;
        let (lines, _) = read_lines(api, 5_000).await;
        let numbers: Vec<u64> = lines.iter().map(|(_, m)| number(m)).collect();
        let want: Vec<u64> = (1..=5_000).collect();
        assert_eq!(numbers, want, "{persona}: every line once, in order");
        for level in [EventLevel::Info, EventLevel::Warn, EventLevel::Error] {
            assert!(lines.iter().any(|(l, _)| *l == level), "{level:?} lines");
        }
        assert!(
            lines.iter().any(|(_, m)| m.contains('\u{1b}')),
            "ANSI colours"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flood_resumes_after_the_last_id_across_cuts() {
    let sb = support::start_with(SandboxOptions {
        speed: 0.0,
        flood_log: Some(5_000),
        faults: Faults {
            drop_after_events: Some(700),
            ..Faults::default()
        },
        ..SandboxOptions::default()
    })
    .await;
    let api = support::sign_in(&sb, "admin").await;
    let (lines, reconnects) = read_lines(api, 2_000).await;
    assert!(reconnects >= 2, "cut every 700 lines ({reconnects})");
    let numbers: Vec<u64> = lines.iter().map(|(_, m)| number(m)).collect();
    let want: Vec<u64> = (1..=2_000).collect();
    assert_eq!(numbers, want, "no gap and no repeat across cuts");
}

#[tokio::test]
async fn without_the_flag_there_is_no_flood() {
    let sb = support::start().await;
    let api = support::sign_in(&sb, "admin").await;
    let (tx, mut rx) = mpsc::channel(16);
    follow_operation(
        api,
        flood::OPERATION.into(),
        StreamOptions::console(),
        tx,
        CancellationToken::new(),
    );
    let failed = tokio::time::timeout(LIVENESS, async {
        while let Some(msg) = rx.recv().await {
            match msg {
                OperationMsg::Status(StreamStatus::Failed { reason }) => return reason,
                OperationMsg::Line(l) => panic!("a line without --flood-log: {l:?}"),
                _ => {}
            }
        }
        panic!("the stream ended without saying why");
    })
    .await
    .expect("the follow gives up");
    assert!(failed.contains("op-flood"), "{failed}");
}
