//! The transport of the typed client: [`ApiClient`] sends requests with a fresh
//! `X-Request-ID`, the support ticket in support mode and the session's bearer token;
//! after a 401 it refreshes the session once (single flight) and retries once; it reads
//! answers with a size cap and turns every failure into an [`ApiError`] for people.
//!
//! The typed calls live in `console` (Part B) and `provisioning` (Part A); this module
//! also builds the request factories the reconnecting SSE streams use, which read the
//! current token on every attempt.
//!
//! Must not hold UI state nor retry on its own beyond the one retry after a refresh:
//! rate limits and outages go back to the view, which shows a countdown.

use std::sync::Arc;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use zeroize::Zeroize;

use super::auth::{Session, TokenSource};
use super::config::{ClientConfig, HttpClients, build_clients};
use super::error::{self, ApiError, ErrorAnswer, TransportKind};
use super::redact;

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
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("api_url", &self.inner.config.api_url.as_str())
            .field("signed_in", &self.inner.session.is_signed_in())
            .field("support_mode", &self.inner.config.support_ticket.is_some())
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

/// A successful answer with the id of the request that got it.
pub(crate) struct Answer {
    pub response: reqwest::Response,
    pub request_id: String,
}

impl ApiClient {
    /// Builds a client: TLS trust, proxies and timeouts from `config`, tokens from `source`.
    pub fn new(config: ClientConfig, source: TokenSource) -> Result<Self, ApiError> {
        if let Some(ticket) = &config.support_ticket
            && (ticket.trim().is_empty() || HeaderValue::from_str(ticket).is_err())
        {
            return Err(ApiError::config(
                "The support ticket must be printable text on one line.",
            ));
        }
        let http = build_clients(&config)?;
        let session = Session::new(source)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                session,
            }),
        })
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
        self.inner.config.support_ticket.is_some()
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
        if let Some(ticket) = &self.inner.config.support_ticket
            && let Ok(v) = HeaderValue::from_str(ticket)
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

    fn token_for(&self, auth: Auth) -> Result<Option<SecretString>, ApiError> {
        match auth {
            Auth::None => Ok(None),
            Auth::IfAvailable => Ok(self.inner.session.access_token()),
            Auth::Required => match self.inner.session.access_token() {
                Some(t) => Ok(Some(t)),
                None => Err(self.inner.session.missing_token_error()),
            },
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

    /// Sends a call; after a 401 on an authenticated call, refreshes once (shared with
    /// every other request that failed at the same time) and sends it once more.
    pub(crate) async fn execute(&self, call: &Call<'_>) -> Result<Answer, ApiError> {
        if call.auth != Auth::None {
            self.refresh_if_due().await;
        }
        let (_, seen) = self.inner.session.snapshot();
        let token = self.token_for(call.auth)?;
        let (resp, request_id) = self.send_once(call, token.as_ref()).await?;
        let retry = resp.status() == reqwest::StatusCode::UNAUTHORIZED && token.is_some();
        if !retry {
            return self.finish(resp, request_id).await;
        }
        let first = self
            .error_from_response(resp, Some(request_id.clone()))
            .await;
        if let Err(e) = self.refresh_after(seen).await {
            return Err(match e {
                ApiError::SessionExpired {
                    detail,
                    request_id: None,
                } => ApiError::SessionExpired {
                    detail,
                    request_id: first.request_id().map(Box::from),
                },
                other => other,
            });
        }
        let token = self.token_for(call.auth)?;
        let (resp, request_id) = self.send_once(call, token.as_ref()).await?;
        if resp.status() == reqwest::StatusCode::UNAUTHORIZED {
            // Even a fresh token is refused: the session is over.
            let err = self.error_from_response(resp, Some(request_id)).await;
            self.inner.session.expire();
            return Err(err);
        }
        self.finish(resp, request_id).await
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

    /// Sends a call and returns its body as text with its content type.
    pub(crate) async fn call_text(
        &self,
        call: Call<'_>,
    ) -> Result<(String, Option<String>), ApiError> {
        let Answer {
            mut response,
            request_id,
        } = self.execute(&call).await?;
        let status = response.status().as_u16();
        let ct = content_type(&response);
        let body = self
            .read_body(
                &mut response,
                &request_id,
                call.what,
                self.inner.config.max_body_bytes,
            )
            .await?;
        String::from_utf8(body)
            .map(|s| (s, ct.clone()))
            .map_err(|e| ApiError::Decode {
                what: call.what.to_string(),
                detail: "the answer is not UTF-8 text".into(),
                status,
                content_type: ct,
                snippet: redact::snippet(e.as_bytes(), 120, &[]),
                request_id: Some(request_id.into()),
            })
    }

    pub(crate) async fn decode_json<T: DeserializeOwned>(
        &self,
        answer: Answer,
        what: &str,
    ) -> Result<T, ApiError> {
        let Answer {
            mut response,
            request_id,
        } = answer;
        let status = response.status().as_u16();
        let ct = content_type(&response);
        let body = self
            .read_body(
                &mut response,
                &request_id,
                what,
                self.inner.config.max_body_bytes,
            )
            .await?;
        serde_json::from_slice(&body).map_err(|e| {
            let detail = if ct.as_deref().is_some_and(|c| !is_json_type(c)) {
                "expected JSON".to_string()
            } else {
                use serde_json::error::Category;
                match e.classify() {
                    Category::Eof => format!("the answer is cut short ({e})"),
                    Category::Syntax | Category::Io => {
                        format!("the answer is not valid JSON ({e})")
                    }
                    Category::Data => format!("the JSON does not match ({e})"),
                }
            };
            self.decode_error(what, detail, status, ct, &body, &request_id)
        })
    }

    pub(crate) fn decode_error(
        &self,
        what: &str,
        detail: String,
        status: u16,
        content_type: Option<String>,
        body: &[u8],
        request_id: &str,
    ) -> ApiError {
        let secrets = self.inner.session.secrets();
        let exposed: Vec<&str> = secrets.iter().map(|s| s.expose_secret()).collect();
        ApiError::Decode {
            what: what.to_string(),
            detail: redact::redact(&detail, &exposed),
            status,
            content_type,
            snippet: redact::snippet(body, 160, &exposed),
            request_id: Some(request_id.into()),
        }
    }

    /// Reads a whole body, refusing more than `cap` bytes.
    pub(crate) async fn read_body(
        &self,
        response: &mut reqwest::Response,
        request_id: &str,
        what: &str,
        cap: usize,
    ) -> Result<Vec<u8>, ApiError> {
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > cap {
                        return Err(ApiError::Decode {
                            what: what.to_string(),
                            detail: format!("the answer is larger than {} KiB", cap / 1024),
                            status: response.status().as_u16(),
                            content_type: content_type(response),
                            snippet: String::new(),
                            request_id: Some(request_id.into()),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => return Err(self.transport_error(&e, Some(request_id.to_string()))),
            }
        }
    }

    /// Turns a non-success answer into an error (used by the SSE streams too).
    pub async fn error_from_response(
        &self,
        mut response: reqwest::Response,
        request_id: Option<String>,
    ) -> ApiError {
        let status = response.status().as_u16();
        let retry_after_header = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(error::parse_retry_after);
        let mut body = Vec::new();
        // An error body that breaks off is still explained by what arrived.
        while let Ok(Some(chunk)) = response.chunk().await {
            let room = MAX_ERROR_BODY.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        let secrets = self.inner.session.secrets();
        let exposed: Vec<&str> = secrets.iter().map(|s| s.expose_secret()).collect();
        error::from_answer(
            ErrorAnswer {
                status,
                retry_after_header,
                body: &body,
                request_id,
            },
            &exposed,
        )
    }

    /// Turns a failed send into an error for people (used by the SSE streams too).
    pub fn transport_error(&self, e: &reqwest::Error, request_id: Option<String>) -> ApiError {
        let endpoint = e
            .url()
            .map(endpoint_of)
            .unwrap_or_else(|| "the server".into());
        let (kind, detail) = if let Some(tls) = find_tls_error(e) {
            let mut d = describe_tls(tls);
            if self.inner.http.no_trust_anchors {
                d.push_str("; this machine has no trusted certificate authorities installed");
            }
            (TransportKind::Tls, d)
        } else if e.is_timeout() {
            (TransportKind::Timeout, "timed out".to_string())
        } else if e.is_connect() {
            (TransportKind::Connect, innermost_text(e))
        } else if e.is_body() || e.is_decode() {
            (
                TransportKind::Other,
                format!("the answer broke off: {}", innermost_text(e)),
            )
        } else {
            (TransportKind::Other, innermost_text(e))
        };
        ApiError::Transport {
            kind,
            endpoint,
            detail,
            request_id: request_id.map(Box::from),
        }
    }
}

/// A fresh request id: 128 random bits in the UUID v4 layout.
pub fn new_request_id() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The request id a built request carries.
pub fn request_id_of(request: &reqwest::Request) -> Option<String> {
    request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Appends path segments to a base URL, percent-encoding each (a `/` in a name becomes
/// `%2F`; `:` and `@` stay as they are, which the provisioning job ids rely on).
pub(crate) fn join_segments(base: &Url, segments: &[&str]) -> Result<Url, ApiError> {
    for s in segments {
        // The url crate drops `.` and `..` silently, which would change the route.
        if s.is_empty() || *s == "." || *s == ".." {
            return Err(ApiError::invalid_input(format!(
                "{s:?} is not a usable name in a request path."
            )));
        }
    }
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| ApiError::config(format!("{base} cannot be used as a base URL.")))?;
        path.pop_if_empty();
        path.extend(segments);
    }
    Ok(url)
}

fn join_path_and_query(base: &Url, path_and_query: &str) -> Result<Url, ApiError> {
    if !path_and_query.starts_with('/') {
        return Err(ApiError::invalid_input(format!(
            "{path_and_query:?} must start with '/'."
        )));
    }
    let mut base = base.clone();
    base.set_query(None);
    base.set_fragment(None);
    let text = format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    Url::parse(&text).map_err(|e| ApiError::invalid_input(format!("{text:?} is not a URL ({e}).")))
}

/// `scheme://host:port` of a URL: what errors may show of it.
pub(crate) fn endpoint_of(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", url.scheme()),
        (Some(h), None) => format!("{}://{h}", url.scheme()),
        _ => url.scheme().to_string(),
    }
}

pub(crate) fn content_type(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

pub(crate) fn is_json_type(ct: &str) -> bool {
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The messages of an error's causes, without reqwest's "for url (…)" wrapper.
pub(crate) fn error_chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        let wrapper = text.starts_with("error sending request")
            || text == "builder error"
            || text.starts_with("client error (");
        if !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

fn innermost_text(e: &reqwest::Error) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    if let Some(io) = cur.downcast_ref::<std::io::Error>() {
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
            std::io::ErrorKind::ConnectionReset => return "connection reset".into(),
            std::io::ErrorKind::TimedOut => return "timed out".into(),
            _ => {}
        }
    }
    let text = cur.to_string();
    let trimmed = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => "unknown error".into(),
    }
}

fn find_tls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = rustls_inside(err) {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

/// The TLS error behind `err`: the connector wraps it in an `io::Error`, sometimes twice,
/// and an `io::Error`'s `source()` skips the value it wraps.
fn rustls_inside<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(t) = err.downcast_ref::<rustls::Error>() {
        return Some(t);
    }
    let inner = err.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_inside(inner)
}

fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "its certificate is signed by an authority this machine does not trust".into()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "its certificate is for a different host name".into()
            }
            C::Expired | C::ExpiredContext { .. } => "its certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "its certificate is not valid yet (check this machine's clock)".into()
            }
            C::Revoked => "its certificate has been revoked".into(),
            C::BadSignature => "its certificate has a bad signature".into(),
            other => format!("its certificate was rejected ({other:?})"),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "it did not answer with TLS (is it a plain http:// server?)".into()
        }
        other => format!("the TLS handshake failed ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_fresh_and_uuid_shaped() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn segments_are_encoded_but_colons_kept() {
        let base = Url::parse("http://h:1/sovereign/").unwrap();
        let u =
            join_segments(&base, &["api", "v1", "jobs", "abc:install-cilium", "a/b c"]).unwrap();
        assert_eq!(
            u.as_str(),
            "http://h:1/sovereign/api/v1/jobs/abc:install-cilium/a%2Fb%20c"
        );
        assert!(join_segments(&base, &[".."]).is_err());
        assert!(join_segments(&base, &[""]).is_err());
    }

    #[test]
    fn path_and_query_keeps_base_prefix() {
        let base = Url::parse("https://h/console").unwrap();
        let u = join_path_and_query(&base, "/api/v1/events?org=a").unwrap();
        assert_eq!(u.as_str(), "https://h/console/api/v1/events?org=a");
    }

    #[test]
    fn json_types() {
        assert!(is_json_type("application/json; charset=utf-8"));
        assert!(is_json_type("application/problem+json"));
        assert!(!is_json_type("text/html"));
    }
}
