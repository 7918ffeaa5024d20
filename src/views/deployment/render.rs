//! Draws one provisioning run: the summary (status, id, region, FQDN, times), the
//! Phase-0 pipeline with its marks and `n/5`, the Phase-1 counts and component grid, the
//! outcome (result, honest warnings, a failure with its retry, the retry's answer) and
//! the log in the rows left; or the log alone when zoomed. A function of the view's state
//! only: rows are built for what is on screen.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};
use unicode_width::UnicodeWidthStr;

use super::DeploymentView;
use super::outcome::{outcome_lines, render_outcome};
use crate::model::{AppStatus, ComponentStatus, DeploymentState, DeploymentStatus, PHASE0};
use crate::state::load::Problem;
use crate::ui::Ui;
use crate::views::View;
use crate::widgets::load::render_problem;
use crate::widgets::table::{render_table, window};
use crate::widgets::text::{ago, fit};
use crate::words;

/// Rows the log keeps at least (its header and three lines).
const LOG_MIN: u16 = 4;

/// The status mark and token a run's status is drawn with.
pub fn run_status(status: DeploymentStatus) -> AppStatus {
    match status {
        DeploymentStatus::Pending => AppStatus::Paused,
        DeploymentStatus::Provisioning
        | DeploymentStatus::TofuApplying
        | DeploymentStatus::FluxBootstrapping => AppStatus::Installing,
        DeploymentStatus::Phase1Watching | DeploymentStatus::Wiping => AppStatus::Updating,
        DeploymentStatus::Ready | DeploymentStatus::Adopted => AppStatus::Running,
        DeploymentStatus::PartialFailure => AppStatus::Degraded,
        DeploymentStatus::Failed => AppStatus::Failed,
        DeploymentStatus::Wiped => AppStatus::Paused,
        DeploymentStatus::Unknown => AppStatus::Unknown,
    }
}

/// The status mark and token a component's state is drawn with.
pub fn component_status(status: ComponentStatus) -> AppStatus {
    match status {
        ComponentStatus::Pending => AppStatus::Paused,
        ComponentStatus::Installing => AppStatus::Installing,
        ComponentStatus::Installed => AppStatus::Running,
        ComponentStatus::Degraded => AppStatus::Degraded,
        ComponentStatus::Failed => AppStatus::Failed,
        ComponentStatus::Unknown => AppStatus::Unknown,
    }
}

/// `glyph word` in the status's style.
fn mark(ui: &Ui, status: AppStatus, word: &str) -> Span<'static> {
    Span::styled(
        format!("{} {word}", ui.glyphs.status(status)),
        ui.theme.status(status),
    )
}

/// A service time as `2026-05-12 06:00:00`, or the text as sent when it does not parse.
pub fn when(text: &str) -> String {
    DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| text.to_string())
}

fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Draws `view` in `area`.
pub fn render(view: &DeploymentView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    if view.zoomed {
        view.log.render(frame, area, ui, now);
        return;
    }
    if view.latest().is_none()
        && view.seen.is_empty()
        && let Some(problem) = nothing_shown(view)
    {
        render_problem(frame, area, ui, &problem, now);
        return;
    }
    let (outcome, panel) = outcome_lines(view, ui, area.width);
    let outcome_h = u16::try_from(outcome.len()).unwrap_or(u16::MAX);
    let fixed = 4 + outcome_h;
    let room = area.height.saturating_sub(fixed + LOG_MIN);
    let comps = view.track.components.len();
    let grid_h = if comps == 0 {
        0
    } else {
        let rows = view.grid_rows((area.width, area.height));
        u16::try_from(rows + 1).unwrap_or(u16::MAX).min(room)
    };
    let grid_h = if grid_h < 2 { 0 } else { grid_h };
    let [summary, pipeline, phase1, grid, outcome_area, log] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(grid_h),
        Constraint::Length(outcome_h),
        Constraint::Min(0),
    ])
    .areas(area);
    render_summary(view, frame, summary, ui, now);
    frame.render_widget(
        Paragraph::new(pipeline_line(view, ui, area.width)),
        pipeline,
    );
    frame.render_widget(Paragraph::new(phase1_line(view, ui, area.width)), phase1);
    render_grid(view, frame, grid, ui);
    render_outcome(frame, outcome_area, ui, outcome, panel);
    if log.height > 0 {
        view.log.render(frame, log, ui, now);
    }
}

