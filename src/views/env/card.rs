//! One Application drawn as a card or as a list row, and the facts both show: the
//! Blueprint and version, status glyph and word, endpoint, placement, pods ready/total,
//! the key dependency (or who uses a backing service), the last deploy, and the live
//! progress of an install or update. Render only: everything drawn is passed in.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use crate::model::{AppKind, Application};
use crate::ui::Ui;
use crate::widgets::text::{ago, fit};

/// The width of the progress bar on a card.
const BAR_WIDTH: usize = 10;

/// `bp-wordpress @ 1.3.0`.
pub fn blueprint(app: &Application) -> String {
    format!("{} @ {}", app.blueprint.name, app.blueprint.version)
}

/// `active-active in fsn,hel`.
pub fn placement(app: &Application) -> String {
    let mode = app.placement.mode.as_str();
    if app.placement.regions.is_empty() {
        mode.to_string()
    } else {
        format!("{mode} in {}", app.placement.regions.join(","))
    }
}

/// The endpoint without an `https://` in front (where room is short).
pub fn short_endpoint(endpoint: &str) -> &str {
    endpoint.strip_prefix("https://").unwrap_or(endpoint)
}

/// `2/3`, or `–` where the Sovereign does not count pods.
pub fn pods(app: &Application) -> String {
    if app.pods.counted {
        format!("{}/{}", app.pods.ready, app.pods.total)
    } else {
        "–".to_string()
    }
}

/// The key dependency of an Application (`uses shared-postgres +1`), or who uses a
/// backing service (`used by payment-rail +2`).
pub fn dependency(app: &Application) -> String {
    let (verb, names): (&str, Vec<&str>) = match app.kind {
        AppKind::BackingService if !app.used_by.is_empty() => {
            ("used by", app.used_by.iter().map(String::as_str).collect())
        }
        AppKind::BackingService => return "used by no application".to_string(),
        _ => (
            "uses",
            app.dependencies.iter().map(|d| d.name.as_str()).collect(),
        ),
    };
    match names.split_first() {
        None => "no dependencies".to_string(),
        Some((first, [])) => format!("{verb} {first}"),
        Some((first, rest)) => format!("{verb} {first} +{}", rest.len()),
    }
}

/// `3 d ago by layla` (`3 d ago` where the Sovereign does not say who).
pub fn deployed(app: &Application, now: DateTime<Utc>) -> String {
    if app.last_deploy.actor.is_empty() {
        return ago(app.last_deploy.at, now);
    }
    format!(
        "{} by {}",
        ago(app.last_deploy.at, now),
        app.last_deploy.actor
    )
}

/// The pods style: a warning while some are not ready.
fn pods_style(ui: &Ui, app: &Application) -> Style {
    if app.pods.ready < app.pods.total {
        ui.style("warning")
    } else {
        ui.style("text.dim")
    }
}

/// `● Running` in the status's style.
pub fn status_span(ui: &Ui, app: &Application) -> Span<'static> {
    Span::styled(
        format!("{} {}", ui.glyphs.status(app.status), app.status.label()),
        ui.theme.status(app.status),
    )
}

/// The progress of an install or update as a bar, the percent and the step, in `width`
/// columns; `None` unless the Application is moving and progress is known.
pub fn progress_spans(ui: &Ui, app: &Application, width: usize) -> Option<Vec<Span<'static>>> {
    let progress = app.progress.as_ref().filter(|_| app.status.in_progress())?;
    let percent = usize::from(progress.percent.min(100));
    let filled = (percent * BAR_WIDTH).div_ceil(100).min(BAR_WIDTH);
    let track = ui.glyphs.border.horizontal_top;
    let text = format!(" {percent:>3}% ");
    let room = width.saturating_sub(BAR_WIDTH + text.width());
    Some(vec![
        Span::styled(
            ui.glyphs.scroll_thumb.repeat(filled),
            ui.theme.status(app.status),
        ),
        Span::styled(track.repeat(BAR_WIDTH - filled), ui.style("text.dim")),
        Span::styled(text, ui.style("text")),
        Span::styled(
            fit(&progress.step, room, ui.glyphs.ellipsis),
            ui.style("text.dim"),
        ),
    ])
}

/// A card for `app` in `area` of `buf`.
pub fn render_card(
    buf: &mut Buffer,
    area: Rect,
    ui: &Ui,
    app: &Application,
    selected: bool,
    now: DateTime<Utc>,
) {
    let ell = ui.glyphs.ellipsis;
    // Borders and one column of padding on each side.
    let inner_width = usize::from(area.width.saturating_sub(4));
    let (border, title_style, mark) = if selected {
        (
            ui.style("border.focus"),
            ui.style("selection"),
            format!("{} ", ui.glyphs.selected),
        )
    } else {
        (ui.style("border"), ui.style("title"), String::new())
    };
    let title = fit(
        &format!("{mark}{}", app.name),
        inner_width.saturating_sub(2),
        ell,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(ui.glyphs.border)
        .border_style(border)
        .title(Line::from(vec![
            Span::styled(" ", border),
            Span::styled(title, title_style),
            Span::styled(" ", border),
        ]));
    let inner = block.inner(area);
    block.render(area, buf);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };

    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let status = status_span(ui, app);
    let pods = if app.pods.counted {
        format!("{} pods", pods(app))
    } else {
        String::new()
    };
    let gap = inner_width.saturating_sub(status.content.width() + pods.width());
    let status_line = if gap >= 1 {
        Line::from(vec![
            status,
            Span::raw(" ".repeat(gap)),
            Span::styled(pods, pods_style(ui, app)),
        ])
    } else {
        Line::from(status)
    };
    // What is going on (progress, or the server's word on the status), else who owns it.
    let detail = match progress_spans(ui, app, inner_width) {
        Some(spans) => Line::from(spans),
        None if !app.status_detail.is_empty() => {
            Line::styled(fit(&app.status_detail, inner_width, ell), text)
        }
        None if !app.owner_team.is_empty() => Line::styled(
            fit(&format!("owned by {}", app.owner_team), inner_width, ell),
            dim,
        ),
        None => Line::default(),
    };
    let endpoint = match &app.endpoint {
        Some(e) => Line::styled(fit(e, inner_width, ell), text),
        None => Line::styled("no endpoint", dim),
    };
    let lines = vec![
        Line::styled(fit(&blueprint(app), inner_width, ell), dim),
        status_line,
        detail,
        endpoint,
        Line::styled(fit(&placement(app), inner_width, ell), text),
        Line::styled(fit(&dependency(app), inner_width, ell), text),
        Line::styled(
            fit(
                &format!("deployed {}", deployed(app, now)),
                inner_width,
                ell,
            ),
            dim,
        ),
    ];
    Paragraph::new(lines).render(inner, buf);
}

