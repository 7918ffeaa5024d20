//! The lines under the component grid: the result (console URL, addresses, gitops
//! repository, `phase1Outcome`), the honest warning of a `ready` run that does not prove
//! every component installed, a failed run's phase and error with the retry it offers,
//! re-sync problems, and the retry's answer (the manual-retry runbook as a framed panel).
//! Pure rendering of the view's state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{DeploymentView, Retry};
use crate::model::{AppStatus, DeploymentStatus, Phase1Outcome};
use crate::state::load::Problem;
use crate::ui::Ui;
use crate::words;

/// Flows `(label, value)` pairs into lines of `width` columns after a label column.
fn flow(
    items: &[(&str, String)],
    label: &str,
    width: u16,
    ui: &Ui,
    value_style: Style,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let lead = format!(" {label:<8}");
    let sep = format!("  {}  ", ui.glyphs.dot);
    let mut lines = Vec::new();
    let mut spans = vec![Span::styled(lead.clone(), ui.style("title"))];
    let mut used = lead.width();
    let mut empty = true;
    for (name, value) in items {
        let w = name.width() + 1 + value.width();
        if !empty && used + sep.width() + w > width {
            lines.push(Line::from(std::mem::take(&mut spans)));
            spans.push(Span::raw(" ".repeat(lead.width())));
            used = lead.width();
            empty = true;
        }
        if !empty {
            spans.push(Span::styled(sep.clone(), ui.style("text.dim")));
            used += sep.width();
        }
        spans.push(Span::styled(format!("{name} "), ui.style("text.dim")));
        spans.push(Span::styled(value.clone(), value_style));
        used += w;
        empty = false;
    }
    if !empty {
        lines.push(Line::from(spans));
    }
    lines
}

/// `text` broken into lines of at most `width` columns at spaces (a longer word is cut).
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.saturating_sub(indent.width()).max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let w = word.width();
        if !line.is_empty() && line.width() + 1 + w > width {
            lines.push(format!("{indent}{}", std::mem::take(&mut line)));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        if w > width {
            for range in crate::views::logs::ansi::rows(word, width) {
                if !line.is_empty() {
                    lines.push(format!("{indent}{}", std::mem::take(&mut line)));
                }
                line.push_str(&word[range]);
            }
        } else {
            line.push_str(word);
        }
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

fn styled(lines: Vec<String>, style: Style) -> impl Iterator<Item = Line<'static>> {
    lines.into_iter().map(move |l| Line::styled(l, style))
}

