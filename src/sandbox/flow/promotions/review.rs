//! Reviews in the contract's order of checks, and the merge that follows once every
//! rule of the target Environment is met (right after an approval, or later when time
//! meets a soak or a change window).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::policy::{self, all_satisfied};
use super::super::{Audited, audited, publish_app, short_commit, system_caller};
use super::{NOT_INSTALLED, not_found};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::events::EventBus;
use crate::sandbox::store::World;

impl World {
    /// Merges an open promotion: the target takes the source's values and version and
    /// goes `updating` (or `installing`) under a new operation. False when not open.
    pub fn merge_promotion(&mut self, bus: &EventBus, id: &str, now: DateTime<Utc>) -> bool {
        let Some(p) = self.promotions.get(id).cloned() else {
            return false;
        };
        if p.state != PromotionState::Open {
            return false;
        }
        let policy = policy::evaluate(self, &p, now);
        let values = self
            .apps
            .get(&p.source_environment)
            .and_then(|m| m.get(&p.application))
            .map(|r| r.values.clone());
        let install = p.from_version == NOT_INSTALLED;
        let target_exists = self
            .apps
            .get(&p.target_environment)
            .is_some_and(|m| m.contains_key(&p.application));
        let op = target_exists.then(|| {
            self.start_operation(
                &p.target_environment,
                &p.application,
                if install { "install" } else { "update" },
            )
        });
        if let Some(rec) = self
            .apps
            .get_mut(&p.target_environment)
            .and_then(|m| m.get_mut(&p.application))
        {
            if let Some(v) = values {
                rec.values = v;
            }
            rec.app.blueprint.version = p.to_version.clone();
            rec.app.status = if install {
                AppStatus::Installing
            } else {
                AppStatus::Updating
            };
            rec.app.status_detail = format!(
                "{} {} (merged {}#{})",
                if install { "Installing" } else { "Updating to" },
                p.to_version,
                p.pr.repo,
                p.pr.number
            );
            rec.app.pending_promotion = None;
            rec.app.operation_id = op;
            rec.app.progress = Some(Progress {
                percent: 0,
                step: "queued".into(),
            });
            rec.app.revision += 1;
            rec.history.push(DeployRecord {
                at: now,
                actor: p.created_by.clone(),
                version: p.to_version.clone(),
                commit: short_commit(&format!("{}:{}", p.id, p.to_version)),
                outcome: DeployOutcome::InProgress,
            });
            publish_app(bus, rec);
        }
        let merged = {
            let Some(stored) = self.promotions.get_mut(id) else {
                return false;
            };
            stored.state = PromotionState::Merged;
            stored.policy = policy;
            stored.revision += 1;
            stored.clone()
        };
        bus.publish(
            &merged.org,
            Some(&merged.target_environment),
            LiveEvent::PromotionUpdated(Box::new(merged.clone())),
        );
        let _ = audited::<()>(
            self,
            bus,
            &system_caller(),
            Audited {
                org: Some(merged.org.clone()),
                action: "promotion.merge",
                target: format!("{}/{}", merged.target_environment, merged.application),
                reason: Some(format!(
                    "every rule of {} is met: {} → {}",
                    merged.target_environment, merged.from_version, merged.to_version
                )),
            },
            Ok(()),
        );
        true
    }

    /// Re-evaluates every open promotion at `now`: merges those whose rules are all met
    /// and announces those whose set of met rules changed. Returns the merged ids.
    pub fn settle_promotions(&mut self, bus: &EventBus, now: DateTime<Utc>) -> Vec<String> {
        let open: Vec<String> = self
            .promotions
            .values()
            .filter(|p| p.state == PromotionState::Open)
            .map(|p| p.id.clone())
            .collect();
        let mut merged = Vec::new();
        for id in open {
            let Some(p) = self.promotions.get(&id) else {
                continue;
            };
            let fresh = policy::evaluate(self, p, now);
            if all_satisfied(&fresh) {
                if self.merge_promotion(bus, &id, now) {
                    merged.push(id);
                }
                continue;
            }
            let met =
                |pol: &PromotionPolicy| pol.rules.iter().map(|r| r.satisfied).collect::<Vec<_>>();
            if met(&fresh) != met(&p.policy)
                && let Some(stored) = self.promotions.get_mut(&id)
            {
                // What the reviewers judge (diff, reviews, state) is unchanged, so the
                // revision stays: only the evaluation moved.
                stored.policy = fresh;
                bus.publish(
                    &stored.org,
                    Some(&stored.target_environment),
                    LiveEvent::PromotionUpdated(Box::new(stored.clone())),
                );
            }
        }
        merged
    }

