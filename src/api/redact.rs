//! Scrubbing of secrets from text that came from a server before it is kept in an error
//! (QUALITY S1). A confused or hostile server can echo our `Authorization` header or send
//! a token response with the wrong content type; whatever it sent must never reach a
//! screen, a log or a panic message with a token in it.
//!
//! Must not decide what is shown; it only removes what must never be shown.

/// Keys whose values are credentials wherever they appear (`key: value`, `key=value`,
/// `"key":"value"`).
const SECRET_KEYS: [&str; 8] = [
    "access_token",
    "refresh_token",
    "id_token",
    "device_code",
    "client_secret",
    "password",
    "token",
    "authorization",
];

/// What replaces a removed secret.
pub const REDACTED: &str = "<redacted>";

/// Removes every `secret` (exact occurrences) and every credential-looking value from `text`.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = redact_bearer(text);
    for secret in secrets {
        // Very short strings would blank out ordinary words; real tokens are long.
        if secret.len() >= 8 && out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    for key in SECRET_KEYS {
        out = redact_key_values(&out, key);
    }
    out
}

/// Makes a short single-line excerpt of a body for an error message: at most `max`
/// characters, control characters shown as spaces, secrets removed.
pub fn snippet(body: &[u8], max: usize, secrets: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    let cleaned = redact(&text, secrets);
    let mut out = String::new();
    for (count, ch) in cleaned.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        out.push(if ch.is_control() { ' ' } else { ch });
    }
    out.trim().to_string()
}

fn is_value_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '"' | '\'' | '&' | ',' | '}' | ';' | '<'))
}

/// Replaces the value after `key` followed by `:` or `=` (quotes and spaces allowed).
fn redact_key_values(text: &str, key: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find(key) {
        let key_end = pos + found + key.len();
        out.push_str(&text[pos..key_end]);
        let rest = &text[key_end..];
        let mut idx = 0;
        let bytes = rest.as_bytes();
        // Closing quote of a JSON key, then spaces, then the separator.
        if bytes.first() == Some(&b'"') {
            idx += 1;
        }
        while bytes.get(idx).is_some_and(|b| *b == b' ') {
            idx += 1;
        }
        if !matches!(bytes.get(idx), Some(b':') | Some(b'=')) {
            pos = key_end;
            continue;
        }
        idx += 1;
        while bytes.get(idx).is_some_and(|b| *b == b' ') {
            idx += 1;
        }
        let quoted = bytes.get(idx) == Some(&b'"');
        if quoted {
            idx += 1;
        }
        let value_start = idx;
        // An authorization value has a scheme and a credential separated by a space.
        let whole_line = key == "authorization";
        let value_len: usize = rest[value_start..]
            .chars()
            .take_while(|c| match (quoted, whole_line) {
                (true, _) => *c != '"',
                (false, true) => !matches!(c, '\r' | '\n' | '&' | '"' | '<'),
                (false, false) => is_value_char(*c),
            })
            .map(char::len_utf8)
            .sum();
        // A JSON value that is not a string (`"token": null`) is left alone.
        let is_literal = !quoted
            && matches!(
                &rest[value_start..value_start + value_len],
                "null" | "true" | "false"
            );
        if value_len == 0 || is_literal || rest[value_start..].starts_with(REDACTED) {
            out.push_str(&rest[..value_start]);
            pos = key_end + value_start;
            continue;
        }
        out.push_str(&rest[..value_start]);
        out.push_str(REDACTED);
        pos = key_end + value_start + value_len;
    }
    out.push_str(&text[pos..]);
    out
}

/// Replaces the credential after `Bearer ` (any case).
fn redact_bearer(text: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find("bearer ") {
        let start = pos + found + "bearer ".len();
        out.push_str(&text[pos..start]);
        if text[start..].starts_with(REDACTED) {
            out.push_str(REDACTED);
            pos = start + REDACTED.len();
            continue;
        }
        let len: usize = text[start..]
            .chars()
            .take_while(|c| is_value_char(*c))
            .map(char::len_utf8)
            .sum();
        if len > 0 {
            out.push_str(REDACTED);
        }
        pos = start + len;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_known_secrets_and_credential_fields() {
        let body =
            r#"{"access_token":"abc.def.ghi","refresh_token": "r-123","token_type":"Bearer"}"#;
        let out = redact(body, &[]);
        assert!(!out.contains("abc.def.ghi"), "{out}");
        assert!(!out.contains("r-123"), "{out}");
        assert!(out.contains("token_type"));
    }

    #[test]
    fn removes_bearer_headers_and_exact_secrets() {
        let out = redact(
            "Authorization: Bearer s3cr3t-canary-value and s3cr3t-canary-value again",
            &["s3cr3t-canary-value"],
        );
        assert!(!out.contains("s3cr3t"), "{out}");
        let out = redact("authorization=Basic%20xyz&x=1", &[]);
        assert!(!out.contains("xyz"), "{out}");
        let out = redact("Authorization: Basic dXNlcjpwYXNz\nnext", &[]);
        assert!(!out.contains("dXNlcjpwYXNz"), "{out}");
        assert!(out.contains("next"), "{out}");
    }

    #[test]
    fn leaves_prose_alone() {
        let text = "the token expired; deployment not found";
        assert_eq!(redact(text, &[]), text);
        assert_eq!(redact(r#"{"token": null}"#, &[]), r#"{"token": null}"#);
    }

    #[test]
    fn snippets_are_short_and_single_line() {
        let s = snippet(b"<html>\n<body>oops</body>\n</html>", 12, &[]);
        assert_eq!(s, "<html> <body…");
    }
}
