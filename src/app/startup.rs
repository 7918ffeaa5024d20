//! Connecting: starting the embedded sandbox and signing in as a demo persona, or reaching
//! a configured Sovereign and signing in by device flow (the prompt goes to the screen as
//! text) or through its realm (`oidc`). Runs off the UI task and reports through the event
//! channel.

use tokio::sync::mpsc;

use super::Event;
use crate::api::{ApiClient, ApiError, ApiKind, ClientConfig, TokenSource};
use crate::model::Me;
use crate::msg::{Msg, SignInMsg};

/// How this console signs in.
#[derive(Debug, Clone)]
pub enum SignInMethod {
    /// The embedded (or a local) sandbox at `base_url`: demo personas, approved by the
    /// console itself on the sandbox's verification page. Provisioning runs are read at
    /// `provisioning_url`, by default the sandbox's own `/sovereign`.
    Sandbox {
        base_url: String,
        provisioning_url: Option<String>,
    },
    /// A real Sovereign: the device flow, approved by the person in a browser.
    Device,
    /// A real Sovereign whose profile names an OIDC issuer: the authorization code flow
    /// through its Keycloak realm, the address and the code field on screen (`oidc`).
    Oidc {
        redirect: super::oidc::RedirectChoice,
    },
}

/// A signed-in client.
#[derive(Debug, Clone)]
pub struct Connected {
    pub client: ApiClient,
    pub me: Me,
    pub persona: Option<String>,
    pub sovereign: String,
    /// Which API the server speaks, and what the runner needs to read it.
    pub surface: Surface,
}

/// The API a Sovereign serves, as the effect runner reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Surface {
    /// This console's own API.
    Console,
    /// The platform's catalyst-api, read through its adapter; `sovereign` is the id its
    /// `/sovereigns/{id}/…` routes are asked about.
    Catalyst { sovereign: String },
}

/// Signs in to the sandbox at `base_url` as `persona` with a fresh client (`config`
/// carries over the previous client's settings; without one, provisioning runs are read at
/// `provisioning_url` or the sandbox's `/sovereign`).
pub async fn sandbox_sign_in(
    base_url: &str,
    provisioning_url: Option<&str>,
    persona: &str,
    config: Option<ClientConfig>,
    ticket: Option<String>,
) -> Result<Connected, ApiError> {
    let mut config = match config {
        Some(c) => c,
        None => {
            let own = format!("{}/sovereign", base_url.trim_end_matches('/'));
            ClientConfig::parse(base_url)?
                .with_provisioning_url(provisioning_url.unwrap_or(&own))?
        }
    };
    // Support mode: the ticket goes with the sign-in's own reads too.
    config.support_ticket = ticket;
    let client = ApiClient::new(config, TokenSource::None)?;
    let verify = client.api_url_from(crate::sandbox::identity::VERIFICATION_PATH)?;
    let http = client.stream_http();
    let who = persona.to_string();
    client
        .sign_in_with_device_approved(|prompt| async move {
            let answer = http
                .post(verify.clone())
                .form(&[
                    ("user_code", prompt.user_code.as_str()),
                    ("persona", who.as_str()),
                    ("decision", "approve"),
                ])
                .send()
                .await
                .map_err(|e| ApiError::SignInFailed {
                    code: "verification-unreachable".into(),
                    detail: format!("the sandbox's verification page could not be reached: {e}"),
                    request_id: None,
                })?;
            if answer.status().is_success() {
                Ok(())
            } else {
                Err(ApiError::SignInFailed {
                    code: "persona-refused".into(),
                    detail: format!(
                        "the sandbox refused persona {who:?} ({}); Ctrl-P lists the personas",
                        answer.status()
                    ),
                    request_id: None,
                })
            }
        })
        .await?;
    finish(client, Some(persona.to_string())).await
}

/// Signs `client` in by device flow if it has no session, showing the prompt on screen.
pub async fn device_sign_in(
    client: ApiClient,
    force: bool,
    tx: &mpsc::Sender<Event>,
) -> Result<Connected, ApiError> {
    if force || !client.session().is_signed_in() {
        let tx = tx.clone();
        client
            .sign_in_with_device(move |prompt| {
                let _ = tx.try_send(Event::Msg(Msg::SignIn(SignInMsg::Prompt {
                    verification_uri: prompt
                        .verification_uri_complete
                        .clone()
                        .unwrap_or(prompt.verification_uri),
                    user_code: prompt.user_code,
                })));
            })
            .await?;
    }
    finish(client, None).await
}

/// Who is signed in, on which Sovereign, speaking which API.
pub(crate) async fn finish(
    client: ApiClient,
    persona: Option<String>,
) -> Result<Connected, ApiError> {
    if client.detect_api().await? == ApiKind::Catalyst {
        let (who, own) = tokio::join!(client.catalyst_whoami(), client.catalyst_sovereign_self());
        let me = crate::api::catalyst::adapt::me_from_whoami(&who?);
        let sovereign = client.catalyst_sovereign_id().await?;
        let name = own
            .ok()
            .map(|s| s.sovereign_fqdn)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| client.config().api_url.host_str().unwrap_or("").to_string());
        return Ok(Connected {
            client,
            me,
            persona,
            sovereign: name,
            surface: Surface::Catalyst { sovereign },
        });
    }
    let (meta, me) = tokio::join!(client.meta(), client.me());
    let me = me?;
    let sovereign = meta.map(|m| m.sovereign.name).unwrap_or_default();
    Ok(Connected {
        client,
        me,
        persona,
        sovereign,
        surface: Surface::Console,
    })
}

/// Finishes a sign-in that did not go through a persona (the realm's code flow).
pub(super) async fn finish_signed_in(client: ApiClient) -> Result<Connected, ApiError> {
    finish(client, None).await
}
