//! The provisioning service's answer shapes: JSON written by Go's `json.Encoder` (with
//! its trailing newline), `http.Error` text answers, and the JSON error envelope.
//!
//! Owns: status, headers and body bytes of every non-streaming answer.
//! Must not: decide which answer a request gets (`routes` does).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use super::gojson;
use crate::model::ProvisioningError;

/// `writeJSON(w, status, v)`: `application/json`, Go escaping, newline at the end.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    let mut body = gojson::to_string(value);
    body.push('\n');
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// `http.Error(w, text, status)`: text/plain with Go's `nosniff` header and a newline.
pub fn text(status: StatusCode, text: &str) -> Response {
    let mut resp = Response::new(Body::from(format!("{text}\n")));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The `deployment not found` 404 most routes answer in text.
pub fn deployment_not_found() -> Response {
    text(StatusCode::NOT_FOUND, "deployment not found")
}

/// A JSON error `{"detail":…,"error":…}`.
pub fn error(status: StatusCode, code: &str, detail: impl Into<String>) -> Response {
    json(
        status,
        &ProvisioningError {
            detail: Some(detail.into()),
            error: code.to_string(),
        },
    )
}
