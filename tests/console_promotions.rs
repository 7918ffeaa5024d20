#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Journey J4 through the console headless against the sandbox: Layla promotes
//! payment-rail from digital-channels-stg to -uat from the Application view, the target
//! card turns pending approval, Salim (team-platform) finds it in his inbox, Layla trying
//! to approve her own promotion is told why (her comment kept), Salim approves with a
//! comment written in the editor, and the promotion merges; Layla's open detail follows
//! the merge live.

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::model::{AppStatus, PromotionState};
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::overlays::Overlay;
use catalyst_tui::views::{Route, Target};
use contract_support::start;

const LIMIT: Duration = Duration::from_secs(20);
const STG: &str = "digital-channels-stg";
const UAT: &str = "digital-channels-uat";

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

fn promotion_state(c: &Headless) -> Option<PromotionState> {
    match c.state.top() {
        Route::Promotion(v) => v.promotion().map(|p| p.state),
        _ => None,
    }
}

#[tokio::test]
async fn j4_promote_review_and_merge_in_the_console() {
    let sb = start().await;

    // Layla promotes from the Application view: P asks, y opens the promotion.
    let mut layla = Headless::sandbox(
        &sb.base_url,
        "layla",
        (120, 40),
        Target::App {
            env: STG.into(),
            app: "payment-rail".into(),
        },
    );
    layla.settle(LIMIT).await.unwrap();
    layla.keys("P").unwrap();
    layla.settle(LIMIT).await.unwrap();
    let Some(Overlay::Confirm(q)) = layla.state.overlays.last() else {
        panic!("no question: {}", layla.screen(&ui()))
    };
    assert!(
        q.question.contains(STG) && q.question.contains(UAT) && q.question.contains("2.4.1"),
        "{}",
        q.question
    );
    layla.keys("y").unwrap();
    layla.settle(LIMIT).await.unwrap();
    let Route::Promotion(view) = layla.state.top() else {
        panic!("the new promotion did not open: {}", layla.screen(&ui()))
    };
    let id = view.id.clone();
    let screen = layla.screen(&ui());
    assert!(screen.contains("Needs 1 more approval"), "{screen}");
    assert!(screen.contains("team-platform"), "{screen}");
    assert!(screen.contains("+version: 2.4.1"), "{screen}");

    // A second promotion of the same Application is refused and said.
    let mut again = Headless::sandbox(&sb.base_url, "layla", (120, 40), Target::Env(STG.into()));
    again.settle(LIMIT).await.unwrap();
    again.keys("/ 'payment-rail' enter P").unwrap();
    again.settle(LIMIT).await.unwrap();
    again.keys("y").unwrap();
    again.settle(LIMIT).await.unwrap();
    let notice = again
        .state
        .notice
        .clone()
        .map(|n| n.text)
        .unwrap_or_default();
    assert!(notice.contains("already open"), "{notice}");

    // Salim sees the target card pending approval, and the promotion in his inbox.
    let mut salim = Headless::sandbox(&sb.base_url, "salim", (120, 40), Target::Env(UAT.into()));
    salim.settle(LIMIT).await.unwrap();
    let Route::Env(env) = salim.state.top() else {
        panic!("not in the environment")
    };
    let card = env
        .apps
        .value()
        .and_then(|apps| apps.iter().find(|a| a.name == "payment-rail"))
        .expect("the card");
    assert_eq!(card.status, AppStatus::PendingApproval);
    salim.keys(": 'inbox' enter").unwrap();
    salim.settle(LIMIT).await.unwrap();
    let screen = salim.screen(&ui());
    assert!(screen.contains("payment-rail"), "{screen}");
    assert!(screen.contains("stg → uat"), "{screen}");
    let Route::Inbox(inbox) = salim.state.top() else {
        panic!("not in the inbox")
    };
    let at = inbox
        .items
        .value()
        .and_then(|i| i.promotions.iter().position(|p| p.id == id))
        .expect("the new promotion awaits Salim");
    for _ in 0..at {
        salim.keys("j").unwrap();
    }
    salim.keys("enter").unwrap();
    salim.settle(LIMIT).await.unwrap();
    assert!(matches!(salim.state.top(), Route::Promotion(v) if v.id == id));

    // Layla may not approve her own promotion: told why, comment kept.
    layla.keys("a 'mine' ctrl-s").unwrap();
    layla.settle(LIMIT).await.unwrap();
    let Route::Promotion(view) = layla.state.top() else {
        panic!("left the promotion")
    };
    let note = view.note.clone().expect("a note");
    assert!(note.error);
    assert!(
        note.text
            .contains("You opened this promotion; someone of team-platform must approve"),
        "{}",
        note.text
    );
    assert_eq!(view.draft, "mine");
    assert_eq!(promotion_state(&layla), Some(PromotionState::Open));

    // Salim approves with a comment; the policy is met and it merges.
    salim
        .keys("a 'Reconnect fix verified on stg.' ctrl-s")
        .unwrap();
    salim.settle(LIMIT).await.unwrap();
    assert_eq!(
        promotion_state(&salim),
        Some(PromotionState::Merged),
        "{}",
        salim.screen(&ui())
    );
    let screen = salim.screen(&ui());
    assert!(screen.contains("merged"), "{screen}");
    assert!(
        screen.contains("salim (team-platform) approved"),
        "{screen}"
    );

    // Layla's detail follows the merge through live events, without a refresh.
    for _ in 0..50 {
        if promotion_state(&layla) == Some(PromotionState::Merged) {
            break;
        }
        layla.next_event(Duration::from_millis(200)).await;
        layla.settle(LIMIT).await.unwrap();
    }
    assert_eq!(
        promotion_state(&layla),
        Some(PromotionState::Merged),
        "{}",
        layla.screen(&ui())
    );
}
