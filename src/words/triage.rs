//! Words of incident triage: the view's title, sections, columns, empty state, and what
//! a key says when the selected problem has nothing of that kind to open.

use crate::model::{Severity, TriageItem, TriageKind};

pub const TRIAGE_TITLE: &str = "Triage";
pub const TRIAGE_EMPTY: &str = "Nothing is broken or waiting anywhere you can see.";
pub const TRIAGE_EMPTY_NEXT: &str = "Failed, degraded or stuck Applications, failed provisioning runs, promotions waiting \
     more than a day and pending access requests appear here as they happen.";
pub const TRIAGE_WHAT: &str = "the triage list";
pub const TRIAGE_NOTHING_SELECTED: &str = "Select a problem first.";
pub const TRIAGE_HEADER: [&str; 6] = ["", "KIND", "WHERE", "TARGET", "SINCE", "WHY"];
pub const TRIAGE_SOVEREIGN: &str = "Sovereign";
/// What a Sovereign without the triage extension does not offer.
pub const TRIAGE_OFFERED: &str = "a cross-Organization triage list";

/// A kind of problem, short enough for a column.
pub fn triage_kind(kind: TriageKind) -> &'static str {
    match kind {
        TriageKind::ApplicationFailed => "failed",
        TriageKind::ApplicationDegraded => "degraded",
        TriageKind::OperationStuck => "stuck",
        TriageKind::ProvisioningFailed => "run failed",
        TriageKind::PromotionWaiting => "promotion",
        TriageKind::AccessPending => "access",
        TriageKind::Unknown => "unknown",
    }
}

/// The heading of a group of problems of one kind.
pub fn triage_group(kind: TriageKind, count: usize) -> String {
    let what = match kind {
        TriageKind::ApplicationFailed => "Failed Applications",
        TriageKind::ApplicationDegraded => "Degraded Applications",
        TriageKind::OperationStuck => "Stuck installs and updates",
        TriageKind::ProvisioningFailed => "Failed provisioning runs",
        TriageKind::PromotionWaiting => "Promotions waiting more than a day",
        TriageKind::AccessPending => "Access requests waiting",
        TriageKind::Unknown => "Other problems",
    };
    format!("{what} ({count})")
}

/// A severity as a short word (shown beside its colour, never colour alone).
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "CRIT",
        Severity::Warning => "WARN",
        Severity::Info => "INFO",
        Severity::Unknown => "?",
    }
}

/// The count line above the list.
pub fn triage_counts(critical: usize, warning: usize, info: usize, shown: usize) -> String {
    format!("{critical} critical · {warning} warning · {info} waiting · {shown} shown")
}

/// What a key says when the selected problem has no `what` to open.
pub fn triage_none(item: &TriageItem, what: &str) -> String {
    format!("{} has no {what} to open.", item.target)
}

pub const TRIAGE_NO_OPERATION: &str = "operation log";
pub const TRIAGE_NO_APPLICATION: &str = "Application";
pub const TRIAGE_NO_PROMOTION: &str = "promotion";
pub const TRIAGE_NO_RUN: &str = "provisioning run";
pub const TRIAGE_NO_ENVIRONMENT: &str = "Environment";
