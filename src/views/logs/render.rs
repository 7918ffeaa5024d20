//! Draws the log view: a header (follow or pause with the new-line count, the filters, the
//! search position, how many lines), then only the rows on screen, each built from its
//! line's text when drawn: colours parsed with `ansi-to-tui` (without colour under a
//! theme that has none, such as mono for NO_COLOR), the level's token under them, search
//! matches marked with `search.match`, then cut to the row (wrapped) or to the columns
//! scrolled to. A function of the view's state only.

use std::ops::Range;

use ansi_to_tui::IntoText;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};
use unicode_width::UnicodeWidthStr;

use super::buffer::{Level, LogLine};
use super::scroll::{Geometry, Row, Top};
use super::{LogView, ansi};
use crate::ui::Ui;
use crate::widgets::load::render_empty;
use crate::widgets::text::fit;
use crate::words;

/// A line's plain text and the style of each byte range of it.
struct Styled {
    plain: String,
    runs: Vec<(Range<usize>, Style)>,
}

/// Draws `view` in `area`.
pub fn render(view: &LogView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let g = view.geometry((area.width, area.height));
    render_header(view, frame, head, ui, now);
    let buffer = view.buffer();
    if buffer.is_empty() {
        render_empty(
            frame,
            body,
            ui,
            words::NO_LOG_LINES,
            words::NO_LOG_LINES_NEXT,
        );
        return;
    }
    if view.shown().is_empty() {
        render_empty(
            frame,
            body,
            ui,
            words::NO_LOG_LINE_PASSES,
            words::NO_LOG_LINE_PASSES_NEXT,
        );
        return;
    }
    let mono = ui.theme.colours().next().is_none();
    let query = view.search().filter.text.as_str();
    let mut lines = Vec::with_capacity(g.rows);
    let mut styled: Option<(u64, Styled, Vec<Range<usize>>)> = None;
    for row in view.screen(g) {
        let (seq, sub) = match row {
            Row::Marker => {
                let text =
                    words::lines_dropped(ui.glyphs.ellipsis, buffer.dropped(), buffer.capacity());
                lines.push(Line::styled(text, ui.style("warning")));
                continue;
            }
            Row::Line { seq, sub } => (seq, sub),
        };
        let Some(line) = buffer.get(seq) else {
            continue;
        };
        if styled.as_ref().is_none_or(|(s, ..)| *s != seq) {
            let text = style_line(line, ui, mono, query);
            let rows = if view.wraps() {
                ansi::rows(&text.plain, g.text)
            } else {
                vec![ansi::columns(&text.plain, view.hscroll, g.text)]
            };
            styled = Some((seq, text, rows));
        }
        let Some((_, text, rows)) = &styled else {
            continue;
        };
        let mut spans = gutter(view, line, sub, g, ui);
        if let Some(range) = rows.get(sub) {
            spans.extend(slice(text, range.clone()));
        }
        lines.push(Line::from(spans));
    }
    let text_area = Rect {
        width: body.width.saturating_sub(1),
        ..body
    };
    frame.render_widget(Paragraph::new(lines), text_area);
    scrollbar(view, frame, body, ui, g);
}

/// The header: state, filters and toggles on the left; search and counts on the right.
fn render_header(view: &LogView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let mut left = Vec::new();
    if let Some(state) = view.stream_state() {
        let (text, token) = state.label(now);
        left.push(Span::styled(format!(" {text} "), ui.style(token)));
        if let Some(why) = view.resync_failed() {
            left.push(Span::styled(
                format!(" {}", words::resync_failed(why)),
                ui.style("warning"),
            ));
        }
    }
    if view.is_following() {
        left.push(Span::styled(
            format!(" {} ", words::LOG_FOLLOWING),
            ui.style("success"),
        ));
    } else {
        left.push(Span::styled(
            format!(" {} ", words::LOG_PAUSED),
            ui.style("warning"),
        ));
        if view.new_lines() > 0 {
            left.push(Span::styled(
                format!(" {}", words::new_lines(view.new_lines())),
                ui.style("warning"),
            ));
        }
    }
    let lens = view.lens();
    let buffer = view.buffer();
    let filters = [
        ("level", lens.level.label().map(str::to_string)),
        (
            "phase",
            lens.phase.map(|p| buffer.phases.get(p).to_string()),
        ),
        (
            "component",
            lens.component.map(|c| buffer.components.get(c).to_string()),
        ),
    ];
    for (what, value) in filters {
        if let Some(value) = value {
            left.push(Span::raw("  "));
            left.push(Span::styled(
                words::log_filter(what, &value),
                ui.style("title"),
            ));
        }
    }
    if view.wraps() {
        left.push(Span::styled(
            format!("  {}", words::LOG_WRAP),
            ui.style("text.dim"),
        ));
    }

    let search = view.search();
    let mut right = Vec::new();
    if search.is_active() {
        let query = search.filter.text.as_str();
        let (text, token) = match (search.current, search.count) {
            (_, 0) => (words::no_match_for(query), "warning"),
            (Some(_), n) => (words::match_position(search.rank, n), "search.match"),
            (None, n) => (words::match_count(n), "search.match"),
        };
        right.push(Span::styled(format!(" {text} "), ui.style(token)));
        right.push(Span::raw("  "));
    }
    right.push(Span::styled(
        words::log_lines(view.shown().len(), buffer.len()),
        ui.style("text.dim"),
    ));
    right.push(Span::raw(" "));

    let width = usize::from(area.width);
    let used = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    // The counts give way first, then the search, so the state always shows.
    while !right.is_empty() && used(&left) + used(&right) + 1 > width {
        right.drain(..right.len().min(2));
    }
    let gap = width.saturating_sub(used(&left) + used(&right));
    left.push(Span::raw(" ".repeat(gap)));
    left.extend(right);
    frame.render_widget(Paragraph::new(Line::from(left)), area);
}

