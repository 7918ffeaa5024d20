//! An Environment's Application cards and backing services: status groups (or Blueprints,
//! or one list) with counts, a grid of cards or a list of rows, the `/` filter, and live
//! status and progress from the event stream.
//!
//! Owns the view's state and its part of the update. The arrangement (filter, order,
//! sections) is derived in [`layout`] when the Applications, the filter or the grouping
//! change, and kept here, so a frame never sorts or filters. The selection follows the
//! Application by name when the arrangement changes (a live event re-sorting the groups,
//! another grouping, the other layout). Nothing is reset by [`View::load`]: a refresh or a
//! return from an Application keeps selection, filter, grouping and scroll.
//!
//! - [`layout`]: grouping, sections, grid geometry and bands (pure).
//! - [`nav`]: moves of the selection and scrolling (pure).
//! - [`card`]: one card or list row and the facts they show.
//! - `render`: the body, building only what is on screen.

pub mod card;
pub mod layout;
pub mod nav;
mod render;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Application, LiveEvent, Progress, split_env_name};
use crate::msg::Data;
use crate::state::list::Filter;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use layout::{Derived, Geometry, Grouping, Mode, derive};
use nav::{Move, scroll_to, step};

/// Where the selection goes when its Application is no longer shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    /// The same position (the one after a removed Application).
    Clamp,
    /// The first (a new filter).
    First,
}

/// The Environment view's state.
#[derive(Debug)]
pub struct EnvView {
    pub env: String,
    pub apps: Load<Vec<Application>>,
    pub filter: Filter,
    pub grouping: Grouping,
    pub mode: Mode,
    /// The selected position in the display order.
    pub selected: usize,
    /// The name of the selected Application, which the selection follows.
    selected_name: Option<String>,
    /// The first band on screen.
    pub scroll: usize,
    derived: Derived,
    /// Opening a promotion of the selected card.
    promote: crate::views::promotion::promote::Promote,
    /// Asking for access to this Environment's namespace.
    access: crate::views::access::request::RequestAccess,
}

impl EnvView {
    pub fn new(env: &str) -> EnvView {
        EnvView {
            env: env.to_string(),
            apps: Load::Idle,
            filter: Filter::default(),
            grouping: Grouping::default(),
            mode: Mode::default(),
            selected: 0,
            selected_name: None,
            scroll: 0,
            derived: Derived::default(),
            promote: Default::default(),
            access: Default::default(),
        }
    }

    /// The selected Application.
    pub fn selected_app(&self) -> Option<&Application> {
        let i = *self.derived.order.get(self.selected)?;
        self.apps.value()?.get(i)
    }

    /// The Applications in display order (what passes the filter).
    pub fn shown(&self) -> impl Iterator<Item = &Application> {
        let apps = self.apps.value().map(Vec::as_slice).unwrap_or_default();
        self.derived.order.iter().filter_map(|&i| apps.get(i))
    }

    /// Arranges the Applications again and puts the selection back on its Application.
    /// With nothing to show (a failed read, a filter matching nothing) the selection is
    /// remembered for when there is again.
    fn rederive(&mut self, fallback: Fallback) {
        let apps = self.apps.value().map(Vec::as_slice).unwrap_or_default();
        self.derived = derive(apps, &self.filter, self.grouping);
        if self.derived.order.is_empty() {
            return;
        }
        let len = self.derived.order.len();
        let found = self.selected_name.as_ref().and_then(|name| {
            self.derived
                .order
                .iter()
                .position(|&i| apps.get(i).is_some_and(|a| a.name == *name))
        });
        self.selected = match (found, fallback) {
            (Some(pos), _) => pos,
            (None, Fallback::Clamp) => self.selected.min(len.saturating_sub(1)),
            (None, Fallback::First) => 0,
        };
        self.remember_selection();
    }

    /// Selects the Application `name` once the cards are read (a deep link to it, so that
    /// going back lands on its card).
    pub fn select(&mut self, name: &str) {
        self.selected_name = Some(name.to_string());
        self.rederive(Fallback::Clamp);
    }

    fn remember_selection(&mut self) {
        self.selected_name = self.selected_app().map(|a| a.name.clone());
    }

    /// The geometry and the rows the bands get in a body of `body` (width, height).
    fn viewport(&self, body: (u16, u16)) -> (Geometry, u16) {
        let height = body.1.saturating_sub(render::chrome_rows(self.mode));
        (Geometry::new(self.mode, body.0), height)
    }

    /// The first band to draw on a screen of `height` rows: the stored scroll, moved only
    /// as far as needed to show the selection (the screen may have been resized since).
    fn scroll_for(&self, geo: Geometry, height: u16) -> usize {
        let target = self.derived.band_of(geo.cols, self.selected);
        scroll_to(&self.derived, geo, self.scroll, target, height)
    }

    /// Scrolls so the selection is on screen.
    fn follow(&mut self, cx: &Cx) {
        let (geo, height) = self.viewport(cx.body);
        self.scroll = self.scroll_for(geo, height);
    }

    fn move_selection(&mut self, mv: Move, cx: &Cx) {
        let (geo, height) = self.viewport(cx.body);
        self.selected = step(&self.derived, geo.cols, self.selected, mv, geo.page(height));
        self.remember_selection();
        self.follow(cx);
    }

    fn org(&self, app: &Application) -> String {
        if app.org.is_empty() {
            split_env_name(&self.env)
                .map(|(o, _)| o.to_string())
                .unwrap_or_default()
        } else {
            app.org.clone()
        }
    }

