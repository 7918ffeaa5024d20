//! Following the console API's streams: the live events of `/api/v1/events` and the log
//! of one operation. Both carry ids, so the reconnecting stream resumes with
//! `Last-Event-ID` and nothing is replayed twice; a 401 on reconnect refreshes the
//! session once (the request factory reads the new token on the next attempt).

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::ApiClient;
use crate::api::sse::{SseEvent, StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use crate::model::{LiveEvent, OperationDone, OperationLogLine};

/// What following `/api/v1/events` reports.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveMsg {
    /// An event with its id. `LiveEvent::Reset` means the server's replay log no longer
    /// covers the gap: re-list what is shown.
    Event { id: Option<u64>, event: LiveEvent },
    /// A frame whose data did not decode (kept for the operator, never fatal).
    Undecodable { kind: String, reason: String },
    /// The connection's state.
    Status(StreamStatus),
}

/// What following an operation's log reports.
#[derive(Debug, Clone, PartialEq)]
pub enum OperationMsg {
    Line(OperationLogLine),
    Done(OperationDone),
    Status(StreamStatus),
}

/// Follows the live events of an Org and/or Environment (both `None`: everything the
/// identity may see) until `cancel` fires or the receiver leaves.
pub fn follow_events(
    client: ApiClient,
    org: Option<String>,
    environment: Option<String>,
    options: StreamOptions,
    tx: mpsc::Sender<LiveMsg>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let factory = client.events_request(org.as_deref(), environment.as_deref());
        pump(&client, factory, options, cancel, |msg| {
            let tx = tx.clone();
            async move {
                let out = match msg {
                    StreamMsg::Status(s) => LiveMsg::Status(s),
                    StreamMsg::Event(ev) => decode_live(ev),
                };
                tx.send(out).await.is_ok()
            }
        })
        .await;
    })
}

/// Follows one operation's log until its `done`, `cancel`, or the receiver leaves.
pub fn follow_operation(
    client: ApiClient,
    operation_id: String,
    options: StreamOptions,
    tx: mpsc::Sender<OperationMsg>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    let options = StreamOptions {
        terminal_event: Some("done".into()),
        ..options
    };
    tokio::spawn(async move {
        let factory = client.operation_logs_request(&operation_id);
        pump(&client, factory, options, cancel, |msg| {
            let tx = tx.clone();
            async move {
                let out = match msg {
                    StreamMsg::Status(s) => Some(OperationMsg::Status(s)),
                    StreamMsg::Event(ev) if ev.event == "done" => {
                        serde_json::from_str(&ev.data).ok().map(OperationMsg::Done)
                    }
                    StreamMsg::Event(ev) => {
                        serde_json::from_str(&ev.data).ok().map(OperationMsg::Line)
                    }
                };
                match out {
                    Some(out) => tx.send(out).await.is_ok(),
                    None => true,
                }
            }
        })
        .await;
    })
}

fn decode_live(ev: SseEvent) -> LiveMsg {
    let id = ev.id.as_deref().and_then(|i| i.parse().ok());
    match LiveEvent::decode(&ev.event, &ev.data) {
        Ok(event) => LiveMsg::Event { id, event },
        Err(e) => LiveMsg::Undecodable {
            kind: ev.event,
            reason: e.to_string(),
        },
    }
}

/// Runs a reconnecting stream and hands every message to `deliver` (false: stop),
/// refreshing the session when a (re)connection is answered 401. A request that cannot
/// be built is delivered as a failed stream.
async fn pump<F, D, Fut>(
    client: &ApiClient,
    factory: Result<F, crate::api::ApiError>,
    options: StreamOptions,
    cancel: CancellationToken,
    mut deliver: D,
) where
    F: Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static,
    D: FnMut(StreamMsg) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let factory = match factory {
        Ok(f) => f,
        Err(e) => {
            let reason = e.to_string();
            deliver(StreamMsg::Status(StreamStatus::Failed { reason })).await;
            return;
        }
    };
    let stream_cancel = cancel.child_token();
    let (stx, mut srx) = mpsc::channel(256);
    spawn_stream(
        client.stream_http(),
        factory,
        options,
        stx,
        stream_cancel.clone(),
    );
    loop {
        let msg = tokio::select! {
            () = cancel.cancelled() => break,
            msg = srx.recv() => msg,
        };
        let Some(msg) = msg else { break };
        let finished = matches!(
            msg,
            StreamMsg::Status(StreamStatus::Ended | StreamStatus::Failed { .. })
        );
        if msg == StreamMsg::Status(StreamStatus::Unauthorized) {
            // The next attempt reads the refreshed token; if refreshing fails, the
            // stream's second 401 ends it with a reason.
            let _ = client.recover_from_unauthorized().await;
        }
        if !deliver(msg).await || finished {
            break;
        }
    }
    stream_cancel.cancel();
}
