//! `catalyst-tui follow` as a script runs it: the real binary against a sandbox started
//! here, with faults injected. Stdout must hold exactly the server's events (compared
//! with `GET /deployments/{id}/events`, or the operation's log as the sandbox keeps it):
//! none lost, none twice, in order; stderr tells the rest in words; the exit code says
//! how it ended.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

use contract_support as support;

use std::process::{Output, Stdio};
use std::time::Duration;

use catalyst_tui::api::{ApiClient, ClientConfig, ProvisioningClient, TokenSource};
use catalyst_tui::follow_cli::render::{Colour, deployment_line, operation_line};
use catalyst_tui::model::{
    ActionRequest, AppAction, DeploymentStatus, OperationLogLine, ProvisionEvent,
};
use catalyst_tui::sandbox::{Faults, RunningSandbox, SandboxOptions};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Longest one run of the binary may take (a liveness bound: runs take seconds).
const LIVENESS: Duration = Duration::from_secs(60);

/// The binary with a clean environment: no configuration, no token, no colour rules
/// from the machine running the tests.
fn follow(home: &tempfile::TempDir, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_catalyst-tui"));
    c.arg("follow")
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in [
        "CATALYST_API_URL",
        "CATALYST_PROVISIONING_URL",
        "CATALYST_TOKEN",
        "CATALYST_TOKEN_FILE",
        "CATALYST_PROFILE",
        "CATALYST_CA_FILE",
        "NO_COLOR",
    ] {
        c.env_remove(var);
    }
    c
}

