//! The one error type of the typed client: every failure of CONTRACT Parts A and B (status
//! answers, the provisioning service's text/plain quirks, transport, undecodable answers,
//! sign-in) as a value with a message written for people.
//!
//! Every error that came from a request keeps the `X-Request-ID` it was sent with, so the
//! view that shows it can print it. Texts from servers are scrubbed of credentials before
//! they are kept (see [`super::redact`]); no variant ever holds a token.
//!
//! Must not decide how a view renders an error: it offers the facts (status, code, retry
//! delay, required role) and a sentence; the view chooses loading/restricted/rate-limited.

use std::time::Duration;

use crate::model::FieldError;

/// Why no answer came back from a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection could not be opened (refused, unreachable, name not resolved).
    Connect,
    /// Connecting or reading took longer than the configured timeout.
    Timeout,
    /// The TLS handshake failed (an untrusted or mismatched certificate, most often).
    Tls,
    /// The connection broke in another way.
    Other,
}

/// Everything that can go wrong when the console talks to a Sovereign.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No credentials are at hand for a call that needs them.
    #[error("You are not signed in. Sign in to continue.")]
    NotSignedIn,

    /// 401: the token was refused and refreshing it did not help (or was not possible).
    #[error("Your session has expired. Sign in again; the current view is kept.{}", rid(.request_id))]
    SessionExpired {
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// 403: the caller lacks a role or scope, or support mode forbids the call.
    #[error("{}{}", restricted_text(.code, .required.as_deref(), .teams, .detail), rid(.request_id))]
    Restricted {
        /// `forbidden`, `support-ticket-required`, `support-mode-read-only`,
        /// `not-an-approver`, `self-approval-forbidden`, …
        code: String,
        /// The role or scope that would allow the call.
        required: Option<String>,
        /// With `not-an-approver`: the teams that may review.
        teams: Vec<String>,
        /// Why not: the server's `reason`, else its `detail`.
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// 404, as JSON (`not-found`, `job-not-found`, …) or as the provisioning service's
    /// text/plain `deployment not found` (then `code` is `None`).
    #[error("Not found: {}.{}", or_code(.detail, .code.as_deref(), "the server has no such item"), rid(.request_id))]
    NotFound {
        code: Option<String>,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// 409: the current state forbids the call (`conflict`, `has-dependents`,
    /// `stale-revision`, `promotion-not-open`, `subdomain-conflict`, `not-implemented`, …).
    #[error("{}{}", conflict_text(.code, .detail, .dependents), rid(.request_id))]
    Conflict {
        code: String,
        detail: String,
        /// The server's current state of the item, when it sent one.
        state: Option<Box<serde_json::Value>>,
        /// The server's current revision, when it sent one.
        revision: Option<u64>,
        /// With `has-dependents`: what still depends on the item.
        dependents: Vec<String>,
        request_id: Option<Box<str>>,
    },

    /// 410: the item existed but is gone (e.g. credentials of an expired grant).
    #[error("No longer available: {}.{}", or_code(.detail, Some(.code.as_str()), "it has expired"), rid(.request_id))]
    Gone {
        code: String,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// 422: the input was refused; `fields` says which parts and why.
    #[error("{}{}", invalid_text(.detail, .fields), rid(.request_id))]
    Invalid {
        code: String,
        detail: String,
        fields: Vec<FieldError>,
        request_id: Option<Box<str>>,
    },

    /// 429: too many requests; try again after `retry_after` when known.
    #[error("{}{}", rate_text(*.retry_after), rid(.request_id))]
    RateLimited {
        retry_after: Option<Duration>,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// 400: the server could not understand the request.
    #[error("The server refused the request: {}.{}", or_code(.detail, .code.as_deref(), "bad request"), rid(.request_id))]
    BadRequest {
        code: Option<String>,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// 5xx: the server failed or is unavailable (503); usually worth retrying.
    #[error("{}{}", server_text(*.status, .code.as_deref(), .detail), rid(.request_id))]
    Server {
        status: u16,
        code: Option<String>,
        detail: String,
        retry_after: Option<Duration>,
        request_id: Option<Box<str>>,
    },

    /// Any other status the contract does not name.
    #[error("The server answered {status}: {}.{}", or_code(.detail, .code.as_deref(), "no explanation given"), rid(.request_id))]
    Http {
        status: u16,
        code: Option<String>,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// No answer: connecting, TLS or reading failed.
    #[error("{}{}", transport_text(*.kind, .endpoint, .detail), rid(.request_id))]
    Transport {
        kind: TransportKind,
        /// `scheme://host:port` of the server (never a path or query).
        endpoint: String,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// An answer came back but could not be read: malformed JSON, the wrong content type,
    /// too large, or cut short.
    #[error("{}{}", decode_text(.what, .detail, .content_type.as_deref(), .snippet), rid(.request_id))]
    Decode {
        /// What was expected, for people ("the list of Organizations").
        what: String,
        detail: String,
        status: u16,
        content_type: Option<String>,
        /// The start of the body, one line, with credentials removed.
        snippet: String,
        request_id: Option<Box<str>>,
    },

    /// Device sign-in: the person declined on the verification page.
    #[error("Sign-in was declined on the verification page.")]
    SignInDenied,

    /// Device sign-in: the code expired before it was approved.
    #[error("The sign-in code expired before it was approved. Start the sign-in again.")]
    SignInExpired,

    /// Device sign-in or token refresh failed with an OAuth error.
    #[error("Sign-in failed: {}.{}", or_code(.detail, Some(.code.as_str()), "the identity provider refused"), rid(.request_id))]
    SignInFailed {
        code: String,
        detail: String,
        request_id: Option<Box<str>>,
    },

    /// The client could not be set up (a bad URL, an unreadable CA file, a bad proxy).
    #[error("{detail}")]
    Config { detail: String },

    /// A value given to a client method cannot be sent (e.g. an empty name).
    #[error("{detail}")]
    InvalidInput { detail: String },

    /// The Sovereign's API has no such data or action at all (catalyst-api has no
    /// promotions, access requests, support tickets, …): nothing was sent, nothing is
    /// shown in its place. `what` names it for people ("promotions").
    #[error("This Sovereign does not offer {what}: its API (catalyst-api) has no such data.")]
    NotOffered { what: String },
}

impl ApiError {
    /// The `X-Request-ID` of the request that failed, when a request was sent.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::SessionExpired { request_id, .. }
            | ApiError::Restricted { request_id, .. }
            | ApiError::NotFound { request_id, .. }
            | ApiError::Conflict { request_id, .. }
            | ApiError::Gone { request_id, .. }
            | ApiError::Invalid { request_id, .. }
            | ApiError::RateLimited { request_id, .. }
            | ApiError::BadRequest { request_id, .. }
            | ApiError::Server { request_id, .. }
            | ApiError::Http { request_id, .. }
            | ApiError::Transport { request_id, .. }
            | ApiError::Decode { request_id, .. }
            | ApiError::SignInFailed { request_id, .. } => request_id.as_deref(),
            ApiError::NotSignedIn
            | ApiError::SignInDenied
            | ApiError::SignInExpired
            | ApiError::Config { .. }
            | ApiError::InvalidInput { .. }
            | ApiError::NotOffered { .. } => None,
        }
    }

    /// How long the server asked us to wait (429, and 503 when it said so).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited { retry_after, .. } | ApiError::Server { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// True when sending the same request again later may succeed unchanged.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::RateLimited { .. } | ApiError::Server { .. } => true,
            ApiError::Transport { kind, .. } => *kind != TransportKind::Tls,
            _ => false,
        }
    }

    /// The HTTP status of the answer, when one came back.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            ApiError::SessionExpired { .. } => 401,
            ApiError::Restricted { .. } => 403,
            ApiError::NotFound { .. } => 404,
            ApiError::Conflict { .. } => 409,
            ApiError::Gone { .. } => 410,
            ApiError::Invalid { .. } => 422,
            ApiError::RateLimited { .. } => 429,
            ApiError::BadRequest { .. } => 400,
            ApiError::Server { status, .. }
            | ApiError::Http { status, .. }
            | ApiError::Decode { status, .. } => *status,
            _ => return None,
        })
    }

    /// The server's kebab-case error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Restricted { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Gone { code, .. }
            | ApiError::Invalid { code, .. }
            | ApiError::SignInFailed { code, .. } => Some(code),
            ApiError::NotFound { code, .. }
            | ApiError::BadRequest { code, .. }
            | ApiError::Server { code, .. }
            | ApiError::Http { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// True for 403 answers (the view renders "restricted").
    pub fn is_restricted(&self) -> bool {
        matches!(self, ApiError::Restricted { .. })
    }

    /// True when the Sovereign's API does not offer what was asked (see
    /// [`ApiError::NotOffered`]); views show it as such, not as a failure to retry.
    pub fn is_not_offered(&self) -> bool {
        matches!(self, ApiError::NotOffered { .. })
    }

    /// "Not offered by this Sovereign" for `what` ("promotions").
    pub fn not_offered(what: impl Into<String>) -> Self {
        ApiError::NotOffered { what: what.into() }
    }

    /// True when the person must sign in (again).
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            ApiError::NotSignedIn | ApiError::SessionExpired { .. }
        )
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        ApiError::Config {
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid_input(detail: impl Into<String>) -> Self {
        ApiError::InvalidInput {
            detail: detail.into(),
        }
    }
}

fn rid(request_id: &Option<Box<str>>) -> String {
    match request_id {
        Some(id) => format!(" (request id {id})"),
        None => String::new(),
    }
}

/// The server's detail, else its code in words, else a fallback.
fn or_code(detail: &str, code: Option<&str>, fallback: &str) -> String {
    let detail = detail.trim().trim_end_matches('.');
    if !detail.is_empty() {
        return detail.to_string();
    }
    match code {
        Some(c) if !c.is_empty() => c.replace('-', " "),
        _ => fallback.to_string(),
    }
}

fn restricted_text(code: &str, required: Option<&str>, teams: &[String], detail: &str) -> String {
    match code {
        "support-ticket-required" => {
            "Support mode needs a ticket: start the console with a support ticket number.".into()
        }
        "support-mode-read-only" => {
            "Support mode is read-only: changes cannot be made with a support ticket.".into()
        }
        "self-approval-forbidden" => {
            "You opened this promotion, so you cannot review it yourself.".into()
        }
        "not-an-approver" if !teams.is_empty() => format!(
            "Only members of {} may review this promotion.",
            teams.join(", ")
        ),
        _ => {
            let why = or_code(detail, Some(code), "not allowed");
            match required {
                Some(r) if !r.is_empty() => format!("Not allowed: {why}. This needs {r}."),
                _ => format!("Not allowed: {why}."),
            }
        }
    }
}

fn conflict_text(code: &str, detail: &str, dependents: &[String]) -> String {
    match code {
        "has-dependents" if !dependents.is_empty() => format!(
            "Still in use by {}: remove or move those first.",
            dependents.join(", ")
        ),
        "stale-revision" => {
            "Someone else changed this in the meantime: reload it and try again.".into()
        }
        "not-implemented" => format!(
            "Not available yet: {}.",
            or_code(detail, None, "the server cannot do this yet")
        ),
        _ => format!(
            "Not possible right now: {}.",
            or_code(detail, Some(code), "it conflicts with the current state")
        ),
    }
}

fn invalid_text(detail: &str, fields: &[FieldError]) -> String {
    let head = or_code(detail, None, "some values are not valid");
    if fields.is_empty() {
        return format!("Not accepted: {head}.");
    }
    let list: Vec<String> = fields
        .iter()
        .map(|f| format!("{}: {}", f.path, f.message))
        .collect();
    format!("Not accepted: {head} ({}).", list.join("; "))
}

fn rate_text(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("Too many requests: try again in {} s.", d.as_secs().max(1)),
        None => "Too many requests: try again shortly.".into(),
    }
}

