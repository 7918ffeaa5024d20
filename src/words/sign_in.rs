//! Words of signing in to a real Sovereign through its Keycloak realm (`catalyst-tui
//! login`, and the console's sign-in prompts).

use std::time::Duration;

pub const LOGIN_OPEN_URL: &str = "Open this page in a browser to sign in:";
pub const LOGIN_WAITING: &str = "Waiting for the browser to come back to";
pub const LOGIN_PASTE_CODE: &str = "After signing in, paste the code the page shows, then Enter:";
pub const LOGIN_NO_ISSUER: &str = "login needs the Sovereign's OpenID Connect issuer: give \
     --oidc-issuer URL (e.g. https://auth.example/realms/sovereign), CATALYST_OIDC_ISSUER or \
     the profile's oidc_issuer";
pub const LOGIN_NO_API: &str = "login needs the Sovereign's console API (the tokens are cached \
     for its profile): give --api-url URL, CATALYST_API_URL or a profile with api_url";
pub const LOGIN_PASSWORD_TTY: &str = "--password-stdin reads the password from a pipe, not a \
     terminal: e.g. `printf '%s\\n' \"$PASSWORD\" | catalyst-tui login --username NAME --password-stdin`";
pub const LOGIN_NO_PASSWORD: &str = "no password came on standard input";

/// "signed in as layla (expires in 900 s)".
pub fn signed_in(name: Option<&str>, expires_in: Option<Duration>) -> String {
    let who = name.unwrap_or("an unnamed identity");
    match expires_in {
        Some(d) => format!("signed in as {who} (expires in {} s)", d.as_secs()),
        None => format!("signed in as {who}"),
    }
}
