//! Resolution, merging and help rows of [`Keymap`].

use super::*;

fn k(s: &str) -> Key {
    s.parse().unwrap()
}

fn default_map() -> Keymap {
    let (map, warnings) = Keymap::preset(Preset::Default);
    assert!(warnings.is_empty(), "{warnings:?}");
    map
}

const REVIEW: &[&str] = &["promotion.review", "promotion", "list", "global"];

/// The default map with review and environment keys of the kind later features bind.
fn map_with_review_keys() -> Keymap {
    let mut map = default_map();
    let warnings = map.merge_str(
        "test.toml",
        "[promotion.review]\n\"a\" = \"approve\"\n[env]\n\"a\" = \"request-access\"\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    map
}

#[test]
fn first_context_in_the_chain_wins() {
    let map = map_with_review_keys();
    assert_eq!(map.resolve(REVIEW, k("a")), Some(Action::Approve));
    assert_eq!(
        map.resolve(&["env", "list", "global"], k("a")),
        Some(Action::RequestAccess)
    );
    assert_eq!(map.resolve(REVIEW, k("j")), Some(Action::MoveDown));
    assert_eq!(map.resolve(REVIEW, k("q")), Some(Action::Quit));
    assert_eq!(map.resolve(&["help", "global"], k("q")), Some(Action::Back));
    assert_eq!(map.resolve(REVIEW, k("F")), None);
    assert_eq!(map.resolve(&["global"], k("j")), None);
}

#[test]
fn events_resolve_like_their_keys() {
    let map = default_map();
    let event = k("shift-tab").to_event();
    assert_eq!(
        map.resolve_event(&["global"], &event),
        Some(Action::PrevTab)
    );
    assert_eq!(
        map.resolve_event(&["global"], &k("ctrl-z").to_event()),
        Some(Action::Suspend)
    );
}

#[test]
fn vim_adds_jumps_and_keeps_the_default() {
    let (vim, warnings) = Keymap::preset(Preset::Vim);
    assert!(warnings.is_empty(), "{warnings:?}");
    let chain = ["list", "global"];
    assert_eq!(vim.resolve(&chain, k("g")), Some(Action::Top));
    assert_eq!(vim.resolve(&chain, k("G")), Some(Action::Bottom));
    assert_eq!(vim.resolve(&chain, k("ctrl-d")), Some(Action::PageDown));
    assert_eq!(vim.resolve(&chain, k("j")), Some(Action::MoveDown));
    assert_eq!(default_map().resolve(&chain, k("g")), None);
}

#[test]
fn user_entries_override_unbind_and_warn() {
    let user = r#"
        [global]
        "q" = "none"
        "ctrl-q" = "quit"
        "x" = "frobnicate"
        "hyper-x" = "quit"
        [list]
        "j" = "move-up"
        [logs]
        "?" = "none"
        [nowhere]
        "a" = "quit"
        [env]
        "b" = 3
    "#;
    let (map, warnings) = Keymap::with_user(Preset::Default, "user.toml", user);
    let chain = ["list", "global"];
    assert_eq!(map.resolve(&chain, k("q")), None);
    assert_eq!(map.resolve(&chain, k("ctrl-q")), Some(Action::Quit));
    assert_eq!(map.resolve(&chain, k("j")), Some(Action::MoveUp));
    assert_eq!(
        map.resolve(&chain, k("k")),
        Some(Action::MoveUp),
        "untouched keys stay"
    );
    // An unbinding in an inner context hides the outer binding there only.
    assert_eq!(map.resolve(&["logs", "global"], k("?")), None);
    assert_eq!(map.resolve(&["list", "global"], k("?")), Some(Action::Help));
    // Valid entries next to broken ones are kept; the broken ones are reported.
    assert_eq!(
        map.resolve(&["env", "global"], k("b")),
        Some(Action::BlueprintUsage),
        "an invalid entry leaves the key as it was"
    );
    assert_eq!(
        map.resolve(&["env", "list", "global"], k("v")),
        Some(Action::ToggleLayout)
    );
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 4, "{text:#?}");
    assert!(
        text.iter()
            .any(|w| w.contains("[global] \"x\": \"frobnicate\" is not an action"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("\"hyper-x\": \"hyper\" is not a modifier"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("[nowhere]: unknown context"))
    );
    assert!(
        text.iter()
            .any(|w| w.contains("[env] \"b\": expected an action name"))
    );
    assert!(text.iter().all(|w| w.starts_with("keymap user.toml")));
}

#[test]
fn broken_toml_keeps_the_default() {
    let (map, warnings) = Keymap::with_user(Preset::Default, "bad.toml", "[global\nq = ");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].to_string().contains("is not valid TOML"));
    assert_eq!(map, default_map());
}

