//! The command line: subcommands and their flags. Owns argument parsing and process
//! start-up (error reporting, TLS provider, runtime); the work itself is in the library.

use clap::{Parser, Subcommand};
use color_eyre::eyre::WrapErr;

use crate::sandbox::SandboxArgs;

/// Terminal operations console for Catalyst Sovereigns.
#[derive(Debug, Parser)]
#[command(name = "catalyst-tui", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the embedded sandbox Sovereign (console API, provisioning API, live events).
    Sandbox(SandboxArgs),
}

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> color_eyre::Result<()> {
    color_eyre::install()?;
    install_tls_provider();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Sandbox(args)) => {
            let rt = tokio::runtime::Runtime::new().wrap_err("starting the async runtime")?;
            rt.block_on(crate::sandbox::serve_cli(args))
        }
        None => {
            use clap::CommandFactory;
            Cli::command().print_help()?;
            println!();
            Ok(())
        }
    }
}

/// Installs ring as the one rustls crypto provider of the process (kube and reqwest both
/// use rustls; with no provider chosen, the first TLS connection would fail).
pub fn install_tls_provider() {
    // Fails only when a provider is already installed, which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
