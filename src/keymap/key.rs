//! Key strings as written in keymap files (`j`, `K`, `ctrl-c`, `shift-tab`, `pgdn`, `f1`)
//! and their normalised crossterm form.
//!
//! Owns parsing, the canonical spelling (what [`Key`]'s `Display` prints, and what help and
//! hints show), and the normalisation of incoming [`KeyEvent`]s so that terminals which
//! report Shift differently still match. It must not know about actions or contexts.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key press in normalised form: a code plus Ctrl/Alt/Shift.
///
/// Normalisation: an uppercase letter always carries Shift and a lowercase letter never
/// does; Shift is dropped from other characters (terminals disagree on whether `?` has it)
/// and from Back-Tab, which already means Shift-Tab (Shift-Tab becomes Back-Tab).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    modifiers: KeyModifiers,
}

/// Why a key string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    /// The string was empty.
    #[error("the key is empty")]
    Empty,
    /// A prefix before `-` was not ctrl, alt or shift.
    #[error("\"{0}\" is not a modifier (use ctrl, alt or shift)")]
    UnknownModifier(String),
    /// The key name was not recognised.
    #[error("\"{0}\" is not a key name (try a character, enter, esc, tab, up, pgdn, f1…)")]
    UnknownKey(String),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
    ("minus", KeyCode::Char('-')),
];

/// Accepted spellings that are not canonical.
const ALIASES: &[(&str, KeyCode)] = &[
    ("return", KeyCode::Enter),
    ("escape", KeyCode::Esc),
    ("del", KeyCode::Delete),
    ("ins", KeyCode::Insert),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdown", KeyCode::PageDown),
    ("backtab", KeyCode::BackTab),
];

impl Key {
    /// A key from a code and modifiers, normalised.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char(c) if c.is_lowercase() && modifiers.contains(KeyModifiers::SHIFT) => {
                let mut upper = c.to_uppercase();
                match (upper.next(), upper.next()) {
                    (Some(u), None) => KeyCode::Char(u),
                    _ => KeyCode::Char(c),
                }
            }
            other => other,
        };
        match code {
            KeyCode::Char(c) if c.is_uppercase() => modifiers.insert(KeyModifiers::SHIFT),
            KeyCode::Char(_) | KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
            _ => {}
        }
        Key { code, modifiers }
    }

    /// The normalised key of a terminal event, or `None` for a key release (reported only
    /// by terminals with enhanced keyboard reporting), which must not trigger an action.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        match event.kind {
            KeyEventKind::Press | KeyEventKind::Repeat => {
                Some(Key::new(event.code, event.modifiers))
            }
            KeyEventKind::Release => None,
        }
    }

    /// The press event this key stands for (used by tests and scripted input).
    pub fn to_event(self) -> KeyEvent {
        KeyEvent::new(self.code, self.modifiers)
    }

    /// The key code.
    pub fn code(self) -> KeyCode {
        self.code
    }

    /// The modifiers (Ctrl, Alt, Shift only).
    pub fn modifiers(self) -> KeyModifiers {
        self.modifiers
    }
}

impl From<KeyEvent> for Key {
    fn from(event: KeyEvent) -> Key {
        Key::new(event.code, event.modifiers)
    }
}

fn parse_code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some(&(_, code)) = NAMED.iter().chain(ALIASES).find(|(n, _)| *n == lower) {
        return Some(code);
    }
    let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
    (1..=24).contains(&n).then_some(KeyCode::F(n))
}

