//! Overlays drawn over the view: help, the command palette, the persona switch, the
//! yes-or-no question before a change, the comment editor of a review and the sign-in
//! prompts (device flow; the realm's address and code field). They get keys first and
//! answer with an [`OverlayOutcome`]; they never reach into the view that opened them.

pub mod compose;
pub mod confirm;
pub mod help;
pub mod palette;
pub mod personas;
pub mod signin;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::Target;
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, RequestId};
use crate::keymap::Keymap;
use crate::msg::Data;
use crate::ui::Ui;

/// What an overlay did with a key.
#[derive(Debug, PartialEq)]
pub enum OverlayOutcome {
    /// Stay open (with effects).
    Stay(Vec<Effect>),
    /// Close.
    Close,
    /// Close every overlay and open `target`.
    Go(Target),
    /// Close and run `action` as if its key had been pressed in the view.
    Run(Action),
    /// Close and give up the sign-in under way (the operator pressed Esc in it).
    CancelSignIn,
    /// Close and sign in as this demo persona.
    SignInAs(String),
    /// Close; the operator answered yes to the question asked for `action`.
    Confirmed(Action),
    /// Close the comment editor opened for `action`: `send` the text, or not (then
    /// `text` is what is kept of it: empty once thrown away). `choices` holds the option
    /// chosen of each of the editor's choices (empty when it offered none).
    Composed {
        action: Action,
        text: String,
        send: bool,
        choices: Vec<usize>,
    },
}

/// An overlay on the stack.
#[derive(Debug)]
pub enum Overlay {
    Help(help::Help),
    Palette(Box<palette::Palette>),
    Personas(personas::Personas),
    /// A yes-or-no question before a change.
    Confirm(confirm::Confirm),
    /// The multi-line comment editor of a review.
    Compose(Box<compose::Compose>),
    /// The sign-in through the realm waits for the browser or a pasted code.
    Authorize(Box<signin::Authorize>),
    /// The device flow waits for the person.
    SignIn {
        verification_uri: String,
        user_code: String,
    },
}

impl Overlay {
    /// Help for the view whose context chain is `chain`.
    pub fn help(
        keymap: &Keymap,
        chain: &[&str],
        title: String,
        listed: &[Action],
        refused: &[(Action, String)],
    ) -> Overlay {
        Overlay::Help(help::Help::new(keymap, chain, title, listed, refused))
    }

    /// The command palette; it asks for the catalogue of names.
    pub fn palette(next_request: &mut u64, here: crate::views::Scope) -> (Overlay, Vec<Effect>) {
        let (p, effects) = palette::Palette::open(next_request, here);
        (Overlay::Palette(Box::new(p)), effects)
    }

    /// The persona switch; it asks for the list of personas.
    pub fn personas(next_request: &mut u64, current: Option<String>) -> (Overlay, Vec<Effect>) {
        let (p, effects) = personas::Personas::open(next_request, current);
        (Overlay::Personas(p), effects)
    }

    /// The sign-in prompt.
    pub fn sign_in(verification_uri: String, user_code: String) -> Overlay {
        Overlay::SignIn {
            verification_uri,
            user_code,
        }
    }

    /// Whether this is the sign-in prompt.
    pub fn is_sign_in(&self) -> bool {
        matches!(self, Overlay::SignIn { .. } | Overlay::Authorize(_))
    }

    /// Whether this is the prompt for a support agent's ticket.
    pub fn is_ticket_prompt(&self) -> bool {
        matches!(self, Overlay::Compose(c) if c.action == crate::action::Action::SupportTicket)
    }

