#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! Support mode from the console, headless against the sandbox over real HTTP: the
//! support persona without a ticket is asked for one before anything is read; with it,
//! the banner names the ticket and the Organization helped, browsing works, promoting and
//! asking for kube access are refused in the console with the reason (no request leaves),
//! and the security officer's audit trail shows the agent's reads carrying the ticket.

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::model::AuditQuery;
use catalyst_tui::views::Target;

const LIMIT: Duration = Duration::from_secs(30);
const TICKET: &str = "SUP-1234";

fn ui() -> catalyst_tui::ui::Ui {
    let (theme, _) = catalyst_tui::theme::Theme::shipped("dark").unwrap();
    catalyst_tui::ui::Ui {
        theme,
        glyphs: &catalyst_tui::theme::Glyphs::UNICODE,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_support_agent_names_a_ticket_reads_and_changes_nothing() {
    let sb = contract_support::start().await;
    let mut c = Headless::sandbox(
        &sb.base_url,
        "support",
        (100, 30),
        Target::Org("digital-channels".into()),
    );
    c.settle(LIMIT).await.unwrap();
    // Asked for the ticket; nothing read yet.
    let screen = c.screen(&ui());
    assert!(
        screen.contains("which ticket are you working on"),
        "{screen}"
    );
    assert!(c.state.session.me.is_none());

    c.keys(&format!("'{TICKET}' ctrl-s")).unwrap();
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(
        screen.contains(&format!("SUPPORT {TICKET} · helping digital-channels")),
        "{screen}"
    );
    assert!(screen.contains("digital-channels-prod"), "{screen}");

    // Into an Environment: promoting and kube access are refused here, with the reason.
    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let sent = c.state.next_request;
    c.keys("P").unwrap();
    c.settle(LIMIT).await.unwrap();
    let said = c.state.notice.clone().unwrap();
    assert!(said.text.contains("read-only"), "{said:?}");
    c.keys("A").unwrap();
    let said = c.state.notice.clone().unwrap();
    assert!(said.text.contains("never opens kube access"), "{said:?}");
    assert_eq!(c.state.next_request, sent, "no request was made");
    let bar = c.screen(&ui());
    let keys = bar.lines().last().unwrap();
    assert!(
        !keys.contains("promote") && !keys.contains("access"),
        "{keys}"
    );

    // The security officer sees the agent's reads, each with the ticket.
    let khalid = contract_support::sign_in(&sb, "khalid").await;
    let trail = khalid
        .list_audit(&AuditQuery {
            actor: Some("support".into()),
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let mine: Vec<_> = trail
        .items
        .iter()
        .filter(|r| r.support_ticket.as_deref() == Some(TICKET))
        .collect();
    assert!(
        mine.iter().any(|r| r.target.contains("digital-channels")),
        "{:?}",
        trail.items
    );
    assert!(
        mine.iter().all(|r| r.action.starts_with("support.")),
        "only reads: {mine:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_given_at_start_is_sent_from_the_first_request() {
    let sb = contract_support::start().await;
    let mut c = Headless::sandbox_with_ticket(
        &sb.base_url,
        "support",
        Some("SUP-77"),
        (80, 24),
        Target::Home,
    );
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("SUPPORT SUP-77"), "{screen}");
    assert!(c.state.session.me.is_some(), "{screen}");
}
