//! One deployment: its state, its bounded event history, its Phase-1 "informer cache",
//! its jobs, and the timeline it is playing.
//!
//! Owns: applying timeline steps when they fall due (lazily, whenever anyone looks, so
//! no task runs in the background and speed 0 freezes a run exactly), the service's
//! 10,000-event buffer with oldest-first eviction, the State snapshot, and the live
//! queue of the reconnect fault.
//! Must not: know about HTTP or SSE framing (`routes` and `stream` do).

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use tokio::time::Instant;

pub use super::clock::Clock;

use super::catalog::{self, Vars};
use super::gojson::{rfc3339_nano, rfc3339_secs};
use super::jobs::JobsStore;
use super::rng::Rng;
use super::script::{self, Action, FIRST_RECONCILE_MESSAGE, Phase0, Phase1, Step};
use crate::model::{
    ComponentState, ComponentStatus, DeploymentResult, DeploymentState, DeploymentStatus,
    EventLevel, PHASE_COMPONENT, PHASE_COMPONENT_LOG, Phase1Outcome, ProvisionEvent,
};

/// The service's per-deployment event buffer (`EventBufferCap`).
pub const EVENT_BUFFER_CAP: usize = 10_000;
/// The service's live channel buffer; events beyond it are dropped from live delivery.
pub const LIVE_CHANNEL_CAP: usize = 256;

#[derive(Debug, Clone)]
struct Attempt {
    clock: Clock,
    steps: VecDeque<Step>,
}

/// What identifies a run and what its cloud resources turn out to be.
#[derive(Debug, Clone)]
pub struct Ident {
    pub id: String,
    pub fqdn: String,
    pub region: String,
    pub cp_ip: String,
    pub lb_ip: String,
}

/// The watcher's view of one HelmRelease.
#[derive(Debug, Clone)]
struct LiveComponent {
    status: ComponentStatus,
    message: String,
    last_transition: Option<DateTime<Utc>>,
}

/// One deployment.
#[derive(Debug)]
pub struct Run {
    pub ident: Ident,
    status: DeploymentStatus,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    error: Option<String>,
    result: Option<DeploymentResult>,
    phase1_finished: Option<DateTime<Utc>>,
    /// What the cluster will post back, and whether it has.
    kubeconfig_yaml: String,
    kubeconfig_captured: bool,
    events: VecDeque<ProvisionEvent>,
    /// Sequence number of `events[0]`; numbers keep counting across evictions.
    first_seq: u64,
    done: bool,
    watching: bool,
    live: BTreeMap<String, LiveComponent>,
    jobs: JobsStore,
    vars: Vars,
    rng: Rng,
    attempt: Option<Attempt>,
    /// The service's single live channel, shared by every open stream (reconnect fault).
    shared_live: Option<VecDeque<ProvisionEvent>>,
    version: watch::Sender<u64>,
    /// The drop fault: the event of sequence number `s` is not sent live when
    /// `(s + 1) % n == 0` (deterministic, so tests know which ones).
    pub drop_live_every: Option<u32>,
    /// Who started the run, on today's service (`None`: the April service).
    pub owner: Option<String>,
    /// Where the new Sovereign's console takes over, once announced.
    handover_url: Option<String>,
}

impl Run {
    /// A run that starts playing `phase0` then (when it succeeds) `phase1` on `clock`.
    pub fn new(
        ident: Ident,
        mut rng: Rng,
        clock: Clock,
        phase0: &Phase0,
        phase1: &Phase1,
        shared_live: bool,
    ) -> Self {
        let vars = Vars::new(
            &ident.id,
            &ident.fqdn,
            &ident.region,
            &ident.cp_ip,
            &ident.lb_ip,
            rng.fork(1),
        );
        let kubeconfig_yaml = catalog::kubeconfig(&vars.name(), &ident.cp_ip, &mut rng.fork(2));
        let started_at = clock.wall(0);
        let mut run = Run {
            jobs: JobsStore::new(&ident.id),
            ident,
            status: DeploymentStatus::Provisioning,
            started_at,
            finished_at: None,
            error: None,
            result: None,
            phase1_finished: None,
            kubeconfig_yaml,
            kubeconfig_captured: false,
            events: VecDeque::new(),
            first_seq: 0,
            done: false,
            watching: false,
            live: BTreeMap::new(),
            vars,
            rng,
            attempt: None,
            shared_live: shared_live.then(VecDeque::new),
            version: watch::Sender::new(0),
            drop_live_every: None,
            owner: None,
            handover_url: None,
        };
        run.schedule(clock, phase0, phase1, 0);
        run
    }

