//! Thin axum handlers of promotions and access requests: parse, lock the world, call
//! the `impl World` rule, answer. Bodies and queries are parsed here so a malformed
//! request gets the console API's 422 JSON rather than a plain-text rejection.
//!
//! Must not hold business rules.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use serde::de::DeserializeOwned;

use super::CallerExtractor;
use super::access::AccessQuery;
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::store::SharedSandbox;

type Answer<T> = Result<T, ApiError>;

/// Parses a JSON body into the contract's request type.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8], caller: &Caller) -> Answer<T> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(
            "invalid",
            format!("the request body does not match the contract: {e}"),
            vec![FieldError {
                path: "body".into(),
                message: e.to_string(),
            }],
        )
        .with_request_id(&caller.request_id)
    })
}

/// Parses the body of a mutation; a support session is refused even when the body is
/// malformed (with a valid body, the rule itself refuses it and audits the attempt).
fn parse_mutation<T: DeserializeOwned>(body: &[u8], caller: &Caller) -> Answer<T> {
    parse_body(body, caller).map_err(|e| match caller.require_mutation() {
        Ok(()) => e,
        Err(denied) => denied,
    })
}

/// Parses the query string.
pub(crate) fn parse_query<T: DeserializeOwned>(uri: &Uri, caller: &Caller) -> Answer<T> {
    Query::<T>::try_from_uri(uri).map(|q| q.0).map_err(|e| {
        ApiError::invalid(
            "invalid",
            format!("the query does not match the contract: {e}"),
            vec![FieldError {
                path: "query".into(),
                message: e.body_text(),
            }],
        )
        .with_request_id(&caller.request_id)
    })
}

pub(super) async fn create_promotion<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path((env, app)): Path<(String, String)>,
    body: Bytes,
) -> Answer<(StatusCode, Json<Promotion>)> {
    let caller: Caller = caller.into();
    let req: CreatePromotion = parse_mutation(&body, &caller)?;
    let mut world = sb.world.write().await;
    let now = world.now();
    let p = world.create_promotion(&sb.bus, &caller, &env, &app, &req, now)?;
    Ok((StatusCode::CREATED, Json(p)))
}

pub(super) async fn list_promotions<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    uri: Uri,
) -> Answer<Json<Page<Promotion>>> {
    let caller: Caller = caller.into();
    let q: PromotionQuery = parse_query(&uri, &caller)?;
    let world = sb.world.read().await;
    let now = world.now();
    Ok(Json(
        world
            .list_promotions(&caller, &q, now)
            .map_err(|e| e.with_request_id(&caller.request_id))?,
    ))
}

pub(super) async fn get_promotion<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
) -> Answer<Json<Promotion>> {
    let caller: Caller = caller.into();
    let world = sb.world.read().await;
    let now = world.now();
    Ok(Json(
        world
            .promotion_view(&caller, &id, now)
            .map_err(|e| e.with_request_id(&caller.request_id))?,
    ))
}

pub(super) async fn review_promotion<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer<(StatusCode, Json<Promotion>)> {
    let caller: Caller = caller.into();
    let req: CreateReview = parse_mutation(&body, &caller)?;
    let mut world = sb.world.write().await;
    let now = world.now();
    let p = world.review_promotion(&sb.bus, &caller, &id, &req, now)?;
    Ok((StatusCode::CREATED, Json(p)))
}

pub(super) async fn create_access_request<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(env): Path<String>,
    body: Bytes,
) -> Answer<(StatusCode, Json<AccessRequest>)> {
    let caller: Caller = caller.into();
    let req: CreateAccessRequest = parse_mutation(&body, &caller)?;
    let mut world = sb.world.write().await;
    let now = world.now();
    let r = world.request_access(&sb.bus, &caller, &env, &req, now)?;
    Ok((StatusCode::CREATED, Json(r)))
}

pub(super) async fn list_access_requests<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    uri: Uri,
) -> Answer<Json<Page<AccessRequest>>> {
    let caller: Caller = caller.into();
    let q: AccessQuery = parse_query(&uri, &caller)?;
    let mut world = sb.world.write().await;
    let now = world.now();
    world.expire_access(&sb.bus, now);
    Ok(Json(
        world
            .list_access_requests(&caller, &q)
            .map_err(|e| e.with_request_id(&caller.request_id))?,
    ))
}

pub(super) async fn get_access_request<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
) -> Answer<Json<AccessRequest>> {
    let caller: Caller = caller.into();
    let mut world = sb.world.write().await;
    let now = world.now();
    world.expire_access(&sb.bus, now);
    Ok(Json(
        world
            .access_request_view(&caller, &id)
            .map_err(|e| e.with_request_id(&caller.request_id))?,
    ))
}

pub(super) async fn decide_access_request<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer<Json<AccessRequest>> {
    let caller: Caller = caller.into();
    let d: AccessDecision = parse_mutation(&body, &caller)?;
    let mut world = sb.world.write().await;
    let now = world.now();
    Ok(Json(world.decide_access(&sb.bus, &caller, &id, &d, now)?))
}

pub(super) async fn revoke_access_request<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
) -> Answer<Json<AccessRequest>> {
    let caller: Caller = caller.into();
    let mut world = sb.world.write().await;
    let now = world.now();
    Ok(Json(world.revoke_access(&sb.bus, &caller, &id, now)?))
}

pub(super) async fn access_credentials<C: CallerExtractor>(
    State(sb): State<SharedSandbox>,
    caller: C,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer<Json<AccessCredentials>> {
    let caller: Caller = caller.into();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| sb.opts.listen.to_string());
    let mut world = sb.world.write().await;
    let now = world.now();
    Ok(Json(world.access_credentials(
        &sb.bus,
        &caller,
        &id,
        &format!("http://{host}"),
        now,
    )?))
}
