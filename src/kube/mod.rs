//! Kubernetes inside an access grant (CONTRACT Part C): what the console and the
//! `access` subcommand need to reach an Environment's namespace with the short-lived
//! credentials of a granted request.
//!
//! - [`kubeconfig`]: the credentials as a kubeconfig document and as a file for a shell
//!   or a command (mode 0600 in a 0700 per-user runtime directory, removed when its owner
//!   ends, stale ones swept at start-up).
//!
//! Must not hold UI state, print, or log a token.

pub mod kubeconfig;

pub use kubeconfig::{KubeconfigFile, kubeconfig_document, runtime_dir, sweep_stale};
