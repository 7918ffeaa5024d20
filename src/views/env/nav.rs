//! Moving the selection through the arranged cards (left/right in reading order, up/down
//! by rows keeping the column, across section boundaries) and scrolling so it stays on
//! screen. Pure arithmetic over the sections of a [`Derived`].

use super::layout::{Band, Derived, Geometry};

/// A move of the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The previous card in reading order.
    Back,
    /// The next card in reading order.
    Forward,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// Where the selection at display position `pos` goes with `mv`, in a grid of `cols`
/// columns; `page` card rows make a page. Up and down keep the column, crossing into the
/// neighbouring section's nearest row when the section ends.
pub fn step(d: &Derived, cols: usize, pos: usize, mv: Move, page: usize) -> usize {
    let len = d.order.len();
    if len == 0 {
        return 0;
    }
    let pos = pos.min(len - 1);
    match mv {
        Move::Back => pos.saturating_sub(1),
        Move::Forward => (pos + 1).min(len - 1),
        Move::Up => row_up(d, cols, pos),
        Move::Down => row_down(d, cols, pos),
        Move::PageUp => (0..page.max(1)).fold(pos, |p, _| row_up(d, cols, p)),
        Move::PageDown => (0..page.max(1)).fold(pos, |p, _| row_down(d, cols, p)),
        Move::Top => 0,
        Move::Bottom => len - 1,
    }
}

fn row_down(d: &Derived, cols: usize, pos: usize) -> usize {
    let cols = cols.max(1);
    let s = d.section_of(pos);
    let Some(sec) = d.sections.get(s) else {
        return pos;
    };
    let i = pos - sec.start;
    let (row, col) = (i / cols, i % cols);
    if (row + 1) * cols < sec.len {
        return sec.start + ((row + 1) * cols + col).min(sec.len - 1);
    }
    match d.sections.get(s + 1) {
        Some(next) => next.start + col.min(next.len - 1),
        None => pos,
    }
}

fn row_up(d: &Derived, cols: usize, pos: usize) -> usize {
    let cols = cols.max(1);
    let s = d.section_of(pos);
    let Some(sec) = d.sections.get(s) else {
        return pos;
    };
    let i = pos - sec.start;
    let (row, col) = (i / cols, i % cols);
    if row > 0 {
        return sec.start + (row - 1) * cols + col;
    }
    match s.checked_sub(1).and_then(|p| d.sections.get(p)) {
        Some(prev) => {
            let last_row = (prev.len - 1) / cols;
            prev.start + (last_row * cols + col).min(prev.len - 1)
        }
        None => pos,
    }
}

/// The first band to show so that band `target` is whole on a screen of `height` rows,
/// moving as little as possible from `offset`, showing a section's header with its
/// first row, and never leaving the screen half empty when there is more above.
pub fn scroll_to(d: &Derived, geo: Geometry, offset: usize, target: usize, height: u16) -> usize {
    let count = d.band_count(geo.cols);
    if count == 0 {
        return 0;
    }
    let target = target.min(count - 1);
    let offset = if target < offset {
        match target.checked_sub(1).and_then(|b| d.band(geo.cols, b)) {
            Some(Band::Header(_)) => target - 1,
            _ => target,
        }
    } else {
        offset.max(lowest_start(d, geo, target, height))
    };
    offset.min(lowest_start(d, geo, count - 1, height))
}

/// The smallest first band that still shows band `last` whole.
fn lowest_start(d: &Derived, geo: Geometry, last: usize, height: u16) -> usize {
    let mut first = last;
    let mut used = d.band(geo.cols, last).map_or(1, |b| b.height(geo));
    while first > 0 {
        let h = d.band(geo.cols, first - 1).map_or(1, |b| b.height(geo));
        if used + h > height {
            break;
        }
        used += h;
        first -= 1;
    }
    first
}