    /// Applies a live event for this Environment; whether the arrangement changed.
    fn apply_live(&mut self, event: &LiveEvent) -> bool {
        let env = self.env.as_str();
        let Some(apps) = self.apps.value_mut() else {
            return false;
        };
        match event {
            LiveEvent::ApplicationUpdated(app) if app.environment == env => {
                let mut app = (**app).clone();
                match apps.iter_mut().find(|a| a.name == app.name) {
                    Some(slot) => {
                        // A status update without progress does not blank the bar of an
                        // operation still under way.
                        if app.progress.is_none() && app.status.in_progress() {
                            app.progress = slot.progress.take();
                        }
                        *slot = app;
                    }
                    None => apps.push(app),
                }
                true
            }
            LiveEvent::ApplicationRemoved(gone) if gone.environment == env => {
                let before = apps.len();
                apps.retain(|a| a.name != gone.name);
                apps.len() != before
            }
            LiveEvent::OperationProgress(p) if p.environment == env => {
                if let Some(app) = apps.iter_mut().find(|a| a.name == p.application) {
                    app.progress = Some(Progress {
                        percent: p.percent,
                        step: p.step.clone(),
                    });
                }
                false
            }
            _ => false,
        }
    }
}

impl View for EnvView {
    fn context(&self) -> &'static [&'static str] {
        &["env", "list", "global"]
    }

    fn title(&self) -> String {
        match split_env_name(&self.env) {
            Some((org, _)) => format!("{org} › {}", self.env),
            None => self.env.clone(),
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Back,
            Action::Filter,
            Action::CycleGrouping,
            Action::ToggleLayout,
            Action::Logs,
            Action::BlueprintUsage,
            Action::RequestAccess,
            Action::Kube,
            Action::CommandPalette,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::MoveUp,
            Action::MoveDown,
            Action::MoveLeft,
            Action::MoveRight,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Open,
            Action::Filter,
            Action::CycleGrouping,
            Action::ToggleLayout,
            Action::BlueprintUsage,
            Action::Logs,
            Action::Promote,
            Action::RequestAccess,
            Action::Kube,
            Action::Shell,
            Action::KubeCommand,
            Action::Copy,
        ]
    }

    fn copy_text(&self) -> Option<String> {
        self.selected_app().map(|a| a.name.clone())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Applications {
            env: self.env.clone(),
        });
        self.apps.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let mv = match (action, self.mode) {
            (Action::MoveUp, _) => Move::Up,
            (Action::MoveDown, _) => Move::Down,
            (Action::MoveLeft, Mode::Grid) => Move::Back,
            (Action::MoveRight, Mode::Grid) => Move::Forward,
            (Action::PageUp, _) => Move::PageUp,
            (Action::PageDown, _) => Move::PageDown,
            (Action::Top, _) => Move::Top,
            (Action::Bottom, _) => Move::Bottom,
            // In the list, right opens as in the other lists.
            (Action::Open, _) | (Action::MoveRight, Mode::List) => {
                return match self.selected_app() {
                    Some(app) => Outcome::Open(Target::App {
                        env: self.env.clone(),
                        app: app.name.clone(),
                    }),
                    None => Outcome::Done(Vec::new()),
                };
            }
            (Action::Logs, _) => {
                return match self.selected_app() {
                    Some(app) => super::operation_log(app, &self.env),
                    None => Outcome::Done(Vec::new()),
                };
            }
            (Action::Promote, _) => {
                let Some(app) = self.selected_app() else {
                    return Outcome::Done(Vec::new());
                };
                let source = crate::views::promotion::promote::Source {
                    env: self.env.clone(),
                    app: app.name.clone(),
                    version: app.blueprint.version.clone(),
                };
                return self.promote.press(source, cx);
            }
            (Action::RequestAccess, _) => return self.access.press(&self.env),
            (Action::Kube, _) => {
                return Outcome::Open(Target::Kube {
                    env: self.env.clone(),
                    app: None,
                });
            }
            (Action::BlueprintUsage, _) => {
                return match self.selected_app() {
                    Some(app) => Outcome::Open(Target::Blueprint {
                        org: self.org(app),
                        blueprint: app.blueprint.name.clone(),
                    }),
                    None => Outcome::Done(Vec::new()),
                };
            }
            (Action::CycleGrouping, _) => {
                self.grouping = self.grouping.next();
                self.rederive(Fallback::Clamp);
                self.follow(cx);
                return Outcome::Done(Vec::new());
            }
            (Action::ToggleLayout, _) => {
                self.mode = self.mode.toggled();
                self.follow(cx);
                return Outcome::Done(Vec::new());
            }
            _ => return Outcome::Ignored,
        };
        self.move_selection(mv, cx);
        Outcome::Done(Vec::new())
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
        super::settle_answer(&mut self.apps, request, result, cx.now, |d| match d {
            Data::Applications(a) => Some(a.clone()),
            _ => None,
        })?;
        self.rederive(Fallback::Clamp);
        self.follow(cx);
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
        if self.apply_live(event) {
            self.rederive(Fallback::Clamp);
            self.follow(cx);
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope {
            org: split_env_name(&self.env).map(|(o, _)| o.to_string()),
            env: Some(self.env.clone()),
        }
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        self.rederive(Fallback::First);
        self.follow(cx);
    }

    fn problem(&self) -> Option<&Problem> {
        self.apps.problem()
    }

    fn animates(&self) -> bool {
        self.apps.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
