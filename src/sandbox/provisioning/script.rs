//! What a simulated run will do, as a timeline: each step says when (milliseconds from
//! the start of the attempt, at speed 1.0) and what (an event the service would emit, or
//! a change of the run's state that has no event, such as the kubeconfig post-back).
//!
//! Owns: the shape of every run the sandbox plays — a fresh Phase 0, a Phase-0 retry, a
//! Phase 0 that fails in `tofu apply`, and the Phase-1 HelmRelease watch ending ready or
//! by timeout — with the service's exact marker and diagnostic texts.
//! Must not: touch a run or read a clock; `run` applies these steps when they fall due.

use super::catalog::{self, Template, Vars};
use super::rng::Rng;
use crate::model::{ComponentStatus, EventLevel, PHASE_COMPONENT, PHASE_TOFU, Phase1Outcome};

/// The error a Phase-0 failure in `tofu apply` leaves in the State (and nowhere else).
pub const APPLY_FAILED_ERROR: &str =
    "tofu apply: tofu apply -input=false -no-color -auto-approve tfplan failed: exit status 1";

/// Phase-1 watch budget of the service (`DefaultWatchTimeout`).
const WATCH_TIMEOUT_MS: u64 = 60 * 60 * 1000;

/// A Ready-condition message the watch derives when a HelmRelease has none yet.
pub const FIRST_RECONCILE_MESSAGE: &str = "HelmRelease observed, waiting for first reconcile";

/// One event to emit, without its time (stamped when it falls due).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emit {
    pub phase: String,
    pub level: EventLevel,
    pub message: String,
    pub component: Option<String>,
    pub state: Option<ComponentStatus>,
}

/// A Day-2 mutation recorded on the jobs surface (no event on the stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutation {
    pub verb: String,
    pub kind: String,
    pub slug: String,
    pub action: String,
    pub diff: String,
    pub xrc_kind: String,
    pub xrc_name: String,
    /// `Some(reason)` when the claim submission failed.
    pub failure: Option<String>,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Emit an event.
    Emit(Emit),
    /// Emit a raw helm-controller log line (`component-log`), rendered with the step's
    /// time in the line's own `ts` field.
    HelmLog {
        component: String,
        level: &'static str,
        msg: String,
        error: Option<String>,
        reconcile_id: String,
    },
    /// The new cluster's cloud-init posts its kubeconfig back.
    CaptureKubeconfig,
    /// Phase 0 returned: the result is filled in and the run is `phase1-watching`.
    Phase0Done,
    /// The HelmRelease watcher is attached (`/components/state` turns `watching`).
    WatchStart,
    /// The watch ended with this outcome.
    Finish(Phase1Outcome),
    /// Phase 0 failed; the reason goes only into the State's `error`.
    FailPhase0(String),
    /// A Day-2 mutation lands on the jobs surface.
    Mutation(Mutation),
}

/// An action and when it falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at_ms: u64,
    pub action: Action,
}

/// How Phase 0 goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase0 {
    /// A first run that succeeds; the kubeconfig arrives during `tofu apply` or later.
    Fresh { kubeconfig_during_apply: bool },
    /// `POST …/phases/{phase}/retry`: the whole sequence again, in the existing workdir.
    Retry {
        phase: String,
        capture_kubeconfig: bool,
    },
    /// A first run whose `tofu apply` fails.
    FailApply,
}

/// How the Phase-1 watch goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Phase1 {
    /// The kubeconfig arrives only after `flux-bootstrap`, so the watch waits for it.
    pub kubeconfig_late: bool,
    /// A component that installs, degrades, then recovers.
    pub flap: Option<String>,
    /// Components that install and then stay degraded (their dependents stay pending);
    /// with any of these the watch runs into its timeout.
    pub stuck: Vec<String>,
}

pub(super) fn emit(phase: &str, level: EventLevel, message: impl Into<String>) -> Action {
    Action::Emit(Emit {
        phase: phase.to_string(),
        level,
        message: message.into(),
        component: None,
        state: None,
    })
}

