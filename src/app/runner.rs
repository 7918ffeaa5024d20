//! The effect runner: turns the `Effect`s of `update` into tokio tasks, keeps the one
//! live events subscription following the view on top and the streams (provisioning
//! runs, operation logs) the route stack follows, batched so a flood of lines is one
//! message every [`BATCH_WINDOW`]. Every result comes back as an [`Event`] on the loop's
//! channel; nothing here touches the state. A sign-in through the realm (`oidc`) runs as
//! one task per attempt; pasted codes reach it on a channel and Esc cancels it. The
//! streams live in [`streams`]; the queries, by domain, in `app::fetch`.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Event;
use super::fetch::answer;
use super::oidc::{RealmSignIn, RedirectChoice};
use super::remember::{self, Remembered};
use super::save::save_new;
use super::startup::{SignInMethod, Surface, device_sign_in, sandbox_sign_in};
use crate::api::ApiClient;
use crate::effect::{Effect, StreamSpec};
use crate::msg::{Msg, SignInMsg};
use crate::views::Scope;
use crate::words;

/// What the loop itself must do (it owns the terminal).
#[derive(Debug)]
pub enum LoopEffect {
    Suspend,
    Copy(String),
    Quit,
    /// Hand the terminal to a prepared kube shell, then take it back.
    Shell(Box<super::shell::ShellHandOff>),
}

/// The runner's state: the signed-in client, effects waiting for it, the subscription.
pub struct Runner {
    client: Option<ApiClient>,
    /// Fetches asked for before sign-in finished; run once it has.
    waiting: Vec<Effect>,
    tx: mpsc::Sender<Event>,
    method: SignInMethod,
    live: Option<(Scope, CancellationToken)>,
    /// Fetches started whose answer has not come back yet.
    pending: usize,
    /// A sign-in (or a pasted code) waits for its answer.
    signing: bool,
    /// The sign-in through the realm, when that is the method.
    realm: RealmSignIn,
    /// The streams followed, each with what stops it.
    streams: Vec<(StreamSpec, CancellationToken)>,
    /// Numbers each follow of a stream (a view skips the replay of a new follow).
    generation: u64,
    /// Provisioning runs this profile has opened.
    remembered: Remembered,
    /// How long a provisioning stream may stay silent before it is reconnected (`None`:
    /// the service's proxy cut, [`StreamOptions::provisioning`]).
    provisioning_idle: Option<Duration>,
    /// Cancels everything the runner started when the console ends.
    root: CancellationToken,
    /// Which API the signed-in Sovereign speaks.
    surface: Surface,
    /// A kube shell prepared, until the loop hands it the terminal.
    shell: Option<Box<super::shell::ShellHandOff>>,
    /// One kube client per grant the views follow.
    kube: crate::kube::GrantClients,
    /// Support mode: the ticket every client sends (those signed in later too).
    ticket: Option<String>,
}

/// How long a stream's messages are gathered into one batch.
pub const BATCH_WINDOW: Duration = Duration::from_millis(50);
/// The most messages one batch holds.
const BATCH_MAX: usize = 20_000;

impl Runner {
    pub fn new(tx: mpsc::Sender<Event>, method: SignInMethod) -> Runner {
        Runner {
            client: None,
            waiting: Vec::new(),
            tx,
            method,
            live: None,
            pending: 0,
            signing: false,
            realm: RealmSignIn::default(),
            streams: Vec::new(),
            generation: 0,
            remembered: Remembered::default(),
            provisioning_idle: None,
            root: CancellationToken::new(),
            surface: Surface::Console,
            shell: None,
            kube: crate::kube::GrantClients::default(),
            ticket: None,
        }
    }

    /// Reconnects a provisioning stream silent for `idle` (instead of the proxy's cut).
    /// Sends `ticket` (support mode) with every request of every client signed in.
    pub fn with_support_ticket(mut self, ticket: Option<String>) -> Runner {
        self.ticket = ticket;
        self
    }

    pub fn with_provisioning_idle(mut self, idle: Option<Duration>) -> Runner {
        self.provisioning_idle = idle;
        self
    }

    /// Remembers opened provisioning runs in `remembered` (and its file).
    pub fn with_remembered(mut self, remembered: Remembered) -> Runner {
        self.remembered = remembered;
        self
    }

