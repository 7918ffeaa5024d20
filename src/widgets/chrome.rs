//! The frame around every view: the header (SANDBOX badge, breadcrumb, identity), the
//! status bar (live stream state, notices, the filter being typed) and the contextual key
//! bar, whose hints come from the active keymap so they always tell the truth.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::action::Action;
use crate::keymap::Keymap;
use crate::state::{LiveState, Notice, Session};
use crate::ui::Ui;
use crate::widgets::text::fit;
use crate::words;

/// The header: badge, breadcrumb on the left; who is signed in on the right.
pub fn render_header(frame: &mut Frame, area: Rect, ui: &Ui, session: &Session, crumbs: &str) {
    let mut left = Vec::new();
    if session.sandbox {
        left.push(Span::styled(
            words::SANDBOX_BADGE,
            ui.style("badge.sandbox"),
        ));
        left.push(Span::raw(" "));
    }
    if session.me.as_ref().is_some_and(|m| m.support_agent) {
        left.push(Span::styled(" SUPPORT ", ui.style("badge.support")));
        left.push(Span::raw(" "));
    }
    let who = match (&session.me, &session.persona) {
        (Some(me), Some(p)) if session.sandbox => format!("{} ({p})", me.name),
        (Some(me), _) => me.name.clone(),
        (None, _) if session.signing_in => "signing in…".to_string(),
        (None, _) => String::new(),
    };
    let used: usize = left.iter().map(|s| s.content.width()).sum();
    let room = (area.width as usize).saturating_sub(used + who.width() + 2);
    // Views write their breadcrumbs with `›`; the glyph set decides how it is drawn. When
    // the path does not fit, its leading parts give way first: the last part is what the
    // operator is looking at.
    let sep = format!(" {} ", ui.glyphs.breadcrumb);
    let mut parts: Vec<&str> = Vec::new();
    if !session.sovereign.is_empty() {
        parts.push(&session.sovereign);
    }
    parts.extend(crumbs.split(" › "));
    let lead = format!("{}{sep}", ui.glyphs.ellipsis);
    let mut dropped = false;
    while parts.len() > 1
        && parts.join(&sep).width() + if dropped { lead.width() } else { 0 } > room
    {
        parts.remove(0);
        dropped = true;
    }
    let joined = parts.join(&sep);
    let crumbs = if dropped { lead + &joined } else { joined };
    let crumbs = fit(&crumbs, room, ui.glyphs.ellipsis);
    let gap = (area.width as usize).saturating_sub(used + crumbs.width() + who.width() + 1);
    left.push(Span::styled(crumbs, ui.style("title")));
    left.push(Span::raw(" ".repeat(gap)));
    left.push(Span::styled(who, ui.style("text.dim")));
    frame.render_widget(Paragraph::new(Line::from(left)), area);
}

/// The status bar: the stream's state, then a notice or the filter being typed.
#[allow(clippy::too_many_arguments)] // one line of the screen, each argument a piece of it
pub fn render_status(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    live: &LiveState,
    notice: Option<&Notice>,
    filter: Option<(&str, bool)>,
    grant: Option<&str>,
    now: DateTime<Utc>,
) {
    let (mark, text, token) = match live {
        LiveState::Idle => ("", String::new(), "bar"),
        LiveState::Connecting => ("…", "connecting".to_string(), "warning"),
        LiveState::Live => ("●", "live".to_string(), "success"),
        LiveState::Reconnecting { at, .. } => {
            let secs = ((*at - now).num_milliseconds().max(0) + 999) / 1000;
            ("↻", format!("reconnecting in {secs} s"), "warning")
        }
        LiveState::Offline { .. } => ("✕", "offline".to_string(), "error"),
    };
    let mark = if ui.glyphs.ellipsis == "..." {
        match mark {
            "●" => "*",
            "↻" => "~",
            "✕" => "x",
            "…" => ".",
            m => m,
        }
    } else {
        mark
    };
    let bar = ui.style("bar");
    let mut spans = vec![Span::styled(
        format!(" {mark} {text} "),
        bar.patch(ui.style(token)),
    )];
    if let Some(grant) = grant {
        spans.push(Span::styled(
            format!(" {grant} "),
            bar.patch(ui.style("warning")),
        ));
    }
    if let Some((text, editing)) = filter {
        let cursor = if editing { "_" } else { "" };
        spans.push(Span::styled(
            format!(" /{text}{cursor} "),
            bar.patch(ui.style("search.match")),
        ));
    }
    if let Some(n) = notice {
        let token = if n.error { "error" } else { "text" };
        spans.push(Span::styled(
            format!(" {}", n.text),
            bar.patch(ui.style(token)),
        ));
    } else if let LiveState::Offline { reason } | LiveState::Reconnecting { reason, .. } = live {
        spans.push(Span::styled(
            format!(" {reason}"),
            bar.patch(ui.style("text.dim")),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

/// The key bar: the primary key of each action in `actions` that is bound along `chain`.
pub fn render_key_bar(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    keymap: &Keymap,
    chain: &[&str],
    actions: &[Action],
) {
    let bindings = keymap.bindings_for(chain);
    let mut spans = Vec::new();
    let mut used = 0usize;
    for &action in actions {
        let Some(b) = bindings.iter().find(|b| b.action == action) else {
            continue;
        };
        let label = words::hint_label(action);
        let w = b.key_name.width() + label.width() + 3;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(
            format!(" {}", b.key_name),
            ui.style("hint.key"),
        ));
        spans.push(Span::styled(format!(" {label} "), ui.style("hint.text")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
