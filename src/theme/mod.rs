//! Themes: semantic style tokens (`status.degraded`, `log.level.warn`, `diff.plus`) resolved
//! to ratatui [`Style`]s, and the glyph sets for UTF-8 and ASCII terminals.
//!
//! Owns the shipped themes (`themes/*.toml`, embedded), merging a user file over them token
//! by token, validation with readable warnings, the fallback of a token along its dots
//! (`status.degraded` → `status` → `base`, each level filling in what the inner one leaves
//! unset), and the choice of theme and glyphs from the environment. Views never name a
//! colour; they ask for a token. This module must not read the environment except in the
//! small `from_env` wrappers, and must not decide which view is active.
//!
//! File format: `[palette]` names colours; every other key is a token, either a colour
//! (shorthand for its foreground) or a table with `fg`, `bg` and `mods` (a list such as
//! `["bold", "reversed"]`; `"no-bold"` removes an inherited modifier). Colours are names
//! (`red`, `light-blue`, `dark-gray`), `#rrggbb`, 0–255, `reset`, or a palette name. The
//! shipped colour themes use only the 16 ANSI colours so they hold on 16-colour terminals.

mod file;
mod glyphs;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};

pub use glyphs::{Glyphs, locale_is_utf8};

use crate::model::application::AppStatus;

/// Every token a view may ask for, with what it styles.
pub const TOKENS: &[(&str, &str)] = &[
    (
        "base",
        "everything, unless a more specific token says otherwise",
    ),
    ("text", "ordinary text"),
    ("text.dim", "secondary text: timestamps, ids, counts"),
    ("title", "view and panel titles"),
    ("border", "panel borders"),
    ("border.focus", "the border of the focused panel"),
    ("selection", "the selected row or card"),
    ("tab", "inactive tab labels"),
    ("tab.active", "the active tab label"),
    ("bar", "the status bar"),
    ("status.running", "Running applications"),
    ("status.installing", "Installing applications"),
    ("status.updating", "Updating applications"),
    ("status.degraded", "Degraded applications"),
    ("status.failed", "Failed applications"),
    ("status.paused", "Paused applications"),
    (
        "status.pending-approval",
        "applications waiting for approval",
    ),
    ("status.unknown", "a status this console does not know yet"),
    ("log.level.trace", "trace log lines"),
    ("log.level.debug", "debug log lines"),
    ("log.level.info", "info log lines"),
    ("log.level.warn", "warning log lines"),
    ("log.level.error", "error log lines"),
    ("diff.plus", "added lines"),
    ("diff.minus", "removed lines"),
    ("diff.header", "diff hunk headers"),
    ("badge.sandbox", "the SANDBOX badge"),
    ("badge.support", "the support-mode banner"),
    ("badge.prod", "production environment markers"),
    ("hint.key", "keys in the hint bar and help"),
    ("hint.text", "descriptions in the hint bar and help"),
    ("search.match", "search and filter matches"),
    ("syntax.key", "keys in YAML and JSON"),
    ("syntax.string", "strings in YAML and JSON"),
    ("syntax.number", "numbers in YAML and JSON"),
    ("syntax.keyword", "booleans, null and keywords"),
    ("syntax.comment", "comments"),
    ("syntax.punctuation", "punctuation and markers"),
    ("error", "error messages"),
    ("warning", "warnings"),
    ("success", "confirmations of things done"),
];

/// The shipped themes, by name, as embedded text.
pub const SHIPPED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The theme used when none is asked for.
pub const DEFAULT_THEME: &str = "dark";
/// The theme used when `NO_COLOR` is set.
pub const NO_COLOR_THEME: &str = "mono";

/// Something in a theme file that was skipped, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file (or embedded name) the problem is in.
    pub source: String,
    /// The token or palette entry, when the problem is one entry.
    pub token: Option<String>,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "theme {}", self.source)?;
        if let Some(token) = &self.token {
            write!(f, " {token}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What one token sets; unset parts come from its dotted parents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Spec {
    fg: Option<Color>,
    bg: Option<Color>,
    add: Modifier,
    sub: Modifier,
}

impl Spec {
    fn style(self) -> Style {
        let mut style = Style::default()
            .add_modifier(self.add)
            .remove_modifier(self.sub);
        style.fg = self.fg;
        style.bg = self.bg;
        style
    }

    /// A user entry replaces the colours it names and adds to the modifiers.
    fn merge(&mut self, other: Spec) {
        self.fg = other.fg.or(self.fg);
        self.bg = other.bg.or(self.bg);
        self.add = (self.add - other.sub) | other.add;
        self.sub = (self.sub - other.add) | other.sub;
    }
}

/// The environment facts that choose a theme and glyphs, read once at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    /// `NO_COLOR` is set to a non-empty value (no-color.org).
    pub no_color: bool,
    /// The character-type locale is UTF-8.
    pub utf8: bool,
}

impl Environment {
    /// The facts from a variable lookup, so tests can pass their own.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Environment {
        let no_color = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        let utf8 = locale_is_utf8(
            var("LC_ALL").as_deref(),
            var("LC_CTYPE").as_deref(),
            var("LANG").as_deref(),
        );
        Environment { no_color, utf8 }
    }

    /// The facts from this process's environment.
    pub fn from_env() -> Environment {
        Environment::from_vars(|name| std::env::var(name).ok())
    }

    /// The glyph set for this locale.
    pub fn glyphs(self) -> &'static Glyphs {
        if self.utf8 {
            &Glyphs::UNICODE
        } else {
            &Glyphs::ASCII
        }
    }
}

