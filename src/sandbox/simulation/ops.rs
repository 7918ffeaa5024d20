//! Operations in flight: each tick moves every unfinished operation one step along its
//! script (install, update, retry, restart, pause, resume, uninstall), appends log lines
//! in the colours helm and flux print, publishes `operation.progress` and the
//! Application's progress, and on the last step gives the Application its final state.

use chrono::{DateTime, Utc};

use crate::model::*;
use crate::sandbox::events::EventBus;
use crate::sandbox::flow::{publish_app, short_commit};
use crate::sandbox::store::{AppRecord, World};

const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Removes ANSI escape sequences (CSI `ESC [ … final`), for plain-text summaries.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The steps of an operation kind: percent reached and step name.
fn script(kind: &str) -> &'static [(u8, &'static str)] {
    match kind {
        "install" | "update" | "retry" => &[
            (5, "rendering"),
            (15, "committing"),
            (30, "reconciling"),
            (45, "upgrading"),
            (65, "rolling-out"),
            (80, "rolling-out"),
            (95, "verifying"),
            (100, "done"),
        ],
        "restart" => &[(30, "restarting"), (70, "rolling-out"), (100, "done")],
        "pause" => &[(50, "suspending"), (100, "done")],
        "resume" => &[(50, "resuming"), (100, "done")],
        "uninstall" => &[(30, "uninstalling"), (70, "pruning"), (100, "done")],
        _ => &[(50, "working"), (100, "done")],
    }
}

/// What the log lines of one step need to know.
struct Ctx<'a> {
    kind: &'a str,
    app: &'a str,
    env: &'a str,
    blueprint: &'a str,
    version: &'a str,
    commit: String,
    repo: &'a str,
    pods: u32,
}

fn lines(step: usize, cx: &Ctx<'_>) -> Vec<(EventLevel, String)> {
    let Ctx {
        kind,
        app,
        env,
        blueprint,
        version,
        repo,
        pods,
        ..
    } = *cx;
    let commit = cx.commit.as_str();
    let info = |s: String| (EventLevel::Info, s);
    let verb = if kind == "install" {
        "install"
    } else {
        "upgrade"
    };
    match (kind, step) {
        ("install" | "update" | "retry", 0) => vec![info(format!(
            "{CYAN}►{RESET} rendering values of {BOLD}{app}{RESET} for {blueprint} {version}"
        ))],
        ("install" | "update" | "retry", 1) => vec![
            info(format!("{CYAN}►{RESET} committing to {repo}")),
            info(format!("{GREEN}✔{RESET} pushed {commit} to main")),
        ],
        ("install" | "update" | "retry", 2) => vec![
            info(format!(
                "{CYAN}►{RESET} kustomization/{env} reconciling revision main@sha1:{commit}"
            )),
            info(format!("{GREEN}✔{RESET} kustomization/{env} applied")),
        ],
        ("install" | "update" | "retry", 3) => vec![
            info(format!(
                "{CYAN}►{RESET} helmrelease/{app} {verb} in progress (chart {blueprint} {version})"
            )),
            (
                EventLevel::Warn,
                format!("{YELLOW}◎{RESET} waiting for helmrelease/{app} to become ready"),
            ),
        ],
        ("install" | "update" | "retry", 4 | 5) => {
            let ready = if step == 4 {
                1.min(pods)
            } else {
                pods.saturating_sub(1)
            };
            vec![info(format!(
                "{YELLOW}◎{RESET} deployment/{app}: {ready} of {pods} updated replicas are available"
            ))]
        }
        ("install" | "update" | "retry", 6) => vec![
            info(format!(
                "{GREEN}✔{RESET} deployment/{app}: {pods} of {pods} replicas ready"
            )),
            info(format!("{CYAN}►{RESET} running health checks")),
        ],
        ("install" | "update" | "retry", _) => vec![info(format!(
            "{GREEN}✔{RESET} helmrelease/{app} {verb} succeeded: {BOLD}{version}{RESET} is running in {env}"
        ))],
        ("restart", 0) => vec![info(format!(
            "{CYAN}►{RESET} rollout restart deployment/{app}"
        ))],
        ("restart", 1) => vec![info(format!(
            "{YELLOW}◎{RESET} deployment/{app}: waiting for {pods} new pods"
        ))],
        ("pause", 0) => vec![info(format!("{CYAN}►{RESET} suspending helmrelease/{app}"))],
        ("pause", _) => vec![info(format!(
            "{GREEN}✔{RESET} helmrelease/{app} suspended: reconciliation paused"
        ))],
        ("resume", 0) => vec![info(format!("{CYAN}►{RESET} resuming helmrelease/{app}"))],
        ("uninstall", 0) => vec![info(format!("{CYAN}►{RESET} helm uninstall {app}"))],
        ("uninstall", 1) => vec![info(format!(
            "{CYAN}►{RESET} kustomization/{env} pruning {app}"
        ))],
        ("uninstall", _) => vec![info(format!("{GREEN}✔{RESET} {app} removed from {env}"))],
        (_, _) => vec![info(format!("{GREEN}✔{RESET} {kind} of {app} finished"))],
    }
}

