//! The audit view's filter form: `actor=… action=… target=… outcome=… ticket=… since=…
//! until=… org=… env=…`, parsed into [`AuditFilters`] with an error for people that
//! names what is wrong. Owns the parsing, the query the server is asked and the test a
//! record passes; pure (the time comes in as data), no I/O.
//!
//! The console API filters `org`, `env`, `actor`, `action`, `since` and `until` itself;
//! `target`, `outcome` and `ticket` it lacks, so they are applied to the rows here. Every
//! filter is also applied to the rows, so a live record is tested the same way.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

pub use crate::model::AuditFilters;
use crate::model::AuditOutcome;
use crate::views::Scope;
use crate::words;

/// How many records one page asks for.
pub const PAGE: u32 = 100;

/// The form's text that shows one Application's trail.
pub fn of_application(env: &str, app: &str) -> String {
    format!("target={env}/{app}")
}

/// Reads the form's text at `now` (relative times count back from it).
pub fn parse(text: &str, now: DateTime<Utc>) -> Result<AuditFilters, String> {
    let mut f = AuditFilters::default();
    let mut seen: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        let Some((key, value)) = word.split_once('=') else {
            return Err(words::audit_not_key_value(word));
        };
        let key = match key.to_ascii_lowercase().as_str() {
            "org" => "org",
            "env" | "environment" => "env",
            "actor" | "who" => "actor",
            "action" => "action",
            "target" => "target",
            "outcome" => "outcome",
            "ticket" | "support_ticket" => "ticket",
            "since" | "from" => "since",
            "until" | "to" => "until",
            _ => return Err(words::audit_unknown_key(key)),
        };
        if value.is_empty() {
            return Err(words::audit_empty_value(key));
        }
        if seen.contains(&key) {
            return Err(words::audit_twice(key));
        }
        seen.push(key);
        let value = value.to_string();
        match key {
            "org" => f.org = Some(value),
            "env" => f.env = Some(value),
            "actor" => f.actor = Some(value),
            "action" => f.action = Some(value),
            "target" => f.target = Some(value),
            "ticket" => f.ticket = Some(value),
            "outcome" => match value.parse::<AuditOutcome>() {
                Ok(o) if o != AuditOutcome::Unknown => f.outcome = Some(o),
                _ => return Err(words::audit_bad_outcome(&value)),
            },
            "since" => f.since = Some(time(key, &value, now)?),
            _ => f.until = Some(time(key, &value, now)?),
        }
    }
    if let (Some(s), Some(u)) = (f.since, f.until)
        && s >= u
    {
        return Err(words::AUDIT_SINCE_AFTER_UNTIL.to_string());
    }
    Ok(f)
}

/// `30m`, `2h`, `7d`, `2w` ago; `2026-11-01` (midnight UTC); or an RFC 3339 time.
fn time(key: &str, value: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let bad = || words::audit_bad_time(key, value);
    if let Some(unit) = value.chars().last()
        && let Some(n) = value.strip_suffix(unit).and_then(|n| n.parse::<i64>().ok())
    {
        let ago = match unit {
            's' => TimeDelta::try_seconds(n),
            'm' => TimeDelta::try_minutes(n),
            'h' => TimeDelta::try_hours(n),
            'd' => TimeDelta::try_days(n),
            'w' => TimeDelta::try_weeks(n),
            _ => None,
        };
        return ago
            .filter(|d| *d >= TimeDelta::zero())
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(bad);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(bad)
}

/// What the live subscription has to cover for the records `f` keeps.
pub fn scope(f: &AuditFilters) -> Scope {
    Scope {
        org: f.org.clone(),
        env: f.env.clone(),
    }
}
