//! The screens of the console, one module each: its state, its part of `update`, its
//! render and its key contexts. Views never call the network: they return
//! [`Effect`]s and take answers through [`View::on_fetched`].
//!
//! - [`home`]: the Sovereign home (Organizations with health roll-ups, my inbox counts).
//! - [`org`]: an Organization's Environments.
//! - [`env`]: an Environment's Application cards and backing services.
//! - [`app`]: one Application with its seven tabs.
//! - [`blueprint`]: where a Blueprint runs across an Organization.
//! - [`deployments`]: the Sovereign provisioning runs (the service's list, or the ids
//!   this profile remembers).
//! - [`deployment`]: one provisioning run followed live: Phase 0, the component grid,
//!   the result and the log.
//! - [`jobs`]: a provisioning run's jobs, one job's executions, an execution's log.
//! - [`logs`]: the one log viewer every stream uses.
//! - [`kube`]: inside my grant on an Environment: pods, events, Flux objects, YAML.
//! - [`inbox`]: what waits for me: promotions to review, access requests.
//! - [`promotion`]: one promotion: its policy explained, reviews, diff; reviewing it; and
//!   the way to open one from an Application.
//! - [`overlays`]: help, command palette, persona switch, sign-in prompt.
//! - [`triage`]: what is broken across every Organization, worst and oldest first, one
//!   key from each problem to what fixes it.
//! - [`audit`]: the audit trail, filtered, followed live, paged back and exported.

pub mod access;
pub mod app;
pub mod audit;
pub mod blueprint;
pub mod deployment;
pub mod deployments;
pub mod env;
pub mod home;
pub mod inbox;
pub mod jobs;
pub mod kube;
pub mod logs;
pub mod org;
pub mod overlays;
pub mod promotion;
pub mod screen;
#[cfg(test)]
pub mod testing;
pub mod triage;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId, StreamSpec};
use crate::model::LiveEvent;
use crate::msg::{Data, StreamBatch};
use crate::state::list::Filter;
use crate::state::load::Problem;
use crate::ui::Ui;

/// Actions every view has.
pub const GLOBAL_ACTIONS: &[Action] = &[
    Action::Back,
    Action::CommandPalette,
    Action::Help,
    Action::Quit,
    Action::Refresh,
    Action::SwitchPersona,
    Action::Suspend,
    Action::SupportTicket,
];

/// The actions of the list views (home, Organization, Blueprint usage).
pub const LIST_ACTIONS: &[Action] = &[
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Open,
    Action::MoveRight,
    Action::Filter,
    Action::Copy,
];

/// Where a view (or the palette) wants to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Home,
    Org(String),
    Env(String),
    App {
        env: String,
        app: String,
    },
    Blueprint {
        org: String,
        blueprint: String,
    },
    /// The Sovereign provisioning runs.
    Deployments,
    /// One provisioning run, by id.
    Deployment(String),
    /// The log of one operation (an install, update, rollback…) in the log viewer;
    /// `title` names what it moves (`payment-rail in digital-channels-stg`).
    OperationLog {
        id: String,
        title: String,
    },
    /// The jobs of a provisioning run.
    Jobs {
        deployment: String,
    },
    /// One job of a run (`job` is its id `<deployment>:<jobName>`, or its name).
    Job {
        deployment: String,
        job: String,
    },
    /// The log of one execution of a job; `title` is its breadcrumb.
    ExecutionLog {
        deployment: String,
        execution: String,
        title: String,
    },
    /// What waits for me (promotions to review, access requests).
    Inbox,
    /// The inbox with access request `id` selected (from triage).
    InboxAt(String),
    /// One promotion, by id.
    Promotion(String),
    /// Inside my grant on `env`: its pods (of `app` only, when given), events and Flux
    /// objects.
    Kube {
        env: String,
        app: Option<String>,
    },
    /// A pod's log inside grant `grant`.
    PodLog {
        grant: String,
        env: String,
        pod: String,
        container: Option<String>,
        previous: bool,
    },
    /// One object inside grant `grant`, as YAML.
    KubeYaml {
        grant: String,
        env: String,
        kind: crate::kube::RowKind,
        name: String,
    },
    /// What is broken across every Organization (incident triage).
    Triage,
    /// One Application opened on one of its tabs (`History` from triage).
    AppTab {
        env: String,
        app: String,
        tab: crate::effect::DetailTab,
    },
    /// The audit trail, its filter form filled with `filters` (`actor=… target=…`).
    Audit {
        filters: String,
    },
}

