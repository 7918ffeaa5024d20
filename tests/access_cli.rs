#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! `catalyst-tui access` as a script runs it, the real binary against a sandbox: a request
//! granted at once by policy and one waiting for an approver (`--wait` exits 0 once
//! granted, 1 once denied), `exec` running a command with `KUBECONFIG` for the live grant
//! (a 0600 file in the private runtime directory, the command's exit status passed
//! through, the file gone afterwards, also when the session is told to stop), the real
//! `kubectl` run by `exec` reading the grant's pods from the sandbox's HTTPS server (skipped,
//! with a note, only when kubectl is not on PATH), and `exec` without a grant exiting 2 with
//! the reason. No token in any output.

#[path = "contract_support/mod.rs"]
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use catalyst_tui::model::{AccessDecision, AccessDecisionKind, AccessState, PageQuery};
use catalyst_tui::sandbox::RunningSandbox;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Longest one run of the binary may take (a liveness bound: runs take seconds).
const LIVENESS: Duration = Duration::from_secs(90);

/// The binary with a clean environment and its own runtime directory.
fn access(home: &tempfile::TempDir, sb: &RunningSandbox, persona: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_catalyst-tui"));
    // The connection flags belong to the subcommand and come before any `--`.
    c.arg("access")
        .arg(args[0])
        .args(["--api-url", &sb.base_url, "--persona", persona])
        .args(&args[1..])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_RUNTIME_DIR", runtime(home))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in ["CATALYST_API_URL", "CATALYST_TOKEN", "CATALYST_PROFILE"] {
        c.env_remove(var);
    }
    c
}

fn runtime(home: &tempfile::TempDir) -> PathBuf {
    let dir = home.path().join("run");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn credential_files(home: &tempfile::TempDir) -> Vec<PathBuf> {
    let dir = runtime(home).join("catalyst-tui");
    match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

async fn run(cmd: &mut Command) -> Output {
    tokio::time::timeout(LIVENESS, cmd.output())
        .await
        .expect("access ends")
        .expect("access runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_by_policy_then_exec_with_the_file_removed_afterwards() {
    let sb = support::start().await;
    let home = tempfile::tempdir().unwrap();
    let env = "digital-channels-dev";
    let out = run(&mut access(
        &home,
        &sb,
        "layla",
        &[
            "request",
            env,
            "--reason",
            "probe flaps",
            "--minutes",
            "20",
            "--wait",
        ],
    ))
    .await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains(" granted until "), "{stdout}");

    let script = "echo \"K=$KUBECONFIG\"; stat -c %a \"$KUBECONFIG\"; cat \"$KUBECONFIG\" >/dev/null; exit 7";
    let out = run(&mut access(
        &home,
        &sb,
        "layla",
        &["exec", env, "--", "sh", "-c", script],
    ))
    .await;
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "the command's status: {stderr}");
    let path = stdout
        .lines()
        .find_map(|l| l.strip_prefix("K="))
        .expect("KUBECONFIG was set");
    assert!(
        Path::new(path).starts_with(runtime(&home).join("catalyst-tui")),
        "{path}"
    );
    assert!(stdout.contains("\n600\n"), "mode 0600: {stdout}");
    assert!(!Path::new(path).exists(), "removed after the command");
    assert!(
        stderr.contains("kube session: debug digital-channels-dev"),
        "{stderr}"
    );
    assert!(credential_files(&home).is_empty());
    assert!(
        !stdout.contains("sbx-") && !stderr.contains("sbx-"),
        "no token shown"
    );
}

fn kubectl_on_path() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("kubectl").is_file()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_runs_kubectl_against_the_grant_over_tls() {
    if !kubectl_on_path() {
        eprintln!("note: kubectl is not on PATH; skipping the access exec kubectl test");
        return;
    }
    let sb = support::start().await;
    let home = tempfile::tempdir().unwrap();
    let env = "digital-channels-dev";
    let out = run(&mut access(
        &home,
        &sb,
        "layla",
        &[
            "request",
            env,
            "--reason",
            "payment-rail pods",
            "--minutes",
            "20",
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let mut cmd = access(
        &home,
        &sb,
        "layla",
        &[
            "exec",
            env,
            "--",
            "kubectl",
            "get",
            "pods",
            "--request-timeout=60s",
        ],
    );
    for var in ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"] {
        cmd.env_remove(var);
    }
    let out = run(&mut cmd).await;
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "kubectl failed:\n{stdout}\n{stderr}"
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("payment-rail-"))
        .unwrap_or_else(|| panic!("payment-rail's pods:\n{stdout}"));
    assert!(row.contains("Running"), "{stdout}");
    assert!(stdout.starts_with("NAME"), "{stdout}");
    assert!(credential_files(&home).is_empty());
    assert!(
        !stdout.contains("sbx-") && !stderr.contains("sbx-"),
        "no token shown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_request_waits_for_the_approver_and_a_denial_exits_1() {
    let sb = support::start().await;
    let admin = support::sign_in(&sb, "admin").await;
    let env = "digital-channels-prod";
    for (decision, want) in [
        (AccessDecisionKind::Grant, 0),
        (AccessDecisionKind::Deny, 1),
    ] {
        let home = tempfile::tempdir().unwrap();
        let mut child = access(
            &home,
            &sb,
            "layla",
            &[
                "request",
                env,
                "--reason",
                "incident 4711",
                "--minutes",
                "15",
                "--wait",
            ],
        )
        .spawn()
        .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(LIVENESS, lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .expect("the request's line");
        let (id, state) = first.split_once(' ').unwrap();
        assert_eq!(state, "pending", "{first}");
        let pending = admin
            .list_access_requests(Some(AccessState::Pending), &PageQuery::default())
            .await
            .unwrap();
        assert!(pending.items.iter().any(|r| r.id == id));
        admin
            .decide_access_request(
                id,
                &AccessDecision {
                    decision,
                    comment: "from the test".into(),
                },
            )
            .await
            .unwrap();
        let status = tokio::time::timeout(LIVENESS, child.wait())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status.code(), Some(want), "{decision:?}");
        let rest = lines.next_line().await.unwrap().unwrap_or_default();
        assert!(rest.starts_with(id), "{rest}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_without_a_grant_exits_2_and_a_stopped_session_leaves_no_file() {
    let sb = support::start().await;
    let home = tempfile::tempdir().unwrap();
    let out = run(&mut access(
        &home,
        &sb,
        "layla",
        &["exec", "digital-channels-uat", "--", "true"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no live grant on digital-channels-uat"),
        "{}",
        text(&out.stderr)
    );

    let env = "digital-channels-dev";
    let out = run(&mut access(
        &home,
        &sb,
        "layla",
        &["request", env, "--reason", "x", "--minutes", "20"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut child = access(&home, &sb, "layla", &["exec", env, "--", "sleep", "60"])
        .spawn()
        .unwrap();
    // Wait (bounded) for the session's file, then tell the session to stop.
    let deadline = tokio::time::Instant::now() + LIVENESS;
    while credential_files(&home).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no kubeconfig written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = child.id().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(LIVENESS, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(143));
    assert!(
        credential_files(&home).is_empty(),
        "the file went with the session"
    );
}
