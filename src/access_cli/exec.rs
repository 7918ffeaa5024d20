//! `access exec`: the caller's live grant on the Environment as a kubeconfig file, a
//! command run with `KUBECONFIG` pointing at it, its exit status passed through, and the
//! file removed afterwards — also when this process is told to stop (the command is
//! ended first). Stale files of earlier sessions are swept before a new one is written.

use std::os::unix::process::ExitStatusExt as _;

use chrono::Utc;

use super::EXIT_CANNOT;
use crate::api::ApiClient;
use crate::follow_cli::output::{Interrupt, Interrupts};
use crate::kube::{KubeconfigFile, runtime_dir, sweep_stale};
use crate::model::{AccessRequest, AccessState, PageQuery};

pub(super) async fn run(client: &ApiClient, env: &str, command: Vec<String>) -> i32 {
    let grant = match live_grant(client, env).await {
        Ok(Some(g)) => g,
        Ok(None) => {
            eprintln!(
                "catalyst-tui access: you have no live grant on {env}: ask with \
                 `catalyst-tui access request {env} --reason TEXT --wait`"
            );
            return EXIT_CANNOT;
        }
        Err(why) => {
            eprintln!("catalyst-tui access: {why}");
            return EXIT_CANNOT;
        }
    };
    let creds = match client.access_credentials(&grant.id).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("catalyst-tui access: the grant's credentials: {e}");
            return EXIT_CANNOT;
        }
    };
    let dir = match runtime_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("catalyst-tui access: no private runtime directory: {e}");
            return EXIT_CANNOT;
        }
    };
    sweep_stale(&dir, Utc::now());
    let file = match KubeconfigFile::write_in(&dir, &creds) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("catalyst-tui access: writing the kubeconfig: {e}");
            return EXIT_CANNOT;
        }
    };
    let minutes = (creds.expires_at - Utc::now()).num_minutes().max(0);
    eprintln!(
        "kube session: {} {} (namespace {}), {minutes} min left (until {})",
        grant.access,
        env,
        creds.namespace,
        creds.expires_at.format("%H:%M UTC")
    );
    let (program, args) = match command.split_first() {
        Some((p, rest)) => (p.clone(), rest.to_vec()),
        None => (
            std::env::var("SHELL")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "/bin/sh".to_string()),
            Vec::new(),
        ),
    };
    let mut child = match tokio::process::Command::new(&program)
        .args(&args)
        .env("KUBECONFIG", file.path())
        .env("CATALYST_KUBE_CONTEXT", &creds.context)
        .env("CATALYST_GRANT_EXPIRES", creds.expires_at.to_rfc3339())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("catalyst-tui access: cannot run {program}: {e}");
            return EXIT_CANNOT;
        }
    };
    let mut interrupts = Interrupts::new();
    let mut terminated = false;
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            i = interrupts.recv() => match i {
                // Ctrl-C reaches the command too (same terminal): it decides.
                Interrupt::Int => {}
                // Told to stop: the command is ended, then the file goes.
                Interrupt::Term => {
                    terminated = true;
                    let _ = child.start_kill();
                }
            },
        }
    };
    drop(file);
    if terminated {
        return 143;
    }
    match status {
        Ok(s) => s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0)),
        Err(e) => {
            eprintln!("catalyst-tui access: waiting for {program}: {e}");
            EXIT_CANNOT
        }
    }
}

/// The caller's granted request on `env` that lasts longest, if any.
async fn live_grant(client: &ApiClient, env: &str) -> Result<Option<AccessRequest>, String> {
    let me = client.me().await.map_err(|e| e.to_string())?;
    let page = client
        .list_access_requests(Some(AccessState::Granted), &PageQuery::default())
        .await
        .map_err(|e| format!("listing your access requests: {e}"))?;
    let now = Utc::now();
    Ok(page
        .items
        .into_iter()
        .filter(|r| r.environment == env && r.requester == me.sub)
        .filter(|r| r.expires_at.is_some_and(|e| e > now))
        .max_by_key(|r| r.expires_at))
}
