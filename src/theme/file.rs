//! Reading theme files: the palette, token tables, colours and modifiers.
//!
//! Owns the translation from TOML to token specs and every warning a theme file can earn.
//! It must not decide which theme is used.

use std::str::FromStr;

use ratatui::style::{Color, Modifier};

use super::{Spec, Theme, Warning, is_token_or_parent};

const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("crossed-out", Modifier::CROSSED_OUT),
    ("slow-blink", Modifier::SLOW_BLINK),
    ("hidden", Modifier::HIDDEN),
];

struct Reader<'a> {
    source: &'a str,
    warnings: Vec<Warning>,
}

impl Reader<'_> {
    fn warn(&mut self, token: &str, message: String) {
        self.warnings.push(Warning {
            source: self.source.to_string(),
            token: (!token.is_empty()).then(|| token.to_string()),
            message,
        });
    }
}

impl Theme {
    /// Merges a theme file over this theme, token by token; anything invalid is skipped and
    /// reported, everything valid is kept.
    pub fn merge_str(&mut self, source: &str, text: &str) -> Vec<Warning> {
        let mut reader = Reader {
            source,
            warnings: Vec::new(),
        };
        let table = match text.parse::<toml::Table>() {
            Ok(table) => table,
            Err(e) => {
                reader.warn(
                    "",
                    format!("is not valid TOML, so none of it was used: {}", e.message()),
                );
                return reader.warnings;
            }
        };
        // The palette first, so tokens anywhere in the file can use its names.
        if let Some(palette) = table.get("palette") {
            self.read_palette(&mut reader, palette);
        }
        for (name, value) in table.iter().filter(|(name, _)| *name != "palette") {
            self.read_token(&mut reader, name, value);
        }
        reader.warnings
    }

    fn read_palette(&mut self, reader: &mut Reader<'_>, value: &toml::Value) {
        let Some(palette) = value.as_table() else {
            reader.warn("palette", "should be a table of colour names".to_string());
            return;
        };
        for (name, value) in palette {
            let token = format!("palette.{name}");
            match value.as_str().map(|text| self.colour(text)) {
                Some(Ok(colour)) => {
                    self.palette.insert(name.clone(), colour);
                }
                Some(Err(message)) => reader.warn(&token, message),
                None => reader.warn(&token, "should be a colour in quotes".to_string()),
            }
        }
    }

    fn read_token(&mut self, reader: &mut Reader<'_>, token: &str, value: &toml::Value) {
        if !is_token_or_parent(token) {
            reader.warn(
                token,
                "is not a theme token; skipped (see the tokens list in the docs)".to_string(),
            );
            return;
        }
        let mut spec = Spec::default();
        // A table holding only deeper tokens (`[log.level]`) sets nothing itself.
        let mut styled = true;
        match value {
            toml::Value::String(text) => match self.colour(text) {
                Ok(colour) => spec.fg = Some(colour),
                Err(message) => return reader.warn(token, message),
            },
            toml::Value::Table(table) => {
                styled = table
                    .keys()
                    .any(|k| matches!(k.as_str(), "fg" | "bg" | "mods"));
                for (key, value) in table {
                    match key.as_str() {
                        "fg" | "bg" => match value.as_str().map(|text| self.colour(text)) {
                            Some(Ok(colour)) if key == "fg" => spec.fg = Some(colour),
                            Some(Ok(colour)) => spec.bg = Some(colour),
                            Some(Err(message)) => reader.warn(&format!("{token}.{key}"), message),
                            None => reader.warn(
                                &format!("{token}.{key}"),
                                "should be a colour in quotes".to_string(),
                            ),
                        },
                        "mods" => read_modifiers(reader, token, value, &mut spec),
                        _ => self.read_token(reader, &format!("{token}.{key}"), value),
                    }
                }
            }
            other => {
                return reader.warn(
                    token,
                    format!(
                        "should be a colour or a table with fg, bg and mods, not a {}",
                        other.type_str()
                    ),
                );
            }
        }
        if styled {
            self.specs.entry(token.to_string()).or_default().merge(spec);
        }
    }

    fn colour(&self, text: &str) -> Result<Color, String> {
        if let Some(&colour) = self.palette.get(text) {
            return Ok(colour);
        }
        Color::from_str(text).map_err(|_| {
            format!("\"{text}\" is not a colour (use a name such as light-blue, #rrggbb, 0-255, or a palette name)")
        })
    }
}

fn read_modifiers(reader: &mut Reader<'_>, token: &str, value: &toml::Value, spec: &mut Spec) {
    let Some(list) = value.as_array() else {
        return reader.warn(
            token,
            "mods should be a list such as [\"bold\"]".to_string(),
        );
    };
    for item in list {
        let Some(text) = item.as_str() else {
            reader.warn(token, "mods should contain names in quotes".to_string());
            continue;
        };
        let (remove, name) = match text.strip_prefix("no-") {
            Some(name) => (true, name),
            None => (false, text),
        };
        match MODIFIERS.iter().find(|(n, _)| *n == name) {
            Some(&(_, m)) if remove => spec.sub |= m,
            Some(&(_, m)) => spec.add |= m,
            None => {
                let names: Vec<_> = MODIFIERS.iter().map(|(n, _)| *n).collect();
                reader.warn(
                    token,
                    format!(
                        "\"{text}\" is not a modifier (use {}, or no-<name> to remove one)",
                        names.join(", ")
                    ),
                );
            }
        }
    }
}
