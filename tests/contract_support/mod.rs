//! Shared helpers of the client ↔ sandbox contract tests: start a sandbox on 127.0.0.1:0,
//! build typed clients for it, sign personas in through the device flow the way a person
//! with a browser would, drive the sandbox's simulation one tick at a time, and check
//! `ApiError`s precisely.
//!
//! Every call under test goes through `ApiClient`; raw HTTP here is only the browser's
//! form post on the verification page and wire checks the client hides on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point
#![allow(dead_code)] // each test file uses a different part

use std::time::Duration;

use catalyst_tui::api::{
    ApiClient, ApiError, ClientConfig, DevicePrompt, ProxySettings, TokenSource,
};
use catalyst_tui::model::*;
use catalyst_tui::sandbox::simulation::Simulation;
use catalyst_tui::sandbox::{RunningSandbox, SandboxOptions, spawn};

/// Every persona of the Bank Dhofar seed.
pub const PERSONAS: [&str; 8] = [
    "admin", "layla", "omar", "salim", "huda", "khalid", "fatma", "support",
];

/// A support ticket for support-mode clients.
pub const TICKET: &str = "CS-5120";

/// Starts a Bank Dhofar sandbox with a frozen simulation (tests tick it themselves, see
/// [`tick`]) unless `opts` asks for a speed.
pub async fn start_with(opts: SandboxOptions) -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    spawn(opts).await.expect("the sandbox starts")
}

/// A frozen Bank Dhofar sandbox.
pub async fn start() -> RunningSandbox {
    start_with(SandboxOptions {
        speed: 0.0,
        ..SandboxOptions::default()
    })
    .await
}

/// A client configuration for the sandbox, free of the environment's proxies and CA
/// settings.
pub fn config(sb: &RunningSandbox, ticket: Option<&str>) -> ClientConfig {
    let mut c = ClientConfig::parse(&sb.base_url).unwrap();
    c.proxy = ProxySettings::none();
    c.ssl_cert_file = None;
    c.support_ticket = ticket.map(str::to_string);
    c
}

/// A client that has not signed in.
pub fn anonymous(sb: &RunningSandbox, ticket: Option<&str>) -> ApiClient {
    ApiClient::new(config(sb, ticket), TokenSource::None).unwrap()
}