impl Target {
    /// Parses a deep link: `org/NAME`, `env/NAME`, `app/ENV/NAME`, `blueprint/NAME`
    /// (across every Organization), `blueprint/ORG/NAME`, `deployments`,
    /// `deployment/ID` (or `dep/ID`), `jobs/DEPLOYMENT`, `operation/ID`, `inbox`,
    /// `promotion/ID`, `kube/ENV`, `kube/ENV/APP`, `triage`, `audit` or `audit/ENV/APP`.
    pub fn parse_link(link: &str) -> Result<Target, String> {
        let parts: Vec<&str> = link.trim().trim_matches('/').split('/').collect();
        let bad = || {
            format!(
                "--open {link:?}: use org/NAME, env/NAME, app/ENV/NAME, blueprint/NAME, blueprint/ORG/NAME, deployments, deployment/ID, jobs/DEPLOYMENT, operation/ID, inbox, promotion/ID, kube/ENV, kube/ENV/APP, triage, audit or audit/ENV/APP"
            )
        };
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        Ok(match parts.as_slice() {
            ["home"] => Target::Home,
            ["org", org] => Target::Org(org.to_string()),
            ["env", env] => {
                crate::model::split_env_name(env).ok_or_else(|| {
                    format!("--open {link:?}: {env:?} is not an Environment name ({{org}}-{{prod|stg|uat|dev|poc}})")
                })?;
                Target::Env(env.to_string())
            }
            ["app", env, app] => {
                crate::model::split_env_name(env).ok_or_else(|| {
                    format!("--open {link:?}: {env:?} is not an Environment name ({{org}}-{{prod|stg|uat|dev|poc}})")
                })?;
                Target::App {
                    env: env.to_string(),
                    app: app.to_string(),
                }
            }
            ["blueprint" | "bp", bp] => Target::Blueprint {
                org: String::new(),
                blueprint: bp.to_string(),
            },
            ["blueprint" | "bp", org, bp] => Target::Blueprint {
                org: org.to_string(),
                blueprint: bp.to_string(),
            },
            ["deployments"] => Target::Deployments,
            ["deployment" | "dep", id] => Target::Deployment(id.to_string()),
            ["operation" | "op", id] => Target::OperationLog {
                id: id.to_string(),
                title: String::new(),
            },
            ["jobs", deployment] => Target::Jobs {
                deployment: deployment.to_string(),
            },
            ["inbox"] => Target::Inbox,
            ["kube", env] | ["kube", env, _] => {
                crate::model::split_env_name(env).ok_or_else(|| {
                    format!("--open {link:?}: {env:?} is not an Environment name ({{org}}-{{prod|stg|uat|dev|poc}})")
                })?;
                Target::Kube {
                    env: env.to_string(),
                    app: parts.get(2).map(|a| a.to_string()),
                }
            }
            ["promotion" | "pr", id] => Target::Promotion(id.to_string()),
            ["triage"] => Target::Triage,
            ["audit"] => Target::Audit {
                filters: String::new(),
            },
            ["audit", env, app] => Target::Audit {
                filters: audit::filters::of_application(env, app),
            },
            _ => return Err(bad()),
        })
    }
}

/// What the live events subscription should cover for a view.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub org: Option<String>,
    pub env: Option<String>,
}

impl Scope {
    /// Everything the identity may see.
    pub const ALL: Scope = Scope {
        org: None,
        env: None,
    };

    /// Whether events of `self` include every event of `other`.
    pub fn covers(&self, other: &Scope) -> bool {
        let org_ok = match (&self.org, &other.org) {
            (None, _) => true,
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
        };
        let env_ok = match (&self.env, &other.env) {
            (None, _) => true,
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
        };
        org_ok && env_ok
    }
}

/// What a view needs from the rest of the state while it updates.
pub struct Cx<'a> {
    /// The time of this input (time comes in as data).
    pub now: DateTime<Utc>,
    /// Hands out request ids.
    pub next_request: &'a mut u64,
    /// Width and height of the view's body on screen.
    pub body: (u16, u16),
    /// How many lines a log view holds (configurable; QUALITY P8).
    pub log_lines: usize,
}

impl Cx<'_> {
    /// A fetch effect with a fresh id.
    pub fn fetch(&mut self, query: Query) -> (RequestId, Effect) {
        *self.next_request += 1;
        let request = RequestId(*self.next_request);
        (request, Effect::Fetch { request, query })
    }
}

/// What a view did with an action.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Not a key for this view: let the global handler try.
    Ignored,
    /// Handled, with effects.
    Done(Vec<Effect>),
    /// Open another view.
    Open(Target),
    /// Nothing to do, and the operator is told why (in the status bar).
    Say(String),
    /// Ask a yes-or-no question first; a yes comes back as [`View::on_confirmed`] with
    /// the question's action.
    Confirm(overlays::confirm::Confirm),
    /// Open the comment editor; what is written comes back as [`View::on_composed`].
    Compose(Box<overlays::compose::Compose>),
}

