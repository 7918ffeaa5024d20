//! Draws the jobs table under its batches' progress, and one job's fields over its
//! executions, building only the rows on screen. A function of the views' state and the
//! time passed in.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

use super::detail::{FIELD_ROWS, JobRetry, JobView};
use super::list::{JobsData, JobsView};
use super::marks::{
    execution_status_mark, job_duration, job_status, long_time, refreshed, short_time,
};
use crate::model::{Job, JobBatch, JobStatus};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::widgets::text::fit;
use crate::words;

/// Columns from which the jobs table also shows each job's application.
const WIDE: u16 = 110;

/// The jobs view.
pub fn jobs(view: &JobsView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    if render_load(frame, area, ui, &view.jobs, words::JOBS, now) {
        return;
    }
    let Some(data) = view.jobs.value() else {
        return;
    };
    let above = data.batches.len() as u16 + 1;
    let [head, batches, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(if data.batches.is_empty() { 0 } else { above }),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let mut spans = vec![Span::styled(
        format!(
            " {}",
            words::jobs_count(data.jobs.len(), data.batches.len())
        ),
        ui.style("title"),
    )];
    spans.extend(refreshed(&view.poll, true, ui));
    frame.render_widget(Paragraph::new(Line::from(spans)), head);
    render_batches(frame, batches, ui, &data.batches);
    render_jobs(view, data, frame, body, ui, now);
}

/// Each batch's progress, one row a batch.
fn render_batches(frame: &mut Frame, area: Rect, ui: &Ui, batches: &[JobBatch]) {
    let count = |n: u32, token: &str| {
        let style = if n == 0 {
            ui.style("text.dim")
        } else {
            ui.style(token)
        };
        Cell::from(Span::styled(n.to_string(), style))
    };
    let rows: Vec<Row> = batches
        .iter()
        .map(|b| {
            Row::new(vec![
                Cell::from(b.batch_id.clone()),
                Cell::from(words::batch_progress(b.finished, b.total)),
                count(b.succeeded, "success"),
                count(b.failed, "status.failed"),
                count(b.running, "status.installing"),
                count(b.pending, "text"),
            ])
        })
        .collect();
    let header = Row::new(words::BATCH_COLUMNS.to_vec()).style(ui.style("title"));
    let widths = [
        Constraint::Length(16),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .highlight_symbol(ui.glyphs.selected)
        .highlight_spacing(HighlightSpacing::Always);
    frame.render_stateful_widget(table, area, &mut TableState::default());
}

fn render_jobs(
    view: &JobsView,
    data: &JobsData,
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    now: DateTime<Utc>,
) {
    if data.jobs.is_empty() {
        render_empty(frame, area, ui, words::NO_JOBS, words::NO_JOBS_NEXT);
        return;
    }
    let visible = view.visible();
    if visible.is_empty() {
        render_empty(frame, area, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
        return;
    }
    let cols = JobColumns::for_width(area.width, &visible);
    let mut list = view.list;
    list.scroll_into_view(visible_rows(area));
    let ellipsis = ui.glyphs.ellipsis;
    let rows = visible[window(&list, area, visible.len())]
        .iter()
        .map(|j| {
            let mut cells = vec![Cell::from(fit(&j.job_name, cols.job, ellipsis))];
            if cols.app {
                cells.push(Cell::from(j.app_id.clone()));
            }
            cells.extend([
                Cell::from(j.batch_id.clone()),
                Cell::from(job_status(ui, j.status)),
                Cell::from(short_time(j.started_at.as_deref(), now)),
                Cell::from(job_duration(j, now)),
            ]);
            if let Some(width) = cols.depends_on {
                cells.push(Cell::from(Span::styled(
                    fit(&words::depends_on(&j.depends_on), width, ellipsis),
                    ui.style("text.dim"),
                )));
            }
            Row::new(cells)
        })
        .collect();
    let (header, widths) = cols.header_and_widths();
    render_table(frame, area, ui, Row::new(header), &widths, rows, &list);
}

/// Which columns of the jobs table fit, and how wide the job names and dependencies are:
/// every column from [`WIDE`] on; without the application (the install jobs are named
/// after it) from [`MEDIUM`]; below that without the dependencies too (the job's detail
/// lists them, and `/` matches them), so names stay readable at 80 columns.
struct JobColumns {
    job: usize,
    app: bool,
    depends_on: Option<usize>,
}

const MEDIUM: u16 = 96;
/// The longest job name given its full width while dependencies share the row.
const LONGEST_NAME: usize = 34;
const APP: usize = 18;
const BATCH: usize = 15;
const STATUS: usize = 11;
const STARTED: usize = 11;
const DURATION: usize = 8;

impl JobColumns {
    fn for_width(width: u16, jobs: &[&Job]) -> JobColumns {
        let app = width >= WIDE;
        let deps = width >= MEDIUM;
        // The selection mark, then each column and the space before it.
        let mut fixed = 1 + BATCH + STATUS + STARTED + DURATION + 4;
        if app {
            fixed += APP + 1;
        }
        let room = (width as usize).saturating_sub(fixed);
        if !deps {
            return JobColumns {
                job: room,
                app,
                depends_on: None,
            };
        }
        let longest = jobs
            .iter()
            .map(|j| j.job_name.width())
            .max()
            .unwrap_or(0)
            .clamp(3, LONGEST_NAME);
        let job = longest.min(room.saturating_sub(11));
        JobColumns {
            job,
            app,
            depends_on: Some(room.saturating_sub(job + 1)),
        }
    }

    fn header_and_widths(&self) -> (Vec<&'static str>, Vec<Constraint>) {
        let mut header = vec![words::JOB_COLUMNS[0]];
        let mut widths = vec![Constraint::Length(self.job as u16)];
        if self.app {
            header.push(words::JOB_COLUMN_APP);
            widths.push(Constraint::Length(APP as u16));
        }
        header.extend_from_slice(&words::JOB_COLUMNS[1..5]);
        widths.extend([BATCH, STATUS, STARTED, DURATION].map(|w| Constraint::Length(w as u16)));
        if let Some(w) = self.depends_on {
            header.push(words::JOB_COLUMNS[5]);
            widths.push(Constraint::Length(w as u16));
        }
        (header, widths)
    }
}

/// The job detail view.
pub fn job(view: &JobView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    if render_load(frame, area, ui, &view.detail, words::JOB, now) {
        return;
    }
    let Some(detail) = view.detail.value() else {
        return;
    };
    let job = &detail.job;
    let fields = FIELD_ROWS as u16 - 1;
    let [head, body] =
        Layout::vertical([Constraint::Length(fields), Constraint::Min(1)]).areas(area);
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let field = |name: &str, value: String, style: Style| {
        Line::from(vec![
            Span::styled(format!("  {name:<14}"), dim),
            Span::styled(value, style),
        ])
    };
    let mut first = vec![
        Span::styled(format!(" {}  ", job.job_name), ui.style("title")),
        job_status(ui, job.status),
    ];
    first.extend(refreshed(&view.poll, true, ui));
    let finished = match long_time(job.finished_at.as_deref()) {
        Some(t) => t,
        None if job.status == JobStatus::Running => words::STILL_RUNNING.to_string(),
        None => words::NOT_YET.to_string(),
    };
    let lines = vec![
        Line::from(first),
        Line::raw(""),
        field(words::FIELD_JOB, job.id.clone(), text),
        field(words::FIELD_APPLICATION, job.app_id.clone(), text),
        field(words::FIELD_BATCH, job.batch_id.clone(), text),
        field(
            words::FIELD_STARTED,
            long_time(job.started_at.as_deref()).unwrap_or_else(|| words::NOT_YET.to_string()),
            text,
        ),
        field(words::FIELD_FINISHED, finished, text),
        field(words::FIELD_DURATION, job_duration(job, now), text),
        field(
            words::FIELD_DEPENDS_ON,
            words::depends_on(&job.depends_on),
            text,
        ),
    ];
    let mut lines = lines;
    match &view.retry {
        JobRetry::None => {}
        JobRetry::Sending(_) => lines.push(field(
            words::FIELD_RETRY,
            words::RETRY_SENDING_SHORT.to_string(),
            dim,
        )),
        JobRetry::Done(a) => lines.push(field(
            words::FIELD_RETRY,
            words::job_retried(&a.action, &a.requested_by),
            ui.style("success"),
        )),
        JobRetry::Failed(p) => {
            lines.push(field(words::FIELD_RETRY, p.sentence(), ui.style("error")))
        }
    }
    frame.render_widget(Paragraph::new(lines), head);
    if detail.executions.is_empty() {
        render_empty(
            frame,
            body,
            ui,
            words::NO_EXECUTIONS,
            words::NO_EXECUTIONS_NEXT,
        );
        return;
    }
    let mut list = view.list;
    list.scroll_into_view(visible_rows(body));
    // Ids are shown whole (they are what a support ticket quotes); times shrink first.
    let id = detail
        .executions
        .iter()
        .map(|e| e.id.width())
        .max()
        .unwrap_or(0)
        .max(words::EXECUTION_COLUMNS[0].len());
    let time_width = if body.width as usize >= 1 + id + 11 + 2 * 19 + 7 + 4 {
        19
    } else {
        11
    };
    let time = |t: Option<&str>| {
        if time_width == 19 {
            long_time(t)
        } else {
            t.map(|t| short_time(Some(t), now))
        }
    };
    let rows = detail.executions[window(&list, body, detail.executions.len())]
        .iter()
        .map(|e| {
            let finished = match time(e.finished_at.as_deref()) {
                Some(t) => Span::styled(t, text),
                None => Span::styled(words::NOT_YET, dim),
            };
            Row::new(vec![
                Cell::from(e.id.clone()),
                Cell::from(execution_status_mark(ui, e.status)),
                Cell::from(time(Some(&e.started_at)).unwrap_or_default()),
                Cell::from(finished),
                Cell::from(
                    Line::from(crate::widgets::text::thousands(e.line_count))
                        .alignment(Alignment::Right),
                ),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(id as u16),
        Constraint::Length(11),
        Constraint::Length(time_width),
        Constraint::Length(time_width),
        Constraint::Length(7),
    ];
    let header = Row::new(words::EXECUTION_COLUMNS.to_vec());
    render_table(frame, body, ui, header, &widths, rows, &list);
}
