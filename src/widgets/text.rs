//! Small text helpers for render: cutting to a width with an ellipsis, "3 h ago" and
//! grouped thousands.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

/// `text` cut to `width` columns, ending with `ellipsis` when cut.
pub fn fit(text: &str, width: usize, ellipsis: &str) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let room = width.saturating_sub(ellipsis.width());
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if width >= ellipsis.width() {
        out.push_str(ellipsis);
    }
    out
}

/// `n` with its thousands grouped by commas: `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How long ago `then` was, in the largest fitting unit (`42 s`, `5 min`, `3 h`, `12 d`).
pub fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..60 => format!("{secs} s ago"),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_with_an_ellipsis() {
        assert_eq!(fit("payment-rail", 20, "…"), "payment-rail");
        assert_eq!(fit("payment-rail", 8, "…"), "payment…");
        assert_eq!(fit("payment-rail", 8, "..."), "payme...");
        assert_eq!(fit("abc", 0, "…"), "");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn ages_round_down_to_the_largest_unit() {
        let now = DateTime::<Utc>::from_timestamp(1_000_000, 0).unwrap();
        let at = |s: i64| DateTime::<Utc>::from_timestamp(1_000_000 - s, 0).unwrap();
        assert_eq!(ago(at(5), now), "5 s ago");
        assert_eq!(ago(at(125), now), "2 min ago");
        assert_eq!(ago(at(7300), now), "2 h ago");
        assert_eq!(ago(at(90_000), now), "1 d ago");
        assert_eq!(ago(at(-10), now), "0 s ago");
    }
}
