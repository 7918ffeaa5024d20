//! The sandbox's Kubernetes subset (contract Part C) with a real grant from the access
//! request flow: the `kube` crate (list, get, logs, events, a watcher, HelmReleases as
//! dynamic objects), the real `kubectl` binary, and the token dying with the grant. The
//! credentials name the sandbox's HTTPS server and carry its per-run CA; every client
//! here trusts that CA and nothing else.
//!
//! The simulation is frozen; tests change the world themselves and publish on the bus,
//! and wait on conditions with generous bounds (no timed assertions).
// The helpers are test code too (clippy's test allowances cover only `#[test]`s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

#[path = "sandbox_kube/auth.rs"]
mod auth;
#[path = "sandbox_kube/kube_client.rs"]
mod kube_client;
#[path = "sandbox_kube/kubectl.rs"]
mod kubectl;
#[path = "sandbox_kube/watch.rs"]
mod watch;

use catalyst_tui::api::ApiClient;
use catalyst_tui::model::*;
use catalyst_tui::sandbox::RunningSandbox;
use contract_support::*;

/// The Environment the tests work in (layla, an org-developer, is granted at once).
pub const ENV: &str = "digital-channels-dev";
/// The Application the tests degrade.
pub const APP: &str = "payment-rail";
/// Why it degrades (what its events and logs must say).
pub const WHY: &str = "readiness probe failing: upstream rtgs gateway refused connection";

/// A live grant for layla on [`ENV`]: her client, the request id and the credentials.
pub async fn granted(sb: &RunningSandbox) -> (ApiClient, String, AccessCredentials) {
    let layla = sign_in(sb, "layla").await;
    let r = layla
        .create_access_request(
            ENV,
            &CreateAccessRequest {
                reason: "Look at payment-rail pods".into(),
                duration_minutes: 60,
                access: AccessLevel::View,
            },
        )
        .await
        .unwrap();
    assert_eq!(r.state, AccessState::Granted);
    let creds = layla.access_credentials(&r.id).await.unwrap();
    (layla, r.id, creds)
}

/// An HTTP client for the grant's server that trusts only the CA of its credentials.
pub fn https(creds: &AccessCredentials) -> reqwest::Client {
    use base64::Engine as _;
    catalyst_tui::cli::install_tls_provider();
    let pem = base64::engine::general_purpose::STANDARD
        .decode(&creds.certificate_authority_data)
        .unwrap();
    reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
        .no_proxy()
        .build()
        .unwrap()
}

/// Degrades [`APP`] with [`WHY`] the way the simulation would, and announces it.
pub async fn degrade(sb: &RunningSandbox) {
    degrade_app(sb, APP).await;
}

/// Degrades `app` of [`ENV`] with [`WHY`] and announces it.
pub async fn degrade_app(sb: &RunningSandbox, app: &str) {
    let mut world = sb.state.world.write().await;
    let rec = world.apps.get_mut(ENV).unwrap().get_mut(app).unwrap();
    let app = rec.apply_status(AppStatus::Degraded, WHY, chrono::Utc::now());
    let org = app.org.clone();
    sb.state.bus.publish(
        &org,
        Some(ENV),
        LiveEvent::ApplicationUpdated(Box::new(app)),
    );
}

/// Pod names of [`APP`] as the world has them (the first one crash-loops once degraded:
/// pods are ready in order).
pub async fn app_pods(sb: &RunningSandbox) -> Vec<String> {
    let world = sb.state.world.read().await;
    world.apps[ENV][APP]
        .pods
        .iter()
        .map(|p| p.name.clone())
        .collect()
}

/// The crash-looping pod of a degraded [`APP`].
pub async fn crashing_pod(sb: &RunningSandbox) -> String {
    let world = sb.state.world.read().await;
    world.apps[ENV][APP]
        .pods
        .iter()
        .find(|p| !p.ready)
        .map(|p| p.name.clone())
        .expect("a degraded Application has an unready pod")
}
