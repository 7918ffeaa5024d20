//! The table tabs: Observability (the pods) and History (the deploys), each filtered by
//! the tab's `/` text and scrolled by its own offset.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::doc::{sep, short_commit};
use super::render::scrollbar;
use super::tabs::{self, TabState};
use crate::model::{AppHistory, AppObservability, DeployOutcome, DeployRecord, PodInfo, PodPhase};
use crate::state::list::Filter;
use crate::ui::Ui;
use crate::widgets::load::render_empty;
use crate::widgets::text::ago;
use crate::words;

/// The pods that pass `filter`.
pub fn visible_pods<'a>(o: &'a AppObservability, filter: &Filter) -> Vec<&'a PodInfo> {
    o.pods
        .iter()
        .filter(|p| filter.matches(&format!("{} {} {}", p.name, p.phase.as_str(), p.region)))
        .collect()
}

/// The deploys that pass `filter`.
pub fn visible_deploys<'a>(h: &'a AppHistory, filter: &Filter) -> Vec<&'a DeployRecord> {
    h.deploys
        .iter()
        .filter(|d| {
            filter.matches(&format!(
                "{} {} {} {}",
                d.actor,
                d.version,
                d.commit,
                d.outcome.as_str()
            ))
        })
        .collect()
}

/// How long ago, without the "ago" (an age column).
fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let text = ago(then, now);
    text.strip_suffix(" ago").unwrap_or(&text).to_string()
}

fn phase_token(phase: PodPhase) -> &'static str {
    match phase {
        PodPhase::Running => "success",
        PodPhase::Pending => "warning",
        PodPhase::Failed => "error",
        PodPhase::Succeeded | PodPhase::Unknown => "text.dim",
    }
}

fn outcome_token(outcome: DeployOutcome) -> &'static str {
    match outcome {
        DeployOutcome::Succeeded => "success",
        DeployOutcome::Failed => "error",
        DeployOutcome::RolledBack => "warning",
        DeployOutcome::InProgress => "status.updating",
        DeployOutcome::Unknown => "status.unknown",
    }
}

/// The rows of `len` that fit under a header in `area` from `scroll` (clamped).
fn window(len: usize, area: Rect, scroll: usize) -> std::ops::Range<usize> {
    let height = usize::from(area.height.saturating_sub(1));
    let start = scroll.min(tabs::max_scroll(len, height));
    start..(start + height).min(len)
}

/// Draws `header` and the `rows` of `window` (out of `len`), with a scrollbar when not
/// every row fits.
#[allow(clippy::too_many_arguments)]
fn render_rows(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    header: Row<'static>,
    widths: &[Constraint],
    rows: Vec<Row<'static>>,
    window: std::ops::Range<usize>,
    len: usize,
) {
    let inner = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    };
    let table = Table::new(rows, widths.iter().copied())
        .header(header.style(ui.style("title")))
        .column_spacing(1);
    frame.render_widget(table, inner);
    let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    scrollbar(frame, body, ui, len, window.start);
}

/// The Observability tab: a one-line roll-up, then the pods.
pub fn render_pods(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    o: &AppObservability,
    state: &TabState,
    now: DateTime<Utc>,
) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let ready = o.pods.iter().filter(|p| p.ready).count();
    let restarts: u32 = o.pods.iter().map(|p| p.restarts).sum();
    let ready_token = if ready == o.pods.len() {
        "success"
    } else {
        "warning"
    };
    let restarts_token = if restarts > 0 { "warning" } else { "text.dim" };
    let line = Line::from(vec![
        Span::styled(
            format!(" {}", words::pods_count(o.pods.len())),
            ui.style("text"),
        ),
        Span::styled(sep(ui.glyphs), ui.style("text.dim")),
        Span::styled(format!("{ready} ready"), ui.style(ready_token)),
        Span::styled(sep(ui.glyphs), ui.style("text.dim")),
        Span::styled(words::restarts_count(restarts), ui.style(restarts_token)),
    ]);
    frame.render_widget(Paragraph::new(line), head);
    if o.pods.is_empty() {
        render_empty(frame, body, ui, words::NO_PODS, words::NO_PODS_NEXT);
        return;
    }
    let pods = visible_pods(o, &state.filter);
    if pods.is_empty() {
        render_empty(frame, body, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
        return;
    }
    let shown = window(pods.len(), body, state.scroll);
    let rows = pods[shown.clone()]
        .iter()
        .map(|p| {
            let (mark, token) = if p.ready {
                (ui.glyphs.check, "success")
            } else {
                (ui.glyphs.cross, "error")
            };
            let restarts = if p.restarts > 0 { "warning" } else { "text" };
            Row::new(vec![
                Cell::from(p.name.clone()),
                Cell::from(Span::styled(
                    p.phase.as_str(),
                    ui.style(phase_token(p.phase)),
                )),
                Cell::from(Span::styled(mark, ui.style(token))),
                Cell::from(Span::styled(p.restarts.to_string(), ui.style(restarts))),
                Cell::from(p.region.clone()),
                Cell::from(Span::styled(age(p.started_at, now), ui.style("text.dim"))),
            ])
        })
        .collect();
    let header = Row::new(["NAME", "PHASE", "READY", "RESTARTS", "REGION", "AGE"]);
    // Pod names are what kubectl needs: they get every column the others leave.
    let widths = [
        Constraint::Min(20),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    render_rows(frame, body, ui, header, &widths, rows, shown, pods.len());
}

/// The History tab: the deploys, newest first as the server sends them.
pub fn render_history(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    h: &AppHistory,
    state: &TabState,
    now: DateTime<Utc>,
) {
    if h.deploys.is_empty() {
        render_empty(frame, area, ui, words::NO_DEPLOYS, words::NO_DEPLOYS_NEXT);
        return;
    }
    let deploys = visible_deploys(h, &state.filter);
    if deploys.is_empty() {
        render_empty(frame, area, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
        return;
    }
    let shown = window(deploys.len(), area, state.scroll);
    let rows = deploys[shown.clone()]
        .iter()
        .map(|d| {
            Row::new(vec![
                Cell::from(ago(d.at, now)),
                Cell::from(Span::styled(
                    d.at.format("%Y-%m-%d %H:%M").to_string(),
                    ui.style("text.dim"),
                )),
                Cell::from(d.actor.clone()),
                Cell::from(d.version.clone()),
                Cell::from(Span::styled(short_commit(&d.commit), ui.style("text.dim"))),
                Cell::from(Span::styled(
                    d.outcome.as_str(),
                    ui.style(outcome_token(d.outcome)),
                )),
            ])
        })
        .collect();
    let header = Row::new(["WHEN", "DATE", "ACTOR", "VERSION", "COMMIT", "OUTCOME"]);
    let widths = [
        Constraint::Length(10),
        Constraint::Length(16),
        Constraint::Min(8),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(11),
    ];
    render_rows(frame, area, ui, header, &widths, rows, shown, deploys.len());
}
