//! Proxies: requests to other hosts go through the configured proxy, `NO_PROXY` entries
//! bypass it, and loopback (the embedded sandbox) is never proxied (QUALITY S4).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use axum::Router;
use catalyst_tui::api::{ApiClient, ApiError, ProxySettings, TokenSource, TransportKind};
use client_support::*;
use serde_json::json;

fn meta() -> serde_json::Value {
    json!({
        "sovereign": {"name": "via", "domain": "d", "type": "sme"}, "api_version": "v1",
        "auth": {"issuer": "i", "device_authorization_endpoint": "/d", "token_endpoint": "/t",
                 "client_id": "c"}
    })
}

/// A "proxy" that answers every request itself (HTTP proxies receive absolute-form
/// requests and forward them; answering directly is enough to see that it was used).
async fn proxy() -> (String, Recorder) {
    serve(Router::new().fallback(|| async { json_response(200, meta()) })).await
}

fn client(base: &str, proxy: ProxySettings) -> ApiClient {
    let mut cfg = config(base);
    cfg.proxy = proxy;
    ApiClient::new(cfg, TokenSource::None).unwrap()
}

#[tokio::test]
async fn other_hosts_go_through_the_proxy() {
    let (proxy_url, proxied) = proxy().await;
    let c = client(
        "http://catalyst.invalid",
        ProxySettings {
            http: Some(proxy_url),
            https: None,
            no_proxy: Some("corp.example".into()),
        },
    );
    assert_eq!(c.meta().await.unwrap().sovereign.name, "via");
    let seen = proxied.last();
    assert_eq!(seen.header("host").as_deref(), Some("catalyst.invalid"));
    assert_eq!(seen.uri, "/api/v1/meta");
    assert!(seen.header("x-request-id").is_some());
}

#[tokio::test]
async fn no_proxy_entries_bypass_the_proxy() {
    let (proxy_url, proxied) = proxy().await;
    let c = client(
        "http://catalyst.invalid",
        ProxySettings {
            http: Some(proxy_url),
            https: None,
            no_proxy: Some("example.org, .invalid".into()),
        },
    );
    // Direct, so the made-up name does not resolve.
    let e = c.meta().await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(proxied.all().len(), 0);
}

#[tokio::test]
async fn loopback_is_never_proxied() {
    let (proxy_url, proxied) = proxy().await;
    let (target, direct) = serve(Router::new().fallback(|| async {
        let mut m = meta();
        m["sovereign"]["name"] = json!("direct");
        json_response(200, m)
    }))
    .await;
    let everything = ProxySettings {
        http: Some(proxy_url.clone()),
        https: Some(proxy_url),
        no_proxy: None,
    };
    let c = client(&target, everything.clone());
    assert_eq!(c.meta().await.unwrap().sovereign.name, "direct");
    let by_name = client(&target.replace("127.0.0.1", "localhost"), everything);
    assert_eq!(by_name.meta().await.unwrap().sovereign.name, "direct");
    assert_eq!(direct.all().len(), 2);
    assert_eq!(proxied.all().len(), 0);
}

#[test]
fn a_bad_proxy_url_is_a_set_up_error() {
    catalyst_tui::cli::install_tls_provider();
    let mut cfg = config("http://127.0.0.1:1");
    cfg.proxy = ProxySettings {
        http: Some("::not a url::".into()),
        https: None,
        no_proxy: None,
    };
    let e = ApiClient::new(cfg, TokenSource::None).unwrap_err();
    assert!(matches!(e, ApiError::Config { .. }), "{e:?}");
    assert!(e.to_string().contains("HTTP proxy"), "{e}");
}
