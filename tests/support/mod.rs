//! Shared helpers of the integration tests: start the sandbox on loopback and sign in a
//! persona through the real device flow over HTTP (no back door).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use catalyst_tui::sandbox::{self, RunningSandbox, SandboxOptions};
use serde_json::Value;

/// Starts a sandbox on 127.0.0.1:0 with the given options.
pub async fn start(opts: SandboxOptions) -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    sandbox::spawn(opts).await.expect("sandbox starts")
}

/// Starts the default (bankdhofar) sandbox.
pub async fn start_default() -> RunningSandbox {
    start(SandboxOptions::default()).await
}

/// Signs `persona` in through the device flow exactly as a script would: discover the
/// endpoints from `/api/v1/meta`, ask for a device code, submit the verification form,
/// then redeem the device code. Returns the access token.
pub async fn login(base_url: &str, persona: &str) -> String {
    let http = reqwest::Client::new();
    let meta: Value = http
        .get(format!("{base_url}/api/v1/meta"))
        .send()
        .await
        .expect("meta")
        .json()
        .await
        .expect("meta json");
    let auth = &meta["auth"];
    let abs = |u: &str| {
        if u.starts_with("http") {
            u.to_string()
        } else {
            format!("{base_url}{u}")
        }
    };
    let device_ep = abs(auth["device_authorization_endpoint"]
        .as_str()
        .expect("device endpoint"));
    let token_ep = abs(auth["token_endpoint"].as_str().expect("token endpoint"));
    let client_id = auth["client_id"].as_str().expect("client id").to_string();
    let device: Value = http
        .post(&device_ep)
        .form(&[("client_id", client_id.as_str()), ("scope", "openid")])
        .send()
        .await
        .expect("device code")
        .json()
        .await
        .expect("device json");
    let verify = abs(device["verification_uri"]
        .as_str()
        .expect("verification uri"));
    let user_code = device["user_code"].as_str().expect("user code");
    let form = http
        .post(&verify)
        .form(&[("user_code", user_code), ("persona", persona)])
        .send()
        .await
        .expect("verification form");
    assert!(
        form.status().is_success(),
        "verification form answered {}",
        form.status()
    );
    let device_code = device["device_code"].as_str().expect("device code");
    let token: Value = http
        .post(&token_ep)
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
            ("client_id", client_id.as_str()),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    token["access_token"]
        .as_str()
        .expect("access token")
        .to_string()
}
