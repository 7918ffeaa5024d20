//! The EnvironmentPolicy of a promotion explained rule by rule, and the refusals of a
//! review explained for people. Pure: no state, no drawing.

use crate::action::Action;
use crate::api::ApiError;
use crate::model::{Promotion, PromotionPolicy, RuleKind, RuleStatus};
use crate::words;

/// One rule as the detail shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLine {
    pub met: bool,
    pub label: &'static str,
    /// What is met, or what is still missing.
    pub text: String,
}

/// Every rule of `policy`, in the server's order. The server's sentence says what is met
/// or missing; where it has none, the rule's own members do (which team, how many more
/// approvals, how long the soak runs, when the window opens).
pub fn explain(policy: &PromotionPolicy) -> Vec<RuleLine> {
    policy
        .rules
        .iter()
        .map(|rule| RuleLine {
            met: rule.satisfied,
            label: words::rule_label(rule.kind),
            text: if rule.detail.trim().is_empty() {
                missing(rule, policy)
            } else {
                rule.detail.clone()
            },
        })
        .collect()
}

/// The one-line summary above the rules.
pub fn summary(policy: &PromotionPolicy) -> String {
    let met = policy.rules.iter().filter(|r| r.satisfied).count();
    words::policy_summary(
        met,
        policy.rules.len(),
        policy.required_approvals,
        &policy.approver_teams,
    )
}

fn number(rule: &RuleStatus, key: &str) -> Option<i64> {
    rule.extra.get(key).and_then(serde_json::Value::as_i64)
}

fn missing(rule: &RuleStatus, policy: &PromotionPolicy) -> String {
    if rule.satisfied {
        return "met".to_string();
    }
    let teams = words::team_list(&policy.approver_teams);
    match rule.kind {
        RuleKind::PrRequired => {
            let more = number(rule, "more_needed").unwrap_or(i64::from(policy.required_approvals));
            format!("{more} more approval(s) from {teams}")
        }
        RuleKind::Soak => match number(rule, "remaining_seconds") {
            Some(s) => format!("{}h {:02}m of soak left", s / 3600, (s % 3600) / 60),
            None => "still soaking".to_string(),
        },
        RuleKind::ChangeWindow => match rule.extra.get("opens_at").and_then(|v| v.as_str()) {
            Some(at) => format!("the window opens at {at}"),
            None => "outside the change window".to_string(),
        },
        RuleKind::ReScoreGate => match number(rule, "min_score") {
            Some(min) => format!("needs a score of at least {min}"),
            None => "the score is too low".to_string(),
        },
        RuleKind::Unknown => "not met".to_string(),
    }
}

/// Why a review was refused, for the operator. `action` is the decision that was sent.
pub fn explain_refusal(error: &ApiError, action: Action, promotion: Option<&Promotion>) -> String {
    let policy_teams = promotion
        .map(|p| p.policy.approver_teams.clone())
        .unwrap_or_default();
    match error {
        ApiError::Restricted { code, .. } if code == "self-approval-forbidden" => {
            words::self_approval(&policy_teams)
        }
        ApiError::Restricted { code, teams, .. } if code == "not-an-approver" => {
            let teams = if teams.is_empty() {
                &policy_teams
            } else {
                teams
            };
            words::not_an_approver(teams)
        }
        ApiError::Restricted { code, .. } if code == "support-mode-read-only" => {
            words::SUPPORT_MODE_HIDES.to_string()
        }
        ApiError::Conflict { code, .. } if code == "stale-revision" => {
            words::STALE_REVISION.to_string()
        }
        ApiError::Conflict { code, .. } if code == "promotion-not-open" => {
            let state = promotion
                .filter(|p| p.state != crate::model::PromotionState::Open)
                .map_or("no longer open", |p| p.state.as_str());
            words::promotion_not_open(state)
        }
        ApiError::Invalid { code, .. } if code == "comment-required" => {
            words::comment_required(action)
        }
        other => words::review_failed(other),
    }
}
