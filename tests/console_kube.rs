#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! Inside a grant from the console, headless against the sandbox over real HTTP: Layla's
//! grant on digital-channels-dev, the degraded payment-rail's pods followed through the
//! `kube` crate (the crash-looping pod first), its log, its events saying why, its
//! HelmRelease's Ready condition, an object's YAML; then an approver revokes the grant and
//! every view inside it stops and says so, following nothing more.
//!
//! The simulation is frozen; the test changes the world itself and waits on what the
//! screen shows, with generous bounds (no timed assertions).

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::effect::StreamSpec;
use catalyst_tui::model::*;
use catalyst_tui::views::Target;

const ENV: &str = "digital-channels-dev";
const APP: &str = "payment-rail";
const WHY: &str = "readiness probe failing: upstream rtgs gateway refused connection";
const LIMIT: Duration = Duration::from_secs(30);

fn ui() -> catalyst_tui::ui::Ui {
    let (theme, _) = catalyst_tui::theme::Theme::shipped("dark").unwrap();
    catalyst_tui::ui::Ui {
        theme,
        glyphs: &catalyst_tui::theme::Glyphs::UNICODE,
    }
}

/// Applies events until the screen shows all of `wanted` (or fails after [`LIMIT`]).
async fn until_shown(c: &mut Headless, wanted: &[&str]) -> String {
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let screen = c.screen(&ui());
        if wanted.iter().all(|w| screen.contains(w)) {
            return screen;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited for {wanted:?}; the screen:\n{screen}"
        );
        c.next_event(Duration::from_millis(500)).await;
    }
}

fn follows_kube(c: &Headless) -> bool {
    c.state
        .streams()
        .iter()
        .any(|s| matches!(s, StreamSpec::Kube(_)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layla_looks_inside_her_grant_until_it_is_revoked() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sb = contract_support::start().await;
    // payment-rail degrades the way the simulation would.
    {
        let mut world = sb.state.world.write().await;
        let rec = world.apps.get_mut(ENV).unwrap().get_mut(APP).unwrap();
        rec.apply_status(AppStatus::Degraded, WHY, chrono::Utc::now());
    }
    let layla = contract_support::sign_in(&sb, "layla").await;
    let grant = layla
        .create_access_request(
            ENV,
            &CreateAccessRequest {
                reason: "payment-rail crash loop".into(),
                duration_minutes: 30,
                access: AccessLevel::Debug,
            },
        )
        .await
        .unwrap();
    assert_eq!(grant.state, AccessState::Granted);

    let mut c = Headless::sandbox(
        &sb.base_url,
        "layla",
        (80, 24),
        Target::Kube {
            env: ENV.into(),
            app: Some(APP.into()),
        },
    );
    c.settle(LIMIT).await.unwrap();
    let screen = until_shown(&mut c, &["CrashLoopBackOff", "0/1", "· live"]).await;
    // The crash-looping pod comes first, selected.
    let first = screen
        .lines()
        .find(|l| l.contains("payment-rail-"))
        .unwrap();
    assert!(first.contains("CrashLoopBackOff"), "{screen}");
    assert!(
        screen.contains("debug digital-channels-dev · 30 min left"),
        "{screen}"
    );

    // Its log, followed.
    c.keys("enter").unwrap();
    until_shown(&mut c, &["readiness probe failing", "exiting"]).await;
    c.keys("esc").unwrap();

    // The events say why; the HelmRelease is not Ready, with the message.
    c.keys("tab").unwrap();
    until_shown(&mut c, &["Unhealthy"]).await;
    c.keys("tab").unwrap();
    let screen = until_shown(&mut c, &["HelmRelease", "False"]).await;
    assert!(screen.contains("refused"), "{screen}");

    // The HelmRelease as YAML, read through the grant.
    c.keys("Y").unwrap();
    c.settle(LIMIT).await.unwrap();
    until_shown(&mut c, &["kind: HelmRelease", "helmrelease/payment-rail"]).await;
    c.keys("esc tab").unwrap();
    until_shown(&mut c, &["Pods"]).await;
    assert!(follows_kube(&c));

    // An approver revokes the grant: the view stops, says so, and follows nothing.
    let admin = contract_support::sign_in(&sb, "admin").await;
    admin.revoke_access_request(&grant.id).await.unwrap();
    let screen = until_shown(&mut c, &["ended: the grant was revoked"]).await;
    assert!(
        !screen.contains("CrashLoopBackOff"),
        "no stale pod: {screen}"
    );
    assert!(!follows_kube(&c));
}
