//! Sign-in to a real Sovereign through its Keycloak realm (OpenID Connect):
//! discovery of the issuer's endpoints, the authorization code flow with PKCE S256 over a
//! loopback redirect (`http://localhost:8000`) or out of band
//! (`urn:ietf:wg:oauth:2.0:oob`, the person pastes the code), and the password grant for
//! automation. Tokens land in the client's [`Session`](super::Session) and so in the
//! profile's token cache; refreshing them later goes to the discovered token endpoint
//! (see `refresh`).
//!
//! A UI drives the flows in steps: [`OidcClient::discover`], then
//! [`OidcClient::begin_authorization`] (a [`PendingAuthorization`] whose URL is safe to
//! show), then [`OidcClient::complete_with_code`] with the pasted code or
//! [`OidcClient::wait_for_loopback`] with a listener from [`Redirect::bind`].
//!
//! Must not open a browser or print anything (showing the URL is the caller's), nor put a
//! token, code, verifier or password in an error, a log or `Debug` output (QUALITY S1).

mod claims;
mod loopback;
mod pkce;

use std::time::Duration;

use reqwest::Url;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use tokio::net::TcpListener;

pub use claims::TokenClaims;
pub use pkce::s256_challenge;

use super::Tokens;
use super::refresh::TokenAnswer;
use crate::api::client::{ApiClient, Call};
use crate::api::error::ApiError;
use crate::api::redact::redact;

/// The client id of the Sovereign realm's public CLI client.
pub const DEFAULT_CLIENT_ID: &str = "kubectl";
/// The out-of-band redirect URI: the identity provider shows the code to paste.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";
/// The loopback port the realm's `kubectl` client registers.
pub const DEFAULT_LOOPBACK_PORT: u16 = 8000;
/// The scope asked for.
pub const SCOPE: &str = "openid";

/// What an issuer advertises at `/.well-known/openid-configuration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcDiscovery {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub jwks_uri: Url,
    pub userinfo_endpoint: Option<Url>,
    pub end_session_endpoint: Option<Url>,
}

/// The discovery document as sent.
#[derive(Deserialize)]
struct DiscoveryWire {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    userinfo_endpoint: Option<String>,
    #[serde(default)]
    end_session_endpoint: Option<String>,
}

impl DiscoveryWire {
    fn resolve(self) -> Result<OidcDiscovery, ApiError> {
        let url = |s: &str, name: &str| {
            Url::parse(s).map_err(|e| {
                ApiError::config(format!(
                    "The identity provider advertises an unusable {name} {s:?} ({e})."
                ))
            })
        };
        Ok(OidcDiscovery {
            authorization_endpoint: url(&self.authorization_endpoint, "authorization_endpoint")?,
            token_endpoint: url(&self.token_endpoint, "token_endpoint")?,
            jwks_uri: url(&self.jwks_uri, "jwks_uri")?,
            userinfo_endpoint: match &self.userinfo_endpoint {
                Some(u) => Some(url(u, "userinfo_endpoint")?),
                None => None,
            },
            end_session_endpoint: match &self.end_session_endpoint {
                Some(u) => Some(url(u, "end_session_endpoint")?),
                None => None,
            },
            issuer: self.issuer,
        })
    }
}

/// Where the identity provider sends the person back with the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// `urn:ietf:wg:oauth:2.0:oob`: the provider shows the code; the person pastes it.
    OutOfBand,
    /// A loopback URL this program listens on, e.g. `http://localhost:8000`.
    Loopback(Url),
}

impl Redirect {
    /// `http://localhost:PORT`.
    pub fn loopback(port: u16) -> Self {
        match Url::parse(&format!("http://localhost:{port}")) {
            Ok(url) => Redirect::Loopback(url),
            Err(_) => Redirect::OutOfBand,
        }
    }

    /// The `redirect_uri` as sent (a loopback URL without a path has none added, so it
    /// matches the realm's registered `http://localhost:8000` exactly).
    pub fn as_uri(&self) -> String {
        match self {
            Redirect::OutOfBand => OOB_REDIRECT.to_string(),
            Redirect::Loopback(url) if url.path() == "/" && url.query().is_none() => {
                url.as_str().trim_end_matches('/').to_string()
            }
            Redirect::Loopback(url) => url.to_string(),
        }
    }

