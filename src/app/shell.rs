//! Handing the terminal to a shell inside a grant (CONTRACT Part C): the grant's
//! credentials as a kubeconfig file (0600 in the private runtime directory), the shell
//! (`$SHELL`, else `/bin/sh`) started with `KUBECONFIG` pointing at it after a banner
//! naming the scope and the expiry, the terminal taken back when it exits, and the file
//! removed with the hand-off (dropped after the shell, on quit, on a panic's unwinding;
//! stale files are swept at start-up).
//!
//! Must not print the token or keep the file beyond the hand-off.

use chrono::Utc;

use crate::api::ApiClient;
use crate::kube::{KubeconfigFile, runtime_dir, sweep_stale};

/// A shell ready to be handed the terminal.
#[derive(Debug)]
pub struct ShellHandOff {
    file: KubeconfigFile,
    banner: String,
}

impl ShellHandOff {
    /// The credentials of grant `grant` on `env`, written for a shell.
    pub async fn prepare(client: &ApiClient, grant: &str, env: &str) -> Result<Self, String> {
        let creds = client
            .access_credentials(grant)
            .await
            .map_err(|e| crate::words::shell_failed(env, &e.to_string()))?;
        let dir = runtime_dir().map_err(|e| crate::words::shell_failed(env, &e.to_string()))?;
        sweep_stale(&dir, Utc::now());
        let file = KubeconfigFile::write_in(&dir, &creds)
            .map_err(|e| crate::words::shell_failed(env, &e.to_string()))?;
        let banner = crate::words::shell_banner(
            env,
            &creds.namespace,
            &creds.context,
            &creds.expires_at.format("%H:%M UTC").to_string(),
        );
        Ok(ShellHandOff { file, banner })
    }

    /// The command to hand the terminal to: the banner, then the shell.
    pub fn command(&self) -> std::process::Command {
        let shell = std::env::var("SHELL")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".to_string());
        let mut c = std::process::Command::new("/bin/sh");
        c.args([
            "-c",
            "printf '%s\\n' \"$CATALYST_KUBE_BANNER\"; exec \"$0\"",
            &shell,
        ])
        .env("KUBECONFIG", self.file.path())
        .env("CATALYST_KUBE_BANNER", &self.banner);
        c
    }
}
