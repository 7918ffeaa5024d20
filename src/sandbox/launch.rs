//! `catalyst-tui sandbox`: turns the flags (and a `--faults FILE`) into options, starts
//! the server, prints where it is and who can sign in, and runs until Ctrl-C or
//! SIGTERM. Prints no token: there are none until someone signs in.

use std::fmt::Write as _;

use color_eyre::eyre::{WrapErr, eyre};

use super::options::{FaultArgs, Faults, SandboxArgs, SandboxOptions};
use super::server::{self, RunningSandbox};

/// Runs `catalyst-tui sandbox` until interrupted.
pub async fn serve_cli(args: SandboxArgs) -> color_eyre::Result<()> {
    let opts = options_from_args(&args).map_err(|e| eyre!(e))?;
    let listen = opts.listen;
    let running = server::spawn(opts)
        .await
        .wrap_err_with(|| format!("starting the sandbox on {listen}"))?;
    println!("{}", banner(&running).await);
    wait_for_signal().await;
    println!("Stopping the sandbox…");
    running.shutdown().await.wrap_err("stopping the sandbox")?;
    Ok(())
}

/// The options of the flags, with fault settings from `--faults FILE` under the flags.
pub fn options_from_args(args: &SandboxArgs) -> Result<SandboxOptions, String> {
    if !args.speed.is_finite() || args.speed < 0.0 {
        return Err(format!(
            "--speed must be 0 (frozen) or more, got {}",
            args.speed
        ));
    }
    if args.token_lifetime == 0 {
        return Err("--token-lifetime must be at least 1 second".into());
    }
    Ok(SandboxOptions {
        listen: args.listen,
        sovereign: args.sovereign,
        scale: args.scale,
        seed: args.seed,
        token_lifetime_secs: args.token_lifetime,
        speed: args.speed,
        faults: faults_from(&args.faults)?,
        flood_log: args.flood_log,
        no_deployment_list: args.no_deployment_list,
        api: args.api,
    })
}

/// Merges a faults file (TOML, the flags' names with `_`) with the flags; flags win.
pub fn faults_from(args: &FaultArgs) -> Result<Faults, String> {
    let mut f = match &args.file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the faults file {}: {e}", path.display()))?;
            toml::from_str::<Faults>(&text)
                .map_err(|e| format!("the faults file {} is not valid: {e}", path.display()))?
        }
        None => Faults::default(),
    };
    if let Some(v) = args.latency_ms {
        f.latency_ms = v;
    }
    if let Some(v) = args.rate_limit_every {
        f.rate_limit_every = Some(v);
    }
    if let Some(v) = args.rate_limit_burst {
        f.rate_limit_burst = v;
    }
    if let Some(v) = args.rate_limit_form {
        f.rate_limit_form = v;
    }
    if let Some(v) = args.error_ratio {
        f.error_ratio = v;
    }
    if let Some(v) = args.drop_after_events {
        f.drop_after_events = Some(v);
    }
    if let Some(v) = args.drop_after_secs {
        f.drop_after_secs = Some(v);
    }
    if let Some(v) = args.idle_after_events {
        f.idle_after_events = Some(v);
    }
    if let Some(v) = args.duplicate_on_reconnect {
        f.duplicate_on_reconnect = v;
    }
    if let Some(v) = args.drop_live_every {
        f.drop_live_every = Some(v);
    }
    if f.drop_live_every == Some(0) {
        return Err("drop_live_every must be at least 1 (every Nth live event)".into());
    }
    if !(0.0..=1.0).contains(&f.error_ratio) {
        return Err(format!(
            "error_ratio must be between 0.0 and 1.0, got {}",
            f.error_ratio
        ));
    }
    if f.rate_limit_every == Some(0) {
        return Err("rate_limit_every must be at least 1 (every Nth request)".into());
    }
    if f.rate_limit_every.is_some() && f.rate_limit_burst == 0 {
        f.rate_limit_burst = 1;
    }
    Ok(f)
}

