//! The audit view's filter form: `actor=… action=… target=… outcome=… ticket=… since=…
//! until=… org=… env=…`, parsed into [`AuditFilters`] with an error for people that
//! names what is wrong. Owns the parsing, the query the server is asked and the test a
//! record passes; pure (the time comes in as data), no I/O.
//!
//! The console API filters `org`, `env`, `actor`, `action`, `since` and `until` itself;
//! `target`, `outcome` and `ticket` it lacks, so they are applied to the rows here. Every
//! filter is also applied to the rows, so a live record is tested the same way.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

use crate::model::{AuditOutcome, AuditQuery, AuditRecord};
use crate::views::Scope;
use crate::words;

/// How many records one page asks for.
pub const PAGE: u32 = 100;

/// The filters applied to the trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilters {
    pub org: Option<String>,
    pub env: Option<String>,
    pub actor: Option<String>,
    /// A dotted verb or its head (`promotion` matches `promotion.review`).
    pub action: Option<String>,
    /// Part of the target, or its segments in order (`env/app` matches
    /// `/api/v1/environments/env/applications/app`).
    pub target: Option<String>,
    pub outcome: Option<AuditOutcome>,
    pub ticket: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

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

fn stamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl AuditFilters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == AuditFilters::default()
    }

    /// The filters as the form's text (times in full).
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        };
        put("actor", self.actor.clone());
        put("action", self.action.clone());
        put("target", self.target.clone());
        put("outcome", self.outcome.map(|o| o.as_str().to_string()));
        put("ticket", self.ticket.clone());
        put("since", self.since.as_ref().map(stamp));
        put("until", self.until.as_ref().map(stamp));
        put("org", self.org.clone());
        put("env", self.env.clone());
        parts.join(" ")
    }

    /// The query of one page: what the server filters, from `cursor`.
    pub fn query(&self, cursor: Option<String>) -> AuditQuery {
        AuditQuery {
            org: self.org.clone(),
            environment: self.env.clone(),
            actor: self.actor.clone(),
            action: self.action.clone(),
            since: self.since,
            until: self.until,
            cursor,
            limit: Some(PAGE),
        }
    }

    /// What the live subscription has to cover for the records these filters keep.
    pub fn scope(&self) -> Scope {
        Scope {
            org: self.org.clone(),
            env: self.env.clone(),
        }
    }

    /// Whether `r` passes every filter the record itself can answer (`org` and `env`
    /// are the server's to judge: a record does not name them).
    pub fn matches(&self, r: &AuditRecord) -> bool {
        let same = |want: &Option<String>, have: &str| {
            want.as_ref().is_none_or(|w| w.eq_ignore_ascii_case(have))
        };
        same(&self.actor, &r.actor)
            && self.action.as_ref().is_none_or(|a| {
                r.action == *a
                    || r.action
                        .strip_prefix(a.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            && self
                .target
                .as_ref()
                .is_none_or(|t| target_matches(t, &r.target))
            && self.outcome.is_none_or(|o| o == r.outcome)
            && self.ticket.as_ref().is_none_or(|t| {
                r.support_ticket
                    .as_ref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(t))
            })
            && self.since.is_none_or(|s| r.at >= s)
            && self.until.is_none_or(|u| r.at < u)
    }
}

/// `want` is part of `target`, or each of its `/` segments is a segment of `target`, in
/// order (a support read's path names the Environment and the Application apart).
fn target_matches(want: &str, target: &str) -> bool {
    let want = want.to_lowercase();
    let target = target.to_lowercase();
    if target.contains(&want) {
        return true;
    }
    let mut have = target.split(['/', '?']).filter(|s| !s.is_empty());
    want.split('/')
        .filter(|s| !s.is_empty())
        .all(|w| have.any(|h| h == w))
}
