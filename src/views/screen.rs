//! The whole screen from the state: header, the top view's body, status bar, key bar,
//! then the overlays over everything. A function of `&State` only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use crate::state::State;
use crate::ui::Ui;
use crate::widgets::chrome::{render_header, render_key_bar, render_status};

/// Draws the state.
pub fn render(frame: &mut Frame, state: &State, ui: &Ui) {
    let area = frame.area();
    let key_rows = u16::from(state.key_bar);
    let banner_text = state.support_banner();
    let [header, banner, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(banner_text.is_some())),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(key_rows),
    ])
    .areas(area);
    let view = state.top().view();
    render_header(frame, header, ui, &state.session, &view.title());
    if let Some(text) = banner_text {
        frame.render_widget(
            ratatui::widgets::Paragraph::new(text).style(ui.style("badge.support")),
            banner,
        );
    }
    match (&state.session.me, &state.session.error) {
        (None, Some(error)) => {
            let problem = crate::state::load::Problem::Error {
                message: format!("Not connected. {error}"),
                request_id: None,
            };
            crate::widgets::load::render_problem(frame, body, ui, &problem, state.now);
        }
        _ => view.render(frame, body, ui, state.now),
    }
    let filter = view
        .filter()
        .filter(|f| f.editing || f.is_active())
        .map(|f| (f.text.as_str(), f.editing));
    // My live grant on the Environment shown, counted down.
    let grant = view.scope().env.and_then(|env| {
        let g = state.grants.live_on(&env, state.now)?;
        crate::state::grants::countdown(g, state.now)
    });
    render_status(
        frame,
        status,
        ui,
        state.live_shown(),
        state.notice.as_ref(),
        filter,
        grant.as_deref(),
        state.now,
    );
    if state.key_bar {
        let chain = state.context();
        let hints: Vec<_> = match state.overlays.last() {
            Some(o) => o.hints(),
            None => view.hints(),
        }
        .iter()
        .copied()
        .filter(|a| state.may(*a).is_ok())
        .collect();
        // The palette reads keys itself; its bar names them.
        let chain: Vec<&str> = if chain.is_empty() {
            vec!["global"]
        } else {
            chain
        };
        render_key_bar(frame, keys, ui, &state.keymap, &chain, &hints);
    }
    for overlay in &state.overlays {
        overlay.render(frame, area, ui, state.now);
    }
}
