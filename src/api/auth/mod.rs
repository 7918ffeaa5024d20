//! Authentication of the console API: where tokens come from ([`TokenSource`]), the live
//! [`Session`] every request reads its token from, the token cache, the device
//! authorization grant (RFC 8628), OpenID Connect sign-in to a Keycloak realm (`oidc`) and
//! the refresh grant.
//!
//! A session has a generation number that moves whenever its token changes. A request
//! remembers the generation it was sent with; after a 401 it asks for a refresh "after
//! that generation", so however many requests fail together exactly one refresh happens
//! and all retry with its result (single flight, see `refresh`).
//!
//! Must not print, log or format a token anywhere (QUALITY S1).

pub mod cache;
pub mod device;
pub mod oidc;
mod refresh;
pub mod tokens;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use secrecy::{ExposeSecret, SecretString};

pub use cache::TokenCache;
pub use device::DevicePrompt;
pub use tokens::Tokens;

use super::error::ApiError;

/// The environment variable the console reads a token from for automation.
pub const TOKEN_ENV: &str = "CATALYST_TOKEN";

/// Where a session's token comes from.
#[derive(Debug, Clone)]
pub enum TokenSource {
    /// No token: only anonymous calls (`/meta`, the provisioning API) work until a
    /// device sign-in succeeds.
    None,
    /// A fixed token, e.g. from `CATALYST_TOKEN`. It cannot be refreshed; `origin` names
    /// where it came from for messages.
    Static { token: SecretString, origin: String },
    /// A file holding the token; read again when the server refuses the current one
    /// (for tokens rotated by an outside agent).
    File(PathBuf),
    /// The token cache of a profile: device sign-in fills it, refreshes update it.
    Cache(TokenCache),
}

impl TokenSource {
    /// The token of environment variable `var`, when set and not empty.
    pub fn from_env(var: &str) -> Option<Self> {
        let value = std::env::var(var).ok()?;
        let value = value.trim();
        (!value.is_empty()).then(|| TokenSource::Static {
            token: SecretString::from(value.to_string()),
            origin: var.to_string(),
        })
    }

    /// A token file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        TokenSource::File(path.into())
    }

    /// A profile's token cache at `path`.
    pub fn cache(path: impl Into<PathBuf>) -> Self {
        TokenSource::Cache(TokenCache::new(path))
    }

    /// Reads the source's initial tokens.
    fn initial_tokens(&self) -> Result<Option<Tokens>, ApiError> {
        match self {
            TokenSource::None => Ok(None),
            TokenSource::Static { token, .. } => Ok(Some(Tokens::bearer(token.clone()))),
            TokenSource::File(path) => read_token_file(path).map(|t| Some(Tokens::bearer(t))),
            TokenSource::Cache(cache) => cache.load(),
        }
    }
}

/// Reads a token file: its content, trimmed.
pub(crate) fn read_token_file(path: &Path) -> Result<SecretString, ApiError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ApiError::config(format!(
            "Could not read the token file {}: {e}.",
            path.display()
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(ApiError::config(format!(
            "The token file {} is empty.",
            path.display()
        )));
    }
    Ok(SecretString::from(token.to_string()))
}

/// The OAuth endpoints advertised by `/api/v1/meta`, resolved against the API URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthEndpoints {
    pub device_authorization_endpoint: reqwest::Url,
    pub token_endpoint: reqwest::Url,
    pub client_id: String,
    pub scopes: Vec<String>,
}

/// Where a request stood with respect to the session when it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub generation: u64,
    pub attempts: u64,
}

#[derive(Debug, Default)]
struct State {
    tokens: Option<Tokens>,
    /// Moves whenever `tokens` change (refresh, sign-in, sign-out, expiry).
    generation: u64,
    /// Moves whenever a refresh is attempted, so waiters can share a failed attempt.
    attempts: u64,
    last_failure: Option<ApiError>,
    /// Set when the server refused the session for good: sign in again.
    expired: bool,
}

/// The live credentials of one client, shared by all its requests and streams.
#[derive(Debug)]
pub struct Session {
    source: TokenSource,
    state: Mutex<State>,
    /// Held while a refresh runs: the single flight.
    gate: tokio::sync::Mutex<()>,
    endpoints: Mutex<Option<OAuthEndpoints>>,
    /// The OIDC issuer's endpoints, once discovered.
    oidc: Mutex<Option<oidc::OidcDiscovery>>,
    changed: tokio::sync::Notify,
}

