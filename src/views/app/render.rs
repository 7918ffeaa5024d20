//! Draws the Application view: the tab bar, then the shown tab in whatever state its
//! fetch is in (through `widgets::load`), scrolled to the tab's own offset. A function of
//! the view's state only.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};
use unicode_width::UnicodeWidthStr;

use super::doc::{self, DocLine};
use super::tabs::{self, TabState};
use super::{AppView, tables, yaml};
use crate::effect::DetailTab;
use crate::msg::TabData;
use crate::theme::status_token;
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::words;

/// Draws `view` in `area`.
pub fn render(view: &AppView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let [bar, rule, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    render_tab_bar(view, frame, bar, ui);
    let line = ui
        .glyphs
        .border
        .horizontal_top
        .repeat(usize::from(rule.width));
    frame.render_widget(Paragraph::new(Span::styled(line, ui.style("border"))), rule);

    let state = view.tab_state(view.tab);
    if view.tab == DetailTab::Overview {
        if render_load(frame, body, ui, &view.summary, words::APPLICATION, now) {
            return;
        }
        if let Some(app) = view.summary.value() {
            render_doc(frame, body, ui, &doc::overview(app, now, ui.glyphs), state);
        }
        return;
    }
    if render_load(frame, body, ui, &state.load, view.tab.label(), now) {
        return;
    }
    let Some(data) = state.load.value() else {
        return;
    };
    match data {
        TabData::Settings { blueprint, yaml } => {
            let title = words::settings_title(blueprint);
            yaml::render(frame, body, ui, &title, yaml, state);
        }
        TabData::Manifests(yaml) => {
            yaml::render(frame, body, ui, words::MANIFESTS_TITLE, yaml, state);
        }
        TabData::Topology(t) => render_doc(frame, body, ui, &doc::topology(t), state),
        TabData::Secrets(s) => {
            let [note, rest] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(body);
            let keys: usize = s.secrets.iter().map(|x| x.keys.len()).sum();
            let line = Line::from(vec![
                Span::styled(
                    format!(" {}", words::secrets_count(s.secrets.len(), keys)),
                    ui.style("text"),
                ),
                Span::styled(format!("  {}", words::SECRETS_NOTE), ui.style("text.dim")),
            ]);
            frame.render_widget(Paragraph::new(line), note);
            if s.secrets.is_empty() {
                render_empty(frame, rest, ui, words::NO_SECRETS, words::NO_SECRETS_NEXT);
                return;
            }
            let lines = doc::secrets(s, &state.filter, now);
            if lines.is_empty() {
                render_empty(frame, rest, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
                return;
            }
            render_doc(frame, rest, ui, &lines, state);
        }
        TabData::Observability(o) => tables::render_pods(frame, body, ui, o, state, now),
        TabData::History(h) => tables::render_history(frame, body, ui, h, state, now),
    }
}

/// The tabs, the shown one marked; the status on the right when there is room.
fn render_tab_bar(view: &AppView, frame: &mut Frame, area: Rect, ui: &Ui) {
    let mut spans = Vec::new();
    for tab in DetailTab::ALL {
        let token = if tab == view.tab { "tab.active" } else { "tab" };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(tab.label(), ui.style(token)));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    if let Some(app) = view.summary.value() {
        let status = format!("{} {} ", ui.glyphs.status(app.status), app.status.label());
        let room = usize::from(area.width).saturating_sub(used);
        if status.width() + 2 <= room {
            spans.push(Span::raw(" ".repeat(room - status.width())));
            spans.push(Span::styled(status, ui.style(status_token(app.status))));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A document from the tab's scroll offset, with a scrollbar when it does not fit.
fn render_doc(frame: &mut Frame, area: Rect, ui: &Ui, lines: &[DocLine], state: &TabState) {
    let height = usize::from(area.height);
    let text_area = beside_scrollbar(area, lines.len());
    let scroll = state.scroll.min(tabs::max_scroll(lines.len(), height));
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(height)
        .map(|pieces| {
            Line::from(
                pieces
                    .iter()
                    .map(|(token, text)| Span::styled(text.clone(), ui.style(token)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), text_area);
    scrollbar(frame, area, ui, lines.len(), scroll);
}

/// `area` less the column a scrollbar takes when `len` rows do not fit in it.
pub fn beside_scrollbar(area: Rect, len: usize) -> Rect {
    if len <= usize::from(area.height) {
        return area;
    }
    Rect {
        width: area.width.saturating_sub(1),
        ..area
    }
}

/// A scrollbar on the right edge of `area` when `len` rows do not fit in it.
pub fn scrollbar(frame: &mut Frame, area: Rect, ui: &Ui, len: usize, scroll: usize) {
    let height = usize::from(area.height);
    if len <= height {
        return;
    }
    let bar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None)
        .track_symbol(Some(ui.glyphs.scroll_track))
        .thumb_symbol(ui.glyphs.scroll_thumb)
        .style(ui.style("border"));
    let mut state = ScrollbarState::new(tabs::max_scroll(len, height) + 1)
        .position(scroll)
        .viewport_content_length(height);
    frame.render_stateful_widget(bar, area, &mut state);
}
