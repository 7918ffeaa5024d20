//! The console's loop: input, messages and the render deadline in one `select!`; `update`
//! for each, effects to the runner, and a frame only when something changed, when
//! [`pace`] allows: at once after terminal input or an answer (at most one every
//! [`FRAME_INTERVAL`]), coalesced to 20 a second and a byte budget when only streams
//! changed it. Idle means asleep: no tick unless something on screen animates. Owns the
//! terminal through `terminal::TerminalGuard`; never does I/O itself beyond drawing.

pub mod catalyst_fetch;
pub mod fetch;
pub mod frame;
pub mod headless;
pub mod oidc;
pub mod pace;
pub mod remember;
pub mod runner;
pub mod save;
pub mod shell;
pub mod startup;

use std::io::{self, Stdout};
use std::time::Duration;

use chrono::Utc;
use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::keymap::Keymap;
use crate::msg::{Msg, SignInMsg};
use crate::state::{Input, Notice, Session, State, open_deep, update};
use crate::terminal::{Options, TerminalGuard, shutdown_signal};
use crate::ui::Ui;
use crate::views::Target;
use frame::FrameWriter;
use pace::{Decision, PaceConfig, Pacer};
use runner::{LoopEffect, Runner};
use startup::{Connected, SignInMethod};

/// Shortest time between two frames (about 60 a second).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// What reaches the loop from background tasks.
#[derive(Debug)]
pub enum Event {
    Msg(Msg),
    /// A sign-in finished: the client to use from now on.
    Connected(Box<Connected>),
    /// A kube shell is prepared (kept by the runner until the loop hands it the terminal).
    Shell(Box<shell::ShellHandOff>),
}

/// How the console starts.
pub struct Launch {
    pub ui: Ui,
    pub keymap: Keymap,
    pub session: Session,
    pub method: SignInMethod,
    /// The first sign-in: a demo persona, or the client of a profile.
    pub first: FirstSignIn,
    /// Where to open (`--open`).
    pub open: Target,
    /// Warnings from configuration files, shown once in the status bar.
    pub warnings: Vec<String>,
    /// How many lines each log view holds.
    pub log_lines: usize,
    /// Where the provisioning runs opened are remembered (`None`: not kept).
    pub remembered: Option<std::path::PathBuf>,
    /// How frames are paced.
    pub pace: PaceConfig,
    /// Reconnect a provisioning stream silent this long (`None`: the proxy's cut).
    pub provisioning_idle: Option<Duration>,
}

/// The first sign-in.
pub enum FirstSignIn {
    /// Start the embedded sandbox, then sign in to it as `persona`.
    Sandbox {
        options: Box<crate::sandbox::SandboxOptions>,
        persona: String,
        /// Read provisioning runs elsewhere than the sandbox's own `/sovereign`.
        provisioning_url: Option<String>,
    },
    /// A configured Sovereign: its client, signed in (by device flow or through its
    /// realm) when it has no session.
    Client(crate::api::ApiClient),
}

type Term = Terminal<CrosstermBackend<FrameWriter<Stdout>>>;

