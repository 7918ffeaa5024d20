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

/// A column of the table, in the order of [`words::AUDIT_COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Time,
    Actor,
    Roles,
    Ticket,
    Action,
    Target,
    Outcome,
    Reason,
}

/// The columns shown and their widths: roles and reason only where it is wide; no
/// roles or ticket on catalyst-api, which records neither (its actors are emails).
fn columns(wide: bool, rbac_only: bool) -> Vec<(Col, Constraint)> {
    use Constraint::{Fill, Length};
    match (wide, rbac_only) {
        (true, false) => vec![
            (Col::Time, Length(19)),
            (Col::Actor, Length(10)),
            (Col::Roles, Length(16)),
            (Col::Ticket, Length(9)),
            (Col::Action, Length(18)),
            (Col::Target, Fill(3)),
            (Col::Outcome, Length(7)),
            (Col::Reason, Fill(2)),
        ],
        (true, true) => vec![
            (Col::Time, Length(19)),
            (Col::Actor, Length(16)),
            (Col::Action, Length(18)),
            (Col::Target, Fill(3)),
            (Col::Outcome, Length(7)),
            (Col::Reason, Fill(3)),
        ],
        (false, false) => vec![
            (Col::Time, Length(11)),
            (Col::Actor, Length(7)),
            (Col::Ticket, Length(8)),
            (Col::Action, Length(16)),
            (Col::Target, Fill(1)),
            (Col::Outcome, Length(7)),
        ],
        (false, true) => vec![
            (Col::Time, Length(11)),
            (Col::Actor, Length(14)),
            (Col::Action, Length(18)),
            (Col::Target, Fill(1)),
            (Col::Outcome, Length(7)),
        ],
    }
}

fn cell(col: Col, r: &AuditRecord, wide: bool, ui: &Ui) -> Cell<'static> {
    let dim = ui.style("text.dim");
    match col {
        Col::Time => {
            let full = r.at.to_rfc3339_opts(SecondsFormat::Secs, true);
            Cell::from(if wide {
                full.replace('T', " ").trim_end_matches('Z').to_string()
            } else {
                full.get(5..16).unwrap_or(&full).replace('T', " ")
            })
        }
        Col::Actor => Cell::from(r.actor.clone()),
        Col::Roles => Cell::from(Span::styled(roles(r), dim)),
        Col::Ticket => Cell::from(match &r.support_ticket {
            Some(t) => Span::styled(t.clone(), ui.style("warning")),
            None => Span::styled(words::AUDIT_NO_TICKET, dim),
        }),
        Col::Action => Cell::from(r.action.clone()),
        Col::Target => Cell::from(short_target(&r.target)),
        Col::Outcome => Cell::from(Span::styled(
            r.outcome.as_str().to_string(),
            outcome_style(r.outcome, ui),
        )),
        Col::Reason => Cell::from(Span::styled(r.reason.clone().unwrap_or_default(), dim)),
    }
}

fn table(visible: &[&AuditRecord], v: &AuditView, frame: &mut Frame, body: Rect, ui: &Ui) {
    let mut list = v.list;
    list.scroll_into_view(visible_rows(body));
    let wide = body.width >= WIDE;
    let cols = columns(wide, v.rbac_only());
    let rows = visible[window(&list, body, visible.len())]
        .iter()
        .map(|r| Row::new(cols.iter().map(|(c, _)| cell(*c, r, wide, ui))))
        .collect();
    let titles: Vec<&str> = cols
        .iter()
        .map(|(c, _)| words::AUDIT_COLUMNS[*c as usize])
        .collect();
    let widths: Vec<Constraint> = cols.iter().map(|(_, w)| *w).collect();
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
