//! Promotions: opening one (a pull request on the target Environment's repository, the
//! target card turning `pending-approval`), reading them with their policy evaluated at
//! read time, and putting the target back when one is rejected. Reviews and the merge
//! that starts the target's update once every rule is met are in `review`.
//!
//! Must not advance operations (the simulation does) nor evaluate rules itself
//! (`policy` does).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::policy::{self, all_satisfied, approver_teams};
use super::{Audited, audited, paginate, publish_app};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::events::EventBus;
use crate::sandbox::store::World;

/// `from_version` of a promotion whose Application was not installed on the target.
pub const NOT_INSTALLED: &str = "none";

fn not_found(what: &str) -> ApiError {
    ApiError::not_found(format!("{what} does not exist or is not visible to you"))
}

fn invalid_target(detail: String) -> ApiError {
    ApiError::invalid(
        "invalid",
        detail.clone(),
        vec![FieldError {
            path: "target_environment".into(),
            message: detail,
        }],
    )
}

/// May open promotions in `org`.
fn may_promote(caller: &Caller, org: &str) -> bool {
    caller.is_sovereign_admin()
        || caller.has_org_role(RoleName::OrgDeveloper, org)
        || caller.has_org_role(RoleName::OrgAdmin, org)
}

/// The document a promotion changes on the target: Blueprint, version, then values as
/// YAML (an Application not installed yet is an empty document).
fn values_doc(blueprint: &str, version: &str, values: &Value) -> String {
    if version == NOT_INSTALLED {
        return String::new();
    }
    let mut doc = format!("blueprint: {blueprint}\nversion: {version}\n");
    match values {
        Value::Object(m) if !m.is_empty() => {
            let yaml = serde_saphyr::to_string(values).unwrap_or_else(|_| format!("{values:#}"));
            doc.push_str("values:\n");
            for line in yaml.lines() {
                doc.push_str("  ");
                doc.push_str(line);
                doc.push('\n');
            }
        }
        _ => doc.push_str("values: {}\n"),
    }
    doc
}

