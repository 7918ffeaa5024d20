//! The sign-in state of the sandbox issuer: authorization codes (single use, 60 s, bound
//! to client, redirect URI and PKCE S256 challenge) and rotating refresh tokens. Pure
//! logic with time passed in, so every rule is tested without waiting.
//!
//! Codes and refresh tokens are random opaque strings held only here; `Debug` shows
//! counts, never a secret. Must not sign tokens (see `keys`, `tokens`).

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore as _;

use crate::sandbox::identity::REFRESH_TTL_SECS;

/// How long an authorization code can be exchanged.
pub const CODE_TTL_SECS: i64 = 60;

/// What an authorization code was issued for.
#[derive(Clone)]
pub struct CodeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub challenge: String,
    pub nonce: Option<String>,
    pub scope: String,
    pub persona: String,
}

struct CodeGrant {
    request: CodeRequest,
    expires_at: DateTime<Utc>,
}

struct RefreshGrant {
    persona: String,
    client_id: String,
    scope: String,
    expires_at: DateTime<Utc>,
}

/// Who a redeemed code or refresh token signs in, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub persona: String,
    pub scope: String,
    pub nonce: Option<String>,
}

/// An RFC 6749 §5.2 error of the token endpoint, with Keycloak's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    InvalidClient,
    InvalidRequest(&'static str),
    InvalidGrant(&'static str),
    UnsupportedGrantType,
    /// Wrong user name or password: Keycloak answers 401 `invalid_grant`.
    InvalidCredentials,
}

impl TokenError {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            TokenError::InvalidClient => "invalid_client",
            TokenError::InvalidRequest(_) => "invalid_request",
            TokenError::InvalidGrant(_) | TokenError::InvalidCredentials => "invalid_grant",
            TokenError::UnsupportedGrantType => "unsupported_grant_type",
        }
    }
    /// The `error_description`.
    pub fn description(self) -> &'static str {
        match self {
            TokenError::InvalidClient => "Invalid client or Invalid client credentials",
            TokenError::InvalidRequest(d) | TokenError::InvalidGrant(d) => d,
            TokenError::UnsupportedGrantType => "Unsupported grant_type",
            TokenError::InvalidCredentials => "Invalid user credentials",
        }
    }
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            TokenError::InvalidClient | TokenError::InvalidCredentials => 401,
            _ => 400,
        }
    }
}

/// Codes and refresh tokens of one sandbox issuer.
#[derive(Default)]
pub struct Grants {
    codes: HashMap<String, CodeGrant>,
    refresh: HashMap<String, RefreshGrant>,
}

impl std::fmt::Debug for Grants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grants")
            .field("codes", &self.codes.len())
            .field("refresh_tokens", &self.refresh.len())
            .finish()
    }
}

/// The PKCE S256 challenge of `verifier` (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ))
}