/// Starts an operation for every `installing`/`updating` Application that has none in
/// flight (seeded ones), continuing from the progress it shows.
pub(super) fn adopt_in_progress(world: &mut World, bus: &EventBus) -> bool {
    let orphans: Vec<(String, String, AppStatus, u8)> = world
        .apps
        .iter()
        .flat_map(|(env, apps)| apps.values().map(move |r| (env, r)))
        .filter(|(_, r)| r.app.status.in_progress())
        .filter(|(_, r)| {
            r.app
                .operation_id
                .as_ref()
                .is_none_or(|id| world.operations.get(id).is_none_or(|op| op.done.is_some()))
        })
        .map(|(env, r)| {
            let pct = r.app.progress.as_ref().map_or(0, |p| p.percent);
            (env.clone(), r.app.name.clone(), r.app.status, pct)
        })
        .collect();
    for (env, app, status, pct) in &orphans {
        let kind = if *status == AppStatus::Installing {
            "install"
        } else {
            "update"
        };
        let id = world.start_operation(env, app, kind);
        if let Some(op) = world.operations.get_mut(&id) {
            op.percent = (*pct).min(99);
        }
        if let Some(rec) = world.apps.get_mut(env).and_then(|m| m.get_mut(app)) {
            rec.app.operation_id = Some(id);
            rec.app.revision += 1;
            publish_app(bus, rec);
        }
    }
    !orphans.is_empty()
}

/// Advances every unfinished operation by one step.
pub(super) fn advance_all(world: &mut World, bus: &EventBus, now: DateTime<Utc>) -> bool {
    let ids: Vec<String> = world
        .operations
        .values()
        .filter(|op| op.done.is_none())
        .map(|op| op.id.clone())
        .collect();
    for id in &ids {
        advance(world, bus, id, now);
    }
    !ids.is_empty()
}

fn org_of(world: &World, env: &str) -> String {
    world
        .environments
        .get(env)
        .map(|e| e.env.org.clone())
        .unwrap_or_default()
}

fn advance(world: &mut World, bus: &EventBus, id: &str, now: DateTime<Utc>) {
    let Some(op) = world.operations.get(id) else {
        return;
    };
    let (env, app_name, kind) = (
        op.environment.clone(),
        op.application.clone(),
        op.kind.clone(),
    );
    let org = org_of(world, &env);
    let steps = script(&kind);
    let next = steps
        .iter()
        .position(|(pct, _)| *pct > op.percent)
        .unwrap_or(steps.len() - 1);
    let (percent, step) = steps[next];
    let last = next + 1 == steps.len();

    let Some(rec) = world.apps.get(&env).and_then(|m| m.get(&app_name)) else {
        fail(
            world,
            bus,
            id,
            &org,
            &format!("{app_name} no longer exists in {env}"),
            now,
        );
        return;
    };
    let cx = Ctx {
        kind: &kind,
        app: &app_name,
        env: &env,
        blueprint: &rec.app.blueprint.name,
        version: &rec.app.blueprint.version,
        commit: rec
            .history
            .last()
            .filter(|d| d.outcome == DeployOutcome::InProgress)
            .map(|d| d.commit.clone())
            .unwrap_or_else(|| short_commit(id)),
        repo: world
            .environments
            .get(&env)
            .map_or("", |e| e.env.git_repo.as_str()),
        pods: replicas(rec),
    };
    let new_lines: Vec<OperationLogLine> = lines(next, &cx)
        .into_iter()
        .map(|(level, message)| OperationLogLine {
            at: now,
            level,
            message,
        })
        .collect();
    let message = new_lines
        .last()
        .map(|l| strip_ansi(&l.message))
        .unwrap_or_default();
    if let Some(op) = world.operations.get_mut(id) {
        op.percent = percent;
        op.step = step.to_string();
        op.lines.extend(new_lines);
        if last {
            op.done = Some(OperationDone {
                operation_id: id.to_string(),
                outcome: "succeeded".into(),
            });
        }
    }
    bus.publish(
        &org,
        Some(&env),
        LiveEvent::OperationProgress(OperationProgress {
            operation_id: id.to_string(),
            application: app_name.clone(),
            environment: env.clone(),
            percent,
            step: step.to_string(),
            message,
        }),
    );
    bus.operation_changed(id);
    if last {
        finish(world, bus, &org, &env, &app_name, &kind, id, now);
    } else if let Some(rec) = world.apps.get_mut(&env).and_then(|m| m.get_mut(&app_name))
        && rec.app.operation_id.as_deref() == Some(id)
    {
        rec.app.progress = Some(Progress {
            percent,
            step: step.to_string(),
        });
        rec.app.revision += 1;
        publish_app(bus, rec);
    }
}

