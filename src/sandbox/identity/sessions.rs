//! The sign-in state of the sandbox: pending device authorizations (RFC 8628), access
//! tokens and rotating refresh tokens. Pure logic with time passed in, so every rule
//! (pending, slow_down, denial, expiry, rotation) is tested without waiting.
//!
//! Tokens are random opaque strings held only here; `Debug` shows counts, never a token.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use rand::{Rng, RngCore};

use crate::model::Timestamp;

/// How long a device code stays usable.
pub const DEVICE_CODE_TTL_SECS: u64 = 600;
/// Minimum seconds between two polls of one device code (RFC 8628 `interval`).
pub const POLL_INTERVAL_SECS: u64 = 1;
/// What `slow_down` adds to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP_SECS: u64 = 5;
/// Lifetime of a refresh token; long enough for a working day of follows (QUALITY R5).
pub const REFRESH_TTL_SECS: i64 = 12 * 3600;

/// Letters of user codes: no vowels (no words) and no look-alikes (RFC 8628 §6.1).
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// A started device authorization, as the device endpoint answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceStart {
    pub device_code: String,
    /// `XXXX-XXXX`.
    pub user_code: String,
    pub expires_in: u64,
    pub interval: u64,
}

/// Tokens issued by a successful grant.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub scope: String,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Why a token request failed: the RFC 6749 / RFC 8628 error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantError {
    AuthorizationPending,
    SlowDown,
    AccessDenied,
    ExpiredToken,
    InvalidGrant,
    InvalidClient,
}

impl GrantError {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            GrantError::AuthorizationPending => "authorization_pending",
            GrantError::SlowDown => "slow_down",
            GrantError::AccessDenied => "access_denied",
            GrantError::ExpiredToken => "expired_token",
            GrantError::InvalidGrant => "invalid_grant",
            GrantError::InvalidClient => "invalid_client",
        }
    }
    /// A sentence for people.
    pub fn description(self) -> &'static str {
        match self {
            GrantError::AuthorizationPending => {
                "the code has not been approved yet; keep polling at the interval"
            }
            GrantError::SlowDown => "polled faster than the interval; wait 5 seconds longer",
            GrantError::AccessDenied => "the sign-in was refused on the verification page",
            GrantError::ExpiredToken => "the device code expired; start the sign-in again",
            GrantError::InvalidGrant => {
                "the code or refresh token is not valid (used, expired or unknown)"
            }
            GrantError::InvalidClient => "unknown client_id",
        }
    }
}

/// Why the verification page could not complete a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideError {
    UnknownCode,
    Expired,
    AlreadyDecided,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Decision {
    Pending,
    Approved(String),
    Denied,
}

#[derive(Debug, Clone)]
struct DeviceGrant {
    user_code: String,
    client_id: String,
    scope: String,
    expires_at: Timestamp,
    interval: u64,
    last_poll: Option<Timestamp>,
    decision: Decision,
}

#[derive(Debug, Clone)]
struct TokenGrant {
    persona: String,
    client_id: String,
    scope: String,
    expires_at: Timestamp,
}

/// Device codes and tokens. Keys are the secrets themselves, so nothing here is printed.
#[derive(Clone, Default)]
pub struct Sessions {
    devices: BTreeMap<String, DeviceGrant>,
    access: BTreeMap<String, TokenGrant>,
    refresh: BTreeMap<String, TokenGrant>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("pending_devices", &self.devices.len())
            .field("access_tokens", &self.access.len())
            .field("refresh_tokens", &self.refresh.len())
            .finish()
    }
}

impl Sessions {
    /// Starts a device authorization for `client_id`.
    pub fn start_device(&mut self, client_id: &str, scope: &str, now: Timestamp) -> DeviceStart {
        self.prune(now);
        let device_code = random_token("dc");
        let user_code = loop {
            let code = user_code();
            if !self.devices.values().any(|d| d.user_code == code) {
                break code;
            }
        };
        self.devices.insert(
            device_code.clone(),
            DeviceGrant {
                user_code: user_code.clone(),
                client_id: client_id.to_string(),
                scope: scope.to_string(),
                expires_at: now + secs(DEVICE_CODE_TTL_SECS),
                interval: POLL_INTERVAL_SECS,
                last_poll: None,
                decision: Decision::Pending,
            },
        );
        DeviceStart {
            device_code,
            user_code,
            expires_in: DEVICE_CODE_TTL_SECS,
            interval: POLL_INTERVAL_SECS,
        }
    }

