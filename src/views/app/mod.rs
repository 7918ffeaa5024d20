//! One Application with its seven tabs: Overview, Settings, Topology, Secrets,
//! Observability, History, Manifests.
//!
//! Owns the view's state and its part of the pure update: which tab is shown, each tab's
//! own fetch, scroll and `/` text (kept while the operator moves between tabs), and the
//! live events that touch this Application. A tab is read the first time it is shown
//! (Overview shows the summary, read on entering); Ctrl-R reads the summary and the
//! shown tab again. When a live update brings a new revision, every tab read so far is
//! marked out of date and the shown one is read again while its old content stays on
//! screen. `request-access` asks for access to the Application's Environment, as in the
//! Environment's view. Rendering lives in [`render`]; the text tabs are built in [`doc`].
//!
//! Must not show a secret's value: the Secrets tab has names, keys and sizes only.

mod doc;
#[cfg(test)]
pub(crate) mod fixtures;
mod render;
mod tables;
pub(crate) mod tabs;
#[cfg(test)]
mod tests;
pub(crate) mod yaml;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{DetailTab, Effect, Query, RequestId};
use crate::model::{Application, LiveEvent, Progress, split_env_name};
use crate::msg::{Data, TabData};
use crate::state::list::Filter;
use crate::state::load::{Load, Problem};
use crate::theme::Glyphs;
use crate::ui::Ui;
use crate::words;

pub use tabs::TabState;

/// The Application view's state.
#[derive(Debug)]
pub struct AppView {
    pub env: String,
    pub app: String,
    /// The Application itself: the Overview, and the status beside the tabs.
    pub summary: Load<Application>,
    /// The tab on screen.
    pub tab: DetailTab,
    /// Each tab's state, in the order of [`DetailTab::ALL`].
    tabs: [TabState; 7],
    /// Opening a promotion of this Application.
    promote: crate::views::promotion::promote::Promote,
    /// Asking for access to the Application's Environment.
    access: crate::views::access::request::RequestAccess,
}

impl AppView {
    pub fn new(env: &str, app: &str) -> AppView {
        AppView {
            env: env.to_string(),
            app: app.to_string(),
            summary: Load::Idle,
            tab: DetailTab::Overview,
            tabs: std::array::from_fn(|_| TabState::default()),
            promote: Default::default(),
            access: Default::default(),
        }
    }

    /// One tab's state.
    pub fn tab_state(&self, tab: DetailTab) -> &TabState {
        &self.tabs[tab.index()]
    }

    fn tab_mut(&mut self, tab: DetailTab) -> &mut TabState {
        &mut self.tabs[tab.index()]
    }

    fn active(&self) -> &TabState {
        self.tab_state(self.tab)
    }

    fn active_mut(&mut self) -> &mut TabState {
        let tab = self.tab;
        self.tab_mut(tab)
    }

    /// The Organization the Application belongs to.
    fn org(&self) -> Option<String> {
        split_env_name(&self.env)
            .map(|(o, _)| o.to_string())
            .or_else(|| self.summary.value().map(|a| a.org.clone()))
    }

    /// Reads `tab` (Overview shows the summary, read by [`View::load`]).
    fn fetch_tab(&mut self, tab: DetailTab, cx: &mut Cx) -> Vec<Effect> {
        if tab == DetailTab::Overview {
            return Vec::new();
        }
        let (request, effect) = cx.fetch(Query::Tab {
            env: self.env.clone(),
            app: self.app.clone(),
            tab,
        });
        let state = self.tab_mut(tab);
        state.load.start(request);
        state.stale = false;
        vec![effect]
    }

    /// Shows `tab`, reading it when it was never read or is out of date.
    fn show(&mut self, tab: DetailTab, cx: &mut Cx) -> Vec<Effect> {
        self.tab = tab;
        if tab != DetailTab::Overview && self.tab_state(tab).needs_fetch(cx.now) {
            return self.fetch_tab(tab, cx);
        }
        Vec::new()
    }

    fn step_tab(&mut self, delta: isize, cx: &mut Cx) -> Vec<Effect> {
        let n = DetailTab::ALL.len() as isize;
        let next = (self.tab.index() as isize + delta).rem_euclid(n) as usize;
        self.show(DetailTab::ALL[next], cx)
    }

