//! The sandbox's catalyst-api surface (`catalyst-tui sandbox --api catalyst`): the same
//! living world (store, seed, simulation, event bus) served through catalyst-api's routes
//! and JSON shapes, so the console's catalyst adapter is tested against a server.
//!
//! Public: `/healthz`, `/api/v1/version`, `/api/v1/sovereign/self`. Behind the session
//! (401 `{"error":"unauthenticated"}` without a valid bearer): `/api/v1/whoami`,
//! `/api/v1/organizations`, `/api/v1/catalog`, `/api/v1/sovereigns/{id}/k8s/{kind}`
//! (`environment`, `application`), `/api/v1/sovereigns/{id}/k8s/stream`,
//! `/api/v1/sovereigns/{id}/applications[/{name}[/status|/stream]]`,
//! `/api/v1/sovereigns/{id}/audit/rbac` (see `audit`). Sign-in stays the
//! sandbox's device flow (catalyst-api has none; tokens are what the `Caller` accepts).
//!
//! Today's provisioning service (`/api/v1/deployments…`, also under `/sovereign`) is
//! served behind the same session, see [`provisioning`].
//!
//! - `shapes`: the world as catalyst-api JSON (records, CRs, list rows, detail).
//! - `routes`: the JSON routes; `stream`: the two SSE routes.
//! - `audit`: the RBAC audit listing (tier admin; synthesised grants).
//!
//! Must not change the world (read-only surface) nor serve any console-API route.

mod audit;
mod routes;
mod shapes;
mod stream;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};

use super::authz::Caller;
use super::provisioning::{ProvisioningSandbox, newer};
use super::store::{SharedSandbox, World};
use crate::model::RoleName;

/// Every route of the catalyst-api surface, plus the sandbox's sign-in routes.
pub fn router() -> Router<SharedSandbox> {
    Router::new()
        .merge(super::identity::sign_in_router())
        .route("/healthz", get(routes::healthz))
        .route("/api/v1/version", get(routes::version))
        .route("/api/v1/sovereign/self", get(routes::sovereign_self))
        .route("/api/v1/whoami", get(routes::whoami))
        .route("/api/v1/organizations", get(routes::organizations))
        .route("/api/v1/catalog", get(routes::catalog))
        .route(
            "/api/v1/sovereigns/{id}/k8s/stream",
            get(stream::k8s_stream),
        )
        .route("/api/v1/sovereigns/{id}/k8s/{kind}", get(routes::k8s_list))
        .route(
            "/api/v1/sovereigns/{id}/applications",
            get(routes::applications),
        )
        .route(
            "/api/v1/sovereigns/{id}/applications/{name}",
            get(routes::application),
        )
        .route(
            "/api/v1/sovereigns/{id}/applications/{name}/status",
            get(routes::application_status),
        )
        .route(
            "/api/v1/sovereigns/{id}/applications/{name}/stream",
            get(stream::application_stream),
        )
        .route("/api/v1/sovereigns/{id}/audit/rbac", get(audit::rbac_audit))
}

/// Today's provisioning service behind the session: at the service root, as a Sovereign
/// serves it beside its other routes, and under `/sovereign`, where `follow` looks on a
/// sandbox. Its runs belong to the Sovereign's admin; each request carries its caller
/// down as a [`newer::Session`].
pub fn provisioning(prov: &ProvisioningSandbox, state: &SharedSandbox) -> Router {
    let owner = state.world.try_read().ok().and_then(|w| {
        w.personas
            .values()
            .find(|p| p.me.has_role(RoleName::SovereignAdmin, None))
            .map(|p| p.me.email.clone())
    });
    prov.play_newer(owner.as_deref().unwrap_or("admin@sandbox.example"));
    let service = prov
        .router()
        .layer(middleware::from_fn_with_state(state.clone(), session));
    Router::new()
        .merge(service.clone())
        .nest_service("/sovereign", service)
}

