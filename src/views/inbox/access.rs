//! The inbox's access sections, under the promotions: the pending access requests I may
//! decide, then the live grants I may revoke, each with the rules said above its rows.
//! Owns where those rows sit in the one selection that runs through the inbox and how
//! they are drawn; deciding and revoking stay with the view.

use chrono::{DateTime, Utc};
use ratatui::text::{Line, Span};

use crate::model::AccessRequest;
use crate::msg::InboxItems;
use crate::ui::Ui;
use crate::widgets::text::ago;
use crate::words;

/// At most this many access requests, and as many live grants, are listed.
pub const ACCESS_SHOWN: usize = 5;

/// The rows the selection runs through: promotions, requests shown, grants shown.
pub fn rows(items: &InboxItems) -> usize {
    items.promotions.len() + pending_shown(items) + grants_shown(items)
}

fn pending_shown(items: &InboxItems) -> usize {
    items.access_requests.len().min(ACCESS_SHOWN)
}

fn grants_shown(items: &InboxItems) -> usize {
    items.grants.len().min(ACCESS_SHOWN)
}

/// The access request at row `selected`, if that row is one.
pub fn pending_at(items: &InboxItems, selected: usize) -> Option<&AccessRequest> {
    let at = selected.checked_sub(items.promotions.len())?;
    items.access_requests.iter().take(ACCESS_SHOWN).nth(at)
}

/// The live grant at row `selected`, if that row is one.
pub fn grant_at(items: &InboxItems, selected: usize) -> Option<&AccessRequest> {
    let at = selected.checked_sub(items.promotions.len() + pending_shown(items))?;
    items.grants.iter().take(ACCESS_SHOWN).nth(at)
}

/// How many lines the sections take (a title and the rules above each one's rows).
pub fn height(items: &InboxItems) -> u16 {
    let section = |n: usize| if n == 0 { 0 } else { 2 + n as u16 };
    section(pending_shown(items)) + section(grants_shown(items))
}

/// The sections' lines, the row at `selected` marked.
pub fn lines(
    items: &InboxItems,
    selected: usize,
    ui: &Ui,
    now: DateTime<Utc>,
) -> Vec<Line<'static>> {
    let dim = ui.style("text.dim");
    let mark = |row: usize| {
        if row == selected {
            format!(" {} ", ui.glyphs.selected)
        } else {
            "   ".to_string()
        }
    };
    let mut lines = Vec::new();
    let first = items.promotions.len();
    if !items.access_requests.is_empty() {
        lines.push(Line::styled(
            format!(" {} ({})", words::INBOX_ACCESS, items.access_requests.len()),
            ui.style("title"),
        ));
        lines.push(Line::styled(format!("   {}", words::ACCESS_RULES), dim));
        for (i, r) in items.access_requests.iter().take(ACCESS_SHOWN).enumerate() {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}{} ", mark(first + i), r.requester),
                    ui.style("text"),
                ),
                Span::styled(
                    format!(
                        "{} {} {} min {} {}",
                        r.environment,
                        r.access.as_str(),
                        r.duration_minutes,
                        ui.glyphs.dot,
                        ago(r.requested_at, now)
                    ),
                    dim,
                ),
            ]));
        }
    }
    if !items.grants.is_empty() {
        let first = first + pending_shown(items);
        lines.push(Line::styled(
            format!(" {} ({})", words::INBOX_GRANTS, items.grants.len()),
            ui.style("title"),
        ));
        lines.push(Line::styled(format!("   {}", words::GRANT_RULES), dim));
        for (i, g) in items.grants.iter().take(ACCESS_SHOWN).enumerate() {
            let left = crate::state::grants::time_left(g, now)
                .unwrap_or_else(|| words::GRANT_ENDED.to_string());
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}{} ", mark(first + i), g.requester),
                    ui.style("text"),
                ),
                Span::styled(
                    format!(
                        "{} {} {} min {} {left}",
                        g.environment,
                        g.access.as_str(),
                        g.duration_minutes,
                        ui.glyphs.dot
                    ),
                    dim,
                ),
            ]));
        }
    }
    lines
}
