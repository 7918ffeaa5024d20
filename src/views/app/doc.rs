//! The text tabs (Overview, Topology, Secrets) as documents of themed pieces: lines of
//! `(theme token, text)`. Built from the data alone, so update can count the lines to
//! clamp scrolling and render only maps tokens to styles.
//!
//! Secrets carry names, keys, sizes and rotation times, never a value: the model has no
//! field for one and nothing here may add it.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::tabs::human_size;
use crate::model::{AppSecrets, AppTopology, Application, Dependency, Placement, Pods};
use crate::state::list::Filter;
use crate::theme::{Glyphs, status_token};
use crate::widgets::text::ago;
use crate::words;

/// A piece of text and the theme token that styles it.
pub type Piece = (&'static str, String);
/// One line of a document.
pub type DocLine = Vec<Piece>;

/// Width of the label column of the Overview.
const LABEL: usize = 13;
/// Cells of the progress bar.
const BAR: usize = 20;

/// `text` padded with spaces to `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    let gap = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(gap))
}

/// A commit id shortened the way git shows it.
pub fn short_commit(commit: &str) -> String {
    commit.chars().take(7).collect()
}

/// The separator between items on one line: ` · `, or ` - ` on ASCII terminals.
pub fn sep(glyphs: &Glyphs) -> &'static str {
    if glyphs.ellipsis.is_ascii() {
        " - "
    } else {
        " · "
    }
}

fn field(label: &str, value: Vec<Piece>) -> DocLine {
    let mut line = vec![("text.dim", format!(" {}", pad(label, LABEL)))];
    line.extend(value);
    line
}

fn none(text: &str) -> Vec<Piece> {
    vec![("text.dim", text.to_string())]
}

/// The pods count, coloured by how many are ready.
pub fn pods_piece(pods: Pods) -> Piece {
    let token = if pods.total == 0 {
        "text.dim"
    } else if pods.ready == pods.total {
        "success"
    } else if pods.ready == 0 {
        "error"
    } else {
        "warning"
    };
    (token, format!("{}/{} ready", pods.ready, pods.total))
}

fn dependency(d: &Dependency) -> String {
    match &d.alias {
        Some(alias) if *alias != d.name => format!("{} (as {alias})", d.name),
        _ => d.name.clone(),
    }
}

/// `active-active in fsn, hel`.
fn placement(p: &Placement) -> Vec<Piece> {
    let mut pieces = vec![("text", p.mode.as_str().to_string())];
    if !p.regions.is_empty() {
        pieces.push(("text.dim", " in ".to_string()));
        pieces.push(("text", p.regions.join(", ")));
    }
    pieces
}

/// The progress bar: `██████░░░░ 45%  helm-upgrade`.
fn progress_pieces(percent: u8, step: &str, glyphs: &Glyphs) -> Vec<Piece> {
    let percent = percent.min(100);
    let filled = usize::from(percent) * BAR / 100;
    let (full, empty) = if glyphs.ellipsis.is_ascii() {
        ("#", ".")
    } else {
        ("█", "░")
    };
    vec![
        ("status.updating", full.repeat(filled)),
        ("text.dim", empty.repeat(BAR - filled)),
        ("text", format!(" {percent:>3}%  ")),
        ("text.dim", step.to_string()),
    ]
}

