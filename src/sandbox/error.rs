//! The sandbox's error answers: the console API's JSON envelope with a request id,
//! and the provisioning API's text/plain quirks.
//!
//! An error built without a request id takes the one of the request being served (see
//! `request_id`), so every console-API error names it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::model::{ErrorBody, FieldError};

/// An error answer of the console API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Box<ErrorBody>,
    /// Seconds for a `Retry-After` header (429 in header or both forms).
    pub retry_after_header: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            status,
            body: Box::new(ErrorBody::new(code, detail)),
            retry_after_header: None,
        }
    }
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
    }
    /// 403 naming the role or scope that would allow it.
    pub fn forbidden(code: &str, required: impl Into<String>, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let mut e = Self::new(StatusCode::FORBIDDEN, code, reason.clone());
        e.body.required = Some(required.into());
        e.body.reason = Some(reason);
        e
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }
    pub fn conflict(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }
    pub fn invalid(code: &str, detail: impl Into<String>, fields: Vec<FieldError>) -> Self {
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail);
        e.body.fields = fields;
        e
    }
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }
    /// 409 with the current state and revision of what was acted on.
    pub fn conflict_with(
        code: &str,
        detail: impl Into<String>,
        state: serde_json::Value,
        revision: Option<u64>,
    ) -> Self {
        let mut e = Self::conflict(code, detail);
        e.body.state = Some(state);
        e.body.revision = revision;
        e
    }
    /// Attaches the request id (done by the request-id layer for every error).
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.body.request_id = Some(id.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        if self.body.request_id.is_none() {
            self.body.request_id = super::request_id::current();
        }
        let mut resp = (self.status, axum::Json(self.body)).into_response();
        if let Some(v) = self
            .retry_after_header
            .and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// The provisioning API's `text/plain` error answers (e.g. 404 `deployment not found`).
pub fn text_error(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}
