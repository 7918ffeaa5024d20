//! Every mapping of the catalyst adapter, against fixtures shaped like the Go handlers'
//! output (absent optional fields, unknown fields, unknown phases and words).

use catalyst_tui::api::catalyst::adapt::{self, status_of_phase};
use catalyst_tui::api::catalyst::wire::{
    ApplicationDetail, ApplicationList, ApplicationStatus, Catalog, K8sList, OrganizationList,
    WhoAmI,
};
use catalyst_tui::api::catalyst::{K8sChange, map_app_stream_frame, map_k8s_frame};
use catalyst_tui::model::{
    AppStatus, EnvType, LiveEvent, PlacementMode, RoleBinding, RoleName, Topology, Visibility,
};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/catalyst/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn phases_map_onto_card_states_and_unknown_ones_are_shown_as_sent() {
    assert_eq!(status_of_phase("Ready"), (AppStatus::Running, None));
    assert_eq!(
        status_of_phase("Provisioning"),
        (AppStatus::Installing, None)
    );
    assert_eq!(
        status_of_phase("Pending"),
        (AppStatus::Installing, Some("Pending".into()))
    );
    assert_eq!(status_of_phase("Degraded"), (AppStatus::Degraded, None));
    assert_eq!(status_of_phase("Failed"), (AppStatus::Failed, None));
    assert_eq!(
        status_of_phase("Uninstalling"),
        (AppStatus::Updating, Some("Uninstalling".into()))
    );
    assert_eq!(
        status_of_phase("Hibernating"),
        (AppStatus::Unknown, Some("Hibernating".into()))
    );
    assert_eq!(status_of_phase("").0, AppStatus::Unknown);
}

#[test]
fn placements_of_both_vocabularies() {
    assert_eq!(
        adapt::placement_mode("singleton"),
        PlacementMode::SingleRegion
    );
    assert_eq!(
        adapt::placement_mode("single-region"),
        PlacementMode::SingleRegion
    );
    assert_eq!(
        adapt::placement_mode("active-active"),
        PlacementMode::ActiveActive
    );
    assert_eq!(
        adapt::placement_mode("active-hot-standby"),
        PlacementMode::ActiveHotstandby
    );
    assert_eq!(
        adapt::placement_mode("active-hotstandby"),
        PlacementMode::ActiveHotstandby
    );
    assert_eq!(
        adapt::placement_mode("active-passive"),
        PlacementMode::ActiveHotstandby
    );
    assert_eq!(adapt::placement_mode("mesh"), PlacementMode::Unknown);
}

#[test]
fn whoami_becomes_the_identity() {
    let me = adapt::me_from_whoami(&decode::<WhoAmI>("whoami.json"));
    assert_eq!(me.email, "layla@bankdhofar.om");
    assert_eq!(me.name, "layla@bankdhofar.om");
    assert!(me.has_role(RoleName::SovereignAdmin, None));
    assert!(me.has_role(RoleName::SecurityOfficer, None));
    assert!(!me.support_agent);

    let scoped: WhoAmI = decode("whoami_org_scoped.json");
    assert_eq!(scoped.deployment_id, None);
    let me = adapt::me_from_whoami(&scoped);
    assert_eq!(
        me.roles,
        vec![RoleBinding {
            role: RoleName::OrgAdmin,
            org: Some("acme".into())
        }]
    );
}

#[test]
fn organization_records_become_orgs_named_by_slug() {
    let list: OrganizationList = decode("organizations.json");
    let orgs: Vec<_> = list.items.iter().map(adapt::org_from_record).collect();
    assert_eq!(orgs[0].name, "digital-channels");
    assert_eq!(orgs[0].display_name, "Digital Channels");
    assert_eq!(orgs[0].kind, "corporate");
    // Still provisioning: the state is shown with the name; no company name: the slug.
    assert_eq!(orgs[1].name, "acme");
    assert_eq!(orgs[1].display_name, "acme — dns_provisioned");
    // An older record (`sme_tenant_id`, no subdomain) is named by its namespace.
    assert_eq!(orgs[2].name, "legacy-shop");
    assert_eq!(orgs[2].display_name, "legacy-shop — failed");
}

