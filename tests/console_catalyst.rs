#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The console against a Sovereign that speaks catalyst-api (the sandbox's `--api
//! catalyst` surface), signed in with a Keycloak token as `CATALYST_TOKEN` gives it: it
//! finds out which API the server speaks, opens on the Organizations, browses to an
//! Environment's cards, leaves what the Sovereign does not offer out of the key bar (and
//! says so when the key is pressed), changes a card live from the explorer's stream, and
//! follows a provisioning run with the token to its end, its log exactly the service's
//! list.
//!
//! Deterministic on a busy machine: the world is changed by the test itself, and every
//! wait is on a condition with a generous bound.

use std::time::Duration;

use catalyst_tui::api::{
    ApiClient, ApiKind, ClientConfig, ProvisioningClient, ProxySettings, TokenSource,
};
use catalyst_tui::app::headless::Headless;
use catalyst_tui::model::{AppStatus, LiveEvent};
use catalyst_tui::sandbox::{ApiMode, RunningSandbox, SandboxOptions, spawn};
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::{Route, Target};

const LIMIT: Duration = Duration::from_secs(30);
const LIVENESS: Duration = Duration::from_secs(120);

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

async fn start(speed: f64) -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    spawn(SandboxOptions {
        speed,
        api: ApiMode::Catalyst,
        ..SandboxOptions::default()
    })
    .await
    .expect("the sandbox starts")
}

/// An access token of the sandbox's Keycloak realm (password grant, client `kubectl`).
async fn keycloak_token(sb: &RunningSandbox, user: &str) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/realms/sovereign/protocol/openid-connect/token",
            sb.base_url
        ))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "kubectl"),
            ("username", user),
            ("password", "sandbox"),
            ("scope", "openid"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().unwrap().to_string()
}

/// A client of the sandbox holding `user`'s realm token (as `CATALYST_TOKEN` gives it).
async fn client_as(sb: &RunningSandbox, user: &str, api: Option<ApiKind>) -> ApiClient {
    let mut config = ClientConfig::parse(&sb.base_url).unwrap();
    config.proxy = ProxySettings::none();
    config.ssl_cert_file = None;
    config.api = api;
    let token = keycloak_token(sb, user).await;
    ApiClient::new(
        config,
        TokenSource::Static {
            token: token.into(),
            origin: "CATALYST_TOKEN".into(),
        },
    )
    .unwrap()
}

/// Today's provisioning service as `user` sees it (catalyst-api serves it itself).
async fn provisioning_as(sb: &RunningSandbox, user: &str) -> ProvisioningClient {
    client_as(sb, user, Some(ApiKind::Catalyst))
        .await
        .provisioning()
        .expect("catalyst-api serves the provisioning routes itself")
}

/// The console as `CATALYST_TOKEN=… catalyst-tui --api-url URL` starts it.
async fn console(sb: &RunningSandbox, user: &str, open: Target) -> Headless {
    let client = client_as(sb, user, None).await;
    let mut c = Headless::with_client(client, (80, 24), open);
    c.settle(LIMIT).await.unwrap();
    c
}

