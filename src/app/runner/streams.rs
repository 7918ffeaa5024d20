//! The runner's streams: the one live subscription that follows the view on top (the
//! console API's `/api/v1/events`, or catalyst-api's explorer stream), and the streams the
//! route stack follows (provisioning runs, operation logs), each batched on its way to
//! the loop. A new kind of stream (a kube watch) plugs in beside these in
//! `Runner::start_stream`, as the kube watches and pod logs of a grant do (one client per
//! grant, dropped with the last stream that uses it).

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::super::Event;
use super::super::fetch::provisioning;
use super::super::startup::Surface;
use super::{BATCH_MAX, BATCH_WINDOW, Runner};
use crate::api::ApiClient;
use crate::api::catalyst::live::follow_k8s;
use crate::api::follow::{DeploymentMsg, follow_deployment, follow_events, follow_operation};
use crate::api::sse::{IdlePolicy, StreamOptions};
use crate::effect::{KubeFeed, StreamSpec};
use crate::kube::watch::{follow_log, follow_namespace};
use crate::msg::{Msg, StreamBatch, StreamItems};
use crate::views::Scope;

impl Runner {
    /// Follows what `state` wants followed: the live events of the top view's scope and
    /// the streams of the route stack.
    pub fn subscribe(&mut self, state: &crate::state::State) {
        self.follow(state.subscription());
        self.streams(&state.streams());
    }

    /// Keeps the live subscription on `scope` (none: no subscription).
    pub fn follow(&mut self, scope: Option<Scope>) {
        if self.live.as_ref().map(|(s, _)| s) == scope.as_ref() {
            return;
        }
        if let Some((_, cancel)) = self.live.take() {
            cancel.cancel();
        }
        let (Some(scope), Some(client)) = (scope, self.client.clone()) else {
            return;
        };
        let cancel = self.root.child_token();
        let (live_tx, mut live_rx) = mpsc::channel(256);
        match &self.surface {
            // catalyst-api's explorer stream is Sovereign-wide; views apply what is theirs.
            Surface::Catalyst { sovereign } => {
                follow_k8s(client, sovereign.clone(), live_tx, cancel.clone());
            }
            Surface::Console => {
                follow_events(
                    client,
                    scope.org.clone(),
                    scope.env.clone(),
                    StreamOptions::console(),
                    live_tx,
                    cancel.clone(),
                );
            }
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            while let Some(msg) = live_rx.recv().await {
                if tx.send(Event::Msg(Msg::Live(msg))).await.is_err() {
                    break;
                }
            }
        });
        self.live = Some((scope, cancel));
    }

    /// Keeps exactly the streams in `wanted` running: starts the new ones (once signed
    /// in), stops those no view follows any more.
    pub fn streams(&mut self, wanted: &[StreamSpec]) {
        if self.streams.len() == wanted.len()
            && self.streams.iter().all(|(s, _)| wanted.contains(s))
        {
            return;
        }
        self.streams.retain(|(spec, cancel)| {
            let keep = wanted.contains(spec);
            if !keep {
                cancel.cancel();
            }
            keep
        });
        // A grant no view follows any more has no client either.
        self.kube.keep(wanted.iter().filter_map(|s| match s {
            StreamSpec::Kube(k) => Some(k.grant.as_str()),
            _ => None,
        }));
        let Some(client) = self.client.clone() else {
            return;
        };
        for spec in wanted {
            if self.streams.iter().any(|(s, _)| s == spec) {
                continue;
            }
            self.generation += 1;
            let cancel = self.root.child_token();
            self.start_stream(&client, spec.clone(), self.generation, cancel.clone());
            self.streams.push((spec.clone(), cancel));
        }
    }

    fn start_stream(
        &mut self,
        client: &ApiClient,
        spec: StreamSpec,
        generation: u64,
        cancel: CancellationToken,
    ) {
        let tx = self.tx.clone();
        match &spec {
            StreamSpec::Deployment { id, .. } => {
                let (dtx, drx) = mpsc::channel(4_096);
                match provisioning(client) {
                    Ok(prov) => {
                        let mut options = StreamOptions::provisioning();
                        if let Some(after) = self.provisioning_idle {
                            options.idle = IdlePolicy::Silence { after };
                        }
                        follow_deployment(prov, id.clone(), options, dtx, cancel.clone());
                    }
                    Err(e) => {
                        let _ = dtx.try_send(DeploymentMsg::Failed(e.to_string()));
                    }
                }
                forward(drx, tx, cancel, move |items| {
                    Msg::Stream(StreamBatch {
                        spec: spec.clone(),
                        generation,
                        items: StreamItems::Deployment(items),
                    })
                });
            }
            StreamSpec::Operation { id } => {
                let (otx, orx) = mpsc::channel(4_096);
                follow_operation(
                    client.clone(),
                    id.clone(),
                    StreamOptions::console(),
                    otx,
                    cancel.clone(),
                );
                forward(orx, tx, cancel, move |items| {
                    Msg::Stream(StreamBatch {
                        spec: spec.clone(),
                        generation,
                        items: StreamItems::Operation(items),
                    })
                });
            }
            StreamSpec::Kube(k) => {
                let (ktx, krx) = mpsc::channel(4_096);
                let cell = self.kube.cell(&k.grant);
                match &k.feed {
                    KubeFeed::Namespace { app } => {
                        follow_namespace(client.clone(), cell, app.clone(), ktx, cancel.clone());
                    }
                    KubeFeed::Log {
                        pod,
                        container,
                        previous,
                    } => follow_log(
                        client.clone(),
                        cell,
                        pod.clone(),
                        container.clone(),
                        *previous,
                        ktx,
                        cancel.clone(),
                    ),
                }
                forward(krx, tx, cancel, move |items| {
                    Msg::Stream(StreamBatch {
                        spec: spec.clone(),
                        generation,
                        items: StreamItems::Kube(items),
                    })
                });
            }
        }
    }
}

/// Hands the messages of `rx` to the loop in batches: the first message opens a window of
/// [`BATCH_WINDOW`], everything arriving inside it (up to [`BATCH_MAX`]) goes with it.
fn forward<T: Send + 'static>(
    mut rx: mpsc::Receiver<T>,
    tx: mpsc::Sender<Event>,
    cancel: CancellationToken,
    wrap: impl Fn(Vec<T>) -> Msg + Send + 'static,
) {
    tokio::spawn(async move {
        loop {
            let first = tokio::select! {
                () = cancel.cancelled() => return,
                first = rx.recv() => first,
            };
            let Some(first) = first else { return };
            let mut batch = vec![first];
            let deadline = tokio::time::Instant::now() + BATCH_WINDOW;
            let mut open = true;
            while open && batch.len() < BATCH_MAX {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep_until(deadline) => break,
                    next = rx.recv() => match next {
                        Some(m) => batch.push(m),
                        None => open = false,
                    },
                }
            }
            if tx.send(Event::Msg(wrap(batch))).await.is_err() || !open {
                return;
            }
        }
    });
}
