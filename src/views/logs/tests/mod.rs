//! Tests of the log view: the pure update (buffer cap, follow and pause, search, filters,
//! wrap, save, copy) in [`update`], the keys through the keymap and the screen in
//! [`render`]. Shared here: a provisioning run as a stream would deliver it, and a harness
//! that acts on a view at a given body size.

mod render;
mod update;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::views::testing;

/// A provisioning run: Phase-0 markers, OpenTofu output in colour, component transitions
/// and helm-controller lines, with warnings and errors among them.
pub(super) fn provisioning_run() -> Vec<NewLine> {
    let start = testing::now() - Duration::minutes(12);
    let mut at = 0;
    let mut line = |level: Level, phase: &str, component: Option<&str>, text: &str| {
        at += 7;
        NewLine {
            time: Some(start + Duration::seconds(at)),
            level: Some(level),
            phase: Some(phase.to_string()),
            component: component.map(str::to_string),
            text: text.to_string(),
        }
    };
    use Level::{Error, Info, Warn};
    vec![
        line(Info, "tofu-init", None, "Initializing the backend..."),
        line(
            Info,
            "tofu",
            None,
            "\x1b[0m\x1b[1mInitializing provider plugins...\x1b[0m",
        ),
        line(
            Info,
            "tofu",
            None,
            "- Installing hetznercloud/hcloud v1.49.1...",
        ),
        line(
            Info,
            "tofu-plan",
            None,
            "Planning the Sovereign's infrastructure",
        ),
        line(
            Info,
            "tofu",
            None,
            "  \x1b[32m+\x1b[0m resource \"hcloud_network\" \"main\" {",
        ),
        line(
            Info,
            "tofu",
            None,
            "  \x1b[32m+\x1b[0m resource \"hcloud_server\" \"control_plane\" {",
        ),
        line(
            Info,
            "tofu",
            None,
            "\x1b[1mPlan:\x1b[0m 14 to add, 0 to change, 0 to destroy.",
        ),
        line(Info, "tofu-apply", None, "Applying the plan"),
        line(Info, "tofu", None, "hcloud_network.main: Creating..."),
        line(
            Info,
            "tofu",
            None,
            "hcloud_network.main: Creation complete after 2s [id=4512]",
        ),
        line(
            Warn,
            "tofu",
            None,
            "\x1b[33mWarning:\x1b[0m Argument is deprecated: use \"location\" instead of \"datacenter\" for hcloud_server.control_plane",
        ),
        line(
            Info,
            "tofu",
            None,
            "hcloud_server.control_plane: Creation complete after 41s [id=5501234]",
        ),
        line(
            Info,
            "tofu",
            None,
            "\x1b[32m\x1b[1mApply complete! Resources: 14 added, 0 changed, 0 destroyed.\x1b[0m",
        ),
        line(Info, "tofu-output", None, "Reading the outputs"),
        line(
            Info,
            "flux-bootstrap",
            None,
            "Bootstrapping Flux on the new cluster",
        ),
        line(
            Info,
            "component",
            Some("cilium"),
            "cilium: pending → installing",
        ),
        line(
            Info,
            "component-log",
            Some("cilium"),
            "HelmRelease kube-system/cilium: install started",
        ),
        line(
            Info,
            "component",
            Some("cilium"),
            "cilium: installing → installed",
        ),
        line(
            Info,
            "component",
            Some("cert-manager"),
            "cert-manager: pending → installing",
        ),
        line(
            Warn,
            "component-log",
            Some("cert-manager"),
            "HelmRelease cert-manager/cert-manager: webhook not ready, retrying in 10s",
        ),
        line(
            Info,
            "component",
            Some("cert-manager"),
            "cert-manager: installing → installed",
        ),
        line(
            Info,
            "component",
            Some("external-secrets"),
            "external-secrets: pending → installing",
        ),
        line(
            Error,
            "component-log",
            Some("external-secrets"),
            "HelmRelease external-secrets/external-secrets: install retries exhausted: context deadline exceeded",
        ),
        line(
            Error,
            "component",
            Some("external-secrets"),
            "external-secrets: installing → failed",
        ),
        line(
            Info,
            "component",
            Some("kube-prometheus-stack"),
            "kube-prometheus-stack: pending → installing",
        ),
    ]
}

/// `n` plain info lines numbered from `from` (`line 0007`), one second apart.
pub(super) fn numbered(from: usize, n: usize) -> Vec<NewLine> {
    (from..from + n)
        .map(|i| NewLine {
            time: Some(DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(i as i64)),
            level: Some(Level::Info),
            phase: None,
            component: None,
            text: format!("line {i:04}"),
        })
        .collect()
}

/// A view and the body it is shown in.
pub(super) struct Harness {
    pub view: LogView,
    pub body: (u16, u16),
    next_request: u64,
}

impl Harness {
    /// A view of `capacity` lines in a body of `body` (columns, rows).
    pub fn new(capacity: usize, body: (u16, u16)) -> Harness {
        Harness {
            view: LogView::with_capacity("run-d7f3a", "provisioning d7f3a", capacity),
            body,
            next_request: 0,
        }
    }

    fn with<R>(&mut self, f: impl FnOnce(&mut LogView, &mut Cx) -> R) -> R {
        let mut cx = Cx {
            now: testing::now(),
            next_request: &mut self.next_request,
            body: self.body,
            log_lines: crate::views::logs::DEFAULT_CAPACITY,
        };
        f(&mut self.view, &mut cx)
    }

    pub fn act(&mut self, action: Action) -> Outcome {
        self.with(|v, cx| v.on_action(action, cx))
    }

    /// Types `text` as the `/` search (the global update does this through the filter).
    pub fn search(&mut self, text: &str) {
        self.with(|v, cx| {
            let f = v.filter_mut().unwrap();
            f.text = text.to_string();
            v.filter_changed(cx);
        });
    }

    pub fn geometry(&self) -> Geometry {
        self.view.geometry(self.body)
    }

    /// The sequence numbers on screen, top to bottom (`None` for the dropped marker),
    /// one per line (its first row on screen).
    pub fn lines_on_screen(&self) -> Vec<Option<u64>> {
        let mut out = Vec::new();
        for row in self.view.screen(self.geometry()) {
            let seq = match row {
                Row::Marker => None,
                Row::Line { seq, .. } => Some(seq),
            };
            if out.last() != Some(&seq) || seq.is_none() {
                out.push(seq);
            }
        }
        out
    }

    /// The rows on screen.
    pub fn rows(&self) -> Vec<Row> {
        self.view.screen(self.geometry())
    }
}

pub(super) fn done(outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Done(effects) => effects,
        other => panic!("expected Done, got {other:?}"),
    }
}
