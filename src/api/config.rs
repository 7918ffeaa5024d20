//! How the client reaches servers: base URLs, TLS trust, proxies, timeouts, the User-Agent
//! and support mode; and the construction of the underlying `reqwest` clients from them.
//!
//! TLS verification is always on (QUALITY S4): there is deliberately no switch to turn it
//! off. Trust is the platform's roots plus, when given, a PEM bundle from `ca_file` or
//! `SSL_CERT_FILE`. Proxies come from the usual environment variables; loopback hosts are
//! never proxied whatever `NO_PROXY` says, because the embedded sandbox must keep working
//! behind a corporate proxy.
//!
//! Must not send requests; it only builds what sends them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;

use super::error::ApiError;

/// Hosts that never go through a proxy.
const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.0/8,::1";

/// Everything the client needs to know about where and how to connect.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base of the console API (CONTRACT Part B); `/api/v1/…` is appended to its path.
    pub api_url: Url,
    /// Base of the provisioning API (CONTRACT Part A), e.g. `https://console/sovereign`;
    /// `/api/v1/deployments…` is appended to its path.
    pub provisioning_url: Option<Url>,
    /// Send the console's bearer token to the provisioning API even when it is on
    /// another origin than `api_url` (on the same origin it is always sent: today's
    /// service wants it on every route).
    pub provisioning_bearer: bool,
    /// A PEM bundle of extra trusted certificate authorities (`ca_file` of the profile).
    pub ca_file: Option<PathBuf>,
    /// `SSL_CERT_FILE` as read from the environment by [`ClientConfig::new`]; used when
    /// `ca_file` is not set.
    pub ssl_cert_file: Option<PathBuf>,
    /// Proxies, read from the environment by [`ClientConfig::new`].
    pub proxy: ProxySettings,
    /// Limit for opening a connection (TCP and TLS). `None`: no limit.
    pub connect_timeout: Option<Duration>,
    /// Limit for each read of an ordinary answer. Streams (SSE, exports) have none; their
    /// owners detect silence themselves.
    pub read_timeout: Option<Duration>,
    /// Limit for a whole ordinary request, answer included.
    pub request_timeout: Option<Duration>,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Support mode: sent as `X-Catalyst-Support-Ticket` on every request.
    pub support_ticket: Option<String>,
    /// Largest answer body read into memory; larger answers fail with a readable error.
    pub max_body_bytes: usize,
    /// How many times a read (`GET`) is sent when the server answers 5xx or the
    /// connection breaks, before the error goes to the view. Writes are sent once.
    pub read_attempts: u32,
    /// Sign-in through an OpenID Connect issuer (a Sovereign's Keycloak realm) instead of
    /// the device flow of `/api/v1/meta`; refreshes then go to the issuer too.
    pub oidc: Option<OidcSettings>,
    /// Which API the Sovereign speaks (the profile's `api`); `None`: detect it with
    /// `crate::api::catalyst::detect_api`.
    pub api: Option<ApiKind>,
}

/// The OpenID Connect issuer of a Sovereign and the public client the console signs in as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcSettings {
    /// e.g. `https://auth.bank.example/realms/sovereign`.
    pub issuer: Url,
    /// The realm's public CLI client, `kubectl` by default.
    pub client_id: String,
}

/// Which HTTP surface a Sovereign serves: this console's own API (CONTRACT Part B) or the
/// platform's own catalyst-api, read through
/// `crate::api::catalyst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    /// The console API: `/api/v1/meta`, `/api/v1/orgs…`, `/api/v1/events`.
    Console,
    /// catalyst-api: `/api/v1/whoami`, `/api/v1/organizations`, `/api/v1/sovereigns/{id}/…`.
    Catalyst,
}

