//! Render snapshots of the Application view: every tab populated at 80×24 and 120×40,
//! the Overview of an update under way in ASCII and mono, a YAML search, and the loading,
//! error and restricted states of one tab.

use super::*;

fn screen_of(view: AppView, w: u16, h: u16, ascii: bool) -> String {
    testing::screen(&app_state(w, h, view), ascii)
}

#[test]
fn snapshot_every_tab_populated() {
    for tab in DetailTab::ALL {
        let name = tab.label().to_lowercase();
        let view = Harness::showing(tab).view;
        insta::assert_snapshot!(format!("app_{name}_80x24"), screen_of(view, 80, 24, false));
        let view = Harness::showing(tab).view;
        insta::assert_snapshot!(
            format!("app_{name}_120x40"),
            screen_of(view, 120, 40, false)
        );
    }
}

#[test]
fn snapshot_overview_installing_ascii_mono() {
    let mut h = Harness::showing(DetailTab::Overview);
    let mut app = application();
    app.status = AppStatus::Updating;
    app.status_detail = "Rolling out 2.5.0 (2 of 3 pods).".into();
    app.pods = Pods::counted(2, 3);
    app.progress = Some(Progress {
        percent: 45,
        step: "helm-upgrade".into(),
    });
    app.pending_promotion = Some(crate::model::PendingPromotion {
        id: "pr-000002".into(),
        source_environment: "digital-channels-dev".into(),
        to_version: "2.5.0".into(),
    });
    h.view.summary = Load::Ready(app);
    insta::assert_snapshot!(
        "app_overview_updating_ascii_80x24",
        screen_of(h.view, 80, 24, true)
    );
}

#[test]
fn snapshot_manifests_searched_and_scrolled() {
    let mut h = Harness::showing(DetailTab::Manifests);
    h.type_filter("image");
    done(h.act(Action::SearchNext));
    insta::assert_snapshot!(
        "app_manifests_search_80x24",
        screen_of(h.view, 80, 24, false)
    );
}

#[test]
fn snapshot_settings_loading_error_restricted() {
    let mut h = Harness::showing(DetailTab::Overview);
    done(h.act(Action::NextTab));
    let loading = std::mem::replace(&mut h.view, AppView::new("x-dev", "y"));
    insta::assert_snapshot!(
        "app_settings_loading_80x24",
        screen_of(loading, 80, 24, false)
    );

    let mut h = Harness::showing(DetailTab::Overview);
    let r = request_of(&done(h.act(Action::NextTab)));
    h.answer(
        r,
        Err(ApiError::Server {
            status: 502,
            code: None,
            detail: "bad gateway".into(),
            retry_after: None,
            request_id: Some("req-5f1c".into()),
        }),
    );
    insta::assert_snapshot!("app_settings_error_80x24", screen_of(h.view, 80, 24, false));

    let mut h = Harness::showing(DetailTab::Overview);
    let r = request_of(&done(h.act(Action::NextTab)));
    h.answer(
        r,
        Err(ApiError::Restricted {
            code: "forbidden".into(),
            detail: "Reading the values of payment-rail needs a role in digital-channels.".into(),
            required: Some("org-developer".into()),
            teams: Vec::new(),
            request_id: None,
        }),
    );
    insta::assert_snapshot!(
        "app_settings_restricted_80x24",
        screen_of(h.view, 80, 24, false)
    );
}
