//! The streams of a grant: a namespace watch (pods, events and the two Flux kinds, merged
//! into one stream a view follows) and a pod's log followed, each sending [`KubeMsg`]s
//! until cancelled. Watches use `kube::runtime::watcher`, which resumes from the last
//! `resourceVersion` after a cut and lists again on 410 Gone (each new list is announced
//! with [`KubeMsg::Restart`] so the view replaces what it holds). A refusal of the
//! credentials (401/403: the grant ended) stops the stream and says so; other failures are
//! retried with backoff and shown while they last. A kind the cluster does not serve (no
//! Flux) is reported absent once.
//!
//! Also reads one object as YAML for the YAML view. Must not log the token.

use chrono::{DateTime, Utc};
use futures::{AsyncBufReadExt as _, Stream, StreamExt as _};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, LogParams};
use kube::runtime::{WatchStreamExt as _, watcher};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::client::{GrantCell, GrantClient};
use super::rows::{KubeRow, RowKind, event_row, flux_row, pod_row};
use crate::api::ApiClient;

/// What a kube stream tells its view.
#[derive(Debug, Clone, PartialEq)]
pub enum KubeMsg {
    /// A list of `kind` begins (first, or again after a cut the watch could not resume):
    /// the rows that follow until [`KubeMsg::Synced`] replace those held.
    Restart(RowKind),
    /// An object was listed, added or changed.
    Upsert(KubeRow),
    /// An object is gone.
    Remove(RowKind, String),
    /// The list of `kind` is complete; changes follow live.
    Synced(RowKind),
    /// The cluster does not serve `kind` (the Flux kinds where Flux is not installed).
    Absent(RowKind),
    /// A log line (its time when the server stamped it).
    Line {
        time: Option<DateTime<Utc>>,
        text: String,
    },
    /// Where the stream stands.
    Status(KubeStatus),
}

/// Where a kube stream stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeStatus {
    /// Reading the credentials, listing.
    Connecting,
    /// Following live.
    Live,
    /// A failure the stream retries after: why, and when the next try comes if known
    /// (the namespace watch's backoff is the watcher's own).
    Retrying {
        why: String,
        after: Option<std::time::Duration>,
    },
    /// The server refused the grant's credentials (expired or revoked): stopped.
    Refused(String),
    /// The stream ended (a log whose container stopped); why.
    Ended(String),
}

/// The Flux kinds the console shows.
const FLUX: [(RowKind, &str, &str, &str, &str); 2] = [
    (
        RowKind::HelmRelease,
        "helm.toolkit.fluxcd.io",
        "v2",
        "HelmRelease",
        "helmreleases",
    ),
    (
        RowKind::Kustomization,
        "kustomize.toolkit.fluxcd.io",
        "v1",
        "Kustomization",
        "kustomizations",
    ),
];

fn flux_api(client: &GrantClient, kind: RowKind) -> Option<Api<DynamicObject>> {
    let (_, group, version, k, plural) = FLUX.iter().find(|f| f.0 == kind)?;
    let gvk = GroupVersionKind::gvk(group, version, k);
    let ar = ApiResource::from_gvk_with_plural(&gvk, plural);
    Some(Api::namespaced_with(
        client.client.clone(),
        &client.namespace,
        &ar,
    ))
}

/// Whether `e` is the server refusing the credentials.
fn refused(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => s.code == 401 || s.code == 403,
        other => {
            let text = other.to_string();
            text.contains("401") || text.contains("Unauthorized")
        }
    }
}

fn not_found(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 404)
}

/// What one watcher failure means for the stream.
enum Failure {
    Refused(String),
    Absent(RowKind),
    Retry(String),
}

fn failure(kind: RowKind, e: &watcher::Error) -> Failure {
    let inner = match e {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => Some(e),
        watcher::Error::WatchError(_) | watcher::Error::NoResourceVersion => None,
    };
    match inner {
        Some(e) if refused(e) => Failure::Refused(e.to_string()),
        Some(e) if not_found(e) && kind != RowKind::Pod && kind != RowKind::Event => {
            Failure::Absent(kind)
        }
        _ => Failure::Retry(e.to_string()),
    }
}

/// One watcher's events as messages of `kind`.
fn messages<K: Clone + Send + 'static>(
    kind: RowKind,
    events: impl Stream<Item = Result<watcher::Event<K>, watcher::Error>> + Send + 'static,
    row: impl Fn(&K) -> KubeRow + Send + 'static,
    name: impl Fn(&K) -> String + Send + 'static,
) -> impl Stream<Item = Result<KubeMsg, Failure>> + Send + 'static {
    events.map(move |e| match e {
        Ok(watcher::Event::Init) => Ok(KubeMsg::Restart(kind)),
        Ok(watcher::Event::InitApply(o) | watcher::Event::Apply(o)) => Ok(KubeMsg::Upsert(row(&o))),
        Ok(watcher::Event::Delete(o)) => Ok(KubeMsg::Remove(kind, name(&o))),
        Ok(watcher::Event::InitDone) => Ok(KubeMsg::Synced(kind)),
        Err(e) => Err(failure(kind, &e)),
    })
}

