//! Byte-exact reproduction of how the Go service writes JSON and times.
//!
//! Owns: Go's `encoding/json` string escaping (`<`, `>`, `&`, U+2028 and U+2029 become
//! `\u003c`-style escapes; everything else as serde_json writes it), and the two Go time
//! layouts on the wire (`time.RFC3339` in whole seconds, and `time.Time`'s own JSON form,
//! RFC 3339 with up to nine fractional digits, trailing zeros trimmed).
//! Must not: decide field order (the wire structs in `crate::model` do) or add newlines
//! (the callers know whether the service used `Encode` or `Marshal`).

use std::io;

use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;

/// What the service writes for a zero `time.Time`.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// serde_json formatter that escapes like Go's `encoding/json` with HTML escaping on.
struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (i, ch) in fragment.char_indices() {
            let escape: &[u8] = match ch {
                '<' => b"\\u003c",
                '>' => b"\\u003e",
                '&' => b"\\u0026",
                '\u{2028}' => b"\\u2028",
                '\u{2029}' => b"\\u2029",
                _ => continue,
            };
            writer.write_all(&bytes[start..i])?;
            writer.write_all(escape)?;
            start = i + ch.len_utf8();
        }
        writer.write_all(&bytes[start..])
    }
}

/// `json.Marshal(v)` as the Go service would produce it (no trailing newline).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut buf = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, GoFormatter);
    match value.serialize(&mut ser) {
        // Serialising plain structs of strings and numbers cannot fail; the fallback is
        // the service's own answer for an unencodable value.
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(e) => format!(
            "{{\"level\":\"error\",\"msg\":{}}}",
            to_string(&format!("failed to encode event: {e}"))
        ),
    }
}

/// Go `t.Format(time.RFC3339)` of a UTC time: whole seconds, `Z`.
pub fn rfc3339_secs(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Go's JSON form of a `time.Time` in UTC (`time.RFC3339Nano`): fractional seconds with
/// trailing zeros trimmed, none at all when the nanoseconds are zero.
pub fn rfc3339_nano(t: DateTime<Utc>) -> String {
    let nanos = t.nanosecond() % 1_000_000_000;
    if nanos == 0 {
        return rfc3339_secs(t);
    }
    let frac = format!("{nanos:09}");
    format!(
        "{}.{}Z",
        t.format("%Y-%m-%dT%H:%M:%S"),
        frac.trim_end_matches('0')
    )
}

/// Go `strings.TrimSpace`: Unicode white space off both ends.
pub fn trim_space(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn escapes_like_go_html_safe_encoder() {
        let s = to_string("k3s_token = <sensitive> & a\u{2028}b \u{1b}[0m \"q\" \\ é │");
        assert_eq!(
            s,
            "\"k3s_token = \\u003csensitive\\u003e \\u0026 a\\u2028b \\u001b[0m \\\"q\\\" \\\\ é │\""
        );
    }

    #[test]
    fn control_characters_match_go_1_22() {
        assert_eq!(
            to_string("\u{8}\u{c}\n\r\t\u{1}"),
            "\"\\b\\f\\n\\r\\t\\u0001\""
        );
    }

    #[test]
    fn times_match_go_layouts() {
        let t = Utc.with_ymd_and_hms(2026, 6, 1, 9, 4, 5).single().unwrap();
        assert_eq!(rfc3339_secs(t), "2026-06-01T09:04:05Z");
        assert_eq!(rfc3339_nano(t), "2026-06-01T09:04:05Z");
        let t = t + chrono::Duration::nanoseconds(120_450_000);
        assert_eq!(rfc3339_nano(t), "2026-06-01T09:04:05.12045Z");
        assert_eq!(rfc3339_secs(t), "2026-06-01T09:04:05Z");
    }

    #[test]
    fn trim_space_keeps_escape_codes() {
        assert_eq!(trim_space("  \u{1b}[0m  x  \t"), "\u{1b}[0m  x");
        assert_eq!(trim_space(" \u{a0} "), "");
    }
}