#[test]
fn environment_crs_become_environments() {
    let list: K8sList = decode("k8s_environment.json");
    assert_eq!(list.continue_token, None);
    let envs: Vec<_> = list
        .items
        .iter()
        .filter_map(adapt::environment_from_cr)
        .collect();
    let prod = &envs[0];
    assert_eq!(prod.org, "digital-channels");
    assert_eq!(prod.env_type, EnvType::Prod);
    assert_eq!(
        prod.topology,
        Topology::Unknown,
        "multi-region names no layout"
    );
    assert_eq!(prod.regions, vec!["hz-fsn-rtz", "hz-hel-rtz"]);
    assert_eq!(prod.policy_summary, "policy digital-channels-prod-policy");
    assert_eq!(
        prod.kube_context, "",
        "not known to catalyst-api, not invented"
    );
    assert_eq!(prod.created_at.to_rfc3339(), "2026-05-03T08:00:00+00:00");
    assert_eq!(envs[1].topology, Topology::SingleRegion);
    assert!(envs[1].regions.is_empty());
    // No organizationRef: the name's prefix; an unknown type stays unknown.
    assert_eq!(envs[2].org, "acme");
    assert_eq!(envs[2].env_type, EnvType::Unknown);
}

#[test]
fn application_crs_become_cards_grouped_by_environment() {
    let list: K8sList = decode("k8s_application.json");
    assert_eq!(list.continue_token.as_deref(), Some(""));
    let apps: Vec<_> = list
        .items
        .iter()
        .filter_map(adapt::application_from_cr)
        .collect();
    assert_eq!(apps.len(), 3, "the CR naming no Environment is not placed");
    let rail = &apps[0];
    assert_eq!(
        (rail.environment.as_str(), rail.org.as_str()),
        ("digital-channels-prod", "digital-channels")
    );
    assert_eq!(rail.status, AppStatus::Running);
    assert_eq!(
        rail.status_detail,
        "Ready=True (Reconciled): all regions ready"
    );
    assert_eq!(rail.blueprint.name, "bp-payment-rail");
    assert_eq!(rail.placement.mode, PlacementMode::ActiveActive);
    assert_eq!(rail.placement.regions, vec!["fsn", "hel"]);
    assert_eq!(rail.dependencies[0].name, "shared-pg");
    assert_eq!(rail.revision, 7);
    assert_eq!(rail.last_deploy.actor, "");
    // Environment from the label; object placement; Degraded with its condition.
    let docs = &apps[1];
    assert_eq!(docs.environment, "digital-channels-dev");
    assert_eq!(docs.org, "digital-channels");
    assert_eq!(docs.placement.mode, PlacementMode::ActiveHotstandby);
    assert_eq!(docs.status, AppStatus::Degraded);
    assert_eq!(
        docs.status_detail,
        "Ready=False (HelmReleaseFailed): upgrade retries exhausted"
    );
    // An unknown phase is shown as it came.
    assert_eq!(apps[2].status, AppStatus::Unknown);
    assert_eq!(apps[2].status_detail, "Hibernating");
    let counts = adapt::counts_of(&apps);
    assert_eq!(
        (counts.applications, counts.running, counts.degraded),
        (3, 1, 1)
    );
}

