//! Keymaps: which [`Action`] a key triggers in which input context.
//!
//! Owns the shipped keymaps (`keymaps/*.toml`, embedded so the binary needs no files),
//! merging a user file over them key by key, validation with readable warnings, resolution
//! along a context chain, and the rows the help screen and hint bar show. It must not decide
//! which view is active: the caller derives the context chain from its state and passes it in.
//!
//! File format: one TOML table per context (`[global]`, `[list]`, `[promotion.review]`),
//! each mapping a key string to an action name, or to `"none"` to unbind the key there. An
//! unbinding also hides what outer contexts bind to that key, so `"q" = "none"` under
//! `[logs]` makes `q` do nothing in the log view rather than quit.

mod key;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

use crossterm::event::KeyEvent;

pub use key::{Key, KeyParseError};

use crate::action::Action;

/// The input contexts a keymap file may configure, with what each covers.
pub const CONTEXTS: &[(&str, &str)] = &[
    (
        "global",
        "everywhere, unless a more specific context binds the key",
    ),
    ("list", "any list, grid or scrolling text"),
    ("home", "the Organizations home"),
    ("org", "an Organisation and its Environments"),
    ("env", "an Environment and its Applications"),
    ("app", "an Application"),
    ("logs", "a log view"),
    ("deployment", "a provisioning run"),
    ("job", "one job of a provisioning run"),
    ("yaml", "a YAML, diff or text view"),
    ("kube", "a scoped Kubernetes session"),
    ("access", "access requests and grants"),
    ("audit", "the audit log"),
    ("triage", "the incident triage view"),
    ("promotion", "promotions"),
    ("promotion.review", "reviewing one promotion"),
    ("help", "the help overlay"),
    ("confirm", "a yes-or-no question"),
];

/// The name that removes a binding in a user file.
pub const UNBIND: &str = "none";

const DEFAULT_TOML: &str = include_str!("../../keymaps/default.toml");
const VIM_TOML: &str = include_str!("../../keymaps/vim.toml");

/// A shipped keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Arrows and h/j/k/l, Enter opens, Esc goes back (k9s-like).
    Default,
    /// The default plus vim-style jumps: `g`/`G`, Ctrl-D/Ctrl-U.
    Vim,
}

impl Preset {
    /// Every shipped keymap.
    pub const ALL: &'static [Preset] = &[Preset::Default, Preset::Vim];

    /// The name used on the command line and in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Default => "default",
            Preset::Vim => "vim",
        }
    }

    /// The preset called `name`.
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// The embedded files this preset is built from, outermost first: the vim file only
    /// lists what differs from the default.
    pub fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Preset::Default => &[("keymaps/default.toml", DEFAULT_TOML)],
            Preset::Vim => &[
                ("keymaps/default.toml", DEFAULT_TOML),
                ("keymaps/vim.toml", VIM_TOML),
            ],
        }
    }
}

/// Something in a keymap file that was skipped, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file (or embedded name) the problem is in.
    pub source: String,
    /// The context table, when the problem is inside one.
    pub context: Option<String>,
    /// The key string as written, when the problem is one entry.
    pub key: Option<String>,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "keymap {}", self.source)?;
        if let Some(context) = &self.context {
            write!(f, " [{context}]")?;
        }
        if let Some(key) = &self.key {
            write!(f, " \"{key}\"")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One row of the help screen or hint bar: a key that is live in the given chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The key.
    pub key: Key,
    /// The key's canonical spelling, as shown to people.
    pub key_name: String,
    /// What it does.
    pub action: Action,
    /// The action's description.
    pub description: &'static str,
    /// The context the binding comes from.
    pub context: String,
}

/// Bindings per context; `None` records an explicit unbinding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    contexts: BTreeMap<String, HashMap<Key, Option<Action>>>,
}

/// The chain a context resolves along when nothing more specific is known: the context,
/// its dotted parents, then `global` (`promotion.review` → `promotion` → `global`).
pub fn context_chain(context: &str) -> Vec<String> {
    let mut chain = Vec::new();
    let mut current = Some(context);
    while let Some(c) = current {
        if c != "global" {
            chain.push(c.to_string());
        }
        current = c.rsplit_once('.').map(|(parent, _)| parent);
    }
    chain.push("global".to_string());
    chain
}

fn is_known_context(name: &str) -> bool {
    CONTEXTS.iter().any(|(c, _)| *c == name)
}

impl Keymap {
    /// A shipped keymap, with any warnings from its embedded files (the contract tests keep
    /// these empty).
    pub fn preset(preset: Preset) -> (Keymap, Vec<Warning>) {
        let mut keymap = Keymap::default();
        let mut warnings = Vec::new();
        for (source, text) in preset.sources() {
            warnings.extend(keymap.merge_str(source, text));
        }
        (keymap, warnings)
    }

    /// A shipped keymap with the user's file text merged over it.
    pub fn with_user(preset: Preset, source: &str, text: &str) -> (Keymap, Vec<Warning>) {
        let (mut keymap, mut warnings) = Keymap::preset(preset);
        warnings.extend(keymap.merge_str(source, text));
        (keymap, warnings)
    }

