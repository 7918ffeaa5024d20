//! Incident triage (`GET /api/v1/triage`) and the catalogue of names (`GET /api/v1/catalog`)
//! through the typed client against the sandbox: each identity sees exactly the problems
//! the per-resource routes would show it, worst and oldest first with the ids that open
//! them; pages cover everything once; and at `--scale` both stay one request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use catalyst_tui::model::*;
use catalyst_tui::sandbox::{SandboxOptions, Scale};
use contract_support::*;

fn find<'a>(items: &'a [TriageItem], kind: TriageKind, target: &str) -> Option<&'a TriageItem> {
    items.iter().find(|i| i.kind == kind && i.target == target)
}

#[tokio::test]
async fn admin_sees_every_kind_of_problem_worst_and_oldest_first() {
    let sb = start().await;
    let admin = sign_in(&sb, "admin").await;
    let items = admin.list_all_triage(None).await.unwrap();

    let failed = find(&items, TriageKind::ApplicationFailed, "etl-runner").expect("etl-runner");
    assert_eq!(failed.severity, Severity::Critical);
    assert_eq!(failed.org.as_deref(), Some("analytics"));
    assert_eq!(failed.application.as_deref(), Some("etl-runner"));
    assert!(failed.why.contains("CrashLoopBackOff"), "{}", failed.why);

    let degraded =
        find(&items, TriageKind::ApplicationDegraded, "notification-bus").expect("degraded");
    assert_eq!(degraded.severity, Severity::Warning);
    assert!(degraded.environment.is_some());

    let run = items
        .iter()
        .find(|i| i.kind == TriageKind::ProvisioningFailed)
        .expect("the seeded failed run");
    assert!(run.deployment_id.as_deref().is_some_and(|d| d.len() == 16));
    assert_eq!(run.org, None);

    let promo = find(&items, TriageKind::PromotionWaiting, "marketing-site").expect("pr-000001");
    assert_eq!(promo.promotion_id.as_deref(), Some("pr-000001"));
    // pr-000002 is five hours old: not waiting long yet.
    assert!(
        !items
            .iter()
            .any(|i| i.promotion_id.as_deref() == Some("pr-000002"))
    );

    let access = items
        .iter()
        .find(|i| i.kind == TriageKind::AccessPending)
        .expect("ar-000001");
    assert_eq!(access.access_request_id.as_deref(), Some("ar-000001"));
    assert_eq!(access.org.as_deref(), Some("digital-channels"));

    // The analytics-api update (4 minutes old) is not stuck at the default 30 minutes,
    // but is with a threshold of 0.
    assert!(find(&items, TriageKind::OperationStuck, "analytics-api").is_none());
    let strict = admin.list_all_triage(Some(0)).await.unwrap();
    let stuck = find(&strict, TriageKind::OperationStuck, "analytics-api").expect("stuck");
    assert!(stuck.why.contains("updating"), "{}", stuck.why);

    // Worst first, then oldest.
    for pair in items.windows(2) {
        assert!(pair[0].sort_key() <= pair[1].sort_key(), "{pair:?}");
    }
    assert_eq!(items[0].severity, Severity::Critical);
}

#[tokio::test]
async fn each_identity_sees_what_it_may_read() {
    let sb = start().await;
    let [layla, omar, salim, huda, khalid] =
        sign_in_all(&sb, ["layla", "omar", "salim", "huda", "khalid"]).await;

    for (who, client) in [("layla", &layla), ("omar", &omar), ("huda", &huda)] {
        let items = client.list_all_triage(None).await.unwrap();
        assert!(
            items
                .iter()
                .all(|i| i.org.as_deref() == Some("digital-channels")),
            "{who} sees only digital-channels: {items:?}"
        );
        assert!(
            !items
                .iter()
                .any(|i| i.kind == TriageKind::ProvisioningFailed),
            "{who} sees no provisioning run"
        );
        assert!(find(&items, TriageKind::ApplicationDegraded, "notification-bus").is_some());
    }
    // The pending request: its requester and its deciders see it; another developer and
    // a viewer do not.
    let has_access =
        |items: &[TriageItem]| items.iter().any(|i| i.kind == TriageKind::AccessPending);
    assert!(has_access(&layla.list_all_triage(None).await.unwrap()));
    assert!(has_access(&salim.list_all_triage(None).await.unwrap()));
    assert!(!has_access(&omar.list_all_triage(None).await.unwrap()));
    assert!(!has_access(&huda.list_all_triage(None).await.unwrap()));

    // A sovereign-wide reader reads every Org but not the provisioning runs.
    let items = khalid.list_all_triage(None).await.unwrap();
    assert!(find(&items, TriageKind::ApplicationFailed, "etl-runner").is_some());
    assert!(
        !items
            .iter()
            .any(|i| i.kind == TriageKind::ProvisioningFailed)
    );
}

