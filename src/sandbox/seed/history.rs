//! The seeded past: promotions (open ones mark their target Application pending
//! approval), access requests and the audit log. A promotion's `policy` is stored as a
//! placeholder (required approvals and approver teams of the target's policy, no rule
//! statuses): evaluating rules belongs to the promotion flow.

use chrono::TimeDelta;

use super::files::SovereignFile;
use super::parse_ago;
use crate::model::*;
use crate::sandbox::store::{SovereignProfile, World, promotion_diff};

/// The pull request of a promotion on the target Environment's repository.
pub fn pull_request(
    profile: &SovereignProfile,
    org: &str,
    target_env: &str,
    number: u64,
) -> PullRequest {
    PullRequest {
        repo: format!("{org}/{target_env}"),
        number,
        url: format!(
            "https://gitea.{}.{}/{org}/{target_env}/pulls/{number}",
            profile.location, profile.domain
        ),
    }
}

/// A promotion policy before evaluation: what the target's `pr-required` rule asks,
/// with no rule statuses.
pub fn placeholder_policy(policy: &EnvironmentPolicy) -> PromotionPolicy {
    let (required_approvals, approver_teams) = policy
        .rules
        .iter()
        .find_map(|r| match r {
            PolicyRule::PrRequired {
                approvers,
                min_approvals,
            } => Some((*min_approvals, approvers.clone())),
            _ => None,
        })
        .unwrap_or((0, Vec::new()));
    PromotionPolicy {
        rules: Vec::new(),
        required_approvals,
        approver_teams,
    }
}

pub(super) fn add(world: &mut World, seed: &SovereignFile, now: Timestamp) -> Result<(), String> {
    promotions(world, seed, now)?;
    access_requests(world, seed, now)?;
    audit(world, seed, now)
}

fn teams_of(world: &World, persona: &str) -> Result<Vec<String>, String> {
    world
        .personas
        .get(persona)
        .map(|p| p.me.teams.clone())
        .ok_or_else(|| format!("unknown persona {persona}"))
}

fn promotions(world: &mut World, seed: &SovereignFile, now: Timestamp) -> Result<(), String> {
    for ps in &seed.promotions {
        let what = format!("promotion {}", ps.id);
        let target = world
            .environments
            .get(&ps.target)
            .ok_or_else(|| format!("{what}: unknown target {}", ps.target))?;
        let org = target.env.org.clone();
        if world.org_of_env(&ps.source) != Some(org.as_str()) {
            return Err(format!(
                "{what}: {} is not an Environment of {org}",
                ps.source
            ));
        }
        teams_of(world, &ps.created_by)?;
        let reviews = ps
            .reviews
            .iter()
            .map(|r| {
                Ok(Review {
                    actor: r.actor.clone(),
                    teams: teams_of(world, &r.actor)?,
                    decision: r.decision,
                    comment: r.comment.clone(),
                    at: now - parse_ago(&r.ago)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let values = |env: &str| {
            world
                .app(env, &ps.application)
                .map(|a| a.values.clone())
                .unwrap_or_else(|| serde_json::json!({}))
        };
        let promotion = Promotion {
            id: ps.id.clone(),
            org: org.clone(),
            application: ps.application.clone(),
            source_environment: ps.source.clone(),
            target_environment: ps.target.clone(),
            from_version: ps.from_version.clone(),
            to_version: ps.to_version.clone(),
            state: ps.state,
            created_by: ps.created_by.clone(),
            created_at: now - parse_ago(&ps.ago)?,
            pr: pull_request(&world.sovereign, &org, &ps.target, ps.number),
            diff: promotion_diff(
                &ps.application,
                &ps.target,
                &ps.from_version,
                &ps.to_version,
                &values(&ps.target),
                &values(&ps.source),
            ),
            policy: placeholder_policy(&target.policy),
            revision: 1 + reviews.len() as u64,
            reviews,
        };
        if ps.state == PromotionState::Open {
            let app = world
                .app_mut(&ps.target, &ps.application)
                .ok_or_else(|| format!("{what}: no {} in {}", ps.application, ps.target))?;
            if app.app.status != AppStatus::PendingApproval {
                return Err(format!(
                    "{what}: the target Application should be pending-approval while it is open"
                ));
            }
            app.app.pending_promotion = Some(PendingPromotion {
                id: ps.id.clone(),
                source_environment: ps.source.clone(),
                to_version: ps.to_version.clone(),
            });
        }
        world.promotions.insert(ps.id.clone(), promotion);
    }
    Ok(())
}

fn access_requests(world: &mut World, seed: &SovereignFile, now: Timestamp) -> Result<(), String> {
    for a in &seed.access_requests {
        if !world.environments.contains_key(&a.environment) {
            return Err(format!(
                "access request {}: unknown {}",
                a.id, a.environment
            ));
        }
        teams_of(world, &a.requester)?;
        let requested_at = now - parse_ago(&a.ago)?;
        let granted_at = match a.state {
            AccessState::Granted | AccessState::Expired | AccessState::Revoked => {
                Some(requested_at + TimeDelta::minutes(1))
            }
            _ => None,
        };
        let auto = a.state == AccessState::Granted && a.decided_by.is_none();
        world.access_requests.insert(
            a.id.clone(),
            AccessRequest {
                id: a.id.clone(),
                environment: a.environment.clone(),
                requester: a.requester.clone(),
                access: a.access,
                reason: a.reason.clone(),
                duration_minutes: a.minutes,
                state: a.state,
                requested_at,
                granted_at: if auto { Some(requested_at) } else { granted_at },
                expires_at: granted_at.map(|g| g + TimeDelta::minutes(i64::from(a.minutes))),
                decided_by: a.decided_by.clone(),
                decision_comment: if auto {
                    Some(format!(
                        "granted at once by the access policy of {}",
                        a.environment
                    ))
                } else {
                    a.comment.clone()
                },
            },
        );
    }
    Ok(())
}

fn audit(world: &mut World, seed: &SovereignFile, now: Timestamp) -> Result<(), String> {
    let mut entries = seed
        .audit
        .iter()
        .map(|a| Ok((now - parse_ago(&a.ago)?, a)))
        .collect::<Result<Vec<_>, String>>()?;
    entries.sort_by_key(|(at, _)| *at);
    for (i, (at, a)) in entries.into_iter().enumerate() {
        let roles = world
            .personas
            .get(&a.actor)
            .map(|p| p.me.roles.iter().map(|b| b.role).collect())
            .ok_or_else(|| format!("audit: unknown actor {}", a.actor))?;
        let id = world.new_id("au");
        world.audit.push(AuditRecord {
            id,
            at,
            actor: a.actor.clone(),
            roles,
            support_ticket: a.support_ticket.clone(),
            action: a.action.clone(),
            target: a.target.clone(),
            reason: a.reason.clone(),
            outcome: a.outcome,
            request_id: format!("req-seed-{:04}", i + 1),
        });
    }
    Ok(())
}