#[test]
fn list_detail_and_status_answers() {
    let list: ApplicationList = decode("applications_list.json");
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[1].namespace, "");
    let d: ApplicationDetail = decode("application_detail.json");
    let a = adapt::application_from_detail(&d, "ignored-when-the-detail-says");
    assert_eq!(a.environment, "digital-channels-prod");
    assert_eq!(a.status, AppStatus::Updating);
    assert_eq!(
        a.status_detail,
        "Uninstalling: Deleting=False (Finalizers): waiting for 2 finalizers"
    );
    assert_eq!(
        a.placement.regions,
        vec!["fsn", "hel"],
        "primary region first"
    );
    assert_eq!(a.endpoint.as_deref(), Some("https://pay.omani.works"));
    assert_eq!(a.dependencies[0].alias.as_deref(), Some("db/payment-rail"));
    let minimal: ApplicationDetail = decode("application_detail_minimal.json");
    let m = adapt::application_from_detail(&minimal, "platform-prod");
    assert_eq!(m.environment, "platform-prod");
    assert_eq!(m.placement.mode, PlacementMode::Unknown);
    assert_eq!(m.status_detail, "Pending");
    let s: ApplicationStatus = decode("application_status.json");
    let mut a = a;
    adapt::apply_phase(&mut a, &s.phase, &s.conditions);
    assert_eq!(a.status, AppStatus::Degraded);
    assert_eq!(
        a.status_detail,
        "Ready=False (PodsCrashLooping): 2/3 pods ready"
    );
}

#[test]
fn catalog_cards_become_blueprints() {
    let c: Catalog = decode("catalog.json");
    let bps: Vec<_> = c.items.iter().map(adapt::blueprint_from_catalog).collect();
    assert_eq!(bps[0].display_name, "WordPress");
    assert_eq!(bps[0].summary, "Blog and CMS");
    assert_eq!(bps[0].owner, "public");
    assert_eq!(bps[0].visibility, Visibility::Listed);
    assert_eq!(bps[0].versions, vec!["1.3.0"]);
    assert_eq!(bps[1].visibility, Visibility::Unlisted);
    assert_eq!(bps[1].category, "finance");
    assert_eq!(bps[2].display_name, "bp-acme-internal");
    assert_eq!(bps[2].owner, "acme");
    assert_eq!(bps[2].visibility, Visibility::Private);
    assert_eq!(bps[3].visibility, Visibility::Unknown);
    assert!(bps[3].versions.is_empty());
}

#[test]
fn stream_frames_map_onto_live_events() {
    assert_eq!(
        map_k8s_frame(&fixture("stream_ready.json")).ok(),
        Some(K8sChange::Ready {
            cluster: "sovereign-omani.works".into()
        })
    );
    match map_k8s_frame(&fixture("stream_app_modified.json")) {
        Ok(K8sChange::Event(LiveEvent::ApplicationUpdated(a))) => {
            assert_eq!(a.environment, "digital-channels-prod");
            assert_eq!(a.status, AppStatus::Degraded);
            assert_eq!(
                a.status_detail,
                "Ready=False (PodsCrashLooping): 1/3 pods ready"
            );
        }
        other => panic!("{other:?}"),
    }
    match map_k8s_frame(&fixture("stream_app_deleted.json")) {
        Ok(K8sChange::Event(LiveEvent::ApplicationRemoved(r))) => {
            assert_eq!(
                (r.environment.as_str(), r.name.as_str()),
                ("digital-channels-dev", "docs-portal")
            );
        }
        other => panic!("{other:?}"),
    }
    match map_k8s_frame(&fixture("stream_env_added.json")) {
        Ok(K8sChange::Event(LiveEvent::EnvironmentUpdated(e))) => {
            assert_eq!((e.org.as_str(), e.env_type), ("acme", EnvType::Stg));
            assert_eq!(e.regions, vec!["hz-fsn"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        map_k8s_frame(&fixture("stream_pod.json")).ok(),
        Some(K8sChange::Ignored)
    );
    assert!(map_k8s_frame("not json").is_err());

    let f =
        map_app_stream_frame(&fixture("app_stream_frame.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.status, AppStatus::Failed);
    assert_eq!(
        f.status_detail,
        "Ready=False (InstallFailed): chart not found"
    );
    let nf = map_app_stream_frame(&fixture("app_stream_notfound.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(nf.not_found);
    assert_eq!(nf.status, AppStatus::Unknown);
}
