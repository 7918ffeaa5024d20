//! Sign-in over SSH: the OAuth 2.0 Device Authorization Grant (RFC 8628).
//!
//! The client asks the device endpoint for a code, hands the person a [`DevicePrompt`]
//! (a URI and a code, shown as text by the caller), then polls the token endpoint: never
//! sooner than `interval` after the previous poll finished, five seconds slower after each
//! `slow_down`, until tokens arrive, the person declines, or the code expires (QUALITY S6).
//!
//! Must not open a browser or print anything itself; showing the prompt is the caller's.

use std::future::Future;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use super::Tokens;
use super::refresh::TokenAnswer;
use crate::api::client::{ApiClient, Auth, Call, Payload};
use crate::api::error::ApiError;
use crate::model::{DeviceAuthorization, TokenResponse};

/// The grant type of RFC 8628 §3.4.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Extra wait after each `slow_down` (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// Shortest interval between polls, whatever the server says.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Longest interval reached by backing off after network failures.
const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// What a person needs to approve the sign-in on another device. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePrompt {
    /// The page to open.
    pub verification_uri: String,
    /// The code to type there.
    pub user_code: String,
    /// The page with the code filled in, when the server offers it.
    pub verification_uri_complete: Option<String>,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// One poll's outcome, as the polling loop sees it.
#[derive(Debug)]
pub enum PollOutcome {
    /// The person approved: here are the tokens.
    Granted(TokenResponse),
    /// `authorization_pending`: keep polling.
    Pending,
    /// `slow_down`: keep polling, five seconds slower.
    SlowDown,
    /// `access_denied`.
    Denied,
    /// `expired_token`.
    Expired,
    /// Anything else; retryable failures back off, others end the sign-in.
    Failed(ApiError),
}

/// Polls until the sign-in ends. The first poll comes `interval` after the start; each
/// next one `interval` after the previous one finished.
pub async fn poll_for_tokens<F, Fut>(
    interval: Duration,
    expires_in: Duration,
    mut poll: F,
) -> Result<TokenResponse, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = PollOutcome>,
{
    let deadline = Instant::now() + expires_in;
    let mut interval = interval.max(MIN_INTERVAL);
    loop {
        let next = Instant::now() + interval;
        if next > deadline {
            return Err(ApiError::SignInExpired);
        }
        tokio::time::sleep_until(next).await;
        match poll().await {
            PollOutcome::Granted(tokens) => return Ok(tokens),
            PollOutcome::Pending => {}
            PollOutcome::SlowDown => interval += SLOW_DOWN_STEP,
            PollOutcome::Denied => return Err(ApiError::SignInDenied),
            PollOutcome::Expired => return Err(ApiError::SignInExpired),
            PollOutcome::Failed(e) if e.is_retryable() => {
                // RFC 8628 §3.5: back off when the server cannot be reached.
                interval = (interval * 2).min(MAX_INTERVAL);
            }
            PollOutcome::Failed(e) => return Err(e),
        }
    }
}

impl ApiClient {
    /// Signs in with the device flow. `show` receives the prompt to display as soon as the
    /// server issued a code; the returned future ends when the sign-in ended. On success
    /// the tokens are installed in the session (and its cache).
    pub async fn sign_in_with_device<F>(&self, show: F) -> Result<(), ApiError>
    where
        F: FnOnce(DevicePrompt),
    {
        self.device_flow(|prompt| {
            show(prompt);
            async { Ok(false) }
        })
        .await
    }

    /// Signs in with the device flow where the approval is made by the caller itself (the
    /// embedded sandbox's demo personas): `approve` answers the verification page and
    /// returns once it did, and the first poll follows at once instead of an interval
    /// later, so a sandbox start is not held up by the polling rhythm.
    pub async fn sign_in_with_device_approved<F, Fut>(&self, approve: F) -> Result<(), ApiError>
    where
        F: FnOnce(DevicePrompt) -> Fut,
        Fut: Future<Output = Result<(), ApiError>>,
    {
        self.device_flow(|prompt| {
            let fut = approve(prompt);
            async move { fut.await.map(|()| true) }
        })
        .await
    }

