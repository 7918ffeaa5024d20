//! Identity of the sandbox Sovereign: discovery (`GET /api/v1/meta`), the OAuth 2.0
//! device authorization grant (RFC 8628) with its verification page, the refresh-token
//! grant, and `GET /api/v1/me`.
//!
//! There is no other way to get a token: scripts and tests go through the device flow
//! over HTTP like the console does (`POST /device` with `user_code` and `persona` is what
//! the verification page's form submits).

mod oauth;
mod sessions;
mod verify;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};

pub use sessions::{
    DEVICE_CODE_TTL_SECS, DecideError, DeviceStart, GrantError, Issued, POLL_INTERVAL_SECS,
    REFRESH_TTL_SECS, SLOW_DOWN_STEP_SECS, Sessions,
};

use super::authz::Caller;
use super::error::ApiError;
use super::store::{SharedSandbox, SovereignProfile};
use crate::model::{AuthInfo, DemoPersona, Me, Meta, SovereignInfo, SovereignType};

/// The console's OAuth client id.
pub const CLIENT_ID: &str = "catalyst-tui";
/// Scopes the sandbox grants.
pub const SCOPES: [&str; 3] = ["openid", "profile", "catalyst"];
/// RFC 8628 device authorization endpoint.
pub const DEVICE_AUTHORIZATION_PATH: &str = "/oauth/device/code";
/// Token endpoint (device-code and refresh-token grants).
pub const TOKEN_PATH: &str = "/oauth/token";
/// Verification page (GET shows the form, POST completes a code).
pub const VERIFICATION_PATH: &str = "/device";
/// The demo personas the verification page offers, as JSON (sandbox only: the console's
/// persona switch lists them).
pub const PERSONAS_PATH: &str = "/device/personas";
/// The console API version this sandbox serves.
pub const API_VERSION: &str = "v1";

/// Routes of discovery, sign-in and `/me`.
pub fn router() -> Router<SharedSandbox> {
    sign_in_router()
        .route("/api/v1/meta", get(meta))
        .route("/api/v1/me", get(me))
}

/// Routes of sign-in only (device grant, token, verification page, personas), without
/// the console API's `/meta` and `/me`: what the catalyst-api surface keeps.
pub fn sign_in_router() -> Router<SharedSandbox> {
    Router::new()
        .route(DEVICE_AUTHORIZATION_PATH, post(oauth::device_code))
        .route(TOKEN_PATH, post(oauth::token))
        .route(VERIFICATION_PATH, get(verify::page).post(verify::submit))
        .route(PERSONAS_PATH, get(personas))
}

/// `GET /device/personas`: who the verification page can sign in as.
async fn personas(State(sb): State<SharedSandbox>) -> Json<Vec<DemoPersona>> {
    let world = sb.world.read().await;
    Json(
        world
            .personas
            .values()
            .map(|p| DemoPersona {
                id: p.id.clone(),
                name: p.me.name.clone(),
                blurb: p.blurb.clone(),
            })
            .collect(),
    )
}

/// Discovery for a Sovereign served at `base_url` (`http://127.0.0.1:8787`).
pub fn meta_for(profile: &SovereignProfile, base_url: &str) -> Meta {
    let base = base_url.trim_end_matches('/');
    let mut defaults = serde_json::Map::new();
    let corporate = profile.kind == SovereignType::Corporate;
    let mut set = |k: &str, v: serde_json::Value| {
        defaults.insert(k.to_string(), v);
    };
    set(
        "console_depth",
        (if corporate { "advanced" } else { "form" }).into(),
    );
    set(
        "promotions",
        (if corporate {
            "always"
        } else {
            "hidden-while-single-environment"
        })
        .into(),
    );
    set("policy_editor", corporate.into());
    set("kubectl_access", corporate.into());
    set("git_access", corporate.into());
    set(
        "verification_uri",
        format!("{base}{VERIFICATION_PATH}").into(),
    );
    Meta {
        sovereign: SovereignInfo {
            name: profile.name.clone(),
            domain: profile.domain.clone(),
            kind: profile.kind,
        },
        api_version: API_VERSION.to_string(),
        auth: AuthInfo {
            issuer: base.to_string(),
            device_authorization_endpoint: format!("{base}{DEVICE_AUTHORIZATION_PATH}"),
            token_endpoint: format!("{base}{TOKEN_PATH}"),
            client_id: CLIENT_ID.to_string(),
            scopes: SCOPES.iter().map(|s| s.to_string()).collect(),
        },
        defaults,
    }
}

async fn meta(State(sb): State<SharedSandbox>) -> Result<Json<Meta>, ApiError> {
    sb.world
        .read()
        .await
        .meta
        .clone()
        .map(Json)
        .ok_or_else(|| ApiError::unavailable("the sandbox is still starting"))
}

async fn me(caller: Caller) -> Json<Me> {
    Json(caller.me)
}

/// The base URL links of the sign-in flow point at: the issuer of `/meta`.
async fn issuer(sb: &SharedSandbox) -> String {
    sb.world
        .read()
        .await
        .meta
        .as_ref()
        .map(|m| m.auth.issuer.clone())
        .unwrap_or_default()
}
