//! Reading a non-success answer into an [`ApiError`]: the contract's JSON envelope field by
//! field, the provisioning service's text/plain bodies, and the two forms of a 429's retry
//! delay (`Retry-After` header, `retry_after` body field; the header wins).
//!
//! Must not read the network: it gets the status, header and body already read.

use std::time::Duration;

use crate::model::ErrorBody;

use super::error::ApiError;
use super::redact;

/// The facts of a non-success answer, read from the wire.
pub(crate) struct ErrorAnswer<'a> {
    pub status: u16,
    pub retry_after_header: Option<Duration>,
    pub body: &'a [u8],
    pub request_id: Option<String>,
}

/// Maps a non-success answer to an error. JSON bodies of the contract's envelope are read
/// field by field; anything else (text/plain, HTML from a proxy) becomes the detail.
pub(crate) fn from_answer(answer: ErrorAnswer<'_>, secrets: &[&str]) -> ApiError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(answer.body)
        .ok()
        .filter(|b: &ErrorBody| !b.error.is_empty());
    let clean = |s: &str| redact::redact(s, secrets);
    let request_id: Option<Box<str>> = answer
        .request_id
        .or_else(|| parsed.as_ref().and_then(|b| b.request_id.clone()))
        .map(Box::from);
    let (code, detail) = match &parsed {
        Some(b) => (Some(b.error.clone()), clean(&b.detail)),
        None => (None, redact::snippet(answer.body, 300, secrets)),
    };
    let body = parsed.unwrap_or_default();
    let code_or = |fallback: &str| code.clone().unwrap_or_else(|| fallback.to_string());
    match answer.status {
        400 => ApiError::BadRequest {
            code,
            detail,
            request_id,
        },
        401 => ApiError::SessionExpired { detail, request_id },
        403 => ApiError::Restricted {
            code: code_or("forbidden"),
            required: body.required,
            teams: body.teams,
            detail: match body.reason.as_deref().map(clean) {
                Some(reason) if !reason.trim().is_empty() => reason,
                _ => detail,
            },
            request_id,
        },
        404 => ApiError::NotFound {
            code,
            detail,
            request_id,
        },
        409 => ApiError::Conflict {
            code: code_or("conflict"),
            detail,
            state: body.state.map(Box::new),
            revision: body.revision,
            dependents: body.dependents,
            request_id,
        },
        410 => ApiError::Gone {
            code: code_or("gone"),
            detail,
            request_id,
        },
        422 => ApiError::Invalid {
            code: code_or("invalid"),
            detail,
            fields: body.fields,
            request_id,
        },
        // The header wins when both forms are present; the real gateway sends only the body.
        429 => ApiError::RateLimited {
            retry_after: answer
                .retry_after_header
                .or(body.retry_after.map(Duration::from_secs)),
            detail,
            request_id,
        },
        s if s >= 500 => ApiError::Server {
            status: s,
            code,
            detail,
            retry_after: answer
                .retry_after_header
                .or(body.retry_after.map(Duration::from_secs)),
            request_id,
        },
        status => ApiError::Http {
            status,
            code,
            detail,
            request_id,
        },
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, header: Option<u64>, body: &str) -> ApiError {
        from_answer(
            ErrorAnswer {
                status,
                retry_after_header: header.map(Duration::from_secs),
                body: body.as_bytes(),
                request_id: Some("rid-1".into()),
            },
            &[],
        )
    }

    #[test]
    fn rate_limit_header_wins_over_body() {
        let body = r#"{"error":"rate-limited","detail":"slow down","retry_after":9}"#;
        assert_eq!(
            answer(429, Some(2), body).retry_after(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            answer(429, None, body).retry_after(),
            Some(Duration::from_secs(9))
        );
    }

    #[test]
    fn text_not_found_keeps_the_text() {
        let e = answer(404, None, "deployment not found\n");
        assert_eq!(e.code(), None);
        assert_eq!(
            e.to_string(),
            "Not found: deployment not found. (request id rid-1)"
        );
    }

    #[test]
    fn retry_after_dates_parse() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
