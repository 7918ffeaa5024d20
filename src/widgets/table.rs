//! A scrolling table: a header and only the rows that are on screen, the selected one
//! highlighted. Views build just the visible rows and pass them in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Row, Table, TableState};

use crate::state::list::ListState;
use crate::ui::Ui;

/// How many rows fit under the header in `area`.
pub fn visible_rows(area: Rect) -> usize {
    area.height.saturating_sub(1) as usize
}

/// The range of row indices to build for `list` in `area`, over `len` rows.
pub fn window(list: &ListState, area: Rect, len: usize) -> std::ops::Range<usize> {
    let start = list.offset.min(len);
    let end = (start + visible_rows(area)).min(len);
    start..end
}

/// Draws `header` and the visible `rows` (already cut to [`window`]).
pub fn render_table(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    header: Row<'static>,
    widths: &[Constraint],
    rows: Vec<Row<'static>>,
    list: &ListState,
) {
    render_rows(
        frame,
        area,
        ui,
        header,
        widths,
        rows,
        list.selected.checked_sub(list.offset),
    );
}

/// Draws `header` and `rows` with the row at `selected` (among `rows`) highlighted, or
/// none (the selection is elsewhere on screen).
pub fn render_rows(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    header: Row<'static>,
    widths: &[Constraint],
    rows: Vec<Row<'static>>,
    selected: Option<usize>,
) {
    let table = Table::new(rows, widths.iter().copied())
        .header(header.style(ui.style("title")))
        .row_highlight_style(ui.style("selection"))
        .highlight_symbol(ui.glyphs.selected)
        .column_spacing(1);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}
