//! The official Rust client (`kube`) against the sandbox: pods, logs (also followed),
//! events, HelmReleases as dynamic objects, and a watcher that sees a pod change when an
//! Application degrades.

use std::time::Duration;

use futures::{AsyncBufReadExt, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, LogParams};
use kube::runtime::watcher;

use super::*;

/// A `kube::Client` for the credentials, the way the console builds one: from the
/// grant's kubeconfig document (the sandbox's HTTPS server, its CA, the token and the
/// namespace).
pub async fn client(creds: &AccessCredentials) -> kube::Client {
    catalyst_tui::cli::install_tls_provider();
    let kc = kube::config::Kubeconfig::from_yaml(&catalyst_tui::kube::kubeconfig_document(creds))
        .unwrap();
    let config =
        kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
            .await
            .unwrap();
    assert_eq!(config.default_namespace, creds.namespace);
    kube::Client::try_from(config).unwrap()
}

fn helm_releases(client: &kube::Client, ns: &str) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("helm.toolkit.fluxcd.io", "v2", "HelmRelease");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "helmreleases");
    Api::namespaced_with(client.clone(), ns, &ar)
}

fn ready_condition(hr: &DynamicObject) -> (String, String, String) {
    let c = &hr.data["status"]["conditions"][0];
    assert_eq!(c["type"], "Ready");
    let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    (s("status"), s("reason"), s("message"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_client_reads_pods_logs_events_and_helm_releases() {
    let sb = start().await;
    let (_layla, _id, creds) = granted(&sb).await;
    assert!(
        creds.server.starts_with("https://127.0.0.1:"),
        "{}",
        creds.server
    );
    let client = client(&creds).await;
    let ns = creds.namespace.as_str();
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);

    let list = pods.list(&ListParams::default()).await.unwrap();
    assert!(list.metadata.resource_version.is_some());
    let names: Vec<String> = list
        .items
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    let mine = app_pods(&sb).await;
    for name in &mine {
        assert!(names.contains(name), "{name} in {names:?}");
    }
    let pod = pods.get(&mine[0]).await.unwrap();
    assert_eq!(pod.metadata.namespace.as_deref(), Some(ENV));
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    assert_eq!(
        labels.get("app.kubernetes.io/instance").map(String::as_str),
        Some(APP)
    );
    let status = pod.status.unwrap();
    assert_eq!(status.phase.as_deref(), Some("Running"));
    let cs = &status.container_statuses.unwrap()[0];
    assert!(cs.ready);
    assert!(pod.spec.unwrap().node_name.is_some());

    let logs = pods.logs(&mine[0], &LogParams::default()).await.unwrap();
    assert!(logs.contains("msg=\"serving\""), "{logs}");
    let tail = pods
        .logs(
            &mine[0],
            &LogParams {
                tail_lines: Some(2),
                timestamps: true,
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(tail.lines().count(), 2, "{tail}");

    // Following: the lines so far, then new request lines as they come.
    let follow = pods
        .log_stream(
            &mine[0],
            &LogParams {
                follow: true,
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    let first = logs.lines().count();
    let lines: Vec<String> = tokio::time::timeout(
        Duration::from_secs(60),
        follow.lines().take(first + 2).try_collect(),
    )
    .await
    .expect("followed lines arrive")
    .unwrap();
    assert!(
        lines[first..].iter().all(|l| l.contains("msg=\"request\"")),
        "{lines:?}"
    );

    let events: Api<Event> = Api::namespaced(client.clone(), ns);
    let evs = events.list(&ListParams::default()).await.unwrap();
    assert!(
        evs.items
            .iter()
            .any(|e| e.reason.as_deref() == Some("Started")
                && e.involved_object.name.as_deref() == Some(mine[0].as_str()))
    );

    let hr = helm_releases(&client, ns).get(APP).await.unwrap();
    assert_eq!(ready_condition(&hr).0, "True");
    let all = helm_releases(&client, ns)
        .list(&ListParams::default())
        .await
        .unwrap();
    assert!(all.items.len() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_sees_pods_change_when_an_application_degrades() {
    let sb = start().await;
    let (_layla, _id, creds) = granted(&sb).await;
    let client = client(&creds).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &creds.namespace);

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let watch = tokio::spawn(async move {
        let mut stream = watcher(pods, watcher::Config::default()).boxed();
        while let Some(e) = stream.next().await {
            if tx.send(e).is_err() {
                return;
            }
        }
    });
    // The initial list is done before the world changes.
    loop {
        match rx.recv().await.unwrap() {
            Ok(watcher::Event::InitDone) => break,
            Ok(_) => {}
            Err(e) => panic!("watcher error before the change: {e}"),
        }
    }
    degrade(&sb).await;
    let crashing = crashing_pod(&sb).await;
    let seen = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Ok(watcher::Event::Apply(p)) = rx.recv().await.unwrap()
                && p.metadata.name.as_deref() == Some(crashing.as_str())
            {
                return p;
            }
        }
    })
    .await
    .expect("the watcher sees the crash-looping pod");
    let cs = &seen.status.unwrap().container_statuses.unwrap()[0];
    assert!(!cs.ready);
    assert!(cs.restart_count >= 1);
    let waiting = cs.state.as_ref().unwrap().waiting.as_ref().unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("CrashLoopBackOff"));
    let last = cs.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!(last.message.as_deref(), Some(WHY));
    watch.abort();

    // The rest of the world agrees: HelmRelease, events, previous logs.
    let hr = helm_releases(&client, &creds.namespace)
        .get(APP)
        .await
        .unwrap();
    let (status, reason, message) = ready_condition(&hr);
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "HealthCheckFailed")
    );
    assert_eq!(message, WHY);
    let events: Api<Event> = Api::namespaced(client.clone(), &creds.namespace);
    let evs = events
        .list(&ListParams::default().fields(&format!("involvedObject.name={crashing}")))
        .await
        .unwrap();
    assert!(
        evs.items
            .iter()
            .all(|e| e.involved_object.name.as_deref() == Some(crashing.as_str()))
    );
    let backoff = evs
        .items
        .iter()
        .find(|e| e.reason.as_deref() == Some("BackOff"))
        .expect("a BackOff event");
    assert!(
        backoff
            .message
            .as_deref()
            .unwrap()
            .starts_with("Back-off restarting failed container")
    );
    assert_eq!(backoff.type_.as_deref(), Some("Warning"));
    assert!(
        evs.items
            .iter()
            .any(|e| e.message.as_deref().is_some_and(|m| m.contains(WHY)))
    );
    let pods: Api<Pod> = Api::namespaced(client, &creds.namespace);
    let previous = pods
        .logs(
            &crashing,
            &LogParams {
                previous: true,
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    assert!(previous.contains(WHY), "{previous}");
    assert!(previous.contains("level=fatal"), "{previous}");
}
