//! Every console API route (CONTRACT Part B) is reachable through a typed method that sends
//! the right method, path, query and body and decodes the answer; listings follow cursors;
//! the audit export streams NDJSON records.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use axum::Router;
use axum::extract::{Query, Request};
use axum::response::Response;
use axum::routing::get;
use catalyst_tui::api::ApiError;
use catalyst_tui::model::*;
use client_support::*;
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Answers every route of Part B with a canned body chosen by method and path.
async fn canned(req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let seg: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let accepted = json!({"operation_id": "op-1"});
    let body: Value = match (method.as_str(), &seg[2..]) {
        ("GET", ["meta"]) => json!({
            "sovereign": {"name": "omantel", "domain": "omantel.example", "type": "sme"},
            "api_version": "v1",
            "auth": {"issuer": "i", "device_authorization_endpoint": "/d", "token_endpoint": "/t",
                     "client_id": "c", "scopes": []}}),
        ("GET", ["me"]) => json!({"sub": "layla", "name": "Layla", "email": "l@x",
                                  "roles": [{"role": "org-admin", "org": "acme"}], "teams": ["t"],
                                  "support_agent": false}),
        ("GET", ["orgs", _]) => org_json("acme"),
        ("GET", ["orgs", _, "environments"]) => json!([environment_json("acme", "dev")]),
        ("POST", ["orgs", _, "environments"]) => environment_json("acme", "uat"),
        ("GET", ["orgs", _, "blueprints", _, "usage"]) => json!({
            "org": "acme", "blueprint": "bp-wordpress", "latest_version": "1.2.0",
            "usages": [{"environment": "acme-dev", "application": "blog", "version": "1.1.0",
                        "status": "running"}]}),
        ("GET", ["environments", _, "applications", _]) => app_json("shop", "degraded"),
        ("POST", ["environments", _, "applications"]) => accepted,
        ("DELETE", ["environments", _, "applications", _]) => accepted,
        ("POST", ["environments", _, "applications", _, "actions"]) => accepted,
        ("GET", ["environments", _, "applications", _, "settings"]) => json!({
            "values_yaml": "replicas: 2\n", "blueprint": {"name": "bp-wordpress", "version": "1.2.0"},
            "config_schema": {"type": "object"}}),
        ("GET", ["environments", _, "applications", _, "topology"]) => json!({
            "placement": {"mode": "active-active", "regions": ["fsn", "nbg"]},
            "regions": [{"region": "fsn", "role": "primary", "pods": {"ready": 2, "total": 2}}]}),
        ("GET", ["environments", _, "applications", _, "secrets"]) => json!({
            "secrets": [{"name": "db", "keys": [{"key": "password", "size_bytes": 32}]}]}),
        ("GET", ["environments", _, "applications", _, "observability"]) => json!({
            "pods": [{"name": "shop-0", "phase": "Running", "ready": true, "restarts": 0,
                      "started_at": "2026-01-01T00:00:00Z"}]}),
        ("GET", ["environments", _, "applications", _, "history"]) => json!({
            "deploys": [{"at": "2026-01-01T00:00:00Z", "actor": "layla", "version": "1.2.0",
                         "commit": "abc", "outcome": "succeeded"}]}),
        ("GET", ["environments", _, "applications", _, "manifests"]) => {
            json!({"yaml": "kind: Pod\n"})
        }
        ("POST", ["environments", _, "applications", _, "promotions"]) => promotion_json("p-1"),
        ("GET", ["environments", _, "policy"]) => json!({
            "environment": "acme-prod",
            "rules": [{"kind": "pr-required", "approvers": ["team-platform"], "min_approvals": 2},
                      {"kind": "soak", "source_environment": "acme-stg", "duration": "24h"},
                      {"kind": "quantum-gate", "qubits": 3}],
            "access": {"auto_grant_roles": [], "max_duration_minutes": 60}}),
        ("POST", ["environments", _, "access-requests"]) => access_request_json("ar-1", "pending"),
        ("GET", ["blueprints"]) => json!([{
            "name": "bp-wordpress", "display_name": "WordPress", "summary": "blog",
            "category": "cms", "owner": "team-web", "visibility": "listed",
            "latest_version": "1.2.0", "versions": ["1.2.0", "1.1.0"]}]),
        ("GET", ["blueprints", _, "versions", _]) => json!({
            "name": "bp-wordpress", "display_name": "WordPress", "version": "1.2.0",
            "config_schema": {"type": "object"}, "depends": ["bp-postgres"]}),
        ("GET", ["promotions"]) => json!({"items": [promotion_json("p-1")], "next_cursor": null}),
        ("GET", ["promotions", _]) => promotion_json("p-1"),
        ("POST", ["promotions", _, "reviews"]) => promotion_json("p-1"),
        ("GET", ["access-requests"]) => json!({"items": [access_request_json("ar-1", "pending")],
                                               "next_cursor": null}),
        ("GET", ["access-requests", _]) => access_request_json("ar-1", "granted"),
        ("DELETE", ["access-requests", _]) => access_request_json("ar-1", "revoked"),
        ("POST", ["access-requests", _, "decision"]) => access_request_json("ar-1", "granted"),
        ("GET", ["access-requests", _, "credentials"]) => json!({
            "server": "https://k", "certificate_authority_data": "Q0E=", "context": "hz-fsn-rtz-dev-acme",
            "namespace": "shop", "token": "kube-token", "expires_at": "2026-01-01T01:00:00Z"}),
        ("GET", ["audit"]) => json!({"items": [audit_json("a-1")], "next_cursor": null}),
        _ => return json_response(404, json!({"error": "not-found", "detail": path})),
    };
    let status = match (method.as_str(), &seg[2..]) {
        ("POST", ["orgs", _, "environments"])
        | ("POST", ["environments", _, "applications", _, "promotions"])
        | ("POST", ["environments", _, "access-requests"])
        | ("POST", ["promotions", _, "reviews"]) => 201,
        ("POST", ["environments", _, "applications"])
        | ("DELETE", ["environments", _, "applications", _])
        | ("POST", ["environments", _, "applications", _, "actions"]) => 202,
        _ => 200,
    };
    json_response(status, body)
}

