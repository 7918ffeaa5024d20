//! Draws the views inside a grant: the tabs with their counts and the stream's state, the
//! table of the tab (only the rows on screen), the selected event's or Flux object's
//! whole message under it; or, without a live grant, why and what to do. A function of
//! the views' state and the time passed in.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::yaml::YamlView;
use super::{KubeView, Tab};
use crate::kube::KubeStatus;
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, window};
use crate::widgets::text::fit;
use crate::words;

/// The view inside a grant.
pub fn kube(view: &KubeView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    if let Some(why) = &view.ended {
        render_empty(frame, area, ui, why, words::KUBE_ENDED_NEXT);
        return;
    }
    let below = if view.tab == Tab::Pods { 0 } else { 3 };
    let [tabs, status, body, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(below),
    ])
    .areas(area);
    render_tabs(view, frame, tabs, ui);
    render_status(view, frame, status, ui);
    match view.tab {
        Tab::Pods => pods(view, frame, body, ui, now),
        Tab::Events => events(view, frame, body, detail, ui, now),
        Tab::Flux => flux(view, frame, body, detail, ui, now),
    }
}

fn render_tabs(view: &KubeView, frame: &mut Frame, area: Rect, ui: &Ui) {
    let counts = [
        view.visible_pods().len(),
        view.visible_events().len(),
        view.visible_flux().len(),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let token = if *tab == view.tab {
            "tab.active"
        } else {
            "tab"
        };
        spans.push(Span::styled(
            format!(" {} {} ", words::kube_tab(i), counts[i]),
            ui.style(token),
        ));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_status(view: &KubeView, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (text, token) = match &view.status {
        KubeStatus::Connecting => (words::STREAM_CONNECTING.to_string(), "text.dim"),
        KubeStatus::Live => (words::STREAM_LIVE.to_string(), "success"),
        KubeStatus::Retrying { why, .. } => (words::kube_retrying(why), "warning"),
        KubeStatus::Refused(why) => (words::kube_refused(why), "error"),
        KubeStatus::Ended(why) => (why.clone(), "text.dim"),
    };
    let scope = match &view.grant {
        Some(g) => format!("{} {}", g.access, view.env),
        None => view.env.clone(),
    };
    let width = usize::from(area.width);
    let line = Line::from(vec![
        Span::styled(format!(" {scope} · "), ui.style("text.dim")),
        Span::styled(
            fit(&text, width.saturating_sub(scope.len() + 4), "…"),
            ui.style(token),
        ),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn age(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    t.map_or_else(|| "-".to_string(), |t| words::short_age(t, now))
}

fn pods(view: &KubeView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let rows = view.visible_pods();
    if rows.is_empty() {
        if view.pods.synced() {
            let what = words::kube_no_pods(view.app.as_deref(), &view.env);
            render_empty(frame, area, ui, &what, words::KUBE_EMPTY_NEXT);
        }
        return;
    }
    let list = &view.lists[0];
    let built = rows[window(list, area, rows.len())]
        .iter()
        .map(|p| {
            let token = if p.troubled() { "error" } else { "text" };
            Row::new(vec![
                Cell::from(p.name.clone()),
                Cell::from(p.ready.clone()).style(ui.style(if p.all_ready {
                    "text"
                } else {
                    "warning"
                })),
                Cell::from(p.status.clone()).style(ui.style(token)),
                Cell::from(p.restarts.to_string()),
                Cell::from(age(p.created, now)),
                Cell::from(p.node.clone()).style(ui.style("text.dim")),
            ])
        })
        .collect();
    render_table(
        frame,
        area,
        ui,
        Row::new(words::KUBE_POD_COLUMNS.to_vec()),
        &[
            Constraint::Fill(5),
            Constraint::Length(5),
            Constraint::Length(17),
            Constraint::Length(8),
            Constraint::Length(4),
            Constraint::Fill(2),
        ],
        built,
        list,
    );
}

fn message(frame: &mut Frame, area: Rect, ui: &Ui, text: &str) {
    if area.height == 0 {
        return;
    }
    let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {text}"), ui.style("text")))
            .wrap(Wrap { trim: true }),
        body,
    );
}

fn events(
    view: &KubeView,
    frame: &mut Frame,
    area: Rect,
    detail: Rect,
    ui: &Ui,
    now: DateTime<Utc>,
) {
    let rows = view.visible_events();
    if rows.is_empty() {
        if view.events.synced() {
            render_empty(
                frame,
                area,
                ui,
                words::KUBE_NO_EVENTS,
                words::KUBE_EMPTY_NEXT,
            );
        }
        return;
    }
    let list = &view.lists[1];
    let built = rows[window(list, area, rows.len())]
        .iter()
        .map(|e| {
            let token = if e.kind == "Warning" {
                "warning"
            } else {
                "text.dim"
            };
            Row::new(vec![
                Cell::from(age(e.last, now)),
                Cell::from(e.kind.clone()).style(ui.style(token)),
                Cell::from(e.reason.clone()),
                Cell::from(e.object.clone()),
                Cell::from(e.message.clone()),
            ])
        })
        .collect();
    render_table(
        frame,
        area,
        ui,
        Row::new(words::KUBE_EVENT_COLUMNS.to_vec()),
        &[
            Constraint::Length(4),
            Constraint::Length(7),
            Constraint::Length(12),
            Constraint::Fill(2),
            Constraint::Fill(4),
        ],
        built,
        list,
    );
    if let Some(e) = rows.get(list.selected) {
        message(
            frame,
            detail,
            ui,
            &format!("{} · {} ×{}: {}", e.object, e.reason, e.count, e.message),
        );
    }
}

fn flux(view: &KubeView, frame: &mut Frame, area: Rect, detail: Rect, ui: &Ui, now: DateTime<Utc>) {
    let rows = view.visible_flux();
    if rows.is_empty() {
        if view.helm.synced() && view.kustomizations.synced() {
            let what = if view.helm.absent() && view.kustomizations.absent() {
                words::KUBE_NO_FLUX_KINDS
            } else {
                words::KUBE_NO_FLUX
            };
            render_empty(frame, area, ui, what, words::KUBE_EMPTY_NEXT);
        }
        return;
    }
    let list = &view.lists[2];
    let built = rows[window(list, area, rows.len())]
        .iter()
        .map(|f| {
            let (ready, token) = match f.ready {
                Some(true) => ("True", "success"),
                Some(false) => ("False", "error"),
                None => ("-", "text.dim"),
            };
            Row::new(vec![
                Cell::from(f.kind.clone()),
                Cell::from(f.name.clone()),
                Cell::from(ready).style(ui.style(token)),
                Cell::from(f.reason.clone()),
                Cell::from(age(f.since, now)),
                Cell::from(f.message.clone()),
            ])
        })
        .collect();
    render_table(
        frame,
        area,
        ui,
        Row::new(words::KUBE_FLUX_COLUMNS.to_vec()),
        &[
            Constraint::Length(13),
            Constraint::Fill(2),
            Constraint::Length(5),
            Constraint::Length(16),
            Constraint::Length(5),
            Constraint::Fill(2),
        ],
        built,
        list,
    );
    if let Some(f) = rows.get(list.selected) {
        message(
            frame,
            detail,
            ui,
            &format!("{} · Ready {}: {}", f.name, f.reason, f.message),
        );
    }
}

/// The YAML view.
pub fn yaml(view: &YamlView, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
    let (head, body) = match &view.ended {
        Some(why) => {
            let [head, body] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
            (Some((head, why)), body)
        }
        None => (None, area),
    };
    if let Some((head, why)) = head {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {why}"), ui.style("warning"))),
            head,
        );
    }
    if render_load(frame, body, ui, &view.doc, words::KUBE_YAML, now) {
        return;
    }
    let Some(doc) = view.doc.value() else {
        return;
    };
    let title = match view.read_at {
        Some(at) => words::kube_yaml_title(view.kind.kind(), &view.name, at, now),
        None => view.name.clone(),
    };
    crate::views::app::yaml::render(frame, body, ui, &title, doc, &view.state);
}