    /// The verification page's answer for a user code: approve as `persona`, or deny
    /// (`None`). User codes match case-insensitively, with or without the dash.
    pub fn decide(
        &mut self,
        user_code: &str,
        persona: Option<&str>,
        now: Timestamp,
    ) -> Result<(), DecideError> {
        let wanted = normalize_user_code(user_code);
        let grant = self
            .devices
            .values_mut()
            .find(|d| normalize_user_code(&d.user_code) == wanted)
            .ok_or(DecideError::UnknownCode)?;
        if now >= grant.expires_at {
            return Err(DecideError::Expired);
        }
        if grant.decision != Decision::Pending {
            return Err(DecideError::AlreadyDecided);
        }
        grant.decision = match persona {
            Some(p) => Decision::Approved(p.to_string()),
            None => Decision::Denied,
        };
        Ok(())
    }

    /// One poll of the token endpoint with a device code.
    pub fn poll(
        &mut self,
        device_code: &str,
        client_id: &str,
        now: Timestamp,
        access_ttl_secs: u64,
    ) -> Result<Issued, GrantError> {
        let grant = self
            .devices
            .get_mut(device_code)
            .ok_or(GrantError::InvalidGrant)?;
        if grant.client_id != client_id {
            return Err(GrantError::InvalidClient);
        }
        if now >= grant.expires_at {
            // Kept until pruned, so the page and later polls still say "expired".
            return Err(GrantError::ExpiredToken);
        }
        let too_soon = grant
            .last_poll
            .is_some_and(|last| now - last < secs(grant.interval));
        grant.last_poll = Some(now);
        if too_soon {
            grant.interval += SLOW_DOWN_STEP_SECS;
            return Err(GrantError::SlowDown);
        }
        match grant.decision.clone() {
            Decision::Pending => Err(GrantError::AuthorizationPending),
            Decision::Denied => {
                self.devices.remove(device_code);
                Err(GrantError::AccessDenied)
            }
            Decision::Approved(persona) => {
                let scope = grant.scope.clone();
                self.devices.remove(device_code);
                Ok(self.issue(&persona, client_id, &scope, now, access_ttl_secs))
            }
        }
    }

    /// The refresh-token grant: the presented token is spent and a new pair issued.
    pub fn refresh(
        &mut self,
        refresh_token: &str,
        client_id: &str,
        now: Timestamp,
        access_ttl_secs: u64,
    ) -> Result<Issued, GrantError> {
        let grant = self
            .refresh
            .get(refresh_token)
            .ok_or(GrantError::InvalidGrant)?;
        if grant.client_id != client_id {
            return Err(GrantError::InvalidClient);
        }
        let grant = self
            .refresh
            .remove(refresh_token)
            .ok_or(GrantError::InvalidGrant)?;
        if now >= grant.expires_at {
            return Err(GrantError::InvalidGrant);
        }
        Ok(self.issue(
            &grant.persona,
            client_id,
            &grant.scope,
            now,
            access_ttl_secs,
        ))
    }

    /// The persona an access token belongs to, while it is valid.
    pub fn resolve(&self, access_token: &str, now: Timestamp) -> Option<&str> {
        self.access
            .get(access_token)
            .filter(|g| now < g.expires_at)
            .map(|g| g.persona.as_str())
    }

    fn issue(
        &mut self,
        persona: &str,
        client_id: &str,
        scope: &str,
        now: Timestamp,
        access_ttl_secs: u64,
    ) -> Issued {
        self.prune(now);
        let access_token = random_token("cat_at");
        let refresh_token = random_token("cat_rt");
        let grant = |expires_at| TokenGrant {
            persona: persona.to_string(),
            client_id: client_id.to_string(),
            scope: scope.to_string(),
            expires_at,
        };
        self.access
            .insert(access_token.clone(), grant(now + secs(access_ttl_secs)));
        self.refresh.insert(
            refresh_token.clone(),
            grant(now + TimeDelta::seconds(REFRESH_TTL_SECS)),
        );
        Issued {
            access_token,
            refresh_token,
            expires_in: access_ttl_secs,
            scope: scope.to_string(),
        }
    }

    fn prune(&mut self, now: Timestamp) {
        // Expired device codes stay a little longer so a late poll still hears
        // `expired_token` rather than `invalid_grant`.
        let grace = secs(DEVICE_CODE_TTL_SECS);
        self.devices.retain(|_, d| now < d.expires_at + grace);
        self.access.retain(|_, g| now < g.expires_at);
        self.refresh.retain(|_, g| now < g.expires_at);
    }
}

fn secs(n: u64) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(n).unwrap_or(i64::MAX / 1000))
}

fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{hex}")
}

