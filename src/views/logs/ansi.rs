//! The text of log lines: making what a stream sends safe for a cell grid, the plain text
//! without colour sequences, display columns, hard wrapping into rows, and search.
//!
//! Only SGR colour sequences (`ESC [ digits;… m`) survive [`sanitize`]: cursor moves, OSC
//! titles and hyperlinks, other control characters and C1 codes would move the cursor
//! or corrupt the screen, so they are removed; tabs become spaces and a carriage return
//! keeps what was written after it (progress output). The same rules give [`strip`], so
//! update (which counts wrapped rows and matches) and render (which parses the colours
//! with `ansi-to-tui`) agree on the plain text.
//!
//! Search follows the YAML view's: an ASCII query ignores case, any other matches exactly.
//! Pure functions, no screen.

use std::ops::Range;

use unicode_width::UnicodeWidthChar;

const ESC: char = '\x1b';
/// Tab stops every this many columns.
const TAB: usize = 8;

/// Whether `text` needs no cleaning: printable throughout, no escape, tab, CR or C1.
fn is_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20 || b == 0x7f || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| *n < 0xa0))
    })
}

/// `text` made safe for the screen, and whether it kept colour sequences.
pub fn sanitize(text: &str) -> (Box<str>, bool) {
    // What a carriage return overwrote is gone; a trailing one (CRLF) changes nothing.
    let text = text.trim_end_matches('\r');
    let text = text.rsplit_once('\r').map_or(text, |(_, after)| after);
    if is_clean(text) {
        return (text.into(), false);
    }
    let mut out = String::with_capacity(text.len());
    let mut col = 0;
    let mut sgr = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            ESC => match chars.peek().map(|(_, n)| *n) {
                Some('[') => {
                    // CSI: parameter and intermediate bytes, then one final byte.
                    chars.next();
                    let mut colour = true;
                    let mut last = None;
                    while let Some(&(i, p)) = chars.peek() {
                        if ('\x20'..='\x3f').contains(&p) {
                            colour &= p.is_ascii_digit() || p == ';';
                            chars.next();
                            continue;
                        }
                        if ('\x40'..='\x7e').contains(&p) {
                            last = Some((i, p));
                            chars.next();
                        }
                        break;
                    }
                    if let Some((i, 'm')) = last
                        && colour
                    {
                        out.push_str(&text[at..=i]);
                        sgr = true;
                    }
                }
                Some(']') => {
                    // OSC: up to BEL or ESC \.
                    chars.next();
                    while let Some((_, p)) = chars.next() {
                        if p == '\x07' {
                            break;
                        }
                        if p == ESC {
                            if chars.peek().is_some_and(|(_, n)| *n == '\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                Some(n) if (' '..='\x7e').contains(&n) => {
                    // Intermediate bytes, then one final byte (`ESC ( B`, `ESC 7`).
                    while chars.next_if(|(_, p)| (' '..='/').contains(p)).is_some() {}
                    chars.next_if(|(_, p)| ('0'..='\x7e').contains(p));
                }
                _ => {}
            },
            '\t' => {
                let spaces = TAB - col % TAB;
                out.extend(std::iter::repeat_n(' ', spaces));
                col += spaces;
            }
            c if c.is_control() => {}
            c => {
                out.push(c);
                col += c.width().unwrap_or(0);
            }
        }
    }
    (out.into_boxed_str(), sgr)
}

/// `raw` (already sanitized) without its SGR sequences.
pub fn strip(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    strip_into(raw, &mut out);
    out
}

/// Writes `raw` without its SGR sequences into `out` (cleared first).
pub fn strip_into(raw: &str, out: &mut String) {
    out.clear();
    let mut rest = raw;
    while let Some(at) = rest.find(ESC) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = rest.find('m').map_or("", |m| &rest[m + 1..]);
    }
    out.push_str(rest);
}

/// Calls `row` with the byte offset where each row of `plain` starts when hard-wrapped at
/// `width` columns (the first row starts at 0, an empty text has one row).
fn breaks(plain: &str, width: usize, mut row: impl FnMut(usize)) {
    let width = width.max(1);
    row(0);
    let mut col = 0;
    for (at, c) in plain.char_indices() {
        let w = c.width().unwrap_or(0);
        if col + w > width && col > 0 {
            row(at);
            col = 0;
        }
        col += w;
    }
}

/// Rows `plain` takes wrapped at `width` columns (at least one).
pub fn count_rows(plain: &str, width: usize) -> usize {
    let mut n = 0;
    breaks(plain, width, |_| n += 1);
    n
}

