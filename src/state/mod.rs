//! The one state tree of the console: the route stack (views), the overlay stack, the
//! session and the live stream's state. Only the UI task owns it; `update` is the only
//! code that changes it. No I/O and no clock reads here: time arrives with each input.
//!
//! The input context is derived, never stored: [`State::context`] asks the top overlay or
//! view.

pub mod allow;
pub mod grants;
pub mod list;
pub mod load;
mod sign_in;
mod update;

#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::keymap::Keymap;
use crate::model::Me;
use crate::views::overlays::Overlay;
use crate::views::{Route, Scope, Target};

pub use update::{Input, open_deep, update};

/// How deep the route stack may grow before the oldest entries are dropped.
pub const MAX_ROUTES: usize = 32;

/// Rows the header and the status/key bars take from the screen.
pub const CHROME_ROWS: u16 = 3;

/// The live stream's state, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveState {
    /// No subscription yet.
    Idle,
    Connecting,
    Live,
    /// The next attempt comes at `at`.
    Reconnecting {
        at: DateTime<Utc>,
        reason: String,
    },
    /// Given up; `reason` says why.
    Offline {
        reason: String,
    },
}

/// Who is signed in, where.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Session {
    /// The Sovereign's name (from discovery).
    pub sovereign: String,
    /// Whether this is the embedded (or a local) sandbox: badged SANDBOX, persona switch.
    pub sandbox: bool,
    /// The demo persona signed in as (sandbox).
    pub persona: Option<String>,
    pub me: Option<Me>,
    /// Whether a sign-in is under way.
    pub signing_in: bool,
    /// The session expired and no sign-in is under way.
    pub expired: bool,
    /// Why connecting or signing in failed, while nobody is signed in.
    pub error: Option<String>,
    /// The Sovereign speaks catalyst-api: promotions, access requests, operation logs
    /// and the inbox are not offered there.
    pub catalyst: bool,
    /// Support mode: the ticket worked on (sent with every request once a support agent
    /// signed in; asked for when there is none).
    pub support_ticket: Option<String>,
}

impl Session {
    /// Whether this Sovereign offers what `action` needs.
    pub fn offers(&self, action: crate::action::Action) -> bool {
        !self.catalyst || crate::action::offered_by_catalyst_api(action)
    }
}

/// A short message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// The console's state.
#[derive(Debug)]
pub struct State {
    /// Never empty: the bottom is the home view.
    pub routes: Vec<Route>,
    pub overlays: Vec<Overlay>,
    pub session: Session,
    pub live: LiveState,
    pub keymap: Keymap,
    /// The time of the last input.
    pub now: DateTime<Utc>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    pub notice: Option<Notice>,
    /// Whether the key bar at the bottom is shown.
    pub key_bar: bool,
    pub next_request: u64,
    /// How many lines each log view holds.
    pub log_lines: usize,
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// My live access grants, counted down in the status bar.
    pub grants: grants::Grants,
    /// The last command line run inside a grant (`kube-command`), offered again.
    pub kube_command: String,
}

impl State {
    /// A state showing `targets` (a deep link builds the stack below it), not loaded yet.
    pub fn new(keymap: Keymap, session: Session, size: (u16, u16), now: DateTime<Utc>) -> State {
        State {
            routes: vec![Route::for_target(&Target::Home)],
            overlays: Vec::new(),
            session,
            live: LiveState::Idle,
            keymap,
            now,
            size,
            notice: None,
            key_bar: true,
            next_request: 0,
            log_lines: crate::views::logs::DEFAULT_CAPACITY,
            quit: false,
            dirty: true,
            grants: grants::Grants::default(),
            kube_command: crate::words::KUBE_COMMAND_DEFAULT.to_string(),
        }
    }

    /// The view on top of the route stack.
    pub fn top(&self) -> &Route {
        // `routes` is never empty; the fallback only satisfies the type.
        self.routes.last().unwrap_or_else(|| unreachable_home())
    }

    /// The input context chain, most specific first.
    pub fn context(&self) -> Vec<&'static str> {
        match self.overlays.last() {
            Some(o) => o.context().to_vec(),
            None => self.top().view().context().to_vec(),
        }
    }

    /// The context chain of the view under any overlay (what help describes).
    pub fn view_context(&self) -> &'static [&'static str] {
        self.top().view().context()
    }

    /// What the live subscription should cover now: follows the top view.
    pub fn subscription(&self) -> Option<Scope> {
        self.session.me.as_ref()?;
        let view = self.top().view();
        view.follows_live().then(|| view.scope())
    }

    /// The live stream's state as the status bar shows it: nothing while no view follows
    /// live events.
    pub fn live_shown(&self) -> &LiveState {
        match self.subscription() {
            Some(_) => &self.live,
            None => &LiveState::Idle,
        }
    }

    /// Whether `action` may be carried out where the operator stands, or why not.
    pub fn may(&self, action: crate::action::Action) -> Result<(), allow::Refusal> {
        let scope = self.top().view().scope();
        allow::check(
            action,
            &allow::Facts {
                session: &self.session,
                grants: &self.grants,
                scope: &scope,
                now: self.now,
            },
        )
    }

    /// The streams the route stack follows (each once), bottom first. Nothing before
    /// sign-in.
    pub fn streams(&self) -> Vec<crate::effect::StreamSpec> {
        if self.session.me.is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for spec in self.routes.iter().filter_map(|r| r.view().stream()) {
            if !out.contains(&spec) {
                out.push(spec);
            }
        }
        out
    }

    /// When the loop must wake up even with no input: something animates (spinner,
    /// countdown). `None` means sleep until input arrives.
    pub fn wake_after(&self) -> Option<Duration> {
        let countdown = matches!(self.live, LiveState::Reconnecting { .. })
            || self.overlays.iter().any(|o| o.animates());
        let view = self.top().view().animates();
        let grant = self
            .top()
            .view()
            .scope()
            .env
            .and_then(|env| self.grants.next_change(&env, self.now));
        if view {
            Some(Duration::from_millis(120))
        } else if countdown {
            Some(Duration::from_millis(500))
        } else {
            grant
        }
    }

    /// Width and height of a view's body (the screen less header, banner and bars).
    pub fn body(&self) -> (u16, u16) {
        let bars = if self.key_bar {
            CHROME_ROWS
        } else {
            CHROME_ROWS - 1
        };
        let banner = u16::from(self.support_banner().is_some());
        (self.size.0, self.size.1.saturating_sub(bars + banner))
    }

    /// The permanent banner of support mode: the ticket and the Organization being
    /// helped (the top view's); `None` outside support mode.
    pub fn support_banner(&self) -> Option<String> {
        let me = self.session.me.as_ref()?;
        if !me.support_agent {
            return None;
        }
        let ticket = self
            .session
            .support_ticket
            .as_deref()
            .unwrap_or("(none yet)");
        let org = self.top().view().scope().org;
        Some(crate::words::support_banner(ticket, org.as_deref()))
    }
}

fn unreachable_home() -> &'static Route {
    static HOME: std::sync::OnceLock<Route> = std::sync::OnceLock::new();
    HOME.get_or_init(|| Route::for_target(&Target::Home))
}