    fn schedule(&mut self, clock: Clock, phase0: &Phase0, phase1: &Phase1, start: u64) {
        let (mut steps, end) = script::phase0(phase0, &mut self.vars, start);
        if !matches!(phase0, Phase0::FailApply) {
            let bytes = self.kubeconfig_yaml.len();
            steps.extend(script::phase1(phase1, bytes, &mut self.rng, end));
        }
        self.attempt = Some(Attempt {
            clock,
            steps: steps.into(),
        });
        self.bump();
    }

    /// Adds steps (Day-2 mutations of a seeded run) after the current timeline.
    pub fn append_steps(&mut self, steps: Vec<Step>) {
        if let Some(a) = self.attempt.as_mut() {
            a.steps.extend(steps);
        }
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// A receiver that changes whenever the run does.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// Applies every step that is due at `now`.
    pub fn advance(&mut self, now: Instant) {
        loop {
            let Some(attempt) = self.attempt.as_mut() else {
                return;
            };
            let due = attempt
                .steps
                .front()
                .is_some_and(|s| attempt.clock.is_due(s.at_ms, now));
            if !due {
                if attempt.steps.is_empty() {
                    self.attempt = None;
                }
                return;
            }
            let clock = attempt.clock.clone();
            let Some(step) = attempt.steps.pop_front() else {
                return;
            };
            self.apply(step.action, clock.wall(step.at_ms));
        }
    }

    /// When the next step falls due (`None`: nothing scheduled, or frozen).
    pub fn next_due(&self) -> Option<Instant> {
        let a = self.attempt.as_ref()?;
        a.clock.due_at(a.steps.front()?.at_ms)
    }

    fn apply(&mut self, action: Action, wall: DateTime<Utc>) {
        match action {
            Action::Emit(e) => {
                let ev = ProvisionEvent {
                    time: rfc3339_secs(wall),
                    phase: e.phase,
                    level: e.level,
                    message: e.message,
                    component: e.component,
                    state: e.state.map(|s| s.as_str().to_string()),
                    depends_on: None,
                };
                self.emit(ev);
            }
            Action::HelmLog {
                component,
                level,
                msg,
                error,
                reconcile_id,
            } => {
                let name = format!("bp-{component}");
                let mut line = format!(
                    "{{\"level\":\"{level}\",\"ts\":\"{}\",\"msg\":{},\"controller\":\"helmrelease\",\"controllerGroup\":\"helm.toolkit.fluxcd.io\",\"controllerKind\":\"HelmRelease\",\"HelmRelease\":{{\"name\":\"{name}\",\"namespace\":\"flux-system\"}},\"namespace\":\"flux-system\",\"name\":\"{name}\",\"reconcileID\":\"{reconcile_id}\"",
                    wall.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                    serde_json::Value::String(msg),
                );
                if let Some(err) = error {
                    line.push_str(&format!(",\"error\":{}", serde_json::Value::String(err)));
                }
                line.push('}');
                let level = match level {
                    "error" => EventLevel::Error,
                    "warn" => EventLevel::Warn,
                    _ => EventLevel::Info,
                };
                self.emit(ProvisionEvent {
                    time: rfc3339_secs(wall),
                    phase: PHASE_COMPONENT_LOG.to_string(),
                    level,
                    message: line,
                    component: Some(component),
                    state: None,
                    depends_on: None,
                });
            }
            Action::CaptureKubeconfig => {
                self.kubeconfig_captured = true;
                let path = format!("/var/lib/catalyst/kubeconfigs/{}.yaml", self.ident.id);
                let fqdn = self.ident.fqdn.clone();
                let result = self.result.get_or_insert_with(|| DeploymentResult {
                    sovereign_fqdn: fqdn,
                    ..Default::default()
                });
                result.kubeconfig_path = Some(path);
                self.bump();
            }
            Action::Phase0Done => {
                let kubeconfig_path = self.result.as_ref().and_then(|r| r.kubeconfig_path.clone());
                self.result = Some(DeploymentResult {
                    sovereign_fqdn: self.ident.fqdn.clone(),
                    control_plane_ip: self.ident.cp_ip.clone(),
                    load_balancer_ip: self.ident.lb_ip.clone(),
                    console_url: format!("https://console.{}", self.ident.fqdn),
                    gitops_repo_url: format!("https://gitea.{}", self.ident.fqdn),
                    kubeconfig_path,
                    component_states: None,
                    phase1_finished_at: None,
                    phase1_outcome: None,
                    ..Default::default()
                });
                self.phase1_finished = None;
                self.status = DeploymentStatus::Phase1Watching;
                self.bump();
            }
            Action::WatchStart => {
                self.watching = true;
                self.bump();
            }
            Action::Finish(outcome) => self.finish_phase1(outcome, wall),
            Action::FailPhase0(error) => {
                self.status = DeploymentStatus::Failed;
                self.error = Some(error);
                self.finished_at = Some(wall);
                self.finish_attempt();
            }
            Action::Mutation(m) => {
                self.jobs.apply_mutation(&m, wall, &mut self.rng);
                self.bump();
            }
        }
    }

    fn finish_phase1(&mut self, outcome: Phase1Outcome, wall: DateTime<Utc>) {
        let states: BTreeMap<String, String> = self
            .live
            .iter()
            .map(|(k, c)| (k.clone(), c.status.as_str().to_string()))
            .collect();
        let failed = states.values().filter(|s| s.as_str() == "failed").count();
        // The service stamps `time.Now()` with nanoseconds here.
        let at = wall + Duration::nanoseconds(self.rng.range(1, 999_999_999) as i64);
        if let Some(r) = self.result.as_mut() {
            r.component_states = (!states.is_empty()).then_some(states);
            r.phase1_finished_at = Some(rfc3339_nano(at));
            r.phase1_outcome = Some(outcome);
        }
        self.phase1_finished = Some(at);
        self.finished_at = Some(at);
        match (outcome, failed) {
            (Phase1Outcome::FluxNotReconciling, _) => {
                self.status = DeploymentStatus::Failed;
                self.error = Some("Phase 1 watch saw zero HelmReleases — the bootstrap-kit Kustomization on the new Sovereign is not reconciling. Operator: inspect `flux get kustomization -n flux-system` and `kubectl describe kustomization -n flux-system` on the new cluster (see docs/RUNBOOK-PROVISIONING.md §\"Phase 1 watch shows 0 HelmReleases\").".into());
            }
            (_, n) if n > 0 => {
                self.status = DeploymentStatus::Failed;
                self.error = Some(format!(
                    "Phase 1 finished with {n} failed component(s); see ComponentStates for the per-component breakdown"
                ));
            }
            // A timed-out watch ends `ready` too: `ready` does not prove every component
            // installed. That is the service's behaviour, kept on purpose.
            _ => self.status = DeploymentStatus::Ready,
        }
        if self.status == DeploymentStatus::Ready && self.owner.is_some() {
            let token = self.rng.hex(16);
            let (event, url) = super::newer::handover_event(&self.ident.fqdn, &token, wall);
            if let Some(r) = self.result.as_mut() {
                r.handover_url = Some(url.clone());
            }
            self.handover_url = Some(url);
            self.emit(event);
        }
        self.watching = false;
        self.live.clear();
        self.finish_attempt();
    }

    /// The lifecycle ended; steps that remain (Day-2 mutations) still play.
    fn finish_attempt(&mut self) {
        self.done = true;
        self.bump();
    }

    fn emit(&mut self, ev: ProvisionEvent) {
        if let (true, Some(c), Some(s)) = (
            ev.phase == PHASE_COMPONENT,
            ev.component.as_deref(),
            ev.state.as_deref(),
        ) {
            let status: ComponentStatus = s.parse().unwrap_or(ComponentStatus::Unknown);
            let last_transition = if ev.message == FIRST_RECONCILE_MESSAGE {
                None
            } else {
                DateTime::parse_from_rfc3339(&ev.time)
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            };
            self.live.insert(
                c.to_string(),
                LiveComponent {
                    status,
                    message: ev.message.clone(),
                    last_transition,
                },
            );
        }
        self.jobs.on_event(&ev, &mut self.rng);
        let dropped = self.drops_live(self.next_seq());
        if let Some(q) = self
            .shared_live
            .as_mut()
            .filter(|q| q.len() < LIVE_CHANNEL_CAP)
            && !self.done
            && !dropped
        {
            q.push_back(ev.clone());
        }
        if self.events.len() >= EVENT_BUFFER_CAP {
            self.events.pop_front();
            self.first_seq += 1;
        }
        self.events.push_back(ev);
        self.bump();
    }

    /// Starts a Phase-0 retry now: the whole sequence again, then the Phase-1 watch. The
    /// history stays; the State goes back to `provisioning`.
    pub fn retry_phase0(&mut self, phase: &str, speed: f64) {
        self.status = DeploymentStatus::Provisioning;
        self.error = None;
        self.finished_at = None;
        self.done = false;
        self.watching = false;
        self.live.clear();
        if let Some(q) = self.shared_live.as_mut() {
            q.clear();
        }
        let kind = Phase0::Retry {
            phase: phase.to_string(),
            capture_kubeconfig: !self.kubeconfig_captured,
        };
        self.schedule(Clock::live(speed, 0.0), &kind, &Phase1::default(), 0);
    }

    /// The State as the service reports it.
    pub fn state(&self) -> DeploymentState {
        DeploymentState {
            component_states: self
                .result
                .as_ref()
                .and_then(|r| r.component_states.clone())
                .filter(|m| !m.is_empty()),
            error: self.error.clone(),
            finished_at: self.finished_at.map(rfc3339_secs),
            id: self.ident.id.clone(),
            num_events: self.events.len() as u64,
            phase1_finished_at: self.phase1_finished.map(rfc3339_secs),
            region: self.ident.region.clone(),
            result: self.result.clone(),
            sovereign_fqdn: self.ident.fqdn.clone(),
            started_at: rfc3339_secs(self.started_at),
            status: self.status.into(),
            owner_email: self.owner.clone(),
            handover_url: self.handover_url.clone(),
            phase1_substate: (self.owner.is_some() && self.watching)
                .then(|| "watcher-watching".to_string()),
            ..Default::default()
        }
    }

    /// The buffered history, oldest first.
    pub fn events(&self) -> &VecDeque<ProvisionEvent> {
        &self.events
    }

    /// Whether the event of sequence number `seq` is kept from live streams (the drop
    /// fault); replays and `/events` still have it.
    pub fn drops_live(&self, seq: u64) -> bool {
        self.drop_live_every
            .is_some_and(|n| n > 0 && (seq + 1).is_multiple_of(u64::from(n)))
    }

    /// Sequence number of the oldest buffered event.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.events.len() as u64
    }

