//! A Keycloak-like OpenID Connect issuer inside the sandbox, so the console's sign-in to a
//! real Sovereign (realm `sovereign`, public client `kubectl`) is exercised
//! end to end. Served on the sandbox's own address under `/realms/sovereign`:
//!
//! | path | what |
//! |---|---|
//! | `/.well-known/openid-configuration` | discovery |
//! | `/protocol/openid-connect/auth` | authorization endpoint: a persona picker page |
//! | `/protocol/openid-connect/token` | `authorization_code` (PKCE S256), `password`, `refresh_token` |
//! | `/protocol/openid-connect/certs` | JWKS of the RS256 signing key |
//! | `/protocol/openid-connect/userinfo` | the bearer's profile |
//!
//! Rules, as Keycloak applies them to `kubectl`: only client `kubectl` (public, no
//! secret); PKCE S256 is required; the token request's `redirect_uri` must equal the
//! authorization request's exactly; codes are single use and live 60 s; refresh tokens
//! rotate (each use returns a new one and ends the old). Errors are RFC 6749 JSON
//! (`{error, error_description}`, 400, or 401 for a bad client or bad credentials).
//!
//! Redirect URIs: `urn:ietf:wg:oauth:2.0:oob` (the code is shown in the page, as Keycloak
//! does) and `http://localhost:<port>[/path]` or `http://127.0.0.1:<port>[/path]` for **any**
//! port. The real realm registers `http://localhost:8000` and `http://localhost:8000/*`;
//! the sandbox accepts every loopback port so tests can listen on an ephemeral one.
//!
//! Scripted sign-in: `GET …/auth?…&persona=ID` (or `login_hint=ID`) signs in as that
//! persona at once, without the picker page: a loopback redirect URI gets the `302` with
//! `code` and `state` straight away; the out-of-band one gets the page with the code in
//! `<input id="code" value="…">`. The password grant takes any persona id as `username`
//! with the password [`PASSWORD`] (`sandbox`) for all of them.
//!
//! Access tokens are RS256 JWTs (header `kid`) carrying `iss, sub, aud, azp, exp, iat,
//! email, email_verified, name, preferred_username, realm_access.roles, groups, tier` (see
//! `tokens` for the persona → tier mapping); their lifetime is the sandbox's
//! `--token-lifetime`. The sandbox's [`crate::sandbox::authz::Caller`] accepts them on
//! every route through [`persona_of_jwt`].
//!
//! Must not: accept another client, skip PKCE, or log a code, token or password.

mod grants;
pub mod keys;
mod routes;
pub mod tokens;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};

use super::store::{SharedSandbox, World};
pub use grants::{CODE_TTL_SECS, s256};

/// Where the realm is served.
pub const REALM_PATH: &str = "/realms/sovereign";
/// The one client of the realm.
pub const CLIENT_ID: &str = "kubectl";
/// The password of every sandbox persona for the password grant.
pub const PASSWORD: &str = "sandbox";
/// The out-of-band redirect URI.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";

/// The state of one sandbox's issuer.
pub(crate) struct Realm {
    sandbox: SharedSandbox,
    grants: Mutex<grants::Grants>,
}

impl Realm {
    fn grants(&self) -> std::sync::MutexGuard<'_, grants::Grants> {
        // Plain maps: a panic elsewhere cannot leave them half-changed.
        self.grants.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The realm's routes, bound to `sandbox`; starts generating the signing key.
pub fn router(sandbox: &SharedSandbox) -> Router<SharedSandbox> {
    keys::warm_up();
    let realm = Arc::new(Realm {
        sandbox: sandbox.clone(),
        grants: Mutex::new(grants::Grants::default()),
    });
    let oidc = "/protocol/openid-connect";
    Router::new()
        .route(
            &format!("{REALM_PATH}/.well-known/openid-configuration"),
            get(routes::discovery),
        )
        .route(&format!("{REALM_PATH}{oidc}/auth"), get(routes::authorize))
        .route(&format!("{REALM_PATH}{oidc}/token"), post(routes::token))
        .route(&format!("{REALM_PATH}{oidc}/certs"), get(routes::certs))
        .route(
            &format!("{REALM_PATH}{oidc}/userinfo"),
            get(routes::userinfo),
        )
        .with_state(realm)
}

/// The issuer URL of the sandbox serving `world` (`http://127.0.0.1:PORT/realms/sovereign`).
pub fn issuer_of(world: &World) -> String {
    let base = world
        .meta
        .as_ref()
        .map(|m| m.auth.issuer.trim_end_matches('/'))
        .unwrap_or_default();
    format!("{base}{REALM_PATH}")
}

/// The persona a live access token of this sandbox's issuer names, when `token` is one.
pub fn persona_of_jwt(world: &World, token: &str, now: DateTime<Utc>) -> Option<String> {
    if !keys::looks_like_jwt(token) {
        return None;
    }
    tokens::verify_access(token, &issuer_of(world), now).map(|c| c.preferred_username)
}

/// True for the redirect URIs the sandbox accepts (see the module doc).
pub fn redirect_allowed(uri: &str) -> bool {
    if uri == OOB_REDIRECT {
        return true;
    }
    let Ok(url) = reqwest::Url::parse(uri) else {
        return false;
    };
    url.scheme() == "http"
        && matches!(url.host_str(), Some("localhost" | "127.0.0.1"))
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_oob_redirects_only() {
        assert!(redirect_allowed("urn:ietf:wg:oauth:2.0:oob"));
        assert!(redirect_allowed("http://localhost:8000"));
        assert!(redirect_allowed("http://localhost:8000/callback"));
        assert!(redirect_allowed("http://127.0.0.1:41234"));
        assert!(!redirect_allowed("https://evil.example/cb"));
        assert!(!redirect_allowed("http://localhost.evil.example:8000"));
        assert!(!redirect_allowed("http://user@localhost:8000"));
    }
}
