//! The renderings of every async state a view can be in: loading (a spinner), empty (with
//! the next useful action), and each problem (error with request id and retry key,
//! restricted with the role that would allow it, rate-limited with its countdown, session
//! expired with the way back in). Views call [`render_load`] for anything not ready.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::words;

/// Draws a load that is not ready (`what` names the thing: "Organizations"). Returns
/// `false` when there is data to show instead.
pub fn render_load<T>(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    load: &Load<T>,
    what: &str,
    now: DateTime<Utc>,
) -> bool {
    match load {
        Load::Ready(_) | Load::Loading { stale: Some(_), .. } => false,
        Load::Idle | Load::Loading { .. } => {
            // The spinner turns with the clock; the loop ticks while it shows.
            let step = (now.timestamp_subsec_millis() / 120) as usize;
            let lines = vec![Line::from(vec![
                Span::styled(ui.glyphs.spinner_frame(step), ui.style("title")),
                Span::styled(
                    format!(" {} {what}{}", words::LOADING, ui.glyphs.ellipsis),
                    ui.style("text.dim"),
                ),
            ])];
            centred(frame, area, lines);
            true
        }
        Load::Failed(problem) => {
            render_problem(frame, area, ui, problem, now);
            true
        }
    }
}

/// Draws why something could not be shown.
pub fn render_problem(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    problem: &Problem,
    now: DateTime<Utc>,
) {
    let dim = ui.style("text.dim");
    let lines = match problem {
        Problem::Restricted { message, required } => vec![
            Line::styled("Restricted", ui.style("warning")),
            Line::raw(""),
            Line::styled(message.clone(), ui.style("text")),
            Line::styled(words::restricted_role(required.as_deref()), dim),
        ],
        Problem::RateLimited { until, request_id } => {
            let secs =
                (*until - now).num_seconds().max(0) + i64::from((*until - now).subsec_nanos() > 0);
            let mut l = vec![
                Line::styled("Rate limited", ui.style("warning")),
                Line::raw(""),
                Line::styled(words::rate_limited(secs), ui.style("text")),
            ];
            if let Some(id) = request_id {
                l.push(Line::styled(format!("Request id: {id}"), dim));
            }
            l
        }
        Problem::SessionExpired => vec![
            Line::styled("Session expired", ui.style("warning")),
            Line::raw(""),
            Line::styled(words::SIGN_IN_HINT, ui.style("text")),
        ],
        Problem::NotFound { message } => vec![
            Line::styled("Not found", ui.style("error")),
            Line::raw(""),
            Line::styled(message.clone(), ui.style("text")),
            Line::styled("Press Esc to go back, or Ctrl-R to look again.", dim),
        ],
        Problem::NotOffered { message } => vec![
            Line::styled(words::NOT_OFFERED_TITLE, ui.style("text.dim")),
            Line::raw(""),
            Line::styled(message.clone(), ui.style("text")),
        ],
        Problem::Error {
            message,
            request_id,
        } => {
            let mut l = vec![
                Line::styled("Could not load", ui.style("error")),
                Line::raw(""),
                Line::styled(message.clone(), ui.style("text")),
            ];
            if let Some(id) = request_id
                && !message.contains(id.as_str())
            {
                l.push(Line::styled(format!("Request id: {id}"), dim));
            }
            l.push(Line::styled(words::RETRY_HINT, dim));
            l
        }
    };
    centred(frame, area, lines);
}

/// Draws the empty state: what is missing and the next useful action.
pub fn render_empty(frame: &mut Frame, area: Rect, ui: &Ui, what: &str, next: &str) {
    centred(
        frame,
        area,
        vec![
            Line::styled(what.to_string(), ui.style("text")),
            Line::raw(""),
            Line::styled(next.to_string(), ui.style("text.dim")),
        ],
    );
}

fn centred(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    let height = (lines.len() as u16 + 2).min(area.height);
    let top = area.y + area.height.saturating_sub(height) / 2;
    let inner = Rect {
        x: area.x + 1,
        y: top,
        width: area.width.saturating_sub(2),
        height,
    };
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}
