//! Discovery, the device flow (pending, slow_down, denial, expiry), token expiry and
//! refresh rotation, request ids.

use super::helpers::*;
use catalyst_tui::model::*;
use reqwest::StatusCode;
use serde_json::Value;

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