/// True for a verifier of RFC 7636 §4.1: 43–128 unreserved characters.
fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Grants {
    /// Issues a code for `request`.
    pub fn new_code(&mut self, request: CodeRequest, now: DateTime<Utc>) -> String {
        self.prune(now);
        let code = random_token();
        self.codes.insert(
            code.clone(),
            CodeGrant {
                request,
                expires_at: now + TimeDelta::seconds(CODE_TTL_SECS),
            },
        );
        code
    }

    /// Redeems a code: it is gone afterwards, whatever the outcome (a code is tried once).
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        now: DateTime<Utc>,
    ) -> Result<Granted, TokenError> {
        let grant = self
            .codes
            .remove(code)
            .ok_or(TokenError::InvalidGrant("Code not valid"))?;
        if now >= grant.expires_at {
            return Err(TokenError::InvalidGrant("Code not valid"));
        }
        let r = grant.request;
        if r.client_id != client_id {
            return Err(TokenError::InvalidGrant(
                "Code was issued to another client",
            ));
        }
        if r.redirect_uri != redirect_uri {
            return Err(TokenError::InvalidGrant("Incorrect redirect_uri"));
        }
        if !valid_verifier(verifier) {
            return Err(TokenError::InvalidGrant(
                "PKCE verification failed: Invalid code verifier",
            ));
        }
        if s256(verifier) != r.challenge {
            return Err(TokenError::InvalidGrant(
                "PKCE verification failed: Code mismatch",
            ));
        }
        Ok(Granted {
            persona: r.persona,
            scope: r.scope,
            nonce: r.nonce,
        })
    }

    /// Issues a refresh token.
    pub fn new_refresh(
        &mut self,
        persona: &str,
        client_id: &str,
        scope: &str,
        now: DateTime<Utc>,
    ) -> String {
        self.prune(now);
        let token = random_token();
        self.refresh.insert(
            token.clone(),
            RefreshGrant {
                persona: persona.to_string(),
                client_id: client_id.to_string(),
                scope: scope.to_string(),
                expires_at: now + TimeDelta::seconds(REFRESH_TTL_SECS),
            },
        );
        token
    }

    /// Uses a refresh token; it is gone afterwards (rotation: the answer carries a new one).
    pub fn use_refresh(
        &mut self,
        token: &str,
        client_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Granted, TokenError> {
        let grant = self
            .refresh
            .remove(token)
            .ok_or(TokenError::InvalidGrant("Invalid refresh token"))?;
        if now >= grant.expires_at {
            return Err(TokenError::InvalidGrant("Token is not active"));
        }
        if grant.client_id != client_id {
            return Err(TokenError::InvalidGrant(
                "Invalid refresh token. Token client and authorized client don't match",
            ));
        }
        Ok(Granted {
            persona: grant.persona,
            scope: grant.scope,
            nonce: None,
        })
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        self.codes.retain(|_, c| now < c.expires_at);
        self.refresh.retain(|_, r| now < r.expires_at);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn request() -> CodeRequest {
        CodeRequest {
            client_id: "kubectl".into(),
            redirect_uri: "urn:ietf:wg:oauth:2.0:oob".into(),
            challenge: s256(VERIFIER),
            nonce: Some("n".into()),
            scope: "openid".into(),
            persona: "layla".into(),
        }
    }

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            s256(VERIFIER),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn codes_are_single_use_bound_and_short_lived() {
        let now = Utc::now();
        let mut g = Grants::default();
        let oob = "urn:ietf:wg:oauth:2.0:oob";
        let code = g.new_code(request(), now);
        let ok = g.redeem_code(&code, "kubectl", oob, VERIFIER, now).unwrap();
        assert_eq!(ok.persona, "layla");
        assert_eq!(
            g.redeem_code(&code, "kubectl", oob, VERIFIER, now),
            Err(TokenError::InvalidGrant("Code not valid"))
        );
        let code = g.new_code(request(), now);
        let e = g.redeem_code(&code, "kubectl", "http://localhost:8000", VERIFIER, now);
        assert_eq!(e, Err(TokenError::InvalidGrant("Incorrect redirect_uri")));
        let code = g.new_code(request(), now);
        let wrong = "x".repeat(43);
        let e = g
            .redeem_code(&code, "kubectl", oob, &wrong, now)
            .unwrap_err();
        assert!(e.description().contains("PKCE"));
        let code = g.new_code(request(), now);
        let late = now + TimeDelta::seconds(CODE_TTL_SECS);
        assert!(
            g.redeem_code(&code, "kubectl", oob, VERIFIER, late)
                .is_err()
        );
    }

    #[test]
    fn refresh_tokens_rotate() {
        let now = Utc::now();
        let mut g = Grants::default();
        let r = g.new_refresh("admin", "kubectl", "openid", now);
        assert_eq!(g.use_refresh(&r, "kubectl", now).unwrap().persona, "admin");
        assert!(g.use_refresh(&r, "kubectl", now).is_err());
        let r = g.new_refresh("admin", "kubectl", "openid", now);
        assert!(g.use_refresh(&r, "other", now).is_err());
        let text = format!("{g:?}");
        assert!(!text.contains(&r), "{text}");
    }
}
