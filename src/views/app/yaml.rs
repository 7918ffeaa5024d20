//! Highlighted YAML (Settings values, rendered Manifests): a title line with the search
//! position, then numbered lines from the tab's scroll offset, every match of the `/`
//! search marked with the theme's `search.match`.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::render::{beside_scrollbar, scrollbar};
use super::tabs::{self, TabState, find_all};
use crate::ui::Ui;
use crate::widgets::highlight::{Highlighted, Syntax};
use crate::widgets::load::render_empty;
use crate::words;

/// Draws `yaml` under `title` in `area`, as `state` scrolls and searches it.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    title: &str,
    yaml: &Highlighted,
    state: &TabState,
) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let height = usize::from(body.height);
    let len = yaml.lines.len();
    let scroll = state.scroll.min(tabs::max_scroll(len, height));
    let query = state.filter.text.as_str();

    // Title on the left; search position and the lines on screen on the right.
    let mut right = Vec::new();
    if state.filter.is_active() {
        let matches = tabs::matching_lines(yaml, query);
        let text = match state
            .current_match
            .and_then(|l| matches.iter().position(|&m| m == l))
        {
            Some(i) => words::match_position(i + 1, matches.len()),
            None if matches.is_empty() => words::no_match_for(query),
            None => words::match_count(matches.len()),
        };
        let token = if matches.is_empty() {
            "warning"
        } else {
            "search.match"
        };
        right.push(Span::styled(format!(" {text} "), ui.style(token)));
        right.push(Span::raw("  "));
    }
    if len > 0 {
        let last = (scroll + height).min(len);
        right.push(Span::styled(
            words::lines_shown(scroll + 1, last, len),
            ui.style("text.dim"),
        ));
        right.push(Span::raw(" "));
    }
    let right_w: usize = right.iter().map(|s| s.content.width()).sum();
    let room = usize::from(head.width).saturating_sub(right_w + 1);
    let title = crate::widgets::text::fit(title, room, ui.glyphs.ellipsis);
    let gap = usize::from(head.width).saturating_sub(title.width() + 1 + right_w);
    let mut spans = vec![Span::styled(format!(" {title}"), ui.style("title"))];
    spans.push(Span::raw(" ".repeat(gap)));
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), head);

    if len == 0 {
        render_empty(frame, body, ui, words::EMPTY_YAML, words::EMPTY_YAML_NEXT);
        return;
    }
    let digits = len.to_string().len().max(3);
    let lines: Vec<Line> = yaml
        .lines
        .iter()
        .enumerate()
        .skip(scroll)
        .take(height)
        .map(|(i, pieces)| {
            let number_token = if state.current_match == Some(i) && state.filter.is_active() {
                "search.match"
            } else {
                "text.dim"
            };
            let mut spans = vec![
                Span::styled(format!(" {:>digits$} ", i + 1), ui.style(number_token)),
                Span::styled(ui.glyphs.separator, ui.style("border")),
                Span::raw(" "),
            ];
            let text: String = pieces.iter().map(|(_, t)| t.as_str()).collect();
            spans.extend(highlight(pieces, &find_all(&text, query), ui));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), beside_scrollbar(body, len));
    scrollbar(frame, body, ui, len, scroll);
}

/// The spans of one line, its classes styled and the `matches` (byte ranges of the whole
/// line) marked over them.
fn highlight(pieces: &[(Syntax, String)], matches: &[Range<usize>], ui: &Ui) -> Vec<Span<'static>> {
    let mark = ui.style("search.match");
    let mut out = Vec::new();
    let mut at = 0;
    for (syntax, text) in pieces {
        let (start, end) = (at, at + text.len());
        let style = ui.style(syntax.token());
        let mut cur = start;
        for m in matches.iter().filter(|m| m.start < end && m.end > start) {
            let (s, e) = (m.start.max(start), m.end.min(end));
            if s > cur {
                out.push(Span::styled(
                    text[cur - start..s - start].to_string(),
                    style,
                ));
            }
            out.push(Span::styled(text[s - start..e - start].to_string(), mark));
            cur = e;
        }
        if cur < end {
            out.push(Span::styled(text[cur - start..].to_string(), style));
        }
        at = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_across_two_classes_is_marked_in_both() {
        let ui = crate::views::testing::ui(false);
        let pieces = vec![
            (Syntax::Key, "replicas".to_string()),
            (Syntax::Punctuation, ":".to_string()),
            (Syntax::Plain, " ".to_string()),
            (Syntax::Number, "3".to_string()),
        ];
        let spans = highlight(&pieces, &find_all("replicas: 3", "cas: 3"), &ui);
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["repli", "cas", ":", " ", "3"]);
        let mark = ui.style("search.match");
        assert_eq!(spans[0].style, ui.style("syntax.key"));
        assert!(spans[1..].iter().all(|s| s.style == mark));
    }
}