#[tokio::test]
async fn pages_cover_every_item_once_and_limits_are_checked() {
    let sb = start().await;
    let admin = sign_in(&sb, "admin").await;
    let all = admin.list_all_triage(Some(0)).await.unwrap();
    assert!(all.len() >= 5, "{all:?}");
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let page = admin
            .list_triage(&TriageQuery {
                stuck_after: Some(0),
                limit: Some(2),
                cursor,
            })
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        paged.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(paged, all);
    let err = admin
        .list_triage(&TriageQuery {
            limit: Some(0),
            ..TriageQuery::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
}

#[tokio::test]
async fn the_catalogue_names_what_each_identity_may_see() {
    let sb = start().await;
    let [admin, layla] = sign_in_all(&sb, ["admin", "layla"]).await;
    let all = admin.catalog_names().await.unwrap();
    assert_eq!(all.orgs.len(), 4);
    assert!(
        all.applications
            .iter()
            .any(|a| a.name == "etl-runner" && a.environment.starts_with("analytics-"))
    );
    assert!(all.blueprints.iter().any(|b| b == "bp-wordpress"));
    let mine = layla.catalog_names().await.unwrap();
    assert_eq!(mine.orgs, vec!["digital-channels".to_string()]);
    assert!(
        mine.environments
            .iter()
            .all(|e| e.starts_with("digital-channels-"))
    );
    assert!(
        mine.applications
            .iter()
            .all(|a| a.environment.starts_with("digital-channels-"))
    );
    assert!(!mine.applications.is_empty());
}

#[tokio::test]
async fn at_scale_triage_and_the_catalogue_are_one_request_each() {
    let sb = start_with(SandboxOptions {
        speed: 0.0,
        scale: Some(Scale {
            orgs: 100,
            envs: 4,
            apps: 25,
        }),
        ..SandboxOptions::default()
    })
    .await;
    let admin = sign_in(&sb, "admin").await;
    let (problems, apps) = {
        let world = sb.state.world.read().await;
        let problems = world
            .apps
            .values()
            .flat_map(|a| a.values())
            .filter(|r| matches!(r.app.status, AppStatus::Failed | AppStatus::Degraded))
            .count();
        let apps: usize = world.apps.values().map(|a| a.len()).sum();
        (problems, apps)
    };
    assert!(apps >= 10_000, "{apps}");

    // The client's own reading of triage: one page holds the whole answer.
    let page = admin
        .list_triage(&TriageQuery {
            limit: Some(catalyst_tui::api::TRIAGE_PAGE),
            ..TriageQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.next_cursor, None);
    let app_problems = page
        .items
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                TriageKind::ApplicationFailed | TriageKind::ApplicationDegraded
            )
        })
        .count();
    assert_eq!(app_problems, problems);
    let orgs: std::collections::BTreeSet<_> =
        page.items.iter().filter_map(|i| i.org.clone()).collect();
    assert!(orgs.len() > 50, "{}", orgs.len());

    let names = admin.catalog_names().await.unwrap();
    assert_eq!(names.applications.len(), apps);
    assert_eq!(names.orgs.len(), sb.state.world.read().await.orgs.len());
}

