//! Reading a non-stream answer of the server (status, `Retry-After`, a JSON envelope or
//! a `text/plain` body) into words for the status bar.
//!
//! Owns: the wording of connection problems. Must not: include URLs, headers or tokens;
//! read more than a bounded prefix of a body.

use std::error::Error as _;
use std::time::Duration;

use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, StatusCode};
use reqwest::Response;

/// How much of an error answer's body is read to explain it.
const ERROR_BODY_LIMIT: usize = 4096;
/// How many characters of an error answer's text are shown.
const ERROR_TEXT_LIMIT: usize = 200;

/// What an error answer's body says.
pub(super) struct ErrorDetail {
    pub(super) text: String,
    pub(super) retry_after: Option<Duration>,
}

/// Reads a bounded prefix of an error answer: a JSON envelope's `detail`/`error`
/// and `retry_after`, or the first line of a text body (e.g. `deployment not found`).
pub(super) async fn error_detail(mut response: Response, wait: Duration) -> ErrorDetail {
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| String::from_utf8_lossy(v.as_bytes()).contains("json"));
    let mut body = Vec::new();
    let read = async {
        while body.len() < ERROR_BODY_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
    };
    // A slow error body is not worth waiting for: what arrived is enough.
    let _ = tokio::time::timeout(wait, read).await;
    body.truncate(ERROR_BODY_LIMIT);
    let text = String::from_utf8_lossy(&body);
    if (is_json || text.trim_start().starts_with('{'))
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
    {
        let pick = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let message = pick("detail")
            .or_else(|| pick("message"))
            .or_else(|| pick("error"));
        let retry_after = value
            .get("retry_after")
            .and_then(serde_json::Value::as_f64)
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
        return ErrorDetail {
            text: message.map(|m| printable(&m)).unwrap_or_default(),
            retry_after,
        };
    }
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    ErrorDetail {
        text: printable(first_line),
        retry_after: None,
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub(super) fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

pub(super) fn status_words(status: StatusCode) -> String {
    let name = match status.as_u16() {
        403 => "access denied",
        404 => "not found",
        410 => "gone",
        408 => "the server timed out",
        429 => "rate limited",
        500..=599 => "server error",
        _ => "unexpected answer",
    };
    format!("{name} ({})", status.as_u16())
}

pub(super) fn with_detail(what: &str, detail: &str) -> String {
    if detail.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {detail}")
    }
}

/// A reqwest error and its causes in one line (callers strip the URL first).
pub(super) fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    printable(&text)
}

/// One line, no control characters, bounded length: safe for a status bar.
pub(super) fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(ERROR_TEXT_LIMIT)
        .collect();
    if text.chars().count() > ERROR_TEXT_LIMIT {
        out.push('…');
    }
    out.trim().to_owned()
}

pub(super) fn human(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs >= 1.0 && duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{secs:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after_header(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after_header(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after_header(&headers), None);
    }

    #[test]
    fn printable_strips_controls_and_bounds_length() {
        assert_eq!(
            printable("deployment\r\nnot found\x1b[0m"),
            "deployment  not found [0m"
        );
        let long = "x".repeat(500);
        assert_eq!(printable(&long).chars().count(), ERROR_TEXT_LIMIT + 1);
    }
}