impl ClientConfig {
    /// A configuration for `api_url` with defaults, reading `SSL_CERT_FILE` and the proxy
    /// variables from the environment.
    pub fn new(api_url: Url) -> Self {
        Self {
            api_url,
            provisioning_url: None,
            provisioning_bearer: false,
            ca_file: None,
            ssl_cert_file: std::env::var_os("SSL_CERT_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            proxy: ProxySettings::from_env(),
            connect_timeout: Some(Duration::from_secs(10)),
            read_timeout: Some(Duration::from_secs(30)),
            request_timeout: Some(Duration::from_secs(60)),
            user_agent: format!("catalyst-tui/{}", env!("CARGO_PKG_VERSION")),
            support_ticket: None,
            max_body_bytes: 32 * 1024 * 1024,
            read_attempts: 3,
            oidc: None,
            api: None,
        }
    }

    /// Parses `api_url` and builds [`ClientConfig::new`].
    pub fn parse(api_url: &str) -> Result<Self, ApiError> {
        Ok(Self::new(parse_base_url(api_url, "api_url")?))
    }

    /// Sets the provisioning base URL.
    pub fn with_provisioning_url(mut self, url: &str) -> Result<Self, ApiError> {
        self.provisioning_url = Some(parse_base_url(url, "provisioning_url")?);
        Ok(self)
    }

    /// Signs in through the OIDC issuer `issuer` as `client_id` (default `kubectl`).
    pub fn with_oidc(mut self, issuer: &str, client_id: Option<&str>) -> Result<Self, ApiError> {
        let client_id = client_id
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(super::auth::oidc::DEFAULT_CLIENT_ID);
        self.oidc = Some(OidcSettings {
            issuer: parse_base_url(issuer, "oidc_issuer")?,
            client_id: client_id.to_string(),
        });
        Ok(self)
    }

    /// The CA bundle in effect: `ca_file`, else `SSL_CERT_FILE`.
    pub fn effective_ca_file(&self) -> Option<(&Path, &'static str)> {
        match (&self.ca_file, &self.ssl_cert_file) {
            (Some(p), _) => Some((p.as_path(), "ca_file")),
            (None, Some(p)) => Some((p.as_path(), "SSL_CERT_FILE")),
            (None, None) => None,
        }
    }
}

/// Parses a base URL given by a person, explaining what is wrong with it.
pub fn parse_base_url(text: &str, name: &str) -> Result<Url, ApiError> {
    let url = Url::parse(text.trim())
        .map_err(|e| ApiError::config(format!("{name} {text:?} is not a valid URL ({e}).")))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        _ => Err(ApiError::config(format!(
            "{name} {text:?} must be an http:// or https:// URL with a host."
        ))),
    }
}

/// Proxy settings: the `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` variables
/// (either case).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// Proxy for `http://` URLs.
    pub http: Option<String>,
    /// Proxy for `https://` URLs.
    pub https: Option<String>,
    /// Comma-separated hosts, domains and CIDR ranges that bypass the proxy.
    pub no_proxy: Option<String>,
}

impl std::fmt::Debug for ProxySettings {
    // A proxy URL may carry a user and password; they stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxySettings")
            .field("http", &self.http.as_deref().map(without_userinfo))
            .field("https", &self.https.as_deref().map(without_userinfo))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ProxySettings {
    /// Reads the proxy variables of the environment.
    pub fn from_env() -> Self {
        let var = |upper: &str, lower: &str| {
            std::env::var(upper)
                .ok()
                .or_else(|| std::env::var(lower).ok())
                .filter(|v| !v.trim().is_empty())
        };
        let all = var("ALL_PROXY", "all_proxy");
        Self {
            http: var("HTTP_PROXY", "http_proxy").or_else(|| all.clone()),
            https: var("HTTPS_PROXY", "https_proxy").or(all),
            no_proxy: var("NO_PROXY", "no_proxy"),
        }
    }

    /// No proxy at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The effective bypass list: `NO_PROXY` plus the loopback hosts.
    pub fn bypass_list(&self) -> String {
        match self.no_proxy.as_deref().map(str::trim) {
            Some(list) if !list.is_empty() => format!("{list},{LOOPBACK_NO_PROXY}"),
            _ => LOOPBACK_NO_PROXY.to_string(),
        }
    }
}

fn without_userinfo(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparsable proxy URL>".to_string(),
    }
}

/// The two underlying clients: one for ordinary calls (with read and total timeouts), one
/// for long-lived streams (connect timeout only).
pub(crate) struct HttpClients {
    pub calls: reqwest::Client,
    pub streams: reqwest::Client,
    /// Set when the platform has no root certificates and no bundle was given, so TLS
    /// errors can say why nothing is trusted.
    pub no_trust_anchors: bool,
}

