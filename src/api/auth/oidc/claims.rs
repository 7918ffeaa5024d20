//! A look inside an access token, without verifying it: who it names and when it ends,
//! for telling the person ("signed in as layla"). The server verifies tokens; the console
//! never needs to.
//!
//! Must not keep or show the token itself.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

/// The claims of a JWT access token the console reads (unverified).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TokenClaims {
    #[serde(default)]
    pub sub: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub exp: Option<i64>,
    #[serde(default)]
    pub tier: Option<String>,
}

impl TokenClaims {
    /// The claims of `token` when it is a JWT; `None` for opaque tokens.
    pub fn peek(token: &SecretString) -> Option<Self> {
        let mut parts = token.expose_secret().split('.');
        let (_, body, _) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
    }

    /// `preferred_username`, else `email`, else `sub`.
    pub fn username(self) -> Option<String> {
        self.preferred_username.or(self.email).or(self.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jwts_and_ignores_opaque_tokens() {
        let body = URL_SAFE_NO_PAD.encode(br#"{"sub":"s","preferred_username":"layla","exp":5}"#);
        let jwt = SecretString::from(format!("e30.{body}.sig"));
        let c = TokenClaims::peek(&jwt);
        assert_eq!(c.clone().and_then(|c| c.exp), Some(5));
        assert_eq!(c.and_then(TokenClaims::username).as_deref(), Some("layla"));
        assert_eq!(TokenClaims::peek(&SecretString::from("opaque")), None);
    }
}
