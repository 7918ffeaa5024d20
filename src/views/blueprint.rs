//! Where a Blueprint runs across an Organization's Environments, at which versions, and
//! how each copy is doing: "where is `bp-wordpress` running in my Org, at which versions".
//!
//! Rows go from poc to prod (the promotion order), then by Environment and Application
//! name; a copy behind the latest version is flagged in words and with the theme's
//! `warning`, so it reads without colour. Live Application events keep the rows current
//! (new copies appear, removed ones go) without a new read.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{BlueprintUsage, BlueprintUse, LiveEvent, split_env_name};
use crate::msg::Data;
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// The Blueprint usage view's state.
#[derive(Debug)]
pub struct BlueprintView {
    pub org: String,
    pub blueprint: String,
    pub usage: Load<BlueprintUsage>,
    pub list: ListState,
    pub filter: Filter,
}

/// How two versions compare, numerically part by part (`2.10.0` after `2.9.1`); `None`
/// when either is not dotted numbers.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let parse = |v: &str| -> Option<Vec<u64>> {
        v.trim_start_matches('v')
            .split('.')
            .map(|p| p.parse().ok())
            .collect()
    };
    let (a, b) = (parse(a)?, parse(b)?);
    let len = a.len().max(b.len());
    let part = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    Some(
        (0..len)
            .map(|i| part(&a, i).cmp(&part(&b, i)))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal),
    )
}

/// Whether `version` is behind `latest` (an unreadable version is behind unless equal).
pub fn is_behind(version: &str, latest: &str) -> bool {
    match compare_versions(version, latest) {
        Some(o) => o == Ordering::Less,
        None => version != latest,
    }
}

/// Where an Environment goes in the promotion order.
fn env_rank(env: &str) -> u8 {
    split_env_name(env).map_or(u8::MAX, |(_, t)| t.rank())
}

impl BlueprintView {
    pub fn new(org: &str, blueprint: &str) -> BlueprintView {
        BlueprintView {
            org: org.to_string(),
            blueprint: blueprint.to_string(),
            usage: Load::Idle,
            list: ListState::default(),
            filter: Filter::default(),
        }
    }

