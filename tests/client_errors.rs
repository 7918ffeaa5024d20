//! Every error answer of the contract maps to a typed error with a readable message and the
//! request id the client sent; transport failures and undecodable answers too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use catalyst_tui::api::{ApiClient, ApiError, TokenSource, TransportKind};
use client_support::*;
use serde_json::json;

/// `GET /api/v1/orgs/{case}` answers the error named by `case`.
async fn case(Path(case): Path<String>) -> Response {
    let err = |status: u16, body: serde_json::Value| json_response(status, body);
    match case.as_str() {
        "bad" => err(
            400,
            json!({"error": "bad-request", "detail": "limit must be a number"}),
        ),
        "forbidden" => err(
            403,
            json!({"error": "forbidden", "detail": "no", "required": "org-admin",
                   "reason": "only org-admins of acme may create environments"}),
        ),
        "ticket" => err(
            403,
            json!({"error": "support-ticket-required", "detail": "x"}),
        ),
        "readonly" => err(
            403,
            json!({"error": "support-mode-read-only", "detail": "x"}),
        ),
        "approver" => err(
            403,
            json!({"error": "not-an-approver", "detail": "x",
                   "teams": ["team-platform", "team-security"]}),
        ),
        "self" => err(
            403,
            json!({"error": "self-approval-forbidden", "detail": "x"}),
        ),
        "missing" => err(
            404,
            json!({"error": "not-found", "detail": "no org named missing"}),
        ),
        "conflict" => err(
            409,
            json!({"error": "stale-revision", "detail": "changed", "revision": 9,
                   "state": {"status": "updating"}}),
        ),
        "deps" => err(
            409,
            json!({"error": "has-dependents", "detail": "in use",
                   "dependents": ["shop", "blog"]}),
        ),
        "gone" => err(410, json!({"error": "gone", "detail": "the grant expired"})),
        "invalid" => err(
            422,
            json!({"error": "invalid", "detail": "values do not match the schema",
                   "fields": [{"path": "/replicas", "message": "must be at least 1"}]}),
        ),
        "rate-header" => {
            let mut r = err(429, json!({"error": "rate-limited", "detail": "slow down"}));
            r.headers_mut().insert("retry-after", "4".parse().unwrap());
            r
        }
        "rate-body" => err(
            429,
            json!({"error": "rate-limited", "detail": "slow down", "retry_after": 7}),
        ),
        "rate-both" => {
            let mut r = err(
                429,
                json!({"error": "rate-limited", "detail": "slow down", "retry_after": 30}),
            );
            r.headers_mut().insert("retry-after", "2".parse().unwrap());
            r
        }
        "boom" => err(
            500,
            json!({"error": "internal", "detail": "database exploded"}),
        ),
        "down" => err(
            503,
            json!({"error": "unavailable", "detail": "maintenance"}),
        ),
        "teapot" => text_response(418, "text/plain", "short and stout"),
        "html" => text_response(
            200,
            "text/html",
            "<html><body>Sign in to the proxy</body></html>",
        ),
        "broken" => text_response(200, "application/json", "{\"name\": \"acme\", \"display_"),
        "wrong-shape" => json_response(200, json!({"name": 5})),
        "unknown-enum" => {
            let mut org = org_json("acme");
            org["type"] = json!("galactic");
            json_response(200, org)
        }
        "slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            json_response(200, org_json("slow"))
        }
        _ => json_response(200, org_json(&case)),
    }
}

async fn setup() -> (ApiClient, Recorder) {
    let router = Router::new().route("/api/v1/orgs/{case}", get(case));
    let (base, rec) = serve(router).await;
    (client_with_token(&base, "tok-errors-0001"), rec)
}