/// Pods an Application should run: what it has, else its `replicas` value, else one.
fn replicas(rec: &AppRecord) -> u32 {
    if rec.app.pods.total > 0 {
        return rec.app.pods.total;
    }
    rec.values
        .get("replicas")
        .and_then(|v| v.as_u64())
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

fn fail(world: &mut World, bus: &EventBus, id: &str, org: &str, why: &str, now: DateTime<Utc>) {
    if let Some(op) = world.operations.get_mut(id) {
        op.lines.push(OperationLogLine {
            at: now,
            level: EventLevel::Error,
            message: format!("{RED}✗{RESET} {why}"),
        });
        op.done = Some(OperationDone {
            operation_id: id.to_string(),
            outcome: "failed".into(),
        });
        let (env, app) = (op.environment.clone(), op.application.clone());
        bus.publish(
            org,
            Some(&env),
            LiveEvent::OperationProgress(OperationProgress {
                operation_id: id.to_string(),
                application: app,
                environment: env.clone(),
                percent: op.percent,
                step: "failed".into(),
                message: why.to_string(),
            }),
        );
    }
    bus.operation_changed(id);
}

#[allow(clippy::too_many_arguments)]
fn finish(
    world: &mut World,
    bus: &EventBus,
    org: &str,
    env: &str,
    app: &str,
    kind: &str,
    id: &str,
    now: DateTime<Utc>,
) {
    if kind == "uninstall" {
        // Through `remove_app`, so what it depended on no longer lists it in `used_by`.
        if world.remove_app(env, app).is_some() {
            bus.publish(
                org,
                Some(env),
                LiveEvent::ApplicationRemoved(ApplicationRemoved {
                    environment: env.to_string(),
                    name: app.to_string(),
                }),
            );
        }
        return;
    }
    let Some(rec) = world.apps.get_mut(env).and_then(|m| m.get_mut(app)) else {
        return;
    };
    if rec.app.operation_id.as_deref() != Some(id) {
        return;
    }
    let total = replicas(rec);
    rec.app.operation_id = None;
    rec.app.progress = None;
    rec.app.status_detail.clear();
    match kind {
        "pause" => rec.app.status = AppStatus::Paused,
        "install" | "update" | "retry" => {
            rec.app.status = AppStatus::Running;
            rec.app.pods = Pods {
                ready: total,
                total,
                counted: true,
            };
            let deploy = match rec.history.last_mut() {
                Some(d) if d.outcome == DeployOutcome::InProgress => {
                    d.outcome = DeployOutcome::Succeeded;
                    d.clone()
                }
                _ => {
                    let d = DeployRecord {
                        at: now,
                        actor: rec.app.last_deploy.actor.clone(),
                        version: rec.app.blueprint.version.clone(),
                        commit: short_commit(id),
                        outcome: DeployOutcome::Succeeded,
                    };
                    rec.history.push(d.clone());
                    d
                }
            };
            rec.app.last_deploy = LastDeploy {
                at: now,
                actor: deploy.actor,
                version: deploy.version,
                commit: deploy.commit,
            };
        }
        _ => {
            rec.app.status = AppStatus::Running;
            rec.app.pods = Pods {
                ready: total,
                total,
                counted: true,
            };
        }
    }
    rec.app.revision += 1;
    publish_app(bus, rec);
}
