//! Request factories for the SSE streams (`/api/v1/events`, `/api/v1/operations/{id}/logs`
//! and the provisioning `/deployments/{id}/logs`). A reconnecting stream calls the factory
//! once per attempt with the last event id it holds; each call reads the session's
//! current token and mints a fresh request id, so a reconnect after a refresh carries the
//! new token (unlike crates that replay the first request's headers).
//!
//! Must not parse or reconnect streams: that is `api::sse`.

use std::sync::Arc;

use reqwest::Url;
use reqwest::header::{self, HeaderValue};

use super::with_query;
use crate::api::client::{ApiClient, Auth, new_request_id};
use crate::api::error::ApiError;

/// A boxed factory, for holders that need one concrete type.
pub type SseRequestFactory =
    Arc<dyn Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static>;

impl ApiClient {
    /// The HTTP client of long-lived streams (no read timeout), for `api::sse` streams
    /// built on this client's request factories.
    pub fn stream_http(&self) -> reqwest::Client {
        self.inner.http.streams.clone()
    }

    /// A factory of SSE requests to `url`: `Accept: text/event-stream`, no caching, a
    /// fresh `X-Request-ID`, the support ticket, the current token (per `auth`), and
    /// `Last-Event-ID` when given. Uses the streaming connection pool (no read timeout).
    pub(crate) fn sse_factory(
        &self,
        url: Url,
        auth: Auth,
    ) -> impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static {
        let client = self.clone();
        move |last_event_id: Option<&str>| {
            let token = match auth {
                Auth::None => None,
                Auth::Required | Auth::IfAvailable => client.inner.session.access_token(),
            };
            let request_id = new_request_id();
            let mut rb = client
                .inner
                .http
                .streams
                .get(url.clone())
                .headers(client.common_headers(token.as_ref(), &request_id))
                .header(header::ACCEPT, "text/event-stream")
                .header(header::CACHE_CONTROL, "no-cache");
            if let Some(id) = last_event_id.and_then(|id| HeaderValue::from_str(id).ok()) {
                rb = rb.header("last-event-id", id);
            }
            rb
        }
    }

    /// A factory of SSE requests for a path and query under the console API base, e.g.
    /// `/api/v1/events?org=acme`.
    pub fn sse_request(
        &self,
        path_and_query: &str,
    ) -> Result<impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static, ApiError>
    {
        Ok(self.sse_factory(self.api_url_from(path_and_query)?, Auth::Required))
    }

    /// `GET /api/v1/events?org=&environment=`: the live event stream (ids, `retry`,
    /// keepalives, `Last-Event-ID` resume, `reset`).
    pub fn events_request(
        &self,
        org: Option<&str>,
        environment: Option<&str>,
    ) -> Result<impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static, ApiError>
    {
        let url = with_query(
            self.api_url(&["api", "v1", "events"])?,
            &[
                ("org", org.map(str::to_string)),
                ("environment", environment.map(str::to_string)),
            ],
        );
        Ok(self.sse_factory(url, Auth::Required))
    }

    /// `GET /api/v1/operations/{id}/logs`: an install's or action's log lines.
    pub fn operation_logs_request(
        &self,
        operation_id: &str,
    ) -> Result<impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static, ApiError>
    {
        let url = self.api_url(&["api", "v1", "operations", operation_id, "logs"])?;
        Ok(self.sse_factory(url, Auth::Required))
    }
}