/// The Overview of an Application.
pub fn overview(app: &Application, now: DateTime<Utc>, glyphs: &Glyphs) -> Vec<DocLine> {
    let status = status_token(app.status);
    let mut head = vec![(
        status,
        format!(" {} {}", glyphs.status(app.status), app.status.label()),
    )];
    if !app.status_detail.is_empty() {
        head.push(("text.dim", format!("  {}", app.status_detail)));
    }
    let mut doc = vec![head, Vec::new()];
    doc.push(field(
        "Blueprint",
        vec![
            ("text", app.blueprint.name.clone()),
            ("text.dim", " @ ".to_string()),
            ("text", app.blueprint.version.clone()),
        ],
    ));
    doc.push(field(
        "Endpoint",
        match &app.endpoint {
            Some(url) => vec![("title", url.clone())],
            None => none(words::NO_ENDPOINT),
        },
    ));
    doc.push(field("Placement", placement(&app.placement)));
    if app.pods.counted {
        doc.push(field("Pods", vec![pods_piece(app.pods)]));
    }
    doc.push(field(
        "Depends on",
        if app.dependencies.is_empty() {
            none(words::NOTHING)
        } else {
            let names: Vec<String> = app.dependencies.iter().map(dependency).collect();
            vec![("text", names.join(", "))]
        },
    ));
    doc.push(field(
        "Used by",
        if app.used_by.is_empty() {
            none(words::NOTHING)
        } else {
            vec![("text", app.used_by.join(", "))]
        },
    ));
    doc.push(field(
        "Owner",
        if app.owner_team.is_empty() {
            none(words::NO_OWNER)
        } else {
            vec![("text", app.owner_team.clone())]
        },
    ));
    let d = &app.last_deploy;
    doc.push(field("Last deploy", {
        // Pieces the Sovereign does not say (catalyst-api: who, which commit) are
        // left out rather than shown empty.
        let mut pieces = vec![("text", ago(d.at, now))];
        if !d.actor.is_empty() {
            pieces.push(("text.dim", " by ".to_string()));
            pieces.push(("text", d.actor.clone()));
        }
        if !d.version.is_empty() {
            pieces.push(("text.dim", ", version ".to_string()));
            pieces.push(("text", d.version.clone()));
        }
        if !d.commit.is_empty() {
            pieces.push(("text.dim", ", commit ".to_string()));
            pieces.push(("text", short_commit(&d.commit)));
        }
        pieces
    }));
    if let Some(p) = &app.pending_promotion {
        doc.push(field(
            "Promotion",
            vec![
                ("status.pending-approval", p.to_version.clone()),
                ("text", format!(" from {} ", p.source_environment)),
                ("text.dim", words::promotion_waiting(&p.id)),
            ],
        ));
    }
    if app.status.in_progress() {
        let (percent, step) = app
            .progress
            .as_ref()
            .map_or((0, words::STARTING), |p| (p.percent, p.step.as_str()));
        doc.push(field("Progress", progress_pieces(percent, step, glyphs)));
    }
    doc
}

/// The Topology: placement, each region's role and pods, dependencies and dependants.
pub fn topology(t: &AppTopology) -> Vec<DocLine> {
    let mut doc = vec![field("Placement", placement(&t.placement)), Vec::new()];
    let region_w = t
        .regions
        .iter()
        .map(|r| r.region.width())
        .max()
        .unwrap_or(0)
        .max("REGION".len())
        + 2;
    let role_w = t
        .regions
        .iter()
        .map(|r| r.role.width())
        .max()
        .unwrap_or(0)
        .max("ROLE".len())
        + 2;
    doc.push(vec![(
        "title",
        format!(" {}{}PODS", pad("REGION", region_w), pad("ROLE", role_w)),
    )]);
    if t.regions.is_empty() {
        doc.push(vec![("text.dim", format!(" {}", words::NO_REGIONS))]);
    }
    for r in &t.regions {
        doc.push(vec![
            ("text", format!(" {}", pad(&r.region, region_w))),
            ("text", pad(&r.role, role_w)),
            pods_piece(r.pods),
        ]);
    }
    doc.push(Vec::new());
    doc.push(vec![("title", " DEPENDS ON".to_string())]);
    if t.dependencies.is_empty() {
        doc.push(vec![("text.dim", format!("   {}", words::NOTHING))]);
    }
    for d in &t.dependencies {
        doc.push(vec![("text", format!("   {}", dependency(d)))]);
    }
    doc.push(Vec::new());
    doc.push(vec![("title", " USED BY".to_string())]);
    if t.used_by.is_empty() {
        doc.push(vec![("text.dim", format!("   {}", words::NOTHING))]);
    }
    for name in &t.used_by {
        doc.push(vec![("text", format!("   {name}"))]);
    }
    doc
}

/// The secrets that pass `filter` (by secret or key name): one line per secret with its
/// last rotation, then one line per key with its size.
pub fn secrets(s: &AppSecrets, filter: &Filter, now: DateTime<Utc>) -> Vec<DocLine> {
    let key_w = s
        .secrets
        .iter()
        .flat_map(|x| x.keys.iter().map(|k| k.key.width()))
        .max()
        .unwrap_or(0)
        + 2;
    let mut doc = Vec::new();
    for secret in &s.secrets {
        let keys: Vec<&str> = secret.keys.iter().map(|k| k.key.as_str()).collect();
        if !filter.matches(&format!("{} {}", secret.name, keys.join(" "))) {
            continue;
        }
        if !doc.is_empty() {
            doc.push(Vec::new());
        }
        let rotated = match secret.last_rotated_at {
            Some(at) => (
                "text.dim",
                format!(
                    "  rotated {} ({})",
                    ago(at, now),
                    at.format("%Y-%m-%d %H:%M")
                ),
            ),
            None => ("warning", format!("  {}", words::NEVER_ROTATED)),
        };
        doc.push(vec![("title", format!(" {}", secret.name)), rotated]);
        for k in &secret.keys {
            doc.push(vec![
                ("text", format!("   {}", pad(&k.key, key_w))),
                ("text.dim", format!("{:>9}", human_size(k.size_bytes))),
            ]);
        }
    }
    doc
}