fn user_code() -> String {
    let mut rng = rand::rng();
    let mut pick = || USER_CODE_ALPHABET[rng.random_range(0..USER_CODE_ALPHABET.len())] as char;
    let a: String = (0..4).map(|_| pick()).collect();
    let b: String = (0..4).map(|_| pick()).collect();
    format!("{a}-{b}")
}

fn normalize_user_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    const CLIENT: &str = "catalyst-tui";

    fn t(base: Timestamp, s: i64) -> Timestamp {
        base + TimeDelta::seconds(s)
    }

    #[test]
    fn pending_then_slow_down_then_approved() {
        let now = Utc::now();
        let mut s = Sessions::default();
        let d = s.start_device(CLIENT, "openid", now);
        assert_eq!(d.user_code.len(), 9);
        assert_eq!(
            s.poll(&d.device_code, CLIENT, now, 300),
            Err(GrantError::AuthorizationPending)
        );
        // Faster than the interval: slow down, and the interval grows by 5 s.
        assert_eq!(
            s.poll(&d.device_code, CLIENT, now, 300),
            Err(GrantError::SlowDown)
        );
        assert_eq!(
            s.poll(&d.device_code, CLIENT, t(now, 3), 300),
            Err(GrantError::SlowDown),
            "3 s is still under the widened 6 s interval"
        );
        s.decide(
            &d.user_code.to_lowercase().replace('-', ""),
            Some("layla"),
            t(now, 4),
        )
        .unwrap();
        let issued = s.poll(&d.device_code, CLIENT, t(now, 20), 300).unwrap();
        assert_eq!(s.resolve(&issued.access_token, t(now, 21)), Some("layla"));
        assert_eq!(s.resolve(&issued.access_token, t(now, 20 + 300)), None);
        // The device code is spent.
        assert_eq!(
            s.poll(&d.device_code, CLIENT, t(now, 40), 300),
            Err(GrantError::InvalidGrant)
        );
    }

    #[test]
    fn denied_and_expired_codes() {
        let now = Utc::now();
        let mut s = Sessions::default();
        let d = s.start_device(CLIENT, "", now);
        s.decide(&d.user_code, None, now).unwrap();
        assert_eq!(
            s.decide(&d.user_code, Some("x"), now),
            Err(DecideError::AlreadyDecided)
        );
        assert_eq!(
            s.poll(&d.device_code, CLIENT, now, 300),
            Err(GrantError::AccessDenied)
        );

        let d = s.start_device(CLIENT, "", now);
        let late = t(now, DEVICE_CODE_TTL_SECS as i64 + 1);
        assert_eq!(
            s.decide(&d.user_code, Some("x"), late),
            Err(DecideError::Expired)
        );
        assert_eq!(
            s.poll(&d.device_code, CLIENT, late, 300),
            Err(GrantError::ExpiredToken)
        );
        assert_eq!(
            s.decide("ZZZZ-ZZZZ", Some("x"), now),
            Err(DecideError::UnknownCode)
        );
    }

    #[test]
    fn refresh_rotates_and_spent_tokens_fail() {
        let now = Utc::now();
        let mut s = Sessions::default();
        let d = s.start_device(CLIENT, "openid", now);
        s.decide(&d.user_code, Some("omar"), now).unwrap();
        let first = s.poll(&d.device_code, CLIENT, now, 300).unwrap();
        let second = s
            .refresh(&first.refresh_token, CLIENT, t(now, 400), 300)
            .unwrap();
        assert_ne!(first.refresh_token, second.refresh_token);
        assert_ne!(first.access_token, second.access_token);
        assert_eq!(s.resolve(&second.access_token, t(now, 401)), Some("omar"));
        assert_eq!(
            s.refresh(&first.refresh_token, CLIENT, t(now, 402), 300),
            Err(GrantError::InvalidGrant)
        );
        assert_eq!(
            s.refresh(&second.refresh_token, "other", t(now, 403), 300),
            Err(GrantError::InvalidClient)
        );
        assert_eq!(
            s.refresh(
                &second.refresh_token,
                CLIENT,
                t(now, REFRESH_TTL_SECS + 1000),
                300
            ),
            Err(GrantError::InvalidGrant)
        );
    }

    #[test]
    fn debug_never_shows_a_token() {
        let now = Utc::now();
        let mut s = Sessions::default();
        let d = s.start_device(CLIENT, "", now);
        s.decide(&d.user_code, Some("a"), now).unwrap();
        let issued = s.poll(&d.device_code, CLIENT, now, 300).unwrap();
        let shown = format!("{s:?} {issued:?}");
        assert!(!shown.contains(&issued.access_token));
        assert!(!shown.contains(&issued.refresh_token));
    }
}
