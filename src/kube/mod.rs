//! Kubernetes inside an access grant (CONTRACT Part C): what the console and the
//! `access` subcommand need to reach an Environment's namespace with the short-lived
//! credentials of a granted request.
//!
//! - [`kubeconfig`]: the credentials as a kubeconfig document and as a file for a shell
//!   or a command (mode 0600 in a 0700 per-user runtime directory, removed when its owner
//!   ends, stale ones swept at start-up).
//! - [`client`]: one `kube::Client` per grant, owned by the effect runner.
//! - [`watch`]: the streams of a grant (a namespace's pods, events and Flux objects; a
//!   pod's log) and reading an object as YAML.
//! - [`rows`]: what the views show of pods, events and Flux objects (pure).
//!
//! Must not hold UI state, print, or log a token.

pub mod client;
pub mod kubeconfig;
pub mod rows;
pub mod watch;

pub use client::{GrantCell, GrantClient, GrantClients};
pub use kubeconfig::{KubeconfigFile, kubeconfig_document, runtime_dir, sweep_stale};
pub use rows::{EventRow, FluxRow, KubeRow, PodRow, RowKind};
pub use watch::{KubeMsg, KubeStatus};