/// Builds the underlying clients from a configuration.
pub(crate) fn build_clients(config: &ClientConfig) -> Result<HttpClients, ApiError> {
    crate::cli::install_tls_provider();
    let extra_roots = load_ca_bundle(config)?;
    let build = |streaming: bool, roots_only: bool| -> Result<reqwest::Client, ApiError> {
        let mut b = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .tls_backend_rustls()
            .https_only(false)
            .redirect(reqwest::redirect::Policy::limited(5));
        b = apply_proxies(b, &config.proxy)?;
        if let Some(t) = config.connect_timeout {
            b = b.connect_timeout(t);
        }
        if !streaming && let Some(t) = config.read_timeout {
            b = b.read_timeout(t);
        }
        b = if roots_only {
            b.tls_certs_only(extra_roots.iter().cloned())
        } else {
            b.tls_certs_merge(extra_roots.iter().cloned())
        };
        b.build().map_err(|e| {
            ApiError::config(format!(
                "Could not set up HTTPS: {}.",
                super::wire::error_chain_text(&e)
            ))
        })
    };
    match (build(false, false), build(true, false)) {
        (Ok(calls), Ok(streams)) => Ok(HttpClients {
            calls,
            streams,
            no_trust_anchors: false,
        }),
        (Err(e), _) | (_, Err(e)) => {
            // A machine without any CA certificates (a minimal bastion image) can still
            // reach the sandbox over plain HTTP; HTTPS then fails with an explanation.
            if !extra_roots.is_empty() {
                return Err(e);
            }
            Ok(HttpClients {
                calls: build(false, true)?,
                streams: build(true, true)?,
                no_trust_anchors: true,
            })
        }
    }
}

fn apply_proxies(
    mut b: reqwest::ClientBuilder,
    proxy: &ProxySettings,
) -> Result<reqwest::ClientBuilder, ApiError> {
    // Setting explicit proxies turns off reqwest's own reading of the environment, so the
    // loopback bypass below always applies.
    b = b.no_proxy();
    let bypass = reqwest::NoProxy::from_string(&proxy.bypass_list());
    let bad = |which: &str, url: &str, e: reqwest::Error| {
        ApiError::config(format!(
            "The {which} proxy {:?} is not usable ({}).",
            without_userinfo(url),
            super::wire::error_chain_text(&e)
        ))
    };
    if let Some(url) = &proxy.http {
        let p = reqwest::Proxy::http(url.as_str()).map_err(|e| bad("HTTP", url, e))?;
        b = b.proxy(p.no_proxy(bypass.clone()));
    }
    if let Some(url) = &proxy.https {
        let p = reqwest::Proxy::https(url.as_str()).map_err(|e| bad("HTTPS", url, e))?;
        b = b.proxy(p.no_proxy(bypass));
    }
    Ok(b)
}

/// Reads the configured CA bundle, if any, with errors that name the file and the setting.
pub(crate) fn load_ca_bundle(config: &ClientConfig) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let Some((path, setting)) = config.effective_ca_file() else {
        return Ok(Vec::new());
    };
    let bytes = std::fs::read(path).map_err(|e| {
        ApiError::config(format!(
            "Could not read the CA bundle {} (from {setting}): {e}.",
            path.display()
        ))
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&bytes).map_err(|e| {
        ApiError::config(format!(
            "The CA bundle {} (from {setting}) is not a valid PEM file: {}.",
            path.display(),
            super::wire::error_chain_text(&e)
        ))
    })?;
    if certs.is_empty() {
        return Err(ApiError::config(format!(
            "The CA bundle {} (from {setting}) holds no certificates (expected PEM \
             \"BEGIN CERTIFICATE\" blocks).",
            path.display()
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_always_bypassed() {
        let p = ProxySettings {
            http: Some("http://proxy:3128".into()),
            https: None,
            no_proxy: Some("corp.example".into()),
        };
        assert_eq!(p.bypass_list(), "corp.example,localhost,127.0.0.0/8,::1");
        assert_eq!(ProxySettings::none().bypass_list(), LOOPBACK_NO_PROXY);
    }

    #[test]
    fn proxy_credentials_stay_out_of_debug() {
        let p = ProxySettings {
            http: Some("http://user:hunter2secret@proxy:3128".into()),
            https: None,
            no_proxy: None,
        };
        let text = format!("{p:?}");
        assert!(!text.contains("hunter2secret"), "{text}");
        assert!(text.contains("proxy:3128"), "{text}");
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(parse_base_url("http://127.0.0.1:8787", "api_url").is_ok());
        let e = parse_base_url("ftp://x", "api_url").unwrap_err();
        assert!(e.to_string().contains("http://"), "{e}");
        assert!(parse_base_url("not a url", "api_url").is_err());
    }
}