/// Why nothing can be shown yet, when something went wrong.
fn nothing_shown(view: &DeploymentView) -> Option<Problem> {
    if let Some(p) = &view.state_problem {
        return Some(p.clone());
    }
    match view.log.stream_state() {
        Some(crate::views::logs::StreamState::Failed(why)) => Some(Problem::Error {
            message: why.clone(),
            request_id: None,
        }),
        _ => None,
    }
}

fn render_summary(
    view: &DeploymentView,
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    now: DateTime<Utc>,
) {
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let gap = || Span::raw("   ");
    let mut first = vec![Span::raw(" ")];
    match (view.status(), view.latest()) {
        // A status this console does not know: the service's own word.
        (Some(DeploymentStatus::Unknown), Some(latest)) => {
            first.push(mark(ui, AppStatus::Unknown, &latest.status.to_string()))
        }
        (Some(status), _) => first.push(mark(ui, run_status(status), status.as_str())),
        (None, _) => first.push(Span::styled(
            format!("{}{}", words::READING_RUN, ui.glyphs.ellipsis),
            dim,
        )),
    }
    first.push(gap());
    first.push(Span::styled(view.id.clone(), ui.style("title")));
    let mut second = vec![Span::raw(" ")];
    if let Some(s) = view.latest() {
        first.push(gap());
        first.push(Span::styled(s.region.clone(), text));
        first.push(gap());
        first.push(Span::styled(s.sovereign_fqdn.clone(), text));
        second.extend(times(s, ui, now));
    }
    if view.attempt > 1 {
        second.push(Span::styled(
            format!("  {}  {}", ui.glyphs.dot, words::attempt(view.attempt)),
            ui.style("warning"),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn times(s: &DeploymentState, ui: &Ui, now: DateTime<Utc>) -> Vec<Span<'static>> {
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let mut spans = vec![
        Span::styled(format!("{} ", words::STARTED), dim),
        Span::styled(when(&s.started_at), text),
    ];
    if let Some(t) = parse(&s.started_at) {
        spans.push(Span::styled(format!(" ({})", ago(t, now)), dim));
    }
    spans.push(Span::styled(format!("  {}  ", ui.glyphs.dot), dim));
    match &s.finished_at {
        Some(f) => {
            spans.push(Span::styled(format!("{} ", words::FINISHED), dim));
            spans.push(Span::styled(when(f), text));
        }
        None => spans.push(Span::styled(words::RUNNING, dim)),
    }
    spans
}

/// `✓ tofu-init › ✓ tofu-plan › ◐ tofu-apply › ○ tofu-output › ○ flux-bootstrap  3/5`.
fn pipeline_line(view: &DeploymentView, ui: &Ui, width: u16) -> Line<'static> {
    let status = view.status();
    let failed = status == Some(DeploymentStatus::Failed);
    let complete = view.track.phase1
        || matches!(
            status,
            Some(DeploymentStatus::Phase1Watching | DeploymentStatus::Ready)
        );
    let current = view.track.marker.or_else(|| {
        failed.then(|| {
            let phase = view.failed_phase();
            PHASE0.iter().position(|p| *p == phase).unwrap_or(0)
        })
    });
    let mut spans = vec![Span::raw(" ")];
    if width >= 100 {
        spans.push(Span::styled(
            format!("{}  ", words::PHASE0_LABEL),
            ui.style("title"),
        ));
    }
    // Narrow screens space the phases instead of drawing arrows between them.
    let sep = if width >= 100 {
        format!(" {} ", ui.glyphs.breadcrumb)
    } else {
        "  ".to_string()
    };
    for (i, phase) in PHASE0.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(sep.clone(), ui.style("text.dim")));
        }
        let (glyph, style) = match current {
            _ if complete => (ui.glyphs.check, ui.style("success")),
            Some(c) if i < c => (ui.glyphs.check, ui.style("success")),
            Some(c) if i == c && failed => (ui.glyphs.cross, ui.style("error")),
            Some(c) if i == c => (
                ui.glyphs.status(AppStatus::Installing),
                ui.theme.status(AppStatus::Installing),
            ),
            _ => (ui.glyphs.status(AppStatus::Paused), ui.style("text.dim")),
        };
        let name_style = if current == Some(i) && !complete {
            style
        } else {
            ui.style("text")
        };
        spans.push(Span::styled(format!("{glyph} "), style));
        spans.push(Span::styled((*phase).to_string(), name_style));
    }
    let n = if complete {
        PHASE0.len()
    } else {
        current.map_or(0, |c| c + 1)
    };
    spans.push(Span::styled(
        format!("  {n}/{}", PHASE0.len()),
        ui.style("text.dim"),
    ));
    Line::from(spans)
}

