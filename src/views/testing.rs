//! Test support for views: a render context, a state at a fixed clock, and the screen as
//! text for snapshots. Compiled for tests only.

use chrono::{DateTime, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::keymap::{Keymap, Preset};
use crate::model::{Me, RoleBinding, RoleName};
use crate::state::{Session, State};
use crate::theme::{Glyphs, Theme};
use crate::ui::Ui;

/// The fixed clock of every snapshot: 2026-11-22 10:00:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The dark theme with Unicode glyphs, or mono with ASCII (`ascii`).
pub fn ui(ascii: bool) -> Ui {
    if ascii {
        let (theme, _) = Theme::shipped("mono").unwrap();
        Ui {
            theme,
            glyphs: &Glyphs::ASCII,
        }
    } else {
        let (theme, _) = Theme::shipped("dark").unwrap();
        Ui {
            theme,
            glyphs: &Glyphs::UNICODE,
        }
    }
}

/// Layla, signed in to the sandbox.
pub fn session() -> Session {
    Session {
        sovereign: "bankdhofar".into(),
        sandbox: true,
        persona: Some("layla".into()),
        me: Some(Me {
            sub: "layla".into(),
            name: "Layla Al-Harthy".into(),
            email: "layla@bankdhofar.example".into(),
            roles: vec![RoleBinding {
                role: RoleName::OrgDeveloper,
                org: Some("digital-channels".into()),
            }],
            teams: vec!["team-digital".into()],
            support_agent: false,
        }),
        signing_in: false,
        expired: false,
        error: None,
        catalyst: false,
        support_ticket: None,
    }
}

/// A state of `width`×`height` at the fixed clock, on the home view.
pub fn state(width: u16, height: u16) -> State {
    let (keymap, _) = Keymap::preset(Preset::Default);
    State::new(keymap, session(), (width, height), now())
}

/// The screen drawn from `state`, as text (one line per row, trailing spaces kept).
pub fn screen(state: &State, ascii: bool) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ui = ui(ascii);
    terminal
        .draw(|frame| crate::views::screen::render(frame, state, &ui))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
