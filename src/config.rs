//! The console's configuration: `config.toml` in the XDG config directory
//! (`~/.config/catalyst-tui/config.toml`), its profiles, and the flags and environment
//! variables that override them. Owns parsing and validation with readable warnings; it
//! must not decide which view is shown.
//!
//! ```toml
//! theme = "dark"            # dark, light, high-contrast, mono
//! keymap = "default"        # default, vim
//! profile = "bankdhofar"    # the profile used when --profile is not given
//!
//! [profiles.bankdhofar]
//! api_url = "https://console.bankdhofar.example"
//! provisioning_url = "https://console.bankdhofar.example/sovereign"
//! ca_file = "/etc/ssl/bankdhofar-ca.pem"
//! token_file = "/run/secrets/catalyst-token"   # else device sign-in, cached per profile
//! # Sign in through the Sovereign's Keycloak realm (`catalyst-tui login`) instead:
//! oidc_issuer = "https://auth.bankdhofar.example/realms/sovereign"
//! oidc_client_id = "kubectl"                     # the default
//! support_ticket = "SUP-1234"   # support mode (also --support-ticket, CATALYST_SUPPORT_TICKET)
//! ```
//!
//! With no API URL from a flag, the environment or a profile, the console starts its
//! embedded sandbox.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Environment variables that set what the flags set.
pub const ENV_API_URL: &str = "CATALYST_API_URL";
/// The support ticket (`--support-ticket`).
pub const ENV_SUPPORT_TICKET: &str = "CATALYST_SUPPORT_TICKET";
pub const ENV_PROVISIONING_URL: &str = "CATALYST_PROVISIONING_URL";
pub const ENV_CA_FILE: &str = "CATALYST_CA_FILE";
pub const ENV_TOKEN_FILE: &str = "CATALYST_TOKEN_FILE";
pub const ENV_PROFILE: &str = "CATALYST_PROFILE";
pub const ENV_OIDC_ISSUER: &str = "CATALYST_OIDC_ISSUER";
pub const ENV_OIDC_CLIENT_ID: &str = "CATALYST_OIDC_CLIENT_ID";

/// One Sovereign to connect to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub api_url: Option<String>,
    pub provisioning_url: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub token_file: Option<PathBuf>,
    /// The Sovereign's OpenID Connect issuer (its Keycloak realm `sovereign`): sign-in
    /// and refresh go there.
    pub oidc_issuer: Option<String>,
    /// The realm's public client to sign in as (default `kubectl`).
    pub oidc_client_id: Option<String>,
    /// Which API the Sovereign speaks: `"console"` or `"catalyst"`; absent: detected.
    #[serde(default)]
    pub api: Option<crate::api::ApiKind>,
    /// Support mode: the ticket a support agent works on, sent with every request.
    pub support_ticket: Option<String>,
}

/// `config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub theme: Option<String>,
    pub keymap: Option<String>,
    pub profile: Option<String>,
    /// How many lines each log view holds.
    pub log_lines: Option<usize>,
    /// Most frames a second drawn for streams alone (default 20).
    pub stream_fps: Option<u32>,
    /// Most terminal output a second of those frames, in KiB (default 64).
    pub stream_kib_per_second: Option<u32>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Where the console's own files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// `~/.config/catalyst-tui`: config.toml, theme.toml, keymap.toml.
    pub config: PathBuf,
    /// `~/.cache/catalyst-tui`: token caches per profile.
    pub cache: PathBuf,
}

impl Dirs {
    /// The XDG directories of this user (falling back to the current directory when no
    /// home is known, so the console still starts).
    pub fn from_env() -> Dirs {
        use etcetera::BaseStrategy;
        match etcetera::choose_base_strategy() {
            Ok(s) => Dirs {
                config: s.config_dir().join("catalyst-tui"),
                cache: s.cache_dir().join("catalyst-tui"),
            },
            Err(_) => Dirs {
                config: PathBuf::from(".catalyst-tui"),
                cache: PathBuf::from(".catalyst-tui/cache"),
            },
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }
    pub fn theme_file(&self) -> PathBuf {
        self.config.join("theme.toml")
    }
    pub fn keymap_file(&self) -> PathBuf {
        self.config.join("keymap.toml")
    }
    /// The provisioning runs a profile has opened.
    pub fn remembered_deployments(&self, profile: &str) -> PathBuf {
        self.cache.join(format!("deployments-{profile}.txt"))
    }
    /// The token cache of a profile.
    pub fn token_cache(&self, profile: &str) -> PathBuf {
        self.cache.join(format!("token-{profile}.json"))
    }
}

/// Reads `config.toml`; a missing file is an empty configuration, a broken one is
/// reported and ignored so the console still starts.
pub fn load(path: &Path) -> (ConfigFile, Vec<String>) {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (ConfigFile::default(), Vec::new()),
        Err(e) => (
            ConfigFile::default(),
            vec![format!(
                "{}: could not be read ({e}); using defaults",
                path.display()
            )],
        ),
    }
}

