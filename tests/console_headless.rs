#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The console headless against the sandbox on loopback: the real client, runner and
//! update, driven by key strings and run until idle (no sleeps).

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::{Route, Target};
use contract_support::start;

const LIMIT: Duration = Duration::from_secs(20);

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

#[tokio::test]
async fn j2_browse_from_the_organizations_to_a_card_and_back() {
    let sb = start().await;
    let mut c = Headless::sandbox(&sb.base_url, "layla", (80, 24), Target::Home);
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("SANDBOX"), "{screen}");
    assert!(screen.contains("digital-channels"), "{screen}");
    assert!(screen.contains("Layla"), "{screen}");

    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("digital-channels-stg"), "{screen}");
    assert!(screen.contains("digital-channels-prod"), "{screen}");

    // Environments are listed poc → prod: dev, stg, uat, prod.
    c.keys("j enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Env(env) = c.state.top() else {
        panic!("not in an environment: {:?}", c.state.top().view().title())
    };
    assert_eq!(env.env, "digital-channels-stg");
    assert!(env.shown().any(|a| a.name == "payment-rail"));

    // Filter, open, switch tabs, come back: same filter.
    c.keys("/ 'payment' enter enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::App(app) = c.state.top() else {
        panic!("not in an application")
    };
    assert_eq!(app.app, "payment-rail");
    c.keys("tab tab").unwrap();
    c.settle(LIMIT).await.unwrap();
    c.keys("esc").unwrap();
    let Route::Env(env) = c.state.top() else {
        panic!("back did not return to the environment")
    };
    assert_eq!(env.filter.text, "payment");
    // Esc clears the filter first, then goes back.
    c.keys("esc esc").unwrap();
    assert!(matches!(c.state.top(), Route::Org(_)));
}

#[tokio::test]
async fn the_palette_jumps_to_an_environment_and_deep_links_build_the_stack() {
    let sb = start().await;
    let mut c = Headless::sandbox(&sb.base_url, "admin", (120, 40), Target::Home);
    c.settle(LIMIT).await.unwrap();
    c.keys(": 'env digital-channels-uat' enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Env(env) = c.state.top() else {
        panic!("the palette did not open the environment")
    };
    assert_eq!(env.env, "digital-channels-uat");

    let mut c = Headless::sandbox(
        &sb.base_url,
        "admin",
        (80, 24),
        Target::App {
            env: "digital-channels-stg".into(),
            app: "payment-rail".into(),
        },
    );
    c.settle(LIMIT).await.unwrap();
    assert_eq!(c.state.routes.len(), 4, "home, org, env, app");
    assert!(c.screen(&ui()).contains("payment-rail"));
    c.keys("esc").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Env(env) = c.state.top() else {
        panic!("back did not return to the environment")
    };
    assert!(
        env.shown().any(|a| a.name == "payment-rail"),
        "the environment loads on back"
    );
    // On the deep-linked Application's card, on screen.
    assert_eq!(
        env.selected_app().map(|a| a.name.as_str()),
        Some("payment-rail")
    );
    let screen = c.screen(&ui());
    assert!(screen.contains("▶ payment-rail"), "{screen}");
}

#[tokio::test]
async fn an_unknown_environment_says_not_found_and_help_lists_the_keys() {
    let sb = start().await;
    let mut c = Headless::sandbox(
        &sb.base_url,
        "admin",
        (80, 24),
        Target::Env("nowhere-dev".into()),
    );
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("Not found"), "{screen}");
    c.keys("?").unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("Keys"), "{screen}");
    assert!(screen.contains("Open the selected item"), "{screen}");
}