/// Settles `load` with the answer to `request` when it waits for it: `pick` takes the
/// value out of the expected kind of answer (another kind is reported as a problem, not
/// left spinning). `None` when the load did not wait for this answer.
pub fn settle_answer<T>(
    load: &mut crate::state::load::Load<T>,
    request: RequestId,
    result: &Result<Data, ApiError>,
    now: DateTime<Utc>,
    pick: impl FnOnce(&Data) -> Option<T>,
) -> Option<()> {
    if !load.awaits(request) {
        return None;
    }
    let outcome = match result {
        Ok(data) => pick(data).ok_or_else(|| Problem::Error {
            message: crate::words::UNEXPECTED_ANSWER.to_string(),
            request_id: None,
        }),
        Err(e) => Err(Problem::from_error(e, now)),
    };
    load.settle(request, outcome, |p| p);
    Some(())
}

/// Opens the log of the operation moving `app` (in `env`), or says there is none.
pub fn operation_log(app: &crate::model::Application, env: &str) -> Outcome {
    match &app.operation_id {
        Some(id) => Outcome::Open(Target::OperationLog {
            id: id.clone(),
            title: format!("{env} › {}", app.name),
        }),
        None => Outcome::Say(crate::words::no_operation(&app.name)),
    }
}

/// Behaviour every screen has.
pub trait View {
    /// The keymap contexts, most specific first (`["env", "list", "global"]`).
    fn context(&self) -> &'static [&'static str];
    /// The breadcrumb shown in the header.
    fn title(&self) -> String;
    /// Fetches what the view shows (on entering, refresh, reset, sign-in).
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect>;
    /// A key's action.
    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome;
    /// An answer; `None` when the view did not wait for it.
    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>>;
    /// The operator answered yes to the question the view asked with
    /// [`Outcome::Confirm`] for `action`.
    fn on_confirmed(&mut self, _action: Action, _cx: &mut Cx) -> Outcome {
        Outcome::Ignored
    }
    /// The comment editor the view opened with [`Outcome::Compose`] for `action` closed:
    /// `send` when the operator sent `text`, otherwise `text` is what is left of it.
    fn on_composed(
        &mut self,
        _action: Action,
        _text: String,
        _send: bool,
        _cx: &mut Cx,
    ) -> Outcome {
        Outcome::Ignored
    }
    /// The choices of the comment editor (a duration, an access level) as they stood
    /// when it closed, one index per choice the view offered; comes just before
    /// [`View::on_composed`], sent or not, so a draft keeps its choices too.
    fn on_choices(&mut self, _action: Action, _choices: &[usize]) {}
    /// What the view decided while taking an answer (open the promotion just created, ask
    /// the question that waited for a list): taken by `update` once the view is on top.
    fn take_outcome(&mut self) -> Option<Outcome> {
        None
    }
    /// A live event inside the view's scope.
    fn on_live(&mut self, event: &LiveEvent, cx: &mut Cx) -> Vec<Effect>;
    /// A debounced refresh (`Msg::RefreshOrg`, `Msg::RefreshInbox`) came due.
    fn on_refresh(&mut self, _msg: &crate::msg::Msg, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }
    /// A polling timer the view armed (`Msg::Poll`) came due while the view is on top;
    /// a view acts only on the token it armed last.
    fn on_poll(&mut self, _token: u64, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }
    /// The view is on top again (Back left the view above it): a polled view reads
    /// again and re-arms its timer.
    fn on_reveal(&mut self, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }
    /// What the live subscription should cover while the view is on top.
    fn scope(&self) -> Scope;
    /// Whether the view shows anything the live events change. A view that does not (a
    /// log, the provisioning views) holds no events subscription while on top, and the
    /// view it reveals on Back reads itself again.
    fn follows_live(&self) -> bool {
        true
    }
    /// The stream the view follows while it is on the route stack (on top or under
    /// another view), if any.
    fn stream(&self) -> Option<StreamSpec> {
        None
    }
    /// A batch of the view's stream. A batch of a new generation replays the stream
    /// from its start: the view keeps what it has and skips what it already holds.
    fn on_stream(&mut self, _batch: &StreamBatch, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }
    /// The Environment whose grant the view works inside (the kube views), if any.
    fn grant_env(&self) -> Option<String> {
        None
    }
    /// My live grant on [`View::grant_env`] at `now` (`None`: none is live, it expired
    /// or was revoked); `true` when the view changed.
    fn take_grant(
        &mut self,
        _grant: Option<&crate::model::AccessRequest>,
        _now: DateTime<Utc>,
    ) -> bool {
        false
    }
    /// The filter, for views that have one.
    fn filter(&self) -> Option<&Filter> {
        None
    }
    /// The filter, mutable.
    fn filter_mut(&mut self) -> Option<&mut Filter> {
        None
    }
    /// Called after the filter text changed.
    fn filter_changed(&mut self, _cx: &mut Cx) {}
    /// Retries a fetch that failed (a rate-limit countdown ended, or the retry key).
    fn retry(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.load(cx)
    }
    /// The actions the key bar offers, most useful first.
    fn hints(&self) -> &'static [Action];
    /// Every action the view handles besides [`GLOBAL_ACTIONS`]; help lists exactly these.
    fn actions(&self) -> &'static [Action];
    /// What `y` copies: the selected item's name.
    fn copy_text(&self) -> Option<String> {
        None
    }
    /// Why the view's main content could not be shown, if it could not.
    fn problem(&self) -> Option<&Problem>;
    /// Whether something on screen animates (spinner, countdown).
    fn animates(&self) -> bool;
    /// Draws the view's body.
    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>);
}

