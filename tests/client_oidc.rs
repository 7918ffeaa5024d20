//! Sign-in to a Sovereign's Keycloak realm (OIDC) against the sandbox's Keycloak-like
//! issuer on 127.0.0.1:0: discovery, the code flow with PKCE out of band and over a
//! loopback redirect, the password grant, refusals (wrong password, reused code, wrong
//! verifier, foreign state), refresh at the issuer's token endpoint (after a 401 and
//! ahead of expiry), a refused refresh ending the session, the 0600 token cache, no
//! secret in any error or `Debug` text, and `catalyst-tui login` as a real process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use std::path::Path;
use std::time::Duration;

use catalyst_tui::api::auth::oidc::{OidcClient, Redirect};
use catalyst_tui::api::{ApiClient, ApiError, ClientConfig, TokenSource};
use catalyst_tui::sandbox::{RunningSandbox, SandboxOptions, spawn};
use secrecy::SecretString;

async fn sandbox() -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    spawn(SandboxOptions {
        speed: 0.0,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

fn issuer(sb: &RunningSandbox) -> String {
    format!("{}/realms/sovereign", sb.base_url)
}

fn oidc_config(sb: &RunningSandbox) -> ClientConfig {
    client_support::config(&sb.base_url)
        .with_oidc(&issuer(sb), None)
        .unwrap()
}

fn client(sb: &RunningSandbox, cache: &Path) -> ApiClient {
    ApiClient::new(oidc_config(sb), TokenSource::cache(cache)).unwrap()
}

fn browser() -> reqwest::Client {
    catalyst_tui::cli::install_tls_provider();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Opens the authorization URL as a browser would, signing in as `persona` at once.
async fn open_as(url: &reqwest::Url, persona: &str) -> String {
    let url = format!("{url}&persona={persona}");
    let resp = browser().get(url).send().await.unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.text().await.unwrap()
}

/// The code of the out-of-band page.
fn code_in(page: &str) -> String {
    let start = page.find("id=\"code\"").expect("a code field");
    let rest = &page[start..];
    let v = rest.find("value=\"").unwrap() + 7;
    let end = rest[v..].find('"').unwrap();
    rest[v..v + end].to_string()
}

fn cached(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn discovery_names_the_realms_endpoints_and_key() {
    let sb = sandbox().await;
    let api = client(&sb, &tempfile::tempdir().unwrap().path().join("t.json"));
    let oidc = OidcClient::discover(&api).await.unwrap();
    let d = oidc.discovery();
    assert_eq!(d.issuer, issuer(&sb));
    let ep = format!("{}/protocol/openid-connect", issuer(&sb));
    assert_eq!(d.authorization_endpoint.as_str(), format!("{ep}/auth"));
    assert_eq!(d.token_endpoint.as_str(), format!("{ep}/token"));
    let jwks: serde_json::Value = browser()
        .get(d.jwks_uri.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (&key["kty"], &key["alg"], &key["use"], &key["e"]),
        (
            &"RSA".into(),
            &"RS256".into(),
            &"sig".into(),
            &"AQAB".into()
        )
    );
    assert!(key["kid"].is_string() && key["n"].as_str().unwrap().len() > 300);

    // Without a persona the authorization page lists them, each a link that signs in.
    let pending = oidc.begin_authorization(Redirect::OutOfBand);
    let page = browser()
        .get(pending.url().clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("persona=layla") && page.contains("persona=admin"),
        "{page}"
    );
}

#[tokio::test]
async fn out_of_band_sign_in_then_the_api_knows_the_persona() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("p/token.json");
    let api = client(&sb, &cache);
    let oidc = OidcClient::discover(&api).await.unwrap();
    let pending = oidc.begin_authorization(Redirect::OutOfBand);
    let url = pending.url().clone();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], "kubectl");
    assert_eq!(q["redirect_uri"], "urn:ietf:wg:oauth:2.0:oob");
    assert_eq!(q["code_challenge_method"], "S256");
    let debug = format!("{pending:?}");
    let code = code_in(&open_as(&url, "layla").await);
    let done = oidc
        .complete_with_code(pending, &format!("  {code}\n"))
        .await
        .unwrap();
    assert_eq!(done.username.as_deref(), Some("layla"));
    assert_eq!(done.expires_in, Some(Duration::from_secs(300)));
    assert_eq!(api.me().await.unwrap().sub, "layla");
    assert_eq!(mode(&cache), 0o600);
    let access = cached(&cache)["access_token"].as_str().unwrap().to_string();
    assert_eq!(access.split('.').count(), 3, "an RS256 JWT");
    for text in [
        debug,
        format!("{done:?}"),
        format!("{api:?}"),
        format!("{oidc:?}"),
    ] {
        assert!(!text.contains(&access) && !text.contains(&code), "{text}");
    }
}

#[tokio::test]
async fn loopback_sign_in_receives_the_redirect() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let api = client(&sb, &dir.path().join("t.json"));
    let oidc = OidcClient::discover(&api).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let redirect = Redirect::Loopback(format!("http://127.0.0.1:{port}").parse().unwrap());
    let pending = oidc.begin_authorization(redirect);
    let url = pending.url().clone();
    let waiting = {
        let oidc = oidc.clone();
        tokio::spawn(async move {
            oidc.wait_for_loopback(pending, listener, Duration::from_secs(120))
                .await
        })
    };
    let page = open_as(&url, "salim").await;
    assert!(page.contains("You can close this tab"), "{page}");
    let done = waiting.await.unwrap().unwrap();
    assert_eq!(done.username.as_deref(), Some("salim"));
    assert_eq!(api.me().await.unwrap().sub, "salim");
}