/// A pass-through proxy in front of the sandbox that counts the console API requests it
/// forwards and answers 404 for the paths in `hide`, as a server without them would.
async fn proxy(
    upstream: String,
    hide: &'static [&'static str],
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::body::Body;
    use axum::http::{Request, Response, StatusCode};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let http = reqwest::Client::new();
    let handler = move |req: Request<Body>| {
        let http = http.clone();
        let upstream = upstream.clone();
        let log = log.clone();
        async move {
            let path = req.uri().path().to_string();
            if path.starts_with("/api/v1/") {
                log.lock().unwrap().push(path.clone());
            }
            if hide.contains(&path.as_str()) {
                return Response::builder()
                    .status(StatusCode::NOT_FOUND)
                    .header("content-type", "application/json")
                    .body(Body::from(
                        r#"{"error":"not-found","detail":"there is no such route"}"#,
                    ))
                    .unwrap();
            }
            let url = format!(
                "{upstream}{}",
                req.uri().path_and_query().map_or("/", |p| p.as_str())
            );
            let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes()).unwrap();
            let mut out = http.request(method, url);
            for (k, v) in req.headers() {
                if k != "host" {
                    out = out.header(k.as_str(), v.as_bytes());
                }
            }
            let body = axum::body::to_bytes(req.into_body(), usize::MAX)
                .await
                .unwrap();
            let answer = out.body(body).send().await.unwrap();
            let mut back = Response::builder().status(answer.status().as_u16());
            for (k, v) in answer.headers() {
                back = back.header(k.as_str(), v.as_bytes());
            }
            back.body(Body::from(answer.bytes().await.unwrap()))
                .unwrap()
        }
    };
    let app = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

/// A client through `proxy_url`, signed in as `persona` on the sandbox behind it.
async fn through(
    sb: &catalyst_tui::sandbox::RunningSandbox,
    proxy_url: &str,
    persona: &str,
) -> catalyst_tui::api::ApiClient {
    let mut c = config(sb, None);
    c.api_url = reqwest::Url::parse(proxy_url).unwrap();
    let client =
        catalyst_tui::api::ApiClient::new(c, catalyst_tui::api::TokenSource::None).unwrap();
    let (_, result) = device_sign_in(&client, &sb.base_url, persona, "approve").await;
    result.unwrap();
    client
}

async fn catalog_of(client: &catalyst_tui::api::ApiClient) -> catalyst_tui::msg::Catalog {
    match catalyst_tui::app::fetch::fetch(client, catalyst_tui::effect::Query::Catalog, Vec::new())
        .await
        .unwrap()
    {
        catalyst_tui::msg::Data::Catalog(c) => *c,
        other => panic!("not a catalogue: {other:?}"),
    }
}

#[tokio::test]
async fn the_palette_catalogue_is_one_request_and_falls_back_without_it() {
    let sb = start().await;
    let (url, seen) = proxy(sb.base_url.clone(), &[]).await;
    let admin = through(&sb, &url, "admin").await;
    seen.lock().unwrap().clear();
    let one = catalog_of(&admin).await;
    assert_eq!(*seen.lock().unwrap(), vec!["/api/v1/catalog".to_string()]);
    assert!(one.applications.len() > 20);

    let (url, seen) = proxy(sb.base_url.clone(), &["/api/v1/catalog", "/api/v1/triage"]).await;
    let admin = through(&sb, &url, "admin").await;
    seen.lock().unwrap().clear();
    let old = catalog_of(&admin).await;
    assert_eq!(old, one, "the old path names the same things");
    let asked = seen.lock().unwrap().clone();
    assert!(asked.len() > 10, "Environment by Environment: {asked:?}");
    assert_eq!(asked[0], "/api/v1/catalog");
    // Triage has no such fallback: the view says this Sovereign does not offer it.
    let err = catalyst_tui::app::fetch::fetch(
        &admin,
        catalyst_tui::effect::Query::Triage { stuck_after: None },
        Vec::new(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, catalyst_tui::api::ApiError::NotOffered { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn at_scale_the_palette_and_triage_views_ask_once() {
    let sb = start_with(SandboxOptions {
        speed: 0.0,
        scale: Some(Scale {
            orgs: 100,
            envs: 4,
            apps: 25,
        }),
        ..SandboxOptions::default()
    })
    .await;
    let (url, seen) = proxy(sb.base_url.clone(), &[]).await;
    let admin = through(&sb, &url, "admin").await;
    seen.lock().unwrap().clear();
    let catalog = catalog_of(&admin).await;
    assert!(catalog.applications.len() >= 10_000);
    let triage = catalyst_tui::app::fetch::fetch(
        &admin,
        catalyst_tui::effect::Query::Triage { stuck_after: None },
        Vec::new(),
    )
    .await
    .unwrap();
    assert!(matches!(triage, catalyst_tui::msg::Data::Triage(ref t) if t.len() > 100));
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["/api/v1/catalog".to_string(), "/api/v1/triage".to_string()]
    );
}