/// A list column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Status,
    Name,
    Blueprint,
    Endpoint,
    Placement,
    Pods,
    Dependency,
    Deployed,
}

impl Column {
    /// Left to right on screen.
    const SHOWN: [Column; 8] = [
        Column::Status,
        Column::Name,
        Column::Blueprint,
        Column::Endpoint,
        Column::Placement,
        Column::Pods,
        Column::Dependency,
        Column::Deployed,
    ];
    /// Which columns get the room first.
    const PRIORITY: [Column; 8] = [
        Column::Status,
        Column::Name,
        Column::Blueprint,
        Column::Endpoint,
        Column::Pods,
        Column::Deployed,
        Column::Placement,
        Column::Dependency,
    ];

    fn width(self) -> usize {
        match self {
            Column::Status => 18,
            Column::Name => 18,
            Column::Blueprint => 24,
            Column::Endpoint => 28,
            Column::Placement => 20,
            Column::Pods => 5,
            Column::Dependency => 22,
            Column::Deployed => 18,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Column::Status => "STATUS",
            Column::Name => "APPLICATION",
            Column::Blueprint => "BLUEPRINT",
            Column::Endpoint => "ENDPOINT",
            Column::Placement => "PLACEMENT",
            Column::Pods => "PODS",
            Column::Dependency => "DEPENDS ON",
            Column::Deployed => "DEPLOYED",
        }
    }
}

/// The columns that fit in `width` (after the selection mark), with their widths; the
/// name and the Blueprint share what is left over.
pub fn columns(width: u16, mark: usize) -> Vec<(Column, usize)> {
    let width = usize::from(width);
    let mut used = mark;
    let mut chosen = Vec::new();
    for col in Column::PRIORITY {
        let need = col.width() + usize::from(!chosen.is_empty());
        if used + need <= width || chosen.is_empty() {
            used += need;
            chosen.push(col);
        }
    }
    let spare = width.saturating_sub(used);
    let to_name = if chosen.contains(&Column::Blueprint) {
        spare.div_ceil(2)
    } else {
        spare
    };
    Column::SHOWN
        .iter()
        .filter(|c| chosen.contains(c))
        .map(|&c| {
            let w = match c {
                Column::Name => c.width() + to_name,
                Column::Blueprint => c.width() + spare - to_name,
                _ => c.width(),
            };
            (c, w)
        })
        .collect()
}

/// The list's column titles.
pub fn header_line(ui: &Ui, cols: &[(Column, usize)], mark: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(" ".repeat(mark))];
    for (i, (col, w)) in cols.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(pad(col.title(), *w), ui.style("title")));
    }
    Line::from(spans)
}

/// One list row for `app`.
pub fn row_line(
    ui: &Ui,
    app: &Application,
    cols: &[(Column, usize)],
    selected: bool,
    now: DateTime<Utc>,
) -> Line<'static> {
    let ell = ui.glyphs.ellipsis;
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let mark_width = ui.glyphs.selected.width() + 1;
    let mark = if selected {
        format!("{} ", ui.glyphs.selected)
    } else {
        " ".repeat(mark_width)
    };
    let mut spans = vec![Span::styled(mark, text)];
    for (i, &(col, w)) in cols.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        let cell = |s: &str, style: Style| Span::styled(pad(&fit(s, w, ell), w), style);
        spans.push(match col {
            Column::Status => {
                let s = status_span(ui, app);
                let word = match app.progress.as_ref().filter(|_| app.status.in_progress()) {
                    Some(p) => format!("{} {}%", s.content, p.percent.min(100)),
                    None => s.content.to_string(),
                };
                Span::styled(pad(&fit(&word, w, ell), w), s.style)
            }
            Column::Name => cell(&app.name, text),
            Column::Blueprint => cell(&blueprint(app), dim),
            Column::Endpoint => cell(app.endpoint.as_deref().map_or("-", short_endpoint), text),
            Column::Placement => cell(&placement(app), text),
            Column::Pods => cell(&pods(app), pods_style(ui, app)),
            Column::Dependency => cell(&dependency(app), text),
            Column::Deployed => cell(&deployed(app, now), dim),
        });
    }
    if selected {
        // The selection's colours win over every cell's own.
        let style = ui.style("selection");
        for span in &mut spans {
            span.style = style;
        }
    }
    Line::from(spans)
}

/// `text` padded with spaces to `width` columns.
fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    if w >= width {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(width - w))
    }
}