async fn until(c: &mut Headless, what: &str, done: impl Fn(&Headless) -> bool) {
    let deadline = tokio::time::Instant::now() + LIVENESS;
    while !done(c) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}:\n{}",
            c.screen(&ui())
        );
        c.next_event(Duration::from_secs(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_a_catalyst_sovereign_and_see_a_card_change_live() {
    let sb = start(0.0).await;
    let mut c = console(&sb, "admin", Target::Home).await;
    let screen = c.screen(&ui());
    assert!(c.state.session.catalyst, "detected as catalyst-api");
    assert!(screen.contains("digital-channels"), "{screen}");
    assert!(
        !screen.contains("SANDBOX"),
        "a configured Sovereign: {screen}"
    );

    // Organizations → Environments → an Environment's cards.
    c.keys(": 'org digital-channels' enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("digital-channels-stg"), "{screen}");
    c.keys(": 'env digital-channels-stg' enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Env(env) = c.state.top() else {
        panic!("not in an environment:\n{}", c.screen(&ui()))
    };
    assert_eq!(env.env, "digital-channels-stg");
    // Running cards come after any problem: payment-rail is among the Applications shown.
    assert!(
        env.shown().any(|a| a.name == "payment-rail"),
        "{}",
        c.screen(&ui())
    );
    let screen = c.screen(&ui());

    // Promotions are not offered there: no key for them, and the key says why.
    assert!(!screen.contains("promote"), "{screen}");
    c.keys("P").unwrap();
    let notice = c.state.notice.clone().expect("the key says why");
    assert!(notice.text.contains("not offered"), "{}", notice.text);

    // The Application goes Degraded on the platform: its card follows, no re-list.
    {
        let mut world = sb.state.world.write().await;
        let now = world.now();
        let record = world
            .app_mut("digital-channels-stg", "payment-rail")
            .unwrap();
        let org = record.app.org.clone();
        let changed = record.apply_status(AppStatus::Degraded, "readiness probe failing", now);
        sb.state.bus.publish(
            &org,
            Some("digital-channels-stg"),
            LiveEvent::ApplicationUpdated(Box::new(changed)),
        );
    }
    until(&mut c, "the card turning degraded", |c| {
        let Route::Env(env) = c.state.top() else {
            return false;
        };
        env.shown()
            .any(|a| a.name == "payment-rail" && a.status == AppStatus::Degraded)
    })
    .await;
}

/// A provisioning run on today's service, behind the session: the console lists the
/// admin's runs, follows the running one with the token through live events the service
/// drops, and holds exactly the service's list, in its order; the handover is shown
/// without its one-time token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_followed_with_the_token_in_the_services_order() {
    catalyst_tui::cli::install_tls_provider();
    let sb = spawn(SandboxOptions {
        speed: 40.0,
        api: ApiMode::Catalyst,
        faults: catalyst_tui::sandbox::Faults {
            drop_live_every: Some(4),
            ..Default::default()
        },
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let mut c = console(&sb, "admin", Target::Deployments).await;
    let screen = c.screen(&ui());
    let Route::Deployments(list) = c.state.top() else {
        panic!("not on the runs:\n{screen}")
    };
    let running = list
        .runs
        .value()
        .expect("the runs are listed")
        .runs
        .iter()
        .find(|r| !r.status.is_terminal())
        .map(|r| r.id.clone())
        .expect("the running run is listed");
    c.keys(&format!(": 'deployment {running}' enter")).unwrap();
    c.settle(LIMIT).await.unwrap();
    let run = |c: &Headless| match c.state.top() {
        Route::Deployment(v) => v.is_finished(),
        _ => false,
    };
    until(&mut c, "the run's end", run).await;
    let Route::Deployment(view) = c.state.top() else {
        unreachable!()
    };
    // The service's own list, with the same token.
    let token = keycloak_token(&sb, "admin").await;
    let all: catalyst_tui::model::DeploymentEvents = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/deployments/{running}/events",
            sb.base_url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(all.done);
    let held: Vec<String> = view
        .log()
        .buffer()
        .iter()
        .map(|l| l.raw().to_string())
        .collect();
    let expected: Vec<String> = all
        .events
        .iter()
        .flat_map(|e| {
            let text = match e.handover() {
                Some(h) => catalyst_tui::words::handover(&h.handover_url, h.expires_at.as_deref()),
                None => e.message.clone(),
            };
            let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
            text.split('\n')
                .map(|p| catalyst_tui::views::logs::ansi::sanitize(p).0.to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(held.len(), expected.len(), "lines held");
    if let Some(i) = held.iter().zip(&expected).position(|(a, b)| a != b) {
        panic!(
            "out of the service's order at {i}: {:?} vs {:?}",
            held[i], expected[i]
        );
    }
    // The handover is shown, without its token.
    let handover = held
        .iter()
        .find(|l| l.contains("handover ready at"))
        .expect("the handover is in the log");
    assert!(handover.contains("token=…"), "{handover}");
    assert!(!held.iter().any(|l| l.contains(&token)), "no token shown");
}

/// Today's job retry as the client meets it: a job that did not fail is refused with the
/// service's 409; a Day-2 mutation the service cannot re-drive says so (502); another
/// owner's run is 404 JSON; the run's jobs are grouped by their batch, as the service no
/// longer lists batches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_retries_and_batches_on_todays_service() {
    let sb = start(0.0).await;
    let admin = provisioning_as(&sb, "admin").await;
    let runs = admin.list_deployments().await.unwrap().expect("a list");
    let ready = runs
        .iter()
        .find(|r| r.status == catalyst_tui::model::DeploymentStatus::Ready)
        .expect("a ready run")
        .id
        .clone();
    assert!(runs.iter().all(|r| r.owner_email.is_some()));
    let jobs = admin.jobs(&ready).await.unwrap();
    assert_eq!(
        admin.job_batches(&ready).await.unwrap(),
        None,
        "no batches route"
    );
    let batches = catalyst_tui::model::batches_of(&jobs);
    assert_eq!(
        batches.iter().map(|b| b.total as usize).sum::<usize>(),
        jobs.len()
    );
    let done = jobs
        .iter()
        .find(|j| j.status == catalyst_tui::model::JobStatus::Succeeded)
        .unwrap();
    let e = admin.retry_job(&ready, &done.id).await.unwrap_err();
    assert_eq!(e.status(), Some(409), "{e}");
    assert!(e.to_string().contains("not a failed"), "{e}");
    let mutation = jobs
        .iter()
        .find(|j| j.status == catalyst_tui::model::JobStatus::Failed)
        .expect("the failed Day-2 mutation");
    let e = admin.retry_job(&ready, &mutation.id).await.unwrap_err();
    assert_eq!(e.status(), Some(502), "{e}");
    assert!(e.to_string().contains("mutation bridge"), "{e}");

    // Layla's session does not own the admin's runs: she neither lists nor reads them.
    let layla = provisioning_as(&sb, "layla").await;
    assert_eq!(layla.list_deployments().await.unwrap(), Some(Vec::new()));
    let e = layla.deployment(&ready).await.unwrap_err();
    assert_eq!(e.status(), Some(404), "{e}");
}

/// Today's `phase1-watch` retry: a ready run whose watch timed out gets its watch back,
/// the components left short install, and the run ends ready with every component
/// installed; asking again while it watches is refused with the service's 409.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_watch_is_rearmed_until_every_component_is_installed() {
    let sb = start(20.0).await;
    let admin = provisioning_as(&sb, "admin").await;
    let runs = admin.list_deployments().await.unwrap().unwrap();
    let short = runs
        .iter()
        .find(|r| r.status == catalyst_tui::model::DeploymentStatus::Ready)
        .unwrap()
        .id
        .clone();
    let before = admin.deployment(&short).await.unwrap();
    let outcome = before.result.as_ref().and_then(|r| r.phase1_outcome);
    assert_eq!(outcome, Some(catalyst_tui::model::Phase1Outcome::Timeout));
    match admin.retry_phase(&short, "phase1-watch").await.unwrap() {
        catalyst_tui::api::provisioning::RetryOutcome::Restarted { phase, .. } => {
            assert_eq!(phase, "phase1-watch");
        }
        other => panic!("{other:?}"),
    }
    let deadline = tokio::time::Instant::now() + LIVENESS;
    let done = loop {
        let s = admin.deployment(&short).await.unwrap();
        if s.status.is_terminal() {
            break s;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the watch never ended"
        );
        let e = admin.retry_phase(&short, "phase1-watch").await.unwrap_err();
        assert_eq!(e.status(), Some(409), "{e}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done.status, catalyst_tui::model::DeploymentStatus::Ready);
    let result = done.result.unwrap();
    assert_eq!(
        result.phase1_outcome,
        Some(catalyst_tui::model::Phase1Outcome::Ready)
    );
    assert!(
        result
            .component_states
            .unwrap()
            .values()
            .all(|s| s == "installed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_of_a_catalyst_sovereign_is_its_rbac_audit() {
    let sb = start(0.0).await;
    let mut c = Headless::with_client(
        client_as(&sb, "admin", None).await,
        (120, 40),
        Target::parse_link("audit").unwrap(),
    );
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("RBAC changes only"), "{screen}");
    assert!(screen.contains("rbac-grant-created"), "{screen}");
    assert!(screen.contains("system@openova"), "{screen}");
    let Route::Audit(v) = c.state.top() else {
        panic!("not the audit view")
    };
    assert!(v.rbac_only());
    let rows = v.visible();
    assert!(rows.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    assert!(
        rows.iter().any(|r| r.target.contains("khalid")
            && r.reason.as_deref().unwrap_or("").contains("tier operator")),
        "{rows:?}"
    );

    // Below tier admin: restricted.
    let mut c = Headless::with_client(
        client_as(&sb, "layla", None).await,
        (80, 24),
        Target::parse_link("audit").unwrap(),
    );
    c.settle(LIMIT).await.unwrap();
    let screen = c.screen(&ui());
    assert!(screen.contains("Restricted"), "{screen}");
}