/// Runs the console until the person quits or the terminal goes away.
pub async fn run(launch: Launch) -> Result<()> {
    // Credential files an earlier console left (killed outright) go first.
    if let Ok(dir) = crate::kube::runtime_dir() {
        crate::kube::sweep_stale(&dir, Utc::now());
    }
    let mut guard =
        TerminalGuard::enter(Options::default()).wrap_err("entering full-screen mode")?;
    let mut terminal: Term = Terminal::new(CrosstermBackend::new(FrameWriter::new(io::stdout())))
        .wrap_err("starting the screen")?;
    let size = terminal.size().unwrap_or_default();
    let mut state = State::new(
        launch.keymap,
        launch.session,
        (size.width, size.height),
        Utc::now(),
    );
    state.log_lines = launch.log_lines;
    if let Some(w) = launch.warnings.first() {
        let more = launch.warnings.len() - 1;
        state.notice = Some(Notice {
            text: if more > 0 {
                format!("{w} (and {more} more)")
            } else {
                w.clone()
            },
            error: true,
        });
    }
    // Until sign-in finishes, the views wait (their fetches queue in the runner).
    let _ = open_deep(&mut state, launch.open);
    // The first frame, before any I/O (an urgent one: data may follow at once).
    let mut pacer = Pacer::new(launch.pace, std::time::Instant::now());
    pacer.urgent();
    let bytes = draw(&mut terminal, &mut state, &launch.ui)?;
    pacer.drawn(bytes, std::time::Instant::now());

    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let mut method = launch.method.clone();
    let mut sandbox = None;
    let mut first_persona = None;
    match &launch.first {
        FirstSignIn::Sandbox {
            options,
            persona,
            provisioning_url,
        } => match crate::sandbox::spawn((**options).clone()).await {
            Ok(running) => {
                method = SignInMethod::Sandbox {
                    base_url: running.base_url.clone(),
                    provisioning_url: provisioning_url.clone(),
                };
                sandbox = Some(running);
                first_persona = Some(persona.clone());
            }
            Err(e) => {
                state.session.signing_in = false;
                state.session.error = Some(format!("The sandbox could not start: {e}"));
                state.dirty = true;
            }
        },
        FirstSignIn::Client(_) => {}
    }
    let mut runner = Runner::new(tx.clone(), method.clone())
        .with_support_ticket(state.session.support_ticket.clone())
        .with_remembered(remember::Remembered::load(launch.remembered.clone()))
        .with_provisioning_idle(launch.provisioning_idle);
    match launch.first {
        FirstSignIn::Sandbox { .. } => {
            if first_persona.is_some() {
                runner.sign_in(first_persona);
            }
        }
        FirstSignIn::Client(client) if matches!(method, SignInMethod::Oidc { .. }) => {
            runner.start_oidc(client, false);
        }
        FirstSignIn::Client(client) => {
            runner.expect_answer();
            let tx = tx.clone();
            tokio::spawn(async move {
                let event = match startup::device_sign_in(client, false, &tx).await {
                    Ok(c) => Event::Connected(Box::new(c)),
                    Err(e) => Event::Msg(Msg::SignIn(SignInMsg::Failed(e))),
                };
                let _ = tx.send(event).await;
            });
        }
    }

    let mut events = EventStream::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    // When the next animation tick is due; kept across wake-ups so a busy stream cannot
    // postpone it forever.
    let mut tick_at: Option<Instant> = None;
    loop {
        tick_at = state
            .wake_after()
            .map(|after| tick_at.unwrap_or_else(|| Instant::now() + after));
        let frame_due = match pacer.decide(state.dirty, std::time::Instant::now()) {
            Decision::Draw => Some(Instant::now()),
            Decision::WakeAt(at) => Some(Instant::from_std(at)),
            Decision::Idle => None,
        };
        let input = tokio::select! {
            biased;
            _ = &mut signal => break,
            ev = events.next() => match ev {
                Some(Ok(ev)) => match to_input(ev) {
                    Some(i) => {
                        pacer.urgent();
                        Some(i)
                    }
                    None => continue,
                },
                // The terminal went away (SSH dropped): leave at once.
                Some(Err(_)) | None => break,
            },
            Some(event) = rx.recv() => {
                if pace::is_answer(&event) {
                    pacer.urgent();
                }
                Some(from_event(event, &mut runner))
            }
            () = sleep_until(frame_due), if frame_due.is_some() => None,
            () = sleep_until(tick_at), if tick_at.is_some() => {
                tick_at = None;
                Some(Input::Tick)
            }
        };
        if let Some(input) = input {
            let effects = update(&mut state, input, Utc::now());
            let mut loop_effects = runner.run(effects);
            runner.subscribe(&state);
            // Drain what is already queued before drawing, so a burst is one frame.
            while let Ok(event) = rx.try_recv() {
                if pace::is_answer(&event) {
                    pacer.urgent();
                }
                let input = from_event(event, &mut runner);
                let effects = update(&mut state, input, Utc::now());
                loop_effects.extend(runner.run(effects));
                runner.subscribe(&state);
            }
            for effect in loop_effects {
                match effect {
                    LoopEffect::Quit => state.quit = true,
                    LoopEffect::Suspend => {
                        drop(events);
                        guard.suspend().wrap_err("suspending")?;
                        events = EventStream::new();
                        terminal = repaint_after_resume()?;
                        state.dirty = true;
                    }
                    LoopEffect::Copy(text) => copy(&mut terminal, &text)?,
                    LoopEffect::Shell(shell) => {
                        // The shell gets every keystroke while it runs, the console none.
                        drop(events);
                        let status = guard.run_child(&mut shell.command());
                        drop(shell);
                        events = EventStream::new();
                        terminal = repaint_after_resume()?;
                        state.dirty = true;
                        let said = match status {
                            Ok(s) => crate::words::shell_returned(s.code()),
                            Err(e) => crate::words::shell_failed("the shell", &e.to_string()),
                        };
                        let _ = tx.try_send(Event::Msg(Msg::Info(said)));
                    }
                }
            }
        }
        if state.quit {
            break;
        }
        if pacer.decide(state.dirty, std::time::Instant::now()) == Decision::Draw {
            let bytes = draw(&mut terminal, &mut state, &launch.ui)?;
            pacer.drawn(bytes, std::time::Instant::now());
        }
    }
    runner.shutdown();
    drop(terminal);
    guard.leave().wrap_err("restoring the terminal")?;
    if let Some(sandbox) = sandbox {
        let _ = tokio::time::timeout(runner::SHUTDOWN_GRACE, sandbox.shutdown()).await;
    }
    Ok(())
}

