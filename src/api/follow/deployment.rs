//! Following one provisioning run. The real stream has no ids and replays its whole
//! history on every connection, then the events left in the service's shared live queue
//! (already shown), may drop live events and is cut by a proxy after 300 s of silence.
//! So each connection starts with the full list (`GET /deployments/{id}/events`), which
//! shows anything missed and lets [`ReplayDedup`] match the replay by position; when an
//! event could be either a repeat or the next one, the list decides; and the run is
//! finished either by `event: done` (after a last re-sync) or by a re-sync that reports
//! `done` (a stream cut again and again before it reaches `done` still ends).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::ApiError;
use crate::api::provisioning::ProvisioningClient;
use crate::api::sse::replay::Offer;
use crate::api::sse::{ReplayDedup, StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use crate::model::{DeploymentEvents, DeploymentState, ProvisionEvent};

/// At most this many already received messages are taken along with one list (a bound
/// only: a stream that keeps coming cannot hold the list back).
const RECEIVED_AT_ONCE: usize = 1_024;

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
    let (stx, srx) = mpsc::channel(256);
    spawn_stream(prov.stream_http(), factory, options, stx, cancel.clone());
    let mut f = Follow {
        prov,
        id,
        tx,
        cancel,
        srx,
        dedup: ReplayDedup::new(),
        backlog: VecDeque::new(),
    };
    loop {
        let (msg, listed) = match f.backlog.pop_front() {
            Some(next) => next,
            None => {
                let msg = tokio::select! {
                    () = cancel.cancelled() => return Ok(()),
                    msg = f.srx.recv() => msg,
                };
                let Some(msg) = msg else {
                    return Err(DeploymentMsg::Failed(
                        "the stream ended without a final state".into(),
                    ));
                };
                (msg, false)
            }
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
                        Some(state) => Err(DeploymentMsg::Done(Box::new(state))),
                        None => Err(DeploymentMsg::Failed(
                            "the provisioning stream could not be followed".into(),
                        )),
                    };
                }
                if live {
                    // The list fetched now has this connection's whole replay, so the
                    // replay is matched by position; a run that finished while the
                    // stream kept being cut ends here.
                    f.dedup.on_connect();
                    if let Some(state) = f.resync().await? {
                        return Err(DeploymentMsg::Done(Box::new(state)));
                    }
                }
            }
            StreamMsg::Event(ev) if ev.event == "done" => {
                // Fill anything dropped live before announcing the end.
                let _ = f.resync().await?;
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
                    let offer = if listed {
                        f.dedup.offer_listed(event)
                    } else {
                        f.dedup.offer(event)
                    };
                    match offer {
                        Offer::New(event) => f.send(DeploymentMsg::Event(event)).await?,
                        Offer::Seen => {}
                        Offer::Check(event) => f.check(event).await?,
                    }
                }
                // A malformed frame is skipped, not fatal; the re-sync restores it if the
                // list has it.
                Err(_) => continue,
            },
        }
    }
}

/// One follow's state between messages.
struct Follow<'a> {
    prov: &'a ProvisioningClient,
    id: &'a str,
    tx: &'a mpsc::Sender<DeploymentMsg>,
    cancel: &'a CancellationToken,
    srx: mpsc::Receiver<StreamMsg>,
    dedup: ReplayDedup<ProvisionEvent>,
    /// Messages taken from the stream before a list was requested, to handle next; true
    /// when that list was merged (it has their events).
    backlog: VecDeque<(StreamMsg, bool)>,
}

impl Follow<'_> {
    /// `GET …/events`, asked again after a transient error (5xx, 429, a lost
    /// connection): without the list, identical lines can only be told apart late. `Err`
    /// when the follow is cancelled meanwhile.
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

    /// Merges the authoritative list; returns the final State when the run is done.
    async fn resync(&mut self) -> Result<Option<DeploymentState>, DeploymentMsg> {
        match self.list().await? {
            Ok(all) => {
                for event in self.dedup.resync(all.events) {
                    self.send(DeploymentMsg::Event(event)).await?;
                }
                Ok(all.done.then_some(all.state))
            }
            Err(e) => {
                self.send(DeploymentMsg::ResyncFailed(e.to_string()))
                    .await?;
                Ok(None)
            }
        }
    }

    /// Answers [`Offer::Check`] with the list.
    async fn check(&mut self, event: ProvisionEvent) -> Result<(), DeploymentMsg> {
        // What has arrived already was sent before the list is asked for, so the list
        // has it too: no other list is needed for those events (a leftover burst costs
        // one request, not one per event).
        let mut received = Vec::new();
        while received.len() < RECEIVED_AT_ONCE
            && let Ok(msg) = self.srx.try_recv()
        {
            received.push(msg);
        }
        let listed = match self.list().await? {
            Ok(all) => {
                for event in self.dedup.checked(event, all.events) {
                    self.send(DeploymentMsg::Event(event)).await?;
                }
                true
            }
            Err(e) => {
                self.send(DeploymentMsg::ResyncFailed(e.to_string()))
                    .await?;
                if let Some(event) = self.dedup.unchecked(event) {
                    self.send(DeploymentMsg::Event(event)).await?;
                }
                false
            }
        };
        self.backlog
            .extend(received.into_iter().map(|msg| (msg, listed)));
        Ok(())
    }

    /// Sends, or ends the follow quietly when nobody listens any more.
    async fn send(&self, msg: DeploymentMsg) -> Result<(), DeploymentMsg> {
        self.tx
            .send(msg)
            .await
            .map_err(|_| DeploymentMsg::Status(StreamStatus::Ended))
    }
}
