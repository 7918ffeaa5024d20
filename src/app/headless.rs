//! The console without a terminal, for integration tests and benchmarks: the same state,
//! update, runner and client as the real loop, driven by key strings and run until idle
//! (no answer outstanding, nothing queued) instead of by a clock.
//!
//! Key strings are whitespace-separated keys in keymap spelling (`j`, `enter`, `esc`,
//! `ctrl-r`, `shift-tab`); text in single quotes is typed character by character
//! (`: 'env digital-channels-stg' enter`).

use std::time::Duration;

use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use super::runner::Runner;
use super::startup::SignInMethod;
use super::{Event, from_event};
use crate::keymap::{Key, Keymap, Preset};
use crate::state::{Input, Session, State, open_deep, update};
use crate::ui::Ui;
use crate::views::Target;

/// A console driven by tests.
pub struct Headless {
    pub state: State,
    runner: Runner,
    rx: mpsc::Receiver<Event>,
}

/// Why a key string could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadKeys(pub String);

impl Headless {
    /// A console on the sandbox at `base_url`, signing in as `persona`, opened at `open`.
    /// Call [`Headless::settle`] to let it sign in and load.
    pub fn sandbox(base_url: &str, persona: &str, size: (u16, u16), open: Target) -> Headless {
        Self::sandbox_with_ticket(base_url, persona, None, size, open)
    }

    /// [`Headless::sandbox`] in support mode with `ticket` given at start (as
    /// `--support-ticket` does).
    pub fn sandbox_with_ticket(
        base_url: &str,
        persona: &str,
        ticket: Option<&str>,
        size: (u16, u16),
        open: Target,
    ) -> Headless {
        let (keymap, _) = Keymap::preset(Preset::Default);
        let session = Session {
            sandbox: true,
            persona: Some(persona.to_string()),
            signing_in: true,
            support_ticket: ticket.map(str::to_string),
            ..Session::default()
        };
        let mut state = State::new(keymap, session, size, Utc::now());
        let _ = open_deep(&mut state, open);
        let (tx, rx) = mpsc::channel(1024);
        let mut runner = Runner::new(
            tx,
            SignInMethod::Sandbox {
                base_url: base_url.to_string(),
                provisioning_url: None,
            },
        )
        .with_support_ticket(ticket.map(str::to_string));
        runner.sign_in(Some(persona.to_string()));
        Headless { state, runner, rx }
    }

    /// A console on a configured Sovereign through `client`, signing in by device flow
    /// when it has no session (the prompt shows on screen; someone must approve it).
    pub fn with_client(client: crate::api::ApiClient, size: (u16, u16), open: Target) -> Headless {
        let (state, tx, rx) = Self::configured(size, open);
        let runner = Runner::new(tx.clone(), SignInMethod::Device);
        tokio::spawn(async move {
            let event = match super::startup::device_sign_in(client, false, &tx).await {
                Ok(c) => Event::Connected(Box::new(c)),
                Err(e) => Event::Msg(crate::msg::Msg::SignIn(crate::msg::SignInMsg::Failed(e))),
            };
            let _ = tx.send(event).await;
        });
        let mut h = Headless { state, runner, rx };
        // The first sign-in was started here, not by the runner: count it.
        h.runner.expect_answer();
        h
    }

    /// A console on a configured Sovereign through `client` (whose config names an OIDC
    /// issuer), signing in through the realm with `redirect`: the address and the code
    /// field show in an overlay; paste with [`Input::Paste`].
    pub fn with_oidc(
        client: crate::api::ApiClient,
        redirect: super::oidc::RedirectChoice,
        size: (u16, u16),
        open: Target,
    ) -> Headless {
        let (state, tx, rx) = Self::configured(size, open);
        let mut runner = Runner::new(tx, SignInMethod::Oidc { redirect });
        runner.start_oidc(client, false);
        Headless { state, runner, rx }
    }

