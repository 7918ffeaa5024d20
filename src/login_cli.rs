//! `catalyst-tui login`: signs in to a Sovereign through its Keycloak realm without the
//! console and stores the tokens in the profile's token cache (0600, atomic), where the
//! console and `follow` find them. Three ways: the browser with a loopback redirect
//! (default, `http://localhost:8000`), out of band (`--oob`: the URL goes to stderr, the
//! pasted code comes on stdin), or the password grant for automation (`--username NAME
//! --password-stdin`). Prints "signed in as NAME (expires in N s)" on stdout.
//!
//! Exit codes: 0 signed in, 1 the sign-in was refused or failed, 2 bad usage or
//! configuration.
//!
//! Must not print, log or echo a token, code or password (QUALITY S1).

use std::io::{BufRead as _, IsTerminal as _};
use std::time::Duration;

use clap::Args;
use secrecy::SecretString;
use zeroize::Zeroize as _;

use crate::api::auth::oidc::{DEFAULT_LOOPBACK_PORT, OidcClient, Redirect, SignedIn};
use crate::api::{ApiClient, ApiError, ClientConfig, TokenSource};
use crate::config::{self, Dirs, Overrides};
use crate::words;

/// Flags of `catalyst-tui login`.
#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Sign in by pasting the code the sign-in page shows (for a browser on another
    /// machine).
    #[arg(long, conflicts_with_all = ["loopback", "username"])]
    pub oob: bool,
    /// Sign in in a browser on this machine, which comes back to http://localhost:PORT
    /// (the default way).
    #[arg(long, conflicts_with = "username")]
    pub loopback: bool,
    /// The loopback redirect's port (the realm registers 8000).
    #[arg(long, value_name = "PORT", default_value_t = DEFAULT_LOOPBACK_PORT)]
    pub port: u16,
    /// Sign in as this user with the password grant (needs --password-stdin).
    #[arg(long, value_name = "NAME", requires = "password_stdin")]
    pub username: Option<String>,
    /// Read the password from one line of standard input (a pipe).
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// Give up waiting for the browser after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub timeout: u64,
    #[command(flatten)]
    pub connection: Overrides,
}

/// Runs `login`; returns the exit code.
pub async fn run(args: LoginArgs) -> i32 {
    let dirs = Dirs::from_env();
    let (file, _) = config::load(&dirs.config_file());
    match sign_in(&args, &file, &dirs, |k| std::env::var(k).ok()).await {
        Ok(done) => {
            println!(
                "{}",
                words::signed_in(done.username.as_deref(), done.expires_in)
            );
            0
        }
        Err(Failure::Usage(e)) => {
            eprintln!("catalyst-tui login: {e}");
            2
        }
        Err(Failure::SignIn(e)) => {
            eprintln!("catalyst-tui login: {e}");
            1
        }
    }
}

enum Failure {
    Usage(String),
    SignIn(ApiError),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Config { detail } | ApiError::InvalidInput { detail } => {
                Failure::Usage(detail)
            }
            other => Failure::SignIn(other),
        }
    }
}

/// The client of the resolved profile, its tokens in the profile's cache.
fn client(
    args: &LoginArgs,
    file: &config::ConfigFile,
    dirs: &Dirs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<ApiClient, Failure> {
    let (name, profile) = match config::resolve(file, &args.connection, env) {
        Ok(config::Target::Sovereign { name, profile }) => (name, profile),
        Ok(config::Target::Sandbox { .. }) => {
            return Err(Failure::Usage(words::LOGIN_NO_API.into()));
        }
        Err(e) => return Err(Failure::Usage(e)),
    };
    let issuer = profile
        .oidc_issuer
        .as_deref()
        .ok_or_else(|| Failure::Usage(words::LOGIN_NO_ISSUER.into()))?;
    let mut config = ClientConfig::parse(profile.api_url.as_deref().unwrap_or_default())?
        .with_oidc(issuer, profile.oidc_client_id.as_deref())?;
    config.ca_file = profile.ca_file.clone();
    Ok(ApiClient::new(
        config,
        TokenSource::cache(dirs.token_cache(&name)),
    )?)
}

async fn sign_in(
    args: &LoginArgs,
    file: &config::ConfigFile,
    dirs: &Dirs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<SignedIn, Failure> {
    let api = client(args, file, dirs, env)?;
    let oidc = OidcClient::discover(&api).await?;
    if let Some(user) = &args.username {
        let password = read_password()?;
        return Ok(oidc.password_grant(user, &password).await?);
    }
    if args.oob {
        let pending = oidc.begin_authorization(Redirect::OutOfBand);
        eprintln!("{}\n\n  {}\n", words::LOGIN_OPEN_URL, pending.url());
        eprintln!("{}", words::LOGIN_PASTE_CODE);
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        let result = match read {
            Ok(_) => oidc.complete_with_code(pending, &line).await,
            Err(e) => Err(ApiError::invalid_input(format!(
                "Could not read the code from standard input: {e}."
            ))),
        };
        line.zeroize();
        return Ok(result?);
    }
    let redirect = Redirect::loopback(args.port);
    let listener = redirect.bind().await?;
    let pending = oidc.begin_authorization(redirect);
    eprintln!("{}\n\n  {}\n", words::LOGIN_OPEN_URL, pending.url());
    eprintln!("{} {} …", words::LOGIN_WAITING, pending.redirect().as_uri());
    let timeout = Duration::from_secs(args.timeout.max(1));
    Ok(oidc.wait_for_loopback(pending, listener, timeout).await?)
}

/// One line of standard input, which must not be a terminal (it would echo).
fn read_password() -> Result<SecretString, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Failure::Usage(words::LOGIN_PASSWORD_TTY.into()));
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    let trimmed = line.trim_end_matches(['\r', '\n']);
    // `to_string` allocates exactly, so no copy of the password is left behind unwiped.
    let password = (!trimmed.is_empty()).then(|| SecretString::from(trimmed.to_string()));
    line.zeroize();
    match (read, password) {
        (Ok(_), Some(p)) => Ok(p),
        (Ok(_), None) => Err(Failure::Usage(words::LOGIN_NO_PASSWORD.into())),
        (Err(e), _) => Err(Failure::Usage(format!(
            "could not read the password from standard input: {e}"
        ))),
    }
}