    /// How many rows of content the shown tab has (what scrolling moves over).
    fn content_len(&self, now: DateTime<Utc>) -> usize {
        let state = self.active();
        if self.tab == DetailTab::Overview {
            return self
                .summary
                .value()
                .map_or(0, |a| doc::overview(a, now, &Glyphs::ASCII).len());
        }
        match state.load.value() {
            Some(TabData::Settings { yaml, .. }) | Some(TabData::Manifests(yaml)) => {
                yaml.lines.len()
            }
            Some(TabData::Topology(t)) => doc::topology(t).len(),
            Some(TabData::Secrets(s)) => doc::secrets(s, &state.filter, now).len(),
            Some(TabData::Observability(o)) => tables::visible_pods(o, &state.filter).len(),
            Some(TabData::History(h)) => tables::visible_deploys(h, &state.filter).len(),
            None => 0,
        }
    }

    fn scroll(&mut self, action: Action, cx: &mut Cx) {
        let height = tabs::content_height(self.tab, cx.body.1);
        let max = tabs::max_scroll(self.content_len(cx.now), height);
        let state = self.active_mut();
        let at = state.scroll.min(max);
        state.scroll = match action {
            Action::MoveDown => at + 1,
            Action::MoveUp => at.saturating_sub(1),
            Action::PageDown => at + height,
            Action::PageUp => at.saturating_sub(height),
            Action::Top => 0,
            _ => max,
        }
        .min(max);
    }

    /// Jumps to the next (or previous) search match in a YAML tab; `None` when the tab
    /// has no search to jump in.
    fn search(&mut self, forward: bool, cx: &mut Cx) -> Option<()> {
        if !tabs::is_yaml(self.tab) {
            return None;
        }
        let height = tabs::content_height(self.tab, cx.body.1);
        let state = &mut self.tabs[self.tab.index()];
        if !state.filter.is_active() {
            return None;
        }
        let yaml = state.load.value().and_then(tabs::yaml_of)?;
        let matches = tabs::matching_lines(yaml, &state.filter.text);
        // With no match yet, start from the top of the screen.
        let from = state.current_match.or(if forward {
            state.scroll.checked_sub(1)
        } else {
            Some(state.scroll)
        });
        let Some(line) = tabs::next_match(&matches, from, forward) else {
            state.current_match = None;
            return Some(());
        };
        state.current_match = Some(line);
        state.scroll = tabs::reveal(state.scroll, line, height, yaml.lines.len());
        Some(())
    }

    /// The YAML of the shown tab as text (what Copy puts on the clipboard).
    fn yaml_text(&self) -> Option<String> {
        let yaml = self.active().load.value().and_then(tabs::yaml_of)?;
        let lines: Vec<String> = yaml.plain_lines().collect();
        Some(lines.join("\n") + "\n")
    }

    fn settle_tab(
        &mut self,
        tab: DetailTab,
        request: RequestId,
        result: &Result<Data, ApiError>,
        now: DateTime<Utc>,
    ) {
        let result = match result {
            Ok(Data::Tab(answered, data)) if *answered == tab => Ok((**data).clone()),
            Ok(_) => Err(Problem::Error {
                message: words::UNEXPECTED_ANSWER.to_string(),
                request_id: None,
            }),
            Err(e) => Err(Problem::from_error(e, now)),
        };
        let state = self.tab_mut(tab);
        state.load.settle(request, result, |p| p);
        if let Some(yaml) = state.load.value().and_then(tabs::yaml_of)
            && state.current_match.is_some_and(|l| l >= yaml.lines.len())
        {
            state.current_match = None;
        }
    }
}