/// Follows the namespace of the grant in `cell`: pods (of `app` only, when given, by its
/// `app.kubernetes.io/instance` label), events, HelmReleases and Kustomizations.
pub fn follow_namespace(
    api: ApiClient,
    cell: GrantCell,
    app: Option<String>,
    tx: mpsc::Sender<KubeMsg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        let _ = tx.send(KubeMsg::Status(KubeStatus::Connecting)).await;
        let client = match cell.get(&api).await {
            Ok(c) => c,
            Err(why) => {
                let _ = tx.send(KubeMsg::Status(KubeStatus::Refused(why))).await;
                return;
            }
        };
        let mut pods_config = watcher::Config::default();
        if let Some(app) = &app {
            pods_config = pods_config.labels(&format!("app.kubernetes.io/instance={app}"));
        }
        let pods: Api<Pod> = Api::namespaced(client.client.clone(), &client.namespace);
        let events: Api<Event> = Api::namespaced(client.client.clone(), &client.namespace);
        let name = |m: &kube::api::ObjectMeta| m.name.clone().unwrap_or_default();
        let mut streams = vec![
            messages(
                RowKind::Pod,
                watcher(pods, pods_config).default_backoff(),
                |p: &Pod| KubeRow::Pod(pod_row(p)),
                move |p: &Pod| name(&p.metadata),
            )
            .boxed(),
            messages(
                RowKind::Event,
                watcher(events, watcher::Config::default()).default_backoff(),
                |e: &Event| KubeRow::Event(event_row(e)),
                move |e: &Event| name(&e.metadata),
            )
            .boxed(),
        ];
        for (kind, ..) in FLUX {
            if let Some(api) = flux_api(&client, kind) {
                streams.push(
                    messages(
                        kind,
                        watcher(api, watcher::Config::default()).default_backoff(),
                        move |o: &DynamicObject| KubeRow::Flux(flux_row(kind, o)),
                        move |o: &DynamicObject| name(&o.metadata),
                    )
                    .boxed(),
                );
            }
        }
        // Each kind is its own stream so a kind that is absent can stop alone.
        let mut merged = futures::stream::select_all(streams.into_iter().map(|s| {
            // A stream ends after reporting its kind absent.
            let mut done = false;
            s.take_while(move |m| {
                let go = !done;
                if let Err(Failure::Absent(_)) = m {
                    done = true;
                }
                futures::future::ready(go)
            })
            .boxed()
        }));
        let mut live = false;
        let mut retrying = false;
        loop {
            let next = tokio::select! {
                () = cancel.cancelled() => return,
                next = merged.next() => next,
            };
            let Some(item) = next else { return };
            let msg = match item {
                Ok(msg) => {
                    let synced = matches!(msg, KubeMsg::Synced(RowKind::Pod));
                    if tx.send(msg).await.is_err() {
                        return;
                    }
                    if (synced && !live) || retrying {
                        live = true;
                        retrying = false;
                        KubeMsg::Status(KubeStatus::Live)
                    } else {
                        continue;
                    }
                }
                Err(Failure::Refused(why)) => {
                    let _ = tx.send(KubeMsg::Status(KubeStatus::Refused(why))).await;
                    return;
                }
                Err(Failure::Absent(kind)) => KubeMsg::Absent(kind),
                Err(Failure::Retry(why)) => {
                    retrying = true;
                    KubeMsg::Status(KubeStatus::Retrying { why, after: None })
                }
            };
            if tx.send(msg).await.is_err() {
                return;
            }
        }
    });
}

/// Splits `2026-12-07T10:00:00.000000000Z text` into its time and text.
pub fn split_stamp(line: &str) -> (Option<DateTime<Utc>>, &str) {
    if let Some((stamp, rest)) = line.split_once(' ')
        && let Ok(t) = DateTime::parse_from_rfc3339(stamp)
    {
        return (Some(t.with_timezone(&Utc)), rest);
    }
    (None, line)
}