/// What the verification page's form submits (a browser's POST of `/device`).
pub async fn post_verification(base_url: &str, user_code: &str, persona: &str, decision: &str) {
    let status = reqwest::Client::new()
        .post(format!("{base_url}/device"))
        .form(&[
            ("user_code", user_code),
            ("persona", persona),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap()
        .status();
    assert!(
        status.is_success(),
        "the verification page answered {status}"
    );
}

/// Runs the client's device sign-in; a "browser" task answers the prompt with
/// `decision` (`approve`/`deny`) as `persona`. Returns the prompt and the outcome.
pub async fn device_sign_in(
    client: &ApiClient,
    base_url: &str,
    persona: &str,
    decision: &str,
) -> (DevicePrompt, Result<(), ApiError>) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let base = base_url.to_string();
    let persona = persona.to_string();
    let decision = decision.to_string();
    let mut browser = None;
    let result = client
        .sign_in_with_device(|prompt: DevicePrompt| {
            let code = prompt.user_code.clone();
            browser = Some(tokio::spawn(async move {
                post_verification(&base, &code, &persona, &decision).await;
            }));
            let _ = tx.send(prompt);
        })
        .await;
    if let Some(b) = browser {
        b.await.expect("the browser task ends");
    }
    (rx.await.expect("the prompt was shown"), result)
}

/// A client signed in as `persona` (support mode with `ticket`).
pub async fn sign_in_with(sb: &RunningSandbox, persona: &str, ticket: Option<&str>) -> ApiClient {
    let client = anonymous(sb, ticket);
    let (_, result) = device_sign_in(&client, &sb.base_url, persona, "approve").await;
    result.unwrap_or_else(|e| panic!("{persona} signs in: {e}"));
    client
}

/// A client signed in as `persona`.
pub async fn sign_in(sb: &RunningSandbox, persona: &str) -> ApiClient {
    sign_in_with(sb, persona, None).await
}

/// Signs several personas in at once (each sign-in waits one poll interval).
pub async fn sign_in_all<const N: usize>(
    sb: &RunningSandbox,
    personas: [&str; N],
) -> [ApiClient; N] {
    let clients = futures::future::join_all(personas.iter().map(|p| sign_in(sb, p))).await;
    clients.try_into().unwrap_or_else(|_| unreachable!())
}

/// Signs a persona in over raw HTTP and returns its access token, for the few wire checks
/// the typed client hides (the client never hands out its token).
pub async fn raw_token(sb: &RunningSandbox, persona: &str) -> String {
    let http = reqwest::Client::new();
    let d: DeviceAuthorization = http
        .post(format!("{}/oauth/device/code", sb.base_url))
        .form(&[("client_id", "catalyst-tui")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    post_verification(&sb.base_url, &d.user_code, persona, "approve").await;
    let t: TokenResponse = http
        .post(format!("{}/oauth/token", sb.base_url))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", d.device_code.as_str()),
            ("client_id", "catalyst-tui"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    t.access_token
}

/// Moves the sandbox's clock (token and device-code expiry) forward.
pub async fn advance_clock(sb: &RunningSandbox, secs: i64) {
    sb.state.world.write().await.clock_skew += chrono::TimeDelta::seconds(secs);
}

/// Advances the (frozen) simulation `n` ticks, exactly as the running sandbox would.
pub async fn tick(sb: &RunningSandbox, sim: &mut Simulation, n: usize) {
    for _ in 0..n {
        let mut world = sb.state.world.write().await;
        sim.tick(&mut world, &sb.state.bus, chrono::Utc::now());
    }
}

/// Ticks until `env/app` reaches `status` as the client reads it; gives up after `max`
/// ticks. Returns the statuses seen along the way (deduplicated).
pub async fn tick_until(
    sb: &RunningSandbox,
    sim: &mut Simulation,
    client: &ApiClient,
    env: &str,
    app: &str,
    status: AppStatus,
    max: usize,
) -> Vec<AppStatus> {
    let mut seen = Vec::new();
    for _ in 0..=max {
        let a = client.get_application(env, app).await.unwrap();
        if seen.last() != Some(&a.status) {
            seen.push(a.status);
        }
        if a.status == status {
            return seen;
        }
        tick(sb, sim, 1).await;
    }
    panic!("{env}/{app} never became {status}; seen {seen:?}");
}

/// Polls `check` with short sleeps until it answers true; a liveness wait bounded at 30 s,
/// not a timing assertion.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 30 s");
}

/// Asserts a 403 with `code` (and `required`, when given) and returns the error.
#[track_caller]
pub fn assert_restricted<T: std::fmt::Debug>(
    r: Result<T, ApiError>,
    code: &str,
    required: Option<&str>,
) -> ApiError {
    match r {
        Err(e @ ApiError::Restricted { .. }) => {
            let ApiError::Restricted {
                code: c,
                required: req,
                request_id,
                ..
            } = &e
            else {
                unreachable!()
            };
            assert_eq!(c, code, "{e:?}");
            if let Some(want) = required {
                assert_eq!(req.as_deref(), Some(want), "{e:?}");
            }
            assert!(request_id.is_some(), "a 403 names its request: {e:?}");
            e
        }
        other => panic!("expected Restricted {code}, got {other:?}"),
    }
}

/// Asserts a 404.
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(r: Result<T, ApiError>) -> ApiError {
    match r {
        Err(e @ ApiError::NotFound { .. }) => {
            assert_eq!(e.code(), Some("not-found"), "{e:?}");
            assert!(e.request_id().is_some(), "{e:?}");
            e
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// Asserts a 409 with `code`.
#[track_caller]
pub fn assert_conflict<T: std::fmt::Debug>(r: Result<T, ApiError>, code: &str) -> ApiError {
    match r {
        Err(e @ ApiError::Conflict { .. }) => {
            assert_eq!(e.code(), Some(code), "{e:?}");
            assert!(e.request_id().is_some(), "{e:?}");
            e
        }
        other => panic!("expected Conflict {code}, got {other:?}"),
    }
}

/// Asserts a 422 with `code` naming the field `path`.
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(
    r: Result<T, ApiError>,
    code: &str,
    path: &str,
) -> ApiError {
    match r {
        Err(e @ ApiError::Invalid { .. }) => {
            let ApiError::Invalid {
                code: c, fields, ..
            } = &e
            else {
                unreachable!()
            };
            assert_eq!(c, code, "{e:?}");
            assert!(
                fields.iter().any(|f| f.path == path),
                "no field {path:?} in {e:?}"
            );
            assert!(e.request_id().is_some(), "{e:?}");
            e
        }
        other => panic!("expected Invalid {code} at {path}, got {other:?}"),
    }
}

/// The whole audit log as a sovereign-admin reads it through the client (newest first).
pub async fn audit_log(admin: &ApiClient, query: AuditQuery) -> Vec<AuditRecord> {
    let mut out = Vec::new();
    let mut q = query;
    loop {
        let page = admin.list_audit(&q).await.unwrap();
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

/// The audit record left by the request whose error is `e`.
pub async fn record_of(admin: &ApiClient, e: &ApiError) -> AuditRecord {
    let id = e.request_id().expect("the error names its request");
    let log = audit_log(admin, AuditQuery::default()).await;
    let mut matching: Vec<AuditRecord> = log.into_iter().filter(|r| r.request_id == id).collect();
    assert_eq!(
        matching.len(),
        1,
        "one record for request {id}: {matching:?}"
    );
    matching.remove(0)
}

/// True when `id` looks like the client's request ids (a random UUID).
pub fn is_client_request_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The audit record of a successful change: the newest one of `actor` with `action` on
/// `target`.
pub async fn success_record(
    admin: &ApiClient,
    actor: &str,
    action: &str,
    target: &str,
) -> AuditRecord {
    let log = audit_log(
        admin,
        AuditQuery {
            actor: Some(actor.into()),
            action: Some(action.into()),
            ..AuditQuery::default()
        },
    )
    .await;
    let r = log
        .into_iter()
        .find(|r| r.target == target && r.outcome == AuditOutcome::Success)
        .unwrap_or_else(|| panic!("no {action} of {actor} on {target}"));
    assert!(is_client_request_id(&r.request_id), "{r:?}");
    r
}