/// `Phase 1  12 components: ● 8 installed · ◐ 2 installing · ○ 2 pending`; the label and
/// the total give way when the counts do not fit.
fn phase1_line(view: &DeploymentView, ui: &Ui, width: u16) -> Line<'static> {
    let dim = ui.style("text.dim");
    let label = Span::styled(format!(" {}  ", words::PHASE1_LABEL), ui.style("title"));
    let t = &view.track;
    if t.components.is_empty() {
        let status = view.status();
        let text = if t.phase1 || status == Some(DeploymentStatus::Phase1Watching) {
            words::PHASE1_NO_COMPONENTS
        } else if status == Some(DeploymentStatus::Failed) {
            words::PHASE1_NOT_REACHED
        } else {
            words::PHASE1_LATER
        };
        return Line::from(vec![label, Span::styled(text, dim)]);
    }
    let mut counts = Vec::new();
    for (status, n) in t.counts() {
        if n == 0 {
            continue;
        }
        if !counts.is_empty() {
            counts.push(Span::styled(format!(" {} ", ui.glyphs.dot), dim));
        }
        let s = component_status(status);
        counts.push(Span::styled(
            format!("{} {n} {}", ui.glyphs.status(s), status.as_str()),
            ui.theme.status(s),
        ));
    }
    let total = Span::styled(
        format!("{}: ", words::components_count(t.components.len())),
        ui.style("text"),
    );
    let wide = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let room = usize::from(width);
    let mut spans = vec![label, total];
    spans.extend(counts.iter().cloned());
    if wide(&spans) > room {
        spans.remove(0);
        spans.insert(0, Span::raw(" "));
    }
    if wide(&spans) > room {
        spans.truncate(1);
        spans.extend(counts);
    }
    Line::from(spans)
}

fn render_grid(view: &DeploymentView, frame: &mut Frame, area: Rect, ui: &Ui) {
    if area.height < 2 {
        return;
    }
    let comps = view.track.ordered();
    let mut list = view.list;
    list.scroll_into_view(area.height.saturating_sub(1) as usize);
    let name_w = comps
        .iter()
        .map(|c| c.id.width())
        .max()
        .unwrap_or(0)
        .clamp(9, 24);
    let rows = comps[window(&list, area, comps.len())]
        .iter()
        .map(|c| {
            let s = component_status(c.status);
            Row::new(vec![
                Cell::from(fit(&c.id, name_w, ui.glyphs.ellipsis)),
                Cell::from(mark(ui, c.shown_status(s), c.state_word())),
                Cell::from(Span::styled(c.message.clone(), ui.style("text.dim"))),
            ])
        })
        .collect();
    let header = Row::new([words::COMPONENT, words::STATE, words::MESSAGE]);
    let widths = [
        Constraint::Length(u16::try_from(name_w).unwrap_or(24)),
        Constraint::Length(12),
        Constraint::Min(10),
    ];
    render_table(frame, area, ui, header, &widths, rows, &list);
}