pub(super) fn transition(
    component: &str,
    state: ComponentStatus,
    message: impl Into<String>,
) -> Action {
    let level = match state {
        ComponentStatus::Failed => EventLevel::Error,
        ComponentStatus::Degraded => EventLevel::Warn,
        _ => EventLevel::Info,
    };
    Action::Emit(Emit {
        phase: PHASE_COMPONENT.to_string(),
        level,
        message: message.into(),
        component: Some(component.to_string()),
        state: Some(state),
    })
}

/// Builds a timeline, keeping steps in time order.
struct Timeline {
    steps: Vec<Step>,
}

impl Timeline {
    fn push(&mut self, at_ms: u64, action: Action) {
        self.steps.push(Step { at_ms, action });
    }

    /// Emits a template's lines from `start`, returning the time of the last line.
    fn template(&mut self, t: Template, start: u64, vars: &mut Vars) -> u64 {
        let mut at = start;
        for line in catalog::template(t) {
            at += line.pause_ms;
            if let Some(text) = vars.render(line.text) {
                let level = if line.stderr {
                    EventLevel::Warn
                } else {
                    EventLevel::Info
                };
                self.push(at, emit(PHASE_TOFU, level, text));
            }
        }
        at
    }

    fn finish(mut self) -> Vec<Step> {
        // Stable: steps scheduled for the same millisecond keep their order.
        self.steps.sort_by_key(|s| s.at_ms);
        self.steps
    }
}

/// The flux-bootstrap marker text, verbatim from the service.
pub fn flux_bootstrap_message(fqdn: &str) -> String {
    format!(
        "Cloud-init has bootstrapped Flux + Crossplane in the new cluster — Flux will now reconcile clusters/{fqdn}/ from the public OpenOva monorepo, installing the 11-component bootstrap kit and bp-catalyst-platform umbrella in dependency order. The wizard's progress page will poll Flux Kustomizations on the new cluster for steady-state."
    )
}

/// Phase 0 from `start`. Returns the steps and the time Phase 0 ends.
pub fn phase0(kind: &Phase0, vars: &mut Vars, start: u64) -> (Vec<Step>, u64) {
    let mut tl = Timeline { steps: Vec::new() };
    let mut at = start;
    let (init, plan, apply) = match kind {
        Phase0::Retry { phase, .. } => {
            tl.push(
                at,
                emit(
                    phase,
                    EventLevel::Info,
                    format!(
                        "Retry initiated for phase {phase:?} — running `tofu apply` against existing workdir (idempotent)."
                    ),
                ),
            );
            at += 40;
            (
                Template::InitRetry,
                Template::PlanRetry,
                Template::ApplyRetry,
            )
        }
        Phase0::FailApply => (Template::Init, Template::Plan, Template::ApplyFailed),
        Phase0::Fresh { .. } => (Template::Init, Template::Plan, Template::Apply),
    };
    tl.push(
        at,
        emit(
            "tofu-init",
            EventLevel::Info,
            "Initialising OpenTofu working directory",
        ),
    );
    at = tl.template(init, at, vars) + 350;
    tl.push(
        at,
        emit(
            "tofu-plan",
            EventLevel::Info,
            "Planning Hetzner resources (network, firewall, server, LB, DNS)",
        ),
    );
    at = tl.template(plan, at, vars) + 450;
    tl.push(
        at,
        emit(
            "tofu-apply",
            EventLevel::Info,
            "Applying — this provisions real Hetzner resources, please wait",
        ),
    );
    let apply_start = at;
    at = tl.template(apply, at, vars);
    let capture_during_apply = match kind {
        Phase0::Fresh {
            kubeconfig_during_apply,
        } => *kubeconfig_during_apply,
        Phase0::Retry {
            capture_kubeconfig, ..
        } => *capture_kubeconfig,
        Phase0::FailApply => false,
    };
    if capture_during_apply {
        // k3s answers its health check before the load balancer targets settle, so the
        // post-back lands during the apply's last quarter.
        tl.push(
            apply_start + (at - apply_start) * 3 / 4,
            Action::CaptureKubeconfig,
        );
    }
    if matches!(kind, Phase0::FailApply) {
        tl.push(at + 400, Action::FailPhase0(APPLY_FAILED_ERROR.to_string()));
        return (tl.finish(), at + 400);
    }
    at += 700;
    // `tofu output -json` is read whole, never streamed: the marker has no lines.
    tl.push(
        at,
        emit("tofu-output", EventLevel::Info, "Reading OpenTofu outputs"),
    );
    at += 1800;
    tl.push(
        at,
        emit(
            "flux-bootstrap",
            EventLevel::Info,
            flux_bootstrap_message(&vars.fqdn),
        ),
    );
    at += 60;
    tl.push(at, Action::Phase0Done);
    (tl.finish(), at)
}