/// One entry of the route stack.
#[derive(Debug)]
pub enum Route {
    Home(home::HomeView),
    Org(org::OrgView),
    Env(Box<env::EnvView>),
    App(Box<app::AppView>),
    Blueprint(blueprint::BlueprintView),
    Deployments(deployments::DeploymentsView),
    Deployment(Box<deployment::DeploymentView>),
    /// A log stream (provisioning run, operation log, pod log).
    Logs(Box<logs::LogView>),
    /// The jobs of a provisioning run.
    Jobs(Box<jobs::JobsView>),
    /// One job and its executions.
    Job(Box<jobs::JobView>),
    /// One execution's log.
    ExecutionLog(Box<jobs::ExecutionLogView>),
    /// What waits for me.
    Inbox(Box<inbox::InboxView>),
    /// One promotion.
    Promotion(Box<promotion::PromotionView>),
    /// Inside a grant: pods, events, Flux objects.
    Kube(Box<kube::KubeView>),
    /// One object inside a grant, as YAML.
    Yaml(Box<kube::yaml::YamlView>),
    /// What is broken across every Organization.
    Triage(Box<triage::TriageView>),
    /// The audit trail.
    Audit(Box<audit::AuditView>),
}

impl Route {
    /// A new view for a target (not loaded yet).
    pub fn for_target(target: &Target) -> Route {
        match target {
            Target::Home => Route::Home(home::HomeView::default()),
            Target::Org(org) => Route::Org(org::OrgView::new(org)),
            Target::Env(env) => Route::Env(Box::new(env::EnvView::new(env))),
            Target::App { env, app } => Route::App(Box::new(app::AppView::new(env, app))),
            Target::Blueprint { org, blueprint } => {
                Route::Blueprint(blueprint::BlueprintView::new(org, blueprint))
            }
            Target::Deployments => Route::Deployments(deployments::DeploymentsView::default()),
            Target::Deployment(id) => {
                Route::Deployment(Box::new(deployment::DeploymentView::new(id)))
            }
            Target::OperationLog { id, title } => {
                Route::Logs(Box::new(logs::LogView::for_operation(id, title)))
            }
            Target::Jobs { deployment } => Route::Jobs(Box::new(jobs::JobsView::new(deployment))),
            Target::Job { deployment, job } => {
                Route::Job(Box::new(jobs::JobView::new(deployment, job)))
            }
            Target::ExecutionLog {
                deployment,
                execution,
                title,
            } => Route::ExecutionLog(Box::new(jobs::ExecutionLogView::new(
                deployment, execution, title,
            ))),
            Target::Inbox => Route::Inbox(Box::default()),
            Target::InboxAt(id) => Route::Inbox(Box::new(inbox::InboxView::selecting(id))),
            Target::Promotion(id) => Route::Promotion(Box::new(promotion::PromotionView::new(id))),
            Target::Kube { env, app } => {
                Route::Kube(Box::new(kube::KubeView::new(env, app.as_deref())))
            }
            Target::PodLog {
                grant,
                env,
                pod,
                container,
                previous,
            } => Route::Logs(Box::new(logs::LogView::for_pod(
                grant,
                env,
                pod,
                container.as_deref(),
                *previous,
            ))),
            Target::KubeYaml {
                grant,
                env,
                kind,
                name,
            } => Route::Yaml(Box::new(kube::yaml::YamlView::new(grant, env, *kind, name))),
            Target::Triage => Route::Triage(Box::default()),
            Target::AppTab { env, app, tab } => {
                let mut view = app::AppView::new(env, app);
                view.tab = *tab;
                Route::App(Box::new(view))
            }
            Target::Audit { filters } => Route::Audit(Box::new(audit::AuditView::new(filters))),
        }
    }