#[tokio::test]
async fn a_foreign_state_is_refused() {
    let sb = sandbox().await;
    let api = client(&sb, &tempfile::tempdir().unwrap().path().join("t.json"));
    let oidc = OidcClient::discover(&api).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let redirect = Redirect::Loopback(format!("http://127.0.0.1:{port}").parse().unwrap());
    let pending = oidc.begin_authorization(redirect);
    let waiting = {
        let oidc = oidc.clone();
        tokio::spawn(async move {
            oidc.wait_for_loopback(pending, listener, Duration::from_secs(120))
                .await
        })
    };
    let forged = format!("http://127.0.0.1:{port}/?code=forged-code-123456&state=not-yours");
    let resp = browser().get(forged).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let e = waiting.await.unwrap().unwrap_err();
    assert!(e.to_string().contains("state does not match"), "{e}");
    assert!(!e.to_string().contains("forged-code-123456"));
    assert!(!api.session().is_signed_in());
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_their_verifier() {
    let sb = sandbox().await;
    let api = client(&sb, &tempfile::tempdir().unwrap().path().join("t.json"));
    let oidc = OidcClient::discover(&api).await.unwrap();

    // A code presented with another sign-in's verifier.
    let first = oidc.begin_authorization(Redirect::OutOfBand);
    let other = oidc.begin_authorization(Redirect::OutOfBand);
    let code = code_in(&open_as(first.url(), "omar").await);
    let e = oidc.complete_with_code(other, &code).await.unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, ApiError::SignInFailed { ref code, .. } if code == "invalid_grant"));
    assert!(text.contains("PKCE verification failed"), "{text}");
    assert!(!text.contains(&code) && !format!("{e:?}").contains(&code));

    // The refused attempt used the code up: Keycloak tries a code once.
    let e = oidc.complete_with_code(first, &code).await.unwrap_err();
    assert!(e.to_string().contains("Code not valid"), "{e}");

    // A good exchange, then the same code again.
    let p = oidc.begin_authorization(Redirect::OutOfBand);
    let again = oidc.begin_authorization(Redirect::OutOfBand);
    let code = code_in(&open_as(p.url(), "omar").await);
    oidc.complete_with_code(p, &code).await.unwrap();
    let e = oidc.complete_with_code(again, &code).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("refused the code: invalid_grant (Code not valid)"),
        "{e}"
    );
    assert!(!api.session().is_expired());
}

#[tokio::test]
async fn password_grant_and_a_wrong_password() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("t.json");
    let api = client(&sb, &cache);
    let oidc = OidcClient::discover(&api).await.unwrap();

    let wrong = SecretString::from("canary-password-Zq81");
    let e = oidc.password_grant("admin", &wrong).await.unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(text.contains("Invalid user credentials"), "{text}");
    assert!(!text.contains("canary-password-Zq81"), "{text}");
    assert!(!api.session().is_signed_in());

    let done = oidc
        .password_grant("admin", &SecretString::from("sandbox"))
        .await
        .unwrap();
    assert_eq!(done.username.as_deref(), Some("admin"));
    let me = api.me().await.unwrap();
    assert_eq!(me.sub, "admin");
    assert_eq!(mode(&cache), 0o600);

    let access = cached(&cache)["access_token"].as_str().unwrap().to_string();
    let info: serde_json::Value = browser()
        .get(format!("{}/protocol/openid-connect/userinfo", issuer(&sb)))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["preferred_username"], "admin");
    assert!(info["groups"].to_string().contains("/sovereign-admins"));
}