    /// The keymap contexts while the overlay is open.
    pub fn context(&self) -> &'static [&'static str] {
        match self {
            Overlay::Help(_) => &["help", "list", "global"],
            // Typing goes into the input; only the keys the palette handles itself count.
            Overlay::Palette(_) => &[],
            Overlay::Personas(_) => &["list", "global"],
            // Typing a name: every letter goes to the field.
            Overlay::Confirm(c) if c.typed.is_some() => &["global"],
            Overlay::Confirm(_) => &["confirm", "global"],
            // Typing goes into the text; the editor handles its own keys.
            Overlay::Compose(_) => &[],
            Overlay::SignIn { .. } => &["global"],
            // Typing goes into the code field; the copy key counts while it is empty.
            Overlay::Authorize(_) => &["list", "global"],
        }
    }

    /// The actions the key bar offers while the overlay is open.
    pub fn hints(&self) -> &'static [Action] {
        match self {
            Overlay::Help(_) => &[Action::MoveDown, Action::MoveUp, Action::Back],
            Overlay::Personas(_) => &[Action::MoveDown, Action::Open, Action::Back],
            // A name to type: Enter and Esc (the bar names them), letters go to the field.
            Overlay::Confirm(c) if c.typed.is_some() => &[Action::Back],
            Overlay::Confirm(_) => &[Action::Confirm, Action::Back],
            Overlay::Authorize(_) => &[Action::Copy, Action::Back],
            Overlay::Palette(_) | Overlay::Compose(_) | Overlay::SignIn { .. } => &[Action::Back],
        }
    }

    /// Whether the overlay animates (a spinner while its list loads).
    pub fn animates(&self) -> bool {
        match self {
            Overlay::Personas(p) => p.personas.animates(),
            _ => false,
        }
    }

    /// A key, with the action the keymap resolved for it along [`Overlay::context`].
    pub fn on_key(&mut self, key: KeyEvent, action: Option<Action>) -> OverlayOutcome {
        match self {
            Overlay::Help(h) => h.on_action(action),
            Overlay::Palette(p) => p.on_key(key),
            Overlay::Personas(p) => p.on_action(action),
            Overlay::Confirm(c) => c.on_key(key, action),
            Overlay::Compose(c) => c.on_key(key),
            Overlay::Authorize(a) => a.on_key(key, action),
            Overlay::SignIn { .. } => match action {
                Some(Action::Back) => OverlayOutcome::Close,
                Some(Action::Quit) => OverlayOutcome::Run(Action::Quit),
                _ => OverlayOutcome::Stay(Vec::new()),
            },
        }
    }

    /// Pasted text (the palette takes it as typed).
    pub fn paste(&mut self, text: &str) {
        match self {
            Overlay::Palette(p) => p.paste(text),
            Overlay::Compose(c) => c.paste(text),
            Overlay::Authorize(a) => a.paste(text),
            _ => {}
        }
    }

    /// An answer; `None` when the overlay did not wait for it.
    pub fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
    ) -> Option<Vec<Effect>> {
        match self {
            Overlay::Palette(p) => p.on_fetched(request, result),
            Overlay::Personas(p) => p.on_fetched(request, result),
            _ => None,
        }
    }

    /// Draws the overlay over `area` (the whole screen).
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        ui: &Ui,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        match self {
            Overlay::Help(h) => h.render(frame, area, ui),
            Overlay::Palette(p) => p.render(frame, area, ui),
            Overlay::Personas(p) => p.render(frame, area, ui, now),
            Overlay::Confirm(c) => c.render(frame, area, ui),
            Overlay::Compose(c) => c.render(frame, area, ui),
            Overlay::Authorize(a) => a.render(frame, area, ui),
            Overlay::SignIn {
                verification_uri,
                user_code,
            } => {
                let popup = centred(area, 64, 9);
                let lines = vec![
                    Line::styled("Sign in to continue", ui.style("title")),
                    Line::raw(""),
                    Line::from(vec![
                        Span::styled("Open  ", ui.style("text.dim")),
                        Span::styled(verification_uri.clone(), ui.style("text")),
                    ]),
                    Line::from(vec![
                        Span::styled("Code  ", ui.style("text.dim")),
                        Span::styled(user_code.clone(), ui.style("title")),
                    ]),
                    Line::raw(""),
                    Line::styled(
                        "Waiting for the sign-in to be approved. The view is kept.",
                        ui.style("text.dim"),
                    ),
                ];
                frame.render_widget(Clear, popup);
                frame.render_widget(
                    Paragraph::new(lines)
                        .wrap(Wrap { trim: false })
                        .block(framed(ui, "Sign in")),
                    popup,
                );
            }
        }
    }
}

/// A popup of at most `width`×`height` in the middle of `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The bordered block of an overlay.
pub fn framed<'a>(ui: &Ui, title: &'a str) -> Block<'a> {
    Block::bordered()
        .border_set(ui.glyphs.border)
        .border_style(ui.style("border.focus"))
        .title(Span::styled(format!(" {title} "), ui.style("title")))
}
