//! Token fallback, file merging and environment choice of [`Theme`] and [`Glyphs`].

use super::*;

fn theme(text: &str) -> (Theme, Vec<Warning>) {
    let mut theme = Theme::empty("test");
    let warnings = theme.merge_str("test.toml", text);
    (theme, warnings)
}

#[test]
fn tokens_fall_back_along_their_dots() {
    let (t, warnings) = theme(
        r##"
        base = { fg = "white", bg = "black" }
        log.level.warn = "11"
        [status]
        fg = "gray"
        mods = ["italic"]
        failed = { fg = "#ff0000", mods = ["bold", "no-italic"] }
        "##,
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let degraded = t.style("status.degraded");
    assert_eq!(degraded.fg, Some(Color::Gray));
    assert_eq!(
        degraded.bg,
        Some(Color::Black),
        "base fills what status leaves unset"
    );
    assert!(degraded.add_modifier.contains(Modifier::ITALIC));
    let failed = t.style("status.failed");
    assert_eq!(failed.fg, Some(Color::Rgb(255, 0, 0)));
    assert!(failed.add_modifier.contains(Modifier::BOLD));
    assert!(!failed.add_modifier.contains(Modifier::ITALIC));
    assert_eq!(t.style("log.level.warn").fg, Some(Color::Indexed(11)));
    assert_eq!(t.style("log.level.error").fg, Some(Color::White));
    assert_eq!(t.style("nothing.here"), t.style("base"));
    assert!(t.defines("status.paused"));
    assert!(!t.defines("diff.plus"));
    assert!(
        !t.defines("log.level.error"),
        "a parent made only of children sets nothing"
    );
}

#[test]
fn palette_names_are_colours() {
    let (t, warnings) = theme(
        r##"
        error = "alarm"
        [palette]
        alarm = "#cc0000"
        "##,
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(t.style("error").fg, Some(Color::Rgb(0xcc, 0, 0)));
}

#[test]
fn bad_entries_are_reported_and_good_ones_kept() {
    let (t, warnings) = theme(
        r##"
        title = "chartreuse-ish"
        frobnicator = "red"
        border = { fg = "blue", mods = ["blinking"] }
        selection = 7
        diff.plus = { bg = 3 }
        error = "red"
        "##,
    );
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 5, "{text:#?}");
    assert!(text.iter().all(|w| w.starts_with("theme test.toml ")));
    assert!(
        text.iter()
            .any(|w| w.contains("title: \"chartreuse-ish\" is not a colour"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("frobnicator: is not a theme token"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("border: \"blinking\" is not a modifier"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("selection: should be a colour or a table"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("diff.plus.bg: should be a colour in quotes"))
    );
    assert_eq!(
        t.style("border").fg,
        Some(Color::Blue),
        "the valid half of an entry is kept"
    );
    assert_eq!(t.style("error").fg, Some(Color::Red));
    assert!(!t.defines("title"));
}

#[test]
fn broken_toml_changes_nothing() {
    let (dark, _) = Theme::shipped("dark").unwrap();
    let mut t = dark.clone();
    let warnings = t.merge_str("mine.toml", "status = {");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("is not valid TOML"));
    assert_eq!(t, dark);
}

#[test]
fn user_file_merges_per_token() {
    let user = "status.failed = \"magenta\"\n[hint]\nkey = { mods = [\"italic\"] }\n";
    let (t, warnings) = Theme::for_environment(false, Some("dark"), Some(("user.toml", user)));
    assert!(warnings.is_empty(), "{warnings:?}");
    let (dark, _) = Theme::shipped("dark").unwrap();
    assert_eq!(t.style("status.failed").fg, Some(Color::Magenta));
    assert!(
        t.style("status.failed")
            .add_modifier
            .contains(Modifier::BOLD),
        "unnamed parts stay"
    );
    assert_eq!(t.style("hint.key").fg, dark.style("hint.key").fg);
    assert!(t.style("hint.key").add_modifier.contains(Modifier::ITALIC));
    assert_eq!(t.style("status.running"), dark.style("status.running"));
}

#[test]
fn no_color_picks_mono_and_drops_user_colours() {
    let user = "status.failed = { fg = \"red\", mods = [\"underlined\"] }";
    let (t, _) = Theme::for_environment(true, Some("dark"), Some(("user.toml", user)));
    assert_eq!(t.name(), "mono");
    assert_eq!(t.colours().count(), 0);
    assert!(
        t.style("status.failed")
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
    assert_eq!(t.style("status.failed").fg, None);
}

#[test]
fn unknown_theme_name_falls_back_with_a_warning() {
    let (t, warnings) = Theme::for_environment(false, Some("solarized"), None);
    assert_eq!(t.name(), DEFAULT_THEME);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].to_string().contains("no theme \"solarized\""));
}

#[test]
fn environment_reads_no_color_and_locale() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let env = Environment::from_vars(vars(&[("NO_COLOR", "1"), ("LANG", "en_GB.UTF-8")]));
    assert_eq!(
        env,
        Environment {
            no_color: true,
            utf8: true
        }
    );
    assert_eq!(env.glyphs(), &Glyphs::UNICODE);
    let env = Environment::from_vars(vars(&[("NO_COLOR", ""), ("LANG", "C")]));
    assert_eq!(
        env,
        Environment {
            no_color: false,
            utf8: false
        }
    );
    assert_eq!(env.glyphs(), &Glyphs::ASCII);
}

#[test]
fn locale_precedence_follows_posix() {
    assert!(locale_is_utf8(None, None, Some("en_US.UTF-8")));
    assert!(locale_is_utf8(None, None, Some("de_DE.utf8")));
    assert!(!locale_is_utf8(None, None, Some("C")));
    assert!(!locale_is_utf8(None, None, None));
    assert!(
        !locale_is_utf8(Some("C"), None, Some("en_US.UTF-8")),
        "LC_ALL wins"
    );
    assert!(
        locale_is_utf8(Some(""), Some("C.UTF-8"), Some("C")),
        "empty values are unset"
    );
    assert!(
        !locale_is_utf8(None, Some("POSIX"), Some("en_US.UTF-8")),
        "LC_CTYPE beats LANG"
    );
}

#[test]
fn glyph_sets_are_complete_and_distinct() {
    for glyphs in [&Glyphs::UNICODE, &Glyphs::ASCII] {
        let statuses: Vec<_> = [
            AppStatus::Running,
            AppStatus::Installing,
            AppStatus::Updating,
            AppStatus::Degraded,
            AppStatus::Failed,
            AppStatus::Paused,
            AppStatus::PendingApproval,
            AppStatus::Unknown,
        ]
        .into_iter()
        .map(|s| glyphs.status(s))
        .collect();
        let unique: std::collections::HashSet<_> = statuses.iter().collect();
        assert_eq!(unique.len(), statuses.len(), "{statuses:?}");
        assert!(glyphs.all().iter().all(|g| !g.is_empty()));
        assert_eq!(
            glyphs.spinner_frame(glyphs.spinner.len()),
            glyphs.spinner[0]
        );
    }
    assert!(Glyphs::ASCII.all().iter().all(|g| g.is_ascii()));
    assert_eq!(Glyphs::UNICODE.status(AppStatus::Running), "●");
}

#[test]
fn status_tokens_are_tokens() {
    for s in [
        AppStatus::Running,
        AppStatus::PendingApproval,
        AppStatus::Unknown,
    ] {
        assert!(TOKENS.iter().any(|(t, _)| *t == status_token(s)));
    }
    assert!(is_token_or_parent("log.level"));
    assert!(!is_token_or_parent("log.lev"));
}

proptest::proptest! {
    #[test]
    fn any_theme_entry_is_either_kept_or_reported(
        token in proptest::sample::select(TOKENS.iter().map(|(t, _)| *t).chain(["nope", "status.nope"]).collect::<Vec<_>>()),
        colour in "#[0-9a-f]{6}|[0-9]{1,3}|red|light-blue|dark-grey|[a-z]{3,6}",
    ) {
        let text = format!("{token:?} = {colour:?}\n");
        let (t, warnings) = theme(&text);
        if warnings.is_empty() {
            proptest::prop_assert!(t.defines(token));
            proptest::prop_assert!(t.style(token).fg.is_some());
        } else {
            proptest::prop_assert_eq!(warnings.len(), 1);
            proptest::prop_assert!(!t.defines(token));
        }
    }
}
