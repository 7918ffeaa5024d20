//! Inside my grant on an Environment (CONTRACT Part C): the namespace's pods (of one
//! Application when opened from it), events and Flux objects (HelmRelease,
//! Kustomization) with their Ready conditions, followed live through the grant's own
//! client, one tab each (`tab` / `shift-tab`). From a pod, Enter opens its log in the log
//! viewer and `previous-logs` its previous container's; `yaml` shows the selected object.
//!
//! The view lives only inside a live grant: it follows its namespace while the grant is
//! live and stops the moment the grant expires or is revoked, clearing what it showed and
//! saying why (no pod is ever shown as live after the credentials died). Without a grant
//! it says so, and `request-access` asks for one right here; once granted the view comes
//! alive by itself.
//!
//! Owns the view's state and its part of the pure update; the watches run in the effect
//! runner (`kube::watch`).
//!
//! - [`held`]: the rows of one kind, list and changes.
//! - [`render`]: the tabs, the status, the tables and the selected row's message.
//! - [`yaml`]: one object as highlighted YAML.

pub mod held;
mod render;
#[cfg(test)]
mod tests;
pub mod yaml;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::access::request::RequestAccess;
use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, KubeFeed, KubeStream, RequestId, StreamSpec};
use crate::kube::{EventRow, FluxRow, KubeMsg, KubeRow, KubeStatus, PodRow, RowKind};
use crate::model::{AccessRequest, LiveEvent, split_env_name};
use crate::msg::{Data, StreamBatch, StreamItems};
use crate::state::list::{Filter, ListState};
use crate::state::load::Problem;
use crate::ui::Ui;
use crate::words;

use held::{EVENTS_HELD, Held};

/// The view's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Pods,
    Events,
    Flux,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Pods, Tab::Events, Tab::Flux];

    fn index(self) -> usize {
        match self {
            Tab::Pods => 0,
            Tab::Events => 1,
            Tab::Flux => 2,
        }
    }

    fn step(self, by: isize) -> Tab {
        let i = (self.index() as isize + by).rem_euclid(3) as usize;
        Tab::ALL[i]
    }
}

/// The grant the view works inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveGrant {
    pub id: String,
    pub access: String,
    pub expires_at: DateTime<Utc>,
}

/// The view's state.
#[derive(Debug)]
pub struct KubeView {
    pub env: String,
    /// The Application whose pods are shown (all of the namespace's when `None`).
    pub app: Option<String>,
    pub grant: Option<LiveGrant>,
    /// Why the view shows nothing live (no grant, or the grant ended).
    pub ended: Option<String>,
    pub tab: Tab,
    pub pods: Held<PodRow>,
    pub events: Held<EventRow>,
    pub helm: Held<FluxRow>,
    pub kustomizations: Held<FluxRow>,
    /// Where the stream stands.
    pub status: KubeStatus,
    /// One selection per tab.
    pub lists: [ListState; 3],
    pub filter: Filter,
    /// Asking for access from here.
    access: RequestAccess,
}

impl KubeView {
    pub fn new(env: &str, app: Option<&str>) -> KubeView {
        KubeView {
            env: env.to_string(),
            app: app.map(str::to_string),
            grant: None,
            ended: None,
            tab: Tab::Pods,
            pods: Held::default(),
            events: Held::default(),
            helm: Held::default(),
            kustomizations: Held::default(),
            status: KubeStatus::Connecting,
            lists: [ListState::default(); 3],
            filter: Filter::default(),
            access: RequestAccess::default(),
        }
    }

    fn clear(&mut self) {
        self.pods.clear();
        self.events.clear();
        self.helm.clear();
        self.kustomizations.clear();
        self.status = KubeStatus::Connecting;
        self.lists = [ListState::default(); 3];
    }

    /// My live grant on the Environment changed (`None`: none is live at `now`). `true`
    /// when the view changed.
    pub fn take_grant(&mut self, grant: Option<&AccessRequest>, now: DateTime<Utc>) -> bool {
        let next = grant.and_then(|g| {
            Some(LiveGrant {
                id: g.id.clone(),
                access: g.access.to_string(),
                expires_at: g.expires_at?,
            })
        });
        if next == self.grant && (next.is_some() || self.ended.is_some()) {
            return false;
        }
        let before = self.grant.take();
        self.clear();
        self.ended = match (&next, before) {
            (Some(_), _) => None,
            (None, Some(b)) if b.expires_at <= now => Some(words::kube_grant_expired(
                &self.env,
                &b.expires_at.format("%H:%M UTC").to_string(),
            )),
            (None, Some(_)) => Some(words::kube_grant_revoked(&self.env)),
            (None, None) => Some(words::no_live_grant(&self.env)),
        };
        self.grant = next;
        true
    }

    fn matches_app(&self, name: &str) -> bool {
        self.app
            .as_deref()
            .is_none_or(|app| name == app || name.starts_with(&format!("{app}-")))
    }

    /// The pods shown (troubled first, then by name), as filtered.
    pub fn visible_pods(&self) -> Vec<&PodRow> {
        self.pods
            .rows()
            .iter()
            .filter(|p| {
                self.filter
                    .matches(&format!("{} {} {}", p.name, p.status, p.node))
            })
            .collect()
    }

