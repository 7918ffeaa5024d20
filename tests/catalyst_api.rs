//! The console against a Sovereign that speaks catalyst-api: the sandbox serves the
//! catalyst surface on 127.0.0.1:0 and the client detects it, browses Orgs →
//! Environments → Applications, reads a detail and the catalog, sees a status change live
//! through the explorer's stream, is refused without a token, and gets "not offered" for
//! what catalyst-api lacks. The mapping unit tests against Go-shaped fixtures are in
//! `catalyst_api/adapt.rs`.
//!
//! Deterministic on a busy machine: the simulation is frozen, the test makes the change
//! itself, and every wait is on a condition with a generous bound.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[path = "catalyst_api/adapt.rs"]
mod adapt;
#[path = "catalyst_api/app_stream.rs"]
mod app_stream;
mod contract_support;

use std::time::Duration;

use catalyst_tui::api::catalyst::follow_k8s;
use catalyst_tui::api::follow::LiveMsg;
use catalyst_tui::api::sse::StreamStatus;
use catalyst_tui::api::{ApiClient, ApiError, ApiKind, ClientConfig, ProxySettings, TokenSource};
use catalyst_tui::app::catalyst_fetch::{Sovereign, fetch, fetch_with};
use catalyst_tui::effect::{DetailTab, Query};
use catalyst_tui::model::{AppStatus, LiveEvent};
use catalyst_tui::msg::{Data, TabData};
use catalyst_tui::sandbox::{ApiMode, RunningSandbox, SandboxOptions, spawn};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Bound of every wait: far above what a busy 2-core machine needs.
const PATIENCE: Duration = Duration::from_secs(90);

async fn start(api: ApiMode) -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    spawn(SandboxOptions {
        speed: 0.0,
        api,
        ..SandboxOptions::default()
    })
    .await
    .expect("the sandbox starts")
}

fn config(sb: &RunningSandbox) -> ClientConfig {
    let mut c = ClientConfig::parse(&sb.base_url).unwrap();
    c.proxy = ProxySettings::none();
    c.ssl_cert_file = None;
    c
}

fn client(sb: &RunningSandbox, token: Option<&str>) -> ApiClient {
    let source = match token {
        Some(t) => TokenSource::Static {
            token: t.to_string().into(),
            origin: "the test".into(),
        },
        None => TokenSource::None,
    };
    ApiClient::new(config(sb), source).unwrap()
}

/// A token for `persona` through the sandbox's device flow, as a browser would approve it.
async fn token(sb: &RunningSandbox, persona: &str) -> String {
    contract_support::raw_token(sb, persona).await
}

