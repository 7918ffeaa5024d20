//! Pure update tests of the realm's sign-in overlay: pastes sanitised and never
//! submitting, Enter handing the code over as a secret, Esc cancelling, a refusal keeping
//! the field, the code never on screen nor in `Debug`, and its snapshot at 80×24.

use super::*;
use crate::msg::{Msg, SignInMsg};
use crate::state::{Input, Session, State, update};
use crate::views::testing::{now, screen};

const URL: &str = "https://auth.bankdhofar.example/realms/sovereign/protocol/openid-connect/auth?\
    response_type=code&client_id=kubectl&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&\
    scope=openid&state=q8Xk2LmPz0aBcD1eFgH3iJ&nonce=Nn4oPq5rSt6uVw7xYz8AbC&\
    code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
const CODE: &str = "SplxlOBeZQQYbYS6WxSbIA.7f3a-c0de-SECRET";

/// A console not signed in yet whose realm sign-in shows its prompt.
fn prompted(loopback: Option<&str>) -> State {
    let (keymap, _) = crate::keymap::Keymap::preset(crate::keymap::Preset::Default);
    let session = Session {
        signing_in: true,
        ..Session::default()
    };
    let mut s = State::new(keymap, session, (80, 24), now());
    let prompt = AuthorizePrompt {
        issuer: "https://auth.bankdhofar.example/realms/sovereign".into(),
        url: URL.into(),
        loopback: loopback.map(str::to_string),
    };
    msg(&mut s, SignInMsg::Authorize(prompt));
    s
}

fn msg(s: &mut State, m: SignInMsg) -> Vec<Effect> {
    update(s, Input::Msg(Msg::SignIn(m)), now())
}

fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for k in crate::app::headless::parse_keys(keys).unwrap() {
        effects.extend(update(s, Input::Key(k.to_event()), now()));
    }
    effects
}

fn paste(s: &mut State, text: &str) -> Vec<Effect> {
    update(s, Input::Paste(text.into()), now())
}

fn overlay(s: &State) -> &Authorize {
    match s.overlays.last() {
        Some(Overlay::Authorize(a)) => a,
        other => panic!("no sign-in overlay: {other:?}"),
    }
}

use super::super::Overlay;

#[test]
fn a_paste_is_sanitised_and_never_submits() {
    let mut s = prompted(None);
    let effects = paste(&mut s, &format!(" \u{1b}\u{7}{CODE}\u{202e}\t\r\n"));
    assert!(effects.is_empty(), "a paste with Enter must not submit");
    assert_eq!(overlay(&s).code, CODE);
    // A second paste replaces the first.
    paste(&mut s, "abc\ndef");
    assert_eq!(overlay(&s).code, "abcdef");
    // A pasted redirect address gives its code.
    paste(
        &mut s,
        &format!("http://localhost:8000/?state=x&code={CODE}"),
    );
    assert_eq!(overlay(&s).code, CODE);
    assert_eq!(sanitise(&"x".repeat(MAX_CODE + 10)).len(), MAX_CODE);
}

#[test]
fn enter_hands_the_code_over_as_a_secret_once() {
    let mut s = prompted(None);
    assert!(press(&mut s, "enter").is_empty(), "nothing to submit yet");
    paste(&mut s, CODE);
    let effects = press(&mut s, "enter");
    assert_eq!(
        effects,
        vec![Effect::SubmitCode(SignInCode::new(CODE.into()))]
    );
    assert!(overlay(&s).submitting);
    assert!(press(&mut s, "enter").is_empty(), "one answer at a time");
    for text in [
        format!("{effects:?}"),
        format!("{:?}", s.overlays),
        format!("{s:?}"),
    ] {
        assert!(!text.contains(CODE) && !text.contains("SECRET"), "{text}");
    }
}

#[test]
fn a_refused_code_keeps_the_prompt_and_the_field() {
    let mut s = prompted(None);
    paste(&mut s, CODE);
    press(&mut s, "enter");
    msg(
        &mut s,
        SignInMsg::Refused {
            reason: "the identity provider refused the code: invalid_grant".into(),
        },
    );
    let a = overlay(&s);
    assert!(!a.submitting);
    assert_eq!(a.code, CODE, "nothing lost");
    let shown = screen(&s, false);
    assert!(shown.contains("invalid_grant"), "{shown}");
    // Try again: the same code goes out again.
    assert_eq!(
        press(&mut s, "enter"),
        vec![Effect::SubmitCode(SignInCode::new(CODE.into()))]
    );
}

#[test]
fn esc_cancels_and_enter_signs_in_again() {
    let mut s = prompted(Some("http://localhost:8000"));
    paste(&mut s, CODE);
    assert_eq!(press(&mut s, "esc"), vec![Effect::CancelSignIn]);
    assert!(s.overlays.is_empty());
    assert!(!s.session.signing_in);
    assert_eq!(s.session.error.as_deref(), Some(words::SIGNIN_CANCELLED));
    let shown = screen(&s, false);
    assert!(shown.contains("Press Enter to sign in"), "{shown}");
    assert_eq!(
        press(&mut s, "enter"),
        vec![Effect::SignIn { persona: None }]
    );
    assert!(s.session.signing_in);
}

#[test]
fn the_copy_key_copies_the_address_until_a_code_is_typed() {
    let mut s = prompted(None);
    assert_eq!(press(&mut s, "y"), vec![Effect::Copy(URL.into())]);
    assert!(screen(&s, false).contains(words::SIGNIN_COPIED));
    press(&mut s, "'ab' y");
    assert_eq!(overlay(&s).code, "aby", "y types once the field has text");
    assert_eq!(press(&mut s, "ctrl-y"), vec![Effect::Copy(URL.into())]);
    press(&mut s, "backspace ctrl-u");
    assert_eq!(overlay(&s).code, "");
}

#[test]
fn the_loopback_is_waited_on_until_it_ends() {
    let mut s = prompted(Some("http://localhost:8000"));
    assert!(screen(&s, false).contains("http://localhost:8000"));
    msg(
        &mut s,
        SignInMsg::LoopbackEnded {
            reason: "the browser came back with the answer of another sign-in".into(),
        },
    );
    assert!(overlay(&s).loopback.is_none());
    let shown = screen(&s, false);
    assert!(shown.contains("paste the code instead"), "{shown}");
}

#[test]
fn the_code_is_never_on_screen() {
    let mut s = prompted(None);
    paste(&mut s, CODE);
    let shown = screen(&s, false);
    assert!(
        !shown.contains("SplxlO") && !shown.contains("SECRET"),
        "{shown}"
    );
    assert!(shown.contains("Splx…"), "{shown}");
}

#[test]
fn the_address_wraps_at_the_edge_and_reads_back_whole() {
    let s = prompted(None);
    let shown = screen(&s, false);
    let rows: Vec<&str> = shown.lines().collect();
    let first = rows.iter().position(|r| r.starts_with("https://")).unwrap();
    let joined: String = rows[first..]
        .iter()
        .take_while(|r| !r.trim().is_empty())
        .map(|r| r.trim_end())
        .collect();
    assert_eq!(joined, URL, "selecting the rows gives the address");
}

#[test]
fn snapshot_signin_80x24() {
    let mut s = prompted(Some("http://localhost:8000"));
    insta::assert_snapshot!("signin_loopback_80x24", screen(&s, false));
    paste(&mut s, CODE);
    msg(
        &mut s,
        SignInMsg::Refused {
            reason: "the identity provider refused the code: invalid_grant (Code not valid)".into(),
        },
    );
    insta::assert_snapshot!("signin_refused_80x24", screen(&s, false));
}