#[tokio::test]
async fn a_support_agent_signed_in_by_keycloak_still_needs_a_ticket() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let api = client(&sb, &dir.path().join("t.json"));
    OidcClient::discover(&api)
        .await
        .unwrap()
        .password_grant("support", &SecretString::from("sandbox"))
        .await
        .unwrap();
    let e = api.me().await.unwrap_err();
    assert!(
        matches!(e, ApiError::Restricted { ref code, .. } if code == "support-ticket-required"),
        "{e:?}"
    );
    let mut config = oidc_config(&sb);
    config.support_ticket = Some("CS-5120".into());
    let with_ticket =
        ApiClient::new(config, TokenSource::cache(dir.path().join("t.json"))).unwrap();
    assert_eq!(with_ticket.me().await.unwrap().sub, "support");
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_at_the_issuer() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("t.json");
    let api = client(&sb, &cache);
    let oidc = OidcClient::discover(&api).await.unwrap();
    oidc.password_grant("huda", &SecretString::from("sandbox"))
        .await
        .unwrap();
    let before = cached(&cache);
    let generation = api.session().generation();
    // The sandbox's clock moves past the access token's expiry: the next call gets a 401,
    // refreshes once at the realm's token endpoint, and goes through.
    sb.state.world.write().await.clock_skew += chrono::TimeDelta::seconds(301);
    assert_eq!(api.me().await.unwrap().sub, "huda");
    assert!(api.session().generation() > generation);
    let after = cached(&cache);
    assert_ne!(before["access_token"], after["access_token"]);
    assert_ne!(before["refresh_token"], after["refresh_token"], "rotated");
}

#[tokio::test]
async fn a_token_close_to_expiry_is_refreshed_ahead() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("t.json");
    let first = client(&sb, &cache);
    OidcClient::discover(&first)
        .await
        .unwrap()
        .password_grant("layla", &SecretString::from("sandbox"))
        .await
        .unwrap();
    // A later start finds a token with 30 s left: inside the refresh margin.
    let mut file = cached(&cache);
    let soon = chrono::Utc::now() + chrono::TimeDelta::seconds(30);
    file["expires_at"] = serde_json::to_value(soon).unwrap();
    std::fs::write(&cache, file.to_string()).unwrap();
    let later = client(&sb, &cache);
    let generation = later.session().generation();
    later.ensure_fresh_token().await.unwrap();
    assert!(later.session().generation() > generation);
    assert_ne!(cached(&cache)["refresh_token"], file["refresh_token"]);
    assert_eq!(later.me().await.unwrap().sub, "layla");
}

#[tokio::test]
async fn a_refused_refresh_ends_the_session() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("a.json");
    let copy = dir.path().join("b.json");
    let a = client(&sb, &cache);
    OidcClient::discover(&a)
        .await
        .unwrap()
        .password_grant("khalid", &SecretString::from("sandbox"))
        .await
        .unwrap();
    std::fs::copy(&cache, &copy).unwrap();
    // `a` renews: the refresh token both hold is rotated away.
    a.recover_from_unauthorized().await.unwrap();
    let b = client(&sb, &copy);
    let e = b.recover_from_unauthorized().await.unwrap_err();
    assert!(matches!(e, ApiError::SessionExpired { .. }), "{e:?}");
    assert!(b.session().is_expired());
    assert!(matches!(
        b.me().await.unwrap_err(),
        ApiError::SessionExpired { .. }
    ));
    let refresh = cached(&copy)["refresh_token"].as_str().unwrap().to_string();
    assert!(!format!("{e} {e:?}").contains(&refresh));
}

#[tokio::test]
async fn login_command_signs_in_with_the_password_grant() {
    let sb = sandbox().await;
    let home = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_catalyst-tui"))
        .args(["login", "--api-url", &sb.base_url, "--oidc-issuer"])
        .arg(issuer(&sb))
        .args(["--username", "admin", "--password-stdin"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("CATALYST_PROFILE")
        .env_remove("CATALYST_TOKEN")
        .env("NO_PROXY", "*")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use tokio::io::AsyncWriteExt as _;
        let mut stdin = child.stdin.take().unwrap();
        // A failing child may be gone already; its stderr then says why.
        let _ = stdin.write_all(b"sandbox\n").await;
    }
    let out = child.wait_with_output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stdout.trim(), "signed in as admin (expires in 300 s)");
    let cache = home.path().join("cache/catalyst-tui/token-default.json");
    assert_eq!(mode(&cache), 0o600);
    let file = cached(&cache);
    for secret in [&file["access_token"], &file["refresh_token"]] {
        let secret = secret.as_str().unwrap();
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    assert!(!stderr.contains("sandbox\n"));
    // The cached token works for the console API.
    let api = client(&sb, &cache);
    assert_eq!(api.me().await.unwrap().sub, "admin");
}