async fn next_msg(rx: &mut mpsc::Receiver<LiveMsg>) -> LiveMsg {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("the stream reports within the bound")
        .expect("the follower is running")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_browses_a_catalyst_sovereign() {
    let sb = start(ApiMode::Catalyst).await;
    let anonymous = client(&sb, None);

    // Detection: /meta is gone (404), /version answers.
    assert_eq!(anonymous.detect_api().await.unwrap(), ApiKind::Catalyst);
    assert_eq!(anonymous.meta().await.unwrap_err().status(), Some(404));
    let legacy = reqwest::get(format!("{}/api/v1/orgs", sb.base_url))
        .await
        .unwrap();
    assert_eq!(legacy.status(), 404, "console-API routes are not served");

    // Without a token: 401 {"error":"unauthenticated"} on every route behind the session.
    for path in ["/api/v1/whoami", "/api/v1/organizations", "/api/v1/catalog"] {
        let r = reqwest::get(format!("{}{path}", sb.base_url))
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            body,
            serde_json::json!({ "error": "unauthenticated" }),
            "{path}"
        );
    }
    assert!(
        anonymous
            .catalyst_whoami()
            .await
            .unwrap_err()
            .needs_sign_in()
    );
    let refused = client(&sb, Some("not-a-token"))
        .catalyst_organizations()
        .await;
    assert_eq!(refused.unwrap_err().status(), Some(401));

    let admin = client(&sb, Some(&token(&sb, "admin").await));
    let me = admin.catalyst_whoami().await.unwrap();
    assert!(!me.email.is_empty());
    let sovereign = Sovereign::resolve(&admin).await.unwrap();
    assert_eq!(sovereign.id, me.deployment_id.clone().unwrap());

    // Orgs → Environments → Applications of one Environment.
    let Data::Orgs(orgs) = fetch_with(&admin, &sovereign, Query::Orgs).await.unwrap() else {
        panic!("not orgs")
    };
    let world_orgs: Vec<String> = sb.state.world.read().await.orgs.keys().cloned().collect();
    let mut names: Vec<String> = orgs.iter().map(|o| o.name.clone()).collect();
    names.sort();
    assert_eq!(names, world_orgs);
    let org = orgs.iter().find(|o| !o.environments.is_empty()).unwrap();
    let Data::Environments(envs) = fetch_with(
        &admin,
        &sovereign,
        Query::Environments {
            org: org.name.clone(),
        },
    )
    .await
    .unwrap() else {
        panic!("not environments")
    };
    assert!(envs.iter().all(|e| e.org == org.name));
    let mut picked = None;
    for env in &envs {
        let Data::Applications(apps) = fetch_with(
            &admin,
            &sovereign,
            Query::Applications {
                env: env.name.clone(),
            },
        )
        .await
        .unwrap() else {
            panic!("not applications")
        };
        let expected = sb
            .state
            .world
            .read()
            .await
            .apps
            .get(&env.name)
            .map_or(0, |a| a.len());
        assert_eq!(apps.len(), expected, "{}", env.name);
        assert!(apps.iter().all(|a| a.environment == env.name));
        if let Some(a) = apps.iter().find(|a| a.status == AppStatus::Running) {
            picked = Some(a.clone());
            break;
        }
    }
    let app = picked.expect("a running Application in one of the Org's Environments");
    let env = app.environment.clone();

    // One Application's detail (through fetch, and the raw detail answer).
    let Data::Application(read) = fetch_with(
        &admin,
        &sovereign,
        Query::Application {
            env: env.clone(),
            app: app.name.clone(),
        },
    )
    .await
    .unwrap() else {
        panic!("not an application")
    };
    assert_eq!(
        (read.name.as_str(), read.environment.as_str()),
        (app.name.as_str(), env.as_str())
    );
    assert_eq!(read.blueprint, app.blueprint);
    let detail = admin
        .catalyst_application(&sovereign.id, &app.name, Some(&app.org))
        .await
        .unwrap();
    assert_eq!(detail.name, app.name);
    assert_eq!(detail.blueprint, app.blueprint.name);
    let Data::Tab(_, tab) = fetch_with(
        &admin,
        &sovereign,
        Query::Tab {
            env: env.clone(),
            app: app.name.clone(),
            tab: DetailTab::Overview,
        },
    )
    .await
    .unwrap() else {
        panic!("not a tab")
    };
    assert!(matches!(*tab, TabData::Settings { .. }));

    // The catalog (palette names and Blueprints).
    let Data::Catalog(catalog) = fetch_with(&admin, &sovereign, Query::Catalog)
        .await
        .unwrap()
    else {
        panic!("not the catalog")
    };
    assert!(catalog.blueprints.contains(&app.blueprint.name));
    assert!(catalog.environments.contains(&env));
    assert!(
        catalog
            .applications
            .contains(&(env.clone(), app.name.clone()))
    );
    let cat = admin.catalyst_catalog().await.unwrap();
    assert!(cat.items.iter().all(|b| !b.card.title.is_empty()));

    // Not offered: promotions (and the rest catalyst-api has no data for).
    for q in [
        Query::Promotion { id: "pr-1".into() },
        Query::InboxItems,
        Query::Tab {
            env: env.clone(),
            app: app.name.clone(),
            tab: DetailTab::History,
        },
    ] {
        let e = fetch(&admin, q).await.unwrap_err();
        assert!(matches!(e, ApiError::NotOffered { .. }), "{e:?}");
    }

    // Live: the Application goes Ready → Degraded and the stream says so.
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let follower = follow_k8s(admin.clone(), sovereign.id.clone(), tx, cancel.clone());
    loop {
        match next_msg(&mut rx).await {
            LiveMsg::Status(StreamStatus::Live) => break,
            LiveMsg::Status(StreamStatus::Failed { reason }) => panic!("{reason}"),
            _ => {}
        }
    }
    {
        let mut world = sb.state.world.write().await;
        let now = world.now();
        let changed = world.app_mut(&env, &app.name).unwrap().apply_status(
            AppStatus::Degraded,
            "readiness probe failing",
            now,
        );
        sb.state.bus.publish(
            &app.org,
            Some(&env),
            LiveEvent::ApplicationUpdated(Box::new(changed)),
        );
    }
    let seen = loop {
        match next_msg(&mut rx).await {
            LiveMsg::Event {
                event: LiveEvent::ApplicationUpdated(a),
                ..
            } if a.name == app.name && a.environment == env => break a,
            LiveMsg::Status(StreamStatus::Failed { reason }) => panic!("{reason}"),
            _ => {}
        }
    };
    assert_eq!(seen.status, AppStatus::Degraded);
    assert!(
        seen.status_detail.contains("readiness probe failing"),
        "{}",
        seen.status_detail
    );
    cancel.cancel();
    follower.await.unwrap();
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_api_sandbox_is_detected_as_such() {
    let sb = start(ApiMode::Console).await;
    assert_eq!(
        client(&sb, None).detect_api().await.unwrap(),
        ApiKind::Console
    );
    let r = reqwest::get(format!("{}/api/v1/whoami", sb.base_url))
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        404,
        "catalyst routes are not served in console mode"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_member_sees_only_its_org() {
    let sb = start(ApiMode::Catalyst).await;
    let layla = client(&sb, Some(&token(&sb, "layla").await));
    let sovereign = Sovereign::resolve(&layla).await.unwrap();
    let Data::Orgs(orgs) = fetch_with(&layla, &sovereign, Query::Orgs).await.unwrap() else {
        panic!("not orgs")
    };
    let world = sb.state.world.read().await;
    assert!(
        !orgs.is_empty() && orgs.len() < world.orgs.len(),
        "{orgs:?}"
    );
    drop(world);
    sb.shutdown().await.unwrap();
}