/// A resolved theme: token → style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: String,
    specs: BTreeMap<String, Spec>,
    palette: BTreeMap<String, Color>,
}

/// Whether `name` is a token or a dotted parent of one (`status`, `log.level`).
pub fn is_token_or_parent(name: &str) -> bool {
    TOKENS.iter().any(|(t, _)| {
        *t == name
            || t.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The token that styles an application status.
pub fn status_token(status: AppStatus) -> &'static str {
    match status {
        AppStatus::Running => "status.running",
        AppStatus::Installing => "status.installing",
        AppStatus::Updating => "status.updating",
        AppStatus::Degraded => "status.degraded",
        AppStatus::Failed => "status.failed",
        AppStatus::Paused => "status.paused",
        AppStatus::PendingApproval => "status.pending-approval",
        AppStatus::Unknown => "status.unknown",
    }
}

impl Theme {
    /// An empty theme: every token resolves to the terminal's default style.
    pub fn empty(name: &str) -> Theme {
        Theme {
            name: name.to_string(),
            specs: BTreeMap::new(),
            palette: BTreeMap::new(),
        }
    }

    /// A shipped theme by name, with any warnings from its embedded file (the contract
    /// tests keep these empty), or `None` for an unknown name.
    pub fn shipped(name: &str) -> Option<(Theme, Vec<Warning>)> {
        let (name, text) = SHIPPED.iter().find(|(n, _)| *n == name)?;
        let mut theme = Theme::empty(name);
        let warnings = theme.merge_str(&format!("themes/{name}.toml"), text);
        Some((theme, warnings))
    }

    /// Picks and builds the theme: `mono` when `no_color`, else the requested shipped
    /// theme (or the default), then the user's file text `(source, text)` merged over it.
    /// Under `no_color` the user's colours are dropped too, keeping their modifiers.
    pub fn for_environment(
        no_color: bool,
        requested: Option<&str>,
        user: Option<(&str, &str)>,
    ) -> (Theme, Vec<Warning>) {
        let mut warnings = Vec::new();
        let name = if no_color {
            NO_COLOR_THEME
        } else {
            requested.unwrap_or(DEFAULT_THEME)
        };
        let (mut theme, shipped_warnings) = match Theme::shipped(name) {
            Some(found) => found,
            None => {
                let names: Vec<_> = SHIPPED.iter().map(|(n, _)| *n).collect();
                warnings.push(Warning {
                    source: "settings".to_string(),
                    token: None,
                    message: format!(
                        "there is no theme \"{name}\"; using {DEFAULT_THEME} (themes: {})",
                        names.join(", ")
                    ),
                });
                Theme::shipped(DEFAULT_THEME)
                    .unwrap_or_else(|| (Theme::empty(DEFAULT_THEME), Vec::new()))
            }
        };
        warnings.extend(shipped_warnings);
        if let Some((source, text)) = user {
            warnings.extend(theme.merge_str(source, text));
        }
        if no_color {
            theme.strip_colours();
        }
        (theme, warnings)
    }

    /// [`Theme::for_environment`] with `NO_COLOR` read from this process and the user's
    /// theme file read from `user_path` (a missing file is not a problem).
    pub fn from_env(requested: Option<&str>, user_path: Option<&Path>) -> (Theme, Vec<Warning>) {
        let env = Environment::from_env();
        let mut read_warning = None;
        let text = user_path.and_then(|path| match std::fs::read_to_string(path) {
            Ok(text) => Some((path.display().to_string(), text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                read_warning = Some(Warning {
                    source: path.display().to_string(),
                    token: None,
                    message: format!("could not be read ({e}); using the shipped theme"),
                });
                None
            }
        });
        let user = text.as_ref().map(|(s, t)| (s.as_str(), t.as_str()));
        let (theme, mut warnings) = Theme::for_environment(env.no_color, requested, user);
        warnings.extend(read_warning);
        (theme, warnings)
    }

    /// The theme's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style of `token`: `base`, then each dotted parent, then the token itself, each
    /// filling in or overriding what the outer levels set.
    pub fn style(&self, token: &str) -> Style {
        let mut style = self
            .specs
            .get("base")
            .map(|s| s.style())
            .unwrap_or_default();
        let mut end = 0;
        while end < token.len() {
            end = token[end..].find('.').map_or(token.len(), |i| end + i);
            if let Some(spec) = self.specs.get(&token[..end]) {
                style = style.patch(spec.style());
            }
            end += 1;
        }
        style
    }

    /// The style of an application status.
    pub fn status(&self, status: AppStatus) -> Style {
        self.style(status_token(status))
    }

    /// Whether the theme sets `token` itself or one of its dotted parents (not just
    /// `base`): the contract the shipped themes keep for every token.
    pub fn defines(&self, token: &str) -> bool {
        let mut current = Some(token);
        while let Some(name) = current {
            if self.specs.contains_key(name) {
                return true;
            }
            current = name.rsplit_once('.').map(|(parent, _)| parent);
        }
        false
    }

    /// Every colour the theme uses, for checks such as "16 colours only".
    pub fn colours(&self) -> impl Iterator<Item = Color> + '_ {
        self.specs.values().flat_map(|s| [s.fg, s.bg]).flatten()
    }

    fn strip_colours(&mut self) {
        for spec in self.specs.values_mut() {
            spec.fg = None;
            spec.bg = None;
        }
    }
}

#[cfg(test)]
mod tests;
