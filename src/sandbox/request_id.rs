//! Request ids: every answer of the sandbox carries `X-Request-ID`, taken from the
//! client when it sent a usable one and minted otherwise, and every console-API error
//! body names it. The id is scoped to the request's task so error answers built anywhere
//! in a handler pick it up without threading it through.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;

/// The header name, lower-case as HTTP/2 sends it.
pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The request id as a request extension (set by [`layer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// The id of the request being served on this task, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A fresh id: `req-` and 16 hex digits.
pub fn mint() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("req-{hex}")
}

/// Accepts a client's id when it is short printable ASCII (it is echoed in headers and
/// written to the audit log).
fn usable(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Middleware: takes or mints the id, exposes it to the handler, echoes it on the answer.
pub async fn layer(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable(v))
        .map(str::to_string)
        .unwrap_or_else(mint);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_checked() {
        assert!(usable("req-abc_123"));
        assert!(!usable(""));
        assert!(!usable("has space"));
        assert!(!usable(&"x".repeat(200)));
        assert!(mint().starts_with("req-"));
        assert_ne!(mint(), mint());
    }

    #[tokio::test]
    async fn the_scoped_id_is_visible_inside_only() {
        assert_eq!(current(), None);
        let seen = REQUEST_ID
            .scope("req-1".to_string(), async { current() })
            .await;
        assert_eq!(seen.as_deref(), Some("req-1"));
    }
}