fn server_text(status: u16, code: Option<&str>, detail: &str) -> String {
    let what = or_code(detail, code, "no explanation given");
    if status == 503 {
        format!("The service is temporarily unavailable: {what}.")
    } else {
        format!("The server failed ({status}): {what}.")
    }
}

fn transport_text(kind: TransportKind, endpoint: &str, detail: &str) -> String {
    match kind {
        TransportKind::Connect => format!(
            "Could not connect to {endpoint} ({detail}). Check the address and that the server is running."
        ),
        TransportKind::Timeout => format!("{endpoint} did not answer in time."),
        TransportKind::Tls => format!(
            "Could not set up a secure connection to {endpoint}: {detail}. If the server uses a \
             private certificate authority, set `ca_file` in the profile (or SSL_CERT_FILE) to a \
             PEM bundle that contains it."
        ),
        TransportKind::Other => format!("The connection to {endpoint} failed ({detail})."),
    }
}

fn decode_text(what: &str, detail: &str, content_type: Option<&str>, snippet: &str) -> String {
    let sent = match content_type {
        Some(ct) => format!(" The server sent {ct}"),
        None => " The server sent no content type".to_string(),
    };
    if snippet.is_empty() {
        format!("Could not read {what}: {detail}.{sent}.")
    } else {
        format!("Could not read {what}: {detail}.{sent}: \"{snippet}\".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_stay_small() {
        assert!(
            std::mem::size_of::<ApiError>() <= 120,
            "{}",
            std::mem::size_of::<ApiError>()
        );
    }
}
