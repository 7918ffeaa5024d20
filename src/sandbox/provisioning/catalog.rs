//! The simulation's static data: the bootstrap-kit components and the OpenTofu output
//! templates under `assets/provisioning/`, compiled in and parsed once.
//!
//! Owns: parsing those files and rendering a template line for one run (placeholders,
//! `\e` colour codes, Go-style trimming).
//! Must not: schedule anything or know about HTTP; `script` decides when lines appear.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::gojson::trim_space;
use super::rng::Rng;

/// One `bp-<id>` HelmRelease of the bootstrap kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Normalised component id (`cilium`), the HelmRelease name without `bp-`.
    pub id: String,
    /// Namespace of the Helm release the HelmRelease installs.
    pub namespace: String,
    /// Chart version.
    pub version: String,
    /// Component ids this one waits for (`spec.dependsOn`).
    pub deps: Vec<String>,
}

/// Every component, in the order the watch's initial list delivers them (dependencies
/// always before their dependents).
pub fn components() -> &'static [Component] {
    static COMPONENTS: OnceLock<Vec<Component>> = OnceLock::new();
    COMPONENTS.get_or_init(|| {
        parse_components(include_str!("../../../assets/provisioning/components.txt"))
    })
}

/// The component with this id.
pub fn component(id: &str) -> Option<&'static Component> {
    components().iter().find(|c| c.id == id)
}

fn parse_components(text: &str) -> Vec<Component> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split('|');
            let id = parts.next()?.trim().to_string();
            let namespace = parts.next()?.trim().to_string();
            let version = parts.next()?.trim().to_string();
            let deps = parts
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect();
            Some(Component {
                id,
                namespace,
                version,
                deps,
            })
        })
        .collect()
}

/// The OpenTofu outputs the simulation replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    Init,
    InitRetry,
    Plan,
    PlanRetry,
    Apply,
    ApplyRetry,
    ApplyFailed,
}

/// One line of a template: the pause before it (ms at speed 1), its stream, its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateLine {
    pub pause_ms: u64,
    pub stderr: bool,
    pub text: &'static str,
}

/// Default spacing between two output lines, in ms at speed 1.
const LINE_SPACING_MS: u64 = 12;

/// The parsed lines of a template.
pub fn template(t: Template) -> &'static [TemplateLine] {
    static TEMPLATES: OnceLock<HashMap<Template, Vec<TemplateLine>>> = OnceLock::new();
    let all = TEMPLATES.get_or_init(|| {
        let sources: [(Template, &'static str); 7] = [
            (
                Template::Init,
                include_str!("../../../assets/provisioning/tofu-init.txt"),
            ),
            (
                Template::InitRetry,
                include_str!("../../../assets/provisioning/tofu-init-retry.txt"),
            ),
            (
                Template::Plan,
                include_str!("../../../assets/provisioning/tofu-plan.txt"),
            ),
            (
                Template::PlanRetry,
                include_str!("../../../assets/provisioning/tofu-plan-retry.txt"),
            ),
            (
                Template::Apply,
                include_str!("../../../assets/provisioning/tofu-apply.txt"),
            ),
            (
                Template::ApplyRetry,
                include_str!("../../../assets/provisioning/tofu-apply-retry.txt"),
            ),
            (
                Template::ApplyFailed,
                include_str!("../../../assets/provisioning/tofu-apply-failed.txt"),
            ),
        ];
        sources
            .into_iter()
            .map(|(k, src)| (k, parse_template(src)))
            .collect()
    });
    all.get(&t).map(Vec::as_slice).unwrap_or(&[])
}

fn parse_template(src: &'static str) -> Vec<TemplateLine> {
    let mut out = Vec::new();
    let mut pending_pause = 0u64;
    for line in src.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix('@') {
            pending_pause += ms.trim().parse::<u64>().unwrap_or(0);
            continue;
        }
        let (stderr, text) = match line.split_at_checked(2) {
            Some(("o|", rest)) => (false, rest),
            Some(("e|", rest)) => (true, rest),
            _ => continue,
        };
        out.push(TemplateLine {
            pause_ms: if pending_pause > 0 {
                pending_pause
            } else {
                LINE_SPACING_MS
            },
            stderr,
            text,
        });
        pending_pause = 0;
    }
    out
}

/// The values a run substitutes into templates.
#[derive(Debug, Clone)]
pub struct Vars {
    pub id: String,
    pub fqdn: String,
    pub region: String,
    pub cp_ip: String,
    pub lb_ip: String,
    ids: HashMap<String, String>,
    rng: Rng,
}

