//! Live changes from catalyst-api: one `data:` frame of the Kubernetes explorer's stream
//! (`GET /sovereigns/{id}/k8s/stream`) or of the per-Application stream mapped onto the
//! console's live-event model, and a follower that runs the stream.
//!
//! The explorer's stream has no ids and no replay: every (re)connection starts with a
//! `ready` frame and changes made while disconnected are lost. So the follower reports
//! the first `ready` as nothing and every later one as [`LiveEvent::Reset`], which tells
//! the views to re-list (exactly what a console-API `reset` means). Must not hold UI
//! state.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::adapt::{application_from_cr, environment_from_cr, environment_of_cr, status_of_phase};
use super::wire::{AppStreamFrame, Condition, K8sFrame};
use crate::api::ApiClient;
use crate::api::follow::LiveMsg;
use crate::api::sse::{StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use crate::model::{AppStatus, ApplicationRemoved, LiveEvent};

/// What one explorer frame means to the console.
#[derive(Debug, Clone, PartialEq)]
pub enum K8sChange {
    /// The stream (re)started: `{"type":"ready", cluster, kinds, at}`.
    Ready { cluster: String },
    /// A change the console shows.
    Event(LiveEvent),
    /// A kind or change the console does not show (pods, an Application CR that names
    /// no Environment, …).
    Ignored,
}

/// Maps one `data:` frame of `/sovereigns/{id}/k8s/stream`: Application CRs become
/// `application.updated` / `application.removed`, Environment CRs
/// `environment.updated` (a deleted Environment asks for a re-list: the model has no
/// removal event for it).
pub fn map_k8s_frame(data: &str) -> Result<K8sChange, serde_json::Error> {
    let frame: K8sFrame = serde_json::from_str(data)?;
    if frame.kind_of_change.eq_ignore_ascii_case("ready") {
        return Ok(K8sChange::Ready {
            cluster: frame.cluster,
        });
    }
    let Some(object) = frame.object else {
        return Ok(K8sChange::Ignored);
    };
    let deleted = frame.kind_of_change.eq_ignore_ascii_case("DELETED");
    Ok(match frame.kind.to_ascii_lowercase().as_str() {
        "application" if deleted => match environment_of_cr(&object) {
            Some(environment) => {
                K8sChange::Event(LiveEvent::ApplicationRemoved(ApplicationRemoved {
                    environment,
                    name: object.metadata.name,
                }))
            }
            None => K8sChange::Ignored,
        },
        "application" => application_from_cr(&object)
            .map(|a| K8sChange::Event(LiveEvent::ApplicationUpdated(Box::new(a))))
            .unwrap_or(K8sChange::Ignored),
        "environment" if deleted => K8sChange::Event(LiveEvent::Reset),
        "environment" => environment_from_cr(&object)
            .map(|e| K8sChange::Event(LiveEvent::EnvironmentUpdated(Box::new(e))))
            .unwrap_or(K8sChange::Ignored),
        _ => K8sChange::Ignored,
    })
}

/// One frame of the per-Application stream as a status to apply to the card shown.
#[derive(Debug, Clone, PartialEq)]
pub struct AppPhase {
    pub name: String,
    pub namespace: String,
    pub status: AppStatus,
    /// The status detail, as [`super::adapt::status_detail`] writes it.
    pub status_detail: String,
    /// The server found no such Application (yet).
    pub not_found: bool,
}

/// Maps one `data:` frame of `/sovereigns/{id}/applications/{name}/stream`.
pub fn map_app_stream_frame(data: &str) -> Result<AppPhase, serde_json::Error> {
    let f: AppStreamFrame = serde_json::from_str(data)?;
    let conditions: Vec<Condition> = f
        .status
        .get("conditions")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    let (status, note) = if f.not_found {
        (AppStatus::Unknown, Some("not found".to_string()))
    } else {
        status_of_phase(&f.phase)
    };
    Ok(AppPhase {
        name: f.name,
        namespace: f.namespace,
        status,
        status_detail: super::adapt::status_detail(note.as_deref(), &conditions),
        not_found: f.not_found,
    })
}

/// Follows `/sovereigns/{sovereign}/k8s/stream?kinds=application,environment` until
/// `cancel` fires or the receiver leaves, reporting what the console's own
/// `/api/v1/events` follower reports ([`LiveMsg`]): events (without ids), undecodable
/// frames, connection states; every `ready` after the first becomes
/// [`LiveEvent::Reset`].
pub fn follow_k8s(
    client: ApiClient,
    sovereign: String,
    tx: mpsc::Sender<LiveMsg>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let factory = match client.k8s_stream_request(&sovereign, &["application", "environment"]) {
            Ok(f) => f,
            Err(e) => {
                let reason = e.to_string();
                let _ = tx
                    .send(LiveMsg::Status(StreamStatus::Failed { reason }))
                    .await;
                return;
            }
        };
        let stream_cancel = cancel.child_token();
        let (stx, mut srx) = mpsc::channel(256);
        spawn_stream(
            client.stream_http(),
            factory,
            StreamOptions::console(),
            stx,
            stream_cancel.clone(),
        );
        let mut readies = 0u64;
        loop {
            let msg = tokio::select! {
                () = cancel.cancelled() => break,
                msg = srx.recv() => msg,
            };
            let Some(msg) = msg else { break };
            let out = match msg {
                StreamMsg::Status(StreamStatus::Unauthorized) => {
                    let _ = client.recover_from_unauthorized().await;
                    Some(LiveMsg::Status(StreamStatus::Unauthorized))
                }
                StreamMsg::Status(s) => {
                    let finished = matches!(s, StreamStatus::Ended | StreamStatus::Failed { .. });
                    let sent = tx.send(LiveMsg::Status(s)).await.is_ok();
                    if finished || !sent {
                        break;
                    }
                    None
                }
                StreamMsg::Event(ev) => match map_k8s_frame(&ev.data) {
                    Ok(K8sChange::Ready { .. }) => {
                        readies += 1;
                        (readies > 1).then_some(LiveMsg::Event {
                            id: None,
                            event: LiveEvent::Reset,
                        })
                    }
                    Ok(K8sChange::Event(event)) => Some(LiveMsg::Event { id: None, event }),
                    Ok(K8sChange::Ignored) => None,
                    Err(e) => Some(LiveMsg::Undecodable {
                        kind: ev.event,
                        reason: e.to_string(),
                    }),
                },
            };
            if let Some(out) = out
                && tx.send(out).await.is_err()
            {
                break;
            }
        }
        stream_cancel.cancel();
    })
}