impl View for AppView {
    fn context(&self) -> &'static [&'static str] {
        if tabs::is_yaml(self.tab) {
            &["yaml", "app", "list", "global"]
        } else {
            &["app", "list", "global"]
        }
    }

    fn title(&self) -> String {
        match split_env_name(&self.env) {
            Some((org, _)) => format!("{org} › {} › {}", self.env, self.app),
            None => format!("{} › {}", self.env, self.app),
        }
    }

    fn hints(&self) -> &'static [Action] {
        if tabs::is_yaml(self.tab) {
            &[
                Action::NextTab,
                Action::Filter,
                Action::SearchNext,
                Action::Copy,
                Action::Back,
                Action::Help,
            ]
        } else if self.tab == DetailTab::History {
            &[
                Action::NextTab,
                Action::Filter,
                Action::Audit,
                Action::Refresh,
                Action::Back,
                Action::Help,
            ]
        } else if tabs::filters_rows(self.tab) {
            &[
                Action::NextTab,
                Action::Filter,
                Action::BlueprintUsage,
                Action::Refresh,
                Action::Back,
                Action::Help,
            ]
        } else {
            &[
                Action::NextTab,
                Action::Promote,
                Action::BlueprintUsage,
                Action::Refresh,
                Action::Back,
                Action::Help,
            ]
        }
    }

    fn actions(&self) -> &'static [Action] {
        // Every tab moves, switches tabs and opens the Blueprint; tables add the filter;
        // YAML adds search and copy. Help sorts them, so one list sliced does for all.
        const ALL: [Action; 22] = [
            Action::Audit,
            Action::Kube,
            Action::Shell,
            Action::KubeCommand,
            Action::Promote,
            Action::Logs,
            Action::RequestAccess,
            Action::MoveUp,
            Action::MoveDown,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::NextTab,
            Action::PrevTab,
            Action::MoveLeft,
            Action::MoveRight,
            Action::BlueprintUsage,
            Action::Filter,
            Action::SearchNext,
            Action::SearchPrev,
            Action::Copy,
        ];
        if tabs::is_yaml(self.tab) {
            &ALL
        } else if tabs::filters_rows(self.tab) {
            &ALL[..19]
        } else {
            &ALL[..18]
        }
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Application {
            env: self.env.clone(),
            app: self.app.clone(),
        });
        self.summary.start(request);
        // Everything read so far may be old now; the other tabs are read again when shown.
        for state in &mut self.tabs {
            state.mark_stale();
        }
        let mut effects = vec![effect];
        effects.extend(self.fetch_tab(self.tab, cx));
        effects
    }

    fn retry(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.summary.problem().is_some() {
            let (request, effect) = cx.fetch(Query::Application {
                env: self.env.clone(),
                app: self.app.clone(),
            });
            self.summary.start(request);
            effects.push(effect);
        }
        if self.active().load.problem().is_some() {
            effects.extend(self.fetch_tab(self.tab, cx));
        }
        effects
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        match action {
            Action::NextTab | Action::MoveRight => Outcome::Done(self.step_tab(1, cx)),
            Action::PrevTab | Action::MoveLeft => Outcome::Done(self.step_tab(-1, cx)),
            Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom => {
                self.scroll(action, cx);
                Outcome::Done(Vec::new())
            }
            Action::SearchNext | Action::SearchPrev => {
                match self.search(action == Action::SearchNext, cx) {
                    Some(()) => Outcome::Done(Vec::new()),
                    None => Outcome::Ignored,
                }
            }
            Action::Copy => match self.yaml_text() {
                Some(text) => Outcome::Done(vec![Effect::Copy(text)]),
                None => Outcome::Ignored,
            },
            Action::Kube => Outcome::Open(Target::Kube {
                env: self.env.clone(),
                app: Some(self.app.clone()),
            }),
            Action::Logs => match self.summary.value() {
                Some(app) => super::operation_log(app, &self.env),
                None => Outcome::Ignored,
            },
            Action::Promote => match self.summary.value() {
                Some(app) => {
                    let source = crate::views::promotion::promote::Source {
                        env: self.env.clone(),
                        app: app.name.clone(),
                        version: app.blueprint.version.clone(),
                    };
                    self.promote.press(source, cx)
                }
                None => Outcome::Done(Vec::new()),
            },
            Action::RequestAccess => self.access.press(&self.env),
            Action::Audit => Outcome::Open(Target::Audit {
                filters: crate::views::audit::filters::of_application(&self.env, &self.app),
            }),
            Action::BlueprintUsage => {
                match (self.org(), self.summary.value().map(|a| &a.blueprint.name)) {
                    (Some(org), Some(blueprint)) => Outcome::Open(Target::Blueprint {
                        org,
                        blueprint: blueprint.clone(),
                    }),
                    _ => Outcome::Ignored,
                }
            }
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if let Some(effects) = self.promote.on_fetched(request, result) {
            return Some(effects);
        }
        if let Some(effects) = self.access.on_fetched(request, result) {
            return Some(effects);
        }
        if self.summary.awaits(request) {
            let result = match result {
                Ok(Data::Application(a)) => Ok((**a).clone()),
                Ok(_) => Err(Problem::Error {
                    message: words::UNEXPECTED_ANSWER.to_string(),
                    request_id: None,
                }),
                Err(e) => Err(Problem::from_error(e, cx.now)),
            };
            self.summary.settle(request, result, |p| p);
            return Some(Vec::new());
        }
        let tab = DetailTab::ALL
            .into_iter()
            .find(|t| self.tab_state(*t).load.awaits(request))?;
        self.settle_tab(tab, request, result, cx.now);
        Some(Vec::new())
    }

    fn on_confirmed(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        match action {
            Action::Promote => self.promote.confirmed(cx),
            _ => Outcome::Ignored,
        }
    }

    fn on_choices(&mut self, action: Action, choices: &[usize]) {
        if action == Action::RequestAccess {
            self.access.chosen(choices);
        }
    }

    fn on_composed(&mut self, action: Action, text: String, send: bool, cx: &mut Cx) -> Outcome {
        match action {
            Action::RequestAccess => self.access.composed(&self.env, text, send, cx),
            _ => Outcome::Ignored,
        }
    }

    fn take_outcome(&mut self) -> Option<Outcome> {
        self.promote
            .take_outcome()
            .or_else(|| self.access.take_outcome())
    }

    fn on_live(&mut self, event: &LiveEvent, cx: &mut Cx) -> Vec<Effect> {
        match event {
            LiveEvent::ApplicationUpdated(app)
                if app.environment == self.env && app.name == self.app =>
            {
                let before = self.summary.value().map(|a| a.revision);
                self.summary = Load::Ready((**app).clone());
                if before.is_some_and(|r| r != app.revision) {
                    for state in &mut self.tabs {
                        state.mark_stale();
                    }
                    // The shown tab is read again at once (what it shows stays meanwhile);
                    // an answer already on its way may predate the change, so it loses.
                    if self.tab != DetailTab::Overview && !matches!(self.active().load, Load::Idle)
                    {
                        return self.fetch_tab(self.tab, cx);
                    }
                }
                Vec::new()
            }
            LiveEvent::OperationProgress(p)
                if p.environment == self.env && p.application == self.app =>
            {
                if let Some(app) = self.summary.value_mut() {
                    app.progress = Some(Progress {
                        percent: p.percent,
                        step: p.step.clone(),
                    });
                }
                Vec::new()
            }
            LiveEvent::ApplicationRemoved(r) if r.environment == self.env && r.name == self.app => {
                self.summary = Load::Failed(Problem::NotFound {
                    message: words::app_removed(&self.app, &self.env),
                });
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn scope(&self) -> Scope {
        Scope {
            org: self.org(),
            env: Some(self.env.clone()),
        }
    }

    fn filter(&self) -> Option<&Filter> {
        (tabs::is_yaml(self.tab) || tabs::filters_rows(self.tab)).then(|| &self.active().filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        if tabs::is_yaml(self.tab) || tabs::filters_rows(self.tab) {
            Some(&mut self.active_mut().filter)
        } else {
            None
        }
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        if !tabs::is_yaml(self.tab) {
            // A row filter: the list changed under the scroll.
            self.active_mut().scroll = 0;
            return;
        }
        // A search: like `less`, jump to the first match from the top of the screen.
        let state = self.active_mut();
        state.current_match = None;
        if state.filter.is_active() {
            let _ = self.search(true, cx);
        }
    }

    fn problem(&self) -> Option<&Problem> {
        if self.tab == DetailTab::Overview {
            return self.summary.problem();
        }
        self.active().load.problem().or(self.summary.problem())
    }

    fn animates(&self) -> bool {
        match self.tab {
            DetailTab::Overview => self.summary.animates(),
            _ => self.active().load.animates(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