    /// Whether the run's lifecycle (Phase 0, and the watch when it ran) has ended.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The current status.
    pub fn status(&self) -> DeploymentStatus {
        self.status
    }

    /// The shared live queue of the reconnect fault, when that fault is on.
    pub fn shared_live(&mut self) -> Option<&mut VecDeque<ProvisionEvent>> {
        self.shared_live.as_mut()
    }

    /// The captured kubeconfig, if the cluster has posted it.
    pub fn kubeconfig(&self) -> Option<&str> {
        self.kubeconfig_captured
            .then_some(self.kubeconfig_yaml.as_str())
    }

    /// The run's jobs.
    pub fn jobs(&self) -> &JobsStore {
        &self.jobs
    }

    /// `/components/state`: the watcher's cache while it runs, else rows rebuilt from
    /// `componentStates` (no message, zero time, no dependencies), sorted by id.
    pub fn components(&self) -> (bool, Vec<ComponentState>) {
        if self.watching {
            let rows = self
                .live
                .iter()
                .map(|(id, c)| ComponentState {
                    app_id: id.clone(),
                    status: c.status,
                    helm_release_name: format!("bp-{id}"),
                    namespace: "flux-system".into(),
                    last_transition_at: c
                        .last_transition
                        .map(rfc3339_nano)
                        .unwrap_or_else(|| super::gojson::ZERO_TIME.into()),
                    message: c.message.clone(),
                    depends_on: catalog::component(id)
                        .map(|x| x.deps.clone())
                        .filter(|d| !d.is_empty()),
                    ..Default::default()
                })
                .collect();
            return (true, rows);
        }
        let rows = self
            .result
            .as_ref()
            .and_then(|r| r.component_states.as_ref())
            .map(|m| {
                m.iter()
                    .map(|(id, s)| ComponentState {
                        app_id: id.clone(),
                        status: s.parse().unwrap_or(ComponentStatus::Unknown),
                        helm_release_name: format!("bp-{id}"),
                        namespace: "flux-system".into(),
                        last_transition_at: super::gojson::ZERO_TIME.into(),
                        message: String::new(),
                        depends_on: None,
                        ..Default::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        (false, rows)
    }

    /// Component ids this run's watch knows (for Phase-1 retry answers).
    pub fn knows_component(&self, id: &str) -> bool {
        catalog::component(id).is_some()
            || self
                .result
                .as_ref()
                .and_then(|r| r.component_states.as_ref())
                .is_some_and(|m| m.contains_key(id))
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;

mod today;