impl Vars {
    /// Values for a run; `rng` invents the cloud ids.
    pub fn new(id: &str, fqdn: &str, region: &str, cp_ip: &str, lb_ip: &str, rng: Rng) -> Self {
        Vars {
            id: id.to_string(),
            fqdn: fqdn.to_string(),
            region: region.to_string(),
            cp_ip: cp_ip.to_string(),
            lb_ip: lb_ip.to_string(),
            ids: HashMap::new(),
            rng,
        }
    }

    /// The FQDN with dots as dashes (the module's resource name prefix).
    pub fn name(&self) -> String {
        self.fqdn.replace('.', "-")
    }

    /// Renders one template line as the service would emit it: placeholders filled,
    /// `\e` turned into ESC, trimmed like Go `strings.TrimSpace`; `None` when the trimmed
    /// line is empty (the service skips those).
    pub fn render(&mut self, text: &str) -> Option<String> {
        let with_esc = text.replace("\\e", "\u{1b}");
        let mut out = String::with_capacity(with_esc.len() + 16);
        let mut rest = with_esc.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after
                .find('}')
                .and_then(|close| self.value(&after[..close]).map(|v| (close, v)))
            {
                Some((close, value)) => {
                    out.push_str(&value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        let trimmed = trim_space(&out);
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }

    fn value(&mut self, key: &str) -> Option<String> {
        match key {
            "id" => Some(self.id.clone()),
            "fqdn" => Some(self.fqdn.clone()),
            "name" => Some(self.name()),
            "region" => Some(self.region.clone()),
            "cp_ip" => Some(self.cp_ip.clone()),
            "lb_ip" => Some(self.lb_ip.clone()),
            _ => {
                if let Some(k) = key.strip_prefix("rid:") {
                    let rng = &mut self.rng;
                    Some(
                        self.ids
                            .entry(format!("rid:{k}"))
                            .or_insert_with(|| rng.range(1_000_000, 99_999_999).to_string())
                            .clone(),
                    )
                } else if let Some(k) = key.strip_prefix("hex:") {
                    let rng = &mut self.rng;
                    Some(
                        self.ids
                            .entry(format!("hex:{k}"))
                            .or_insert_with(|| rng.hex(8))
                            .clone(),
                    )
                } else {
                    None
                }
            }
        }
    }
}

/// The kubeconfig the simulated cluster posts back: a k3s admin config for `cp_ip`.
pub fn kubeconfig(name: &str, cp_ip: &str, rng: &mut Rng) -> String {
    // Base64 of "-----BEGIN CERTIFICATE-----\n" / "-----BEGIN EC PRIVATE KEY-----\n"
    // followed by made-up base64 text: shaped like the real thing, valid as nothing.
    let ca = format!("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1J{}", rng.hex(96));
    let cert = format!("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1J{}", rng.hex(96));
    let key = format!(
        "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1I{}",
        rng.hex(48)
    );
    include_str!("../../../assets/provisioning/kubeconfig.yaml")
        .replace("{ca}", &ca)
        .replace("{cert}", &cert)
        .replace("{key}", &key)
        .replace("{cp_ip}", cp_ip)
        .replace("{name}", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_topologically_ordered_and_known() {
        let all = components();
        assert!(all.len() >= 20 && all.len() <= 35, "{}", all.len());
        for (i, c) in all.iter().enumerate() {
            for d in &c.deps {
                let pos = all.iter().position(|x| &x.id == d);
                assert!(matches!(pos, Some(p) if p < i), "{} depends on {d}", c.id);
            }
        }
        assert!(component("catalyst-platform").is_some());
    }

    #[test]
    fn templates_parse_with_pauses_and_streams() {
        let init = template(Template::Init);
        assert!(init.len() > 10);
        assert_eq!(init[0].pause_ms, 600);
        assert_eq!(init[1].pause_ms, 900);
        assert_eq!(init[2].pause_ms, LINE_SPACING_MS);
        assert!(template(Template::ApplyFailed).iter().any(|l| l.stderr));
        assert!(template(Template::Plan).len() > 200);
    }

    #[test]
    fn render_fills_placeholders_colours_and_trims_like_go() {
        let mut v = Vars::new(
            "abc",
            "a.example.org",
            "fsn1",
            "1.2.3.4",
            "5.6.7.8",
            Rng::new(1),
        );
        let line = v
            .render(r#"      \e[32m+\e[0m\e[0m name = "{name}-{id}" {rid:x} {rid:x} {"#)
            .unwrap();
        assert!(line.starts_with("\u{1b}[32m+"));
        assert!(line.contains("\"a-example-org-abc\""));
        let parts: Vec<&str> = line.split(' ').collect();
        let n = parts.len();
        assert_eq!(parts[n - 2], parts[n - 3], "rid stable per key");
        assert!(line.ends_with('{'));
        assert_eq!(v.render("   "), None);
        assert_eq!(v.render(r"\e[0m").as_deref(), Some("\u{1b}[0m"));
    }
}
