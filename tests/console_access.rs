#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! Asking for access from the console, headless against the sandbox: `A` in an
//! Environment opens the editor for the reason, Ctrl-S sends it, and the answer is said
//! in the status bar (granted at once on dev by policy, pending an approver on prod); an
//! empty reason is refused in the editor and nothing is sent.

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::model::AccessState;
use catalyst_tui::views::Target;

const LIMIT: Duration = Duration::from_secs(30);

fn ui() -> catalyst_tui::ui::Ui {
    let (theme, _) = catalyst_tui::theme::Theme::shipped("dark").unwrap();
    catalyst_tui::ui::Ui {
        theme,
        glyphs: &catalyst_tui::theme::Glyphs::UNICODE,
    }
}

async fn ask(c: &mut Headless, env: &str, reason: &str) -> String {
    c.keys(&format!(": 'env {env}' enter")).unwrap();
    c.settle(LIMIT).await.unwrap();
    c.keys(&format!("A '{reason}' ctrl-s")).unwrap();
    c.settle(LIMIT).await.unwrap();
    c.state.notice.clone().map(|n| n.text).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layla_asks_for_access_and_is_told_the_answer() {
    let sb = contract_support::start().await;
    let mut c = Headless::sandbox(&sb.base_url, "layla", (80, 24), Target::Home);
    c.settle(LIMIT).await.unwrap();

    let said = ask(
        &mut c,
        "digital-channels-dev",
        "probe flaps on payment-rail",
    )
    .await;
    assert!(
        said.contains("granted: debug on digital-channels-dev until"),
        "{said}"
    );
    assert!(
        said.contains("catalyst-tui access exec digital-channels-dev"),
        "{said}"
    );
    // The status bar counts the grant down on the Environment's views.
    c.state.notice = None;
    let screen = c.screen(&ui());
    assert!(
        screen.contains("debug digital-channels-dev · ") && screen.contains(" min left"),
        "{screen}"
    );

    let said = ask(&mut c, "digital-channels-prod", "INC-4711 timeouts").await;
    assert!(said.contains("pending an approver"), "{said}");
    let admin = contract_support::sign_in(&sb, "admin").await;
    let pending = admin
        .list_access_requests(Some(AccessState::Pending), &Default::default())
        .await
        .unwrap();
    let mine = pending
        .items
        .iter()
        .find(|r| r.requester == "layla" && r.environment == "digital-channels-prod")
        .expect("the request waits for an approver");
    assert_eq!(mine.reason, "INC-4711 timeouts");
    assert_eq!(mine.duration_minutes, 30);

    // Without a reason nothing is sent: the editor stays and says why.
    let before = c.state.next_request;
    c.keys("A ctrl-s").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert!(!c.state.overlays.is_empty(), "the editor stays open");
    assert_eq!(c.state.next_request, before, "nothing sent");
    c.keys("esc").unwrap();
}

/// The keys that put the inbox's selection on the access request `id`.
fn select(c: &Headless, id: &str) -> String {
    let catalyst_tui::views::Route::Inbox(inbox) = c.state.top() else {
        panic!("not the inbox")
    };
    let items = inbox.items.value().expect("the inbox is read");
    let at = items
        .access_requests
        .iter()
        .position(|r| r.id == id)
        .expect("the request is listed");
    let mut keys = String::from("Home");
    for _ in 0..items.promotions.len() + at {
        keys.push_str(" j");
    }
    keys
}

/// An approver decides from the inbox: the access requests below the promotions, the
/// rules said above them; `a` grants with a comment, the answer is said and the list read
/// again; an org-admin does not get production's requests to decide.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approver_grants_from_the_inbox_and_the_rules_are_said() {
    let sb = contract_support::start().await;
    let layla = contract_support::sign_in(&sb, "layla").await;
    let asked = layla
        .create_access_request(
            "digital-channels-prod",
            &catalyst_tui::model::CreateAccessRequest {
                reason: "INC-4711 timeouts".into(),
                duration_minutes: 20,
                access: catalyst_tui::model::AccessLevel::Debug,
            },
        )
        .await
        .unwrap();
    assert_eq!(asked.state, AccessState::Pending);

    // Salim is an org-admin: production is not his to grant, so it is not in his inbox;
    // the rules are said above what he may decide.
    let mut salim = Headless::sandbox(&sb.base_url, "salim", (100, 30), Target::Inbox);
    salim.settle(LIMIT).await.unwrap();
    let screen = salim.screen(&ui());
    assert!(screen.contains("nobody decides their own"), "{screen}");
    let catalyst_tui::views::Route::Inbox(inbox) = salim.state.top() else {
        panic!("not the inbox")
    };
    let listed = &inbox.items.value().unwrap().access_requests;
    assert!(listed.iter().all(|r| r.id != asked.id), "{listed:?}");

    let mut admin = Headless::sandbox(&sb.base_url, "admin", (100, 30), Target::Inbox);
    admin.settle(LIMIT).await.unwrap();
    admin.keys(&select(&admin, &asked.id)).unwrap();
    let screen = admin.screen(&ui());
    assert!(
        screen.contains("▶ layla"),
        "the request is selected: {screen}"
    );
    assert!(screen.contains("a grant"), "{screen}");
    admin.keys("a 'go ahead, 20 min' ctrl-s").unwrap();
    admin.settle(LIMIT).await.unwrap();
    let said = admin
        .state
        .notice
        .clone()
        .map(|n| n.text)
        .unwrap_or_default();
    assert!(
        said.contains(&format!("Access {} for layla", asked.id)),
        "{said}"
    );
    assert!(said.contains("is granted"), "{said}");
    let now = layla.get_access_request(&asked.id).await.unwrap();
    assert_eq!(now.state, AccessState::Granted);
    assert_eq!(now.decided_by.as_deref(), Some("admin"));
}
