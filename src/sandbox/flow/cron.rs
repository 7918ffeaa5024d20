//! A five-field cron schedule (minute hour day-of-month month day-of-week, UTC) as used by
//! `change-window` rules: `*`, numbers, names (`mon`, `jan`), lists, ranges and steps,
//! with Vixie cron's rule that a restricted day-of-month and a restricted day-of-week
//! match when either does.
//!
//! Owns parsing and matching only; what a window means for a promotion is `policy`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};

/// How far ahead `next_after` looks (covers a `29 2` schedule across leap years).
const HORIZON_DAYS: i64 = 366 * 5;

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    days_star: bool,
    weekdays_star: bool,
}

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTE: Field = Field {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: Field = Field {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
};
const DAY: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const WEEKDAY: Field = Field {
    name: "day-of-week",
    min: 0,
    max: 7,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

impl std::str::FromStr for Cron {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split_whitespace().collect();
        let [mi, ho, da, mo, wd] = parts.as_slice() else {
            return Err(format!(
                "`{s}` has {} fields; a schedule has five: minute hour day-of-month month day-of-week",
                parts.len()
            ));
        };
        let mut weekdays = parse_field(wd, &WEEKDAY)?;
        // 7 is another name for Sunday.
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays | 1) & !(1 << 7);
        }
        Ok(Cron {
            minutes: parse_field(mi, &MINUTE)?,
            hours: parse_field(ho, &HOUR)?,
            days: parse_field(da, &DAY)?,
            months: parse_field(mo, &MONTH)?,
            weekdays,
            days_star: da.starts_with('*'),
            weekdays_star: wd.starts_with('*'),
        })
    }
}

fn parse_value(text: &str, f: &Field) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    let v = if let Some(i) = f.names.iter().position(|n| *n == lower) {
        // Month names count from 1, weekday names from 0 (Sunday).
        u32::try_from(i).unwrap_or(0) + if f.min == 1 { 1 } else { 0 }
    } else {
        text.parse::<u32>()
            .map_err(|_| format!("{} field: `{text}` is not a number", f.name))?
    };
    if v < f.min || v > f.max {
        return Err(format!(
            "{} field: {v} is out of range {}–{}",
            f.name, f.min, f.max
        ));
    }
    Ok(v)
}

fn parse_field(text: &str, f: &Field) -> Result<u64, String> {
    let mut bits = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step = s.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("{} field: step `{s}` must be a positive number", f.name)
                })?;
                (r, step)
            }
            None => (item, 1),
        };
        let (lo, hi) = if range == "*" {
            (f.min, f.max)
        } else if let Some((a, b)) = range.split_once('-') {
            (parse_value(a, f)?, parse_value(b, f)?)
        } else {
            let v = parse_value(range, f)?;
            // `5/15` means from 5 to the end in steps of 15.
            (v, if item.contains('/') { f.max } else { v })
        };
        if lo > hi {
            return Err(format!("{} field: range {lo}-{hi} runs backwards", f.name));
        }
        bits |= (lo..=hi)
            .step_by(step as usize)
            .fold(0u64, |b, v| b | (1 << v));
    }
    Ok(bits)
}

fn has(bits: u64, v: u32) -> bool {
    bits & (1u64 << v) != 0
}

fn floor_minute(t: DateTime<Utc>) -> NaiveDateTime {
    let n = t.naive_utc();
    n.with_second(0)
        .and_then(|n| n.with_nanosecond(0))
        .unwrap_or(n)
}

fn start_of_day(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

fn first_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, 1)
}

fn first_of_next_month(d: NaiveDate) -> Option<NaiveDate> {
    if d.month() == 12 {
        first_of_month(d.year() + 1, 1)
    } else {
        first_of_month(d.year(), d.month() + 1)
    }
}

impl Cron {
    fn day_matches(&self, d: NaiveDate) -> bool {
        let dom = has(self.days, d.day());
        let dow = has(self.weekdays, d.weekday().num_days_from_sunday());
        if self.days_star || self.weekdays_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// True when the schedule fires at the minute containing `t`.
    pub fn matches(&self, t: DateTime<Utc>) -> bool {
        let n = t.naive_utc();
        has(self.months, n.month())
            && self.day_matches(n.date())
            && has(self.hours, n.hour())
            && has(self.minutes, n.minute())
    }

    /// The first firing strictly after `t`, within five years.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let limit = t.naive_utc() + Duration::days(HORIZON_DAYS);
        let mut c = floor_minute(t) + Duration::minutes(1);
        while c <= limit {
            let d = c.date();
            if !has(self.months, d.month()) {
                c = start_of_day(first_of_next_month(d)?);
            } else if !self.day_matches(d) {
                c = start_of_day(d.succ_opt()?);
            } else if !has(self.hours, c.hour()) {
                c = c.with_minute(0)? + Duration::hours(1);
            } else if !has(self.minutes, c.minute()) {
                c += Duration::minutes(1);
            } else {
                return Some(c.and_utc());
            }
        }
        None
    }

