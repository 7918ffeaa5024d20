//! The loopback redirect of the authorization code flow (RFC 8252 §7.3): a one-shot HTTP
//! listener that waits for the browser to come back with `code` and `state`, answers a
//! small page, and hands the code over. Requests without `code` or `error` (a favicon)
//! get a 404 and the wait goes on; an answer with another `state` is refused and ends
//! the sign-in.
//!
//! Must not log the request line (it carries the code) nor serve anything else.

use std::collections::HashMap;

use secrecy::SecretString;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::api::error::ApiError;

/// Largest request head read from the browser.
const MAX_HEAD: usize = 16 * 1024;

const DONE_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Signed in</title>\
    </head><body><h1>Signed in</h1><p>catalyst-tui has the sign-in. You can close this tab.</p></body></html>";
const REFUSED_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign-in refused</title>\
    </head><body><h1>Sign-in refused</h1><p>Return to catalyst-tui and start the sign-in again.</p></body></html>";

fn failed(code: &str, detail: impl Into<String>) -> ApiError {
    ApiError::SignInFailed {
        code: code.to_string(),
        detail: detail.into(),
        request_id: None,
    }
}

/// Accepts connections on `listener` until one brings the answer of the sign-in whose
/// state is `expected_state`; returns its code.
pub(crate) async fn receive_code(
    listener: &TcpListener,
    expected_state: &str,
) -> Result<SecretString, ApiError> {
    loop {
        let (mut stream, _) = listener.accept().await.map_err(|e| {
            failed(
                "loopback",
                format!("the sign-in listener stopped accepting connections ({e})"),
            )
        })?;
        let Some(params) = read_query(&mut stream).await else {
            respond(&mut stream, "404 Not Found", "Not found").await;
            continue;
        };
        if !params.contains_key("code") && !params.contains_key("error") {
            respond(&mut stream, "404 Not Found", "Not found").await;
            continue;
        }
        if params.get("state").map(String::as_str) != Some(expected_state) {
            respond(&mut stream, "400 Bad Request", REFUSED_PAGE).await;
            return Err(failed(
                "state_mismatch",
                "the browser came back with the answer of another sign-in (its state does not \
                 match), so it was refused; start the sign-in again",
            ));
        }
        if let Some(error) = params.get("error") {
            respond(&mut stream, "200 OK", REFUSED_PAGE).await;
            let why = params
                .get("error_description")
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            return Err(failed(
                error,
                format!("the identity provider refused the sign-in: {error}{why}"),
            ));
        }
        respond(&mut stream, "200 OK", DONE_PAGE).await;
        let code = params
            .get("code")
            .map(|c| SecretString::from(c.as_str()))
            .unwrap_or_default();
        return Ok(code);
    }
}

/// The query parameters of a `GET` request, or `None` for anything else.
async fn read_query(stream: &mut TcpStream) -> Option<HashMap<String, String>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            return None;
        }
    }
    let text = std::str::from_utf8(&head).ok()?;
    let line = text.lines().next()?;
    let mut words = line.split(' ');
    if words.next()? != "GET" {
        return None;
    }
    let target = words.next()?;
    let url = reqwest::Url::parse(&format!("http://localhost{target}")).ok()?;
    Some(url.query_pairs().into_owned().collect())
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the sign-in goes on regardless.
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}