impl Session {
    /// A session reading its first tokens from `source`.
    pub fn new(source: TokenSource) -> Result<Self, ApiError> {
        let tokens = source.initial_tokens()?;
        Ok(Self {
            source,
            state: Mutex::new(State {
                tokens,
                ..State::default()
            }),
            gate: tokio::sync::Mutex::new(()),
            endpoints: Mutex::new(None),
            oidc: Mutex::new(None),
            changed: tokio::sync::Notify::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the plain data inconsistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where the tokens come from.
    pub fn source(&self) -> &TokenSource {
        &self.source
    }

    /// True when a token is at hand.
    pub fn is_signed_in(&self) -> bool {
        self.state().tokens.is_some()
    }

    /// True when the server refused the session for good (sign in again).
    pub fn is_expired(&self) -> bool {
        self.state().expired
    }

    /// When the current access token expires, if known.
    pub fn expires_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.state().tokens.as_ref().and_then(Tokens::expires_at)
    }

    /// The generation of the current token; it moves on every change.
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Waits until the session changes (sign-in, refresh, expiry, sign-out).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    pub(crate) fn snapshot(&self) -> (Option<Tokens>, Snapshot) {
        let st = self.state();
        (
            st.tokens.clone(),
            Snapshot {
                generation: st.generation,
                attempts: st.attempts,
            },
        )
    }

    /// The session's position when a proactive refresh is due now, else `None` (checked
    /// before every request, so it clones nothing).
    pub(crate) fn refresh_due(&self) -> Option<Snapshot> {
        let st = self.state();
        st.tokens
            .as_ref()
            .is_some_and(Tokens::refresh_due)
            .then_some(Snapshot {
                generation: st.generation,
                attempts: st.attempts,
            })
    }

    /// The current access token with the session's position, read together so a 401 is
    /// always attributed to the token that was actually sent.
    pub(crate) fn access_token_at(&self) -> (Option<SecretString>, Snapshot) {
        let st = self.state();
        (
            st.tokens.as_ref().map(|t| t.access.clone()),
            Snapshot {
                generation: st.generation,
                attempts: st.attempts,
            },
        )
    }

    /// The current access token, for building a request.
    pub(crate) fn access_token(&self) -> Option<SecretString> {
        self.state().tokens.as_ref().map(|t| t.access.clone())
    }

    /// Copies of the secrets currently held, for scrubbing server texts.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        let st = self.state();
        let mut out = Vec::new();
        if let Some(t) = &st.tokens {
            out.push(t.access.clone());
            if let Some(r) = &t.refresh {
                out.push(r.clone());
            }
        }
        if let TokenSource::Static { token, .. } = &self.source {
            out.push(token.clone());
        }
        out
    }

    /// The error to give when there is no usable token.
    pub(crate) fn missing_token_error(&self) -> ApiError {
        if self.state().expired {
            ApiError::SessionExpired {
                detail: "the session was refused".into(),
                request_id: None,
            }
        } else {
            ApiError::NotSignedIn
        }
    }

    /// Installs new tokens (sign-in or refresh) and saves them to the cache.
    pub(crate) fn install(&self, tokens: Tokens) -> Result<(), ApiError> {
        let saved = match &self.source {
            TokenSource::Cache(cache) => cache.store(&tokens),
            _ => Ok(()),
        };
        {
            let mut st = self.state();
            st.tokens = Some(tokens);
            st.generation += 1;
            st.expired = false;
            st.last_failure = None;
        }
        self.changed.notify_waiters();
        saved
    }

    /// Marks the session refused for good; the next calls ask to sign in again.
    pub(crate) fn expire(&self) {
        {
            let mut st = self.state();
            st.tokens = None;
            st.generation += 1;
            st.expired = true;
        }
        self.changed.notify_waiters();
    }

    /// Forgets a refresh token the server no longer honours, keeping the access token
    /// for as long as it lasts.
    pub(crate) fn drop_refresh_token(&self) {
        let mut st = self.state();
        if let Some(t) = st.tokens.as_mut() {
            t.refresh = None;
        }
    }

    /// Signs out: forgets the tokens and deletes the cache file.
    pub fn sign_out(&self) -> Result<(), ApiError> {
        {
            let mut st = self.state();
            st.tokens = None;
            st.generation += 1;
            st.expired = false;
        }
        self.changed.notify_waiters();
        match &self.source {
            TokenSource::Cache(cache) => cache.remove(),
            _ => Ok(()),
        }
    }

    pub(crate) fn endpoints(&self) -> Option<OAuthEndpoints> {
        self.endpoints
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn set_endpoints(&self, endpoints: OAuthEndpoints) {
        *self.endpoints.lock().unwrap_or_else(|p| p.into_inner()) = Some(endpoints);
    }

    pub(crate) fn oidc_discovery(&self) -> Option<oidc::OidcDiscovery> {
        self.oidc.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn set_oidc_discovery(&self, discovery: oidc::OidcDiscovery) {
        *self.oidc.lock().unwrap_or_else(|p| p.into_inner()) = Some(discovery);
    }

    /// True when `token` differs from the current access token.
    pub(crate) fn differs_from_current(&self, token: &SecretString) -> bool {
        match &self.state().tokens {
            Some(t) => t.access.expose_secret() != token.expose_secret(),
            None => true,
        }
    }
}
