//! The audit log: filtered pages, and the NDJSON export as a stream of records read line
//! by line (bounded memory however long the export).

use bytes::{Buf, BytesMut};
use futures::stream::{BoxStream, StreamExt};

use super::with_query;
use crate::api::client::{Answer, ApiClient, Call};
use crate::api::error::ApiError;
use crate::model::{AuditQuery, AuditRecord, Page};

/// Longest NDJSON line accepted in an export.
pub const MAX_EXPORT_LINE: usize = 1024 * 1024;

fn audit_pairs(q: &AuditQuery) -> Vec<(&'static str, Option<String>)> {
    let time = |t: &Option<crate::model::Timestamp>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    vec![
        ("org", q.org.clone()),
        ("environment", q.environment.clone()),
        ("actor", q.actor.clone()),
        ("action", q.action.clone()),
        ("since", time(&q.since)),
        ("until", time(&q.until)),
        ("cursor", q.cursor.clone()),
        ("limit", q.limit.map(|l| l.to_string())),
    ]
}

impl ApiClient {
    /// `GET /api/v1/audit?…`: one page of records.
    pub async fn list_audit(&self, query: &AuditQuery) -> Result<Page<AuditRecord>, ApiError> {
        let url = with_query(self.api_url(&["api", "v1", "audit"])?, &audit_pairs(query));
        self.get_json(url, "the audit log").await
    }

    /// `GET /api/v1/audit?…` with `Accept: application/x-ndjson`: every matching record as
    /// a stream. A line that cannot be read yields an error item and the export goes on; a
    /// broken connection or an over-long line yields an error item and ends it.
    pub async fn export_audit(
        &self,
        query: &AuditQuery,
    ) -> Result<BoxStream<'static, Result<AuditRecord, ApiError>>, ApiError> {
        let mut q = query.clone();
        q.cursor = None;
        let url = with_query(self.api_url(&["api", "v1", "audit"])?, &audit_pairs(&q));
        let mut call = Call::get(url, "the audit export");
        call.accept = "application/x-ndjson";
        call.streaming = true;
        let answer = self.execute(&call).await?;
        Ok(ndjson_records(self.clone(), answer))
    }
}

struct ExportState {
    client: ApiClient,
    body: BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buf: BytesMut,
    request_id: String,
    status: u16,
    content_type: Option<String>,
    done: bool,
}

fn ndjson_records(
    client: ApiClient,
    answer: Answer,
) -> BoxStream<'static, Result<AuditRecord, ApiError>> {
    let Answer {
        response,
        request_id,
    } = answer;
    let state = ExportState {
        client,
        status: response.status().as_u16(),
        content_type: crate::api::client::content_type(&response),
        body: response.bytes_stream().boxed(),
        buf: BytesMut::new(),
        request_id,
        done: false,
    };
    futures::stream::unfold(state, |mut st| async move {
        loop {
            if st.done {
                return None;
            }
            if let Some(pos) = st.buf.iter().position(|b| *b == b'\n') {
                let line = st.buf.split_to(pos + 1);
                let line = trim_line(&line);
                if line.is_empty() {
                    continue;
                }
                return Some((st.parse(line), st));
            }
            if st.buf.len() > MAX_EXPORT_LINE {
                st.done = true;
                let err = st.error(
                    format!("a line is longer than {} KiB", MAX_EXPORT_LINE / 1024),
                    &[],
                );
                return Some((Err(err), st));
            }
            match st.body.next().await {
                Some(Ok(chunk)) => st.buf.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    st.done = true;
                    let err = st.client.transport_error(&e, Some(st.request_id.clone()));
                    return Some((Err(err), st));
                }
                None => {
                    st.done = true;
                    // The last record may lack its newline.
                    let rest = st.buf.split();
                    let line = trim_line(&rest);
                    if line.is_empty() {
                        return None;
                    }
                    return Some((st.parse(line), st));
                }
            }
        }
    })
    .boxed()
}

fn trim_line(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let Some((last, rest)) = l.split_last() {
        if last.is_ascii_whitespace() {
            l = rest;
        } else {
            break;
        }
    }
    while l.first().is_some_and(u8::is_ascii_whitespace) {
        l.advance(1);
    }
    l
}

impl ExportState {
    fn parse(&self, line: &[u8]) -> Result<AuditRecord, ApiError> {
        serde_json::from_slice(line)
            .map_err(|e| self.error(format!("a record does not match ({e})"), line))
    }

    fn error(&self, detail: String, line: &[u8]) -> ApiError {
        self.client.decode_error(
            "the audit export",
            detail,
            self.status,
            self.content_type.clone(),
            line,
            &self.request_id,
        )
    }
}
