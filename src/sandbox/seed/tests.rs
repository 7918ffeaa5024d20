//! Consistency checks of the seed data itself.

use chrono::Utc;

use super::*;
use crate::model::*;
use crate::sandbox::routes::validate_values;

fn bank() -> World {
    build_world(SovereignSeed::Bankdhofar, Utc::now()).unwrap()
}

#[test]
fn both_sovereigns_load() {
    let w = bank();
    assert_eq!(w.sovereign.domain, "bankdhofar.local");
    assert_eq!(w.sovereign.kind, SovereignType::Corporate);
    let o = build_world(SovereignSeed::Omantel, Utc::now()).unwrap();
    assert_eq!(o.sovereign.kind, SovereignType::Sme);
    assert!(o.orgs.contains_key("muscatpharmacy"));
    // A private Blueprint of an Org Omantel does not have is not in its catalogue.
    assert!(!o.blueprints.contains_key("bp-bd-payment-rail"));
    assert!(w.blueprints.contains_key("bp-bd-payment-rail"));
}

#[test]
fn every_status_appears_and_every_value_passes_its_schema() {
    let w = bank();
    let mut seen = std::collections::BTreeSet::new();
    for apps in w.apps.values() {
        for rec in apps.values() {
            seen.insert(rec.app.status);
            let v = w
                .blueprint_version(&rec.app.blueprint.name, &rec.app.blueprint.version)
                .unwrap();
            assert!(
                validate_values(&v.config_schema, &rec.values).is_empty(),
                "{}/{}",
                rec.app.environment,
                rec.app.name
            );
            if rec.app.status.in_progress() {
                let op = rec.app.operation_id.as_ref().unwrap();
                assert!(w.operations.contains_key(op));
            }
        }
    }
    for s in AppStatus::ALL {
        assert!(seen.contains(s), "no Application is {s}");
    }
}

#[test]
fn blueprint_defaults_pass_every_version() {
    let w = bank();
    assert!(w.blueprints.len() >= 10);
    for b in w.blueprints.values() {
        assert!(!b.versions.is_empty());
        for v in b.versions.values() {
            assert!(
                validate_values(&v.config_schema, &b.template.defaults).is_empty(),
                "{} {}",
                b.blueprint.name,
                v.version
            );
        }
    }
    // A later version adds a property.
    let old = w.blueprint_version("bp-wordpress", "1.3.0").unwrap();
    let new = w.blueprint_version("bp-wordpress", "1.4.0").unwrap();
    assert!(old.config_schema["properties"].get("multisite").is_none());
    assert!(new.config_schema["properties"].get("multisite").is_some());
}

#[test]
fn every_rule_kind_is_used() {
    let w = bank();
    let mut kinds = std::collections::HashSet::new();
    for e in w.environments.values() {
        for r in &e.policy.rules {
            kinds.insert(std::mem::discriminant(r));
        }
    }
    assert_eq!(kinds.len(), 4);
    let prod = &w.environments["digital-channels-prod"];
    assert_eq!(
        prod.policy.rules[0],
        PolicyRule::PrRequired {
            approvers: vec!["team-platform".into()],
            min_approvals: 2
        }
    );
    assert_eq!(prod.env.kube_context, "hz-fsn-rtz-prod-digital-channels");
}

#[test]
fn two_approvers_exist_beside_the_author() {
    let w = bank();
    let members = w.team_members("team-platform");
    assert!(members.contains(&"salim"));
    assert!(members.contains(&"admin"));
    let p = &w.promotions["pr-000001"];
    let others = members.iter().filter(|m| **m != p.created_by).count();
    assert!(others as u32 >= p.policy.required_approvals);
}

#[test]
fn used_by_is_derived_from_dependencies() {
    let w = bank();
    let pg = w.app("digital-channels-prod", "shared-postgres").unwrap();
    assert!(pg.app.used_by.contains(&"payment-rail".to_string()));
    assert!(pg.app.used_by.contains(&"blog".to_string()));
    let site = w.app("digital-channels-prod", "marketing-site").unwrap();
    let dep = &site.app.dependencies[0];
    assert_eq!(dep.name, "shared-postgres");
    assert_eq!(dep.alias.as_deref(), Some("postgres"));
}

#[test]
fn durations_parse() {
    assert_eq!(parse_ago("2h").unwrap(), chrono::TimeDelta::hours(2));
    assert_eq!(parse_ago("45s").unwrap(), chrono::TimeDelta::seconds(45));
    assert!(parse_ago("2w").is_err());
    assert!(parse_ago("").is_err());
}
