//! The real `kubectl` against the sandbox with the kubeconfig document of a grant's
//! credentials (mode 0600 in a temporary directory): the sandbox's own HTTPS server,
//! verified with the CA the credentials carry, as a real cluster's API endpoint would be
//! (kubectl sends a kubeconfig's token only over TLS). Skipped, with a note, only when
//! `kubectl` is not on PATH.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::*;

fn kubectl_on_path() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("kubectl").is_file()))
}

/// The grant's kubeconfig as the console writes it (the sandbox's HTTPS server and its
/// CA), mode 0600.
fn write_kubeconfig(dir: &Path, creds: &AccessCredentials) -> std::path::PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(&path, catalyst_tui::kube::kubeconfig_document(creds)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn kubectl(dir: &Path, config: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("kubectl");
    c.env("KUBECONFIG", config)
        .env("HOME", dir)
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy")
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--request-timeout=60s")
        .args(args)
        .kill_on_drop(true);
    c
}

async fn run(dir: &Path, config: &Path, args: &[&str]) -> String {
    let out = kubectl(dir, config, args).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        out.status.success(),
        "kubectl {args:?} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_gets_describes_and_reads_logs() {
    if !kubectl_on_path() {
        eprintln!("note: kubectl is not on PATH; skipping the kubectl test");
        return;
    }
    let sb = start().await;
    let (_layla, _id, creds) = granted(&sb).await;
    degrade(&sb).await;
    let crashing = crashing_pod(&sb).await;
    let healthy = app_pods(&sb)
        .await
        .into_iter()
        .find(|p| *p != crashing)
        .unwrap();
    assert!(
        creds.server.starts_with(&sb.kube_base_url) && sb.kube_base_url.starts_with("https://"),
        "{}",
        creds.server
    );
    let dir = tempfile::tempdir().unwrap();
    let config = write_kubeconfig(dir.path(), &creds);
    let d = dir.path();

    let pods = run(d, &config, &["get", "pods"]).await;
    assert!(
        pods.contains(&crashing) && pods.contains(&healthy),
        "{pods}"
    );
    let row = pods.lines().find(|l| l.starts_with(&crashing)).unwrap();
    assert!(
        row.contains("0/1") && row.contains("CrashLoopBackOff"),
        "{pods}"
    );

    let described = run(d, &config, &["describe", "pod", &crashing]).await;
    assert!(described.contains("CrashLoopBackOff"), "{described}");
    assert!(described.contains("BackOff"), "{described}");
    assert!(
        described.contains("Back-off restarting failed container"),
        "{described}"
    );

    let logs = run(d, &config, &["logs", &healthy]).await;
    assert!(logs.contains("msg=\"serving\""), "{logs}");
    let previous = run(d, &config, &["logs", "--previous", &crashing]).await;
    assert!(previous.contains(WHY), "{previous}");

    let hrs = run(d, &config, &["get", "helmreleases"]).await;
    let row = hrs.lines().find(|l| l.starts_with(APP)).unwrap();
    assert!(row.contains("False") && row.contains(WHY), "{hrs}");
    let hr = run(d, &config, &["get", "hr", APP, "-o", "json"]).await;
    assert!(hr.contains("HealthCheckFailed"), "{hr}");
    let ks = run(d, &config, &["get", "kustomizations"]).await;
    assert!(ks.contains(ENV), "{ks}");

    let events = run(d, &config, &["get", "events"]).await;
    assert!(events.contains("BackOff"), "{events}");

    // `logs -f`: new lines keep coming after the ones so far.
    let so_far = logs.lines().count();
    let mut child = kubectl(d, &config, &["logs", "-f", &healthy])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        let mut n = 0;
        while let Some(l) = lines.next_line().await.unwrap() {
            n += 1;
            if n > so_far {
                return l;
            }
        }
        panic!("kubectl logs -f ended after {n} lines");
    })
    .await
    .expect("a followed line arrives");
    assert!(read.contains("msg=\"request\""), "{read}");
    child.kill().await.unwrap();

    // `get events -w`: the current events first, then those a change brings.
    let mut child = kubectl(d, &config, &["get", "events", "-w"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let watched = tokio::time::timeout(Duration::from_secs(60), async {
        let mut degraded = false;
        while let Some(l) = lines.next_line().await.unwrap() {
            if !degraded && l.contains("BackOff") && l.contains(APP) {
                // The listing is there: now another Application degrades.
                degrade_app(&sb, "marketing-site").await;
                degraded = true;
            }
            if l.contains("BackOff") && l.contains("pod/marketing-site-") {
                return l;
            }
        }
        panic!("kubectl get events -w ended");
    })
    .await
    .expect("kubectl get events -w shows the new BackOff");
    assert!(watched.contains("Warning"), "{watched}");
    child.kill().await.unwrap();

    // Once the grant has run out, the same kubeconfig is refused: 401.
    advance_clock(&sb, 2 * 3600).await;
    let out = kubectl(d, &config, &["get", "pods"])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("Unauthorized"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_is_refused_once_the_grant_is_revoked() {
    if !kubectl_on_path() {
        eprintln!("note: kubectl is not on PATH; skipping the kubectl test");
        return;
    }
    let sb = start().await;
    let (layla, id, creds) = granted(&sb).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_kubeconfig(dir.path(), &creds);
    let d = dir.path();
    let pods = run(d, &config, &["get", "pods"]).await;
    assert!(pods.contains(APP), "{pods}");

    layla.revoke_access_request(&id).await.unwrap();
    let out = kubectl(d, &config, &["get", "pods"])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("Unauthorized"), "{stderr}");
    assert!(
        !stderr.contains(&creds.token),
        "no token in kubectl's errors"
    );
}
