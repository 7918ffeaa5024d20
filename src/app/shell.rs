//! Handing the terminal to a shell inside a grant (CONTRACT Part C): the grant's
//! credentials as a kubeconfig file (0600 in the private runtime directory), the shell
//! (`$SHELL`, else `/bin/sh`) or one command line the operator asked for (`kubectl logs -f
//! …`, which then waits for Enter so its output can be read) started with `KUBECONFIG`
//! pointing at it after a banner
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
    /// A command line to run instead of the shell.
    line: Option<String>,
}

impl ShellHandOff {
    /// The credentials of grant `grant` on `env`, written for a shell.
    pub async fn prepare(
        client: &ApiClient,
        grant: &str,
        env: &str,
        line: Option<String>,
    ) -> Result<Self, String> {
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
        Ok(ShellHandOff { file, banner, line })
    }

    /// The command to hand the terminal to: the banner, then the shell.
    pub fn command(&self) -> std::process::Command {
        let shell = std::env::var("SHELL")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".to_string());
        let mut c = std::process::Command::new("/bin/sh");
        match &self.line {
            // The operator's own command line, run by the shell as typed; its output
            // stays on screen until Enter.
            Some(line) => c
                .args([
                    "-c",
                    "printf '%s\\n$ %s\\n' \"$CATALYST_KUBE_BANNER\" \"$CATALYST_KUBE_COMMAND\"; \
                     /bin/sh -c \"$CATALYST_KUBE_COMMAND\"; s=$?; \
                     printf '\\n[exit %s] Press Enter to return to the console. ' \"$s\"; read _",
                ])
                .env("CATALYST_KUBE_COMMAND", line),
            None => c.args([
                "-c",
                "printf '%s\\n' \"$CATALYST_KUBE_BANNER\"; exec \"$0\"",
                &shell,
            ]),
        }
        .env("KUBECONFIG", self.file.path())
        .env("CATALYST_KUBE_BANNER", &self.banner);
        c
    }
}