    /// Listens on the loopback redirect's port, on 127.0.0.1.
    pub async fn bind(&self) -> Result<TcpListener, ApiError> {
        let Redirect::Loopback(url) = self else {
            return Err(ApiError::invalid_input(
                "The out-of-band sign-in has nothing to listen on.",
            ));
        };
        let port = url.port_or_known_default().unwrap_or(DEFAULT_LOOPBACK_PORT);
        TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            ApiError::config(format!(
                "Could not listen on 127.0.0.1:{port} for the sign-in's redirect ({e}). \
                 Close what uses the port or sign in with --oob."
            ))
        })
    }
}

/// An authorization request under way: the URL to open, and the secrets the answer is
/// checked and exchanged with. `Debug` shows the URL only.
pub struct PendingAuthorization {
    url: Url,
    redirect: Redirect,
    state: String,
    verifier: SecretString,
}

impl std::fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("url", &self.url.as_str())
            .field("redirect", &self.redirect)
            .finish_non_exhaustive()
    }
}

impl PendingAuthorization {
    /// The page to open in a browser (safe to show: it holds no secret, only the PKCE
    /// challenge, `state` and `nonce`).
    pub fn url(&self) -> &Url {
        &self.url
    }
    /// Where the answer comes back.
    pub fn redirect(&self) -> &Redirect {
        &self.redirect
    }
    /// The `state` the answer must carry.
    pub fn state(&self) -> &str {
        &self.state
    }
}

/// The outcome of a sign-in, for telling the person. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// `preferred_username`, else `email`, else `sub` of the access token, when it is a JWT.
    pub username: Option<String>,
    /// The access token's lifetime as issued.
    pub expires_in: Option<Duration>,
}

/// A client of one Keycloak issuer, signing in the session of an [`ApiClient`].
#[derive(Debug, Clone)]
pub struct OidcClient {
    api: ApiClient,
    discovery: OidcDiscovery,
    client_id: String,
}

impl ApiClient {
    /// The discovery document of the configured OIDC issuer, fetched once per client.
    pub async fn oidc_discovery(&self) -> Result<OidcDiscovery, ApiError> {
        let Some(settings) = &self.inner.config.oidc else {
            return Err(ApiError::config(
                "No OIDC issuer is configured: give --oidc-issuer URL or the profile's oidc_issuer.",
            ));
        };
        if let Some(d) = self.inner.session.oidc_discovery() {
            return Ok(d);
        }
        let issuer = settings.issuer.as_str().trim_end_matches('/');
        let url = Url::parse(&format!("{issuer}/.well-known/openid-configuration"))
            .map_err(|e| ApiError::config(format!("oidc_issuer {issuer:?} is unusable ({e}).")))?;
        let d = self
            .call_json_anonymous::<DiscoveryWire>(Call::get(
                url,
                "the identity provider's description",
            ))
            .await?
            .resolve()?;
        if d.issuer.trim_end_matches('/') != issuer {
            return Err(ApiError::config(format!(
                "The identity provider at {issuer} calls itself {:?}; set oidc_issuer to that.",
                d.issuer
            )));
        }
        self.inner.session.set_oidc_discovery(d.clone());
        Ok(d)
    }
}

impl OidcClient {
    /// Discovers the issuer configured for `api` (`ClientConfig::oidc`); sign-ins land in
    /// `api`'s session.
    pub async fn discover(api: &ApiClient) -> Result<Self, ApiError> {
        let discovery = api.oidc_discovery().await?;
        let client_id = api
            .config()
            .oidc
            .as_ref()
            .map(|o| o.client_id.clone())
            .unwrap_or_else(|| DEFAULT_CLIENT_ID.to_string());
        Ok(Self {
            api: api.clone(),
            discovery,
            client_id,
        })
    }

    /// The issuer's endpoints.
    pub fn discovery(&self) -> &OidcDiscovery {
        &self.discovery
    }

