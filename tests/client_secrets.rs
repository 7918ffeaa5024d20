//! Canary tokens planted in every place a token can live (static source, token file,
//! token cache, refresh token, device code, kube credentials, kubeconfig) never appear in
//! an error's text or `Debug`, in a `Debug` of the client's types, nor in any log line at
//! trace level — even when a server echoes them back (QUALITY S1).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use catalyst_tui::api::auth::{TokenCache, Tokens};
use catalyst_tui::api::{ApiClient, TokenSource};
use catalyst_tui::model::TokenResponse;
use client_support::*;
use serde_json::json;

const CANARY: &str = "canary-7f3a9c1e5b2d4f60-access";
const CANARY_REFRESH: &str = "canary-0b8e2d6a4c1f3957-refresh";
const CANARY_DEVICE: &str = "canary-5d1c3b7a9e2f4680-device";
const CANARY_KUBE: &str = "canary-2e4f6a8c0b1d3579-kube";

/// Everything written to the log, at every level.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Answers that echo the request's `Authorization` header back in every unfortunate way.
async fn echo(Path(case): Path<String>, headers: HeaderMap) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let token = auth.trim_start_matches("Bearer ").to_string();
    match case.as_str() {
        "html" => text_response(
            200,
            "text/html",
            &format!("<pre>Authorization: {auth}</pre>"),
        ),
        "json-detail" => json_response(
            400,
            json!({"error": "bad", "detail": format!("you sent {auth}")}),
        ),
        "forbidden" => json_response(
            403,
            json!({"error": "forbidden", "detail": "x", "reason": format!("token {token} lacks scope")}),
        ),
        "unauthorized" => json_response(
            401,
            json!({"error": "unauthenticated", "detail": format!("{token} is not valid")}),
        ),
        "broken" => text_response(
            200,
            "application/json",
            &format!("{{\"access_token\":\"{token}\",\"refresh_token\":\"{CANARY_REFRESH}\""),
        ),
        "text" => text_response(500, "text/plain", &format!("panic: header was {auth}")),
        _ => json_response(404, json!({"error": "not-found", "detail": "?"})),
    }
}

async fn credentials() -> Response {
    // Valid JSON of the wrong shape, holding the kube token.
    json_response(
        200,
        json!({"server": "https://k", "token": CANARY_KUBE, "expires_at": "not a time"}),
    )
}

#[tokio::test]
async fn canaries_never_leak() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();

    let meta = json!({
        "sovereign": {"name": "s", "domain": "d", "type": "sme"}, "api_version": "v1",
        "auth": {"issuer": "i", "device_authorization_endpoint": "/oauth/device",
                 "token_endpoint": "/oauth/token", "client_id": "c", "scopes": []}
    });
    let router = Router::new()
        .route("/api/v1/orgs/{case}", get(echo))
        .route("/api/v1/access-requests/{id}/credentials", get(credentials))
        .route(
            "/api/v1/meta",
            get(move || async move { json_response(200, meta) }),
        )
        .route(
            "/oauth/device",
            post(|| async {
                json_response(
                    200,
                    json!({"device_code": CANARY_DEVICE, "user_code": "ABCD-EFGH",
                           "verification_uri": "https://v", "expires_in": 2, "interval": 1}),
                )
            }),
        )
        .route(
            "/oauth/token",
            post(|| async {
                text_response(
                    400,
                    "text/html",
                    &format!("<p>bad request for device_code={CANARY_DEVICE}</p>"),
                )
            }),
        )
        .route(
            "/sovereign/api/v1/deployments/{id}/kubeconfig",
            get(|| async {
                text_response(
                    200,
                    "application/yaml",
                    &format!("users:\n- user: {{token: {CANARY_KUBE}}}\n"),
                )
            }),
        );
    let (base, _) = serve(router).await;

    let mut texts: Vec<String> = Vec::new();
    let mut record = |label: &str, text: String| texts.push(format!("{label}: {text}"));

    // A static token (CATALYST_TOKEN) and a cache with a refresh token.
    let dir = tempfile::tempdir().unwrap();
    let cache_path = dir.path().join("tokens.json");
    TokenCache::new(&cache_path)
        .store(&Tokens::from_response(
            TokenResponse {
                access_token: CANARY.into(),
                token_type: "Bearer".into(),
                expires_in: 3600,
                refresh_token: Some(CANARY_REFRESH.into()),
                scope: None,
            },
            None,
        ))
        .unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, CANARY).unwrap();

    let sources = [
        TokenSource::Static {
            token: CANARY.to_string().into(),
            origin: "CATALYST_TOKEN".into(),
        },
        TokenSource::cache(&cache_path),
        TokenSource::file(&token_file),
    ];
    for source in sources {
        record("source", format!("{source:?}"));
        let mut cfg = config(&base);
        cfg = cfg
            .with_provisioning_url(&format!("{base}/sovereign"))
            .unwrap();
        cfg.provisioning_bearer = true;
        let client = ApiClient::new(cfg, source).unwrap();
        record("client", format!("{client:?}"));
        record("session", format!("{:?}", client.session()));
        record("config", format!("{:?}", client.config()));
        for case in [
            "html",
            "json-detail",
            "forbidden",
            "unauthorized",
            "broken",
            "text",
        ] {
            let e = client.get_org(case).await.unwrap_err();
            record(case, e.to_string());
            record(case, format!("{e:?}"));
        }
        let e = client.access_credentials("r1").await.unwrap_err();
        record("credentials", e.to_string());
        record("credentials", format!("{e:?}"));

        let prov = client.provisioning().unwrap();
        record("provisioning", format!("{prov:?}"));
        let kubeconfig = prov.kubeconfig("0123456789abcdef").await.unwrap();
        record("kubeconfig", format!("{kubeconfig:?}"));

        let factory = client.events_request(None, None).unwrap();
        let req = factory(None).build().unwrap();
        record("sse request", format!("{req:?}"));
    }

    // Device sign-in whose token endpoint echoes the device code.
    let client = ApiClient::new(config(&base), TokenSource::None).unwrap();
    let prompt = Arc::new(Mutex::new(String::new()));
    let p = prompt.clone();
    let e = client
        .sign_in_with_device(move |d| *p.lock().unwrap() = format!("{d:?}"))
        .await
        .unwrap_err();
    record("device", e.to_string());
    record("device", format!("{e:?}"));
    record("prompt", prompt.lock().unwrap().clone());

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.is_empty(), "the log capture works");
    texts.push(logs);
    for text in &texts {
        for canary in [CANARY, CANARY_REFRESH, CANARY_DEVICE, CANARY_KUBE] {
            assert!(!text.contains(canary), "leaked {canary} in {text}");
        }
    }
    // The errors still say something useful.
    assert!(texts.iter().any(|t| t.contains("<redacted>")));
}
