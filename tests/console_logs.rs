#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Operation logs in the console, headless against the sandbox on loopback: `L` on a card
//! opens the log of the operation moving it, and the viewer ends up with exactly the
//! lines the server kept (none lost, none repeated, same order) through streams cut
//! every few lines.

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::effect::StreamSpec;
use catalyst_tui::model::{ActionRequest, AppAction, OperationLogLine};
use catalyst_tui::sandbox::{Faults, SandboxOptions};
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::logs::{LogView, StreamState};
use catalyst_tui::views::{Route, Target, View};
use contract_support::{sign_in, start, start_with};

const LIMIT: Duration = Duration::from_secs(20);
const ENV: &str = "digital-channels-dev";

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

fn log_view(c: &Headless) -> &LogView {
    match c.state.top() {
        Route::Logs(v) => v,
        other => panic!("not in the log viewer: {}", other.view().title()),
    }
}

/// Restarts `app` as Layla; the operation's id.
async fn restart(sb: &catalyst_tui::sandbox::RunningSandbox, app: &str) -> String {
    let layla = sign_in(sb, "layla").await;
    layla
        .application_action(
            ENV,
            app,
            &ActionRequest {
                action: AppAction::Restart,
                reason: "follow its log in the console".into(),
            },
        )
        .await
        .unwrap()
        .operation_id
}

#[tokio::test]
async fn l_on_a_card_opens_the_log_of_the_operation_moving_it() {
    let sb = start().await;
    let op = restart(&sb, "payment-rail").await;
    let mut c = Headless::sandbox(&sb.base_url, "layla", (100, 30), Target::Env(ENV.into()));
    c.settle(LIMIT).await.unwrap();

    c.keys("/ 'payment-rail' enter L").unwrap();
    c.settle(LIMIT).await.unwrap();
    let view = log_view(&c);
    assert_eq!(
        view.stream(),
        Some(StreamSpec::Operation { id: op.clone() })
    );
    assert!(view.title().contains("payment-rail"), "{}", view.title());
    assert_eq!(c.state.streams(), [StreamSpec::Operation { id: op }]);

    // Back: the stream stops with the view.
    c.keys("esc").unwrap();
    assert!(matches!(c.state.top(), Route::Env(_)));
    assert!(c.state.streams().is_empty());

    // A card nothing moves says so instead of opening an empty log.
    c.keys("esc / 'notification' enter L").unwrap();
    let screen = c.screen(&ui());
    assert!(matches!(c.state.top(), Route::Env(_)), "{screen}");
    assert!(
        screen.contains("no install or update under way"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_log_arrives_whole_through_cut_streams() {
    let sb = start_with(SandboxOptions {
        speed: 10.0,
        faults: Faults {
            drop_after_events: Some(3),
            ..Faults::default()
        },
        ..SandboxOptions::default()
    })
    .await;
    let op = restart(&sb, "payment-rail").await;
    let mut c = Headless::sandbox(
        &sb.base_url,
        "layla",
        (100, 30),
        Target::OperationLog {
            id: op.clone(),
            title: String::new(),
        },
    );
    c.settle(LIMIT).await.unwrap();
    let mut reconnected = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        match log_view(&c).stream_state() {
            Some(StreamState::Finished { ok, .. }) => {
                assert!(ok, "the restart succeeds");
                break;
            }
            Some(StreamState::Failed(why)) => panic!("the stream failed: {why}"),
            Some(StreamState::Reconnecting { .. }) => reconnected = true,
            _ => {}
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the operation did not finish in time:\n{}",
            c.screen(&ui())
        );
        c.next_event(Duration::from_secs(5)).await;
    }
    assert!(reconnected, "the stream was cut every 3 lines");

    let server: Vec<OperationLogLine> = sb.state.world.read().await.operations[&op].lines.clone();
    let server: Vec<String> = server.iter().map(|l| l.message.clone()).collect();
    let ours: Vec<String> = log_view(&c)
        .buffer()
        .iter()
        .map(|l| l.raw().to_string())
        .collect();
    assert_eq!(ours, server, "exactly the server's lines, in order");
    let screen = c.screen(&ui());
    assert!(screen.contains("operation succeeded"), "{screen}");
}