#[test]
fn top_level_bindings_are_reported() {
    let (_, warnings) = Keymap::with_user(Preset::Default, "u", "q = \"quit\"");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("outside any context"));
}

#[test]
fn missing_user_file_is_silent_and_present_one_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("keys.toml");
    let (map, warnings) = Keymap::load(Preset::Default, Some(&missing));
    assert!(warnings.is_empty());
    assert_eq!(map, default_map());
    std::fs::write(&missing, "[global]\n\"Q\" = \"quit\"\n").unwrap();
    let (map, warnings) = Keymap::load(Preset::Default, Some(&missing));
    assert!(warnings.is_empty());
    assert_eq!(map.resolve(&["global"], k("Q")), Some(Action::Quit));
    let (_, warnings) = Keymap::load(Preset::Default, Some(dir.path()));
    assert_eq!(warnings.len(), 1, "a directory cannot be read as a file");
}

#[test]
fn help_rows_shadow_outer_contexts_and_follow_action_order() {
    let (map, _) = Keymap::with_user(Preset::Default, "u", "[help]\n\"ctrl-c\" = \"none\"\n");
    let rows = map.bindings_for(&["help", "global"]);
    let q: Vec<_> = rows.iter().filter(|r| r.key_name == "q").collect();
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].action, q[0].context.as_str()), (Action::Back, "help"));
    assert!(
        rows.iter().all(|r| r.key_name != "ctrl-c"),
        "unbound keys are not shown"
    );
    assert!(
        rows.iter().all(|r| r.action != Action::Quit),
        "quit is shadowed here"
    );
    let positions: Vec<_> = rows
        .iter()
        .map(|r| Action::ALL.iter().position(|&a| a == r.action))
        .collect();
    assert!(positions.is_sorted());
    assert_eq!(
        map.keys_for(&["help", "global"], Action::Back),
        [k("?"), k("q"), k("esc")]
    );
    assert_eq!(
        rows.iter()
            .find(|r| r.action == Action::Back)
            .unwrap()
            .description,
        Action::Back.description()
    );
}

#[test]
fn context_chains_walk_up_the_dots() {
    assert_eq!(
        context_chain("promotion.review"),
        ["promotion.review", "promotion", "global"]
    );
    assert_eq!(context_chain("global"), ["global"]);
    assert_eq!(context_chain("logs"), ["logs", "global"]);
}

#[test]
fn presets_are_named() {
    for &p in Preset::ALL {
        assert_eq!(Preset::from_name(p.name()), Some(p));
    }
    assert_eq!(Preset::from_name("emacs"), None);
}

proptest::proptest! {
    #[test]
    fn any_user_entry_is_either_kept_or_reported(
        context in proptest::sample::select(vec!["global", "list", "logs", "promotion.review", "bogus"]),
        key in "[a-zA-Z?/:-]{1,3}|(ctrl|alt|shift)-[a-z]|f[0-9]{1,2}",
        action in proptest::sample::select(
            Action::ALL.iter().map(|a| a.name()).chain(["none", "nope"]).collect::<Vec<_>>()
        ),
    ) {
        let text = format!("[{context}]\n{key:?} = {action:?}\n");
        let (map, warnings) = Keymap::with_user(Preset::Default, "user.toml", &text);
        let chain = context_chain(context);
        match key.parse::<Key>() {
            Ok(k) if warnings.is_empty() => {
                proptest::prop_assert_eq!(map.resolve(&chain, k), Action::from_name(action));
            }
            _ => {
                proptest::prop_assert_eq!(warnings.len(), 1);
                proptest::prop_assert_eq!(map, default_map());
            }
        }
    }
}