    /// The latest firing at or before `t` and strictly after `floor`.
    pub fn last_at_or_before(
        &self,
        t: DateTime<Utc>,
        floor: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let floor = floor.naive_utc();
        let mut c = floor_minute(t);
        while c > floor {
            let d = c.date();
            if !has(self.months, d.month()) {
                c = start_of_day(first_of_month(d.year(), d.month())?) - Duration::minutes(1);
            } else if !self.day_matches(d) {
                c = start_of_day(d) - Duration::minutes(1);
            } else if !has(self.hours, c.hour()) {
                c = c.with_minute(0)? - Duration::minutes(1);
            } else if !has(self.minutes, c.minute()) {
                c -= Duration::minutes(1);
            } else {
                return Some(c.and_utc());
            }
        }
        None
    }

    /// When the schedule opens a window of `length`: `Ok(start)` of the window open at
    /// `now`, or `Err(next start)` when closed (`Err(None)` when it never opens again).
    pub fn window(
        &self,
        now: DateTime<Utc>,
        length: Duration,
    ) -> Result<DateTime<Utc>, Option<DateTime<Utc>>> {
        match self.last_at_or_before(now, now - length) {
            Some(start) => Ok(start),
            None => Err(self.next_after(now)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn cron(s: &str) -> Cron {
        s.parse().unwrap()
    }

    #[test]
    fn matching_table() {
        // 2026-11-24 is a Tuesday.
        let cases: &[(&str, DateTime<Utc>, bool)] = &[
            ("* * * * *", at(2026, 11, 24, 13, 7), true),
            ("0 22 * * *", at(2026, 11, 24, 22, 0), true),
            ("0 22 * * *", at(2026, 11, 24, 22, 1), false),
            ("*/15 * * * *", at(2026, 11, 24, 9, 45), true),
            ("*/15 * * * *", at(2026, 11, 24, 9, 50), false),
            ("5/20 * * * *", at(2026, 11, 24, 9, 45), true),
            ("0 9-17 * * mon-fri", at(2026, 11, 24, 17, 0), true),
            ("0 9-17 * * mon-fri", at(2026, 11, 24, 18, 0), false),
            ("0 9-17 * * MON-FRI", at(2026, 11, 28, 10, 0), false),
            ("0 0 * * 0", at(2026, 11, 29, 0, 0), true),
            ("0 0 * * 7", at(2026, 11, 29, 0, 0), true),
            ("0 0 1,15 * *", at(2026, 11, 15, 0, 0), true),
            ("0 0 1,15 jan,nov *", at(2026, 12, 15, 0, 0), false),
            // Both day fields restricted: either matches (Tuesday, not the 1st).
            ("0 0 1 * 2", at(2026, 11, 24, 0, 0), true),
            // Day-of-week starred with a step keeps the AND rule.
            ("0 0 1 * */1", at(2026, 11, 24, 0, 0), false),
        ];
        for (expr, t, want) in cases {
            assert_eq!(cron(expr).matches(*t), *want, "{expr} at {t}");
        }
    }

    #[test]
    fn invalid_schedules_explain_themselves() {
        let cases: &[(&str, &str)] = &[
            ("* * * *", "five"),
            ("60 * * * *", "minute field: 60 is out of range 0–59"),
            ("* 24 * * *", "hour field"),
            ("* * 0 * *", "day-of-month field"),
            ("* * * 13 *", "month field"),
            ("* * * * 8", "day-of-week field"),
            ("*/0 * * * *", "step"),
            ("5-1 * * * *", "backwards"),
            ("x * * * *", "not a number"),
        ];
        for (expr, want) in cases {
            let err = expr.parse::<Cron>().unwrap_err();
            assert!(err.contains(want), "{expr}: {err}");
        }
    }

    #[test]
    fn next_and_previous_firings() {
        let c = cron("0 22 * * sat");
        // Tuesday → the coming Saturday 22:00.
        assert_eq!(
            c.next_after(at(2026, 11, 24, 13, 7)),
            Some(at(2026, 11, 28, 22, 0))
        );
        // Strictly after: at 22:00 Saturday the next is a week later.
        assert_eq!(
            c.next_after(at(2026, 11, 28, 22, 0)),
            Some(at(2026, 12, 5, 22, 0))
        );
        assert_eq!(
            c.last_at_or_before(at(2026, 11, 29, 1, 30), at(2026, 11, 1, 0, 0)),
            Some(at(2026, 11, 28, 22, 0))
        );
        assert_eq!(
            c.last_at_or_before(at(2026, 11, 27, 1, 30), at(2026, 11, 26, 0, 0)),
            None
        );
        // Leap day only.
        assert_eq!(
            cron("0 0 29 2 *").next_after(at(2026, 3, 1, 0, 0)),
            Some(at(2028, 2, 29, 0, 0))
        );
        // A date that never exists.
        assert_eq!(cron("0 0 31 2 *").next_after(at(2026, 3, 1, 0, 0)), None);
    }

    #[test]
    fn windows_open_and_close() {
        let c = cron("0 22 * * *");
        let four_hours = Duration::hours(4);
        assert_eq!(
            c.window(at(2026, 11, 24, 23, 30), four_hours),
            Ok(at(2026, 11, 24, 22, 0))
        );
        // Across midnight.
        assert_eq!(
            c.window(at(2026, 11, 25, 1, 59), four_hours),
            Ok(at(2026, 11, 24, 22, 0))
        );
        // The window is half-open: at 02:00 it has closed.
        assert_eq!(
            c.window(at(2026, 11, 25, 2, 0), four_hours),
            Err(Some(at(2026, 11, 25, 22, 0)))
        );
    }
}