    /// `POST /api/v1/promotions/{id}/reviews`.
    pub fn review_promotion(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        req: &CreateReview,
        now: DateTime<Utc>,
    ) -> Result<Promotion, ApiError> {
        let what = Audited {
            org: self.promotions.get(id).map(|p| p.org.clone()),
            action: "promotion.review",
            target: self
                .promotions
                .get(id)
                .map(|p| format!("{}/{}", p.target_environment, p.application))
                .unwrap_or_else(|| id.to_string()),
            reason: Some(if req.comment.trim().is_empty() {
                req.decision.to_string()
            } else {
                format!("{}: {}", req.decision, req.comment.trim())
            }),
        };
        let result = self.review_checked(bus, caller, id, req, now);
        if audited(self, bus, caller, what, result)? {
            self.merge_promotion(bus, id, now);
        }
        self.promotion_view(caller, id, now)
    }

    /// Records the review; answers whether the promotion may now merge.
    fn review_checked(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        req: &CreateReview,
        now: DateTime<Utc>,
    ) -> Result<bool, ApiError> {
        caller.require_mutation()?;
        let p = self
            .promotions
            .get(id)
            .filter(|p| caller.can_read_org(&p.org))
            .ok_or_else(|| not_found(&format!("promotion {id}")))?;
        if p.state != PromotionState::Open {
            let mut e = ApiError::conflict(
                "promotion-not-open",
                format!("promotion {id} is {} and takes no more reviews", p.state),
            );
            e.body.state = Some(json!(p.state));
            e.body.revision = Some(p.revision);
            return Err(e);
        }
        if req.revision != p.revision {
            let mut e = ApiError::conflict(
                "stale-revision",
                format!(
                    "promotion {id} changed since you loaded it (revision {} now, you sent {}); reload and review again",
                    p.revision, req.revision
                ),
            );
            e.body.state = Some(json!(p.state));
            e.body.revision = Some(p.revision);
            return Err(e);
        }
        match req.decision {
            ReviewDecision::Approve => {}
            ReviewDecision::RequestChanges | ReviewDecision::Reject => {
                if req.comment.trim().is_empty() {
                    return Err(ApiError::invalid(
                        "comment-required",
                        format!("{} needs a comment saying why", req.decision),
                        vec![FieldError {
                            path: "comment".into(),
                            message: "required for request-changes and reject".into(),
                        }],
                    ));
                }
            }
            ReviewDecision::Unknown => {
                return Err(ApiError::invalid(
                    "invalid",
                    "decision must be approve, request-changes or reject",
                    vec![FieldError {
                        path: "decision".into(),
                        message: "unknown decision".into(),
                    }],
                ));
            }
        }
        if p.created_by == caller.persona {
            return Err(ApiError::forbidden(
                "self-approval-forbidden",
                "a reviewer other than the author",
                "you opened this promotion, so someone else must review it",
            ));
        }
        if !self.is_reviewer(caller, p) {
            let teams = self.reviewer_teams(p);
            let who = if teams.is_empty() {
                format!("an org-admin of {}", p.org)
            } else {
                format!("a member of {}", teams.join(" or "))
            };
            let mut e = ApiError::forbidden(
                "not-an-approver",
                who.clone(),
                format!(
                    "promotions to {} are reviewed by {who}",
                    p.target_environment
                ),
            );
            e.body.teams = teams;
            return Err(e);
        }

        let review = Review {
            actor: caller.persona.clone(),
            teams: caller.me.teams.clone(),
            decision: req.decision,
            comment: req.comment.trim().to_string(),
            at: now,
        };
        let snapshot = {
            let Some(stored) = self.promotions.get_mut(id) else {
                return Err(not_found(&format!("promotion {id}")));
            };
            stored.reviews.push(review);
            stored.revision += 1;
            if req.decision == ReviewDecision::Reject {
                stored.state = PromotionState::Rejected;
            }
            stored.clone()
        };
        let fresh = policy::evaluate(self, &snapshot, now);
        if snapshot.state == PromotionState::Rejected {
            self.restore_target(bus, &snapshot);
        }
        let merge = snapshot.state == PromotionState::Open
            && req.decision == ReviewDecision::Approve
            && all_satisfied(&fresh);
        if let Some(stored) = self.promotions.get_mut(id) {
            stored.policy = fresh;
            bus.publish(
                &stored.org,
                Some(&stored.target_environment),
                LiveEvent::PromotionUpdated(Box::new(stored.clone())),
            );
        }
        Ok(merge)
    }
}
