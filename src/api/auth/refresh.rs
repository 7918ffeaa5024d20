//! Keeping a session alive: the refresh-token grant behind a single flight, proactive
//! refresh shortly before expiry (so a two-hour follow with five-minute tokens never asks
//! to sign in, QUALITY R5), discovery of the OAuth endpoints through `/api/v1/meta` (or,
//! when the profile names an OIDC issuer, the issuer's discovered token endpoint and
//! client id), and the token endpoint's form posts shared with the device and OIDC flows.
//!
//! Must not retry a refused refresh: the session then expires and the view asks to sign
//! in again.

use std::time::Duration;

use reqwest::{Method, Url};
use secrecy::ExposeSecret;

use super::{OAuthEndpoints, Snapshot, TokenSource, Tokens, read_token_file};
use crate::api::client::{ApiClient, Auth, Call, Payload};
use crate::api::error::ApiError;
use crate::model::{Meta, OAuthError, TokenResponse};

/// Wait before trying again when a background refresh could not reach the server.
const KEEPER_RETRY: Duration = Duration::from_secs(30);

/// What the token endpoint said.
pub(crate) enum TokenAnswer {
    Tokens(TokenResponse),
    Refused(OAuthError),
}

impl ApiClient {
    /// The OAuth endpoints, discovered once through `GET /api/v1/meta`.
    pub async fn oauth_endpoints(&self) -> Result<OAuthEndpoints, ApiError> {
        if let Some(ep) = self.inner.session.endpoints() {
            return Ok(ep);
        }
        let meta: Meta = self
            .call_json_anonymous(
                Call::get(
                    self.api_url(&["api", "v1", "meta"])?,
                    "the Sovereign's description",
                )
                .auth(Auth::None),
            )
            .await?;
        let base = &self.inner.config.api_url;
        let resolve = |s: &str, name: &str| {
            base.join(s).map_err(|e| {
                ApiError::config(format!(
                    "The Sovereign advertises an unusable {name} {s:?} ({e})."
                ))
            })
        };
        let ep = OAuthEndpoints {
            device_authorization_endpoint: resolve(
                &meta.auth.device_authorization_endpoint,
                "device authorization endpoint",
            )?,
            token_endpoint: resolve(&meta.auth.token_endpoint, "token endpoint")?,
            client_id: meta.auth.client_id,
            scopes: meta.auth.scopes,
        };
        self.inner.session.set_endpoints(ep.clone());
        Ok(ep)
    }

    /// Posts a form to the token endpoint (RFC 6749 §4, RFC 8628 §3.4).
    pub(crate) async fn post_token_form(
        &self,
        url: &Url,
        fields: Vec<(String, String)>,
    ) -> Result<TokenAnswer, ApiError> {
        let call = Call {
            method: Method::POST,
            url: url.clone(),
            payload: Payload::Form(fields),
            auth: Auth::None,
            accept: "application/json",
            what: "the token endpoint's answer",
            streaming: false,
        };
        let (mut resp, request_id) = self.send_once(&call, None).await?;
        let status = resp.status();
        if status.is_success() {
            let answer = crate::api::client::Answer {
                response: resp,
                request_id,
            };
            return Ok(TokenAnswer::Tokens(
                self.decode_json(answer, call.what).await?,
            ));
        }
        if status == reqwest::StatusCode::BAD_REQUEST || status == reqwest::StatusCode::UNAUTHORIZED
        {
            let body = self
                .read_body(&mut resp, &request_id, call.what, 64 * 1024)
                .await?;
            if let Ok(refusal) = serde_json::from_slice::<OAuthError>(&body) {
                return Ok(TokenAnswer::Refused(refusal));
            }
            let ct = crate::api::client::content_type(&resp);
            return Err(self.decode_error(
                call.what,
                format!("the token endpoint answered {status} without an OAuth error"),
                status.as_u16(),
                ct,
                &body,
                &request_id,
            ));
        }
        Err(self.error_from_response(resp, Some(request_id)).await)
    }

    /// Refreshes the session if its token expires soon (a no-op otherwise). Failures are
    /// left for the request itself to meet.
    pub(crate) async fn refresh_if_due(&self) {
        if let Some(seen) = self.inner.session.refresh_due() {
            let _ = self.refresh(seen, true).await;
        }
    }

    /// Refreshes the session now if its token expires soon; for callers that are about
    /// to open a long-lived stream.
    pub async fn ensure_fresh_token(&self) -> Result<(), ApiError> {
        let (tokens, seen) = self.inner.session.snapshot();
        match tokens {
            Some(t) if t.refresh_due() => self.refresh(seen, true).await,
            Some(_) => Ok(()),
            None => Err(self.inner.session.missing_token_error()),
        }
    }

    /// For streams whose (re)connection was answered 401: refreshes the session once
    /// (joining a refresh already under way) so the next attempt carries a new token.
    pub async fn recover_from_unauthorized(&self) -> Result<(), ApiError> {
        let (_, seen) = self.inner.session.access_token_at();
        self.refresh_after(seen).await
    }

