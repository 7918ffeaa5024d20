//! The transport of the typed client: [`ApiClient`] sends requests with a fresh
//! `X-Request-ID`, the support ticket in support mode and the session's bearer token;
//! after a 401 it refreshes the session once (single flight) and retries once; it reads
//! answers with a size cap and turns every failure into an [`ApiError`] for people.
//!
//! The typed calls live in `console` (Part B) and `provisioning` (Part A); this module
//! also builds the request factories the reconnecting SSE streams use, which read the
//! current token on every attempt.
//!
//! Reads (`GET`) that meet a transient failure (5xx, a broken connection) are sent again
//! a few times with a growing delay before the error reaches the view; writes are never
//! sent twice on their own.
//!
//! Must not hold UI state nor retry beyond that: rate limits and lasting outages go
//! back to the view, which shows a countdown or the error.

use std::sync::Arc;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use zeroize::Zeroize;

mod answers;

/// How one attempt of a call failed: at the server that was asked (a read may be sent
/// again), or in signing in for it (never sent again here).
enum Failed {
    Server(ApiError),
    SignIn(ApiError),
}

/// The delay before a read is sent again after a transient failure (doubling).
const READ_RETRY_DELAY: std::time::Duration = std::time::Duration::from_millis(200);

/// A failure that the same read may not meet again: a server error or a broken
/// connection (not a timeout, which would only make the wait longer, nor a rate limit,
/// which the view counts down).
fn transient(e: &ApiError) -> bool {
    use super::error::TransportKind;
    match e {
        ApiError::Server { .. } => true,
        ApiError::Transport { kind, .. } => {
            matches!(kind, TransportKind::Connect | TransportKind::Other)
        }
        _ => false,
    }
}

pub use super::wire::{new_request_id, request_id_of};

use super::auth::{Session, Snapshot, TokenSource};
use super::config::{ClientConfig, HttpClients, build_clients};
use super::error::ApiError;
pub(crate) use super::wire::content_type;
use super::wire::{join_path_and_query, join_segments};

/// Header carrying the id of each request.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Header carrying the support ticket in support mode.
pub const SUPPORT_TICKET_HEADER: &str = "x-catalyst-support-ticket";

/// Largest error body read to explain an error.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The typed client of a Sovereign's console API (and, through
/// [`ApiClient::provisioning`], of its provisioning API). Cheap to clone; clones share
/// connections and the session.
#[derive(Clone)]
pub struct ApiClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub config: ClientConfig,
    pub http: HttpClients,
    pub session: Session,
    /// Which API the server was found to speak (see `detect_api`), once asked.
    pub detected: std::sync::OnceLock<super::config::ApiKind>,
    /// The support ticket sent with every request (from the configuration, or given
    /// once signed in as a support agent).
    pub ticket: std::sync::RwLock<Option<String>>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("api_url", &self.inner.config.api_url.as_str())
            .field("signed_in", &self.inner.session.is_signed_in())
            .field("support_mode", &self.support_mode())
            .finish()
    }
}

/// Whether a call carries the session's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Never (discovery, the OAuth endpoints).
    None,
    /// Always; without a token the call fails with `NotSignedIn` before it is sent.
    Required,
    /// When one is at hand (the provisioning API, which ignores it).
    IfAvailable,
}

/// The body of a call.
pub(crate) enum Payload {
    Empty,
    Json(Vec<u8>),
    /// Form fields; wiped on drop because they may hold a refresh token or device code.
    Form(Vec<(String, String)>),
}

impl Drop for Payload {
    fn drop(&mut self) {
        if let Payload::Form(fields) = self {
            for (_, v) in fields.iter_mut() {
                v.zeroize();
            }
        }
    }
}

/// One call: everything needed to send it (again, after a refresh).
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: Url,
    pub payload: Payload,
    pub auth: Auth,
    pub accept: &'static str,
    /// What the answer is, for people ("the list of Organizations").
    pub what: &'a str,
    /// Long-lived answer: no read or total timeout.
    pub streaming: bool,
}

impl<'a> Call<'a> {
    pub fn get(url: Url, what: &'a str) -> Self {
        Self {
            method: Method::GET,
            url,
            payload: Payload::Empty,
            auth: Auth::Required,
            accept: "application/json",
            what,
            streaming: false,
        }
    }