async fn run(home: &tempfile::TempDir, args: &[&str]) -> Output {
    tokio::time::timeout(LIVENESS, follow(home, args).output())
        .await
        .expect("follow ends")
        .expect("follow runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

async fn sandbox(speed: f64, faults: Faults) -> RunningSandbox {
    support::start_with(SandboxOptions {
        speed,
        faults,
        ..SandboxOptions::default()
    })
    .await
}

fn provisioning(sb: &RunningSandbox) -> ProvisioningClient {
    let config = ClientConfig::parse(&sb.base_url)
        .unwrap()
        .with_provisioning_url(&format!("{}/sovereign", sb.base_url))
        .unwrap();
    ApiClient::new(config, TokenSource::None)
        .unwrap()
        .provisioning()
        .unwrap()
}

/// The id of the seeded run that is `running` (still playing) or has `status`.
async fn run_id(prov: &ProvisioningClient, status: Option<DeploymentStatus>) -> String {
    let runs = prov.list_deployments().await.unwrap().unwrap();
    runs.iter()
        .find(|d| match status {
            Some(s) => d.status == s,
            None => !d.status.is_terminal(),
        })
        .expect("a seeded run")
        .id
        .clone()
}

/// Everything the service holds for `id`, finished.
async fn servers_events(prov: &ProvisioningClient, id: &str) -> Vec<ProvisionEvent> {
    let all = prov.deployment_events(id).await.unwrap();
    assert!(all.done, "the run has finished");
    all.events
}

#[track_caller]
fn assert_same_lines(ours: &[String], server: &[String]) {
    if ours.len() != server.len() {
        let first = ours.iter().zip(server).position(|(a, b)| a != b);
        panic!(
            "{} lines printed, the server has {}; first difference at {first:?}",
            ours.len(),
            server.len()
        );
    }
    if let Some(i) = ours.iter().zip(server).position(|(a, b)| a != b) {
        let window = i.saturating_sub(2)..(i + 3).min(ours.len());
        panic!(
            "out of the server's order at line {i}:\n ours   {:#?}\n server {:#?}",
            &ours[window.clone()],
            &server[window]
        );
    }
}

/// Follows the running deployment as text and checks stdout line for line against the
/// service's list; returns stderr.
async fn follow_running_as_text(faults: Faults, extra: &[&str]) -> String {
    let sb = sandbox(40.0, faults).await;
    let prov = provisioning(&sb);
    let id = run_id(&prov, None).await;
    let home = tempfile::tempdir().unwrap();
    let target = format!("deployment/{id}");
    let mut args = vec![target.as_str(), "--api-url", sb.base_url.as_str()];
    args.extend_from_slice(extra);
    let out = run(&home, &args).await;
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "ready exits 0; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("deployment {id} is ready")),
        "{stderr}"
    );
    let ours: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    let server: Vec<String> = servers_events(&prov, &id)
        .await
        .iter()
        .map(|e| deployment_line(e, Colour::Strip))
        .collect();
    assert_same_lines(&ours, &server);
    assert!(
        !text(&out.stdout).contains('\u{1b}'),
        "no colour codes into a pipe"
    );
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_printed_line_for_line_and_ready_exits_0() {
    let stderr = follow_running_as_text(Faults::default(), &[]).await;
    assert!(!stderr.contains("reconnecting"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_stream_is_cut_and_resumed_without_a_line_lost_or_repeated() {
    let faults = Faults {
        idle_after_events: Some(150),
        ..Faults::default()
    };
    let stderr = follow_running_as_text(faults, &["--idle-timeout", "2"]).await;
    assert!(stderr.contains("no data for 2 s (idle cut)"), "{stderr}");
    assert!(stderr.contains("connected again"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cuts_repeats_and_server_errors_leave_exactly_the_servers_events_as_json() {
    let faults = Faults {
        drop_after_events: Some(120),
        duplicate_on_reconnect: true,
        drop_live_every: Some(9),
        error_ratio: 0.2,
        ..Faults::default()
    };
    let sb = sandbox(40.0, faults).await;
    let prov = provisioning(&sb);
    // The listing itself may meet an injected 5xx: ask again.
    let mut id = None;
    for _ in 0..5 {
        if let Ok(Some(runs)) = prov.list_deployments().await {
            id = runs
                .iter()
                .find(|d| !d.status.is_terminal())
                .map(|d| d.id.clone());
            break;
        }
    }
    let id = id.expect("the running run");
    let home = tempfile::tempdir().unwrap();
    let target = format!("deployment/{id}");
    let out = run(
        &home,
        &[&target, "--api-url", &sb.base_url, "--output", "json"],
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(stderr.contains("reconnecting in"), "{stderr}");
    let ours: Vec<ProvisionEvent> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let mut server = None;
    for _ in 0..5 {
        if let Ok(all) = prov.deployment_events(&id).await {
            server = Some(all.events);
            break;
        }
    }
    let server = server.expect("the service's list");
    assert_eq!(ours.len(), server.len(), "none lost, none twice");
    if let Some(i) = ours.iter().zip(&server).position(|(a, b)| a != b) {
        for j in i.saturating_sub(2)..(i + 4).min(ours.len()) {
            eprintln!("{j}\n ours   {:?}\n server {:?}", ours[j], server[j]);
        }
        eprintln!("{stderr}");
    }
    assert_eq!(ours, server, "in the service's order");
    // Each line is the wire event: only the contract's field names.
    for line in text(&out.stdout).lines().take(50) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in v.as_object().unwrap().keys() {
            assert!(
                ["time", "phase", "level", "message", "component", "state"].contains(&key.as_str()),
                "{key} in {line}"
            );
        }
    }
}

/// Two followers of one run share the service's live queue (each gets part of the live
/// events) and every third live event is dropped: each still prints exactly `/events`,
/// in its order (the dropped events in their place, not where a re-sync found them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_and_split_live_events_are_printed_in_the_services_order() {
    let faults = Faults {
        duplicate_on_reconnect: true,
        drop_live_every: Some(3),
        ..Faults::default()
    };
    let sb = sandbox(40.0, faults).await;
    let prov = provisioning(&sb);
    let id = run_id(&prov, None).await;
    let target = format!("deployment/{id}");
    let (home_a, home_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let args = [
        target.as_str(),
        "--api-url",
        sb.base_url.as_str(),
        "--output",
        "json",
    ];
    let (a, b) = tokio::join!(run(&home_a, &args), run(&home_b, &args));
    let server: Vec<String> = servers_events(&prov, &id)
        .await
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    for out in [a, b] {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
        let ours: Vec<String> = text(&out.stdout)
            .lines()
            .map(|l| {
                let e: ProvisionEvent =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
                serde_json::to_string(&e).unwrap()
            })
            .collect();
        assert_same_lines(&ours, &server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_run_exits_1_with_the_reason_from_its_state() {
    let sb = sandbox(0.0, Faults::default()).await;
    let prov = provisioning(&sb);
    let id = run_id(&prov, Some(DeploymentStatus::Failed)).await;
    let home = tempfile::tempdir().unwrap();
    let target = format!("deployment/{id}");
    let out = run(&home, &[&target, "--api-url", &sb.base_url]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    let error = prov.deployment(&id).await.unwrap().error.unwrap();
    assert!(
        stderr.contains(&format!("deployment {id} failed: {error}")),
        "{stderr}"
    );
    let ours: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    let server: Vec<String> = servers_events(&prov, &id)
        .await
        .iter()
        .map(|e| deployment_line(e, Colour::Strip))
        .collect();
    assert_same_lines(&ours, &server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_run_exits_2_with_the_services_words() {
    let sb = sandbox(0.0, Faults::default()).await;
    let home = tempfile::tempdir().unwrap();
    let out = run(
        &home,
        &[
            "deployment/0123456789abcdef",
            "--provisioning-url",
            &format!("{}/sovereign", sb.base_url),
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("cannot follow deployment/0123456789abcdef")
            && stderr.contains("deployment not found"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_service_is_given_up_on_with_2() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", free.local_addr().unwrap());
    drop(free);
    let home = tempfile::tempdir().unwrap();
    let out = run(
        &home,
        &[
            "deployment/0123456789abcdef",
            "--api-url",
            &url,
            "--give-up-after",
            "2",
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr.contains("reconnecting in 1 s (attempt 2)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("gave up after 2 failed connection attempts: could not connect"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nothing_configured_follow_says_what_to_give() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&home, &["deployment/0123456789abcdef"]).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--provisioning-url") && stderr.contains("--api-url"),
        "{stderr}"
    );
    let out = run(&home, &["events", "--api-url", "http://127.0.0.1:9"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--persona"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_log_is_printed_through_cuts_and_its_outcome_exits_0() {
    let faults = Faults {
        drop_after_events: Some(3),
        ..Faults::default()
    };
    let sb = sandbox(10.0, faults).await;
    let token = support::raw_token(&sb, "layla").await;
    let layla = ApiClient::new(
        support::config(&sb, None),
        TokenSource::Static {
            token: token.clone().into(),
            origin: "test".into(),
        },
    )
    .unwrap();
    let op = layla
        .application_action(
            "digital-channels-dev",
            "payment-rail",
            &ActionRequest {
                action: AppAction::Restart,
                reason: "follow from a script".into(),
            },
        )
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let token_file = home.path().join("token");
    std::fs::write(&token_file, &token).unwrap();
    let target = format!("operation/{}", op.operation_id);
    let out = run(
        &home,
        &[
            &target,
            "--api-url",
            &sb.base_url,
            "--token-file",
            token_file.to_str().unwrap(),
        ],
    )
    .await;
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(
        stderr.contains(&format!("operation {} succeeded", op.operation_id)),
        "{stderr}"
    );
    assert!(
        stderr.contains("reconnecting in"),
        "cut every 3 lines: {stderr}"
    );
    let server: Vec<OperationLogLine> = sb.state.world.read().await.operations[&op.operation_id]
        .lines
        .clone();
    let server: Vec<String> = server
        .iter()
        .map(|l| operation_line(l, Colour::Strip))
        .collect();
    let ours: Vec<String> = stdout.lines().map(str::to_string).collect();
    assert_same_lines(&ours, &server);
    assert!(!stdout.contains('\u{1b}'), "colours stripped for a pipe");
    assert!(
        !stdout.contains(&token) && !stderr.contains(&token),
        "the token is never printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_exits_2_without_printing_it() {
    let sb = sandbox(0.0, Faults::default()).await;
    let home = tempfile::tempdir().unwrap();
    let canary = "canary-token-7f3a9c1e5b";
    let out = follow(&home, &["events", "--api-url", &sb.base_url])
        .env("CATALYST_TOKEN", canary)
        .output();
    let out = tokio::time::timeout(LIVENESS, out).await.unwrap().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("(401)"), "{stderr}");
    assert!(!stderr.contains(canary) && !text(&out.stdout).contains(canary));
}

/// Reads lines of `child`'s stdout until `n` arrived.
async fn read_lines(child: &mut tokio::process::Child, n: usize) -> Vec<String> {
    let stdout = child.stdout.as_mut().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut got = Vec::new();
    tokio::time::timeout(LIVENESS, async {
        while got.len() < n {
            match lines.next_line().await.unwrap() {
                Some(l) => got.push(l),
                None => break,
            }
        }
    })
    .await
    .expect("lines arrive");
    got
}

async fn signal(child: &tokio::process::Child, name: &str) {
    let pid = child.id().unwrap().to_string();
    let status = Command::new("kill")
        .args([name, &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_resume_by_id_as_json_and_sigterm_exits_0() {
    let faults = Faults {
        drop_after_events: Some(5),
        ..Faults::default()
    };
    let sb = sandbox(20.0, faults).await;
    let home = tempfile::tempdir().unwrap();
    let mut child = follow(
        &home,
        &[
            "events",
            "--api-url",
            &sb.base_url,
            "--persona",
            "admin",
            "--output",
            "json",
        ],
    )
    .spawn()
    .unwrap();
    let lines = read_lines(&mut child, 15).await;
    assert_eq!(lines.len(), 15);
    signal(&child, "-TERM").await;
    let out = tokio::time::timeout(LIVENESS, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(
        stderr.contains("connected again"),
        "cut every 5 events: {stderr}"
    );
    let ids: Vec<u64> = lines
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v["event"].is_string() && v["data"].is_object(), "{l}");
            v["id"].as_u64().unwrap()
        })
        .collect();
    for pair in ids.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "no gap, no repeat: {ids:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_follow_exits_130() {
    // At real-time speed the run is still going when the follow is interrupted.
    let sb = sandbox(1.0, Faults::default()).await;
    let prov = provisioning(&sb);
    let id = run_id(&prov, None).await;
    let home = tempfile::tempdir().unwrap();
    let target = format!("deployment/{id}");
    let mut child = follow(&home, &[&target, "--api-url", &sb.base_url])
        .spawn()
        .unwrap();
    let first = read_lines(&mut child, 1).await;
    assert_eq!(first.len(), 1);
    signal(&child, "-INT").await;
    let status = tokio::time::timeout(LIVENESS, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(130));
}