    /// The events shown (newest first): of the Application's objects when it has one.
    pub fn visible_events(&self) -> Vec<&EventRow> {
        self.events
            .rows()
            .iter()
            .filter(|e| {
                let object = e.object.split_once('/').map_or("", |(_, n)| n);
                self.matches_app(object)
            })
            .filter(|e| {
                self.filter.matches(&format!(
                    "{} {} {} {}",
                    e.kind, e.reason, e.object, e.message
                ))
            })
            .collect()
    }

    /// The Flux objects shown (not ready first).
    pub fn visible_flux(&self) -> Vec<&FluxRow> {
        let mut rows: Vec<&FluxRow> = self
            .helm
            .rows()
            .iter()
            .chain(self.kustomizations.rows())
            .filter(|f| f.kind == "Kustomization" || self.matches_app(&f.name))
            .filter(|f| {
                self.filter
                    .matches(&format!("{} {} {} {}", f.kind, f.name, f.reason, f.message))
            })
            .collect();
        rows.sort_by_key(|f| (f.ready == Some(true), f.kind.clone(), f.name.clone()));
        rows
    }

    fn len(&self) -> usize {
        match self.tab {
            Tab::Pods => self.visible_pods().len(),
            Tab::Events => self.visible_events().len(),
            Tab::Flux => self.visible_flux().len(),
        }
    }

    fn list(&self) -> &ListState {
        &self.lists[self.tab.index()]
    }

    /// The selected row's kind and name.
    fn selected(&self) -> Option<(RowKind, String)> {
        let at = self.list().selected;
        match self.tab {
            Tab::Pods => self
                .visible_pods()
                .get(at)
                .map(|p| (RowKind::Pod, p.name.clone())),
            Tab::Events => self
                .visible_events()
                .get(at)
                .map(|e| (RowKind::Event, e.name.clone())),
            Tab::Flux => self
                .visible_flux()
                .get(at)
                .map(|f| (RowKind::of_flux(&f.kind), f.name.clone())),
        }
    }

    fn selected_pod(&self) -> Option<&PodRow> {
        if self.tab != Tab::Pods {
            return None;
        }
        self.visible_pods().get(self.list().selected).copied()
    }

    /// Rows of the table on screen (the tabs line, the status line and the header
    /// above; the message of the selected row below, but on the pods).
    fn page(&self, cx: &Cx) -> usize {
        let below = if self.tab == Tab::Pods { 0 } else { 3 };
        (cx.body.1 as usize).saturating_sub(3 + below)
    }

    fn pod_log(&self, previous: bool) -> Outcome {
        let (Some(pod), Some(grant)) = (self.selected_pod(), &self.grant) else {
            return Outcome::Say(words::KUBE_SELECT_POD.to_string());
        };
        Outcome::Open(Target::PodLog {
            grant: grant.id.clone(),
            env: self.env.clone(),
            pod: pod.name.clone(),
            container: pod.containers.first().cloned(),
            previous,
        })
    }

    fn yaml(&self) -> Outcome {
        let (Some((kind, name)), Some(grant)) = (self.selected(), &self.grant) else {
            return Outcome::Say(words::KUBE_NOTHING_SELECTED.to_string());
        };
        Outcome::Open(Target::KubeYaml {
            grant: grant.id.clone(),
            env: self.env.clone(),
            kind,
            name,
        })
    }

    /// Takes a batch of the namespace stream.
    fn take(&mut self, items: &[KubeMsg]) {
        let selected = self.selected();
        for item in items {
            match item {
                KubeMsg::Restart(kind) => self.held(*kind).restart(),
                KubeMsg::Synced(kind) => self.held(*kind).sync(),
                KubeMsg::Absent(kind) => self.held(*kind).mark_absent(),
                KubeMsg::Remove(kind, name) => self.held(*kind).remove(name),
                KubeMsg::Upsert(KubeRow::Pod(p)) => self.pods.upsert(p.clone()),
                KubeMsg::Upsert(KubeRow::Event(e)) => self.events.upsert(e.clone()),
                KubeMsg::Upsert(KubeRow::Flux(f)) => match RowKind::of_flux(&f.kind) {
                    RowKind::Kustomization => self.kustomizations.upsert(f.clone()),
                    _ => self.helm.upsert(f.clone()),
                },
                KubeMsg::Status(s) => self.status = s.clone(),
                KubeMsg::Line { .. } => {}
            }
        }
        self.pods.arrange(
            |a, b| (!a.troubled(), &a.name).cmp(&(!b.troubled(), &b.name)),
            usize::MAX,
        );
        self.events.arrange(|a, b| b.last.cmp(&a.last), EVENTS_HELD);
        // The selection stays on the same object.
        let at = selected.and_then(|(kind, name)| {
            let same = |k: RowKind, n: &str| k == kind && n == name;
            match self.tab {
                Tab::Pods => self
                    .visible_pods()
                    .iter()
                    .position(|p| same(RowKind::Pod, &p.name)),
                Tab::Events => self
                    .visible_events()
                    .iter()
                    .position(|e| same(RowKind::Event, &e.name)),
                Tab::Flux => self
                    .visible_flux()
                    .iter()
                    .position(|f| same(RowKind::of_flux(&f.kind), &f.name)),
            }
        });
        let len = self.len();
        self.lists[self.tab.index()].reselect(at, len);
    }