    /// Single-flight refresh after the token of generation `seen` was refused.
    pub(crate) async fn refresh_after(&self, seen: Snapshot) -> Result<(), ApiError> {
        self.refresh(seen, false).await
    }

    async fn refresh(&self, seen: Snapshot, proactive: bool) -> Result<(), ApiError> {
        let session = &self.inner.session;
        let _flight = session.gate.lock().await;
        {
            let st = session.state();
            if st.generation != seen.generation {
                // Someone refreshed (or gave up) while this request waited.
                return match st.tokens {
                    Some(_) => Ok(()),
                    None => Err(expired("the session was refused")),
                };
            }
            if st.attempts != seen.attempts
                && let Some(e) = &st.last_failure
            {
                return Err(e.clone());
            }
        }
        session.state().attempts += 1;
        let result = self.obtain_new_tokens().await;
        match result {
            Ok(tokens) => session.install(tokens),
            Err(e) if is_transient(&e) => {
                session.state().last_failure = Some(e.clone());
                Err(e)
            }
            Err(e) => {
                if proactive {
                    // The access token still works for a while; the next 401 ends it.
                    session.drop_refresh_token();
                } else {
                    session.expire();
                }
                let e = match e {
                    ApiError::SessionExpired { .. } => e,
                    other => expired(&other.to_string()),
                };
                session.state().last_failure = Some(e.clone());
                Err(e)
            }
        }
    }

    /// New tokens from wherever this session's tokens come from.
    async fn obtain_new_tokens(&self) -> Result<Tokens, ApiError> {
        let session = &self.inner.session;
        match session.source() {
            TokenSource::Static { origin, .. } => {
                Err(expired(&format!("the token from {origin} was refused")))
            }
            TokenSource::File(path) => {
                let token = read_token_file(path)?;
                if session.differs_from_current(&token) {
                    Ok(Tokens::bearer(token))
                } else {
                    Err(expired(&format!(
                        "the token in {} was refused",
                        path.display()
                    )))
                }
            }
            TokenSource::None | TokenSource::Cache(_) => {
                let (tokens, _) = session.snapshot();
                let Some(refresh) = tokens.and_then(|t| t.refresh) else {
                    return Err(expired("there is no refresh token"));
                };
                let (token_endpoint, client_id) = self.refresh_endpoint().await?;
                let fields = vec![
                    ("grant_type".to_string(), "refresh_token".to_string()),
                    (
                        "refresh_token".to_string(),
                        refresh.expose_secret().to_string(),
                    ),
                    ("client_id".to_string(), client_id),
                ];
                match self.post_token_form(&token_endpoint, fields).await? {
                    TokenAnswer::Tokens(resp) => Ok(Tokens::from_response(resp, Some(refresh))),
                    TokenAnswer::Refused(r) => Err(expired(&format!(
                        "the sign-in could not be renewed ({})",
                        r.error
                    ))),
                }
            }
        }
    }

    /// Where refresh tokens are redeemed: the OIDC issuer's token endpoint with the
    /// profile's client id when one is configured, else the endpoints of `/api/v1/meta`.
    async fn refresh_endpoint(&self) -> Result<(Url, String), ApiError> {
        if let Some(oidc) = &self.inner.config.oidc {
            let d = self.oidc_discovery().await?;
            return Ok((d.token_endpoint, oidc.client_id.clone()));
        }
        let ep = self.oauth_endpoints().await?;
        Ok((ep.token_endpoint, ep.client_id))
    }

    /// Keeps the session fresh in the background: refreshes shortly before each expiry,
    /// retries after network failures, and waits for a new sign-in when the session can no
    /// longer be renewed. Call within a Tokio runtime; abort the handle to stop it.
    pub fn spawn_session_keeper(&self) -> tokio::task::JoinHandle<()> {
        let client = self.clone();
        tokio::spawn(async move {
            loop {
                let session = &client.inner.session;
                let changed = session.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                let (tokens, _) = session.snapshot();
                let Some(due) = tokens.as_ref().and_then(Tokens::refresh_due_at) else {
                    // Nothing to renew until a sign-in brings a refresh token.
                    changed.await;
                    continue;
                };
                tokio::select! {
                    () = tokio::time::sleep_until(due) => {
                        if let Err(e) = client.ensure_fresh_token().await
                            && is_transient(&e)
                        {
                            tokio::time::sleep(KEEPER_RETRY).await;
                        }
                    }
                    () = &mut changed => {}
                }
            }
        })
    }
}

fn expired(detail: &str) -> ApiError {
    ApiError::SessionExpired {
        detail: detail.to_string(),
        request_id: None,
    }
}

/// True for failures that say nothing about the session itself.
fn is_transient(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Transport { .. } | ApiError::Server { .. } | ApiError::RateLimited { .. }
    )
}
