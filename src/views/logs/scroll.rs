//! Where the log view stands: the geometry shared by update and render, follow and pause,
//! and scrolling by rows over lines that may wrap.
//!
//! While following, the screen is laid out from the newest line upwards. While paused,
//! it is laid out from [`Top`], a line's sequence number and a row inside it, so lines
//! arriving below never move it; when that line was dropped the screen starts at the top
//! of what is left (with the "lines dropped" marker), and when what follows it no longer
//! fills the screen it shows the last page. Every walk here touches only the lines it
//! passes over, and a line's wrapped rows are counted only when it is passed.

use super::LogView;
use super::ansi;
use super::buffer::LogLine;
use super::lens::Shown;

/// Rows the header takes above the lines.
pub const HEADER_ROWS: u16 = 1;
/// Columns of the time column (`10:00:01 `).
pub const TIME_COLUMNS: usize = 9;
/// Columns of the level column (`ERROR `).
pub const LEVEL_COLUMNS: usize = 6;

/// How the body is divided: rows of lines, the gutter columns and the text's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Rows of lines below the header.
    pub rows: usize,
    /// Columns left for the text, beside the gutter and the scrollbar.
    pub text: usize,
    /// Whether the time column is shown.
    pub time: bool,
    /// Whether the level column is shown.
    pub level: bool,
    /// Width of the phase/component column, without its trailing space (0: none).
    pub tag: usize,
}

impl Geometry {
    /// Columns the gutter takes before the text.
    pub fn gutter(&self) -> usize {
        let time = if self.time { TIME_COLUMNS } else { 0 };
        let level = if self.level { LEVEL_COLUMNS } else { 0 };
        let tag = if self.tag > 0 { self.tag + 1 } else { 0 };
        time + level + tag
    }
}

/// The first row on screen while paused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Top {
    /// The very top: the "lines dropped" marker when lines were dropped, else the first
    /// shown line.
    #[default]
    Start,
    /// Row `sub` of line `seq`.
    Line { seq: u64, sub: usize },
}

/// One row on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// "… N earlier lines dropped".
    Marker,
    /// Row `sub` of line `seq`.
    Line { seq: u64, sub: usize },
}

impl LogView {
    /// The geometry of a body `size` (columns, rows) with the view's toggles.
    pub fn geometry(&self, size: (u16, u16)) -> Geometry {
        let (width, height) = (usize::from(size.0), size.1);
        let names = self
            .buffer
            .phases
            .width()
            .max(self.buffer.components.width());
        let cap = if width >= 120 { 20 } else { 12 };
        let mut g = Geometry {
            rows: usize::from(height.saturating_sub(HEADER_ROWS)).max(1),
            text: 0,
            time: self.timestamps && self.buffer.has_time,
            level: self.buffer.has_level,
            tag: names.min(cap),
        };
        // The scrollbar takes the last column.
        g.text = width.saturating_sub(g.gutter() + 1).max(1);
        g
    }

