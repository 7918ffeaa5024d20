//! What render needs besides the state: the theme and the glyph set (UTF-8 or ASCII).
//! Built once at start-up; read-only while drawing. (The keymap lives in the state, since
//! `update` resolves keys with it.)

use ratatui::style::Style;

use crate::theme::{Glyphs, Theme};

/// The render context.
#[derive(Debug, Clone)]
pub struct Ui {
    pub theme: Theme,
    pub glyphs: &'static Glyphs,
}

impl Ui {
    /// The style of a semantic token.
    pub fn style(&self, token: &str) -> Style {
        self.theme.style(token)
    }
}