    /// The view's behaviour.
    pub fn view(&self) -> &dyn View {
        match self {
            Route::Home(v) => v,
            Route::Org(v) => v,
            Route::Env(v) => v.as_ref(),
            Route::App(v) => v.as_ref(),
            Route::Blueprint(v) => v,
            Route::Deployments(v) => v,
            Route::Deployment(v) => v.as_ref(),
            Route::Logs(v) => v.as_ref(),
            Route::Jobs(v) => v.as_ref(),
            Route::Job(v) => v.as_ref(),
            Route::ExecutionLog(v) => v.as_ref(),
            Route::Inbox(v) => v.as_ref(),
            Route::Promotion(v) => v.as_ref(),
            Route::Kube(v) => v.as_ref(),
            Route::Yaml(v) => v.as_ref(),
            Route::Triage(v) => v.as_ref(),
            Route::Audit(v) => v.as_ref(),
        }
    }

    /// The view's behaviour, mutable.
    pub fn view_mut(&mut self) -> &mut dyn View {
        match self {
            Route::Home(v) => v,
            Route::Org(v) => v,
            Route::Env(v) => v.as_mut(),
            Route::App(v) => v.as_mut(),
            Route::Blueprint(v) => v,
            Route::Deployments(v) => v,
            Route::Deployment(v) => v.as_mut(),
            Route::Logs(v) => v.as_mut(),
            Route::Jobs(v) => v.as_mut(),
            Route::Job(v) => v.as_mut(),
            Route::ExecutionLog(v) => v.as_mut(),
            Route::Inbox(v) => v.as_mut(),
            Route::Promotion(v) => v.as_mut(),
            Route::Kube(v) => v.as_mut(),
            Route::Yaml(v) => v.as_mut(),
            Route::Triage(v) => v.as_mut(),
            Route::Audit(v) => v.as_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_parse_or_explain() {
        assert_eq!(
            Target::parse_link("org/retail"),
            Ok(Target::Org("retail".into()))
        );
        assert_eq!(
            Target::parse_link("app/digital-channels-stg/payment-rail"),
            Ok(Target::App {
                env: "digital-channels-stg".into(),
                app: "payment-rail".into()
            })
        );
        assert_eq!(
            Target::parse_link("blueprint/bp-wordpress"),
            Ok(Target::Blueprint {
                org: String::new(),
                blueprint: "bp-wordpress".into()
            })
        );
        assert!(
            Target::parse_link("env/nope")
                .unwrap_err()
                .contains("not an Environment")
        );
        assert_eq!(
            Target::parse_link("jobs/0123456789abcdef"),
            Ok(Target::Jobs {
                deployment: "0123456789abcdef".into()
            })
        );
        assert!(Target::parse_link("jobs/").is_err());
        assert_eq!(Target::parse_link("deployments"), Ok(Target::Deployments));
        assert_eq!(
            Target::parse_link("deployment/d7f3a1b2c3d4e5f6"),
            Ok(Target::Deployment("d7f3a1b2c3d4e5f6".into()))
        );
        assert_eq!(
            Target::parse_link("/dep/abc/"),
            Ok(Target::Deployment("abc".into()))
        );
        assert!(Target::parse_link("deployment").is_err());
        assert_eq!(Target::parse_link("inbox"), Ok(Target::Inbox));
        assert_eq!(
            Target::parse_link("promotion/p-42"),
            Ok(Target::Promotion("p-42".into()))
        );
        assert!(Target::parse_link("promotion").is_err());
        assert!(Target::parse_link("app/x").is_err());
        assert!(Target::parse_link("org/").is_err());
        assert_eq!(Target::parse_link("triage"), Ok(Target::Triage));
        assert!(Target::parse_link("x").unwrap_err().contains("triage"));
    }

    #[test]
    fn scopes_cover_their_parts() {
        let env = Scope {
            org: Some("o".into()),
            env: Some("o-dev".into()),
        };
        let org = Scope {
            org: Some("o".into()),
            env: None,
        };
        assert!(Scope::ALL.covers(&env));
        assert!(org.covers(&env));
        assert!(!env.covers(&org));
        assert!(!org.covers(&Scope::ALL));
        assert!(env.covers(&env));
    }
}