/// The unified diff of what the target would change: Blueprint version and values.
pub fn values_diff(
    target_env: &str,
    app: &str,
    blueprint: &str,
    from: (&str, &Value),
    to: (&str, &Value),
) -> String {
    let old = values_doc(blueprint, from.0, from.1);
    let new = values_doc(blueprint, to.0, to.1);
    let path = format!("{target_env}/{app}/values.yaml");
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

impl World {
    /// `POST /api/v1/environments/{env}/applications/{app}/promotions`.
    pub fn create_promotion(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        env: &str,
        app: &str,
        req: &CreatePromotion,
        now: DateTime<Utc>,
    ) -> Result<Promotion, ApiError> {
        let what = Audited {
            org: self.environments.get(env).map(|e| e.env.org.clone()),
            action: "promotion.create",
            target: format!("{}/{app}", req.target_environment),
            reason: Some(format!("from {env}")),
        };
        let result = self.create_promotion_checked(bus, caller, env, app, req, now);
        let (id, ready) = audited(self, bus, caller, what, result)?;
        if ready {
            self.merge_promotion(bus, &id, now);
        }
        self.promotion_view(caller, &id, now)
    }

    /// Opens the promotion; answers its id and whether it may merge at once.
    fn create_promotion_checked(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        env: &str,
        app: &str,
        req: &CreatePromotion,
        now: DateTime<Utc>,
    ) -> Result<(String, bool), ApiError> {
        caller.require_mutation()?;
        let source_env = self
            .environments
            .get(env)
            .filter(|e| caller.can_read_org(&e.env.org))
            .ok_or_else(|| not_found(&format!("Environment {env}")))?;
        let org = source_env.env.org.clone();
        if !may_promote(caller, &org) {
            return Err(caller.forbidden(
                &format!("org-developer or org-admin of {org}"),
                format!("only developers and admins of {org} may open promotions"),
            ));
        }
        let source = self
            .apps
            .get(env)
            .and_then(|m| m.get(app))
            .ok_or_else(|| not_found(&format!("Application {app} in {env}")))?;
        let target_name = req.target_environment.as_str();
        let target_env = self
            .environments
            .get(target_name)
            .filter(|t| t.env.org == org && t.env.name != env)
            .ok_or_else(|| {
                invalid_target(format!("{target_name} is not another Environment of {org}"))
            })?;
        let (from, to) = (source_env.env.env_type, target_env.env.env_type);
        if to.rank() <= from.rank() {
            return Err(invalid_target(format!(
                "{target_name} ({to}) is not above {env} ({from}): promotions go poc → dev → stg → uat → prod"
            )));
        }
        if let Some(open) = self.promotions.values().find(|p| {
            p.state == PromotionState::Open
                && p.application == app
                && p.target_environment == target_name
        }) {
            let mut e = ApiError::conflict(
                "promotion-already-open",
                format!(
                    "promotion {} of {app} to {target_name} is still open; review or close it first",
                    open.id
                ),
            );
            e.body.state = Some(json!({ "id": open.id, "state": open.state }));
            e.body.revision = Some(open.revision);
            return Err(e);
        }
        let target = self.apps.get(target_name).and_then(|m| m.get(app));
        if let Some(t) = target.filter(|t| t.app.status.in_progress()) {
            let mut e = ApiError::conflict(
                "operation-in-progress",
                format!(
                    "{app} in {target_name} is {} right now; promote once it has finished",
                    t.app.status.label().to_lowercase()
                ),
            );
            e.body.state = Some(json!(t.app.status));
            e.body.revision = Some(t.app.revision);
            return Err(e);
        }

        let to_version = source.app.blueprint.version.clone();
        let blueprint = source.app.blueprint.name.clone();
        let (from_version, from_values) = match target {
            Some(t) => (t.app.blueprint.version.clone(), t.values.clone()),
            None => (NOT_INSTALLED.to_string(), Value::Null),
        };
        let diff = values_diff(
            target_name,
            app,
            &blueprint,
            (&from_version, &from_values),
            (&to_version, &source.values),
        );
        // `owner/name` like the seeded pull requests, numbered after every earlier one on
        // the target's repository (seeded ones included).
        let repo = format!("{org}/{target_name}");
        let number = self
            .promotions
            .values()
            .filter(|p| p.target_environment == target_name)
            .map(|p| p.pr.number)
            .max()
            .unwrap_or(0)
            + 1;
        let url = format!(
            "{}/pulls/{number}",
            target_env.env.git_repo.trim_end_matches(".git")
        );
        let id = self.new_id("pr");
        let mut promotion = Promotion {
            id: id.clone(),
            org: org.clone(),
            application: app.to_string(),
            source_environment: env.to_string(),
            target_environment: target_name.to_string(),
            from_version,
            to_version: to_version.clone(),
            state: PromotionState::Open,
            created_by: caller.persona.clone(),
            created_at: now,
            pr: PullRequest { repo, number, url },
            diff,
            policy: PromotionPolicy {
                rules: Vec::new(),
                required_approvals: 0,
                approver_teams: Vec::new(),
            },
            reviews: Vec::new(),
            revision: 1,
        };
        promotion.policy = policy::evaluate(self, &promotion, now);
        self.promotions.insert(id.clone(), promotion.clone());
        self.mark_target_pending(bus, &promotion, now);
        bus.publish(
            &org,
            Some(target_name),
            LiveEvent::PromotionUpdated(Box::new(promotion.clone())),
        );
        Ok((id, all_satisfied(&promotion.policy)))
    }

    /// Turns the target card `pending-approval`, installing a placeholder when the
    /// Application is not on the target yet.
    fn mark_target_pending(&mut self, bus: &EventBus, p: &Promotion, now: DateTime<Utc>) {
        let pending = PendingPromotion {
            id: p.id.clone(),
            source_environment: p.source_environment.clone(),
            to_version: p.to_version.clone(),
        };
        if !self
            .apps
            .get(&p.target_environment)
            .is_some_and(|m| m.contains_key(&p.application))
        {
            let Some(mut rec) = self
                .apps
                .get(&p.source_environment)
                .and_then(|m| m.get(&p.application))
                .cloned()
            else {
                return;
            };
            let regions = self
                .environments
                .get(&p.target_environment)
                .map(|e| e.env.regions.clone())
                .unwrap_or_default();
            rec.app.environment = p.target_environment.clone();
            rec.app.endpoint = None;
            rec.app.pods = Pods::default();
            rec.app.progress = None;
            rec.app.operation_id = None;
            rec.app.revision = 0;
            if !regions.is_empty() {
                rec.app.placement.regions = regions;
            }
            rec.app.last_deploy = LastDeploy {
                at: now,
                actor: p.created_by.clone(),
                version: p.to_version.clone(),
                commit: String::new(),
            };
            rec.pods.clear();
            rec.history.clear();
            rec.secrets.clear();
            self.apps
                .entry(p.target_environment.clone())
                .or_default()
                .insert(p.application.clone(), rec);
        }
        if let Some(rec) = self
            .apps
            .get_mut(&p.target_environment)
            .and_then(|m| m.get_mut(&p.application))
        {
            rec.app.status = AppStatus::PendingApproval;
            rec.app.status_detail = format!(
                "Promotion of {} from {} awaits approval ({}#{})",
                p.to_version, p.source_environment, p.pr.repo, p.pr.number
            );
            rec.app.pending_promotion = Some(pending);
            rec.app.revision += 1;
            publish_app(bus, rec);
        }
    }

    /// Puts the target back as it was before `p` opened: a placeholder installed by the
    /// promotion is removed; otherwise the status follows the pods and the last deploy.
    fn restore_target(&mut self, bus: &EventBus, p: &Promotion) {
        let Some(apps) = self.apps.get_mut(&p.target_environment) else {
            return;
        };
        if p.from_version == NOT_INSTALLED {
            if apps.remove(&p.application).is_some() {
                bus.publish(
                    &p.org,
                    Some(&p.target_environment),
                    LiveEvent::ApplicationRemoved(ApplicationRemoved {
                        environment: p.target_environment.clone(),
                        name: p.application.clone(),
                    }),
                );
            }
            return;
        }
        let Some(rec) = apps.get_mut(&p.application) else {
            return;
        };
        if rec
            .app
            .pending_promotion
            .as_ref()
            .is_none_or(|pp| pp.id != p.id)
        {
            return;
        }
        let failed = rec
            .history
            .last()
            .is_some_and(|d| d.outcome == DeployOutcome::Failed);
        rec.app.status = if failed {
            AppStatus::Failed
        } else if rec.app.pods.ready < rec.app.pods.total {
            AppStatus::Degraded
        } else {
            AppStatus::Running
        };
        rec.app.status_detail.clear();
        rec.app.pending_promotion = None;
        rec.app.revision += 1;
        publish_app(bus, rec);
    }

    /// `GET /api/v1/promotions/{id}`: open promotions carry their policy as it stands now.
    pub fn promotion_view(
        &self,
        caller: &Caller,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Promotion, ApiError> {
        let p = self
            .promotions
            .get(id)
            .filter(|p| caller.can_read_org(&p.org))
            .ok_or_else(|| not_found(&format!("promotion {id}")))?;
        Ok(self.with_live_policy(p, now))
    }

    fn with_live_policy(&self, p: &Promotion, now: DateTime<Utc>) -> Promotion {
        let mut p = p.clone();
        if p.state == PromotionState::Open {
            p.policy = policy::evaluate(self, &p, now);
        }
        p
    }

    /// True when `caller` may review `p` and has not approved it yet.
    pub fn awaits(&self, caller: &Caller, p: &Promotion) -> bool {
        p.state == PromotionState::Open
            && p.created_by != caller.persona
            && self.is_reviewer(caller, p)
            && p.reviews
                .iter()
                .rev()
                .find(|r| r.actor == caller.persona)
                .is_none_or(|r| r.decision != ReviewDecision::Approve)
    }

    fn is_reviewer(&self, caller: &Caller, p: &Promotion) -> bool {
        let teams = self.reviewer_teams(p);
        if teams.is_empty() {
            caller.is_sovereign_admin() || caller.has_org_role(RoleName::OrgAdmin, &p.org)
        } else {
            teams.iter().any(|t| caller.in_team(t))
        }
    }

    fn reviewer_teams(&self, p: &Promotion) -> Vec<String> {
        self.environments
            .get(&p.target_environment)
            .map(|e| approver_teams(&e.policy.rules))
            .unwrap_or_default()
    }

    /// `GET /api/v1/promotions?org=&state=&awaiting_me=`, newest first.
    pub fn list_promotions(
        &self,
        caller: &Caller,
        q: &PromotionQuery,
        now: DateTime<Utc>,
    ) -> Result<Page<Promotion>, ApiError> {
        if let Some(org) = q.org.as_deref()
            && !caller.can_read_org(org)
        {
            return Err(caller.forbidden(
                &format!("a role in {org}"),
                format!("you have no role in {org}"),
            ));
        }
        let mut items: Vec<&Promotion> = self
            .promotions
            .values()
            .filter(|p| caller.can_read_org(&p.org))
            .filter(|p| q.org.as_deref().is_none_or(|o| o == p.org))
            .filter(|p| q.state.is_none_or(|s| s == p.state))
            .filter(|p| !q.awaiting_me.unwrap_or(false) || self.awaits(caller, p))
            .collect();
        items.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let page = paginate(items, |p| p.id.as_str(), q.cursor.as_deref(), q.limit)?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|p| self.with_live_policy(p, now))
                .collect(),
            next_cursor: page.next_cursor,
        })
    }
}

mod review;
#[cfg(test)]
mod tests;