/// Follows the log of `container` (the first when `None`) of `pod`: the last lines, then
/// what comes. `previous` reads the container's previous run (which does not follow).
/// After a cut the log is asked again from the last line's time, skipping what was held.
pub fn follow_log(
    api: ApiClient,
    cell: GrantCell,
    pod: String,
    container: Option<String>,
    previous: bool,
    tx: mpsc::Sender<KubeMsg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        let send = |m: KubeMsg| {
            let tx = tx.clone();
            async move { tx.send(m).await.is_ok() }
        };
        let _ = send(KubeMsg::Status(KubeStatus::Connecting)).await;
        let client = match cell.get(&api).await {
            Ok(c) => c,
            Err(why) => {
                let _ = send(KubeMsg::Status(KubeStatus::Refused(why))).await;
                return;
            }
        };
        let pods: Api<Pod> = Api::namespaced(client.client.clone(), &client.namespace);
        // The last time seen and how many lines carried it (a resumed read skips them).
        let mut last: Option<(DateTime<Utc>, usize)> = None;
        let mut attempt = 0u32;
        // Reads in a row that brought nothing new.
        let mut quiet = 0u32;
        loop {
            let params = LogParams {
                container: container.clone(),
                follow: !previous,
                previous,
                timestamps: true,
                tail_lines: if last.is_none() { Some(1_000) } else { None },
                since_seconds: last.map(|(t, _)| (Utc::now() - t).num_seconds().max(0) + 1),
                ..LogParams::default()
            };
            let reader = tokio::select! {
                () = cancel.cancelled() => return,
                r = pods.log_stream(&pod, &params) => r,
            };
            let reader = match reader {
                Ok(r) => r,
                Err(e) if refused(&e) => {
                    let _ = send(KubeMsg::Status(KubeStatus::Refused(e.to_string()))).await;
                    return;
                }
                Err(e @ kube::Error::Api(_)) => {
                    // The server's answer (no previous container, still creating): final.
                    let _ = send(KubeMsg::Status(KubeStatus::Ended(api_message(&e)))).await;
                    return;
                }
                Err(e) => {
                    attempt += 1;
                    let wait = std::time::Duration::from_millis(500 * u64::from(attempt.min(10)));
                    let status = KubeStatus::Retrying {
                        why: e.to_string(),
                        after: Some(wait),
                    };
                    if !send(KubeMsg::Status(status)).await {
                        return;
                    }
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        () = tokio::time::sleep(wait) => continue,
                    }
                }
            };
            attempt = 0;
            if !send(KubeMsg::Status(KubeStatus::Live)).await {
                return;
            }
            let mut lines = reader.lines();
            let mut skip = last;
            let mut got_lines = false;
            loop {
                let line = tokio::select! {
                    () = cancel.cancelled() => return,
                    l = lines.next() => l,
                };
                let Some(Ok(line)) = line else { break };
                let (time, text) = split_stamp(&line);
                if let (Some(t), Some((seen, n))) = (time, skip.as_mut()) {
                    if t < *seen || (t == *seen && *n > 0) {
                        if t == *seen {
                            *n -= 1;
                        }
                        continue;
                    }
                    skip = None;
                }
                if let Some(t) = time {
                    last = match last {
                        Some((seen, n)) if seen == t => Some((t, n + 1)),
                        _ => Some((t, 1)),
                    };
                }
                got_lines = true;
                let msg = KubeMsg::Line {
                    time,
                    text: text.to_string(),
                };
                if !send(msg).await {
                    return;
                }
            }
            if previous {
                let _ = send(KubeMsg::Status(KubeStatus::Ended(
                    crate::words::KUBE_LOG_END_PREVIOUS.to_string(),
                )))
                .await;
                return;
            }
            // Cut, or the container stopped (a crash loop): ask again from where it
            // was, less often while nothing new comes.
            quiet = if got_lines { 0 } else { quiet + 1 };
            let wait = std::time::Duration::from_secs(1 << quiet.min(5));
            let _ = send(KubeMsg::Status(KubeStatus::Retrying {
                why: crate::words::KUBE_LOG_CUT.to_string(),
                after: Some(wait),
            }))
            .await;
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    });
}

fn api_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

/// Reads one object of the grant's namespace as YAML (managed fields left out).
pub async fn read_yaml(
    api: &ApiClient,
    cell: &GrantCell,
    kind: RowKind,
    name: &str,
) -> Result<String, String> {
    let client = cell.get(api).await?;
    let value = match kind {
        RowKind::Pod => {
            let a: Api<Pod> = Api::namespaced(client.client.clone(), &client.namespace);
            a.get(name).await.map(serde_json::to_value)
        }
        RowKind::Event => {
            let a: Api<Event> = Api::namespaced(client.client.clone(), &client.namespace);
            a.get(name).await.map(serde_json::to_value)
        }
        RowKind::HelmRelease | RowKind::Kustomization => {
            let Some(a) = flux_api(&client, kind) else {
                return Err(format!("{} is not served", kind.kind()));
            };
            a.get(name).await.map(serde_json::to_value)
        }
    }
    .map_err(|e| api_message(&e))?
    .map_err(|e| e.to_string())?;
    let mut value = value;
    if let Some(meta) = value.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("managedFields");
    }
    serde_saphyr::to_string(&value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamped_lines_split_and_others_stay_whole() {
        let (t, text) = split_stamp("2026-12-07T10:00:00.123456789Z level=info msg=\"serving\"");
        assert_eq!(text, "level=info msg=\"serving\"");
        assert_eq!(
            t.map(|t| t.to_rfc3339()),
            Some("2026-12-07T10:00:00.123456789+00:00".to_string())
        );
        assert_eq!(split_stamp("no stamp here"), (None, "no stamp here"));
        assert_eq!(split_stamp(""), (None, ""));
    }
}