    /// The signed-in client changed: run what waited, restart the subscription.
    pub fn connected(&mut self, client: ApiClient, surface: Surface) {
        self.client = Some(client);
        self.surface = surface;
        self.realm.done();
        if let Some((_, cancel)) = self.live.take() {
            cancel.cancel();
        }
        let waiting = std::mem::take(&mut self.waiting);
        // Counted when they were first asked for; spawning them counts them again.
        self.pending = self.pending.saturating_sub(waiting.len());
        for effect in waiting {
            self.spawn(effect);
        }
    }

    /// Runs `effects`; returns those only the loop can carry out.
    pub fn run(&mut self, effects: Vec<Effect>) -> Vec<LoopEffect> {
        let mut for_loop = Vec::new();
        for effect in effects {
            match effect {
                Effect::Suspend => for_loop.push(LoopEffect::Suspend),
                Effect::Copy(text) => for_loop.push(LoopEffect::Copy(text)),
                Effect::Quit => for_loop.push(LoopEffect::Quit),
                Effect::RunShell => {
                    if let Some(shell) = self.shell.take() {
                        for_loop.push(LoopEffect::Shell(shell));
                    }
                }
                other => self.spawn(other),
            }
        }
        for_loop
    }

    /// Answers still to come (fetches and sign-ins); 0 means the console is idle but for
    /// live events and timers.
    pub fn pending(&self) -> usize {
        self.pending + usize::from(self.signing)
    }

    /// Keeps a prepared kube shell until `Effect::RunShell` hands it to the loop.
    pub fn stash_shell(&mut self, shell: Box<super::shell::ShellHandOff>) {
        self.shell = Some(shell);
    }

    /// Counts an answer the runner did not start itself (the first device sign-in).
    pub fn expect_answer(&mut self) {
        self.signing = true;
    }

    /// Notes that `event` came back (call for every event received).
    pub fn received(&mut self, event: &Event) {
        match event {
            Event::Msg(Msg::Fetched { .. }) => self.pending = self.pending.saturating_sub(1),
            // A realm sign-in waits for the person once its address is shown, and again
            // after a refused code: nothing is owed until a code is pasted.
            Event::Connected(_)
            | Event::Msg(Msg::SignIn(
                SignInMsg::Failed(_) | SignInMsg::Authorize(_) | SignInMsg::Refused { .. },
            )) => self.signing = false,
            Event::Msg(_) | Event::Shell(_) => {}
        }
    }