#[tokio::test]
async fn every_route_has_a_typed_call() {
    let (base, rec) = serve(Router::new().fallback(canned)).await;
    let c = client_with_token(&base, "tok-console-0001");
    let mut expected: Vec<(&str, &str)> = Vec::new();
    let mut ex = |m: &'static str, u: &'static str| expected.push((m, u));

    assert_eq!(c.meta().await.unwrap().sovereign.kind, SovereignType::Sme);
    ex("GET", "/api/v1/meta");
    assert!(
        rec.last().header("authorization").is_none(),
        "discovery is anonymous"
    );
    assert_eq!(c.me().await.unwrap().sub, "layla");
    ex("GET", "/api/v1/me");
    assert_eq!(c.get_org("acme").await.unwrap().name, "acme");
    ex("GET", "/api/v1/orgs/acme");
    assert_eq!(c.list_environments("acme").await.unwrap().len(), 1);
    ex("GET", "/api/v1/orgs/acme/environments");
    let env = c
        .create_environment(
            "acme",
            &CreateEnvironment {
                env_type: EnvType::Uat,
                topology: Topology::SingleRegion,
            },
        )
        .await
        .unwrap();
    assert_eq!(env.name, "acme-uat");
    ex("POST", "/api/v1/orgs/acme/environments");
    assert_eq!(
        c.blueprint_usage("acme", "bp-wordpress")
            .await
            .unwrap()
            .usages
            .len(),
        1
    );
    ex("GET", "/api/v1/orgs/acme/blueprints/bp-wordpress/usage");

    assert_eq!(
        c.get_application("acme-dev", "shop").await.unwrap().status,
        AppStatus::Degraded
    );
    ex("GET", "/api/v1/environments/acme-dev/applications/shop");
    c.application_settings("acme-dev", "shop").await.unwrap();
    ex(
        "GET",
        "/api/v1/environments/acme-dev/applications/shop/settings",
    );
    c.application_topology("acme-dev", "shop").await.unwrap();
    ex(
        "GET",
        "/api/v1/environments/acme-dev/applications/shop/topology",
    );
    let secrets = c.application_secrets("acme-dev", "shop").await.unwrap();
    assert_eq!(secrets.secrets[0].keys[0].size_bytes, 32);
    ex(
        "GET",
        "/api/v1/environments/acme-dev/applications/shop/secrets",
    );
    c.application_observability("acme-dev", "shop")
        .await
        .unwrap();
    ex(
        "GET",
        "/api/v1/environments/acme-dev/applications/shop/observability",
    );
    c.application_history("acme-dev", "shop").await.unwrap();
    ex(
        "GET",
        "/api/v1/environments/acme-dev/applications/shop/history",
    );
    c.application_manifests("acme-dev", "shop").await.unwrap();
    ex(
        "GET",
        "/api/v1/environments/acme-dev/applications/shop/manifests",
    );
    let op = c
        .application_action(
            "acme-dev",
            "shop",
            &ActionRequest {
                action: AppAction::Restart,
                reason: "stuck".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(op.operation_id, "op-1");
    ex(
        "POST",
        "/api/v1/environments/acme-dev/applications/shop/actions",
    );
    c.install_application(
        "acme-dev",
        &InstallRequest {
            name: "blog".into(),
            blueprint: "bp-wordpress".into(),
            version: "1.2.0".into(),
            values: json!({"replicas": 1}),
        },
    )
    .await
    .unwrap();
    ex("POST", "/api/v1/environments/acme-dev/applications");
    c.uninstall_application("acme-dev", "shop", "no longer needed & old")
        .await
        .unwrap();
    ex(
        "DELETE",
        "/api/v1/environments/acme-dev/applications/shop?reason=no+longer+needed+%26+old",
    );

    assert_eq!(
        c.list_blueprints().await.unwrap()[0].visibility,
        Visibility::Listed
    );
    ex("GET", "/api/v1/blueprints");
    assert_eq!(
        c.blueprint_version("bp-wordpress", "1.2.0")
            .await
            .unwrap()
            .depends,
        vec!["bp-postgres"]
    );
    ex("GET", "/api/v1/blueprints/bp-wordpress/versions/1.2.0");

    c.create_promotion(
        "acme-stg",
        "shop",
        &CreatePromotion {
            target_environment: "acme-prod".into(),
        },
    )
    .await
    .unwrap();
    ex(
        "POST",
        "/api/v1/environments/acme-stg/applications/shop/promotions",
    );
    let page = c
        .list_promotions(&PromotionQuery {
            org: Some("acme".into()),
            state: Some(PromotionState::Open),
            awaiting_me: Some(true),
            limit: Some(20),
            cursor: None,
        })
        .await
        .unwrap();
    assert_eq!(page.items[0].policy.rules[0].kind, RuleKind::PrRequired);
    ex(
        "GET",
        "/api/v1/promotions?org=acme&state=open&awaiting_me=true&limit=20",
    );
    c.get_promotion("p-1").await.unwrap();
    ex("GET", "/api/v1/promotions/p-1");
    c.review_promotion(
        "p-1",
        &CreateReview {
            decision: ReviewDecision::Approve,
            comment: "ok".into(),
            revision: 3,
        },
    )
    .await
    .unwrap();
    ex("POST", "/api/v1/promotions/p-1/reviews");
    let policy = c.environment_policy("acme-prod").await.unwrap();
    assert_eq!(policy.rules.len(), 3);
    assert_eq!(
        policy.rules[2],
        PolicyRule::Unknown,
        "unknown rule kinds are kept"
    );
    ex("GET", "/api/v1/environments/acme-prod/policy");

    c.create_access_request(
        "acme-dev",
        &CreateAccessRequest {
            reason: "debug".into(),
            duration_minutes: 30,
            access: AccessLevel::View,
        },
    )
    .await
    .unwrap();
    ex("POST", "/api/v1/environments/acme-dev/access-requests");
    c.list_access_requests(Some(AccessState::Pending), &PageQuery::default())
        .await
        .unwrap();
    ex("GET", "/api/v1/access-requests?state=pending");
    c.get_access_request("ar-1").await.unwrap();
    ex("GET", "/api/v1/access-requests/ar-1");
    let decided = c
        .decide_access_request(
            "ar-1",
            &AccessDecision {
                decision: AccessDecisionKind::Grant,
                comment: "go".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(decided.state, AccessState::Granted);
    ex("POST", "/api/v1/access-requests/ar-1/decision");
    assert_eq!(
        c.revoke_access_request("ar-1").await.unwrap().state,
        AccessState::Revoked
    );
    ex("DELETE", "/api/v1/access-requests/ar-1");
    assert_eq!(
        c.access_credentials("ar-1").await.unwrap().namespace,
        "shop"
    );
    ex("GET", "/api/v1/access-requests/ar-1/credentials");

    let since = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    c.list_audit(&AuditQuery {
        org: Some("acme".into()),
        actor: Some("layla".into()),
        since: Some(since),
        limit: Some(50),
        ..AuditQuery::default()
    })
    .await
    .unwrap();
    ex(
        "GET",
        "/api/v1/audit?org=acme&actor=layla&since=2026-01-01T00%3A00%3A00Z&limit=50",
    );

    let seen: Vec<(String, String)> = rec.all().into_iter().map(|s| (s.method, s.uri)).collect();
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(m, u)| (m.to_string(), u.to_string()))
        .collect();
    assert_eq!(seen, expected);

    // Bodies are JSON of the contract's shapes.
    let review = rec
        .all()
        .into_iter()
        .find(|s| s.uri.ends_with("/reviews"))
        .unwrap();
    assert_eq!(
        review.header("content-type").as_deref(),
        Some("application/json")
    );
    let body: Value = serde_json::from_str(&review.body).unwrap();
    assert_eq!(
        body,
        json!({"decision": "approve", "comment": "ok", "revision": 3})
    );
}

#[tokio::test]
async fn names_that_would_change_the_path_are_refused() {
    let (base, rec) = serve(Router::new().fallback(canned)).await;
    let c = client_with_token(&base, "tok-console-0002");
    let e = c.get_org("..").await.unwrap_err();
    assert!(matches!(e, ApiError::InvalidInput { .. }), "{e:?}");
    assert!(c.get_org("").await.is_err());
    // A slash inside a name stays inside its segment.
    let _ = c.get_application("acme-dev", "a/b").await;
    assert_eq!(
        rec.last().uri,
        "/api/v1/environments/acme-dev/applications/a%2Fb"
    );
}

#[derive(serde::Deserialize)]
struct PageParams {
    cursor: Option<String>,
    limit: Option<u32>,
}

#[tokio::test]
async fn listings_follow_cursors() {
    let router = Router::new()
        .route(
            "/api/v1/environments/{env}/applications",
            get(|Query(p): Query<PageParams>| async move {
                assert_eq!(p.limit, Some(2));
                let (items, next) = match p.cursor.as_deref() {
                    None => (vec!["a", "b"], Some("c2")),
                    Some("c2") => (vec!["c", "d"], Some("c3")),
                    Some("c3") => (vec!["e"], None),
                    Some(other) => panic!("unexpected cursor {other}"),
                };
                let items: Vec<Value> = items.iter().map(|n| app_json(n, "running")).collect();
                json_response(200, json!({"items": items, "next_cursor": next}))
            }),
        )
        .route(
            "/api/v1/orgs",
            get(|Query(p): Query<HashMap<String, String>>| async move {
                // A server whose cursor never moves must not loop forever.
                let first = !p.contains_key("cursor");
                let name = if first { "one" } else { "two" };
                json_response(
                    200,
                    json!({"items": [org_json(name)], "next_cursor": "same"}),
                )
            }),
        );
    let (base, rec) = serve(router).await;
    let c = client_with_token(&base, "tok-console-0003");
    let apps = c.list_all_applications("acme-dev", Some(2)).await.unwrap();
    let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_eq!(rec.count("/api/v1/environments/acme-dev/applications"), 3);

    let orgs = c.list_all_orgs().await.unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(rec.count("/api/v1/orgs"), 2);
}

#[tokio::test]
async fn the_audit_export_streams_ndjson_records() {
    let router = Router::new().route(
        "/api/v1/audit",
        get(|req: Request| async move {
            assert_eq!(req.headers()["accept"], "application/x-ndjson");
            let lines = format!(
                "{}\n\n{{\"id\": broken}}\n{}\n{}",
                audit_json("a-1"),
                audit_json("a-2"),
                audit_json("a-3")
            );
            text_response(200, "application/x-ndjson", &lines)
        }),
    );
    let (base, _) = serve(router).await;
    let c = client_with_token(&base, "tok-console-0004");
    let stream = c
        .export_audit(&AuditQuery {
            org: Some("acme".into()),
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let items: Vec<Result<AuditRecord, ApiError>> = stream.collect().await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().id, "a-1");
    let bad = items[1].as_ref().unwrap_err();
    assert!(bad.to_string().contains("the audit export"), "{bad}");
    assert!(bad.request_id().is_some());
    assert_eq!(items[2].as_ref().unwrap().id, "a-2");
    // The last record needs no newline.
    assert_eq!(items[3].as_ref().unwrap().id, "a-3");
}

#[tokio::test]
async fn sse_requests_carry_everything_a_reconnect_needs() {
    let (base, _) = serve(Router::new().fallback(canned)).await;
    let mut cfg = config(&base);
    cfg.support_ticket = Some("SUP-1".into());
    let c = catalyst_tui::api::ApiClient::new(
        cfg,
        catalyst_tui::api::TokenSource::Static {
            token: "tok-sse-0001".to_string().into(),
            origin: "t".into(),
        },
    )
    .unwrap();
    let f = c.operation_logs_request("op-9").unwrap();
    let first = f(None).build().unwrap();
    let second = f(Some("17")).build().unwrap();
    assert_eq!(first.url().path(), "/api/v1/operations/op-9/logs");
    assert!(first.headers().get("last-event-id").is_none());
    assert_eq!(second.headers()["last-event-id"], "17");
    assert_ne!(
        first.headers()["x-request-id"],
        second.headers()["x-request-id"]
    );
    for r in [&first, &second] {
        assert_eq!(r.headers()["accept"], "text/event-stream");
        assert_eq!(r.headers()["authorization"], "Bearer tok-sse-0001");
        assert_eq!(r.headers()["x-catalyst-support-ticket"], "SUP-1");
        assert!(r.timeout().is_none(), "streams have no total timeout");
    }
    let g = c
        .sse_request("/api/v1/events?environment=acme-dev")
        .unwrap();
    assert_eq!(
        g(None).build().unwrap().url().query(),
        Some("environment=acme-dev")
    );
    let boxed: catalyst_tui::api::SseRequestFactory = std::sync::Arc::new(f);
    assert_eq!(
        catalyst_tui::api::client::request_id_of(&boxed(None).build().unwrap())
            .unwrap()
            .len(),
        36
    );
}

/// The futures and types the app spawns and shares must be `Send` (and the client `Sync`).
#[test]
fn futures_can_be_spawned() {
    fn send<T: Send>(_: &T) {}
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<catalyst_tui::api::ApiClient>();
    shared::<catalyst_tui::api::ProvisioningClient>();
    shared::<catalyst_tui::api::ApiError>();
    catalyst_tui::cli::install_tls_provider();
    let c = client_with_token("http://127.0.0.1:9", "tok-console-0005");
    send(&c.me());
    send(&c.list_all_applications("e", None));
    send(&c.export_audit(&AuditQuery::default()));
    send(&c.sign_in_with_device(|_| {}));
    send(&c.ensure_fresh_token());
    send(&c.recover_from_unauthorized());
    let p = catalyst_tui::api::ProvisioningClient::new(&c, "http://127.0.0.1:9".parse().unwrap());
    send(&p.deployment("x"));
    send(&p.list_deployments());
}