/// What the sandbox prints at start: addresses, the Sovereign, personas, a first command.
pub async fn banner(running: &RunningSandbox) -> String {
    let base = &running.base_url;
    let world = running.state.world.read().await;
    let s = &world.sovereign;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Catalyst sandbox Sovereign: {} ({}, {})",
        s.name, s.domain, s.kind
    );
    let catalyst = running.state.opts.api == super::options::ApiMode::Catalyst;
    if catalyst {
        let _ = writeln!(
            out,
            "  catalyst-api   {base}/api/v1 (whoami, organizations, …)"
        );
        let _ = writeln!(
            out,
            "  provisioning   {base}/api/v1/deployments (behind the session)"
        );
    } else {
        let _ = writeln!(out, "  console API    {base}/api/v1");
        let _ = writeln!(out, "  provisioning   {base}/sovereign/api/v1");
    }
    let _ = writeln!(
        out,
        "  Kubernetes     {}/k8s/ENV (TLS; a grant's credentials carry this run's CA)",
        running.kube_base_url
    );
    let _ = writeln!(out, "  OIDC issuer    {base}/realms/sovereign");
    let _ = writeln!(
        out,
        "                 (client kubectl; every persona's password is `sandbox`)"
    );
    let _ = writeln!(out, "  device sign-in {base}/device");
    let _ = writeln!(
        out,
        "                 (OAuth device flow, client_id {})",
        super::identity::CLIENT_ID
    );
    if let Some(sc) = running.state.opts.scale {
        let _ = writeln!(
            out,
            "  scale          +{} Orgs x {} Environments x {} Applications",
            sc.orgs, sc.envs, sc.apps
        );
    }
    let faults = &running.state.opts.faults;
    if !faults.is_none() {
        let _ = writeln!(out, "  faults         {faults:?}");
    }
    if let Some(rate) = running.state.opts.flood_log {
        let _ = writeln!(
            out,
            "  flood          {base}/api/v1/operations/{}/logs streams {rate} lines/s",
            super::flow::flood::OPERATION
        );
    }
    let _ = writeln!(out, "\nPersonas (choose one on the sign-in page):");
    for p in world.personas.values() {
        let roles: Vec<String> =
            p.me.roles
                .iter()
                .map(|b| match &b.org {
                    Some(org) => format!("{} ({org})", b.role),
                    None => b.role.to_string(),
                })
                .collect();
        let teams = if p.me.teams.is_empty() {
            "-".to_string()
        } else {
            p.me.teams.join(",")
        };
        // Fits 80 columns: the blurb goes on the sign-in page, not here.
        let _ = writeln!(out, "  {:<8} {:<34} {}", p.id, roles.join(", "), teams);
    }
    if catalyst {
        let _ = writeln!(
            out,
            "\nTry:  catalyst-tui login --api-url {base} --oidc-issuer {base}/realms/sovereign --oob"
        );
    } else {
        let _ = writeln!(out, "\nTry:  curl -s {base}/api/v1/meta");
    }
    let _ = write!(out, "Press Ctrl-C to stop.");
    out
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::options::RetryAfterForm;
    use std::io::Write;

    #[test]
    fn flags_override_the_faults_file() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "latency_ms = 50\nrate_limit_every = 10\nrate_limit_form = \"header\"\nerror_ratio = 0.1"
        )
        .unwrap();
        let args = FaultArgs {
            file: Some(file.path().to_path_buf()),
            latency_ms: Some(200),
            ..FaultArgs::default()
        };
        let f = faults_from(&args).unwrap();
        assert_eq!(f.latency_ms, 200);
        assert_eq!(f.rate_limit_every, Some(10));
        assert_eq!(f.rate_limit_burst, 1);
        assert_eq!(f.rate_limit_form, RetryAfterForm::Header);
        assert_eq!(f.error_ratio, 0.1);
    }

    #[test]
    fn bad_fault_settings_are_explained() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "latency = 5").unwrap();
        let err = faults_from(&FaultArgs {
            file: Some(file.path().to_path_buf()),
            ..FaultArgs::default()
        })
        .unwrap_err();
        assert!(err.contains("is not valid"), "{err}");
        let err = faults_from(&FaultArgs {
            error_ratio: Some(1.5),
            ..FaultArgs::default()
        })
        .unwrap_err();
        assert!(err.contains("error_ratio"), "{err}");
        let err = faults_from(&FaultArgs {
            file: Some("/nonexistent/faults.toml".into()),
            ..FaultArgs::default()
        })
        .unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }
}
