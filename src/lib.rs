//! catalyst-tui: the terminal operations console of Catalyst Sovereigns.
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`cli::run`];
//! everything else lives here so tests can drive it headless.
//!
//! - [`model`] holds the wire types of the provisioning API and the console API.
//! - [`api`] holds the typed HTTP client, authentication, and our SSE parser and streams.
//! - [`sandbox`] is the embedded reference Sovereign served over loopback HTTP.
//! - [`cli`] parses the subcommands; [`follow_cli`] is `catalyst-tui follow`.
//! - The console: [`action`], [`msg`] and [`effect`] are its vocabulary, [`state`] its one
//!   state tree with the pure `update`, [`views`] its screens, [`widgets`] the render-only
//!   pieces, [`keymap`] and [`theme`] its configuration, [`words`] what it says.

pub mod access_cli;
pub mod action;
pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod effect;
pub mod follow_cli;
pub mod keymap;
pub mod kube;
pub mod login_cli;
pub mod model;
pub mod msg;
pub mod sandbox;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod views;
pub mod widgets;
pub mod words;
