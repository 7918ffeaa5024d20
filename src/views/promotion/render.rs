//! Drawing one promotion: the header, the policy rule by rule, the reviews, how the last
//! review went, then the diff (highlighted, scrolled and searched like the YAML tabs).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{PromotionView, policy};
use crate::model::{Promotion, PromotionState, ReviewDecision};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::text::{ago, fit};
use crate::words;

/// How many reviews the header shows (the latest).
const REVIEWS_SHOWN: usize = 3;

/// At most this many rows of the note.
const NOTE_ROWS: usize = 3;

/// Rows above the diff: two header lines, the policy summary and its rules, the reviews
/// heading and the latest reviews (or "none"), and the note (wrapped) when there is one.
pub fn summary_height(p: &Promotion, note: Option<&str>, width: u16) -> u16 {
    let reviews = p.reviews.len().clamp(1, REVIEWS_SHOWN);
    let note = note.map_or(0, |n| note_rows(n, usize::from(width)).len());
    let rows = 2 + 1 + p.policy.rules.len() + 1 + reviews + note;
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// The note cut into rows of `width` (one leading space each), at most [`NOTE_ROWS`].
fn note_rows(text: &str, width: usize) -> Vec<String> {
    let room = width.saturating_sub(2).max(1);
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for word in text.split_whitespace() {
        if !row.is_empty() && row.chars().count() + 1 + word.chars().count() > room {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows.truncate(NOTE_ROWS);
    rows
}

fn state_token(state: PromotionState) -> &'static str {
    match state {
        PromotionState::Open => "warning",
        PromotionState::Merged => "success",
        _ => "error",
    }
}

pub fn render(view: &PromotionView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    if render_load(frame, area, ui, &view.detail, "the promotion", now) {
        return;
    }
    let Some(detail) = view.detail.value() else {
        return;
    };
    let p = &detail.promotion;
    let note = view.note.as_ref().map(|n| n.text.as_str());
    let top = summary_height(p, note, area.width).min(area.height.saturating_sub(3));
    let [head, body] = Layout::vertical([Constraint::Length(top), Constraint::Min(1)]).areas(area);
    let width = usize::from(area.width);
    let lines = summary(view, p, ui, now, width);
    frame.render_widget(Paragraph::new(lines), head);
    if detail.diff.lines.is_empty() {
        render_empty(frame, body, ui, words::EMPTY_DIFF, "");
        return;
    }
    let title = format!("Diff {} → {}", p.from_version, p.to_version);
    crate::views::app::yaml::render(frame, body, ui, &title, &detail.diff, &view.diff);
}

fn summary(
    view: &PromotionView,
    p: &Promotion,
    ui: &Ui,
    now: DateTime<Utc>,
    width: usize,
) -> Vec<Line<'static>> {
    let g = ui.glyphs;
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", p.application), ui.style("title")),
            Span::styled(
                format!("{} → {}", p.source_environment, p.target_environment),
                text,
            ),
            Span::styled(format!("  {} → {}  ", p.from_version, p.to_version), text),
            Span::styled(p.state.as_str().to_string(), ui.style(state_token(p.state))),
        ]),
        Line::styled(
            fit(
                &format!(
                    " by {} {} {} {} PR {}#{} {}",
                    p.created_by,
                    g.dot,
                    ago(p.created_at, now),
                    g.dot,
                    p.pr.repo,
                    p.pr.number,
                    p.pr.url
                ),
                width,
                g.ellipsis,
            ),
            dim,
        ),
        Line::styled(
            format!(" {}", policy::summary(&p.policy)),
            ui.style("title"),
        ),
    ];
    for rule in policy::explain(&p.policy) {
        let (mark, token) = if rule.met {
            (g.check, "success")
        } else {
            (g.cross, "error")
        };
        let head = format!("   {mark} {:<14}", rule.label);
        let room = width.saturating_sub(head.chars().count());
        lines.push(Line::from(vec![
            Span::styled(head, ui.style(token)),
            Span::styled(fit(&rule.text, room, g.ellipsis), text),
        ]));
    }
    lines.push(Line::styled(
        format!(" Reviews ({})", p.reviews.len()),
        ui.style("title"),
    ));
    if p.reviews.is_empty() {
        lines.push(Line::styled(format!("   {}", words::NO_REVIEWS), dim));
    }
    let skip = p.reviews.len().saturating_sub(REVIEWS_SHOWN);
    for r in p.reviews.iter().skip(skip) {
        let token = match r.decision {
            ReviewDecision::Approve => "success",
            ReviewDecision::RequestChanges => "warning",
            _ => "error",
        };
        let teams = if r.teams.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.teams.join(", "))
        };
        let head = format!(
            "   {}{teams} {} {}",
            r.actor,
            words::decision_word(r.decision),
            ago(r.at, now)
        );
        let comment = r.comment.replace('\n', " ");
        let room = width.saturating_sub(head.chars().count() + 2);
        let mut spans = vec![Span::styled(head, ui.style(token))];
        if !comment.is_empty() {
            spans.push(Span::styled(
                format!(": {}", fit(&comment, room, g.ellipsis)),
                text,
            ));
        }
        lines.push(Line::from(spans));
    }
    if let Some(note) = &view.note {
        let token = if note.error { "error" } else { "success" };
        for row in note_rows(&note.text, width) {
            lines.push(Line::styled(format!(" {row}"), ui.style(token)));
        }
    }
    lines
}
