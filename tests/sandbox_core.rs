//! The sandbox's console API over real HTTP on 127.0.0.1:0: sign-in through the device
//! flow, every resource route for the right and the wrong personas, support mode, the
//! seeded facts the journeys rely on, and `--scale`.
// The helpers below are test code too (clippy's test allowances cover only `#[test]`s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use catalyst_tui::model::*;
use catalyst_tui::sandbox::{RunningSandbox, SandboxOptions, Scale, SovereignSeed, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

const CLIENT: &str = "catalyst-tui";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn start_with(opts: SandboxOptions) -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    spawn(SandboxOptions {
        // Frozen simulation: seeded facts stay as seeded while a test reads them.
        speed: 0.0,
        ..opts
    })
    .await
    .unwrap()
}

async fn start() -> RunningSandbox {
    start_with(SandboxOptions::default()).await
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Moves the sandbox's clock forward (token and device-code expiry).
async fn advance(sb: &RunningSandbox, secs: i64) {
    sb.state.world.write().await.clock_skew += chrono::TimeDelta::seconds(secs);
}

async fn device_code(sb: &RunningSandbox) -> DeviceAuthorization {
    let resp = http()
        .post(format!("{}/oauth/device/code", sb.base_url))
        .form(&[("client_id", CLIENT), ("scope", "openid catalyst")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn poll(sb: &RunningSandbox, device_code: &str) -> (StatusCode, Value) {
    let resp = http()
        .post(format!("{}/oauth/token", sb.base_url))
        .form(&[
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
            ("client_id", CLIENT),
        ])
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

/// What the verification page's form submits.
async fn verify(sb: &RunningSandbox, user_code: &str, persona: &str, decision: &str) -> StatusCode {
    http()
        .post(format!("{}/device", sb.base_url))
        .form(&[
            ("user_code", user_code),
            ("persona", persona),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

/// Signs in as `persona` through the device flow: code, form post, one poll.
async fn sign_in(sb: &RunningSandbox, persona: &str) -> TokenResponse {
    let d = device_code(sb).await;
    assert_eq!(
        verify(sb, &d.user_code, persona, "approve").await,
        StatusCode::OK
    );
    let (status, body) = poll(sb, &d.device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn login(sb: &RunningSandbox, persona: &str) -> String {
    sign_in(sb, persona).await.access_token
}

struct Call<'a> {
    sb: &'a RunningSandbox,
    token: &'a str,
    ticket: Option<&'a str>,
}

impl<'a> Call<'a> {
    fn new(sb: &'a RunningSandbox, token: &'a str) -> Self {
        Call {
            sb,
            token,
            ticket: None,
        }
    }
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = http()
            .request(method, format!("{}{path}", self.sb.base_url))
            .bearer_auth(self.token);
        if let Some(t) = self.ticket {
            r = r.header("X-Catalyst-Support-Ticket", t);
        }
        r
    }
    async fn send(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = r.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::GET, path)).await
    }
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::POST, path).json(&body)).await
    }
    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::DELETE, path)).await
    }
}

fn names(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

fn app_of(page: &Value, name: &str) -> Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in {page}"))
}

async fn audit_records(sb: &RunningSandbox) -> Vec<AuditRecord> {
    sb.state.world.read().await.audit.clone()
}

// ---------------------------------------------------------------- identity

