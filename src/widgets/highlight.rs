//! Syntax highlighting of YAML (Settings values, Manifests) with syntect, into classes
//! the theme styles (`syntax.key`, `syntax.string`, …), so a highlighted document follows
//! the theme and `NO_COLOR` like everything else.
//!
//! Highlighting is done once, off the UI task, when the document arrives (the runner
//! calls [`highlight_yaml`]); render only maps classes to styles. The syntax set is loaded
//! on first use, never at start-up.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};

/// What a piece of highlighted text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    Plain,
    Key,
    String,
    Number,
    Keyword,
    Comment,
    Punctuation,
    /// An added line of a diff.
    Inserted,
    /// A removed line of a diff.
    Deleted,
    /// A diff's file and hunk headers.
    DiffHeader,
}

impl Syntax {
    /// The theme token that styles this class.
    pub fn token(self) -> &'static str {
        match self {
            Syntax::Plain => "text",
            Syntax::Key => "syntax.key",
            Syntax::String => "syntax.string",
            Syntax::Number => "syntax.number",
            Syntax::Keyword => "syntax.keyword",
            Syntax::Comment => "syntax.comment",
            Syntax::Punctuation => "syntax.punctuation",
            Syntax::Inserted => "diff.plus",
            Syntax::Deleted => "diff.minus",
            Syntax::DiffHeader => "diff.header",
        }
    }

    /// The class of the innermost scope that says something.
    fn of(stack: &ScopeStack) -> Syntax {
        // A diff line's class covers its marker and everything in it.
        for scope in stack.as_slice().iter().rev() {
            let name = scope.build_string();
            if name.starts_with("markup.inserted") {
                return Syntax::Inserted;
            } else if name.starts_with("markup.deleted") {
                return Syntax::Deleted;
            } else if name.starts_with("meta.diff") {
                return Syntax::DiffHeader;
            }
        }
        for scope in stack.as_slice().iter().rev() {
            let name = scope.build_string();
            let class = if name.starts_with("comment") {
                Syntax::Comment
            } else if name.starts_with("entity.name.tag") {
                Syntax::Key
            } else if name.starts_with("string") {
                Syntax::String
            } else if name.starts_with("constant.numeric") {
                Syntax::Number
            } else if name.starts_with("constant.language")
                || name.starts_with("keyword")
                || name.starts_with("storage")
            {
                Syntax::Keyword
            } else if name.starts_with("punctuation") {
                Syntax::Punctuation
            } else {
                continue;
            };
            return class;
        }
        Syntax::Plain
    }
}

/// A document split into lines of classified pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlighted {
    pub lines: Vec<Vec<(Syntax, String)>>,
}

impl Highlighted {
    /// The text without classes, one string per line.
    pub fn plain_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.lines
            .iter()
            .map(|l| l.iter().map(|(_, t)| t.as_str()).collect())
    }

    /// Unhighlighted text, one plain piece per line.
    pub fn plain(text: &str) -> Highlighted {
        Highlighted {
            lines: text
                .lines()
                .map(|l| vec![(Syntax::Plain, l.to_string())])
                .collect(),
        }
    }
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Highlights YAML. Text syntect cannot parse is returned plain rather than lost.
pub fn highlight_yaml(text: &str) -> Highlighted {
    highlight(text, |set| set.find_syntax_by_extension("yaml"))
}

/// Highlights a unified diff with syntect's "Diff" syntax: added, removed and header
/// lines get their own classes.
pub fn highlight_diff(text: &str) -> Highlighted {
    highlight(text, |set| set.find_syntax_by_name("Diff"))
}

fn highlight(
    text: &str,
    pick: impl FnOnce(&SyntaxSet) -> Option<&syntect::parsing::SyntaxReference>,
) -> Highlighted {
    let set = syntaxes();
    let Some(syntax) = pick(set) else {
        return Highlighted::plain(text);
    };
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut lines = Vec::new();
    for line in text.lines() {
        let with_newline = format!("{line}\n");
        let Ok(ops) = state.parse_line(&with_newline, set) else {
            return Highlighted::plain(text);
        };
        let mut pieces: Vec<(Syntax, String)> = Vec::new();
        let mut at = 0;
        let push = |class: Syntax, piece: &str, pieces: &mut Vec<(Syntax, String)>| {
            if piece.is_empty() {
                return;
            }
            match pieces.last_mut() {
                Some((last, text)) if *last == class => text.push_str(piece),
                _ => pieces.push((class, piece.to_string())),
            }
        };
        for (offset, op) in ops {
            let end = offset.min(line.len());
            if end > at {
                push(Syntax::of(&stack), &line[at..end], &mut pieces);
                at = end;
            }
            if stack.apply(&op).is_err() {
                return Highlighted::plain(text);
            }
        }
        if at < line.len() {
            push(Syntax::of(&stack), &line[at..], &mut pieces);
        }
        lines.push(pieces);
    }
    Highlighted { lines }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unified_diff_gets_added_removed_and_header_classes() {
        let h = highlight_diff(
            "--- a/values.yaml\n+++ b/values.yaml\n@@ -1,2 +1,2 @@\n-version: 2.4.0\n+version: 2.4.1\n replicas: 3\n",
        );
        assert_eq!(class_of(&h, "-version"), Syntax::Deleted);
        assert_eq!(class_of(&h, "+version"), Syntax::Inserted);
        assert_eq!(class_of(&h, "@@"), Syntax::DiffHeader);
        assert_eq!(h.lines.len(), 6);
    }

    fn class_of(h: &Highlighted, needle: &str) -> Syntax {
        h.lines
            .iter()
            .flatten()
            .find(|(_, t)| t.contains(needle))
            .map(|(c, _)| *c)
            .unwrap_or_else(|| panic!("{needle} not found in {h:?}"))
    }

    #[test]
    fn classifies_keys_strings_numbers_and_comments() {
        let h = highlight_yaml(
            "# tuned for stg\nreplicas: 3\nimage: \"ghcr.io/x:1.2\"\nenabled: true\n",
        );
        assert_eq!(h.lines.len(), 4);
        assert_eq!(class_of(&h, "tuned"), Syntax::Comment);
        assert_eq!(class_of(&h, "replicas"), Syntax::Key);
        assert_eq!(class_of(&h, "3"), Syntax::Number);
        assert_eq!(class_of(&h, "ghcr.io"), Syntax::String);
        assert_eq!(class_of(&h, "true"), Syntax::Keyword);
    }

    #[test]
    fn keeps_every_character() {
        let text = "a:\n  - b: 'c'\n  - d: [1, 2]\n\nlast: |\n  text # not a comment\n";
        let h = highlight_yaml(text);
        let back: Vec<String> = h.plain_lines().collect();
        assert_eq!(back, text.lines().collect::<Vec<_>>());
    }
}
