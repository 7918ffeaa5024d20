//! Draws the Environment view's body: the header line (counts per status, grouping,
//! layout), then the bands on screen (section headers and card rows, or list rows), or
//! the loading, empty and problem states. Only what is on screen is built: the walk
//! starts at the first visible band and stops at the bottom edge.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::EnvView;
use super::card::{columns, header_line, render_card, row_line};
use super::layout::{Band, Counts, Geometry, Mode, STATUS_ORDER, Section, SectionKind};
use crate::model::Application;
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::text::fit;
use crate::words;

/// Rows of the body above the bands: the header line, and the column titles in the list.
pub fn chrome_rows(mode: Mode) -> u16 {
    match mode {
        Mode::Grid => 1,
        Mode::List => 2,
    }
}

/// Draws `view` in `area`.
pub fn render(view: &EnvView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    if render_load(frame, area, ui, &view.apps, "Applications", now) {
        return;
    }
    let Some(apps) = view.apps.value() else {
        return;
    };
    render_summary(frame, top, ui, view);
    let d = &view.derived;
    if d.order.is_empty() {
        if view.filter.is_active() {
            render_empty(frame, body, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
        } else {
            render_empty(frame, body, ui, words::NO_APPS, words::NO_APPS_NEXT);
        }
        return;
    }
    let mark = ui.glyphs.selected.width() + 1;
    let cols = columns(area.width, mark);
    let body = match view.mode {
        Mode::Grid => body,
        Mode::List => {
            let [titles, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
            frame.render_widget(Paragraph::new(header_line(ui, &cols, mark)), titles);
            rest
        }
    };
    let geo = Geometry::new(view.mode, body.width);
    let offset = view.scroll_for(geo, body.height);
    let bottom = body.y + body.height;
    let mut y = body.y;
    for band in d.bands_from(geo.cols, offset) {
        if y >= bottom {
            break;
        }
        let h = band.height(geo).min(bottom - y);
        let rect = Rect {
            y,
            height: h,
            ..body
        };
        match band {
            Band::Header(s) => {
                if let Some(sec) = d.sections.get(s) {
                    let line = section_line(ui, sec, usize::from(body.width));
                    frame.render_widget(Paragraph::new(line), rect);
                }
            }
            Band::Row { section, row } => {
                for (col, pos) in d.row_positions(geo.cols, section, row).enumerate() {
                    let Some(app) = d.order.get(pos).and_then(|&i| apps.get(i)) else {
                        continue;
                    };
                    let selected = pos == view.selected;
                    match view.mode {
                        Mode::List => {
                            let line = row_line(ui, app, &cols, selected, now);
                            frame.render_widget(Paragraph::new(line), rect);
                        }
                        Mode::Grid => {
                            let card = Rect {
                                x: body.x + geo.card_width * col as u16,
                                y,
                                width: geo.card_width,
                                height: geo.row_height,
                            };
                            draw_card(frame, card, h, ui, app, selected, now);
                        }
                    }
                }
            }
        }
        y += h;
    }
}

/// A card whose top `visible` rows are on screen; a card cut by the bottom edge is drawn
/// aside and copied in, so it shows as the top of a card rather than a short one.
fn draw_card(
    frame: &mut Frame,
    card: Rect,
    visible: u16,
    ui: &Ui,
    app: &Application,
    selected: bool,
    now: DateTime<Utc>,
) {
    if visible >= card.height {
        render_card(frame.buffer_mut(), card, ui, app, selected, now);
        return;
    }
    let mut aside = Buffer::empty(card);
    render_card(&mut aside, card, ui, app, selected, now);
    let buf = frame.buffer_mut();
    let area = buf.area;
    for y in card.y..card.y + visible {
        for x in card.x..card.x + card.width {
            if x < area.x + area.width && y < area.y + area.height {
                buf[(x, y)] = aside[(x, y)].clone();
            }
        }
    }
}

/// `── ● Running (3) ──────`.
fn section_line(ui: &Ui, sec: &Section, width: usize) -> Line<'static> {
    let rule = ui.glyphs.border.horizontal_top;
    let (label, style) = match &sec.kind {
        SectionKind::Status(s) => (
            format!("{} {} ({})", ui.glyphs.status(*s), s.label(), sec.len),
            ui.theme.status(*s),
        ),
        SectionKind::Blueprint(bp) => (format!("{bp} ({})", sec.len), ui.style("title")),
        SectionKind::All => (format!("Applications ({})", sec.len), ui.style("title")),
        SectionKind::Services => (format!("Backing services ({})", sec.len), ui.style("title")),
    };
    let label = fit(&label, width.saturating_sub(6), ui.glyphs.ellipsis);
    let lead = format!("{} ", rule.repeat(2));
    let tail = width.saturating_sub(lead.width() + label.width() + 1);
    Line::from(vec![
        Span::styled(lead, ui.style("border")),
        Span::styled(label, style.patch(ui.style("title"))),
        Span::styled(format!(" {}", rule.repeat(tail)), ui.style("border")),
    ])
}

/// The header line: counts on the left, grouping and layout on the right.
fn render_summary(frame: &mut Frame, area: Rect, ui: &Ui, view: &EnvView) {
    let width = usize::from(area.width);
    let right = format!(
        "{} {} {} ",
        view.grouping.describe(),
        ui.glyphs.separator,
        view.mode.word()
    );
    // At least three spaces between the counts and the grouping.
    let room = width.saturating_sub(right.width() + 3);
    let counts = &view.derived.counts;
    let shown = view.filter.is_active().then_some(view.derived.order.len());
    let mut left = summary_spans(ui, counts, shown, false);
    if spans_width(&left) > room {
        left = summary_spans(ui, counts, shown, true);
    }
    if spans_width(&left) > room {
        let text: String = left.iter().map(|s| s.content.as_ref()).collect();
        left = vec![Span::styled(
            fit(&text, room, ui.glyphs.ellipsis),
            ui.style("text.dim"),
        )];
    }
    let gap = width.saturating_sub(spans_width(&left) + right.width());
    left.push(Span::raw(" ".repeat(gap)));
    left.push(Span::styled(right, ui.style("text.dim")));
    frame.render_widget(Paragraph::new(Line::from(left)), area);
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}

/// ` 12 apps: 9 running, 1 degraded │ 3 services`, or with glyphs for words (`short`).
fn summary_spans(ui: &Ui, c: &Counts, shown: Option<usize>, short: bool) -> Vec<Span<'static>> {
    let dim = ui.style("text.dim");
    let bar = format!(" {} ", ui.glyphs.separator);
    let mut spans = vec![Span::styled(
        format!(" {} {}", c.apps, plural(c.apps, "app", "apps")),
        ui.style("text"),
    )];
    let mut first = true;
    for (i, status) in STATUS_ORDER.iter().enumerate() {
        let n = c.by_status[i];
        if n == 0 {
            continue;
        }
        let (lead, text) = if short {
            (
                if first { ": " } else { " " },
                format!("{}{n}", ui.glyphs.status(*status)),
            )
        } else {
            (
                if first { ": " } else { ", " },
                format!("{n} {}", status.label().to_lowercase()),
            )
        };
        first = false;
        spans.push(Span::styled(lead, dim));
        spans.push(Span::styled(text, ui.theme.status(*status)));
    }
    if c.services > 0 {
        let mut text = format!(
            "{} {}",
            c.services,
            plural(c.services, "service", "services")
        );
        if c.services_not_running > 0 {
            text.push_str(&format!(" ({} not running)", c.services_not_running));
        }
        let style = if c.services_not_running > 0 {
            ui.style("warning")
        } else {
            ui.style("text")
        };
        spans.push(Span::styled(bar.clone(), dim));
        spans.push(Span::styled(text, style));
    }
    if let Some(n) = shown {
        spans.push(Span::styled(format!("{bar}{n} shown"), dim));
    }
    spans
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