    /// The rows of `kind`.
    fn held(&mut self, kind: RowKind) -> &mut dyn HeldOps {
        match kind {
            RowKind::Pod => &mut self.pods,
            RowKind::Event => &mut self.events,
            RowKind::HelmRelease => &mut self.helm,
            RowKind::Kustomization => &mut self.kustomizations,
        }
    }
}

/// The list operations every kind's rows have (for messages that name a kind).
pub trait HeldOps {
    fn restart(&mut self);
    fn sync(&mut self);
    fn mark_absent(&mut self);
    fn remove(&mut self, key: &str);
}

impl<T: held::Keyed> HeldOps for Held<T> {
    fn restart(&mut self) {
        Held::restart(self);
    }
    fn sync(&mut self) {
        Held::sync(self);
    }
    fn mark_absent(&mut self) {
        Held::mark_absent(self);
    }
    fn remove(&mut self, key: &str) {
        Held::remove(self, key);
    }
}

impl View for KubeView {
    fn context(&self) -> &'static [&'static str] {
        &["kube", "list", "global"]
    }

    fn title(&self) -> String {
        let org = split_env_name(&self.env).map_or("", |(o, _)| o);
        match &self.app {
            Some(app) => format!("{org} › {} › {app} › pods", self.env),
            None => format!("{org} › {} › kube", self.env),
        }
    }

    fn load(&mut self, _cx: &mut Cx) -> Vec<Effect> {
        // What is shown comes from the stream; nothing to read.
        Vec::new()
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.len();
        let page = self.page(cx);
        if self.lists[self.tab.index()].apply(action, len, page) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::NextTab | Action::PrevTab => {
                self.tab = self
                    .tab
                    .step(if action == Action::NextTab { 1 } else { -1 });
                let len = self.len();
                self.lists[self.tab.index()].clamp(len);
                Outcome::Done(Vec::new())
            }
            Action::RequestAccess => self.access.press(&self.env),
            Action::Open | Action::MoveRight | Action::Logs if self.tab == Tab::Pods => {
                self.pod_log(false)
            }
            Action::Open | Action::MoveRight => self.yaml(),
            Action::PreviousLogs => self.pod_log(true),
            Action::Yaml => self.yaml(),
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
        self.access.take_outcome()
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        _cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        self.access.on_fetched(request, result)
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope {
            org: split_env_name(&self.env).map(|(o, _)| o.to_string()),
            env: Some(self.env.clone()),
        }
    }

    fn follows_live(&self) -> bool {
        // My grants change through `access.updated`, which the Environment's events carry.
        true
    }

    fn stream(&self) -> Option<StreamSpec> {
        let grant = self.grant.as_ref()?;
        Some(StreamSpec::Kube(KubeStream {
            grant: grant.id.clone(),
            env: self.env.clone(),
            feed: KubeFeed::Namespace {
                app: self.app.clone(),
            },
        }))
    }

    fn on_stream(&mut self, batch: &StreamBatch, _cx: &mut Cx) -> Vec<Effect> {
        if let StreamItems::Kube(items) = &batch.items {
            self.take(items);
        }
        Vec::new()
    }

    fn grant_env(&self) -> Option<String> {
        Some(self.env.clone())
    }

    fn take_grant(&mut self, grant: Option<&AccessRequest>, now: DateTime<Utc>) -> bool {
        KubeView::take_grant(self, grant, now)
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, _cx: &mut Cx) {
        self.lists = [ListState::default(); 3];
    }

    fn hints(&self) -> &'static [Action] {
        if self.grant.is_none() {
            return &[Action::RequestAccess, Action::Back, Action::Help];
        }
        match self.tab {
            Tab::Pods => &[
                Action::Open,
                Action::PreviousLogs,
                Action::Yaml,
                Action::NextTab,
                Action::Shell,
                Action::Filter,
                Action::Back,
            ],
            Tab::Events | Tab::Flux => &[
                Action::Yaml,
                Action::NextTab,
                Action::Shell,
                Action::Filter,
                Action::Back,
            ],
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::MoveUp,
            Action::MoveDown,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Open,
            Action::MoveRight,
            Action::NextTab,
            Action::PrevTab,
            Action::Logs,
            Action::PreviousLogs,
            Action::Yaml,
            Action::Filter,
            Action::RequestAccess,
            Action::Shell,
            Action::KubeCommand,
            Action::Copy,
        ]
    }

    fn copy_text(&self) -> Option<String> {
        self.selected().map(|(_, name)| name)
    }

    fn problem(&self) -> Option<&Problem> {
        None
    }

    fn animates(&self) -> bool {
        // Nothing on screen moves by itself: the stream's own messages redraw it.
        false
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::kube(self, frame, area, ui, now);
    }
}
