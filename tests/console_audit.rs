#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The audit view from the console, headless against the sandbox over real HTTP: the
//! security officer opens the trail filtered to a support ticket and sees the support
//! agent's reads carrying it; a read the agent makes while the view is open appears
//! live at the top; an org-developer sees the restricted state naming the role that
//! would allow it.

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::views::{Route, Target};

const LIMIT: Duration = Duration::from_secs(30);
const TICKET: &str = "SUP-1234";

fn ui() -> catalyst_tui::ui::Ui {
    let (theme, _) = catalyst_tui::theme::Theme::shipped("dark").unwrap();
    catalyst_tui::ui::Ui {
        theme,
        glyphs: &catalyst_tui::theme::Glyphs::UNICODE,
    }
}

fn loaded(c: &Headless) -> Vec<catalyst_tui::model::AuditRecord> {
    match c.state.top() {
        Route::Audit(v) => v.visible().into_iter().cloned().collect(),
        _ => panic!("not the audit view"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_security_officer_follows_a_support_agents_reads() {
    let sb = contract_support::start().await;
    // The support agent browses under a ticket: every read is audited.
    let mut agent = Headless::sandbox_with_ticket(
        &sb.base_url,
        "support",
        Some(TICKET),
        (100, 30),
        Target::Org("digital-channels".into()),
    );
    agent.settle(LIMIT).await.unwrap();

    let mut khalid = Headless::sandbox(
        &sb.base_url,
        "khalid",
        (120, 40),
        Target::parse_link("audit").unwrap(),
    );
    khalid.settle(LIMIT).await.unwrap();
    // The filter form: only the ticket's records.
    khalid.keys(&format!("f 'ticket={TICKET}' ctrl-s")).unwrap();
    khalid.settle(LIMIT).await.unwrap();
    let screen = khalid.screen(&ui());
    assert!(
        screen.contains(&format!("Filters: ticket={TICKET}")),
        "{screen}"
    );
    assert!(screen.contains("support.read"), "{screen}");
    let before = loaded(&khalid);
    assert!(!before.is_empty(), "{screen}");
    assert!(
        before
            .iter()
            .all(|r| r.support_ticket.as_deref() == Some(TICKET) && r.actor == "support"),
        "{before:?}"
    );
    assert!(
        before.iter().any(|r| r.target.contains("digital-channels")),
        "{before:?}"
    );

    // The agent opens an Environment: its reads arrive live, newest first.
    agent.keys("enter").unwrap();
    agent.settle(LIMIT).await.unwrap();
    let deadline = tokio::time::Instant::now() + LIMIT;
    while loaded(&khalid).len() == before.len() && tokio::time::Instant::now() < deadline {
        khalid.next_event(Duration::from_secs(1)).await;
    }
    let after = loaded(&khalid);
    assert!(after.len() > before.len(), "no live record: {after:?}");
    assert!(after[0].at >= before[0].at);
    assert!(
        after
            .iter()
            .any(|r| r.target.contains("/environments/digital-channels-")),
        "{after:?}"
    );
    assert!(
        after
            .iter()
            .all(|r| r.support_ticket.as_deref() == Some(TICKET)),
        "{after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_developer_is_told_who_may_read_the_trail() {
    let sb = contract_support::start().await;
    let mut layla = Headless::sandbox(&sb.base_url, "layla", (80, 24), Target::Home);
    layla.settle(LIMIT).await.unwrap();
    layla.keys(": 'audit' enter").unwrap();
    layla.settle(LIMIT).await.unwrap();
    let screen = layla.screen(&ui());
    assert!(matches!(layla.state.top(), Route::Audit(_)), "{screen}");
    assert!(screen.contains("Restricted"), "{screen}");
    assert!(screen.contains("security-officer"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_reads_the_ndjson_path_keeps_the_filters_and_never_overwrites() {
    use catalyst_tui::app::save::{Exported, export_audit};
    use catalyst_tui::model::{AuditFilters, AuditRecord};

    let sb = contract_support::start().await;
    let mut agent = Headless::sandbox_with_ticket(
        &sb.base_url,
        "support",
        Some(TICKET),
        (100, 30),
        Target::Org("digital-channels".into()),
    );
    agent.settle(LIMIT).await.unwrap();
    let khalid = contract_support::sign_in(&sb, "khalid").await;
    let keep = AuditFilters {
        ticket: Some(TICKET.into()),
        ..AuditFilters::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let asked = dir.path().join("catalyst-audit-20261208-000000.ndjson");
    let query = keep.query(None, 100);
    let Exported::Done {
        path,
        lines,
        skipped: 0,
        cut: None,
    } = export_audit(&khalid, &asked, &query, &keep, "").await
    else {
        panic!("the export failed")
    };
    assert_eq!(path, asked);
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<AuditRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), lines);
    assert!(lines > 0);
    assert!(
        records
            .iter()
            .all(|r| r.support_ticket.as_deref() == Some(TICKET))
    );
    assert!(
        records.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    // Only what the free-text words keep; and beside the first file, never over it.
    let Exported::Done { path, lines, .. } =
        export_audit(&khalid, &asked, &query, &keep, "digital-channels-prod").await
    else {
        panic!("the export failed")
    };
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "catalyst-audit-20261208-000000-2.ndjson"
    );
    assert!(lines < records.len(), "{lines}");
    assert_eq!(std::fs::read_to_string(&asked).unwrap(), text);
}