    /// The state of a console on a configured Sovereign, signing in, opened at `open`,
    /// and the channel its runner reports on.
    fn configured(
        size: (u16, u16),
        open: Target,
    ) -> (State, mpsc::Sender<Event>, mpsc::Receiver<Event>) {
        let (keymap, _) = Keymap::preset(Preset::Default);
        let session = Session {
            signing_in: true,
            ..Session::default()
        };
        let mut state = State::new(keymap, session, size, Utc::now());
        let _ = open_deep(&mut state, open);
        let (tx, rx) = mpsc::channel(1024);
        (state, tx, rx)
    }

    /// Reconnects provisioning streams silent for `idle` (a proxy's idle cut, shortened).
    pub fn with_provisioning_idle(mut self, idle: std::time::Duration) -> Headless {
        self.runner = self.runner.with_provisioning_idle(Some(idle));
        self
    }

    /// Applies one input and runs its effects.
    pub fn input(&mut self, input: Input) {
        let effects = update(&mut self.state, input, Utc::now());
        self.runner.run(effects);
        self.runner.subscribe(&self.state);
    }

    /// Presses the keys of a key string.
    pub fn keys(&mut self, spec: &str) -> Result<(), BadKeys> {
        for key in parse_keys(spec)? {
            self.input(Input::Key(key.to_event()));
        }
        Ok(())
    }

    /// Processes answers until none is outstanding and nothing is queued, or `limit`
    /// passes (then says what was still awaited).
    pub async fn settle(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            while let Ok(event) = self.rx.try_recv() {
                self.receive(event);
            }
            if self.runner.pending() == 0 {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(event)) => self.receive(event),
                Ok(None) => return Err("the event channel closed".into()),
                Err(_) => {
                    return Err(format!(
                        "still waiting for {} answers after {limit:?}",
                        self.runner.pending()
                    ));
                }
            }
        }
    }

    /// Waits for the next event (live events, timers) for at most `limit` and applies it;
    /// `false` if none came.
    pub async fn next_event(&mut self, limit: Duration) -> bool {
        match tokio::time::timeout(limit, self.rx.recv()).await {
            Ok(Some(event)) => {
                self.receive(event);
                true
            }
            _ => false,
        }
    }

    fn receive(&mut self, event: Event) {
        let input = from_event(event, &mut self.runner);
        self.input(input);
    }

    /// The screen as text, drawn with `ui`.
    pub fn screen(&self, ui: &Ui) -> String {
        let (w, h) = self.state.size;
        let Ok(mut terminal) = Terminal::new(TestBackend::new(w, h));
        let Ok(_) = terminal.draw(|f| crate::views::screen::render(f, &self.state, ui));
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..h {
            for x in 0..w {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

/// Parses a key string (see the module docs).
pub fn parse_keys(spec: &str) -> Result<Vec<Key>, BadKeys> {
    let mut keys = Vec::new();
    let mut rest = spec.trim_start();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('\'') {
            let end = quoted
                .find('\'')
                .ok_or_else(|| BadKeys(format!("unclosed quote in {spec:?}")))?;
            for c in quoted[..end].chars() {
                let key: Key = if c == ' ' {
                    "space".parse()
                } else {
                    c.to_string().parse()
                }
                .map_err(|e| BadKeys(format!("{c:?}: {e}")))?;
                keys.push(key);
            }
            rest = quoted[end + 1..].trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        keys.push(
            token
                .parse()
                .map_err(|e| BadKeys(format!("{token:?}: {e}")))?,
        );
        rest = rest[end..].trim_start();
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_strings_name_keys_and_quote_text() {
        let keys = parse_keys(": 'env a-b' enter ctrl-r").unwrap();
        let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            [
                ":", "e", "n", "v", "space", "a", "minus", "b", "enter", "ctrl-r"
            ]
        );
        assert!(parse_keys("'open").is_err());
        assert!(parse_keys("nonsense-key").is_err());
    }
}
