//! The signing key of the sandbox's Keycloak-like issuer: one RSA-2048 key per process,
//! generated in the background when the first sandbox starts, published as a JWKS, and
//! used to sign and verify RS256 JWTs.
//!
//! Key generation uses the `rsa` crate (ring cannot generate RSA keys); signing and
//! verification use ring, which the TLS stack already builds. One key per process rather
//! than per sandbox: a `catalyst-tui sandbox` process serves one sandbox anyway, and a test
//! binary starting dozens of sandboxes would otherwise spend most of its time finding
//! primes. Tokens name their issuer (`iss`), which each sandbox checks, so sandboxes of
//! one process still do not accept each other's tokens.
//!
//! Must not hand out the private key: only the JWKS and signatures leave this module.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, RsaPublicKeyComponents};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The key id published in the JWKS and in every token header.
pub const KEY_ID: &str = "sandbox-rs256";

/// The signing key and its public parts.
pub struct SigningKey {
    pair: RsaKeyPair,
    /// Big-endian modulus.
    n: Vec<u8>,
    /// Big-endian public exponent.
    e: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &KEY_ID)
            .finish_non_exhaustive()
    }
}

static KEY: OnceLock<Result<SigningKey, String>> = OnceLock::new();

/// Starts generating the key on a thread of its own, so a sandbox starts at once.
pub fn warm_up() {
    if KEY.get().is_none() {
        // Detached on purpose: it only fills the process-wide key.
        drop(std::thread::spawn(|| {
            let _ = key();
        }));
    }
}

/// The key, generating it on first use (blocks while another thread generates it).
pub fn key() -> Result<&'static SigningKey, String> {
    KEY.get_or_init(generate).as_ref().map_err(Clone::clone)
}

/// The key when it exists already (never blocks).
pub fn existing_key() -> Option<&'static SigningKey> {
    KEY.get().and_then(|k| k.as_ref().ok())
}

/// The key, generated on a blocking thread when needed (for async handlers).
pub async fn key_async() -> Result<&'static SigningKey, String> {
    if let Some(k) = existing_key() {
        return Ok(k);
    }
    tokio::task::spawn_blocking(key)
        .await
        .map_err(|e| format!("key generation stopped: {e}"))?
}

fn generate() -> Result<SigningKey, String> {
    use rsa::pkcs8::EncodePrivateKey as _;
    use rsa::traits::PublicKeyParts as _;
    let mut rng = rsa::rand_core::OsRng;
    let private = rsa::RsaPrivateKey::new(&mut rng, 2048)
        .map_err(|e| format!("could not generate the RSA key: {e}"))?;
    let der = private
        .to_pkcs8_der()
        .map_err(|e| format!("could not encode the RSA key: {e}"))?;
    let pair = RsaKeyPair::from_pkcs8(der.as_bytes())
        .map_err(|e| format!("ring refused the RSA key: {e}"))?;
    Ok(SigningKey {
        pair,
        n: private.n().to_bytes_be(),
        e: private.e().to_bytes_be(),
    })
}

/// One entry of a JWKS (RFC 7517).
#[derive(Debug, Clone, Serialize)]
pub struct Jwk {
    pub kid: &'static str,
    pub kty: &'static str,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub n: String,
    pub e: String,
}

impl SigningKey {
    /// The public key as a JWK.
    pub fn jwk(&self) -> Jwk {
        Jwk {
            kid: KEY_ID,
            kty: "RSA",
            alg: "RS256",
            use_: "sig",
            n: URL_SAFE_NO_PAD.encode(&self.n),
            e: URL_SAFE_NO_PAD.encode(&self.e),
        }
    }

    /// A compact RS256 JWT of `claims`, with `kid` in its header.
    pub fn sign<C: Serialize>(&self, claims: &C) -> Result<String, String> {
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": KEY_ID});
        let enc = |v: &[u8]| URL_SAFE_NO_PAD.encode(v);
        let header = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
        let body = serde_json::to_vec(claims).map_err(|e| e.to_string())?;
        let input = format!("{}.{}", enc(&header), enc(&body));
        let mut sig = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| "could not sign the token".to_string())?;
        Ok(format!("{input}.{}", enc(&sig)))
    }

    /// The claims of `jwt` when it is an RS256 JWT of this key (signature and `kid`
    /// checked; expiry and issuer are the caller's).
    pub fn verify<C: DeserializeOwned>(&self, jwt: &str) -> Option<C> {
        let mut parts = jwt.split('.');
        let (h, b, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" || header.get("kid")?.as_str()? != KEY_ID {
            return None;
        }
        let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
        let public = RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        };
        let input = &jwt[..h.len() + 1 + b.len()];
        public
            .verify(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                input.as_bytes(),
                &sig,
            )
            .ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(b).ok()?).ok()
    }
}

/// True when `token` looks like a compact JWS (three dot-separated parts), the way
/// catalyst-api tells a JWT from anything else.
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn signs_verifies_and_refuses_tampering() {
        let started = std::time::Instant::now();
        let k = key().unwrap();
        eprintln!("RSA-2048 key ready after {:?}", started.elapsed());
        let jwt = k.sign(&serde_json::json!({"sub": "layla"})).unwrap();
        assert!(looks_like_jwt(&jwt));
        let claims: serde_json::Value = k.verify(&jwt).unwrap();
        assert_eq!(claims["sub"], "layla");
        let mut parts: Vec<&str> = jwt.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"admin"}"#);
        parts[1] = &forged;
        assert!(k.verify::<serde_json::Value>(&parts.join(".")).is_none());
        let jwk = k.jwk();
        assert_eq!(
            (jwk.kty, jwk.alg, jwk.use_, jwk.e.as_str()),
            ("RSA", "RS256", "sig", "AQAB")
        );
    }
}