async fn fail(client: &ApiClient, rec: &Recorder, name: &str) -> ApiError {
    let err = client.get_org(name).await.expect_err(name);
    // The error keeps the id the request was sent with.
    let sent = rec.last().header("x-request-id").expect("request id sent");
    assert_eq!(err.request_id(), Some(sent.as_str()), "{name}: {err:?}");
    assert!(err.to_string().contains(&sent), "{name}: {err}");
    err
}

#[tokio::test]
async fn status_answers_map_to_typed_errors() {
    let (c, rec) = setup().await;

    let e = fail(&c, &rec, "bad").await;
    assert!(matches!(e, ApiError::BadRequest { .. }), "{e:?}");
    assert!(e.to_string().contains("limit must be a number"));

    let e = fail(&c, &rec, "forbidden").await;
    match &e {
        ApiError::Restricted {
            code,
            required,
            detail,
            ..
        } => {
            assert_eq!(code, "forbidden");
            assert_eq!(required.as_deref(), Some("org-admin"));
            assert_eq!(detail, "only org-admins of acme may create environments");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("This needs org-admin"), "{e}");
    assert!(e.is_restricted());

    let e = fail(&c, &rec, "ticket").await;
    assert_eq!(e.code(), Some("support-ticket-required"));
    assert!(e.to_string().contains("support ticket"), "{e}");

    let e = fail(&c, &rec, "readonly").await;
    assert_eq!(e.code(), Some("support-mode-read-only"));
    assert!(e.to_string().contains("read-only"), "{e}");

    let e = fail(&c, &rec, "approver").await;
    assert!(
        e.to_string().contains("team-platform, team-security"),
        "{e}"
    );
    let e = fail(&c, &rec, "self").await;
    assert!(e.to_string().contains("cannot review it yourself"), "{e}");

    let e = fail(&c, &rec, "missing").await;
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("no org named missing"));

    match fail(&c, &rec, "conflict").await {
        ApiError::Conflict {
            code,
            revision,
            state,
            ..
        } => {
            assert_eq!(code, "stale-revision");
            assert_eq!(revision, Some(9));
            assert_eq!(state.unwrap()["status"], "updating");
        }
        other => panic!("{other:?}"),
    }
    let e = fail(&c, &rec, "deps").await;
    match &e {
        ApiError::Conflict { dependents, .. } => assert_eq!(dependents, &["shop", "blog"]),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("shop, blog"), "{e}");

    let e = fail(&c, &rec, "gone").await;
    assert_eq!(e.status(), Some(410));
    assert!(e.to_string().contains("the grant expired"));

    let e = fail(&c, &rec, "invalid").await;
    match &e {
        ApiError::Invalid { fields, .. } => assert_eq!(fields[0].path, "/replicas"),
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string().contains("/replicas: must be at least 1"),
        "{e}"
    );

    let e = fail(&c, &rec, "boom").await;
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
    assert!(e.is_retryable());
    let e = fail(&c, &rec, "down").await;
    assert!(e.to_string().contains("temporarily unavailable"), "{e}");
    assert!(e.is_retryable());

    let e = fail(&c, &rec, "teapot").await;
    assert!(matches!(e, ApiError::Http { status: 418, .. }), "{e:?}");
    assert!(e.to_string().contains("short and stout"));
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn rate_limits_in_every_form() {
    let (c, rec) = setup().await;
    let e = fail(&c, &rec, "rate-header").await;
    assert_eq!(e.retry_after(), Some(Duration::from_secs(4)));
    assert!(e.to_string().contains("try again in 4 s"), "{e}");
    // The real gateway sends only the body field.
    let e = fail(&c, &rec, "rate-body").await;
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    // Both: the header wins.
    let e = fail(&c, &rec, "rate-both").await;
    assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn undecodable_answers_are_readable() {
    let (c, rec) = setup().await;
    let e = fail(&c, &rec, "html").await;
    match &e {
        ApiError::Decode {
            content_type,
            snippet,
            ..
        } => {
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(snippet.contains("Sign in to the proxy"), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("expected JSON"), "{e}");
    assert!(e.to_string().contains("the Organization"), "{e}");

    let e = fail(&c, &rec, "broken").await;
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
    assert!(e.to_string().contains("cut short"), "{e}");

    let e = fail(&c, &rec, "wrong-shape").await;
    assert!(e.to_string().contains("does not match"), "{e}");
}

#[tokio::test]
async fn unknown_enum_values_are_not_errors() {
    let (c, _) = setup().await;
    // `type` of an Org is free text; an unknown Application status is an enum.
    let org = c.get_org("unknown-enum").await.unwrap();
    assert_eq!(org.kind, "galactic");
    let app: catalyst_tui::model::Application =
        serde_json::from_value(app_json("x", "hibernating")).unwrap();
    assert_eq!(app.status, catalyst_tui::model::AppStatus::Unknown);
}

#[tokio::test]
async fn every_request_carries_a_fresh_request_id_and_the_ticket() {
    let router = Router::new().route("/api/v1/orgs/{case}", get(case));
    let (base, rec) = serve(router).await;
    let mut cfg = config(&base);
    cfg.support_ticket = Some("SUP-4711".into());
    let c = ApiClient::new(
        cfg,
        TokenSource::Static {
            token: "tok-ticket-0001".to_string().into(),
            origin: "test".into(),
        },
    )
    .unwrap();
    assert!(c.support_mode());
    c.get_org("a").await.unwrap();
    c.get_org("b").await.unwrap();
    let seen = rec.all();
    let ids: Vec<String> = seen
        .iter()
        .map(|s| s.header("x-request-id").unwrap())
        .collect();
    assert_ne!(ids[0], ids[1]);
    for s in &seen {
        assert_eq!(
            s.header("x-catalyst-support-ticket").as_deref(),
            Some("SUP-4711")
        );
        assert_eq!(
            s.header("authorization").as_deref(),
            Some("Bearer tok-ticket-0001")
        );
        assert!(s.header("user-agent").unwrap().starts_with("catalyst-tui/"));
    }

    let mut cfg = config(&base);
    cfg.support_ticket = Some("bad\nticket".into());
    let e = ApiClient::new(cfg, TokenSource::None).unwrap_err();
    assert!(matches!(e, ApiError::Config { .. }), "{e:?}");
}

#[tokio::test]
async fn transport_failures_explain_themselves() {
    // A port that was free a moment ago: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client_with_token(&format!("http://127.0.0.1:{port}"), "tok-transport-01");
    let e = c.get_org("x").await.unwrap_err();
    match &e {
        ApiError::Transport {
            kind,
            endpoint,
            request_id,
            ..
        } => {
            assert_eq!(*kind, TransportKind::Connect);
            assert_eq!(endpoint, &format!("http://127.0.0.1:{port}"));
            assert!(request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("connection refused"), "{e}");
    assert!(e.is_retryable());

    let (c, _) = {
        let router = Router::new().route("/api/v1/orgs/{case}", get(case));
        let (base, rec) = serve(router).await;
        let mut cfg = config(&base);
        cfg.request_timeout = Some(Duration::from_millis(200));
        let c = ApiClient::new(
            cfg,
            TokenSource::Static {
                token: "tok-timeout-0001".to_string().into(),
                origin: "test".into(),
            },
        )
        .unwrap();
        (c, rec)
    };
    let e = c.get_org("slow").await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("did not answer in time"), "{e}");
}

#[tokio::test]
async fn calls_without_a_token_ask_to_sign_in() {
    let router = Router::new().route("/api/v1/orgs/{case}", get(case));
    let (base, rec) = serve(router).await;
    let c = ApiClient::new(config(&base), TokenSource::None).unwrap();
    let e = c.get_org("a").await.unwrap_err();
    assert_eq!(e, ApiError::NotSignedIn);
    assert!(e.needs_sign_in());
    assert_eq!(rec.all().len(), 0, "nothing is sent without a token");
}