/// Parses `config.toml` text.
pub fn parse(text: &str, path: &Path) -> (ConfigFile, Vec<String>) {
    match toml::from_str::<ConfigFile>(text) {
        Ok(c) => (c, Vec::new()),
        Err(e) => (
            ConfigFile::default(),
            vec![format!(
                "{}: {}; using defaults",
                path.display(),
                e.message()
            )],
        ),
    }
}

/// Where to connect, as the command line says it: the flags the console and `follow`
/// share, resolved over the environment and the profile by [`resolve`].
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct Overrides {
    /// The profile of config.toml to connect with.
    #[arg(long)]
    pub profile: Option<String>,
    /// The console API of a Sovereign (instead of the sandbox; `catalyst-tui sandbox`
    /// serves one at http://127.0.0.1:PORT).
    #[arg(long)]
    pub api_url: Option<String>,
    /// Where provisioning runs are read from (`/api/v1/deployments…` is appended; for a
    /// loopback --api-url the default is API_URL/sovereign).
    #[arg(long)]
    pub provisioning_url: Option<String>,
    /// A PEM bundle of extra certificate authorities to trust.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// A file holding a bearer token (read again when the server refuses it).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// The Sovereign's OpenID Connect issuer, e.g.
    /// https://auth.example/realms/sovereign (sign-in and refresh go there).
    #[arg(long, value_name = "URL")]
    pub oidc_issuer: Option<String>,
    /// The issuer's public client to sign in as (default kubectl).
    #[arg(long, value_name = "ID")]
    pub oidc_client_id: Option<String>,
    /// Support mode: the ticket you work on, sent with every request (a support agent
    /// without one is asked for it before anything is read).
    #[arg(long, value_name = "TICKET")]
    pub support_ticket: Option<String>,
}

/// Where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Start the embedded sandbox (with the support ticket given, if any).
    Sandbox { support_ticket: Option<String> },
    /// A real Sovereign (`name` is the profile's, for its token cache).
    Sovereign { name: String, profile: Profile },
}

