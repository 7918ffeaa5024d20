//! The random values of one authorization request: the PKCE code verifier and its S256
//! challenge (RFC 7636), `state` and `nonce`.
//!
//! Must not log or format the verifier: it stays in a [`SecretString`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretString};

/// `n` random bytes, base64url without padding (only unreserved characters).
pub(crate) fn random_text(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh code verifier: 48 random bytes, 64 unreserved characters (RFC 7636 §4.1 asks
/// for 43 to 128).
pub(crate) fn new_verifier() -> SecretString {
    SecretString::from(random_text(48))
}

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
pub fn s256_challenge(verifier: &SecretString) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.expose_secret().as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let verifier = SecretString::from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            s256_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_long_unreserved_and_fresh() {
        let a = new_verifier();
        let b = new_verifier();
        let text = a.expose_secret();
        assert!((43..=128).contains(&text.len()), "{}", text.len());
        assert!(
            text.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(text, b.expose_secret());
    }
}
