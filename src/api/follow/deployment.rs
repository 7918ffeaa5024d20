//! Following one provisioning run. The real stream has no ids and replays its whole
//! history on every connection, may repeat or drop live events and is cut by a proxy
//! after 300 s of silence. So every connection's events go through [`ReplayDedup`];
//! after every reconnect the full list (`GET /deployments/{id}/events`) is merged in to
//! restore anything dropped; and the run is finished either by `event: done` or by a
//! re-sync that reports `done` (a stream cut again and again before it reaches `done`
//! still ends).

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::provisioning::ProvisioningClient;
use crate::api::sse::{ReplayDedup, StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use crate::model::{DeploymentState, ProvisionEvent};

/// What following a run reports, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum DeploymentMsg {
    /// An event not shown before, in the service's order.
    Event(ProvisionEvent),
    /// The connection's state (live, reconnecting in N s, failed …).
    Status(StreamStatus),
    /// A re-sync could not be done (the stream goes on; it will be tried again).
    ResyncFailed(String),
    /// The run has finished; its final State (the failure reason is only here).
    Done(Box<DeploymentState>),
    /// Following stopped for good (e.g. the deployment does not exist).
    Failed(String),
}

/// Follows deployment `id` until it is done, the stream fails for good, `cancel` fires,
/// or the receiver of `tx` is dropped.
pub fn follow_deployment(
    prov: ProvisioningClient,
    id: String,
    options: StreamOptions,
    tx: mpsc::Sender<DeploymentMsg>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let stream_cancel = cancel.child_token();
        let result = run(&prov, &id, options, &tx, &stream_cancel).await;
        stream_cancel.cancel();
        if let Err(last) = result {
            let _ = tx.send(last).await;
        }
    })
}

/// Why a follow ended, as the last message to send (`Ok` when the receiver left or the
/// follow was cancelled).
async fn run(
    prov: &ProvisioningClient,
    id: &str,
    options: StreamOptions,
    tx: &mpsc::Sender<DeploymentMsg>,
    cancel: &CancellationToken,
) -> Result<(), DeploymentMsg> {
    let factory = prov
        .deployment_logs_request(id)
        .map_err(|e| DeploymentMsg::Failed(e.to_string()))?;
    let (stx, mut srx) = mpsc::channel(256);
    spawn_stream(prov.stream_http(), factory, options, stx, cancel.clone());
    let mut dedup: ReplayDedup<ProvisionEvent, ProvisionEvent> = ReplayDedup::by_value();
    let mut connections = 0u32;
    loop {
        let msg = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            msg = srx.recv() => msg,
        };
        let Some(msg) = msg else {
            return Err(DeploymentMsg::Failed(
                "the stream ended without a final state".into(),
            ));
        };
        match msg {
            StreamMsg::Status(status) => {
                let live = status == StreamStatus::Live;
                let failed = matches!(status, StreamStatus::Failed { .. });
                send(tx, DeploymentMsg::Status(status)).await?;
                if failed {
                    // A final re-sync may still find the run finished (e.g. the stream
                    // was refused but the state is readable).
                    return match resync(prov, id, &mut dedup, tx).await? {
                        Some(state) => Err(DeploymentMsg::Done(Box::new(state))),
                        None => Err(DeploymentMsg::Failed(
                            "the provisioning stream could not be followed".into(),
                        )),
                    };
                }
                if live {
                    connections += 1;
                    dedup.on_reconnect();
                    if connections > 1
                        && let Some(state) = resync(prov, id, &mut dedup, tx).await?
                    {
                        return Err(DeploymentMsg::Done(Box::new(state)));
                    }
                }
            }
            StreamMsg::Event(ev) if ev.event == "done" => {
                // Fill anything dropped live before announcing the end.
                let _ = resync(prov, id, &mut dedup, tx).await?;
                return match serde_json::from_str::<DeploymentState>(&ev.data) {
                    Ok(state) => Err(DeploymentMsg::Done(Box::new(state))),
                    Err(e) => match prov.deployment(id).await {
                        Ok(state) => Err(DeploymentMsg::Done(Box::new(state))),
                        Err(_) => Err(DeploymentMsg::Failed(format!(
                            "the final state could not be read: {e}"
                        ))),
                    },
                };
            }
            StreamMsg::Event(ev) => match serde_json::from_str::<ProvisionEvent>(&ev.data) {
                Ok(event) => {
                    if let Some(event) = dedup.offer(event) {
                        send(tx, DeploymentMsg::Event(event)).await?;
                    }
                }
                // A malformed frame is skipped, not fatal; the re-sync restores it if the
                // list has it.
                Err(_) => continue,
            },
        }
    }
}

/// Merges the authoritative list; returns the final State when the run is done.
async fn resync(
    prov: &ProvisioningClient,
    id: &str,
    dedup: &mut ReplayDedup<ProvisionEvent, ProvisionEvent>,
    tx: &mpsc::Sender<DeploymentMsg>,
) -> Result<Option<DeploymentState>, DeploymentMsg> {
    match prov.deployment_events(id).await {
        Ok(all) => {
            for event in dedup.resync(all.events) {
                send(tx, DeploymentMsg::Event(event)).await?;
            }
            Ok(all.done.then_some(all.state))
        }
        Err(e) => {
            send(tx, DeploymentMsg::ResyncFailed(e.to_string())).await?;
            Ok(None)
        }
    }
}

/// Sends, or ends the follow quietly when nobody listens any more.
async fn send(tx: &mpsc::Sender<DeploymentMsg>, msg: DeploymentMsg) -> Result<(), DeploymentMsg> {
    tx.send(msg)
        .await
        .map_err(|_| DeploymentMsg::Status(StreamStatus::Ended))
}