/// Resolves flags over environment over the chosen profile.
pub fn resolve(
    file: &ConfigFile,
    flags: &Overrides,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Target, String> {
    let profile_name = flags
        .profile
        .clone()
        .or_else(|| env(ENV_PROFILE))
        .or_else(|| file.profile.clone());
    let mut profile = match &profile_name {
        Some(name) => file.profiles.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            if known.is_empty() {
                format!("no profile named {name:?}: the configuration has no profiles")
            } else {
                format!("no profile named {name:?}; known: {}", known.join(", "))
            }
        })?,
        None => Profile::default(),
    };
    let pick = |flag: &Option<String>, var: &str, current: Option<String>| {
        flag.clone().or_else(|| env(var)).or(current)
    };
    profile.api_url = pick(&flags.api_url, ENV_API_URL, profile.api_url);
    profile.provisioning_url = pick(
        &flags.provisioning_url,
        ENV_PROVISIONING_URL,
        profile.provisioning_url,
    );
    profile.ca_file = flags
        .ca_file
        .clone()
        .or_else(|| env(ENV_CA_FILE).map(PathBuf::from))
        .or(profile.ca_file);
    profile.token_file = flags
        .token_file
        .clone()
        .or_else(|| env(ENV_TOKEN_FILE).map(PathBuf::from))
        .or(profile.token_file);
    profile.oidc_issuer = pick(&flags.oidc_issuer, ENV_OIDC_ISSUER, profile.oidc_issuer);
    profile.oidc_client_id = pick(
        &flags.oidc_client_id,
        ENV_OIDC_CLIENT_ID,
        profile.oidc_client_id,
    );
    profile.support_ticket = pick(
        &flags.support_ticket,
        ENV_SUPPORT_TICKET,
        profile.support_ticket,
    )
    .filter(|t| !t.trim().is_empty());
    if profile.api_url.is_none() {
        if profile_name.is_some() {
            return Err(format!(
                "profile {:?} has no api_url",
                profile_name.unwrap_or_default()
            ));
        }
        return Ok(Target::Sandbox {
            support_ticket: profile.support_ticket,
        });
    }
    Ok(Target::Sovereign {
        name: profile_name.unwrap_or_else(|| "default".to_string()),
        profile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
theme = "light"
profile = "bank"
[profiles.bank]
api_url = "https://console.bank.example"
token_file = "/run/token"
[profiles.lab]
api_url = "https://lab.example"
api = "catalyst"
"#;

    fn file() -> ConfigFile {
        let (c, w) = parse(FILE, Path::new("config.toml"));
        assert!(w.is_empty(), "{w:?}");
        c
    }

    #[test]
    fn a_profile_names_the_api_its_sovereign_speaks() {
        let f = file();
        assert_eq!(f.profiles["lab"].api, Some(crate::api::ApiKind::Catalyst));
        assert_eq!(f.profiles["bank"].api, None, "absent: detected");
    }

    #[test]
    fn nothing_configured_means_the_sandbox() {
        let t = resolve(&ConfigFile::default(), &Overrides::default(), |_| None);
        assert_eq!(
            t,
            Ok(Target::Sandbox {
                support_ticket: None
            })
        );
    }

    #[test]
    fn flags_beat_environment_beats_profile() {
        let env = |k: &str| (k == ENV_API_URL).then(|| "https://env.example".to_string());
        let Ok(Target::Sovereign { name, profile }) = resolve(&file(), &Overrides::default(), env)
        else {
            panic!()
        };
        assert_eq!(name, "bank");
        assert_eq!(profile.api_url.as_deref(), Some("https://env.example"));
        assert_eq!(profile.token_file, Some(PathBuf::from("/run/token")));
        let flags = Overrides {
            profile: Some("lab".into()),
            api_url: Some("https://flag.example".into()),
            ..Overrides::default()
        };
        let Ok(Target::Sovereign { name, profile }) = resolve(&file(), &flags, env) else {
            panic!()
        };
        assert_eq!(name, "lab");
        assert_eq!(profile.api_url.as_deref(), Some("https://flag.example"));
        assert_eq!(profile.token_file, None);
    }

    #[test]
    fn the_support_ticket_comes_from_flag_environment_or_profile() {
        let text = "[profiles.sup]\napi_url = \"https://c.example\"\nsupport_ticket = \"SUP-1\"\n";
        let (file, w) = parse(text, Path::new("config.toml"));
        assert!(w.is_empty(), "{w:?}");
        let flags = Overrides {
            profile: Some("sup".into()),
            ..Overrides::default()
        };
        let none = |_: &str| None;
        let Ok(Target::Sovereign { profile, .. }) = resolve(&file, &flags, none) else {
            panic!()
        };
        assert_eq!(profile.support_ticket.as_deref(), Some("SUP-1"));
        let env = |k: &str| (k == ENV_SUPPORT_TICKET).then(|| "SUP-2".to_string());
        let Ok(Target::Sovereign { profile, .. }) = resolve(&file, &flags, env) else {
            panic!()
        };
        assert_eq!(profile.support_ticket.as_deref(), Some("SUP-2"));
        let flag = Overrides {
            support_ticket: Some("SUP-3".into()),
            ..flags
        };
        let Ok(Target::Sovereign { profile, .. }) = resolve(&file, &flag, env) else {
            panic!()
        };
        assert_eq!(profile.support_ticket.as_deref(), Some("SUP-3"));
        // On the sandbox too; a blank ticket is none.
        let sandbox = Overrides {
            support_ticket: Some("SUP-4".into()),
            ..Overrides::default()
        };
        assert_eq!(
            resolve(&ConfigFile::default(), &sandbox, none),
            Ok(Target::Sandbox {
                support_ticket: Some("SUP-4".into())
            })
        );
        let blank = Overrides {
            support_ticket: Some("  ".into()),
            ..Overrides::default()
        };
        assert_eq!(
            resolve(&ConfigFile::default(), &blank, none),
            Ok(Target::Sandbox {
                support_ticket: None
            })
        );
    }

    #[test]
    fn oidc_issuer_comes_from_flag_environment_or_profile() {
        let text = "[profiles.kc]\napi_url = \"https://c.example\"\n\
                    oidc_issuer = \"https://auth.example/realms/sovereign\"\n";
        let (file, w) = parse(text, Path::new("config.toml"));
        assert!(w.is_empty(), "{w:?}");
        let flags = Overrides {
            profile: Some("kc".into()),
            ..Overrides::default()
        };
        let env = |k: &str| (k == ENV_OIDC_CLIENT_ID).then(|| "cli".to_string());
        let Ok(Target::Sovereign { profile, .. }) = resolve(&file, &flags, env) else {
            panic!()
        };
        assert_eq!(
            profile.oidc_issuer.as_deref(),
            Some("https://auth.example/realms/sovereign")
        );
        assert_eq!(profile.oidc_client_id.as_deref(), Some("cli"));
        let flags = Overrides {
            oidc_issuer: Some("https://other.example/realms/sovereign".into()),
            ..flags
        };
        let Ok(Target::Sovereign { profile, .. }) = resolve(&file, &flags, |_| None) else {
            panic!()
        };
        assert_eq!(
            profile.oidc_issuer.as_deref(),
            Some("https://other.example/realms/sovereign")
        );
        assert_eq!(profile.oidc_client_id, None);
    }

    #[test]
    fn unknown_profiles_and_broken_files_are_explained() {
        let flags = Overrides {
            profile: Some("nope".into()),
            ..Overrides::default()
        };
        let err = resolve(&file(), &flags, |_| None).unwrap_err();
        assert!(err.contains("bank, lab"), "{err}");
        let (c, w) = parse("theme = 3\nbogus = 1", Path::new("c.toml"));
        assert_eq!(c, ConfigFile::default());
        assert!(w[0].starts_with("c.toml: "), "{w:?}");
    }
}