/// The lines under the grid: result, warning, failure, re-sync problems, then the
/// retry's answer; with where the manual-retry panel starts, when there is one.
pub(super) fn outcome_lines(
    view: &DeploymentView,
    ui: &Ui,
    width: u16,
) -> (Vec<Line<'static>>, Option<usize>) {
    let w = usize::from(width);
    let mut out = Vec::new();
    let state = view.latest();
    let status = view.status();
    if let Some(r) = state.and_then(|s| s.result.as_ref()) {
        let mut items: Vec<(&str, String)> = [
            (words::CONSOLE_URL, &r.console_url),
            (words::CONTROL_PLANE, &r.control_plane_ip),
            (words::LOAD_BALANCER, &r.load_balancer_ip),
            (words::GITOPS_REPO, &r.gitops_repo_url),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect();
        if let Some(o) = r.phase1_outcome {
            items.push((words::PHASE1_OUTCOME, o.as_str().to_string()));
        }
        if let Some(sub) = r
            .phase1_substate
            .as_ref()
            .or(state.and_then(|s| s.phase1_substate.as_ref()))
        {
            items.push((words::PHASE1_SUBSTATE, sub.clone()));
        }
        out.extend(flow(
            &items,
            words::RESULT_LABEL,
            width,
            ui,
            ui.style("text"),
        ));
    }
    if let Some(h) = &view.track.handover {
        let text = words::handover(&h.handover_url, h.expires_at.as_deref());
        out.extend(styled(wrap(&text, w, " "), ui.style("text")));
    }
    if status == Some(DeploymentStatus::Ready)
        && let Some(warning) = ready_warning(view)
    {
        let glyph = ui.glyphs.status(AppStatus::Degraded);
        out.extend(styled(
            wrap(&format!("{glyph} {warning}"), w, " "),
            ui.style("warning"),
        ));
    }
    if status.is_some_and(DeploymentStatus::is_failure) {
        let phase = view.failed_phase();
        let error = state
            .and_then(|s| s.error.clone())
            .unwrap_or_else(|| words::NO_REASON.to_string());
        let text = format!("{} {}", ui.glyphs.cross, words::failed_in(&phase, &error));
        out.extend(styled(wrap(&text, w, " "), ui.style("error")));
        if matches!(view.retry, Retry::None) {
            out.extend(styled(
                wrap(&words::retry_offer(&phase), w, " "),
                ui.style("text.dim"),
            ));
        }
    }
    for problem in [
        view.components_problem
            .as_ref()
            .map(|why| words::resync_part_failed("component", why)),
        view.state_problem
            .as_ref()
            .map(|p| words::resync_part_failed("state", &p.sentence())),
    ]
    .into_iter()
    .flatten()
    {
        out.extend(styled(wrap(&problem, w, " "), ui.style("warning")));
    }
    let panel = matches!(view.retry, Retry::Manual { .. }).then_some(out.len());
    out.extend(retry_lines(view, ui, w));
    (out, panel)
}

/// The honest warning of a `ready` run, if it needs one.
pub(super) fn ready_warning(view: &DeploymentView) -> Option<String> {
    let outcome = view
        .latest()
        .and_then(|s| s.result.as_ref())
        .and_then(|r| r.phase1_outcome);
    let total = view.track.components.len();
    let not_installed = view.track.not_installed();
    let odd_outcome = outcome.filter(|o| *o != Phase1Outcome::Ready);
    if total == 0 {
        return Some(words::READY_NO_COMPONENTS.to_string());
    }
    if odd_outcome.is_none() && not_installed == 0 {
        return None;
    }
    Some(words::ready_but(
        odd_outcome.map(words::phase1_outcome),
        not_installed,
        total,
    ))
}

fn retry_lines(view: &DeploymentView, ui: &Ui, w: usize) -> Vec<Line<'static>> {
    match &view.retry {
        Retry::None => Vec::new(),
        Retry::Sending { phase, .. } => styled(
            wrap(&words::retry_sending(phase), w, " "),
            ui.style("text.dim"),
        )
        .collect(),
        Retry::Restarted { phase, attempt } => styled(
            wrap(&words::retry_restarted(phase, *attempt), w, " "),
            ui.style("success"),
        )
        .collect(),
        Retry::Answered { status, message } => styled(
            wrap(&words::retry_answered(status, message), w, " "),
            ui.style("warning"),
        )
        .collect(),
        Retry::Failed { phase, problem } => {
            let (message, id) = match problem {
                Problem::Error {
                    message,
                    request_id,
                } => (message.clone(), request_id.clone()),
                Problem::RateLimited { request_id, .. } => {
                    (words::rate_limited(0), request_id.clone())
                }
                Problem::NotFound { message }
                | Problem::NotOffered { message }
                | Problem::Restricted { message, .. } => (message.clone(), None),
                Problem::SessionExpired => (words::SIGN_IN_HINT.to_string(), None),
            };
            let mut lines: Vec<Line> = styled(
                wrap(&words::retry_failed(phase, &message), w, " "),
                ui.style("error"),
            )
            .collect();
            if let Some(id) = id.filter(|id| !message.contains(id.as_str())) {
                lines.push(Line::styled(
                    format!(" {}", words::request_id(&id)),
                    ui.style("text.dim"),
                ));
            }
            lines
        }
        // Drawn as a panel by `render_outcome`.
        Retry::Manual {
            runbook, message, ..
        } => {
            let inner = w.saturating_sub(2);
            // The first and last rows are the panel's frame.
            let mut lines = vec![Line::raw("")];
            lines.extend(styled(wrap(message, inner, " "), ui.style("text")));
            let book = if runbook.is_empty() {
                words::NO_RUNBOOK.to_string()
            } else {
                words::runbook(runbook)
            };
            lines.extend(styled(wrap(&book, inner, " "), ui.style("title")));
            lines.push(Line::raw(""));
            lines
        }
    }
}

pub(super) fn render_outcome(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    lines: Vec<Line<'static>>,
    panel: Option<usize>,
) {
    let Some(at) = panel.filter(|at| *at < lines.len()) else {
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    // The manual-retry answer is a framed panel: its first and last rows are the frame.
    let mut lines = lines;
    let mut inner = lines.split_off(at);
    inner.remove(0);
    inner.pop();
    let before = u16::try_from(lines.len()).unwrap_or(0);
    let [top, rest] =
        Layout::vertical([Constraint::Length(before), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(lines), top);
    let block = Block::bordered()
        .border_set(ui.glyphs.border)
        .border_style(ui.style("warning"))
        .title(Span::styled(
            format!(" {} ", words::MANUAL_RETRY_TITLE),
            ui.style("warning"),
        ));
    frame.render_widget(Paragraph::new(inner).block(block), rest);
}
