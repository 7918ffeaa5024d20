//! Assembly of the sandbox server: builds the world (seed plus `--scale`), binds the
//! listener and a second, TLS one on loopback for the Kubernetes subset (its
//! certificates made at each start by [`super::tls`]), merges the routers of every
//! sandbox module behind the request-id layer, starts background work, and shuts all of
//! it down gracefully.
//!
//! The other modules plug in through the hook functions below ([`extra_routes`],
//! [`provisioning_routes`], [`outer_layers`], [`start_background`]): each is one line
//! to fill.

use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::Request;
use axum::http::Method;
use axum::http::StatusCode;
use axum::{Router, middleware};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::error::ApiError;
use super::identity;
use super::options::{ApiMode, SandboxOptions};
use super::request_id;
use super::routes;
use super::scale;
use super::seed::{self, SeedError};
use super::store::{Sandbox, SharedSandbox};
use super::tls::{self, KubeTls, TlsError, TlsListener};

/// How long `shutdown` waits for open connections (event streams) before cutting them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// Why the sandbox could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the sandbox server failed: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// A sandbox serving on loopback. Dropping it stops the server too (without waiting).
pub struct RunningSandbox {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// The bound address (the real port when the options asked for port 0).
    pub addr: SocketAddr,
    /// `https://127.0.0.1:PORT`: the Kubernetes subset over TLS (always a free port
    /// picked at start), under `/k8s/{env}` as on [`RunningSandbox::base_url`].
    pub kube_base_url: String,
    /// The shared state: tests may read the world, or move its clock (`clock_skew`).
    pub state: SharedSandbox,
    stop: CancellationToken,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningSandbox {
    /// A token cancelled when the sandbox stops (background work ends with it).
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Stops accepting connections, lets open requests finish (at most a few seconds, so
    /// long-lived event streams cannot hold the shutdown) and waits for the server.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        self.stop.cancel();
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(DRAIN_TIMEOUT, &mut task).await {
            Ok(Ok(result)) => result.map_err(SandboxError::Serve),
            Ok(Err(_)) => Ok(()),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }

    /// Waits until the server ends (after [`RunningSandbox::stop_token`] is cancelled).
    pub async fn wait(mut self) -> Result<(), SandboxError> {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => result.map_err(SandboxError::Serve),
                Err(_) => Ok(()),
            },
            None => Ok(()),
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Where the TLS listener binds: loopback, a free port.
const KUBE_TLS_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// Builds the world, binds `opts.listen` (port 0 picks a free port) and a free loopback
/// port for the Kubernetes subset over TLS, and serves both.
pub async fn spawn(opts: SandboxOptions) -> Result<RunningSandbox, SandboxError> {
    let mut world = seed::build_world(opts.sovereign, chrono::Utc::now())?;
    if let Some(s) = opts.scale {
        scale::add_generated(&mut world, s, opts.seed);
    }
    let listener = TcpListener::bind(opts.listen)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: opts.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: opts.listen,
        source,
    })?;
    let base_url = base_url_of(addr);
    world.meta = Some(identity::meta_for(&world.sovereign, &base_url));
    let certificates = tls::generate()?;
    let kube_listener =
        TcpListener::bind(KUBE_TLS_LISTEN)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: KUBE_TLS_LISTEN,
                source,
            })?;
    let kube_addr = kube_listener
        .local_addr()
        .map_err(|source| SandboxError::Bind {
            addr: KUBE_TLS_LISTEN,
            source,
        })?;
    let kube_base_url = format!("https://{kube_addr}");
    world.kube_tls = Some(KubeTls {
        base_url: kube_base_url.clone(),
        ca_pem: certificates.ca_pem,
    });
    let state = Sandbox::new(world, opts);
    let stop = CancellationToken::new();
    start_background(&state, &stop);
    let serve = axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(stop.clone().cancelled_owned())
        .into_future();
    let kube_listener =
        TlsListener::new(kube_listener, kube_addr, certificates.server, stop.clone());
    let serve_kube = axum::serve(kube_listener, kube_app(state.clone()))
        .with_graceful_shutdown(stop.clone().cancelled_owned())
        .into_future();
    let task = tokio::spawn(async move {
        let (plain, kube) = tokio::join!(serve, serve_kube);
        plain.and(kube)
    });
    Ok(RunningSandbox {
        base_url,
        addr,
        kube_base_url,
        state,
        stop,
        task: Some(task),
    })
}

/// The URL clients use: loopback when bound to every interface.
fn base_url_of(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}", SocketAddr::new(host, addr.port()))
}

/// The whole HTTP application of a sandbox.
pub fn app(state: SharedSandbox) -> Router {
    let prov = super::provisioning::ProvisioningSandbox::new(&state.opts);
    let api: Router<SharedSandbox> = match state.opts.api {
        ApiMode::Console => Router::new()
            .merge(identity::router())
            .merge(routes::router())
            .merge(routes::triage::router(prov.clone()))
            .merge(extra_routes()),
        // catalyst-api's surface instead of the console API (`--api catalyst`).
        ApiMode::Catalyst => super::catalyst::router(),
    };
    let api = api
        .merge(super::keycloak::router(&state))
        .merge(super::kube::router())
        .with_state(state.clone())
        .merge(provisioning_routes(&prov, &state))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method);
    outer_layers(api, &state).layer(middleware::from_fn(request_id::layer))
}

/// What the TLS listener serves: the Kubernetes subset alone, with the same fault
/// injection (its own counters) and request ids; anything else is a 404.
pub fn kube_app(state: SharedSandbox) -> Router {
    let kube = super::kube::router()
        .with_state(state.clone())
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method);
    outer_layers(kube, &state).layer(middleware::from_fn(request_id::layer))
}

/// Routes of the flow modules: promotions and policies, access requests, live events,
/// operation logs.
fn extra_routes() -> Router<SharedSandbox> {
    super::flow::router::<super::authz::Caller>()
}

/// The provisioning API: the April service under `/sovereign`, or (`--api catalyst`)
/// today's, behind the session.
fn provisioning_routes(
    prov: &super::provisioning::ProvisioningSandbox,
    state: &SharedSandbox,
) -> Router {
    match state.opts.api {
        ApiMode::Console => Router::new().nest_service("/sovereign", prov.router()),
        ApiMode::Catalyst => super::catalyst::provisioning(prov, state),
    }
}

/// Layers around everything but the request id: fault injection.
fn outer_layers(router: Router, state: &SharedSandbox) -> Router {
    super::faults::apply(router, state.opts.faults.clone())
}

/// Background work (the simulation), ending when `stop` is cancelled.
fn start_background(state: &SharedSandbox, stop: &CancellationToken) {
    // The task ends by itself when `stop` is cancelled.
    drop(super::simulation::spawn(state.clone(), stop.clone()));
}

async fn no_route(method: Method, req: Request) -> ApiError {
    ApiError::not_found(format!("there is no route {method} {}", req.uri().path()))
}

async fn wrong_method(method: Method, req: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{method} is not allowed on {}", req.uri().path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_binds_are_reached_on_loopback() {
        assert_eq!(
            base_url_of(SocketAddr::from(([0, 0, 0, 0], 8787))),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            base_url_of(SocketAddr::from(([127, 0, 0, 1], 1))),
            "http://127.0.0.1:1"
        );
    }
}
