//! Drawing the audit trail: the filters applied (and, on catalyst-api, that it is the
//! RBAC audit only), the table newest first, and under it the selected record in full
//! with where paging stands. Roles and reason get columns of their own only where the
//! screen is wide. Render only: no state changes, no I/O.

use chrono::{DateTime, SecondsFormat, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::AuditView;
use crate::model::{AuditOutcome, AuditRecord};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// From this width on the table shows roles and reason too.
const WIDE: u16 = 120;

pub(super) fn render(v: &AuditView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let notes = notes(v, ui);
    let [head, body, detail] = Layout::vertical([
        Constraint::Length(notes.len() as u16),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(notes), inset(head));
    if render_load(frame, body, ui, &v.trail, words::AUDIT_RECORDS, now) {
        return;
    }
    let visible = v.visible();
    if visible.is_empty() {
        let (what, next) = if v.loaded() == 0 {
            (words::AUDIT_EMPTY, words::AUDIT_EMPTY_NEXT)
        } else {
            (words::AUDIT_NONE_MATCH, words::AUDIT_NONE_MATCH_NEXT)
        };
        render_empty(frame, body, ui, what, next);
    } else {
        table(&visible, v, frame, body, ui);
    }
    frame.render_widget(
        Paragraph::new(detail_lines(v, visible.get(v.list.selected).copied(), ui)),
        inset(detail),
    );
}

fn inset(r: Rect) -> Rect {
    Rect {
        x: r.x + 1,
        width: r.width.saturating_sub(2),
        ..r
    }
}

/// The line of filters, the RBAC-only note and what is wrong with the form.
fn notes(v: &AuditView, ui: &Ui) -> Vec<Line<'static>> {
    let dim = ui.style("text.dim");
    let sep = Span::styled(format!("  {}  ", ui.glyphs.dot), dim);
    let mut first = if v.filters.is_empty() {
        vec![Span::styled(words::AUDIT_NO_FILTERS, ui.style("text"))]
    } else {
        vec![
            Span::styled(format!("{} ", words::AUDIT_FILTERS), dim),
            Span::styled(v.filters.text(), ui.style("title")),
        ]
    };
    first.push(sep);
    first.push(Span::styled(words::AUDIT_EDIT_HINT, dim));
    let mut lines = vec![Line::from(first)];
    if v.rbac_only() {
        lines.push(Line::styled(words::AUDIT_RBAC_ONLY, ui.style("warning")));
    }
    if let Some(e) = &v.form_error {
        lines.push(Line::styled(e.clone(), ui.style("error")));
    }
    lines
}

fn outcome_style(o: AuditOutcome, ui: &Ui) -> Style {
    match o {
        AuditOutcome::Success => ui.style("success"),
        AuditOutcome::Denied => ui.style("warning"),
        AuditOutcome::Error => ui.style("error"),
        AuditOutcome::Unknown => ui.style("text.dim"),
    }
}

/// A target as the table shows it: a path read in support mode without its
/// `/api/v1/` (the detail line and the export keep it whole).
fn short_target(target: &str) -> String {
    target
        .strip_prefix("/api/v1/")
        .unwrap_or(target)
        .to_string()
}

fn roles(r: &AuditRecord) -> String {
    let roles: Vec<&str> = r.roles.iter().map(|x| x.as_str()).collect();
    roles.join(",")
}

fn table(visible: &[&AuditRecord], v: &AuditView, frame: &mut Frame, body: Rect, ui: &Ui) {
    let mut list = v.list;
    list.scroll_into_view(visible_rows(body));
    let wide = body.width >= WIDE;
    let dim = ui.style("text.dim");
    let rows = visible[window(&list, body, visible.len())]
        .iter()
        .map(|r| {
            let full = r.at.to_rfc3339_opts(SecondsFormat::Secs, true);
            let time = if wide {
                full.replace('T', " ").trim_end_matches('Z').to_string()
            } else {
                full.get(5..16).unwrap_or(&full).replace('T', " ")
            };
            let ticket = match &r.support_ticket {
                Some(t) => Span::styled(t.clone(), ui.style("warning")),
                None => Span::styled(words::AUDIT_NO_TICKET, dim),
            };
            let mut cells = vec![Cell::from(time), Cell::from(r.actor.clone())];
            if wide {
                cells.push(Cell::from(Span::styled(roles(r), dim)));
            }
            cells.extend([
                Cell::from(ticket),
                Cell::from(r.action.clone()),
                Cell::from(short_target(&r.target)),
                Cell::from(Span::styled(
                    r.outcome.as_str().to_string(),
                    outcome_style(r.outcome, ui),
                )),
            ]);
            if wide {
                cells.push(Cell::from(Span::styled(
                    r.reason.clone().unwrap_or_default(),
                    dim,
                )));
            }
            Row::new(cells)
        })
        .collect();
    let c = words::AUDIT_COLUMNS;
    let (titles, widths): (Vec<&str>, Vec<Constraint>) = if wide {
        (
            c.to_vec(),
            vec![
                Constraint::Length(19),
                Constraint::Length(8),
                Constraint::Length(18),
                Constraint::Length(9),
                Constraint::Length(16),
                Constraint::Fill(3),
                Constraint::Length(7),
                Constraint::Fill(2),
            ],
        )
    } else {
        (
            vec![c[0], c[1], c[3], c[4], c[5], c[6]],
            vec![
                Constraint::Length(11),
                Constraint::Length(7),
                Constraint::Length(8),
                Constraint::Length(16),
                Constraint::Fill(1),
                Constraint::Length(7),
            ],
        )
    };
    render_table(frame, body, ui, Row::new(titles), &widths, rows, &list);
}

/// The selected record in full (time, roles, reason, whole target; request id), and
/// where paging stands.
fn detail_lines(v: &AuditView, r: Option<&AuditRecord>, ui: &Ui) -> Vec<Line<'static>> {
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let sep = || Span::styled(format!("  {}  ", ui.glyphs.dot), dim);
    let mut first = Vec::new();
    let mut second = Vec::new();
    if let Some(r) = r {
        first.extend([
            Span::styled(r.at.to_rfc3339_opts(SecondsFormat::Secs, true), text),
            sep(),
            Span::styled(roles(r), text),
        ]);
        if let Some(reason) = &r.reason {
            first.extend([sep(), Span::styled(reason.clone(), text)]);
        }
        first.extend([sep(), Span::styled(r.target.clone(), text)]);
        if !r.request_id.is_empty() {
            second.extend([
                Span::styled(format!("{} ", words::AUDIT_REQUEST), dim),
                Span::styled(r.request_id.clone(), text),
                sep(),
            ]);
        }
    }
    let shown = v.visible().len();
    second.extend([
        Span::styled(words::audit_count(shown, v.loaded()), dim),
        sep(),
    ]);
    if v.loading_more() {
        second.push(Span::styled(words::AUDIT_LOADING_OLDER, ui.style("title")));
    } else if let Some(p) = &v.more_problem {
        second.push(Span::styled(p.clone(), ui.style("error")));
    } else if v.trail.value().is_some_and(|t| t.next_cursor.is_some()) {
        second.push(Span::styled(words::AUDIT_OLDER, dim));
    } else {
        second.push(Span::styled(words::AUDIT_START, dim));
    }
    vec![Line::from(first), Line::from(second)]
}