    /// The shown lines (through the filters).
    pub fn shown(&self) -> Shown<'_> {
        Shown {
            buffer: &self.buffer,
            lens: &self.lens,
        }
    }

    fn marker(&self) -> bool {
        self.buffer.dropped() > 0
    }

    /// Rows `line` takes on screen.
    pub fn line_rows(&self, line: &LogLine, g: Geometry) -> usize {
        if self.wrap {
            ansi::count_rows(&line.plain(), g.text)
        } else {
            1
        }
    }

    /// The top of the screen when it shows the newest lines.
    fn bottom_top(&self, g: Geometry) -> Top {
        let shown = self.shown();
        let mut need = g.rows;
        for pos in (0..shown.len()).rev() {
            let Some(line) = shown.at(pos) else { break };
            let rows = self.line_rows(line, g);
            if rows >= need {
                return Top::Line {
                    seq: line.seq,
                    sub: rows - need,
                };
            }
            need -= rows;
        }
        self.normalize(Top::Start, g)
    }

    /// `top` made to name something still shown.
    fn normalize(&self, top: Top, g: Geometry) -> Top {
        let shown = self.shown();
        match top {
            Top::Start => match shown.at(0) {
                Some(first) if !self.marker() => Top::Line {
                    seq: first.seq,
                    sub: 0,
                },
                _ => Top::Start,
            },
            Top::Line { seq, .. } if seq < self.buffer.first_seq() => self.normalize(Top::Start, g),
            Top::Line { seq, sub } => match shown.at(shown.position_from(seq)) {
                None => self.bottom_top(g),
                Some(line) if line.seq == seq => Top::Line {
                    seq,
                    sub: sub.min(self.line_rows(line, g) - 1),
                },
                Some(line) => Top::Line {
                    seq: line.seq,
                    sub: 0,
                },
            },
        }
    }

    /// The rows from `top` on, at most `limit` of them.
    fn rows_from(&self, top: Top, g: Geometry, limit: usize) -> Vec<Row> {
        let shown = self.shown();
        let mut out = Vec::with_capacity(limit.min(1024));
        let (pos, mut sub) = match top {
            Top::Start => {
                if self.marker() {
                    out.push(Row::Marker);
                }
                (0, 0)
            }
            Top::Line { seq, sub } => (shown.position_from(seq), sub),
        };
        for line in shown.from(pos) {
            if out.len() >= limit {
                break;
            }
            let rows = self.line_rows(line, g);
            for s in sub..rows {
                if out.len() >= limit {
                    break;
                }
                out.push(Row::Line {
                    seq: line.seq,
                    sub: s,
                });
            }
            sub = 0;
        }
        out.truncate(limit);
        out
    }

    /// The first row on screen.
    pub fn screen_top(&self, g: Geometry) -> Top {
        if self.follow {
            return self.bottom_top(g);
        }
        let top = self.normalize(self.top, g);
        if self.rows_from(top, g, g.rows).len() >= g.rows {
            top
        } else {
            self.bottom_top(g)
        }
    }

    /// The rows on screen, top to bottom.
    pub fn screen(&self, g: Geometry) -> Vec<Row> {
        self.rows_from(self.screen_top(g), g, g.rows)
    }

    fn row_up(&self, top: Top, g: Geometry) -> Option<Top> {
        match top {
            Top::Start => None,
            Top::Line { seq, sub } if sub > 0 => Some(Top::Line { seq, sub: sub - 1 }),
            Top::Line { seq, .. } => {
                let shown = self.shown();
                let pos = shown.position_from(seq);
                if pos == 0 {
                    return self.marker().then_some(Top::Start);
                }
                let prev = shown.at(pos - 1)?;
                Some(Top::Line {
                    seq: prev.seq,
                    sub: self.line_rows(prev, g) - 1,
                })
            }
        }
    }

    fn row_down(&self, top: Top, g: Geometry) -> Option<Top> {
        let shown = self.shown();
        let (pos, sub) = match top {
            Top::Start => {
                let first = shown.at(0)?;
                return Some(Top::Line {
                    seq: first.seq,
                    sub: 0,
                });
            }
            Top::Line { seq, sub } => (shown.position_from(seq), sub),
        };
        let line = shown.at(pos)?;
        if sub + 1 < self.line_rows(line, g) {
            return Some(Top::Line {
                seq: line.seq,
                sub: sub + 1,
            });
        }
        shown.at(pos + 1).map(|next| Top::Line {
            seq: next.seq,
            sub: 0,
        })
    }

    /// Stops following, keeping the screen as it is.
    pub(super) fn pause(&mut self, g: Geometry) {
        if self.follow {
            self.top = self.bottom_top(g);
            self.follow = false;
            self.new_lines = 0;
        }
    }

    /// Follows the newest line again.
    pub(super) fn follow_again(&mut self) {
        self.follow = true;
        self.new_lines = 0;
    }

    /// Jumps to the oldest line held (paused).
    pub(super) fn jump_to_start(&mut self) {
        if self.follow {
            self.follow = false;
            self.new_lines = 0;
        }
        self.top = Top::Start;
    }

    /// Scrolls by `delta` rows (up when negative). Scrolling up pauses; scrolling down
    /// stops at the last page and never resumes following by itself.
    pub(super) fn scroll(&mut self, delta: isize, g: Geometry) {
        if self.follow && delta >= 0 {
            return;
        }
        let mut top = self.screen_top(g);
        self.pause(g);
        if delta < 0 {
            for _ in 0..delta.unsigned_abs() {
                match self.row_up(top, g) {
                    Some(t) => top = t,
                    None => break,
                }
            }
        } else {
            let last = self.bottom_top(g);
            for _ in 0..delta {
                if top == last {
                    break;
                }
                match self.row_down(top, g) {
                    Some(t) => top = t,
                    None => break,
                }
            }
        }
        self.top = top;
    }

    /// Shows line `seq` (paused): the screen stays when the line is on it, else the line
    /// comes a third of the way down.
    pub(super) fn reveal(&mut self, seq: u64, g: Geometry) {
        let on_screen = self
            .screen(g)
            .iter()
            .any(|r| matches!(r, Row::Line { seq: s, .. } if *s == seq));
        let was = self.screen_top(g);
        self.pause(g);
        if on_screen {
            self.top = was;
            return;
        }
        let mut top = Top::Line { seq, sub: 0 };
        for _ in 0..g.rows / 3 {
            match self.row_up(top, g) {
                Some(t) => top = t,
                None => break,
            }
        }
        self.top = top;
    }
}
