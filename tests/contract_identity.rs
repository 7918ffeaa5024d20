//! Identity through the typed client against the sandbox over loopback: discovery, device
//! sign-in completed by a browser's form post, `/me` for every persona, tokens refreshed
//! across expiry (reactively after a 401 and proactively before expiry), and the ends of
//! a session: unknown tokens, failed refreshes, declined and expired sign-ins.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use std::time::Duration;

use catalyst_tui::api::{ApiError, TokenSource};
use catalyst_tui::model::*;
use catalyst_tui::sandbox::SandboxOptions;
use contract_support::*;
use secrecy::SecretString;

#[tokio::test]
async fn discovery_names_the_sandbox_and_its_sign_in_endpoints() {
    let sb = start().await;
    let client = anonymous(&sb, None);
    let meta = client.meta().await.unwrap();
    assert_eq!(meta.sovereign.name, "Bank Dhofar");
    assert_eq!(meta.sovereign.kind, SovereignType::Corporate);
    assert_eq!(meta.api_version, "v1");
    assert_eq!(
        meta.auth.device_authorization_endpoint,
        format!("{}/oauth/device/code", sb.base_url)
    );
    assert_eq!(
        meta.auth.token_endpoint,
        format!("{}/oauth/token", sb.base_url)
    );
    assert_eq!(meta.auth.client_id, "catalyst-tui");
    let ep = client.oauth_endpoints().await.unwrap();
    assert_eq!(ep.token_endpoint.as_str(), meta.auth.token_endpoint);
    // Without a token, calls that need one fail before anything is sent.
    assert_eq!(client.me().await.unwrap_err(), ApiError::NotSignedIn);
}

#[tokio::test]
async fn device_sign_in_completes_when_the_form_is_posted() {
    let sb = start().await;
    let client = anonymous(&sb, None);
    let (prompt, result) = device_sign_in(&client, &sb.base_url, "layla", "approve").await;
    result.unwrap();
    assert_eq!(prompt.verification_uri, format!("{}/device", sb.base_url));
    assert_eq!(
        prompt.verification_uri_complete.as_deref(),
        Some(format!("{}/device?user_code={}", sb.base_url, prompt.user_code).as_str())
    );
    assert_eq!(prompt.user_code.len(), 9, "{}", prompt.user_code);
    assert_eq!(prompt.expires_in, Duration::from_secs(600));
    assert!(client.session().is_signed_in());
    let expires = client.session().expires_at().expect("the expiry is known");
    let left = expires - chrono::Utc::now();
    assert!(
        left > chrono::TimeDelta::seconds(250) && left <= chrono::TimeDelta::seconds(300),
        "{left}"
    );
    let me = client.me().await.unwrap();
    assert_eq!(me.sub, "layla");
}

/// (persona, roles with their Orgs, teams, support agent)
type Identity = (
    &'static str,
    &'static [(RoleName, Option<&'static str>)],
    &'static [&'static str],
    bool,
);

const IDENTITIES: [Identity; 8] = [
    (
        "admin",
        &[(RoleName::SovereignAdmin, None)],
        &["team-platform"],
        false,
    ),
    (
        "layla",
        &[(RoleName::OrgDeveloper, Some("digital-channels"))],
        &["team-platform"],
        false,
    ),
    (
        "omar",
        &[(RoleName::OrgDeveloper, Some("digital-channels"))],
        &["team-payments"],
        false,
    ),
    (
        "salim",
        &[(RoleName::OrgAdmin, Some("digital-channels"))],
        &["team-platform"],
        false,
    ),
    (
        "huda",
        &[(RoleName::OrgViewer, Some("digital-channels"))],
        &[],
        false,
    ),
    (
        "khalid",
        &[(RoleName::SecurityOfficer, None)],
        &["team-security"],
        false,
    ),
    ("fatma", &[(RoleName::BillingAdmin, None)], &[], false),
    ("support", &[(RoleName::SupportAgent, None)], &[], true),
];

#[tokio::test]
async fn me_answers_for_every_persona() {
    let sb = start().await;
    let clients = futures::future::join_all(IDENTITIES.iter().map(|(p, _, _, support)| {
        let ticket = support.then_some(TICKET);
        sign_in_with(&sb, p, ticket)
    }))
    .await;
    for ((persona, roles, teams, support), client) in IDENTITIES.iter().zip(&clients) {
        let me = client.me().await.unwrap();
        assert_eq!(me.sub, *persona);
        assert_eq!(me.email, format!("{persona}@bankdhofar.local"));
        assert!(!me.name.is_empty());
        let want: Vec<RoleBinding> = roles
            .iter()
            .map(|(role, org)| RoleBinding {
                role: *role,
                org: org.map(str::to_string),
            })
            .collect();
        assert_eq!(me.roles, want, "{persona}");
        assert_eq!(me.teams, *teams, "{persona}");
        assert_eq!(me.support_agent, *support, "{persona}");
    }
}