/// The time, level and phase/component columns of a line's first row (blank below it).
fn gutter(view: &LogView, line: &LogLine, sub: usize, g: Geometry, ui: &Ui) -> Vec<Span<'static>> {
    if sub > 0 {
        return vec![Span::raw(" ".repeat(g.gutter()))];
    }
    let mut spans = Vec::new();
    if g.time {
        let current = view.search().current == Some(line.seq);
        let token = if current { "search.match" } else { "text.dim" };
        let text = match line.time {
            Some(t) => format!("{}", t.format("%H:%M:%S")),
            None => " ".repeat(super::scroll::TIME_COLUMNS - 1),
        };
        spans.push(Span::styled(text, ui.style(token)));
        spans.push(Span::raw(" "));
    }
    if g.level {
        let (text, token) = match line.level {
            Some(l) => (l.label(), l.token()),
            None => ("", "text"),
        };
        spans.push(Span::styled(
            format!("{text:<width$}", width = super::scroll::LEVEL_COLUMNS),
            ui.style(token),
        ));
    }
    if g.tag > 0 {
        let tag = fit(
            view.buffer().tag(line).unwrap_or(""),
            g.tag,
            ui.glyphs.ellipsis,
        );
        let pad = g.tag.saturating_sub(tag.width()) + 1;
        spans.push(Span::styled(
            format!("{tag}{}", " ".repeat(pad)),
            ui.style("text.dim"),
        ));
    }
    spans
}

/// A line's text styled: its level's token, its own colours over that (none when `mono`),
/// and every match of `query` marked.
fn style_line(line: &LogLine, ui: &Ui, mono: bool, query: &str) -> Styled {
    let base = ui.style(line.level.map_or("text", Level::token));
    let plain = line.plain().into_owned();
    let whole = |plain: String| {
        let len = plain.len();
        Styled {
            plain,
            runs: vec![(0..len, base)],
        }
    };
    let mut styled = if line.has_ansi() {
        match line.raw().to_text() {
            Ok(text) => {
                let mut parsed = String::with_capacity(plain.len());
                let mut runs = Vec::new();
                for span in text.lines.iter().flat_map(|l| l.spans.iter()) {
                    let start = parsed.len();
                    parsed.push_str(&span.content);
                    let mut style = span.style;
                    if mono {
                        style.fg = None;
                        style.bg = None;
                        style.underline_color = None;
                    }
                    runs.push((start..parsed.len(), base.patch(style)));
                }
                // The parser and the sanitizer agree by construction; if they ever did
                // not, the text shows without colours rather than misplaced.
                if parsed == plain {
                    Styled { plain, runs }
                } else {
                    whole(plain)
                }
            }
            Err(_) => whole(plain),
        }
    } else {
        whole(plain)
    };
    let found = ansi::find_all(&styled.plain, query);
    if !found.is_empty() {
        styled.runs = mark(&styled.runs, &found, ui.style("search.match"));
    }
    styled
}

/// `runs` with the byte ranges `found` restyled as `mark`.
fn mark(
    runs: &[(Range<usize>, Style)],
    found: &[Range<usize>],
    mark: Style,
) -> Vec<(Range<usize>, Style)> {
    let mut out = Vec::with_capacity(runs.len() + 2 * found.len());
    for (run, style) in runs {
        let mut at = run.start;
        for m in found
            .iter()
            .filter(|m| m.start < run.end && m.end > run.start)
        {
            let (s, e) = (m.start.max(run.start), m.end.min(run.end));
            if s > at {
                out.push((at..s, *style));
            }
            out.push((s..e, mark));
            at = e;
        }
        if at < run.end {
            out.push((at..run.end, *style));
        }
    }
    out
}

/// The spans of `text` within the byte `range`.
fn slice(text: &Styled, range: Range<usize>) -> Vec<Span<'static>> {
    text.runs
        .iter()
        .filter(|(r, _)| r.start < range.end && r.end > range.start)
        .map(|(r, style)| {
            let (s, e) = (r.start.max(range.start), r.end.min(range.end));
            Span::styled(text.plain[s..e].to_string(), *style)
        })
        .collect()
}

/// A scrollbar on the right edge when the shown lines (and the dropped marker) do not
/// fit; it counts lines, not wrapped rows, which would take a pass over every line.
fn scrollbar(view: &LogView, frame: &mut Frame, area: Rect, ui: &Ui, g: Geometry) {
    let shown = view.shown();
    let marker = usize::from(view.buffer().dropped() > 0);
    let len = shown.len() + marker;
    if len <= g.rows {
        return;
    }
    let top = match view.screen_top(g) {
        Top::Start => 0,
        Top::Line { seq, .. } => shown.position_from(seq) + marker,
    };
    let bar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None)
        .track_symbol(Some(ui.glyphs.scroll_track))
        .thumb_symbol(ui.glyphs.scroll_thumb)
        .style(ui.style("border"));
    let mut state = ScrollbarState::new(len.saturating_sub(g.rows) + 1)
        .position(top.min(len.saturating_sub(g.rows)))
        .viewport_content_length(g.rows);
    frame.render_stateful_widget(bar, area, &mut state);
}
