//! The real `kubectl` against the sandbox with a kubeconfig built from a grant's
//! credentials (mode 0600 in a temporary directory). Skipped, with a note, only when
//! `kubectl` is not on PATH.
//!
//! kubectl (client-go) reads a kubeconfig's credentials only for a TLS server and would
//! never send the grant's token to the sandbox's plain-HTTP loopback address, so the
//! test fronts the sandbox with a TLS terminator using the client tests' throwaway
//! certificate for 127.0.0.1, as a real cluster's API endpoint would be.

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

/// Serves TLS on a loopback port and forwards every connection to `backend`; returns
/// the `https://` base URL.
async fn tls_front(backend: std::net::SocketAddr) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/client_tls");
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    format!("https://{addr}")
}

fn write_kubeconfig(dir: &Path, creds: &AccessCredentials) -> std::path::PathBuf {
    use base64::Engine;
    let ca = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/client_tls/ca.pem"))
        .unwrap();
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: sandbox\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\n\
         contexts:\n- name: {ctx}\n  context:\n    cluster: sandbox\n    user: grant\n    namespace: {ns}\n\
         current-context: {ctx}\nusers:\n- name: grant\n  user:\n    token: {token}\n",
        server = creds.server,
        ca = base64::engine::general_purpose::STANDARD.encode(ca),
        ctx = creds.context,
        ns = creds.namespace,
        token = creds.token,
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
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
    let front = tls_front(sb.addr).await;
    let creds = AccessCredentials {
        server: creds.server.replace(&sb.base_url, &front),
        ..creds
    };
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
}
