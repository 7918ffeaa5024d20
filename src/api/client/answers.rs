//! Reading answers: JSON decoding with readable failures, text bodies, size caps, the
//! mapping of non-success answers and of transport failures to [`ApiError`]s (public for
//! the SSE streams, which get raw responses).
//!
//! Must not send requests.

use reqwest::header;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use super::{Answer, ApiClient, Call, MAX_ERROR_BODY};
use crate::api::error::{ApiError, TransportKind};
use crate::api::redact;
use crate::api::status::{self, ErrorAnswer};
use crate::api::wire::{
    content_type, describe_tls, endpoint_of, find_tls_error, innermost_text, is_json_type,
};

impl ApiClient {
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
            .and_then(status::parse_retry_after);
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
        status::from_answer(
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