    /// A shipped keymap with the user's file at `path` merged over it. A missing file is not
    /// a problem (most people have none); an unreadable one is a warning.
    pub fn load(preset: Preset, path: Option<&Path>) -> (Keymap, Vec<Warning>) {
        let Some(path) = path else {
            return Keymap::preset(preset);
        };
        let source = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Keymap::with_user(preset, &source, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Keymap::preset(preset),
            Err(e) => {
                let (keymap, mut warnings) = Keymap::preset(preset);
                warnings.push(Warning {
                    source,
                    context: None,
                    key: None,
                    message: format!(
                        "could not be read ({e}); using the {} keymap",
                        preset.name()
                    ),
                });
                (keymap, warnings)
            }
        }
    }

    /// Merges a keymap file over this one, key by key; anything invalid is skipped and
    /// reported, everything valid is kept.
    pub fn merge_str(&mut self, source: &str, text: &str) -> Vec<Warning> {
        let mut warnings = Vec::new();
        match text.parse::<toml::Table>() {
            Ok(table) => self.merge_table(source, "", &table, &mut warnings),
            Err(e) => warnings.push(Warning {
                source: source.to_string(),
                context: None,
                key: None,
                message: format!("is not valid TOML, so none of it was used: {}", e.message()),
            }),
        }
        warnings
    }

    fn merge_table(
        &mut self,
        source: &str,
        context: &str,
        table: &toml::Table,
        warnings: &mut Vec<Warning>,
    ) {
        let warn = |key: Option<&str>, message: String| Warning {
            source: source.to_string(),
            context: (!context.is_empty()).then(|| context.to_string()),
            key: key.map(str::to_string),
            message,
        };
        if !context.is_empty() && !is_known_context(context) {
            let known: Vec<_> = CONTEXTS.iter().map(|(c, _)| *c).collect();
            warnings.push(warn(
                None,
                format!("unknown context, skipped (known: {})", known.join(", ")),
            ));
            return;
        }
        for (name, value) in table {
            match value {
                toml::Value::Table(inner) => {
                    let child = if context.is_empty() {
                        name.clone()
                    } else {
                        format!("{context}.{name}")
                    };
                    self.merge_table(source, &child, inner, warnings);
                }
                toml::Value::String(_) if context.is_empty() => warnings.push(warn(
                    Some(name),
                    "is outside any context; put it under a table such as [global]".to_string(),
                )),
                toml::Value::String(action_name) => {
                    let key = match name.parse::<Key>() {
                        Ok(key) => key,
                        Err(e) => {
                            warnings.push(warn(Some(name), format!("{e}; binding skipped")));
                            continue;
                        }
                    };
                    let action = if action_name == UNBIND {
                        None
                    } else if let Some(action) = Action::from_name(action_name) {
                        Some(action)
                    } else {
                        warnings.push(warn(
                            Some(name),
                            format!("\"{action_name}\" is not an action; binding skipped (see the help screen for action names)"),
                        ));
                        continue;
                    };
                    let bindings = self.contexts.entry(context.to_string()).or_default();
                    bindings.insert(key, action);
                }
                other => warnings.push(warn(
                    Some(name),
                    format!(
                        "expected an action name in quotes, found a {}",
                        other.type_str()
                    ),
                )),
            }
        }
    }

    /// The action `key` triggers along `chain` (innermost context first): the first context
    /// that mentions the key decides, and an unbinding there means nothing happens.
    pub fn resolve<S: AsRef<str>>(&self, chain: &[S], key: Key) -> Option<Action> {
        chain
            .iter()
            .find_map(|context| self.contexts.get(context.as_ref())?.get(&key))
            .copied()
            .flatten()
    }

    /// [`Keymap::resolve`] for a terminal event; releases trigger nothing.
    pub fn resolve_event<S: AsRef<str>>(&self, chain: &[S], event: &KeyEvent) -> Option<Action> {
        self.resolve(chain, Key::from_event(event)?)
    }

    /// Every key live along `chain`, one row per key, inner contexts shadowing outer ones,
    /// ordered by action (declaration order) then key, so the first row of each action is
    /// its primary key for the hint bar.
    pub fn bindings_for<S: AsRef<str>>(&self, chain: &[S]) -> Vec<Binding> {
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for (depth, context) in chain.iter().enumerate() {
            let Some(bindings) = self.contexts.get(context.as_ref()) else {
                continue;
            };
            for (&key, &action) in bindings {
                if !seen.insert(key) {
                    continue;
                }
                if let Some(action) = action {
                    rows.push((
                        depth,
                        Binding {
                            key,
                            key_name: key.to_string(),
                            action,
                            description: action.description(),
                            context: context.as_ref().to_string(),
                        },
                    ));
                }
            }
        }
        rows.sort_by(|(da, a), (db, b)| {
            let order = |x: &Binding| Action::ALL.iter().position(|&y| y == x.action);
            (order(a), *da, a.key_name.chars().count(), &a.key_name).cmp(&(
                order(b),
                *db,
                b.key_name.chars().count(),
                &b.key_name,
            ))
        });
        rows.into_iter().map(|(_, b)| b).collect()
    }

    /// The keys that trigger `action` along `chain`, primary first.
    pub fn keys_for<S: AsRef<str>>(&self, chain: &[S], action: Action) -> Vec<Key> {
        self.bindings_for(chain)
            .into_iter()
            .filter(|b| b.action == action)
            .map(|b| b.key)
            .collect()
    }

    /// The contexts this keymap binds something in.
    pub fn contexts(&self) -> impl Iterator<Item = &str> {
        self.contexts.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests;
