#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point
//! The console headless signing in through the sandbox's Keycloak-like realm, as a profile
//! with `oidc_issuer` does: the address on screen, a browser (here a plain HTTP client)
//! signing in as a persona, the code pasted into the overlay (out of band) or the browser
//! coming back to the console's loopback listener; a refused code first keeps the prompt
//! open. Bounded waits on conditions, no sleeps.

mod contract_support;

use std::time::Duration;

use catalyst_tui::api::{ApiClient, TokenSource};
use catalyst_tui::app::headless::Headless;
use catalyst_tui::app::oidc::RedirectChoice;
use catalyst_tui::sandbox::RunningSandbox;
use catalyst_tui::state::Input;
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::Target;
use catalyst_tui::views::overlays::Overlay;
use contract_support::start;

const LIMIT: Duration = Duration::from_secs(20);

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

fn console(sb: &RunningSandbox, redirect: RedirectChoice) -> Headless {
    console_with(sb, redirect, TokenSource::None, Target::Home)
}

fn oidc_client(sb: &RunningSandbox, tokens: TokenSource) -> ApiClient {
    let issuer = format!("{}/realms/sovereign", sb.base_url);
    let config = contract_support::config(sb, None)
        .with_oidc(&issuer, None)
        .unwrap();
    ApiClient::new(config, tokens).unwrap()
}

fn console_with(
    sb: &RunningSandbox,
    redirect: RedirectChoice,
    tokens: TokenSource,
    open: Target,
) -> Headless {
    Headless::with_oidc(oidc_client(sb, tokens), redirect, (80, 24), open)
}

/// Signs in out of band: the browser as `persona`, the page's code pasted, Enter.
async fn paste_code_of(c: &mut Headless, persona: &str) -> String {
    let url = address(c).await;
    let page = browser()
        .get(format!("{url}&persona={persona}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = code_in(&page);
    c.input(Input::Paste(code.clone()));
    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    code
}

/// Waits until the sign-in overlay shows; its address.
async fn address(c: &mut Headless) -> String {
    loop {
        if let Some(Overlay::Authorize(a)) = c.state.overlays.last() {
            return a.url.clone();
        }
        assert!(c.next_event(LIMIT).await, "no sign-in prompt");
    }
}

fn browser() -> reqwest::Client {
    catalyst_tui::cli::install_tls_provider();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The code of the out-of-band page.
fn code_in(page: &str) -> String {
    let start = page.find("id=\"code\"").expect("a code field");
    let rest = &page[start..];
    let v = rest.find("value=\"").unwrap() + 7;
    let end = rest[v..].find('"').unwrap();
    rest[v..v + end].to_string()
}

fn signed_in_as_layla(c: &Headless, code: &str) {
    assert!(c.state.overlays.is_empty(), "{:?}", c.state.overlays);
    let me = c.state.session.me.as_ref().expect("signed in");
    assert_eq!(me.sub, "layla");
    let screen = c.screen(&ui());
    assert!(screen.contains("Layla"), "{screen}");
    assert!(
        screen.contains("digital-channels"),
        "the home view: {screen}"
    );
    assert!(!screen.contains(code), "the code on screen: {screen}");
}

#[tokio::test]
async fn a_profile_with_an_issuer_signs_in_by_pasting_the_realms_code() {
    let sb = start().await;
    let mut c = console(&sb, RedirectChoice::OutOfBand);
    let url = address(&mut c).await;
    let screen = c.screen(&ui());
    assert!(screen.contains("Sign in"), "{screen}");
    assert!(
        screen.contains("/realms/sovereign/protocol/openid-"),
        "{screen}"
    );
    assert!(screen.contains("paste the code"), "{screen}");

    // A wrong code is refused; the prompt stays for another paste.
    c.input(Input::Paste("not-the-code".into()));
    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Some(Overlay::Authorize(a)) = c.state.overlays.last() else {
        panic!("the prompt closed on a refusal")
    };
    assert!(
        a.note
            .as_deref()
            .unwrap_or_default()
            .contains("not accepted")
    );
    assert!(c.state.session.me.is_none());

    // The browser signs in as layla; the page shows the code, which is pasted with its
    // line end (a paste never submits), then Enter.
    let page = browser()
        .get(format!("{url}&persona=layla"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = code_in(&page);
    c.input(Input::Paste(format!("{code}\r\n")));
    assert!(c.state.session.signing_in && c.state.session.me.is_none());
    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    signed_in_as_layla(&c, &code);
}

#[tokio::test]
async fn the_browser_coming_back_to_the_loopback_signs_in_without_a_paste() {
    let sb = start().await;
    let port = {
        let probe = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut c = console(&sb, RedirectChoice::Loopback(port));
    let url = address(&mut c).await;
    let Some(Overlay::Authorize(a)) = c.state.overlays.last() else {
        unreachable!()
    };
    assert_eq!(
        a.loopback.as_deref(),
        Some(format!("http://localhost:{port}").as_str())
    );
    // The realm sends the browser back to the console's listener with the code.
    let answer = browser()
        .get(format!("{url}&persona=layla"))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let back = answer.headers()["location"].to_str().unwrap().to_string();
    let back = back.replace("localhost", "127.0.0.1");
    let code = reqwest::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let page = browser().get(back).send().await.unwrap();
    assert!(page.status().is_success(), "{}", page.status());
    // The sign-in finishes without anything pasted.
    while c.state.session.me.is_none() {
        assert!(
            c.next_event(LIMIT).await,
            "no sign-in after the loopback answer"
        );
    }
    c.settle(LIMIT).await.unwrap();
    signed_in_as_layla(&c, &code);
}

#[tokio::test]
async fn a_refused_refresh_brings_the_realms_sign_in_back_and_keeps_the_view() {
    let sb = start().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("tokens.json");
    let mut c = console_with(
        &sb,
        RedirectChoice::OutOfBand,
        TokenSource::cache(&cache),
        Target::Org("digital-channels".into()),
    );
    paste_code_of(&mut c, "layla").await;
    assert!(c.state.session.me.is_some());
    assert_eq!(c.state.routes.len(), 2);

    // Another holder of the same tokens renews them, rotating the refresh token away;
    // then the access token expires on the server's clock.
    let copy = dir.path().join("copy.json");
    std::fs::copy(&cache, &copy).unwrap();
    oidc_client(&sb, TokenSource::cache(&copy))
        .recover_from_unauthorized()
        .await
        .unwrap();
    sb.state.world.write().await.clock_skew += chrono::TimeDelta::seconds(3_600);
    c.keys("ctrl-r").unwrap();
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("Session expired"), "{screen}");

    // Enter signs in again through the realm; the view stays where it was.
    c.keys("enter").unwrap();
    let code = paste_code_of(&mut c, "layla").await;
    assert!(c.state.overlays.is_empty(), "{:?}", c.state.overlays);
    assert!(!c.state.session.expired);
    assert_eq!(c.state.routes.len(), 2, "the view was kept");
    let screen = c.screen(&ui());
    assert!(screen.contains("digital-channels-prod"), "{screen}");
    assert!(!screen.contains(&code));
}