#[tokio::test]
async fn meta_needs_no_token_and_names_the_auth_endpoints() {
    let sb = start().await;
    let resp = http()
        .get(format!("{}/api/v1/meta", sb.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let meta: Meta = resp.json().await.unwrap();
    assert_eq!(meta.sovereign.name, "Bank Dhofar");
    assert_eq!(meta.sovereign.domain, "bankdhofar.local");
    assert_eq!(meta.sovereign.kind, SovereignType::Corporate);
    assert_eq!(meta.api_version, "v1");
    assert_eq!(meta.auth.client_id, CLIENT);
    assert_eq!(
        meta.auth.device_authorization_endpoint,
        format!("{}/oauth/device/code", sb.base_url)
    );
    assert_eq!(
        meta.auth.token_endpoint,
        format!("{}/oauth/token", sb.base_url)
    );
    assert_eq!(meta.auth.issuer, sb.base_url);
}

#[tokio::test]
async fn device_flow_pending_slow_down_then_token_and_me() {
    let sb = start().await;
    let d = device_code(&sb).await;
    assert!(d.verification_uri.ends_with("/device"));
    assert_eq!(
        d.verification_uri_complete.as_deref(),
        Some(format!("{}?user_code={}", d.verification_uri, d.user_code).as_str())
    );
    assert!(d.interval >= 1 && d.expires_in > 60);

    let (status, body) = poll(&sb, &d.device_code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("authorization_pending"))
    );
    let (status, body) = poll(&sb, &d.device_code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("slow_down"))
    );

    // The verification page lists the personas and pre-fills the code.
    let page = http()
        .get(d.verification_uri_complete.clone().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&d.user_code));
    for persona in ["admin", "layla", "omar", "salim", "khalid", "support"] {
        assert!(page.contains(&format!("value=\"{persona}\"")), "{persona}");
    }
    assert_eq!(
        verify(&sb, &d.user_code, "nobody", "approve").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        verify(&sb, &d.user_code, "layla", "approve").await,
        StatusCode::OK
    );
    assert_eq!(
        verify(&sb, &d.user_code, "layla", "approve").await,
        StatusCode::CONFLICT
    );

    // Still inside the widened interval: slow down again; after it, the token.
    let (_, body) = poll(&sb, &d.device_code).await;
    assert_eq!(body["error"], "slow_down");
    advance(&sb, 30).await;
    let (status, body) = poll(&sb, &d.device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).unwrap();
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 300);
    assert!(tokens.refresh_token.is_some());

    let (status, me) = Call::new(&sb, &tokens.access_token).get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    let me: Me = serde_json::from_value(me).unwrap();
    assert_eq!(me.sub, "layla");
    assert!(me.has_role(RoleName::OrgDeveloper, Some("digital-channels")));
    assert!(me.teams.contains(&"team-platform".to_string()));

    // The code is spent.
    let (_, body) = poll(&sb, &d.device_code).await;
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn denied_and_expired_device_codes() {
    let sb = start().await;
    let d = device_code(&sb).await;
    assert_eq!(verify(&sb, &d.user_code, "", "deny").await, StatusCode::OK);
    let (_, body) = poll(&sb, &d.device_code).await;
    assert_eq!(body["error"], "access_denied");

    let d = device_code(&sb).await;
    advance(&sb, 601).await;
    let (_, body) = poll(&sb, &d.device_code).await;
    assert_eq!(body["error"], "expired_token");
    assert_eq!(
        verify(&sb, &d.user_code, "layla", "approve").await,
        StatusCode::GONE
    );
    assert_eq!(
        verify(&sb, "BBBB-BBBB", "layla", "approve").await,
        StatusCode::NOT_FOUND
    );

    let resp = http()
        .post(format!("{}/oauth/device/code", sb.base_url))
        .form(&[("client_id", "someone-else")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    let resp = http()
        .post(format!("{}/oauth/token", sb.base_url))
        .form(&[("grant_type", "password"), ("client_id", CLIENT)])
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn tokens_expire_and_refresh_tokens_rotate() {
    let sb = start().await;
    let first = sign_in(&sb, "omar").await;
    let api = Call::new(&sb, &first.access_token);
    assert_eq!(api.get("/api/v1/me").await.0, StatusCode::OK);

    advance(&sb, 301).await;
    let (status, body) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthenticated");
    assert!(body["request_id"].as_str().is_some_and(|r| !r.is_empty()));

    let refresh = |rt: String| {
        let base = sb.base_url.clone();
        async move {
            let resp = http()
                .post(format!("{base}/oauth/token"))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", rt.as_str()),
                    ("client_id", CLIENT),
                ])
                .send()
                .await
                .unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap())
        }
    };
    let old_refresh = first.refresh_token.clone().unwrap();
    let (status, body) = refresh(old_refresh.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second: TokenResponse = serde_json::from_value(body).unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    let (status, me) = Call::new(&sb, &second.access_token).get("/api/v1/me").await;
    assert_eq!((status, me["sub"].as_str()), (StatusCode::OK, Some("omar")));

    // The spent refresh token is refused.
    let (status, body) = refresh(old_refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let (status, body) = Call::new(&sb, "cat_at_made_up").get("/api/v1/orgs").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let resp = http()
        .get(format!("{}/api/v1/orgs", sb.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn request_ids_are_echoed_and_named_in_errors() {
    let sb = start().await;
    let token = login(&sb, "layla").await;
    let resp = http()
        .get(format!("{}/api/v1/orgs/core-banking", sb.base_url))
        .bearer_auth(&token)
        .header("X-Request-ID", "req-test-42")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(resp.headers()["x-request-id"], "req-test-42");
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.request_id.as_deref(), Some("req-test-42"));
    assert_eq!(body.error, "forbidden");
    assert_eq!(body.required.as_deref(), Some("org-viewer"));

    // Minted when absent, also on unknown routes and on OAuth answers.
    let resp = http()
        .get(format!("{}/api/v1/nowhere", sb.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let minted = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(minted.starts_with("req-"));
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.error, "not-found");
    assert_eq!(body.request_id.as_deref(), Some(minted.as_str()));
    let resp = http()
        .get(format!("{}/api/v1/meta", sb.base_url))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().contains_key("x-request-id"));
}

// ---------------------------------------------------------------- orgs and environments

#[tokio::test]
async fn orgs_are_listed_for_their_readers_with_derived_counts() {
    let sb = start().await;
    let admin = login(&sb, "admin").await;
    let layla = login(&sb, "layla").await;
    let khalid = login(&sb, "khalid").await;

    let (status, page) = Call::new(&sb, &admin).get("/api/v1/orgs").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&page["items"]),
        vec![
            "analytics",
            "core-banking",
            "corporate-it",
            "digital-channels"
        ]
    );
    assert_eq!(page["next_cursor"], Value::Null);
    let (_, page) = Call::new(&sb, &khalid).get("/api/v1/orgs").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let (_, page) = Call::new(&sb, &layla).get("/api/v1/orgs?limit=1").await;
    assert_eq!(names(&page["items"]), vec!["digital-channels"]);

    let (status, org) = Call::new(&sb, &layla)
        .get("/api/v1/orgs/digital-channels")
        .await;
    assert_eq!(status, StatusCode::OK);
    let org: Org = serde_json::from_value(org).unwrap();
    assert_eq!(
        org.environments,
        vec![
            "digital-channels-dev",
            "digital-channels-uat",
            "digital-channels-stg",
            "digital-channels-prod"
        ]
    );
    // The roll-up equals the sum of what the Environments hold.
    let mut total = 0;
    for env in &org.environments {
        let (_, apps) = Call::new(&sb, &layla)
            .get(&format!("/api/v1/environments/{env}/applications"))
            .await;
        total += apps["items"].as_array().unwrap().len() as u32;
    }
    assert_eq!(org.counts.applications, total);
    assert_eq!(org.counts.degraded, 1);
    assert_eq!(org.counts.pending_approval, 2);
    assert_eq!(
        org.counts.installing, 2,
        "docs-portal installing, analytics-api updating"
    );

    let (status, body) = Call::new(&sb, &layla)
        .get("/api/v1/orgs/core-banking")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["required"], "org-viewer");
    assert_eq!(
        Call::new(&sb, &layla).get("/api/v1/orgs/nope").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        Call::new(&sb, &layla)
            .get("/api/v1/orgs/core-banking/environments")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn environments_carry_naming_policy_and_counts() {
    let sb = start().await;
    let huda = login(&sb, "huda").await;
    let (status, envs) = Call::new(&sb, &huda)
        .get("/api/v1/orgs/digital-channels/environments")
        .await;
    assert_eq!(status, StatusCode::OK);
    let envs: Vec<Environment> = serde_json::from_value(envs).unwrap();
    let prod = envs.iter().find(|e| e.env_type == EnvType::Prod).unwrap();
    assert_eq!(prod.name, "digital-channels-prod");
    assert_eq!(prod.kube_context, "hz-fsn-rtz-prod-digital-channels");
    assert_eq!(prod.vcluster, "digital-channels");
    assert_eq!(prod.topology, Topology::ActiveActive);
    assert_eq!(prod.regions, vec!["fsn", "hel"]);
    assert!(
        prod.git_repo
            .ends_with("/digital-channels/digital-channels-prod")
    );
    assert!(
        prod.policy_summary.contains("team-platform (2 approvals)"),
        "{}",
        prod.policy_summary
    );
    assert!(prod.policy_summary.contains("change window"));
    assert_eq!(prod.counts.applications, 9);
    assert_eq!(prod.counts.degraded, 1);
    let uat = envs.iter().find(|e| e.env_type == EnvType::Uat).unwrap();
    assert!(
        uat.policy_summary
            .contains("soak 24h in digital-channels-stg")
    );
}

#[tokio::test]
async fn creating_an_environment_needs_org_admin() {
    let sb = start().await;
    let salim = login(&sb, "salim").await;
    let layla = login(&sb, "layla").await;
    let path = "/api/v1/orgs/digital-channels/environments";
    let body = json!({"env_type": "poc", "topology": "single-region"});

    let (status, err) = Call::new(&sb, &layla).post(path, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["required"], "org-admin");

    let (status, env) = Call::new(&sb, &salim).post(path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{env}");
    let env: Environment = serde_json::from_value(env).unwrap();
    assert_eq!(env.name, "digital-channels-poc");
    assert_eq!(env.kube_context, "hz-fsn-rtz-poc-digital-channels");
    assert_eq!(env.counts.applications, 0);
    let (_, apps) = Call::new(&sb, &salim)
        .get("/api/v1/environments/digital-channels-poc/applications")
        .await;
    assert_eq!(apps["items"], json!([]));

    let (status, err) = Call::new(&sb, &salim).post(path, body).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, err) = Call::new(&sb, &salim)
        .post(path, json!({"env_type": "qa", "topology": "single-region"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"][0]["path"], "env_type");
    let (status, err) = Call::new(&sb, &salim)
        .post(path, json!({"topology": "single-region"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"][0]["path"], "env_type");

    let audit = audit_records(&sb).await;
    let creates: Vec<_> = audit
        .iter()
        .filter(|r| r.action == "environment.create")
        .collect();
    assert!(
        creates
            .iter()
            .any(|r| r.actor == "layla" && r.outcome == AuditOutcome::Denied)
    );
    assert!(creates.iter().any(|r| r.actor == "salim"
        && r.outcome == AuditOutcome::Success
        && r.target == "digital-channels-poc"));
}

// ---------------------------------------------------------------- applications

#[tokio::test]
async fn seeded_environment_view_matches_the_design() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let version = |page: &Value, app: &str| app_of(page, app)["blueprint"]["version"].clone();

    let (_, dev) = api
        .get("/api/v1/environments/digital-channels-dev/applications")
        .await;
    let (_, stg) = api
        .get("/api/v1/environments/digital-channels-stg/applications")
        .await;
    let (_, uat) = api
        .get("/api/v1/environments/digital-channels-uat/applications")
        .await;
    let (_, prod) = api
        .get("/api/v1/environments/digital-channels-prod/applications")
        .await;
    assert_eq!(version(&dev, "marketing-site"), "1.4.0");
    assert_eq!(version(&stg, "marketing-site"), "1.3.0");
    assert_eq!(version(&prod, "marketing-site"), "1.2.0");
    assert_eq!(version(&prod, "blog"), "1.2.0");
    assert_eq!(app_of(&prod, "blog")["blueprint"]["name"], "bp-wordpress");
    for page in [&dev, &stg, &uat, &prod] {
        assert_eq!(
            app_of(page, "payment-rail")["blueprint"]["name"],
            "bp-bd-payment-rail"
        );
    }
    let bus = app_of(&prod, "notification-bus");
    assert_eq!(bus["status"], "degraded");
    assert_eq!(bus["pods"], json!({"ready": 2, "total": 3}));
    let api_app = app_of(&prod, "analytics-api");
    assert_eq!(api_app["status"], "updating");
    assert_eq!(api_app["blueprint"]["version"], "2.3.0");
    assert!(api_app["progress"]["percent"].as_u64().is_some());
    assert!(api_app["operation_id"].as_str().is_some());
    let site = app_of(&prod, "marketing-site");
    assert_eq!(site["status"], "pending-approval");
    assert_eq!(site["pending_promotion"]["id"], "pr-000001");
    for svc in [
        "shared-postgres",
        "shared-redis",
        "kafka-cluster",
        "object-store",
    ] {
        assert_eq!(app_of(&prod, svc)["kind"], "backing-service", "{svc}");
    }
    let pg = app_of(&prod, "shared-postgres");
    let used_by: Vec<&str> = pg["used_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        used_by.contains(&"marketing-site")
            && used_by.contains(&"blog")
            && used_by.contains(&"analytics-api")
    );
    assert_eq!(
        app_of(&prod, "payment-rail")["placement"]["mode"],
        "active-active"
    );

    // Every status appears somewhere in the Sovereign.
    let admin = login(&sb, "admin").await;
    let mut statuses = std::collections::BTreeSet::new();
    let world = sb.state.world.read().await;
    let envs: Vec<String> = world.environments.keys().cloned().collect();
    drop(world);
    for env in envs {
        let (_, page) = Call::new(&sb, &admin)
            .get(&format!("/api/v1/environments/{env}/applications"))
            .await;
        for a in page["items"].as_array().unwrap() {
            statuses.insert(a["status"].as_str().unwrap().to_string());
        }
    }
    for s in AppStatus::ALL {
        assert!(statuses.contains(s.as_str()), "{s}");
    }
}

#[tokio::test]
async fn application_lists_paginate() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let base = "/api/v1/environments/digital-channels-prod/applications";
    let (_, all) = api.get(base).await;
    let all = names(&all["items"]);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}?limit=2&cursor={c}"),
            None => format!("{base}?limit=2"),
        };
        let (status, page) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(names(&page["items"]));
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, all);
    let (status, err) = api.get(&format!("{base}?limit=0")).await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    let (status, err) = api.get(&format!("{base}?limit=many")).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
}

#[tokio::test]
async fn detail_tabs_for_readers_only() {
    let sb = start().await;
    let omar = login(&sb, "omar").await;
    let api = Call::new(&sb, &omar);
    let app = "/api/v1/environments/digital-channels-prod/applications/payment-rail";

    let (status, a) = api.get(app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["name"], "payment-rail");

    let (_, s) = api.get(&format!("{app}/settings")).await;
    let s: AppSettings = serde_json::from_value(s).unwrap();
    assert!(s.values_yaml.contains("rails:"), "{}", s.values_yaml);
    assert!(
        s.values_yaml.contains("request_ms: 5000"),
        "{}",
        s.values_yaml
    );
    assert_eq!(s.blueprint.version, "2.4.0");
    assert_eq!(s.config_schema["type"], "object");
    assert!(s.config_schema["properties"]["timeouts"].is_object());

    let (_, t) = api.get(&format!("{app}/topology")).await;
    let t: AppTopology = serde_json::from_value(t).unwrap();
    assert_eq!(t.placement.mode, PlacementMode::ActiveActive);
    assert_eq!(t.regions.len(), 2);
    assert_eq!(t.regions.iter().map(|r| r.pods.total).sum::<u32>(), 6);
    assert_eq!(t.dependencies[0].name, "shared-postgres");

    let (_, raw) = api.get(&format!("{app}/secrets")).await;
    let text = raw.to_string();
    assert!(!text.contains("\"value\""));
    let secrets: AppSecrets = serde_json::from_value(raw).unwrap();
    let hsm = secrets
        .secrets
        .iter()
        .find(|s| s.name == "payment-rail-hsm")
        .unwrap();
    assert!(hsm.keys.iter().any(|k| k.key == "pin" && k.size_bytes == 8));
    assert!(hsm.last_rotated_at.is_some());

    let (_, o) = api.get(&format!("{app}/observability")).await;
    let o: AppObservability = serde_json::from_value(o).unwrap();
    assert_eq!(o.pods.len(), 6);
    assert!(
        o.pods
            .iter()
            .all(|p| p.ready && p.phase == PodPhase::Running)
    );

    let (_, h) = api.get(&format!("{app}/history")).await;
    let h: AppHistory = serde_json::from_value(h).unwrap();
    assert_eq!(h.deploys[0].version, "2.4.0");
    assert!(h.deploys.len() >= 2);

    let (_, m) = api.get(&format!("{app}/manifests")).await;
    let m: AppManifests = serde_json::from_value(m).unwrap();
    assert!(m.yaml.contains("kind: HelmRelease"), "{}", m.yaml);
    assert!(m.yaml.contains("kind: Kustomization"));
    assert!(m.yaml.contains("payment-rail-hsm"));

    let (_, degraded) = api
        .get("/api/v1/environments/digital-channels-prod/applications/notification-bus/observability")
        .await;
    let degraded: AppObservability = serde_json::from_value(degraded).unwrap();
    assert_eq!(degraded.pods.iter().filter(|p| !p.ready).count(), 1);
    assert!(degraded.pods.iter().any(|p| p.restarts > 0));

    let (status, err) = api
        .get("/api/v1/environments/core-banking-prod/applications/ledger/settings")
        .await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-viewer"))
    );
    assert_eq!(api.get(&format!("{app}x")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        api.get("/api/v1/environments/nowhere-prod/applications")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn actions_start_operations_and_respect_state_and_role() {
    let sb = start().await;
    let omar = login(&sb, "omar").await;
    let salim = login(&sb, "salim").await;
    let huda = login(&sb, "huda").await;
    let dev = "/api/v1/environments/digital-channels-dev/applications";

    let (status, body) = Call::new(&sb, &omar)
        .post(
            &format!("{dev}/payment-rail/actions"),
            json!({"action": "restart", "reason": "pick up the new HSM slot"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let op = body["operation_id"].as_str().unwrap().to_string();
    let (_, app) = Call::new(&sb, &omar)
        .get(&format!("{dev}/payment-rail"))
        .await;
    assert_eq!(app["status"], "updating");
    assert_eq!(app["operation_id"], op.as_str());
    assert!(sb.state.world.read().await.operations.contains_key(&op));

    // The state forbids it: not paused, or already moving.
    let (status, err) = Call::new(&sb, &omar)
        .post(
            &format!("{dev}/marketing-site/actions"),
            json!({"action": "resume", "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["state"]["status"], "running");
    assert!(err["revision"].as_u64().is_some());
    let (status, _) = Call::new(&sb, &omar)
        .post(
            &format!("{dev}/payment-rail/actions"),
            json!({"action": "pause", "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Prod needs org-admin; viewers never act.
    let prod = "/api/v1/environments/digital-channels-prod/applications";
    let (status, err) = Call::new(&sb, &omar)
        .post(
            &format!("{prod}/payment-rail/actions"),
            json!({"action": "pause", "reason": "x"}),
        )
        .await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-admin"))
    );
    let (status, _) = Call::new(&sb, &huda)
        .post(
            &format!("{dev}/marketing-site/actions"),
            json!({"action": "restart"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/notification-bus/actions"),
            json!({"action": "pause", "reason": "OOM loop"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, app) = Call::new(&sb, &salim)
        .get(&format!("{prod}/notification-bus"))
        .await;
    assert_eq!(app["status"], "paused");
    let (status, _) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/notification-bus/actions"),
            json!({"action": "resume", "reason": "fixed"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, err) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/blog/actions"),
            json!({"action": "explode"}),
        )
        .await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("action"))
    );
    let (status, _) = Call::new(&sb, &salim)
        .post(
            &format!("{prod}/nothing/actions"),
            json!({"action": "restart"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let audit = audit_records(&sb).await;
    let restart = audit
        .iter()
        .find(|r| r.action == "application.restart" && r.actor == "omar")
        .unwrap();
    assert_eq!(restart.target, "digital-channels-dev/payment-rail");
    assert_eq!(restart.reason.as_deref(), Some("pick up the new HSM slot"));
    assert_eq!(restart.outcome, AuditOutcome::Success);
    assert!(audit.iter().any(|r| r.action == "application.pause"
        && r.actor == "omar"
        && r.outcome == AuditOutcome::Denied
        && r.target == "digital-channels-prod/payment-rail"));
}

#[tokio::test]
async fn installs_validate_values_against_the_schema() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let dev = "/api/v1/environments/digital-channels-dev/applications";
    let good = json!({
        "name": "careers",
        "blueprint": "bp-wordpress",
        "version": "1.4.0",
        "values": {"site": {"title": "Careers", "domain": "careers.dev.bankdhofar.local"}, "replicas": 1}
    });
    let (status, body) = api.post(dev, good.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let op = body["operation_id"].as_str().unwrap();
    let (_, app) = api.get(&format!("{dev}/careers")).await;
    assert_eq!(app["status"], "installing");
    assert_eq!(app["operation_id"], op);
    assert_eq!(app["dependencies"][0]["name"], "shared-postgres");
    let (_, pg) = api.get(&format!("{dev}/shared-postgres")).await;
    assert!(
        pg["used_by"]
            .as_array()
            .unwrap()
            .contains(&json!("careers"))
    );

    let (status, _) = api.post(dev, good.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let mut bad = good.clone();
    bad["name"] = json!("careers-2");
    bad["values"] = json!({"site": {"title": "", "domain": "x"}, "replicas": 0, "colour": "red"});
    let (status, err) = api.post(dev, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "invalid");
    let paths: Vec<&str> = err["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/replicas"), "{paths:?}");
    assert!(paths.contains(&"/site/title"), "{paths:?}");

    let mut unknown = good.clone();
    unknown["blueprint"] = json!("bp-nothing");
    assert_eq!(api.post(dev, unknown).await.0, StatusCode::NOT_FOUND);
    let mut old = good.clone();
    old["version"] = json!("0.1.0");
    assert_eq!(api.post(dev, old).await.0, StatusCode::NOT_FOUND);
    // Another Org's private Blueprint does not exist here.
    let ledger = json!({"name": "ledger", "blueprint": "bp-bd-core-ledger", "version": "5.1.0"});
    assert_eq!(api.post(dev, ledger).await.0, StatusCode::NOT_FOUND);
    let mut bad_name = good.clone();
    bad_name["name"] = json!("Careers Site");
    let (status, err) = api.post(dev, bad_name).await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    // Without values the Blueprint's defaults are used.
    let redis = json!({"name": "cache", "blueprint": "bp-redis", "version": "7.4.0"});
    assert_eq!(api.post(dev, redis).await.0, StatusCode::ACCEPTED);

    let huda = login(&sb, "huda").await;
    let mut other = good.clone();
    other["name"] = json!("by-viewer");
    let (status, err) = Call::new(&sb, &huda).post(dev, other).await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-developer"))
    );
    let resp = http()
        .post(format!("{}{dev}", sb.base_url))
        .bearer_auth(&layla)
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn uninstall_refuses_while_used_and_needs_org_admin() {
    let sb = start().await;
    let salim = login(&sb, "salim").await;
    let omar = login(&sb, "omar").await;
    let prod = "/api/v1/environments/digital-channels-prod/applications";

    let (status, err) = Call::new(&sb, &salim)
        .delete(&format!("{prod}/shared-postgres?reason=cleanup"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"], "has-dependents");
    let deps: Vec<&str> = err["dependents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(deps.contains(&"payment-rail") && deps.contains(&"blog"));

    let (status, err) = Call::new(&sb, &omar)
        .delete(&format!("{prod}/blog?reason=retire"))
        .await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("org-admin"))
    );
    let (status, body) = Call::new(&sb, &salim)
        .delete(&format!("{prod}/blog?reason=retired%20blog"))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let op = body["operation_id"].as_str().unwrap().to_string();
    let world = sb.state.world.read().await;
    assert_eq!(world.operations[&op].kind, "uninstall");
    let rec = world
        .audit
        .iter()
        .rev()
        .find(|r| r.action == "application.uninstall" && r.outcome == AuditOutcome::Success)
        .unwrap();
    assert_eq!(rec.reason.as_deref(), Some("retired blog"));
    drop(world);
    // A second uninstall waits for the first.
    let (status, _) = Call::new(&sb, &salim).delete(&format!("{prod}/blog")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

// ---------------------------------------------------------------- blueprints

#[tokio::test]
async fn blueprints_versions_and_usage() {
    let sb = start().await;
    let layla = login(&sb, "layla").await;
    let api = Call::new(&sb, &layla);
    let (status, list) = api.get("/api/v1/blueprints").await;
    assert_eq!(status, StatusCode::OK);
    let list: Vec<Blueprint> = serde_json::from_value(list).unwrap();
    let names: Vec<&str> = list.iter().map(|b| b.name.as_str()).collect();
    assert!(names.len() >= 10);
    for bp in [
        "bp-wordpress",
        "bp-postgres",
        "bp-redis",
        "bp-kafka",
        "bp-minio",
        "bp-keycloak",
        "bp-erpnext",
        "bp-woocommerce",
        "bp-stalwart-mail",
        "bp-bundle-pharmacy",
        "bp-grafana",
        "bp-bd-payment-rail",
    ] {
        assert!(names.contains(&bp), "{bp}");
    }
    assert!(!names.contains(&"bp-jitsi"), "unlisted");
    assert!(
        !names.contains(&"bp-bd-core-ledger"),
        "private to core-banking"
    );
    let wp = list.iter().find(|b| b.name == "bp-wordpress").unwrap();
    assert_eq!(wp.latest_version, "1.4.0");
    assert_eq!(wp.versions, vec!["1.1.0", "1.2.0", "1.3.0", "1.4.0"]);
    let rail = list
        .iter()
        .find(|b| b.name == "bp-bd-payment-rail")
        .unwrap();
    assert_eq!(rail.visibility, Visibility::Private);

    let (status, v) = api
        .get("/api/v1/blueprints/bp-bd-payment-rail/versions/2.5.0")
        .await;
    assert_eq!(status, StatusCode::OK);
    let v: BlueprintVersion = serde_json::from_value(v).unwrap();
    assert_eq!(v.depends, vec!["bp-postgres", "bp-redis"]);
    assert!(v.config_schema["properties"]["instant_payments"].is_object());
    assert_eq!(
        api.get("/api/v1/blueprints/bp-wordpress/versions/9.9.9")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/api/v1/blueprints/bp-bd-core-ledger/versions/5.1.0")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/api/v1/blueprints/bp-jitsi/versions/0.3.0")
            .await
            .0,
        StatusCode::OK
    );

    let (status, usage) = api
        .get("/api/v1/orgs/digital-channels/blueprints/bp-wordpress/usage")
        .await;
    assert_eq!(status, StatusCode::OK);
    let usage: BlueprintUsage = serde_json::from_value(usage).unwrap();
    let rows: Vec<(&str, &str, &str)> = usage
        .usages
        .iter()
        .map(|u| {
            (
                u.application.as_str(),
                u.environment.as_str(),
                u.version.as_str(),
            )
        })
        .collect();
    for row in [
        ("marketing-site", "digital-channels-dev", "1.4.0"),
        ("marketing-site", "digital-channels-stg", "1.3.0"),
        ("marketing-site", "digital-channels-prod", "1.2.0"),
        ("blog", "digital-channels-prod", "1.2.0"),
    ] {
        assert!(rows.contains(&row), "{row:?} in {rows:?}");
    }
    assert_eq!(usage.latest_version, "1.4.0");
    assert_eq!(
        api.get("/api/v1/orgs/core-banking/blueprints/bp-keycloak/usage")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

// ---------------------------------------------------------------- audit

#[tokio::test]
async fn audit_readers_filters_pages_and_export() {
    let sb = start().await;
    let khalid = login(&sb, "khalid").await;
    let salim = login(&sb, "salim").await;
    let layla = login(&sb, "layla").await;

    let (status, err) = Call::new(&sb, &layla).get("/api/v1/audit").await;
    assert_eq!(
        (status, err["required"].as_str()),
        (StatusCode::FORBIDDEN, Some("security-officer"))
    );
    let (status, _) = Call::new(&sb, &salim)
        .get("/api/v1/audit?org=core-banking")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, page) = Call::new(&sb, &khalid).get("/api/v1/audit").await;
    assert_eq!(status, StatusCode::OK);
    let all: Vec<AuditRecord> = serde_json::from_value(page["items"].clone()).unwrap();
    assert!(all.iter().any(|r| r.target.starts_with("core-banking")));
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at), "newest first");

    // An org-admin reads only its Org.
    let (_, page) = Call::new(&sb, &salim).get("/api/v1/audit").await;
    let own: Vec<AuditRecord> = serde_json::from_value(page["items"].clone()).unwrap();
    assert!(!own.is_empty());
    assert!(
        own.iter().all(|r| r.target.contains("digital-channels")),
        "{own:?}"
    );

    let (_, page) = Call::new(&sb, &khalid)
        .get("/api/v1/audit?actor=salim&action=promotion")
        .await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|r| r["actor"] == "salim"
                && r["action"].as_str().unwrap().starts_with("promotion."))
    );
    let (_, page) = Call::new(&sb, &khalid)
        .get("/api/v1/audit?environment=digital-channels-prod")
        .await;
    assert!(page["items"].as_array().unwrap().iter().all(|r| {
        r["target"]
            .as_str()
            .unwrap()
            .starts_with("digital-channels-prod")
    }));

    // Pages chain through the whole log.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/audit?limit=7&cursor={c}"),
            None => "/api/v1/audit?limit=7".to_string(),
        };
        let (_, page) = Call::new(&sb, &khalid).get(&path).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, all.iter().map(|r| r.id.clone()).collect::<Vec<_>>());

    let since = (chrono::Utc::now() - chrono::TimeDelta::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_, page) = Call::new(&sb, &khalid)
        .get(&format!("/api/v1/audit?since={since}"))
        .await;
    let recent = page["items"].as_array().unwrap();
    assert!(!recent.is_empty() && recent.len() < all.len());
    let (status, err) = Call::new(&sb, &khalid)
        .get("/api/v1/audit?since=yesterday")
        .await;
    assert_eq!(
        (status, err["fields"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("since"))
    );

    let resp = http()
        .get(format!("{}/api/v1/audit?org=digital-channels", sb.base_url))
        .bearer_auth(&khalid)
        .header("Accept", "application/x-ndjson")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    let text = resp.text().await.unwrap();
    let lines: Vec<AuditRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    assert!(lines.iter().all(|r| !r.target.starts_with("core-banking")));
}

// ---------------------------------------------------------------- support mode

#[tokio::test]
async fn support_mode_needs_a_ticket_audits_reads_and_refuses_changes() {
    let sb = start().await;
    let token = login(&sb, "support").await;
    let bare = Call::new(&sb, &token);
    let (status, err) = bare.get("/api/v1/orgs").await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("support-ticket-required"))
    );

    let api = Call {
        ticket: Some("CS-9001"),
        ..Call::new(&sb, &token)
    };
    let (status, page) = api.get("/api/v1/orgs").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let (status, _) = api
        .get("/api/v1/environments/digital-channels-prod/applications/payment-rail/secrets")
        .await;
    assert_eq!(status, StatusCode::OK);

    let audit = audit_records(&sb).await;
    let reads: Vec<_> = audit
        .iter()
        .filter(|r| r.action == "support.read" && r.support_ticket.as_deref() == Some("CS-9001"))
        .collect();
    assert!(reads.iter().any(|r| r.target == "/api/v1/orgs"));
    assert!(
        reads
            .iter()
            .any(|r| r.target.ends_with("/payment-rail/secrets") && r.actor == "support")
    );

    let (status, err) = api
        .post(
            "/api/v1/environments/digital-channels-dev/applications/payment-rail/actions",
            json!({"action": "restart", "reason": "trying"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("support-mode-read-only"))
    );
    assert!(err["request_id"].as_str().is_some());
    let (status, _) = api
        .delete("/api/v1/environments/digital-channels-dev/applications/marketing-site")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let world = sb.state.world.read().await;
    let denied: Vec<_> = world
        .audit
        .iter()
        .filter(|r| r.actor == "support" && r.outcome == AuditOutcome::Denied)
        .collect();
    assert_eq!(denied.len(), 2);
    assert!(
        denied
            .iter()
            .all(|r| r.support_ticket.as_deref() == Some("CS-9001"))
    );
    assert_eq!(
        world
            .app("digital-channels-dev", "payment-rail")
            .unwrap()
            .app
            .status,
        AppStatus::Running,
        "nothing changed"
    );
}

// ---------------------------------------------------------------- other Sovereign and scale

#[tokio::test]
async fn the_sme_sovereign_serves_the_pharmacy() {
    let sb = start_with(SandboxOptions {
        sovereign: SovereignSeed::Omantel,
        ..SandboxOptions::default()
    })
    .await;
    let meta: Meta = http()
        .get(format!("{}/api/v1/meta", sb.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta.sovereign.kind, SovereignType::Sme);
    let ahmed = login(&sb, "ahmed").await;
    let api = Call::new(&sb, &ahmed);
    let (_, orgs) = api.get("/api/v1/orgs").await;
    assert_eq!(names(&orgs["items"]), vec!["muscatpharmacy"]);
    assert_eq!(
        orgs["items"][0]["environments"],
        json!(["muscatpharmacy-prod"])
    );
    let (_, apps) = api
        .get("/api/v1/environments/muscatpharmacy-prod/applications")
        .await;
    let mut got = names(&apps["items"]);
    got.sort();
    assert_eq!(
        got,
        vec![
            "erpnext",
            "postgres",
            "redis",
            "stalwart-mail",
            "woocommerce"
        ]
    );
    assert_eq!(app_of(&apps, "postgres")["kind"], "backing-service");
    let d = device_code(&sb).await;
    assert_eq!(
        verify(&sb, &d.user_code, "layla", "approve").await,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn scale_adds_ten_thousand_applications() {
    let sb = start_with(SandboxOptions {
        scale: Some(Scale {
            orgs: 100,
            envs: 4,
            apps: 25,
        }),
        seed: 7,
        ..SandboxOptions::default()
    })
    .await;
    let admin = login(&sb, "admin").await;
    let api = Call::new(&sb, &admin);
    let (status, page) = api.get("/api/v1/orgs").await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 104);
    let generated: u64 = items
        .iter()
        .filter(|o| o["name"].as_str().unwrap().starts_with("scale-org-"))
        .map(|o| o["counts"]["applications"].as_u64().unwrap())
        .sum();
    assert_eq!(generated, 10_000);
    let (_, page) = api.get("/api/v1/orgs?limit=10").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    assert!(page["next_cursor"].is_string());
    let (_, envs) = api.get("/api/v1/orgs/scale-org-042/environments").await;
    assert_eq!(envs.as_array().unwrap().len(), 4);
    let (_, apps) = api
        .get("/api/v1/environments/scale-org-042-prod/applications?limit=10")
        .await;
    assert_eq!(apps["items"].as_array().unwrap().len(), 10);
    let layla = login(&sb, "layla").await;
    let (_, page) = Call::new(&sb, &layla).get("/api/v1/orgs").await;
    assert_eq!(names(&page["items"]), vec!["digital-channels"]);
    sb.shutdown().await.unwrap();
}
