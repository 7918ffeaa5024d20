//! The credentials of a session: an access token, maybe a refresh token, and when the
//! access token expires. Tokens live in [`SecretString`]s and never appear in `Debug`
//! output (QUALITY S1).
//!
//! Must not read or write files (see `cache`) nor talk to servers (see `refresh`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tokio::time::Instant;

use crate::model::TokenResponse;

/// Longest head start for refreshing before the access token expires.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// An access token with what is known about it.
#[derive(Clone)]
pub struct Tokens {
    pub(crate) access: SecretString,
    pub(crate) refresh: Option<SecretString>,
    pub(crate) token_type: String,
    pub(crate) scope: Option<String>,
    /// Lifetime as issued, to size the refresh head start.
    pub(crate) lifetime: Option<Duration>,
    /// Expiry on the runtime clock (what in-process decisions use; paused in tests).
    pub(crate) expires_at: Option<Instant>,
    /// Expiry on the wall clock (what the cache file keeps).
    pub(crate) expires_at_wall: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access", &"<redacted>")
            .field("refresh", &self.refresh.as_ref().map(|_| "<redacted>"))
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("expires_at_wall", &self.expires_at_wall)
            .finish()
    }
}

impl Tokens {
    /// A bare bearer token of unknown lifetime (from a file or the environment).
    pub fn bearer(access: SecretString) -> Self {
        Self {
            access,
            refresh: None,
            token_type: "Bearer".into(),
            scope: None,
            lifetime: None,
            expires_at: None,
            expires_at_wall: None,
        }
    }

    /// Tokens from a token endpoint answer. A refresh answer may omit the refresh token,
    /// in which case the previous one stays valid (RFC 6749 §6).
    pub fn from_response(resp: TokenResponse, previous_refresh: Option<SecretString>) -> Self {
        let TokenResponse {
            access_token,
            token_type,
            expires_in,
            refresh_token,
            scope,
        } = resp;
        let lifetime = (expires_in > 0).then(|| Duration::from_secs(expires_in));
        Self {
            access: SecretString::from(access_token),
            refresh: refresh_token.map(SecretString::from).or(previous_refresh),
            token_type,
            scope,
            lifetime,
            expires_at: lifetime.map(|d| Instant::now() + d),
            expires_at_wall: lifetime
                .and_then(|d| chrono::Duration::from_std(d).ok())
                .map(|d| Utc::now() + d),
        }
    }

    /// Restores tokens saved with a wall-clock expiry.
    pub(crate) fn restored(
        access: SecretString,
        refresh: Option<SecretString>,
        token_type: String,
        scope: Option<String>,
        expires_at_wall: Option<DateTime<Utc>>,
    ) -> Self {
        let remaining = expires_at_wall.map(|at| (at - Utc::now()).to_std().unwrap_or_default());
        Self {
            access,
            refresh,
            token_type,
            scope,
            lifetime: None,
            expires_at: remaining.map(|d| Instant::now() + d),
            expires_at_wall,
        }
    }

    /// True when a refresh token is held.
    pub fn can_refresh(&self) -> bool {
        self.refresh.is_some()
    }

    /// When the access token expires on the wall clock, if known.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at_wall
    }

    /// How long before expiry a refresh should start: a fifth of the lifetime, at most
    /// a minute (a 5-minute token is renewed after 4 minutes).
    pub(crate) fn refresh_margin(&self) -> Duration {
        match self.lifetime {
            Some(l) => (l / 5).min(MAX_REFRESH_MARGIN),
            None => MAX_REFRESH_MARGIN,
        }
    }

    /// The instant at which a proactive refresh is due, when the token can be refreshed
    /// and its expiry is known.
    pub(crate) fn refresh_due_at(&self) -> Option<Instant> {
        if !self.can_refresh() {
            return None;
        }
        let exp = self.expires_at?;
        Some(
            exp.checked_sub(self.refresh_margin())
                .unwrap_or_else(Instant::now),
        )
    }

    /// True when a proactive refresh is due now.
    pub(crate) fn refresh_due(&self) -> bool {
        self.refresh_due_at().is_some_and(|at| Instant::now() >= at)
    }
}
