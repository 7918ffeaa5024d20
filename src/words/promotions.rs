//! Words of promotions: opening one, the inbox, the detail, reviews and the comment
//! editor (journey J4).

use crate::action::Action;
use crate::api::ApiError;

// Promotions (J4): opening one, the inbox, the detail, reviews and the comment editor.

pub const PROMOTE_TITLE: &str = "Promote";
pub const PROMOTE_IN_FLIGHT: &str = "The promotion is being opened; wait for the answer.";
pub const REVIEW_IN_FLIGHT: &str = "The review is being sent; wait for the answer.";
pub const REVIEW_PROD_TITLE: &str = "Review a production promotion";
pub const COMMENT_PLACEHOLDER: &str = "A comment for the author (optional)";
pub const COMMENT_PLACEHOLDER_REQUIRED: &str = "Say what must change (a comment is required)";
pub const COMMENT_DISCARD: &str = "Throw this comment away?";
pub const COMPOSE_SEND: &str = " send   ";
pub const COMPOSE_CANCEL: &str = " cancel";
pub const COMPOSE_NEXT_FIELD: &str = " next field   ";
pub const COMPOSE_CHOOSE: &str = " choose   ";
pub const COMPOSE_DISCARD_YES: &str = " throw it away   ";
pub const COMPOSE_DISCARD_NO: &str = " keep editing";
pub const STALE_REVISION: &str = "The promotion changed while you were writing; it has been read again. Your comment is kept: open the editor to send it again.";
pub const NO_REVIEWS: &str = "No reviews yet.";
pub const EMPTY_DIFF: &str = "This promotion changes no values or manifests.";
pub const INBOX_TITLE: &str = "Inbox";
pub const INBOX_OPEN_HINT: &str = "  (i to open)";
pub const INBOX_EMPTY: &str = "Nothing waits for you.";
pub const INBOX_EMPTY_NEXT: &str =
    "Promotions you may review and access requests appear here as they arrive.";
pub const INBOX_REVIEWS: &str = "Promotions awaiting my review";
pub const INBOX_NO_REVIEWS: &str = "No promotion awaits your review.";
pub const INBOX_ACCESS: &str = "Pending access requests";

/// The question before opening a promotion.
pub fn promote_question(app: &str, source: &str, target: &str, version: &str) -> String {
    format!(
        "Promote {app} {version} from {source} to {target}? This opens a pull request on {target} for its approvers."
    )
}

/// No higher Environment to promote to.
pub fn no_next_env(app: &str, env: &str) -> String {
    format!("{app} in {env} has nowhere to go: the Organization has no higher Environment.")
}

/// Opening a promotion was refused.
pub fn promote_failed(error: &ApiError) -> String {
    match error {
        ApiError::Conflict { code, .. } if code == "promotion-already-open" => format!(
            "A promotion of this Application to that Environment is already open: review it from the inbox. ({error})"
        ),
        _ => format!("The promotion was not opened: {error}"),
    }
}

/// The title of the comment editor.
pub fn review_title(action: Action, number: u64, app: &str, target: &str) -> String {
    let verb = match action {
        Action::RequestChanges => "Request changes on",
        Action::Reject => "Reject",
        _ => "Approve",
    };
    format!("{verb} promotion #{number} · {app} → {target}")
}

/// A decision needs a comment.
pub fn comment_required(action: Action) -> String {
    let what = match action {
        Action::RequestAccess => return super::ACCESS_REASON_REQUIRED.to_string(),
        Action::DenyAccess => return super::ACCESS_DENY_REQUIRED.to_string(),
        Action::Reject => "A rejection",
        _ => "A request for changes",
    };
    format!("{what} needs a comment: say what must change.")
}

/// The y/n question before a review of a production promotion.
pub fn review_prod_question(action: Action, app: &str, target: &str) -> String {
    let verb = match action {
        Action::RequestChanges => "Request changes on",
        Action::Reject => "Reject",
        _ => "Approve",
    };
    format!(
        "{verb} the promotion of {app} to {target}? It is a production Environment; an approval that meets the policy merges at once."
    )
}

/// The author tried to review their own promotion.
pub fn self_approval(teams: &[String]) -> String {
    format!(
        "You opened this promotion; someone of {} must approve it. Your comment is kept.",
        team_list(teams)
    )
}

/// A reviewer outside the approver teams.
pub fn not_an_approver(teams: &[String]) -> String {
    format!(
        "Only members of {} may review this promotion. Your comment is kept.",
        team_list(teams)
    )
}

/// A review of a promotion that is no longer open.
pub fn promotion_not_open(state: &str) -> String {
    format!("This promotion is {state}: it takes no more reviews.")
}

/// Any other refusal of a review.
pub fn review_failed(error: &ApiError) -> String {
    format!("The review was not sent: {error} Your comment is kept for another try.")
}

/// A review went through.
pub fn review_sent(action: Action, merged: bool) -> String {
    let what = match action {
        Action::RequestChanges => "Changes requested",
        Action::Reject => "Rejected",
        _ => "Approved",
    };
    if merged {
        format!("{what}: the policy is met and the promotion merged.")
    } else {
        format!("{what}.")
    }
}

/// What the policy needs, in one line.
pub fn policy_summary(met: usize, total: usize, approvals: u32, teams: &[String]) -> String {
    let plural = if approvals == 1 { "" } else { "s" };
    format!(
        "Policy: {met} of {total} rules met · {approvals} approval{plural} from {}",
        team_list(teams)
    )
}

/// A list of teams for a sentence (`team-a or team-b`).
pub fn team_list(teams: &[String]) -> String {
    match teams {
        [] => "the approver teams".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// How a rule kind reads.
pub fn rule_label(kind: crate::model::RuleKind) -> &'static str {
    use crate::model::RuleKind;
    match kind {
        RuleKind::PrRequired => "Approvals",
        RuleKind::Soak => "Soak",
        RuleKind::ChangeWindow => "Change window",
        RuleKind::ReScoreGate => "Re-score gate",
        RuleKind::Unknown => "Rule",
    }
}

/// A review's decision, as a past verb.
pub fn decision_word(decision: crate::model::ReviewDecision) -> &'static str {
    use crate::model::ReviewDecision;
    match decision {
        ReviewDecision::Approve => "approved",
        ReviewDecision::RequestChanges => "requested changes",
        ReviewDecision::Reject => "rejected",
        ReviewDecision::Unknown => "reviewed",
    }
}