    /// The API client whose session the sign-ins fill.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    /// Starts an authorization: fresh PKCE verifier, `state` and `nonce`, and the URL of
    /// the identity provider's sign-in page.
    pub fn begin_authorization(&self, redirect: Redirect) -> PendingAuthorization {
        let verifier = pkce::new_verifier();
        let state = pkce::random_text(16);
        let nonce = pkce::random_text(16);
        let mut url = self.discovery.authorization_endpoint.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &redirect.as_uri())
            .append_pair("scope", SCOPE)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &s256_challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        PendingAuthorization {
            url,
            redirect,
            state,
            verifier,
        }
    }

    /// Exchanges the code the person pasted (surrounding whitespace is ignored) for tokens.
    pub async fn complete_with_code(
        &self,
        pending: PendingAuthorization,
        code: &str,
    ) -> Result<SignedIn, ApiError> {
        let code = SecretString::from(code.trim());
        self.exchange_code(&pending, &code).await
    }

    /// Exchanges `code` for tokens without giving up `pending`, so a refused code can be
    /// followed by another (a console keeps its sign-in open for a second paste) and the
    /// loopback answer and a pasted code can race for the same authorization.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        code: &SecretString,
    ) -> Result<SignedIn, ApiError> {
        let code = SecretString::from(code.expose_secret().trim());
        if code.expose_secret().is_empty() {
            return Err(ApiError::invalid_input(
                "No code was given: paste the code the sign-in page shows.",
            ));
        }
        let fields = vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("code".to_string(), code.expose_secret().to_string()),
            ("redirect_uri".to_string(), pending.redirect.as_uri()),
            ("client_id".to_string(), self.client_id.clone()),
            (
                "code_verifier".to_string(),
                pending.verifier.expose_secret().to_string(),
            ),
        ];
        self.grant(fields, "the code", &[&code, &pending.verifier])
            .await
    }

    /// Waits (at most `timeout`) for the browser to come back to `listener` with the code
    /// of `pending`, then exchanges it. `listener` comes from [`Redirect::bind`] (or any
    /// listener the redirect URI reaches).
    pub async fn wait_for_loopback(
        &self,
        pending: PendingAuthorization,
        listener: TcpListener,
        timeout: Duration,
    ) -> Result<SignedIn, ApiError> {
        if pending.redirect == Redirect::OutOfBand {
            return Err(ApiError::invalid_input(
                "This sign-in is out of band: complete it with the pasted code.",
            ));
        }
        let code = tokio::time::timeout(timeout, loopback::receive_code(&listener, &pending.state))
            .await
            .map_err(|_| ApiError::SignInFailed {
                code: "timeout".to_string(),
                detail: format!(
                    "no answer came back to {} within {} s; start the sign-in again",
                    pending.redirect.as_uri(),
                    timeout.as_secs()
                ),
                request_id: None,
            })??;
        drop(listener);
        self.complete_with_code(pending, code.expose_secret()).await
    }

    /// Waits on `listener` (no time limit: the caller cancels) for the browser to come
    /// back with the code of `pending`; the code is for [`OidcClient::exchange_code`].
    pub async fn receive_loopback_code(
        &self,
        pending: &PendingAuthorization,
        listener: &TcpListener,
    ) -> Result<SecretString, ApiError> {
        if pending.redirect == Redirect::OutOfBand {
            return Err(ApiError::invalid_input(
                "This sign-in is out of band: complete it with the pasted code.",
            ));
        }
        loopback::receive_code(listener, &pending.state).await
    }

    /// Signs in with a user name and password (Keycloak's direct access grant), for
    /// automation.
    pub async fn password_grant(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<SignedIn, ApiError> {
        let fields = vec![
            ("grant_type".to_string(), "password".to_string()),
            ("username".to_string(), username.to_string()),
            ("password".to_string(), password.expose_secret().to_string()),
            ("client_id".to_string(), self.client_id.clone()),
            ("scope".to_string(), SCOPE.to_string()),
        ];
        self.grant(fields, "the user name or password", &[password])
            .await
    }

    async fn grant(
        &self,
        fields: Vec<(String, String)>,
        what: &str,
        secrets: &[&SecretString],
    ) -> Result<SignedIn, ApiError> {
        let answer = self
            .api
            .post_token_form(&self.discovery.token_endpoint, fields)
            .await?;
        match answer {
            TokenAnswer::Tokens(resp) => {
                let expires_in =
                    (resp.expires_in > 0).then(|| Duration::from_secs(resp.expires_in));
                let tokens = Tokens::from_response(resp, None);
                let username = TokenClaims::peek(&tokens.access).and_then(TokenClaims::username);
                self.api.session().install(tokens)?;
                Ok(SignedIn {
                    username,
                    expires_in,
                })
            }
            TokenAnswer::Refused(r) => {
                let exposed: Vec<&str> = secrets.iter().map(|s| s.expose_secret()).collect();
                let why = r
                    .error_description
                    .map(|d| format!(" ({})", redact(&d, &exposed)))
                    .unwrap_or_default();
                Err(ApiError::SignInFailed {
                    detail: format!(
                        "the identity provider refused {what}: {}{why}",
                        redact(&r.error, &exposed)
                    ),
                    code: r.error,
                    request_id: None,
                })
            }
        }
    }
}
