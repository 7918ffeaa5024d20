#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! Asking for access from the console, headless against the sandbox: `A` in an
//! Environment opens the editor for the reason with the duration and level above it
//! (Tab reaches them, ←/→ change them), Ctrl-S sends, and the answer is said in the status
//! bar (granted at once on dev by policy, pending an approver on prod); an empty reason
//! is refused in the editor and nothing is sent; a duration past the policy is refused
//! and said with everything kept. Live grants are revoked early from the inbox, by the
//! requester or an approver.

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

/// Asks for access to `env` with `reason`; `choose` are the keys that set the duration
/// and level (`tab tab right`: debug).
async fn ask(c: &mut Headless, env: &str, reason: &str, choose: &str) -> String {
    c.keys(&format!(": 'env {env}' enter")).unwrap();
    c.settle(LIMIT).await.unwrap();
    c.keys(&format!("A '{reason}' {choose} ctrl-s")).unwrap();
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
        "tab tab right",
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

    let said = ask(&mut c, "digital-channels-prod", "INC-4711 timeouts", "").await;
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
    assert_eq!(
        mine.access,
        catalyst_tui::model::AccessLevel::View,
        "view unless debug is chosen"
    );

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

fn notice_of(c: &Headless) -> String {
    c.state.notice.clone().map(|n| n.text).unwrap_or_default()
}

/// Applies live events until `done` holds (or fails after [`LIMIT`]).
async fn until(c: &mut Headless, done: impl Fn(&Headless) -> bool) {
    let deadline = std::time::Instant::now() + LIMIT;
    while !done(c) {
        assert!(
            std::time::Instant::now() < deadline,
            "not seen live within {LIMIT:?}"
        );
        c.next_event(Duration::from_millis(500)).await;
    }
}

/// The keys that put the inbox's selection on the live grant `id`.
fn select_grant(c: &Headless, id: &str) -> String {
    let catalyst_tui::views::Route::Inbox(inbox) = c.state.top() else {
        panic!("not the inbox")
    };
    let items = inbox.items.value().expect("the inbox is read");
    let at = items
        .grants
        .iter()
        .position(|r| r.id == id)
        .expect("the grant is listed");
    let above = items.promotions.len() + items.access_requests.len().min(5);
    let mut keys = String::from("Home");
    for _ in 0..above + at {
        keys.push_str(" j");
    }
    keys
}

/// The duration and level chosen in the form reach the request; a duration past the
/// Environment's policy is refused, said, and the form keeps everything for the next try.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chosen_duration_and_level_are_asked_for_and_the_policy_cap_is_said() {
    let sb = contract_support::start().await;
    let mut c = Headless::sandbox(&sb.base_url, "layla", (100, 30), Target::Home);
    c.settle(LIMIT).await.unwrap();

    // Production grants an hour at most: 120 min of debug is refused.
    let said = ask(
        &mut c,
        "digital-channels-prod",
        "INC-4711 timeouts",
        "tab right right tab right",
    )
    .await;
    assert!(said.contains("between 1 and 60 minutes"), "{said}");
    assert!(said.contains("shorter duration"), "{said}");
    // The form opens as it was left: one step shorter is allowed.
    c.keys("A").unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("INC-4711 timeouts"), "{screen}");
    assert!(
        screen.contains("Duration:   120 min") && screen.contains("Access:   debug"),
        "{screen}"
    );
    c.keys("tab left ctrl-s").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert!(
        notice_of(&c).contains("pending an approver"),
        "{}",
        notice_of(&c)
    );

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
    assert_eq!(mine.duration_minutes, 60);
    assert_eq!(mine.access, catalyst_tui::model::AccessLevel::Debug);
    assert_eq!(mine.reason, "INC-4711 timeouts");
}

/// A live grant is revoked early from the inbox: by its requester (whose countdown
/// stops), and by an approver of the Environment; each after a yes/no question.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_grants_are_revoked_from_the_inbox() {
    let sb = contract_support::start().await;
    let mut c = Headless::sandbox(&sb.base_url, "layla", (100, 30), Target::Home);
    c.settle(LIMIT).await.unwrap();
    let said = ask(
        &mut c,
        "digital-channels-dev",
        "probe flaps",
        "tab tab right",
    )
    .await;
    assert!(
        said.contains("granted: debug on digital-channels-dev"),
        "{said}"
    );
    let env = "digital-channels-dev";
    let granted = c
        .state
        .grants
        .live_on(env, c.state.now)
        .expect("my grant is counted down")
        .clone();

    // Layla ends her own grant.
    c.keys(": 'inbox' enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("Live grants"), "{screen}");
    c.keys(&select_grant(&c, &granted.id)).unwrap();
    c.keys("X").unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("Revoke access"), "{screen}");
    c.keys("y").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert!(
        notice_of(&c).contains(&format!(
            "Access {} of layla on {env} is revoked",
            granted.id
        )),
        "{}",
        notice_of(&c)
    );
    assert!(
        c.state.grants.live_on(env, c.state.now).is_none(),
        "the countdown stops"
    );
    let catalyst_tui::views::Route::Inbox(inbox) = c.state.top() else {
        panic!("not the inbox")
    };
    assert!(
        inbox
            .items
            .value()
            .unwrap()
            .grants
            .iter()
            .all(|g| g.id != granted.id),
        "the lists are read again"
    );
    let layla = contract_support::sign_in(&sb, "layla").await;
    assert_eq!(
        layla.get_access_request(&granted.id).await.unwrap().state,
        AccessState::Revoked
    );

    // An approver (the sovereign-admin) ends another of hers.
    let again = layla
        .create_access_request(
            env,
            &catalyst_tui::model::CreateAccessRequest {
                reason: "second look".into(),
                duration_minutes: 15,
                access: catalyst_tui::model::AccessLevel::View,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.state, AccessState::Granted);
    // Her console hears of it live and counts it down…
    until(&mut c, |c| {
        c.state
            .grants
            .live_on(env, c.state.now)
            .is_some_and(|g| g.id == again.id)
    })
    .await;
    let mut admin = Headless::sandbox(&sb.base_url, "admin", (100, 30), Target::Inbox);
    admin.settle(LIMIT).await.unwrap();
    admin.keys(&select_grant(&admin, &again.id)).unwrap();
    admin.keys("X y").unwrap();
    admin.settle(LIMIT).await.unwrap();
    assert!(
        notice_of(&admin).contains(&format!("Access {} of layla on {env} is revoked", again.id)),
        "{}",
        notice_of(&admin)
    );
    // …and stops when the approver revokes it.
    until(&mut c, |c| {
        c.state.grants.live_on(env, c.state.now).is_none()
    })
    .await;
    let now = layla.get_access_request(&again.id).await.unwrap();
    assert_eq!(now.state, AccessState::Revoked);
    assert_eq!(now.decided_by.as_deref(), Some("admin"));
}
