//! The key-string syntax of [`super::Term::send`]: turns a short script such as
//! `"j j <enter> <esc> :env digital-channels-stg<enter>"` into the bytes a real xterm would
//! send, one [`Key`] at a time.
//!
//! Syntax:
//! - Whitespace separates keys; a bare word is typed character by character (`jj` is two
//!   `j` presses, `j j` too).
//! - `<name>` is a named key: `enter` (`cr`, `ret`), `esc`, `tab`, `s-tab` (`backtab`),
//!   `bs` (`backspace`), `del`, `space`, `lt` (a literal `<`), `up`, `down`, `left`,
//!   `right`, `home`, `end`, `pgup`, `pgdn`, `ins`, `f1`..`f12`, `c-x` (Ctrl plus a letter
//!   or `[ \ ] ^ _ space`), `a-x` (Alt plus a character: ESC then the character).
//! - A word that starts with `:` or `/` opens a prompt: its text runs verbatim, spaces
//!   included, up to the next `<...>` key other than `<lt>` (so `:env stg one<enter>` types
//!   `:env stg one` then Enter).
//!
//! Unknown `<names>` are an error rather than being typed, so a typo in a test fails loudly.
//! Owns only the parsing; writing and pacing are the harness's.

/// One key press: the bytes to write and whether it is a lone Escape (which needs a pause
/// after it, or the program reads it together with the next key as Alt+key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub bytes: Vec<u8>,
    pub lone_escape: bool,
}

impl Key {
    fn text(s: &str) -> Key {
        Key {
            bytes: s.as_bytes().to_vec(),
            lone_escape: false,
        }
    }
    fn raw(b: &[u8]) -> Key {
        Key {
            bytes: b.to_vec(),
            lone_escape: b == b"\x1b",
        }
    }
}

/// Parses a key script; the error names the offending token.
pub fn parse(script: &str) -> Result<Vec<Key>, String> {
    let mut keys = Vec::new();
    let mut rest = script;
    let mut in_prompt = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find('>')
                .ok_or_else(|| format!("unclosed '<' in {script:?}"))?;
            let name = &after[..end];
            keys.push(named(name)?);
            rest = &after[end + 1..];
            // A literal `<` is part of the prompt's text; any other key ends the prompt.
            in_prompt &= name.eq_ignore_ascii_case("lt");
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() && !in_prompt {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if (c == ':' || c == '/') && !in_prompt {
            in_prompt = true;
        }
        keys.push(Key::text(&rest[..c.len_utf8()]));
        rest = &rest[c.len_utf8()..];
    }
    Ok(keys)
}

fn named(name: &str) -> Result<Key, String> {
    let lower = name.to_ascii_lowercase();
    let fixed: &[u8] = match lower.as_str() {
        "enter" | "cr" | "ret" => b"\r",
        "esc" => b"\x1b",
        "tab" => b"\t",
        "s-tab" | "backtab" => b"\x1b[Z",
        "bs" | "backspace" => b"\x7f",
        "del" => b"\x1b[3~",
        "ins" => b"\x1b[2~",
        "space" => b" ",
        "lt" => b"<",
        "up" => b"\x1b[A",
        "down" => b"\x1b[B",
        "right" => b"\x1b[C",
        "left" => b"\x1b[D",
        "home" => b"\x1b[H",
        "end" => b"\x1b[F",
        "pgup" => b"\x1b[5~",
        "pgdn" => b"\x1b[6~",
        "f1" => b"\x1bOP",
        "f2" => b"\x1bOQ",
        "f3" => b"\x1bOR",
        "f4" => b"\x1bOS",
        "f5" => b"\x1b[15~",
        "f6" => b"\x1b[17~",
        "f7" => b"\x1b[18~",
        "f8" => b"\x1b[19~",
        "f9" => b"\x1b[20~",
        "f10" => b"\x1b[21~",
        "f11" => b"\x1b[23~",
        "f12" => b"\x1b[24~",
        _ => return modified(name),
    };
    Ok(Key::raw(fixed))
}

/// `c-x` and `a-x`.
fn modified(name: &str) -> Result<Key, String> {
    let unknown = || format!("unknown key <{name}>");
    let (modifier, key) = name.split_at_checked(2).ok_or_else(unknown)?;
    match modifier.to_ascii_lowercase().as_str() {
        "c-" => {
            let byte = match key {
                "space" => 0,
                k if k.len() == 1 => {
                    let b = k.as_bytes()[0].to_ascii_lowercase();
                    match b {
                        b'a'..=b'z' => b - b'a' + 1,
                        b'[' => 0x1b,
                        b'\\' => 0x1c,
                        b']' => 0x1d,
                        b'^' => 0x1e,
                        b'_' => 0x1f,
                        _ => return Err(unknown()),
                    }
                }
                _ => return Err(unknown()),
            };
            Ok(Key {
                bytes: vec![byte],
                lone_escape: byte == 0x1b,
            })
        }
        "a-" if key.chars().count() == 1 => {
            let mut bytes = vec![0x1b];
            bytes.extend_from_slice(key.as_bytes());
            Ok(Key {
                bytes,
                lone_escape: false,
            })
        }
        _ => Err(unknown()),
    }
}
