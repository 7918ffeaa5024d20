//! Glyph sets: status marks, borders, spinner frames and small symbols, in UTF-8 and ASCII.
//!
//! Owns the choice between them from the locale. A terminal in a non-UTF-8 locale (`LANG=C`,
//! serial consoles, some jump hosts) shows mojibake for box drawing, so everything drawn
//! must come from here. It must not read the environment itself: callers pass the values.

use ratatui::symbols::border;

use crate::model::application::AppStatus;

/// The symbols a view draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    /// Panel borders.
    pub border: border::Set<'static>,
    /// Spinner frames, shown in turn while something loads.
    pub spinner: &'static [&'static str],
    /// Marks the selected row.
    pub selected: &'static str,
    /// Ends text cut to fit.
    pub ellipsis: &'static str,
    /// Separates breadcrumbs (`org › env › app`).
    pub breadcrumb: &'static str,
    /// Separates items in the status bar.
    pub separator: &'static str,
    /// Separates items within a line of text (`2 reviews · 1 access request`).
    pub dot: &'static str,
    /// A check that passed (policy rule met).
    pub check: &'static str,
    /// A check that failed.
    pub cross: &'static str,
    /// A collapsed group.
    pub collapsed: &'static str,
    /// An expanded group.
    pub expanded: &'static str,
    /// Scrollbar track.
    pub scroll_track: &'static str,
    /// Scrollbar thumb.
    pub scroll_thumb: &'static str,
    /// Status marks, in the order of [`Glyphs::status`].
    status: [&'static str; 8],
}

/// Borders drawn with `+`, `-` and `|`.
const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Glyphs {
    /// Symbols for UTF-8 terminals.
    pub const UNICODE: Glyphs = Glyphs {
        border: border::ROUNDED,
        spinner: &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
        selected: "▶",
        ellipsis: "…",
        breadcrumb: "›",
        separator: "│",
        dot: "·",
        check: "✓",
        cross: "✗",
        collapsed: "▸",
        expanded: "▾",
        scroll_track: "│",
        scroll_thumb: "█",
        status: ["●", "◐", "◑", "◒", "◓", "○", "◔", "?"],
    };

    /// Symbols for every other terminal: printable ASCII only.
    pub const ASCII: Glyphs = Glyphs {
        border: ASCII_BORDER,
        spinner: &["|", "/", "-", "\\"],
        selected: ">",
        ellipsis: "...",
        breadcrumb: ">",
        separator: "|",
        dot: "|",
        check: "v",
        cross: "x",
        collapsed: "+",
        expanded: "-",
        scroll_track: "|",
        scroll_thumb: "#",
        status: ["*", "+", "^", "!", "X", "-", "~", "?"],
    };

    /// The set for a locale, given the values of `LC_ALL`, `LC_CTYPE` and `LANG`.
    pub fn for_locale(
        lc_all: Option<&str>,
        lc_ctype: Option<&str>,
        lang: Option<&str>,
    ) -> &'static Glyphs {
        if locale_is_utf8(lc_all, lc_ctype, lang) {
            &Glyphs::UNICODE
        } else {
            &Glyphs::ASCII
        }
    }

    /// The set for this process's locale.
    pub fn from_env() -> &'static Glyphs {
        let var = |name| std::env::var(name).ok();
        Glyphs::for_locale(
            var("LC_ALL").as_deref(),
            var("LC_CTYPE").as_deref(),
            var("LANG").as_deref(),
        )
    }

    /// The mark of an application status; each status has its own shape so it reads
    /// without colour.
    pub fn status(&self, status: AppStatus) -> &'static str {
        let index = match status {
            AppStatus::Running => 0,
            AppStatus::Installing => 1,
            AppStatus::Updating => 2,
            AppStatus::Degraded => 3,
            AppStatus::Failed => 4,
            AppStatus::Paused => 5,
            AppStatus::PendingApproval => 6,
            AppStatus::Unknown => 7,
        };
        self.status[index]
    }

    /// The spinner frame for animation step `step`.
    pub fn spinner_frame(&self, step: usize) -> &'static str {
        self.spinner
            .get(step % self.spinner.len().max(1))
            .copied()
            .unwrap_or("")
    }

    /// Every symbol in the set, for checks such as "ASCII only".
    pub fn all(&self) -> Vec<&'static str> {
        let b = &self.border;
        let mut all = vec![
            b.top_left,
            b.top_right,
            b.bottom_left,
            b.bottom_right,
            b.vertical_left,
            b.vertical_right,
            b.horizontal_top,
            b.horizontal_bottom,
            self.selected,
            self.ellipsis,
            self.breadcrumb,
            self.separator,
            self.dot,
            self.check,
            self.cross,
            self.collapsed,
            self.expanded,
            self.scroll_track,
            self.scroll_thumb,
        ];
        all.extend(self.spinner);
        all.extend(self.status);
        all
    }
}

/// Whether the character-type locale is UTF-8. POSIX precedence: the first non-empty of
/// `LC_ALL`, `LC_CTYPE`, `LANG` decides; none at all means the `C` locale.
pub fn locale_is_utf8(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> bool {
    [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}
