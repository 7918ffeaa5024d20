//! The console's sign-in through a Sovereign's Keycloak realm (OpenID Connect), run off the
//! UI task: discovery, the authorization address sent to the screen
//! ([`SignInMsg::Authorize`]), then whichever comes first of the browser's answer on the
//! loopback redirect and a code the operator pastes. A refused code is reported
//! ([`SignInMsg::Refused`]) and the same authorization waits for another; cancelling is
//! the runner's (it drops the task).
//!
//! ## Which redirect
//!
//! Over SSH (`SSH_CONNECTION` or `SSH_TTY` set) the browser is on another machine, so the
//! sign-in is out of band (`urn:ietf:wg:oauth:2.0:oob`: the page shows the code to paste).
//! Otherwise the console listens on `http://localhost:8000` (the realm's registered
//! loopback redirect) and still takes a pasted code; when 127.0.0.1:8000 cannot be bound it
//! falls back to out of band. `CATALYST_OIDC_REDIRECT` overrides the choice: `oob`,
//! `loopback` (port 8000) or `loopback:PORT` (tests, or a realm registering another port).
//!
//! Must not touch the state, print anything, or put a code, token or verifier in a
//! message (QUALITY S1): refusals carry the library's redacted text only.

use secrecy::SecretString;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::Event;
use super::startup::{Connected, finish_signed_in};
use crate::api::auth::oidc::{DEFAULT_LOOPBACK_PORT, OidcClient, PendingAuthorization, Redirect};
use crate::api::{ApiClient, ApiError};
use crate::msg::{AuthorizePrompt, Msg, SignInMsg};

/// The environment variable that overrides the redirect (see the module docs).
pub const REDIRECT_ENV: &str = "CATALYST_OIDC_REDIRECT";

/// Where the identity provider sends the person back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectChoice {
    /// Only a pasted code.
    OutOfBand,
    /// Listen on `http://localhost:PORT` (and take a pasted code as well); out of band
    /// when the port cannot be bound.
    Loopback(u16),
}

impl RedirectChoice {
    /// The choice for this process, from its environment (`env` reads a variable).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<RedirectChoice, String> {
        if let Some(value) = env(REDIRECT_ENV).filter(|v| !v.trim().is_empty()) {
            return RedirectChoice::parse(value.trim());
        }
        let ssh = ["SSH_CONNECTION", "SSH_TTY"]
            .iter()
            .any(|k| env(k).is_some_and(|v| !v.is_empty()));
        Ok(if ssh {
            RedirectChoice::OutOfBand
        } else {
            RedirectChoice::Loopback(DEFAULT_LOOPBACK_PORT)
        })
    }

    /// `oob`, `loopback` or `loopback:PORT`.
    pub fn parse(value: &str) -> Result<RedirectChoice, String> {
        match value {
            "oob" => Ok(RedirectChoice::OutOfBand),
            "loopback" => Ok(RedirectChoice::Loopback(DEFAULT_LOOPBACK_PORT)),
            other => other
                .strip_prefix("loopback:")
                .and_then(|p| p.parse::<u16>().ok())
                .map(RedirectChoice::Loopback)
                .ok_or_else(|| {
                    format!("{REDIRECT_ENV}={other:?}: expected oob, loopback or loopback:PORT")
                }),
        }
    }

    /// The redirect to use and, for a loopback one, its listener (out of band when the
    /// port is taken).
    async fn bind(self) -> (Redirect, Option<TcpListener>) {
        match self {
            RedirectChoice::OutOfBand => (Redirect::OutOfBand, None),
            RedirectChoice::Loopback(port) => {
                let redirect = Redirect::loopback(port);
                match redirect.bind().await {
                    Ok(listener) => (redirect, Some(listener)),
                    Err(_) => (Redirect::OutOfBand, None),
                }
            }
        }
    }
}

/// Signs `client` in through its realm (unless it has a session and `force` is off),
/// showing the address on screen and taking codes from `codes`.
pub async fn oidc_sign_in(
    client: ApiClient,
    force: bool,
    choice: RedirectChoice,
    mut codes: mpsc::Receiver<SecretString>,
    tx: mpsc::Sender<Event>,
) -> Result<Connected, ApiError> {
    if !force && client.session().is_signed_in() {
        return finish_signed_in(client).await;
    }
    let oidc = OidcClient::discover(&client).await?;
    let (redirect, listener) = choice.bind().await;
    let pending = oidc.begin_authorization(redirect);
    let prompt = AuthorizePrompt {
        issuer: oidc.discovery().issuer.clone(),
        url: pending.url().to_string(),
        loopback: listener.as_ref().map(|_| pending.redirect().as_uri()),
    };
    say(&tx, SignInMsg::Authorize(prompt)).await;
    answer(&oidc, &pending, listener, &mut codes, &tx).await?;
    finish_signed_in(client).await
}

/// Waits for the first code that the identity provider accepts, from the loopback
/// `listener` (dropped on return, freeing the port) or from `codes`.
async fn answer(
    oidc: &OidcClient,
    pending: &PendingAuthorization,
    listener: Option<TcpListener>,
    codes: &mut mpsc::Receiver<SecretString>,
    tx: &mpsc::Sender<Event>,
) -> Result<(), ApiError> {
    let loopback = async {
        match &listener {
            Some(l) => oidc.receive_loopback_code(pending, l).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(loopback);
    let mut listening = listener.is_some();
    loop {
        tokio::select! {
            got = &mut loopback, if listening => {
                listening = false;
                let result = match got {
                    Ok(code) => oidc.exchange_code(pending, &code).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(_) => return Ok(()),
                    Err(e) => say(tx, SignInMsg::LoopbackEnded { reason: e.to_string() }).await,
                }
            }
            code = codes.recv() => {
                // `None`: the runner let go of this sign-in.
                let Some(code) = code else { return Err(ApiError::NotSignedIn) };
                match oidc.exchange_code(pending, &code).await {
                    Ok(_) => return Ok(()),
                    Err(e) => say(tx, SignInMsg::Refused { reason: e.to_string() }).await,
                }
            }
        }
    }
}

async fn say(tx: &mpsc::Sender<Event>, msg: SignInMsg) {
    let _ = tx.send(Event::Msg(Msg::SignIn(msg))).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn ssh_means_out_of_band_and_the_variable_overrides() {
        use RedirectChoice::*;
        assert_eq!(RedirectChoice::from_env(env(&[])), Ok(Loopback(8000)));
        let ssh = [("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")];
        assert_eq!(RedirectChoice::from_env(env(&ssh)), Ok(OutOfBand));
        assert_eq!(
            RedirectChoice::from_env(env(&[("SSH_TTY", "/dev/pts/3")])),
            Ok(OutOfBand)
        );
        let forced = [("SSH_TTY", "/dev/pts/3"), (REDIRECT_ENV, "loopback:9123")];
        assert_eq!(RedirectChoice::from_env(env(&forced)), Ok(Loopback(9123)));
        assert_eq!(
            RedirectChoice::from_env(env(&[(REDIRECT_ENV, "oob")])),
            Ok(OutOfBand)
        );
        assert!(RedirectChoice::from_env(env(&[(REDIRECT_ENV, "loopback:x")])).is_err());
    }

    #[tokio::test]
    async fn a_taken_port_falls_back_to_out_of_band() {
        let taken = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let (redirect, listener) = RedirectChoice::Loopback(port).bind().await;
        assert_eq!(redirect, Redirect::OutOfBand);
        assert!(listener.is_none());
    }
}