impl FromStr for Key {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Key, KeyParseError> {
        if s.is_empty() {
            return Err(KeyParseError::Empty);
        }
        // `-` alone and `ctrl--` name the minus key; split off the final key first.
        let (prefix, name) = match s.strip_suffix("--") {
            Some(prefix) => (Some(prefix), "-"),
            None if s == "-" => (None, "-"),
            None => match s.rsplit_once('-') {
                Some((prefix, name)) => (Some(prefix), name),
                None => (None, s),
            },
        };
        let mut modifiers = KeyModifiers::NONE;
        for part in prefix.into_iter().flat_map(|p| p.split('-')) {
            modifiers |= match part.to_ascii_lowercase().as_str() {
                "ctrl" | "c" | "control" => KeyModifiers::CONTROL,
                "alt" | "a" | "m" | "meta" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return Err(KeyParseError::UnknownModifier(part.to_string())),
            };
        }
        let code = parse_code(name).ok_or_else(|| KeyParseError::UnknownKey(name.to_string()))?;
        Ok(Key::new(code, modifiers))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shift = self.modifiers.contains(KeyModifiers::SHIFT);
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        // Uppercase letters and Back-Tab already say Shift.
        if matches!(self.code, KeyCode::Char(c) if c.is_uppercase()) {
            shift = false;
        }
        if self.code == KeyCode::BackTab {
            return f.write_str("shift-tab");
        }
        if shift {
            f.write_str("shift-")?;
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(s: &str) -> Key {
        s.parse().unwrap()
    }

    #[test]
    fn spellings_from_the_keymap_files() {
        assert_eq!(key("j"), Key::new(KeyCode::Char('j'), KeyModifiers::NONE));
        assert_eq!(key("K"), Key::new(KeyCode::Char('K'), KeyModifiers::SHIFT));
        assert_eq!(key("shift-k"), key("K"));
        assert_eq!(key("enter").code(), KeyCode::Enter);
        assert_eq!(key("shift-tab").code(), KeyCode::BackTab);
        assert_eq!(
            key("ctrl-c"),
            Key::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(key("ctrl-z").modifiers(), KeyModifiers::CONTROL);
        assert_eq!(key("pgdn").code(), KeyCode::PageDown);
        assert_eq!(key("PageDown").code(), KeyCode::PageDown);
        assert_eq!(key("f1").code(), KeyCode::F(1));
        assert_eq!(key("space").code(), KeyCode::Char(' '));
        assert_eq!(key("-").code(), KeyCode::Char('-'));
        assert_eq!(
            key("ctrl--"),
            Key::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(key("?").code(), KeyCode::Char('?'));
        // Terminals report Shift-Tab either as Back-Tab or as Tab with Shift.
        let alt_shift_tab = Key::new(KeyCode::Tab, KeyModifiers::SHIFT | KeyModifiers::ALT);
        assert_eq!(alt_shift_tab, key("alt-shift-tab"));
        assert_eq!(alt_shift_tab.to_string(), "alt-shift-tab");
    }

    #[test]
    fn display_is_canonical() {
        for (input, canonical) in [
            ("shift-k", "K"),
            ("S-tab", "shift-tab"),
            ("backtab", "shift-tab"),
            ("Control-X", "ctrl-X"),
            ("alt-ctrl-a", "ctrl-alt-a"),
            (" ", "space"),
            ("-", "minus"),
            ("PageUp", "pgup"),
            ("F12", "f12"),
            ("shift-up", "shift-up"),
        ] {
            assert_eq!(key(input).to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn errors_are_readable() {
        assert_eq!("".parse::<Key>(), Err(KeyParseError::Empty));
        assert_eq!(
            "hyper-k".parse::<Key>(),
            Err(KeyParseError::UnknownModifier("hyper".into()))
        );
        let err = "ctrl-banana".parse::<Key>().unwrap_err();
        assert!(err.to_string().contains("\"banana\" is not a key name"));
        assert!("f0".parse::<Key>().is_err());
        assert!("f25".parse::<Key>().is_err());
    }

    #[test]
    fn terminal_shift_reports_are_normalised() {
        let q = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(q), key("?"));
        let upper = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE);
        assert_eq!(Key::from(upper), key("G"));
        let kitty = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(kitty), key("G"));
        let backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from(backtab), key("shift-tab"));
        let mut release = key("q").to_event();
        release.kind = KeyEventKind::Release;
        assert_eq!(Key::from_event(&release), None);
    }

    fn any_key() -> impl Strategy<Value = Key> {
        let code = prop_oneof![
            any::<char>()
                .prop_filter("printable", |c| !c.is_control())
                .prop_map(KeyCode::Char),
            (1u8..=24).prop_map(KeyCode::F),
            proptest::sample::select(
                NAMED
                    .iter()
                    .map(|(_, c)| *c)
                    .chain([KeyCode::BackTab])
                    .collect::<Vec<_>>()
            ),
        ];
        (code, 0u8..8)
            .prop_map(|(code, bits)| Key::new(code, KeyModifiers::from_bits_truncate(bits)))
    }

    proptest! {
        #[test]
        fn parse_of_display_is_identity(k in any_key()) {
            let canonical = k.to_string();
            let parsed: Key = canonical.parse().unwrap();
            prop_assert_eq!(parsed, k);
            prop_assert_eq!(parsed.to_string(), canonical);
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,12}") {
            if let Ok(k) = s.parse::<Key>() {
                let again: Key = k.to_string().parse().unwrap();
                prop_assert_eq!(again, k);
            }
        }
    }
}