    /// The copies that pass the filter, poc to prod, then by name.
    pub fn visible(&self) -> Vec<&BlueprintUse> {
        let mut v: Vec<&BlueprintUse> = self
            .usage
            .value()
            .map(|u| {
                u.usages
                    .iter()
                    .filter(|x| {
                        self.filter.matches(&format!(
                            "{} {} {} {}",
                            x.environment,
                            x.application,
                            x.version,
                            x.status.label()
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by(|a, b| {
            (env_rank(&a.environment), &a.environment, &a.application).cmp(&(
                env_rank(&b.environment),
                &b.environment,
                &b.application,
            ))
        });
        v
    }

    fn rows_height(cx: &Cx) -> usize {
        // Body less the summary line, the blank under it and the table header.
        (cx.body.1 as usize).saturating_sub(3)
    }

    fn in_org(&self, env: &str, org: &str) -> bool {
        split_env_name(env).map_or(org == self.org, |(o, _)| o == self.org)
    }
}

impl View for BlueprintView {
    fn context(&self) -> &'static [&'static str] {
        &["list", "global"]
    }

    fn title(&self) -> String {
        if self.org.is_empty() {
            format!("all Organizations › {}", self.blueprint)
        } else {
            format!("{} › {}", self.org, self.blueprint)
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Filter,
            Action::Back,
            Action::CommandPalette,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        super::LIST_ACTIONS
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::BlueprintUsage {
            org: self.org.clone(),
            blueprint: self.blueprint.clone(),
        });
        self.usage.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        if self.list.apply(action, len, Self::rows_height(cx)) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => match self.visible().get(self.list.selected) {
                Some(u) => Outcome::Open(Target::App {
                    env: u.environment.clone(),
                    app: u.application.clone(),
                }),
                None => Outcome::Done(Vec::new()),
            },
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        super::settle_answer(&mut self.usage, request, result, cx.now, |d| match d {
            Data::BlueprintUsage(u) => Some((**u).clone()),
            _ => None,
        })?;
        let len = self.visible().len();
        self.list.clamp(len);
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        match event {
            LiveEvent::ApplicationUpdated(app) if self.in_org(&app.environment, &app.org) => {
                let blueprint = self.blueprint.clone();
                let Some(usage) = self.usage.value_mut() else {
                    return Vec::new();
                };
                let at = usage
                    .usages
                    .iter()
                    .position(|u| u.environment == app.environment && u.application == app.name);
                match (at, app.blueprint.name == blueprint) {
                    (Some(i), true) => {
                        let u = &mut usage.usages[i];
                        u.version = app.blueprint.version.clone();
                        u.status = app.status;
                    }
                    (None, true) => usage.usages.push(BlueprintUse {
                        environment: app.environment.clone(),
                        application: app.name.clone(),
                        version: app.blueprint.version.clone(),
                        status: app.status,
                    }),
                    // Moved to another Blueprint.
                    (Some(i), false) => {
                        usage.usages.remove(i);
                    }
                    (None, false) => {}
                }
            }
            LiveEvent::ApplicationRemoved(r) => {
                if let Some(usage) = self.usage.value_mut() {
                    usage
                        .usages
                        .retain(|u| !(u.environment == r.environment && u.application == r.name));
                }
            }
            _ => {}
        }
        let len = self.visible().len();
        self.list.clamp(len);
        Vec::new()
    }

    fn scope(&self) -> Scope {
        // An empty Organization means every one the identity sees.
        Scope {
            org: (!self.org.is_empty()).then(|| self.org.clone()),
            env: None,
        }
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, _cx: &mut Cx) {
        self.list = ListState::default();
    }

    fn problem(&self) -> Option<&Problem> {
        self.usage.problem()
    }

    fn animates(&self) -> bool {
        self.usage.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if render_load(frame, area, ui, &self.usage, words::BLUEPRINT_USAGE, now) {
            return;
        }
        let Some(usage) = self.usage.value() else {
            return;
        };
        let [head, _, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        render_summary(frame, head, ui, usage);
        if usage.usages.is_empty() {
            render_empty(frame, body, ui, words::NO_USAGE, words::NO_USAGE_NEXT);
            return;
        }
        let visible = self.visible();
        if visible.is_empty() {
            render_empty(frame, body, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
            return;
        }
        let mut list = self.list;
        list.scroll_into_view(visible_rows(body));
        let rows = visible[window(&list, body, visible.len())]
            .iter()
            .map(|u| {
                let behind = is_behind(&u.version, &usage.latest_version);
                let (version, mark) = if behind {
                    (
                        ui.style("warning"),
                        Span::styled(words::BEHIND, ui.style("warning")),
                    )
                } else {
                    (
                        ui.style("text"),
                        Span::styled(ui.glyphs.check, ui.style("success")),
                    )
                };
                Row::new(vec![
                    Cell::from(u.environment.clone()),
                    Cell::from(u.application.clone()),
                    Cell::from(Span::styled(u.version.clone(), version)),
                    Cell::from(mark),
                    Cell::from(Span::styled(
                        format!("{} {}", ui.glyphs.status(u.status), u.status.label()),
                        ui.theme.status(u.status),
                    )),
                ])
            })
            .collect();
        let header = Row::new(["ENVIRONMENT", "APPLICATION", "VERSION", "LATEST", "STATUS"]);
        let widths = [
            Constraint::Min(20),
            Constraint::Min(16),
            Constraint::Length(10),
            Constraint::Length(6),
            Constraint::Length(18),
        ];
        render_table(frame, body, ui, header, &widths, rows, &list);
    }
}

/// `bp-wordpress · latest 1.3.0 · 3 Environments, 4 Applications, 1 behind`.
fn render_summary(frame: &mut Frame, area: Rect, ui: &Ui, usage: &BlueprintUsage) {
    let envs: BTreeSet<&str> = usage
        .usages
        .iter()
        .map(|u| u.environment.as_str())
        .collect();
    let behind = usage
        .usages
        .iter()
        .filter(|u| is_behind(&u.version, &usage.latest_version))
        .count();
    let dim = ui.style("text.dim");
    let dot = if ui.glyphs.ellipsis.is_ascii() {
        " - "
    } else {
        " · "
    };
    let mut spans = vec![
        Span::styled(format!(" {}", usage.blueprint), ui.style("title")),
        Span::styled(format!("{dot}latest "), dim),
        Span::styled(usage.latest_version.clone(), ui.style("text")),
        Span::styled(dot, dim),
        Span::styled(
            words::usage_count(envs.len(), usage.usages.len()),
            ui.style("text"),
        ),
    ];
    if behind > 0 {
        spans.push(Span::styled(dot, dim));
        spans.push(Span::styled(
            words::behind_count(behind),
            ui.style("warning"),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests;