/// The session in front of the provisioning service: catalyst-api's 401 without a
/// valid bearer, otherwise the caller as a request extension.
async fn session(State(sb): State<SharedSandbox>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match CatalystCaller::from_request_parts(&mut parts, &sb).await {
        Ok(CatalystCaller(caller)) => {
            let admin = caller.is_sovereign_admin();
            parts.extensions.insert(newer::Session {
                email: caller.me.email.clone(),
                admin,
                operator: admin || caller.me.roles.iter().any(|b| b.role == RoleName::OrgAdmin),
            });
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => e.into_response(),
    }
}

/// catalyst-api's error answer: `{"error":"<kebab>"}` or `{"error", "detail"}`.
#[derive(Debug, Clone)]
pub struct CatalystError {
    pub status: StatusCode,
    pub code: String,
    pub detail: Option<String>,
}

impl CatalystError {
    /// An error with a detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_string(),
            detail: Some(detail.into()),
        }
    }
}

impl IntoResponse for CatalystError {
    fn into_response(self) -> Response {
        let body = match self.detail {
            Some(d) => serde_json::json!({ "error": self.code, "detail": d }),
            None => serde_json::json!({ "error": self.code }),
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The session of a catalyst-api route: the sandbox's [`Caller`], refused the way
/// catalyst-api refuses (401 `{"error":"unauthenticated"}`, 403 with its code).
#[derive(Debug, Clone)]
pub struct CatalystCaller(pub Caller);

impl FromRequestParts<SharedSandbox> for CatalystCaller {
    type Rejection = CatalystError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedSandbox,
    ) -> Result<Self, Self::Rejection> {
        match Caller::from_request_parts(parts, state).await {
            Ok(c) => Ok(CatalystCaller(c)),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => Err(CatalystError {
                status: StatusCode::UNAUTHORIZED,
                code: "unauthenticated".into(),
                detail: None,
            }),
            Err(e) => Err(CatalystError::new(e.status, &e.body.error, e.body.detail)),
        }
    }
}

/// The sandbox's deployment id (what `/sovereign/self` and `/whoami` report).
pub fn deployment_id(world: &World) -> String {
    format!("sandbox-{}", world.sovereign.domain.replace('.', "-"))
}

/// Refuses a `/sovereigns/{id}` that is neither the deployment id nor the FQDN.
pub fn check_sovereign(world: &World, id: &str) -> Result<(), CatalystError> {
    if id == deployment_id(world) || id == world.sovereign.domain {
        return Ok(());
    }
    Err(CatalystError::new(
        StatusCode::NOT_FOUND,
        "deployment-not-found",
        format!("no deployment {id}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppStatus;

    #[test]
    fn every_status_has_an_upstream_phase() {
        let phases: Vec<&str> = AppStatus::ALL
            .iter()
            .map(|s| shapes::phase_of(*s))
            .collect();
        for p in phases {
            assert!(
                ["Pending", "Provisioning", "Ready", "Degraded", "Failed"].contains(&p),
                "{p}"
            );
        }
        assert_eq!(shapes::phase_of(AppStatus::Running), "Ready");
    }

    #[test]
    fn the_sovereign_is_named_by_its_deployment_id_or_fqdn() {
        let mut world = World::default();
        world.sovereign.domain = "bankdhofar.local".into();
        assert_eq!(deployment_id(&world), "sandbox-bankdhofar-local");
        assert!(check_sovereign(&world, "sandbox-bankdhofar-local").is_ok());
        assert!(check_sovereign(&world, "bankdhofar.local").is_ok());
        let e = check_sovereign(&world, "other")
            .err()
            .map(|e| (e.status, e.code));
        assert_eq!(
            e,
            Some((StatusCode::NOT_FOUND, "deployment-not-found".into()))
        );
    }

    #[test]
    fn errors_have_catalyst_api_shape() {
        let r = CatalystError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated".into(),
            detail: None,
        }
        .into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}
