//! Selection, scrolling and the `/` filter of a list or grid: the parts every browsing
//! view shares. Pure data; views decide what the rows are.

/// The selected row and the first row on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    pub selected: usize,
    pub offset: usize,
}

impl ListState {
    /// Moves the selection by `delta` rows within `len` rows.
    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            return;
        }
        let next = self.selected as isize + delta;
        self.selected = next.clamp(0, len as isize - 1) as usize;
    }

    /// Applies a movement action over `len` rows, `page` rows a page; `false` when the
    /// action is not a movement.
    pub fn apply(&mut self, action: crate::action::Action, len: usize, page: usize) -> bool {
        use crate::action::Action;
        let page = page.max(1) as isize;
        let all = len as isize;
        let delta = match action {
            Action::MoveDown => 1,
            Action::MoveUp => -1,
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => -all,
            Action::Bottom => all,
            _ => return false,
        };
        self.step(delta, len);
        self.scroll_into_view(page as usize);
        true
    }

    /// Keeps the selection inside `len` rows (after the list shrank).
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }

    /// Puts the selection back on the row now at `at` (the item it was on, found again
    /// after the rows changed), else keeps it inside `len` rows.
    pub fn reselect(&mut self, at: Option<usize>, len: usize) {
        if let Some(at) = at {
            self.selected = at;
        }
        self.clamp(len);
    }

    /// Scrolls so the selection is among the `height` rows on screen.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

/// The `/` filter of a view: the text, and whether keys are being typed into it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub editing: bool,
}

impl Filter {
    /// Whether `haystack` passes (case-insensitive substring of any of the words typed).
    pub fn matches(&self, haystack: &str) -> bool {
        if self.text.is_empty() {
            return true;
        }
        let hay = haystack.to_lowercase();
        self.text
            .to_lowercase()
            .split_whitespace()
            .all(|word| hay.contains(word))
    }

    /// Whether a filter is set.
    pub fn is_active(&self) -> bool {
        !self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_inside_and_on_screen() {
        let mut l = ListState::default();
        l.step(-1, 5);
        assert_eq!(l.selected, 0);
        l.step(10, 5);
        assert_eq!(l.selected, 4);
        l.scroll_into_view(3);
        assert_eq!(l.offset, 2);
        l.step(-4, 5);
        l.scroll_into_view(3);
        assert_eq!(l.offset, 0);
        l.selected = 4;
        l.clamp(2);
        assert_eq!(l.selected, 1);
        l.step(1, 0);
        assert_eq!(l.selected, 0);
    }

    #[test]
    fn filter_words_all_have_to_match() {
        let f = Filter {
            text: "Pay STG".into(),
            editing: false,
        };
        assert!(f.matches("payment-rail digital-channels-stg"));
        assert!(!f.matches("payment-rail digital-channels-dev"));
        assert!(Filter::default().matches("anything"));
    }
}