#[tokio::test]
async fn declined_sign_in_is_sign_in_denied() {
    let sb = start().await;
    let client = anonymous(&sb, None);
    let (_, result) = device_sign_in(&client, &sb.base_url, "layla", "deny").await;
    assert_eq!(result.unwrap_err(), ApiError::SignInDenied);
    assert!(!client.session().is_signed_in());
    assert_eq!(client.me().await.unwrap_err(), ApiError::NotSignedIn);
}

#[tokio::test]
async fn a_code_that_expires_before_approval_is_sign_in_expired() {
    let sb = start().await;
    let client = anonymous(&sb, None);
    let state = sb.state.clone();
    let mut mover = None;
    let result = client
        .sign_in_with_device(|_prompt| {
            // Nobody approves; the sandbox's clock runs past the code's ten minutes before
            // the first poll.
            mover = Some(tokio::spawn(async move {
                state.world.write().await.clock_skew += chrono::TimeDelta::seconds(601);
            }));
        })
        .await;
    mover.unwrap().await.unwrap();
    assert_eq!(result.unwrap_err(), ApiError::SignInExpired);
    assert!(!client.session().is_signed_in());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_after_the_401() {
    let sb = start().await;
    let client = sign_in(&sb, "omar").await;
    let generation = client.session().generation();
    // The sandbox now considers the access token expired; the refresh token (12 h) lives.
    advance_clock(&sb, 301).await;
    let me = client.me().await.unwrap();
    assert_eq!(me.sub, "omar");
    assert!(
        client.session().generation() > generation,
        "a new token was installed"
    );
    // The new pair keeps working, and survives a second expiry too.
    client.list_all_orgs().await.unwrap();
    advance_clock(&sb, 301).await;
    assert_eq!(client.me().await.unwrap().sub, "omar");
    assert!(client.session().generation() > generation + 1);
}

#[tokio::test]
async fn short_lived_tokens_are_renewed_across_several_lifetimes() {
    let sb = start_with(SandboxOptions {
        speed: 0.0,
        token_lifetime_secs: 1,
        ..SandboxOptions::default()
    })
    .await;
    let client = sign_in(&sb, "layla").await;
    let first = client.session().generation();
    // Three lifetimes of one second: every call finds its token due for renewal or
    // already refused, and still succeeds.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(client.me().await.unwrap().sub, "layla");
    }
    assert!(
        client.session().generation() >= first + 2,
        "the token was renewed more than once"
    );
    assert!(!client.session().is_expired());
}

#[tokio::test]
async fn a_refresh_the_server_refuses_ends_the_session() {
    let sb = start().await;
    let client = sign_in(&sb, "salim").await;
    // Past the refresh token's twelve hours: the access token and the refresh fail.
    advance_clock(&sb, 13 * 3600).await;
    let err = client.me().await.unwrap_err();
    match &err {
        ApiError::SessionExpired { request_id, .. } => {
            assert!(request_id.is_some(), "names the refused request: {err:?}")
        }
        other => panic!("expected SessionExpired, got {other:?}"),
    }
    assert!(err.needs_sign_in());
    assert!(client.session().is_expired());
    assert!(!client.session().is_signed_in());
    // Further calls do not reach the server and keep asking for a new sign-in.
    assert!(matches!(
        client.list_all_orgs().await.unwrap_err(),
        ApiError::SessionExpired {
            request_id: None,
            ..
        }
    ));
    // Signing in again restores the session.
    let (_, again) = device_sign_in(&client, &sb.base_url, "salim", "approve").await;
    again.unwrap();
    assert!(!client.session().is_expired());
    assert_eq!(client.me().await.unwrap().sub, "salim");
}

#[tokio::test]
async fn an_unknown_token_is_session_expired() {
    let sb = start().await;
    let client = catalyst_tui::api::ApiClient::new(
        config(&sb, None),
        TokenSource::Static {
            token: SecretString::from("cat_at_not-a-token-this-server-issued".to_string()),
            origin: "CATALYST_TOKEN".into(),
        },
    )
    .unwrap();
    let err = client.me().await.unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::SessionExpired {
                request_id: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("not-a-token"), "{err}");
    // Discovery needs no token and still works.
    client.meta().await.unwrap();
}

#[tokio::test]
async fn the_sandbox_echoes_the_clients_request_id() {
    // A wire detail the client keeps to itself on success: the id it sends is the one the
    // sandbox uses (and audits).
    let sb = start().await;
    let token = raw_token(&sb, "huda").await;
    let id = catalyst_tui::api::client::new_request_id();
    assert!(is_client_request_id(&id), "{id}");
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/orgs/core-banking", sb.base_url))
        .bearer_auth(token)
        .header("x-request-id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(resp.headers()["x-request-id"], id.as_str());
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.request_id.as_deref(), Some(id.as_str()));
}
