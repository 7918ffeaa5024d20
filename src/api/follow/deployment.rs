//! Following one provisioning run. The real stream has no ids, replays its whole
//! history on every connection, may drop live events (its live queue is shared by every
//! follower of the run and drops when full), repeats some around a reconnect, and is cut
//! by a proxy after 300 s of silence. Its frames therefore only say that the run moved:
//! what moved, and in which order, comes from the service's list
//! (`GET /deployments/{id}/events`) through the [`EventLedger`], so every event is
//! reported exactly once and in the service's order, including one the stream dropped.
//!
//! Lines are held back for a short, bounded time to be confirmed by a list: a list is
//! fetched [`CONFIRM_WINDOW`] after the first frame not yet confirmed (one list covers
//! every frame received meanwhile), at once when a connection goes live, and last when
//! the run is `done`. A list the service cannot give is tried again after
//! [`FAILED_LIST_WAIT`]; until then nothing is shown out of order.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::api::ApiError;
use crate::api::provisioning::ProvisioningClient;
use crate::api::sse::{EventLedger, StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use crate::model::{DeploymentEvents, DeploymentState, ProvisionEvent};

/// How long a frame waits for the list that confirms its place.
pub const CONFIRM_WINDOW: Duration = Duration::from_millis(500);
/// How long to wait for another list after the service could not give one.
pub const FAILED_LIST_WAIT: Duration = Duration::from_secs(2);

/// Tries for one list when the service answers with a transient error, the first delay
/// (growing with each try) and the longest (also for a server's `Retry-After`).
const LIST_ATTEMPTS: u32 = 3;
const LIST_RETRY_DELAY: Duration = Duration::from_millis(500);
const LIST_RETRY_MAX_DELAY: Duration = Duration::from_secs(5);

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
        // A cancelled follow says nothing more (a list request it interrupted ends it
        // with an `Err` too).
        if let Err(last) = result
            && !cancel.is_cancelled()
        {
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
    let mut f = Follow {
        prov,
        id,
        tx,
        cancel,
        ledger: EventLedger::new(),
    };
    // When the frames received since the last list are to be confirmed by the next.
    let mut confirm_at: Option<Instant> = None;
    loop {
        let msg = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = sleep_until(confirm_at) => {
                confirm_at = None;
                match f.resync().await? {
                    Resync::Done(state) => return Err(DeploymentMsg::Done(state)),
                    Resync::Merged => {}
                    Resync::Unavailable => confirm_at = Some(Instant::now() + FAILED_LIST_WAIT),
                }
                continue;
            }
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
                f.send(DeploymentMsg::Status(status)).await?;
                if failed {
                    // A final re-sync may still find the run finished (e.g. the stream
                    // was refused but the state is readable).
                    return match f.resync().await? {
                        Resync::Done(state) => Err(DeploymentMsg::Done(state)),
                        _ => Err(DeploymentMsg::Failed(
                            "the provisioning stream could not be followed".into(),
                        )),
                    };
                }
                if live {
                    // Whatever happened while no connection was up is in this list; a
                    // run that finished while the stream kept being cut ends here.
                    match f.resync().await? {
                        Resync::Done(state) => return Err(DeploymentMsg::Done(state)),
                        Resync::Merged => confirm_at = None,
                        Resync::Unavailable => {
                            confirm_at = Some(Instant::now() + FAILED_LIST_WAIT);
                        }
                    }
                }
            }
            StreamMsg::Event(ev) if ev.event == "done" => {
                // The last list has every event, in order, before the end is announced.
                let listed = f.resync().await?;
                return match serde_json::from_str::<DeploymentState>(&ev.data) {
                    Ok(state) => Err(DeploymentMsg::Done(Box::new(state))),
                    Err(e) => match listed {
                        Resync::Done(state) => Err(DeploymentMsg::Done(state)),
                        _ => match prov.deployment(id).await {
                            Ok(state) => Err(DeploymentMsg::Done(Box::new(state))),
                            Err(_) => Err(DeploymentMsg::Failed(format!(
                                "the final state could not be read: {e}"
                            ))),
                        },
                    },
                };
            }
            // Any other frame (an event, a repeat, `handover-ready`): the run moved.
            StreamMsg::Event(_) => {
                confirm_at.get_or_insert_with(|| Instant::now() + CONFIRM_WINDOW);
            }
        }
    }
}

/// Sleeps until `at`; never wakes without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// What one re-sync found.
enum Resync {
    /// The list was merged; the run goes on.
    Merged,
    /// The list was merged and says the run is done: its final State.
    Done(Box<DeploymentState>),
    /// The service could not give the list (already reported).
    Unavailable,
}

/// One follow's state between messages.
struct Follow<'a> {
    prov: &'a ProvisioningClient,
    id: &'a str,
    tx: &'a mpsc::Sender<DeploymentMsg>,
    cancel: &'a CancellationToken,
    ledger: EventLedger<ProvisionEvent>,
}

impl Follow<'_> {
    /// `GET …/events`, asked again after a transient error (5xx, 429, a lost
    /// connection). `Err` when the follow is cancelled meanwhile.
    async fn list(&self) -> Result<Result<DeploymentEvents, ApiError>, DeploymentMsg> {
        let cancelled = || DeploymentMsg::Status(StreamStatus::Ended);
        let mut attempt = 1;
        loop {
            let all = tokio::select! {
                () = self.cancel.cancelled() => return Err(cancelled()),
                all = self.prov.deployment_events(self.id) => all,
            };
            match all {
                Err(e) if e.is_retryable() && attempt < LIST_ATTEMPTS => {
                    let wait = e
                        .retry_after()
                        .unwrap_or(LIST_RETRY_DELAY * attempt)
                        .min(LIST_RETRY_MAX_DELAY);
                    attempt += 1;
                    tokio::select! {
                        () = self.cancel.cancelled() => return Err(cancelled()),
                        () = tokio::time::sleep(wait) => {}
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// Merges the service's list and reports the events it has beyond those shown.
    async fn resync(&mut self) -> Result<Resync, DeploymentMsg> {
        match self.list().await? {
            Ok(all) => {
                for event in self.ledger.merge(all.events) {
                    self.send(DeploymentMsg::Event(event)).await?;
                }
                Ok(if all.done {
                    Resync::Done(Box::new(all.state))
                } else {
                    Resync::Merged
                })
            }
            Err(e) => {
                self.send(DeploymentMsg::ResyncFailed(e.to_string()))
                    .await?;
                Ok(Resync::Unavailable)
            }
        }
    }

    /// Sends, or ends the follow quietly when nobody listens any more.
    async fn send(&self, msg: DeploymentMsg) -> Result<(), DeploymentMsg> {
        self.tx
            .send(msg)
            .await
            .map_err(|_| DeploymentMsg::Status(StreamStatus::Ended))
    }
}