#[tokio::test]
async fn switching_persona_reloads_under_the_new_identity() {
    let sb = start().await;
    let mut c = Headless::sandbox(&sb.base_url, "admin", (80, 24), Target::Home);
    c.settle(LIMIT).await.unwrap();
    let admin_orgs = match c.state.top() {
        Route::Home(h) => h.orgs.value().map(Vec::len).unwrap_or(0),
        _ => 0,
    };
    c.keys("ctrl-p").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert!(c.screen(&ui()).contains("layla"));
    // Down to layla and choose her.
    let idx = match &c.state.overlays[0] {
        catalyst_tui::views::overlays::Overlay::Personas(p) => p
            .personas
            .value()
            .unwrap()
            .iter()
            .position(|p| p.id == "layla")
            .unwrap(),
        _ => panic!("no persona overlay"),
    };
    let current = match &c.state.overlays[0] {
        catalyst_tui::views::overlays::Overlay::Personas(p) => p.selected,
        _ => 0,
    };
    let moves = if idx >= current {
        "j ".repeat(idx - current)
    } else {
        "k ".repeat(current - idx)
    };
    c.keys(&format!("{moves} enter")).unwrap();
    c.settle(LIMIT).await.unwrap();
    assert_eq!(c.state.session.persona.as_deref(), Some("layla"));
    let layla_orgs = match c.state.top() {
        Route::Home(h) => h.orgs.value().map(Vec::len).unwrap_or(0),
        _ => 0,
    };
    assert!(
        layla_orgs < admin_orgs,
        "layla sees {layla_orgs}, admin {admin_orgs}"
    );
}

#[tokio::test]
async fn cards_follow_live_events_without_listing_again() {
    use catalyst_tui::model::{ActionRequest, AppAction, AppStatus};
    let sb = start().await;
    let mut c = Headless::sandbox(
        &sb.base_url,
        "admin",
        (120, 40),
        Target::Env("digital-channels-dev".into()),
    );
    c.settle(LIMIT).await.unwrap();
    // Wait until the live stream is connected, so the change below is seen as an event.
    while c.state.live != catalyst_tui::state::LiveState::Live {
        assert!(c.next_event(LIMIT).await, "the live stream never connected");
    }
    let Route::Env(env) = c.state.top() else {
        panic!()
    };
    let app = env
        .apps
        .value()
        .unwrap()
        .iter()
        .find(|a| {
            a.status == AppStatus::Running && a.kind == catalyst_tui::model::AppKind::Application
        })
        .map(|a| a.name.clone())
        .unwrap();
    let requests_before = c.state.next_request;
    let admin = contract_support::sign_in(&sb, "admin").await;
    admin
        .application_action(
            "digital-channels-dev",
            &app,
            &ActionRequest {
                action: AppAction::Pause,
                reason: "maintenance window".into(),
            },
        )
        .await
        .unwrap();
    let paused = |c: &Headless| match c.state.top() {
        Route::Env(env) => env
            .apps
            .value()
            .unwrap()
            .iter()
            .any(|a| a.name == app && a.status == AppStatus::Paused),
        _ => false,
    };
    while !paused(&c) {
        assert!(c.next_event(LIMIT).await, "no live event paused {app}");
    }
    assert_eq!(
        c.state.next_request, requests_before,
        "the card changed without a new request"
    );
    assert!(c.screen(&ui()).contains("Paused"));
}

#[tokio::test]
async fn a_profile_signs_in_by_device_flow_showing_the_code_and_keeps_the_view() {
    use catalyst_tui::api::{ApiClient, ClientConfig, TokenSource};
    use catalyst_tui::views::overlays::Overlay;
    let sb = start().await;
    let client = ApiClient::new(
        ClientConfig::parse(&sb.base_url).unwrap(),
        TokenSource::None,
    )
    .unwrap();
    let mut c = Headless::with_client(client, (80, 24), Target::Org("digital-channels".into()));
    // The prompt arrives while the sign-in waits.
    let code = loop {
        if let Some(Overlay::SignIn { user_code, .. }) = c.state.overlays.last() {
            break user_code.clone();
        }
        assert!(c.next_event(LIMIT).await, "no sign-in prompt");
    };
    let screen = c.screen(&ui());
    assert!(screen.contains(&code), "{screen}");
    assert!(screen.contains("/device"), "{screen}");
    // Someone approves it in a browser, as huda.
    contract_support::post_verification(&sb.base_url, &code, "huda", "approve").await;
    c.settle(Duration::from_secs(30)).await.unwrap();
    assert!(c.state.overlays.is_empty());
    assert_eq!(c.state.routes.len(), 2, "the deep link was kept");
    let screen = c.screen(&ui());
    assert!(screen.contains("digital-channels-prod"), "{screen}");
    assert!(
        !screen.contains("SANDBOX"),
        "a profile is not badged as the sandbox"
    );
}