/// The byte range of each row of `plain` wrapped at `width` columns.
pub fn rows(plain: &str, width: usize) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    breaks(plain, width, |at| starts.push(at));
    let ends = starts.iter().skip(1).copied().chain([plain.len()]);
    starts.iter().zip(ends).map(|(s, e)| *s..e).collect()
}

/// The byte range of `plain` shown in columns `from..from + width` (a wide character cut
/// by either edge is left out).
pub fn columns(plain: &str, from: usize, width: usize) -> Range<usize> {
    let mut col = 0;
    let mut start = None;
    let mut end = plain.len();
    for (at, c) in plain.char_indices() {
        let w = c.width().unwrap_or(0);
        if start.is_none() && col >= from {
            start = Some(at);
        }
        if start.is_some() && col + w > from + width {
            end = at;
            break;
        }
        col += w;
    }
    let start = start.unwrap_or(plain.len());
    start..end.max(start)
}

/// Display columns of `plain`.
pub fn width(plain: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(plain)
}

/// Where `query` next occurs in `hay` at or after byte `from`.
fn find_from(hay: &str, query: &str, from: usize) -> Option<usize> {
    if query.is_empty() || from > hay.len() {
        return None;
    }
    if !query.is_ascii() {
        return hay[from..].find(query).map(|at| at + from);
    }
    // An ASCII byte never occurs inside a multi-byte character, so matches found on bytes
    // start and end on character boundaries.
    let (hay, needle) = (hay.as_bytes(), query.as_bytes());
    let (lower, upper) = (
        needle[0].to_ascii_lowercase(),
        needle[0].to_ascii_uppercase(),
    );
    let last = hay.len().checked_sub(needle.len())?;
    let mut at = from;
    while at <= last {
        let skip = hay[at..=last]
            .iter()
            .position(|&b| b == lower || b == upper)?;
        at += skip;
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Whether `hay` contains `query`.
pub fn contains(hay: &str, query: &str) -> bool {
    find_from(hay, query, 0).is_some()
}

/// Every occurrence of `query` in `hay`, as byte ranges.
pub fn find_all(hay: &str, query: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(m) = find_from(hay, query, at) {
        found.push(m..m + query.len());
        at = m + query.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansi_to_tui::IntoText;

    #[test]
    fn only_colour_sequences_survive() {
        let (s, ansi) = sanitize("\x1b[1;32mok\x1b[0m \x1b[2Kdone\x1b]0;title\x07!\x1b(B");
        assert_eq!(&*s, "\x1b[1;32mok\x1b[0m done!");
        assert!(ansi);
        let (s, ansi) = sanitize("a\tb\u{7}c\u{85}d\r");
        assert_eq!(&*s, "a       bcd");
        assert!(!ansi);
        assert_eq!(&*sanitize("10%\r50%\r100%").0, "100%");
        assert_eq!(&*sanitize("plain, «ünïcödé»").0, "plain, «ünïcödé»");
        assert_eq!(&*sanitize("cut \x1b[31").0, "cut ");
    }

    #[test]
    fn strip_agrees_with_ansi_to_tui() {
        for raw in [
            "\x1b[32m+\x1b[0m resource \x1b[1m\"x\"\x1b[0m",
            "\x1b[38;5;208morange\x1b[m and \x1b[38;2;1;2;3mrgb\x1b[0m",
            "\x1b[38;5;300mbad index\x1b[0m",
            "no colour at all",
        ] {
            let (clean, _) = sanitize(raw);
            let bytes = clean.as_bytes();
            let text = bytes.to_text().unwrap();
            let parsed: String = text
                .lines
                .iter()
                .flat_map(|l| l.spans.iter().map(|s| s.content.as_ref()))
                .collect();
            assert_eq!(parsed, strip(&clean), "{raw:?}");
        }
    }

    #[test]
    fn wrapping_counts_columns_not_bytes() {
        assert_eq!(count_rows("", 10), 1);
        assert_eq!(count_rows("0123456789", 10), 1);
        assert_eq!(count_rows("0123456789a", 10), 2);
        assert_eq!(rows("abcdefg", 3), vec![0..3, 3..6, 6..7]);
        // A wide character that does not fit moves to the next row whole.
        assert_eq!(rows("ab漢", 3), vec![0..2, 2..5]);
        assert_eq!(columns("0123456789", 2, 3), 2..5);
        assert_eq!(columns("漢字", 1, 4), 3..6);
        assert_eq!(columns("short", 10, 5), 5..5);
    }

    #[test]
    fn search_ignores_ascii_case() {
        assert_eq!(find_all("Error: error", "ERROR"), vec![0..5, 7..12]);
        assert!(contains("«x» Apply", "apply"));
        assert!(!contains("ab", "abc"));
        assert!(contains("Grüße", "üß"));
        assert!(find_all("aaaa", "").is_empty());
    }
}
