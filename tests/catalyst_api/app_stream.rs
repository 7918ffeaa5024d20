//! The per-Application stream of the catalyst-api sandbox, read through the client's
//! request factory and mapped with `map_app_stream_frame`.

use catalyst_tui::api::catalyst::map_app_stream_frame;
use catalyst_tui::api::sse::{StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use catalyst_tui::app::catalyst_fetch::Sovereign;
use catalyst_tui::model::{AppStatus, LiveEvent};
use catalyst_tui::sandbox::ApiMode;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{PATIENCE, client, start, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_application_stream_reports_phase_changes() {
    let sb = start(ApiMode::Catalyst).await;
    let admin = client(&sb, Some(&token(&sb, "admin").await));
    let sovereign = Sovereign::resolve(&admin).await.unwrap();
    let (env, name, org) = {
        let world = sb.state.world.read().await;
        let r = world
            .apps
            .values()
            .flat_map(|a| a.values())
            .find(|r| r.app.status == AppStatus::Running)
            .unwrap();
        (
            r.app.environment.clone(),
            r.app.name.clone(),
            r.app.org.clone(),
        )
    };
    let factory = admin
        .app_stream_request(&sovereign.id, &name, Some(&org))
        .unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    spawn_stream(
        admin.stream_http(),
        factory,
        StreamOptions::console(),
        tx,
        cancel.clone(),
    );
    let mut next_phase = async || loop {
        let msg = tokio::time::timeout(PATIENCE, rx.recv())
            .await
            .expect("a frame within the bound")
            .expect("the stream runs");
        match msg {
            StreamMsg::Event(ev) => break map_app_stream_frame(&ev.data).unwrap(),
            StreamMsg::Status(StreamStatus::Failed { reason }) => panic!("{reason}"),
            StreamMsg::Status(_) => {}
        }
    };
    let first = next_phase().await;
    assert_eq!(
        (first.name.as_str(), first.status),
        (name.as_str(), AppStatus::Running)
    );
    {
        let mut world = sb.state.world.write().await;
        let now = world.now();
        let changed = world.app_mut(&env, &name).unwrap().apply_status(
            AppStatus::Failed,
            "image pull failed",
            now,
        );
        sb.state.bus.publish(
            &org,
            Some(&env),
            LiveEvent::ApplicationUpdated(Box::new(changed)),
        );
    }
    let second = next_phase().await;
    assert_eq!(second.status, AppStatus::Failed);
    assert!(second.status_detail.contains("image pull failed"));
    cancel.cancel();
    sb.shutdown().await.unwrap();
}
