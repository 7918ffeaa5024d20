//! The console's sign-in through a Sovereign's Keycloak realm (OpenID Connect), run off the
//! UI task: discovery, the authorization address sent to the screen
//! ([`SignInMsg::Authorize`]), then whichever comes first of the browser's answer on the
//! loopback redirect and a code the operator pastes. A refused code is reported
//! ([`SignInMsg::Refused`]) and the same authorization waits for another. [`RealmSignIn`]
//! is the runner's handle on the attempt under way (codes in, Esc cancels it).
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
use tokio_util::sync::CancellationToken;

use super::Event;
use super::startup::{Connected, finish_signed_in};
use crate::api::auth::oidc::{DEFAULT_LOOPBACK_PORT, OidcClient, PendingAuthorization, Redirect};
use crate::api::{ApiClient, ApiError};
use crate::effect::SignInCode;
use crate::msg::{AuthorizePrompt, Msg, SignInMsg};
use crate::words;

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

/// The runner's side of the sign-in through the realm: the client it signs in (kept for
/// signing in again before a first success), and the attempt under way: where pasted
/// codes go and what stops it.
#[derive(Default)]
pub struct RealmSignIn {
    client: Option<ApiClient>,
    under_way: Option<(mpsc::Sender<SecretString>, CancellationToken)>,
}

impl RealmSignIn {
    /// Starts an attempt (stopping one under way) that ends with `Event::Connected` or a
    /// failure on `tx`, unless `cancel` stops it first.
    pub fn start(
        &mut self,
        client: ApiClient,
        force: bool,
        choice: RedirectChoice,
        tx: mpsc::Sender<Event>,
        cancel: CancellationToken,
    ) {
        self.cancel();
        self.client = Some(client.clone());
        let (codes, rx) = mpsc::channel(4);
        self.under_way = Some((codes, cancel.clone()));
        tokio::spawn(async move {
            let result = tokio::select! {
                r = oidc_sign_in(client, force, choice, rx, tx.clone()) => r,
                () = cancel.cancelled() => return,
            };
            let event = match result {
                Ok(connected) => Event::Connected(Box::new(connected)),
                Err(e) => Event::Msg(Msg::SignIn(SignInMsg::Failed(e))),
            };
            let _ = tx.send(event).await;
        });
    }

    /// Hands a pasted code to the attempt under way; `false` (and a refusal on `tx`)
    /// when none waits for one.
    pub fn submit(&self, code: &SignInCode, tx: &mpsc::Sender<Event>) -> bool {
        let sent = self
            .under_way
            .as_ref()
            .is_some_and(|(codes, _)| codes.try_send(code.secret().clone()).is_ok());
        if !sent {
            let reason = words::SIGNIN_NOT_WAITING.to_string();
            let _ = tx.try_send(Event::Msg(Msg::SignIn(SignInMsg::Refused { reason })));
        }
        sent
    }

    /// Stops the attempt under way (its loopback listener closes with it).
    pub fn cancel(&mut self) {
        if let Some((_, cancel)) = self.under_way.take() {
            cancel.cancel();
        }
    }

    /// The attempt succeeded: nothing waits for codes any more.
    pub fn done(&mut self) {
        self.under_way = None;
    }

    /// The client signed in through the realm.
    pub fn client(&self) -> Option<ApiClient> {
        self.client.clone()
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