fn reconcile_id(rng: &mut Rng) -> String {
    let h = rng.hex(16);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn install_message(c: &catalog::Component, revision: u32, verb: &str) -> String {
    format!(
        "Helm {verb} succeeded for release {}/{}.v{revision} with chart bp-{}@{}",
        c.namespace, c.id, c.id, c.version
    )
}

fn health_message(c: &catalog::Component, rng: &mut Rng) -> String {
    let kind = match c.id.as_str() {
        "falco" => "DaemonSet",
        "openbao" | "nats-jetstream" | "seaweedfs" => "StatefulSet",
        "kube-prometheus-stack" => "Prometheus",
        _ => "Deployment",
    };
    let name = if c.id == "kube-prometheus-stack" {
        "kube-prometheus-stack-prometheus"
    } else {
        c.id.as_str()
    };
    format!(
        "health check failed after 5m0.{:03}s: timeout waiting for: [{kind}/{}/{name} status: 'InProgress']",
        rng.range(1, 999),
        c.namespace
    )
}

/// The Phase-1 watch from `start` (right after Phase 0). Returns the steps.
pub fn phase1(spec: &Phase1, kubeconfig_bytes: usize, rng: &mut Rng, start: u64) -> Vec<Step> {
    let mut tl = Timeline { steps: Vec::new() };
    let mut at = start;
    if spec.kubeconfig_late {
        at += 400;
        tl.push(
            at,
            emit(
                PHASE_COMPONENT,
                EventLevel::Info,
                "Phase-1 watch: waiting for cloud-init to PUT the new Sovereign's kubeconfig (timeout 15m0s, polling every 15s).",
            ),
        );
        at += rng.range(9_000, 15_000);
        tl.push(at, Action::CaptureKubeconfig);
        at += 15;
        tl.push(
            at,
            emit(
                PHASE_COMPONENT,
                EventLevel::Info,
                format!(
                    "Phase-1 watch: kubeconfig received from cloud-init ({kubeconfig_bytes} bytes); starting per-component HelmRelease watch."
                ),
            ),
        );
    }
    at += 300;
    let watch_start = at;
    tl.push(at, Action::WatchStart);

    // The informer's initial list: every HelmRelease, none reconciled yet.
    at += 400;
    let list_at = at;
    for c in catalog::components() {
        at += 3;
        let msg = match c.deps.first() {
            Some(d) => format!("dependency 'flux-system/bp-{d}' is not ready"),
            None => FIRST_RECONCILE_MESSAGE.to_string(),
        };
        tl.push(at, transition(&c.id, ComponentStatus::Pending, msg));
    }

    let mut ready_at: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut blocked: Vec<&str> = Vec::new();
    let mut last = at;
    for c in catalog::components() {
        if c.deps.iter().any(|d| blocked.contains(&d.as_str())) {
            // Waiting on a dependency that never becomes ready: no transition, ever.
            blocked.push(&c.id);
            continue;
        }
        let deps_ready = c
            .deps
            .iter()
            .filter_map(|d| ready_at.get(d.as_str()).copied())
            .max()
            .unwrap_or(list_at);
        let begin = deps_ready + rng.range(600, 2_500);
        let length = match c.id.as_str() {
            "catalyst-platform" => rng.range(22_000, 30_000),
            "keycloak" | "kube-prometheus-stack" | "harbor" | "crossplane" => {
                rng.range(12_000, 20_000)
            }
            _ => rng.range(4_000, 14_000),
        };
        let rid = reconcile_id(rng);
        let log =
            |tl: &mut Timeline, at: u64, level: &'static str, msg: &str, error: Option<String>| {
                tl.push(
                    at,
                    Action::HelmLog {
                        component: c.id.clone(),
                        level,
                        msg: msg.to_string(),
                        error,
                        reconcile_id: rid.clone(),
                    },
                );
            };
        tl.push(
            begin,
            transition(
                &c.id,
                ComponentStatus::Installing,
                "Running 'install' action with timeout of 10m0s",
            ),
        );
        log(
            &mut tl,
            begin + 150,
            "info",
            "release out-of-sync with desired state: release not installed",
            None,
        );
        log(
            &mut tl,
            begin + 420,
            "info",
            "running 'install' action with timeout of 10m0s",
            None,
        );
        let done = begin + length;
        tl.push(
            done,
            transition(
                &c.id,
                ComponentStatus::Installed,
                install_message(c, 1, "install"),
            ),
        );
        log(
            &mut tl,
            done + 90,
            "info",
            "release in-sync with desired state",
            None,
        );
        last = last.max(done + 90);

        if spec.stuck.iter().any(|s| s == &c.id) {
            // Installed, then loses readiness for good: degraded is not terminal, so the
            // watch keeps waiting; helm-controller keeps failing its health check.
            let degrade = done + rng.range(4_000, 9_000);
            let msg = health_message(c, rng);
            tl.push(
                degrade,
                transition(&c.id, ComponentStatus::Degraded, msg.clone()),
            );
            let mut t = degrade + 120;
            while t < watch_start + WATCH_TIMEOUT_MS {
                log(&mut tl, t, "error", "Reconciler error", Some(msg.clone()));
                t += 5 * 60 * 1000 + rng.range(0, 20_000);
            }
            blocked.push(&c.id);
            continue;
        }
        ready_at.insert(&c.id, done);
        if spec.flap.as_deref() == Some(c.id.as_str()) {
            let degrade = done + rng.range(15_000, 25_000);
            let msg = health_message(c, rng);
            tl.push(
                degrade,
                transition(&c.id, ComponentStatus::Degraded, msg.clone()),
            );
            log(
                &mut tl,
                degrade + 80,
                "error",
                "Reconciler error",
                Some(msg),
            );
            let recover = degrade + rng.range(12_000, 20_000);
            log(
                &mut tl,
                recover - 300,
                "info",
                "running 'upgrade' action with timeout of 10m0s",
                None,
            );
            tl.push(
                recover,
                transition(
                    &c.id,
                    ComponentStatus::Installed,
                    install_message(c, 2, "upgrade"),
                ),
            );
            log(
                &mut tl,
                recover + 90,
                "info",
                "release in-sync with desired state",
                None,
            );
            last = last.max(recover + 90);
        }
    }

    if spec.stuck.is_empty() {
        tl.push(last + 400, Action::Finish(Phase1Outcome::Ready));
    } else {
        let end = watch_start + WATCH_TIMEOUT_MS;
        tl.push(
            end,
            emit(
                PHASE_COMPONENT,
                EventLevel::Warn,
                "Phase-1 watch terminated by context: context deadline exceeded — see ComponentStates for current outcome",
            ),
        );
        tl.push(end, Action::Finish(Phase1Outcome::Timeout));
    }
    tl.finish()
}

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
