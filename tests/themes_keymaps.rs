//! Contract tests for the shipped themes and keymaps, and the environment choices
//! (NO_COLOR, non-UTF-8 locales) the console must honour everywhere.

use catalyst_tui::action::Action;
use catalyst_tui::keymap::{CONTEXTS, Key, Keymap, Preset, context_chain};
use catalyst_tui::theme::{Environment, Glyphs, SHIPPED, TOKENS, Theme};
use ratatui::style::{Color, Modifier};

#[test]
fn every_shipped_theme_parses_and_defines_every_token() {
    for (name, _) in SHIPPED {
        let (theme, warnings) = Theme::shipped(name).unwrap();
        assert!(warnings.is_empty(), "{name}: {warnings:#?}");
        for (token, _) in TOKENS {
            if *token != "base" {
                assert!(
                    theme.defines(token),
                    "theme {name} leaves {token} to the base style"
                );
            }
        }
    }
}

#[test]
fn shipped_colour_themes_use_only_the_16_ansi_colours() {
    for (name, _) in SHIPPED {
        let (theme, _) = Theme::shipped(name).unwrap();
        for colour in theme.colours() {
            assert!(
                !matches!(colour, Color::Rgb(..) | Color::Indexed(_)),
                "theme {name} uses {colour:?}, which 16-colour terminals lack"
            );
        }
    }
}

#[test]
fn shipped_themes_tell_every_status_apart() {
    let statuses: Vec<_> = TOKENS
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| t.starts_with("status."))
        .collect();
    for (name, _) in SHIPPED {
        let (theme, _) = Theme::shipped(name).unwrap();
        for (i, a) in statuses.iter().enumerate() {
            for b in &statuses[i + 1..] {
                let (sa, sb) = (theme.style(a), theme.style(b));
                assert_ne!(sa, sb, "theme {name}: {a} and {b} look the same");
            }
        }
        assert_ne!(theme.style("selection"), theme.style("text"), "{name}");
    }
}