    /// The device flow; `prompt` shows or answers the code and says whether it was
    /// already approved (then the first poll is immediate).
    async fn device_flow<F, Fut>(&self, prompt: F) -> Result<(), ApiError>
    where
        F: FnOnce(DevicePrompt) -> Fut,
        Fut: Future<Output = Result<bool, ApiError>>,
    {
        let ep = self.oauth_endpoints().await?;
        let mut fields = vec![("client_id".to_string(), ep.client_id.clone())];
        if !ep.scopes.is_empty() {
            fields.push(("scope".to_string(), ep.scopes.join(" ")));
        }
        let call = Call {
            method: reqwest::Method::POST,
            url: ep.device_authorization_endpoint.clone(),
            payload: Payload::Form(fields),
            auth: Auth::None,
            accept: "application/json",
            what: "the device sign-in answer",
            streaming: false,
        };
        let auth: DeviceAuthorization = self.call_json_anonymous(call).await?;
        let DeviceAuthorization {
            device_code,
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
            interval,
        } = auth;
        let device_code = SecretString::from(device_code);
        let approved = prompt(DevicePrompt {
            verification_uri,
            user_code,
            verification_uri_complete,
            expires_in: Duration::from_secs(expires_in),
        })
        .await?;
        if approved {
            match self
                .poll_device_token(&ep.token_endpoint, &ep.client_id, &device_code)
                .await
            {
                PollOutcome::Granted(resp) => {
                    return self
                        .inner
                        .session
                        .install(Tokens::from_response(resp, None));
                }
                PollOutcome::Denied => return Err(ApiError::SignInDenied),
                PollOutcome::Expired => return Err(ApiError::SignInExpired),
                PollOutcome::Failed(e) if !e.is_retryable() => return Err(e),
                // Not seen yet or a passing failure: poll at the server's rhythm.
                _ => {}
            }
        }
        let resp = poll_for_tokens(
            Duration::from_secs(interval),
            Duration::from_secs(expires_in),
            || self.poll_device_token(&ep.token_endpoint, &ep.client_id, &device_code),
        )
        .await?;
        self.inner
            .session
            .install(Tokens::from_response(resp, None))
    }

    async fn poll_device_token(
        &self,
        token_endpoint: &reqwest::Url,
        client_id: &str,
        device_code: &SecretString,
    ) -> PollOutcome {
        let fields = vec![
            ("grant_type".to_string(), DEVICE_CODE_GRANT.to_string()),
            (
                "device_code".to_string(),
                device_code.expose_secret().to_string(),
            ),
            ("client_id".to_string(), client_id.to_string()),
        ];
        match self.post_token_form(token_endpoint, fields).await {
            Ok(TokenAnswer::Tokens(t)) => PollOutcome::Granted(t),
            Ok(TokenAnswer::Refused(r)) => match r.error.as_str() {
                "authorization_pending" => PollOutcome::Pending,
                "slow_down" => PollOutcome::SlowDown,
                "access_denied" => PollOutcome::Denied,
                "expired_token" => PollOutcome::Expired,
                _ => PollOutcome::Failed(ApiError::SignInFailed {
                    code: r.error,
                    detail: r.error_description.unwrap_or_default(),
                    request_id: None,
                }),
            },
            Err(e) => PollOutcome::Failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn token() -> TokenResponse {
        TokenResponse {
            access_token: "a".into(),
            token_type: "Bearer".into(),
            expires_in: 300,
            refresh_token: None,
            scope: None,
        }
    }

    /// Runs the loop against a script of outcomes and returns the poll times (seconds
    /// after the start) and the result.
    async fn run(
        interval: u64,
        expires: u64,
        script: Vec<PollOutcome>,
    ) -> (Vec<u64>, Result<TokenResponse, ApiError>) {
        let start = Instant::now();
        let times = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.into_iter()));
        let t = times.clone();
        let result = poll_for_tokens(
            Duration::from_secs(interval),
            Duration::from_secs(expires),
            move || {
                t.lock().unwrap().push((Instant::now() - start).as_secs());
                let next = script
                    .lock()
                    .unwrap()
                    .next()
                    .unwrap_or(PollOutcome::Pending);
                async move { next }
            },
        )
        .await;
        let times = times.lock().unwrap().clone();
        (times, result)
    }

    #[tokio::test(start_paused = true)]
    async fn polls_at_the_interval_and_slows_down() {
        use PollOutcome::*;
        let (times, result) = run(
            5,
            600,
            vec![Pending, SlowDown, Pending, SlowDown, Granted(token())],
        )
        .await;
        assert!(result.is_ok());
        assert_eq!(times, vec![5, 10, 20, 30, 45]);
    }

    #[tokio::test(start_paused = true)]
    async fn stops_on_denial_and_expiry() {
        use PollOutcome::*;
        let (times, result) = run(5, 600, vec![Pending, Denied]).await;
        assert_eq!(times, vec![5, 10]);
        assert_eq!(result.unwrap_err(), ApiError::SignInDenied);

        let (times, result) = run(5, 600, vec![Expired]).await;
        assert_eq!(times, vec![5]);
        assert_eq!(result.unwrap_err(), ApiError::SignInExpired);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_when_the_code_expires() {
        let (times, result) = run(5, 22, vec![]).await;
        assert_eq!(times, vec![5, 10, 15, 20]);
        assert_eq!(result.unwrap_err(), ApiError::SignInExpired);
    }

    #[tokio::test(start_paused = true)]
    async fn never_polls_faster_than_a_second() {
        let (times, _) = run(0, 3, vec![]).await;
        assert_eq!(times, vec![1, 2, 3]);
    }
}
