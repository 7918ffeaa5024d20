//! Where `follow` reads from and with which credentials: the profile, flags and
//! `CATALYST_*` variables resolved the way the console resolves them; the provisioning
//! URL (defaulting to `<api_url>/sovereign` for a sandbox on loopback); and, for the
//! console API, a token from `--token-file`, `CATALYST_TOKEN` or the profile's cache, or
//! a demo persona signed in on a loopback sandbox.
//! Must not: print (errors come back as words for people, never holding a token).

use std::path::PathBuf;

use reqwest::Url;

use crate::api::{ApiClient, ClientConfig, ProvisioningClient, TokenSource};
use crate::config::{self, ConfigFile, Dirs, Overrides};

/// What the configuration says about where to connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub api_url: Option<String>,
    pub provisioning_url: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub token_file: Option<PathBuf>,
    /// The profile's name, for its token cache.
    pub profile: String,
    /// The Sovereign's OpenID Connect issuer and client, where refreshes go.
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    /// Support mode: the ticket sent with every request.
    pub support_ticket: Option<String>,
}

/// Resolves flags over environment over the chosen profile (as the console does). With
/// no API URL anywhere the console would start its embedded sandbox; `follow` keeps
/// what the flags and environment gave instead.
pub fn endpoints(
    file: &ConfigFile,
    flags: &Overrides,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Endpoints, String> {
    match config::resolve(file, flags, &env)? {
        config::Target::Sovereign { name, profile } => Ok(Endpoints {
            api_url: profile.api_url,
            provisioning_url: profile.provisioning_url,
            ca_file: profile.ca_file,
            token_file: profile.token_file,
            profile: name,
            oidc_issuer: profile.oidc_issuer,
            oidc_client_id: profile.oidc_client_id,
            support_ticket: profile.support_ticket,
        }),
        config::Target::Sandbox { support_ticket } => Ok(Endpoints {
            support_ticket,
            api_url: None,
            provisioning_url: flags
                .provisioning_url
                .clone()
                .or_else(|| env(config::ENV_PROVISIONING_URL)),
            ca_file: flags
                .ca_file
                .clone()
                .or_else(|| env(config::ENV_CA_FILE).map(PathBuf::from)),
            token_file: flags
                .token_file
                .clone()
                .or_else(|| env(config::ENV_TOKEN_FILE).map(PathBuf::from)),
            profile: "default".to_string(),
            oidc_issuer: flags
                .oidc_issuer
                .clone()
                .or_else(|| env(config::ENV_OIDC_ISSUER)),
            oidc_client_id: flags
                .oidc_client_id
                .clone()
                .or_else(|| env(config::ENV_OIDC_CLIENT_ID)),
        }),
    }
}

/// True for `localhost` and loopback addresses.
pub fn is_loopback(url: &Url) -> bool {
    url.host_str().is_some_and(|host| {
        host.eq_ignore_ascii_case("localhost")
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

/// The provisioning base URL: configured, else `<api_url>/sovereign` for a sandbox on
/// loopback (where `catalyst-tui sandbox` serves the provisioning API).
pub fn provisioning_base(e: &Endpoints) -> Result<String, String> {
    if let Some(p) = &e.provisioning_url {
        return Ok(p.clone());
    }
    if let Some(api) = &e.api_url
        && Url::parse(api.trim()).is_ok_and(|u| is_loopback(&u))
    {
        return Ok(format!("{}/sovereign", api.trim().trim_end_matches('/')));
    }
    Err(match &e.api_url {
        Some(_) => "no provisioning URL is configured: give --provisioning-url, \
                    CATALYST_PROVISIONING_URL or the profile's provisioning_url"
            .to_string(),
        None => "nothing to follow from: give --provisioning-url URL (or a profile with \
                 provisioning_url), or --api-url http://127.0.0.1:PORT of a running \
                 `catalyst-tui sandbox`"
            .to_string(),
    })
}

fn client_config(api_url: &str, e: &Endpoints) -> Result<ClientConfig, String> {
    let mut c = ClientConfig::parse(api_url).map_err(|err| err.to_string())?;
    c.ca_file = e.ca_file.clone();
    c.support_ticket = e.support_ticket.clone();
    // A token signed in at the Sovereign's realm is refreshed there.
    if let Some(issuer) = &e.oidc_issuer {
        c = c
            .with_oidc(issuer, e.oidc_client_id.as_deref())
            .map_err(|err| err.to_string())?;
    }
    Ok(c)
}

/// A client of the provisioning API. Today's service wants a bearer on every route (the
/// April one had none): the token of `--token-file`, `CATALYST_TOKEN` or the profile's
/// cache is sent when there is one; without, the service's 401 says so.
pub fn provisioning_client(
    e: &Endpoints,
    dirs: &Dirs,
    token_env: Option<TokenSource>,
) -> Result<ProvisioningClient, String> {
    let base = provisioning_base(e)?;
    let api = e.api_url.clone().unwrap_or_else(|| base.clone());
    let mut config = client_config(&api, e)?
        .with_provisioning_url(&base)
        .map_err(|err| err.to_string())?;
    let source = match (&e.token_file, token_env) {
        (Some(path), _) => TokenSource::file(path),
        (None, Some(env)) => env,
        (None, None) => {
            let cache = dirs.token_cache(&e.profile);
            if cache.exists() {
                TokenSource::cache(cache)
            } else {
                TokenSource::None
            }
        }
    };
    // The token was given for this follow: send it even to another origin.
    config.provisioning_bearer = !matches!(source, TokenSource::None);
    let client = ApiClient::new(config, source).map_err(|err| err.to_string())?;
    client
        .provisioning()
        .ok_or_else(|| "no provisioning URL is configured".to_string())
}

/// A signed-in client of the console API: `persona` signs in on a loopback sandbox;
/// otherwise the token comes from the token file, `CATALYST_TOKEN` or the profile's
/// cache.
pub async fn console_client(
    e: &Endpoints,
    persona: Option<&str>,
    dirs: &Dirs,
    token_env: Option<TokenSource>,
) -> Result<ApiClient, String> {
    let Some(api) = &e.api_url else {
        return Err("the console API is not configured: give --api-url URL, \
                    CATALYST_API_URL or a profile with api_url"
            .to_string());
    };
    let config = client_config(api, e)?;
    let loopback = is_loopback(&config.api_url);
    if let Some(persona) = persona {
        if !loopback {
            return Err(format!(
                "--persona signs in only to a sandbox on this machine; {} is not one: \
                 give --token-file or CATALYST_TOKEN",
                config.api_url
            ));
        }
        let ticket = config.support_ticket.clone();
        let connected =
            crate::app::startup::sandbox_sign_in(api, None, persona, Some(config), ticket)
                .await
                .map_err(|err| format!("signing in as {persona:?}: {err}"))?;
        return Ok(connected.client);
    }
    let source = match (&e.token_file, token_env) {
        (Some(path), _) => TokenSource::file(path),
        (None, Some(env)) => env,
        (None, None) => TokenSource::cache(dirs.token_cache(&e.profile)),
    };
    let client = ApiClient::new(config, source).map_err(|err| err.to_string())?;
    if client.session().is_signed_in() {
        return Ok(client);
    }
    Err(if loopback {
        "not signed in: give --persona NAME (a demo persona of the sandbox, e.g. admin), \
         --token-file or CATALYST_TOKEN"
            .to_string()
    } else {
        format!(
            "not signed in: give --token-file or CATALYST_TOKEN, or sign in once with \
             `catalyst-tui --profile {}` (the token is cached)",
            e.profile
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(api: Option<&str>, prov: Option<&str>) -> Overrides {
        Overrides {
            api_url: api.map(str::to_string),
            provisioning_url: prov.map(str::to_string),
            ..Overrides::default()
        }
    }

    #[test]
    fn a_loopback_api_gets_the_sandboxs_provisioning_url() {
        let e = endpoints(
            &ConfigFile::default(),
            &flags(Some("http://127.0.0.1:8787/"), None),
            |_| None,
        )
        .unwrap();
        assert_eq!(
            provisioning_base(&e).unwrap(),
            "http://127.0.0.1:8787/sovereign"
        );
        let e = endpoints(
            &ConfigFile::default(),
            &flags(Some("http://localhost:9/"), Some("http://p.example/x")),
            |_| None,
        )
        .unwrap();
        assert_eq!(provisioning_base(&e).unwrap(), "http://p.example/x");
    }

    #[test]
    fn a_remote_api_needs_a_provisioning_url_and_nothing_at_all_is_explained() {
        let e = endpoints(
            &ConfigFile::default(),
            &flags(Some("https://console.bank.example"), None),
            |_| None,
        )
        .unwrap();
        assert!(
            provisioning_base(&e)
                .unwrap_err()
                .contains("--provisioning-url")
        );
        let e = endpoints(&ConfigFile::default(), &Overrides::default(), |_| None).unwrap();
        assert!(provisioning_base(&e).unwrap_err().contains("--api-url"));
    }

    #[test]
    fn without_an_api_url_the_environment_still_names_the_provisioning_url() {
        let env = |k: &str| {
            (k == config::ENV_PROVISIONING_URL).then(|| "https://p.example/sovereign".to_string())
        };
        let e = endpoints(&ConfigFile::default(), &Overrides::default(), env).unwrap();
        assert_eq!(e.api_url, None);
        assert_eq!(
            provisioning_base(&e).unwrap(),
            "https://p.example/sovereign"
        );
        let dirs = Dirs {
            config: PathBuf::from("/nonexistent/config"),
            cache: PathBuf::from("/nonexistent/cache"),
        };
        assert!(provisioning_client(&e, &dirs, None).is_ok());
    }

    #[test]
    fn loopback_hosts() {
        for (url, want) in [
            ("http://127.0.0.1:1", true),
            ("http://[::1]:1", true),
            ("http://LOCALHOST", true),
            ("https://console.example", false),
            ("http://10.0.0.1", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), want, "{url}");
        }
    }

    #[tokio::test]
    async fn console_follows_without_credentials_are_explained() {
        let dirs = Dirs {
            config: PathBuf::from("/nonexistent/config"),
            cache: PathBuf::from("/nonexistent/cache"),
        };
        let mut e = Endpoints {
            api_url: Some("https://console.bank.example".into()),
            profile: "bank".into(),
            ..Endpoints::default()
        };
        let err = console_client(&e, None, &dirs, None).await.unwrap_err();
        assert!(err.contains("--profile bank"), "{err}");
        let err = console_client(&e, Some("admin"), &dirs, None)
            .await
            .unwrap_err();
        assert!(err.contains("only to a sandbox"), "{err}");
        e.api_url = Some("http://127.0.0.1:9".into());
        let err = console_client(&e, None, &dirs, None).await.unwrap_err();
        assert!(err.contains("--persona"), "{err}");
        e.api_url = None;
        let err = console_client(&e, None, &dirs, None).await.unwrap_err();
        assert!(err.contains("--api-url"), "{err}");
    }
}
