//! The sign-in through the Sovereign's realm (OpenID Connect) as an overlay: a title naming
//! the Sovereign or issuer, the authorization address as plain text wrapped over the full
//! width (so a terminal selection picks up nothing but the address), a one-line field for
//! the code the page shows, and what happened (waiting for the browser on the loopback
//! redirect, checking the code, why it was refused).
//!
//! Keys: typed characters and Backspace edit the field, Ctrl-U clears it; a paste replaces
//! it (sanitised: control characters and whitespace dropped, and a pasted redirect address
//! gives its `code`); Enter hands the code to the runner as [`Effect::SubmitCode`]; the
//! keymap's copy key (while the field is empty) or Ctrl-Y copies the address; Esc cancels.
//! A paste never submits (QUALITY S7).
//!
//! Must not show the code: the field is drawn as its first characters and a count, and
//! `Debug` leaves it out (QUALITY S1). Must not reach into the view underneath.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use zeroize::Zeroize as _;

use super::OverlayOutcome;
use crate::action::Action;
use crate::effect::{Effect, SignInCode};
use crate::msg::AuthorizePrompt;
use crate::ui::Ui;
use crate::words;

/// The longest code the field takes (Keycloak's are a few hundred characters).
const MAX_CODE: usize = 4_096;
/// How many characters of the code are shown.
const SHOWN: usize = 4;

/// The sign-in overlay's state.
pub struct Authorize {
    /// Who is signed in to: the Sovereign's name, else the issuer.
    pub name: String,
    /// The authorization address.
    pub url: String,
    /// The loopback redirect still waited on.
    pub loopback: Option<String>,
    /// A code was handed over and its answer has not come.
    pub submitting: bool,
    /// Why the last code was refused, or why the loopback stopped waiting.
    pub note: Option<String>,
    /// The address was copied.
    pub copied: bool,
    code: String,
}

impl std::fmt::Debug for Authorize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorize")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("loopback", &self.loopback)
            .field("submitting", &self.submitting)
            .field("note", &self.note)
            .field("code_chars", &self.code.chars().count())
            .finish()
    }
}

impl Drop for Authorize {
    fn drop(&mut self) {
        self.code.zeroize();
    }
}

impl Authorize {
    /// The overlay for `prompt`, titled with `sovereign` when it is known.
    pub fn new(prompt: AuthorizePrompt, sovereign: &str) -> Authorize {
        let name = if sovereign.is_empty() {
            prompt.issuer
        } else {
            sovereign.to_string()
        };
        Authorize {
            name,
            url: prompt.url,
            loopback: prompt.loopback,
            submitting: false,
            note: None,
            copied: false,
            code: String::new(),
        }
    }

    /// How many characters the field holds.
    pub fn code_chars(&self) -> usize {
        self.code.chars().count()
    }