    pub fn with_json<B: serde::Serialize>(
        mut self,
        method: Method,
        body: &B,
    ) -> Result<Self, ApiError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ApiError::invalid_input(format!("Could not encode the request: {e}.")))?;
        self.method = method;
        self.payload = Payload::Json(bytes);
        Ok(self)
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }
}

/// A ticket must be one line of printable text.
fn check_ticket(ticket: &str) -> Result<(), ApiError> {
    if ticket.trim().is_empty() || HeaderValue::from_str(ticket.trim()).is_err() {
        return Err(ApiError::config(
            "The support ticket must be printable text on one line.",
        ));
    }
    Ok(())
}

/// A successful answer with the id of the request that got it.
pub(crate) struct Answer {
    pub response: reqwest::Response,
    pub request_id: String,
}

impl ApiClient {
    /// Builds a client: TLS trust, proxies and timeouts from `config`, tokens from `source`.
    pub fn new(config: ClientConfig, source: TokenSource) -> Result<Self, ApiError> {
        if let Some(ticket) = &config.support_ticket {
            check_ticket(ticket)?;
        }
        let http = build_clients(&config)?;
        let session = Session::new(source)?;
        let ticket = std::sync::RwLock::new(config.support_ticket.clone());
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                session,
                detected: std::sync::OnceLock::new(),
                ticket,
            }),
        })
    }

    /// Sends `ticket` with every request from now on (a support agent named the ticket
    /// after signing in); every clone of the client sends it.
    pub fn set_support_ticket(&self, ticket: &str) -> Result<(), ApiError> {
        check_ticket(ticket)?;
        if let Ok(mut t) = self.inner.ticket.write() {
            *t = Some(ticket.trim().to_string());
        }
        Ok(())
    }

    /// The support ticket sent with every request, if any.
    pub fn support_ticket(&self) -> Option<String> {
        self.inner.ticket.read().ok().and_then(|t| t.clone())
    }

    /// Which API the server speaks: the configured one, else what `detect_api` found
    /// (`None` before it was asked).
    pub fn api_kind(&self) -> Option<super::config::ApiKind> {
        self.inner
            .config
            .api
            .or_else(|| self.inner.detected.get().copied())
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The session (sign-in state, expiry, sign-out).
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// True in support mode (a ticket is sent with every request).
    pub fn support_mode(&self) -> bool {
        self.support_ticket().is_some()
    }

    /// A URL under the console API base: `segments` are percent-encoded one by one.
    pub(crate) fn api_url(&self, segments: &[&str]) -> Result<Url, ApiError> {
        join_segments(&self.inner.config.api_url, segments)
    }

    /// A URL under the console API base from a path and query such as
    /// `/api/v1/events?org=acme` (used by the SSE helpers).
    pub fn api_url_from(&self, path_and_query: &str) -> Result<Url, ApiError> {
        join_path_and_query(&self.inner.config.api_url, path_and_query)
    }

    /// Headers every request carries, plus the token when given.
    pub(crate) fn common_headers(
        &self,
        token: Option<&SecretString>,
        request_id: &str,
    ) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(request_id) {
            h.insert(HeaderName::from_static(REQUEST_ID_HEADER), v);
        }
        if let Some(ticket) = self.support_ticket()
            && let Ok(v) = HeaderValue::from_str(&ticket)
        {
            h.insert(HeaderName::from_static(SUPPORT_TICKET_HEADER), v);
        }
        if let Some(token) = token {
            let mut value = format!("Bearer {}", token.expose_secret());
            let header = HeaderValue::from_str(&value);
            value.zeroize();
            if let Ok(mut v) = header {
                // Keeps the value out of hyper's debug output and HTTP/2 header tables.
                v.set_sensitive(true);
                h.insert(header::AUTHORIZATION, v);
            }
        }
        h
    }

    fn token_for(&self, auth: Auth) -> Result<(Option<SecretString>, Snapshot), ApiError> {
        let (token, at) = self.inner.session.access_token_at();
        match (auth, token) {
            (Auth::None, _) => Ok((None, at)),
            (Auth::Required, None) => Err(self.inner.session.missing_token_error()),
            (_, token) => Ok((token, at)),
        }
    }

    fn build(
        &self,
        call: &Call<'_>,
        token: Option<&SecretString>,
        request_id: &str,
    ) -> reqwest::RequestBuilder {
        let http = if call.streaming {
            &self.inner.http.streams
        } else {
            &self.inner.http.calls
        };
        let mut rb = http
            .request(call.method.clone(), call.url.clone())
            .headers(self.common_headers(token, request_id))
            .header(header::ACCEPT, call.accept);
        if !call.streaming
            && let Some(t) = self.inner.config.request_timeout
        {
            rb = rb.timeout(t);
        }
        match &call.payload {
            Payload::Empty => rb,
            Payload::Json(bytes) => rb
                .header(header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Payload::Form(fields) => rb.form(fields),
        }
    }

    pub(crate) async fn send_once(
        &self,
        call: &Call<'_>,
        token: Option<&SecretString>,
    ) -> Result<(reqwest::Response, String), ApiError> {
        let request_id = new_request_id();
        match self.build(call, token, &request_id).send().await {
            Ok(resp) => Ok((resp, request_id)),
            Err(e) => Err(self.transport_error(&e, Some(request_id))),
        }
    }

    /// Sends a call; a read that meets a transient failure is sent again (see the module
    /// doc), each attempt through [`ApiClient::execute_once`].
    pub(crate) async fn execute(&self, call: &Call<'_>) -> Result<Answer, ApiError> {
        let attempts = if call.method == Method::GET && !call.streaming {
            self.inner.config.read_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            match self.execute_once(call).await {
                Err(Failed::Server(e)) if attempt < attempts && transient(&e) => {
                    tokio::time::sleep(READ_RETRY_DELAY * 2u32.pow(attempt - 1)).await;
                    attempt += 1;
                }
                Err(Failed::Server(e) | Failed::SignIn(e)) => return Err(e),
                Ok(answer) => return Ok(answer),
            }
        }
    }

    /// Sends a call once; after a 401 on an authenticated call, refreshes once (shared
    /// with every other request that failed at the same time) and sends it once more.
    async fn execute_once(&self, call: &Call<'_>) -> Result<Answer, Failed> {
        if call.auth != Auth::None {
            self.refresh_if_due().await;
        }
        let (token, seen) = self.token_for(call.auth).map_err(Failed::SignIn)?;
        let (resp, request_id) = self
            .send_once(call, token.as_ref())
            .await
            .map_err(Failed::Server)?;
        let retry = resp.status() == reqwest::StatusCode::UNAUTHORIZED && token.is_some();
        if !retry {
            return self.finish(resp, request_id).await.map_err(Failed::Server);
        }
        let first = self
            .error_from_response(resp, Some(request_id.clone()))
            .await;
        // A refresh that fails is the identity provider's answer: not asked again here
        // (the session keeper and the next call try again).
        if let Err(e) = self.refresh_after(seen).await {
            return Err(Failed::SignIn(match e {
                ApiError::SessionExpired {
                    detail,
                    request_id: None,
                } => ApiError::SessionExpired {
                    detail,
                    request_id: first.request_id().map(Box::from),
                },
                other => other,
            }));
        }
        let (token, _) = self.token_for(call.auth).map_err(Failed::SignIn)?;
        let (resp, request_id) = self
            .send_once(call, token.as_ref())
            .await
            .map_err(Failed::Server)?;
        if resp.status() == reqwest::StatusCode::UNAUTHORIZED {
            // Even a fresh token is refused: the session is over.
            let err = self.error_from_response(resp, Some(request_id)).await;
            self.inner.session.expire();
            return Err(Failed::SignIn(err));
        }
        self.finish(resp, request_id).await.map_err(Failed::Server)
    }

    /// Sends a call without a token and without the refresh machinery (discovery and the
    /// OAuth endpoints, which the refresh itself uses).
    pub(crate) async fn call_json_anonymous<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<T, ApiError> {
        let (resp, request_id) = self.send_once(&call, None).await?;
        let answer = self.finish(resp, request_id).await?;
        self.decode_json(answer, call.what).await
    }

    async fn finish(
        &self,
        resp: reqwest::Response,
        request_id: String,
    ) -> Result<Answer, ApiError> {
        if resp.status().is_success() {
            Ok(Answer {
                response: resp,
                request_id,
            })
        } else {
            Err(self.error_from_response(resp, Some(request_id)).await)
        }
    }

    /// Sends a call and decodes its JSON answer.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<T, ApiError> {
        let answer = self.execute(&call).await?;
        self.decode_json(answer, call.what).await
    }
}