    fn spawn(&mut self, effect: Effect) {
        match effect {
            Effect::Fetch { request, query } => {
                self.pending += 1;
                let Some(client) = self.client.clone() else {
                    self.waiting.push(Effect::Fetch { request, query });
                    return;
                };
                let tx = self.tx.clone();
                let cancel = self.root.clone();
                if let crate::effect::Query::KubeYaml { grant, kind, name } = query {
                    let cell = self.kube.cell(&grant);
                    tokio::spawn(async move {
                        tokio::select! {
                            text = crate::kube::watch::read_yaml(&client, &cell, kind, &name) => {
                                let yaml = text.map(|t| crate::widgets::highlight::highlight_yaml(&t));
                                let result = Ok(crate::msg::Data::KubeYaml(Box::new(yaml)));
                                let _ = tx.send(Event::Msg(Msg::Fetched { request, result })).await;
                            }
                            () = cancel.cancelled() => {}
                        }
                    });
                    return;
                }
                let surface = self.surface.clone();
                let remembered = if query == crate::effect::Query::Deployments {
                    self.remembered.ids().to_vec()
                } else {
                    Vec::new()
                };
                tokio::spawn(async move {
                    tokio::select! {
                        result = answer(&client, &surface, query, remembered) => {
                            let _ = tx.send(Event::Msg(Msg::Fetched { request, result })).await;
                        }
                        () = cancel.cancelled() => {}
                    }
                });
            }
            Effect::After { after, msg } => {
                let tx = self.tx.clone();
                let cancel = self.root.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = tokio::time::sleep(after) => {
                            let _ = tx.send(Event::Msg(*msg)).await;
                        }
                        () = cancel.cancelled() => {}
                    }
                });
            }
            Effect::SignIn { persona } => self.sign_in(persona),
            Effect::SubmitCode(code) => self.signing |= self.realm.submit(&code, &self.tx),
            Effect::CancelSignIn => {
                self.realm.cancel();
                self.signing = false;
            }
            Effect::SaveFile { path, contents } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let shown = path.display().to_string();
                    let written =
                        tokio::task::spawn_blocking(move || save_new(&path, &contents)).await;
                    let msg = match written {
                        Ok(Ok((path, lines))) => {
                            Msg::Info(words::log_saved(&path.display().to_string(), lines))
                        }
                        Ok(Err(e)) => Msg::Notice(words::log_not_saved(&shown, &e.to_string())),
                        Err(e) => Msg::Notice(words::log_not_saved(&shown, &e.to_string())),
                    };
                    let _ = tx.send(Event::Msg(msg)).await;
                });
            }
            Effect::Remember { deployment } => {
                if let Some((path, contents)) = self.remembered.add(&deployment) {
                    // Best effort: the list still works in memory when the cache is
                    // read-only.
                    tokio::task::spawn_blocking(move || remember::write(&path, &contents));
                }
            }
            Effect::OpenShell {
                grant,
                env,
                command,
            } => {
                let Some(client) = self.client.clone() else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let event =
                        match super::shell::ShellHandOff::prepare(&client, &grant, &env, command)
                            .await
                        {
                            Ok(h) => Event::Shell(Box::new(h)),
                            Err(why) => Event::Msg(Msg::Notice(why)),
                        };
                    let _ = tx.send(event).await;
                });
            }
            Effect::SupportTicket(ticket) => {
                self.ticket = Some(ticket.clone());
                // Set before the reads that follow it in the same batch are started.
                if let Some(client) = &self.client
                    && let Err(e) = client.set_support_ticket(&ticket)
                {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let _ = tx.send(Event::Msg(Msg::Notice(e.to_string()))).await;
                    });
                }
            }
            Effect::ExportAudit {
                path,
                query,
                keep,
                words,
            } => {
                let Some(client) = self.client.clone() else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let msg = super::save::export_audit(&client, &path, &query, &keep, &words)
                        .await
                        .message(&path);
                    let _ = tx.send(Event::Msg(msg)).await;
                });
            }
            Effect::Suspend | Effect::Copy(_) | Effect::Quit | Effect::RunShell => {}
        }
    }

    /// Signs in: as a demo persona on the sandbox, or by device flow.
    pub fn sign_in(&mut self, persona: Option<String>) {
        if matches!(self.method, SignInMethod::Device) && self.client.is_none() {
            return;
        }
        if let SignInMethod::Oidc { .. } = self.method {
            if let Some(client) = self.client.clone().or_else(|| self.realm.client()) {
                self.start_oidc(client, true);
            }
            return;
        }
        self.signing = true;
        let tx = self.tx.clone();
        let method = self.method.clone();
        let client = self.client.clone();
        let ticket = self.ticket.clone();
        if let (Some(c), Some(t)) = (&client, &ticket) {
            // A device sign-in reads who signed in with this client.
            let _ = c.set_support_ticket(t);
        }
        tokio::spawn(async move {
            let result = match (&method, client) {
                (
                    SignInMethod::Sandbox {
                        base_url,
                        provisioning_url,
                    },
                    client,
                ) => {
                    let persona = persona.unwrap_or_else(|| "admin".to_string());
                    let config = client.map(|c| c.config().clone());
                    sandbox_sign_in(
                        base_url,
                        provisioning_url.as_deref(),
                        &persona,
                        config,
                        ticket,
                    )
                    .await
                }
                (SignInMethod::Device, Some(client)) => device_sign_in(client, true, &tx).await,
                (SignInMethod::Device | SignInMethod::Oidc { .. }, None)
                | (SignInMethod::Oidc { .. }, Some(_)) => unreachable_without_client(),
            };
            let event = match result {
                Ok(connected) => Event::Connected(Box::new(connected)),
                Err(e) => Event::Msg(Msg::SignIn(SignInMsg::Failed(e))),
            };
            let _ = tx.send(event).await;
        });
    }

    /// Signs `client` in through its realm (`force`: even when it has a session), with
    /// the redirect of the [`SignInMethod::Oidc`] method (out of band for another).
    pub fn start_oidc(&mut self, client: ApiClient, force: bool) {
        let choice = match self.method {
            SignInMethod::Oidc { redirect } => redirect,
            _ => RedirectChoice::OutOfBand,
        };
        self.signing = true;
        let cancel = self.root.child_token();
        self.realm
            .start(client, force, choice, self.tx.clone(), cancel);
    }

    /// Stops every task the runner started.
    pub fn shutdown(&mut self) {
        self.root.cancel();
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.root.cancel();
    }
}

/// The device flow re-signs an existing client; `sign_in` returns early without one.
fn unreachable_without_client() -> Result<super::startup::Connected, crate::api::ApiError> {
    Err(crate::api::ApiError::NotSignedIn)
}

/// How long a quitting console waits for the embedded sandbox to stop.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

mod streams;
