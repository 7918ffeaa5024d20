//! Drawing the triage list: a counts line, then a table of only the lines on screen
//! (group headings when grouped), severity as a word and a colour token, never colour
//! alone. Render only: no state changes, no I/O.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{Line, TriageView};
use crate::model::{Severity, TriageItem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_rows, visible_rows};
use crate::widgets::text::ago;
use crate::words;

/// The theme token of a severity.
fn severity_token(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "status.failed",
        Severity::Warning => "status.degraded",
        Severity::Info => "status.pending-approval",
        Severity::Unknown => "status.unknown",
    }
}

/// Where a problem lives: `org › env` (the Environment by its type when it has the usual
/// form), or the Sovereign for a provisioning run.
fn place(item: &TriageItem) -> String {
    match (&item.org, &item.environment) {
        (Some(org), Some(env)) => {
            let ty = crate::model::split_env_name(env)
                .map_or_else(|| env.clone(), |(_, t)| t.as_str().to_string());
            format!("{org} › {ty}")
        }
        (Some(org), None) => org.clone(),
        (None, Some(env)) => env.clone(),
        (None, None) => words::TRIAGE_SOVEREIGN.to_string(),
    }
}

pub(super) fn render(
    view: &TriageView,
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    now: DateTime<Utc>,
) {
    if render_load(frame, area, ui, &view.items, words::TRIAGE_WHAT, now) {
        return;
    }
    let Some(items) = view.items.value() else {
        return;
    };
    if items.is_empty() {
        render_empty(
            frame,
            area,
            ui,
            words::TRIAGE_EMPTY,
            words::TRIAGE_EMPTY_NEXT,
        );
        return;
    }
    let [head, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let (critical, warning, info) = view.counts();
    let lines = view.lines();
    let shown = view.shown().len();
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(" {}", words::triage_counts(critical, warning, info, shown)),
            ui.style("title"),
        )),
        head,
    );
    if shown == 0 {
        render_empty(frame, table, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
        return;
    }
    let height = visible_rows(table);
    let selected_line = view.selected_line(lines);
    // The offset kept by the view, nudged so the selection is on screen at this size.
    let mut offset = view.list.offset.min(selected_line);
    if selected_line >= offset + height {
        offset = selected_line + 1 - height;
    }
    let end = (offset + height).min(lines.len());
    let rows: Vec<Row<'static>> = lines[offset..end]
        .iter()
        .map(|line| match line {
            // Drawn over the row below: a heading spans every column.
            Line::Group(..) => Row::new(vec![Cell::from("")]),
            Line::Item(n) => {
                let item = &items[*n];
                let style = ui.style(severity_token(item.severity));
                Row::new(vec![
                    Cell::from(Span::styled(words::severity_word(item.severity), style)),
                    Cell::from(Span::styled(words::triage_kind(item.kind), style)),
                    Cell::from(place(item)),
                    Cell::from(item.target.clone()),
                    Cell::from(ago(item.since, now)),
                    Cell::from(Span::styled(item.why.clone(), ui.style("text.dim"))),
                ])
            }
        })
        .collect();
    let header = Row::new(words::TRIAGE_HEADER);
    // Narrow terminals give the reason more room than the place and the target.
    let (place_w, target_w) = if table.width < 100 {
        (16, 14)
    } else {
        (24, 20)
    };
    let widths = [
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Length(place_w),
        Constraint::Length(target_w),
        Constraint::Length(10),
        Constraint::Fill(1),
    ];
    render_rows(
        frame,
        table,
        ui,
        header,
        &widths,
        rows,
        selected_line.checked_sub(offset),
    );
    for (i, line) in lines[offset..end].iter().enumerate() {
        if let Line::Group(kind, n) = line {
            let at = Rect {
                y: table.y + 1 + i as u16,
                height: 1,
                ..table
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!(" {} {}", ui.glyphs.expanded, words::triage_group(*kind, *n)),
                    ui.style("title"),
                )),
                at,
            );
        }
    }
}
