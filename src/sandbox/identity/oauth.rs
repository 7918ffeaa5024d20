//! The OAuth endpoints: RFC 8628 device authorization and the token endpoint with the
//! device-code and refresh-token grants. Form-encoded in, JSON out, RFC error shapes
//! (`{error, error_description}`), `Cache-Control: no-store` on every token answer.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::sessions::GrantError;
use super::{CLIENT_ID, SCOPES, VERIFICATION_PATH, issuer};
use crate::model::{DeviceAuthorization, OAuthError, TokenResponse};
use crate::sandbox::store::SharedSandbox;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const REFRESH_GRANT: &str = "refresh_token";

#[derive(Debug, Deserialize)]
pub(super) struct DeviceCodeForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    device_code: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    client_id: String,
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    let body = OAuthError {
        error: code.to_string(),
        error_description: Some(description.to_string()),
    };
    no_store((status, axum::Json(body)).into_response())
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn grant_error(e: GrantError) -> Response {
    let status = if e == GrantError::InvalidClient {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    oauth_error(status, e.code(), e.description())
}

/// `POST /oauth/device/code`.
pub(super) async fn device_code(
    State(sb): State<SharedSandbox>,
    form: Result<Form<DeviceCodeForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "send client_id (and scope) form-encoded",
        );
    };
    if form.client_id != CLIENT_ID {
        return grant_error(GrantError::InvalidClient);
    }
    let scope = form
        .scope
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| SCOPES.join(" "));
    let base = issuer(&sb).await;
    let start = {
        let mut world = sb.world.write().await;
        let now = world.now();
        world.sessions.start_device(&form.client_id, &scope, now)
    };
    let verification_uri = format!("{base}{VERIFICATION_PATH}");
    let body = DeviceAuthorization {
        verification_uri_complete: Some(format!(
            "{verification_uri}?user_code={}",
            start.user_code
        )),
        device_code: start.device_code,
        user_code: start.user_code,
        verification_uri,
        expires_in: start.expires_in,
        interval: start.interval,
    };
    no_store(axum::Json(body).into_response())
}

/// `POST /oauth/token`.
pub(super) async fn token(
    State(sb): State<SharedSandbox>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "send grant_type and its parameters form-encoded",
        );
    };
    let ttl = sb.opts.token_lifetime_secs;
    let result = {
        let mut world = sb.world.write().await;
        let now = world.now();
        match form.grant_type.as_str() {
            DEVICE_GRANT => match form.device_code.as_deref() {
                Some(code) => world.sessions.poll(code, &form.client_id, now, ttl),
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "device_code is required",
                    );
                }
            },
            REFRESH_GRANT => match form.refresh_token.as_deref() {
                Some(rt) => world.sessions.refresh(rt, &form.client_id, now, ttl),
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "refresh_token is required",
                    );
                }
            },
            _ => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "this server supports the device_code and refresh_token grants",
                );
            }
        }
    };
    match result {
        Ok(issued) => no_store(
            axum::Json(TokenResponse {
                access_token: issued.access_token,
                token_type: "Bearer".to_string(),
                expires_in: issued.expires_in,
                refresh_token: Some(issued.refresh_token),
                scope: Some(issued.scope),
            })
            .into_response(),
        ),
        Err(e) => grant_error(e),
    }
}