#[test]
fn no_color_picks_mono_with_no_colour_at_all() {
    let env = Environment::from_vars(|name| (name == "NO_COLOR").then(|| "1".to_string()));
    assert!(env.no_color);
    let (theme, warnings) = Theme::for_environment(env.no_color, Some("high-contrast"), None);
    assert!(warnings.is_empty());
    assert_eq!(theme.name(), "mono");
    assert_eq!(theme.colours().count(), 0);
    for (token, _) in TOKENS {
        let style = theme.style(token);
        assert!(style.fg.is_none() && style.bg.is_none(), "{token}");
    }
    assert!(
        theme
            .style("selection")
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    let (theme, _) = Theme::for_environment(false, None, None);
    assert_eq!(theme.name(), "dark");
}

#[test]
fn lang_c_gets_ascii_glyphs_and_utf8_gets_unicode() {
    let c = Environment::from_vars(|name| (name == "LANG").then(|| "C".to_string()));
    assert!(!c.utf8);
    let glyphs = c.glyphs();
    assert!(
        glyphs.all().iter().all(|g| g.is_ascii()),
        "{:?}",
        glyphs.all()
    );
    assert_eq!(glyphs.border.top_left, "+");
    assert_eq!(Glyphs::for_locale(None, None, None), &Glyphs::ASCII);
    assert_eq!(
        Glyphs::for_locale(None, None, Some("en_US.UTF-8")),
        &Glyphs::UNICODE
    );
}

#[test]
fn every_shipped_keymap_parses_with_known_actions_and_contexts() {
    let known: Vec<_> = CONTEXTS.iter().map(|(c, _)| *c).collect();
    for &preset in Preset::ALL {
        let (keymap, warnings) = Keymap::preset(preset);
        assert!(warnings.is_empty(), "{}: {warnings:#?}", preset.name());
        for context in keymap.contexts() {
            assert!(
                known.contains(&context),
                "{} binds in unknown [{context}]",
                preset.name()
            );
        }
        // Every row is a real action whose name round-trips and whose key prints canonically.
        for context in keymap.contexts() {
            for row in keymap.bindings_for(&[context]) {
                assert_eq!(Action::from_name(row.action.name()), Some(row.action));
                assert_eq!(row.key_name.parse::<Key>().unwrap(), row.key);
            }
        }
    }
}

#[test]
fn every_context_can_quit_get_help_and_go_back() {
    for &preset in Preset::ALL {
        let (keymap, _) = Keymap::preset(preset);
        for (context, _) in CONTEXTS {
            let chain = context_chain(context);
            for action in [Action::Quit, Action::Help, Action::Back] {
                let keys = keymap.keys_for(&chain, action);
                // The help overlay closes with q and ?, so it quits only through ctrl-c.
                assert!(
                    !keys.is_empty(),
                    "{}: [{context}] has no key for {action}",
                    preset.name()
                );
                for key in keys {
                    assert_eq!(keymap.resolve(&chain, key), Some(action));
                }
            }
        }
    }
}

#[test]
fn every_available_action_has_a_key_and_no_other_is_bound() {
    let (keymap, _) = Keymap::preset(Preset::Default);
    let mut bound = std::collections::HashSet::new();
    for (context, _) in CONTEXTS {
        for row in keymap.bindings_for(&context_chain(context)) {
            bound.insert(row.action);
        }
    }
    let list_chain = ["list", "global"];
    for row in keymap.bindings_for(&list_chain) {
        bound.insert(row.action);
    }
    for action in Action::ALL {
        if action.is_available() {
            assert!(
                bound.contains(action),
                "{action} cannot be reached from any context"
            );
        } else {
            assert!(
                !bound.contains(action),
                "{action} is bound but the console cannot do it yet"
            );
        }
    }
}

#[test]
fn user_keymap_overrides_unbinds_and_warns_over_vim() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.toml");
    std::fs::write(
        &path,
        "[list]\n\"g\" = \"none\"\n\"ctrl-g\" = \"top\"\n\"z\" = \"zoom\"\n[global]\n\"ctrl-k\" = \"command-palette\"\n",
    )
    .unwrap();
    let (keymap, warnings) = Keymap::load(Preset::Vim, Some(&path));
    let chain = ["list", "global"];
    let key = |s: &str| s.parse::<Key>().unwrap();
    assert_eq!(keymap.resolve(&chain, key("g")), None);
    assert_eq!(keymap.resolve(&chain, key("ctrl-g")), Some(Action::Top));
    assert_eq!(
        keymap.resolve(&chain, key("G")),
        Some(Action::Bottom),
        "vim keys stay"
    );
    assert_eq!(
        keymap.resolve(&chain, key("ctrl-k")),
        Some(Action::CommandPalette)
    );
    assert_eq!(
        keymap.resolve(&chain, key(":")),
        Some(Action::CommandPalette)
    );
    assert_eq!(warnings.len(), 1);
    let warning = warnings[0].to_string();
    assert!(
        warning.contains("keys.toml")
            && warning.contains("[list]")
            && warning.contains("\"zoom\" is not an action"),
        "{warning}"
    );
    let hints = keymap.bindings_for(&chain);
    assert!(
        hints
            .iter()
            .any(|b| b.key_name == "ctrl-g" && b.action == Action::Top)
    );
    assert!(hints.iter().all(|b| b.key_name != "g"));
}

#[test]
fn user_theme_file_is_merged_over_the_requested_theme() {
    let user = "[status]\ndegraded = { fg = \"#ffaa00\" }\nmystery = \"red\"\n";
    let (theme, warnings) =
        Theme::for_environment(false, Some("light"), Some(("theme.toml", user)));
    assert_eq!(theme.name(), "light");
    assert_eq!(
        theme.style("status.degraded").fg,
        Some(Color::Rgb(0xff, 0xaa, 0))
    );
    let (light, _) = Theme::shipped("light").unwrap();
    assert_eq!(theme.style("status.failed"), light.style("status.failed"));
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .to_string()
            .contains("status.mystery: is not a theme token")
    );
}
