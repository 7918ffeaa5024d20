//! Evaluation of an Environment's policy rules for one promotion at one instant, with a
//! sentence for people per rule saying what is met or what is still missing (which team,
//! how many more approvals, how long the soak still runs, when the window opens).
//!
//! Pure: reads the world and the clock it is given, changes nothing. Merging when every
//! rule is met is `promotions`' job.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::cron::Cron;
use crate::model::{PolicyRule, Promotion, PromotionPolicy, ReviewDecision, RuleKind, RuleStatus};
use crate::sandbox::store::World;

/// Evaluates the target Environment's rules for `promotion` at `now`.
pub fn evaluate(world: &World, promotion: &Promotion, now: DateTime<Utc>) -> PromotionPolicy {
    let rules = world
        .environments
        .get(&promotion.target_environment)
        .map(|e| e.policy.rules.as_slice())
        .unwrap_or_default();
    evaluate_rules(world, promotion, rules, now)
}

/// Evaluates `rules` for `promotion` at `now`.
pub fn evaluate_rules(
    world: &World,
    promotion: &Promotion,
    rules: &[PolicyRule],
    now: DateTime<Utc>,
) -> PromotionPolicy {
    let required_approvals = rules
        .iter()
        .filter_map(|r| match r {
            PolicyRule::PrRequired { min_approvals, .. } => Some(*min_approvals),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    PromotionPolicy {
        rules: rules
            .iter()
            .map(|r| evaluate_rule(world, promotion, r, now))
            .collect(),
        required_approvals,
        approver_teams: approver_teams(rules),
    }
}

/// True when every rule is met (no rules: nothing stands in the way).
pub fn all_satisfied(policy: &PromotionPolicy) -> bool {
    policy.rules.iter().all(|r| r.satisfied)
}

/// The teams named by the `pr-required` rules, in order, without repeats.
pub fn approver_teams(rules: &[PolicyRule]) -> Vec<String> {
    let mut teams: Vec<String> = Vec::new();
    for r in rules {
        if let PolicyRule::PrRequired { approvers, .. } = r {
            for t in approvers {
                if !teams.contains(t) {
                    teams.push(t.clone());
                }
            }
        }
    }
    teams
}

/// Evaluates one rule.
pub fn evaluate_rule(
    world: &World,
    promotion: &Promotion,
    rule: &PolicyRule,
    now: DateTime<Utc>,
) -> RuleStatus {
    match rule {
        PolicyRule::PrRequired {
            approvers,
            min_approvals,
        } => pr_required(promotion, approvers, *min_approvals),
        PolicyRule::Soak {
            source_environment,
            duration,
        } => soak(world, promotion, source_environment, duration, now),
        PolicyRule::ChangeWindow { cron, duration } => change_window(cron, duration, now),
        PolicyRule::ReScoreGate { min_score } => re_score_gate(world, promotion, *min_score),
        PolicyRule::Unknown => status(
            RuleKind::Unknown,
            false,
            "This Environment has a rule of a kind the server cannot evaluate, so it cannot be met.".into(),
            Map::new(),
        ),
    }
}

fn status(
    kind: RuleKind,
    satisfied: bool,
    detail: String,
    extra: Map<String, Value>,
) -> RuleStatus {
    RuleStatus {
        kind,
        satisfied,
        detail,
        extra,
    }
}

fn extra(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => "nobody".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn pr_required(promotion: &Promotion, approvers: &[String], min: u32) -> RuleStatus {
    // Each reviewer's latest word counts once; the author's never does.
    let mut latest: BTreeMap<&str, &crate::model::Review> = BTreeMap::new();
    for r in &promotion.reviews {
        latest.insert(r.actor.as_str(), r);
    }
    let eligible = |r: &crate::model::Review| {
        r.actor != promotion.created_by && r.teams.iter().any(|t| approvers.contains(t))
    };
    let approved_by: Vec<String> = latest
        .values()
        .filter(|r| r.decision == ReviewDecision::Approve && eligible(r))
        .map(|r| r.actor.clone())
        .collect();
    let changes_by: Vec<String> = latest
        .values()
        .filter(|r| r.decision == ReviewDecision::RequestChanges && eligible(r))
        .map(|r| r.actor.clone())
        .collect();
    let count = u32::try_from(approved_by.len()).unwrap_or(u32::MAX);
    let more = min.saturating_sub(count);
    let teams = or_list(approvers);
    let satisfied = more == 0 && changes_by.is_empty();
    let mut detail = if more == 0 {
        if approved_by.is_empty() {
            "No approval is required.".to_string()
        } else {
            format!(
                "Approved by {} of {teams} ({count} of {min}).",
                and_list(&approved_by)
            )
        }
    } else {
        format!(
            "Needs {more} more approval{} from {teams} ({count} of {min} so far).",
            if more == 1 { "" } else { "s" }
        )
    };
    if !changes_by.is_empty() {
        detail.push_str(&format!(
            " Changes requested by {}: they must approve before it can merge.",
            and_list(&changes_by)
        ));
    }
    status(
        RuleKind::PrRequired,
        satisfied,
        detail,
        extra(json!({
            "approvers": approvers,
            "min_approvals": min,
            "approvals": count,
            "approved_by": approved_by,
            "more_needed": more,
            "changes_requested_by": changes_by,
        })),
    )
}

/// Resolves a rule's Environment reference: a full name, or an `env_type` of the Org.
pub fn resolve_environment(world: &World, org: &str, name: &str) -> String {
    if world.environments.contains_key(name) {
        name.to_string()
    } else {
        format!("{org}-{name}")
    }
}

fn soak(
    world: &World,
    promotion: &Promotion,
    source: &str,
    duration: &str,
    now: DateTime<Utc>,
) -> RuleStatus {
    let source = resolve_environment(world, &promotion.org, source);
    let mut ex = json!({ "source_environment": source, "duration": duration });
    let Some(need) = parse_duration(duration) else {
        return status(
            RuleKind::Soak,
            false,
            format!("The soak duration `{duration}` is not valid (use e.g. 24h, 30m, 1h30m)."),
            extra(ex),
        );
    };
    let app = &promotion.application;
    let version = &promotion.to_version;
    let deployed = world.apps.get(&source).and_then(|a| a.get(app));
    let (satisfied, detail) = match deployed {
        None => (
            false,
            format!("{app} is not deployed in {source}, so it has not soaked there."),
        ),
        Some(rec) if rec.app.status.in_progress() => (
            false,
            format!(
                "{app} is still being deployed in {source}; the {duration} soak starts once {version} is running there."
            ),
        ),
        Some(rec) if rec.app.blueprint.version != *version => (
            false,
            format!(
                "{source} runs {} of {app}, not {version}: the {duration} soak starts once {version} is running there.",
                rec.app.blueprint.version
            ),
        ),
        Some(rec) => {
            let since = rec.app.last_deploy.at;
            let remaining = (need - (now - since)).num_seconds().max(0);
            ex["soaking_since"] = json!(since);
            ex["remaining_seconds"] = json!(remaining);
            if remaining == 0 {
                (
                    true,
                    format!(
                        "{version} has soaked {} in {source} ({duration} required).",
                        human_duration((now - since).num_seconds())
                    ),
                )
            } else {
                (
                    false,
                    format!(
                        "{version} must soak in {source} for {} more ({duration} required).",
                        human_duration(remaining)
                    ),
                )
            }
        }
    };
    if !satisfied && ex.get("remaining_seconds").is_none() {
        ex["remaining_seconds"] = json!(need.num_seconds());
    }
    status(RuleKind::Soak, satisfied, detail, extra(ex))
}

fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn change_window(cron: &str, duration: &str, now: DateTime<Utc>) -> RuleStatus {
    let mut ex = json!({ "cron": cron, "duration": duration, "open_now": false });
    let schedule = match cron.parse::<Cron>() {
        Ok(c) => c,
        Err(e) => {
            return status(
                RuleKind::ChangeWindow,
                false,
                format!("The change window's schedule is not valid: {e}."),
                extra(ex),
            );
        }
    };
    let Some(length) = parse_duration(duration).filter(|d| *d > Duration::zero()) else {
        return status(
            RuleKind::ChangeWindow,
            false,
            format!("The change window's length `{duration}` is not valid (use e.g. 4h)."),
            extra(ex),
        );
    };
    let (satisfied, detail) = match schedule.window(now, length) {
        Ok(start) => {
            let closes = start + length;
            ex["open_now"] = json!(true);
            ex["opens_at"] = json!(start);
            ex["closes_at"] = json!(closes);
            (
                true,
                format!(
                    "The change window is open until {} ({} left).",
                    fmt_time(closes),
                    human_duration((closes - now).num_seconds())
                ),
            )
        }
        Err(Some(next)) => {
            ex["opens_at"] = json!(next);
            (
                false,
                format!(
                    "Outside the change window: it opens {} (in {}) for {}.",
                    fmt_time(next),
                    human_duration((next - now).num_seconds()),
                    human_duration(length.num_seconds())
                ),
            )
        }
        Err(None) => (
            false,
            format!("The change window `{cron}` never opens, so this rule cannot be met."),
        ),
    };
    status(RuleKind::ChangeWindow, satisfied, detail, extra(ex))
}

fn re_score_gate(world: &World, promotion: &Promotion, min: u32) -> RuleStatus {
    let blueprint = world
        .apps
        .get(&promotion.source_environment)
        .and_then(|a| a.get(&promotion.application))
        .map(|r| r.app.blueprint.name.clone())
        .unwrap_or_else(|| promotion.application.clone());
    let score = release_score(&blueprint, &promotion.to_version);
    let satisfied = score >= min;
    let detail = if satisfied {
        format!(
            "Release score of {blueprint} {} is {score}, meeting the gate of {min}.",
            promotion.to_version
        )
    } else {
        format!(
            "Release score of {blueprint} {} is {score}, below the gate of {min}: only a release scoring {min} or more can be promoted here.",
            promotion.to_version
        )
    };
    status(
        RuleKind::ReScoreGate,
        satisfied,
        detail,
        extra(json!({ "min_score": min, "score": score })),
    )
}

/// The release score (60–100) the sandbox gives a Blueprint version: a stable hash, so
/// the same release always scores the same.
pub fn release_score(blueprint: &str, version: &str) -> u32 {
    let h = fnv1a(format!("{blueprint}@{version}").as_bytes());
    60 + u32::try_from(h % 41).unwrap_or(0)
}

/// FNV-1a, for stable pseudo-random values derived from names.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Parses `24h`, `30m`, `1h30m`, `90s`, `2d`, `1w` (no sign, at least one part).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total = Duration::zero();
    let mut digits = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let part = match ch {
            'w' => Duration::try_weeks(n)?,
            'd' => Duration::try_days(n)?,
            'h' => Duration::try_hours(n)?,
            'm' => Duration::try_minutes(n)?,
            's' => Duration::try_seconds(n)?,
            _ => return None,
        };
        total = total.checked_add(&part)?;
    }
    digits.is_empty().then_some(total)
}

/// `3h 12m`, `2d 4h`, `45s`: the two largest units, for people.
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