    /// A key, with the action the keymap resolved for it.
    pub fn on_key(&mut self, key: KeyEvent, action: Option<Action>) -> OverlayOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return OverlayOutcome::CancelSignIn,
            KeyCode::Enter => return self.submit(),
            KeyCode::Char('c') if ctrl => return OverlayOutcome::Run(Action::Quit),
            KeyCode::Char('y') if ctrl => return self.copy(),
            KeyCode::Char('u') if ctrl => self.code.zeroize(),
            KeyCode::Backspace => {
                self.code.pop();
            }
            KeyCode::Char(_) if self.code.is_empty() && action == Some(Action::Copy) => {
                return self.copy();
            }
            KeyCode::Char(c)
                if !ctrl && !c.is_control() && !c.is_whitespace() && self.code.len() < MAX_CODE =>
            {
                self.code.push(c);
            }
            _ => {}
        }
        OverlayOutcome::Stay(Vec::new())
    }

    /// Pasted text replaces the field (a code is one token; a second paste after a
    /// refusal must not append to the first).
    pub fn paste(&mut self, text: &str) {
        self.code.zeroize();
        self.code = sanitise(text);
    }

    /// The identity provider refused the code: say why, keep the field.
    pub fn refused(&mut self, reason: &str) {
        self.submitting = false;
        self.note = Some(words::signin_refused(reason.trim_end_matches('.')));
    }

    /// The loopback redirect stopped waiting.
    pub fn loopback_ended(&mut self, reason: &str) {
        self.loopback = None;
        self.note = Some(words::signin_loopback_ended(reason.trim_end_matches('.')));
    }

    fn submit(&mut self) -> OverlayOutcome {
        if self.submitting || self.code.is_empty() {
            return OverlayOutcome::Stay(Vec::new());
        }
        self.submitting = true;
        self.note = None;
        OverlayOutcome::Stay(vec![Effect::SubmitCode(SignInCode::new(self.code.clone()))])
    }

    fn copy(&mut self) -> OverlayOutcome {
        self.copied = true;
        OverlayOutcome::Stay(vec![Effect::Copy(self.url.clone())])
    }

    /// Draws the overlay over the full width of `area`, the address wrapped at the edge.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let width = usize::from(area.width.max(1));
        let dim = ui.style("text.dim");
        let mut lines = vec![Line::styled(words::SIGNIN_OPEN, ui.style("text"))];
        let chars: Vec<char> = self.url.chars().collect();
        for chunk in chars.chunks(width) {
            lines.push(Line::styled(
                chunk.iter().collect::<String>(),
                ui.style("title"),
            ));
        }
        lines.push(Line::raw(""));
        lines.push(match &self.loopback {
            Some(uri) => Line::styled(words::signin_waiting(uri), ui.style("text")),
            None => Line::styled(words::SIGNIN_PASTE_OOB, ui.style("text")),
        });
        let shown = if self.code.is_empty() {
            Span::styled(words::SIGNIN_CODE_EMPTY, dim)
        } else {
            let first: String = self.code.chars().take(SHOWN).collect();
            Span::styled(
                words::signin_code_shown(&first, self.code_chars()),
                ui.style("text"),
            )
        };
        lines.push(Line::from(vec![
            Span::styled(words::SIGNIN_CODE_LABEL, dim),
            Span::styled("› ", ui.style("title")),
            shown,
        ]));
        if self.submitting {
            lines.push(Line::styled(words::SIGNIN_CHECKING, dim));
        } else if let Some(note) = &self.note {
            lines.push(Line::styled(note.clone(), ui.style("error")));
        } else if self.copied {
            lines.push(Line::styled(words::SIGNIN_COPIED, dim));
        }
        lines.push(Line::styled(words::SIGNIN_KEYS, dim));
        // Long notes wrap: count their rows.
        let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
        let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
        let popup = Rect {
            x: area.x,
            y: area.y + (area.height - height) / 2,
            width: area.width,
            height,
        };
        let title = words::signin_title(&self.name);
        // Top and bottom borders only: nothing but the address on its rows.
        let block = Block::new()
            .borders(Borders::TOP | Borders::BOTTOM)
            .border_set(ui.glyphs.border)
            .border_style(ui.style("border.focus"))
            .title(Span::styled(format!(" {title} "), ui.style("title")));
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(block),
            popup,
        );
    }
}

/// What a paste puts in the field: a redirect address gives its `code`; otherwise the
/// text without control characters and whitespace, capped at [`MAX_CODE`] bytes.
pub fn sanitise(text: &str) -> String {
    let mut clean: String = text
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && !is_invisible(*c))
        .collect();
    if clean.contains("code=")
        && let Ok(url) = reqwest::Url::parse(&clean)
        && let Some((_, code)) = url.query_pairs().find(|(k, _)| k == "code")
    {
        let code = sanitise(&code);
        clean.zeroize();
        return code;
    }
    let mut end = clean.len().min(MAX_CODE);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean.truncate(end);
    clean
}

/// Format characters that reorder or hide text (bidi controls, zero-width marks).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
#[path = "signin_tests.rs"]
mod tests;
