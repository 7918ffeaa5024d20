//! The words of the audit view: its title, columns, notes, the filter form's help and
//! its errors, and what an export says.

pub const AUDIT_TITLE: &str = "Audit";
pub const AUDIT_RECORDS: &str = "audit records";
pub const AUDIT_NO_FILTERS: &str = "All records.";
pub const AUDIT_FILTERS: &str = "Filters:";
pub const AUDIT_EDIT_HINT: &str = "f edits the filters";
pub const AUDIT_RBAC_ONLY: &str =
    "This Sovereign speaks catalyst-api: its audit holds RBAC changes only (grants and tiers).";
pub const AUDIT_EMPTY: &str = "No audit records yet.";
pub const AUDIT_EMPTY_NEXT: &str =
    "Every change and every support-mode read lands here; new records appear live.";
pub const AUDIT_NONE_MATCH: &str = "No loaded record passes the filters.";
pub const AUDIT_NONE_MATCH_NEXT: &str =
    "Press f to change the filters, m to load older records, or Esc to clear the / filter.";
pub const AUDIT_FORM_TITLE: &str = "Audit filters";
pub const AUDIT_FORM_PLACEHOLDER: &str = "actor=omar action=promotion target=digital-channels-prod \
     outcome=denied ticket=SUP-1234 since=2h until=2026-11-22 (Ctrl-S applies, empty shows all)";
pub const AUDIT_SINCE_AFTER_UNTIL: &str = "since must come before until.";
pub const AUDIT_NOTHING_TO_EXPORT: &str = "No record passes the filters: nothing to export.";
pub const AUDIT_MORE_IN_FLIGHT: &str = "Older records are being read.";
pub const AUDIT_AT_START: &str = "This is the start of the trail: there are no older records.";
pub const AUDIT_LOADING_OLDER: &str = "Loading older records…";
pub const AUDIT_OLDER: &str = "m loads older records";
pub const AUDIT_START: &str = "start of the trail";
pub const AUDIT_COLUMNS: [&str; 8] = [
    "TIME", "ACTOR", "ROLES", "TICKET", "ACTION", "TARGET", "OUTCOME", "REASON",
];
pub const AUDIT_REQUEST: &str = "request";
pub const AUDIT_NO_TICKET: &str = "—";

/// A word of the form that is not `key=value`.
pub fn audit_not_key_value(word: &str) -> String {
    format!(
        "\u{201c}{word}\u{201d} is not key=value: use actor=, action=, target=, outcome=, ticket=, since=, until=, org= or env=."
    )
}

/// A key the form does not know.
pub fn audit_unknown_key(key: &str) -> String {
    format!(
        "There is no filter \u{201c}{key}\u{201d}: use actor, action, target, outcome, ticket, since, until, org or env."
    )
}

/// A key without a value.
pub fn audit_empty_value(key: &str) -> String {
    format!("{key}= needs a value.")
}

/// A key given twice.
pub fn audit_twice(key: &str) -> String {
    format!("{key} is given twice.")
}

/// An outcome that is not one.
pub fn audit_bad_outcome(value: &str) -> String {
    format!("outcome \u{201c}{value}\u{201d} is not one: use success, denied or error.")
}

/// A time that could not be read.
pub fn audit_bad_time(key: &str, value: &str) -> String {
    format!(
        "{key} \u{201c}{value}\u{201d} is not a time: use 30m, 2h, 7d (ago), 2026-11-01 or 2026-11-01T08:00:00Z."
    )
}

/// The filters as applied, for the line above the table.
pub fn audit_filters_line(text: &str) -> String {
    format!("{AUDIT_FILTERS} {text}")
}

/// How many records are shown of how many loaded.
pub fn audit_count(shown: usize, loaded: usize) -> String {
    if shown == loaded {
        format!("{loaded} loaded")
    } else {
        format!("{shown} of {loaded} loaded")
    }
}

/// The file an export goes to, the name before the runner makes it unique.
pub fn audit_export_name(stamp: &str) -> String {
    format!("catalyst-audit-{stamp}.ndjson")
}

/// An export that wrote some lines but not all.
pub fn audit_export_partial(path: &str, lines: usize, skipped: usize, cut: Option<&str>) -> String {
    let mut s = crate::words::log_saved(path, lines);
    if skipped > 0 {
        s.push_str(&format!(" {skipped} unreadable record(s) left out."));
    }
    if let Some(why) = cut {
        s.push_str(&format!(" The export stopped: {why}"));
    }
    s
}