/// Turns what a background task sent into an input for `update`.
pub fn from_event(event: Event, runner: &mut Runner) -> Input {
    runner.received(&event);
    match event {
        Event::Msg(msg) => Input::Msg(msg),
        Event::Connected(c) => {
            let Connected {
                client,
                me,
                persona,
                sovereign,
                surface,
            } = *c;
            let catalyst = matches!(surface, startup::Surface::Catalyst { .. });
            runner.connected(client, surface);
            Input::Msg(Msg::SignIn(SignInMsg::SignedIn {
                me: Box::new(me),
                persona,
                sovereign,
                catalyst,
            }))
        }
        Event::Shell(shell) => {
            runner.stash_shell(shell);
            Input::Msg(Msg::ShellReady)
        }
    }
}

fn to_input(ev: TermEvent) -> Option<Input> {
    match ev {
        TermEvent::Key(k) => Some(Input::Key(k)),
        TermEvent::Paste(p) => Some(Input::Paste(p)),
        TermEvent::Resize(w, h) => Some(Input::Resize(w, h)),
        _ => None,
    }
}

/// Sleeps until `at` (forever when `None`; the `select!` arm is disabled then anyway).
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Draws a frame; answers the bytes it wrote to the terminal.
fn draw(terminal: &mut Term, state: &mut State, ui: &Ui) -> Result<usize> {
    terminal
        .draw(|f| crate::views::screen::render(f, state, ui))
        .wrap_err("drawing")?;
    let bytes = terminal
        .backend_mut()
        .writer_mut()
        .commit()
        .wrap_err("writing the frame")?;
    state.dirty = false;
    Ok(bytes)
}

/// A fresh terminal on a cleared screen: its first frame paints everything. (Clearing
/// through ratatui would ask the terminal for the cursor position, a reply the resumed
/// input reader may swallow.)
fn repaint_after_resume() -> Result<Term> {
    use crossterm::terminal::{Clear, ClearType};
    let mut writer = FrameWriter::new(io::stdout());
    crossterm::queue!(writer, Clear(ClearType::All)).wrap_err("repainting")?;
    writer.commit().wrap_err("repainting")?;
    Terminal::new(CrosstermBackend::new(writer)).wrap_err("repainting")
}

fn copy(terminal: &mut Term, text: &str) -> Result<()> {
    use crossterm::clipboard::CopyToClipboard;
    crossterm::queue!(
        terminal.backend_mut().writer_mut(),
        CopyToClipboard::to_clipboard_from(text)
    )
    .wrap_err("copying")?;
    terminal
        .backend_mut()
        .writer_mut()
        .commit()
        .wrap_err("copying")?;
    Ok(())
}
